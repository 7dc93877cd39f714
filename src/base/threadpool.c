#include "base/threadpool.h"

#if defined(__linux__)
#include <sched.h>
#endif
#include <stdatomic.h>

#include "base/alloc.h"
#include "base/thread.h"

/* Workers wait for work by spinning while a run is in progress (waking a
 * sleeping thread costs tens of microseconds, and a run has dozens of
 * parallel sections), and sleep on a condition variable otherwise: once a
 * run has finished nobody spins. */
#define SPIN_LIMIT 200000 /* pauses before a worker sleeps even inside a run (~ a few ms) */
/* After this many pauses a waiting thread yields its core at each step, so
 * that when the machine is oversubscribed (another process on the other
 * core) the thread holding the work gets to run. */
#define SPIN_BEFORE_YIELD 2000

struct oar_threadpool {
  int threads;
  oar_thread *workers;
  int num_workers;
  oar_mutex lock;
  oar_cond wake;
  int sleepers; /* under lock */
  int stop;     /* under lock */
  atomic_int in_run;
  /* The job, written only while `generation` is odd and no worker is
   * active. A worker joins a job (active + 1) and then checks that the
   * generation it saw is still current, so that the caller never waits
   * for a worker that has not joined: a sleeping worker (whose core the
   * VM may have halted; waking it has cost milliseconds here) just finds
   * every chunk taken when it arrives. */
  oar_range_fn fn;
  void *ctx;
  size_t n, chunk;
  atomic_size_t next;
  atomic_int active;       /* workers inside the current job */
  atomic_ulong generation; /* even: a job is published; odd: being written */
  int waker_cpu;           /* under lock: the CPU of the thread that last woke the workers */
};

static _Thread_local oar_threadpool *current_pool;

static inline void cpu_relax(void) {
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
  __builtin_ia32_pause();
#elif defined(_MSC_VER) && (defined(_M_X64) || defined(_M_IX86))
  YieldProcessor();
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
  __asm__ __volatile__("yield");
#endif
}

void oar_threadpool_set_current(oar_threadpool *pool) {
  if (current_pool && current_pool != pool) atomic_store(&current_pool->in_run, 0);
  current_pool = pool;
  if (pool) atomic_store(&pool->in_run, 1);
}

oar_threadpool *oar_threadpool_current(void) { return current_pool; }
int oar_threadpool_threads(const oar_threadpool *pool) { return pool ? pool->threads : 1; }

/* Linux tends to wake a thread on the CPU of the thread that woke it, and
 * in a VM whose other vCPUs have been idle (halted) it keeps doing so: a
 * worker woken by the first job of a run then shares the caller's core for
 * the whole run while the other core idles. MobileNetV2 at 2 threads ran
 * at 1-thread speed (3.5-4 ms instead of 1.8) in runs that follow 0.3 s of
 * idle. So a worker that wakes up on the waker's CPU moves itself to
 * another CPU it may use: excluding that CPU from its affinity migrates it
 * at once, and restoring the affinity does not move it back. (The cause
 * here: the hypervisor reports an idle vCPU as preempted, and the
 * scheduler does not count it as idle.) */
static int current_cpu(void) {
#if defined(__linux__)
  return sched_getcpu();
#else
  return -1;
#endif
}

static void leave_cpu(int busy_cpu) {
#if defined(__linux__)
  if (busy_cpu < 0 || current_cpu() != busy_cpu) return;
  cpu_set_t allowed, elsewhere;
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0 || !CPU_ISSET(busy_cpu, &allowed)) return;
  elsewhere = allowed;
  CPU_CLR(busy_cpu, &elsewhere);
  if (CPU_COUNT(&elsewhere) == 0) return;
  if (sched_setaffinity(0, sizeof elsewhere, &elsewhere) == 0) sched_setaffinity(0, sizeof allowed, &allowed);
#else
  (void)busy_cpu;
#endif
}

/* Claims and runs chunks until none are left. */
static void drain(oar_threadpool *p) {
  for (;;) {
    size_t begin = atomic_fetch_add(&p->next, p->chunk);
    if (begin >= p->n) return;
    size_t end = begin + p->chunk < p->n ? begin + p->chunk : p->n;
    p->fn(p->ctx, begin, end);
  }
}

