/* Winograd F(2x2, 3x3) input and output transforms on NCHW16c vectors
 * (contract in kernels/generic/f32_kernels.h): 16 channels per zmm, only
 * adds and subtracts (B^T and A^T of F(2, 3) hold 0 and +-1). */
#include <immintrin.h>
#include <math.h>

#include "kernels/x86/avx512/avx512_kernels.h"

/* B^T applied to four vectors: t0 = d0 - d2, t1 = d1 + d2, t2 = d2 - d1,
 * t3 = d1 - d3. */
#define BT(d0, d1, d2, d3, t0, t1, t2, t3) \
  do {                                     \
    t0 = _mm512_sub_ps(d0, d2);            \
    t1 = _mm512_add_ps(d1, d2);            \
    t2 = _mm512_sub_ps(d2, d1);            \
    t3 = _mm512_sub_ps(d1, d3);            \
  } while (0)

void oar_f32_wino23_in__avx512(const float *src, size_t row_stride, size_t n, float *dst, size_t xi_stride) {
  for (size_t j = 0; j < n; j++, src += 32, dst += 16) {
    __m512 t[4][4]; /* B^T d: rows combined, per column */
    for (int c = 0; c < 4; c++) {
      const float *col = src + c * 16;
      const __m512 d0 = _mm512_loadu_ps(col), d1 = _mm512_loadu_ps(col + row_stride);
      const __m512 d2 = _mm512_loadu_ps(col + 2 * row_stride), d3 = _mm512_loadu_ps(col + 3 * row_stride);
      BT(d0, d1, d2, d3, t[0][c], t[1][c], t[2][c], t[3][c]);
    }
    for (int r = 0; r < 4; r++) {
      __m512 v0, v1, v2, v3;
      BT(t[r][0], t[r][1], t[r][2], t[r][3], v0, v1, v2, v3);
      _mm512_storeu_ps(dst + (4 * r + 0) * xi_stride, v0);
      _mm512_storeu_ps(dst + (4 * r + 1) * xi_stride, v1);
      _mm512_storeu_ps(dst + (4 * r + 2) * xi_stride, v2);
      _mm512_storeu_ps(dst + (4 * r + 3) * xi_stride, v3);
    }
  }
}

void oar_f32_wino23_out__avx512(const float *m, size_t xi_stride, size_t n, const float *bias,
                                const float *res, size_t res_row_stride, float lo, float hi, float *dst,
                                size_t dst_row_stride) {
  const __m512 b = bias ? _mm512_loadu_ps(bias) : _mm512_setzero_ps();
  const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
  const int clamp = lo != -INFINITY || hi != INFINITY;
  for (size_t j = 0; j < n; j++, m += 16) {
    /* A^T m: s0 = m0 + m1 + m2, s1 = m1 - m2 - m3 (rows), per column. */
    __m512 s[2][4];
    for (int c = 0; c < 4; c++) {
      const __m512 m0 = _mm512_loadu_ps(m + (0 + c) * xi_stride),
                   m1 = _mm512_loadu_ps(m + (4 + c) * xi_stride);
      const __m512 m2 = _mm512_loadu_ps(m + (8 + c) * xi_stride),
                   m3 = _mm512_loadu_ps(m + (12 + c) * xi_stride);
      s[0][c] = _mm512_add_ps(_mm512_add_ps(m0, m1), m2);
      s[1][c] = _mm512_sub_ps(_mm512_sub_ps(m1, m2), m3);
    }
    for (int r = 0; r < 2; r++) {
      __m512 y0 = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(s[r][0], s[r][1]), s[r][2]), b);
      __m512 y1 = _mm512_add_ps(_mm512_sub_ps(_mm512_sub_ps(s[r][1], s[r][2]), s[r][3]), b);
      if (res) {
        const float *rr = res + j * 32 + r * res_row_stride;
        y0 = _mm512_add_ps(y0, _mm512_loadu_ps(rr));
        y1 = _mm512_add_ps(y1, _mm512_loadu_ps(rr + 16));
      }
      if (clamp) {
        y0 = _mm512_min_ps(_mm512_max_ps(y0, vlo), vhi);
        y1 = _mm512_min_ps(_mm512_max_ps(y1, vlo), vhi);
      }
      float *d = dst + j * 32 + r * dst_row_stride;
      _mm512_storeu_ps(d, y0);
      _mm512_storeu_ps(d + 16, y1);
    }
  }
}
