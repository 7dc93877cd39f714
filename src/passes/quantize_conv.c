/* Quantized convolutions to int8 (issue 14): the pattern quantizers write,
 *
 *   conv2d(Input  = dequantize_linear(xq, x_scale, x_zero_point),
 *          Filter = dequantize_linear(wq, w_scale[, 0]))
 *
 * (ONNX QDQ models, and QLinearConv as the ONNX loader lowers it) becomes
 * conv2d_int8(xq, wq, x_scale, x_zero_point, w_scale): the products run on
 * the integers, summed exactly, instead of on the dequantized floats. The
 * result is the same sum of the same products, rounded once at the end.
 * Runs first, before constant folding would turn the int8 filter into a
 * float one; the conv epilogue fusions that follow (bias, residual,
 * activation) apply to conv2d_int8 as to conv2d.
 *
 * Depthwise convolutions become conv2d_int8 too (their own plane kernel).
 * Left in float (noted): activation scales that are not constants,
 * filters with a nonzero zero point. */
#include <string.h>

#include "ir/ops/conv.h"
#include "ir/ops/infer_util.h"
#include "ir/ops/op_ext.h"
#include "passes/conv_match.h"
#include "passes/quant_match.h"

typedef struct qconv_match {
  int xq, x_scale, x_zero, wq, w_scale;
} qconv_match;

/* Why conv ni is not an int8 convolution, or NULL (m filled). */
static const char *why_not(const oar_pass_ctx *ctx, int ni, qconv_match *m) {
  const oar_graph *g = ctx->graph;
  const oar_node *n = &g->nodes[ni];
  const char *fmt = oar_op_attr_str(n, OAR_CONV_ATTR_DATA_FORMAT);
  if (strcmp(fmt, "NCHW") != 0 && strcmp(fmt, "AnyLayout") != 0) return "not NCHW";
  const int dx = oar_pass_dequantize_producer(ctx, oar_pass_input(ctx, ni, OAR_CONV_IN_INPUT));
  const int dw = oar_pass_dequantize_producer(ctx, oar_pass_input(ctx, ni, OAR_CONV_IN_FILTER));
  if (dx < 0 || dw < 0) return "the input is not dequantized";
  oar_pass_dq_input in;
  const char *why = oar_pass_match_dq_input(ctx, dx, false, &in);
  if (why) return why;
  oar_pass_dq_weight w;
  why = oar_pass_match_dq_weight(ctx, dw, 4, 0, &w);
  if (why) return why;
  *m = (qconv_match){in.xq, in.scale, in.zero, w.wq, w.scale};
  return NULL;
}

static oar_status rewrite(oar_pass_ctx *ctx, int ni, const qconv_match *m, oar_error *err) {
  oar_graph *g = ctx->graph;
  const oar_node *n = &g->nodes[ni];
  oar_node_builder b;
  OAR_TRY(oar_node_begin(&b, g, oar_schema_by_id(OAR_OP_conv2d_int8), n->source_index, err));
  const int bias = oar_pass_input(ctx, ni, OAR_CONV_IN_BIAS),
            res = oar_pass_input(ctx, ni, OAR_CONV_IN_RESIDUAL);
  oar_status st = oar_node_add_input(&b, OAR_CONV_IN_INPUT, m->xq, err);
  if (st == OAR_OK) st = oar_node_add_input(&b, OAR_CONV_IN_FILTER, m->wq, err);
  if (st == OAR_OK && bias >= 0) st = oar_node_add_input(&b, OAR_CONV_IN_BIAS, bias, err);
  if (st == OAR_OK && res >= 0) st = oar_node_add_input(&b, OAR_CONV_IN_RESIDUAL, res, err);
  if (st == OAR_OK) st = oar_node_add_input(&b, OAR_CONV_INT8_IN_INPUT_SCALE, m->x_scale, err);
  if (st == OAR_OK && m->x_zero >= 0)
    st = oar_node_add_input(&b, OAR_CONV_INT8_IN_INPUT_ZERO_POINT, m->x_zero, err);
  if (st == OAR_OK) st = oar_node_add_input(&b, OAR_CONV_INT8_IN_FILTER_SCALE, m->w_scale, err);
  for (int a = 0; a < n->schema->num_attrs && st == OAR_OK; a++)
    st = oar_node_set_attr(&b, a, &n->attrs[a], err);
  if (st == OAR_OK) st = oar_node_add_output(&b, OAR_CONV_OUT_OUTPUT, oar_pass_output(ctx, ni, 0), err);
  if (st != OAR_OK) {
    oar_node_abort(&b);
    return st;
  }
  const int dq[2] = {oar_pass_input(ctx, ni, OAR_CONV_IN_INPUT), oar_pass_input(ctx, ni, OAR_CONV_IN_FILTER)};
  oar_pass_install_int8(ctx, ni, &b, dq, 2);
  return OAR_OK;
}

