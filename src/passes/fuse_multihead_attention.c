/* Multi-head attention as Paddle's MultiHeadAttention (and ONNX exports of
 * BERT) write it, between the Q/K/V projections and the output
 * projection:
 *
 *   q = transpose(reshape(Q, [0, 0, heads, d]), [0, 2, 1, 3])   (k, v alike)
 *   s = matmul(q * alpha, k, trans_y)    (scale on q, k or the scores)
 *   p = softmax(s + mask, axis -1)        (mask add optional)
 *   o = reshape(transpose(matmul(p, v), [0, 2, 1, 3]), [0, 0, heads * d])
 *
 * becomes multihead_attention(Q, K, V, mask) (see ir/ops/nlp.h), which
 * reads the heads in place instead of copying them out and back. The
 * match starts at each softmax and walks out from it; every intermediate
 * value must be private to the pattern. K transposed as [0, 2, 3, 1] and
 * multiplied without trans_y is brought to this form first by
 * fuse_matmul_transpose. */
#include <stdio.h>

#include "ir/ops/elementwise.h"
#include "ir/ops/math.h"
#include "ir/ops/matmul.h"
#include "ir/ops/nlp.h"
#include "passes/nlp_match.h"

typedef struct mha_match {
  oar_nlp_nodes nodes; /* everything but the final reshape */
  int q, k, v, mask;   /* inputs of the fused op (mask -1 when none) */
  int final_reshape;
  int64_t heads;
  double alpha;
  const char *why; /* near-miss reason */
} mha_match;

static bool fail(mha_match *m, const char *why) {
  m->why = why;
  return false;
}

/* Follows scalar multiplications back from `value`, read by *consumer
 * (each private to the next op), multiplying them into m->alpha. Returns
 * the value before them; *consumer becomes the op that reads it. */
static int skip_scales(const oar_pass_ctx *ctx, int value, int *consumer, mha_match *m) {
  for (;;) {
    const int p = value >= 0 ? ctx->graph->values[value].producer : -1;
    double f;
    int data;
    if (p < 0 || ctx->dead[p] || !oar_nlp_scalar_factor(ctx, p, &f, &data) ||
        ctx->graph->nodes[p].out[0] != value || !oar_nlp_only_feeds(ctx, value, *consumer))
      return value;
    m->alpha *= f;
    oar_nlp_nodes_add(&m->nodes, p);
    value = data;
    *consumer = p;
  }
}

static bool is_heads_perm(const oar_pass_ctx *ctx, int ni) {
  int perm[OAR_MAX_RANK], rank;
  return oar_nlp_transpose_perm(ctx, ni, perm, &rank) && rank == 4 && perm[0] == 0 && perm[1] == 2 &&
         perm[2] == 1 && perm[3] == 3;
}

/* [B, S, H] -> [B, S, heads, d] -> [B, heads, S, d], read back from the
 * value the product consumes. *x gets the [B, S, H] value, *head_dim d
 * (-1 when unknown). Scalar factors are allowed on the q and k sides. */
