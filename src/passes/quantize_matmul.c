/* Quantized matrix products to int8 (issue 14): the pattern quantizers
 * write around a product with constant weights,
 *
 *   matmul_v2 / matmul / mul (X = dequantize_linear(xq, x_scale, x_zero),
 *                             Y = dequantize_linear(wq [K, N], w_scale[, 0]))
 *   [-> elementwise_add(bias [N])]
 *
 * becomes matmul_int8(xq, wq, x_scale, x_zero, w_scale[, bias]): products
 * on the integers, summed exactly. The activation scale may be computed at
 * run time (ONNX DynamicQuantizeLinear, ORT's dynamic quantization). Runs
 * before constant folding, which would turn the int8 weights into float.
 *
 * Left in float (noted): transposed operands, alpha != 1, weights other
 * than a 2-D constant, per-channel scales along K. */
#include <string.h>

#include "ir/ops/elementwise.h"
#include "ir/graph_edit.h"
#include "ir/ops/infer_util.h"
#include "ir/ops/math.h"
#include "ir/ops/matmul.h"
#include "ir/ops/op_ext.h"
#include "passes/quant_match.h"

typedef struct qmm_match {
  oar_pass_dq_input x;
  oar_pass_dq_weight w;
} qmm_match;

static bool plain_product(const oar_pass_ctx *ctx, int ni) {
  const oar_node *n = &ctx->graph->nodes[ni];
  const int xr = ctx->graph->values[oar_pass_input(ctx, ni, OAR_MATMUL_IN_X)].shape.rank;
  switch (n->schema->id) {
    case OAR_OP_matmul_v2:
      /* A 1-D X ([K] . [K, N] = [N]) is matmul_int8's rank-1 case. */
      return !oar_node_attr_i(n, OAR_MATMUL_V2_ATTR_TRANS_X) &&
             !oar_node_attr_i(n, OAR_MATMUL_V2_ATTR_TRANS_Y);
    case OAR_OP_matmul:
      return !oar_node_attr_i(n, OAR_MATMUL_ATTR_TRANSPOSE_X) &&
             !oar_node_attr_i(n, OAR_MATMUL_ATTR_TRANSPOSE_Y) &&
             oar_node_attr_f(n, OAR_MATMUL_ATTR_ALPHA) == 1.0;
    case OAR_OP_mul:
      return xr >= 2 && oar_node_attr_i(n, OAR_MUL_ATTR_X_NUM_COL_DIMS) == xr - 1 &&
             oar_node_attr_i(n, OAR_MUL_ATTR_Y_NUM_COL_DIMS) == 1;
    default: return false;
  }
}

/* A constant float32 [N] added along the last axis of matmul_int8 ni's
 * output becomes its Bias (the epilogue adds it). Runs after the
 * rewrite and after folding ORT's dynamic scaling, so that one place
 * serves both. */
static oar_status fold_bias(oar_pass_ctx *ctx, int ni, oar_error *err) {
  oar_graph *g = ctx->graph;
  if (oar_pass_input(ctx, ni, OAR_QMATMUL_IN_BIAS) >= 0) return OAR_OK;
  const int64_t cols = g->values[oar_pass_input(ctx, ni, OAR_QMATMUL_IN_W)].shape.dims[1];
  const int y = oar_pass_output(ctx, ni, 0);
  const int add = oar_pass_sole_consumer(ctx, y);
  if (add < 0 || g->nodes[add].schema->id != OAR_OP_elementwise_add ||
      oar_pass_input(ctx, add, OAR_EW_IN_X) != y)
    return OAR_OK;
  const int b = oar_pass_input(ctx, add, OAR_EW_IN_Y);
  const int64_t axis = oar_node_attr_i(&g->nodes[add], OAR_EW_ATTR_AXIS);
  const int rank = g->values[y].shape.rank;
  if (!oar_pass_const_count(ctx, b, OAR_DTYPE_FLOAT32, cols) || g->values[b].shape.rank != 1 ||
      (axis != -1 && axis != rank - 1))
    return OAR_OK;
  OAR_TRY(oar_pass_set_input(ctx, ni, OAR_QMATMUL_IN_BIAS, b, err));
  const int z = oar_pass_output(ctx, add, 0);
  oar_pass_kill(ctx, add);
  oar_node_set_output(g, ni, 0, z);
  oar_graph_count_uses(g, ctx->dead, ctx->uses);
  return OAR_OK;
}

