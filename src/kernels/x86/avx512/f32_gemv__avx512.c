/* f32 GEMV (N == 1 products: 1x1 convolutions on a 1x1 image, matmul
 * against a vector) straight from row-major A, AVX-512: four rows at a
 * time, two accumulators per row, masked k tail. */
#include <immintrin.h>

#include "kernels/x86/avx512/avx512_kernels.h"

static inline float finish(float t, size_t i, const float *bias, const float *residual, float lo, float hi) {
  if (bias) t += bias[i];
  if (residual) t += residual[i];
  t = t > lo ? t : lo;
  return t < hi ? t : hi;
}

void oar_f32_gemv__avx512(size_t m, size_t k, const float *a, size_t lda, const float *x, const float *bias,
                          const float *residual, float lo, float hi, float *y) {
  const size_t k32 = k & ~(size_t)31, k16 = k & ~(size_t)15;
  const __mmask16 tail = (__mmask16)((1u << (k - k16)) - 1u);
  size_t i = 0;
  for (; i + 4 <= m; i += 4) {
    const float *a0 = a + i * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(),
           s3 = _mm512_setzero_ps();
    __m512 t0 = _mm512_setzero_ps(), t1 = _mm512_setzero_ps(), t2 = _mm512_setzero_ps(),
           t3 = _mm512_setzero_ps();
    size_t kk = 0;
    for (; kk < k32; kk += 32) {
      const __m512 x0 = _mm512_loadu_ps(x + kk), x1 = _mm512_loadu_ps(x + kk + 16);
      s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a0 + kk), x0, s0);
      s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a1 + kk), x0, s1);
      s2 = _mm512_fmadd_ps(_mm512_loadu_ps(a2 + kk), x0, s2);
      s3 = _mm512_fmadd_ps(_mm512_loadu_ps(a3 + kk), x0, s3);
      t0 = _mm512_fmadd_ps(_mm512_loadu_ps(a0 + kk + 16), x1, t0);
      t1 = _mm512_fmadd_ps(_mm512_loadu_ps(a1 + kk + 16), x1, t1);
      t2 = _mm512_fmadd_ps(_mm512_loadu_ps(a2 + kk + 16), x1, t2);
      t3 = _mm512_fmadd_ps(_mm512_loadu_ps(a3 + kk + 16), x1, t3);
    }
    for (; kk < k16; kk += 16) {
      const __m512 x0 = _mm512_loadu_ps(x + kk);
      s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a0 + kk), x0, s0);
      s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a1 + kk), x0, s1);
      s2 = _mm512_fmadd_ps(_mm512_loadu_ps(a2 + kk), x0, s2);
      s3 = _mm512_fmadd_ps(_mm512_loadu_ps(a3 + kk), x0, s3);
    }
    if (tail) {
      const __m512 x0 = _mm512_maskz_loadu_ps(tail, x + kk);
      s0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, a0 + kk), x0, s0);
      s1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, a1 + kk), x0, s1);
      s2 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, a2 + kk), x0, s2);
      s3 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, a3 + kk), x0, s3);
    }
    y[i] = finish(_mm512_reduce_add_ps(_mm512_add_ps(s0, t0)), i, bias, residual, lo, hi);
    y[i + 1] = finish(_mm512_reduce_add_ps(_mm512_add_ps(s1, t1)), i + 1, bias, residual, lo, hi);
    y[i + 2] = finish(_mm512_reduce_add_ps(_mm512_add_ps(s2, t2)), i + 2, bias, residual, lo, hi);
    y[i + 3] = finish(_mm512_reduce_add_ps(_mm512_add_ps(s3, t3)), i + 3, bias, residual, lo, hi);
  }
  for (; i < m; i++) {
    const float *ar = a + i * lda;
    __m512 s0 = _mm512_setzero_ps();
    size_t kk = 0;
    for (; kk < k16; kk += 16) s0 = _mm512_fmadd_ps(_mm512_loadu_ps(ar + kk), _mm512_loadu_ps(x + kk), s0);
    if (tail)
      s0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, ar + kk), _mm512_maskz_loadu_ps(tail, x + kk), s0);
    y[i] = finish(_mm512_reduce_add_ps(s0), i, bias, residual, lo, hi);
  }
}