static bool match_split(const oar_pass_ctx *ctx, int value, int consumer, bool scales, mha_match *m, int *x,
                        int64_t *heads, int64_t *head_dim) {
  if (scales) value = skip_scales(ctx, value, &consumer, m);
  const int t = oar_nlp_producer(ctx, value, OAR_OP_transpose2);
  if (t < 0 || !oar_nlp_only_feeds(ctx, value, consumer) || !is_heads_perm(ctx, t) ||
      !oar_nlp_xshape_unused(ctx, t))
    return fail(m, "no [0, 2, 1, 3] transpose of the heads");
  oar_nlp_nodes_add(&m->nodes, t);
  value = oar_pass_input(ctx, t, 0);
  consumer = t;
  if (scales) value = skip_scales(ctx, value, &consumer, m);
  const int r = oar_nlp_producer(ctx, value, OAR_OP_reshape2);
  int64_t s[OAR_MAX_RANK];
  int rank;
  if (r < 0 || !oar_nlp_only_feeds(ctx, value, consumer) || !oar_nlp_xshape_unused(ctx, r) ||
      !oar_nlp_reshape_target(ctx, r, s, &rank) || rank != 4)
    return fail(m, "no reshape splitting the heads");
  const int in = oar_pass_input(ctx, r, OAR_NLP_RESHAPE_IN_X);
  const oar_value *xv = &ctx->graph->values[in];
  const oar_shape *xs = &xv->shape;
  /* [0, 0 or -1, heads, d or -1]: batch and sequence kept, hidden split.
   * A -1 sequence dim is the sequence only when hidden == heads * d.
   * Without a declared shape (ONNX without value_info) the input is taken
   * as [B, S, H]: any other rank fails in the fused op at run time. */
  const bool undeclared = xv->dtype == OAR_DTYPE_UNKNOWN;
  const int64_t hidden = xs->rank == 3 && !undeclared ? xs->dims[2] : -1;
  bool ok = (xs->rank == 3 || undeclared) && s[0] == 0 && (s[1] == 0 || s[1] == -1) && s[2] > 0 &&
            (s[3] > 0 || s[3] == -1);
  if (ok && s[1] == -1) ok = s[3] > 0 && hidden == s[2] * s[3];
  if (ok && s[3] == -1) ok = hidden < 0 || hidden % s[2] == 0;
  if (!ok) return fail(m, "the head reshape does not split [batch, seq, hidden] into [batch, seq, heads, d]");
  oar_nlp_nodes_add(&m->nodes, r);
  *heads = s[2];
  *head_dim = s[3] > 0 ? s[3] : hidden >= 0 ? hidden / s[2] : -1;
  *x = in;
  int reader = r;
  if (scales) *x = skip_scales(ctx, in, &reader, m);
  return true;
}

/* The product of scores and values, then [0, 2, 1, 3] and the reshape
 * merging the heads. */
static bool match_merge(const oar_pass_ctx *ctx, int pv_out, mha_match *m, int64_t heads,
                        int64_t head_dim_v) {
  const int t = oar_pass_sole_consumer(ctx, pv_out);
  if (t < 0 || ctx->graph->nodes[t].schema->id != OAR_OP_transpose2 || !is_heads_perm(ctx, t) ||
      !oar_nlp_xshape_unused(ctx, t))
    return fail(m, "no [0, 2, 1, 3] transpose after the context product");
  const int t_out = oar_pass_output(ctx, t, OAR_NLP_OUT_OUT);
  const int r = oar_pass_sole_consumer(ctx, t_out);
  int64_t s[OAR_MAX_RANK];
  int rank;
  if (r < 0 || ctx->graph->nodes[r].schema->id != OAR_OP_reshape2 || !oar_nlp_xshape_unused(ctx, r) ||
      !oar_nlp_reshape_target(ctx, r, s, &rank) || rank != 3)
    return fail(m, "no reshape merging the heads");
  bool ok = s[0] == 0 && (s[1] == 0 || s[1] == -1) && (s[2] > 0 || s[2] == -1);
  if (ok && s[1] == -1) ok = head_dim_v > 0 && s[2] == heads * head_dim_v;
  if (!ok) return fail(m, "the merge reshape is not [batch, seq, heads * d]");
  oar_nlp_nodes_add(&m->nodes, t);
  m->final_reshape = r;
  return true;
}

/* matmul_v2(x, y, trans_x 0, trans_y want) or matmul (v1) alike, whose
 * alpha goes into m->alpha. */
