#include "kernels/ref/matmul.h"

void oar_ref_gemm_f32(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                      const float *a, int64_t lda, const float *b, int64_t ldb, float *c, int64_t ldc) {
  /* Element (i, kk) of op(A) and (kk, j) of op(B) as strides. */
  const int64_t a_i = trans_a ? 1 : lda, a_k = trans_a ? lda : 1;
  const int64_t b_k = trans_b ? 1 : ldb, b_j = trans_b ? ldb : 1;
  for (int64_t i = 0; i < m; i++) {
    for (int64_t j = 0; j < n; j++) {
      float acc = 0.0f;
      for (int64_t kk = 0; kk < k; kk++) acc += a[i * a_i + kk * a_k] * b[kk * b_k + j * b_j];
      c[i * ldc + j] = alpha * acc;
    }
  }
}

void oar_ref_matmul_f32(const oar_matmul_params *p, const float *x, const float *y, float *dst) {
  int64_t batches = 1;
  for (int d = 0; d < p->batch_rank; d++) batches *= p->batch_dims[d];
  const int64_t lda = p->trans_x ? p->m : p->k;
  const int64_t ldb = p->trans_y ? p->k : p->n;
  int64_t idx[OAR_MAX_RANK] = {0};
  for (int64_t bi = 0; bi < batches; bi++) {
    int64_t xo = 0, yo = 0;
    for (int d = 0; d < p->batch_rank; d++) {
      xo += idx[d] * p->x_batch_strides[d];
      yo += idx[d] * p->y_batch_strides[d];
    }
    oar_ref_gemm_f32(p->trans_x, p->trans_y, p->m, p->n, p->k, p->alpha, x + xo, lda, y + yo, ldb,
                     dst + bi * p->m * p->n, p->n);
    for (int d = p->batch_rank - 1; d >= 0; d--) {
      if (++idx[d] < p->batch_dims[d]) break;
      idx[d] = 0;
    }
  }
}

void oar_ref_fc_f32(int64_t m, int64_t n, int64_t k, const float *src, const float *w, int64_t ldw,
                    const float *bias, bool relu, float *dst) {
  oar_ref_gemm_f32(false, false, m, n, k, 1.0f, src, k, w, ldw, dst, n);
  for (int64_t i = 0; i < m; i++) {
    float *row = dst + i * n;
    if (bias)
      for (int64_t j = 0; j < n; j++) row[j] += bias[j];
    if (relu)
      for (int64_t j = 0; j < n; j++) row[j] = row[j] > 0.0f ? row[j] : 0.0f;
  }
}

void oar_ref_matmul_q8(int64_t m, int64_t n, int64_t k, const void *x, bool x_signed, int32_t x_zero,
                       float x_scale, const int8_t *w, const float *w_scale, bool per_column,
                       const float *bias, float *dst) {
  const uint8_t *xu = x;
  const int8_t *xs = x;
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++) {
      int64_t acc = 0;
      for (int64_t t = 0; t < k; t++) {
        const int32_t v = x_signed ? (int32_t)xs[i * k + t] : (int32_t)xu[i * k + t];
        acc += (int64_t)(v - x_zero) * w[t * n + j];
      }
      float y = (float)acc * (x_scale * w_scale[per_column ? j : 0]);
      if (bias) y += bias[j];
      dst[i * n + j] = y;
    }
}
