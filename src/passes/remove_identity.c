/* Removes ops that copy their input unchanged at inference: dropout in
 * upscale_in_train mode, scale(1, 0), assign, and cast to the same dtype.
 * Readers of the output read the input instead; when the output is a graph
 * output (whose name is the model's API), the input's producer writes the
 * output directly if nothing else reads the input. */
#include <string.h>

#include "ir/ops/infer_util.h"
#include "ir/ops/math.h"
#include "passes/pass_util.h"

static bool is_identity(const oar_pass_ctx *ctx, int ni) {
  const oar_node *n = &ctx->graph->nodes[ni];
  switch (n->schema->id) {
    case OAR_OP_assign: return true;
    case OAR_OP_dropout:
      return strcmp(oar_op_attr_str(n, OAR_DROPOUT_ATTR_IMPLEMENTATION), "upscale_in_train") == 0;
    case OAR_OP_scale:
      return oar_node_input_count(n, OAR_SCALE_IN_SCALE_TENSOR) == 0 &&
             oar_node_attr_f(n, OAR_SCALE_ATTR_SCALE) == 1.0 &&
             oar_node_attr_f(n, OAR_SCALE_ATTR_BIAS) == 0.0;
    case OAR_OP_cast: {
      int x = oar_pass_input(ctx, ni, OAR_CAST_IN_X);
      int y = oar_pass_output(ctx, ni, OAR_CAST_OUT_OUT);
      oar_dtype dx = ctx->graph->values[x].dtype, dy = ctx->graph->values[y].dtype;
      return dx != OAR_DTYPE_UNKNOWN && dx == dy;
    }
    default: return false;
  }
}

static bool is_graph_output(const oar_graph *g, int v) {
  for (int i = 0; i < g->num_outputs; i++)
    if (g->outputs[i] == v) return true;
  return false;
}

oar_status oar_pass_remove_identity(oar_pass_ctx *ctx, oar_error *err) {
  oar_graph *g = ctx->graph;
  for (int ni = 0; ni < g->num_nodes; ni++) {
    if (ctx->dead[ni] || !is_identity(ctx, ni)) continue;
    const oar_node *n = &g->nodes[ni];
    int x = n->in[0], y = n->out[0];
    /* Other outputs (dropout's Mask) must be unread. */
    bool extra_used = false;
    for (int i = 1; i < oar_node_num_out(n); i++) extra_used |= ctx->uses[n->out[i]] > 0;
    if (extra_used) {
      oar_pass_note(ctx, "%s: a second output is read", oar_pass_node_name(ctx, ni));
      continue;
    }
    if (!is_graph_output(g, y)) {
      oar_pass_kill(ctx, ni);
      oar_pass_replace_uses(ctx, y, x);
      ctx->report->fired++;
      continue;
    }
    int producer = g->values[x].producer;
    if (producer < 0 || ctx->uses[x] != 1 || is_graph_output(g, x)) {
      oar_pass_note(ctx, "%s: graph output copied from a value that is read elsewhere", g->values[y].name);
      continue;
    }
    const oar_node *p = &g->nodes[producer];
    for (int i = 0; i < oar_node_num_out(p); i++)
      if (p->out[i] == x) oar_node_set_output(g, producer, i, y);
    g->values[y].dtype = g->values[x].dtype;
    oar_pass_kill(ctx, ni);
    ctx->report->fired++;
  }
  (void)err;
  return OAR_OK;
}
