/* Reference kernels for shape and data-movement ops: they move bytes and
 * never look at values, so each works on any dtype through its element size.
 *
 * Preconditions (checked by the caller, not here): ranks are 0..OAR_MAX_RANK,
 * dims are >= 0, element counts and byte sizes fit in size_t, and every
 * buffer holds exactly the elements its dims describe. Source and
 * destination never overlap. */
#ifndef OAR_KERNELS_REF_SHAPE_H
#define OAR_KERNELS_REF_SHAPE_H

#include <stddef.h>
#include <stdint.h>

#include "tensor/tensor.h"

/* dst = src transposed: dst dim i is src dim perm[i], i.e.
 * dst[i0..ir-1] = src[j] with j[perm[k]] = i[k]. perm is a permutation of
 * 0..rank-1. */
void oar_ref_transpose(const void *src, void *dst, size_t elem_size, int rank, const int64_t *src_dims,
                       const int *perm);

/* Concatenates the n views in src along `axis` into dst. All have dst's
 * rank and dtype, and equal dims except at `axis`, where dst's dim is the sum
 * of theirs. */
void oar_ref_concat(const oar_tensor_view *const *src, int n, int axis, oar_tensor_view *dst);

/* Splits src along `axis` into the n views of the array dst (inverse of
 * concat): dst[k] receives the next dst[k].shape.dims[axis] entries. */
void oar_ref_split(const oar_tensor_view *src, int axis, oar_tensor_view *dst, int n);

/* Strided slice: for every index i of dst_dims (same rank as src),
 * dst[i] = src[starts[d] + i[d] * steps[d] for each dim d]. Steps may be
 * negative; every index reached must lie inside src_dims. */
void oar_ref_slice(const void *src, void *dst, size_t elem_size, int rank, const int64_t *src_dims,
                   const int64_t *starts, const int64_t *steps, const int64_t *dst_dims);

/* Writes `count` copies of the elem_size bytes at value into dst. */
void oar_ref_fill(void *dst, size_t elem_size, size_t count, const void *value);

#endif