static bool is_product(const oar_pass_ctx *ctx, int ni, bool trans_y, mha_match *m) {
  const oar_node *n = &ctx->graph->nodes[ni];
  if (n->schema->id == OAR_OP_matmul_v2)
    return !oar_node_attr_i(n, OAR_MATMUL_V2_ATTR_TRANS_X) &&
           (oar_node_attr_i(n, OAR_MATMUL_V2_ATTR_TRANS_Y) != 0) == trans_y;
  if (n->schema->id == OAR_OP_matmul) {
    if (oar_node_attr_i(n, OAR_MATMUL_ATTR_TRANSPOSE_X) ||
        (oar_node_attr_i(n, OAR_MATMUL_ATTR_TRANSPOSE_Y) != 0) != trans_y ||
        oar_node_attr_i(n, OAR_MATMUL_ATTR_HEAD_NUMBER) > 1)
      return false;
    m->alpha *= oar_node_attr_f(n, OAR_MATMUL_ATTR_ALPHA);
    return true;
  }
  return false;
}

static int product_producer(const oar_pass_ctx *ctx, int value) {
  int p = oar_nlp_producer(ctx, value, OAR_OP_matmul_v2);
  return p >= 0 ? p : oar_nlp_producer(ctx, value, OAR_OP_matmul);
}

/* The scores: [alpha *] q k^T, read back from the softmax input (through
 * the mask add when there is one). */
static bool match_scores(const oar_pass_ctx *ctx, int value, int consumer, mha_match *m) {
  value = skip_scales(ctx, value, &consumer, m);
  const int qk = product_producer(ctx, value);
  if (qk < 0 || !oar_nlp_only_feeds(ctx, value, consumer))
    return fail(m, "no q.k product before the softmax");
  if (!is_product(ctx, qk, true, m)) return fail(m, "the q.k product does not transpose k alone");
  oar_nlp_nodes_add(&m->nodes, qk);
  int64_t hq, hk, dq, dk;
  if (!match_split(ctx, oar_pass_input(ctx, qk, OAR_MATMUL_IN_X), qk, true, m, &m->q, &hq, &dq) ||
      !match_split(ctx, oar_pass_input(ctx, qk, OAR_MATMUL_IN_Y), qk, true, m, &m->k, &hk, &dk))
    return false;
  if (hq != hk || (dq > 0 && dk > 0 && dq != dk)) return fail(m, "q and k split into different heads");
  m->heads = hq;
  return true;
}

/* Mask add: one operand leads back to the scores, the other is the mask
 * (float32, rank <= 4, added with axis -1). */
static bool match_masked_scores(const oar_pass_ctx *ctx, int add, mha_match *m) {
  if (oar_node_attr_i(&ctx->graph->nodes[add], OAR_EW_ATTR_AXIS) != -1)
    return fail(m, "the mask add has an axis");
  const int x = oar_pass_input(ctx, add, OAR_EW_IN_X), y = oar_pass_input(ctx, add, OAR_EW_IN_Y);
  const char *why = "the mask is not float32 of rank <= 4";
  for (int side = 0; side < 2; side++) {
    const int scores = side ? y : x, mask = side ? x : y;
    const oar_value *mv = &ctx->graph->values[mask];
    if (mv->dtype != OAR_DTYPE_FLOAT32 || mv->shape.rank > 4) continue;
    mha_match trial = *m;
    if (!match_scores(ctx, scores, add, &trial)) {
      if (!side) why = trial.why;
      continue;
    }
    *m = trial;
    m->mask = mask;
    oar_nlp_nodes_add(&m->nodes, add);
    return true;
  }
  return fail(m, why);
}

