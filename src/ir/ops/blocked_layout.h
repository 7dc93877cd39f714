/* The blocked layout NCHW16c and the ops that use it.
 *
 * A blocked tensor of an NCHW image has shape [N, ceil(C/16), H, W, 16]:
 * channel c of pixel (h, w) is element [n][c/16][h][w][c%16], channels past
 * C are padding (zero when made by layout_to_blocked; finite, and ignored
 * by every consumer, otherwise). Only the to_blocked_layout pass makes
 * these ops, for machines whose kernels run convolutions faster on it.
 *
 *   layout_to_blocked    X [N, C, H, W] -> Out [N, C/16, H, W, 16]
 *   layout_from_blocked  X [N, C/16, H, W, 16] -> Out [N, C, H, W] (attr channels = C)
 *   conv2d_blocked       conv2d's slots and attributes (ir/ops/conv.h) on
 *                        blocked Input, ResidualData and Output; Filter
 *                        and Bias as conv2d's. Also depthwise (groups ==
 *                        channels). A rank-4 Input is read as plain NCHW
 *                        (first layers: a few channels, not worth
 *                        padding to 16).
 *   pool2d_blocked       pool2d's slots and attributes (ir/ops/pool.h) on
 *                        blocked X and Out. */
#ifndef OAR_IR_OPS_BLOCKED_LAYOUT_H
#define OAR_IR_OPS_BLOCKED_LAYOUT_H

#include "ir/graph.h"

#define OAR_BLOCK_C 16

enum { OAR_LAYOUT_IN_X };
enum { OAR_LAYOUT_OUT_OUT };
enum { OAR_LAYOUT_ATTR_CHANNELS };

static inline int64_t oar_blocked_channels(int64_t c) {
  return c < 0 ? -1 : (c + OAR_BLOCK_C - 1) / OAR_BLOCK_C;
}

/* [N, C/16, H, W, 16] for the NCHW shape `nchw` (rank 4). */
oar_shape oar_blocked_shape(const oar_shape *nchw);

/* Checks that `x` (input `slot_name` of a blocked op) is rank 5 with a
 * last dim of 16 and gives the NCHW shape with `channels` channels
 * (-1: C/16 * 16). */
oar_status oar_blocked_as_nchw(const oar_shape *x, const char *slot_name, int64_t channels, oar_shape *nchw,
                               oar_error *err);

#endif
