/* Human-readable summaries of output tensors. */
#include "show.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "convert.h"
#include "npy.h"

#define SHOW_VALUES 8
#define SHOW_ROWS 8
#define SHOW_TOP 5

static int is_floating(oar_dtype d) {
  return d == OAR_DTYPE_FLOAT32 || d == OAR_DTYPE_FLOAT64 || d == OAR_DTYPE_FLOAT16;
}

static void print_value(const void *data, oar_dtype dtype, size_t i) {
  double v = cli_element_as_double(data, dtype, i);
  if (is_floating(dtype)) {
    printf(" %.6g", v);
  } else {
    printf(" %" PRId64, (int64_t)v);
  }
}

static void print_stats(const void *data, oar_dtype dtype, size_t count) {
  double lo = INFINITY, hi = -INFINITY, sum = 0;
  size_t finite = 0, nan = 0;
  for (size_t i = 0; i < count; i++) {
    double v = cli_element_as_double(data, dtype, i);
    if (isnan(v)) {
      nan++;
      continue;
    }
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (isfinite(v)) {
      sum += v;
      finite++;
    }
  }
  if (finite + nan < count || finite == 0) {
    printf("  min %.6g  max %.6g", lo, hi);
  } else {
    printf("  min %.6g  max %.6g  mean %.6g", lo, hi, sum / (double)finite);
  }
  if (nan) printf("  NaN %zu", nan);
  printf("\n");
}

/* Top-k of row r of an [N, C] tensor, best first; ties keep the lower class. */
static void print_top(const void *data, oar_dtype dtype, size_t r, size_t classes) {
  size_t k = classes < SHOW_TOP ? classes : SHOW_TOP;
  size_t best[SHOW_TOP];
  double score[SHOW_TOP];
  size_t have = 0;
  for (size_t c = 0; c < classes; c++) {
    double v = cli_element_as_double(data, dtype, r * classes + c);
    if (isnan(v)) continue;
    size_t pos = have;
    while (pos > 0 && score[pos - 1] < v) pos--;
    if (pos >= k) continue;
    size_t last = have < k ? have : k - 1;
    for (size_t j = last; j > pos; j--) {
      best[j] = best[j - 1];
      score[j] = score[j - 1];
    }
    best[pos] = c;
    score[pos] = v;
    if (have < k) have++;
  }
  printf("  row %zu top-%zu:", r, k);
  for (size_t j = 0; j < have; j++) printf("  %zu (%.4f)", best[j], score[j]);
  printf("\n");
}

void cli_show_tensor(const char *name, oar_dtype dtype, size_t rank, const int64_t *dims, const void *data) {
  char shape[200];
  size_t count = 0;
  oar_npy_element_count(rank, dims, &count);
  printf("%s  %s %s\n", name, cli_dtype_name(dtype), oar_npy_shape_string(rank, dims, shape, sizeof(shape)));
  if (oar_npy_dtype_size(dtype) == 0) {
    printf("  (values of this dtype are not shown)\n");
    return;
  }
  if (count == 0) {
    printf("  (no elements)\n");
    return;
  }
  printf("  values:");
  for (size_t i = 0; i < count && i < SHOW_VALUES; i++) print_value(data, dtype, i);
  if (count > SHOW_VALUES) printf(" ... (%zu in all)", count);
  printf("\n");
  if (is_floating(dtype)) print_stats(data, dtype, count);
  if (is_floating(dtype) && rank == 2 && dims[1] >= 2) {
    size_t rows = (size_t)dims[0], classes = (size_t)dims[1];
    for (size_t r = 0; r < rows && r < SHOW_ROWS; r++) print_top(data, dtype, r, classes);
    if (rows > SHOW_ROWS) printf("  ... %zu more rows\n", rows - SHOW_ROWS);
  }
}
