/* int8 GEMM for quantized convolutions and matmuls (issue 14):
 *
 *   C[m, n] = epilogue(sum_k A[m, k] * (B[k, n] - zb))
 *
 * A holds int8 weights, packed once (oar_qgemm_pack_a); B holds uint8
 * activations (an int8 input is moved to uint8 by adding 128 while it is
 * packed, its zero point with it), packed per run by the table's pack_b.
 * This is the operand order of VNNI's vpdpbusd (unsigned x signed, four
 * products summed into an int32 lane), so the product is exact in int32:
 * |sum| <= 255 * 128 * k, which fits while k <= OAR_QGEMM_MAX_K.
 *
 * Packed layouts, k taken in groups of four (zero past k):
 *   A: panel p of mr rows, group g: mr rows x 4 bytes at
 *      a + (p * kg + g) * mr * 4 (row r's 4 bytes at + r * 4);
 *   B: panel q of nr columns, group g: nr columns x 4 bytes at
 *      b + (q * kg + g) * nr * 4.
 *
 * Epilogue, per row m (scale = input scale * weight scale[m]):
 *   y = (acc - zb * rowsum_A[m]) * scale[m] + bias[m] + residual[m, n],
 * clamped to [lo, hi]; stored as float32. */
#ifndef OAR_KERNELS_GENERIC_QGEMM_H
#define OAR_KERNELS_GENERIC_QGEMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/cpu.h"
#include "kernels/ref/conv.h"

/* Largest depth whose int32 sums cannot overflow. */
#define OAR_QGEMM_MAX_K ((size_t)65536)

/* The epilogue of one mr x nr tile: pointers at the tile's first row and
 * column. */
typedef struct oar_qgemm_tile_epilogue {
  const float *scale;    /* [rows] */
  const int32_t *corr;   /* [rows]: zb * rowsum_A */
  const float *bias;     /* [rows] or NULL */
  const float *residual; /* row stride ldr, or NULL */
  size_t ldr;
  float lo, hi;
  /* Requantized output: out_inv_scale > 0 stores
   *   saturate(rne(y * out_inv_scale) + out_zero)
   * (the reciprocal of the output scale, as ONNX Runtime's requantization
   * multiplies: within a rounding of y / out_scale)
   * as uint8 (int8 when out_signed) instead of y as float32. */
  float out_inv_scale;
  int32_t out_zero;
  bool out_signed;
} oar_qgemm_tile_epilogue;

/* One tile: kg groups of A panel `a` and B panel `b`, rows and cols
 * (<= mr, nr) of it stored to c (row stride ldc elements of float32, or
 * of 8-bit integers when requantized). */
typedef void (*oar_qgemm_ukernel_fn)(size_t kg, const int8_t *a, const uint8_t *b, size_t rows, size_t cols,
                                     void *c, size_t ldc, const oar_qgemm_tile_epilogue *e);

/* y[i] = saturate(rne(x[i] / scale) + zero), uint8 or int8 (ONNX
 * QuantizeLinear, the division in float32). */
typedef void (*oar_q8_quantize_fn)(const float *x, size_t n, float scale, int32_t zero, bool is_signed,
                                   void *y);
/* y[i] = (x[i] - zero) * scale (ONNX DequantizeLinear). */
typedef void (*oar_q8_dequantize_fn)(const void *x, size_t n, float scale, int32_t zero, bool is_signed,
                                     float *y);

/* Packs columns [n0, n0 + cols) (cols <= nr) of the k x n byte matrix src
 * (row stride ld) into one B panel of the table's nr; flip = 0x80 moves
 * int8 to uint8 (flip = 0 keeps uint8). */
typedef void (*oar_qgemm_pack_b_fn)(const uint8_t *src, size_t ld, size_t k, size_t n0, size_t cols,
                                    uint8_t flip, uint8_t *dst);

/* Products with the weights on the columns (matmul: C = X[m, k] . W[k, n]):
 *   C[m, n] = (sum_k X[m, k] * W[k, n] - corr[n]) * scale[n] + bias[n]
 * X as uint8 in A panels of mr rows (oar_qgemm_pack_rows_u8, per run), W
 * int8 in B panels of nr columns (the table's pack_b, once), so vpdpbusd
 * broadcasts the activations and streams the weights. Pointers at the
 * tile's first column. */
typedef struct oar_qgemm_col_epilogue {
  const float *scale;  /* [cols] */
  const int32_t *corr; /* [cols]: X's uint8 zero point * column sum of W */
  const float *bias;   /* [cols] or NULL */
} oar_qgemm_col_epilogue;

