/* `oar serve`: routing of the v2 REST protocol over libmicrohttpd, the
 * command line, and graceful shutdown on SIGTERM / SIGINT.
 *
 * libmicrohttpd runs one thread per connection: a request waiting for its
 * batch blocks only its own connection's thread, and a slow client holds
 * only its own thread until the idle timeout closes it. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>

#include <cjson/cJSON.h>

#include "serve.h"
#include "serve_main.h"

#if MHD_VERSION < 0x00097002
#define MHD_RESULT int
#else
#define MHD_RESULT enum MHD_Result
#endif

typedef struct server {
  serve_model **models;
  size_t n_models;
  serve_options opt;
  serve_limits limits;
  atomic_int ready; /* read by connection threads, set by the main thread */
  pthread_mutex_t mu;
  pthread_cond_t idle_cv;
  int active;              /* requests received and not yet completed */
  pthread_mutex_t repo_mu; /* serializes repository load / unload */
} server;

enum route_kind {
  ROUTE_NONE,
  ROUTE_LIVE,
  ROUTE_READY,
  ROUTE_SERVER_META,
  ROUTE_METRICS,
  ROUTE_REPO_INDEX,
  ROUTE_MODEL_META,
  ROUTE_MODEL_READY,
  ROUTE_MODEL_CONFIG,
  ROUTE_MODEL_STATS,
  ROUTE_ALL_STATS,
  ROUTE_REPO_LOAD,
  ROUTE_REPO_UNLOAD,
  ROUTE_MODEL_INFER,
};

typedef struct request_ctx {
  enum route_kind route;
  serve_model *model; /* model routes */
  serve_buf body;
  int too_big;
  int answered;
  int counted;          /* in server.active */
  int inflight_counted; /* in model->metrics.inflight */
  uint64_t start_ns;
} request_ctx;

static const char kJson[] = "application/json";

/* Queues body with Content-Type `type` and the NULL-terminated name/value
 * pairs in `headers` (may be NULL). */
static MHD_RESULT reply_headers(struct MHD_Connection *conn, unsigned status, const char *type,
                                serve_buf *body, const char *const *headers) {
  struct MHD_Response *r =
      MHD_create_response_from_buffer(body->len, body->p ? body->p : (char *)"", MHD_RESPMEM_MUST_COPY);
  if (r == NULL) return MHD_NO;
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
  for (size_t i = 0; headers && headers[i]; i += 2) MHD_add_response_header(r, headers[i], headers[i + 1]);
  MHD_RESULT ret = MHD_queue_response(conn, status, r);
  MHD_destroy_response(r);
  return ret;
}

static MHD_RESULT reply(struct MHD_Connection *conn, unsigned status, const char *type, serve_buf *body,
                        const char *hdr_name, const char *hdr_value) {
  const char *headers[] = {hdr_name, hdr_value, NULL};
  return reply_headers(conn, status, type, body, headers);
}

/* Sends a JSON body and frees it. */
static MHD_RESULT reply_json_buf(struct MHD_Connection *conn, unsigned status, serve_buf *body) {
  MHD_RESULT ret = reply(conn, status, kJson, body, NULL, NULL);
  serve_buf_free(body);
  return ret;
}

static MHD_RESULT reply_error(struct MHD_Connection *conn, unsigned status, const char *msg) {
  serve_buf b = {0};
  serve_write_error(&b, msg);
  return reply_json_buf(conn, status, &b);
}

static MHD_RESULT reply_json(struct MHD_Connection *conn, unsigned status, const char *json) {
  serve_buf b = {0};
  serve_buf_puts(&b, json);
  return reply_json_buf(conn, status, &b);
}

static serve_model *find_model(server *s, const char *name, size_t len) {
  for (size_t i = 0; i < s->n_models; i++) {
    if (strlen(s->models[i]->name) == len && memcmp(s->models[i]->name, name, len) == 0) return s->models[i];
  }
  return NULL;
}

