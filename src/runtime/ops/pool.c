/* pool2d on the reference kernel. */
#include "ir/ops/pool.h"

#include "kernels/ref/pool.h"
#include "runtime/ops/run_util.h"

oar_status oar_run_pool2d(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                          oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_POOL_IN_X, &x, err));
  OAR_TRY(oar_run_output(n, out, OAR_POOL_OUT_OUT, &y, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_POOL_IN_X, x, OAR_DTYPE_FLOAT32, err));
  oar_pool2d_geom g;
  OAR_TRY(oar_pool2d_geometry(n, &x->shape, &g, err));
  const oar_pool2d_params p = {
      .batch = g.batch,
      .channels = g.channels,
      .in_h = g.in_h,
      .in_w = g.in_w,
      .out_h = g.out_h,
      .out_w = g.out_w,
      .kernel_h = g.kernel_h,
      .kernel_w = g.kernel_w,
      .stride_h = g.stride_h,
      .stride_w = g.stride_w,
      .pad_top = g.pad_top,
      .pad_left = g.pad_left,
      .is_max = g.is_max,
      .exclusive = g.exclusive,
      .adaptive = g.adaptive,
      .nhwc = g.nhwc,
  };
  oar_ref_pool2d_f32(&p, x->data, y->data);
  return OAR_OK;
}
