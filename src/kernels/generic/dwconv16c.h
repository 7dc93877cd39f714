/* Depthwise convolution (groups == in_c == out_c, multiplier 1) on images
 * in the blocked NCHW16c layout (see conv16c.h), on the dwconv16c segment
 * kernel of an oar_f32_kernels table.
 *
 * Each 16-channel block is an independent plane of 16-float pixels, so a
 * filter tap is one per-lane FMA per output pixel. Every output row is cut
 * into the columns whose window the image clips on the left, the interior
 * (all taps inside: one segment call over all of it) and the clipped
 * columns on the right (one call each, with their narrower tap range);
 * filter rows outside the image are dropped per output row. So there is
 * no padded copy: the image is read in place, once per filter row, while
 * the rows a block of output rows needs stay in L1.
 *
 * Filter packing: [C/16 rounded up][kh*kw][16], zero past C. */
#ifndef OAR_KERNELS_GENERIC_DWCONV16C_H
#define OAR_KERNELS_GENERIC_DWCONV16C_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/generic/f32_kernels.h"
#include "kernels/ref/conv.h"

typedef struct oar_dwconv16c {
  oar_conv2d_params p; /* NCHW geometry (kernels/ref/conv.h): groups == in_c == out_c; tensors are NCHW16c */
  const oar_f32_kernels *kr;
  size_t cb; /* channel blocks */
  int slots;
  size_t workspace_bytes; /* SIZE_MAX: too large */
} oar_dwconv16c;

/* False when kr has no kernel for it, the tensors are NHWC, or the
 * convolution is not depthwise with multiplier 1. */
bool oar_dwconv16c_supported(const oar_conv2d_params *p, const oar_f32_kernels *kr);

void oar_dwconv16c_init(oar_dwconv16c *c, const oar_conv2d_params *p, const oar_f32_kernels *kr, int threads);

/* Floats of the packed filter (SIZE_MAX on overflow), and the packing of
 * filter [C, 1, kh, kw] into dst. */
size_t oar_dwconv16c_packed_floats(const oar_dwconv16c *c);
void oar_dwconv16c_pack_filter(const oar_dwconv16c *c, const float *filter, float *dst);

/* dst = act(clamp(dwconv(src) + bias + residual, lo, hi)); src, residual
 * and dst NCHW16c; bias [C] or NULL; residual NULL for none; act NULL for
 * none (applied with c->kr->act over finished rows). The padding channels
 * of dst come out finite when those of src and residual are (0, or
 * act(0)). workspace: c->workspace_bytes, 64-byte aligned. */
void oar_dwconv16c_run(const oar_dwconv16c *c, const float *src, const float *packed_filter,
                       const float *bias, const float *residual, float lo, float hi,
                       const oar_act_params *act, float *dst, void *workspace);

#endif