/* Matches url against the protocol's routes. Returns the route, or
 * ROUTE_NONE; for model routes *status and msg say why no model matched
 * (404 unknown model or version). *get is set when the route takes GET. */
static enum route_kind route(server *s, const char *url, request_ctx *ctx, int *get, unsigned *status,
                             char *msg, size_t msg_size) {
  *get = 1;
  *status = 404;
  snprintf(msg, msg_size, "Not Found");
  if (strcmp(url, "/v2/health/live") == 0) return ROUTE_LIVE;
  if (strcmp(url, "/v2/health/ready") == 0) return ROUTE_READY;
  if (strcmp(url, "/v2") == 0 || strcmp(url, "/v2/") == 0) return ROUTE_SERVER_META;
  if (strcmp(url, "/metrics") == 0 || strcmp(url, "/metrics/") == 0) return ROUTE_METRICS;
  if (strcmp(url, "/v2/repository/index") == 0) {
    *get = 0;
    return ROUTE_REPO_INDEX;
  }
  static const char kRepo[] = "/v2/repository/models/";
  if (strncmp(url, kRepo, sizeof kRepo - 1) == 0) {
    const char *name = url + sizeof kRepo - 1;
    const char *slash = strrchr(name, '/');
    enum route_kind kind = ROUTE_NONE;
    if (slash && strcmp(slash, "/load") == 0) kind = ROUTE_REPO_LOAD;
    if (slash && strcmp(slash, "/unload") == 0) kind = ROUTE_REPO_UNLOAD;
    if (kind == ROUTE_NONE || slash == name) return ROUTE_NONE;
    *get = 0;
    ctx->model = find_model(s, name, (size_t)(slash - name));
    if (ctx->model == NULL) {
      snprintf(msg, msg_size,
               "failed to load '%.*s': not in the repository at start (only those models can be loaded)",
               (int)(slash - name), name);
      return ROUTE_NONE;
    }
    return kind;
  }
  /* Before the model route: "stats" here is never a model's name. */
  if (strcmp(url, "/v2/models/stats") == 0) return ROUTE_ALL_STATS;
  static const char kPrefix[] = "/v2/models/";
  if (strncmp(url, kPrefix, sizeof kPrefix - 1) != 0) return ROUTE_NONE;
  const char *name = url + sizeof kPrefix - 1;
  const char *slash = strchr(name, '/');
  size_t name_len = slash ? (size_t)(slash - name) : strlen(name);
  if (name_len == 0) return ROUTE_NONE;
  const char *rest = slash ? slash : "";
  const char *version = NULL;
  size_t version_len = 0;
  if (strncmp(rest, "/versions/", 10) == 0) {
    version = rest + 10;
    while (version[version_len] >= '0' && version[version_len] <= '9') version_len++;
    if (version_len == 0) return ROUTE_NONE;
    rest = version + version_len;
  }
  enum route_kind kind;
  if (*rest == '\0')
    kind = ROUTE_MODEL_META;
  else if (strcmp(rest, "/ready") == 0)
    kind = ROUTE_MODEL_READY;
  else if (strcmp(rest, "/config") == 0)
    kind = ROUTE_MODEL_CONFIG;
  else if (strcmp(rest, "/stats") == 0)
    kind = ROUTE_MODEL_STATS;
  else if (strcmp(rest, "/infer") == 0)
    kind = ROUTE_MODEL_INFER, *get = 0;
  else
    return ROUTE_NONE;
  serve_model *m = find_model(s, name, name_len);
  if (m == NULL && kind == ROUTE_MODEL_STATS) { /* Triton answers 400 here */
    *status = 400;
    snprintf(msg, msg_size, "requested model '%.*s' is not available", (int)name_len, name);
    return ROUTE_NONE;
  }
  if (m == NULL) {
    snprintf(msg, msg_size, "Request for unknown model: '%.*s' is not found", (int)name_len, name);
    return ROUTE_NONE;
  }
  if (!atomic_load(&m->available) && kind != ROUTE_MODEL_STATS) {
    snprintf(msg, msg_size, "Request for unknown model: '%s' has no available versions", m->name);
    return ROUTE_NONE;
  }
  if (version && (strlen(m->version) != version_len || memcmp(m->version, version, version_len) != 0)) {
    snprintf(msg, msg_size, "Request for unknown model: '%s' version %.*s is not found", m->name,
             (int)version_len, version);
    return ROUTE_NONE;
  }
  ctx->model = m;
  return kind;
}

