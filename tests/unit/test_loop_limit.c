/* The loop iteration limit (oar_config_set_max_loop_iterations): the
 * while_counter fixture (i = 0; while i < n: x = x * 1.5 + 1; i += 1, n fed)
 * runs n iterations; with n above the limit the run fails with a message
 * naming the op, and the predictor still runs a loop within the limit
 * afterwards. Also: the default, and a limit below 1 refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oar/oar.h"

static int failures;

#define CHECK(cond, ...)                                    \
  do {                                                      \
    if (!(cond)) {                                          \
      fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                         \
      fprintf(stderr, "\n");                                \
      failures++;                                           \
    }                                                       \
  } while (0)

static oar_status run_with(oar_predictor *p, int64_t n, float *out) {
  float x[6] = {1, 2, 3, 4, 5, 6};
  oar_tensor *tx = NULL, *tn = NULL, *ty = NULL;
  const int64_t xd[2] = {2, 3}, nd[1] = {1};
  oar_predictor_get_input(p, "x", &tx);
  oar_predictor_get_input(p, "n", &tn);
  oar_tensor_reshape(tx, 2, xd);
  oar_tensor_reshape(tn, 1, nd);
  oar_tensor_copy_from_host(tx, OAR_DTYPE_FLOAT32, x, sizeof x);
  oar_tensor_copy_from_host(tn, OAR_DTYPE_INT64, &n, sizeof n);
  oar_status st = oar_predictor_run(p);
  if (st != OAR_OK) return st;
  const char *name = NULL;
  oar_predictor_output_name(p, 0, &name);
  oar_predictor_get_output(p, name, &ty);
  return oar_tensor_copy_to_host(ty, out, 6 * sizeof *out);
}

int main(void) {
  const char *data = getenv("OAR_TEST_DATA");
  char model[4096];
  snprintf(model, sizeof model, "%s/ops/while_counter/model.pdmodel", data ? data : "tests/data");
  oar_config *c = NULL;
  CHECK(oar_config_create(&c) == OAR_OK, "config");
  int64_t limit = 0;
  CHECK(oar_config_max_loop_iterations(c, &limit) == OAR_OK && limit == 1000000, "default limit %lld",
        (long long)limit);
  CHECK(oar_config_set_max_loop_iterations(c, 0) == OAR_ERR_INVALID_ARGUMENT, "limit 0 accepted");
  CHECK(strcmp(oar_config_last_error(c),
               "oar_config_set_max_loop_iterations: max_iterations must be positive, got 0") == 0,
        "message: %s", oar_config_last_error(c));
  CHECK(oar_config_set_max_loop_iterations(c, 10) == OAR_OK, "limit 10");
  CHECK(oar_config_set_model(c, model, NULL) == OAR_OK, "model: %s", oar_config_last_error(c));
  oar_predictor *p = NULL;
  CHECK(oar_predictor_create(c, &p) == OAR_OK, "predictor: %s", oar_config_last_error(c));
  if (!p) return 1;
  float y[6];
  /* 10 iterations: within the limit; x_k = 1.5 x_{k-1} + 1. */
  CHECK(run_with(p, 10, y) == OAR_OK, "10 iterations: %s", oar_predictor_last_error(p));
  float want = 1;
  for (int k = 0; k < 10; k++) want = want * 1.5f + 1;
  CHECK(y[0] > want * 0.9999f && y[0] < want * 1.0001f, "y[0] = %g, want %g", y[0], want);
  /* 11: past the limit. */
  CHECK(run_with(p, 11, y) == OAR_ERR_INVALID_ARGUMENT, "11 iterations ran");
  const char *want_msg =
      "while (op #5, output 'fill_constant_1.tmp_0') with inputs X=int64[1] X=float32[2, 3] X=int64[1] "
      "X=bool[1]: loop ran past its limit of 10 iterations (oar_config_set_max_loop_iterations)";
  CHECK(strcmp(oar_predictor_last_error(p), want_msg) == 0, "message:\n  got  %s\n  want %s",
        oar_predictor_last_error(p), want_msg);
  /* The predictor is still usable. */
  CHECK(run_with(p, 3, y) == OAR_OK, "3 iterations after the failure: %s", oar_predictor_last_error(p));
  oar_predictor_destroy(p);
  oar_config_destroy(c);
  if (failures) return 1;
  printf("loop_limit: ok\n");
  return 0;
}
