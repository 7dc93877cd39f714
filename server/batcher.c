/* Per-model scheduling: a bounded FIFO of requests served by one worker
 * thread per instance, each with its own predictor clone (clones share the
 * loaded model and run in parallel). With dynamic batching a worker takes
 * the oldest request, waits up to max_queue_delay_microseconds for more
 * requests of the same per-sample shapes, concatenates them along dimension
 * 0 up to max_batch_size, runs once and splits the outputs back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve.h"

struct serve_job {
  serve_request *req;
  int64_t batch; /* dimension 0 of the inputs (1 when the model does not batch) */
  uint64_t enqueued_ns, deadline_ns;
  serve_tensor *outputs;
  int status;
  char *err;
  size_t err_size;
  int done;
  pthread_cond_t cv;
  serve_job *next;
};

uint64_t serve_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t serve_wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

const double serve_latency_bounds[SERVE_HIST_BUCKETS] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                         0.025,  0.05,    0.1,    0.25,  0.5,    1.0,   2.5};

void serve_hist_observe(serve_hist *h, const double *bounds, double v) {
  size_t b = 0;
  while (b < SERVE_HIST_BUCKETS && v > bounds[b]) b++;
  h->counts[b]++;
  h->sum += v;
  h->count++;
}

/* Two requests can share a batch when every input has the same dtype and
 * the same dimensions after the first. */
static int compatible(const serve_job *a, const serve_job *b) {
  for (size_t i = 0; i < a->req->n_inputs; i++) {
    const serve_tensor *x = &a->req->inputs[i], *y = &b->req->inputs[i];
    if (x->dtype != y->dtype || x->rank != y->rank) return 0;
    for (size_t d = 1; d < x->rank; d++) {
      if (x->dims[d] != y->dims[d]) return 0;
    }
  }
  return 1;
}

static void finish(serve_job *j, int status, const char *msg) {
  j->status = status;
  if (msg) snprintf(j->err, j->err_size, "%s", msg);
}

/* Runs jobs[0..n) as one batch on predictor p. Sets each job's status. */
static void run_batch(serve_model *m, oar_predictor *p, serve_job **jobs, size_t n) {
  const serve_sig *sig = &m->sig;
  int64_t total = 0;
  for (size_t k = 0; k < n; k++) total += jobs[k]->batch;
  char msg[512];
  for (size_t i = 0; i < sig->n_inputs; i++) {
    oar_tensor *t = NULL;
    const serve_tensor *first = &jobs[0]->req->inputs[i];
    int64_t dims[OAR_MAX_RANK];
    memcpy(dims, first->dims, sizeof dims);
    if (sig->max_batch_size > 0) dims[0] = total;
    void *dst = NULL;
    oar_status st = oar_predictor_get_input(p, sig->inputs[i].name, &t);
    if (st == OAR_OK) st = oar_tensor_reshape(t, first->rank, dims);
    if (st == OAR_OK) st = oar_tensor_mutable_data(t, first->dtype, &dst);
    if (st != OAR_OK) {
      snprintf(msg, sizeof msg, "input '%s': %s", sig->inputs[i].name, oar_predictor_last_error(p));
      for (size_t k = 0; k < n; k++) finish(jobs[k], st == OAR_ERR_INVALID_ARGUMENT ? 400 : 500, msg);
      return;
    }
    size_t off = 0;
    for (size_t k = 0; k < n; k++) {
      const serve_tensor *src = &jobs[k]->req->inputs[i];
      if (src->bytes) memcpy((char *)dst + off, src->data, src->bytes);
      off += src->bytes;
    }
  }
  uint64_t t0 = serve_now_ns();
  oar_status st = oar_predictor_run(p);
  double compute_s = (double)(serve_now_ns() - t0) * 1e-9;
  if (st != OAR_OK) {
    snprintf(msg, sizeof msg, "inference failed: %s", oar_predictor_last_error(p));
    for (size_t k = 0; k < n; k++) finish(jobs[k], st == OAR_ERR_INVALID_ARGUMENT ? 400 : 500, msg);
    return;
  }
  pthread_mutex_lock(&m->metrics.mu);
  serve_hist_observe(&m->metrics.compute, serve_latency_bounds, compute_s);
  m->metrics.executions++;
  m->metrics.batch_sizes[total < 64 ? total : 64]++;
  m->metrics.batch_compute_s[total < 64 ? total : 64] += compute_s;
  pthread_mutex_unlock(&m->metrics.mu);

  for (size_t i = 0; i < sig->n_outputs; i++) {
    oar_tensor *t = NULL;
    const void *data = NULL;
    serve_tensor o = {0};
    st = oar_predictor_get_output(p, sig->outputs[i].name, &t);
    if (st == OAR_OK) st = oar_tensor_dtype(t, &o.dtype);
    if (st == OAR_OK) st = oar_tensor_shape(t, &o.rank, o.dims, OAR_MAX_RANK);
    if (st == OAR_OK) st = oar_tensor_data(t, &data);
    if (st != OAR_OK || o.rank > OAR_MAX_RANK) {
      snprintf(msg, sizeof msg, "output '%s': %s", sig->outputs[i].name, oar_predictor_last_error(p));
      for (size_t k = 0; k < n; k++) finish(jobs[k], 500, msg);
      return;
    }
    size_t elems = 1;
    for (size_t d = 0; d < o.rank; d++) elems *= (size_t)o.dims[d];
    size_t bytes = elems * oar_dtype_size(o.dtype);
    if (n > 1 && (o.rank == 0 || o.dims[0] != total)) {
      snprintf(msg, sizeof msg, "output '%s' has no batch dimension of %lld; the model cannot batch",
               sig->outputs[i].name, (long long)total);
      for (size_t k = 0; k < n; k++) finish(jobs[k], 500, msg);
      return;
    }
    size_t row = (n > 1) ? bytes / (size_t)total : 0;
    size_t off = 0;
    for (size_t k = 0; k < n; k++) {
      serve_tensor *dst = &jobs[k]->outputs[i];
      *dst = o;
      dst->data = NULL;
      if (n > 1) {
        dst->dims[0] = jobs[k]->batch;
        dst->bytes = row * (size_t)jobs[k]->batch;
      } else {
        dst->bytes = bytes;
      }
      dst->data = malloc(dst->bytes ? dst->bytes : 1);
      if (dst->data == NULL) {
        finish(jobs[k], 500, "out of memory");
        continue;
      }
      if (dst->bytes) memcpy(dst->data, (const char *)data + off, dst->bytes);
      off += dst->bytes;
    }
  }
  for (size_t k = 0; k < n; k++) {
    if (jobs[k]->status == 0) jobs[k]->status = 200;
  }
}

