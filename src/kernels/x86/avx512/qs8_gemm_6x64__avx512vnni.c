/* int8 GEMM tile on AVX512-VNNI (kernels/generic/qgemm.h): 6 rows of int8
 * weights by 64 columns of uint8 activations, 24 int32 accumulators, one
 * vpdpbusd per accumulator and group of four k. The functions carry their
 * own target attribute: VNNI is checked at plan time
 * (oar_cpu_has_avx512_vnni), on top of the AVX-512 level this folder is
 * built for. */
#include <immintrin.h>
#include <stdbool.h>
#include <string.h>

#include "kernels/generic/qgemm.h"
#include "kernels/generic/qs8_dwconv_impl.h"
#include "kernels/generic/qs8_im2col_impl.h"

#define MR 6
#define NR 64

#define VNNI_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

VNNI_TARGET static inline __m512 epilogue_vec(__m512i acc, __m512i corr, __m512 scale, __m512 bias) {
  return _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(acc, corr)), scale, bias);
}

/* saturate(rne(t) + zero) as 16 bytes. */
VNNI_TARGET static inline __m128i round_saturate_vec(__m512 t, __m512i zero, __m512i qlo, __m512i qhi) {
  const __m512 lim = _mm512_set1_ps(1024.0f);
  t = _mm512_min_ps(_mm512_max_ps(t, _mm512_sub_ps(_mm512_setzero_ps(), lim)), lim);
  __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(t), zero); /* MXCSR: round half to even */
  q = _mm512_min_epi32(_mm512_max_epi32(q, qlo), qhi);
  return _mm512_cvtepi32_epi8(q);
}

/* One row's four accumulators through the epilogue into c's row r. */
VNNI_TARGET static inline void store_row(size_t r, __m512i a0, __m512i a1, __m512i a2, __m512i a3,
                                         const __mmask16 mask[4], void *c, size_t ldc,
                                         const oar_qgemm_tile_epilogue *e) {
  const __m512i corr = _mm512_set1_epi32(e->corr[r]);
  const __m512 scale = _mm512_set1_ps(e->scale[r]), bias = _mm512_set1_ps(e->bias ? e->bias[r] : 0.0f);
  const __m512 lo = _mm512_set1_ps(e->lo), hi = _mm512_set1_ps(e->hi);
  const float *res = e->residual ? e->residual + r * e->ldr : NULL;
  const bool quantized = e->out_inv_scale > 0;
  const __m512 oinv = _mm512_set1_ps(e->out_inv_scale);
  const __m512i ozero = _mm512_set1_epi32(e->out_zero), qlo = _mm512_set1_epi32(e->out_signed ? -128 : 0),
                qhi = _mm512_set1_epi32(e->out_signed ? 127 : 255);
  const __m512i acc[4] = {a0, a1, a2, a3};
  for (int v = 0; v < 4; v++) {
    if (!mask[v]) break;
    __m512 y = epilogue_vec(acc[v], corr, scale, bias);
    if (res) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(mask[v], res + v * 16));
    y = _mm512_min_ps(_mm512_max_ps(y, lo), hi);
    if (quantized)
      _mm_mask_storeu_epi8((uint8_t *)c + r * ldc + v * 16, mask[v],
                           round_saturate_vec(_mm512_mul_ps(y, oinv), ozero, qlo, qhi));
    else
      _mm512_mask_storeu_ps((float *)c + r * ldc + v * 16, mask[v], y);
  }
}

/* The accumulators are named, not an array, so that they stay in
 * registers through the k loop. */
#define ROW_DECL(r) __m512i c##r##0 = z, c##r##1 = z, c##r##2 = z, c##r##3 = z
#define ROW_STEP(r)                                             \
  do {                                                          \
    int32_t w;                                                  \
    memcpy(&w, a + (r)*4, sizeof w);                            \
    const __m512i aw = _mm512_set1_epi32(w);                    \
    c##r##0 = _mm512_dpbusd_epi32(c##r##0, b0, aw);             \
    if (nv > 1) c##r##1 = _mm512_dpbusd_epi32(c##r##1, b1, aw); \
    if (nv > 2) c##r##2 = _mm512_dpbusd_epi32(c##r##2, b2, aw); \
    if (nv > 3) c##r##3 = _mm512_dpbusd_epi32(c##r##3, b3, aw); \
  } while (0)
