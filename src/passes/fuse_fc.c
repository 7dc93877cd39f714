/* mul / matmul / matmul_v2 with a constant 2-D weight, optionally followed
 * by a bias add and an activation, becomes one fc op (the GEMM with its
 * epilogue). A transposed weight is transposed once here. */
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/elementwise.h"
#include "ir/ops/matmul.h"
#include "passes/pass_util.h"

typedef struct fc_match {
  int x, w;         /* input and weight values */
  bool transpose_w; /* weight stored [N, K] */
  int64_t in_num_col_dims;
} fc_match;

static bool match_product(const oar_pass_ctx *ctx, int ni, fc_match *m) {
  const oar_graph *g = ctx->graph;
  const oar_node *n = &g->nodes[ni];
  int x = oar_pass_input(ctx, ni, OAR_MATMUL_IN_X), y = oar_pass_input(ctx, ni, OAR_MATMUL_IN_Y);
  if (x < 0 || y < 0 || !oar_pass_is_const(ctx, y)) return false;
  const oar_value *yv = &g->values[y], *xv = &g->values[x];
  /* An ONNX intermediate may have no dtype yet; with a float32 weight the
   * product is float32 (ONNX MatMul needs equal types). */
  if (yv->dtype != OAR_DTYPE_FLOAT32 || (xv->dtype != OAR_DTYPE_FLOAT32 && xv->dtype != OAR_DTYPE_UNKNOWN) ||
      yv->shape.rank != 2)
    return false;
  m->x = x;
  m->w = y;
  m->transpose_w = false;
  switch (n->schema->id) {
    case OAR_OP_mul:
      if (oar_node_attr_i(n, OAR_MUL_ATTR_Y_NUM_COL_DIMS) != 1) return false;
      m->in_num_col_dims = oar_node_attr_i(n, OAR_MUL_ATTR_X_NUM_COL_DIMS);
      return true;
    case OAR_OP_matmul_v2:
      if (oar_node_attr_i(n, OAR_MATMUL_V2_ATTR_TRANS_X) || xv->shape.rank < 2) return false;
      m->transpose_w = oar_node_attr_i(n, OAR_MATMUL_V2_ATTR_TRANS_Y) != 0;
      m->in_num_col_dims = xv->shape.rank - 1;
      return true;
    case OAR_OP_matmul:
      if (oar_node_attr_i(n, OAR_MATMUL_ATTR_TRANSPOSE_X) ||
          oar_node_attr_f(n, OAR_MATMUL_ATTR_ALPHA) != 1.0 || xv->shape.rank < 2)
        return false;
      m->transpose_w = oar_node_attr_i(n, OAR_MATMUL_ATTR_TRANSPOSE_Y) != 0;
      m->in_num_col_dims = xv->shape.rank - 1;
      return true;
    default: return false;
  }
}

/* A bias add after the product: Y a constant [N] (or [1, N]) added along
 * the last axis. */
static int match_bias(const oar_pass_ctx *ctx, int out, int64_t n_cols, int64_t out_rank, int *bias) {
  int add = oar_pass_sole_consumer(ctx, out);
  if (add < 0 || ctx->graph->nodes[add].schema->id != OAR_OP_elementwise_add) return -1;
  if (oar_pass_input(ctx, add, OAR_EW_IN_X) != out) return -1;
  int y = oar_pass_input(ctx, add, OAR_EW_IN_Y);
  if (!oar_pass_is_const(ctx, y)) return -1;
  const oar_value *b = &ctx->graph->values[y];
  if (b->dtype != OAR_DTYPE_FLOAT32 || oar_shape_numel(&b->shape) != n_cols) return -1;
  bool row = b->shape.rank == 1 || (b->shape.rank == 2 && b->shape.dims[0] == 1);
  int64_t axis = oar_node_attr_i(&ctx->graph->nodes[add], OAR_EW_ATTR_AXIS);
  bool last = axis == -1 || axis == out_rank - b->shape.rank;
  if (!row || !last) return -1;
  *bias = y;
  return add;
}

static oar_status transposed_weight(oar_pass_ctx *ctx, int w, int *out, oar_error *err) {
  oar_graph *g = ctx->graph;
  const int64_t rows = g->values[w].shape.dims[0], cols = g->values[w].shape.dims[1];
  const float *src = g->values[w].data;
  float *t = oar_malloc((size_t)(rows * cols) * sizeof *t + 1);
  if (!t) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory transposing a weight");
  for (int64_t r = 0; r < rows; r++)
    for (int64_t c = 0; c < cols; c++) t[c * rows + r] = src[r * cols + c];
  int64_t dims[2] = {cols, rows};
  oar_shape shape = oar_shape_make(2, dims);
  char base[256];
  snprintf(base, sizeof base, "%s.T", g->values[w].name);
  oar_status st = oar_pass_add_constant(ctx, base, OAR_DTYPE_FLOAT32, &shape, t,
                                        (size_t)(rows * cols) * sizeof *t, out, err);
  oar_free(t);
  return st;
}

