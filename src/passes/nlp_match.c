#include "passes/nlp_match.h"

#include <string.h>

#include "ir/ops/elementwise.h"
#include "ir/ops/math.h"
#include "ir/ops/op_ext.h"

int oar_nlp_producer(const oar_pass_ctx *ctx, int value, oar_op_id id) {
  if (value < 0) return -1;
  const int p = ctx->graph->values[value].producer;
  if (p < 0 || ctx->dead[p]) return -1;
  const oar_node *n = &ctx->graph->nodes[p];
  if (n->schema->id != id || oar_node_num_out(n) == 0 || n->out[0] != value) return -1;
  return p;
}

bool oar_nlp_only_feeds(const oar_pass_ctx *ctx, int value, int consumer) {
  return value >= 0 && consumer >= 0 && oar_pass_sole_consumer(ctx, value) == consumer;
}

bool oar_nlp_xshape_unused(const oar_pass_ctx *ctx, int ni) {
  const oar_node *n = &ctx->graph->nodes[ni];
  if (n->schema->num_outputs < 2) return true;
  for (int k = 0; k < oar_node_output_count(n, OAR_NLP_OUT_XSHAPE); k++)
    if (ctx->uses[n->out[n->out_start[OAR_NLP_OUT_XSHAPE] + k]] > 0) return false;
  return true;
}

static bool const_ints(const oar_pass_ctx *ctx, int value, int64_t *dims, int *rank) {
  if (!oar_pass_is_const(ctx, value)) return false;
  const oar_value *v = &ctx->graph->values[value];
  const int64_t count = oar_shape_numel(&v->shape);
  const size_t elem = v->dtype == OAR_DTYPE_INT64 ? 8 : v->dtype == OAR_DTYPE_INT32 ? 4 : 0;
  if (!elem || count < 0 || count > OAR_MAX_RANK || v->bytes < (size_t)count * elem) return false;
  for (int64_t i = 0; i < count; i++) {
    if (elem == 8) {
      memcpy(&dims[i], (const char *)v->data + i * 8, 8);
    } else {
      int32_t d;
      memcpy(&d, (const char *)v->data + i * 4, 4);
      dims[i] = d;
    }
  }
  *rank = (int)count;
  return true;
}

bool oar_nlp_reshape_target(const oar_pass_ctx *ctx, int ni, int64_t *dims, int *rank) {
  const oar_node *n = &ctx->graph->nodes[ni];
  if (n->schema->id != OAR_OP_reshape2 && n->schema->id != OAR_OP_reshape) return false;
  if (oar_node_input_count(n, OAR_NLP_RESHAPE_IN_SHAPE_TENSOR) > 0) return false;
  const int shape = oar_pass_input(ctx, ni, OAR_NLP_RESHAPE_IN_SHAPE);
  if (shape >= 0) return const_ints(ctx, shape, dims, rank);
  const oar_attr *a = oar_node_attr(n, OAR_NLP_RESHAPE_ATTR_SHAPE);
  if (a->type != OAR_ATTR_INTS || a->n > OAR_MAX_RANK) return false;
  for (size_t i = 0; i < a->n; i++) dims[i] = a->ints[i];
  *rank = (int)a->n;
  return true;
}

bool oar_nlp_transpose_perm(const oar_pass_ctx *ctx, int ni, int *perm, int *rank) {
  const oar_node *n = &ctx->graph->nodes[ni];
  if (n->schema->id != OAR_OP_transpose2 && n->schema->id != OAR_OP_transpose) return false;
  const oar_attr *a = oar_node_attr(n, OAR_NLP_TRANSPOSE_ATTR_AXIS);
  if (a->type != OAR_ATTR_INTS || a->n == 0 || a->n > OAR_MAX_RANK) return false;
  const int r = (int)a->n;
  bool seen[OAR_MAX_RANK] = {false};
  for (int i = 0; i < r; i++) {
    int64_t p = a->ints[i] < 0 ? a->ints[i] + r : a->ints[i];
    if (p < 0 || p >= r || seen[p]) return false;
    seen[p] = true;
    perm[i] = (int)p;
  }
  *rank = r;
  return true;
}