#define ROW_STORE(r) \
  if ((r) < rows) store_row(r, c##r##0, c##r##1, c##r##2, c##r##3, mask, c, ldc, e)

/* The tile on its first nv vectors of 16 columns (a panel's tail needs
 * fewer than 4): a constant at each call, so that the unused
 * accumulators and loads drop out. */
VNNI_TARGET static inline __attribute__((always_inline)) void gemm_6xn(size_t kg, const int8_t *a,
                                                                       const uint8_t *b, size_t rows,
                                                                       size_t cols, void *c, size_t ldc,
                                                                       const oar_qgemm_tile_epilogue *e,
                                                                       const int nv) {
  const __m512i z = _mm512_setzero_si512();
  ROW_DECL(0);
  ROW_DECL(1);
  ROW_DECL(2);
  ROW_DECL(3);
  ROW_DECL(4);
  ROW_DECL(5);
  for (size_t g = 0; g < kg; g++, a += MR * 4, b += NR * 4) {
    const __m512i b0 = _mm512_loadu_si512(b), b1 = nv > 1 ? _mm512_loadu_si512(b + 64) : z,
                  b2 = nv > 2 ? _mm512_loadu_si512(b + 128) : z,
                  b3 = nv > 3 ? _mm512_loadu_si512(b + 192) : z;
    ROW_STEP(0);
    ROW_STEP(1);
    ROW_STEP(2);
    ROW_STEP(3);
    ROW_STEP(4);
    ROW_STEP(5);
  }
  __mmask16 mask[4];
  for (int v = 0; v < 4; v++) {
    const size_t left = cols > (size_t)v * 16 ? cols - (size_t)v * 16 : 0;
    mask[v] = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
  }
  ROW_STORE(0);
  ROW_STORE(1);
  ROW_STORE(2);
  ROW_STORE(3);
  ROW_STORE(4);
  ROW_STORE(5);
}

VNNI_TARGET static void gemm_6x64(size_t kg, const int8_t *a, const uint8_t *b, size_t rows, size_t cols,
                                  void *c, size_t ldc, const oar_qgemm_tile_epilogue *e) {
  if (cols > 48)
    gemm_6xn(kg, a, b, rows, cols, c, ldc, e, 4);
  else if (cols > 32)
    gemm_6xn(kg, a, b, rows, cols, c, ldc, e, 3);
  else if (cols > 16)
    gemm_6xn(kg, a, b, rows, cols, c, ldc, e, 2);
  else
    gemm_6xn(kg, a, b, rows, cols, c, ldc, e, 1);
}

/* Four 64-byte rows (k .. k+3 of 64 columns) into one group of the panel:
 * column j's four bytes together. Byte unpacks pair rows 0/1 and 2/3, word
 * unpacks make the 4-byte groups (lane by lane), and a 4x4 transpose of
 * the 128-bit lanes puts columns in order. */
VNNI_TARGET static inline void interleave4(__m512i x0, __m512i x1, __m512i x2, __m512i x3, uint8_t *dst) {
  const __m512i p_lo = _mm512_unpacklo_epi8(x0, x1), p_hi = _mm512_unpackhi_epi8(x0, x1);
  const __m512i q_lo = _mm512_unpacklo_epi8(x2, x3), q_hi = _mm512_unpackhi_epi8(x2, x3);
  const __m512i a0 = _mm512_unpacklo_epi16(p_lo, q_lo), a1 = _mm512_unpackhi_epi16(p_lo, q_lo);
  const __m512i a2 = _mm512_unpacklo_epi16(p_hi, q_hi), a3 = _mm512_unpackhi_epi16(p_hi, q_hi);
  const __m512i t0 = _mm512_shuffle_i32x4(a0, a1, 0x44), t1 = _mm512_shuffle_i32x4(a0, a1, 0xee);
  const __m512i t2 = _mm512_shuffle_i32x4(a2, a3, 0x44), t3 = _mm512_shuffle_i32x4(a2, a3, 0xee);
  _mm512_storeu_si512(dst, _mm512_shuffle_i32x4(t0, t2, 0x88));
  _mm512_storeu_si512(dst + 64, _mm512_shuffle_i32x4(t0, t2, 0xdd));
  _mm512_storeu_si512(dst + 128, _mm512_shuffle_i32x4(t1, t3, 0x88));
  _mm512_storeu_si512(dst + 192, _mm512_shuffle_i32x4(t1, t3, 0xdd));
}

VNNI_TARGET static void pack_b_64(const uint8_t *src, size_t ld, size_t k, size_t n0, size_t cols,
                                  uint8_t flip, uint8_t *dst) {
  /* A panel's tail reads only its columns (masked), zero past them. */
  const __mmask64 m = cols >= NR ? ~(__mmask64)0 : (((__mmask64)1 << cols) - 1);
  const __m512i f = _mm512_maskz_mov_epi8(m, _mm512_set1_epi8((char)flip));
  for (size_t row = 0; row < k; row += 4, dst += NR * 4) {
    __m512i x[4];
    for (size_t t = 0; t < 4; t++)
      x[t] = row + t < k ? _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, src + (row + t) * ld + n0), f)
                         : _mm512_setzero_si512();
    interleave4(x[0], x[1], x[2], x[3], dst);
  }
}

