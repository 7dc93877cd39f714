#include "kernels/ref/math_ext.h"

#include <math.h>
#include <string.h>

/* Numbers as oar_unary_func / oar_bmath_func (ir/ops/op_ext.h). */
enum {
  U_ABS,
  U_NEG,
  U_FLOOR,
  U_CEIL,
  U_ROUND,
  U_LOG,
  U_EXP,
  U_SQRT,
  U_RECIPROCAL,
  U_SIN,
  U_COS,
  U_TAN,
  U_ASIN,
  U_ACOS,
  U_ATAN,
  U_SINH,
  U_COSH,
  U_ASINH,
  U_ACOSH,
  U_ATANH,
  U_SIGN,
  U_ERF,
  U_SOFTPLUS,
  U_SOFTSIGN,
  U_ELU,
  U_SELU,
  U_CELU,
  U_THRESHOLDED_RELU,
  U_SHRINK,
  U_MISH,
  U_NOT,
  U_ISNAN,
  U_ISINF,
  U_RELU,
  U_SIGMOID,
  U_TANH,
  U_HARD_SIGMOID,
  U_LEAKY_RELU,
  U_BITWISE_NOT,
  U_LOG1P,
  U_TANH_SHRINK
};
enum {
  B_ADD,
  B_SUB,
  B_MUL,
  B_DIV,
  B_POW,
  B_MAX,
  B_MIN,
  B_MOD,
  B_FMOD,
  B_EQ,
  B_LT,
  B_LE,
  B_GT,
  B_GE,
  B_AND,
  B_OR,
  B_XOR,
  B_PRELU,
  B_SHL,
  B_SHR,
  B_BAND,
  B_BOR,
  B_BXOR,
  B_ATAN2,
  B_FLOORDIV
};

void oar_ref_bcast_strides(const oar_shape *in, const oar_shape *out, int64_t *strides) {
  int64_t s = 1;
  for (int i = out->rank - 1; i >= 0; i--) {
    const int j = i - (out->rank - in->rank);
    if (j < 0) {
      strides[i] = 0;
      continue;
    }
    strides[i] = in->dims[j] == 1 ? 0 : s;
    s *= in->dims[j];
  }
}

static double round_half_even(double v) {
  double r = nearbyint(v); /* default rounding mode: to nearest, ties to even */
  return r;
}

static double unary_f(int f, double x, double a, double b) {
  switch (f) {
    case U_ABS: return fabs(x);
    case U_NEG: return -x;
    case U_FLOOR: return floor(x);
    case U_CEIL: return ceil(x);
    case U_ROUND: return round_half_even(x);
    case U_LOG: return log(x);
    case U_EXP: return exp(x);
    case U_SQRT: return sqrt(x);
    case U_RECIPROCAL: return 1.0 / x;
    case U_SIN: return sin(x);
    case U_COS: return cos(x);
    case U_TAN: return tan(x);
    case U_ASIN: return asin(x);
    case U_ACOS: return acos(x);
    case U_ATAN: return atan(x);
    case U_SINH: return sinh(x);
    case U_COSH: return cosh(x);
    case U_ASINH: return asinh(x);
    case U_ACOSH: return acosh(x);
    case U_ATANH: return atanh(x);
    case U_SIGN: return x > 0 ? 1.0 : x < 0 ? -1.0 : x;
    case U_ERF: return erf(x);
    case U_SOFTPLUS: return x > 30 ? x : log1p(exp(x));
    case U_SOFTSIGN: return x / (1.0 + fabs(x));
    case U_ELU: return x >= 0 ? x : a * (exp(x) - 1.0);
    case U_SELU: return x > 0 ? b * x : b * (a * exp(x) - a);
    case U_CELU: return (x > 0 ? x : 0.0) + fmin(0.0, a * (exp(x / a) - 1.0));
    case U_THRESHOLDED_RELU: return x > a ? x : 0.0;
    case U_SHRINK: return x < -a ? x + b : x > a ? x - b : 0.0;
    /* b != 0: Paddle's threshold a, past which softplus(x) is taken as x */
    case U_MISH: return x * tanh(b != 0.0 && x > a ? x : log1p(exp(x)));
    case U_RELU: return x > 0 ? x : (x == x ? 0.0 : x);
    case U_SIGMOID: return 1.0 / (1.0 + exp(-x));
    case U_TANH: return tanh(x);
    case U_HARD_SIGMOID: return fmax(0.0, fmin(1.0, a * x + b));
    case U_LEAKY_RELU: return x >= 0 ? x : a * x;
    case U_LOG1P: return log1p(x);
    case U_TANH_SHRINK: return x - tanh(x);
    default: return x;
  }
}

