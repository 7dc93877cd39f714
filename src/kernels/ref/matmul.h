/* Reference matrix products: a plain GEMM and the batched, broadcasting
 * matmul built on it. Accumulation is in float, in k order. */
#ifndef OAR_KERNELS_REF_MATMUL_H
#define OAR_KERNELS_REF_MATMUL_H

#include <stdbool.h>
#include <stdint.h>

#include "tensor/tensor.h"

/* c[i*ldc + j] = alpha * sum_k A(i,k) * B(k,j) for i < m, j < n, where
 * A(i,k) = trans_a ? a[k*lda + i] : a[i*lda + k] and likewise for B.
 * (No beta: c is overwritten.) */
void oar_ref_gemm_f32(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                      const float *a, int64_t lda, const float *b, int64_t ldb, float *c, int64_t ldc);

/* Batched matmul: dst is [batch dims..., m, n], contiguous. Each batch
 * index picks its x matrix at sum(index[d] * x_batch_strides[d]) elements
 * (0 strides broadcast) and likewise for y. x holds [m, k] matrices (or
 * [k, m] when trans_x), y [k, n] (or [n, k] when trans_y). */
typedef struct oar_matmul_params {
  int64_t m, n, k;
  bool trans_x, trans_y;
  float alpha;
  int batch_rank; /* 0..OAR_MAX_RANK */
  int64_t batch_dims[OAR_MAX_RANK];
  int64_t x_batch_strides[OAR_MAX_RANK];
  int64_t y_batch_strides[OAR_MAX_RANK];
} oar_matmul_params;

void oar_ref_matmul_f32(const oar_matmul_params *p, const float *x, const float *y, float *dst);

/* Fully connected: dst[m, n] = src[m, k] * w[k, n] (row stride ldw >= n)
 * + bias[n] (bias may be NULL), then max(., 0) when relu. */
void oar_ref_fc_f32(int64_t m, int64_t n, int64_t k, const float *src, const float *w, int64_t ldw,
                    const float *bias, bool relu, float *dst);

/* The quantized product (matmul_int8): sums exact in integers, then
 *   dst[m, n] = (float)sum_k (x[m, k] - x_zero) * w[k, n] * (x_scale * w_scale[n or 0]) + bias[n].
 * x is uint8 (x_signed false) or int8; bias may be NULL. */
void oar_ref_matmul_q8(int64_t m, int64_t n, int64_t k, const void *x, bool x_signed, int32_t x_zero,
                       float x_scale, const int8_t *w, const float *w_scale, bool per_column,
                       const float *bias, float *dst);

#endif
