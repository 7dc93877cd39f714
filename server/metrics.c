/* Prometheus text exposition (format 0.0.4) of the per-model counters,
 * gauges and histograms the request path and the batcher keep. */
#include <stdio.h>
#include <string.h>

#include "serve.h"

static void family(serve_buf *b, const char *name, const char *type, const char *help) {
  serve_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void labels(serve_buf *b, const serve_model *m) {
  serve_buf_puts(b, "model=");
  serve_buf_json_str(b, m->name); /* JSON escaping covers Prometheus' \\ \" \n */
  serve_buf_puts(b, ",version=");
  serve_buf_json_str(b, m->version);
}

static void hist(serve_buf *b, const char *name, const serve_model *m, const serve_hist *h,
                 const double *bounds, size_t nb) {
  uint64_t cum = 0;
  for (size_t i = 0; i <= nb; i++) {
    cum += h->counts[i];
    serve_buf_printf(b, "%s_bucket{", name);
    labels(b, m);
    if (i < nb)
      serve_buf_printf(b, ",le=\"%g\"} %llu\n", bounds[i], (unsigned long long)cum);
    else
      serve_buf_printf(b, ",le=\"+Inf\"} %llu\n", (unsigned long long)cum);
  }
  serve_buf_printf(b, "%s_sum{", name);
  labels(b, m);
  serve_buf_printf(b, "} %.9f\n%s_count{", h->sum, name);
  labels(b, m);
  serve_buf_printf(b, "} %llu\n", (unsigned long long)h->count);
}

static void counter(serve_buf *b, const char *name, const serve_model *m, long long v) {
  serve_buf_printf(b, "%s{", name);
  labels(b, m);
  serve_buf_printf(b, "} %lld\n", v);
}

static void snapshot(serve_model *m, serve_metrics *snap, int *queued) {
  pthread_mutex_lock(&m->metrics.mu);
  memcpy(snap, &m->metrics, sizeof *snap);
  pthread_mutex_unlock(&m->metrics.mu);
  pthread_mutex_lock(&m->mu);
  *queued = m->queued;
  pthread_mutex_unlock(&m->mu);
}

static void stat_pair(serve_buf *b, const char *key, uint64_t count, double seconds) {
  serve_buf_printf(b, "\"%s\":{\"count\":%llu,\"ns\":%llu}", key, (unsigned long long)count,
                   (unsigned long long)(seconds * 1e9));
}

/* Triton's statistics extension, the fields perf_analyzer reads. Failure
 * durations and the input/output copies are not timed: their ns are 0. */
void serve_stats_json(serve_model **models, size_t n, serve_buf *out) {
  serve_buf_puts(out, "{\"model_stats\":[");
  for (size_t i = 0; i < n; i++) {
    serve_metrics s;
    int queued;
    snapshot(models[i], &s, &queued);
    serve_buf_puts(out, i ? ",{\"name\":" : "{\"name\":");
    serve_buf_json_str(out, models[i]->name);
    serve_buf_puts(out, ",\"version\":");
    serve_buf_json_str(out, models[i]->version);
    serve_buf_printf(out, ",\"last_inference\":%llu,\"inference_count\":%llu,\"execution_count\":%llu,",
                     (unsigned long long)s.last_inference_ms, (unsigned long long)s.inferences,
                     (unsigned long long)s.executions);
    serve_buf_puts(out, "\"inference_stats\":{");
    stat_pair(out, "success", s.success, s.latency.sum);
    serve_buf_puts(out, ",");
    stat_pair(out, "fail", s.failure, 0);
    serve_buf_puts(out, ",");
    stat_pair(out, "queue", s.queue_time.count, s.queue_time.sum);
    serve_buf_puts(out, ",");
    stat_pair(out, "compute_input", s.compute.count, 0);
    serve_buf_puts(out, ",");
    stat_pair(out, "compute_infer", s.compute.count, s.compute.sum);
    serve_buf_puts(out, ",");
    stat_pair(out, "compute_output", s.compute.count, 0);
    serve_buf_puts(
        out,
        ",\"cache_hit\":{\"count\":0,\"ns\":0},\"cache_miss\":{\"count\":0,\"ns\":0}},\"batch_stats\":[");
    int first = 1;
    for (int bsz = 1; bsz <= 64; bsz++) {
      if (s.batch_sizes[bsz] == 0) continue;
      serve_buf_printf(out, "%s{\"batch_size\":%d,", first ? "" : ",", bsz);
      stat_pair(out, "compute_input", s.batch_sizes[bsz], 0);
      serve_buf_puts(out, ",");
      stat_pair(out, "compute_infer", s.batch_sizes[bsz], s.batch_compute_s[bsz]);
      serve_buf_puts(out, ",");
      stat_pair(out, "compute_output", s.batch_sizes[bsz], 0);
      serve_buf_puts(out, "}");
      first = 0;
    }
    serve_buf_puts(out, "]}");
  }
  serve_buf_puts(out, "]}");
}

void serve_metrics_write(serve_model **models, size_t n, serve_buf *out) {
  /* Copy each model's numbers under its lock, then print. */
  serve_metrics snap[n ? n : 1];
  int queued[n ? n : 1];
  for (size_t i = 0; i < n; i++) snapshot(models[i], &snap[i], &queued[i]);
  static const struct {
    const char *name, *type, *help;
  } kScalars[] = {
      {"oar_inference_request_success_total", "counter", "Successful inference requests"},
      {"oar_inference_request_failure_total", "counter", "Failed inference requests (any non-200 answer)"},
      {"oar_inference_count_total", "counter", "Samples inferred (batch dimension summed)"},
      {"oar_inference_exec_count_total", "counter", "Model executions (one per batch run)"},
      {"oar_inference_inflight_requests", "gauge", "Inference requests received and not yet answered"},
      {"oar_inference_pending_request_count", "gauge", "Requests waiting in the model's queue"},
  };
  for (size_t k = 0; k < sizeof kScalars / sizeof kScalars[0]; k++) {
    family(out, kScalars[k].name, kScalars[k].type, kScalars[k].help);
    for (size_t i = 0; i < n; i++) {
      const long long v[] = {(long long)snap[i].success,    (long long)snap[i].failure,
                             (long long)snap[i].inferences, (long long)snap[i].executions,
                             (long long)snap[i].inflight,   (long long)queued[i]};
      counter(out, kScalars[k].name, models[i], v[k]);
    }
  }
  family(out, "oar_inference_request_duration_seconds", "histogram",
         "Inference request latency, arrival to answer");
  for (size_t i = 0; i < n; i++) {
    hist(out, "oar_inference_request_duration_seconds", models[i], &snap[i].latency, serve_latency_bounds,
         SERVE_HIST_BUCKETS);
  }
  family(out, "oar_inference_queue_duration_seconds", "histogram", "Time requests wait in the queue");
  for (size_t i = 0; i < n; i++) {
    hist(out, "oar_inference_queue_duration_seconds", models[i], &snap[i].queue_time, serve_latency_bounds,
         SERVE_HIST_BUCKETS);
  }
  family(out, "oar_inference_compute_duration_seconds", "histogram", "Time of one (batched) model run");
  for (size_t i = 0; i < n; i++) {
    hist(out, "oar_inference_compute_duration_seconds", models[i], &snap[i].compute, serve_latency_bounds,
         SERVE_HIST_BUCKETS);
  }
  family(out, "oar_inference_batch_size", "histogram", "Batch size of each model run");
  static const double kBatchBounds[] = {1, 2, 4, 8, 16, 32, 64};
  for (size_t i = 0; i < n; i++) {
    serve_hist h = {{0}, 0, 0};
    for (int b = 1; b <= 64; b++) {
      size_t k = 0;
      while (k < 7 && b > kBatchBounds[k]) k++;
      h.counts[k] += snap[i].batch_sizes[b];
      h.count += snap[i].batch_sizes[b];
      h.sum += (double)b * (double)snap[i].batch_sizes[b];
    }
    hist(out, "oar_inference_batch_size", models[i], &h, kBatchBounds, 7);
  }
}
