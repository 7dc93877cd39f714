/* conv2d / depthwise_conv2d on the reference kernel. */
#include "ir/ops/conv.h"

#include "kernels/ref/conv.h"
#include "runtime/ops/fused_act.h"
#include "runtime/ops/run_util.h"

static oar_status run_conv(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                           oar_error *err) {
  const oar_tensor_view *x, *w;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_CONV_IN_INPUT, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_CONV_IN_FILTER, &w, err));
  OAR_TRY(oar_run_output(n, out, OAR_CONV_OUT_OUTPUT, &y, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_CONV_IN_INPUT, x, OAR_DTYPE_FLOAT32, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_CONV_IN_FILTER, w, OAR_DTYPE_FLOAT32, err));
  const oar_tensor_view *bias = oar_op_input(n, in, OAR_CONV_IN_BIAS);
  const oar_tensor_view *res = oar_op_input(n, in, OAR_CONV_IN_RESIDUAL);
  if (bias) OAR_TRY(oar_run_expect_dtype(n, OAR_CONV_IN_BIAS, bias, OAR_DTYPE_FLOAT32, err));
  if (res) OAR_TRY(oar_run_expect_dtype(n, OAR_CONV_IN_RESIDUAL, res, OAR_DTYPE_FLOAT32, err));

  bool has_act;
  oar_act_params act;
  OAR_TRY(oar_fused_act_parse(oar_op_attr_str(n, OAR_CONV_ATTR_FUSE_ACTIVATION),
                              oar_node_attr_f(n, OAR_CONV_ATTR_FUSE_ALPHA), oar_node_attr_f(n, OAR_CONV_ATTR_FUSE_BETA),
                              &has_act, &act, err));
  oar_conv2d_geom g;
  OAR_TRY(oar_conv2d_geometry(n, &x->shape, &w->shape, &g, err));
  const oar_conv2d_params p = {
      .batch = g.batch,
      .in_c = g.in_c,
      .in_h = g.in_h,
      .in_w = g.in_w,
      .out_c = g.out_c,
      .out_h = g.out_h,
      .out_w = g.out_w,
      .kernel_h = g.kernel_h,
      .kernel_w = g.kernel_w,
      .stride_h = g.stride_h,
      .stride_w = g.stride_w,
      .pad_top = g.pad_top,
      .pad_left = g.pad_left,
      .dilation_h = g.dilation_h,
      .dilation_w = g.dilation_w,
      .groups = g.groups,
      .nhwc = g.nhwc,
  };
  oar_ref_conv2d_f32(&p, x->data, w->data, bias ? bias->data : NULL, res ? res->data : NULL, y->data);
  if (has_act) oar_ref_activation_f32(&act, y->data, y->data, oar_view_numel(y));
  return OAR_OK;
}

oar_status oar_run_conv2d(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                          oar_error *err) {
  return run_conv(node, in, out, err);
}

oar_status oar_run_depthwise_conv2d(const oar_node *node, const oar_tensor_view *const *in,
                                    oar_tensor_view *out, oar_error *err) {
  return run_conv(node, in, out, err);
}
