#include "kernels/ref/quant.h"

#include <math.h>

#include "kernels/ref/math_ext.h"

bool oar_ref_q_supported(oar_dtype t) {
  switch (t) {
    case OAR_DTYPE_FLOAT32:
    case OAR_DTYPE_FLOAT64:
    case OAR_DTYPE_FLOAT16:
    case OAR_DTYPE_INT8:
    case OAR_DTYPE_INT16:
    case OAR_DTYPE_INT32:
    case OAR_DTYPE_INT64:
    case OAR_DTYPE_UINT8:
    case OAR_DTYPE_BOOL: return true;
    default: return false;
  }
}

double oar_ref_q_load(oar_dtype t, const void *p, int64_t i) {
  switch (t) {
    case OAR_DTYPE_FLOAT32: return ((const float *)p)[i];
    case OAR_DTYPE_FLOAT64: return ((const double *)p)[i];
    case OAR_DTYPE_FLOAT16: return oar_ref_f16_to_f32(((const uint16_t *)p)[i]);
    case OAR_DTYPE_INT8: return ((const int8_t *)p)[i];
    case OAR_DTYPE_INT16: return ((const int16_t *)p)[i];
    case OAR_DTYPE_INT32: return ((const int32_t *)p)[i];
    case OAR_DTYPE_INT64: return (double)((const int64_t *)p)[i];
    case OAR_DTYPE_UINT8:
    case OAR_DTYPE_BOOL: return ((const uint8_t *)p)[i];
    default: return 0.0;
  }
}

/* Truncation that C never sees out of range. */
static double clampd(double v, double lo, double hi) { return isnan(v) ? 0 : v < lo ? lo : v > hi ? hi : v; }

void oar_ref_q_store(oar_dtype t, void *p, int64_t i, double v) {
  switch (t) {
    case OAR_DTYPE_FLOAT32: ((float *)p)[i] = (float)v; break;
    case OAR_DTYPE_FLOAT64: ((double *)p)[i] = v; break;
    case OAR_DTYPE_FLOAT16: ((uint16_t *)p)[i] = oar_ref_f32_to_f16((float)v); break;
    case OAR_DTYPE_BOOL: ((uint8_t *)p)[i] = v != 0; break;
    default: oar_ref_q_store_saturated(t, p, i, trunc(v)); break;
  }
}

void oar_ref_q_store_saturated(oar_dtype t, void *p, int64_t i, double v) {
  switch (t) {
    case OAR_DTYPE_INT8: ((int8_t *)p)[i] = (int8_t)clampd(v, -128, 127); break;
    case OAR_DTYPE_UINT8: ((uint8_t *)p)[i] = (uint8_t)clampd(v, 0, 255); break;
    case OAR_DTYPE_INT16: ((int16_t *)p)[i] = (int16_t)clampd(v, -32768, 32767); break;
    case OAR_DTYPE_INT32: ((int32_t *)p)[i] = (int32_t)clampd(v, -2147483648.0, 2147483647.0); break;
    case OAR_DTYPE_INT64:
      ((int64_t *)p)[i] = (int64_t)clampd(v, -9.2233720368547748e18, 9.2233720368547748e18);
      break;
    default: oar_ref_q_store(t, p, i, v); break;
  }
}

void oar_ref_paddle_quantize_f32(const float *x, float *y, int64_t n, float s, int qmin, int qmax,
                                 int round_type) {
  const float inv_s = s <= 1e-30f ? 1.0f / (s + 1e-6f) : 1.0f / s;
  const float mult = (float)qmax * inv_s, lo = (float)qmin, hi = (float)qmax;
  for (int64_t i = 0; i < n; i++) {
    if (round_type == 0) {
      const float q = nearbyintf(mult * x[i]); /* the default rounding mode: to nearest even */
      y[i] = q < lo ? lo : q > hi ? hi : q;
    } else {
      const float v = x[i] < -s ? -s : x[i] > s ? s : x[i];
      y[i] = roundf(mult * v);
    }
  }
}

void oar_ref_paddle_dequantize_f32(const float *x, float *y, int64_t n, float s, int qmax) {
  for (int64_t i = 0; i < n; i++) y[i] = x[i] * s / (float)qmax;
}