static bool match(const oar_pass_ctx *ctx, int sm, mha_match *m) {
  const oar_graph *g = ctx->graph;
  *m = (mha_match){.mask = -1, .alpha = 1.0, .final_reshape = -1};
  const oar_node *s = &g->nodes[sm];
  const int in = oar_pass_input(ctx, sm, OAR_SOFTMAX_IN_X),
            out = oar_pass_output(ctx, sm, OAR_SOFTMAX_OUT_OUT);
  const int64_t axis = oar_node_attr_i(s, OAR_SOFTMAX_ATTR_AXIS);
  if (axis != -1 && !(axis == 3 && g->values[in].shape.rank == 4))
    return fail(m, "softmax is not over the last axis");
  oar_nlp_nodes_add(&m->nodes, sm);
  const int add = oar_nlp_producer(ctx, in, OAR_OP_elementwise_add);
  if (add >= 0 && oar_nlp_only_feeds(ctx, in, sm)) {
    if (!match_masked_scores(ctx, add, m)) return false;
  } else if (!match_scores(ctx, in, sm, m)) {
    return false;
  }
  /* The context product p . v. */
  const int pv = oar_pass_sole_consumer(ctx, out);
  mha_match probe = *m;
  if (pv < 0 || !is_product(ctx, pv, false, &probe) || oar_pass_input(ctx, pv, OAR_MATMUL_IN_X) != out ||
      probe.alpha != m->alpha)
    return fail(m, "the softmax does not feed a plain p.v product");
  oar_nlp_nodes_add(&m->nodes, pv);
  int64_t hv, dv;
  if (!match_split(ctx, oar_pass_input(ctx, pv, OAR_MATMUL_IN_Y), pv, false, m, &m->v, &hv, &dv))
    return false;
  if (hv != m->heads) return fail(m, "v splits into a different number of heads");
  if (!match_merge(ctx, oar_pass_output(ctx, pv, OAR_MATMUL_OUT_OUT), m, m->heads, dv)) return false;
  if (m->nodes.overflow) return fail(m, "pattern too long");
  return true;
}

static oar_status fuse(oar_pass_ctx *ctx, const mha_match *m, oar_error *err) {
  oar_graph *g = ctx->graph;
  const int r = m->final_reshape;
  oar_node_builder b;
  OAR_TRY(oar_node_begin(&b, g, oar_schema_by_id(OAR_OP_multihead_attention), g->nodes[r].source_index, err));
  oar_status st = oar_node_add_input(&b, OAR_MHA_IN_Q, m->q, err);
  if (st == OAR_OK) st = oar_node_add_input(&b, OAR_MHA_IN_K, m->k, err);
  if (st == OAR_OK) st = oar_node_add_input(&b, OAR_MHA_IN_V, m->v, err);
  if (st == OAR_OK && m->mask >= 0) st = oar_node_add_input(&b, OAR_MHA_IN_MASK, m->mask, err);
  if (st == OAR_OK)
    st = oar_node_add_output(&b, OAR_MHA_OUT_OUT, oar_pass_output(ctx, r, OAR_NLP_OUT_OUT), err);
  const oar_attr heads = {.type = OAR_ATTR_INT, .i = m->heads},
                 alpha = {.type = OAR_ATTR_FLOAT, .f = m->alpha};
  if (st == OAR_OK) st = oar_node_set_attr(&b, OAR_MHA_ATTR_HEAD_NUMBER, &heads, err);
  if (st == OAR_OK) st = oar_node_set_attr(&b, OAR_MHA_ATTR_ALPHA, &alpha, err);
  if (st != OAR_OK) {
    oar_node_abort(&b);
    return st;
  }
  for (int i = 0; i < m->nodes.count; i++) oar_pass_kill(ctx, m->nodes.ids[i]);
  /* The reshape's XShape output goes with it (checked unread). */
  oar_graph_replace_node(g, r, &b);
  oar_graph_count_uses(g, ctx->dead, ctx->uses);
  return OAR_OK;
}

oar_status oar_pass_fuse_multihead_attention(oar_pass_ctx *ctx, oar_error *err) {
  for (int ni = 0; ni < ctx->graph->num_nodes; ni++) {
    if (ctx->dead[ni] || ctx->graph->nodes[ni].schema->id != OAR_OP_softmax) continue;
    mha_match m;
    if (!match(ctx, ni, &m)) {
      oar_pass_note(ctx, "%s: %s", oar_pass_node_name(ctx, ni), m.why ? m.why : "no attention pattern");
      continue;
    }
    OAR_TRY(fuse(ctx, &m, err));
    ctx->report->fired++;
  }
  return OAR_OK;
}