static void timespec_at(struct timespec *ts, uint64_t mono_ns) {
  ts->tv_sec = (time_t)(mono_ns / 1000000000u);
  ts->tv_nsec = (long)(mono_ns % 1000000000u);
}

/* Unlinks `j` from the queue (caller holds m->mu). */
static void unlink_job(serve_model *m, serve_job *j) {
  serve_job **pp = &m->head;
  serve_job *prev = NULL;
  while (*pp && *pp != j) {
    prev = *pp;
    pp = &(*pp)->next;
  }
  if (*pp == NULL) return;
  *pp = j->next;
  if (m->tail == j) m->tail = prev;
  j->next = NULL;
  m->queued--;
}

typedef struct worker_arg {
  serve_model *m;
  int instance;
} worker_arg;

static void *worker(void *arg) {
  serve_model *m = ((worker_arg *)arg)->m;
  oar_predictor *p = m->predictors[((worker_arg *)arg)->instance];
  free(arg);
  size_t cap = m->dynamic_batching ? (size_t)m->sig.max_batch_size : 1;
  serve_job **batch = calloc(cap, sizeof *batch);
  if (batch == NULL) return NULL;
  pthread_mutex_lock(&m->mu);
  for (;;) {
    while (!m->stop && m->head == NULL) pthread_cond_wait(&m->queue_cv, &m->mu);
    if (m->head == NULL) break; /* stopping, queue drained */
    serve_job *first = m->head;
    uint64_t now = serve_now_ns();
    if (first->deadline_ns && now > first->deadline_ns) {
      unlink_job(m, first);
      finish(first, 503, "request timed out in the queue");
      first->done = 1;
      pthread_cond_signal(&first->cv);
      continue;
    }
    size_t n = 0;
    if (m->dynamic_batching) {
      /* Wait for the batch to fill, at most the delay after the oldest request. */
      uint64_t until = first->enqueued_ns + (uint64_t)m->max_delay_us * 1000u;
      for (;;) {
        int64_t have = 0;
        for (serve_job *j = m->head; j; j = j->next) {
          if (compatible(first, j)) have += j->batch;
        }
        if (have >= m->sig.max_batch_size || m->stop || serve_now_ns() >= until) break;
        struct timespec ts;
        timespec_at(&ts, until);
        pthread_cond_timedwait(&m->queue_cv, &m->mu, &ts);
        if (m->head != first) break; /* another worker took it */
      }
      if (m->head != first) continue;
      int64_t total = 0;
      for (serve_job *j = m->head, *next; j && n < cap; j = next) {
        next = j->next;
        if (j->deadline_ns && serve_now_ns() > j->deadline_ns) {
          unlink_job(m, j);
          finish(j, 503, "request timed out in the queue");
          j->done = 1;
          pthread_cond_signal(&j->cv);
          continue;
        }
        if (!compatible(first, j) || total + j->batch > m->sig.max_batch_size) continue;
        total += j->batch;
        unlink_job(m, j);
        batch[n++] = j;
      }
      if (n == 0) continue; /* every candidate timed out */
    } else {
      unlink_job(m, first);
      batch[n++] = first;
    }
    pthread_mutex_unlock(&m->mu);
    uint64_t start = serve_now_ns();
    pthread_mutex_lock(&m->metrics.mu);
    for (size_t k = 0; k < n; k++) {
      serve_hist_observe(&m->metrics.queue_time, serve_latency_bounds,
                         (double)(start - batch[k]->enqueued_ns) * 1e-9);
    }
    pthread_mutex_unlock(&m->metrics.mu);
    run_batch(m, p, batch, n);
    pthread_mutex_lock(&m->mu);
    for (size_t k = 0; k < n; k++) {
      batch[k]->done = 1;
      pthread_cond_signal(&batch[k]->cv);
    }
  }
  pthread_mutex_unlock(&m->mu);
  free(batch);
  return NULL;
}

