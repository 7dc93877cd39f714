#include <stdbool.h>
#include <string.h>

#include "kernels/ref/fill_slice.h"

/* v cast to t as C casts (Paddle's static_cast). */
static bool cast_to(oar_dtype t, double v, void *dst, int64_t i) {
  switch (t) {
    case OAR_DTYPE_FLOAT32: ((float *)dst)[i] = (float)v; return true;
    case OAR_DTYPE_FLOAT64: ((double *)dst)[i] = v; return true;
    case OAR_DTYPE_INT32: ((int32_t *)dst)[i] = (int32_t)v; return true;
    case OAR_DTYPE_INT64: ((int64_t *)dst)[i] = (int64_t)v; return true;
    default: return false;
  }
}

/* A value as type t holds it (Paddle casts start and stop to the output's
 * type first). */
static double as_type(oar_dtype t, double v) {
  switch (t) {
    case OAR_DTYPE_FLOAT32: return (float)v;
    case OAR_DTYPE_INT32: return (int32_t)v;
    case OAR_DTYPE_INT64: return (double)(int64_t)v;
    default: return v;
  }
}

bool oar_ref_linspace(oar_dtype t, double start, double stop, int64_t n, void *dst) {
  start = as_type(t, start);
  stop = as_type(t, stop);
  if (n == 1) return cast_to(t, start, dst, 0);
  const double step = (stop - start) / (double)(n - 1);
  const int64_t half = n / 2;
  for (int64_t i = 0; i < n; i++)
    if (!cast_to(t, i < half ? start + step * (double)i : stop - step * (double)(n - 1 - i), dst, i))
      return false;
  return true;
}

void oar_ref_set_slice(size_t esize, const oar_shape *x, const int64_t *start, const int64_t *step,
                       const oar_shape *slice, const int64_t *value_strides, const void *value, void *dst) {
  int64_t xs[OAR_MAX_RANK], total = 1, s = 1;
  for (int d = x->rank - 1; d >= 0; d--) {
    xs[d] = s;
    s *= x->dims[d];
  }
  for (int d = 0; d < slice->rank; d++) total *= slice->dims[d];
  int64_t idx[OAR_MAX_RANK] = {0};
  for (int64_t k = 0; k < total; k++) {
    int64_t at = 0, from = 0;
    for (int d = 0; d < x->rank; d++) {
      at += (start[d] + idx[d] * step[d]) * xs[d];
      from += idx[d] * value_strides[d];
    }
    memcpy((char *)dst + (size_t)at * esize, (const char *)value + (size_t)from * esize, esize);
    for (int d = slice->rank - 1; d >= 0; d--) {
      if (++idx[d] < slice->dims[d]) break;
      idx[d] = 0;
    }
  }
}

void oar_ref_roll(size_t esize, const oar_shape *shape, const int64_t *shift, const void *src, void *dst) {
  /* Row by row of the last dim: its rolled row is two copies. */
  const int r = shape->rank;
  const int64_t last = r ? shape->dims[r - 1] : 1, s = r ? shift[r - 1] : 0;
  int64_t rows = 1, strides[OAR_MAX_RANK], st = last;
  for (int d = r - 2; d >= 0; d--) {
    strides[d] = st;
    st *= shape->dims[d];
    rows *= shape->dims[d];
  }
  if (last == 0 || rows == 0) return;
  int64_t idx[OAR_MAX_RANK] = {0};
  for (int64_t row = 0; row < rows; row++) {
    int64_t from = 0;
    for (int d = 0; d < r - 1; d++) {
      const int64_t j = idx[d] - shift[d];
      from += (j < 0 ? j + shape->dims[d] : j) * strides[d];
    }
    char *out = (char *)dst + (size_t)(row * last) * esize;
    const char *in = (const char *)src + (size_t)from * esize;
    memcpy(out + (size_t)s * esize, in, (size_t)(last - s) * esize);
    memcpy(out, in + (size_t)(last - s) * esize, (size_t)s * esize);
    for (int d = r - 2; d >= 0; d--) {
      if (++idx[d] < shape->dims[d]) break;
      idx[d] = 0;
    }
  }
}
