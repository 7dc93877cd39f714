/* Layer normalization as ONNX exports write it (before opset 17's
 * LayerNormalization), recognized and replaced by one layer_norm:
 *
 *   m = ReduceMean(x, trailing axes, keepdims)   reduce MEAN
 *   d = x - m                                   elementwise_sub
 *   v = ReduceMean(d ^ 2, same axes)             binary_math POW / elementwise_pow
 *                                               by 2, or d * d
 *   y = d / sqrt(v + eps)                        elementwise_add of a scalar,
 *                                               unary_math SQRT or sqrt, elementwise_div
 *   y = y * gamma + beta                         optional, constant gamma / beta
 *
 * The reduced axes must be the last k (then begin_norm_axis = -k, or the
 * first of them when they are given from a fixed axis on); gamma and beta
 * must have one value per normalized element. */
#include <string.h>

#include "ir/ops/elementwise.h"
#include "ir/ops/nlp.h"
#include "ir/ops/op_ext.h"
#include "passes/nlp_match.h"

typedef struct ln_match {
  oar_nlp_nodes nodes; /* all but the last */
  int x, gamma, beta, last, out;
  int64_t begin_norm_axis;
  double epsilon;
  const char *why;
} ln_match;

static bool fail(ln_match *m, const char *why) {
  m->why = why;
  return false;
}

/* The value of a constant with one float32 element. */
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

static int producer(const oar_pass_ctx *ctx, int value) {
  const int p = value >= 0 ? ctx->graph->values[value].producer : -1;
  return p >= 0 && !ctx->dead[p] && ctx->graph->nodes[p].out[0] == value ? p : -1;
}

/* A mean over trailing axes with keepdims: *k gets how many, *from the
 * first as a non-negative axis when it is known (-1 otherwise). */
static bool trailing_mean(const oar_pass_ctx *ctx, int ni, int *k, int64_t *from) {
  if (ni < 0 || ctx->dead[ni]) return false;
  const oar_node *n = &ctx->graph->nodes[ni];
  if (n->schema->id != OAR_OP_reduce || oar_node_attr_i(n, OAR_REDUCE_ATTR_FUNC) != OAR_REDUCE_MEAN ||
      !oar_node_attr_i(n, OAR_REDUCE_ATTR_KEEPDIMS))
    return false;
  const int x = oar_pass_input(ctx, ni, OAR_REDUCE_IN_X);
  const int rank = ctx->graph->values[x].shape.rank; /* declared; 0 when unknown */
  const int64_t axes_from = oar_node_attr_i(n, OAR_REDUCE_ATTR_AXES_FROM);
  if (axes_from >= 0) {
    if (rank <= axes_from) return false;
    *k = rank - (int)axes_from;
    *from = axes_from;
    return true;
  }
  int64_t axes[OAR_MAX_RANK];
  int count = 0;
  const int axes_in = oar_pass_input(ctx, ni, OAR_REDUCE_IN_AXES);
  if (axes_in >= 0) {
    const oar_value *a = &ctx->graph->values[axes_in];
    const int64_t cnt = oar_shape_numel(&a->shape);
    if (!oar_pass_is_const(ctx, axes_in) || a->dtype != OAR_DTYPE_INT64 || cnt < 1 || cnt > OAR_MAX_RANK)
      return false;
    memcpy(axes, a->data, (size_t)cnt * sizeof *axes);
    count = (int)cnt;
  } else {
    const oar_attr *a = oar_node_attr(n, OAR_REDUCE_ATTR_AXES);
    if (a->n < 1 || a->n > OAR_MAX_RANK) return false;
    memcpy(axes, a->ints, a->n * sizeof *axes);
    count = (int)a->n;
  }
  /* As negative axes (a positive one needs the declared rank). */
  bool seen[OAR_MAX_RANK + 1] = {false};
  for (int i = 0; i < count; i++) {
    int64_t a = axes[i];
    if (a >= 0) {
      if (rank <= 0 || a >= rank) return false;
      a -= rank;
    }
    if (a < -OAR_MAX_RANK || seen[-a]) return false;
    seen[-a] = true;
  }
  for (int i = 1; i <= count; i++)
    if (!seen[i]) return false; /* not the last `count` axes */
  *k = count;
  *from = rank > 0 ? rank - count : -1;
  return true;
}

/* One value per normalized element: a float32 constant whose dims are
 * x's last k (right-aligned, so no broadcasting), or, when those are not
 * declared, a vector of more than one value for k = 1 (a mismatch is
 * then an error at run time, never a wrong result). */
