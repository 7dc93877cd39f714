/* Splitting a memory-bound element-wise pass over the current thread
 * pool: only passes large enough to pay for waking threads are split. */
#ifndef OAR_RUNTIME_PARALLEL_ROWS_H
#define OAR_RUNTIME_PARALLEL_ROWS_H

#include <stddef.h>

#include "base/threadpool.h"

/* Elements per chunk below which a pass is not split (~64 KiB of floats
 * read and written: a few microseconds). */
#define OAR_ELEMENTWISE_MIN_CHUNK ((size_t)16384)

/* Runs fn over rows [0, rows) of `row_elems` elements each, split over
 * the current pool when rows * row_elems is large. */
static inline void oar_parallel_rows(size_t rows, size_t row_elems, oar_range_fn fn, void *ctx) {
  const size_t per = row_elems ? row_elems : 1;
  size_t min_rows = OAR_ELEMENTWISE_MIN_CHUNK / per;
  if (min_rows == 0) min_rows = 1;
  oar_parallel_for(rows, min_rows, fn, ctx);
}

#endif
