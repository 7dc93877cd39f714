/* layer_norm(elementwise_add(x, y)) becomes skip_layernorm(x, y): the
 * residual sum is normalized while it is still in cache, and the sum is
 * never stored on its own. The add must be read by the layer_norm alone,
 * and the layer_norm's Mean and Variance must be unread (skip_layernorm
 * does not produce them). */
#include "ir/ops/elementwise.h"
#include "ir/ops/nlp.h"
#include "passes/nlp_match.h"

/* Same rank and no known dim that differs: the add does not broadcast
 * (unknown dims are checked again at run time by the kernel's fast path). */
static bool same_declared_shape(const oar_pass_ctx *ctx, int a, int b) {
  const oar_shape *x = &ctx->graph->values[a].shape, *y = &ctx->graph->values[b].shape;
  if (x->rank != y->rank) return false;
  for (int d = 0; d < x->rank; d++)
    if (x->dims[d] >= 0 && y->dims[d] >= 0 && x->dims[d] != y->dims[d]) return false;
  return true;
}

/* Frontends that do not infer dtypes (ONNX without value_info) leave
 * them unknown; the kernel checks float32 when it runs. */
static bool float_or_unknown(oar_dtype t) { return t == OAR_DTYPE_FLOAT32 || t == OAR_DTYPE_UNKNOWN; }

static bool stats_unread(const oar_pass_ctx *ctx, int ln) {
  const int mean = oar_pass_output(ctx, ln, OAR_LN_OUT_MEAN),
            var = oar_pass_output(ctx, ln, OAR_LN_OUT_VARIANCE);
  return (mean < 0 || ctx->uses[mean] == 0) && (var < 0 || ctx->uses[var] == 0);
}

static oar_status fuse(oar_pass_ctx *ctx, int ln, int add, oar_error *err) {
  oar_graph *g = ctx->graph;
  const oar_node *l = &g->nodes[ln];
  oar_node_builder b;
  OAR_TRY(oar_node_begin(&b, g, oar_schema_by_id(OAR_OP_skip_layernorm), l->source_index, err));
  const int scale = oar_pass_input(ctx, ln, OAR_LN_IN_SCALE), bias = oar_pass_input(ctx, ln, OAR_LN_IN_BIAS);
  oar_status st = oar_node_add_input(&b, OAR_SKIP_LN_IN_X, oar_pass_input(ctx, add, OAR_EW_IN_X), err);
  if (st == OAR_OK) st = oar_node_add_input(&b, OAR_SKIP_LN_IN_Y, oar_pass_input(ctx, add, OAR_EW_IN_Y), err);
  if (st == OAR_OK && scale >= 0) st = oar_node_add_input(&b, OAR_SKIP_LN_IN_SCALE, scale, err);
  if (st == OAR_OK && bias >= 0) st = oar_node_add_input(&b, OAR_SKIP_LN_IN_BIAS, bias, err);
  if (st == OAR_OK)
    st = oar_node_add_output(&b, OAR_SKIP_LN_OUT_OUT, oar_pass_output(ctx, ln, OAR_LN_OUT_Y), err);
  if (st == OAR_OK)
    st = oar_node_set_attr(&b, OAR_SKIP_LN_ATTR_EPSILON, oar_node_attr(l, OAR_LN_ATTR_EPSILON), err);
  if (st == OAR_OK)
    st = oar_node_set_attr(&b, OAR_SKIP_LN_ATTR_BEGIN_NORM_AXIS,
                           oar_node_attr(l, OAR_LN_ATTR_BEGIN_NORM_AXIS), err);
  if (st != OAR_OK) {
    oar_node_abort(&b);
    return st;
  }
  oar_pass_kill(ctx, add);
  oar_graph_replace_node(g, ln, &b);
  oar_graph_count_uses(g, ctx->dead, ctx->uses);
  return OAR_OK;
}

oar_status oar_pass_fuse_skip_layernorm(oar_pass_ctx *ctx, oar_error *err) {
  oar_graph *g = ctx->graph;
  oar_nlp_remove_dead(ctx);
  for (int ln = 0; ln < g->num_nodes; ln++) {
    if (ctx->dead[ln] || g->nodes[ln].schema->id != OAR_OP_layer_norm) continue;
    const int x = oar_pass_input(ctx, ln, OAR_LN_IN_X);
    const int add = oar_nlp_producer(ctx, x, OAR_OP_elementwise_add);
    if (add < 0) continue;
    const char *why = NULL;
    const int a = oar_pass_input(ctx, add, OAR_EW_IN_X), b = oar_pass_input(ctx, add, OAR_EW_IN_Y);
    if (!oar_nlp_only_feeds(ctx, x, ln))
      why = "the sum is read elsewhere too";
    else if (!stats_unread(ctx, ln))
      why = "Mean or Variance is read";
    else if (oar_node_attr_i(&g->nodes[add], OAR_EW_ATTR_AXIS) != -1 || !same_declared_shape(ctx, a, b))
      why = "the add may broadcast";
    else if (!float_or_unknown(g->values[a].dtype) || !float_or_unknown(g->values[b].dtype))
      why = "not float32";
    if (why) {
      oar_pass_note(ctx, "%s: %s", oar_pass_node_name(ctx, ln), why);
      continue;
    }
    OAR_TRY(fuse(ctx, ln, add, err));
    ctx->report->fired++;
  }
  return OAR_OK;
}
