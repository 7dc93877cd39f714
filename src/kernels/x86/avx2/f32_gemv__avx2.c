/* f32 GEMV (N == 1 products) straight from row-major A, AVX2 + FMA: four
 * rows at a time, masked k tail. */
#include <immintrin.h>

#include "kernels/x86/avx2/avx2_kernels.h"

static const int32_t mask_table[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

static inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

static inline float finish(float t, size_t i, const float *bias, const float *residual, float lo, float hi) {
  if (bias) t += bias[i];
  if (residual) t += residual[i];
  t = t > lo ? t : lo;
  return t < hi ? t : hi;
}

void oar_f32_gemv__avx2(size_t m, size_t k, const float *a, size_t lda, const float *x, const float *bias,
                        const float *residual, float lo, float hi, float *y) {
  const size_t k8 = k & ~(size_t)7;
  const __m256i tail = _mm256_loadu_si256((const __m256i *)(mask_table + 8 - (k - k8)));
  const int has_tail = k != k8;
  size_t i = 0;
  for (; i + 4 <= m; i += 4) {
    const float *a0 = a + i * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(),
           s3 = _mm256_setzero_ps();
    size_t kk = 0;
    for (; kk < k8; kk += 8) {
      const __m256 x0 = _mm256_loadu_ps(x + kk);
      s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a0 + kk), x0, s0);
      s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a1 + kk), x0, s1);
      s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a2 + kk), x0, s2);
      s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a3 + kk), x0, s3);
    }
    if (has_tail) {
      const __m256 x0 = _mm256_maskload_ps(x + kk, tail);
      s0 = _mm256_fmadd_ps(_mm256_maskload_ps(a0 + kk, tail), x0, s0);
      s1 = _mm256_fmadd_ps(_mm256_maskload_ps(a1 + kk, tail), x0, s1);
      s2 = _mm256_fmadd_ps(_mm256_maskload_ps(a2 + kk, tail), x0, s2);
      s3 = _mm256_fmadd_ps(_mm256_maskload_ps(a3 + kk, tail), x0, s3);
    }
    y[i] = finish(hsum(s0), i, bias, residual, lo, hi);
    y[i + 1] = finish(hsum(s1), i + 1, bias, residual, lo, hi);
    y[i + 2] = finish(hsum(s2), i + 2, bias, residual, lo, hi);
    y[i + 3] = finish(hsum(s3), i + 3, bias, residual, lo, hi);
  }
  for (; i < m; i++) {
    const float *ar = a + i * lda;
    __m256 s0 = _mm256_setzero_ps();
    size_t kk = 0;
    for (; kk < k8; kk += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(ar + kk), _mm256_loadu_ps(x + kk), s0);
    if (has_tail)
      s0 = _mm256_fmadd_ps(_mm256_maskload_ps(ar + kk, tail), _mm256_maskload_ps(x + kk, tail), s0);
    y[i] = finish(hsum(s0), i, bias, residual, lo, hi);
  }
}