/* A new job is published (or being written: odd) since `seen`. */
static int job_since(oar_threadpool *p, unsigned long seen) { return atomic_load(&p->generation) != seen; }

static void *worker_main(void *arg) {
  oar_threadpool *p = arg;
  unsigned long seen = 0;
  for (;;) {
    int spins = 0;
    while (!job_since(p, seen) && atomic_load(&p->in_run) && spins < SPIN_LIMIT) {
      if (++spins > SPIN_BEFORE_YIELD)
        oar_thread_yield();
      else
        cpu_relax();
    }
    if (!job_since(p, seen)) {
      oar_mutex_lock(&p->lock);
      p->sleepers++;
      while (!p->stop && !job_since(p, seen)) oar_cond_wait(&p->wake, &p->lock);
      p->sleepers--;
      int stop = p->stop, waker_cpu = p->waker_cpu;
      oar_mutex_unlock(&p->lock);
      if (stop) return NULL;
      leave_cpu(waker_cpu);
    }
    const unsigned long g = atomic_load(&p->generation);
    if (g & 1) { /* being written: wait for it */
      cpu_relax();
      continue;
    }
    atomic_fetch_add(&p->active, 1);
    if (atomic_load(&p->generation) == g) drain(p); /* else: a newer job is being written; retry */
    atomic_fetch_sub(&p->active, 1);
    if (atomic_load(&p->generation) == g) seen = g;
  }
}

oar_status oar_threadpool_create(int threads, oar_threadpool **out, oar_error *err) {
  if (threads < 1) threads = 1;
  oar_threadpool *p = oar_calloc(1, sizeof *p);
  if (!p) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory creating the thread pool");
  p->threads = threads;
  oar_mutex_init(&p->lock);
  oar_cond_init(&p->wake);
  atomic_init(&p->in_run, 0);
  atomic_init(&p->next, 0);
  atomic_init(&p->active, 0);
  atomic_init(&p->generation, 0);
  p->waker_cpu = -1;
  if (threads > 1) {
    p->workers = oar_calloc((size_t)threads - 1, sizeof *p->workers);
    if (!p->workers) {
      oar_threadpool_destroy(p);
      return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory creating the thread pool");
    }
    for (int i = 0; i < threads - 1; i++) {
      if (oar_thread_start(&p->workers[i], worker_main, p) != 0) {
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
  if (current_pool == p) current_pool = NULL;
  oar_mutex_lock(&p->lock);
  p->stop = 1;
  oar_cond_broadcast(&p->wake);
  oar_mutex_unlock(&p->lock);
  for (int i = 0; i < p->num_workers; i++) oar_thread_join(p->workers[i]);
  oar_mutex_destroy(&p->lock);
  oar_cond_destroy(&p->wake);
  oar_free(p->workers);
  oar_free(p);
}

static void wait_for_workers(oar_threadpool *p) {
  for (int spins = 0; atomic_load(&p->active) > 0;) {
    if (++spins > SPIN_BEFORE_YIELD)
      oar_thread_yield();
    else
      cpu_relax();
  }
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
  /* Odd generation: workers arriving now back off; those still inside
   * the previous job (finding nothing left) leave first. */
  atomic_fetch_add(&p->generation, 1);
  wait_for_workers(p);
  p->fn = fn;
  p->ctx = ctx;
  p->n = n;
  p->chunk = chunk;
  atomic_store(&p->next, 0);
  atomic_fetch_add(&p->generation, 1);
  oar_mutex_lock(&p->lock);
  const int wake = p->sleepers > 0;
  if (wake) {
    p->waker_cpu = current_cpu();
    oar_cond_broadcast(&p->wake);
  }
  oar_mutex_unlock(&p->lock);
  /* A woken worker that Linux queued on this CPU runs (and moves away, see
   * leave_cpu) only once this thread yields; elsewhere this costs a
   * microsecond, once per run. */
  if (wake) oar_thread_yield();
  drain(p);
  /* Every chunk is claimed; wait for the ones workers are running. */
  wait_for_workers(p);
}
