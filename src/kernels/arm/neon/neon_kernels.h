/* Kernels of the NEON level (aarch64 only: this folder is compiled for
 * aarch64 targets and left out elsewhere). Advanced SIMD is part of the
 * aarch64 base ISA, so no extra compiler flag is needed. */
#ifndef OAR_KERNELS_ARM_NEON_KERNELS_H
#define OAR_KERNELS_ARM_NEON_KERNELS_H

#include "kernels/generic/f32_kernels.h"

void oar_f32_gemm_8x8__neon(size_t mr, size_t nr, size_t kc, const float *a, const float *b, size_t ldb,
                            float *c, size_t ldc, unsigned flags, const oar_gemm_tile_epi *e);
void oar_f32_gemv__neon(size_t m, size_t k, const float *a, size_t lda, const float *x, const float *bias,
                        const float *residual, float lo, float hi, float *y);
void oar_f32_affine__neon(const float *src, float s, float b, float *dst, size_t n);
void oar_f32_binary__neon(oar_fast_binary op, const float *x, const float *y, int y_scalar, float *dst,
                          size_t n);
void oar_f32_softmax__neon(const float *src, float *dst, size_t n, size_t stride, size_t cols, bool take_log);

#endif