static oar_status fuse(oar_pass_ctx *ctx, int ni, const fc_match *m, oar_error *err) {
  oar_graph *g = ctx->graph;
  int w = m->w;
  if (m->transpose_w) OAR_TRY(transposed_weight(ctx, m->w, &w, err));
  const int64_t n_cols = g->values[w].shape.dims[1];
  int out = oar_pass_output(ctx, ni, OAR_MATMUL_OUT_OUT);
  int64_t out_rank = m->in_num_col_dims + 1;
  int bias = -1;
  int add = match_bias(ctx, out, n_cols, out_rank, &bias);
  if (add >= 0) out = oar_pass_output(ctx, add, OAR_EW_OUT_OUT);
  int act = oar_pass_sole_consumer(ctx, out);
  const char *act_name = "";
  double alpha = 0, beta = 0;
  if (act >= 0 && oar_pass_activation(ctx, act, &act_name, &alpha, &beta))
    out = oar_pass_output(ctx, act, 0);
  else
    act = -1, act_name = "";

  oar_node_builder b;
  OAR_TRY(oar_node_begin(&b, g, oar_schema_by_id(OAR_OP_fc), g->nodes[ni].source_index, err));
  oar_status st = oar_node_add_input(&b, OAR_FC_IN_INPUT, m->x, err);
  if (st == OAR_OK) st = oar_node_add_input(&b, OAR_FC_IN_W, w, err);
  if (st == OAR_OK && bias >= 0) st = oar_node_add_input(&b, OAR_FC_IN_BIAS, bias, err);
  if (st == OAR_OK) st = oar_node_add_output(&b, OAR_FC_OUT_OUT, out, err);
  oar_attr a_cols = {.type = OAR_ATTR_INT, .i = m->in_num_col_dims};
  oar_attr a_act = {.type = OAR_ATTR_STRING, .s = (char *)act_name};
  oar_attr a_alpha = {.type = OAR_ATTR_FLOAT, .f = alpha}, a_beta = {.type = OAR_ATTR_FLOAT, .f = beta};
  if (st == OAR_OK) st = oar_node_set_attr(&b, OAR_FC_ATTR_IN_NUM_COL_DIMS, &a_cols, err);
  if (st == OAR_OK) st = oar_node_set_attr(&b, OAR_FC_ATTR_ACTIVATION_TYPE, &a_act, err);
  if (st == OAR_OK) st = oar_node_set_attr(&b, OAR_FC_ATTR_FUSE_ALPHA, &a_alpha, err);
  if (st == OAR_OK) st = oar_node_set_attr(&b, OAR_FC_ATTR_FUSE_BETA, &a_beta, err);
  if (st != OAR_OK) {
    oar_node_abort(&b);
    return st;
  }
  if (add >= 0) oar_pass_kill(ctx, add);
  if (act >= 0) oar_pass_kill(ctx, act);
  oar_graph_replace_node(g, ni, &b);
  oar_graph_count_uses(g, ctx->dead, ctx->uses);
  return OAR_OK;
}

oar_status oar_pass_fuse_fc(oar_pass_ctx *ctx, oar_error *err) {
  for (int ni = 0; ni < ctx->graph->num_nodes; ni++) {
    if (ctx->dead[ni]) continue;
    oar_op_id id = ctx->graph->nodes[ni].schema->id;
    if (id != OAR_OP_mul && id != OAR_OP_matmul && id != OAR_OP_matmul_v2) continue;
    fc_match m;
    if (!match_product(ctx, ni, &m)) {
      int x = oar_pass_input(ctx, ni, OAR_MATMUL_IN_X);
      const bool rank_unknown = x >= 0 && ctx->graph->values[x].shape.rank == 0;
      oar_pass_note(ctx, "%s: %s", oar_pass_node_name(ctx, ni),
                    rank_unknown ? "the input's rank is not known at load (no declared shape)"
                                 : "no constant 2-D float weight, or transposed X / alpha != 1");
      continue;
    }
    OAR_TRY(fuse(ctx, ni, &m, err));
    ctx->report->fired++;
  }
  return OAR_OK;
}
