/* oar_config_set_memory_budget: the planner shares activation memory when
 * it must to fit (even with memory_optim off), and refuses a plan it
 * cannot fit with OAR_ERR_OUT_OF_MEMORY naming need vs budget. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oar/oar.h"
#include "test_check.h"

static oar_predictor *open_budget(const char *model, int memory_optim, uint64_t budget) {
  oar_config *c = NULL;
  oar_predictor *p = NULL;
  if (oar_config_create(&c) != OAR_OK) return NULL;
  uint64_t got = 1;
  CHECK(oar_config_memory_budget(c, &got) == OAR_OK && got == 0, "no budget by default");
  oar_status st = oar_config_set_model(c, model, NULL);
  if (st == OAR_OK) st = oar_config_set_memory_optim(c, memory_optim);
  if (st == OAR_OK) st = oar_config_set_memory_budget(c, budget);
  CHECK(oar_config_memory_budget(c, &got) == OAR_OK && got == budget, "budget read back");
  if (st == OAR_OK) st = oar_predictor_create(c, &p);
  if (st != OAR_OK) printf("  (open: %s)\n", oar_config_last_error(c));
  oar_config_destroy(c);
  return p;
}

static oar_status run_zeros(oar_predictor *p) {
  const char *name;
  oar_tensor *t;
  size_t rank;
  int64_t dims[OAR_MAX_RANK];
  if (oar_predictor_input_name(p, 0, &name) || oar_predictor_get_input(p, name, &t) ||
      oar_tensor_shape(t, &rank, dims, OAR_MAX_RANK))
    return OAR_ERR_INTERNAL;
  size_t numel = 1;
  for (size_t d = 0; d < rank; d++) numel *= (size_t)(dims[d] < 0 ? (dims[d] = 4) : dims[d]);
  float *x = calloc(numel, sizeof *x);
  oar_status st = oar_tensor_reshape(t, rank, dims);
  if (st == OAR_OK) st = oar_tensor_copy_from_host(t, OAR_DTYPE_FLOAT32, x, numel * sizeof *x);
  free(x);
  return st == OAR_OK ? oar_predictor_run(p) : st;
}

int main(void) {
  const char *data = getenv("OAR_TEST_DATA");
  char model[4096];
  snprintf(model, sizeof model, "%s/models/digits_cnn", data ? data : "tests/data");

  /* The sizes without a budget: shared (arena) and not (naive). */
  oar_predictor *p = open_budget(model, 1, 0);
  CHECK(p && run_zeros(p) == OAR_OK, "runs without a budget");
  uint64_t arena = 0, naive = 0, live = 0;
  CHECK(p && oar_predictor_memory_stats(p, &arena, &naive, &live) == OAR_OK, "stats");
  oar_predictor_destroy(p);
  CHECK(arena > 0 && arena < naive, "sharing saves memory here (arena %llu, naive %llu)",
        (unsigned long long)arena, (unsigned long long)naive);

  /* A budget below what no sharing needs: memory_optim off is overridden. */
  p = open_budget(model, 0, naive - 1 + 1024 * 1024);
  CHECK(p && run_zeros(p) == OAR_OK, "fits a generous budget: %s", p ? oar_predictor_last_error(p) : "");
  oar_predictor_destroy(p);
  uint64_t budget = arena + (naive - arena) / 2;
  p = open_budget(model, 0, budget);
  oar_status st = p ? run_zeros(p) : OAR_ERR_INTERNAL;
  /* The workspace counts too: a refusal must then name it. */
  if (st != OAR_OK)
    CHECK(strstr(oar_predictor_last_error(p), "memory budget exceeded") != NULL, "%s",
          oar_predictor_last_error(p));
  uint64_t arena2 = 0;
  if (st == OAR_OK) {
    CHECK(oar_predictor_memory_stats(p, &arena2, &naive, &live) == OAR_OK && arena2 <= budget,
          "memory_optim off, under a budget: tensors share (arena %llu, budget %llu)",
          (unsigned long long)arena2, (unsigned long long)budget);
  }
  oar_predictor_destroy(p);

  /* A budget nothing fits: refused at the run, need vs budget named; the
   * kernel workspace alone is over it, so nothing was allocated. */
  p = open_budget(model, 1, 1000);
  st = p ? run_zeros(p) : OAR_ERR_INTERNAL;
  CHECK(st == OAR_ERR_OUT_OF_MEMORY, "refused (%d)", (int)st);
  const char *msg = p ? oar_predictor_last_error(p) : "";
  const char *at = strstr(msg, "memory budget exceeded");
  unsigned long long need = 0, acts = 0, ws = 0, b = 0;
  CHECK(at &&
            sscanf(at,
                   "memory budget exceeded: this plan needs more than %llu bytes (%llu of kernel workspace "
                   "alone), the budget is %llu bytes",
                   &need, &ws, &b) == 3 &&
            need == ws && ws > 1000 && b == 1000,
        "message: %s", msg);
  /* The predictor stays usable: the error repeats, nothing leaks. */
  CHECK(p && run_zeros(p) == OAR_ERR_OUT_OF_MEMORY, "refused again");
  oar_predictor_destroy(p);

  /* The workspace fits, the activations do not. */
  const uint64_t tight = ws + arena / 2;
  p = open_budget(model, 1, tight);
  st = p ? run_zeros(p) : OAR_ERR_INTERNAL;
  CHECK(st == OAR_ERR_OUT_OF_MEMORY, "refused (%d)", (int)st);
  msg = p ? oar_predictor_last_error(p) : "";
  at = strstr(msg, "memory budget exceeded");
  unsigned long long ws2 = 0;
  CHECK(
      at && sscanf(at,
                   "memory budget exceeded: this plan needs %llu bytes (%llu of activations, %llu of kernel "
                   "workspace), the budget is %llu bytes",
                   &need, &acts, &ws2, &b) == 4,
      "message: %s", msg);
  CHECK(need == acts + ws2 && acts == arena && ws2 == ws && b == tight,
        "need %llu = %llu + %llu, budget %llu", need, acts, ws2, b);
  oar_predictor_destroy(p);

  CHECK(oar_config_set_memory_budget(NULL, 1) == OAR_ERR_MISUSE, "NULL config");
  printf("%d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
