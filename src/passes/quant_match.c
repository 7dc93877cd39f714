#include "passes/quant_match.h"

#include "ir/graph_edit.h"

#include "ir/ops/math.h"
#include "ir/ops/op_ext.h"

int oar_pass_dequantize_producer(const oar_pass_ctx *ctx, int v) {
  if (v < 0) return -1;
  const int p = ctx->graph->values[v].producer;
  if (p < 0 || ctx->dead[p] || ctx->graph->nodes[p].schema->id != OAR_OP_dequantize_linear) return -1;
  return p;
}

bool oar_pass_const_count(const oar_pass_ctx *ctx, int v, oar_dtype t, int64_t count) {
  if (v < 0 || !oar_pass_is_const(ctx, v)) return false;
  const oar_value *c = &ctx->graph->values[v];
  return c->dtype == t && oar_shape_numel(&c->shape) == count &&
         c->bytes >= (size_t)count * oar_dtype_bytes(t);
}

static oar_dtype value_dtype(const oar_pass_ctx *ctx, int v);

static bool one_of(const oar_pass_ctx *ctx, int v, oar_dtype t, bool allow_dynamic) {
  if (!allow_dynamic) return oar_pass_const_count(ctx, v, t, 1);
  /* Computed (DynamicQuantizeLinear): one value, or a shape not known yet
   * (the op checks it when planned). */
  const oar_value *c = &ctx->graph->values[v];
  const int64_t numel = oar_shape_numel(&c->shape);
  return value_dtype(ctx, v) == t && (numel == 1 || (numel < 0 && !oar_pass_is_const(ctx, v)));
}

/* The dtype of value v: what a quantize_linear producing it writes, seen
 * through ops that only move or view elements (the declared dtype of a
 * value may be a loader's float32 default where shapes were not known),
 * else the declared one. */
static oar_dtype value_dtype(const oar_pass_ctx *ctx, int v) {
  const oar_graph *g = ctx->graph;
  for (int depth = 0; depth < 8; depth++) {
    const int p = g->values[v].producer;
    if (p < 0 || ctx->dead[p]) break;
    const oar_node *n = &g->nodes[p];
    switch (n->schema->id) {
      case OAR_OP_quantize_linear: {
        const int64_t dt = oar_node_attr_i(n, OAR_QUANT_ATTR_OUT_DTYPE);
        if (dt) return (oar_dtype)dt;
        const int z = oar_pass_input(ctx, p, OAR_QUANT_IN_ZERO_POINT);
        return z >= 0 ? g->values[z].dtype : OAR_DTYPE_UINT8;
      }
      case OAR_OP_dynamic_quantize_linear: /* Y and YZeroPoint uint8, YScale float32 */
        return v == oar_pass_output(ctx, p, 1) ? OAR_DTYPE_FLOAT32 : OAR_DTYPE_UINT8;
      case OAR_OP_cast: {
        oar_dtype t;
        return oar_cast_dtype_from_var_type(oar_node_attr_i(n, OAR_CAST_ATTR_OUT_DTYPE), &t)
                   ? t
                   : g->values[v].dtype;
      }
      case OAR_OP_reshape2:
      case OAR_OP_reshape:
      case OAR_OP_flatten_contiguous_range:
      case OAR_OP_flatten2:
      case OAR_OP_transpose2:
      case OAR_OP_transpose:
      case OAR_OP_squeeze2:
      case OAR_OP_unsqueeze2:
      case OAR_OP_squeeze_axes:
      case OAR_OP_unsqueeze_axes: v = oar_pass_input(ctx, p, 0); continue;
      default: break;
    }
    break;
  }
  return g->values[v].dtype;
}

