/* Reference normalizations (float32). */
#ifndef OAR_KERNELS_REF_NORM_ND_H
#define OAR_KERNELS_REF_NORM_ND_H

#include <stdint.h>

/* x is [groups, n] rows; each row is normalized by its mean and variance:
 * y = (x - mean) / sqrt(var + eps) * scale[s] + bias[s], where s is the
 * row's channel (row % channels) when per_row, else the element's index in
 * the row (scale_n values, 1 broadcasts). bias may be NULL; mean_out and
 * inv_std_out, when not NULL, get each row's mean and 1/sqrt(var + eps). */
void oar_ref_norm_rows_f32(const float *x, float *y, int64_t rows, int64_t n, double eps, const float *scale,
                           const float *bias, int64_t scale_n, int per_row, int64_t channels, float *mean_out,
                           float *inv_std_out);

/* Local response normalization across channels of [N, C, inner]. */
void oar_ref_lrn_f32(const float *x, float *y, int64_t batch, int64_t channels, int64_t inner, int64_t size,
                     double alpha, double beta, double bias);

#endif