static bool affine_ok(const oar_pass_ctx *ctx, int value, int x, int k) {
  if (!oar_pass_is_const(ctx, value)) return false;
  const oar_value *v = &ctx->graph->values[value];
  const oar_shape *xs = &ctx->graph->values[x].shape;
  if (v->dtype != OAR_DTYPE_FLOAT32 || v->shape.rank < 1 || v->shape.rank > k) return false;
  bool known = xs->rank >= k;
  for (int i = 0; known && i < k; i++) known = xs->dims[xs->rank - 1 - i] >= 0;
  if (!known) return k == 1 && v->shape.rank == 1 && v->shape.dims[0] > 1;
  int64_t cols = 1;
  for (int i = 0; i < k; i++) cols *= xs->dims[xs->rank - 1 - i];
  for (int i = 0; i < v->shape.rank; i++)
    if (v->shape.dims[v->shape.rank - 1 - i] != xs->dims[xs->rank - 1 - i]) return false;
  return oar_shape_numel(&v->shape) == cols;
}

/* Walks back from a Div: d / sqrt(v + eps). */
static bool match_core(const oar_pass_ctx *ctx, int div, ln_match *m) {
  int d, s;
  if (!oar_nlp_is_binary(ctx, div, OAR_OP_elementwise_div, OAR_BMATH_DIV, &d, &s))
    return fail(m, "no division");
  const int sq = producer(ctx, s);
  const oar_node *sn = sq >= 0 ? &ctx->graph->nodes[sq] : NULL;
  const bool is_sqrt =
      sn && (sn->schema->id == OAR_OP_sqrt || (sn->schema->id == OAR_OP_unary_math &&
                                               oar_node_attr_i(sn, OAR_UNARY_ATTR_FUNC) == OAR_UNARY_SQRT));
  if (!is_sqrt || !oar_nlp_only_feeds(ctx, s, div)) return fail(m, "the divisor is no private sqrt");
  const int ve = oar_pass_input(ctx, sq, 0);
  int var;
  const int add = producer(ctx, ve);
  int a0, a1;
  if (!oar_nlp_is_binary(ctx, add, OAR_OP_elementwise_add, OAR_BMATH_ADD, &a0, &a1) ||
      !oar_nlp_only_feeds(ctx, ve, sq))
    return fail(m, "no epsilon add under the sqrt");
  if (scalar_of(ctx, a1, &m->epsilon))
    var = a0;
  else if (scalar_of(ctx, a0, &m->epsilon))
    var = a1;
  else
    return fail(m, "the epsilon is not a scalar constant");
  const int mean2 = producer(ctx, var);
  int k2;
  int64_t from2;
  if (!trailing_mean(ctx, mean2, &k2, &from2) || !oar_nlp_only_feeds(ctx, var, add))
    return fail(m, "the variance is no mean over trailing axes");
  const int sqd = oar_pass_input(ctx, mean2, OAR_REDUCE_IN_X);
  const int pw = producer(ctx, sqd);
  int p0, p1;
  double two = 0;
  bool squared = false;
  if (oar_nlp_is_binary(ctx, pw, OAR_OP_elementwise_pow, OAR_BMATH_POW, &p0, &p1))
    squared = p0 == d && scalar_of(ctx, p1, &two) && two == 2.0;
  else if (oar_nlp_is_binary(ctx, pw, OAR_OP_elementwise_mul, OAR_BMATH_MUL, &p0, &p1))
    squared = p0 == d && p1 == d;
  if (!squared || !oar_nlp_only_feeds(ctx, sqd, mean2)) return fail(m, "the variance is not of (x - mean)^2");
  /* d = x - mean(x), read by the square and the division only. */
  const int sub = producer(ctx, d);
  int x, mean;
  if (!oar_nlp_is_binary(ctx, sub, OAR_OP_elementwise_sub, OAR_BMATH_SUB, &x, &mean))
    return fail(m, "no x - mean");
  const int expected_uses = pw >= 0 && p1 == d ? 3 : 2; /* d * d reads d twice */
  if (ctx->uses[d] != expected_uses) return fail(m, "x - mean is read elsewhere too");
  const int mean1 = producer(ctx, mean);
  int k1;
  int64_t from1;
  if (!trailing_mean(ctx, mean1, &k1, &from1) || oar_pass_input(ctx, mean1, OAR_REDUCE_IN_X) != x ||
      !oar_nlp_only_feeds(ctx, mean, sub))
    return fail(m, "the mean is not of x over trailing axes");
  if (k1 != k2) return fail(m, "mean and variance over different axes");
  m->x = x;
  m->begin_norm_axis = from1 >= 0 && from1 == from2 ? from1 : -k1;
  const int ids[] = {mean1, sub, pw, mean2, add, sq};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) oar_nlp_nodes_add(&m->nodes, ids[i]);
  return true;
}

