/* conv2d -> elementwise_add(per-channel constant) becomes conv2d with Bias
 * (added to an existing Bias when there is one). */
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/conv.h"
#include "ir/ops/elementwise.h"
#include "passes/conv_match.h"

oar_status oar_pass_fuse_conv_bias(oar_pass_ctx *ctx, oar_error *err) {
  oar_graph *g = ctx->graph;
  for (int ni = 0; ni < g->num_nodes; ni++) {
    if (!oar_pass_is_plain_conv(ctx, ni) || oar_pass_conv_has_activation(ctx, ni) ||
        oar_pass_conv_has_residual(ctx, ni))
      continue;
    int out = oar_pass_output(ctx, ni, 0);
    int add = oar_pass_sole_consumer(ctx, out);
    if (add < 0 || g->nodes[add].schema->id != OAR_OP_elementwise_add) continue;
    int64_t channels = oar_pass_conv_out_channels(ctx, ni);
    int y = oar_pass_input(ctx, add, OAR_EW_IN_Y);
    if (oar_pass_input(ctx, add, OAR_EW_IN_X) != out || !oar_pass_is_channel_vector(ctx, add, y, channels)) {
      oar_pass_note(ctx, "%s: the add after it is not a per-channel constant", oar_pass_node_name(ctx, ni));
      continue;
    }
    /* The new bias: [C], the old one plus this one. */
    float *bias = oar_malloc((size_t)channels * sizeof *bias);
    if (!bias) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory fusing conv bias");
    memcpy(bias, g->values[y].data, (size_t)channels * sizeof *bias);
    int old = oar_pass_input(ctx, ni, OAR_CONV_IN_BIAS);
    if (old >= 0) {
      const float *ob = g->values[old].data;
      for (int64_t c = 0; c < channels; c++) bias[c] += ob[c];
    }
    oar_shape shape = oar_shape_make(1, &channels);
    int bias_id;
    oar_status st = oar_pass_add_constant(ctx, g->values[y].name, OAR_DTYPE_FLOAT32, &shape, bias,
                                          (size_t)channels * sizeof *bias, &bias_id, err);
    oar_free(bias);
    OAR_TRY(st);
    OAR_TRY(oar_pass_set_input(ctx, ni, OAR_CONV_IN_BIAS, bias_id, err));
    oar_pass_conv_take_output(ctx, ni, add, oar_pass_output(ctx, add, OAR_EW_OUT_OUT));
    ctx->report->fired++;
  }
  return OAR_OK;
}
