/* pool3d, max_pool*_with_index, unfold, temporal_shift on the reference kernels. */
#include "ir/ops/pd_ops.h"
#include "kernels/ref/pd_pool.h"
#include "runtime/ops/run_util.h"

static oar_status run_pool_index(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                                 oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, 0, &x, err));
  OAR_TRY(oar_run_output(node, out, OAR_POOLIDX_OUT_OUT, &y, err));
  OAR_TRY(oar_run_expect_dtype(node, 0, x, OAR_DTYPE_FLOAT32, err));
  oar_pd_pool_geom g;
  OAR_TRY(oar_pd_pool_index_geometry(node, &x->shape, &g, err));
  oar_tensor_view *mask = oar_op_output(node, out, OAR_POOLIDX_OUT_MASK);
  oar_ref_max_pool_index_f32(x->data, y->data, mask ? mask->data : NULL, x->shape.dims[0] * x->shape.dims[1],
                             g.nsp, g.in, g.out, g.kernel, g.stride, g.pad, g.adaptive);
  return OAR_OK;
}

oar_status oar_run_max_pool2d_with_index(const oar_node *node, const oar_tensor_view *const *in,
                                         oar_tensor_view *out, oar_error *err) {
  return run_pool_index(node, in, out, err);
}

oar_status oar_run_max_pool3d_with_index(const oar_node *node, const oar_tensor_view *const *in,
                                         oar_tensor_view *out, oar_error *err) {
  return run_pool_index(node, in, out, err);
}

oar_status oar_run_pool3d(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                          oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, 0, &x, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  OAR_TRY(oar_run_expect_dtype(node, 0, x, OAR_DTYPE_FLOAT32, err));
  oar_pd_pool3d_geom g;
  OAR_TRY(oar_pd_pool3d_geometry(node, &x->shape, &g, err));
  oar_ref_pool3d_f32(x->data, y->data, g.batch, g.channels, g.nhwc, g.is_max, g.exclusive, g.adaptive, g.in,
                     g.out, g.kernel, g.stride, g.pad);
  return OAR_OK;
}

oar_status oar_run_unfold(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                          oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, 0, &x, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  OAR_TRY(oar_run_expect_dtype(node, 0, x, OAR_DTYPE_FLOAT32, err));
  oar_pd_unfold_geom g;
  OAR_TRY(oar_pd_unfold_geometry(node, &x->shape, &g, err));
  const int64_t *d = x->shape.dims;
  oar_ref_unfold_f32(x->data, y->data, d[0], d[1], d[2], d[3], g.kernel, g.stride, g.dilation, g.pad_begin,
                     g.out);
  return OAR_OK;
}

oar_status oar_run_temporal_shift(const oar_node *node, const oar_tensor_view *const *in,
                                  oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, 0, &x, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  OAR_TRY(oar_run_expect_dtype(node, 0, x, OAR_DTYPE_FLOAT32, err));
  bool nhwc;
  OAR_TRY(oar_op_parse_nhwc(node, OAR_TSHIFT_ATTR_DATA_FORMAT, &nhwc, err));
  const int64_t *d = x->shape.dims, c = d[nhwc ? 3 : 1];
  oar_ref_temporal_shift_f32(x->data, y->data, d[0], oar_node_attr_i(node, OAR_TSHIFT_ATTR_SEG_NUM), c,
                             d[1] * d[2] * d[3] / (c ? c : 1), nhwc,
                             oar_node_attr_f(node, OAR_TSHIFT_ATTR_SHIFT_RATIO));
  return OAR_OK;
}
