/* f32 GEMM microkernel, 8 rows x 8 columns, aarch64 NEON: 16 q-register
 * accumulators (two per row), one packed A step (8 floats, two registers)
 * and one B row (8 floats) per k, multiplied with fused multiply-adds by
 * lane. Reference twin: oar_f32_gemm_4x8__generic / the reference matmul
 * (tests/unit/test_gemm.c sweeps both on shapes around the tile edges). */
#include <arm_neon.h>

#include "kernels/arm/neon/neon_kernels.h"

enum { MR = 8, NR = 8 };

/* acc[2r], acc[2r+1]: columns 0-3 and 4-7 of row r. */
static inline void step(float32x4_t acc[2 * MR], const float *a, float32x4_t b0, float32x4_t b1) {
  const float32x4_t a0 = vld1q_f32(a), a1 = vld1q_f32(a + 4);
  acc[0] = vfmaq_laneq_f32(acc[0], b0, a0, 0);
  acc[1] = vfmaq_laneq_f32(acc[1], b1, a0, 0);
  acc[2] = vfmaq_laneq_f32(acc[2], b0, a0, 1);
  acc[3] = vfmaq_laneq_f32(acc[3], b1, a0, 1);
  acc[4] = vfmaq_laneq_f32(acc[4], b0, a0, 2);
  acc[5] = vfmaq_laneq_f32(acc[5], b1, a0, 2);
  acc[6] = vfmaq_laneq_f32(acc[6], b0, a0, 3);
  acc[7] = vfmaq_laneq_f32(acc[7], b1, a0, 3);
  acc[8] = vfmaq_laneq_f32(acc[8], b0, a1, 0);
  acc[9] = vfmaq_laneq_f32(acc[9], b1, a1, 0);
  acc[10] = vfmaq_laneq_f32(acc[10], b0, a1, 1);
  acc[11] = vfmaq_laneq_f32(acc[11], b1, a1, 1);
  acc[12] = vfmaq_laneq_f32(acc[12], b0, a1, 2);
  acc[13] = vfmaq_laneq_f32(acc[13], b1, a1, 2);
  acc[14] = vfmaq_laneq_f32(acc[14], b0, a1, 3);
  acc[15] = vfmaq_laneq_f32(acc[15], b1, a1, 3);
}

void oar_f32_gemm_8x8__neon(size_t mr, size_t nr, size_t kc, const float *restrict a, const float *restrict b,
                            size_t ldb, float *restrict c, size_t ldc, unsigned flags,
                            const oar_gemm_tile_epi *e) {
  const int full = mr == MR && nr == NR;
  float32x4_t acc[2 * MR];
  if (flags & OAR_GEMM_FIRST) {
    float32x4_t col0 = vdupq_n_f32(0.0f), col1 = vdupq_n_f32(0.0f);
    if (e->bias_col) {
      float t[NR] = {0};
      for (size_t j = 0; j < nr; j++) t[j] = e->bias_col[j];
      col0 = vld1q_f32(t);
      col1 = vld1q_f32(t + 4);
    }
    for (size_t r = 0; r < MR; r++) {
      const float32x4_t row = vdupq_n_f32(e->bias_row && r < mr ? e->bias_row[r] : 0.0f);
      acc[2 * r] = vaddq_f32(col0, row);
      acc[2 * r + 1] = vaddq_f32(col1, row);
    }
  } else if (full) {
    for (size_t r = 0; r < MR; r++) {
      acc[2 * r] = vld1q_f32(c + r * ldc);
      acc[2 * r + 1] = vld1q_f32(c + r * ldc + 4);
    }
  } else {
    float t[MR][NR] = {{0}};
    for (size_t r = 0; r < mr; r++)
      for (size_t j = 0; j < nr; j++) t[r][j] = c[r * ldc + j];
    for (size_t r = 0; r < MR; r++) {
      acc[2 * r] = vld1q_f32(t[r]);
      acc[2 * r + 1] = vld1q_f32(t[r] + 4);
    }
  }

  if (nr == NR) {
    size_t k = 0;
    for (; k + 2 <= kc; k += 2) {
      step(acc, a, vld1q_f32(b), vld1q_f32(b + 4));
      step(acc, a + MR, vld1q_f32(b + ldb), vld1q_f32(b + ldb + 4));
      a += 2 * MR;
      b += 2 * ldb;
    }
    if (k < kc) step(acc, a, vld1q_f32(b), vld1q_f32(b + 4));
  } else {
    /* Columns past nr may lie past the end of an unpacked B: copy each
     * row's first nr floats into a zero-padded row. */
    float t[NR] = {0};
    for (size_t k = 0; k < kc; k++) {
      for (size_t j = 0; j < nr; j++) t[j] = b[j];
      step(acc, a, vld1q_f32(t), vld1q_f32(t + 4));
      a += MR;
      b += ldb;
    }
  }

  if (flags & OAR_GEMM_LAST) {
    const float32x4_t lo = vdupq_n_f32(e->lo), hi = vdupq_n_f32(e->hi);
    for (size_t r = 0; r < MR; r++) {
      if (e->residual && r < mr) {
        const float *res = e->residual + r * e->ldr;
        float t[NR] = {0};
        if (nr == NR) {
          acc[2 * r] = vaddq_f32(acc[2 * r], vld1q_f32(res));
          acc[2 * r + 1] = vaddq_f32(acc[2 * r + 1], vld1q_f32(res + 4));
        } else {
          for (size_t j = 0; j < nr; j++) t[j] = res[j];
          acc[2 * r] = vaddq_f32(acc[2 * r], vld1q_f32(t));
          acc[2 * r + 1] = vaddq_f32(acc[2 * r + 1], vld1q_f32(t + 4));
        }
      }
      /* maxnm / minnm: a NaN becomes the bound, as in the generic kernel
       * (v > lo ? v : lo) and the x86 ones (max_ps(v, lo)). */
      acc[2 * r] = vminnmq_f32(vmaxnmq_f32(acc[2 * r], lo), hi);
      acc[2 * r + 1] = vminnmq_f32(vmaxnmq_f32(acc[2 * r + 1], lo), hi);
    }
  }

  if (full) {
    for (size_t r = 0; r < MR; r++) {
      vst1q_f32(c + r * ldc, acc[2 * r]);
      vst1q_f32(c + r * ldc + 4, acc[2 * r + 1]);
    }
  } else {
    for (size_t r = 0; r < mr; r++) {
      float t[NR];
      vst1q_f32(t, acc[2 * r]);
      vst1q_f32(t + 4, acc[2 * r + 1]);
      for (size_t j = 0; j < nr; j++) c[r * ldc + j] = t[j];
    }
  }
}
