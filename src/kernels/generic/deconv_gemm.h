/* Fast NCHW transposed convolution (ConvTranspose, conv2d_transpose) on
 * the GEMM of an oar_f32_kernels table, 1-D as 2-D with one row.
 *
 * Per image and group, on a slice of the input's pixels:
 *   cols[(oc, ky, kx), j] = sum over c of W[c, (oc, ky, kx)] * x[c, j]
 * (A = the filter transposed, pre-packed once by the caller; B = the image
 * read in place), then a col2im pass adds every column into the output
 * at (iy*stride - pad + ky*dilation, ix*stride - pad + kx*dilation), the
 * output rows split over the thread pool (each output row is written by
 * one thread, so any stride, dilation and overlap is race-free). Groups
 * with one input channel (depthwise transposes) skip the GEMM: the same
 * pass scatters the input itself, scaled by the filter tap. */
#ifndef OAR_KERNELS_GENERIC_DECONV_GEMM_H
#define OAR_KERNELS_GENERIC_DECONV_GEMM_H

#include <stdbool.h>

#include "kernels/generic/gemm.h"
#include "kernels/ref/conv.h"

/* Geometry as oar_conv2d_params, read for a transposed convolution:
 * in_* is the input x [N, in_c, in_h, in_w], out_* the output y (its size
 * already includes the output padding), the filter is
 * [in_c, out_c/groups, kernel_h, kernel_w]; pad_top / pad_left are the
 * begin paddings (cropped from the full output). nhwc is not supported. */
typedef struct oar_deconv_gemm {
  oar_conv2d_params p;
  const oar_f32_kernels *kr;
  bool direct;                /* scatter the input (no GEMM) */
  const float *packed_filter; /* NULL: pack on the fly (GEMM path) */
  size_t group_panel_floats;  /* floats of one group's A panels */
  size_t chunk;               /* input pixels per GEMM (a slice of the plane) */
  int slots;                  /* GEMM slots */
  size_t workspace_bytes;     /* SIZE_MAX: too large to run */
} oar_deconv_gemm;

/* Fills c for parameters p on table kr with `threads` threads. direct:
 * -1 picks (direct when one input channel per group), 0 or 1 forces
 * (tests). */
void oar_deconv_gemm_init(oar_deconv_gemm *c, const oar_conv2d_params *p, const oar_f32_kernels *kr,
                          int threads, int direct);

/* Floats of the pre-packed filter (0 on the direct path); SIZE_MAX on
 * overflow. */
size_t oar_deconv_packed_filter_floats(const oar_deconv_gemm *c);
/* Packs filter [in_c, out_c/groups, kh, kw] into dst. */
void oar_deconv_pack_filter(const oar_deconv_gemm *c, const float *filter, float *dst);

/* dst = conv_transpose(src, filter) + bias (bias may be NULL).
 * workspace: c->workspace_bytes bytes, 64-byte aligned. */
void oar_deconv_gemm_run(const oar_deconv_gemm *c, const float *src, const float *filter, const float *bias,
                         float *dst, void *workspace);

#endif