typedef void (*oar_qgemm_cols_ukernel_fn)(size_t kg, const uint8_t *a, const int8_t *b, size_t rows,
                                          size_t cols, float *c, size_t ldc, const oar_qgemm_col_epilogue *e);

/* The depthwise convolution (one input channel per output channel) on
 * 8-bit input, one channel plane per call. */
typedef struct oar_q8_dw_geometry {
  int64_t in_h, in_w, out_h, out_w, kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w;
  int64_t pad_top, pad_bottom, pad_left, pad_right;
  uint8_t flip; /* 0x80: the input is int8 */
  int16_t zero; /* the input's zero point as uint8 (int8's + 128) */
} oar_q8_dw_geometry;

/* One channel's epilogue: y = acc * scale + bias (+ residual), clamped to
 * [lo, hi]; requantized when out_inv_scale > 0 (as the GEMM tiles). */
typedef struct oar_q8_dw_channel {
  float scale, bias, lo, hi, out_inv_scale;
  int32_t out_zero;
  bool out_signed;
  const float *residual; /* the channel's output plane of ResidualData, or NULL */
} oar_q8_dw_channel;

/* Scratch bytes one call needs (a padded int16 plane, an int32 and a float
 * row). */
size_t oar_q8_dwconv_scratch_bytes(const oar_q8_dw_geometry *g);

typedef void (*oar_q8_dwconv_fn)(const oar_q8_dw_geometry *g, const uint8_t *src, const int8_t *w,
                                 const oar_q8_dw_channel *ch, void *dst, void *scratch);

/* add_int8: y = saturate(rne(act(dq(a) + dq(b)) / out_scale) + out_zero),
 * each dq(x) = (x - zero) * scale in float32, as the unfused ops round. */
typedef struct oar_q8_add_params {
  float a_scale, b_scale, out_scale;
  int32_t a_zero, b_zero, out_zero;
  bool a_signed, b_signed, out_signed, relu;
} oar_q8_add_params;

typedef void (*oar_q8_add_fn)(const void *a, const void *b, size_t n, const oar_q8_add_params *p, void *y);

/* im2col of one group of one image (channels planes of src, NCHW) into
 * rows of out_h * out_w bytes, the padding filled with `pad`. */
typedef void (*oar_q8_im2col_fn)(const oar_conv2d_params *p, const uint8_t *src, size_t channels, uint8_t pad,
                                 uint8_t *dst);

/* One B panel (output pixels [n0, n0 + cols), cols <= nr) of a stride-1
 * convolution's im2col, packed straight from the input: no im2col
 * buffer. NULL in a table that has none (the caller then runs im2col and
 * pack_b). */
typedef void (*oar_q8_pack_im2col_fn)(const oar_conv2d_params *p, const uint8_t *src, size_t channels,
                                      uint8_t pad, uint8_t flip, size_t n0, size_t cols, uint8_t *dst);

/* Packs m rows of depth k (row stride ldx) into A panels of the table's
 * mr (oar_qgemm_pack_rows_u8's layout). */
typedef void (*oar_q8_pack_rows_fn)(const uint8_t *x, size_t ldx, size_t m, size_t k, uint8_t flip,
                                    uint8_t *dst);
/* *lo = min(0, min x), *hi = max(0, max x) over n floats (NaN: unspecified). */
typedef void (*oar_q8_range_fn)(const float *x, size_t n, float *lo, float *hi);

typedef struct oar_qs8_kernels {
  const char *name; /* e.g. "qs8_gemm_6x64__avx512vnni" */
  size_t mr, nr;
  oar_qgemm_ukernel_fn gemm;
  oar_qgemm_pack_b_fn pack_b;
  oar_q8_quantize_fn quantize;
  oar_q8_dequantize_fn dequantize;
  oar_qgemm_cols_ukernel_fn gemm_cols;
  oar_q8_dwconv_fn dwconv;
  oar_q8_add_fn add;
  oar_q8_im2col_fn im2col;
  oar_q8_pack_im2col_fn pack_im2col; /* stride 1 only; may be NULL */
  oar_q8_pack_rows_fn pack_rows;
  oar_q8_range_fn range;
} oar_qs8_kernels;

extern const oar_qs8_kernels oar_qs8_kernels_generic;
#if defined(OAR_X86_KERNELS)
/* The plain-C kernels compiled for AVX2 (and what an AVX-512 CPU without
 * VNNI runs): vectorized by the compiler, not hand-written. */
extern const oar_qs8_kernels oar_qs8_kernels_avx2;
extern const oar_qs8_kernels oar_qs8_kernels_avx512vnni;
/* The same with the depthwise plane on vpermb + vpdpbusd (VBMI too). */
extern const oar_qs8_kernels oar_qs8_kernels_avx512vnni_vbmi;
#endif

