/* Marks the blocked 3x3 stride-1 convolutions (dilation 1, groups 1,
 * blocked input) for the Winograd F(2x2, 3x3) kernel
 * (kernels/generic/wino16c.h) where the machine's kernels have one: their
 * multiply-adds drop 2.25x (ResNet-50, one thread: 35.5 -> 30-31 ms). The
 * results differ from the direct sum by a few ulps of the transformed
 * magnitudes; a user who wants the direct kernel deletes this pass
 * (oar_config_delete_pass, --delete-pass winograd_conv). */
#include "ir/ops/conv.h"
#include "ir/ops/infer_util.h"
#include "passes/pass_util.h"

static bool all_ones(const oar_attr *a) {
  if (a->type != OAR_ATTR_INTS || a->n == 0) return false;
  for (size_t i = 0; i < a->n; i++)
    if (a->ints[i] != 1) return false;
  return true;
}

oar_status oar_pass_winograd_conv(oar_pass_ctx *ctx, oar_error *err) {
  if (!ctx->target.winograd) return OAR_OK;
  oar_graph *g = ctx->graph;
  for (int ni = 0; ni < g->num_nodes; ni++) {
    const oar_node *n = &g->nodes[ni];
    if (ctx->dead[ni] || n->schema->id != OAR_OP_conv2d_blocked) continue;
    const int x = oar_pass_input(ctx, ni, OAR_CONV_IN_INPUT), w = oar_pass_input(ctx, ni, OAR_CONV_IN_FILTER);
    if (x < 0 || w < 0 || g->values[x].shape.rank != 5) continue;
    const oar_shape *ws = &g->values[w].shape;
    if (ws->rank != 4 || ws->dims[2] != 3 || ws->dims[3] != 3 ||
        oar_node_attr_i(n, OAR_CONV_ATTR_GROUPS) != 1 || !all_ones(oar_node_attr(n, OAR_CONV_ATTR_STRIDES)) ||
        !all_ones(oar_node_attr(n, OAR_CONV_ATTR_DILATIONS)))
      continue;
    OAR_TRY(oar_pass_set_attr_str(ctx, ni, OAR_CONV_ATTR_ALGORITHM, "winograd", err));
    ctx->report->fired++;
  }
  return OAR_OK;
}
