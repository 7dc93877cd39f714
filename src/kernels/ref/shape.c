#include "kernels/ref/shape.h"

#include <string.h>

/* Copies n elements of elem_size bytes from src (stride src_stride elements)
 * to contiguous dst. Fixed-size memcpy lets the compiler emit plain moves
 * without breaking strict aliasing. */
static void gather_elems(char *dst, const char *src, size_t elem_size, int64_t n, int64_t src_stride) {
#define OAR_GATHER_CASE(bytes)                                                                        \
  case bytes:                                                                                         \
    for (int64_t i = 0; i < n; i++) memcpy(dst + i * (bytes), src + i * src_stride * (bytes), bytes); \
    return;
  switch (elem_size) {
    OAR_GATHER_CASE(1)
    OAR_GATHER_CASE(2)
    OAR_GATHER_CASE(4)
    OAR_GATHER_CASE(8)
    default:
      for (int64_t i = 0; i < n; i++)
        memcpy(dst + (size_t)i * elem_size, src + (size_t)(i * src_stride) * elem_size, elem_size);
      return;
  }
#undef OAR_GATHER_CASE
}

void oar_ref_transpose(const void *src, void *dst, size_t elem_size, int rank, const int64_t *src_dims,
                       const int *perm) {
  int64_t src_stride[OAR_MAX_RANK];
  int64_t numel = 1;
  for (int d = rank - 1; d >= 0; d--) {
    src_stride[d] = numel;
    numel *= src_dims[d];
  }
  if (numel == 0) return;

  /* Walk dst dims in order, each with its stride in src. Size-1 dims are
   * dropped and a dim is merged into the previous one when the two are also
   * adjacent in src: fewer, longer loops, same result. */
  int64_t dims[OAR_MAX_RANK], strides[OAR_MAX_RANK];
  int m = 0;
  for (int i = 0; i < rank; i++) {
    int d = perm[i];
    if (src_dims[d] == 1) continue;
    if (m > 0 && strides[m - 1] == src_stride[d] * src_dims[d]) {
      dims[m - 1] *= src_dims[d];
      strides[m - 1] = src_stride[d];
    } else {
      dims[m] = src_dims[d];
      strides[m] = src_stride[d];
      m++;
    }
  }
  if (m == 0) {
    memcpy(dst, src, elem_size);
    return;
  }

  const char *s = src;
  char *out = dst;
  int64_t inner_n = dims[m - 1], inner_stride = strides[m - 1];
  size_t inner_bytes = (size_t)inner_n * elem_size;
  int64_t idx[OAR_MAX_RANK] = {0};
  int64_t off = 0; /* src element offset of the current outer index */
  for (;;) {
    if (inner_stride == 1)
      memcpy(out, s + (size_t)off * elem_size, inner_bytes);
    else
      gather_elems(out, s + (size_t)off * elem_size, elem_size, inner_n, inner_stride);
    out += inner_bytes;
    int k = m - 2;
    for (; k >= 0; k--) {
      off += strides[k];
      if (++idx[k] < dims[k]) break;
      off -= strides[k] * dims[k];
      idx[k] = 0;
    }
    if (k < 0) break;
  }
}

/* Product of dims[begin..end). */
static int64_t dims_product(const int64_t *dims, int begin, int end) {
  int64_t p = 1;
  for (int i = begin; i < end; i++) p *= dims[i];
  return p;
}

void oar_ref_concat(const oar_tensor_view *const *src, int n, int axis, oar_tensor_view *dst) {
  const oar_shape *s = &dst->shape;
  size_t elem_size = oar_dtype_bytes(dst->dtype);
  int64_t outer = dims_product(s->dims, 0, axis);
  size_t inner_bytes = (size_t)dims_product(s->dims, axis + 1, s->rank) * elem_size;
  char *out = dst->data;
  for (int64_t o = 0; o < outer; o++) {
    for (int i = 0; i < n; i++) {
      size_t bytes = (size_t)src[i]->shape.dims[axis] * inner_bytes;
      if (bytes == 0) continue;
      memcpy(out, (const char *)src[i]->data + (size_t)o * bytes, bytes);
      out += bytes;
    }
  }
}

void oar_ref_split(const oar_tensor_view *src, int axis, oar_tensor_view *dst, int n) {
  const oar_shape *s = &src->shape;
  size_t elem_size = oar_dtype_bytes(src->dtype);
  int64_t outer = dims_product(s->dims, 0, axis);
  size_t inner_bytes = (size_t)dims_product(s->dims, axis + 1, s->rank) * elem_size;
  const char *in = src->data;
  for (int64_t o = 0; o < outer; o++) {
    for (int i = 0; i < n; i++) {
      size_t bytes = (size_t)dst[i].shape.dims[axis] * inner_bytes;
      if (bytes == 0) continue;
      memcpy((char *)dst[i].data + (size_t)o * bytes, in, bytes);
      in += bytes;
    }
  }
}

void oar_ref_slice(const void *src, void *dst, size_t elem_size, int rank, const int64_t *src_dims,
                   const int64_t *starts, const int64_t *steps, const int64_t *dst_dims) {
  for (int d = 0; d < rank; d++)
    if (dst_dims[d] == 0) return;

  int64_t src_stride[OAR_MAX_RANK];
  int64_t acc = 1;
  int64_t base = 0; /* src offset of dst's first element */
  for (int d = rank - 1; d >= 0; d--) {
    src_stride[d] = acc;
    acc *= src_dims[d];
    base += starts[d] * src_stride[d];
  }

  /* Trailing dims copied whole are contiguous in both tensors; so is one
   * more unit-step dim before them. They form one memcpy'd block. */
  int k = rank;
  size_t block = elem_size;
  while (k > 0 && starts[k - 1] == 0 && steps[k - 1] == 1 && dst_dims[k - 1] == src_dims[k - 1]) {
    block *= (size_t)src_dims[k - 1];
    k--;
  }
  if (k > 0 && steps[k - 1] == 1) {
    block *= (size_t)dst_dims[k - 1];
    k--;
  }

  const char *s = src;
  char *out = dst;
  int64_t idx[OAR_MAX_RANK] = {0};
  int64_t off = base;
  for (;;) {
    memcpy(out, s + (size_t)off * elem_size, block);
    out += block;
    int j = k - 1;
    for (; j >= 0; j--) {
      off += steps[j] * src_stride[j];
      if (++idx[j] < dst_dims[j]) break;
      off -= steps[j] * src_stride[j] * dst_dims[j];
      idx[j] = 0;
    }
    if (j < 0) break;
  }
}

void oar_ref_fill(void *dst, size_t elem_size, size_t count, const void *value) {
  char *out = dst;
  if (count == 0) return;
  memcpy(out, value, elem_size);
  /* Doubling copies: log2(count) memcpy calls whatever the element size. */
  size_t done = 1;
  while (done < count) {
    size_t n = done < count - done ? done : count - done;
    memcpy(out + done * elem_size, out, n * elem_size);
    done += n;
  }
}