/* The weights on the columns: the activations' 4 bytes broadcast as the
 * unsigned operand, the weights streamed as the signed one. */
#define COL_STEP(r)                                 \
  do {                                              \
    int32_t x;                                      \
    memcpy(&x, a + (r)*4, sizeof x);                \
    const __m512i ax = _mm512_set1_epi32(x);        \
    c##r##0 = _mm512_dpbusd_epi32(c##r##0, ax, b0); \
    c##r##1 = _mm512_dpbusd_epi32(c##r##1, ax, b1); \
    c##r##2 = _mm512_dpbusd_epi32(c##r##2, ax, b2); \
    c##r##3 = _mm512_dpbusd_epi32(c##r##3, ax, b3); \
  } while (0)
#define COL_STORE(r)                                                           \
  if ((r) < rows) {                                                            \
    const __m512i acc[4] = {c##r##0, c##r##1, c##r##2, c##r##3};               \
    for (int v = 0; v < 4 && mask[v]; v++)                                     \
      _mm512_mask_storeu_ps(c + (r)*ldc + v * 16, mask[v],                     \
                            epilogue_vec(acc[v], corr[v], scale[v], bias[v])); \
  }

VNNI_TARGET static void gemm_cols_6x64(size_t kg, const uint8_t *a, const int8_t *b, size_t rows, size_t cols,
                                       float *c, size_t ldc, const oar_qgemm_col_epilogue *e) {
  const __m512i z = _mm512_setzero_si512();
  ROW_DECL(0);
  ROW_DECL(1);
  ROW_DECL(2);
  ROW_DECL(3);
  ROW_DECL(4);
  ROW_DECL(5);
  for (size_t g = 0; g < kg; g++, a += MR * 4, b += NR * 4) {
    const __m512i b0 = _mm512_loadu_si512(b), b1 = _mm512_loadu_si512(b + 64),
                  b2 = _mm512_loadu_si512(b + 128), b3 = _mm512_loadu_si512(b + 192);
    COL_STEP(0);
    COL_STEP(1);
    COL_STEP(2);
    COL_STEP(3);
    COL_STEP(4);
    COL_STEP(5);
  }
  __mmask16 mask[4];
  __m512i corr[4];
  __m512 scale[4], bias[4];
  for (int v = 0; v < 4; v++) {
    const size_t left = cols > (size_t)v * 16 ? cols - (size_t)v * 16 : 0;
    mask[v] = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
    corr[v] = _mm512_maskz_loadu_epi32(mask[v], e->corr + v * 16);
    scale[v] = _mm512_maskz_loadu_ps(mask[v], e->scale + v * 16);
    bias[v] = e->bias ? _mm512_maskz_loadu_ps(mask[v], e->bias + v * 16) : _mm512_setzero_ps();
  }
  COL_STORE(0);
  COL_STORE(1);
  COL_STORE(2);
  COL_STORE(3);
  COL_STORE(4);
  COL_STORE(5);
}

VNNI_TARGET static void quantize_512(const float *x, size_t n, float scale, int32_t zero, bool is_signed,
                                     void *y) {
  const __m512 s = _mm512_set1_ps(scale);
  const __m512i z = _mm512_set1_epi32(zero), qlo = _mm512_set1_epi32(is_signed ? -128 : 0),
                qhi = _mm512_set1_epi32(is_signed ? 127 : 255);
  uint8_t *dst = y;
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm_storeu_si128((__m128i *)(dst + i),
                     round_saturate_vec(_mm512_div_ps(_mm512_loadu_ps(x + i), s), z, qlo, qhi));
  if (i < n) {
    const __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
    _mm_mask_storeu_epi8(dst + i, m,
                         round_saturate_vec(_mm512_div_ps(_mm512_maskz_loadu_ps(m, x + i), s), z, qlo, qhi));
  }
}

VNNI_TARGET static void dequantize_512(const void *x, size_t n, float scale, int32_t zero, bool is_signed,
                                       float *y) {
  const __m512 s = _mm512_set1_ps(scale);
  const __m512i z = _mm512_set1_epi32(zero);
  const uint8_t *src = x;
  for (size_t i = 0; i < n; i += 16) {
    const size_t left = n - i;
    const __mmask16 m = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
    const __m128i b = _mm_maskz_loadu_epi8(m, src + i);
    const __m512i v = is_signed ? _mm512_cvtepi8_epi32(b) : _mm512_cvtepu8_epi32(b);
    _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(v, z)), s));
  }
}