static bool match(const oar_pass_ctx *ctx, int div, ln_match *m) {
  *m = (ln_match){.gamma = -1, .beta = -1};
  if (!match_core(ctx, div, m)) return false;
  const int k = m->begin_norm_axis < 0 ? (int)-m->begin_norm_axis
                                       : ctx->graph->values[m->x].shape.rank - (int)m->begin_norm_axis;
  m->last = div;
  m->out = oar_pass_output(ctx, div, 0);
  /* * gamma, + beta */
  int mul = oar_pass_sole_consumer(ctx, m->out), a, b;
  if (oar_nlp_is_binary(ctx, mul, OAR_OP_elementwise_mul, OAR_BMATH_MUL, &a, &b)) {
    const int g = a == m->out ? b : a;
    if (affine_ok(ctx, g, m->x, k)) {
      oar_nlp_nodes_add(&m->nodes, m->last);
      m->gamma = g;
      m->last = mul;
      m->out = oar_pass_output(ctx, mul, 0);
      const int add = oar_pass_sole_consumer(ctx, m->out);
      if (oar_nlp_is_binary(ctx, add, OAR_OP_elementwise_add, OAR_BMATH_ADD, &a, &b)) {
        const int be = a == m->out ? b : a;
        if (affine_ok(ctx, be, m->x, k)) {
          oar_nlp_nodes_add(&m->nodes, m->last);
          m->beta = be;
          m->last = add;
          m->out = oar_pass_output(ctx, add, 0);
        }
      }
    }
  }
  if (m->nodes.overflow) return fail(m, "pattern too long");
  return true;
}

static oar_status fuse(oar_pass_ctx *ctx, const ln_match *m, oar_error *err) {
  oar_graph *g = ctx->graph;
  oar_node_builder b;
  OAR_TRY(oar_node_begin(&b, g, oar_schema_by_id(OAR_OP_layer_norm), g->nodes[m->last].source_index, err));
  oar_status st = oar_node_add_input(&b, OAR_LN_IN_X, m->x, err);
  if (st == OAR_OK && m->gamma >= 0) st = oar_node_add_input(&b, OAR_LN_IN_SCALE, m->gamma, err);
  if (st == OAR_OK && m->beta >= 0) st = oar_node_add_input(&b, OAR_LN_IN_BIAS, m->beta, err);
  if (st == OAR_OK) st = oar_node_add_output(&b, OAR_LN_OUT_Y, m->out, err);
  const oar_attr eps = {.type = OAR_ATTR_FLOAT, .f = m->epsilon};
  const oar_attr axis = {.type = OAR_ATTR_INT, .i = m->begin_norm_axis};
  if (st == OAR_OK) st = oar_node_set_attr(&b, OAR_LN_ATTR_EPSILON, &eps, err);
  if (st == OAR_OK) st = oar_node_set_attr(&b, OAR_LN_ATTR_BEGIN_NORM_AXIS, &axis, err);
  if (st != OAR_OK) {
    oar_node_abort(&b);
    return st;
  }
  for (int i = 0; i < m->nodes.count; i++) oar_pass_kill(ctx, m->nodes.ids[i]);
  oar_graph_replace_node(g, m->last, &b);
  oar_graph_count_uses(g, ctx->dead, ctx->uses);
  return OAR_OK;
}

oar_status oar_pass_fuse_decomposed_layer_norm(oar_pass_ctx *ctx, oar_error *err) {
  oar_graph *g = ctx->graph;
  oar_nlp_remove_dead(ctx);
  for (int ni = 0; ni < g->num_nodes; ni++) {
    if (ctx->dead[ni]) continue;
    const oar_op_id id = g->nodes[ni].schema->id;
    if (id != OAR_OP_elementwise_div && id != OAR_OP_binary_math) continue;
    int x, y;
    if (!oar_nlp_is_binary(ctx, ni, OAR_OP_elementwise_div, OAR_BMATH_DIV, &x, &y)) continue;
    /* Only divisions by a square root are candidates worth a note. */
    const int p = producer(ctx, y);
    if (p < 0) continue;
    const oar_node *pn = &g->nodes[p];
    if (pn->schema->id != OAR_OP_sqrt &&
        !(pn->schema->id == OAR_OP_unary_math && oar_node_attr_i(pn, OAR_UNARY_ATTR_FUNC) == OAR_UNARY_SQRT))
      continue;
    ln_match m;
    if (!match(ctx, ni, &m)) {
      oar_pass_note(ctx, "%s: %s", oar_pass_node_name(ctx, ni), m.why);
      continue;
    }
    OAR_TRY(fuse(ctx, &m, err));
    ctx->report->fired++;
  }
  return OAR_OK;
}
