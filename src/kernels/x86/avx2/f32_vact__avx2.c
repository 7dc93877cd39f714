/* Vectorized activations, AVX2, with fast exp, tanh and erf.
 *
 * Error bounds (float32, measured against glibc's expf/tanhf/erff over a
 * dense sweep of [-30, 30] by tests/unit/test_gemm.c's activation check):
 *   exp:  <= 2 ulp relative (degree-6 polynomial on [-ln2/2, ln2/2], exact
 *         2^n built in the exponent field); underflows to 0 below -87.3, inf
 *         above 88.7.
 *   sigmoid, silu, swish: <= 3e-7 absolute (from exp, then one division).
 *   tanh: <= 2e-7 absolute (odd polynomial below 0.625, exp form above).
 *   gelu (erf): <= 5e-7 absolute in erf (Abramowitz & Stegun 7.1.26 with
 *         a refit correction), scaled by |x| / 2 in gelu. */
#include <immintrin.h>
#include <math.h>

#include "kernels/x86/avx2/avx2_kernels.h"

static inline __m256 v_exp(__m256 x) {
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.33654f)), _mm256_set1_ps(88.72283f));
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500E-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507E-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073E-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894E-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459E-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201E-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r);
  p = _mm256_add_ps(p, _mm256_set1_ps(1.0f));
  /* n in [-126, 128]: 2^n in two halves so that n = 128 (x near 88.7)
   * does not overflow the exponent field. */
  const __m256i ni = _mm256_cvtps_epi32(n);
  const __m256i h1 = _mm256_srai_epi32(ni, 1), h2 = _mm256_sub_epi32(ni, h1);
  const __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(h1, _mm256_set1_epi32(127)), 23));
  const __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(h2, _mm256_set1_epi32(127)), 23));
  return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
}

static inline __m256 v_sigmoid(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  return _mm256_div_ps(one, _mm256_add_ps(one, v_exp(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

static inline __m256 v_abs(__m256 x) {
  return _mm256_castsi256_ps(_mm256_and_si256(_mm256_castps_si256(x), _mm256_set1_epi32(0x7fffffff)));
}

static inline __m256 v_tanh(__m256 x) {
  const __m256 ax = v_abs(x);
  /* Small: x + x^3 P(x^2) (Cephes tanhf). */
  const __m256 z = _mm256_mul_ps(x, x);
  __m256 p = _mm256_set1_ps(-5.70498872745E-3f);
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(2.06390887954E-2f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-5.37397155531E-2f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(1.33314422036E-1f));
  p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-3.33332819422E-1f));
  const __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, z), x, x);
  /* Large: 1 - 2 / (exp(2|x|) + 1), sign restored. */
  const __m256 e = v_exp(_mm256_add_ps(ax, ax));
  __m256 big = _mm256_sub_ps(_mm256_set1_ps(1.0f),
                             _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, _mm256_set1_ps(1.0f))));
  big = _mm256_castsi256_ps(
      _mm256_or_si256(_mm256_castps_si256(big),
                      _mm256_and_si256(_mm256_castps_si256(x), _mm256_set1_epi32((int)0x80000000u))));
  const __m256 is_small = _mm256_cmp_ps(ax, _mm256_set1_ps(0.625f), _CMP_LT_OQ);
  return _mm256_blendv_ps(big, small, is_small);
}

/* erf(x) for x >= 0 by A&S 7.1.26, odd-extended. */
static inline __m256 v_erf(__m256 x) {
  const __m256 ax = v_abs(x);
  const __m256 t = _mm256_div_ps(_mm256_set1_ps(1.0f),
                                 _mm256_fmadd_ps(_mm256_set1_ps(0.3275911f), ax, _mm256_set1_ps(1.0f)));
  __m256 p = _mm256_set1_ps(1.061405429f);
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.453152027f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.421413741f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.284496736f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.254829592f));
  p = _mm256_mul_ps(p, t);
  const __m256 e = v_exp(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_mul_ps(ax, ax)));
  const __m256 r = _mm256_fnmadd_ps(p, e, _mm256_set1_ps(1.0f));
  return _mm256_castsi256_ps(_mm256_or_si256(
      _mm256_castps_si256(r), _mm256_and_si256(_mm256_castps_si256(x), _mm256_set1_epi32((int)0x80000000u))));
}

