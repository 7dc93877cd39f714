/* The table of optimized float32 kernels of one ISA level, and the
 * contracts every level's kernels follow. One const table per level
 * (f32_kernels_generic here, f32_kernels_avx2 / _avx512 in
 * kernels/x86/<isa>/, f32_kernels_neon in kernels/arm/neon/), filled at compile time; the runtime picks one
 * table when it plans a model and never branches on the ISA in a hot loop. */
#ifndef OAR_KERNELS_GENERIC_F32_KERNELS_H
#define OAR_KERNELS_GENERIC_F32_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include <stdbool.h>

#include "base/cpu.h"
#include "kernels/ref/activation.h"
#include "kernels/ref/conv.h"
#include "kernels/ref/pool.h"

/* ---- GEMM microkernel --------------------------------------------------
 * Computes one mr x nr tile of C (mr <= MR, nr <= NR of the table) over kc
 * steps of k:
 *   a: a packed panel, kc groups of MR floats (row r of step k at
 *      a[k*MR + r]; rows >= mr are zero padding, ignored);
 *   b: kc rows of B, row k at b + k*ldb (ldb = NR for a packed panel, or
 *      the row stride of a matrix read in place); columns >= nr are never
 *      read.
 * flags: OAR_GEMM_FIRST starts the accumulators at bias (or 0) instead of
 * loading C; OAR_GEMM_LAST adds the residual and clamps to [lo, hi] before
 * the store. C is written only inside the mr x nr tile. */
#define OAR_GEMM_FIRST 1u
#define OAR_GEMM_LAST 2u

typedef struct oar_gemm_tile_epi {
  const float *bias_row; /* [mr], added to every column; or NULL */
  const float *bias_col; /* [nr], added to every row; or NULL */
  const float *residual; /* tile of the residual (row stride ldr), or NULL */
  size_t ldr;
  float lo, hi; /* clamp; -inf/+inf for none */
} oar_gemm_tile_epi;

typedef void (*oar_f32_gemm_ukernel_fn)(size_t mr, size_t nr, size_t kc, const float *a, const float *b,
                                        size_t ldb, float *c, size_t ldc, unsigned flags,
                                        const oar_gemm_tile_epi *epi);

/* y[i] = clamp(sum_k a[i*lda + k] * x[k] + bias[i] + residual[i], lo, hi)
 * for i < m (bias and residual may be NULL): the N == 1 product, read
 * straight from row-major A. */
typedef void (*oar_f32_gemv_fn)(size_t m, size_t k, const float *a, size_t lda, const float *x,
                                const float *bias, const float *residual, float lo, float hi, float *y);

/* dst[i] = f(src[i]) for i < n (src == dst allowed). Error bounds of the
 * fast transcendental functions are documented in each ISA's file. */
typedef void (*oar_f32_act_fn)(const oar_act_params *p, const float *src, float *dst, size_t n);

/* Depthwise convolution of one channel plane (NCHW): dst[oh][ow] =
 * clamp(bias + sum w[kh][kw] * src[oh*sh - pt + kh*dh][ow*sw - pl + kw*dw]
 * (+ residual[oh][ow])), taps outside the plane count as zero. */
typedef struct oar_dwconv_plane {
  size_t in_h, in_w, out_h, out_w;
  size_t kernel_h, kernel_w;
  size_t stride_h, stride_w, dilation_h, dilation_w;
  size_t pad_top, pad_left;
  float lo, hi;
} oar_dwconv_plane;

/* scratch holds at least oar_dwconv_scratch_floats(p) floats. */
typedef void (*oar_f32_dwconv_fn)(const oar_dwconv_plane *p, const float *src, const float *w, float bias,
                                  const float *residual, float *dst, float *scratch);

/* Max pooling with the semantics of oar_ref_pool2d_f32 (bit for bit);
 * geometries a level does not speed up (adaptive, NHWC, some strides) it
 * hands to the reference itself. */
typedef void (*oar_f32_pool2d_fn)(const oar_pool2d_params *p, const float *src, float *dst);

/* dst[i] = src[i] * s + b (batch_norm, scale) for i < n. */
typedef void (*oar_f32_affine_fn)(const float *src, float s, float b, float *dst, size_t n);