/* 16 taps of an int16 row as int32: consecutive (stride 1) or every other
 * one (stride 2: the low halves of 16 int32 lanes are the even taps). The
 * plane's spare bytes cover the loads past a row's end. */
VNNI_TARGET static inline __m512i dw_taps(const int16_t *t, int64_t stride) {
  if (stride == 1) return _mm512_cvtepi16_epi32(_mm256_loadu_si256((const __m256i *)(const void *)t));
  return _mm512_cvtepi16_epi32(_mm512_cvtepi32_epi16(_mm512_loadu_si512(t)));
}

/* The depthwise plane with AVX-512: 16 outputs of a row at a time, every
 * tap a widening multiply-add, the epilogue as the GEMM tiles'. Strides
 * other than 1 and 2 take the plain-C body. */
VNNI_TARGET static void dwconv_512(const oar_q8_dw_geometry *g, const uint8_t *src, const int8_t *w,
                                   const oar_q8_dw_channel *ch, void *dst, void *scratch) {
  if (g->stride_w > 2) {
    qs8_dwconv_plane_impl(g, src, w, ch, dst, scratch);
    return;
  }
  int16_t *plane = scratch;
  const int64_t pw = qs8_dw_fill_plane(g, src, plane);
  const int64_t taps = g->kernel_h * g->kernel_w;
  __m512i wv[64];
  const bool few = taps <= 64;
  if (few)
    for (int64_t t = 0; t < taps; t++) wv[t] = _mm512_set1_epi32(w[t]);
  const __m512 scale = _mm512_set1_ps(ch->scale), bias = _mm512_set1_ps(ch->bias),
               lo = _mm512_set1_ps(ch->lo), hi = _mm512_set1_ps(ch->hi),
               inv = _mm512_set1_ps(ch->out_inv_scale);
  const __m512i zero = _mm512_set1_epi32(ch->out_zero), qlo = _mm512_set1_epi32(ch->out_signed ? -128 : 0),
                qhi = _mm512_set1_epi32(ch->out_signed ? 127 : 255);
  const bool quantized = ch->out_inv_scale > 0;
  for (int64_t oy = 0; oy < g->out_h; oy++) {
    const int16_t *rows = plane + oy * g->stride_h * pw;
    for (int64_t ox = 0; ox < g->out_w; ox += 16) {
      const int64_t left = g->out_w - ox;
      const __mmask16 m = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
      __m512i acc = _mm512_setzero_si512();
      for (int64_t ky = 0; ky < g->kernel_h; ky++) {
        const int16_t *in = rows + ky * g->dilation_h * pw + ox * g->stride_w;
        for (int64_t kx = 0; kx < g->kernel_w; kx++) {
          const int64_t t = ky * g->kernel_w + kx;
          const __m512i wt = few ? wv[t] : _mm512_set1_epi32(w[t]);
          acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(dw_taps(in + kx * g->dilation_w, g->stride_w), wt));
        }
      }
      __m512 y = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc), scale, bias);
      if (ch->residual) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(m, ch->residual + oy * g->out_w + ox));
      y = _mm512_min_ps(_mm512_max_ps(y, lo), hi);
      if (quantized)
        _mm_mask_storeu_epi8((uint8_t *)dst + oy * g->out_w + ox, m,
                             round_saturate_vec(_mm512_mul_ps(y, inv), zero, qlo, qhi));
      else
        _mm512_mask_storeu_ps((float *)dst + oy * g->out_w + ox, m, y);
    }
  }
}

