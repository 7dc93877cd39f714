/* The structs behind the public handles of oar.h. */
#ifndef OAR_API_INTERNAL_H
#define OAR_API_INTERNAL_H

#include <stdbool.h>

#include "api/handles.h"
#include "base/threadpool.h"
#include "runtime/model.h"
#include "runtime/plan.h"
#include "base/platform.h"

struct oar_config {
  oar_error err;
  char *model;
  char *params;
  void *program_buf;
  size_t program_size;
  void *params_buf;
  size_t params_size;
  int num_threads;
  int ir_optim;
  int memory_optim;
  size_t memory_budget;
  int profile;
  int64_t max_loop_iterations;
  int bf16; /* OAR_PRECISION_BFLOAT16 accepted (the host has AVX512-BF16) */
  char **deleted_passes;
  size_t num_deleted_passes;
};

/* Input signatures a predictor keeps plans for. */
#define OAR_PLAN_CACHE_SLOTS 4

struct oar_tensor {
  oar_predictor *owner;
  bool is_input;
  int value_id; /* graph value */
  oar_dtype declared_dtype;
  oar_shape declared_shape;
  oar_dtype dtype; /* inputs: dtype of the data copied in */
  oar_shape shape; /* inputs: set by reshape */
  bool shape_set;
  void *data; /* inputs: owned buffer */
  size_t capacity;
  bool has_data;
};

struct oar_predictor {
  oar_error err;
  oar_model *model;
  int num_threads;
  int memory_optim;
  size_t memory_budget;
  int profile;
  int64_t max_loop_iterations;
  int bf16;               /* plans choose the bfloat16 kernels (from the config) */
  char profile_node[256]; /* last node described by oar_predictor_profile_entry */
  oar_threadpool *pool;
  oar_tensor *inputs;
  oar_tensor *outputs;
  size_t num_inputs, num_outputs;
  oar_tensor_view *input_views;
  oar_plan *plan; /* the plan of the last run (one of `plans`) */
  /* Plans by input signature, most recently used kept (see
   * OAR_PLAN_CACHE_BYTES in predictor.c); packed weights are the model's,
   * so a cached plan costs its activation arena and kernel workspace. */
  oar_plan *plans[OAR_PLAN_CACHE_SLOTS];
  uint64_t plan_used[OAR_PLAN_CACHE_SLOTS];
  uint64_t plan_clock;
  bool ran;
};

/* Records a failure on a handle's error slot and the thread-local one;
 * returns the status. */
oar_status oar_api_fail(oar_error *slot, const oar_error *err);
oar_status oar_api_failf(oar_error *slot, oar_status code, const char *fmt, ...) OAR_PRINTF_FMT(3, 4);
/* For calls without a valid handle: thread-local only. */
oar_status oar_api_misuse(const char *fmt, ...) OAR_PRINTF_FMT(1, 2);

#endif