static void count_failure(serve_model *m) {
  pthread_mutex_lock(&m->metrics.mu);
  m->metrics.failure++;
  pthread_mutex_unlock(&m->metrics.mu);
}

static MHD_RESULT handle_infer(server *s, struct MHD_Connection *conn, request_ctx *ctx) {
  serve_model *m = ctx->model;
  char err[1024];
  int64_t header_len = -1;
  const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Inference-Header-Content-Length");
  if (h != NULL) {
    char *end = NULL;
    errno = 0;
    long long v = strtoll(h, &end, 10);
    if (end == h || *end != '\0' || v < 0 || errno != 0) {
      count_failure(m);
      return reply_error(conn, 400, "Inference-Header-Content-Length must be a non-negative integer");
    }
    header_len = v;
  }
  const char *coding = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_ENCODING);
  if (coding != NULL && strcasecmp(coding, "identity") != 0) {
    serve_buf plain = {0};
    int st = serve_coding_supported(coding) ? serve_inflate(ctx->body.p ? ctx->body.p : "", ctx->body.len,
                                                            s->opt.max_body_bytes, &plain, err, sizeof err)
                                            : 501;
    if (st != 200) {
      serve_buf_free(&plain);
      count_failure(m);
      if (st != 501) return reply_error(conn, (unsigned)st, err);
      serve_buf b = {0};
      serve_write_error(&b, "Unsupported compression type");
      MHD_RESULT ret = reply(conn, 501, kJson, &b, MHD_HTTP_HEADER_ACCEPT_ENCODING, "gzip, deflate");
      serve_buf_free(&b);
      return ret;
    }
    serve_buf_free(&ctx->body);
    ctx->body = plain;
  }
  serve_request req;
  int status = serve_parse_infer(&m->sig, &s->limits, ctx->body.p ? ctx->body.p : "", ctx->body.len,
                                 header_len, &req, err, sizeof err);
  serve_buf_free(&ctx->body);
  if (status != 200) {
    count_failure(m);
    return reply_error(conn, (unsigned)status, err);
  }
  serve_tensor *outputs = calloc(m->sig.n_outputs ? m->sig.n_outputs : 1, sizeof *outputs);
  if (outputs == NULL) {
    serve_request_free(&req);
    count_failure(m);
    return reply_error(conn, 500, "out of memory");
  }
  int64_t samples = m->sig.max_batch_size > 0 && req.n_inputs ? req.inputs[0].dims[0] : 1;
  status = serve_batcher_infer(m, &req, s->opt.request_timeout_us, outputs, err, sizeof err);
  MHD_RESULT ret;
  if (status == 200) {
    serve_buf out = {0};
    size_t json_len = 0;
    int binary = 0;
    if (serve_write_response(&m->sig, m->name, m->version, &req, outputs, &out, &json_len, &binary) != 0) {
      status = 500;
      ret = reply_error(conn, 500, "out of memory writing the response");
    } else {
      /* The header length is that of the uncompressed JSON. */
      char len[32];
      snprintf(len, sizeof len, "%zu", json_len);
      const char *headers[5] = {NULL};
      size_t nh = 0;
      if (binary) headers[nh++] = "Inference-Header-Content-Length", headers[nh++] = len;
      int want = serve_pick_coding(
          MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING));
      serve_buf packed = {0};
      if (want != SERVE_CODING_IDENTITY && serve_deflate(out.p, out.len, want, &packed) == 0) {
        headers[nh++] = MHD_HTTP_HEADER_CONTENT_ENCODING;
        headers[nh++] = want == SERVE_CODING_GZIP ? "gzip" : "deflate";
        serve_buf_free(&out);
        out = packed;
      } else {
        serve_buf_free(&packed);
      }
      ret = reply_headers(conn, 200, binary ? "application/octet-stream" : kJson, &out, headers);
    }
    serve_buf_free(&out);
  } else {
    ret = reply_error(conn, (unsigned)status, err);
  }
  for (size_t i = 0; i < m->sig.n_outputs; i++) serve_tensor_free(&outputs[i]);
  free(outputs);
  serve_request_free(&req);
  pthread_mutex_lock(&m->metrics.mu);
  if (status == 200) {
    m->metrics.success++;
    m->metrics.last_inference_ms = serve_wall_ms();
    m->metrics.inferences += (uint64_t)samples;
    serve_hist_observe(&m->metrics.latency, serve_latency_bounds,
                       (double)(serve_now_ns() - ctx->start_ns) * 1e-9);
  } else {
    m->metrics.failure++;
  }
  pthread_mutex_unlock(&m->metrics.mu);
  return ret;
}

