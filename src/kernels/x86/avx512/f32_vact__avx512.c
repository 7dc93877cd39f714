/* Vectorized activations, AVX-512, with fast exp, tanh and erf.
 *
 * Error bounds (float32, measured against glibc's expf/tanhf/erff over a
 * dense sweep of [-30, 30] by tests/unit/test_gemm.c's activation check):
 *   exp:  <= 2 ulp relative (degree-6 polynomial on [-ln2/2, ln2/2], exact
 *         2^n by vscalefps); underflows to 0 below -87.3, inf above 88.7.
 *   sigmoid, silu, swish: <= 3e-7 absolute (from exp, then one division).
 *   tanh: <= 2e-7 absolute (odd polynomial below 0.625, exp form above).
 *   gelu (erf): <= 5e-7 absolute in erf (Abramowitz & Stegun 7.1.26 with
 *         a refit correction), scaled by |x| / 2 in gelu. */
#include <immintrin.h>
#include <math.h>

#include "kernels/x86/avx512/avx512_kernels.h"

static inline __m512 v_exp(__m512 x) {
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.33654f)), _mm512_set1_ps(88.72283f));
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500E-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507E-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073E-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894E-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459E-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201E-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r);
  p = _mm512_add_ps(p, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, n);
}

static inline __m512 v_sigmoid(__m512 x) {
  const __m512 one = _mm512_set1_ps(1.0f);
  return _mm512_div_ps(one, _mm512_add_ps(one, v_exp(_mm512_sub_ps(_mm512_setzero_ps(), x))));
}

static inline __m512 v_abs(__m512 x) {
  return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(0x7fffffff)));
}

static inline __m512 v_tanh(__m512 x) {
  const __m512 ax = v_abs(x);
  /* Small: x + x^3 P(x^2) (Cephes tanhf). */
  const __m512 z = _mm512_mul_ps(x, x);
  __m512 p = _mm512_set1_ps(-5.70498872745E-3f);
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(2.06390887954E-2f));
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-5.37397155531E-2f));
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(1.33314422036E-1f));
  p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-3.33332819422E-1f));
  const __m512 small = _mm512_fmadd_ps(_mm512_mul_ps(p, z), x, x);
  /* Large: 1 - 2 / (exp(2|x|) + 1), sign restored. */
  const __m512 e = v_exp(_mm512_add_ps(ax, ax));
  __m512 big = _mm512_sub_ps(_mm512_set1_ps(1.0f),
                             _mm512_div_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(e, _mm512_set1_ps(1.0f))));
  big = _mm512_castsi512_ps(
      _mm512_or_si512(_mm512_castps_si512(big),
                      _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32((int)0x80000000u))));
  const __mmask16 is_small = _mm512_cmp_ps_mask(ax, _mm512_set1_ps(0.625f), _CMP_LT_OQ);
  return _mm512_mask_blend_ps(is_small, big, small);
}

/* erf(x) for x >= 0 by A&S 7.1.26, odd-extended. */
static inline __m512 v_erf(__m512 x) {
  const __m512 ax = v_abs(x);
  const __m512 t = _mm512_div_ps(_mm512_set1_ps(1.0f),
                                 _mm512_fmadd_ps(_mm512_set1_ps(0.3275911f), ax, _mm512_set1_ps(1.0f)));
  __m512 p = _mm512_set1_ps(1.061405429f);
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-1.453152027f));
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(1.421413741f));
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-0.284496736f));
  p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(0.254829592f));
  p = _mm512_mul_ps(p, t);
  const __m512 e = v_exp(_mm512_sub_ps(_mm512_setzero_ps(), _mm512_mul_ps(ax, ax)));
  const __m512 r = _mm512_fnmadd_ps(p, e, _mm512_set1_ps(1.0f));
  return _mm512_castsi512_ps(_mm512_or_si512(
      _mm512_castps_si512(r), _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32((int)0x80000000u))));
}

