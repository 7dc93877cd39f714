/* Reference data-movement kernels, generic over the element size. */
#ifndef OAR_KERNELS_REF_LAYOUT_H
#define OAR_KERNELS_REF_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tensor/tensor.h"

/* dst (row-major, dims) [i] = src[offset + sum(index[d] * strides[d])]
 * (strides may be 0 or negative). */
void oar_ref_strided_copy(size_t esize, int rank, const int64_t *dims, const int64_t *strides, int64_t offset,
                          const void *src, void *dst);

/* dst[out index] = src[out index mod in_dims] (tile). */
void oar_ref_tile(size_t esize, int rank, const int64_t *in_dims, const int64_t *out_dims, const void *src,
                  void *dst);

/* Pads (or crops, with negative pads) src: mode 0 constant (value: esize
 * bytes), 1 reflect, 2 edge, 3 wrap. */
/* The input index that position p (an output index minus the dim's pad
 * before) of a dim of n reads when padded in `mode` (0 constant, 1
 * reflect, 2 edge, 3 wrap); -1 for the constant (or an empty dim). */
int64_t oar_ref_pad_source(int mode, int64_t p, int64_t n);

void oar_ref_pad(size_t esize, int rank, const int64_t *in_dims, const int64_t *out_dims,
                 const int64_t *before, int mode, const void *value, const void *src, void *dst);

/* Copies the [outer, dim, inner] slab of src along the middle dim from
 * `start` for `len` into dst [outer, len, inner]. */
void oar_ref_copy_range(size_t esize, int64_t outer, int64_t dim, int64_t inner, int64_t start, int64_t len,
                        const void *src, void *dst);

/* Reads index i of an int32/int64 tensor. */
static inline int64_t oar_ref_index_at(oar_dtype t, const void *p, int64_t i) {
  return t == OAR_DTYPE_INT64 ? ((const int64_t *)p)[i] : ((const int32_t *)p)[i];
}

/* Gather along the middle dim of src [outer, dim, inner] with nidx
 * (already normalized, in range) indices: dst [outer, nidx, inner]. */
void oar_ref_take(size_t esize, int64_t outer, int64_t dim, int64_t inner, const int64_t *idx, int64_t nidx,
                  const void *src, void *dst);

/* Element reductions for scatter: 0 none, 1 add, 2 mul, 3 max, 4 min on
 * float32/int32/int64 elements (none for any type). */
void oar_ref_scatter_combine(oar_dtype t, int reduction, void *dst, const void *src);

/* Lower (upper=false) or upper triangle of the last two dims, diagonal
 * offset k; other elements zero. */
void oar_ref_trilu(size_t esize, int64_t batch, int64_t rows, int64_t cols, int64_t k, bool upper,
                   const void *src, void *dst);

#endif