/* Element-wise binary ops on contiguous runs: dst[i] = x[i] op y[i], or
 * with a broadcast scalar y (y_scalar: dst[i] = x[i] op y[0]). The R forms
 * take their operands the other way round (dst[i] = y[i] op x[i]), so a
 * broadcast first operand keeps the fast path for every op, with the
 * reference's exact NaN and signed-zero choices of max and min. */
typedef enum oar_fast_binary {
  OAR_FAST_ADD,
  OAR_FAST_SUB,
  OAR_FAST_MUL,
  OAR_FAST_DIV,
  OAR_FAST_MAX,
  OAR_FAST_MIN,
  OAR_FAST_RSUB,
  OAR_FAST_RDIV,
  OAR_FAST_RMAX,
  OAR_FAST_RMIN
} oar_fast_binary;
typedef void (*oar_f32_binary_fn)(oar_fast_binary op, const float *x, const float *y, int y_scalar,
                                  float *dst, size_t n);

/* Softmax (log_softmax when `log`) along k of `cols` interleaved vectors
 * of n elements: element k of vector c at src[k*stride + c] (stride >= cols;
 * a last-axis softmax is cols = 1, stride = 1). exp is the shared
 * polynomial of f32_simple_impl.h (<= 2 ulp for the shifted inputs, which
 * are <= 0; 0 where expf is subnormal), sums kept in double; NaN in a
 * vector makes its outputs NaN, as in the reference. */
typedef void (*oar_f32_softmax_fn)(const float *src, float *dst, size_t n, size_t stride, size_t cols,
                                   bool take_log);

/* ---- Blocked-layout (NCHW16c) direct convolution tile -------------------
 * NCHW16c: channel c of pixel (h, w) of an H x W image at
 * ((c/16)*H + h)*W + w)*16 + c%16 (channels padded with zeros to a
 * multiple of 16). One call computes npx (<= OAR_CONV16C_PX) output pixels
 * by fc (<= OAR_CONV16C_FC) blocks of 16 output channels:
 *   out[ob*out_ob_stride + out_px[p] + o] (+)=
 *     sum over cb < cbs, t < taps, i < lanes of
 *       in[p][cb*in_cb_stride + tap_off[t] + i*lane_stride] * w[((cb*taps + t)*lanes + i)*fc*16 + ob*16 + o]
 * lanes = 16 and lane_stride = 1 read blocked input; a plain NCHW input
 * (a first layer: few channels) is one "block" of lanes = C channels,
 * lane_stride floats apart.
 * flags as for the GEMM: OAR_GEMM_FIRST starts from bias (fc*16 floats, or
 * 0) instead of loading out; OAR_GEMM_LAST adds the residual
 * (res[ob*res_ob_stride + p*16 + o]: the tile's pixels side by side, while
 * out_px may place them in a zero-bordered plane) and clamps to [lo, hi]. */
#define OAR_CONV16C_PX 6
#define OAR_CONV16C_FC 4
typedef struct oar_conv16c_tile {
  const float *in[OAR_CONV16C_PX];
  size_t in_cb_stride;
  const ptrdiff_t *tap_off;
  size_t taps, cbs;
  size_t lanes, lane_stride;
  const float *w;
  float *out;
  size_t out_px[OAR_CONV16C_PX]; /* floats from out to pixel p (its first block) */
  size_t out_ob_stride;
  const float *bias;
  const float *res;
  size_t res_ob_stride;
  float lo, hi;
  unsigned flags;
} oar_conv16c_tile;
typedef void (*oar_f32_conv16c_fn)(size_t fc, size_t npx, const oar_conv16c_tile *t);

/* ---- Blocked-layout (NCHW16c) depthwise convolution segment ------------
 * n consecutive output pixels of one row of one 16-channel block, every
 * pixel with the same filter window (rows x taps of the kernel, the caller
 * having dropped the rows and tap columns outside the image):
 *   out[j*16 + l] = clamp(bias[l] + sum over r < rows, t < taps of
 *       in[r*in_row_stride + j*in_px_stride + t*in_tap_stride + l] * w[r*w_row_stride + t*16 + l]
 *     + res[j*16 + l], lo, hi)
 * (strides in floats; bias and res may be NULL; rows or taps may be 0). */
