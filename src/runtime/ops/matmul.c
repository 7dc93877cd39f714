/* matmul, matmul_v2, mul and fc on the reference kernels (float32). */
#include "ir/ops/matmul.h"

#include <string.h>

#include "kernels/ref/matmul.h"
#include "runtime/ops/fused_act.h"
#include "runtime/ops/run_util.h"

typedef oar_status (*geometry_fn)(const oar_node *, const oar_shape *, const oar_shape *, oar_matmul_geom *,
                                  oar_error *);

static oar_status run_product(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                              geometry_fn geometry, float alpha, oar_error *err) {
  const oar_tensor_view *x, *y;
  oar_tensor_view *z;
  OAR_TRY(oar_op_require_input(n, in, OAR_MATMUL_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_MATMUL_IN_Y, &y, err));
  OAR_TRY(oar_run_output(n, out, OAR_MATMUL_OUT_OUT, &z, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_MATMUL_IN_X, x, OAR_DTYPE_FLOAT32, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_MATMUL_IN_Y, y, OAR_DTYPE_FLOAT32, err));
  oar_matmul_geom g;
  OAR_TRY(geometry(n, &x->shape, &y->shape, &g, err));
  oar_matmul_params p = {
      .m = g.m,
      .n = g.n,
      .k = g.k,
      .trans_x = g.trans_x,
      .trans_y = g.trans_y,
      .alpha = alpha,
      .batch_rank = g.batch_rank,
  };
  memcpy(p.batch_dims, g.batch_dims, sizeof p.batch_dims);
  memcpy(p.x_batch_strides, g.x_batch_strides, sizeof p.x_batch_strides);
  memcpy(p.y_batch_strides, g.y_batch_strides, sizeof p.y_batch_strides);
  oar_ref_matmul_f32(&p, x->data, y->data, z->data);
  return OAR_OK;
}

oar_status oar_run_matmul(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                          oar_error *err) {
  const float alpha = (float)oar_node_attr_f(node, OAR_MATMUL_ATTR_ALPHA);
  return run_product(node, in, out, oar_matmul_v1_geometry, alpha, err);
}

oar_status oar_run_matmul_v2(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  return run_product(node, in, out, oar_matmul_v2_geometry, 1.0f, err);
}

oar_status oar_run_mul(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                       oar_error *err) {
  return run_product(node, in, out, oar_mul_geometry, 1.0f, err);
}

oar_status oar_run_fc(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                      oar_error *err) {
  const oar_tensor_view *x, *w;
  oar_tensor_view *z;
  OAR_TRY(oar_op_require_input(n, in, OAR_FC_IN_INPUT, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_FC_IN_W, &w, err));
  OAR_TRY(oar_run_output(n, out, OAR_FC_OUT_OUT, &z, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_FC_IN_INPUT, x, OAR_DTYPE_FLOAT32, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_FC_IN_W, w, OAR_DTYPE_FLOAT32, err));
  const oar_tensor_view *bias = oar_op_input(n, in, OAR_FC_IN_BIAS);
  if (bias) OAR_TRY(oar_run_expect_dtype(n, OAR_FC_IN_BIAS, bias, OAR_DTYPE_FLOAT32, err));
  bool has_act;
  oar_act_params act;
  OAR_TRY(oar_fused_act_parse(oar_op_attr_str(n, OAR_FC_ATTR_ACTIVATION_TYPE),
                              oar_node_attr_f(n, OAR_FC_ATTR_FUSE_ALPHA), oar_node_attr_f(n, OAR_FC_ATTR_FUSE_BETA),
                              &has_act, &act, err));
  const bool relu = has_act && act.kind == OAR_ACT_RELU;
  oar_matmul_geom g;
  int64_t ldw;
  OAR_TRY(oar_fc_geometry(n, &x->shape, &w->shape, &g, &ldw, err));
  if (bias && oar_view_numel(bias) != g.n)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input 'Bias' has %lld values, expected %lld",
                         (long long)oar_view_numel(bias), (long long)g.n);
  oar_ref_fc_f32(g.m, g.n, g.k, x->data, w->data, ldw, bias ? bias->data : NULL, relu, z->data);
  if (has_act && !relu) oar_ref_activation_f32(&act, z->data, z->data, oar_view_numel(z));
  return OAR_OK;
}
