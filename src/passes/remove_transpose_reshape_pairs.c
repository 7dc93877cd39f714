/* Back-to-back data movement collapsed into one op or none:
 *
 *   transpose(transpose(x, P1), P2) = transpose(x, P1 o P2): one transpose,
 *     or none when the composition is the identity;
 *   reshape(reshape(x, s1), s2) = reshape(x, s2) when s2 copies no dim
 *     (no 0 entry: a 0 would copy a dim of the middle shape).
 *
 * The first op must be read by the second alone (its XShape unread). */
#include <stdio.h>

#include "passes/nlp_match.h"

static bool is_transpose(const oar_node *n) {
  return n->schema->id == OAR_OP_transpose2 || n->schema->id == OAR_OP_transpose;
}
static bool is_reshape(const oar_node *n) {
  return n->schema->id == OAR_OP_reshape2 || n->schema->id == OAR_OP_reshape;
}

static bool is_graph_output(const oar_graph *g, int v) {
  for (int i = 0; i < g->num_outputs; i++)
    if (g->outputs[i] == v) return true;
  return false;
}

/* Node `second` reads the output of `first`, which nothing else reads. */
static int private_producer(const oar_pass_ctx *ctx, int second, bool (*kind)(const oar_node *)) {
  const int x = oar_pass_input(ctx, second, 0);
  const int p = x >= 0 ? ctx->graph->values[x].producer : -1;
  if (p < 0 || ctx->dead[p] || !kind(&ctx->graph->nodes[p]) || ctx->graph->nodes[p].out[0] != x) return -1;
  if (!oar_nlp_only_feeds(ctx, x, second) || !oar_nlp_xshape_unused(ctx, p)) return -1;
  return p;
}

static oar_status transpose_pair(oar_pass_ctx *ctx, int t2, bool *fired, oar_error *err) {
  oar_graph *g = ctx->graph;
  const int t1 = private_producer(ctx, t2, is_transpose);
  int p1[OAR_MAX_RANK], p2[OAR_MAX_RANK], r1, r2;
  if (t1 < 0 || !oar_nlp_transpose_perm(ctx, t1, p1, &r1) || !oar_nlp_transpose_perm(ctx, t2, p2, &r2) ||
      r1 != r2)
    return OAR_OK;
  /* out2[i] = mid[p2[i]] = x[p1[p2[i]]]. */
  int64_t q[OAR_MAX_RANK];
  bool identity = true;
  for (int i = 0; i < r1; i++) {
    q[i] = p1[p2[i]];
    identity &= q[i] == i;
  }
  const int x = oar_pass_input(ctx, t1, 0), out = oar_pass_output(ctx, t2, OAR_NLP_OUT_OUT);
  if (identity) {
    if (is_graph_output(g, out) || !oar_nlp_xshape_unused(ctx, t2)) {
      oar_pass_note(ctx, "%s: inverse transposes, but the result is a graph output", g->values[out].name);
      return OAR_OK;
    }
    oar_pass_kill(ctx, t2);
    oar_pass_kill(ctx, t1);
    oar_pass_replace_uses(ctx, out, x);
  } else {
    const oar_attr a = {.type = OAR_ATTR_INTS, .ints = q, .n = (size_t)r1};
    OAR_TRY(oar_node_replace_attr(&g->nodes[t2], OAR_NLP_TRANSPOSE_ATTR_AXIS, &a, err));
    OAR_TRY(oar_pass_set_input(ctx, t2, 0, x, err));
    oar_pass_kill(ctx, t1);
  }
  *fired = true;
  return OAR_OK;
}

static oar_status reshape_pair(oar_pass_ctx *ctx, int r2, bool *fired, oar_error *err) {
  const int r1 = private_producer(ctx, r2, is_reshape);
  int64_t s[OAR_MAX_RANK];
  int rank;
  if (r1 < 0) return OAR_OK;
  if (!oar_nlp_reshape_target(ctx, r2, s, &rank)) {
    oar_pass_note(ctx, "%s: reshape of a reshape to a shape known only at run time",
                  oar_pass_node_name(ctx, r2));
    return OAR_OK;
  }
  for (int i = 0; i < rank; i++)
    if (s[i] == 0) {
      oar_pass_note(ctx, "%s: reshape of a reshape copies a dim (0 in its shape)",
                    oar_pass_node_name(ctx, r2));
      return OAR_OK;
    }
  OAR_TRY(
      oar_pass_set_input(ctx, r2, OAR_NLP_RESHAPE_IN_X, oar_pass_input(ctx, r1, OAR_NLP_RESHAPE_IN_X), err));
  oar_pass_kill(ctx, r1);
  *fired = true;
  return OAR_OK;
}

oar_status oar_pass_remove_transpose_reshape_pairs(oar_pass_ctx *ctx, oar_error *err) {
  oar_graph *g = ctx->graph;
  for (int ni = 0; ni < g->num_nodes; ni++) {
    if (ctx->dead[ni]) continue;
    bool fired = false;
    if (is_transpose(&g->nodes[ni]))
      OAR_TRY(transpose_pair(ctx, ni, &fired, err));
    else if (is_reshape(&g->nodes[ni]))
      OAR_TRY(reshape_pair(ctx, ni, &fired, err));
    ctx->report->fired += fired;
  }
  return OAR_OK;
}
