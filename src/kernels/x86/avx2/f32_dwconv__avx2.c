/* Depthwise convolution of one NCHW plane, AVX2: 8 outputs of a row
 * per vector, every tap a unit-stride load from the padded, phase-split
 * copy of the plane (f32_simple_impl.h), masked at the row's end. Any
 * kernel size, stride and dilation; 3x3 keeps its nine weights in
 * registers. */
#include <immintrin.h>

#include "kernels/generic/f32_simple_impl.h"
#include "kernels/x86/avx2/avx2_kernels.h"

static const int32_t mask_table[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

static inline __attribute__((always_inline)) void plane(const oar_dwconv_plane *p, const simple_dw_layout *l,
                                                        const int k3, const float *restrict w, float bias,
                                                        const float *restrict residual, float *restrict dst,
                                                        const float *restrict scratch) {
  const size_t KH = k3 ? 3 : p->kernel_h, KW = k3 ? 3 : p->kernel_w;
  __m256 wv[9];
  if (k3)
    for (int i = 0; i < 9; i++) wv[i] = _mm256_set1_ps(w[i]);
  const __m256 vb = _mm256_set1_ps(bias), lo = _mm256_set1_ps(p->lo), hi = _mm256_set1_ps(p->hi);
  /* Per tap x: the phase plane and column offset it reads. */
  size_t col_off[16], phase_off[16];
  for (size_t x = 0; x < KW && x < 16; x++) {
    const size_t cx = x * p->dilation_w;
    col_off[x] = cx / l->s;
    phase_off[x] = (cx % l->s) * l->ph * l->pwq;
  }
  for (size_t oh = 0; oh < p->out_h; oh++) {
    const float *rows = scratch + oh * p->stride_h * l->pwq;
    for (size_t ow = 0; ow < p->out_w; ow += 8) {
      const size_t n = p->out_w - ow < 8 ? p->out_w - ow : 8;
      const __m256i m = _mm256_loadu_si256((const __m256i *)(mask_table + 8 - n));
      __m256 acc = vb;
      for (size_t y = 0; y < KH; y++) {
        const float *r = rows + y * p->dilation_h * l->pwq + ow;
        for (size_t x = 0; x < KW; x++) {
          const __m256 wt = k3 ? wv[y * 3 + x] : _mm256_set1_ps(w[y * KW + x]);
          acc = _mm256_fmadd_ps(wt, _mm256_maskload_ps(r + phase_off[x] + col_off[x], m), acc);
        }
      }
      if (residual) acc = _mm256_add_ps(acc, _mm256_maskload_ps(residual + oh * p->out_w + ow, m));
      acc = _mm256_min_ps(_mm256_max_ps(acc, lo), hi);
      _mm256_maskstore_ps(dst + oh * p->out_w + ow, m, acc);
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
