/* Paddle's quantize_linear / dequantize_linear (paddle_fake_quant: float
 * outputs holding integers, scale = the clipping range) rewritten as the
 * ONNX ops they stand for, so that one int8 path serves both formats
 * (quantize_conv and the 8-bit kernels read only quantize_linear /
 * dequantize_linear):
 *
 *   quantize   y = clamp(rne(x * 127 / s), -128, 127)  ->  quantize_linear(x, s / 127) to int8
 *   dequantize y = x * s / 127                         ->  dequantize_linear(x, s / 127)
 *
 * The step s / 127 is rounded once to float, so a value within an ulp of
 * a rounding midpoint may land one step away: the agreement with Paddle is
 * one quantization step, as for any engine running the integers.
 *
 * A quantize is rewritten only with its dequantizes (every reader of its
 * output is one, with the same scale); a constant's dequantize (weights,
 * per tensor or per channel) on its own, the constant turned to int8.
 * Observers (only_observer: Y = X, where Paddle records a range) are
 * removed. Left as they are (noted): round_type 1 (half away from zero after clipping),
 * a range other than [-128, 127], observers. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/op_ext.h"
#include "passes/pass_util.h"

static bool is_fake(const oar_pass_ctx *ctx, int ni, bool dequantize) {
  if (ni < 0 || ctx->dead[ni]) return false;
  const oar_node *n = &ctx->graph->nodes[ni];
  return n->schema->id == OAR_OP_paddle_fake_quant &&
         (oar_node_attr_i(n, OAR_FAKE_QUANT_ATTR_DEQUANTIZE) != 0) == dequantize &&
         !oar_node_attr_i(n, OAR_FAKE_QUANT_ATTR_ONLY_OBSERVER);
}

/* The float32 scale constant of a fake quant (count values), or NULL. */
static const float *scales_of(const oar_pass_ctx *ctx, int ni, int64_t *count) {
  const int s = oar_pass_input(ctx, ni, OAR_QUANT_IN_SCALE);
  if (s < 0 || !oar_pass_is_const(ctx, s)) return NULL;
  const oar_value *v = &ctx->graph->values[s];
  *count = oar_shape_numel(&v->shape);
  if (v->dtype != OAR_DTYPE_FLOAT32 || *count < 1 || v->bytes < (size_t)*count * sizeof(float)) return NULL;
  const float *f = v->data;
  for (int64_t i = 0; i < *count; i++)
    if (!(f[i] > 0) || !isfinite(f[i])) return NULL;
  return f;
}

static const char *why_not_range(const oar_node *n) {
  if (oar_node_attr_i(n, OAR_FAKE_QUANT_ATTR_QMAX) != 127) return "the range is not 8 bits";
  if (!oar_node_attr_i(n, OAR_FAKE_QUANT_ATTR_DEQUANTIZE) &&
      (oar_node_attr_i(n, OAR_FAKE_QUANT_ATTR_QMIN) != -128 ||
       oar_node_attr_i(n, OAR_FAKE_QUANT_ATTR_ROUND_TYPE) != 0))
    return "the quantize clips to [-127, 127] or rounds half away from zero";
  return NULL;
}

/* A new float32 constant of the steps s / 127. */
static oar_status add_steps(oar_pass_ctx *ctx, int ni, const float *s, int64_t count, int *id,
                            oar_error *err) {
  float *steps = oar_malloc((size_t)count * sizeof *steps);
  if (!steps)
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory rewriting %s", "paddle_fake_quant");
  for (int64_t i = 0; i < count; i++) steps[i] = s[i] / 127.0f;
  char base[256];
  snprintf(base, sizeof base, "%s.step",
           ctx->graph->values[oar_pass_input(ctx, ni, OAR_QUANT_IN_SCALE)].name);
  const oar_shape shape = count == 1 ? oar_shape_make(0, NULL) : oar_shape_make(1, &count);
  oar_status st = oar_pass_add_constant(ctx, base, OAR_DTYPE_FLOAT32, &shape, steps,
                                        (size_t)count * sizeof *steps, id, err);
  oar_free(steps);
  return st;
}