/* The value of a one-element float32 constant. */
static bool const_scalar(const oar_pass_ctx *ctx, int value, double *f) {
  if (value < 0 || !oar_pass_is_const(ctx, value)) return false;
  const oar_value *v = &ctx->graph->values[value];
  if (v->dtype != OAR_DTYPE_FLOAT32 || oar_shape_numel(&v->shape) != 1 || v->bytes < sizeof(float))
    return false;
  float x;
  memcpy(&x, v->data, sizeof x);
  *f = x;
  return true;
}

bool oar_nlp_scalar_factor(const oar_pass_ctx *ctx, int ni, double *factor, int *data) {
  const oar_node *n = &ctx->graph->nodes[ni];
  const int x = oar_pass_input(ctx, ni, 0), y = n->schema->num_inputs > 1 ? oar_pass_input(ctx, ni, 1) : -1;
  double c;
  switch (n->schema->id) {
    case OAR_OP_scale:
      if (oar_node_input_count(n, OAR_SCALE_IN_SCALE_TENSOR) ||
          oar_node_attr_f(n, OAR_SCALE_ATTR_BIAS) != 0.0)
        return false;
      *factor = oar_node_attr_f(n, OAR_SCALE_ATTR_SCALE);
      *data = x;
      return true;
    case OAR_OP_elementwise_mul:
      if (oar_node_attr_i(n, OAR_EW_ATTR_AXIS) != -1) return false;
      if (const_scalar(ctx, y, &c) && !oar_pass_is_const(ctx, x)) {
        *factor = c;
        *data = x;
        return true;
      }
      if (const_scalar(ctx, x, &c) && !oar_pass_is_const(ctx, y)) {
        *factor = c;
        *data = y;
        return true;
      }
      return false;
    case OAR_OP_elementwise_div:
      if (oar_node_attr_i(n, OAR_EW_ATTR_AXIS) != -1 || !const_scalar(ctx, y, &c) || c == 0.0) return false;
      *factor = 1.0 / c;
      *data = x;
      return true;
    case OAR_OP_elementwise_add: /* + 0: how paddle2onnx writes scale's bias */
      if (oar_node_attr_i(n, OAR_EW_ATTR_AXIS) != -1) return false;
      if (const_scalar(ctx, y, &c) && c == 0.0 && !oar_pass_is_const(ctx, x)) {
        *factor = 1.0;
        *data = x;
        return true;
      }
      return false;
    default: return false;
  }
}

void oar_nlp_nodes_add(oar_nlp_nodes *s, int ni) {
  if (s->count < OAR_NLP_MAX_MATCHED)
    s->ids[s->count++] = ni;
  else
    s->overflow = true;
}

void oar_nlp_remove_dead(oar_pass_ctx *ctx) {
  const oar_graph *g = ctx->graph;
  for (int ni = g->num_nodes - 1; ni >= 0; ni--) {
    if (ctx->dead[ni]) continue;
    const oar_node *n = &g->nodes[ni];
    bool used = false;
    for (int i = 0; i < oar_node_num_out(n) && !used; i++) used = ctx->uses[n->out[i]] > 0;
    if (!used && oar_node_num_out(n) > 0) oar_pass_kill(ctx, ni);
  }
}

bool oar_nlp_is_binary(const oar_pass_ctx *ctx, int ni, oar_op_id kind, int bmath, int *x, int *y) {
  if (ni < 0 || ctx->dead[ni]) return false;
  const oar_node *n = &ctx->graph->nodes[ni];
  if (n->schema->id == kind) {
    if (oar_node_attr_i(n, OAR_EW_ATTR_AXIS) != -1) return false;
  } else if (n->schema->id != OAR_OP_binary_math || oar_node_attr_i(n, OAR_BMATH_ATTR_FUNC) != bmath) {
    return false;
  }
  *x = oar_pass_input(ctx, ni, 0);
  *y = oar_pass_input(ctx, ni, 1);
  return true;
}
