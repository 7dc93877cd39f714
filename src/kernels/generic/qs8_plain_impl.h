/* Plain-C bodies of the int8 kernels, written so that compilers
 * vectorize them: kernels/generic/qgemm.c (the generic table, the
 * reference twin of the VNNI one) and the AVX2 folder include this file
 * once each and compile it with their own flags (QS8_PLAIN_TABLE makes
 * the table). Never include it from elsewhere. */
#ifndef OAR_KERNELS_GENERIC_QS8_PLAIN_IMPL_H
#define OAR_KERNELS_GENERIC_QS8_PLAIN_IMPL_H

#include <string.h>

#include "kernels/generic/qgemm.h"
#include "kernels/generic/qs8_dwconv_impl.h"
#include "kernels/generic/qs8_im2col_impl.h"

#define QS8_PLAIN_MR 4
#define QS8_PLAIN_NR 16

/* acc[r][j] += sum_t a[r][t] * b[j][t] over kg groups; the loop over the
 * 16 columns is the one that vectorizes. sa: a holds int8 (else uint8). */
static inline void plain_accumulate(size_t kg, const void *a, const void *b, bool sa,
                                    int32_t acc[QS8_PLAIN_MR][QS8_PLAIN_NR]) {
  const int8_t *as = a, *bs = b;
  const uint8_t *au = a, *bu = b;
  memset(acc, 0, sizeof(int32_t) * QS8_PLAIN_MR * QS8_PLAIN_NR);
  for (size_t g = 0; g < kg; g++)
    for (size_t r = 0; r < QS8_PLAIN_MR; r++) {
      const size_t ai = (g * QS8_PLAIN_MR + r) * 4, bi = g * QS8_PLAIN_NR * 4;
      int32_t w[4];
      for (int t = 0; t < 4; t++) w[t] = sa ? (int32_t)as[ai + t] : (int32_t)au[ai + t];
      int32_t *restrict row = acc[r];
      for (size_t j = 0; j < QS8_PLAIN_NR; j++) {
        const size_t o = bi + j * 4;
        if (sa)
          row[j] += w[0] * bu[o] + w[1] * bu[o + 1] + w[2] * bu[o + 2] + w[3] * bu[o + 3];
        else
          row[j] += w[0] * bs[o] + w[1] * bs[o + 1] + w[2] * bs[o + 2] + w[3] * bs[o + 3];
      }
    }
}

static void plain_gemm(size_t kg, const int8_t *a, const uint8_t *b, size_t rows, size_t cols, void *c,
                       size_t ldc, const oar_qgemm_tile_epilogue *e) {
  int32_t acc[QS8_PLAIN_MR][QS8_PLAIN_NR];
  plain_accumulate(kg, a, b, true, acc);
  for (size_t r = 0; r < rows; r++) {
    const float bias = e->bias ? e->bias[r] : 0.0f;
    for (size_t j = 0; j < cols; j++) {
      float y = (float)(acc[r][j] - e->corr[r]) * e->scale[r] + bias;
      if (e->residual) y += e->residual[r * e->ldr + j];
      y = y < e->lo ? e->lo : y > e->hi ? e->hi : y;
      if (e->out_inv_scale > 0) {
        const int32_t q = oar_q8_round_saturate(y * e->out_inv_scale, e->out_zero, e->out_signed);
        if (e->out_signed)
          ((int8_t *)c)[r * ldc + j] = (int8_t)q;
        else
          ((uint8_t *)c)[r * ldc + j] = (uint8_t)q;
      } else {
        ((float *)c)[r * ldc + j] = y;
      }
    }
  }
}

static void plain_gemm_cols(size_t kg, const uint8_t *a, const int8_t *b, size_t rows, size_t cols, float *c,
                            size_t ldc, const oar_qgemm_col_epilogue *e) {
  int32_t acc[QS8_PLAIN_MR][QS8_PLAIN_NR];
  plain_accumulate(kg, a, b, false, acc);
  for (size_t r = 0; r < rows; r++)
    for (size_t j = 0; j < cols; j++)
      c[r * ldc + j] = (float)(acc[r][j] - e->corr[j]) * e->scale[j] + (e->bias ? e->bias[j] : 0.0f);
}