static oar_status rewrite(oar_pass_ctx *ctx, int ni, const qmm_match *m, oar_error *err) {
  oar_graph *g = ctx->graph;
  oar_node_builder b;
  OAR_TRY(oar_node_begin(&b, g, oar_schema_by_id(OAR_OP_matmul_int8), g->nodes[ni].source_index, err));
  oar_status st = oar_node_add_input(&b, OAR_QMATMUL_IN_X, m->x.xq, err);
  if (st == OAR_OK) st = oar_node_add_input(&b, OAR_QMATMUL_IN_W, m->w.wq, err);
  if (st == OAR_OK) st = oar_node_add_input(&b, OAR_QMATMUL_IN_X_SCALE, m->x.scale, err);
  if (st == OAR_OK && m->x.zero >= 0)
    st = oar_node_add_input(&b, OAR_QMATMUL_IN_X_ZERO_POINT, m->x.zero, err);
  if (st == OAR_OK) st = oar_node_add_input(&b, OAR_QMATMUL_IN_W_SCALE, m->w.scale, err);
  if (st == OAR_OK) st = oar_node_add_output(&b, 0, oar_pass_output(ctx, ni, 0), err);
  if (st != OAR_OK) {
    oar_node_abort(&b);
    return st;
  }
  const int dq[2] = {oar_pass_input(ctx, ni, OAR_MATMUL_IN_X), oar_pass_input(ctx, ni, OAR_MATMUL_IN_Y)};
  oar_pass_install_int8(ctx, ni, &b, dq, 2);
  return OAR_OK;
}

static bool all_ones(const oar_pass_ctx *ctx, int v) {
  if (v < 0 || !oar_pass_is_const(ctx, v) || ctx->graph->values[v].dtype != OAR_DTYPE_FLOAT32) return false;
  const oar_value *c = &ctx->graph->values[v];
  const int64_t n = oar_shape_numel(&c->shape);
  const float *f = c->data;
  for (int64_t i = 0; i < n; i++)
    if (f[i] != 1.0f) return false;
  return n > 0;
}

/* The sole reader of v if it is a cast to `t`, else -1. */
static int cast_to(const oar_pass_ctx *ctx, int v, oar_dtype t) {
  const int c = oar_pass_sole_consumer(ctx, v);
  if (c < 0 || ctx->graph->nodes[c].schema->id != OAR_OP_cast) return -1;
  oar_dtype to;
  return oar_cast_dtype_from_var_type(oar_node_attr_i(&ctx->graph->nodes[c], OAR_CAST_ATTR_OUT_DTYPE), &to) &&
                 to == t
             ? c
             : -1;
}

/* MatMulInteger as loaded (scale 1) writes integers as float32, which ONNX
 * casts to int32 and the model casts back: with unit scales and no bias
 * the pair is the identity on those values, and goes. */
static void drop_integer_round_trip(oar_pass_ctx *ctx, int ni) {
  if (!all_ones(ctx, oar_pass_input(ctx, ni, OAR_QMATMUL_IN_X_SCALE)) ||
      !all_ones(ctx, oar_pass_input(ctx, ni, OAR_QMATMUL_IN_W_SCALE)))
    return;
  const int y = oar_pass_output(ctx, ni, 0);
  const int to_int = cast_to(ctx, y, OAR_DTYPE_INT32);
  const int to_float = to_int < 0 ? -1 : cast_to(ctx, oar_pass_output(ctx, to_int, 0), OAR_DTYPE_FLOAT32);
  if (to_float < 0) return;
  const int z = oar_pass_output(ctx, to_float, 0);
  for (int i = 0; i < ctx->graph->num_outputs; i++)
    if (ctx->graph->outputs[i] == z) return;
  oar_pass_replace_uses(ctx, z, y);
  oar_pass_kill(ctx, to_float);
  oar_pass_kill(ctx, to_int);
}

/* One float32 value (a scale), constant or computed. */
static bool one_float(const oar_pass_ctx *ctx, int v) {
  const oar_value *c = &ctx->graph->values[v];
  const int p = c->producer;
  /* DynamicQuantizeLinear's YScale, whatever the loader declared for it. */
  if (p >= 0 && !ctx->dead[p] && ctx->graph->nodes[p].schema->id == OAR_OP_dynamic_quantize_linear)
    return v == oar_pass_output(ctx, p, 1);
  const int64_t n = oar_shape_numel(&c->shape);
  return c->dtype == OAR_DTYPE_FLOAT32 && (n == 1 || (n < 0 && !oar_pass_is_const(ctx, v)));
}

/* ONNX Runtime's dynamic quantization scales the integer product after
 * the fact: y = product * (x_scale * w_scale) [+ bias]. With unit scales
 * on the product (MatMulInteger as loaded), the two multiplies become its
 * XScale and WScale (the bias add, fold_bias's): one op, the scaling in
 * its epilogue. */
