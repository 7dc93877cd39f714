/* `oar bench`: latency and throughput on random inputs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "npy.h"

typedef struct bench_shape {
  const char *arg; /* "NAME=AxBxC" as given */
  int used;
} bench_shape;

typedef struct bench_args {
  const char *model;
  const char *params;
  int threads;
  long batch;
  int batch_given;
  long warmup;
  long iters;
  int iters_given;
  double seconds; /* 0: not given */
  bench_shape *shapes;
  size_t shape_count;
} bench_args;

static int parse_count(const char *option, const char *value, long min, long *out) {
  if (cli_parse_long(value, min, 100000000L, out) != 0) {
    return cli_usage("bench", "%s takes a whole number >= %ld, not '%s'", option, min, value);
  }
  return CLI_EXIT_OK;
}

static int parse_args(int argc, char **argv, bench_args *a) {
  cli_opt_scan scan = {argc, argv, 0, "bench", 0};
  const char *v;
  long n;
  int rc = CLI_EXIT_OK;
  while (scan.i < argc && rc == CLI_EXIT_OK) {
    const char *word = argv[scan.i];
    if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0) {
      cmd_print_help("bench");
      return -1;
    }
    if (cli_opt_value(&scan, "--params", &v)) {
      a->params = v;
    } else if (!scan.bad && cli_engine_option(&scan)) {
      continue;
    } else if (!scan.bad && cli_opt_value(&scan, "--threads", &v)) {
      rc = parse_count("--threads", v, 1, &n);
      a->threads = (int)n;
    } else if (!scan.bad && cli_opt_value(&scan, "--batch", &v)) {
      rc = parse_count("--batch", v, 1, &a->batch);
      a->batch_given = 1;
    } else if (!scan.bad && cli_opt_value(&scan, "--warmup", &v)) {
      rc = parse_count("--warmup", v, 0, &a->warmup);
    } else if (!scan.bad && cli_opt_value(&scan, "--iters", &v)) {
      rc = parse_count("--iters", v, 1, &a->iters);
      a->iters_given = 1;
    } else if (!scan.bad && cli_opt_value(&scan, "--seconds", &v)) {
      if (cli_parse_seconds(v, &a->seconds) != 0 || a->seconds <= 0) {
        rc = cli_usage("bench", "--seconds takes a positive number, not '%s'", v);
      }
    } else if (!scan.bad && cli_opt_value(&scan, "--shape", &v)) {
      if (strchr(v, '=') == NULL) rc = cli_usage("bench", "--shape takes NAME=AxBxC, not '%s'", v);
      a->shapes[a->shape_count].arg = v;
      a->shape_count++;
    } else if (scan.bad) {
      return CLI_EXIT_USAGE;
    } else if (word[0] == '-' && word[1] != '\0') {
      return cli_usage("bench", "unknown option '%s'", word);
    } else if (a->model == NULL) {
      a->model = word;
      scan.i++;
    } else {
      return cli_usage("bench", "unexpected argument '%s'", word);
    }
  }
  if (rc != CLI_EXIT_OK) return rc;
  if (scan.bad) return CLI_EXIT_USAGE;
  if (a->model == NULL) return cli_usage("bench", "bench needs a MODEL");
  return CLI_EXIT_OK;
}

/* xorshift64*: reproducible inputs without touching the C library's rand(). */
static uint64_t next_random(uint64_t *state) {
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545F4914F6CDD1DULL;
}

/* Random data for a dtype: floats uniform in [-1, 1], everything else 0. */
static void *random_data(oar_dtype dtype, size_t count, uint64_t *state) {
  size_t esize = oar_npy_dtype_size(dtype);
  void *buf = calloc(count ? count : 1, esize);
  if (buf == NULL) return NULL;
  for (size_t i = 0; i < count; i++) {
    double u = (double)(next_random(state) >> 11) * (1.0 / 9007199254740992.0) * 2.0 - 1.0;
    if (dtype == OAR_DTYPE_FLOAT32) {
      ((float *)buf)[i] = (float)u;
    } else if (dtype == OAR_DTYPE_FLOAT64) {
      ((double *)buf)[i] = u;
    } else {
      break; /* integers, bools (and float16) stay 0 */
    }
  }
  return buf;
}

