/* Helpers shared by the shape/dtype inference of the compute ops (and by
 * their run functions, which resolve the same geometry at run time):
 * slot access, attribute reading with range checks, Paddle broadcasting,
 * and conv/pool padding resolution.
 *
 * Shapes seen at inference may hold -1 (unknown) dims; every helper here
 * passes unknown through (an output dim that depends on one is -1) and
 * checks only what is known. Errors name the slot or attribute and give
 * expected vs got; the caller's caller prefixes the op description. */
#ifndef OAR_IR_OPS_INFER_UTIL_H
#define OAR_IR_OPS_INFER_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/graph.h"

/* ---- slots ---------------------------------------------------------------- */

/* The first view bound to input slot `slot`, or NULL when the slot is empty
 * or its value absent. */
static inline const oar_tensor_view *oar_op_input(const oar_node *n, const oar_tensor_view *const *in,
                                                  int slot) {
  const int pos = oar_node_in_pos(n, slot, 0);
  return pos < 0 ? NULL : in[pos];
}
/* The first view bound to output slot `slot`, or NULL when unbound. */
static inline oar_tensor_view *oar_op_output(const oar_node *n, oar_tensor_view *out, int slot) {
  const int pos = oar_node_out_pos(n, slot, 0);
  return pos < 0 ? NULL : &out[pos];
}

/* A required input: sets an error naming the slot when it is missing. */
oar_status oar_op_require_input(const oar_node *n, const oar_tensor_view *const *in, int slot,
                                const oar_tensor_view **view, oar_error *err);

/* Writes dtype and shape of output slot `slot` when it is bound. */
void oar_op_set_output(const oar_node *n, oar_tensor_view *out, int slot, oar_dtype dtype,
                       const oar_shape *shape);

/* Fails unless the view's rank is within [min_rank, max_rank]. */
oar_status oar_op_check_rank(const oar_node *n, int slot, const oar_tensor_view *v, int min_rank,
                             int max_rank, oar_error *err);

/* Fails unless both views have the same dtype. */
oar_status oar_op_check_same_dtype(const oar_node *n, int slot_a, const oar_tensor_view *a, int slot_b,
                                   const oar_tensor_view *b, oar_error *err);

/* ---- attributes ----------------------------------------------------------- */

/* The string value of an attribute ("" when absent or NULL). */
const char *oar_op_attr_str(const oar_node *n, int index);

/* An INT attribute checked to lie in [lo, hi]. */
oar_status oar_op_attr_int(const oar_node *n, int index, int64_t lo, int64_t hi, int64_t *v, oar_error *err);

/* An INTS attribute of exactly `count` values, each in [lo, hi]. */
oar_status oar_op_attr_ints_n(const oar_node *n, int index, int count, int64_t lo, int64_t hi, int64_t *v,
                              oar_error *err);

/* Largest magnitude accepted for size-like attributes (strides, paddings,
 * kernel sizes): what Paddle stores them in (int32). */
#define OAR_ATTR_SIZE_MAX INT64_C(2147483647)

/* ---- layouts and paddings ------------------------------------------------- */

/* "NCHW", "AnyLayout" or "" -> false; "NHWC" -> true; anything else fails. */
oar_status oar_op_parse_nhwc(const oar_node *n, int index, bool *nhwc, oar_error *err);

typedef enum oar_pad_algo { OAR_PAD_EXPLICIT = 0, OAR_PAD_SAME, OAR_PAD_VALID } oar_pad_algo;

/* "EXPLICIT" or "" -> EXPLICIT, "SAME", "VALID"; anything else fails. */
oar_status oar_op_parse_pad_algo(const oar_node *n, int index, oar_pad_algo *algo, oar_error *err);

/* Paddle's 2-D paddings: 2 values [h, w] mean [h, h, w, w]; 4 values are
 * [top, bottom, left, right]. Values must be in [0, OAR_ATTR_SIZE_MAX]. */
oar_status oar_op_paddings_2d(const oar_node *n, int index, int64_t pads[4], oar_error *err);

/* SAME padding of one spatial dim (Paddle's UpdatePadding): out =
 * ceil(in / stride), pad_sum = max((out - 1) * stride + k - in, 0), before
 * = pad_sum / 2, after = the rest. Unknown `in` leaves both at 0. Fails
 * only on arithmetic overflow (absurd sizes). */
oar_status oar_same_padding(int64_t in, int64_t k, int64_t stride, int64_t *before, int64_t *after,
                            oar_error *err);

/* Sliding-window output size (conv: (in + pb + pa - (dil*(k-1)+1)) / stride
 * + 1, with ceil_mode adding stride - 1 before dividing), checked to be >= 1
 * and free of overflow; -1 when `in` is unknown. `dim` names the dim in
 * messages ("height"). */
oar_status oar_window_out_size(int64_t in, int64_t k, int64_t dilation, int64_t pad_before, int64_t pad_after,
                               int64_t stride, bool ceil_mode, const char *dim, int64_t *out, oar_error *err);

/* ---- broadcasting --------------------------------------------------------- */

/* Paddle's elementwise broadcast (GetBroadcastDimsArrays): with
 * r = max(rank x, rank y), axis -1 means |rank x - rank y| (other negative
 * values count from there: axis + |diff| + 1); the lower-rank operand's
 * dims go at positions axis .. axis+rank-1 of an r-rank shape padded with 1;
 * then each dim must be equal or 1 on one side. Fills out and, when not
 * NULL, each operand's dims aligned to rank r. Names the slots on error. */
oar_status oar_broadcast_axis(const oar_shape *x, const oar_shape *y, int64_t axis, oar_shape *out,
                              oar_shape *x_aligned, oar_shape *y_aligned, const char *x_name,
                              const char *y_name, oar_error *err);

/* Element strides of a row-major tensor with `aligned` dims when read as
 * the broadcast `out` shape of the same rank: 0 where aligned is 1 and out
 * is not. */
void oar_broadcast_strides(const oar_shape *aligned, const oar_shape *out, int64_t *strides);

/* A dim after normalising negative values against rank: [-rank, rank) ->
 * [0, rank); fails otherwise (names the attribute). */
oar_status oar_op_norm_axis(const oar_node *n, int attr_index, int64_t axis, int rank, int *out,
                            oar_error *err);

#endif