static MHD_RESULT handle(server *s, struct MHD_Connection *conn, request_ctx *ctx) {
  serve_buf b = {0};
  MHD_RESULT ret;
  switch (ctx->route) {
    case ROUTE_LIVE: return reply_json(conn, 200, "{\"live\":true}");
    case ROUTE_READY:
      return atomic_load(&s->ready) ? reply_json(conn, 200, "{\"ready\":true}")
                                    : reply_json(conn, 400, "{\"ready\":false}");
    case ROUTE_SERVER_META:
      serve_buf_printf(
          &b,
          "{\"name\":\"oar\",\"version\":\"%s\",\"extensions\":[\"binary_tensor_data\",\"parameters\","
          "\"model_configuration\",\"statistics\",\"model_repository\"]}",
          oar_version());
      break;
    case ROUTE_METRICS:
      serve_metrics_write(s->models, s->n_models, &b);
      ret = reply(conn, 200, "text/plain; version=0.0.4; charset=utf-8", &b, NULL, NULL);
      serve_buf_free(&b);
      return ret;
    case ROUTE_REPO_INDEX: {
      /* Body: empty, or {"ready": true} for the ready models only. */
      int ready_only = 0;
      if (ctx->body.len > 0) {
        cJSON *req = cJSON_ParseWithLength(ctx->body.p, ctx->body.len);
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(req, "ready");
        int bad = !cJSON_IsObject(req) || (r != NULL && !cJSON_IsBool(r));
        ready_only = cJSON_IsTrue(r);
        cJSON_Delete(req);
        if (bad) return reply_error(conn, 400, "the index request must be {} or {\"ready\": true|false}");
      }
      serve_buf_puts(&b, "[");
      int first = 1;
      for (size_t i = 0; i < s->n_models; i++) {
        if (ready_only && !atomic_load(&s->models[i]->available)) continue;
        serve_buf_puts(&b, first ? "{\"name\":" : ",{\"name\":");
        first = 0;
        serve_buf_json_str(&b, s->models[i]->name);
        serve_buf_puts(&b, ",\"version\":");
        serve_buf_json_str(&b, s->models[i]->version);
        serve_buf_puts(&b, atomic_load(&s->models[i]->available)
                               ? ",\"state\":\"READY\"}"
                               : ",\"state\":\"UNAVAILABLE\",\"reason\":\"unloaded\"}");
      }
      serve_buf_puts(&b, "]");
      break;
    }
    case ROUTE_MODEL_META: serve_model_metadata_json(ctx->model, &b); break;
    case ROUTE_MODEL_READY:
      serve_buf_puts(&b, "{\"name\":");
      serve_buf_json_str(&b, ctx->model->name);
      serve_buf_puts(&b, ",\"ready\":true}");
      break;
    case ROUTE_MODEL_CONFIG: serve_model_config_json(ctx->model, &b); break;
    case ROUTE_MODEL_STATS: serve_stats_json(&ctx->model, 1, &b); break;
    case ROUTE_ALL_STATS: serve_stats_json(s->models, s->n_models, &b); break;
    case ROUTE_MODEL_INFER: return handle_infer(s, conn, ctx);
    case ROUTE_REPO_LOAD:
    case ROUTE_REPO_UNLOAD: {
      char err[1024];
      pthread_mutex_lock(&s->repo_mu);
      int rc = ctx->route == ROUTE_REPO_UNLOAD ? serve_model_unload(ctx->model)
                                               : serve_model_load(ctx->model, err, sizeof err);
      pthread_mutex_unlock(&s->repo_mu);
      fprintf(stderr, "oar serve: model '%s' %s\n", ctx->model->name,
              rc != 0                           ? "failed to load"
              : ctx->route == ROUTE_REPO_UNLOAD ? "unloaded"
                                                : "loaded");
      if (rc != 0) return reply_error(conn, 400, err);
      break; /* 200, empty body (as Triton) */
      break;
    }
    default: return reply_error(conn, 404, "Not Found");
  }
  ret = b.oom ? reply_error(conn, 500, "out of memory") : reply(conn, 200, kJson, &b, NULL, NULL);
  serve_buf_free(&b);
  return ret;
}

