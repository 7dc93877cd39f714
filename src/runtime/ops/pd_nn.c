/* prelu, group_norm, norm on the reference kernels; group_norm also on a
 * prepared path: NCHW on the row normalizations (runtime/ops/norm_rows.h),
 * NHWC on per-channel sums (kernels/generic/f32_norm.h). */
#include <string.h>

#include "ir/ops/op_ext.h"
#include "ir/ops/pd_ops.h"
#include "kernels/ref/math_ext.h"
#include "kernels/ref/pd_nn.h"
#include "runtime/kernel_state.h"
#include "runtime/ops/norm_rows.h"
#include "runtime/ops/run_util.h"
#include "runtime/parallel_rows.h"

/* prelu is binary_math's PRELU with Alpha viewed at the dims its mode
 * reads it at: one value, C at the channel dim (numpy broadcasting alone
 * would align a [C] Alpha with NCHW's last dim), or X's dims past the
 * batch. */
oar_status oar_run_prelu(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                         oar_error *err) {
  const oar_tensor_view *x, *a;
  oar_tensor_view *z;
  OAR_TRY(oar_op_require_input(node, in, OAR_PRELU_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_PRELU_IN_ALPHA, &a, err));
  OAR_TRY(oar_run_output(node, out, 0, &z, err));
  OAR_TRY(oar_run_expect_dtype(node, OAR_PRELU_IN_X, x, OAR_DTYPE_FLOAT32, err));
  const char *mode = oar_op_attr_str(node, OAR_PRELU_ATTR_MODE);
  bool nhwc;
  OAR_TRY(oar_op_parse_nhwc(node, OAR_PRELU_ATTR_DATA_FORMAT, &nhwc, err));
  oar_shape alpha = {.rank = x->shape.rank};
  for (int i = 0; i < alpha.rank; i++) {
    if (strcmp(mode, "element") == 0)
      alpha.dims[i] = i == 0 ? 1 : x->shape.dims[i];
    else if (strcmp(mode, "channel") == 0)
      alpha.dims[i] = i == (nhwc ? alpha.rank - 1 : 1) ? x->shape.dims[i] : 1;
    else
      alpha.dims[i] = 1;
  }
  if (oar_shape_numel(&alpha) != oar_view_numel(a))
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input 'Alpha' has %lld values; mode %s wants %lld",
                         (long long)oar_view_numel(a), mode, (long long)oar_shape_numel(&alpha));
  oar_bcast b = {.rank = z->shape.rank};
  for (int i = 0; i < b.rank; i++) b.dims[i] = z->shape.dims[i];
  oar_ref_bcast_strides(&x->shape, &z->shape, b.strides[0]);
  oar_ref_bcast_strides(&alpha, &z->shape, b.strides[1]);
  oar_ref_binary_math(OAR_BMATH_PRELU, &b, x->dtype, x->data, a->dtype, a->data, z->dtype, z->data);
  return OAR_OK;
}

oar_status oar_run_group_norm(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, OAR_GNORM_IN_X, &x, err));
  OAR_TRY(oar_run_output(node, out, OAR_GNORM_OUT_Y, &y, err));
  OAR_TRY(oar_run_expect_dtype(node, OAR_GNORM_IN_X, x, OAR_DTYPE_FLOAT32, err));
  const oar_tensor_view *s = oar_op_input(node, in, OAR_GNORM_IN_SCALE),
                        *b = oar_op_input(node, in, OAR_GNORM_IN_BIAS);
  if (s) OAR_TRY(oar_run_expect_dtype(node, OAR_GNORM_IN_SCALE, s, OAR_DTYPE_FLOAT32, err));
  if (b) OAR_TRY(oar_run_expect_dtype(node, OAR_GNORM_IN_BIAS, b, OAR_DTYPE_FLOAT32, err));
  bool nhwc;
  OAR_TRY(oar_op_parse_nhwc(node, OAR_GNORM_ATTR_DATA_LAYOUT, &nhwc, err));
  const int rank = x->shape.rank;
  const int64_t c = x->shape.dims[nhwc ? rank - 1 : 1], groups = oar_node_attr_i(node, OAR_GNORM_ATTR_GROUPS);
  int64_t inner = 1;
  for (int i = 1; i < rank; i++) inner *= x->shape.dims[i];
  inner = c ? inner / c : 0;
  oar_tensor_view *mean = oar_op_output(node, out, OAR_GNORM_OUT_MEAN),
                  *var = oar_op_output(node, out, OAR_GNORM_OUT_VARIANCE);
  oar_ref_group_norm_f32(x->data, y->data, x->shape.dims[0], c, inner, groups, nhwc,
                         oar_node_attr_f(node, OAR_GNORM_ATTR_EPSILON), s ? s->data : NULL,
                         b ? b->data : NULL, mean ? mean->data : NULL, var ? var->data : NULL);
  return OAR_OK;
}

/* NHWC: oar_f32_group_norm_nhwc per batch item, the items split over the
 * pool, each with its slice of the workspace. */
typedef struct gn_nhwc_state {
  oar_simple_state s;
  size_t batch, pixels, c, groups;
  double eps;
} gn_nhwc_state;

typedef struct gn_nhwc_job {
  const gn_nhwc_state *st;
  const float *x, *scale, *bias;
  float *y, *mean, *var;
  double *work;
} gn_nhwc_job;

