/* Matching helpers for the transformer fusions: reading reshape targets,
 * transpose permutations and constant scale factors off the IR, and
 * checking that a chain of ops is private to the pattern. */
#ifndef OAR_PASSES_NLP_MATCH_H
#define OAR_PASSES_NLP_MATCH_H

#include "passes/pass_util.h"

/* Slots of reshape/reshape2 and transpose/transpose2 (declared in
 * ir/ops/shape_ops.c and shape_ops_move.c). */
enum { OAR_NLP_RESHAPE_IN_X, OAR_NLP_RESHAPE_IN_SHAPE, OAR_NLP_RESHAPE_IN_SHAPE_TENSOR };
enum { OAR_NLP_RESHAPE_ATTR_SHAPE };
enum { OAR_NLP_TRANSPOSE_ATTR_AXIS };
enum { OAR_NLP_OUT_OUT, OAR_NLP_OUT_XSHAPE };

/* The producer of `value` when it is a live node of op `id` whose output 0
 * is `value`, or -1. */
int oar_nlp_producer(const oar_pass_ctx *ctx, int value, oar_op_id id);

/* True when `value` is read by node `consumer` only (and is no graph
 * output). */
bool oar_nlp_only_feeds(const oar_pass_ctx *ctx, int value, int consumer);

/* True when output slot 1 (XShape of reshape2/transpose2) is unbound or
 * unread. */
bool oar_nlp_xshape_unused(const oar_pass_ctx *ctx, int ni);

/* The requested shape of a reshape/reshape2 node: from its attribute or a
 * constant Shape input; false when it comes from ShapeTensor or a
 * non-constant Shape. */
bool oar_nlp_reshape_target(const oar_pass_ctx *ctx, int ni, int64_t *dims, int *rank);

/* The permutation of a transpose/transpose2 node (negative entries
 * normalized); false when it is not a valid one. */
bool oar_nlp_transpose_perm(const oar_pass_ctx *ctx, int ni, int *perm, int *rank);

/* When node ni multiplies its data input by a constant scalar (scale with
 * bias 0 and no ScaleTensor; elementwise_mul by, or elementwise_div of
 * the data by, a one-element float32 constant; elementwise_add of a zero
 * scalar counts as factor 1), *factor receives it and *data the data
 * input. */
bool oar_nlp_scalar_factor(const oar_pass_ctx *ctx, int ni, double *factor, int *data);

/* Removes the ops none of whose outputs is read (as eliminate_dead_code
 * does at the end of the pipeline), so that use counts seen by a pattern
 * are not inflated by dead readers, such as the Shape ops exporters leave
 * next to a decomposed layer norm. Not counted as the pass firing. */
void oar_nlp_remove_dead(oar_pass_ctx *ctx);

/* Node ni is an element-wise binary op `kind` (elementwise_* with axis
 * -1, or binary_math with function `bmath`, as ONNX models carry it); *x
 * and *y get its operands. */
bool oar_nlp_is_binary(const oar_pass_ctx *ctx, int ni, oar_op_id kind, int bmath, int *x, int *y);

/* Up to `cap` node ids collected while matching, to be killed together
 * once the whole pattern matched. */
#define OAR_NLP_MAX_MATCHED 32
typedef struct oar_nlp_nodes {
  int ids[OAR_NLP_MAX_MATCHED];
  int count;
  bool overflow;
} oar_nlp_nodes;

void oar_nlp_nodes_add(oar_nlp_nodes *s, int ni);

#endif
