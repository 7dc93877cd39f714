#include "passes/pass_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/activation.h"

void oar_pass_note(oar_pass_ctx *ctx, const char *fmt, ...) {
  oar_pass_report *r = ctx->report;
  r->missed++;
  size_t len = strlen(r->notes);
  if (r->missed > 4 || len + 8 >= sizeof r->notes) return;
  if (len) {
    snprintf(r->notes + len, sizeof r->notes - len, "; ");
    len += 2;
  }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->notes + len, sizeof r->notes - len, fmt, ap);
  va_end(ap);
}

int oar_pass_sole_consumer(const oar_pass_ctx *ctx, int value) {
  if (ctx->uses[value] != 1) return -1;
  return oar_graph_sole_consumer(ctx->graph, ctx->dead, value);
}

bool oar_pass_is_const(const oar_pass_ctx *ctx, int value) {
  const oar_value *v = &ctx->graph->values[value];
  return v->kind == OAR_VALUE_CONSTANT && v->data != NULL;
}

int oar_pass_input(const oar_pass_ctx *ctx, int ni, int slot) {
  const oar_node *n = &ctx->graph->nodes[ni];
  int pos = oar_node_in_pos(n, slot, 0);
  return pos < 0 ? -1 : n->in[pos];
}

int oar_pass_output(const oar_pass_ctx *ctx, int ni, int slot) {
  const oar_node *n = &ctx->graph->nodes[ni];
  int pos = oar_node_out_pos(n, slot, 0);
  return pos < 0 ? -1 : n->out[pos];
}

void oar_pass_kill(oar_pass_ctx *ctx, int ni) {
  const oar_node *n = &ctx->graph->nodes[ni];
  if (ctx->dead[ni]) return;
  ctx->dead[ni] = 1;
  for (int i = 0; i < oar_node_num_in(n); i++) ctx->uses[n->in[i]]--;
}

void oar_pass_replace_uses(oar_pass_ctx *ctx, int from, int to) {
  oar_graph *g = ctx->graph;
  for (int ni = 0; ni < g->num_nodes; ni++) {
    if (ctx->dead[ni]) continue;
    oar_node *n = &g->nodes[ni];
    for (int i = 0; i < oar_node_num_in(n); i++) {
      if (n->in[i] != from) continue;
      n->in[i] = to;
      ctx->uses[from]--;
      ctx->uses[to]++;
    }
  }
}

oar_status oar_pass_set_input(oar_pass_ctx *ctx, int ni, int slot, int value, oar_error *err) {
  int old = oar_pass_input(ctx, ni, slot);
  OAR_TRY(oar_node_set_input(ctx->graph, ni, slot, value, err));
  if (old >= 0) ctx->uses[old]--;
  ctx->uses[value]++;
  return OAR_OK;
}

oar_status oar_pass_set_attr_str(oar_pass_ctx *ctx, int ni, int index, const char *s, oar_error *err) {
  oar_attr a = {.type = OAR_ATTR_STRING, .s = (char *)s};
  return oar_node_replace_attr(&ctx->graph->nodes[ni], index, &a, err);
}

oar_status oar_pass_set_attr_float(oar_pass_ctx *ctx, int ni, int index, double f, oar_error *err) {
  oar_attr a = {.type = OAR_ATTR_FLOAT, .f = f};
  return oar_node_replace_attr(&ctx->graph->nodes[ni], index, &a, err);
}

oar_status oar_pass_set_attr_int(oar_pass_ctx *ctx, int ni, int index, int64_t i, oar_error *err) {
  oar_attr a = {.type = OAR_ATTR_INT, .i = i};
  return oar_node_replace_attr(&ctx->graph->nodes[ni], index, &a, err);
}

oar_status oar_pass_set_attr_ints(oar_pass_ctx *ctx, int ni, int index, const int64_t *ints, size_t n,
                                  oar_error *err) {
  oar_attr a = {.type = OAR_ATTR_INTS, .ints = (int64_t *)ints, .n = n};
  return oar_node_replace_attr(&ctx->graph->nodes[ni], index, &a, err);
}

const char *oar_pass_node_name(const oar_pass_ctx *ctx, int ni) {
  const oar_node *n = &ctx->graph->nodes[ni];
  return oar_node_num_out(n) ? ctx->graph->values[n->out[0]].name : n->schema->name;
}

