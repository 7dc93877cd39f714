/* Softmax and log_softmax of a float32 tensor viewed as [outer, n, inner],
 * along n, on the softmax kernel of an oar_f32_kernels table, split over
 * the current thread pool: one task per outer index and tile of up to
 * OAR_SOFTMAX_TILE interleaved vectors (inner > 1), large tensors only. */
#ifndef OAR_KERNELS_GENERIC_SOFTMAX_H
#define OAR_KERNELS_GENERIC_SOFTMAX_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/generic/f32_kernels.h"

#define OAR_SOFTMAX_TILE 64

/* y = softmax(x) (log_softmax when take_log); x and y must not overlap;
 * every size >= 1. */
void oar_softmax_f32(const oar_f32_kernels *kr, const float *x, float *y, size_t outer, size_t n,
                     size_t inner, bool take_log);

#endif
