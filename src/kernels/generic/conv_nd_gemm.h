/* N-d convolution (3-D and up, NC[D...] float32) on the GEMM of an
 * oar_f32_kernels table: per image and group,
 *   y[oc, pixel] = W[oc, (c, k...)] * im2col(x)[(c, k...), pixel]
 * with the filter as the A side (pre-packed once by the caller, in the
 * layout of conv2d's row panels, kernels/generic/conv_gemm.h) and the
 * image packed block by block by an N-d im2col (no im2col buffer), the
 * bias in the GEMM's epilogue. 1-D and 2-D convolutions take conv_gemm.h. */
#ifndef OAR_KERNELS_GENERIC_CONV_ND_GEMM_H
#define OAR_KERNELS_GENERIC_CONV_ND_GEMM_H

#include "kernels/generic/gemm.h"
#include "kernels/ref/window_nd.h"

typedef struct oar_conv_nd_gemm {
  oar_window_params p; /* pad_begin >= 0; every size >= 1 */
  const oar_f32_kernels *kr;
  const float *packed_filter; /* NULL: pack the filter on the fly */
  size_t group_panel_floats;  /* floats of one group's panels */
  int slots;
  size_t workspace_bytes; /* SIZE_MAX: too large to run */
} oar_conv_nd_gemm;

void oar_conv_nd_gemm_init(oar_conv_nd_gemm *c, const oar_window_params *p, const oar_f32_kernels *kr,
                           int threads);

/* Floats of the pre-packed filter (all groups); SIZE_MAX on overflow. */
size_t oar_conv_nd_packed_filter_floats(const oar_conv_nd_gemm *c);
/* Packs filter [out_c, in_c/group, k...] into dst. */
void oar_conv_nd_pack_filter(const oar_conv_nd_gemm *c, const float *filter, float *dst);

/* y = conv(x, filter) + bias (bias may be NULL). workspace:
 * c->workspace_bytes bytes, 64-byte aligned. */
void oar_conv_nd_gemm_run(const oar_conv_nd_gemm *c, const float *x, const float *filter, const float *bias,
                          float *y, void *workspace);

#endif