static MHD_RESULT on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                             const char *version, const char *upload_data, size_t *upload_data_size,
                             void **con_cls) {
  server *s = cls;
  request_ctx *ctx = *con_cls;
  if (ctx == NULL) {
    ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL) return MHD_NO;
    *con_cls = ctx;
    ctx->start_ns = serve_now_ns();
    pthread_mutex_lock(&s->mu);
    s->active++;
    ctx->counted = 1;
    pthread_mutex_unlock(&s->mu);
    int get = 1;
    unsigned status;
    char msg[512];
    ctx->route = route(s, url, ctx, &get, &status, msg, sizeof msg);
    /* Unknown paths, models and versions are answered before the body is
     * read (an unknown model is a 404 even with a malformed body). */
    if (ctx->route == ROUTE_NONE) {
      ctx->answered = 1;
      return reply_error(conn, status, msg);
    }
    int is_get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (is_get != get && !(ctx->route == ROUTE_REPO_INDEX && strcmp(method, "POST") == 0)) {
      ctx->answered = 1;
      return reply_error(conn, 405, "Method Not Allowed");
    }
    if (ctx->route == ROUTE_MODEL_INFER) {
      pthread_mutex_lock(&ctx->model->metrics.mu);
      ctx->model->metrics.inflight++;
      pthread_mutex_unlock(&ctx->model->metrics.mu);
      ctx->inflight_counted = 1;
      const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
      if (cl != NULL && strtoull(cl, NULL, 10) > s->opt.max_body_bytes) {
        ctx->answered = 1;
        count_failure(ctx->model);
        snprintf(msg, sizeof msg, "request body of %s bytes is larger than the server's limit of %llu bytes",
                 cl, (unsigned long long)s->opt.max_body_bytes);
        return reply_error(conn, 400, msg);
      }
    }
    return MHD_YES;
  }
  if (*upload_data_size != 0) {
    if (!ctx->answered && !ctx->too_big) {
      if (*upload_data_size > s->opt.max_body_bytes - ctx->body.len) {
        ctx->too_big = 1;
        serve_buf_free(&ctx->body);
      } else {
        serve_buf_put(&ctx->body, upload_data, *upload_data_size);
      }
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (ctx->answered) return MHD_YES;
  ctx->answered = 1;
  if (ctx->too_big) {
    char msg[256];
    snprintf(msg, sizeof msg, "request body is larger than the server's limit of %llu bytes",
             (unsigned long long)s->opt.max_body_bytes);
    if (ctx->route == ROUTE_MODEL_INFER) count_failure(ctx->model);
    return reply_error(conn, 400, msg);
  }
  if (ctx->body.oom) {
    if (ctx->route == ROUTE_MODEL_INFER) count_failure(ctx->model);
    return reply_error(conn, 500, "out of memory reading the request");
  }
  return handle(s, conn, ctx);
}

/* The --metrics-port listener: /metrics only, answered at once. */
static MHD_RESULT on_metrics(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                             const char *version, const char *upload_data, size_t *upload_data_size,
                             void **con_cls) {
  server *s = cls;
  *upload_data_size = 0;
  if (*con_cls != NULL) return MHD_YES; /* a body after the answer: dropped */
  *con_cls = s;
  if (strcmp(url, "/metrics") != 0 && strcmp(url, "/metrics/") != 0)
    return reply_error(conn, 404, "Not Found");
  if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
    return reply_error(conn, 405, "Method Not Allowed");
  }
  serve_buf b = {0};
  serve_metrics_write(s->models, s->n_models, &b);
  MHD_RESULT ret = reply(conn, 200, "text/plain; version=0.0.4; charset=utf-8", &b, NULL, NULL);
  serve_buf_free(&b);
  return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  server *s = cls;
  request_ctx *ctx = *con_cls;
  if (ctx == NULL) return;
  if (ctx->inflight_counted) {
    pthread_mutex_lock(&ctx->model->metrics.mu);
    ctx->model->metrics.inflight--;
    pthread_mutex_unlock(&ctx->model->metrics.mu);
  }
  serve_buf_free(&ctx->body);
  if (ctx->counted) {
    pthread_mutex_lock(&s->mu);
    if (--s->active == 0) pthread_cond_broadcast(&s->idle_cv);
    pthread_mutex_unlock(&s->mu);
  }
  free(ctx);
  *con_cls = NULL;
}

