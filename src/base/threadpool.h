/* A small fork-join thread pool. The thread that calls oar_parallel_for
 * works too; workers sleep on a condition variable between jobs (no
 * busy-spinning once a run has finished). */
#ifndef OAR_BASE_THREADPOOL_H
#define OAR_BASE_THREADPOOL_H

#include <stddef.h>

#include "base/error.h"

typedef struct oar_threadpool oar_threadpool;

/* Runs fn(ctx, begin, end) over [0, n) split in contiguous chunks. */
typedef void (*oar_range_fn)(void *ctx, size_t begin, size_t end);

/* A pool using `threads` threads in all (threads - 1 workers; 1 = no
 * workers, everything runs on the caller). */
oar_status oar_threadpool_create(int threads, oar_threadpool **out, oar_error *err);
void oar_threadpool_destroy(oar_threadpool *pool);
int oar_threadpool_threads(const oar_threadpool *pool);

/* The pool kernels use on this thread during a run: set by the executor
 * around a run, NULL otherwise (then work runs serially). */
void oar_threadpool_set_current(oar_threadpool *pool);
oar_threadpool *oar_threadpool_current(void);

/* Splits [0, n) over the current pool. Work below `min_chunk` items per
 * thread is not split (small ops run on the caller). */
void oar_parallel_for(size_t n, size_t min_chunk, oar_range_fn fn, void *ctx);

#endif
