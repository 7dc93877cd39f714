/* Depthwise convolution of one NCHW plane, AVX2: 8 outputs of a row
 * per vector, every tap a unit-stride load from the padded, phase-split
 * copy of the plane (f32_simple_impl.h), masked at the row's end, four
 * output rows at once. Any kernel size, stride and dilation; 3x3 keeps its
 * nine weights in registers. */
#include <immintrin.h>

#include "kernels/generic/f32_simple_impl.h"
#include "kernels/x86/avx2/avx2_kernels.h"

static const int32_t mask_table[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

typedef struct dw_taps {
  size_t col_off[16], phase_off[16]; /* per tap x: the phase plane and column offset it reads */
} dw_taps;

#define FOR_BLOCK(X) X(0) X(1) X(2) X(3)

/* Output rows [oh, oh + R) x columns [ow, ow + 8) (masked by m unless
 * full): R independent FMA chains, so that a chain of KH * KW dependent
 * FMAs per vector does not wait on the FMA latency (small planes, 7x7 to
 * 28x28, have one or two vectors per row). */
static inline __attribute__((always_inline)) void block(const oar_dwconv_plane *p, const simple_dw_layout *l,
                                                        const dw_taps *tp, const int k3, const int R,
                                                        const int full, const __m256 *wv,
                                                        const float *restrict w, __m256 vb, size_t oh,
                                                        size_t ow, __m256i m, const float *restrict residual,
                                                        float *restrict dst, const float *restrict scratch) {
  const size_t KH = k3 ? 3 : p->kernel_h, KW = k3 ? 3 : p->kernel_w;
  const size_t row_step = p->stride_h * l->pwq;
  const float *rows = scratch + oh * row_step + ow;
#define DECL(r) __m256 acc##r = vb;
  FOR_BLOCK(DECL)
#undef DECL
  for (size_t y = 0; y < KH; y++) {
    const float *ry = rows + y * p->dilation_h * l->pwq;
    for (size_t x = 0; x < KW; x++) {
      const __m256 wt = k3 ? wv[y * 3 + x] : _mm256_set1_ps(w[y * KW + x]);
      const float *t = ry + tp->phase_off[x] + tp->col_off[x];
#define TAP(r)                \
  if (R > r)                  \
    acc##r = _mm256_fmadd_ps( \
        wt, full ? _mm256_loadu_ps(t + r * row_step) : _mm256_maskload_ps(t + r * row_step, m), acc##r);
      FOR_BLOCK(TAP)
#undef TAP
    }
  }
  const __m256 lo = _mm256_set1_ps(p->lo), hi = _mm256_set1_ps(p->hi);
#define FINISH(r)                                                                                           \
  if (R > r) {                                                                                              \
    const size_t at = (oh + r) * p->out_w + ow;                                                             \
    if (residual)                                                                                           \
      acc##r = _mm256_add_ps(acc##r,                                                                        \
                             full ? _mm256_loadu_ps(residual + at) : _mm256_maskload_ps(residual + at, m)); \
    acc##r = _mm256_min_ps(_mm256_max_ps(acc##r, lo), hi);                                                  \
    if (full)                                                                                               \
      _mm256_storeu_ps(dst + at, acc##r);                                                                   \
    else                                                                                                    \
      _mm256_maskstore_ps(dst + at, m, acc##r);                                                             \
  }
  FOR_BLOCK(FINISH)
#undef FINISH
}

static inline __attribute__((always_inline)) void plane(const oar_dwconv_plane *p, const simple_dw_layout *l,
                                                        const int k3, const float *restrict w, float bias,
                                                        const float *restrict residual, float *restrict dst,
                                                        const float *restrict scratch) {
  const size_t KW = k3 ? 3 : p->kernel_w;
  __m256 wv[9];
  if (k3)
    for (int i = 0; i < 9; i++) wv[i] = _mm256_set1_ps(w[i]);
  const __m256 vb = _mm256_set1_ps(bias);
  dw_taps tp;
  for (size_t x = 0; x < KW && x < 16; x++) {
    const size_t cx = x * p->dilation_w;
    tp.col_off[x] = cx / l->s;
    tp.phase_off[x] = (cx % l->s) * l->ph * l->pwq;
  }
  for (size_t oh = 0; oh < p->out_h; oh += 4) {
    const size_t R = p->out_h - oh < 4 ? p->out_h - oh : 4;
    for (size_t ow = 0; ow < p->out_w; ow += 8) {
      const size_t n = p->out_w - ow < 8 ? p->out_w - ow : 8;
      const __m256i m = _mm256_loadu_si256((const __m256i *)(mask_table + 8 - n));
#define CASE(r)                                                                     \
  case r + 1:                                                                       \
    if (n == 8)                                                                     \
      block(p, l, &tp, k3, r + 1, 1, wv, w, vb, oh, ow, m, residual, dst, scratch); \
    else                                                                            \
      block(p, l, &tp, k3, r + 1, 0, wv, w, vb, oh, ow, m, residual, dst, scratch); \
    break;
      switch (R) { FOR_BLOCK(CASE) }
#undef CASE
    }
  }
}

void oar_f32_dwconv__avx2(const oar_dwconv_plane *p, const float *src, const float *w, float bias,
                          const float *residual, float *dst, float *scratch) {
  if (p->out_h == 0 || p->out_w == 0) return;
  if (p->kernel_w > 16) {
    simple_dwconv(p, src, w, bias, residual, dst, scratch);
    return;
  }
  const simple_dw_layout l = simple_dw_layout_of(p);
  simple_dw_pad(p, &l, src, scratch);
  if (p->kernel_h == 3 && p->kernel_w == 3)
    plane(p, &l, 1, w, bias, residual, dst, scratch);
  else
    plane(p, &l, 0, w, bias, residual, dst, scratch);
}