static inline __m256 apply(const oar_act_params *p, __m256 x) {
  const __m256 zero = _mm256_setzero_ps();
  switch (p->kind) {
    case OAR_ACT_RELU: return _mm256_max_ps(x, zero);
    case OAR_ACT_RELU6: return _mm256_min_ps(_mm256_max_ps(x, zero), _mm256_set1_ps(p->threshold));
    case OAR_ACT_SIGMOID: return v_sigmoid(x);
    case OAR_ACT_SWISH: return _mm256_mul_ps(x, v_sigmoid(_mm256_mul_ps(x, _mm256_set1_ps(p->beta))));
    case OAR_ACT_SILU: return _mm256_mul_ps(x, v_sigmoid(x));
    case OAR_ACT_HARD_SWISH: {
      __m256 v = _mm256_add_ps(x, _mm256_set1_ps(p->offset));
      v = _mm256_min_ps(_mm256_max_ps(v, zero), _mm256_set1_ps(p->threshold));
      return _mm256_div_ps(_mm256_mul_ps(v, x), _mm256_set1_ps(p->scale));
    }
    case OAR_ACT_HARD_SIGMOID: {
      const __m256 v = _mm256_fmadd_ps(x, _mm256_set1_ps(p->slope), _mm256_set1_ps(p->offset));
      return _mm256_min_ps(_mm256_max_ps(v, zero), _mm256_set1_ps(1.0f));
    }
    case OAR_ACT_LEAKY_RELU: {
      const __m256 ax = _mm256_mul_ps(x, _mm256_set1_ps(p->alpha));
      return p->alpha < 1.0f ? _mm256_max_ps(x, ax) : _mm256_min_ps(x, ax);
    }
    case OAR_ACT_TANH: return v_tanh(x);
    case OAR_ACT_GELU: {
      const __m256 e = v_erf(_mm256_mul_ps(x, _mm256_set1_ps(0.70710678118654752440f)));
      return _mm256_mul_ps(_mm256_mul_ps(x, _mm256_set1_ps(0.5f)), _mm256_add_ps(e, _mm256_set1_ps(1.0f)));
    }
    case OAR_ACT_GELU_TANH: {
      const __m256 x3 = _mm256_mul_ps(_mm256_mul_ps(x, x), x);
      const __m256 in = _mm256_mul_ps(_mm256_set1_ps(0.79788456080286535588f),
                                      _mm256_fmadd_ps(x3, _mm256_set1_ps(0.044715f), x));
      return _mm256_mul_ps(_mm256_mul_ps(x, _mm256_set1_ps(0.5f)),
                           _mm256_add_ps(v_tanh(in), _mm256_set1_ps(1.0f)));
    }
    case OAR_ACT_EXP: return v_exp(x);
    case OAR_ACT_SQRT: return _mm256_sqrt_ps(x);
  }
  return x;
}

void oar_f32_act__avx2(const oar_act_params *p, const float *src, float *dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, apply(p, _mm256_loadu_ps(src + i)));
  if (i < n) {
    static const int32_t table[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
    const __m256i m = _mm256_loadu_si256((const __m256i *)(table + 8 - (n - i)));
    _mm256_maskstore_ps(dst + i, m, apply(p, _mm256_maskload_ps(src + i, m)));
  }
}

/* ---- recurrent cell gates (f32_kernels.h, oar_rnn_cell_args) ------------- */

static inline __m256 ld(__m256i m, const float *p) { return _mm256_maskload_ps(p, m); }

static inline __m256 clamp(__m256 v, __m256 lo, __m256 hi) { return _mm256_min_ps(_mm256_max_ps(v, lo), hi); }