bool oar_pass_activation(const oar_pass_ctx *ctx, int ni, const char **name, double *alpha, double *beta) {
  const oar_node *n = &ctx->graph->nodes[ni];
  *alpha = 0;
  *beta = 0;
  switch (n->schema->id) {
    case OAR_OP_relu: *name = "relu"; return true;
    case OAR_OP_sigmoid: *name = "sigmoid"; return true;
    case OAR_OP_silu: *name = "silu"; return true;
    case OAR_OP_tanh: *name = "tanh"; return true;
    case OAR_OP_hard_swish: *name = "hard_swish"; return true;
    case OAR_OP_relu6:
      *name = "relu6";
      *alpha = oar_node_attr_f(n, OAR_RELU6_ATTR_THRESHOLD);
      return true;
    case OAR_OP_swish:
      *name = "swish";
      *alpha = oar_node_attr_f(n, OAR_SWISH_ATTR_BETA);
      return true;
    case OAR_OP_hard_sigmoid:
      *name = "hard_sigmoid";
      *alpha = oar_node_attr_f(n, OAR_HARD_SIGMOID_ATTR_SLOPE);
      *beta = oar_node_attr_f(n, OAR_HARD_SIGMOID_ATTR_OFFSET);
      return true;
    case OAR_OP_leaky_relu:
      *name = "leaky_relu";
      *alpha = oar_node_attr_f(n, OAR_LEAKY_RELU_ATTR_ALPHA);
      return true;
    case OAR_OP_gelu:
      *name = oar_node_attr_i(n, OAR_GELU_ATTR_APPROXIMATE) ? "gelu_tanh" : "gelu";
      return true;
    default: return false;
  }
}

oar_status oar_pass_add_constant(oar_pass_ctx *ctx, const char *base, oar_dtype dtype, const oar_shape *shape,
                                 const void *data, size_t bytes, int *id, oar_error *err) {
  oar_graph *g = ctx->graph;
  int *uses = oar_realloc(ctx->uses, ((size_t)g->num_values + 2) * sizeof *uses);
  if (!uses) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory adding a constant");
  ctx->uses = uses;
  OAR_TRY(oar_graph_add_constant(g, base, dtype, shape, data, bytes, id, err));
  ctx->uses[*id] = 0;
  return OAR_OK;
}

oar_status oar_pass_append_node(oar_pass_ctx *ctx, oar_node_builder *b, int *index, oar_error *err) {
  oar_graph *g = ctx->graph;
  unsigned char *dead = oar_realloc(ctx->dead, (size_t)g->num_nodes + 2);
  if (!dead) {
    oar_node_abort(b);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory adding a node");
  }
  ctx->dead = dead;
  OAR_TRY(oar_node_finish(b, err));
  *index = g->num_nodes - 1;
  ctx->dead[*index] = 0;
  const oar_node *n = &g->nodes[*index];
  for (int i = 0; i < oar_node_num_in(n); i++) ctx->uses[n->in[i]]++;
  return OAR_OK;
}

oar_status oar_pass_add_value(oar_pass_ctx *ctx, const char *name, oar_dtype dtype, const oar_shape *shape,
                              int *id, oar_error *err) {
  oar_graph *g = ctx->graph;
  int *uses = oar_realloc(ctx->uses, ((size_t)g->num_values + 2) * sizeof *uses);
  if (!uses) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory adding a value");
  ctx->uses = uses;
  OAR_TRY(oar_graph_add_value(g, name, dtype, shape, id, err));
  ctx->uses[*id] = 0;
  return OAR_OK;
}

oar_status oar_pass_reorder(oar_pass_ctx *ctx, const int *order, oar_error *err) {
  oar_graph *g = ctx->graph;
  const size_t n = (size_t)g->num_nodes;
  oar_node *nodes = oar_malloc((n ? n : 1) * sizeof *nodes);
  unsigned char *dead = oar_malloc(n + 1);
  if (!nodes || !dead) {
    oar_free(nodes);
    oar_free(dead);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory reordering the graph");
  }
  for (size_t i = 0; i < n; i++) {
    nodes[i] = g->nodes[order[i]];
    dead[i] = ctx->dead[order[i]];
  }
  memcpy(g->nodes, nodes, n * sizeof *nodes);
  memcpy(ctx->dead, dead, n);
  oar_free(nodes);
  oar_free(dead);
  for (int ni = 0; ni < g->num_nodes; ni++) {
    if (ctx->dead[ni]) continue;
    for (int i = 0; i < oar_node_num_out(&g->nodes[ni]); i++) g->values[g->nodes[ni].out[i]].producer = ni;
  }
  return OAR_OK;
}
