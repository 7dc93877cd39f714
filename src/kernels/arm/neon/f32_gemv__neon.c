/* f32 GEMV (the N == 1 product), aarch64 NEON: four rows of A at a time,
 * each with two 4-lane accumulators over k (8 floats a step), reduced
 * across lanes at the end; the k tail and the last rows in scalar code.
 * Reference twin: the plain sum of tests/unit/test_gemm.c's sweep_gemv
 * (and the generic table's simple_gemv). */
#include <arm_neon.h>

#include "kernels/arm/neon/neon_kernels.h"

static inline float finish(float t, size_t i, const float *bias, const float *residual, float lo, float hi) {
  if (bias) t += bias[i];
  if (residual) t += residual[i];
  t = t > lo ? t : lo;
  return t < hi ? t : hi;
}

void oar_f32_gemv__neon(size_t m, size_t k, const float *restrict a, size_t lda, const float *restrict x,
                        const float *restrict bias, const float *restrict residual, float lo, float hi,
                        float *restrict y) {
  const size_t kv = k - k % 8;
  size_t i = 0;
  for (; i + 4 <= m; i += 4) {
    const float *r0 = a + i * lda, *r1 = r0 + lda, *r2 = r1 + lda, *r3 = r2 + lda;
    float32x4_t s00 = vdupq_n_f32(0), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00,
                s31 = s00;
    for (size_t kk = 0; kk < kv; kk += 8) {
      const float32x4_t x0 = vld1q_f32(x + kk), x1 = vld1q_f32(x + kk + 4);
      s00 = vfmaq_f32(s00, vld1q_f32(r0 + kk), x0);
      s01 = vfmaq_f32(s01, vld1q_f32(r0 + kk + 4), x1);
      s10 = vfmaq_f32(s10, vld1q_f32(r1 + kk), x0);
      s11 = vfmaq_f32(s11, vld1q_f32(r1 + kk + 4), x1);
      s20 = vfmaq_f32(s20, vld1q_f32(r2 + kk), x0);
      s21 = vfmaq_f32(s21, vld1q_f32(r2 + kk + 4), x1);
      s30 = vfmaq_f32(s30, vld1q_f32(r3 + kk), x0);
      s31 = vfmaq_f32(s31, vld1q_f32(r3 + kk + 4), x1);
    }
    float t[4] = {vaddvq_f32(vaddq_f32(s00, s01)), vaddvq_f32(vaddq_f32(s10, s11)),
                  vaddvq_f32(vaddq_f32(s20, s21)), vaddvq_f32(vaddq_f32(s30, s31))};
    for (size_t kk = kv; kk < k; kk++) {
      const float xv = x[kk];
      t[0] += r0[kk] * xv;
      t[1] += r1[kk] * xv;
      t[2] += r2[kk] * xv;
      t[3] += r3[kk] * xv;
    }
    for (size_t r = 0; r < 4; r++) y[i + r] = finish(t[r], i + r, bias, residual, lo, hi);
  }
  for (; i < m; i++) {
    const float *r0 = a + i * lda;
    float32x4_t s0 = vdupq_n_f32(0), s1 = s0;
    for (size_t kk = 0; kk < kv; kk += 8) {
      s0 = vfmaq_f32(s0, vld1q_f32(r0 + kk), vld1q_f32(x + kk));
      s1 = vfmaq_f32(s1, vld1q_f32(r0 + kk + 4), vld1q_f32(x + kk + 4));
    }
    float t = vaddvq_f32(vaddq_f32(s0, s1));
    for (size_t kk = kv; kk < k; kk++) t += r0[kk] * x[kk];
    y[i] = finish(t, i, bias, residual, lo, hi);
  }
}
