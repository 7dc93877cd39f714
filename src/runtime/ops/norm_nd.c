/* instance_norm_nd, layer_norm_axis, lrn_nd on the reference kernels, and
 * the prepared row-normalization path (runtime/ops/norm_rows.h) of the
 * first two. */
#include "ir/ops/op_ext.h"
#include "kernels/ref/norm_nd.h"
#include "runtime/ops/norm_rows.h"
#include "runtime/ops/run_util.h"

static oar_status get_xy(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                         const oar_tensor_view **x, oar_tensor_view **y, oar_error *err) {
  OAR_TRY(oar_op_require_input(n, in, OAR_NORM_IN_X, x, err));
  OAR_TRY(oar_run_output(n, out, OAR_NORM_OUT_Y, y, err));
  return oar_run_expect_dtype(n, OAR_NORM_IN_X, *x, OAR_DTYPE_FLOAT32, err);
}

static oar_status get_scale_bias(const oar_node *n, const oar_tensor_view *const *in, int64_t want,
                                 const oar_tensor_view **s, const oar_tensor_view **b, oar_error *err) {
  OAR_TRY(oar_op_require_input(n, in, OAR_NORM_IN_SCALE, s, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_NORM_IN_SCALE, *s, OAR_DTYPE_FLOAT32, err));
  *b = oar_op_input(n, in, OAR_NORM_IN_BIAS);
  if (*b) OAR_TRY(oar_run_expect_dtype(n, OAR_NORM_IN_BIAS, *b, OAR_DTYPE_FLOAT32, err));
  int64_t sn = oar_view_numel(*s);
  if (sn != want && sn != 1)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "scale has %lld values, expected %lld", (long long)sn,
                         (long long)want);
  if (*b && oar_view_numel(*b) != sn)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "bias has %lld values, scale %lld",
                         (long long)oar_view_numel(*b), (long long)sn);
  return OAR_OK;
}

/* layer_norm_axis: the rows before `axis`, n values each. */
static void lnorm_split(const oar_node *node, const oar_shape *x, int64_t *rows, int64_t *n) {
  int64_t axis = oar_node_attr_i(node, OAR_LNORM_ATTR_AXIS);
  if (axis < 0) axis += x->rank;
  *rows = *n = 1;
  for (int i = 0; i < x->rank; i++) *(i < axis ? rows : n) *= x->dims[i];
}

oar_status oar_run_instance_norm_nd(const oar_node *node, const oar_tensor_view *const *in,
                                    oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x, *s, *b;
  oar_tensor_view *y;
  OAR_TRY(get_xy(node, in, out, &x, &y, err));
  const int64_t c = x->shape.dims[1];
  OAR_TRY(get_scale_bias(node, in, c, &s, &b, err));
  if (oar_view_numel(s) != c) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "scale must have C values");
  int64_t inner = 1;
  for (int i = 2; i < x->shape.rank; i++) inner *= x->shape.dims[i];
  oar_ref_norm_rows_f32(x->data, y->data, x->shape.dims[0] * c, inner,
                        oar_node_attr_f(node, OAR_INORM_ATTR_EPSILON), s->data, b ? b->data : NULL, c, 1, c,
                        NULL, NULL);
  return OAR_OK;
}

oar_status oar_run_layer_norm_axis(const oar_node *node, const oar_tensor_view *const *in,
                                   oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x, *s, *b;
  oar_tensor_view *y;
  OAR_TRY(get_xy(node, in, out, &x, &y, err));
  int64_t rows, n;
  lnorm_split(node, &x->shape, &rows, &n);
  OAR_TRY(get_scale_bias(node, in, n, &s, &b, err));
  oar_tensor_view *mean = oar_op_output(node, out, 1), *inv = oar_op_output(node, out, 2);
  oar_ref_norm_rows_f32(x->data, y->data, rows, n, oar_node_attr_f(node, OAR_LNORM_ATTR_EPSILON), s->data,
                        b ? b->data : NULL, oar_view_numel(s), 0, 1, mean ? mean->data : NULL,
                        inv ? inv->data : NULL);
  return OAR_OK;
}

/* Both prepares decline (the reference runs, and reports any error) when
 * the run function would fail. */
oar_status oar_prepare_instance_norm_nd(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  const oar_tensor_view *x, *s, *b;
  oar_tensor_view *y;
  oar_error ignored;
  if (get_xy(ctx->node, ctx->in, (oar_tensor_view *)ctx->out, &x, &y, &ignored) != OAR_OK ||
      x->shape.rank < 2)
    return OAR_OK;
  const int64_t c = x->shape.dims[1];
  if (get_scale_bias(ctx->node, ctx->in, c, &s, &b, &ignored) != OAR_OK || oar_view_numel(s) != c || c <= 0)
    return OAR_OK;
  int64_t inner = 1;
  for (int i = 2; i < x->shape.rank; i++) inner *= x->shape.dims[i];
  const oar_norm_rows p = {.n = (size_t)inner,
                           .eps = oar_node_attr_f(ctx->node, OAR_INORM_ATTR_EPSILON),
                           .affine = OAR_NORM_AFFINE_SEG,
                           .segs = 1,
                           .cycle = (size_t)c};
  return oar_norm_rows_prepare(&p, (size_t)(x->shape.dims[0] * c), "norm rows (instance)", state, err);
}

oar_status oar_prepare_layer_norm_axis(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  const oar_tensor_view *x, *s, *b;
  oar_tensor_view *y;
  oar_error ignored;
  if (get_xy(ctx->node, ctx->in, (oar_tensor_view *)ctx->out, &x, &y, &ignored) != OAR_OK) return OAR_OK;
  int64_t rows, n;
  lnorm_split(ctx->node, &x->shape, &rows, &n);
  if (get_scale_bias(ctx->node, ctx->in, n, &s, &b, &ignored) != OAR_OK) return OAR_OK;
  const oar_norm_rows p = {.n = (size_t)n,
                           .eps = oar_node_attr_f(ctx->node, OAR_LNORM_ATTR_EPSILON),
                           .affine = oar_view_numel(s) == n ? OAR_NORM_AFFINE_ELEM : OAR_NORM_AFFINE_ONE,
                           .stat_is_inv = true};
  return oar_norm_rows_prepare(&p, (size_t)rows, "norm rows (layer)", state, err);
}

oar_status oar_run_lrn_nd(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                          oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(get_xy(node, in, out, &x, &y, err));
  if (x->shape.rank < 2) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input must have rank >= 2");
  int64_t size;
  OAR_TRY(oar_op_attr_int(node, OAR_LRN_ATTR_SIZE, 1, OAR_ATTR_SIZE_MAX, &size, err));
  int64_t inner = 1;
  for (int i = 2; i < x->shape.rank; i++) inner *= x->shape.dims[i];
  oar_ref_lrn_f32(x->data, y->data, x->shape.dims[0], x->shape.dims[1], inner, size,
                  oar_node_attr_f(node, OAR_LRN_ATTR_ALPHA), oar_node_attr_f(node, OAR_LRN_ATTR_BETA),
                  oar_node_attr_f(node, OAR_LRN_ATTR_BIAS));
  return OAR_OK;
}
