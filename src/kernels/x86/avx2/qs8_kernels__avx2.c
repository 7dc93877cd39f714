/* The int8 kernels for AVX2 hosts (and AVX-512 ones without VNNI): the
 * plain-C bodies of kernels/generic/qs8_plain_impl.h, compiled with this
 * folder's AVX2 flags so that the column loops vectorize (8 int32 lanes),
 * and hand-written quantize, dequantize and add_int8 loops: these run on
 * every such host, because the QDQ activations of a quantized model stay
 * there when the int8 passes leave its convolutions in float32 (no VNNI).
 * No hand-written VPMADDUBSW tile yet. */
#include <immintrin.h>

#include "kernels/generic/qs8_plain_impl.h"

/* saturate(rne(t) + zero), as oar_q8_round_saturate: t clamped to
 * [-1024, 1024] first (a NaN becomes -1024, then the low limit, as there),
 * rounded half to even by the MXCSR default. */
static inline __m256i round_saturate8(__m256 t, __m256i zero, __m256i qlo, __m256i qhi) {
  const __m256 lim = _mm256_set1_ps(1024.0f);
  t = _mm256_min_ps(_mm256_max_ps(t, _mm256_sub_ps(_mm256_setzero_ps(), lim)), lim);
  const __m256i q = _mm256_add_epi32(_mm256_cvtps_epi32(t), zero);
  return _mm256_min_epi32(_mm256_max_epi32(q, qlo), qhi);
}

/* 32 saturated int32 values (four vectors, each within the 8-bit range)
 * as 32 bytes in order. */
static inline void store32(uint8_t *dst, __m256i q0, __m256i q1, __m256i q2, __m256i q3, bool is_signed) {
  const __m256i p01 = _mm256_packs_epi32(q0, q1), p23 = _mm256_packs_epi32(q2, q3);
  const __m256i b = is_signed ? _mm256_packs_epi16(p01, p23) : _mm256_packus_epi16(p01, p23);
  /* The packs work per 128-bit lane: dwords 0-3 hold q0..q3's low halves,
   * 4-7 their high halves. */
  _mm256_storeu_si256((__m256i *)(void *)dst,
                      _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)));
}

static void quantize_avx2(const float *x, size_t n, float scale, int32_t zero, bool is_signed, void *y) {
  const __m256 s = _mm256_set1_ps(scale);
  const __m256i z = _mm256_set1_epi32(zero), qlo = _mm256_set1_epi32(is_signed ? -128 : 0),
                qhi = _mm256_set1_epi32(is_signed ? 127 : 255);
  uint8_t *dst = y;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
#define Q(k) round_saturate8(_mm256_div_ps(_mm256_loadu_ps(x + i + 8 * (k)), s), z, qlo, qhi)
    store32(dst + i, Q(0), Q(1), Q(2), Q(3), is_signed);
#undef Q
  }
  plain_quantize(x + i, n - i, scale, zero, is_signed, dst + i);
}

static inline __m256 dq8(const void *x, size_t i, bool is_signed, __m256i zero, __m256 scale) {
  const __m128i b = _mm_loadl_epi64((const __m128i *)(const void *)((const uint8_t *)x + i));
  const __m256i v = is_signed ? _mm256_cvtepi8_epi32(b) : _mm256_cvtepu8_epi32(b);
  return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(v, zero)), scale);
}

static void dequantize_avx2(const void *x, size_t n, float scale, int32_t zero, bool is_signed, float *y) {
  const __m256 s = _mm256_set1_ps(scale);
  const __m256i z = _mm256_set1_epi32(zero);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, dq8(x, i, is_signed, z, s));
  plain_dequantize((const uint8_t *)x + i, n - i, scale, zero, is_signed, y + i);
}

static void add_avx2(const void *a, const void *b, size_t n, const oar_q8_add_params *p, void *y) {
  const __m256 sa = _mm256_set1_ps(p->a_scale), sb = _mm256_set1_ps(p->b_scale),
               so = _mm256_set1_ps(p->out_scale);
  const __m256i za = _mm256_set1_epi32(p->a_zero), zb = _mm256_set1_epi32(p->b_zero),
                zo = _mm256_set1_epi32(p->out_zero), qlo = _mm256_set1_epi32(p->out_signed ? -128 : 0),
                qhi = _mm256_set1_epi32(p->out_signed ? 127 : 255);
  uint8_t *dst = y;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256i q[4];
    for (int k = 0; k < 4; k++) {
      __m256 v = _mm256_add_ps(dq8(a, i + 8 * (size_t)k, p->a_signed, za, sa),
                               dq8(b, i + 8 * (size_t)k, p->b_signed, zb, sb));
      if (p->relu) v = _mm256_max_ps(v, _mm256_setzero_ps());
      q[k] = round_saturate8(_mm256_div_ps(v, so), zo, qlo, qhi);
    }
    store32(dst + i, q[0], q[1], q[2], q[3], p->out_signed);
  }
  plain_add((const uint8_t *)a + i, (const uint8_t *)b + i, n - i, p, dst + i);
}

QS8_PLAIN_TABLE_WITH(oar_qs8_kernels_avx2, "qs8_gemm_4x16__avx2", quantize_avx2, dequantize_avx2, add_avx2);
