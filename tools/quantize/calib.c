/* Calibration statistics of `oar quantize` (calib.h). */
#include "calib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void calib_observe_range(calib_stats *s, const float *x, size_t n) {
  for (size_t i = 0; i < n; i++) {
    double v = x[i];
    if (!isfinite(v)) {
      s->nonfinite++;
      continue;
    }
    if (s->seen == 0 || v < s->lo) s->lo = v;
    if (s->seen == 0 || v > s->hi) s->hi = v;
    s->seen++;
  }
}

static double amax_of(const calib_stats *s) { return fmax(fabs(s->lo), fabs(s->hi)); }

int calib_observe_hist(calib_stats *s, calib_method method, const float *x, size_t n) {
  if (method == CALIB_MINMAX || s->seen == 0) return 0;
  if (s->hist == NULL) {
    s->hist = calloc(CALIB_BINS, sizeof *s->hist);
    if (s->hist == NULL) return -1;
  }
  const int by_abs = method == CALIB_KL;
  const double base = by_abs ? 0 : s->lo;
  const double span = by_abs ? amax_of(s) : s->hi - s->lo;
  const double per = span > 0 ? CALIB_BINS / span : 0;
  for (size_t i = 0; i < n; i++) {
    double v = x[i];
    if (!isfinite(v)) continue;
    if (by_abs) v = fabs(v);
    double b = (v - base) * per;
    size_t k = b <= 0 ? 0 : b >= CALIB_BINS - 1 ? CALIB_BINS - 1 : (size_t)b;
    s->hist[k]++;
  }
  return 0;
}

/* The value range that keeps `percentile` percent of the histogram's
 * values, cutting (100 - percentile) / 2 percent at each end. */
static void percentile_range(const calib_stats *s, double percentile, double *lo, double *hi) {
  uint64_t total = 0;
  for (size_t k = 0; k < CALIB_BINS; k++) total += s->hist[k];
  const double cut = (double)total * (100.0 - percentile) / 200.0;
  const double width = (s->hi - s->lo) / CALIB_BINS;
  size_t left = 0, right = CALIB_BINS - 1;
  double acc = 0;
  for (left = 0; left < CALIB_BINS; left++) {
    acc += (double)s->hist[left];
    if (acc > cut) break;
  }
  acc = 0;
  for (right = CALIB_BINS - 1; right > 0; right--) {
    acc += (double)s->hist[right];
    if (acc > cut) break;
  }
  if (left >= CALIB_BINS || right < left) { /* an empty histogram */
    *lo = s->lo, *hi = s->hi;
    return;
  }
  *lo = left == 0 ? s->lo : s->lo + (double)left * width;
  *hi = right == CALIB_BINS - 1 ? s->hi : s->lo + (double)(right + 1) * width;
}

/* Moves eps of mass onto the zero entries of a normalized distribution,
 * taken evenly from the others, so that KL(p || q) stays finite (as
 * MXNet's and ONNX Runtime's entropy calibrators do). */
static void smooth(double *p, size_t n) {
  const double eps = 1e-4;
  size_t zeros = 0;
  for (size_t i = 0; i < n; i++) zeros += p[i] == 0;
  if (zeros == 0 || zeros == n) return;
  const double take = eps * (double)zeros / (double)(n - zeros);
  for (size_t i = 0; i < n; i++) p[i] = p[i] == 0 ? eps : p[i] - take;
}

/* TensorRT's entropy calibration on the |x| histogram: the threshold
 * whose 128-level quantization of the clipped distribution loses the
 * least information (KL divergence). */
static double kl_threshold(const calib_stats *s) {
  enum { LEVELS = 128 };
  const double width = amax_of(s) / CALIB_BINS;
  double *p = malloc(CALIB_BINS * sizeof *p), *q = malloc(CALIB_BINS * sizeof *q);
  if (p == NULL || q == NULL) {
    free(p), free(q);
    return amax_of(s);
  }
  double best = INFINITY;
  size_t best_i = CALIB_BINS;
  for (size_t i = LEVELS; i <= CALIB_BINS; i++) {
    double outliers = 0, psum = 0;
    for (size_t k = i; k < CALIB_BINS; k++) outliers += (double)s->hist[k];
    for (size_t k = 0; k < i; k++) p[k] = (double)s->hist[k];
    p[i - 1] += outliers;
    for (size_t k = 0; k < i; k++) psum += p[k];
    if (psum == 0) continue;
    /* Q: the unclipped bins merged into LEVELS groups, each group's count
     * spread evenly over its nonzero bins. */
    const size_t merged = i / LEVELS;
    double qsum = 0;
    for (size_t j = 0; j < LEVELS; j++) {
      size_t start = j * merged, stop = j == LEVELS - 1 ? i : start + merged;
      double sum = 0;
      size_t nonzero = 0;
      for (size_t k = start; k < stop; k++) {
        sum += (double)s->hist[k];
        nonzero += s->hist[k] != 0;
      }
      for (size_t k = start; k < stop; k++) q[k] = s->hist[k] != 0 ? sum / (double)nonzero : 0;
      qsum += sum;
    }
    if (qsum == 0) continue;
    for (size_t k = 0; k < i; k++) p[k] /= psum, q[k] /= qsum;
    smooth(p, i);
    smooth(q, i);
    double kl = 0;
    for (size_t k = 0; k < i; k++)
      if (p[k] > 0 && q[k] > 0) kl += p[k] * log(p[k] / q[k]);
    if (kl < best) best = kl, best_i = i;
  }
  free(p);
  free(q);
  return best_i >= CALIB_BINS ? amax_of(s) : ((double)best_i + 0.5) * width;
}

void calib_range(const calib_stats *s, calib_method method, double percentile, double *lo, double *hi) {
  *lo = s->seen ? s->lo : 0;
  *hi = s->seen ? s->hi : 0;
  if (method == CALIB_MINMAX || s->hist == NULL || s->seen == 0) return;
  if (method == CALIB_PERCENTILE) {
    percentile_range(s, percentile, lo, hi);
  } else {
    double t = kl_threshold(s);
    if (*lo < -t) *lo = -t;
    if (*hi > t) *hi = t;
  }
}

void calib_uint8_params(double lo, double hi, float *scale, uint8_t *zero_point) {
  double rmin = lo < 0 ? lo : 0, rmax = hi > 0 ? hi : 0;
  /* As ONNX Runtime: the scale in float32, the zero point from it. */
  float sc = (float)((rmax - rmin) / 255.0);
  if (!(sc > 0) || !isfinite(sc)) {
    *scale = 1.0f;
    *zero_point = 0;
    return;
  }
  double zp = nearbyint(0.0 - rmin / (double)sc);
  *scale = sc;
  *zero_point = (uint8_t)(zp < 0 ? 0 : zp > 255 ? 255 : zp);
}

void calib_stats_free(calib_stats *s) {
  free(s->hist);
  memset(s, 0, sizeof *s);
}
