/* Shape and data-movement ops: the parts of their semantics that both the
 * infer functions (ir/ops/shape_ops*.c) and the run functions
 * (runtime/ops/shape.c) need, so that the two never disagree.
 *
 * Each resolver reads the node's attributes and its data-dependent inputs
 * (an input tensor overrides the attribute, with Paddle's priorities) and
 * validates the result. An input whose value is needed but unknown (view
 * data NULL at plan time) gives OAR_ERR_UNSUPPORTED naming the slot. */
#ifndef OAR_IR_OPS_SHAPE_OPS_H
#define OAR_IR_OPS_SHAPE_OPS_H

#include "ir/graph.h"
#include "base/platform.h"

/* ---- shared helpers (shape_ops_util.c) -------------------------------- */

/* Sets err to the message and returns code. Like the other ops' messages
 * it does not repeat the op: whoever calls infer/run prefixes the node's
 * description (oar_node_describe). */
oar_status oar_shapeops_fail(const oar_node *node, oar_error *err, oar_status code, const char *fmt, ...)
    OAR_PRINTF_FMT(4, 5);

/* The view of input `slot`'s k-th value, or NULL if absent. */
const oar_tensor_view *oar_shapeops_input(const oar_node *node, const oar_tensor_view *const *in, int slot,
                                          int k);

/* Fails unless input `slot` (first value) is present, with a rank in
 * 0..OAR_MAX_RANK, dims >= -1 and a known dtype; *view receives it.
 * Infer functions accept unknown (-1) dims and pass them through to the
 * output dims that depend on them (as Paddle's compile-time inference
 * does); run functions need every dim known. */
oar_status oar_shapeops_require_input(const oar_node *node, const oar_tensor_view *const *in, int slot,
                                      const oar_tensor_view **view, oar_error *err);

/* Reads the values of an int32/int64 tensor (any shape, at most cap
 * elements) into dst; *n receives the count. */
oar_status oar_shapeops_read_tensor_ints(const oar_node *node, int slot, const oar_tensor_view *t,
                                         int64_t *dst, int64_t cap, int64_t *n, oar_error *err);

/* Reads the variadic input `slot` whose values are 1-element int32/int64
 * tensors, one integer each, into dst (at most cap). */
oar_status oar_shapeops_read_list_ints(const oar_node *node, const oar_tensor_view *const *in, int slot,
                                       int64_t *dst, int64_t cap, int64_t *n, oar_error *err);

/* Copies INTS attribute `attr` into dst (at most cap). */
oar_status oar_shapeops_attr_ints(const oar_node *node, int attr, int64_t *dst, int64_t cap, int64_t *n,
                                  oar_error *err);

/* Maps axis in [-rank, rank) onto [0, rank); `what` names it in errors. */
oar_status oar_shapeops_norm_axis(const oar_node *node, const char *what, int64_t axis, int rank, int *out,
                                  oar_error *err);

/* Sets the optional XShape output at flat position pos (if pos >= 0):
 * dtype of x, shape [0, x dims...] (numel 0, never computed). A rank-8 x
 * loses its last dim there: XShape only ever carries "numel 0". */
void oar_shapeops_set_xshape(oar_tensor_view *out, int pos, const oar_tensor_view *x);

/* ---- op-specific resolvers --------------------------------------------- */

/* transpose/transpose2: perm[i] = source dim of output dim i. */
oar_status oar_shapeops_transpose_perm(const oar_node *node, int rank, int perm[OAR_MAX_RANK],
                                       oar_error *err);

/* concat: axis in [0, rank) from AxisTensor, else attr `axis`. */
oar_status oar_shapeops_concat_axis(const oar_node *node, const oar_tensor_view *const *in, int rank,
                                    int *axis, oar_error *err);

/* split: axis in [0, rank) from AxisTensor, else attr `axis` (output
 * shapes use it). *flat is set when the given axis was negative: Paddle's
 * CPU split kernel does not normalise it, so it cuts the flat buffer into
 * consecutive chunks of each output's size (which differs from splitting
 * along the axis unless every dim before it is 1). Python's paddle.split
 * normalises the axis, so exported models seldom meet this. */
oar_status oar_shapeops_split_axis(const oar_node *node, const oar_tensor_view *const *in, int rank,
                                   int *axis, bool *flat, oar_error *err);

/* slice: everything the copy needs, for the node's Input. */
typedef struct oar_shapeops_slice {
  int rank;                     /* = Input rank */
  int64_t starts[OAR_MAX_RANK]; /* per input dim, 0 where not sliced */
  int64_t steps[OAR_MAX_RANK];  /* all 1 (slice has no strides) */
  oar_shape sliced;             /* output dims before decrease_axis */
  oar_shape out;                /* final output shape (decreased dims gone) */
} oar_shapeops_slice;

oar_status oar_shapeops_slice_resolve(const oar_node *node, const oar_tensor_view *const *in,
                                      oar_shapeops_slice *p, oar_error *err);

/* fill_constant: Out's dtype from the `dtype` attr (Paddle VarType number). */
oar_status oar_shapeops_fill_dtype(const oar_node *node, oar_dtype *dtype, oar_error *err);

/* fill_constant: the fill value as `dtype` element bytes in value[0..size),
 * from ValueTensor, else a non-empty str_value, else value. */
oar_status oar_shapeops_fill_value(const oar_node *node, const oar_tensor_view *const *in, oar_dtype dtype,
                                   unsigned char value[8], oar_error *err);

#endif