/* The shape input `name` runs with: --shape if given, else the declared one
 * with a variable first dimension set to the batch. */
static int choose_shape(bench_args *a, const char *name, oar_tensor *t, size_t *rank, int64_t *dims) {
  for (size_t s = 0; s < a->shape_count; s++) {
    const char *value = NULL;
    const char *names[1] = {name};
    if (cli_split_named(a->shapes[s].arg, names, 1, &value) != 0) continue;
    if (cli_parse_shape(value, rank, dims) != 0) {
      return cli_usage("bench", "--shape %s: '%s' is not a shape like 1x3x224x224", name, value);
    }
    a->shapes[s].used = 1;
    return CLI_EXIT_OK;
  }
  oar_status st = oar_tensor_shape(t, rank, dims, OAR_MAX_RANK);
  if (st != OAR_OK) return cli_fail("input %s: cannot read its shape: %s", name, oar_last_error());
  if (*rank > OAR_MAX_RANK) return cli_fail("input %s: rank %zu is more than oar handles", name, *rank);
  /* An explicit --batch also overrides a fixed first dimension: the library
   * then says whether the model can take it. */
  if (a->batch_given && *rank > 0) dims[0] = a->batch;
  for (size_t d = 0; d < *rank; d++) {
    if (dims[d] >= 0) continue;
    if (d == 0) {
      dims[d] = a->batch;
      continue;
    }
    char shape[200];
    return cli_usage("bench",
                     "input %s has declared shape %s with a variable dimension %zu; give its shape with "
                     "--shape %s=AxBxC",
                     name, oar_npy_shape_string(*rank, dims, shape, sizeof(shape)), d, name);
  }
  return CLI_EXIT_OK;
}

static int feed_random(oar_predictor *predictor, bench_args *a, int64_t *samples) {
  const char **names = NULL;
  size_t count = 0;
  int rc = cli_tensor_names(predictor, 0, &names, &count);
  if (rc != CLI_EXIT_OK) return rc;
  uint64_t state = 0x9E3779B97F4A7C15ULL;
  *samples = 1;
  for (size_t k = 0; k < count && rc == CLI_EXIT_OK; k++) {
    oar_tensor *t = NULL;
    oar_dtype dtype = OAR_DTYPE_UNKNOWN;
    size_t rank = 0, elements = 0;
    int64_t dims[OAR_MAX_RANK];
    oar_status st = oar_predictor_get_input(predictor, names[k], &t);
    if (st == OAR_OK) st = oar_tensor_dtype(t, &dtype);
    if (st != OAR_OK) {
      rc = cli_fail_predictor(predictor, st, names[k]);
      break;
    }
    rc = choose_shape(a, names[k], t, &rank, dims);
    if (rc != CLI_EXIT_OK) break;
    size_t esize = oar_npy_dtype_size(dtype);
    char shape[200];
    oar_npy_shape_string(rank, dims, shape, sizeof(shape));
    if (esize == 0) {
      rc = cli_fail("input %s: cannot make random %s data", names[k], cli_dtype_name(dtype));
      break;
    }
    if (oar_npy_element_count(rank, dims, &elements) != 0 || elements > SIZE_MAX / esize) {
      rc = cli_fail("input %s: shape %s is too large", names[k], shape);
      break;
    }
    if (k == 0 && rank > 0) *samples = dims[0];
    void *data = random_data(dtype, elements, &state);
    if (data == NULL) {
      rc = cli_fail("input %s: out of memory for shape %s", names[k], shape);
      break;
    }
    st = oar_tensor_reshape(t, rank, dims);
    if (st == OAR_OK) st = oar_tensor_copy_from_host(t, dtype, data, elements * esize);
    free(data);
    if (st != OAR_OK) {
      char context[600];
      snprintf(context, sizeof(context), "input %s with shape %s", names[k], shape);
      rc = cli_fail_predictor(predictor, st, context);
      break;
    }
    printf("input %s  %s %s\n", names[k], cli_dtype_name(dtype), shape);
  }
  for (size_t s = 0; s < a->shape_count && rc == CLI_EXIT_OK; s++) {
    if (!a->shapes[s].used) {
      fprintf(stderr, "oar: --shape %s names no model input; the inputs are:", a->shapes[s].arg);
      for (size_t k = 0; k < count; k++) fprintf(stderr, " %s", names[k]);
      fputs("\nusage: see 'oar help bench'\n", stderr);
      rc = CLI_EXIT_USAGE;
    }
  }
  free(names);
  return rc;
}