const char *oar_pass_match_dq_input(const oar_pass_ctx *ctx, int dq, bool allow_dynamic,
                                    oar_pass_dq_input *m) {
  const oar_graph *g = ctx->graph;
  if (oar_node_attr_i(&g->nodes[dq], OAR_QUANT_ATTR_BLOCK_SIZE)) return "blocked quantization";
  m->xq = oar_pass_input(ctx, dq, OAR_QUANT_IN_X);
  m->scale = oar_pass_input(ctx, dq, OAR_QUANT_IN_SCALE);
  m->zero = oar_pass_input(ctx, dq, OAR_QUANT_IN_ZERO_POINT);
  const oar_dtype xt = value_dtype(ctx, m->xq);
  if (xt != OAR_DTYPE_UINT8 && xt != OAR_DTYPE_INT8) return "the input is not 8-bit";
  if (!one_of(ctx, m->scale, OAR_DTYPE_FLOAT32, allow_dynamic))
    return "the input scale is not one float32 constant";
  if (m->zero >= 0 && !one_of(ctx, m->zero, xt, allow_dynamic))
    return "the input zero point is not one constant";
  return NULL;
}

static bool all_zero(const oar_value *c) {
  const unsigned char *b = c->data;
  for (size_t i = 0; i < c->bytes; i++)
    if (b[i]) return false;
  return true;
}

const char *oar_pass_match_dq_weight(const oar_pass_ctx *ctx, int dq, int rank, int axis,
                                     oar_pass_dq_weight *m) {
  const oar_graph *g = ctx->graph;
  const oar_node *n = &g->nodes[dq];
  if (oar_node_attr_i(n, OAR_QUANT_ATTR_BLOCK_SIZE)) return "blocked quantization";
  m->wq = oar_pass_input(ctx, dq, OAR_QUANT_IN_X);
  m->scale = oar_pass_input(ctx, dq, OAR_QUANT_IN_SCALE);
  const int zero = oar_pass_input(ctx, dq, OAR_QUANT_IN_ZERO_POINT);
  const oar_value *w = &g->values[m->wq];
  if (!oar_pass_is_const(ctx, m->wq) || w->dtype != OAR_DTYPE_INT8 || w->shape.rank != rank)
    return "the weight is not an int8 constant";
  const oar_value *ws = &g->values[m->scale];
  const int64_t scales = oar_shape_numel(&ws->shape), channels = w->shape.dims[axis];
  if (!oar_pass_const_count(ctx, m->scale, OAR_DTYPE_FLOAT32, scales) || (scales != 1 && scales != channels))
    return "the weight scale is not a float32 constant per tensor or per output channel";
  if (scales > 1) {
    const int64_t a = oar_node_attr_i(n, OAR_QUANT_ATTR_AXIS);
    if (a != axis && a != axis - rank) return "the weight is not quantized along its output channels";
  }
  if (zero >= 0 && (!oar_pass_is_const(ctx, zero) || !all_zero(&g->values[zero])))
    return "the weight zero point is not 0";
  return NULL;
}

void oar_pass_drop_unread_dequantize(oar_pass_ctx *ctx, int v) {
  const int p = oar_pass_dequantize_producer(ctx, v);
  if (p < 0 || ctx->uses[v] > 0) return;
  for (int i = 0; i < ctx->graph->num_outputs; i++)
    if (ctx->graph->outputs[i] == v) return;
  oar_pass_kill(ctx, p);
}

bool oar_pass_int8_wanted(oar_pass_ctx *ctx) {
  if (!ctx->target.no_int8) return true;
  oar_pass_note(ctx, "the int8 kernels of this CPU level (no VNNI) are slower than float32: left in float");
  return false;
}

void oar_pass_install_int8(oar_pass_ctx *ctx, int ni, oar_node_builder *b, const int *dequantized,
                           int count) {
  oar_graph_replace_node(ctx->graph, ni, b);
  oar_graph_count_uses(ctx->graph, ctx->dead, ctx->uses);
  for (int i = 0; i < count; i++) oar_pass_drop_unread_dequantize(ctx, dequantized[i]);
}
