#include "kernels/ref/math.h"

#include <math.h>
#include <string.h>

void oar_ref_scale_f32(const float *src, float *dst, int64_t n, float scale, float bias,
                       bool bias_after_scale) {
  if (bias_after_scale)
    for (int64_t i = 0; i < n; i++) dst[i] = scale * src[i] + bias;
  else
    for (int64_t i = 0; i < n; i++) dst[i] = scale * (src[i] + bias);
}

/* Integer forms compute through unsigned types so overflow wraps. */
void oar_ref_scale_i32(const int32_t *src, int32_t *dst, int64_t n, int32_t scale, int32_t bias,
                       bool bias_after_scale) {
  const uint32_t s = (uint32_t)scale, b = (uint32_t)bias;
  for (int64_t i = 0; i < n; i++) {
    const uint32_t x = (uint32_t)src[i];
    dst[i] = (int32_t)(bias_after_scale ? s * x + b : s * (x + b));
  }
}

void oar_ref_scale_i64(const int64_t *src, int64_t *dst, int64_t n, int64_t scale, int64_t bias,
                       bool bias_after_scale) {
  const uint64_t s = (uint64_t)scale, b = (uint64_t)bias;
  for (int64_t i = 0; i < n; i++) {
    const uint64_t x = (uint64_t)src[i];
    dst[i] = (int64_t)(bias_after_scale ? s * x + b : s * (x + b));
  }
}

void oar_ref_softmax_f32(const float *src, float *dst, int64_t outer, int64_t axis_len, int64_t inner) {
  for (int64_t o = 0; o < outer; o++) {
    for (int64_t i = 0; i < inner; i++) {
      const float *x = src + o * axis_len * inner + i;
      float *y = dst + o * axis_len * inner + i;
      float max = x[0];
      for (int64_t a = 1; a < axis_len; a++) max = x[a * inner] > max ? x[a * inner] : max;
      float sum = 0.0f;
      for (int64_t a = 0; a < axis_len; a++) {
        y[a * inner] = expf(x[a * inner] - max);
        sum += y[a * inner];
      }
      for (int64_t a = 0; a < axis_len; a++) y[a * inner] /= sum;
    }
  }
}

float oar_ref_mean_f32(const float *src, int64_t n) {
  double sum = 0.0;
  for (int64_t i = 0; i < n; i++) sum += src[i];
  return (float)(sum / (double)n);
}

/* ---- cast -------------------------------------------------------------- */

/* Float to integer as x86's truncating conversions do: in range truncates,
 * anything else (NaN, too large) is the "integer indefinite" MIN value.
 * Written out so that C never sees an out-of-range conversion (undefined). */
static inline int32_t f2i32(double v) {
  return (v > -2147483649.0 && v < 2147483648.0) ? (int32_t)v : INT32_MIN;
}
static inline int64_t f2i64(double v) {
  return (v >= -9223372036854775808.0 && v < 9223372036854775808.0) ? (int64_t)v : INT64_MIN;
}

bool oar_ref_cast_supported(oar_dtype t) {
  switch (t) {
    case OAR_DTYPE_FLOAT32:
    case OAR_DTYPE_FLOAT64:
    case OAR_DTYPE_INT32:
    case OAR_DTYPE_INT64:
    case OAR_DTYPE_BOOL:
    case OAR_DTYPE_UINT8:
    case OAR_DTYPE_INT8: return true;
    default: return false;
  }
}

/* Converts one value read as type S into each destination type. The value
 * classes: floating (via double: float32 -> double is exact, and double ->
 * float rounds once) or integer (via int64: exact for every source). */
