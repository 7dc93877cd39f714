/* Clones of one predictor run at the same time on different threads (the
 * thread-safety contract of oar.h: the loaded model is shared and
 * immutable, execution state is per clone), each with its own input, and
 * each gets exactly what a lone run on that input gives. Uses the digits
 * CNN fixture. */
#include <string.h>

#include "clone_threads_util.h"

#define THREADS 4
#define RUNS 25

typedef struct job {
  oar_predictor *p;
  float input[64];
  float want[10];
  int failures;
} job;

static int run_once(oar_predictor *p, const float *in, float *out) {
  oar_tensor *x, *y;
  const char *in_name, *out_name;
  if (oar_predictor_input_name(p, 0, &in_name) || oar_predictor_output_name(p, 0, &out_name)) return 1;
  if (oar_predictor_get_input(p, in_name, &x) || oar_predictor_get_output(p, out_name, &y)) return 1;
  if (oar_tensor_reshape(x, 4, (int64_t[]){1, 1, 8, 8})) return 1;
  if (oar_tensor_copy_from_host(x, OAR_DTYPE_FLOAT32, in, 64 * sizeof(float))) return 1;
  if (oar_predictor_run(p)) return 1;
  return oar_tensor_copy_to_host(y, out, 10 * sizeof(float)) != OAR_OK;
}

static void *worker(void *arg) {
  job *j = arg;
  for (int r = 0; r < RUNS; r++) {
    float got[10];
    if (run_once(j->p, j->input, got) || memcmp(got, j->want, sizeof got) != 0) j->failures++;
  }
  return NULL;
}

int main(void) {
  oar_predictor *base = ct_load("models/digits_cnn");
  if (!base) return 1;
  job jobs[THREADS];
  for (int t = 0; t < THREADS; t++) {
    memset(&jobs[t], 0, sizeof jobs[t]);
    for (int i = 0; i < 64; i++) jobs[t].input[i] = (float)((i * (t + 3)) % 17) / 16.0f;
    if (oar_predictor_clone(base, &jobs[t].p) != OAR_OK || run_once(jobs[t].p, jobs[t].input, jobs[t].want)) {
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
  printf("%d clones x %d concurrent runs (2 pool threads each): %d mismatches\n", THREADS, RUNS, failures);
  return failures != 0;
}
