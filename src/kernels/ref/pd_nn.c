#include "kernels/ref/pd_nn.h"

#include <math.h>

void oar_ref_group_norm_f32(const float *x, float *y, int64_t batch, int64_t channels, int64_t inner,
                            int64_t groups, bool nhwc, double eps, const float *scale, const float *bias,
                            float *mean, float *var) {
  const int64_t cpg = channels / groups, count = cpg * inner;
  /* element (c, s) of one batch item */
  const int64_t cstride = nhwc ? 1 : inner, sstride = nhwc ? channels : 1;
  for (int64_t b = 0; b < batch; b++) {
    const float *xb = x + b * channels * inner;
    float *yb = y + b * channels * inner;
    for (int64_t g = 0; g < groups; g++) {
      /* Paddle's CPU kernel: var = E[x^2] - E[x]^2, clamped at 0. */
      double sum = 0, sq = 0;
      for (int64_t c = g * cpg; c < (g + 1) * cpg; c++)
        for (int64_t s = 0; s < inner; s++) {
          const double v = xb[c * cstride + s * sstride];
          sum += v;
          sq += v * v;
        }
      const double m = count ? sum / (double)count : 0.0;
      double v2 = count ? sq / (double)count - m * m : 0.0;
      if (v2 < 0) v2 = 0;
      const double inv = 1.0 / sqrt(v2 + eps);
      if (mean) mean[b * groups + g] = (float)m;
      if (var) var[b * groups + g] = (float)v2;
      for (int64_t c = g * cpg; c < (g + 1) * cpg; c++) {
        const double sc = scale ? scale[c] : 1.0, bi = bias ? bias[c] : 0.0;
        for (int64_t s = 0; s < inner; s++) {
          const int64_t i = c * cstride + s * sstride;
          yb[i] = (float)((xb[i] - m) * inv * sc + bi);
        }
      }
    }
  }
}

void oar_ref_l2_normalize_f32(const float *x, float *y, int64_t outer, int64_t n, int64_t inner, double eps,
                              float *norm_out) {
  for (int64_t o = 0; o < outer; o++)
    for (int64_t i = 0; i < inner; i++) {
      const float *xp = x + o * n * inner + i;
      float *yp = y + o * n * inner + i;
      double sq = 0;
      for (int64_t k = 0; k < n; k++) sq += (double)xp[k * inner] * xp[k * inner];
      const double norm = sqrt(sq + eps);
      for (int64_t k = 0; k < n; k++) yp[k * inner] = (float)(xp[k * inner] / norm);
      if (norm_out) norm_out[o * inner + i] = (float)norm;
    }
}
