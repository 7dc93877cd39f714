/* NCHW max pooling, AVX2: 8 outputs of a row per vector, every tap a
 * masked load (stride 1) or two masked loads and an even-lane shuffle
 * (stride 2) of an input row, the lanes whose tap falls in the padding
 * left out. Taps are visited in the reference's order (window rows, then
 * columns) and combined with vmaxps(acc, v) = acc > v ? acc : v, the
 * reference's comparison, blended in only on the lanes the tap covers:
 * outputs equal oar_ref_pool2d_f32 bit for bit, NaNs and signed zeros
 * included. Other strides, adaptive windows and NHWC, and windows wider
 * than 16 go to the reference. */
#include <float.h>
#include <immintrin.h>
#include <stdint.h>

#include "kernels/generic/maxpool_planes_impl.h"
#include "kernels/x86/avx2/avx2_kernels.h"

enum { MAX_KW = 16 };

/* All-ones in lanes [lo, hi) of 8, zero elsewhere. */
static inline __m256i lanes(int64_t lo, int64_t hi) {
  if (lo < 0) lo = 0;
  if (hi > 8) hi = 8;
  if (hi <= lo) return _mm256_setzero_si256();
  const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_and_si256(_mm256_cmpgt_epi32(idx, _mm256_set1_epi32((int)lo - 1)),
                          _mm256_cmpgt_epi32(_mm256_set1_epi32((int)hi), idx));
}

/* row + off for an offset that may fall outside the row: only the lanes
 * inside it are loaded (vmaskmovps does not touch the others). */
static inline const float *at(const float *row, int64_t off) {
  return (const float *)(uintptr_t)((uintptr_t)row + (uintptr_t)(off * (int64_t)sizeof(float)));
}

static inline __attribute__((always_inline)) void plane(const oar_pool2d_params *p, const int64_t SW,
                                                        const float *x, float *y) {
  const int64_t IH = p->in_h, IW = p->in_w, KH = p->kernel_h, KW = p->kernel_w;
  for (int64_t oh = 0; oh < p->out_h; oh++) {
    const int64_t start = oh * p->stride_h - p->pad_top;
    int64_t end = start + KH < IH + p->pad_top ? start + KH : IH + p->pad_top;
    const int64_t h0 = start < 0 ? 0 : start, h1 = end > IH ? IH : end;
    for (int64_t ow = 0; ow < p->out_w; ow += 8) {
      const __m256i out = lanes(0, p->out_w - ow);
      const int64_t c0 = ow * SW - p->pad_left; /* input column of lane 0, tap 0 */
      /* Per tap column: the lanes inside the image, worked out once for
       * all the window's rows. */
      __m256i m[MAX_KW], l0[MAX_KW], l1[MAX_KW];
      for (int64_t kx = 0; kx < KW; kx++) {
        const int64_t c = c0 + kx;
        if (SW == 1) {
          m[kx] = _mm256_and_si256(lanes(-c, IW - c), out);
        } else {
          l0[kx] = lanes(-c, IW - c);
          l1[kx] = lanes(-c - 8, IW - c - 8);
          /* Output lane i is valid when 0 <= c + 2i < IW. */
          m[kx] = _mm256_and_si256(lanes((-c + 1) / 2, (IW - c + 1) / 2), out);
        }
      }
      __m256 acc = _mm256_set1_ps(-FLT_MAX);
      for (int64_t h = h0; h < h1; h++) {
        const float *row = x + h * IW;
        for (int64_t kx = 0; kx < KW; kx++) {
          const int64_t c = c0 + kx;
          __m256 v;
          if (SW == 1) {
            v = _mm256_maskload_ps(at(row, c), m[kx]);
          } else {
            /* Lane i reads column c + 2i: the even lanes of the 16
             * columns from c, in order. */
            const __m256 v0 = _mm256_maskload_ps(at(row, c), l0[kx]);
            const __m256 v1 = _mm256_maskload_ps(at(row, c + 8), l1[kx]);
            const __m256 evens = _mm256_shuffle_ps(v0, v1, _MM_SHUFFLE(2, 0, 2, 0));
            v = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(evens), _MM_SHUFFLE(3, 1, 2, 0)));
          }
          acc = _mm256_blendv_ps(acc, _mm256_max_ps(acc, v), _mm256_castsi256_ps(m[kx]));
        }
      }
      _mm256_maskstore_ps(y + oh * p->out_w + ow, out, acc);
    }
  }
}

OAR_MAXPOOL_PLANES(oar_f32_maxpool2d__avx2, plane, MAX_KW)
