/* GELU as ONNX exports write it (before opset 20's Gelu), recognized and
 * replaced by one gelu (erf form, approximate = false):
 *
 *   e = Erf(x / sqrt(2))           elementwise_div by ~1.4142 or
 *                                  elementwise_mul by ~0.7071, unary_math ERF
 *   y = x * (e + 1) * 0.5          two multiplications in any order:
 *                                  (x * (e+1)) * 0.5, (x * 0.5) * (e+1),
 *                                  x * ((e+1) * 0.5)
 *
 * fuse_fc then folds the gelu into the fc before it. */
#include <math.h>
#include <string.h>

#include "ir/ops/activation.h"
#include "ir/ops/elementwise.h"
#include "ir/ops/op_ext.h"
#include "passes/nlp_match.h"

static bool scalar_of(const oar_pass_ctx *ctx, int value, double *v) {
  if (value < 0 || !oar_pass_is_const(ctx, value)) return false;
  const oar_value *c = &ctx->graph->values[value];
  if (c->dtype != OAR_DTYPE_FLOAT32 || oar_shape_numel(&c->shape) != 1 || c->bytes < sizeof(float))
    return false;
  float f;
  memcpy(&f, c->data, sizeof f);
  *v = f;
  return true;
}

static bool near(double a, double b) { return fabs(a - b) <= 1e-4 * fabs(b); }

static bool is_mul(const oar_pass_ctx *ctx, int ni, int *x, int *y) {
  return oar_nlp_is_binary(ctx, ni, OAR_OP_elementwise_mul, OAR_BMATH_MUL, x, y);
}

static int producer(const oar_pass_ctx *ctx, int value) {
  const int p = value >= 0 ? ctx->graph->values[value].producer : -1;
  return p >= 0 && !ctx->dead[p] && ctx->graph->nodes[p].out[0] == value ? p : -1;
}

/* The other operand of a binary op reading `value`, or -1. */
static int other(int x, int y, int value) { return x == value ? y : y == value ? x : -1; }

typedef struct gelu_match {
  int x, scaled, erf, plus_one, last;
  int inner; /* the first multiplication */
} gelu_match;

/* From an erf node: its input is x / sqrt(2) (or x * 1/sqrt(2)), its
 * output + 1 read by one multiplication, and the two multiplications by
 * x and 0.5 end at m->last. */
static const char *match(const oar_pass_ctx *ctx, int erf, gelu_match *m) {
  const double sqrt2 = 1.4142135623730951;
  m->erf = erf;
  const int a = oar_pass_input(ctx, erf, 0);
  m->scaled = producer(ctx, a);
  int p, q;
  double c;
  m->x = -1;
  if (oar_nlp_is_binary(ctx, m->scaled, OAR_OP_elementwise_div, OAR_BMATH_DIV, &p, &q)) {
    if (scalar_of(ctx, q, &c) && near(c, sqrt2)) m->x = p;
  } else if (is_mul(ctx, m->scaled, &p, &q)) {
    if (scalar_of(ctx, q, &c) && near(c, 1.0 / sqrt2))
      m->x = p;
    else if (scalar_of(ctx, p, &c) && near(c, 1.0 / sqrt2))
      m->x = q;
  }
  if (m->x < 0) return "the erf input is not x / sqrt(2)";
  if (!oar_nlp_only_feeds(ctx, a, erf)) return "x / sqrt(2) is read elsewhere too";
  const int e = oar_pass_output(ctx, erf, 0);
  m->plus_one = oar_pass_sole_consumer(ctx, e);
  if (!oar_nlp_is_binary(ctx, m->plus_one, OAR_OP_elementwise_add, OAR_BMATH_ADD, &p, &q) ||
      !scalar_of(ctx, other(p, q, e), &c) || c != 1.0)
    return "erf is not followed by + 1";
  const int e1 = oar_pass_output(ctx, m->plus_one, 0);
  const int m1 = oar_pass_sole_consumer(ctx, e1);
  if (!is_mul(ctx, m1, &p, &q)) return "erf + 1 is not multiplied";
  const int f1 = other(p, q, e1);
  /* (e+1) * (x * 0.5): m1 is the last op. */
  const int half = producer(ctx, f1);
  int hx, hy;
  if (is_mul(ctx, half, &hx, &hy) && oar_nlp_only_feeds(ctx, f1, m1) && other(hx, hy, m->x) >= 0 &&
      scalar_of(ctx, other(hx, hy, m->x), &c) && c == 0.5) {
    m->inner = half;
    m->last = m1;
    return NULL;
  }
  /* ((e+1) * x) * 0.5 or ((e+1) * 0.5) * x. */
  const int o1 = oar_pass_output(ctx, m1, 0);
  const int m2 = oar_pass_sole_consumer(ctx, o1);
  int r, s;
  if (!is_mul(ctx, m2, &r, &s)) return "the product is not x (erf + 1) / 2";
  const int f2 = other(r, s, o1);
  double c2;
  const bool ok = (f1 == m->x && scalar_of(ctx, f2, &c2) && c2 == 0.5) ||
                  (f2 == m->x && scalar_of(ctx, f1, &c2) && c2 == 0.5);
  if (!ok) return "the product is not x (erf + 1) / 2";
  m->inner = m1;
  m->last = m2;
  return NULL;
}

static oar_status fuse(oar_pass_ctx *ctx, const gelu_match *m, oar_error *err) {
  oar_graph *g = ctx->graph;
  oar_node_builder b;
  OAR_TRY(oar_node_begin(&b, g, oar_schema_by_id(OAR_OP_gelu), g->nodes[m->last].source_index, err));
  oar_status st = oar_node_add_input(&b, OAR_ACT_IN_X, m->x, err);
  if (st == OAR_OK) st = oar_node_add_output(&b, OAR_ACT_OUT_OUT, oar_pass_output(ctx, m->last, 0), err);
  const oar_attr exact = {.type = OAR_ATTR_BOOL, .i = 0};
  if (st == OAR_OK) st = oar_node_set_attr(&b, OAR_GELU_ATTR_APPROXIMATE, &exact, err);
  if (st != OAR_OK) {
    oar_node_abort(&b);
    return st;
  }
  oar_pass_kill(ctx, m->scaled);
  oar_pass_kill(ctx, m->erf);
  oar_pass_kill(ctx, m->plus_one);
  if (m->inner >= 0) oar_pass_kill(ctx, m->inner);
  oar_graph_replace_node(g, m->last, &b);
  oar_graph_count_uses(g, ctx->dead, ctx->uses);
  return OAR_OK;
}

oar_status oar_pass_fuse_decomposed_gelu(oar_pass_ctx *ctx, oar_error *err) {
  oar_graph *g = ctx->graph;
  for (int ni = 0; ni < g->num_nodes; ni++) {
    if (ctx->dead[ni]) continue;
    const oar_node *n = &g->nodes[ni];
    if (n->schema->id != OAR_OP_unary_math || oar_node_attr_i(n, OAR_UNARY_ATTR_FUNC) != OAR_UNARY_ERF)
      continue;
    gelu_match m = {.inner = -1};
    const char *why = match(ctx, ni, &m);
    if (why) {
      oar_pass_note(ctx, "%s: %s", oar_pass_node_name(ctx, ni), why);
      continue;
    }
    OAR_TRY(fuse(ctx, &m, err));
    ctx->report->fired++;
  }
  return OAR_OK;
}