/* ---- command line ------------------------------------------------------------ */

static const char kHelp[] =
    "usage: oar serve --model-repository DIR [--http-port N] [--address A]\n"
    "                 [--threads N] [--max-body-mb N] [--max-tensor-elements N]\n"
    "                 [--request-timeout-ms N] [--idle-timeout-s N] [--max-connections N]\n"
    "\n"
    "Serves every model of a Triton-style repository over HTTP with the KServe /\n"
    "Triton v2 inference protocol (JSON tensors and the binary tensor data\n"
    "extension): /v2/health/{live,ready}, /v2, /v2/models/M[/versions/V][/ready,\n"
    "/config,/stats,/infer], /v2/models/stats, POST /v2/repository/index,\n"
    "POST /v2/repository/models/M/{load,unload} and /metrics (Prometheus text).\n"
    "\n"
    "DIR/<model>/<version>/ holds a model oar loads (a Paddle model directory,\n"
    "legacy or Paddle 3 PIR, or one .onnx file); the highest version is served.\n"
    "DIR/<model>/config.json (optional, Triton's field names):\n"
    "  {\"max_batch_size\": 8, \"instance_group\": [{\"count\": 2}], \"threads\": 1,\n"
    "   \"dynamic_batching\": {\"max_queue_delay_microseconds\": 2000, \"max_queue_size\": 64}}\n"
    "With dynamic_batching, queued requests are merged along dimension 0 up to\n"
    "max_batch_size and run on one predictor clone per instance; a full queue\n"
    "answers 503.\n"
    "\n"
    "  --http-port N            port (default 8000; 0 picks a free one)\n"
    "  --address A              IPv4 address to listen on (default 0.0.0.0)\n"
    "  --threads N              threads per run for models without \"threads\" (default 1)\n"
    "  --max-body-mb N          largest request body (default 64)\n"
    "  --max-tensor-elements N  largest input tensor (default 67108864)\n"
    "  --request-timeout-ms N   queue timeout of a request (default 60000; 0: none;\n"
    "                           a request's \"timeout\" parameter, in us, overrides it)\n"
    "  --idle-timeout-s N       close a connection idle (or stalled) this long (default 30)\n"
    "  --max-connections N      concurrent connections (default 512)\n"
    "  --metrics-port N         also serve /metrics alone on this port (Triton's 8002;\n"
    "                           0 picks a free one); /metrics is on the HTTP port too\n"
    "\n"
    "The listening port is printed as \"oar serve: listening on http://A:PORT\".\n"
    "SIGTERM or SIGINT: stop accepting, finish requests in flight, exit 0.\n";

