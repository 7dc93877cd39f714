/* NCHW max pooling, AVX-512: 16 outputs of a row per vector, every tap a
 * masked load (stride 1) or two masked loads and an even-lane permute
 * (stride 2) of an input row, the lanes whose tap falls in the padding
 * left out. Taps are visited in the reference's order (window rows, then
 * columns) and combined with vmaxps(acc, v) = acc > v ? acc : v, the
 * reference's comparison: outputs equal oar_ref_pool2d_f32 bit for bit,
 * NaNs and signed zeros included. Other strides, adaptive windows and
 * NHWC, and windows wider than 16 go to the reference. */
#include <float.h>
#include <immintrin.h>
#include <stdint.h>

#include "kernels/generic/maxpool_planes_impl.h"
#include "kernels/x86/avx512/avx512_kernels.h"

enum { MAX_KW = 16 };

static inline __mmask16 lanes(int64_t lo, int64_t hi) {
  if (lo < 0) lo = 0;
  if (hi > 16) hi = 16;
  if (hi <= lo) return 0;
  return (__mmask16)(((1u << (hi - lo)) - 1u) << lo);
}

/* row + off for an offset that may fall outside the row: only the lanes
 * inside it are loaded (masked loads do not touch the others). */
static inline const float *at(const float *row, int64_t off) {
  return (const float *)(uintptr_t)((uintptr_t)row + (uintptr_t)(off * (int64_t)sizeof(float)));
}

static inline __attribute__((always_inline)) void plane(const oar_pool2d_params *p, const int64_t SW,
                                                        const float *x, float *y) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const int64_t IH = p->in_h, IW = p->in_w, KH = p->kernel_h, KW = p->kernel_w;
  for (int64_t oh = 0; oh < p->out_h; oh++) {
    const int64_t start = oh * p->stride_h - p->pad_top;
    int64_t end = start + KH < IH + p->pad_top ? start + KH : IH + p->pad_top;
    const int64_t h0 = start < 0 ? 0 : start, h1 = end > IH ? IH : end;
    for (int64_t ow = 0; ow < p->out_w; ow += 16) {
      const __mmask16 out = lanes(0, p->out_w - ow);
      const int64_t c0 = ow * SW - p->pad_left; /* input column of lane 0, tap 0 */
      /* Per tap column: the lanes inside the image, worked out once for
       * all the window's rows. */
      __mmask16 m[MAX_KW], l0[MAX_KW], l1[MAX_KW];
      for (int64_t kx = 0; kx < KW; kx++) {
        const int64_t c = c0 + kx;
        if (SW == 1) {
          m[kx] = lanes(-c, IW - c) & out;
        } else {
          l0[kx] = lanes(-c, IW - c);
          l1[kx] = lanes(-c - 16, IW - c - 16);
          /* Output lane i is valid when 0 <= c + 2i < IW. */
          m[kx] = lanes((-c + 1) / 2, (IW - c + 1) / 2) & out;
        }
      }
      __m512 acc = _mm512_set1_ps(-FLT_MAX);
      for (int64_t h = h0; h < h1; h++) {
        const float *row = x + h * IW;
        for (int64_t kx = 0; kx < KW; kx++) {
          const int64_t c = c0 + kx;
          if (SW == 1) {
            acc = _mm512_mask_max_ps(acc, m[kx], acc, _mm512_maskz_loadu_ps(m[kx], at(row, c)));
          } else {
            /* Lane i reads column c + 2i: the even lanes of the 32
             * columns from c. */
            const __m512 v0 = _mm512_maskz_loadu_ps(l0[kx], at(row, c));
            const __m512 v1 = _mm512_maskz_loadu_ps(l1[kx], at(row, c + 16));
            acc = _mm512_mask_max_ps(acc, m[kx], acc, _mm512_permutex2var_ps(v0, even, v1));
          }
        }
      }
      _mm512_mask_storeu_ps(y + oh * p->out_w + ow, out, acc);
    }
  }
}

OAR_MAXPOOL_PLANES(oar_f32_maxpool2d__avx512, plane, MAX_KW)
