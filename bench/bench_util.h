/* Timing helpers shared by the kernel-level benchmarks of bench/. */
#ifndef OAR_BENCH_BENCH_UTIL_H
#define OAR_BENCH_BENCH_UTIL_H

#include <time.h>

/* Monotonic seconds. */
static inline double bench_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* qsort comparison of doubles, for medians. */
static inline int bench_cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

#endif
