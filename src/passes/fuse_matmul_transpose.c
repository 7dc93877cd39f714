/* A transpose that swaps the last two dims of a matmul operand (among
 * other moves) is folded into the matmul's trans_x / trans_y flag:
 *
 *   matmul(transpose(a, P), b) = matmul(transpose(a, P'), b, trans_x = !trans_x)
 *
 * where P' is P with its last two entries exchanged (transpose(a, P') is
 * transpose(a, P) with its last two dims swapped). When P' is the
 * identity the transpose goes; otherwise, when the matmul is its only
 * reader and P' keeps the innermost dim, the transpose keeps only the
 * other moves (this brings ONNX's key transpose [0, 2, 3, 1] to Paddle's
 * [0, 2, 1, 3] + trans_y, the form fuse_multihead_attention knows). */
#include "ir/ops/matmul.h"
#include "passes/nlp_match.h"

static int flag_attr(const oar_node *n, int operand) {
  if (n->schema->id == OAR_OP_matmul_v2)
    return operand ? OAR_MATMUL_V2_ATTR_TRANS_Y : OAR_MATMUL_V2_ATTR_TRANS_X;
  return operand ? OAR_MATMUL_ATTR_TRANSPOSE_Y : OAR_MATMUL_ATTR_TRANSPOSE_X;
}

/* Folds the transpose feeding `operand` (0 = X, 1 = Y) of matmul mm.
 * *folded tells whether it did. */
static oar_status fold_operand(oar_pass_ctx *ctx, int mm, int operand, bool *folded, oar_error *err) {
  oar_graph *g = ctx->graph;
  *folded = false;
  const int value = oar_pass_input(ctx, mm, operand);
  int t = oar_nlp_producer(ctx, value, OAR_OP_transpose2);
  if (t < 0) t = oar_nlp_producer(ctx, value, OAR_OP_transpose);
  int perm[OAR_MAX_RANK], rank;
  if (t < 0 || !oar_nlp_transpose_perm(ctx, t, perm, &rank) || rank < 2) return OAR_OK;
  /* Folding pays when transpose(a, P') keeps a's innermost dim innermost
   * (or is no transpose at all): P must bring a's last dim to rank - 2. */
  if (perm[rank - 2] != rank - 1) return OAR_OK;
  int swapped[OAR_MAX_RANK];
  bool identity = true;
  for (int i = 0; i < rank; i++) {
    swapped[i] = i == rank - 2 ? perm[rank - 1] : i == rank - 1 ? perm[rank - 2] : perm[i];
    identity &= swapped[i] == i;
  }
  const bool sole = oar_nlp_only_feeds(ctx, value, mm) && oar_nlp_xshape_unused(ctx, t);
  if (!identity && !sole) {
    oar_pass_note(ctx, "%s: transpose read elsewhere too", oar_pass_node_name(ctx, t));
    return OAR_OK;
  }
  const oar_node *n = &g->nodes[mm];
  const int flag = flag_attr(n, operand);
  const int64_t old = oar_node_attr_i(n, flag);
  if (identity) {
    OAR_TRY(oar_pass_set_input(ctx, mm, operand, oar_pass_input(ctx, t, 0), err));
    if (ctx->uses[value] == 0 && oar_nlp_xshape_unused(ctx, t)) oar_pass_kill(ctx, t);
  } else {
    int64_t axis[OAR_MAX_RANK];
    for (int i = 0; i < rank; i++) axis[i] = swapped[i];
    const oar_attr a = {.type = OAR_ATTR_INTS, .ints = axis, .n = (size_t)rank};
    OAR_TRY(oar_node_replace_attr(&g->nodes[t], OAR_NLP_TRANSPOSE_ATTR_AXIS, &a, err));
    /* The declared shape of the transposed value changes with the perm. */
    oar_value *v = &g->values[value];
    const oar_shape *src = &g->values[oar_pass_input(ctx, t, 0)].shape;
    for (int i = 0; i < rank && i < v->shape.rank; i++)
      v->shape.dims[i] = src->rank == rank ? src->dims[swapped[i]] : -1;
  }
  const oar_attr flip = {.type = OAR_ATTR_BOOL, .i = !old};
  OAR_TRY(oar_node_replace_attr(&g->nodes[mm], flag, &flip, err));
  *folded = true;
  return OAR_OK;
}

oar_status oar_pass_fuse_matmul_transpose(oar_pass_ctx *ctx, oar_error *err) {
  oar_graph *g = ctx->graph;
  for (int mm = 0; mm < g->num_nodes; mm++) {
    if (ctx->dead[mm]) continue;
    const oar_node *n = &g->nodes[mm];
    if (n->schema->id != OAR_OP_matmul_v2 && n->schema->id != OAR_OP_matmul) continue;
    if (n->schema->id == OAR_OP_matmul && oar_node_attr_i(n, OAR_MATMUL_ATTR_HEAD_NUMBER) > 1) continue;
    for (int operand = 0; operand < 2; operand++) {
      bool folded;
      OAR_TRY(fold_operand(ctx, mm, operand, &folded, err));
      ctx->report->fired += folded;
    }
  }
  return OAR_OK;
}
