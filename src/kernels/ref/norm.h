/* Reference batch normalization (inference form).
 *
 * The input is seen as [outer, channels, inner]: NCHW is
 * [N, C, H*W...], NHWC (channel last) is [N*H*W..., C, 1]. */
#ifndef OAR_KERNELS_REF_NORM_H
#define OAR_KERNELS_REF_NORM_H

#include <stdint.h>

typedef struct oar_batch_norm_params {
  int64_t outer, channels, inner;
  float epsilon;
} oar_batch_norm_params;

/* dst = src * s[c] + b[c] with s = scale / sqrt(var + eps) and
 * b = bias - mean * s, in float and in Paddle's order of operations.
 * scale, bias, mean and var hold `channels` values. */
void oar_ref_batch_norm_f32(const oar_batch_norm_params *p, const float *src, const float *scale,
                            const float *bias, const float *mean, const float *var, float *dst);

#endif