const char *serve_help(void) { return kHelp; }

static int parse_num(const char *s, long long min, long long max, long long *out) {
  char *end = NULL;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (end == s || *end != '\0' || errno != 0 || v < min || v > max) return -1;
  *out = v;
  return 0;
}

int serve_main(int argc, char **argv) {
  const char *repo = NULL, *address = "0.0.0.0";
  long long port = 8000, threads = 1, max_body_mb = 64, max_elems = 64ll << 20, timeout_ms = 60000,
            idle_s = 30, max_conn = 512, metrics_port = -1;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    const char *v = NULL;
    const char *eq = strchr(a, '=');
    char key[64];
    size_t klen = eq ? (size_t)(eq - a) : strlen(a);
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(kHelp, stdout);
      return 0;
    }
    if (strncmp(a, "--", 2) != 0 || klen >= sizeof key) {
      fprintf(stderr, "oar: serve: unexpected argument '%s' (see `oar help serve`)\n", a);
      return 2;
    }
    memcpy(key, a, klen);
    key[klen] = '\0';
    if (eq)
      v = eq + 1;
    else if (i + 1 < argc)
      v = argv[++i];
    else {
      fprintf(stderr, "oar: serve: %s needs a value (see `oar help serve`)\n", key);
      return 2;
    }
    int bad = 0;
    if (strcmp(key, "--model-repository") == 0)
      repo = v;
    else if (strcmp(key, "--address") == 0)
      address = v;
    else if (strcmp(key, "--http-port") == 0)
      bad = parse_num(v, 0, 65535, &port);
    else if (strcmp(key, "--threads") == 0)
      bad = parse_num(v, 1, 256, &threads);
    else if (strcmp(key, "--max-body-mb") == 0)
      bad = parse_num(v, 1, 1 << 16, &max_body_mb);
    else if (strcmp(key, "--max-tensor-elements") == 0)
      bad = parse_num(v, 1, 1ll << 40, &max_elems);
    else if (strcmp(key, "--request-timeout-ms") == 0)
      bad = parse_num(v, 0, 1ll << 31, &timeout_ms);
    else if (strcmp(key, "--idle-timeout-s") == 0)
      bad = parse_num(v, 1, 86400, &idle_s);
    else if (strcmp(key, "--metrics-port") == 0)
      bad = parse_num(v, 0, 65535, &metrics_port);
    else if (strcmp(key, "--max-connections") == 0)
      bad = parse_num(v, 1, 65536, &max_conn);
    else {
      fprintf(stderr, "oar: serve: unknown option '%s' (see `oar help serve`)\n", key);
      return 2;
    }
    if (bad) {
      fprintf(stderr, "oar: serve: bad value '%s' for %s\n", v, key);
      return 2;
    }
  }
  if (repo == NULL) {
    fprintf(stderr, "oar: serve: --model-repository DIR is required (see `oar help serve`)\n");
    return 2;
  }
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, address, &sa.sin_addr) != 1) {
    fprintf(stderr, "oar: serve: --address '%s' is not an IPv4 address\n", address);
    return 2;
  }

  /* Signals are taken by sigwait in this thread only: block them before any
   * thread starts (threads inherit the mask). */
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, NULL);
  signal(SIGPIPE, SIG_IGN);

  server s;
  memset(&s, 0, sizeof s);
  s.opt.max_body_bytes = (uint64_t)max_body_mb << 20;
  s.opt.max_tensor_elements = (uint64_t)max_elems;
  s.opt.request_timeout_us = timeout_ms * 1000;
  s.opt.default_threads = (int)threads;
  s.limits.max_tensor_elements = (uint64_t)max_elems;
  pthread_mutex_init(&s.mu, NULL);
  pthread_cond_init(&s.idle_cv, NULL);
  pthread_mutex_init(&s.repo_mu, NULL);
  char err[1024];
  if (serve_repo_load(repo, &s.opt, &s.models, &s.n_models, err, sizeof err) != 0) {
    fprintf(stderr, "oar: serve: %s\n", err);
    return 1;
  }
  for (size_t i = 0; i < s.n_models; i++) {
    serve_model *m = s.models[i];
    fprintf(
        stderr,
        "oar serve: model '%s' version %s ready (%s; max_batch_size %d, %s, %d instance%s x %d thread%s)\n",
        m->name, m->version, m->path, m->sig.max_batch_size,
        m->dynamic_batching ? "dynamic batching" : "no batching", m->instances, m->instances == 1 ? "" : "s",
        m->threads, m->threads == 1 ? "" : "s");
    if (serve_batcher_start(m) != 0) {
      fprintf(stderr, "oar: serve: cannot start the workers of model '%s'\n", m->name);
      return 1;
    }
  }
  struct MHD_Daemon *md = NULL;
  if (metrics_port >= 0) {
    struct sockaddr_in msa = sa;
    msa.sin_port = htons((uint16_t)metrics_port);
    md = MHD_start_daemon(MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD, (uint16_t)metrics_port, NULL, NULL,
                          on_metrics, &s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&msa,
                          MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)idle_s, MHD_OPTION_CONNECTION_LIMIT,
                          64u, MHD_OPTION_END);
    if (md == NULL) {
      fprintf(stderr, "oar: serve: cannot listen on %s:%lld for metrics: %s\n", address, metrics_port,
              strerror(errno));
      return 1;
    }
    const union MHD_DaemonInfo *mi = MHD_get_daemon_info(md, MHD_DAEMON_INFO_BIND_PORT);
    printf("oar serve: metrics on http://%s:%u/metrics\n", address,
           mi ? (unsigned)mi->port : (unsigned)metrics_port);
  }
  struct MHD_Daemon *d = MHD_start_daemon(
      MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC, (uint16_t)port, NULL,
      NULL, on_request, &s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_NOTIFY_COMPLETED,
      on_completed, &s, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)idle_s, MHD_OPTION_CONNECTION_LIMIT,
      (unsigned int)max_conn, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_END);
  if (d == NULL) {
    fprintf(stderr, "oar: serve: cannot listen on %s:%lld: %s\n", address, port, strerror(errno));
    return 1;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  atomic_store(&s.ready, 1);
  printf("oar serve: listening on http://%s:%u\n", address, info ? (unsigned)info->port : (unsigned)port);
  fflush(stdout);

  int sig = 0;
  sigwait(&sigs, &sig);
  fprintf(stderr, "oar serve: %s: draining\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  atomic_store(&s.ready, 0);
  /* Stop accepting; requests already received run to completion. */
  MHD_socket listen_fd = MHD_quiesce_daemon(d);
  if (listen_fd != MHD_INVALID_SOCKET) close(listen_fd);
  pthread_mutex_lock(&s.mu);
  while (s.active > 0) pthread_cond_wait(&s.idle_cv, &s.mu);
  pthread_mutex_unlock(&s.mu);
  MHD_stop_daemon(d);
  if (md) MHD_stop_daemon(md);
  for (size_t i = 0; i < s.n_models; i++) serve_batcher_stop(s.models[i]);
  for (size_t i = 0; i < s.n_models; i++) serve_model_destroy(s.models[i]);
  free(s.models);
  fprintf(stderr, "oar serve: stopped\n");
  return 0;
}
