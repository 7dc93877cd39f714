/* Matrix products: matmul (v1), matmul_v2, mul, fc. Slot and attribute
 * indices, and the geometry shared by inference and execution. */
#ifndef OAR_IR_OPS_MATMUL_H
#define OAR_IR_OPS_MATMUL_H

#include "ir/graph.h"

enum { OAR_MATMUL_IN_X, OAR_MATMUL_IN_Y }; /* matmul, matmul_v2, mul */
enum { OAR_MATMUL_OUT_OUT };
enum {
  OAR_MATMUL_ATTR_TRANSPOSE_X,
  OAR_MATMUL_ATTR_TRANSPOSE_Y,
  OAR_MATMUL_ATTR_ALPHA,
  OAR_MATMUL_ATTR_HEAD_NUMBER
};
enum { OAR_MATMUL_V2_ATTR_TRANS_X, OAR_MATMUL_V2_ATTR_TRANS_Y };
enum { OAR_MUL_ATTR_X_NUM_COL_DIMS, OAR_MUL_ATTR_Y_NUM_COL_DIMS };

enum { OAR_FC_IN_INPUT, OAR_FC_IN_W, OAR_FC_IN_BIAS };

/* matmul_int8 (passes/quantize_matmul.c): X [..., K] uint8 or int8 times
 * the int8 constant W [K, N], output float32 [..., N]:
 *   (X - XZeroPoint) . W * XScale * WScale[n] + Bias[n].
 * XScale and XZeroPoint (one value each) may be computed at run time
 * (DynamicQuantizeLinear); WScale is one value or N. */
enum {
  OAR_QMATMUL_IN_X,
  OAR_QMATMUL_IN_W,
  OAR_QMATMUL_IN_X_SCALE,
  OAR_QMATMUL_IN_X_ZERO_POINT,
  OAR_QMATMUL_IN_W_SCALE,
  OAR_QMATMUL_IN_BIAS
};
enum { OAR_FC_OUT_OUT };
/* activation_type with fuse_alpha/beta: see runtime/ops/fused_act.h. */
enum {
  OAR_FC_ATTR_IN_NUM_COL_DIMS,
  OAR_FC_ATTR_ACTIVATION_TYPE,
  OAR_FC_ATTR_PADDING_WEIGHTS,
  OAR_FC_ATTR_FUSE_ALPHA,
  OAR_FC_ATTR_FUSE_BETA
};

/* A (batched) product out = op(X) . op(Y), in the terms of the reference
 * matmul kernel: batch index b reads X at sum(b[d] * x_batch_strides[d])
 * elements and Y likewise; out is [batch..., m, n] contiguous, reshaped to
 * `out`. Dims may be -1 at inference when unknown. */
typedef struct oar_matmul_geom {
  int64_t m, n, k;
  bool trans_x, trans_y;
  int batch_rank;
  int64_t batch_dims[OAR_MAX_RANK];
  int64_t x_batch_strides[OAR_MAX_RANK];
  int64_t y_batch_strides[OAR_MAX_RANK];
  oar_shape out;
} oar_matmul_geom;

/* matmul_v2 (numpy matmul): 1-D X is [1, K] and 1-D Y is [K, 1] with the
 * added dim dropped from the result (1-D . 1-D gives a 0-D result, as in
 * Paddle >= 2.5); trans flags are ignored for 1-D operands; batch dims
 * broadcast. */
oar_status oar_matmul_v2_geometry(const oar_node *n, const oar_shape *x, const oar_shape *y,
                                  oar_matmul_geom *g, oar_error *err);

/* matmul (v1), Paddle's MatMulOp rules: 1-D X is [1, K], 1-D Y is [K, 1],
 * and then transpose_X/Y apply even to those; batch dims are not broadcast:
 * X and Y have the same number of matrices (flattened) or one of them has
 * no batch dims; the result takes the batch dims of X if it has any, else
 * of Y; a dim added for a 1-D operand is dropped (1-D . 1-D gives 0-D, as
 * Paddle >= 2.5). (Paddle 3 runs this op with a numpy-rule kernel after
 * this check, so it accepts only shapes both rules accept, and gives the
 * same results on them.) head_number > 1 is unsupported. */
oar_status oar_matmul_v1_geometry(const oar_node *n, const oar_shape *x, const oar_shape *y,
                                  oar_matmul_geom *g, oar_error *err);

/* mul: X flattened to [prod(dims[:x_num_col_dims]), rest], Y likewise;
 * out = X.dims[:x_num_col_dims] + Y.dims[y_num_col_dims:]. */
oar_status oar_mul_geometry(const oar_node *n, const oar_shape *x, const oar_shape *y, oar_matmul_geom *g,
                            oar_error *err);

/* fc: Input flattened at in_num_col_dims times W [K, N] (with
 * padding_weights, W is [K+4, N+4] and only its top-left K x N is used,
 * rows N+4 apart); ldw receives W's row stride. */
oar_status oar_fc_geometry(const oar_node *n, const oar_shape *input, const oar_shape *w, oar_matmul_geom *g,
                           int64_t *ldw, oar_error *err);

#endif
