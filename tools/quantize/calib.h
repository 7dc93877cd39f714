/* Calibration statistics of `oar quantize`: the range of each tensor over
 * the calibration samples by min/max, by a percentile of the value
 * histogram, or by entropy (KL divergence, TensorRT's algorithm), and the
 * uint8 scale / zero point ONNX Runtime derives from a range. libc only. */
#ifndef OAR_TOOLS_CALIB_H
#define OAR_TOOLS_CALIB_H

#include <stddef.h>
#include <stdint.h>

#define CALIB_BINS 2048

typedef enum { CALIB_MINMAX, CALIB_PERCENTILE, CALIB_KL } calib_method;

typedef struct calib_stats {
  double lo, hi; /* min and max over every value seen (pass 1) */
  uint64_t seen; /* values counted in pass 1 */
  int64_t nonfinite;
  uint64_t *hist; /* CALIB_BINS bins (pass 2): values over [lo, hi]
                     (percentile) or |x| over [0, max(|lo|, |hi|)] (kl) */
} calib_stats;

/* Pass 1: folds n values into lo / hi (NaN and infinities are counted in
 * nonfinite and skipped). */
void calib_observe_range(calib_stats *s, const float *x, size_t n);

/* Pass 2: folds n values into the histogram for `method` (allocated on
 * first use; -1 when that allocation fails). */
int calib_observe_hist(calib_stats *s, calib_method method, const float *x, size_t n);

/* The range [*lo, *hi] of a tensor by `method` (percentile in (0, 100]
 * for CALIB_PERCENTILE). Before pass 2, or for minmax: [lo, hi]. */
void calib_range(const calib_stats *s, calib_method method, double percentile, double *lo, double *hi);

/* ONNX Runtime's asymmetric uint8 parameters for a range: over
 * [min(0, lo), max(0, hi)], scale = span / 255, zero point =
 * round(-rmin / scale) in [0, 255]; an empty span gives scale 1, zp 0. */
void calib_uint8_params(double lo, double hi, float *scale, uint8_t *zero_point);

void calib_stats_free(calib_stats *s);

#endif