typedef struct oar_dwconv16c_seg {
  const float *in; /* output pixel 0's first valid tap */
  size_t in_row_stride, in_px_stride, in_tap_stride;
  size_t rows, taps;
  const float *w; /* the filter at the first valid tap */
  size_t w_row_stride;
  const float *bias; /* 16 floats, or NULL */
  const float *res;  /* n*16 floats, or NULL */
  float lo, hi;
  float *out;
  size_t n;
} oar_dwconv16c_seg;
typedef void (*oar_f32_dwconv16c_fn)(const oar_dwconv16c_seg *s);

/* ---- Winograd F(2x2, 3x3) transforms on NCHW16c vectors -----------------
 * (kernels/generic/wino16c.h). Input: n tiles along a row; tile j's 4x4
 * window of pixel vectors at src + j*32 + r*row_stride + c*16 (r, c < 4);
 * its 16 transformed vectors V = B^T d B go to dst + x*xi_stride + j*16
 * (x = 4*row + column of V). Output: tile j's 16 products at
 * m + x*xi_stride + j*16 become Y = A^T m A, + bias (16 floats or NULL) +
 * the residual (same layout as dst, or NULL), clamped to [lo, hi]: the 2x2
 * output pixels at dst + j*32 + r*dst_row_stride + c*16 (res likewise with
 * res_row_stride). */
typedef void (*oar_f32_wino_in_fn)(const float *src, size_t row_stride, size_t n, float *dst,
                                   size_t xi_stride);
typedef void (*oar_f32_wino_out_fn)(const float *m, size_t xi_stride, size_t n, const float *bias,
                                    const float *res, size_t res_row_stride, float lo, float hi, float *dst,
                                    size_t dst_row_stride);

/* Pooling (semantics of oar_ref_pool2d_f32, bit for bit, per lane) of
 * `planes` consecutive NCHW16c planes of 16 channels: src holds planes
 * in_h*in_w*16 floats each, dst out_h*out_w*16; p->batch and p->channels
 * are not read. */
typedef void (*oar_f32_pool16c_fn)(const oar_pool2d_params *p, const float *src, float *dst, size_t planes);

/* ---- Recurrent cell gates (rnn_seq, Paddle rnn) -------------------------
 * One time step of one batch row, after the products: every gate's
 * pre-activation is x[g][k] + r[g][k] (the input projection with the
 * biases folded in, and the hidden projection), clamped to [-clip, clip]
 * when clip > 0, for k < n. Gates by role, whatever the model's order:
 *   LSTM (OAR_RNN_CELL_LSTM): 0 input i, 1 output o, 2 forget f, 3 cell c;
 *     i = s(xi + ri + pi*c), f = s(xf + rf + pf*c) (1 - i when
 *     input_forget), c' = f*c + i*t(xc + rc), o = s(xo + ro + po*c'),
 *     h' = o*t(c'); peep: pi, po, pf (n each; peep[0] NULL: none); c
 *     updated in place.
 *   GRU: 0 update z, 1 reset r, 2 candidate; z = s(xz + rz),
 *     rr = s(xr + rr); gru_mode OAR_RNN_GRU_LINEAR_BEFORE_RESET:
 *     cand = t(x2 + rr*r2); OAR_RNN_GRU_RESET_APPLIED: cand = t(x2 + r2)
 *     (r2 already R (rr*h) + bias); h' = (1 - z)*cand + z*h;
 *     OAR_RNN_GRU_RESET_ONLY writes rh = rr*h and nothing else.
 *   RNN: 0; h' = f(x0 + r0), f = rnn_act (tanh, relu or sigmoid).
 * s is the sigmoid, t tanh (the level's fast forms, error bounds in its
 * f32_vact file). h_prev and h may be the same buffer. */
enum { OAR_RNN_CELL_RNN, OAR_RNN_CELL_GRU, OAR_RNN_CELL_LSTM };
enum { OAR_RNN_GRU_LINEAR_BEFORE_RESET, OAR_RNN_GRU_RESET_APPLIED, OAR_RNN_GRU_RESET_ONLY };
enum { OAR_RNN_CELL_TANH, OAR_RNN_CELL_RELU, OAR_RNN_CELL_SIGMOID };
typedef struct oar_rnn_cell_args {
  int cell, gru_mode, rnn_act;
  bool input_forget;
  size_t n;
  const float *x[4], *r[4];
  const float *peep[3];
  float clip;
  const float *h_prev;
  float *h, *c, *rh;
} oar_rnn_cell_args;
typedef void (*oar_f32_rnn_cell_fn)(const oar_rnn_cell_args *a);

