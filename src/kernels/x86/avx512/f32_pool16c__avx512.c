/* Pooling on NCHW16c planes, AVX-512 (contract in
 * kernels/generic/f32_kernels.h): one zmm is one pixel's 16 channels, so
 * a window is a run of vector max / add over its pixels, in the order the
 * reference walks them (rows, then columns), and the result equals
 * oar_ref_pool2d_f32 bit for bit: _mm512_max_ps(acc, v) is exactly the
 * reference's `acc > v ? acc : v` (the second operand when unordered or
 * equal: NaN and signed-zero handling included), and the average divides
 * by the same float divisor.
 *
 * Up to 4 planes go together so that the 4 accumulation chains overlap
 * (a global average pool is one long chain per plane otherwise). */
#include <float.h>
#include <immintrin.h>

#include "kernels/x86/avx512/avx512_kernels.h"

#define GROUP 4

static inline __attribute__((always_inline)) void pool_group(const int ng, const oar_pool2d_params *p,
                                                             const float *src, float *dst) {
  const size_t in_plane = (size_t)(p->in_h * p->in_w) * 16, out_plane = (size_t)(p->out_h * p->out_w) * 16;
  for (int64_t oh = 0; oh < p->out_h; oh++) {
    const oar_pool_window wh =
        oar_pool_window_at(oh, p->in_h, p->out_h, p->kernel_h, p->stride_h, p->pad_top, p->adaptive);
    for (int64_t ow = 0; ow < p->out_w; ow++) {
      const oar_pool_window ww =
          oar_pool_window_at(ow, p->in_w, p->out_w, p->kernel_w, p->stride_w, p->pad_left, p->adaptive);
      __m512 acc[GROUP];
      const __m512 init = p->is_max ? _mm512_set1_ps(-FLT_MAX) : _mm512_setzero_ps();
#pragma GCC unroll 4
      for (int g = 0; g < ng; g++) acc[g] = init;
      for (int64_t h = wh.start; h < wh.end; h++) {
        const float *row = src + (size_t)(h * p->in_w) * 16;
        if (p->is_max) {
          for (int64_t w = ww.start; w < ww.end; w++) {
#pragma GCC unroll 4
            for (int g = 0; g < ng; g++)
              acc[g] = _mm512_max_ps(acc[g], _mm512_loadu_ps(row + g * in_plane + (size_t)w * 16));
          }
        } else {
          for (int64_t w = ww.start; w < ww.end; w++) {
#pragma GCC unroll 4
            for (int g = 0; g < ng; g++)
              acc[g] = _mm512_add_ps(acc[g], _mm512_loadu_ps(row + g * in_plane + (size_t)w * 16));
          }
        }
      }
      if (!p->is_max) {
        const int64_t divisor =
            p->exclusive || p->adaptive ? (wh.end - wh.start) * (ww.end - ww.start) : wh.span * ww.span;
        const __m512 d = _mm512_set1_ps((float)divisor);
#pragma GCC unroll 4
        for (int g = 0; g < ng; g++) acc[g] = _mm512_div_ps(acc[g], d);
      }
      float *o = dst + (size_t)(oh * p->out_w + ow) * 16;
#pragma GCC unroll 4
      for (int g = 0; g < ng; g++) _mm512_storeu_ps(o + g * out_plane, acc[g]);
    }
  }
}

void oar_f32_pool16c__avx512(const oar_pool2d_params *p, const float *src, float *dst, size_t planes) {
  const size_t in_plane = (size_t)(p->in_h * p->in_w) * 16, out_plane = (size_t)(p->out_h * p->out_w) * 16;
  size_t i = 0;
  for (; i + GROUP <= planes; i += GROUP) pool_group(GROUP, p, src + i * in_plane, dst + i * out_plane);
  for (; i < planes; i++) pool_group(1, p, src + i * in_plane, dst + i * out_plane);
}