static void plain_pack_b(const uint8_t *src, size_t ld, size_t k, size_t n0, size_t cols, uint8_t flip,
                         uint8_t *dst) {
  oar_qgemm_pack_b_generic(src, ld, k, n0, cols, QS8_PLAIN_NR, flip, dst);
}

static void plain_pack_rows(const uint8_t *x, size_t ldx, size_t m, size_t k, uint8_t flip, uint8_t *dst) {
  oar_qgemm_pack_rows_u8(x, ldx, m, k, QS8_PLAIN_MR, flip, dst);
}

static void plain_dwconv(const oar_q8_dw_geometry *g, const uint8_t *src, const int8_t *w,
                         const oar_q8_dw_channel *ch, void *dst, void *scratch) {
  qs8_dwconv_plane_impl(g, src, w, ch, dst, scratch);
}

static void plain_im2col(const oar_conv2d_params *p, const uint8_t *src, size_t channels, uint8_t pad,
                         uint8_t *dst) {
  qs8_im2col_impl(p, src, channels, pad, dst, qs8_strided_copy_plain);
}

static void plain_range(const float *x, size_t n, float *lo, float *hi) {
  float a = 0.0f, b = 0.0f;
  for (size_t i = 0; i < n; i++) {
    a = x[i] < a ? x[i] : a;
    b = x[i] > b ? x[i] : b;
  }
  *lo = a;
  *hi = b;
}

static void plain_quantize(const float *x, size_t n, float scale, int32_t zero, bool is_signed, void *y) {
  for (size_t i = 0; i < n; i++) {
    const int32_t q = oar_q8_requantize(x[i], scale, zero, is_signed);
    if (is_signed)
      ((int8_t *)y)[i] = (int8_t)q;
    else
      ((uint8_t *)y)[i] = (uint8_t)q;
  }
}

static void plain_dequantize(const void *x, size_t n, float scale, int32_t zero, bool is_signed, float *y) {
  for (size_t i = 0; i < n; i++) {
    const int32_t v = is_signed ? (int32_t)((const int8_t *)x)[i] : (int32_t)((const uint8_t *)x)[i];
    y[i] = (float)(v - zero) * scale;
  }
}

static inline float plain_dq_one(const void *x, size_t i, bool is_signed, int32_t zero, float scale) {
  const int32_t v = is_signed ? (int32_t)((const int8_t *)x)[i] : (int32_t)((const uint8_t *)x)[i];
  return (float)(v - zero) * scale;
}

static void plain_add(const void *a, const void *b, size_t n, const oar_q8_add_params *p, void *y) {
  for (size_t i = 0; i < n; i++) {
    float v = plain_dq_one(a, i, p->a_signed, p->a_zero, p->a_scale) +
              plain_dq_one(b, i, p->b_signed, p->b_zero, p->b_scale);
    if (p->relu) v = v > 0.0f ? v : 0.0f;
    const int32_t q = oar_q8_requantize(v, p->out_scale, p->out_zero, p->out_signed);
    if (p->out_signed)
      ((int8_t *)y)[i] = (int8_t)q;
    else
      ((uint8_t *)y)[i] = (uint8_t)q;
  }
}

/* The table of the plain bodies, with the three elementwise loops given
 * (a folder with hand-written ones passes its own). */
#define QS8_PLAIN_TABLE_WITH(table, label, quantize_fn, dequantize_fn, add_fn) \
  const oar_qs8_kernels table = {                                              \
      .name = label,                                                           \
      .mr = QS8_PLAIN_MR,                                                      \
      .nr = QS8_PLAIN_NR,                                                      \
      .gemm = plain_gemm,                                                      \
      .pack_b = plain_pack_b,                                                  \
      .quantize = quantize_fn,                                                 \
      .dequantize = dequantize_fn,                                             \
      .gemm_cols = plain_gemm_cols,                                            \
      .dwconv = plain_dwconv,                                                  \
      .add = add_fn,                                                           \
      .im2col = plain_im2col,                                                  \
      .pack_im2col = NULL,                                                     \
      .pack_rows = plain_pack_rows,                                            \
      .range = plain_range,                                                    \
  }

#define QS8_PLAIN_TABLE(table, label) \
  QS8_PLAIN_TABLE_WITH(table, label, plain_quantize, plain_dequantize, plain_add)

#endif
