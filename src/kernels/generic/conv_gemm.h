/* Fast NCHW convolution on the GEMM of an oar_f32_kernels table.
 *
 * Per image and group, output[oc, oh*ow] = W[oc, (c, kh, kw)] * im2col(x):
 * the filter is the A side (pre-packed once by the caller), the image the
 * B side, packed block by block straight from the image (no im2col
 * buffer). A 1x1, stride-1, unpadded convolution reads the image as the
 * [C, H*W] matrix it already is. An output of one pixel is a GEMV on the
 * filter as stored. Depthwise convolutions (one input channel per group)
 * run the table's per-plane kernel over the planes in parallel. */
#ifndef OAR_KERNELS_GENERIC_CONV_GEMM_H
#define OAR_KERNELS_GENERIC_CONV_GEMM_H

#include "kernels/generic/bf16_gemm.h"
#include "kernels/generic/gemm.h"
#include "kernels/ref/conv.h"

typedef enum oar_conv_algo {
  OAR_CONV_GEMM_1X1, /* 1x1, stride 1, no padding: B is the image */
  OAR_CONV_GEMM_IM2COL,
  OAR_CONV_GEMM_PIXELS, /* small images: pixels x channels (transposed), see below */
  OAR_CONV_GEMV,        /* one output pixel, 1x1 filter over a 1x1 image */
  OAR_CONV_DEPTHWISE
} oar_conv_algo;

/* The algorithm for these parameters (NCHW only) on table kr.
 *
 * Pixel-major: when the output image is small (7x7: 49 pixels fill 49 of
 * 64 lanes of two 32-wide tiles) and the channels fill whole vectors, the
 * product is computed transposed, out^T[pixel, channel] = im2col^T x W^T,
 * into workspace, then written back as NCHW with the residual and the
 * activation applied on the way. */
oar_conv_algo oar_conv_choose(const oar_conv2d_params *p, const oar_f32_kernels *kr);

/* A prepared convolution: parameters, algorithm, and the filter as GEMM
 * panels (one block of panels per group) when pre-packed. */
typedef struct oar_conv_gemm {
  oar_conv2d_params p;
  oar_conv_algo algo;
  const oar_f32_kernels *kr;
  /* bfloat16 operands (oar_conv_gemm_init_bf16): the filter pre-packed in
   * the pair layout (bf16_gemm.h; packed_filter then holds its words,
   * group_panel_floats counts them), the image converted while packed;
   * NULL: float32. */
  const oar_bf16_kernels *bk;
  const float *packed_filter; /* NULL: pack the filter on the fly */
  size_t group_panel_floats;  /* floats of one group's panels */
  int slots;
  size_t workspace_bytes; /* SIZE_MAX: too large to run (sizes from the model overflow) */
} oar_conv_gemm;

/* Fills c (algo, slots, workspace) for parameters p on table kr with
 * `threads` threads. */
void oar_conv_gemm_init(oar_conv_gemm *c, const oar_conv2d_params *p, const oar_f32_kernels *kr, int threads);

/* The same with bfloat16 operands on table bk (mr and nr those of kr)
 * for the GEMM algorithms (1x1, im2col, pixel-major); the filter must then
 * be pre-packed (oar_conv_pack_filter). The GEMV and depthwise algorithms
 * stay float32 (c->bk NULL). */
void oar_conv_gemm_init_bf16(oar_conv_gemm *c, const oar_conv2d_params *p, const oar_f32_kernels *kr,
                             const oar_bf16_kernels *bk, int threads);

/* Floats of the pre-packed filter (all groups); SIZE_MAX on overflow. */
size_t oar_conv_packed_filter_floats(const oar_conv_gemm *c);
/* Packs filter [out_c, in_c/groups, kh, kw] into dst. */
void oar_conv_pack_filter(const oar_conv_gemm *c, const float *filter, float *dst);

/* Runs the convolution: dst = clamp(conv(src, filter) + bias + residual),
 * then `act` (may be NULL). filter is the stored filter (read when not
 * pre-packed, and by the GEMV and depthwise paths). */
void oar_conv_gemm_run(const oar_conv_gemm *c, const float *src, const float *filter, const float *bias,
                       const float *residual, float lo, float hi, const oar_act_params *act, float *dst,
                       void *workspace);

#endif