#define CAST_FROM_FLOAT(S)                                                  \
  do {                                                                      \
    const S *s = src;                                                       \
    switch (dst_type) {                                                     \
      case OAR_DTYPE_FLOAT32:                                               \
        for (i = 0; i < n; i++) ((float *)dst)[i] = (float)s[i];            \
        break;                                                              \
      case OAR_DTYPE_FLOAT64:                                               \
        for (i = 0; i < n; i++) ((double *)dst)[i] = (double)s[i];          \
        break;                                                              \
      case OAR_DTYPE_INT32:                                                 \
        for (i = 0; i < n; i++) ((int32_t *)dst)[i] = f2i32(s[i]);          \
        break;                                                              \
      case OAR_DTYPE_INT64:                                                 \
        for (i = 0; i < n; i++) ((int64_t *)dst)[i] = f2i64(s[i]);          \
        break;                                                              \
      case OAR_DTYPE_UINT8:                                                 \
        for (i = 0; i < n; i++) ((uint8_t *)dst)[i] = (uint8_t)f2i32(s[i]); \
        break;                                                              \
      case OAR_DTYPE_INT8:                                                  \
        for (i = 0; i < n; i++) ((int8_t *)dst)[i] = (int8_t)f2i32(s[i]);   \
        break;                                                              \
      case OAR_DTYPE_BOOL:                                                  \
        for (i = 0; i < n; i++) ((uint8_t *)dst)[i] = s[i] != 0;            \
        break;                                                              \
      default: return false;                                                \
    }                                                                       \
  } while (0)

/* V(x) reads a source element as an integer: itself, or 0/1 for bool. */
#define CAST_FROM_INT(S, V)                                             \
  do {                                                                  \
    const S *s = src;                                                   \
    switch (dst_type) {                                                 \
      case OAR_DTYPE_FLOAT32:                                           \
        for (i = 0; i < n; i++) ((float *)dst)[i] = (float)V(s[i]);     \
        break;                                                          \
      case OAR_DTYPE_FLOAT64:                                           \
        for (i = 0; i < n; i++) ((double *)dst)[i] = (double)V(s[i]);   \
        break;                                                          \
      case OAR_DTYPE_INT32:                                             \
        for (i = 0; i < n; i++) ((int32_t *)dst)[i] = (int32_t)V(s[i]); \
        break;                                                          \
      case OAR_DTYPE_INT64:                                             \
        for (i = 0; i < n; i++) ((int64_t *)dst)[i] = (int64_t)V(s[i]); \
        break;                                                          \
      case OAR_DTYPE_UINT8:                                             \
        for (i = 0; i < n; i++) ((uint8_t *)dst)[i] = (uint8_t)V(s[i]); \
        break;                                                          \
      case OAR_DTYPE_INT8:                                              \
        for (i = 0; i < n; i++) ((int8_t *)dst)[i] = (int8_t)V(s[i]);   \
        break;                                                          \
      case OAR_DTYPE_BOOL:                                              \
        for (i = 0; i < n; i++) ((uint8_t *)dst)[i] = s[i] != 0;        \
        break;                                                          \
      default: return false;                                            \
    }                                                                   \
  } while (0)
#define AS_IS(x) (x)
#define AS_BOOL(x) ((x) != 0)

bool oar_ref_cast(oar_dtype src_type, const void *src, oar_dtype dst_type, void *dst, int64_t n) {
  int64_t i;
  if (!oar_ref_cast_supported(src_type) || !oar_ref_cast_supported(dst_type)) return false;
  switch (src_type) {
    case OAR_DTYPE_FLOAT32: CAST_FROM_FLOAT(float); break;
    case OAR_DTYPE_FLOAT64: CAST_FROM_FLOAT(double); break;
    case OAR_DTYPE_INT32: CAST_FROM_INT(int32_t, AS_IS); break;
    case OAR_DTYPE_INT64: CAST_FROM_INT(int64_t, AS_IS); break;
    case OAR_DTYPE_UINT8: CAST_FROM_INT(uint8_t, AS_IS); break;
    case OAR_DTYPE_INT8: CAST_FROM_INT(int8_t, AS_IS); break;
    /* A bool byte other than 0/1 still means true. */
    case OAR_DTYPE_BOOL: CAST_FROM_INT(uint8_t, AS_BOOL); break;
    default: return false;
  }
  return true;
}