static oar_status fold_dynamic_scale(oar_pass_ctx *ctx, int ni, oar_error *err) {
  oar_graph *g = ctx->graph;
  if (!all_ones(ctx, oar_pass_input(ctx, ni, OAR_QMATMUL_IN_X_SCALE)) ||
      !all_ones(ctx, oar_pass_input(ctx, ni, OAR_QMATMUL_IN_W_SCALE)))
    return OAR_OK;
  const int y = oar_pass_output(ctx, ni, 0), mul = oar_pass_sole_consumer(ctx, y);
  if (mul < 0 || g->nodes[mul].schema->id != OAR_OP_elementwise_mul ||
      oar_node_attr_i(&g->nodes[mul], OAR_EW_ATTR_AXIS) != -1)
    return OAR_OK;
  const int s = oar_pass_input(ctx, mul, OAR_EW_IN_X) == y ? oar_pass_input(ctx, mul, OAR_EW_IN_Y)
                                                           : oar_pass_input(ctx, mul, OAR_EW_IN_X);
  const int sm = g->values[s].producer;
  if (sm < 0 || ctx->dead[sm] || g->nodes[sm].schema->id != OAR_OP_elementwise_mul || ctx->uses[s] != 1)
    return OAR_OK;
  const int64_t cols = g->values[oar_pass_input(ctx, ni, OAR_QMATMUL_IN_W)].shape.dims[1];
  int xs = oar_pass_input(ctx, sm, OAR_EW_IN_X), ws = oar_pass_input(ctx, sm, OAR_EW_IN_Y);
  const oar_value *wv = &g->values[ws];
  if (!oar_pass_is_const(ctx, ws) ||
      (oar_shape_numel(&wv->shape) != 1 && oar_shape_numel(&wv->shape) != cols)) {
    const int t = xs;
    xs = ws;
    ws = t;
    wv = &g->values[ws];
  }
  if (!oar_pass_is_const(ctx, ws) || wv->dtype != OAR_DTYPE_FLOAT32 ||
      (oar_shape_numel(&wv->shape) != 1 && oar_shape_numel(&wv->shape) != cols) || wv->shape.rank > 1 ||
      !one_float(ctx, xs))
    return OAR_OK;
  OAR_TRY(oar_pass_set_input(ctx, ni, OAR_QMATMUL_IN_X_SCALE, xs, err));
  OAR_TRY(oar_pass_set_input(ctx, ni, OAR_QMATMUL_IN_W_SCALE, ws, err));
  const int out = oar_pass_output(ctx, mul, 0);
  oar_pass_kill(ctx, mul);
  oar_pass_kill(ctx, sm);
  oar_node_set_output(g, ni, 0, out);
  oar_graph_count_uses(g, ctx->dead, ctx->uses);
  return OAR_OK;
}

oar_status oar_pass_quantize_matmul(oar_pass_ctx *ctx, oar_error *err) {
  oar_graph *g = ctx->graph;
  if (!oar_pass_int8_wanted(ctx)) return OAR_OK;
  for (int ni = 0; ni < g->num_nodes; ni++) {
    const oar_op_id id = g->nodes[ni].schema->id;
    if (ctx->dead[ni] || (id != OAR_OP_matmul_v2 && id != OAR_OP_matmul && id != OAR_OP_mul)) continue;
    const int dw = oar_pass_dequantize_producer(ctx, oar_pass_input(ctx, ni, OAR_MATMUL_IN_Y));
    if (dw < 0) continue;
    const int dx = oar_pass_dequantize_producer(ctx, oar_pass_input(ctx, ni, OAR_MATMUL_IN_X));
    qmm_match m;
    const char *why = !plain_product(ctx, ni) ? "transposed, scaled or not a matrix product"
                      : dx < 0                ? "the input is not dequantized"
                                              : oar_pass_match_dq_input(ctx, dx, true, &m.x);
    if (!why) why = oar_pass_match_dq_weight(ctx, dw, 2, 1, &m.w);
    if (why) {
      oar_pass_note(ctx, "%s: %s", oar_pass_node_name(ctx, ni), why);
      continue;
    }
    OAR_TRY(rewrite(ctx, ni, &m, err));
    drop_integer_round_trip(ctx, ni);
    OAR_TRY(fold_dynamic_scale(ctx, ni, err));
    OAR_TRY(fold_bias(ctx, ni, err));
    ctx->report->fired++;
  }
  return OAR_OK;
}
