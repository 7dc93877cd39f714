/* Row normalizations (layer_norm_axis, instance_norm_nd, group_norm) on
 * contiguous rows: the statistics in 16 float partial sums (vectorized by
 * the compiler) combined in double, two passes (mean, then the centered
 * variance), and the affine step in float. The reference kernels
 * (kernels/ref/norm_nd.c, pd_nn.c) accumulate every element in double;
 * the results agree within a few float ulps of the output's scale. */
#ifndef OAR_KERNELS_GENERIC_F32_NORM_H
#define OAR_KERNELS_GENERIC_F32_NORM_H

#include <stdbool.h>
#include <stddef.h>

/* How a row's values pick their scale and bias. */
typedef enum oar_norm_affine {
  OAR_NORM_AFFINE_ONE,  /* scale[0], bias[0] for every value */
  OAR_NORM_AFFINE_ELEM, /* scale[i], bias[i] by the value's index i in the row */
  OAR_NORM_AFFINE_SEG   /* the row is segs segments of n / segs values; segment s of row r takes
                           scale[(r % cycle) * segs + s] (instance norm: segs 1, cycle C; group
                           norm: segs = channels per group, cycle = groups) */
} oar_norm_affine;

typedef struct oar_norm_rows {
  size_t n; /* values per row */
  double eps;
  const float *scale, *bias; /* NULL: 1 and 0 */
  oar_norm_affine affine;
  size_t segs, cycle;
  float *mean_out; /* per row, or NULL */
  float *stat_out; /* per row, or NULL: the variance, or 1 / sqrt(var + eps) when stat_is_inv */
  bool stat_is_inv;
} oar_norm_rows;

/* Mean and population variance of n floats (n > 0). */
void oar_f32_moments(const float *x, size_t n, double *mean, double *var);

/* Normalizes rows [r0, r1) (row r at x + r * n, into y + r * n). */
void oar_f32_norm_rows(const oar_norm_rows *p, const float *x, float *y, size_t r0, size_t r1);

/* Group norm of one NHWC item: x is [pixels, c], group g the channels
 * [g * c / groups, (g + 1) * c / groups) of every pixel. Per-channel sums
 * over the pixels (vectorized across channels, in double), the group
 * statistics from them (two passes: the mean, then the centered
 * variance), then y = (x - mean) * scale * inv + bias per channel.
 * mean_out / var_out (groups values each) may be NULL; work holds 6 * c
 * doubles. */
void oar_f32_group_norm_nhwc(const float *x, float *y, size_t pixels, size_t c, size_t groups, double eps,
                             const float *scale, const float *bias, float *mean_out, float *var_out,
                             double *work);

#endif
