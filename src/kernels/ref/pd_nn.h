/* Reference kernels of Paddle's group_norm and norm (float32). */
#ifndef OAR_KERNELS_REF_PD_NN_H
#define OAR_KERNELS_REF_PD_NN_H

#include <stdbool.h>
#include <stdint.h>

/* group_norm over x of [batch, channels, inner] (NCHW) or [batch, inner,
 * channels] (nhwc): channels split into `groups` runs of channels/groups;
 * y = (x - mean) / sqrt(var + eps) * scale[c] + bias[c] per (batch, group),
 * scale and bias NULL for 1 and 0. mean and var ([batch, groups]) may be
 * NULL. */
void oar_ref_group_norm_f32(const float *x, float *y, int64_t batch, int64_t channels, int64_t inner,
                            int64_t groups, bool nhwc, double eps, const float *scale, const float *bias,
                            float *mean, float *var);

/* norm: x of [outer, n, inner] along n: norm = sqrt(sum x^2 + eps), y = x /
 * norm; norm_out ([outer, inner]) may be NULL. */
void oar_ref_l2_normalize_f32(const float *x, float *y, int64_t outer, int64_t n, int64_t inner, double eps,
                              float *norm_out);

#endif
