/* Kernels of the AVX-512 level (this folder alone is compiled with
 * -mavx512f -mavx512dq -mavx512bw -mavx512vl -mavx2 -mfma -mf16c). */
#ifndef OAR_KERNELS_X86_AVX512_KERNELS_H
#define OAR_KERNELS_X86_AVX512_KERNELS_H

#include "kernels/generic/f32_kernels.h"

void oar_f32_gemm_12x32__avx512(size_t mr, size_t nr, size_t kc, const float *a, const float *b, size_t ldb,
                                float *c, size_t ldc, unsigned flags, const oar_gemm_tile_epi *e);
void oar_f32_gemv__avx512(size_t m, size_t k, const float *a, size_t lda, const float *x, const float *bias,
                          const float *residual, float lo, float hi, float *y);
void oar_f32_act__avx512(const oar_act_params *p, const float *src, float *dst, size_t n);
void oar_f32_dwconv__avx512(const oar_dwconv_plane *p, const float *src, const float *w, float bias,
                            const float *residual, float *dst, float *scratch);
void oar_f32_maxpool2d__avx512(const oar_pool2d_params *p, const float *src, float *dst);
void oar_f32_conv16c__avx512(size_t fc, size_t npx, const oar_conv16c_tile *t);
void oar_f32_dwconv16c__avx512(const oar_dwconv16c_seg *s);
void oar_f32_wino23_in__avx512(const float *src, size_t row_stride, size_t n, float *dst, size_t xi_stride);
void oar_f32_wino23_out__avx512(const float *m, size_t xi_stride, size_t n, const float *bias,
                                const float *res, size_t res_row_stride, float lo, float hi, float *dst,
                                size_t dst_row_stride);
void oar_f32_pool16c__avx512(const oar_pool2d_params *p, const float *src, float *dst, size_t planes);
/* Softmax (log_softmax) of one contiguous vector, with intrinsics (f32_vact__avx512.c). */
void oar_f32_softmax_row__avx512(const float *src, float *dst, size_t n, bool take_log);
void oar_f32_softmax__avx512(const float *src, float *dst, size_t n, size_t stride, size_t cols,
                             bool take_log);
void oar_f32_affine__avx512(const float *src, float s, float b, float *dst, size_t n);
void oar_f32_rnn_cell__avx512(const oar_rnn_cell_args *a);
void oar_f32_binary__avx512(oar_fast_binary op, const float *x, const float *y, int y_scalar, float *dst,
                            size_t n);

#endif