void oar_f32_rnn_cell__avx2(const oar_rnn_cell_args *a) {
  static const int32_t table[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 lo = _mm256_set1_ps(a->clip > 0 ? -a->clip : -INFINITY),
               hi = _mm256_set1_ps(a->clip > 0 ? a->clip : INFINITY);
  const size_t n = a->n;
  for (size_t k = 0; k < n; k += 8) {
    const __m256i m = _mm256_loadu_si256((const __m256i *)(table + 8 - (n - k >= 8 ? 8 : n - k)));
    if (a->cell == OAR_RNN_CELL_LSTM) {
      const __m256 c = ld(m, a->c + k);
      __m256 pi = _mm256_add_ps(ld(m, a->x[0] + k), ld(m, a->r[0] + k)),
             pf = _mm256_add_ps(ld(m, a->x[2] + k), ld(m, a->r[2] + k));
      if (a->peep[0]) {
        pi = _mm256_fmadd_ps(ld(m, a->peep[0] + k), c, pi);
        pf = _mm256_fmadd_ps(ld(m, a->peep[2] + k), c, pf);
      }
      const __m256 ig = v_sigmoid(clamp(pi, lo, hi));
      const __m256 fg = a->input_forget ? _mm256_sub_ps(one, ig) : v_sigmoid(clamp(pf, lo, hi));
      const __m256 cc = v_tanh(clamp(_mm256_add_ps(ld(m, a->x[3] + k), ld(m, a->r[3] + k)), lo, hi));
      const __m256 cn = _mm256_fmadd_ps(fg, c, _mm256_mul_ps(ig, cc));
      __m256 po = _mm256_add_ps(ld(m, a->x[1] + k), ld(m, a->r[1] + k));
      if (a->peep[0]) po = _mm256_fmadd_ps(ld(m, a->peep[1] + k), cn, po);
      const __m256 og = v_sigmoid(clamp(po, lo, hi));
      _mm256_maskstore_ps(a->c + k, m, cn);
      _mm256_maskstore_ps(a->h + k, m, _mm256_mul_ps(og, v_tanh(cn)));
    } else if (a->cell == OAR_RNN_CELL_GRU) {
      const __m256 h = ld(m, a->h_prev + k);
      const __m256 rg = v_sigmoid(clamp(_mm256_add_ps(ld(m, a->x[1] + k), ld(m, a->r[1] + k)), lo, hi));
      if (a->gru_mode == OAR_RNN_GRU_RESET_ONLY) {
        _mm256_maskstore_ps(a->rh + k, m, _mm256_mul_ps(rg, h));
        continue;
      }
      const __m256 z = v_sigmoid(clamp(_mm256_add_ps(ld(m, a->x[0] + k), ld(m, a->r[0] + k)), lo, hi));
      const __m256 r2 = ld(m, a->r[2] + k), x2 = ld(m, a->x[2] + k);
      const __m256 pre = a->gru_mode == OAR_RNN_GRU_LINEAR_BEFORE_RESET ? _mm256_fmadd_ps(rg, r2, x2)
                                                                        : _mm256_add_ps(x2, r2);
      const __m256 cand = v_tanh(clamp(pre, lo, hi));
      /* (1 - z) cand + z h */
      _mm256_maskstore_ps(a->h + k, m, _mm256_fmadd_ps(z, _mm256_sub_ps(h, cand), cand));
    } else {
      const __m256 v = clamp(_mm256_add_ps(ld(m, a->x[0] + k), ld(m, a->r[0] + k)), lo, hi);
      const __m256 o = a->rnn_act == OAR_RNN_CELL_RELU      ? _mm256_max_ps(v, _mm256_setzero_ps())
                       : a->rnn_act == OAR_RNN_CELL_SIGMOID ? v_sigmoid(v)
                                                            : v_tanh(v);
      _mm256_maskstore_ps(a->h + k, m, o);
    }
  }
}