static void gn_nhwc_range(void *ctx, size_t begin, size_t end) {
  const gn_nhwc_job *j = ctx;
  const gn_nhwc_state *st = j->st;
  const size_t item = st->pixels * st->c;
  for (size_t b = begin; b < end; b++)
    oar_f32_group_norm_nhwc(j->x + b * item, j->y + b * item, st->pixels, st->c, st->groups, st->eps,
                            j->scale, j->bias, j->mean ? j->mean + b * st->groups : NULL,
                            j->var ? j->var + b * st->groups : NULL, j->work + b * 6 * st->c);
}

static float *gn_out(const oar_node *n, oar_tensor_view *out, int slot) {
  oar_tensor_view *v = oar_op_output(n, out, slot);
  return v ? v->data : NULL;
}

static oar_status run_group_norm_nhwc(const oar_op_state *state, const oar_node *node,
                                      const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                                      oar_error *err) {
  const gn_nhwc_state *st = (const gn_nhwc_state *)state;
  const oar_tensor_view *x = oar_op_input(node, in, OAR_GNORM_IN_X),
                        *s = oar_op_input(node, in, OAR_GNORM_IN_SCALE),
                        *b = oar_op_input(node, in, OAR_GNORM_IN_BIAS);
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(node, out, OAR_GNORM_OUT_Y, &y, err));
  gn_nhwc_job j = {st,
                   x->data,
                   s ? s->data : NULL,
                   b ? b->data : NULL,
                   y->data,
                   gn_out(node, out, OAR_GNORM_OUT_MEAN),
                   gn_out(node, out, OAR_GNORM_OUT_VARIANCE),
                   workspace};
  oar_parallel_rows(st->batch, st->pixels * st->c, gn_nhwc_range, &j);
  return OAR_OK;
}

/* Declines where the run function would fail, which then reports the
 * error. */
oar_status oar_prepare_group_norm(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  const oar_node *node = ctx->node;
  const oar_tensor_view *x = oar_op_input(node, ctx->in, OAR_GNORM_IN_X);
  const oar_tensor_view *s = oar_op_input(node, ctx->in, OAR_GNORM_IN_SCALE),
                        *b = oar_op_input(node, ctx->in, OAR_GNORM_IN_BIAS);
  bool nhwc;
  oar_error ignored;
  if (!x || x->dtype != OAR_DTYPE_FLOAT32 || x->shape.rank < 2 || (s && s->dtype != OAR_DTYPE_FLOAT32) ||
      (b && b->dtype != OAR_DTYPE_FLOAT32) ||
      oar_op_parse_nhwc(node, OAR_GNORM_ATTR_DATA_LAYOUT, &nhwc, &ignored) != OAR_OK)
    return OAR_OK;
  const int rank = x->shape.rank;
  const int64_t c = x->shape.dims[nhwc ? rank - 1 : 1], groups = oar_node_attr_i(node, OAR_GNORM_ATTR_GROUPS);
  if (c <= 0 || groups <= 0 || c % groups != 0 || (s && oar_view_numel(s) != c) ||
      (b && oar_view_numel(b) != c))
    return OAR_OK;
  int64_t inner = 1;
  for (int i = 1; i < rank; i++) inner *= x->shape.dims[i];
  inner /= c;
  if (nhwc) {
    gn_nhwc_state *st = oar_state_new(sizeof *st, run_group_norm_nhwc, "group norm nhwc channels");
    if (!st) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing a group norm");
    st->batch = (size_t)x->shape.dims[0];
    st->pixels = (size_t)inner;
    st->c = (size_t)c;
    st->groups = (size_t)groups;
    st->eps = oar_node_attr_f(node, OAR_GNORM_ATTR_EPSILON);
    st->s.base.workspace_bytes = st->batch * 6 * st->c * sizeof(double);
    *state = &st->s.base;
    return OAR_OK;
  }
  const int64_t cpg = c / groups;
  /* Paddle's kernel: Variance is E[x^2] - E[x]^2 clamped at 0; here the
   * centered two-pass variance (the same value, without the cancellation). */
  const oar_norm_rows p = {.n = (size_t)(cpg * inner),
                           .eps = oar_node_attr_f(node, OAR_GNORM_ATTR_EPSILON),
                           .affine = OAR_NORM_AFFINE_SEG,
                           .segs = (size_t)cpg,
                           .cycle = (size_t)groups};
  return oar_norm_rows_prepare(&p, (size_t)(x->shape.dims[0] * groups), "norm rows (group)", state, err);
}

oar_status oar_run_norm(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                        oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, 0, &x, err));
  OAR_TRY(oar_run_output(node, out, OAR_L2NORM_OUT_OUT, &y, err));
  OAR_TRY(oar_run_expect_dtype(node, 0, x, OAR_DTYPE_FLOAT32, err));
  int axis;
  OAR_TRY(oar_op_norm_axis(node, OAR_L2NORM_ATTR_AXIS, oar_node_attr_i(node, OAR_L2NORM_ATTR_AXIS),
                           x->shape.rank, &axis, err));
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < x->shape.rank; i++) {
    if (i < axis) outer *= x->shape.dims[i];
    if (i > axis) inner *= x->shape.dims[i];
  }
  oar_tensor_view *norm = oar_op_output(node, out, OAR_L2NORM_OUT_NORM);
  oar_ref_l2_normalize_f32(x->data, y->data, outer, x->shape.dims[axis], inner,
                           oar_node_attr_f(node, OAR_L2NORM_ATTR_EPSILON), norm ? norm->data : NULL);
  return OAR_OK;
}