static int64_t unary_i(int f, int64_t x) {
  switch (f) {
    case U_ABS: return x < 0 ? (int64_t)(0u - (uint64_t)x) : x;
    case U_NEG: return (int64_t)(0u - (uint64_t)x);
    case U_SIGN: return x > 0 ? 1 : x < 0 ? -1 : 0;
    case U_RELU: return x > 0 ? x : 0;
    case U_BITWISE_NOT: return ~x;
    default: return x;
  }
}

static double ld_f(oar_dtype t, const void *p, int64_t i) {
  switch (t) {
    case OAR_DTYPE_FLOAT32: return ((const float *)p)[i];
    case OAR_DTYPE_FLOAT64: return ((const double *)p)[i];
    case OAR_DTYPE_INT32: return ((const int32_t *)p)[i];
    case OAR_DTYPE_INT64: return (double)((const int64_t *)p)[i];
    case OAR_DTYPE_UINT8:
    case OAR_DTYPE_BOOL: return ((const uint8_t *)p)[i];
    case OAR_DTYPE_INT8: return ((const int8_t *)p)[i];
    case OAR_DTYPE_INT16: return ((const int16_t *)p)[i];
    default: return 0.0;
  }
}

static int64_t ld_i(oar_dtype t, const void *p, int64_t i) {
  switch (t) {
    case OAR_DTYPE_INT32: return ((const int32_t *)p)[i];
    case OAR_DTYPE_INT64: return ((const int64_t *)p)[i];
    case OAR_DTYPE_UINT8:
    case OAR_DTYPE_BOOL: return ((const uint8_t *)p)[i];
    case OAR_DTYPE_INT8: return ((const int8_t *)p)[i];
    case OAR_DTYPE_INT16: return ((const int16_t *)p)[i];
    default: return (int64_t)ld_f(t, p, i);
  }
}

static void st_f(oar_dtype t, void *p, int64_t i, double v) {
  switch (t) {
    case OAR_DTYPE_FLOAT32: ((float *)p)[i] = (float)v; break;
    case OAR_DTYPE_FLOAT64: ((double *)p)[i] = v; break;
    case OAR_DTYPE_BOOL: ((uint8_t *)p)[i] = v != 0.0; break;
    case OAR_DTYPE_INT32: ((int32_t *)p)[i] = (int32_t)v; break;
    case OAR_DTYPE_INT64: ((int64_t *)p)[i] = (int64_t)v; break;
    case OAR_DTYPE_UINT8: ((uint8_t *)p)[i] = (uint8_t)v; break;
    case OAR_DTYPE_INT8: ((int8_t *)p)[i] = (int8_t)v; break;
    case OAR_DTYPE_INT16: ((int16_t *)p)[i] = (int16_t)v; break;
    default: break;
  }
}

static void st_i(oar_dtype t, void *p, int64_t i, int64_t v) {
  switch (t) {
    case OAR_DTYPE_INT32: ((int32_t *)p)[i] = (int32_t)v; break;
    case OAR_DTYPE_INT64: ((int64_t *)p)[i] = v; break;
    case OAR_DTYPE_UINT8: ((uint8_t *)p)[i] = (uint8_t)v; break;
    case OAR_DTYPE_INT8: ((int8_t *)p)[i] = (int8_t)v; break;
    case OAR_DTYPE_INT16: ((int16_t *)p)[i] = (int16_t)v; break;
    case OAR_DTYPE_BOOL: ((uint8_t *)p)[i] = v != 0; break;
    default: st_f(t, p, i, (double)v); break;
  }
}

static int is_int(oar_dtype t) {
  return t == OAR_DTYPE_INT32 || t == OAR_DTYPE_INT64 || t == OAR_DTYPE_UINT8 || t == OAR_DTYPE_INT8 ||
         t == OAR_DTYPE_INT16 || t == OAR_DTYPE_BOOL;
}

