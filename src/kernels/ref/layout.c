#include "kernels/ref/layout.h"

#include <string.h>

static int64_t total_of(int rank, const int64_t *dims) {
  int64_t t = 1;
  for (int i = 0; i < rank; i++) t *= dims[i];
  return t;
}

void oar_ref_strided_copy(size_t esize, int rank, const int64_t *dims, const int64_t *strides, int64_t offset,
                          const void *src, void *dst) {
  const int64_t total = total_of(rank, dims);
  int64_t idx[OAR_MAX_RANK] = {0}, o = offset;
  const char *s = src;
  char *d = dst;
  for (int64_t i = 0; i < total; i++) {
    memcpy(d + (size_t)i * esize, s + o * (int64_t)esize, esize);
    for (int k = rank - 1; k >= 0; k--) {
      o += strides[k];
      if (++idx[k] < dims[k]) break;
      o -= strides[k] * dims[k];
      idx[k] = 0;
    }
  }
}

void oar_ref_tile(size_t esize, int rank, const int64_t *in_dims, const int64_t *out_dims, const void *src,
                  void *dst) {
  const int64_t total = total_of(rank, out_dims);
  int64_t idx[OAR_MAX_RANK] = {0};
  for (int64_t i = 0; i < total; i++) {
    int64_t o = 0;
    for (int k = 0; k < rank; k++) o = o * in_dims[k] + idx[k] % in_dims[k];
    memcpy((char *)dst + (size_t)i * esize, (const char *)src + (size_t)o * esize, esize);
    for (int k = rank - 1; k >= 0; k--) {
      if (++idx[k] < out_dims[k]) break;
      idx[k] = 0;
    }
  }
}

int64_t oar_ref_pad_source(int mode, int64_t p, int64_t n) {
  if (p >= 0 && p < n) return p;
  if (mode == 0 || n == 0) return -1;
  if (mode == 1) {
    if (n == 1) return 0;
    const int64_t period = 2 * (n - 1);
    p %= period;
    if (p < 0) p += period;
    return p >= n ? period - p : p;
  }
  if (mode == 2) return p < 0 ? 0 : n - 1;
  p %= n;
  return p < 0 ? p + n : p;
}

void oar_ref_pad(size_t esize, int rank, const int64_t *in_dims, const int64_t *out_dims,
                 const int64_t *before, int mode, const void *value, const void *src, void *dst) {
  const int64_t total = total_of(rank, out_dims);
  int64_t idx[OAR_MAX_RANK] = {0};
  for (int64_t i = 0; i < total; i++) {
    int64_t o = 0;
    bool inside = true;
    for (int k = 0; k < rank; k++) {
      const int64_t n = in_dims[k];
      int64_t p = idx[k] - before[k];
      p = oar_ref_pad_source(mode, p, n);
      inside &= p >= 0;
      o = o * (n ? n : 1) + (inside ? p : 0);
    }
    char *d = (char *)dst + (size_t)i * esize;
    if (inside)
      memcpy(d, (const char *)src + (size_t)o * esize, esize);
    else
      memcpy(d, value, esize);
    for (int k = rank - 1; k >= 0; k--) {
      if (++idx[k] < out_dims[k]) break;
      idx[k] = 0;
    }
  }
}

void oar_ref_copy_range(size_t esize, int64_t outer, int64_t dim, int64_t inner, int64_t start, int64_t len,
                        const void *src, void *dst) {
  const size_t row = (size_t)(len * inner) * esize;
  for (int64_t o = 0; o < outer; o++)
    memcpy((char *)dst + (size_t)o * row, (const char *)src + (size_t)((o * dim + start) * inner) * esize,
           row);
}

void oar_ref_take(size_t esize, int64_t outer, int64_t dim, int64_t inner, const int64_t *idx, int64_t nidx,
                  const void *src, void *dst) {
  const size_t slab = (size_t)inner * esize;
  for (int64_t o = 0; o < outer; o++)
    for (int64_t j = 0; j < nidx; j++)
      memcpy((char *)dst + (size_t)(o * nidx + j) * slab,
             (const char *)src + (size_t)(o * dim + idx[j]) * slab, slab);
}

void oar_ref_scatter_combine(oar_dtype t, int reduction, void *dst, const void *src) {
  if (reduction == 0) {
    memcpy(dst, src, oar_dtype_bytes(t));
    return;
  }
#define COMBINE(T)                        \
  do {                                    \
    T a = *(T *)dst, b = *(const T *)src; \
    switch (reduction) {                  \
      case 1: a = a + b; break;           \
      case 2: a = a * b; break;           \
      case 3: a = a > b ? a : b; break;   \
      default: a = a < b ? a : b; break;  \
    }                                     \
    *(T *)dst = a;                        \
  } while (0)
  switch (t) {
    case OAR_DTYPE_FLOAT32: COMBINE(float); break;
    case OAR_DTYPE_FLOAT64: COMBINE(double); break;
    case OAR_DTYPE_INT32: COMBINE(int32_t); break;
    case OAR_DTYPE_INT64: COMBINE(int64_t); break;
    default: memcpy(dst, src, oar_dtype_bytes(t)); break;
  }
#undef COMBINE
}

void oar_ref_trilu(size_t esize, int64_t batch, int64_t rows, int64_t cols, int64_t k, bool upper,
                   const void *src, void *dst) {
  for (int64_t b = 0; b < batch; b++)
    for (int64_t i = 0; i < rows; i++)
      for (int64_t j = 0; j < cols; j++) {
        const size_t at = (size_t)((b * rows + i) * cols + j) * esize;
        const bool keep = upper ? j - i >= k : j - i <= k;
        if (keep)
          memcpy((char *)dst + at, (const char *)src + at, esize);
        else
          memset((char *)dst + at, 0, esize);
      }
}
