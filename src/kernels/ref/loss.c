#include "kernels/ref/loss.h"

double oar_ref_nll_f32(const float *x, const int64_t *t, const float *w, int64_t n, int64_t c, int64_t inner,
                       bool has_ignore, int64_t ignore, float *per_elem, double *weight_sum) {
  double sum = 0.0, wsum = 0.0;
  for (int64_t b = 0; b < n; b++)
    for (int64_t i = 0; i < inner; i++) {
      const int64_t k = t[b * inner + i];
      double loss = 0.0;
      if (!(has_ignore && k == ignore)) {
        const double wk = w ? w[k] : 1.0;
        loss = -(double)x[(b * c + k) * inner + i] * wk;
        wsum += wk;
      }
      if (per_elem) per_elem[b * inner + i] = (float)loss;
      sum += loss;
    }
  *weight_sum = wsum;
  return sum;
}
