/* conv2d -> activation becomes conv2d with fuse_activation (see
 * runtime/ops/fused_act.h for the names and parameters). */
#include "ir/ops/conv.h"
#include "passes/conv_match.h"

oar_status oar_pass_fuse_conv_activation(oar_pass_ctx *ctx, oar_error *err) {
  oar_graph *g = ctx->graph;
  for (int ni = 0; ni < g->num_nodes; ni++) {
    if (!oar_pass_is_plain_conv(ctx, ni) || oar_pass_conv_has_activation(ctx, ni)) continue;
    int act = oar_pass_sole_consumer(ctx, oar_pass_output(ctx, ni, 0));
    if (act < 0) continue;
    const char *name;
    double alpha, beta;
    if (!oar_pass_activation(ctx, act, &name, &alpha, &beta)) continue;
    OAR_TRY(oar_pass_set_attr_str(ctx, ni, OAR_CONV_ATTR_FUSE_ACTIVATION, name, err));
    OAR_TRY(oar_pass_set_attr_float(ctx, ni, OAR_CONV_ATTR_FUSE_ALPHA, alpha, err));
    OAR_TRY(oar_pass_set_attr_float(ctx, ni, OAR_CONV_ATTR_FUSE_BETA, beta, err));
    oar_pass_conv_take_output(ctx, ni, act, oar_pass_output(ctx, act, 0));
    ctx->report->fired++;
  }
  return OAR_OK;
}
