#include "kernels/generic/f32_transpose.h"

#include <string.h>

enum { T = 16 };

void oar_f32_transpose_2d(const float *src, size_t ld_src, size_t rows, size_t cols, float *dst,
                          size_t ld_dst) {
  for (size_t i0 = 0; i0 < rows; i0 += T) {
    const size_t ni = rows - i0 < T ? rows - i0 : T;
    for (size_t j0 = 0; j0 < cols; j0 += T) {
      const size_t nj = cols - j0 < T ? cols - j0 : T;
      const float *s = src + i0 * ld_src + j0;
      float *d = dst + j0 * ld_dst + i0;
      if (ni == T && nj == T) {
        /* Fixed trip counts: the compiler unrolls and vectorizes. */
        for (size_t j = 0; j < T; j++)
          for (size_t i = 0; i < T; i++) d[j * ld_dst + i] = s[i * ld_src + j];
      } else {
        for (size_t j = 0; j < nj; j++)
          for (size_t i = 0; i < ni; i++) d[j * ld_dst + i] = s[i * ld_src + j];
      }
    }
  }
}

void oar_f32_to_blocked16(const float *src, size_t hw, size_t lanes, float *dst, size_t p0, size_t p1) {
  if (p1 <= p0) return;
  oar_f32_transpose_2d(src + p0, hw, lanes, p1 - p0, dst + p0 * 16, 16);
  if (lanes < 16)
    for (size_t p = p0; p < p1; p++) memset(dst + p * 16 + lanes, 0, (16 - lanes) * sizeof *dst);
}

void oar_f32_from_blocked16(const float *src, size_t hw, size_t lanes, float *dst, size_t p0, size_t p1) {
  if (p1 <= p0) return;
  oar_f32_transpose_2d(src + p0 * 16, 16, p1 - p0, lanes, dst + p0, hw);
}