VNNI_TARGET static inline __m512 dq_vec(const void *x, size_t i, __mmask16 m, bool is_signed, __m512i zero,
                                        __m512 scale) {
  const __m128i b = _mm_maskz_loadu_epi8(m, (const uint8_t *)x + i);
  const __m512i v = is_signed ? _mm512_cvtepi8_epi32(b) : _mm512_cvtepu8_epi32(b);
  return _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(v, zero)), scale);
}

VNNI_TARGET static void add_512(const void *a, const void *b, size_t n, const oar_q8_add_params *p, void *y) {
  const __m512 sa = _mm512_set1_ps(p->a_scale), sb = _mm512_set1_ps(p->b_scale),
               so = _mm512_set1_ps(p->out_scale);
  const __m512i za = _mm512_set1_epi32(p->a_zero), zb = _mm512_set1_epi32(p->b_zero),
                zo = _mm512_set1_epi32(p->out_zero), qlo = _mm512_set1_epi32(p->out_signed ? -128 : 0),
                qhi = _mm512_set1_epi32(p->out_signed ? 127 : 255);
  for (size_t i = 0; i < n; i += 16) {
    const size_t left = n - i;
    const __mmask16 m = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
    __m512 v = _mm512_add_ps(dq_vec(a, i, m, p->a_signed, za, sa), dq_vec(b, i, m, p->b_signed, zb, sb));
    if (p->relu) v = _mm512_max_ps(v, _mm512_setzero_ps());
    _mm_mask_storeu_epi8((uint8_t *)y + i, m, round_saturate_vec(_mm512_div_ps(v, so), zo, qlo, qhi));
  }
}

/* Stride 2 (the downsampling convolutions): the even bytes of 64 at a
 * time, as the low halves of 32 16-bit lanes; other strides plain. */
VNNI_TARGET static void strided_copy_512(uint8_t *dst, const uint8_t *src, int64_t n, int64_t stride) {
  if (stride != 2) {
    qs8_strided_copy_plain(dst, src, n, stride);
    return;
  }
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    /* The last element read is src[2 * i + 62] (the odd byte 63 is not
     * needed): mask it off so that the load stays inside the row. */
    const __m512i v = _mm512_maskz_loadu_epi8(~((__mmask64)1 << 63), src + 2 * i);
    _mm256_storeu_si256((__m256i *)(void *)(dst + i), _mm512_cvtepi16_epi8(v));
  }
  if (i < n) {
    const int64_t left = n - i; /* < 32: bytes 0 .. 2 * left - 2 */
    const __m512i v = _mm512_maskz_loadu_epi8(((__mmask64)1 << (2 * left - 1)) - 1, src + 2 * i);
    _mm256_mask_storeu_epi8(dst + i, ((__mmask32)1 << left) - 1, _mm512_cvtepi16_epi8(v));
  }
}

static void im2col_512(const oar_conv2d_params *p, const uint8_t *src, size_t channels, uint8_t pad,
                       uint8_t *dst) {
  qs8_im2col_impl(p, src, channels, pad, dst, strided_copy_512);
}

