#include "kernels/ref/norm_nd.h"

#include <math.h>

void oar_ref_norm_rows_f32(const float *x, float *y, int64_t rows, int64_t n, double eps, const float *scale,
                           const float *bias, int64_t scale_n, int per_row, int64_t channels, float *mean_out,
                           float *inv_std_out) {
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * n;
    float *yr = y + r * n;
    double mean = 0.0, var = 0.0;
    for (int64_t i = 0; i < n; i++) mean += xr[i];
    mean = n ? mean / (double)n : 0.0;
    for (int64_t i = 0; i < n; i++) var += ((double)xr[i] - mean) * ((double)xr[i] - mean);
    var = n ? var / (double)n : 0.0;
    const double inv = 1.0 / sqrt(var + eps);
    if (mean_out) mean_out[r] = (float)mean;
    if (inv_std_out) inv_std_out[r] = (float)inv;
    for (int64_t i = 0; i < n; i++) {
      int64_t s = per_row ? r % channels : (scale_n == 1 ? 0 : i);
      double v = ((double)xr[i] - mean) * inv * scale[s];
      if (bias) v += bias[s];
      yr[i] = (float)v;
    }
  }
}

void oar_ref_lrn_f32(const float *x, float *y, int64_t batch, int64_t channels, int64_t inner, int64_t size,
                     double alpha, double beta, double bias) {
  const int64_t before = (size - 1) / 2, after = size - 1 - before;
  for (int64_t nb = 0; nb < batch; nb++)
    for (int64_t c = 0; c < channels; c++)
      for (int64_t i = 0; i < inner; i++) {
        double sq = 0.0;
        int64_t lo = c - before < 0 ? 0 : c - before, hi = c + after >= channels ? channels - 1 : c + after;
        for (int64_t k = lo; k <= hi; k++) {
          double v = x[(nb * channels + k) * inner + i];
          sq += v * v;
        }
        const int64_t at = (nb * channels + c) * inner + i;
        y[at] = (float)(x[at] / pow(bias + alpha / (double)size * sq, beta));
      }
}