/* Node ni becomes `op`(x, step) with the attributes given, writing y. */
static oar_status replace(oar_pass_ctx *ctx, int ni, oar_op_id op, int x, int step, int64_t axis,
                          int64_t out_dtype, oar_error *err) {
  oar_graph *g = ctx->graph;
  const int y = oar_pass_output(ctx, ni, 0);
  oar_node_builder b;
  OAR_TRY(oar_node_begin(&b, g, oar_schema_by_id(op), g->nodes[ni].source_index, err));
  const oar_attr a_axis = {.type = OAR_ATTR_INT, .i = axis}, a_dtype = {.type = OAR_ATTR_INT, .i = out_dtype};
  oar_status st = oar_node_add_input(&b, OAR_QUANT_IN_X, x, err);
  if (st == OAR_OK) st = oar_node_add_input(&b, OAR_QUANT_IN_SCALE, step, err);
  if (st == OAR_OK) st = oar_node_set_attr(&b, OAR_QUANT_ATTR_AXIS, &a_axis, err);
  if (st == OAR_OK && out_dtype) st = oar_node_set_attr(&b, OAR_QUANT_ATTR_OUT_DTYPE, &a_dtype, err);
  if (st == OAR_OK) st = oar_node_add_output(&b, 0, y, err);
  if (st != OAR_OK) {
    oar_node_abort(&b);
    return st;
  }
  oar_graph_replace_node(g, ni, &b);
  return OAR_OK;
}

static bool is_graph_output(const oar_graph *g, int v) {
  for (int i = 0; i < g->num_outputs; i++)
    if (g->outputs[i] == v) return true;
  return false;
}

/* Quantize ni (per tensor) and every dequantize reading it. */
static const char *why_not_pair(const oar_pass_ctx *ctx, int ni, float *s) {
  const oar_graph *g = ctx->graph;
  const oar_node *n = &g->nodes[ni];
  const char *why = why_not_range(n);
  if (why) return why;
  int64_t count;
  const float *sc = scales_of(ctx, ni, &count);
  if (!sc || count != 1) return "the scale is not one positive constant";
  *s = sc[0];
  const int x = oar_pass_input(ctx, ni, OAR_QUANT_IN_X), y = oar_pass_output(ctx, ni, 0);
  if (g->values[x].dtype != OAR_DTYPE_FLOAT32) return "the input is not float32";
  if (is_graph_output(g, y)) return "the quantized values are an output of the model";
  for (int k = 0; k < g->num_nodes; k++) {
    if (ctx->dead[k] || k == ni) continue;
    const oar_node *r = &g->nodes[k];
    for (int i = 0; i < oar_node_num_in(r); i++) {
      if (r->in[i] != y) continue;
      int64_t rc;
      const float *rs =
          is_fake(ctx, k, true) && i == r->in_start[OAR_QUANT_IN_X] ? scales_of(ctx, k, &rc) : NULL;
      if (!rs || rc != 1 || rs[0] != *s || why_not_range(r)) return "a reader is not its dequantize";
    }
  }
  return NULL;
}

static oar_status rewrite_pair(oar_pass_ctx *ctx, int ni, float s, oar_error *err) {
  oar_graph *g = ctx->graph;
  int step;
  OAR_TRY(add_steps(ctx, ni, &s, 1, &step, err));
  const int x = oar_pass_input(ctx, ni, OAR_QUANT_IN_X), y = oar_pass_output(ctx, ni, 0);
  /* Readers first: replace_node keeps indices. */
  for (int k = 0; k < g->num_nodes; k++) {
    if (ctx->dead[k] || k == ni || !is_fake(ctx, k, true) || oar_pass_input(ctx, k, OAR_QUANT_IN_X) != y)
      continue;
    OAR_TRY(replace(ctx, k, OAR_OP_dequantize_linear, y, step, 1, 0, err));
  }
  OAR_TRY(replace(ctx, ni, OAR_OP_quantize_linear, x, step, 1, OAR_DTYPE_INT8, err));
  g->values[y].dtype = OAR_DTYPE_INT8;
  return OAR_OK;
}

/* A constant's dequantize: the constant as int8 (it holds integers in
 * range, as int8 or as float32), the steps per tensor or per channel. */