/* ---- GEMM operand packing (layout: kernels/generic/gemm.h) -------------
 * Packs rows (A) or columns (B) [idx0, idx0 + count) over depth
 * [k0, k0 + kc) into panels of r: panel p at dst + p*r*kc, step k of it at
 * offset k*r, zero past `count`. */
typedef void (*oar_gemm_pack_fn)(const void *ctx, size_t idx0, size_t count, size_t k0, size_t kc, size_t r,
                                 float *dst);

/* A plain matrix as a pack source: element (i, k) of A is data[i*ld + k]
 * (data[k*ld + i] when trans), (k, j) of B is data[k*ld + j] (data[j*ld +
 * k] when trans); every value is multiplied by scale. */
typedef struct oar_gemm_matrix {
  const float *data;
  size_t ld;
  bool trans;
  float scale;
} oar_gemm_matrix;

/* One image (of one group) of an NCHW convolution as the B side: column j
 * is output pixel j, depth k = (c * kernel_h + y) * kernel_w + x; x points
 * at the group's first input channel. */
typedef struct oar_im2col_src {
  const oar_conv2d_params *p;
  const float *x;
} oar_im2col_src;

typedef struct oar_f32_kernels {
  oar_isa isa;
  const char *gemm_name; /* e.g. "f32_gemm_12x32__avx512" */
  size_t mr, nr;         /* GEMM register tile */
  size_t kc, mc, nc;     /* cache blocks: k depth, rows of A, columns of B */
  oar_f32_gemm_ukernel_fn gemm;
  oar_f32_gemv_fn gemv;
  oar_f32_act_fn act;
  oar_f32_dwconv_fn dwconv;
  oar_f32_affine_fn affine;
  oar_f32_binary_fn binary;
  oar_f32_softmax_fn softmax;
  oar_f32_rnn_cell_fn rnn_cell;
  const char *rnn_cell_name;      /* e.g. "f32_rnn_cell__avx512" */
  oar_f32_pool2d_fn maxpool2d;    /* NULL: the level has none (the reference runs) */
  oar_f32_conv16c_fn conv16c;     /* NULL: the level has no blocked-layout convolution */
  oar_f32_dwconv16c_fn dwconv16c; /* NULL: none (kernels/generic/dwconv16c.h) */
  oar_f32_pool16c_fn pool16c;     /* NULL: none (kernels/generic/pool16c.h) */
  oar_f32_wino_in_fn wino23_in;   /* NULL: no Winograd F(2x2, 3x3) (kernels/generic/wino16c.h) */
  oar_f32_wino_out_fn wino23_out;
  oar_gemm_pack_fn pack_rows;        /* ctx: oar_gemm_matrix, A side */
  oar_gemm_pack_fn pack_cols;        /* ctx: oar_gemm_matrix, B side */
  oar_gemm_pack_fn pack_im2col;      /* ctx: oar_im2col_src, B side (columns = output pixels) */
  oar_gemm_pack_fn pack_rows_im2col; /* ctx: oar_im2col_src, A side (rows = output pixels) */
} oar_f32_kernels;

extern const oar_f32_kernels oar_f32_kernels_generic;
#if defined(OAR_X86_KERNELS)
extern const oar_f32_kernels oar_f32_kernels_avx2;
extern const oar_f32_kernels oar_f32_kernels_avx512;
#endif
#if defined(OAR_ARM_KERNELS)
extern const oar_f32_kernels oar_f32_kernels_neon;
#endif

/* The table for the highest level built into this library that does not
 * exceed `isa` (the caller has checked that the host supports `isa`). */
const oar_f32_kernels *oar_f32_kernels_for(oar_isa isa);

/* Floats of scratch a dwconv call needs (a zero-padded copy of the plane,
 * see f32_simple_impl.h); SIZE_MAX when that would overflow. */
size_t oar_dwconv_scratch_floats(const oar_dwconv_plane *p);

#endif
