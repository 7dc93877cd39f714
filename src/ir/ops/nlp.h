/* Transformer ops (the "transformers" section of op_list.h): slot and
 * attribute indices, and the geometry shared by inference and execution.
 *
 *   layer_norm           Paddle's: X, Scale, Bias -> Y, Mean, Variance
 *   lookup_table_v2      Paddle's embedding: W, Ids -> Out
 *   fill_any_like        Paddle's full_like: X -> Out (X's shape, one value)
 *   cumsum               Paddle's: X -> Out along `axis`
 *   equal .. greater_equal  Paddle's comparisons: X, Y -> bool Out
 *   multihead_attention  oar's fused op (fuse_multihead_attention pass)
 *   skip_layernorm       oar's fused op (fuse_skip_layernorm pass), named
 *                        after Paddle Inference's op of that meaning
 *   embedding_layernorm  oar's fused op (fuse_embedding_layernorm pass):
 *                        layer_norm(sum_k W_k[Ids_k]) over the last axis,
 *                        Paddle Inference's fused_embedding_eltwise_layernorm */
#ifndef OAR_IR_OPS_NLP_H
#define OAR_IR_OPS_NLP_H

#include <stdbool.h>

#include "ir/graph.h"

/* ---- layer_norm ---------------------------------------------------------- */

enum { OAR_LN_IN_X, OAR_LN_IN_SCALE, OAR_LN_IN_BIAS };
enum { OAR_LN_OUT_Y, OAR_LN_OUT_MEAN, OAR_LN_OUT_VARIANCE };
enum { OAR_LN_ATTR_EPSILON, OAR_LN_ATTR_BEGIN_NORM_AXIS };

/* X seen as [rows, cols]: rows = product of the dims before
 * begin_norm_axis, cols = product of the others. -1 when unknown. */
typedef struct oar_layer_norm_geom {
  int axis;
  int64_t rows, cols;
} oar_layer_norm_geom;

/* begin_norm_axis checked to lie in [1, rank) (Paddle's rule; a negative
 * value counts from the end, as paddle.nn.LayerNorm never writes but
 * Paddle's kernel accepts). */
oar_status oar_layer_norm_geometry(const oar_node *n, int ln_axis_attr, const oar_shape *x,
                                   oar_layer_norm_geom *g, oar_error *err);

/* ---- lookup_table_v2 ------------------------------------------------------ */

enum { OAR_EMB_IN_W, OAR_EMB_IN_IDS };
enum { OAR_EMB_OUT_OUT };
enum { OAR_EMB_ATTR_PADDING_IDX };

/* ---- fill_any_like -------------------------------------------------------- */

enum { OAR_FILL_LIKE_IN_X };
enum { OAR_FILL_LIKE_OUT_OUT };
enum { OAR_FILL_LIKE_ATTR_VALUE, OAR_FILL_LIKE_ATTR_DTYPE };

/* ---- cumsum (Paddle) -------------------------------------------------------- */

enum { OAR_PD_CUMSUM_IN_X };
enum { OAR_PD_CUMSUM_OUT_OUT };
enum {
  OAR_PD_CUMSUM_ATTR_AXIS,
  OAR_PD_CUMSUM_ATTR_FLATTEN,
  OAR_PD_CUMSUM_ATTR_EXCLUSIVE,
  OAR_PD_CUMSUM_ATTR_REVERSE
};

/* ---- comparisons ------------------------------------------------------------ */

enum { OAR_CMP_IN_X, OAR_CMP_IN_Y };
enum { OAR_CMP_OUT_OUT };
enum { OAR_CMP_ATTR_AXIS };

/* ---- multihead_attention ------------------------------------------------------
 * Scaled dot-product attention over `head_number` heads, on Q/K/V in
 * [batch, seq, hidden] layout (heads side by side in hidden, as the
 * projections produce them), written back in that layout:
 *
 *   Q_h = Q[:, :, h*dq:(h+1)*dq]  (likewise K_h, V_h; dq = hidden / heads)
 *   P_h = softmax(alpha * Q_h K_h^T + Mask)  over the last axis
 *   Out[:, :, h*dv:(h+1)*dv] = P_h V_h
 *
 * Q [B, Sq, Hq], K [B, Sk, Hq], V [B, Sk, Hv] -> Out [B, Sq, Hv]. Mask is
 * optional, float32, and broadcasts (numpy rules, right-aligned) to
 * [B, heads, Sq, Sk]. This is what Paddle's MultiHeadAttention computes
 * between its projections (reshape, transpose, scale, matmul, mask add,
 * softmax, matmul, transpose, reshape) without the transposed copies. */
enum { OAR_MHA_IN_Q, OAR_MHA_IN_K, OAR_MHA_IN_V, OAR_MHA_IN_MASK };
enum { OAR_MHA_OUT_OUT };
enum { OAR_MHA_ATTR_HEAD_NUMBER, OAR_MHA_ATTR_ALPHA };

typedef struct oar_mha_geom {
  int64_t batch, heads, seq_q, seq_k, head_dim, head_dim_v;
} oar_mha_geom;

oar_status oar_mha_geometry(const oar_node *n, const oar_shape *q, const oar_shape *k, const oar_shape *v,
                            const oar_shape *mask, oar_mha_geom *g, oar_error *err);

/* ---- skip_layernorm ------------------------------------------------------------
 * layer_norm(X + Y) over the dims from begin_norm_axis on, with Scale and
 * Bias; X + Y broadcasts as elementwise_add with axis -1 does. Only Y
 * (the normalized sum) is produced. */
enum { OAR_SKIP_LN_IN_X, OAR_SKIP_LN_IN_Y, OAR_SKIP_LN_IN_SCALE, OAR_SKIP_LN_IN_BIAS };
enum { OAR_SKIP_LN_OUT_OUT };
enum { OAR_SKIP_LN_ATTR_EPSILON, OAR_SKIP_LN_ATTR_BEGIN_NORM_AXIS };

/* ---- embedding_layernorm ------------------------------------------------------
 * Ids (variadic, int64 or int32, all one shape S) and W (variadic, same
 * count, float32 [rows_k, D]) -> Out [S..., D] = layer_norm over D of the
 * sum of the looked-up rows, with Scale/Bias [D] (optional). padding_idx
 * holds one entry per table (-1: none; a row equal to it reads as zeros). */
enum { OAR_EMB_LN_IN_IDS, OAR_EMB_LN_IN_W, OAR_EMB_LN_IN_SCALE, OAR_EMB_LN_IN_BIAS };
enum { OAR_EMB_LN_OUT_OUT };
enum { OAR_EMB_LN_ATTR_EPSILON, OAR_EMB_LN_ATTR_PADDING_IDX };

#endif
