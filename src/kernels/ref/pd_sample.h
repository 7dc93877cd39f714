/* Reference kernels of Paddle's grid_sampler and roi_align (float32). */
#ifndef OAR_KERNELS_REF_PD_SAMPLE_H
#define OAR_KERNELS_REF_PD_SAMPLE_H

#include <stdbool.h>
#include <stdint.h>

enum { OAR_REF_GRID_ZEROS, OAR_REF_GRID_BORDER, OAR_REF_GRID_REFLECTION };

/* y [n, c, ho, wo] = x [n, c, h, w] sampled at grid [n, ho, wo, 2]:
 * bilinear (nearest: rounded half away from zero), the grid unnormalized
 * with or without align_corners, then clipped or reflected per padding. */
void oar_ref_grid_sample_f32(const float *x, const float *grid, float *y, int64_t n, int64_t c, int64_t h,
                             int64_t w, int64_t ho, int64_t wo, bool nearest, int padding,
                             bool align_corners);

/* The 5-D form: y [n, c, do, ho, wo] = x [n, c, d, h, w] sampled at grid
 * [n, do, ho, wo, 3] (x, y, z): trilinear, or nearest as in 2-D. */
void oar_ref_grid_sample3d_f32(const float *x, const float *grid, float *y, int64_t n, int64_t c, int64_t d,
                               int64_t h, int64_t w, int64_t dout, int64_t ho, int64_t wo, bool nearest,
                               int padding, bool align_corners);

/* out [r, c, ph, pw]: the average of bilinear samples of x [n, c, h, w] in
 * each bin of each ROI (x1, y1, x2, y2 scaled by spatial_scale), batch[r]
 * the image of ROI r. */
void oar_ref_roi_align_f32(const float *x, const float *rois, const int64_t *batch, float *out, int64_t r,
                           int64_t c, int64_t h, int64_t w, int64_t ph, int64_t pw, float spatial_scale,
                           int64_t sampling_ratio, bool aligned);

/* Deformable convolution (Paddle's ModulatedDeformableIm2col then the
 * grouped product, without the column buffer): out [n, m, oh, ow] sums
 * filter[o, c, i, j] * bilinear(x[b, c], tap + offset) * mask (1 when mask
 * is NULL) over each group's channels and the kh x kw taps. */
typedef struct oar_ref_dconv_geom {
  int64_t n, c, h, w, m, kh, kw, oh, ow, groups, dgroups;
  int64_t stride[2], pad[2], dilation[2];
} oar_ref_dconv_geom;
void oar_ref_deformable_conv_f32(const float *x, const float *offset, const float *filter, const float *mask,
                                 float *out, const oar_ref_dconv_geom *g);

#endif