/* A run of a panel's pixels within one output row: lanes [j, j + len)
 * are output row oh, columns ow .. ow + len - 1. */
typedef struct im2col_run {
  int64_t j, len, oh, ow;
} im2col_run;

/* Row (c, kh, kw) of one 64-pixel panel of a stride-1 im2col: each run
 * reads a contiguous stretch of an input row, one masked load; lanes
 * outside the input (padding, past the panel) keep `pad`. */
VNNI_TARGET static inline __m512i im2col_row_s1(const oar_conv2d_params *p, const uint8_t *plane,
                                                const im2col_run *runs, int nruns, int64_t kh, int64_t kw,
                                                __m512i pad) {
  __m512i v = pad;
  const int64_t dy = kh * p->dilation_h - p->pad_top, dx = kw * p->dilation_w - p->pad_left;
  for (int r = 0; r < nruns; r++) {
    const int64_t ih = runs[r].oh + dy;
    if (ih < 0 || ih >= p->in_h) continue;
    /* Input column of the run's first pixel, and the part of the run
     * inside the input row. */
    const int64_t iw0 = runs[r].ow + dx, len = runs[r].len, j = runs[r].j;
    const int64_t a = iw0 < 0 ? -iw0 : 0, b = p->in_w - iw0 < len ? p->in_w - iw0 : len;
    if (b <= a) continue;
    const __mmask64 m = (b - a >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (b - a)) - 1)) << (j + a);
    /* Lane j + i reads the input at column iw0 + i. */
    v = _mm512_mask_loadu_epi8(v, m, plane + ih * p->in_w + iw0 - j);
  }
  return v;
}

VNNI_TARGET static void pack_im2col_s1(const oar_conv2d_params *p, const uint8_t *src, size_t channels,
                                       uint8_t pad, uint8_t flip, size_t n0, size_t cols, uint8_t *dst) {
  const __mmask64 live = cols >= NR ? ~(__mmask64)0 : (((__mmask64)1 << cols) - 1);
  const __m512i padv = _mm512_set1_epi8((char)pad),
                f = _mm512_maskz_mov_epi8(live, _mm512_set1_epi8((char)flip));
  /* The panel's runs, the same for every row of the im2col. */
  im2col_run runs[NR];
  int nruns = 0;
  const int64_t ow_n = p->out_w;
  for (int64_t j = 0, oh = (int64_t)n0 / ow_n, ow = (int64_t)n0 % ow_n; j < (int64_t)cols; oh++, ow = 0) {
    const int64_t len = ow_n - ow < (int64_t)cols - j ? ow_n - ow : (int64_t)cols - j;
    runs[nruns++] = (im2col_run){j, len, oh, ow};
    j += len;
  }
  const int64_t plane = p->in_h * p->in_w, k = (int64_t)channels * p->kernel_h * p->kernel_w;
  int64_t c = 0, kh = 0, kw = 0; /* row `row + t` of the im2col, counted up */
  for (int64_t row = 0; row < k; row += 4, dst += NR * 4) {
    __m512i x[4];
    for (int64_t t = 0; t < 4; t++) {
      if (row + t >= k) {
        x[t] = _mm512_setzero_si512();
        continue;
      }
      const __m512i v = im2col_row_s1(p, src + c * plane, runs, nruns, kh, kw, padv);
      x[t] = _mm512_maskz_mov_epi8(live, _mm512_xor_si512(v, f));
      if (++kw == p->kernel_w) {
        kw = 0;
        if (++kh == p->kernel_h) {
          kh = 0;
          c++;
        }
      }
    }
    interleave4(x[0], x[1], x[2], x[3], dst);
  }
}

/* A panels of the activations (weights on the columns): 16 groups of 4
 * bytes of a row at a time, scattered to their places 24 bytes apart. */