oar_status oar_pass_quantize_conv(oar_pass_ctx *ctx, oar_error *err) {
  oar_graph *g = ctx->graph;
  if (!oar_pass_int8_wanted(ctx)) return OAR_OK;
  for (int ni = 0; ni < g->num_nodes; ni++) {
    const oar_op_id id = g->nodes[ni].schema->id;
    if (ctx->dead[ni] || (id != OAR_OP_conv2d && id != OAR_OP_depthwise_conv2d)) continue;
    /* Only convolutions fed by a dequantize are candidates (notes for
     * those that stay float). */
    if (oar_pass_dequantize_producer(ctx, oar_pass_input(ctx, ni, OAR_CONV_IN_FILTER)) < 0) continue;
    qconv_match m;
    const char *why = why_not(ctx, ni, &m);
    if (why) {
      oar_pass_note(ctx, "%s: %s", oar_pass_node_name(ctx, ni), why);
      continue;
    }
    OAR_TRY(rewrite(ctx, ni, &m, err));
    ctx->report->fired++;
  }
  return OAR_OK;
}

/* conv2d_int8 -> quantize_linear (one scale, constant) becomes conv2d_int8
 * writing the 8-bit output itself: the float result never goes to memory.
 * Runs after the activation fusion; only a clamp activation (none, relu,
 * relu6) can run before the requantization in the epilogue. */
oar_status oar_pass_fuse_conv_requantize(oar_pass_ctx *ctx, oar_error *err) {
  oar_graph *g = ctx->graph;
  for (int ni = 0; ni < g->num_nodes; ni++) {
    if (ctx->dead[ni] || g->nodes[ni].schema->id != OAR_OP_conv2d_int8 ||
        oar_pass_input(ctx, ni, OAR_CONV_INT8_IN_OUTPUT_SCALE) >= 0)
      continue;
    const char *act = oar_op_attr_str(&g->nodes[ni], OAR_CONV_ATTR_FUSE_ACTIVATION);
    if (act[0] && strcmp(act, "relu") != 0 && strcmp(act, "relu6") != 0) continue;
    const int q = oar_pass_sole_consumer(ctx, oar_pass_output(ctx, ni, 0));
    if (q < 0 || g->nodes[q].schema->id != OAR_OP_quantize_linear) continue;
    const int scale = oar_pass_input(ctx, q, OAR_QUANT_IN_SCALE),
              zero = oar_pass_input(ctx, q, OAR_QUANT_IN_ZERO_POINT);
    const int y = oar_pass_output(ctx, q, 0);
    const oar_dtype t = g->values[y].dtype;
    if ((t != OAR_DTYPE_UINT8 && t != OAR_DTYPE_INT8) ||
        oar_node_attr_i(&g->nodes[q], OAR_QUANT_ATTR_BLOCK_SIZE) ||
        !oar_pass_const_count(ctx, scale, OAR_DTYPE_FLOAT32, 1) ||
        (zero >= 0 && !oar_pass_const_count(ctx, zero, t, 1))) {
      oar_pass_note(ctx, "%s: the quantize after it is not to 8 bits with one constant scale",
                    oar_pass_node_name(ctx, ni));
      continue;
    }
    OAR_TRY(oar_pass_set_input(ctx, ni, OAR_CONV_INT8_IN_OUTPUT_SCALE, scale, err));
    if (zero >= 0) OAR_TRY(oar_pass_set_input(ctx, ni, OAR_CONV_INT8_IN_OUTPUT_ZERO_POINT, zero, err));
    oar_pass_conv_take_output(ctx, ni, q, y);
    ctx->report->fired++;
  }
  return OAR_OK;
}
