/* Load time and resident memory: a model from its source files (Paddle,
 * ONNX) against the same model as an optimized model file (`oar opt`).
 *
 *   cc -O2 -std=c11 -D_GNU_SOURCE -I include bench/load_bench.c build/lib/liboar.a -lm -lpthread -o
 * load_bench
 *   ./load_bench [--loads N] [--oar FILE.oar] MODEL [PARAMS]
 *
 * Writes FILE.oar (default /tmp/load_bench.oar) from MODEL with
 * oar_predictor_save_optimized, then for each form, in its own process:
 * N predictor creations (oar_predictor_create: read, parse, optimize or
 * map; median and minimum), then one run on zeros of the declared shapes
 * (-1 as 1) and the resident memory after it (VmRSS) and at its peak
 * (VmHWM), from /proc/self/status. Each form is measured in a fresh
 * process so that neither inherits the other's pages; the first load of
 * each is untimed (it warms the page cache, as any load after the first
 * finds it). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../bench/bench_util.h"
#include "oar/oar.h"

typedef struct result {
  double median_ms, min_ms;
  double first_run_ms; /* planning (packing or checking weights) and the run */
  double rss_mib, hwm_mib;
  int ok;
} result;

static double status_mib(const char *key) {
  FILE *f = fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  double v = -1;
  size_t n = strlen(key);
  while (fgets(line, sizeof line, f))
    if (strncmp(line, key, n) == 0) v = strtod(line + n + 1, NULL) / 1024.0; /* kB */
  fclose(f);
  return v;
}

static oar_status create(const char *model, const char *params, oar_predictor **p) {
  oar_config *c = NULL;
  oar_status st = oar_config_create(&c);
  if (st == OAR_OK) st = oar_config_set_model(c, model, params);
  if (st == OAR_OK) st = oar_predictor_create(c, p);
  if (st != OAR_OK) fprintf(stderr, "load_bench: %s: %s\n", model, oar_last_error());
  oar_config_destroy(c);
  return st;
}

static oar_status run_on_zeros(oar_predictor *p) {
  size_t n = 0;
  oar_status st = oar_predictor_input_count(p, &n);
  for (size_t i = 0; st == OAR_OK && i < n; i++) {
    const char *name;
    oar_tensor *t;
    oar_dtype dtype;
    size_t rank;
    int64_t dims[OAR_MAX_RANK];
    st = oar_predictor_input_name(p, i, &name);
    if (st == OAR_OK) st = oar_predictor_get_input(p, name, &t);
    if (st == OAR_OK) st = oar_tensor_dtype(t, &dtype);
    if (st == OAR_OK) st = oar_tensor_shape(t, &rank, dims, OAR_MAX_RANK);
    if (st != OAR_OK) break;
    size_t numel = 1;
    for (size_t d = 0; d < rank; d++) numel *= (size_t)(dims[d] < 0 ? (dims[d] = 1) : dims[d]);
    st = oar_tensor_reshape(t, rank, dims);
    void *zeros = calloc(numel ? numel : 1, oar_dtype_size(dtype));
    if (st == OAR_OK)
      st = zeros ? oar_tensor_copy_from_host(t, dtype, zeros, numel * oar_dtype_size(dtype))
                 : OAR_ERR_OUT_OF_MEMORY;
    free(zeros);
  }
  if (st == OAR_OK) st = oar_predictor_run(p);
  if (st != OAR_OK) fprintf(stderr, "load_bench: run: %s\n", oar_predictor_last_error(p));
  return st;
}

static void measure(const char *model, const char *params, int loads, result *r) {
  double *ms = calloc((size_t)loads, sizeof *ms);
  oar_predictor *p = NULL;
  if (!ms || create(model, params, &p) != OAR_OK) return; /* the untimed first load */
  oar_predictor_destroy(p);
  for (int i = 0; i < loads; i++) {
    double t0 = bench_now();
    if (create(model, params, &p) != OAR_OK) return;
    ms[i] = 1e3 * (bench_now() - t0);
    if (i + 1 < loads) oar_predictor_destroy(p);
  }
  qsort(ms, (size_t)loads, sizeof *ms, bench_cmp_double);
  r->median_ms = ms[loads / 2];
  r->min_ms = ms[0];
  free(ms);
  double t0 = bench_now();
  if (run_on_zeros(p) != OAR_OK) return;
  r->first_run_ms = 1e3 * (bench_now() - t0);
  r->rss_mib = status_mib("VmRSS:");
  r->hwm_mib = status_mib("VmHWM:");
  oar_predictor_destroy(p);
  r->ok = 1;
}

/* measure() in a child process; the result comes back through a pipe. */
static int measure_forked(const char *model, const char *params, int loads, result *r) {
  int fd[2];
  if (pipe(fd) != 0) return -1;
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    close(fd[0]);
    result mine = {0};
    measure(model, params, loads, &mine);
    ssize_t w = write(fd[1], &mine, sizeof mine);
    _exit(w == (ssize_t)sizeof mine ? 0 : 1);
  }
  close(fd[1]);
  ssize_t got = read(fd[0], r, sizeof *r);
  close(fd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return got == (ssize_t)sizeof *r && r->ok ? 0 : -1;
}

int main(int argc, char **argv) {
  const char *model = NULL, *params = NULL, *out = "/tmp/load_bench.oar";
  int loads = 11;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--loads") == 0 && i + 1 < argc) {
      loads = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--oar") == 0 && i + 1 < argc) {
      out = argv[++i];
    } else if (!model) {
      model = argv[i];
    } else if (!params) {
      params = argv[i];
    } else {
      model = NULL;
      break;
    }
  }
  if (!model || loads < 1) {
    fprintf(stderr, "usage: load_bench [--loads N] [--oar FILE.oar] MODEL [PARAMS]\n");
    return 2;
  }
  oar_predictor *p = NULL;
  if (create(model, params, &p) != OAR_OK) return 1;
  double t0 = bench_now();
  oar_status st = oar_predictor_save_optimized(p, out);
  double save_ms = 1e3 * (bench_now() - t0);
  if (st != OAR_OK) {
    fprintf(stderr, "load_bench: writing %s: %s\n", out, oar_predictor_last_error(p));
    return 1;
  }
  oar_predictor_destroy(p);
  result src = {0}, opt = {0};
  if (measure_forked(model, params, loads, &src) != 0 || measure_forked(out, NULL, loads, &opt) != 0) {
    fprintf(stderr, "load_bench: a measurement failed\n");
    return 1;
  }
  printf("model: %s (optimized file %s written in %.1f ms)\n", model, out, save_ms);
  printf("%-16s %12s %12s %12s %16s %16s\n", "form", "load median", "load min", "first run", "RSS after run",
         "peak RSS");
  printf("%-16s %9.1f ms %9.1f ms %9.1f ms %12.1f MiB %12.1f MiB\n", "source files", src.median_ms,
         src.min_ms, src.first_run_ms, src.rss_mib, src.hwm_mib);
  printf("%-16s %9.1f ms %9.1f ms %9.1f ms %12.1f MiB %12.1f MiB\n", "optimized .oar", opt.median_ms,
         opt.min_ms, opt.first_run_ms, opt.rss_mib, opt.hwm_mib);
  printf("load %.1fx faster (median), RSS after run %.2fx, peak RSS %.2fx\n", src.median_ms / opt.median_ms,
         opt.rss_mib / src.rss_mib, opt.hwm_mib / src.hwm_mib);
  return 0;
}
