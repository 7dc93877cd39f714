/* The residual add of a QDQ network, as quantizers write it,
 *
 *   quantize_linear([relu](elementwise_add(dequantize_linear(a), dequantize_linear(b))))
 *
 * every scale and zero point one constant, numpy broadcasting, becomes
 * add_int8(a, b): one pass over the 8-bit tensors with the same float32
 * arithmetic, instead of two dequantized float tensors, their sum and a
 * quantize. (ONNX Runtime's QLinearAdd, written as its QDQ pattern.) */
#include "ir/ops/elementwise.h"
#include "ir/ops/op_ext.h"
#include "passes/quant_match.h"

typedef struct qadd_match {
  oar_pass_dq_input a, b;
  int add, relu, q; /* relu: -1 when none */
} qadd_match;

static const char *why_not(const oar_pass_ctx *ctx, int q, qadd_match *m) {
  const oar_graph *g = ctx->graph;
  m->q = q;
  m->relu = -1;
  int p = g->values[oar_pass_input(ctx, q, OAR_QUANT_IN_X)].producer;
  if (p >= 0 && !ctx->dead[p] && g->nodes[p].schema->id == OAR_OP_relu) {
    if (oar_pass_sole_consumer(ctx, oar_pass_output(ctx, p, 0)) != q) return "the relu has other readers";
    m->relu = p;
    p = g->values[oar_pass_input(ctx, p, 0)].producer;
  }
  /* Not a sum: not this pattern at all (no note). */
  if (p < 0 || ctx->dead[p] || g->nodes[p].schema->id != OAR_OP_elementwise_add) return "";
  m->add = p;
  if (oar_pass_sole_consumer(ctx, oar_pass_output(ctx, p, 0)) != (m->relu >= 0 ? m->relu : q))
    return "the sum has other readers";
  const int da = oar_pass_dequantize_producer(ctx, oar_pass_input(ctx, p, OAR_EW_IN_X)),
            db = oar_pass_dequantize_producer(ctx, oar_pass_input(ctx, p, OAR_EW_IN_Y));
  if (da < 0 || db < 0) return "an operand is not dequantized";
  const char *why = oar_pass_match_dq_input(ctx, da, false, &m->a);
  if (!why) why = oar_pass_match_dq_input(ctx, db, false, &m->b);
  if (why) return why;
  if (m->a.zero < 0 || m->b.zero < 0) return "an operand has no zero point";
  /* numpy broadcasting (ONNX Add), which add_int8 follows. */
  if (oar_node_attr_i(&g->nodes[p], OAR_EW_ATTR_AXIS) != -1) return "the add broadcasts along an axis";
  const int s = oar_pass_input(ctx, q, OAR_QUANT_IN_SCALE),
            z = oar_pass_input(ctx, q, OAR_QUANT_IN_ZERO_POINT);
  const oar_dtype t = z >= 0 ? g->values[z].dtype : OAR_DTYPE_UNKNOWN;
  if (oar_node_attr_i(&g->nodes[q], OAR_QUANT_ATTR_BLOCK_SIZE) ||
      !oar_pass_const_count(ctx, s, OAR_DTYPE_FLOAT32, 1) || z < 0 ||
      (t != OAR_DTYPE_UINT8 && t != OAR_DTYPE_INT8) || !oar_pass_const_count(ctx, z, t, 1))
    return "the quantize is not to 8 bits with one constant scale and zero point";
  return NULL;
}

static oar_status rewrite(oar_pass_ctx *ctx, const qadd_match *m, oar_error *err) {
  oar_graph *g = ctx->graph;
  oar_node_builder b;
  OAR_TRY(oar_node_begin(&b, g, oar_schema_by_id(OAR_OP_add_int8), g->nodes[m->q].source_index, err));
  const int in[8] = {m->a.xq,
                     m->a.scale,
                     m->a.zero,
                     m->b.xq,
                     m->b.scale,
                     m->b.zero,
                     oar_pass_input(ctx, m->q, OAR_QUANT_IN_SCALE),
                     oar_pass_input(ctx, m->q, OAR_QUANT_IN_ZERO_POINT)};
  oar_status st = OAR_OK;
  for (int i = 0; i < 8 && st == OAR_OK; i++) st = oar_node_add_input(&b, i, in[i], err);
  const oar_attr relu = {.type = OAR_ATTR_BOOL, .i = m->relu >= 0};
  if (st == OAR_OK) st = oar_node_set_attr(&b, OAR_QADD_ATTR_FUSE_RELU, &relu, err);
  if (st == OAR_OK) st = oar_node_add_output(&b, 0, oar_pass_output(ctx, m->q, 0), err);
  if (st != OAR_OK) {
    oar_node_abort(&b);
    return st;
  }
  const int dq[2] = {oar_pass_input(ctx, m->add, OAR_EW_IN_X), oar_pass_input(ctx, m->add, OAR_EW_IN_Y)};
  oar_pass_kill(ctx, m->add);
  if (m->relu >= 0) oar_pass_kill(ctx, m->relu);
  oar_pass_install_int8(ctx, m->q, &b, dq, 2);
  return OAR_OK;
}

oar_status oar_pass_fuse_quantized_add(oar_pass_ctx *ctx, oar_error *err) {
  oar_graph *g = ctx->graph;
  for (int ni = 0; ni < g->num_nodes; ni++) {
    if (ctx->dead[ni] || g->nodes[ni].schema->id != OAR_OP_quantize_linear) continue;
    qadd_match m;
    const char *why = why_not(ctx, ni, &m);
    if (why && why[0]) oar_pass_note(ctx, "%s: %s", oar_pass_node_name(ctx, ni), why);
    if (why) continue;
    OAR_TRY(rewrite(ctx, &m, err));
    ctx->report->fired++;
  }
  return OAR_OK;
}