static const char *why_not_weight(oar_pass_ctx *ctx, int ni, int *wq, oar_error *err, oar_status *st) {
  oar_graph *g = ctx->graph;
  const oar_node *n = &g->nodes[ni];
  *st = OAR_OK;
  const char *why = why_not_range(n);
  if (why) return why;
  const int x = oar_pass_input(ctx, ni, OAR_QUANT_IN_X);
  if (!oar_pass_is_const(ctx, x)) return "its input is neither a quantize nor a constant";
  const oar_value *v = &g->values[x];
  const int64_t numel = oar_shape_numel(&v->shape);
  if (v->dtype == OAR_DTYPE_INT8) {
    *wq = x;
    return NULL;
  }
  if (v->dtype != OAR_DTYPE_FLOAT32 || numel < 0 || v->bytes < (size_t)numel * sizeof(float))
    return "the constant is neither int8 nor float32";
  const float *f = v->data;
  for (int64_t i = 0; i < numel; i++)
    if (!(f[i] >= -128.0f && f[i] <= 127.0f) || f[i] != floorf(f[i]))
      return "the constant holds non-integers";
  int8_t *q = oar_malloc((size_t)(numel ? numel : 1));
  if (!q) {
    *st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory rewriting %s", "paddle_fake_quant");
    return "out of memory";
  }
  for (int64_t i = 0; i < numel; i++) q[i] = (int8_t)f[i];
  char base[256];
  snprintf(base, sizeof base, "%s.int8", v->name);
  const oar_shape shape = v->shape;
  *st = oar_pass_add_constant(ctx, base, OAR_DTYPE_INT8, &shape, q, (size_t)numel, wq, err);
  oar_free(q);
  return *st == OAR_OK ? NULL : "out of memory";
}

oar_status oar_pass_paddle_quant_to_qdq(oar_pass_ctx *ctx, oar_error *err) {
  oar_graph *g = ctx->graph;
  const int nodes = g->num_nodes;
  /* Observers (Y = X: Paddle records a range there) go first, so that the
   * pairs around them meet. */
  for (int ni = 0; ni < nodes; ni++) {
    const oar_node *n = &g->nodes[ni];
    if (ctx->dead[ni] || n->schema->id != OAR_OP_paddle_fake_quant ||
        !oar_node_attr_i(n, OAR_FAKE_QUANT_ATTR_ONLY_OBSERVER))
      continue;
    const int x = oar_pass_input(ctx, ni, OAR_QUANT_IN_X), y = oar_pass_output(ctx, ni, 0);
    if (g->values[x].dtype != OAR_DTYPE_FLOAT32 || is_graph_output(g, y)) continue;
    oar_pass_replace_uses(ctx, y, x);
    oar_pass_kill(ctx, ni);
    ctx->report->fired++;
  }
  for (int ni = 0; ni < nodes; ni++) {
    if (!is_fake(ctx, ni, false)) continue;
    float s;
    const char *why = oar_node_attr_i(&g->nodes[ni], OAR_FAKE_QUANT_ATTR_AXIS) != -1
                          ? "activations quantized per channel"
                          : why_not_pair(ctx, ni, &s);
    if (why) {
      oar_pass_note(ctx, "%s: %s", oar_pass_node_name(ctx, ni), why);
      continue;
    }
    OAR_TRY(rewrite_pair(ctx, ni, s, err));
    oar_graph_count_uses(g, ctx->dead, ctx->uses);
    ctx->report->fired++;
  }
  for (int ni = 0; ni < nodes; ni++) {
    if (!is_fake(ctx, ni, true) || !oar_pass_is_const(ctx, oar_pass_input(ctx, ni, OAR_QUANT_IN_X))) continue;
    int wq = -1;
    oar_status st;
    const char *why = why_not_weight(ctx, ni, &wq, err, &st);
    OAR_TRY(st);
    int64_t count;
    const float *sc = why ? NULL : scales_of(ctx, ni, &count);
    const int64_t axis = oar_node_attr_i(&g->nodes[ni], OAR_FAKE_QUANT_ATTR_AXIS);
    if (!why && (!sc || (count > 1) != (axis >= 0)))
      why = "the scales are not positive constants per tensor or axis";
    if (why) {
      oar_pass_note(ctx, "%s: %s", oar_pass_node_name(ctx, ni), why);
      continue;
    }
    int step;
    OAR_TRY(add_steps(ctx, ni, sc, count, &step, err));
    OAR_TRY(replace(ctx, ni, OAR_OP_dequantize_linear, wq, step, axis >= 0 ? axis : 1, 0, err));
    oar_graph_count_uses(g, ctx->dead, ctx->uses);
    ctx->report->fired++;
  }
  return OAR_OK;
}
