/* Winograd F(2x2, 3x3) convolution on the blocked layout NCHW16c, on the
 * wino23_in / wino23_out transforms and the conv16c tile kernel of an
 * oar_f32_kernels table.
 *
 * Why: a 3x3 stride-1 convolution computes each 2x2 output tile from a
 * 4x4 input window with 16 products per channel pair instead of 36, so
 * the multiply-adds drop 2.25x; the transforms around them are adds only.
 * The output is walked in chunks of tiles whose transformed input V and
 * products M (16 matrices each) stay in L2: per chunk, the input
 * transform fills V[x][icb][tile][16], the 16 products M[x] = V[x] U[x]
 * run as 1x1 convolutions on the conv16c tile kernel (tiles as pixels),
 * and the output transform writes the 2x2 pixels with bias, residual,
 * clamp and activation.
 *
 * Limits: 3x3, stride 1, dilation 1, groups 1, blocked input. An odd
 * output size ends in half tiles, computed whole and written in part. A
 * padded convolution (or one whose last tiles reach past its input) first
 * copies its input into a zero-bordered buffer, as conv16c does for small
 * images.
 *
 * Accuracy: the filter transform G g G^T has entries of halves, the
 * others 0 and +-1, so small-integer data still sums exactly; for floats
 * each output differs from the direct sum by a few ulps of the magnitudes
 * of the transformed terms (at most 4x the input and 2.25x the filter
 * magnitudes). */
#ifndef OAR_KERNELS_GENERIC_WINO16C_H
#define OAR_KERNELS_GENERIC_WINO16C_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/generic/conv16c.h"
#include "kernels/generic/f32_kernels.h"
#include "kernels/ref/conv.h"

typedef struct oar_wino16c {
  oar_conv2d_params p;
  const oar_f32_kernels *kr;
  size_t icb, ocb, groups; /* channel blocks; output-channel groups of 4 blocks */
  size_t tiles_w, tiles;   /* 2x2 output tiles per row, in all */
  oar_blocked_planes bp;
  size_t chunk, chunks; /* tiles per chunk, chunks (a multiple of the slots, the last one maybe short) */
  int slots;
  bool split_groups;         /* slots split the output-channel groups (else the chunks of tiles) */
  size_t v_floats, m_floats; /* per slot */
  size_t workspace_bytes;    /* SIZE_MAX: too large */
} oar_wino16c;

/* Whether this convolution can run on table kr this way. */
bool oar_wino16c_supported(const oar_conv2d_params *p, const oar_f32_kernels *kr);

void oar_wino16c_init(oar_wino16c *c, const oar_conv2d_params *p, const oar_f32_kernels *kr, int threads);

/* Floats of the transformed, packed filter (SIZE_MAX on overflow), and the
 * packing of filter [out_c, in_c, 3, 3] into dst. */
size_t oar_wino16c_packed_floats(const oar_wino16c *c);
void oar_wino16c_pack_filter(const oar_wino16c *c, const float *filter, float *dst);

/* As oar_conv16c_run (blocked input; a zero-bordered output after
 * oar_blocked_planes_pad_output on c->bp). */
void oar_wino16c_run(const oar_wino16c *c, const float *src, const float *packed_filter, const float *bias,
                     const float *residual, float lo, float hi, const oar_act_params *act, float *dst,
                     void *workspace);

#endif
