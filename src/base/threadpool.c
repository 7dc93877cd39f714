#include "base/threadpool.h"

#include <pthread.h>

#include "base/alloc.h"

struct oar_threadpool {
  int threads;
  pthread_t *workers;
  int num_workers;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  pthread_cond_t done;
  /* The job being run: chunks are claimed under the lock. */
  oar_range_fn fn;
  void *ctx;
  size_t n, chunk, next;
  int active;        /* workers still inside the current job */
  unsigned long generation;
  int stop;
};

static _Thread_local oar_threadpool *current_pool;

void oar_threadpool_set_current(oar_threadpool *pool) { current_pool = pool; }
oar_threadpool *oar_threadpool_current(void) { return current_pool; }
int oar_threadpool_threads(const oar_threadpool *pool) { return pool ? pool->threads : 1; }

/* Claims and runs chunks until none are left. Called with the lock held;
 * returns with it held. */
static void drain(oar_threadpool *p) {
  while (p->next < p->n) {
    size_t begin = p->next;
    size_t end = begin + p->chunk < p->n ? begin + p->chunk : p->n;
    p->next = end;
    oar_range_fn fn = p->fn;
    void *ctx = p->ctx;
    pthread_mutex_unlock(&p->lock);
    fn(ctx, begin, end);
    pthread_mutex_lock(&p->lock);
  }
}

static void *worker_main(void *arg) {
  oar_threadpool *p = arg;
  unsigned long seen = 0;
  pthread_mutex_lock(&p->lock);
  for (;;) {
    while (!p->stop && p->generation == seen) pthread_cond_wait(&p->wake, &p->lock);
    if (p->stop) break;
    seen = p->generation;
    drain(p);
    if (--p->active == 0) pthread_cond_signal(&p->done);
  }
  pthread_mutex_unlock(&p->lock);
  return NULL;
}

oar_status oar_threadpool_create(int threads, oar_threadpool **out, oar_error *err) {
  if (threads < 1) threads = 1;
  oar_threadpool *p = oar_calloc(1, sizeof *p);
  if (!p) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory creating the thread pool");
  p->threads = threads;
  pthread_mutex_init(&p->lock, NULL);
  pthread_cond_init(&p->wake, NULL);
  pthread_cond_init(&p->done, NULL);
  if (threads > 1) {
    p->workers = oar_calloc((size_t)threads - 1, sizeof *p->workers);
    if (!p->workers) {
      oar_threadpool_destroy(p);
      return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory creating the thread pool");
    }
    for (int i = 0; i < threads - 1; i++) {
      if (pthread_create(&p->workers[i], NULL, worker_main, p) != 0) {
        oar_threadpool_destroy(p);
        return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "cannot start thread %d of %d", i + 2, threads);
      }
      p->num_workers++;
    }
  }
  *out = p;
  return OAR_OK;
}

void oar_threadpool_destroy(oar_threadpool *p) {
  if (!p) return;
  pthread_mutex_lock(&p->lock);
  p->stop = 1;
  pthread_cond_broadcast(&p->wake);
  pthread_mutex_unlock(&p->lock);
  for (int i = 0; i < p->num_workers; i++) pthread_join(p->workers[i], NULL);
  pthread_mutex_destroy(&p->lock);
  pthread_cond_destroy(&p->wake);
  pthread_cond_destroy(&p->done);
  oar_free(p->workers);
  oar_free(p);
}

void oar_parallel_for(size_t n, size_t min_chunk, oar_range_fn fn, void *ctx) {
  oar_threadpool *p = current_pool;
  if (n == 0) return;
  if (min_chunk == 0) min_chunk = 1;
  if (!p || p->num_workers == 0 || n < 2 * min_chunk) {
    fn(ctx, 0, n);
    return;
  }
  size_t parts = (size_t)p->threads * 4;
  size_t chunk = (n + parts - 1) / parts;
  if (chunk < min_chunk) chunk = min_chunk;
  pthread_mutex_lock(&p->lock);
  p->fn = fn;
  p->ctx = ctx;
  p->n = n;
  p->chunk = chunk;
  p->next = 0;
  p->active = p->num_workers;
  p->generation++;
  pthread_cond_broadcast(&p->wake);
  drain(p);
  while (p->active > 0) pthread_cond_wait(&p->done, &p->lock);
  pthread_mutex_unlock(&p->lock);
}
