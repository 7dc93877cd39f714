#include "kernels/generic/f32_norm.h"

#include <math.h>

enum { LANES = 16 };

void oar_f32_moments(const float *x, size_t n, double *mean, double *var) {
  float s[LANES] = {0};
  size_t i = 0;
  for (; i + LANES <= n; i += LANES)
    for (int l = 0; l < LANES; l++) s[l] += x[i + l];
  double acc = 0.0;
  for (int l = 0; l < LANES; l++) acc += s[l];
  for (; i < n; i++) acc += x[i];
  const double m = acc / (double)n;
  const float mf = (float)m;
  float q[LANES] = {0};
  i = 0;
  for (; i + LANES <= n; i += LANES)
    for (int l = 0; l < LANES; l++) {
      const float d = x[i + l] - mf;
      q[l] += d * d;
    }
  double sq = 0.0;
  for (int l = 0; l < LANES; l++) sq += q[l];
  for (; i < n; i++) sq += ((double)x[i] - mf) * ((double)x[i] - mf);
  /* Centered on the float mean mf: correct by (m - mf)^2 for the exact
   * mean. */
  const double dm = m - (double)mf;
  double v = sq / (double)n - dm * dm;
  *mean = m;
  *var = v > 0 ? v : 0;
}

/* dst[i] = (src[i] - m) * a + b */
static void center_affine(const float *src, float m, float a, float b, float *dst, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = (src[i] - m) * a + b;
}

void oar_f32_norm_rows(const oar_norm_rows *p, const float *x, float *y, size_t r0, size_t r1) {
  const size_t n = p->n;
  for (size_t r = r0; r < r1; r++) {
    const float *src = x + r * n;
    float *dst = y + r * n;
    double mean = 0.0, var = 0.0;
    if (n) oar_f32_moments(src, n, &mean, &var);
    const double inv = 1.0 / sqrt(var + p->eps);
    if (p->mean_out) p->mean_out[r] = (float)mean;
    if (p->stat_out) p->stat_out[r] = (float)(p->stat_is_inv ? inv : var);
    const float m = (float)mean, fi = (float)inv;
    switch (p->affine) {
      case OAR_NORM_AFFINE_ELEM:
        if (p->scale && p->bias) {
          const float *s = p->scale, *b = p->bias;
          for (size_t i = 0; i < n; i++) dst[i] = (src[i] - m) * fi * s[i] + b[i];
        } else if (p->scale) {
          const float *s = p->scale;
          for (size_t i = 0; i < n; i++) dst[i] = (src[i] - m) * fi * s[i];
        } else if (p->bias) {
          const float *b = p->bias;
          for (size_t i = 0; i < n; i++) dst[i] = (src[i] - m) * fi + b[i];
        } else {
          center_affine(src, m, fi, 0.0f, dst, n);
        }
        break;
      case OAR_NORM_AFFINE_ONE:
        center_affine(src, m, p->scale ? fi * p->scale[0] : fi, p->bias ? p->bias[0] : 0.0f, dst, n);
        break;
      case OAR_NORM_AFFINE_SEG: {
        const size_t len = n / p->segs, base = (r % p->cycle) * p->segs;
        for (size_t s = 0; s < p->segs; s++) {
          const float a = p->scale ? (float)(inv * p->scale[base + s]) : fi;
          const float b = p->bias ? p->bias[base + s] : 0.0f;
          center_affine(src + s * len, m, a, b, dst + s * len, len);
        }
        break;
      }
    }
  }
}

void oar_f32_group_norm_nhwc(const float *x, float *y, size_t pixels, size_t c, size_t groups, double eps,
                             const float *scale, const float *bias, float *mean_out, float *var_out,
                             double *work) {
  double *acc = work, *m = work + c, *a = work + 2 * c, *b = work + 3 * c;
  const size_t cpg = c / groups;
  const double count = (double)(pixels * cpg);
  for (size_t k = 0; k < c; k++) acc[k] = 0.0;
  for (size_t p = 0; p < pixels; p++) {
    const float *row = x + p * c;
    for (size_t k = 0; k < c; k++) acc[k] += row[k];
  }
  for (size_t g = 0; g < groups; g++) {
    double s = 0.0;
    for (size_t k = g * cpg; k < (g + 1) * cpg; k++) s += acc[k];
    for (size_t k = g * cpg; k < (g + 1) * cpg; k++) m[k] = count > 0 ? s / count : 0.0;
  }
  for (size_t k = 0; k < c; k++) acc[k] = 0.0;
  for (size_t p = 0; p < pixels; p++) {
    const float *row = x + p * c;
    for (size_t k = 0; k < c; k++) {
      const double d = row[k] - m[k];
      acc[k] += d * d;
    }
  }
  for (size_t g = 0; g < groups; g++) {
    double v = 0.0;
    for (size_t k = g * cpg; k < (g + 1) * cpg; k++) v += acc[k];
    v = count > 0 ? v / count : 0.0;
    const double inv = 1.0 / sqrt(v + eps);
    if (mean_out) mean_out[g] = (float)m[g * cpg];
    if (var_out) var_out[g] = (float)v;
    for (size_t k = g * cpg; k < (g + 1) * cpg; k++) {
      a[k] = inv * (scale ? scale[k] : 1.0f);
      b[k] = bias ? bias[k] : 0.0;
    }
  }
  /* The affine step in float, vectorized across channels. */
  float *fm = (float *)(work + 4 * c), *fa = fm + c, *fb = fa + c;
  for (size_t k = 0; k < c; k++) {
    fm[k] = (float)m[k];
    fa[k] = (float)a[k];
    fb[k] = (float)b[k];
  }
  for (size_t p = 0; p < pixels; p++) {
    const float *row = x + p * c;
    float *dst = y + p * c;
    for (size_t k = 0; k < c; k++) dst[k] = (row[k] - fm[k]) * fa[k] + fb[k];
  }
}