static inline __m512 apply(const oar_act_params *p, __m512 x) {
  const __m512 zero = _mm512_setzero_ps();
  switch (p->kind) {
    case OAR_ACT_RELU: return _mm512_max_ps(x, zero);
    case OAR_ACT_RELU6: return _mm512_min_ps(_mm512_max_ps(x, zero), _mm512_set1_ps(p->threshold));
    case OAR_ACT_SIGMOID: return v_sigmoid(x);
    case OAR_ACT_SWISH: return _mm512_mul_ps(x, v_sigmoid(_mm512_mul_ps(x, _mm512_set1_ps(p->beta))));
    case OAR_ACT_SILU: return _mm512_mul_ps(x, v_sigmoid(x));
    case OAR_ACT_HARD_SWISH: {
      __m512 v = _mm512_add_ps(x, _mm512_set1_ps(p->offset));
      v = _mm512_min_ps(_mm512_max_ps(v, zero), _mm512_set1_ps(p->threshold));
      return _mm512_div_ps(_mm512_mul_ps(v, x), _mm512_set1_ps(p->scale));
    }
    case OAR_ACT_HARD_SIGMOID: {
      const __m512 v = _mm512_fmadd_ps(x, _mm512_set1_ps(p->slope), _mm512_set1_ps(p->offset));
      return _mm512_min_ps(_mm512_max_ps(v, zero), _mm512_set1_ps(1.0f));
    }
    case OAR_ACT_LEAKY_RELU: {
      const __m512 ax = _mm512_mul_ps(x, _mm512_set1_ps(p->alpha));
      return p->alpha < 1.0f ? _mm512_max_ps(x, ax) : _mm512_min_ps(x, ax);
    }
    case OAR_ACT_TANH: return v_tanh(x);
    case OAR_ACT_GELU: {
      const __m512 e = v_erf(_mm512_mul_ps(x, _mm512_set1_ps(0.70710678118654752440f)));
      return _mm512_mul_ps(_mm512_mul_ps(x, _mm512_set1_ps(0.5f)), _mm512_add_ps(e, _mm512_set1_ps(1.0f)));
    }
    case OAR_ACT_GELU_TANH: {
      const __m512 x3 = _mm512_mul_ps(_mm512_mul_ps(x, x), x);
      const __m512 in = _mm512_mul_ps(_mm512_set1_ps(0.79788456080286535588f),
                                      _mm512_fmadd_ps(x3, _mm512_set1_ps(0.044715f), x));
      return _mm512_mul_ps(_mm512_mul_ps(x, _mm512_set1_ps(0.5f)),
                           _mm512_add_ps(v_tanh(in), _mm512_set1_ps(1.0f)));
    }
    case OAR_ACT_EXP: return v_exp(x);
    case OAR_ACT_SQRT: return _mm512_sqrt_ps(x);
  }
  return x;
}

void oar_f32_act__avx512(const oar_act_params *p, const float *src, float *dst, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(dst + i, apply(p, _mm512_loadu_ps(src + i)));
  if (i < n) {
    const __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
    _mm512_mask_storeu_ps(dst + i, m, apply(p, _mm512_maskz_loadu_ps(m, src + i)));
  }
}

/* ---- softmax over one contiguous vector ---------------------------------- */

/* exp of softmax's shifted inputs (<= 0), as the plain-C kernel
 * (f32_simple_impl.h) defines it: 0 below -87.34, NaN kept. */
static inline __m512 v_exp_nonpos(__m512 x) {
  const __m512 e = v_exp(x);
  const __mmask16 nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
  const __mmask16 tiny = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-87.33654f), _CMP_LT_OQ);
  return _mm512_mask_mov_ps(_mm512_maskz_mov_ps((__mmask16)~tiny, e), nan, x);
}

void oar_f32_softmax_row__avx512(const float *src, float *dst, size_t n, bool take_log) {
  if (n == 0) return;
  const size_t nv = n / 16 * 16;
  const __mmask16 tail = (__mmask16)((1u << (n - nv)) - 1u);
  /* A NaN may drop out of the maximum: its exp is NaN all the same, and so
   * are the sum and every output. */
  __m512 m = _mm512_set1_ps(-INFINITY);
  for (size_t i = 0; i < nv; i += 16) m = _mm512_max_ps(m, _mm512_loadu_ps(src + i));
  if (tail) m = _mm512_mask_max_ps(m, tail, m, _mm512_maskz_loadu_ps(tail, src + nv));
  const float mx_s = _mm512_reduce_max_ps(m);
  const __m512 mx = _mm512_set1_ps(mx_s);
  /* Sums in float over 256 elements at most, then in double. */
  double sum = 0.0;
  for (size_t i0 = 0; i0 < nv; i0 += 256) {
    const size_t i1 = i0 + 256 < nv ? i0 + 256 : nv;
    __m512 acc = _mm512_setzero_ps();
    for (size_t i = i0; i < i1; i += 16) {
      const __m512 e = v_exp_nonpos(_mm512_sub_ps(_mm512_loadu_ps(src + i), mx));
      acc = _mm512_add_ps(acc, e);
      _mm512_storeu_ps(dst + i, e);
    }
    sum += _mm512_reduce_add_ps(acc);
  }
  if (tail) {
    const __m512 e = v_exp_nonpos(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, src + nv), mx));
    sum += _mm512_mask_reduce_add_ps(tail, e);
    _mm512_mask_storeu_ps(dst + nv, tail, e);
  }
  if (take_log) {
    const __m512 shift = _mm512_set1_ps((float)log(sum));
    for (size_t i = 0; i < nv; i += 16)
      _mm512_storeu_ps(dst + i, _mm512_sub_ps(_mm512_sub_ps(_mm512_loadu_ps(src + i), mx), shift));
    if (tail)
      _mm512_mask_storeu_ps(dst + nv, tail,
                            _mm512_sub_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, src + nv), mx), shift));
  } else {
    const __m512 inv = _mm512_set1_ps((float)(1.0 / sum));
    for (size_t i = 0; i < nv; i += 16)
      _mm512_storeu_ps(dst + i, _mm512_mul_ps(_mm512_loadu_ps(dst + i), inv));
    if (tail)
      _mm512_mask_storeu_ps(dst + nv, tail, _mm512_mul_ps(_mm512_maskz_loadu_ps(tail, dst + nv), inv));
  }
}

