#include "runtime/ops/conv_io.h"

#include "ir/ops/blocked_layout.h"
#include "ir/ops/conv.h"
#include "runtime/ops/fused_act.h"
#include "runtime/ops/geom_params.h"
#include "runtime/ops/run_util.h"

oar_status oar_conv_read_io(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_conv_io *io, oar_error *err) {
  OAR_TRY(oar_op_require_input(n, in, OAR_CONV_IN_INPUT, &io->x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_CONV_IN_FILTER, &io->w, err));
  OAR_TRY(oar_run_output(n, out, OAR_CONV_OUT_OUTPUT, &io->y, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_CONV_IN_INPUT, io->x, OAR_DTYPE_FLOAT32, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_CONV_IN_FILTER, io->w, OAR_DTYPE_FLOAT32, err));
  io->bias = oar_op_input(n, in, OAR_CONV_IN_BIAS);
  io->res = oar_op_input(n, in, OAR_CONV_IN_RESIDUAL);
  if (io->bias) OAR_TRY(oar_run_expect_dtype(n, OAR_CONV_IN_BIAS, io->bias, OAR_DTYPE_FLOAT32, err));
  if (io->res) OAR_TRY(oar_run_expect_dtype(n, OAR_CONV_IN_RESIDUAL, io->res, OAR_DTYPE_FLOAT32, err));
  OAR_TRY(oar_fused_act_parse(oar_op_attr_str(n, OAR_CONV_ATTR_FUSE_ACTIVATION),
                              oar_node_attr_f(n, OAR_CONV_ATTR_FUSE_ALPHA),
                              oar_node_attr_f(n, OAR_CONV_ATTR_FUSE_BETA), &io->has_act, &io->act, err));
  oar_shape nchw = io->x->shape;
  io->blocked_input = nchw.rank == 5;
  if (io->blocked_input) {
    const int64_t groups = oar_node_attr_i(n, OAR_CONV_ATTR_GROUPS);
    OAR_TRY(oar_blocked_as_nchw(&io->x->shape, "Input", io->w->shape.dims[1] * groups, &nchw, err));
  }
  oar_conv2d_geom g;
  OAR_TRY(oar_conv2d_geometry(n, &nchw, &io->w->shape, &g, err));
  io->p = oar_conv_params_of(&g);
  return oar_conv2d_pad_output(n, io->pad_out, err);
}