VNNI_TARGET static void pack_rows_6(const uint8_t *x, size_t ldx, size_t m, size_t k, uint8_t flip,
                                    uint8_t *dst) {
  const size_t kg = (k + 3) / 4, panels = (m + MR - 1) / MR;
  const __m512i f = _mm512_set1_epi8((char)flip);
  const __m512i idx = _mm512_mullo_epi32(
      _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), _mm512_set1_epi32(MR * 4));
  for (size_t p = 0; p < panels; p++)
    for (size_t r = 0; r < MR; r++) {
      const size_t row = p * MR + r;
      uint8_t *d = dst + p * kg * MR * 4 + r * 4;
      for (size_t g = 0; g < kg; g += 16) {
        const size_t bytes = k - g * 4 < 64 ? k - g * 4 : 64, groups = kg - g < 16 ? kg - g : 16;
        const __mmask64 lm = bytes >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << bytes) - 1);
        const __m512i v =
            row < m ? _mm512_maskz_mov_epi8(
                          lm, _mm512_xor_si512(_mm512_maskz_loadu_epi8(lm, x + row * ldx + g * 4), f))
                    : _mm512_setzero_si512();
        const __mmask16 sm = groups >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << groups) - 1);
        _mm512_mask_i32scatter_epi32(d + g * MR * 4, sm, idx, v, 1);
      }
    }
}

VNNI_TARGET static void range_512(const float *x, size_t n, float *lo, float *hi) {
  __m512 a = _mm512_setzero_ps(), b = _mm512_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 v = _mm512_loadu_ps(x + i);
    a = _mm512_min_ps(a, v);
    b = _mm512_max_ps(b, v);
  }
  if (i < n) {
    const __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
    const __m512 v = _mm512_maskz_loadu_ps(m, x + i);
    a = _mm512_min_ps(a, v);
    b = _mm512_max_ps(b, v);
  }
  *lo = _mm512_reduce_min_ps(a);
  *hi = _mm512_reduce_max_ps(b);
}

#define VBMI_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx512vbmi")))

/* The depthwise plane on VBMI + VNNI: the plane padded once in uint8 with
 * the zero point (the real 0), then for each output row and 16 outputs,
 * each filter row's taps 4 at a time gathered by one vpermb into 4-byte
 * groups (output i's taps side by side) and summed by one vpdpbusd
 * against the 4 weights; the zero point comes off as zero * sum(w).
 * Needs the 16 outputs' taps of a row within 64 bytes: stride * 15 +
 * (kernel_w - 1) * dilation < 64; else the plain body. */