void oar_ref_unary_math(int func, double alpha, double beta, oar_dtype xt, const void *x, oar_dtype yt,
                        void *y, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    if (func == U_NOT) {
      ((uint8_t *)y)[i] = !((const uint8_t *)x)[i];
    } else if (func == U_ISNAN) {
      ((uint8_t *)y)[i] = isnan(ld_f(xt, x, i)) != 0;
    } else if (func == U_ISINF) {
      double v = ld_f(xt, x, i);
      ((uint8_t *)y)[i] = isinf(v) && ((v > 0 && alpha != 0.0) || (v < 0 && beta != 0.0));
    } else if (is_int(xt)) {
      st_i(yt, y, i, unary_i(func, ld_i(xt, x, i)));
    } else {
      st_f(yt, y, i, unary_f(func, ld_f(xt, x, i), alpha, beta));
    }
  }
}

static int64_t shift(int64_t a, int64_t b, int left, oar_dtype t) {
  uint64_t ua = (uint64_t)a;
  const int bits = (int)oar_dtype_bytes(t) * 8;
  if (b < 0 || b >= bits) return 0;
  if (t != OAR_DTYPE_INT64 && bits < 64) ua &= (UINT64_C(1) << bits) - 1;
  return (int64_t)(left ? ua << b : ua >> b);
}

static int64_t binary_i(int f, int64_t a, int64_t b, oar_dtype t) {
  switch (f) {
    case B_ADD: return (int64_t)((uint64_t)a + (uint64_t)b);
    case B_SUB: return (int64_t)((uint64_t)a - (uint64_t)b);
    case B_MUL: return (int64_t)((uint64_t)a * (uint64_t)b);
    case B_DIV: return b == 0 ? 0 : (b == -1 ? (int64_t)(0u - (uint64_t)a) : a / b);
    case B_POW: {
      int64_t r = 1;
      if (b < 0) return a == 1 ? 1 : (a == -1 ? ((b & 1) ? -1 : 1) : 0);
      for (int64_t k = 0; k < b && k < 64; k++) r = (int64_t)((uint64_t)r * (uint64_t)a);
      return r;
    }
    case B_MAX: return a > b ? a : b;
    case B_MIN: return a < b ? a : b;
    case B_MOD: {
      if (b == 0 || b == -1) return 0;
      int64_t r = a % b;
      if (r != 0 && ((r < 0) != (b < 0))) r += b;
      return r;
    }
    case B_FMOD: return (b == 0 || b == -1) ? 0 : a % b;
    case B_EQ: return a == b;
    case B_LT: return a < b;
    case B_LE: return a <= b;
    case B_GT: return a > b;
    case B_GE: return a >= b;
    case B_AND: return a && b;
    case B_OR: return a || b;
    case B_XOR: return (a != 0) != (b != 0);
    case B_PRELU: return a < 0 ? (int64_t)((uint64_t)a * (uint64_t)b) : a;
    case B_SHL: return shift(a, b, 1, t);
    case B_SHR: return shift(a, b, 0, t);
    case B_BAND: return a & b;
    case B_BOR: return a | b;
    case B_BXOR: return a ^ b;
    case B_FLOORDIV: {
      /* Paddle's FloorDivideFunctor: truncation, minus one where the signs
       * differ and the remainder is not zero. */
      if (b == 0) return 0;
      if (b == -1) return (int64_t)(0u - (uint64_t)a);
      const int64_t q = a / b;
      return ((a < 0) != (b < 0) && a % b != 0) ? q - 1 : q;
    }
    default: return 0;
  }
}

static double binary_f(int f, double a, double b) {
  switch (f) {
    case B_ADD: return a + b;
    case B_SUB: return a - b;
    case B_MUL: return a * b;
    case B_DIV: return a / b;
    case B_POW: return pow(a, b);
    case B_MAX: return (a > b || isnan(a)) ? a : b;
    case B_MIN: return (a < b || isnan(a)) ? a : b;
    case B_MOD: {
      double r = fmod(a, b);
      if (r != 0 && ((r < 0) != (b < 0))) r += b;
      return r;
    }
    case B_FMOD: return fmod(a, b);
    case B_EQ: return a == b;
    case B_LT: return a < b;
    case B_LE: return a <= b;
    case B_GT: return a > b;
    case B_GE: return a >= b;
    case B_AND: return a != 0 && b != 0;
    case B_OR: return a != 0 || b != 0;
    case B_XOR: return (a != 0) != (b != 0);
    case B_PRELU: return a < 0 ? a * b : a;
    case B_ATAN2: return atan2(a, b);
    case B_FLOORDIV: return floor(a / b);
    default: return 0.0;
  }
}

