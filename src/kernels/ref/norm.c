#include "kernels/ref/norm.h"

#include <math.h>

void oar_ref_batch_norm_f32(const oar_batch_norm_params *p, const float *src, const float *scale,
                            const float *bias, const float *mean, const float *var, float *dst) {
  for (int64_t c = 0; c < p->channels; c++) {
    /* Paddle folds the statistics into one multiply-add per element:
     * inv_std = 1/sqrt(var+eps); new_scale = inv_std*scale;
     * new_bias = bias - mean*inv_std*scale. Same order here. */
    const float inv_std = 1.0f / sqrtf(var[c] + p->epsilon);
    const float s = inv_std * scale[c];
    const float b = bias[c] - mean[c] * inv_std * scale[c];
    for (int64_t o = 0; o < p->outer; o++) {
      const int64_t base = (o * p->channels + c) * p->inner;
      for (int64_t i = 0; i < p->inner; i++) dst[base + i] = src[base + i] * s + b;
    }
  }
}
