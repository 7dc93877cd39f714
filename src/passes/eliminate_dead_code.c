/* Dead code elimination: ops none of whose outputs is read (by an op or as
 * a graph output) are removed, last to first so chains go at once. */
#include "passes/pass_util.h"

oar_status oar_pass_eliminate_dead_code(oar_pass_ctx *ctx, oar_error *err) {
  const oar_graph *g = ctx->graph;
  for (int ni = g->num_nodes - 1; ni >= 0; ni--) {
    if (ctx->dead[ni]) continue;
    const oar_node *n = &g->nodes[ni];
    bool used = false;
    for (int i = 0; i < oar_node_num_out(n) && !used; i++) used = ctx->uses[n->out[i]] > 0;
    if (used) continue;
    oar_pass_kill(ctx, ni);
    ctx->report->fired++;
  }
  (void)err;
  return OAR_OK;
}