void oar_ref_binary_math(int func, const oar_bcast *b, oar_dtype xt, const void *x, oar_dtype yt,
                         const void *y, oar_dtype ot, void *out) {
  int64_t total = 1;
  for (int d = 0; d < b->rank; d++) total *= b->dims[d];
  const int ints = is_int(xt) && is_int(yt);
  int64_t idx[OAR_MAX_RANK] = {0}, xo = 0, yo = 0;
  for (int64_t i = 0; i < total; i++) {
    if (ints)
      st_i(ot, out, i, binary_i(func, ld_i(xt, x, xo), ld_i(yt, y, yo), xt));
    else
      st_f(ot, out, i, binary_f(func, ld_f(xt, x, xo), ld_f(yt, y, yo)));
    for (int d = b->rank - 1; d >= 0; d--) {
      xo += b->strides[0][d];
      yo += b->strides[1][d];
      if (++idx[d] < b->dims[d]) break;
      xo -= b->strides[0][d] * b->dims[d];
      yo -= b->strides[1][d] * b->dims[d];
      idx[d] = 0;
    }
  }
}

void oar_ref_select(const oar_bcast *b, size_t esize, const uint8_t *cond, const void *x, const void *y,
                    void *out) {
  int64_t total = 1;
  for (int d = 0; d < b->rank; d++) total *= b->dims[d];
  int64_t idx[OAR_MAX_RANK] = {0}, o[3] = {0, 0, 0};
  for (int64_t i = 0; i < total; i++) {
    const void *src = cond[o[0]] ? (const char *)x + o[1] * esize : (const char *)y + o[2] * esize;
    memcpy((char *)out + i * esize, src, esize);
    for (int d = b->rank - 1; d >= 0; d--) {
      for (int k = 0; k < 3; k++) o[k] += b->strides[k][d];
      if (++idx[d] < b->dims[d]) break;
      for (int k = 0; k < 3; k++) o[k] -= b->strides[k][d] * b->dims[d];
      idx[d] = 0;
    }
  }
}

void oar_ref_clamp(oar_dtype t, const void *x, void *y, int64_t n, const void *lo, const void *hi) {
  for (int64_t i = 0; i < n; i++) {
    if (is_int(t)) {
      int64_t v = ld_i(t, x, i);
      if (lo && v < ld_i(t, lo, 0)) v = ld_i(t, lo, 0);
      if (hi && v > ld_i(t, hi, 0)) v = ld_i(t, hi, 0);
      st_i(t, y, i, v);
    } else {
      double v = ld_f(t, x, i);
      if (lo && v < ld_f(t, lo, 0)) v = ld_f(t, lo, 0);
      if (hi && v > ld_f(t, hi, 0)) v = ld_f(t, hi, 0);
      st_f(t, y, i, v);
    }
  }
}

float oar_ref_f16_to_f32(uint16_t h) {
  const uint32_t sign = (uint32_t)(h & 0x8000) << 16;
  const int e = (h >> 10) & 31;
  const uint32_t m = h & 1023;
  float v;
  if (e == 0)
    v = ldexpf((float)m, -24);
  else if (e == 31)
    v = m ? NAN : INFINITY;
  else
    v = ldexpf((float)(m | 1024), e - 25);
  uint32_t bits;
  memcpy(&bits, &v, 4);
  bits |= sign;
  memcpy(&v, &bits, 4);
  return v;
}

uint16_t oar_ref_f32_to_f16(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  const uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
  const uint32_t abs = x & 0x7fffffff;
  if (abs > 0x7f800000) return sign | 0x7e00;  /* NaN */
  if (abs >= 0x477ff000) return sign | 0x7c00; /* overflow (incl. inf) */
  if (abs < 0x38800000) {                      /* subnormal or zero */
    if (abs < 0x33000000) return sign;         /* below half the smallest subnormal */
    const int e = (int)(abs >> 23);
    const uint32_t m = (abs & 0x7fffff) | 0x800000;
    const int shift = 126 - e; /* 14..24 */
    uint32_t q = m >> shift, rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (q & 1))) q++;
    return sign | (uint16_t)q;
  }
  uint32_t r = abs - 0x38000000; /* rebias exponent 127 -> 15 */
  uint32_t q = r >> 13, rem = r & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (q & 1))) q++;
  return sign | (uint16_t)q;
}
