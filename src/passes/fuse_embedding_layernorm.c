/* Embedding lookups summed and normalized (BERT's embedding stage):
 *
 *   layer_norm(lookup(W1, ids1) + lookup(W2, ids2) + ... , last axis)
 *
 * becomes one embedding_layernorm op that sums the looked-up rows and
 * normalizes them in one pass over the output, without the intermediate
 * [batch, seq, hidden] tensors. Runs before fuse_skip_layernorm, which
 * would otherwise take the last add. */
#include "ir/ops/elementwise.h"
#include "ir/ops/nlp.h"
#include "passes/pass_util.h"

#define MAX_TABLES 8

typedef struct emb_match {
  int tables;
  int ids[MAX_TABLES], w[MAX_TABLES];
  int64_t padding[MAX_TABLES];
  int lookups[MAX_TABLES]; /* lookup_table_v2 nodes */
  int adds[MAX_TABLES];    /* elementwise_add nodes of the sum */
  int num_adds;
} emb_match;

/* Collects the leaves of the add tree under `value` (each read once). */
static bool collect(const oar_pass_ctx *ctx, int value, emb_match *m) {
  const oar_graph *g = ctx->graph;
  int p = g->values[value].producer;
  if (p < 0 || ctx->dead[p] || ctx->uses[value] != 1) return false;
  const oar_node *n = &g->nodes[p];
  if (n->schema->id == OAR_OP_lookup_table_v2) {
    if (m->tables == MAX_TABLES) return false;
    int w = oar_pass_input(ctx, p, OAR_EMB_IN_W);
    if (!oar_pass_is_const(ctx, w) || g->values[w].dtype != OAR_DTYPE_FLOAT32 || g->values[w].shape.rank != 2)
      return false;
    m->ids[m->tables] = oar_pass_input(ctx, p, OAR_EMB_IN_IDS);
    m->w[m->tables] = w;
    m->padding[m->tables] = oar_node_attr_i(n, OAR_EMB_ATTR_PADDING_IDX);
    m->lookups[m->tables++] = p;
    return true;
  }
  if (n->schema->id != OAR_OP_elementwise_add || oar_node_attr_i(n, OAR_EW_ATTR_AXIS) != -1) return false;
  if (m->num_adds == MAX_TABLES) return false;
  m->adds[m->num_adds++] = p;
  return collect(ctx, oar_pass_input(ctx, p, OAR_EW_IN_X), m) &&
         collect(ctx, oar_pass_input(ctx, p, OAR_EW_IN_Y), m);
}

/* Every table has the same width and every Ids the same declared shape,
 * so the adds never broadcast. */
static bool consistent(const oar_pass_ctx *ctx, const emb_match *m) {
  const oar_graph *g = ctx->graph;
  for (int k = 1; k < m->tables; k++) {
    if (g->values[m->w[k]].shape.dims[1] != g->values[m->w[0]].shape.dims[1]) return false;
    const oar_shape *a = &g->values[m->ids[k]].shape, *b = &g->values[m->ids[0]].shape;
    if (a->rank != b->rank || a->rank == 0) return false;
    for (int d = 0; d < a->rank; d++)
      if (a->dims[d] != b->dims[d]) return false;
  }
  return m->tables >= 2;
}

static oar_status fuse(oar_pass_ctx *ctx, int ln, const emb_match *m, oar_error *err) {
  oar_graph *g = ctx->graph;
  oar_node_builder b;
  OAR_TRY(
      oar_node_begin(&b, g, oar_schema_by_id(OAR_OP_embedding_layernorm), g->nodes[ln].source_index, err));
  oar_status st = OAR_OK;
  for (int k = 0; k < m->tables && st == OAR_OK; k++)
    st = oar_node_add_input(&b, OAR_EMB_LN_IN_IDS, m->ids[k], err);
  for (int k = 0; k < m->tables && st == OAR_OK; k++)
    st = oar_node_add_input(&b, OAR_EMB_LN_IN_W, m->w[k], err);
  int scale = oar_pass_input(ctx, ln, OAR_LN_IN_SCALE), bias = oar_pass_input(ctx, ln, OAR_LN_IN_BIAS);
  if (st == OAR_OK && scale >= 0) st = oar_node_add_input(&b, OAR_EMB_LN_IN_SCALE, scale, err);
  if (st == OAR_OK && bias >= 0) st = oar_node_add_input(&b, OAR_EMB_LN_IN_BIAS, bias, err);
  if (st == OAR_OK)
    st = oar_node_add_output(&b, OAR_EMB_LN_OUT_OUT, oar_pass_output(ctx, ln, OAR_LN_OUT_Y), err);
  oar_attr eps = {.type = OAR_ATTR_FLOAT, .f = oar_node_attr_f(&g->nodes[ln], OAR_LN_ATTR_EPSILON)};
  oar_attr pad = {.type = OAR_ATTR_INTS, .ints = (int64_t *)m->padding, .n = (size_t)m->tables};
  if (st == OAR_OK) st = oar_node_set_attr(&b, OAR_EMB_LN_ATTR_EPSILON, &eps, err);
  if (st == OAR_OK) st = oar_node_set_attr(&b, OAR_EMB_LN_ATTR_PADDING_IDX, &pad, err);
  if (st != OAR_OK) {
    oar_node_abort(&b);
    return st;
  }
  for (int k = 0; k < m->num_adds; k++) oar_pass_kill(ctx, m->adds[k]);
  for (int k = 0; k < m->tables; k++) oar_pass_kill(ctx, m->lookups[k]);
  oar_graph_replace_node(g, ln, &b);
  oar_graph_count_uses(g, ctx->dead, ctx->uses);
  return OAR_OK;
}

oar_status oar_pass_fuse_embedding_layernorm(oar_pass_ctx *ctx, oar_error *err) {
  oar_graph *g = ctx->graph;
  for (int ln = 0; ln < g->num_nodes; ln++) {
    if (ctx->dead[ln] || g->nodes[ln].schema->id != OAR_OP_layer_norm) continue;
    int x = oar_pass_input(ctx, ln, OAR_LN_IN_X);
    int p = g->values[x].producer;
    if (p < 0 || g->nodes[p].schema->id != OAR_OP_elementwise_add) continue;
    const oar_shape *xs = &g->values[x].shape;
    if (xs->rank < 2 || oar_node_attr_i(&g->nodes[ln], OAR_LN_ATTR_BEGIN_NORM_AXIS) != xs->rank - 1) continue;
    bool stats_read = false;
    for (int slot = OAR_LN_OUT_MEAN; slot <= OAR_LN_OUT_VARIANCE; slot++) {
      int v = oar_pass_output(ctx, ln, slot);
      stats_read |= v >= 0 && ctx->uses[v] > 0;
    }
    emb_match m = {0};
    bool matched = !stats_read && collect(ctx, x, &m) && consistent(ctx, &m);
    if (!matched) {
      /* Residual adds before a layer_norm are the common case; only sums
       * that reach an embedding lookup are near misses. */
      if (m.tables > 0)
        oar_pass_note(ctx,
                      "%s: embedding sum with statistics read, other ops in the sum, or mismatched tables",
                      oar_pass_node_name(ctx, ln));
      continue;
    }
    OAR_TRY(fuse(ctx, ln, &m, err));
    ctx->report->fired++;
  }
  return OAR_OK;
}