static int compare_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

static int time_runs(oar_predictor *predictor, const bench_args *a, int64_t samples) {
  for (long i = 0; i < a->warmup; i++) {
    oar_status st = oar_predictor_run(predictor);
    if (st != OAR_OK) return cli_fail_predictor(predictor, st, "warm-up run");
  }
  /* With --seconds, run until the time is up (at most --iters runs if that
   * was given too); otherwise exactly --iters runs. */
  size_t cap = 64, n = 0;
  long limit = (a->seconds > 0 && !a->iters_given) ? 10000000L : a->iters;
  double *ms = malloc(cap * sizeof(*ms));
  if (ms == NULL) return cli_fail("out of memory");
  double start = cli_now();
  while ((long)n < limit) {
    if (a->seconds > 0 && n > 0 && cli_now() - start >= a->seconds) break;
    double t0 = cli_now();
    oar_status st = oar_predictor_run(predictor);
    double t1 = cli_now();
    if (st != OAR_OK) {
      free(ms);
      return cli_fail_predictor(predictor, st, "timed run");
    }
    if (n == cap) {
      double *grown = realloc(ms, 2 * cap * sizeof(*ms));
      if (grown == NULL) {
        free(ms);
        return cli_fail("out of memory");
      }
      ms = grown;
      cap *= 2;
    }
    ms[n++] = (t1 - t0) * 1e3;
  }
  qsort(ms, n, sizeof(*ms), compare_double);
  double median = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2.0;
  size_t p90_index = (size_t)((double)n * 0.9 + 0.999999);
  double p90 = ms[p90_index > 0 ? p90_index - 1 : 0];
  printf("latency (ms): median %.4g  p90 %.4g  min %.4g  (%zu runs after %ld warm-up)\n", median, p90, ms[0],
         n, a->warmup);
  if (median > 0) {
    printf("throughput: %.2f samples/s (batch %lld)\n", (double)samples / (median * 1e-3),
           (long long)samples);
  }
  free(ms);
  return CLI_EXIT_OK;
}

int cmd_bench(int argc, char **argv) {
  bench_args a;
  memset(&a, 0, sizeof(a));
  a.batch = 1;
  a.warmup = 3;
  a.iters = 20;
  a.shapes = calloc(argc > 0 ? (size_t)argc : 1, sizeof(*a.shapes));
  if (a.shapes == NULL) return cli_fail("out of memory");
  int rc = parse_args(argc, argv, &a);
  if (rc != CLI_EXIT_OK) {
    free(a.shapes);
    return rc < 0 ? CLI_EXIT_OK : rc;
  }
  oar_predictor *predictor = NULL;
  int64_t samples = 1;
  rc = cli_open_predictor(a.model, a.params, a.threads, &predictor);
  if (rc == CLI_EXIT_OK) {
    printf("model %s  threads %d\n", a.model, a.threads > 0 ? a.threads : 1);
    rc = feed_random(predictor, &a, &samples);
  }
  if (rc == CLI_EXIT_OK) rc = time_runs(predictor, &a, samples);
  if (rc == CLI_EXIT_OK) rc = cli_print_profile(predictor, 200);
  oar_predictor_destroy(predictor);
  free(a.shapes);
  return rc;
}
