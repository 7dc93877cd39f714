#include "passes/conv_match.h"

#include <string.h>

#include "ir/ops/conv.h"
#include "ir/ops/elementwise.h"
#include "ir/ops/infer_util.h"

bool oar_pass_is_plain_conv(const oar_pass_ctx *ctx, int ni) {
  if (ctx->dead[ni]) return false;
  const oar_node *n = &ctx->graph->nodes[ni];
  const oar_op_id id = n->schema->id;
  if (id != OAR_OP_conv2d && id != OAR_OP_depthwise_conv2d && id != OAR_OP_conv2d_int8) return false;
  const char *fmt = oar_op_attr_str(n, OAR_CONV_ATTR_DATA_FORMAT);
  if (strcmp(fmt, "NCHW") != 0 && strcmp(fmt, "AnyLayout") != 0) return false;
  int w = oar_pass_input(ctx, ni, OAR_CONV_IN_FILTER);
  const oar_value *fv = &ctx->graph->values[w];
  const oar_dtype want = id == OAR_OP_conv2d_int8 ? OAR_DTYPE_INT8 : OAR_DTYPE_FLOAT32;
  return oar_pass_is_const(ctx, w) && fv->dtype == want && fv->shape.rank == 4;
}

int64_t oar_pass_conv_out_channels(const oar_pass_ctx *ctx, int ni) {
  return ctx->graph->values[oar_pass_input(ctx, ni, OAR_CONV_IN_FILTER)].shape.dims[0];
}

bool oar_pass_conv_has_activation(const oar_pass_ctx *ctx, int ni) {
  return oar_op_attr_str(&ctx->graph->nodes[ni], OAR_CONV_ATTR_FUSE_ACTIVATION)[0] != '\0';
}

bool oar_pass_conv_has_residual(const oar_pass_ctx *ctx, int ni) {
  return oar_node_input_count(&ctx->graph->nodes[ni], OAR_CONV_IN_RESIDUAL) > 0;
}

void oar_pass_conv_take_output(oar_pass_ctx *ctx, int ni, int dead_ni, int value) {
  oar_pass_kill(ctx, dead_ni);
  oar_node_set_output(ctx->graph, ni, 0, value);
}

bool oar_pass_is_channel_vector(const oar_pass_ctx *ctx, int ew, int value, int64_t channels) {
  if (!oar_pass_is_const(ctx, value)) return false;
  const oar_value *v = &ctx->graph->values[value];
  if (v->dtype != OAR_DTYPE_FLOAT32 || oar_shape_numel(&v->shape) != channels) return false;
  int64_t axis = oar_node_attr_i(&ctx->graph->nodes[ew], OAR_EW_ATTR_AXIS);
  const oar_shape *s = &v->shape;
  if (s->rank == 1) return axis == 1 || (axis == -1 && channels == 1);
  if (axis != -1 && !(axis == 0 && s->rank == 4) && !(axis == 1 && s->rank == 3)) return false;
  if (s->rank == 4) return s->dims[0] == 1 && s->dims[2] == 1 && s->dims[3] == 1;
  if (s->rank == 3) return s->dims[1] == 1 && s->dims[2] == 1;
  return false;
}
