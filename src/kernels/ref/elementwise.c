#include "kernels/ref/elementwise.h"

#include <math.h>

/* Walks every index of p->dims with the innermost dim as a plain loop;
 * EXPR computes dst[o + i] from a = x[xo + i*sx] and b = y[yo + i*sy]. */
#define BINARY_WALK(T, EXPR)                                        \
  do {                                                              \
    int64_t total = 1;                                              \
    for (int d_ = 0; d_ < p->rank; d_++) total *= p->dims[d_];      \
    if (total == 0) return;                                         \
    if (p->rank == 0) {                                             \
      const T a = x[0], b = y[0];                                   \
      dst[0] = (EXPR);                                              \
      return;                                                       \
    }                                                               \
    const int last = p->rank - 1;                                   \
    const int64_t inner = p->dims[last];                            \
    const int64_t sx = p->x_strides[last], sy = p->y_strides[last]; \
    int64_t idx[OAR_MAX_RANK] = {0};                                \
    int64_t xo = 0, yo = 0;                                         \
    for (int64_t o = 0; o < total; o += inner) {                    \
      for (int64_t i = 0; i < inner; i++) {                         \
        const T a = x[xo + i * sx], b = y[yo + i * sy];             \
        dst[o + i] = (EXPR);                                        \
      }                                                             \
      for (int d_ = last - 1; d_ >= 0; d_--) {                      \
        idx[d_]++;                                                  \
        xo += p->x_strides[d_];                                     \
        yo += p->y_strides[d_];                                     \
        if (idx[d_] < p->dims[d_]) break;                           \
        xo -= p->x_strides[d_] * p->dims[d_];                       \
        yo -= p->y_strides[d_] * p->dims[d_];                       \
        idx[d_] = 0;                                                \
      }                                                             \
    }                                                               \
  } while (0)

void oar_ref_binary_f32(const oar_binary_params *p, const float *x, const float *y, float *dst) {
  switch (p->op) {
    case OAR_BINARY_ADD: BINARY_WALK(float, a + b); return;
    case OAR_BINARY_SUB: BINARY_WALK(float, a - b); return;
    case OAR_BINARY_MUL: BINARY_WALK(float, a *b); return;
    case OAR_BINARY_DIV: BINARY_WALK(float, a / b); return;
    case OAR_BINARY_MAX: BINARY_WALK(float, a > b ? a : b); return;
    case OAR_BINARY_MIN: BINARY_WALK(float, a < b ? a : b); return;
    case OAR_BINARY_POW: BINARY_WALK(float, powf(a, b)); return;
  }
}

/* Integer helpers: arithmetic through unsigned types wraps instead of
 * overflowing (signed overflow is undefined in C). */
static inline int32_t add_i32(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static inline int32_t sub_i32(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }
static inline int32_t mul_i32(int32_t a, int32_t b) { return (int32_t)((uint32_t)a * (uint32_t)b); }
static inline int32_t div_i32(int32_t a, int32_t b) {
  if (b == 0) return 0;
  if (b == -1) return (int32_t)(0u - (uint32_t)a);
  return a / b;
}
static inline int32_t pow_i32(int32_t a, int32_t b) {
  /* Out of range and NaN give MIN, what x86's truncating conversion gives. */
  const double r = pow((double)a, (double)b);
  if (!(r > -2147483649.0 && r < 2147483648.0)) return INT32_MIN;
  return (int32_t)r;
}

static inline int64_t add_i64(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static inline int64_t sub_i64(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }
static inline int64_t mul_i64(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }
static inline int64_t div_i64(int64_t a, int64_t b) {
  if (b == 0) return 0;
  if (b == -1) return (int64_t)(0u - (uint64_t)a);
  return a / b;
}
static inline int64_t pow_i64(int64_t a, int64_t b) {
  const double r = pow((double)a, (double)b);
  if (!(r >= -9223372036854775808.0 && r < 9223372036854775808.0)) return INT64_MIN;
  return (int64_t)r;
}

void oar_ref_binary_i32(const oar_binary_params *p, const int32_t *x, const int32_t *y, int32_t *dst) {
  switch (p->op) {
    case OAR_BINARY_ADD: BINARY_WALK(int32_t, add_i32(a, b)); return;
    case OAR_BINARY_SUB: BINARY_WALK(int32_t, sub_i32(a, b)); return;
    case OAR_BINARY_MUL: BINARY_WALK(int32_t, mul_i32(a, b)); return;
    case OAR_BINARY_DIV: BINARY_WALK(int32_t, div_i32(a, b)); return;
    case OAR_BINARY_MAX: BINARY_WALK(int32_t, a > b ? a : b); return;
    case OAR_BINARY_MIN: BINARY_WALK(int32_t, a < b ? a : b); return;
    case OAR_BINARY_POW: BINARY_WALK(int32_t, pow_i32(a, b)); return;
  }
}

void oar_ref_binary_i64(const oar_binary_params *p, const int64_t *x, const int64_t *y, int64_t *dst) {
  switch (p->op) {
    case OAR_BINARY_ADD: BINARY_WALK(int64_t, add_i64(a, b)); return;
    case OAR_BINARY_SUB: BINARY_WALK(int64_t, sub_i64(a, b)); return;
    case OAR_BINARY_MUL: BINARY_WALK(int64_t, mul_i64(a, b)); return;
    case OAR_BINARY_DIV: BINARY_WALK(int64_t, div_i64(a, b)); return;
    case OAR_BINARY_MAX: BINARY_WALK(int64_t, a > b ? a : b); return;
    case OAR_BINARY_MIN: BINARY_WALK(int64_t, a < b ? a : b); return;
    case OAR_BINARY_POW: BINARY_WALK(int64_t, pow_i64(a, b)); return;
  }
}
