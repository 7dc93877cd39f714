/* x^2 written as pow with a constant exponent 2 (Paddle's square, pow with
 * factor 2, ONNX Pow(x, 2)) becomes x * x: binary_math's pow runs on the
 * reference kernel (powf per element), elementwise_mul on the vectorized,
 * threaded one. x * x is the correctly rounded square, as powf(x, 2) is. */
#include <string.h>

#include "ir/ops/elementwise.h"
#include "ir/ops/op_ext.h"
#include "passes/pass_util.h"

static bool is_pow(const oar_node *n) {
  return n->schema->id == OAR_OP_elementwise_pow ||
         (n->schema->id == OAR_OP_binary_math && oar_node_attr_i(n, OAR_BMATH_ATTR_FUNC) == OAR_BMATH_POW);
}

/* Why node ni is not a float32 x^2 whose output has x's shape, or NULL. */
static const char *why_not_square(const oar_pass_ctx *ctx, int ni, int *x) {
  const oar_graph *g = ctx->graph;
  const oar_node *n = &g->nodes[ni];
  if (n->schema->id == OAR_OP_elementwise_pow && oar_node_attr_i(n, OAR_EW_ATTR_AXIS) != -1)
    return "pow with an axis";
  *x = oar_pass_input(ctx, ni, 0);
  const int e = oar_pass_input(ctx, ni, 1);
  if (*x < 0 || e < 0 || !oar_pass_is_const(ctx, e)) return "the exponent is not a constant";
  const oar_value *c = &g->values[e];
  if (c->dtype != OAR_DTYPE_FLOAT32 || oar_shape_numel(&c->shape) != 1 || c->bytes < sizeof(float))
    return "the exponent is not one float32";
  float f;
  memcpy(&f, c->data, sizeof f);
  if (f != 2.0f) return "the exponent is not 2";
  if (g->values[*x].dtype != OAR_DTYPE_FLOAT32) return "x is not float32";
  /* A [1] exponent broadcasts a rank-0 x to [1]: x * x would stay rank 0. */
  if (c->shape.rank > 0 && g->values[*x].shape.rank < c->shape.rank)
    return "the exponent has the higher rank";
  return NULL;
}

oar_status oar_pass_square_to_mul(oar_pass_ctx *ctx, oar_error *err) {
  oar_graph *g = ctx->graph;
  for (int ni = 0; ni < g->num_nodes; ni++) {
    if (ctx->dead[ni] || !is_pow(&g->nodes[ni])) continue;
    int x = -1;
    const char *why = why_not_square(ctx, ni, &x);
    if (why) {
      oar_pass_note(ctx, "%s: %s", oar_pass_node_name(ctx, ni), why);
      continue;
    }
    oar_node_builder b;
    OAR_TRY(oar_node_begin(&b, g, oar_schema_by_id(OAR_OP_elementwise_mul), g->nodes[ni].source_index, err));
    oar_status st = oar_node_add_input(&b, OAR_EW_IN_X, x, err);
    if (st == OAR_OK) st = oar_node_add_input(&b, OAR_EW_IN_Y, x, err);
    if (st == OAR_OK) st = oar_node_add_output(&b, OAR_EW_OUT_OUT, oar_pass_output(ctx, ni, 0), err);
    const oar_attr axis = {.type = OAR_ATTR_INT, .i = -1};
    if (st == OAR_OK) st = oar_node_set_attr(&b, OAR_EW_ATTR_AXIS, &axis, err);
    if (st != OAR_OK) {
      oar_node_abort(&b);
      return st;
    }
    oar_graph_replace_node(g, ni, &b);
    oar_graph_count_uses(g, ctx->dead, ctx->uses);
    ctx->report->fired++;
  }
  return OAR_OK;
}
