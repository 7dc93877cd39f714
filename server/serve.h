/* `oar serve`: the KServe / Triton v2 inference protocol over HTTP on the
 * public C API (include/oar/oar.h). Internal header of the server folder.
 *
 *   infer.c    v2 infer request parsing (JSON and the binary tensor data
 *              extension) and response writing; no HTTP, no predictor (the
 *              fuzz target fuzz/fuzz_serve_request.c drives it)
 *   repo.c     model repository: scan, per-model config.json, load
 *   batcher.c  per-model bounded queue, dynamic batching, one predictor
 *              clone per instance
 *   metrics.c  counters and histograms, Prometheus text
 *   compress.c gzip / deflate bodies (zlib)
 *   http.c     routing over libmicrohttpd, `oar serve` main, SIGTERM */
#ifndef OAR_SERVER_SERVE_H
#define OAR_SERVER_SERVE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "oar/oar.h"

/* ---- growable byte buffer ------------------------------------------------ */

typedef struct serve_buf {
  char *p;
  size_t len, cap;
  int oom; /* an allocation failed: contents are incomplete */
} serve_buf;

void serve_buf_put(serve_buf *b, const void *data, size_t n);
void serve_buf_puts(serve_buf *b, const char *s);
void serve_buf_printf(serve_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal (quoted, escaped). */
void serve_buf_json_str(serve_buf *b, const char *s);
void serve_buf_free(serve_buf *b);

/* ---- model signature ----------------------------------------------------- */

typedef struct serve_io {
  char *name;
  oar_dtype dtype;
  size_t rank;
  int64_t dims[OAR_MAX_RANK]; /* declared; -1 is a variable dimension */
} serve_io;

typedef struct serve_sig {
  serve_io *inputs;
  size_t n_inputs;
  serve_io *outputs;
  size_t n_outputs;
  int max_batch_size; /* 0: the model does not batch (dim 0 is not special) */
} serve_sig;

typedef struct serve_limits {
  uint64_t max_tensor_elements; /* per input tensor */
} serve_limits;

/* The protocol's datatype name of an oar dtype ("FP32"), NULL for none. */
const char *serve_dtype_name(oar_dtype dtype);
/* oar dtype of a protocol datatype name; OAR_DTYPE_UNKNOWN when oar has none. */
oar_dtype serve_dtype_from_name(const char *name);

/* ---- tensors and requests ------------------------------------------------ */

typedef struct serve_tensor {
  oar_dtype dtype;
  size_t rank;
  int64_t dims[OAR_MAX_RANK];
  void *data; /* owned (malloc) */
  size_t bytes;
} serve_tensor;

enum { SERVE_OUT_NONE = 0, SERVE_OUT_JSON = 1, SERVE_OUT_BINARY = 2 };

typedef struct serve_request {
  char *id;             /* NULL when absent or empty */
  serve_tensor *inputs; /* n_inputs of the signature, in its order */
  size_t n_inputs;
  int *out_mode;     /* per signature output: SERVE_OUT_* */
  size_t *out_order; /* response order: signature output indices */
  size_t n_out;
  int64_t timeout_us; /* request parameter "timeout"; 0: none */
} serve_request;

/* Parses a v2 infer request body against `sig`. `header_len` is the value
 * of Inference-Header-Content-Length (-1 when absent: the whole body is
 * JSON). On success returns 200 and fills *req (free with
 * serve_request_free); otherwise returns the HTTP status (400, 501) with a
 * message in err. Every size, count and offset is checked before use. */
int serve_parse_infer(const serve_sig *sig, const serve_limits *limits, const char *body, size_t len,
                      int64_t header_len, serve_request *req, char *err, size_t err_size);
void serve_request_free(serve_request *req);
void serve_tensor_free(serve_tensor *t);

/* Writes the infer response for `outputs` (one per signature output; those
 * the request did not ask for are skipped) into out: the JSON, then the
 * binary blobs. *json_len is the JSON part's length; *binary is set when
 * any blob follows. Returns 0, or -1 when out of memory. */
int serve_write_response(const serve_sig *sig, const char *model, const char *version,
                         const serve_request *req, const serve_tensor *outputs, serve_buf *out,
                         size_t *json_len, int *binary);

/* {"error":"<msg>"} */
void serve_write_error(serve_buf *out, const char *msg);

/* ---- metrics ------------------------------------------------------------- */

#define SERVE_HIST_BUCKETS 14

typedef struct serve_hist {
  uint64_t counts[SERVE_HIST_BUCKETS + 1]; /* last: +Inf */
  double sum;
  uint64_t count;
} serve_hist;

typedef struct serve_metrics {
  pthread_mutex_t mu;
  uint64_t success, failure, inferences, executions;
  uint64_t last_inference_ms; /* wall clock, ms since the epoch; 0: none yet */
  int64_t inflight;
  serve_hist latency;         /* seconds, request arrival to response */
  serve_hist queue_time;      /* seconds, enqueue to the batch's start */
  serve_hist compute;         /* seconds, one batched run */
  uint64_t batch_sizes[65];   /* [b] runs of batch b (b >= 64 counted at 64) */
  double batch_compute_s[65]; /* [b] seconds those runs took */
} serve_metrics;

void serve_hist_observe(serve_hist *h, const double *bounds, double v);
extern const double serve_latency_bounds[SERVE_HIST_BUCKETS];

/* ---- models and batching -------------------------------------------------- */

typedef struct serve_job serve_job;

typedef struct serve_model {
  char *name;
  char *version;
  char *path;
  char *platform;
  serve_sig sig;
  int dynamic_batching; /* config has "dynamic_batching" */
  int64_t max_delay_us; /* max_queue_delay_microseconds */
  int max_queue_size;   /* pending requests before 503 */
  int instances;
  int threads;
  oar_predictor **predictors; /* one per instance (0 is the original) */
  pthread_t *workers;
  int n_workers_started;

  pthread_mutex_t mu;
  pthread_cond_t queue_cv;
  serve_job *head, *tail;
  int queued;
  int stop;

  serve_metrics metrics;
  atomic_int available; /* loaded and serving (repository load / unload) */
} serve_model;

typedef struct serve_options {
  uint64_t max_body_bytes;
  uint64_t max_tensor_elements;
  int64_t request_timeout_us; /* default per-request timeout; 0: none */
  int default_threads;
} serve_options;

/* Loads every model of a Triton-style repository (DIR/<model>/<version>/,
 * the highest numbered version; optional DIR/<model>/config.json). Returns
 * 0, or -1 with a message in err. */
int serve_repo_load(const char *dir, const serve_options *opt, serve_model ***models, size_t *n_models,
                    char *err, size_t err_size);
void serve_model_destroy(serve_model *m);
/* The repository extension's unload: stops taking requests, answers those
 * queued, frees the predictors (signature and metrics stay). load: creates
 * them again from the same version directory and config and restarts the
 * workers. Both do nothing for a model already in that state; the caller
 * serializes them. Return 0, or -1 with a message. */
int serve_model_unload(serve_model *m);
int serve_model_load(serve_model *m, char *err, size_t err_size);
/* The model's config as Triton's JSON (GET .../config). */
void serve_model_config_json(const serve_model *m, serve_buf *out);
void serve_model_metadata_json(const serve_model *m, serve_buf *out);

/* Starts the model's instance workers. Returns 0 or -1. */
int serve_batcher_start(serve_model *m);
/* Stops accepting, lets the workers finish the queue, joins them. */
void serve_batcher_stop(serve_model *m);

/* Runs one request through the model's queue and waits for it. On 200,
 * outputs (n_outputs of the signature, caller frees each with
 * serve_tensor_free) hold the results; otherwise err has the message and
 * the return is the HTTP status (503 queue full or timed out, 400, 500). */
int serve_batcher_infer(serve_model *m, serve_request *req, int64_t default_timeout_us, serve_tensor *outputs,
                        char *err, size_t err_size);

void serve_metrics_write(serve_model **models, size_t n, serve_buf *out);

/* ---- Content-Encoding (compress.c) ----------------------------------------- */

enum { SERVE_CODING_IDENTITY = 0, SERVE_CODING_DEFLATE = 1, SERVE_CODING_GZIP = 2 };
/* Whether a request Content-Encoding ("gzip", "deflate") can be decoded. */
int serve_coding_supported(const char *coding);
/* Decodes a gzip or zlib body into out, at most max_out bytes. Returns 200,
 * or 400 (corrupt, or larger than max_out), 500, 501 (no zlib) with err. */
int serve_inflate(const char *in, size_t n, uint64_t max_out, serve_buf *out, char *err, size_t err_size);
/* The response coding an Accept-Encoding header asks for (q weights; the
 * first of equal weights wins; identity when none is usable). */
int serve_pick_coding(const char *accept);
/* Compresses in into out (SERVE_CODING_GZIP or _DEFLATE). Returns 0 or -1. */
int serve_deflate(const char *in, size_t n, int coding, serve_buf *out);
/* The statistics extension's {"model_stats":[...]} for models[0..n). */
void serve_stats_json(serve_model **models, size_t n, serve_buf *out);

uint64_t serve_now_ns(void);
uint64_t serve_wall_ms(void);

#endif
