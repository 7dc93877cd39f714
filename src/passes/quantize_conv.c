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
 * Left in float (noted): depthwise convolutions (one input channel per
 * group: too few products per output to gain), per-tensor activation
 * scales that are not constants, filters with a nonzero zero point. */
#include <string.h>

#include "ir/ops/conv.h"
#include "ir/ops/infer_util.h"
#include "ir/ops/op_ext.h"
#include "passes/conv_match.h"

typedef struct qconv_match {
  int xq, x_scale, x_zero, wq, w_scale;
} qconv_match;

/* The live dequantize_linear node producing value v, or -1. */
static int dequantize_producer(const oar_pass_ctx *ctx, int v) {
  const int p = ctx->graph->values[v].producer;
  if (p < 0 || ctx->dead[p] || ctx->graph->nodes[p].schema->id != OAR_OP_dequantize_linear) return -1;
  return p;
}

static bool const_of(const oar_pass_ctx *ctx, int v, oar_dtype t, int64_t count) {
  const oar_value *c = &ctx->graph->values[v];
  return v >= 0 && oar_pass_is_const(ctx, v) && c->dtype == t && oar_shape_numel(&c->shape) == count &&
         c->bytes >= (size_t)count * oar_dtype_bytes(t);
}

static bool all_zero(const oar_value *c) {
  const unsigned char *b = c->data;
  for (size_t i = 0; i < c->bytes; i++)
    if (b[i]) return false;
  return true;
}

/* Why conv ni is not an int8 convolution, or NULL (m filled). */
static const char *why_not(const oar_pass_ctx *ctx, int ni, qconv_match *m) {
  const oar_graph *g = ctx->graph;
  const oar_node *n = &g->nodes[ni];
  const char *fmt = oar_op_attr_str(n, OAR_CONV_ATTR_DATA_FORMAT);
  if (strcmp(fmt, "NCHW") != 0 && strcmp(fmt, "AnyLayout") != 0) return "not NCHW";
  const int dx = dequantize_producer(ctx, oar_pass_input(ctx, ni, OAR_CONV_IN_INPUT));
  const int dw = dequantize_producer(ctx, oar_pass_input(ctx, ni, OAR_CONV_IN_FILTER));
  if (dx < 0 || dw < 0) return "the input is not dequantized";
  const oar_node *nx = &g->nodes[dx], *nw = &g->nodes[dw];
  if (oar_node_attr_i(nx, OAR_QUANT_ATTR_BLOCK_SIZE) || oar_node_attr_i(nw, OAR_QUANT_ATTR_BLOCK_SIZE))
    return "blocked quantization";
  m->xq = oar_pass_input(ctx, dx, OAR_QUANT_IN_X);
  m->x_scale = oar_pass_input(ctx, dx, OAR_QUANT_IN_SCALE);
  m->x_zero = oar_pass_input(ctx, dx, OAR_QUANT_IN_ZERO_POINT);
  const oar_dtype xt = g->values[m->xq].dtype;
  if (xt != OAR_DTYPE_UINT8 && xt != OAR_DTYPE_INT8) return "the input is not 8-bit";
  if (!const_of(ctx, m->x_scale, OAR_DTYPE_FLOAT32, 1)) return "the input scale is not one float32 constant";
  if (m->x_zero >= 0 && !const_of(ctx, m->x_zero, xt, 1)) return "the input zero point is not one constant";
  m->wq = oar_pass_input(ctx, dw, OAR_QUANT_IN_X);
  m->w_scale = oar_pass_input(ctx, dw, OAR_QUANT_IN_SCALE);
  const int w_zero = oar_pass_input(ctx, dw, OAR_QUANT_IN_ZERO_POINT);
  const oar_value *w = &g->values[m->wq];
  if (!oar_pass_is_const(ctx, m->wq) || w->dtype != OAR_DTYPE_INT8 || w->shape.rank != 4)
    return "the filter is not a constant int8 [M, C, kh, kw]";
  const int64_t out_c = w->shape.dims[0];
  const oar_value *ws = &g->values[m->w_scale];
  const int64_t scales = oar_shape_numel(&ws->shape);
  if (!const_of(ctx, m->w_scale, OAR_DTYPE_FLOAT32, scales) || (scales != 1 && scales != out_c))
    return "the filter scale is not a float32 constant per tensor or per output channel";
  if (scales > 1) {
    const int64_t axis = oar_node_attr_i(nw, OAR_QUANT_ATTR_AXIS);
    if (axis != 0 && axis != -4) return "the filter is not quantized along its output channels";
  }
  if (w_zero >= 0 && (!oar_pass_is_const(ctx, w_zero) || !all_zero(&g->values[w_zero])))
    return "the filter zero point is not 0";
  const int64_t groups = oar_node_attr_i(n, OAR_CONV_ATTR_GROUPS);
  if (w->shape.dims[1] == 1 && groups > 1) return "depthwise: stays float";
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
  oar_graph_replace_node(g, ni, &b);
  oar_graph_count_uses(g, ctx->dead, ctx->uses);
  return OAR_OK;
}

oar_status oar_pass_quantize_conv(oar_pass_ctx *ctx, oar_error *err) {
  oar_graph *g = ctx->graph;
  for (int ni = 0; ni < g->num_nodes; ni++) {
    const oar_op_id id = g->nodes[ni].schema->id;
    if (ctx->dead[ni] || (id != OAR_OP_conv2d && id != OAR_OP_depthwise_conv2d)) continue;
    /* Only convolutions fed by a dequantize are candidates (notes for
     * those that stay float). */
    if (dequantize_producer(ctx, oar_pass_input(ctx, ni, OAR_CONV_IN_FILTER)) < 0) continue;
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
        !const_of(ctx, scale, OAR_DTYPE_FLOAT32, 1) || (zero >= 0 && !const_of(ctx, zero, t, 1))) {
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
