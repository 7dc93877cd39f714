/* float32 -> bfloat16 conversions with vcvtne2ps2bf16 / vcvtneps2bf16
 * (round to nearest even; denormal inputs read as zero). */
#include <immintrin.h>
#include <string.h>

#include "kernels/x86/avx512bf16/avx512bf16_kernels.h"

void oar_bf16_convert__avx512bf16(const float *src, uint16_t *dst, size_t n) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512bh v = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(src + i + 16), _mm512_loadu_ps(src + i));
    _mm512_storeu_si512((void *)(dst + i), (__m512i)v);
  }
  for (; i < n; i += 16) {
    const size_t left = n - i < 16 ? n - i : 16;
    const __mmask16 m = (__mmask16)((1u << left) - 1u);
    const __m256bh v = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(m, src + i));
    _mm256_mask_storeu_epi16(dst + i, m, (__m256i)v);
  }
}

void oar_bf16_pair_panel__avx512bf16(const float *src, size_t kc, size_t r, uint32_t *dst) {
  /* Word j of the result: bf16(lo[j]) | bf16(hi[j]) << 16; cvtne2ps puts
   * lo in elements 0-15 and hi in 16-31, the permute interleaves them. */
  const __m512i interleave = _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8,
                                              23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
  for (size_t k = 0; k < kc; k += 2) {
    const float *lo = src + k * r, *hi = k + 1 < kc ? src + (k + 1) * r : NULL;
    uint32_t *d = dst + (k / 2) * r;
    for (size_t j = 0; j < r; j += 16) {
      const size_t left = r - j < 16 ? r - j : 16;
      const __mmask16 m = (__mmask16)((1u << left) - 1u);
      const __m512 vlo = _mm512_maskz_loadu_ps(m, lo + j);
      const __m512 vhi = hi ? _mm512_maskz_loadu_ps(m, hi + j) : _mm512_setzero_ps();
      const __m512i both = (__m512i)_mm512_cvtne2ps_pbh(vhi, vlo);
      _mm512_mask_storeu_epi32(d + j, m, _mm512_permutexvar_epi16(interleave, both));
    }
  }
}
