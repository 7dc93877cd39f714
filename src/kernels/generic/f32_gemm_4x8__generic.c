/* f32 GEMM microkernel, 4 rows x 8 columns, portable C (the fallback of
 * every host, and what OAR_ISA=generic runs). */
#include <math.h>

#include "kernels/generic/generic_kernels.h"

enum { MR = 4, NR = 8 };

void oar_f32_gemm_4x8__generic(size_t mr, size_t nr, size_t kc, const float *restrict a,
                               const float *restrict b, size_t ldb, float *restrict c, size_t ldc,
                               unsigned flags, const oar_gemm_tile_epi *e) {
  float acc[MR][NR];
  for (size_t r = 0; r < MR; r++) {
    for (size_t j = 0; j < NR; j++) {
      float v = 0.0f;
      if (r < mr && j < nr) {
        if (flags & OAR_GEMM_FIRST) {
          if (e->bias_row) v += e->bias_row[r];
          if (e->bias_col) v += e->bias_col[j];
        } else {
          v = c[r * ldc + j];
        }
      }
      acc[r][j] = v;
    }
  }
  if (nr == NR) {
    for (size_t k = 0; k < kc; k++) {
      for (size_t r = 0; r < MR; r++)
        for (size_t j = 0; j < NR; j++) acc[r][j] += a[r] * b[j];
      a += MR;
      b += ldb;
    }
  } else {
    /* Columns past nr may lie past the end of an unpacked B. */
    for (size_t k = 0; k < kc; k++) {
      for (size_t r = 0; r < MR; r++)
        for (size_t j = 0; j < nr; j++) acc[r][j] += a[r] * b[j];
      a += MR;
      b += ldb;
    }
  }
  for (size_t r = 0; r < mr; r++) {
    for (size_t j = 0; j < nr; j++) {
      float v = acc[r][j];
      if (flags & OAR_GEMM_LAST) {
        if (e->residual) v += e->residual[r * e->ldr + j];
        v = v > e->lo ? v : e->lo;
        v = v < e->hi ? v : e->hi;
      }
      c[r * ldc + j] = v;
    }
  }
}