/* ---- recurrent cell gates (f32_kernels.h, oar_rnn_cell_args) ------------- */

static inline __m512 ld(__mmask16 m, const float *p) { return _mm512_maskz_loadu_ps(m, p); }

static inline __m512 clamp(__m512 v, __m512 lo, __m512 hi) { return _mm512_min_ps(_mm512_max_ps(v, lo), hi); }

void oar_f32_rnn_cell__avx512(const oar_rnn_cell_args *a) {
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 lo = _mm512_set1_ps(a->clip > 0 ? -a->clip : -INFINITY),
               hi = _mm512_set1_ps(a->clip > 0 ? a->clip : INFINITY);
  const size_t n = a->n;
  for (size_t k = 0; k < n; k += 16) {
    const __mmask16 m = n - k >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (n - k)) - 1u);
    if (a->cell == OAR_RNN_CELL_LSTM) {
      const __m512 c = ld(m, a->c + k);
      __m512 pi = _mm512_add_ps(ld(m, a->x[0] + k), ld(m, a->r[0] + k)),
             pf = _mm512_add_ps(ld(m, a->x[2] + k), ld(m, a->r[2] + k));
      if (a->peep[0]) {
        pi = _mm512_fmadd_ps(ld(m, a->peep[0] + k), c, pi);
        pf = _mm512_fmadd_ps(ld(m, a->peep[2] + k), c, pf);
      }
      const __m512 ig = v_sigmoid(clamp(pi, lo, hi));
      const __m512 fg = a->input_forget ? _mm512_sub_ps(one, ig) : v_sigmoid(clamp(pf, lo, hi));
      const __m512 cc = v_tanh(clamp(_mm512_add_ps(ld(m, a->x[3] + k), ld(m, a->r[3] + k)), lo, hi));
      const __m512 cn = _mm512_fmadd_ps(fg, c, _mm512_mul_ps(ig, cc));
      __m512 po = _mm512_add_ps(ld(m, a->x[1] + k), ld(m, a->r[1] + k));
      if (a->peep[0]) po = _mm512_fmadd_ps(ld(m, a->peep[1] + k), cn, po);
      const __m512 og = v_sigmoid(clamp(po, lo, hi));
      _mm512_mask_storeu_ps(a->c + k, m, cn);
      _mm512_mask_storeu_ps(a->h + k, m, _mm512_mul_ps(og, v_tanh(cn)));
    } else if (a->cell == OAR_RNN_CELL_GRU) {
      const __m512 h = ld(m, a->h_prev + k);
      const __m512 rg = v_sigmoid(clamp(_mm512_add_ps(ld(m, a->x[1] + k), ld(m, a->r[1] + k)), lo, hi));
      if (a->gru_mode == OAR_RNN_GRU_RESET_ONLY) {
        _mm512_mask_storeu_ps(a->rh + k, m, _mm512_mul_ps(rg, h));
        continue;
      }
      const __m512 z = v_sigmoid(clamp(_mm512_add_ps(ld(m, a->x[0] + k), ld(m, a->r[0] + k)), lo, hi));
      const __m512 r2 = ld(m, a->r[2] + k), x2 = ld(m, a->x[2] + k);
      const __m512 pre = a->gru_mode == OAR_RNN_GRU_LINEAR_BEFORE_RESET ? _mm512_fmadd_ps(rg, r2, x2)
                                                                        : _mm512_add_ps(x2, r2);
      const __m512 cand = v_tanh(clamp(pre, lo, hi));
      /* (1 - z) cand + z h */
      _mm512_mask_storeu_ps(a->h + k, m, _mm512_fmadd_ps(z, _mm512_sub_ps(h, cand), cand));
    } else {
      const __m512 v = clamp(_mm512_add_ps(ld(m, a->x[0] + k), ld(m, a->r[0] + k)), lo, hi);
      const __m512 o = a->rnn_act == OAR_RNN_CELL_RELU      ? _mm512_max_ps(v, _mm512_setzero_ps())
                       : a->rnn_act == OAR_RNN_CELL_SIGMOID ? v_sigmoid(v)
                                                            : v_tanh(v);
      _mm512_mask_storeu_ps(a->h + k, m, o);
    }
  }
}
