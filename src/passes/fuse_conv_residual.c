/* elementwise_add(conv2d(...), r) with r of the conv output's shape
 * becomes conv2d(..., ResidualData = r). Of the two inputs of the add, the
 * conv that comes later in the schedule takes the other as its residual,
 * so the residual is always computed before the conv reads it. */
#include "ir/ops/conv.h"
#include "ir/ops/elementwise.h"
#include "passes/conv_match.h"

static bool candidate(const oar_pass_ctx *ctx, int value, int add) {
  int p = ctx->graph->values[value].producer;
  return p >= 0 && p < add && oar_pass_is_plain_conv(ctx, p) && !oar_pass_conv_has_activation(ctx, p) &&
         !oar_pass_conv_has_residual(ctx, p) && oar_pass_sole_consumer(ctx, value) == add;
}

/* Same declared shape, so the add does not broadcast (Paddle declares the
 * batch dim as -1 in both). */
static bool same_declared_shape(const oar_pass_ctx *ctx, int a, int b) {
  const oar_shape *x = &ctx->graph->values[a].shape, *y = &ctx->graph->values[b].shape;
  if (x->rank != 4 || !oar_shape_equal(x, y)) return false;
  for (int d = 1; d < 4; d++)
    if (x->dims[d] < 0) return false;
  return true;
}

oar_status oar_pass_fuse_conv_residual(oar_pass_ctx *ctx, oar_error *err) {
  oar_graph *g = ctx->graph;
  for (int add = 0; add < g->num_nodes; add++) {
    if (ctx->dead[add] || g->nodes[add].schema->id != OAR_OP_elementwise_add) continue;
    int x = oar_pass_input(ctx, add, OAR_EW_IN_X), y = oar_pass_input(ctx, add, OAR_EW_IN_Y);
    bool cx = candidate(ctx, x, add), cy = candidate(ctx, y, add);
    if (!cx && !cy) continue;
    if (oar_pass_is_const(ctx, x) || oar_pass_is_const(ctx, y)) continue;
    if (oar_node_attr_i(&g->nodes[add], OAR_EW_ATTR_AXIS) != -1 || !same_declared_shape(ctx, x, y)) {
      oar_pass_note(ctx, "%s: the add may broadcast", oar_pass_node_name(ctx, add));
      continue;
    }
    /* The host conv is the later one; the residual must exist before it. */
    int host_value = x, residual = y;
    if (cx && cy) {
      if (g->values[y].producer > g->values[x].producer) host_value = y, residual = x;
    } else if (cy) {
      host_value = y, residual = x;
    }
    int host = g->values[host_value].producer;
    int rp = g->values[residual].producer;
    if (rp >= host) {
      oar_pass_note(ctx, "%s: the residual is computed after the conv", oar_pass_node_name(ctx, add));
      continue;
    }
    OAR_TRY(oar_pass_set_input(ctx, host, OAR_CONV_IN_RESIDUAL, residual, err));
    oar_pass_conv_take_output(ctx, host, add, oar_pass_output(ctx, add, OAR_EW_OUT_OUT));
    ctx->report->fired++;
  }
  return OAR_OK;
}