int serve_batcher_start(serve_model *m) {
  free(m->workers); /* from an earlier load */
  m->workers = calloc((size_t)m->instances, sizeof *m->workers);
  if (m->workers == NULL) return -1;
  for (int i = 0; i < m->instances; i++) {
    worker_arg *a = malloc(sizeof *a);
    if (a == NULL) return -1;
    a->m = m;
    a->instance = i;
    if (pthread_create(&m->workers[i], NULL, worker, a) != 0) {
      free(a);
      return -1;
    }
    m->n_workers_started++;
  }
  return 0;
}

void serve_batcher_stop(serve_model *m) {
  pthread_mutex_lock(&m->mu);
  m->stop = 1;
  pthread_cond_broadcast(&m->queue_cv);
  pthread_mutex_unlock(&m->mu);
  for (int i = 0; i < m->n_workers_started; i++) pthread_join(m->workers[i], NULL);
  m->n_workers_started = 0;
}

int serve_batcher_infer(serve_model *m, serve_request *req, int64_t default_timeout_us, serve_tensor *outputs,
                        char *err, size_t err_size) {
  serve_job j;
  memset(&j, 0, sizeof j);
  j.req = req;
  j.batch = (m->sig.max_batch_size > 0 && req->n_inputs > 0) ? req->inputs[0].dims[0] : 1;
  j.enqueued_ns = serve_now_ns();
  int64_t timeout = req->timeout_us > 0 ? req->timeout_us : default_timeout_us;
  j.deadline_ns = timeout > 0 ? j.enqueued_ns + (uint64_t)timeout * 1000u : 0;
  j.outputs = outputs;
  j.err = err;
  j.err_size = err_size;
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&j.cv, &attr);
  pthread_condattr_destroy(&attr);

  pthread_mutex_lock(&m->mu);
  if (m->stop) {
    pthread_mutex_unlock(&m->mu);
    pthread_cond_destroy(&j.cv);
    snprintf(err, err_size, "model '%s' is shutting down", m->name);
    return 503;
  }
  if (m->queued >= m->max_queue_size) {
    int queued = m->queued; /* read under the lock */
    pthread_mutex_unlock(&m->mu);
    pthread_cond_destroy(&j.cv);
    snprintf(err, err_size, "Exceeds maximum queue size: model '%s' has %d requests waiting", m->name,
             queued);
    return 503;
  }
  if (m->tail)
    m->tail->next = &j;
  else
    m->head = &j;
  m->tail = &j;
  m->queued++;
  pthread_cond_broadcast(&m->queue_cv);
  while (!j.done) pthread_cond_wait(&j.cv, &m->mu);
  pthread_mutex_unlock(&m->mu);
  pthread_cond_destroy(&j.cv);
  if (j.status != 200) {
    for (size_t i = 0; i < m->sig.n_outputs; i++) serve_tensor_free(&outputs[i]);
  }
  return j.status;
}