VBMI_TARGET static void dwconv_vbmi(const oar_q8_dw_geometry *g, const uint8_t *src, const int8_t *w,
                                    const oar_q8_dw_channel *ch, void *dst, void *scratch) {
  const int64_t span = g->stride_w * 15 + (g->kernel_w - 1) * g->dilation_w + 1,
                groups = (g->kernel_w + 3) / 4;
  if (span > 64 || g->kernel_h * groups > 64) {
    dwconv_512(g, src, w, ch, dst, scratch);
    return;
  }
  const int64_t ph = g->in_h + g->pad_top + g->pad_bottom, pw = g->in_w + g->pad_left + g->pad_right;
  uint8_t *plane = scratch;
  const uint8_t zb = (uint8_t)g->zero;
  memset(plane, zb, (size_t)(ph * pw));
  /* Locals, not g's fields: the byte stores could alias them, which
   * would keep the loop from vectorizing. */
  const uint8_t flip = g->flip;
  const int64_t in_h = g->in_h, in_w = g->in_w;
  for (int64_t y = 0; y < in_h; y++) {
    uint8_t *restrict row = plane + (y + g->pad_top) * pw + g->pad_left;
    const uint8_t *restrict s = src + y * in_w;
    for (int64_t x = 0; x < in_w; x++) row[x] = (uint8_t)(s[x] ^ flip);
  }
  /* vpermb indices and weights, per group of 4 taps of a filter row. */
  __m512i idx[16], wts[64];
  __mmask64 live[16];
  int32_t wsum = 0;
  for (int64_t q = 0; q < groups; q++) {
    uint8_t ix[64];
    __mmask64 m = 0;
    for (int i = 0; i < 16; i++)
      for (int t = 0; t < 4; t++) {
        const int64_t kx = q * 4 + t;
        ix[4 * i + t] = kx < g->kernel_w ? (uint8_t)(i * g->stride_w + kx * g->dilation_w) : 0;
        if (kx < g->kernel_w) m |= (__mmask64)1 << (4 * i + t);
      }
    idx[q] = _mm512_loadu_si512(ix);
    live[q] = m;
  }
  for (int64_t ky = 0; ky < g->kernel_h; ky++)
    for (int64_t q = 0; q < groups; q++) {
      int8_t wq[4] = {0, 0, 0, 0};
      for (int t = 0; t < 4 && q * 4 + t < g->kernel_w; t++) {
        wq[t] = w[ky * g->kernel_w + q * 4 + t];
        wsum += wq[t];
      }
      int32_t packed;
      memcpy(&packed, wq, sizeof packed);
      wts[ky * groups + q] = _mm512_set1_epi32(packed);
    }
  const __m512i corr = _mm512_set1_epi32(g->zero * wsum);
  const __m512 scale = _mm512_set1_ps(ch->scale), bias = _mm512_set1_ps(ch->bias),
               lo = _mm512_set1_ps(ch->lo), hi = _mm512_set1_ps(ch->hi),
               inv = _mm512_set1_ps(ch->out_inv_scale);
  const __m512i zero = _mm512_set1_epi32(ch->out_zero), qlo = _mm512_set1_epi32(ch->out_signed ? -128 : 0),
                qhi = _mm512_set1_epi32(ch->out_signed ? 127 : 255);
  const bool quantized = ch->out_inv_scale > 0;
  /* Locals: the stores to dst could alias g's and ch's fields. */
  const int64_t out_h = g->out_h, out_w = g->out_w, sh = g->stride_h, sw = g->stride_w, kh_n = g->kernel_h,
                dh = g->dilation_h;
  const float *residual = ch->residual;
  for (int64_t oy = 0; oy < out_h; oy++) {
    const uint8_t *rows = plane + oy * sh * pw;
    for (int64_t ox = 0; ox < out_w; ox += 16) {
      const int64_t left = out_w - ox;
      const __mmask16 m = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
      /* The bytes this block reads of a row: up to span, within the plane. */
      const int64_t x0 = ox * sw, avail = pw - x0;
      const __mmask64 lm = avail >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << avail) - 1);
      __m512i acc = _mm512_setzero_si512();
      for (int64_t ky = 0; ky < kh_n; ky++) {
        const __m512i v = _mm512_maskz_loadu_epi8(lm, rows + ky * dh * pw + x0);
        for (int64_t q = 0; q < groups; q++)
          acc = _mm512_dpbusd_epi32(acc, _mm512_maskz_permutexvar_epi8(live[q], idx[q], v),
                                    wts[ky * groups + q]);
      }
      __m512 y = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(acc, corr)), scale, bias);
      if (residual) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(m, residual + oy * out_w + ox));
      y = _mm512_min_ps(_mm512_max_ps(y, lo), hi);
      if (quantized)
        _mm_mask_storeu_epi8((uint8_t *)dst + oy * out_w + ox, m,
                             round_saturate_vec(_mm512_mul_ps(y, inv), zero, qlo, qhi));
      else
        _mm512_mask_storeu_ps((float *)dst + oy * out_w + ox, m, y);
    }
  }
}

/* The two tables differ only in the depthwise plane. */
#define VNNI_TABLE(table, label, dw) \
  const oar_qs8_kernels table = {    \
      .name = label,                 \
      .mr = MR,                      \
      .nr = NR,                      \
      .gemm = gemm_6x64,             \
      .pack_b = pack_b_64,           \
      .quantize = quantize_512,      \
      .dequantize = dequantize_512,  \
      .gemm_cols = gemm_cols_6x64,   \
      .dwconv = dw,                  \
      .add = add_512,                \
      .im2col = im2col_512,          \
      .pack_im2col = pack_im2col_s1, \
      .pack_rows = pack_rows_6,      \
      .range = range_512,            \
  }
VNNI_TABLE(oar_qs8_kernels_avx512vnni, "qs8_gemm_6x64__avx512vnni", dwconv_512);
VNNI_TABLE(oar_qs8_kernels_avx512vnni_vbmi, "qs8_gemm_6x64__avx512vnni_vbmi", dwconv_vbmi);
