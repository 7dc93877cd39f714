/* Reference kernels of linspace, set_slice and roll (issue 11, batch A). */
#ifndef OAR_KERNELS_REF_FILL_SLICE_H
#define OAR_KERNELS_REF_FILL_SLICE_H

#include <stddef.h>
#include <stdint.h>

#include "tensor/tensor.h"

/* Paddle's linspace of n values of type t: start and stop cast to t, the
 * step (stop - start) / (n - 1) in double; the first n / 2 values are
 * start + step i, the others stop - step (n - 1 - i) (so that the last is
 * stop exactly), each cast to t. false for a type it does not make. */
bool oar_ref_linspace(oar_dtype t, double start, double stop, int64_t n, void *dst);

/* dst (X's shape `x`, row-major, already holding X) at the slice elements
 * (per dim: start + i step, i < slice dims) gets value[sum(i value_strides)]. */
void oar_ref_set_slice(size_t esize, const oar_shape *x, const int64_t *start, const int64_t *step,
                       const oar_shape *slice, const int64_t *value_strides, const void *value, void *dst);

/* dst[i] = src[j] where, per dim d of `shape`, j_d = (i_d - shift[d]) mod
 * dims[d] (shift in [0, dims[d])). */
void oar_ref_roll(size_t esize, const oar_shape *shape, const int64_t *shift, const void *src, void *dst);

#endif
