/* Kernels of the AVX512-BF16 level (this folder alone is compiled with
 * -mavx512bf16 on top of the avx512 flags; they run only where
 * oar_cpu_bf16_active says so). */
#ifndef OAR_KERNELS_X86_AVX512BF16_KERNELS_H
#define OAR_KERNELS_X86_AVX512BF16_KERNELS_H

#include "kernels/generic/bf16_kernels.h"

void oar_bf16_gemm_12x32__avx512bf16(size_t mr, size_t nr, size_t kp, const uint32_t *a, const uint32_t *b,
                                     float *c, size_t ldc, unsigned flags, const oar_gemm_tile_epi *e);
void oar_bf16_pair_panel__avx512bf16(const float *src, size_t kc, size_t r, uint32_t *dst);
void oar_bf16_convert__avx512bf16(const float *src, uint16_t *dst, size_t n);
void oar_bf16_conv16c__avx512bf16(size_t fc, size_t npx, const oar_conv16c_tile *t);

#endif