/* The fastest table this host runs at `isa`: VNNI needs AVX-512 and the
 * CPU's AVX512_VNNI flag (the VBMI variant AVX512_VBMI as well); below
 * that, AVX2 the plain kernels compiled for AVX2; else the generic ones. */
const oar_qs8_kernels *oar_qs8_kernels_for(oar_isa isa);

/* Whether that table beats the float32 kernels of the level (VNNI): the
 * int8 passes run only where it does. */
bool oar_qs8_kernels_beat_float(oar_isa isa);

/* Bytes of A packed for m rows of depth k in panels of mr. */
size_t oar_qgemm_packed_a_bytes(size_t m, size_t k, size_t mr);
/* Bytes of B packed for n columns of depth k in panels of nr. */
size_t oar_qgemm_packed_b_bytes(size_t n, size_t k, size_t nr);

/* Packs A (m x k int8, row stride lda) into dst and writes each row's sum
 * to rowsum[m]. */
void oar_qgemm_pack_a(const int8_t *a, size_t lda, size_t m, size_t k, size_t mr, int8_t *dst,
                      int32_t *rowsum);

/* The generic B packing and tile (reference twins of the ISA ones). */
void oar_qgemm_pack_b_generic(const uint8_t *src, size_t ld, size_t k, size_t n0, size_t cols, size_t nr,
                              uint8_t flip, uint8_t *dst);

/* C = epilogue(A * B) over the whole m x n product, split over the
 * current thread pool: a (packed, m rows), b (packed, n columns), c row
 * stride ldc; e's pointers at row 0, column 0. */
void oar_qgemm_run(const oar_qs8_kernels *kr, size_t m, size_t n, size_t k, const int8_t *a, const uint8_t *b,
                   void *c, size_t ldc, const oar_qgemm_tile_epilogue *e);

/* Packs m rows of x (uint8 or, with flip 0x80, int8; row stride ldx) of
 * depth k into A panels of mr rows (oar_qgemm_packed_a_bytes bytes). */
void oar_qgemm_pack_rows_u8(const uint8_t *x, size_t ldx, size_t m, size_t k, size_t mr, uint8_t flip,
                            uint8_t *dst);

/* C = X . W over the whole product (weights on the columns, see
 * oar_qgemm_col_epilogue), split over the current thread pool: a packed
 * by oar_qgemm_pack_rows_u8, b by the table's pack_b; e at column 0. */
void oar_qgemm_run_cols(const oar_qs8_kernels *kr, size_t m, size_t n, size_t k, const uint8_t *a,
                        const int8_t *b, float *c, size_t ldc, const oar_qgemm_col_epilogue *e);

/* The generic add_int8 loop (the reference twin of the ISA ones). */
void oar_q8_add_generic(const void *a, const void *b, size_t n, const oar_q8_add_params *p, void *y);

/* The generic quantize / dequantize (the ISA tables' reference twins). */
void oar_q8_quantize_generic(const float *x, size_t n, float scale, int32_t zero, bool is_signed, void *y);
void oar_q8_dequantize_generic(const void *x, size_t n, float scale, int32_t zero, bool is_signed, float *y);

/* saturate(rne(t) + zero) for t = y / scale (quantize_linear) or
 * y * inv_scale (the GEMM epilogue). */
static inline int32_t oar_q8_round_saturate(float t, int32_t zero, bool is_signed) {
  /* Clamp before converting (out of int32's range otherwise); rounding a
   * value already past the limits changes nothing. A NaN takes the low
   * limit, as the vector kernels' max(t, -1024) gives it (converting it
   * would be undefined). */
  t = !(t >= -1024.0f) ? -1024.0f : t > 1024.0f ? 1024.0f : t;
  /* Round half to even, as ONNX: 1.5 * 2^23 forces the rounding. */
  const float r = (t + 12582912.0f) - 12582912.0f;
  int32_t q = (int32_t)r + zero;
  const int32_t lo = is_signed ? -128 : 0, hi = is_signed ? 127 : 255;
  return q < lo ? lo : q > hi ? hi : q;
}

/* ONNX QuantizeLinear of one float: the division in float32. */
static inline int32_t oar_q8_requantize(float y, float scale, int32_t zero, bool is_signed) {
  return oar_q8_round_saturate(y / scale, zero, is_signed);
}

/* Packs all of B (k x n, row stride ld) panel by panel, split over the
 * current thread pool. */
void oar_qgemm_pack_b_all(const oar_qs8_kernels *kr, const uint8_t *src, size_t ld, size_t k, size_t n,
                          uint8_t flip, uint8_t *dst);

#endif
