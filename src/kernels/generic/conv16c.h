/* Direct convolution on images in the blocked NCHW16c layout (see
 * f32_kernels.h), on the conv16c tile kernel of an oar_f32_kernels table.
 *
 * Why a blocked layout: with 16 channels of a pixel contiguous, a filter
 * tap is one vector of 16 output channels per input channel, and the
 * image is read in place (no im2col, no packing at run time). The output
 * is split into tiles of up to 6 pixels (consecutive in the flattened
 * image, across rows) by up to 4 blocks of 16 output channels; the input
 * channels are walked in chunks whose filter slice stays in cache while
 * every pixel tile uses it. Padded convolutions first copy the image into
 * a zero-bordered buffer, so that the tile kernel never tests bounds.
 *
 * A first layer (3 input channels, say) reads its input as plain NCHW
 * instead (oar_conv16c_init_plain_input): one "block" of in_c channels,
 * a plane apart, so that its output is blocked without padding the input
 * channels to 16.
 *
 * Filter packing: output-channel groups of up to 4 blocks, group g at
 * g * 64 * icb * taps * lanes floats (lanes: 16, or in_c for a plain
 * input); inside a group, for each input block, tap and input channel of
 * the block, the group's output channels (16 per block), zero past in_c
 * and out_c. */
#ifndef OAR_KERNELS_GENERIC_CONV16C_H
#define OAR_KERNELS_GENERIC_CONV16C_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/generic/bf16_kernels.h"
#include "kernels/generic/f32_kernels.h"
#include "kernels/ref/conv.h"

#define OAR_CONV16C_MAX_TAPS 64

/* The planes a blocked convolution reads and writes (conv16c, wino16c):
 * the input plane its kernel reads, hp x wp, a zero-bordered copy of the
 * image when pad_copy (else the image itself); and the output plane,
 * out_hp x out_wp with the out_h x out_w pixels at (out_top, out_left)
 * inside zero rows and columns (pad_output) or just the output. */
typedef struct oar_blocked_planes {
  bool pad_copy;
  size_t hp, wp;
  size_t out_top, out_left, out_hp, out_wp;
} oar_blocked_planes;

/* For a kernel that reads need_h x need_w from the padded origin of p's
 * input; the output unpadded. */
void oar_blocked_planes_init(oar_blocked_planes *bp, const oar_conv2d_params *p, size_t need_h,
                             size_t need_w);

/* Writes the output inside top/bottom zero rows and left/right zero
 * columns: it is then [n, ocb, out_h + top + bottom, out_w + left +
 * right, 16] (a residual stays unpadded). */
void oar_blocked_planes_pad_output(oar_blocked_planes *bp, const oar_conv2d_params *p, size_t top,
                                   size_t bottom, size_t left, size_t right);

/* Readies one image: zeros the border of its output y (padded output),
 * and returns the input to read, x or its zero-bordered copy made into
 * padded (over the thread pool when parallel). x has in_planes planes of
 * px floats per pixel, y out_planes blocks. */
const float *oar_blocked_image(const oar_blocked_planes *bp, const oar_conv2d_params *p, const float *x,
                               size_t in_planes, size_t px, float *padded, float *y, size_t out_planes,
                               bool parallel);

/* bias [out_c] into dst, zeros up to ocb * 16 floats; NULL for no bias. */
const float *oar_bias16(const float *bias, size_t out_c, size_t ocb, float *dst);

typedef struct oar_conv16c {
  oar_conv2d_params p; /* NCHW geometry (groups == 1); the tensors are NCHW16c */
  const oar_f32_kernels *kr;
  /* bfloat16 operands (oar_conv16c_init_bf16): the filter packed in
   * channel pairs, the image converted (and padded) into the workspace;
   * NULL: float32. */
  const oar_bf16_kernels *bk;
  size_t icb, ocb, groups, taps; /* channel blocks, output-channel groups of 4 blocks, taps */
  oar_blocked_planes bp;
  bool plain_input; /* the input is NCHW (one block of `lanes` channels) */
  size_t lanes;     /* input channels per block: 16, or in_c for a plain input */
  ptrdiff_t tap_off[OAR_CONV16C_MAX_TAPS];
  size_t chunk; /* input blocks per pass over the pixel tiles */
  int slots;
  size_t split_groups;    /* slots across output-channel groups (the rest across pixel tiles) */
  size_t workspace_bytes; /* SIZE_MAX: too large */
} oar_conv16c;

/* Blocks of 16 channels for c channels. */
static inline size_t oar_blocks16(size_t c) { return (c + 15) / 16; }

/* Whether this convolution can run blocked on table kr. */
bool oar_conv16c_supported(const oar_conv2d_params *p, const oar_f32_kernels *kr);

void oar_conv16c_init(oar_conv16c *c, const oar_conv2d_params *p, const oar_f32_kernels *kr, int threads);
/* The same with an NCHW input (output still blocked). */
void oar_conv16c_init_plain_input(oar_conv16c *c, const oar_conv2d_params *p, const oar_f32_kernels *kr,
                                  int threads);

/* The same with bfloat16 operands on table bk, the input blocked or
 * (plain_input) NCHW: float32 accumulation, bias, residual and output. A
 * plain input is converted into one block of its channels interleaved per
 * pixel, rounded up to pairs (lanes = in_c rounded up to even). */
bool oar_conv16c_supported_bf16(const oar_conv2d_params *p, const oar_f32_kernels *kr,
                                const oar_bf16_kernels *bk);
void oar_conv16c_init_bf16(oar_conv16c *c, const oar_conv2d_params *p, const oar_f32_kernels *kr,
                           const oar_bf16_kernels *bk, int threads, bool plain_input);

/* Copies each of `planes` h x w planes of px floats per pixel into an
 * hp x wp plane at (top, left), zeros around it; over the current thread
 * pool when `parallel`. */
void oar_pad_planes(const float *src, size_t planes, size_t h, size_t w, size_t px, size_t top, size_t left,
                    size_t hp, size_t wp, float *dst, bool parallel);

/* Floats of the packed filter (SIZE_MAX on overflow) and the packing of
 * filter [out_c, in_c, kh, kw] into dst (with bfloat16 operands: pairs of
 * bf16 input channels, two to a float's 4 bytes, half the floats). */
size_t oar_conv16c_packed_floats(const oar_conv16c *c);
void oar_conv16c_pack_filter(const oar_conv16c *c, const float *filter, float *dst);

/* dst = act(clamp(conv(src) + bias + residual, lo, hi)); src NCHW16c (or
 * NCHW for a plain input), residual and dst NCHW16c (dst zero-bordered
 * after oar_blocked_planes_pad_output on c->bp); bias [out_c] or NULL; act NULL for none. workspace:
 * c->workspace_bytes, 64-byte aligned. */
void oar_conv16c_run(const oar_conv16c *c, const float *src, const float *packed_filter, const float *bias,
                     const float *residual, float lo, float hi, const oar_act_params *act, float *dst,
                     void *workspace);

/* Layout changes: [n, c, h*w] <-> [n, c/16 (rounded up), h*w, 16], the
 * padding channels of the blocked form zero. */
void oar_nchw_to_nchw16c(const float *src, size_t n, size_t c, size_t hw, float *dst);
void oar_nchw16c_to_nchw(const float *src, size_t n, size_t c, size_t hw, float *dst);

#endif
