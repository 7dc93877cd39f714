/* Kernels of the AVX2 level (this folder alone is compiled with -mavx2
 * -mfma -mf16c). */
#ifndef OAR_KERNELS_X86_AVX2_KERNELS_H
#define OAR_KERNELS_X86_AVX2_KERNELS_H

#include "kernels/generic/f32_kernels.h"

void oar_f32_gemm_6x16__avx2(size_t mr, size_t nr, size_t kc, const float *a, const float *b, size_t ldb,
                             float *c, size_t ldc, unsigned flags, const oar_gemm_tile_epi *e);
void oar_f32_gemv__avx2(size_t m, size_t k, const float *a, size_t lda, const float *x, const float *bias,
                        const float *residual, float lo, float hi, float *y);
void oar_f32_act__avx2(const oar_act_params *p, const float *src, float *dst, size_t n);
void oar_f32_dwconv__avx2(const oar_dwconv_plane *p, const float *src, const float *w, float bias,
                          const float *residual, float *dst, float *scratch);
void oar_f32_softmax__avx2(const float *src, float *dst, size_t n, size_t stride, size_t cols, bool take_log);
void oar_f32_affine__avx2(const float *src, float s, float b, float *dst, size_t n);
void oar_f32_rnn_cell__avx2(const oar_rnn_cell_args *a);
void oar_f32_maxpool2d__avx2(const oar_pool2d_params *p, const float *src, float *dst);
void oar_f32_binary__avx2(oar_fast_binary op, const float *x, const float *y, int y_scalar, float *dst,
                          size_t n);

#endif
