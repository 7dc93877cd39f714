/* Clones of a predictor whose model has a data-dependent output shape
 * (where_index, then cast and scale in a continuation: the op fixture
 * where_index_2d_then_ops) run at the same time on different threads, each
 * switching between two inputs with different numbers of nonzeros, so
 * each clone's plan keeps and reuses continuations for several shapes.
 * Every run must give out[k] = 2 * (row, col) + 1 of the k-th nonzero of
 * its input, worked out here. */
#include <string.h>

#include "clone_threads_util.h"

#define THREADS 4
#define RUNS 30

typedef struct job {
  oar_predictor *p;
  float input[2][20];
  int failures;
} job;

/* Runs on a [4, 5] input; checks the [N, 2] output against the nonzeros. */
static int run_check(oar_predictor *p, const float *in) {
  oar_tensor *x, *y;
  const char *in_name, *out_name;
  size_t count;
  if (oar_predictor_input_name(p, 0, &in_name) || oar_predictor_output_count(p, &count) || count != 2 ||
      oar_predictor_output_name(p, 1, &out_name))
    return 1;
  if (oar_predictor_get_input(p, in_name, &x) || oar_predictor_get_output(p, out_name, &y)) return 1;
  if (oar_tensor_reshape(x, 2, (int64_t[]){4, 5})) return 1;
  if (oar_tensor_copy_from_host(x, OAR_DTYPE_FLOAT32, in, 20 * sizeof(float))) return 1;
  if (oar_predictor_run(p)) return 1;
  size_t rank;
  int64_t dims[4];
  if (oar_tensor_shape(y, &rank, dims, 4) || rank != 2 || dims[1] != 2) return 1;
  float want[40], got[40];
  int64_t n = 0;
  for (int i = 0; i < 20; i++)
    if (in[i] != 0) {
      want[2 * n] = 2.0f * (float)(i / 5) + 1.0f;
      want[2 * n + 1] = 2.0f * (float)(i % 5) + 1.0f;
      n++;
    }
  if (dims[0] != n) return 1;
  if (n && oar_tensor_copy_to_host(y, got, (size_t)n * 2 * sizeof(float))) return 1;
  return n && memcmp(got, want, (size_t)n * 2 * sizeof(float)) != 0;
}

static void *worker(void *arg) {
  job *j = arg;
  for (int r = 0; r < RUNS; r++) j->failures += run_check(j->p, j->input[r % 2]);
  return NULL;
}

int main(void) {
  oar_predictor *base = ct_load("ops/where_index_2d_then_ops");
  if (!base) return 1;
  job jobs[THREADS];
  for (int t = 0; t < THREADS; t++) {
    memset(&jobs[t], 0, sizeof jobs[t]);
    /* Input 0 of thread t has 2 t + 1 nonzeros, input 1 has 19 - t. */
    for (int i = 0; i < 20; i++) {
      jobs[t].input[0][i] = (i * 7) % 20 < 2 * t + 1 ? (float)(i + 1) : 0.0f;
      jobs[t].input[1][i] = i != t ? -0.5f * (float)(i + 1) : 0.0f;
    }
    if (oar_predictor_clone(base, &jobs[t].p) != OAR_OK || run_check(jobs[t].p, jobs[t].input[0])) {
      fprintf(stderr, "clone %d: %s\n", t, oar_last_error());
      return 1;
    }
  }
  ct_run_threads(THREADS, worker, jobs, sizeof jobs[0]);
  int failures = 0;
  for (int t = 0; t < THREADS; t++) {
    failures += jobs[t].failures;
    oar_predictor_destroy(jobs[t].p);
  }
  oar_predictor_destroy(base);
  printf("%d clones x %d concurrent runs over 2 shapes each: %d mismatches\n", THREADS, RUNS, failures);
  return failures != 0;
}
