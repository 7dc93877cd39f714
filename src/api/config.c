#include <stdint.h>
#include <string.h>

#include "api/internal.h"
#include "base/alloc.h"
#include "passes/pass_manager.h"
#include "runtime/control_flow.h"
#include "runtime/op_prepare.h"

#define CHECK_CONFIG(c)                                                               \
  do {                                                                                \
    if (!oar_handle_valid((c), OAR_HANDLE_CONFIG))                                    \
      return oar_api_misuse("%s: config is NULL or not a live oar_config", __func__); \
  } while (0)

oar_status oar_config_create(oar_config **out) {
  if (!out) return oar_api_misuse("oar_config_create: out is NULL");
  oar_config *c = oar_calloc(1, sizeof *c);
  if (!c) return oar_api_failf(NULL, OAR_ERR_OUT_OF_MEMORY, "oar_config_create: out of memory");
  c->num_threads = 1;
  c->ir_optim = 1;
  c->memory_optim = 1;
  c->max_loop_iterations = OAR_DEFAULT_MAX_LOOP_ITERATIONS;
  if (!oar_handle_register(c, OAR_HANDLE_CONFIG)) {
    oar_free(c);
    return oar_api_failf(NULL, OAR_ERR_OUT_OF_MEMORY, "oar_config_create: out of memory");
  }
  *out = c;
  return OAR_OK;
}

static void clear_model(oar_config *c) {
  oar_free(c->model);
  oar_free(c->params);
  oar_free(c->program_buf);
  oar_free(c->params_buf);
  c->model = c->params = NULL;
  c->program_buf = c->params_buf = NULL;
  c->program_size = c->params_size = 0;
}

void oar_config_destroy(oar_config *config) {
  if (!oar_handle_valid(config, OAR_HANDLE_CONFIG)) return;
  oar_handle_unregister(config);
  clear_model(config);
  for (size_t i = 0; i < config->num_deleted_passes; i++) oar_free(config->deleted_passes[i]);
  oar_free(config->deleted_passes);
  oar_free(config);
}

oar_status oar_config_set_model(oar_config *config, const char *model, const char *params) {
  CHECK_CONFIG(config);
  if (!model || !*model)
    return oar_api_failf(&config->err, OAR_ERR_INVALID_ARGUMENT,
                         "oar_config_set_model: model path is NULL or empty");
  char *m = oar_strdup(model);
  char *p = params && *params ? oar_strdup(params) : NULL;
  if (!m || (params && *params && !p)) {
    oar_free(m);
    oar_free(p);
    return oar_api_failf(&config->err, OAR_ERR_OUT_OF_MEMORY, "oar_config_set_model: out of memory");
  }
  clear_model(config);
  config->model = m;
  config->params = p;
  return OAR_OK;
}

oar_status oar_config_set_model_buffer(oar_config *config, const void *program, size_t program_size,
                                       const void *params, size_t params_size) {
  CHECK_CONFIG(config);
  if (!program || program_size == 0)
    return oar_api_failf(&config->err, OAR_ERR_INVALID_ARGUMENT,
                         "oar_config_set_model_buffer: program buffer is NULL or empty");
  if (!params && params_size)
    return oar_api_failf(&config->err, OAR_ERR_INVALID_ARGUMENT,
                         "oar_config_set_model_buffer: params is NULL but params_size is %zu", params_size);
  void *prog = oar_malloc(program_size);
  void *par = params_size ? oar_malloc(params_size) : NULL;
  if (!prog || (params_size && !par)) {
    oar_free(prog);
    oar_free(par);
    return oar_api_failf(&config->err, OAR_ERR_OUT_OF_MEMORY, "oar_config_set_model_buffer: out of memory");
  }
  memcpy(prog, program, program_size);
  if (params_size) memcpy(par, params, params_size);
  clear_model(config);
  config->program_buf = prog;
  config->program_size = program_size;
  config->params_buf = par;
  config->params_size = params_size;
  return OAR_OK;
}

oar_status oar_config_set_num_threads(oar_config *config, int num_threads) {
  CHECK_CONFIG(config);
  if (num_threads < 1)
    return oar_api_failf(&config->err, OAR_ERR_INVALID_ARGUMENT,
                         "oar_config_set_num_threads: num_threads must be >= 1, got %d", num_threads);
  config->num_threads = num_threads;
  return OAR_OK;
}

oar_status oar_config_num_threads(const oar_config *config, int *num_threads) {
  CHECK_CONFIG(config);
  if (!num_threads) return oar_api_misuse("oar_config_num_threads: num_threads is NULL");
  *num_threads = config->num_threads;
  return OAR_OK;
}

const char *oar_config_last_error(const oar_config *config) {
  if (!oar_handle_valid(config, OAR_HANDLE_CONFIG)) return NULL;
  return config->err.msg;
}

oar_status oar_config_set_ir_optim(oar_config *config, int enable) {
  CHECK_CONFIG(config);
  config->ir_optim = enable != 0;
  return OAR_OK;
}

oar_status oar_config_ir_optim(const oar_config *config, int *enable) {
  CHECK_CONFIG(config);
  if (!enable) return oar_api_misuse("oar_config_ir_optim: enable is NULL");
  *enable = config->ir_optim;
  return OAR_OK;
}

oar_status oar_config_set_memory_optim(oar_config *config, int enable) {
  CHECK_CONFIG(config);
  config->memory_optim = enable != 0;
  return OAR_OK;
}

oar_status oar_config_set_memory_budget(oar_config *config, uint64_t bytes) {
  CHECK_CONFIG(config);
  config->memory_budget = bytes > SIZE_MAX ? SIZE_MAX : (size_t)bytes;
  return OAR_OK;
}

oar_status oar_config_memory_budget(const oar_config *config, uint64_t *bytes) {
  CHECK_CONFIG(config);
  if (!bytes) return oar_api_misuse("oar_config_memory_budget: bytes is NULL");
  *bytes = config->memory_budget;
  return OAR_OK;
}

oar_status oar_config_set_max_loop_iterations(oar_config *config, int64_t max_iterations) {
  CHECK_CONFIG(config);
  if (max_iterations <= 0)
    return oar_api_failf(&config->err, OAR_ERR_INVALID_ARGUMENT,
                         "oar_config_set_max_loop_iterations: max_iterations must be positive, got %lld",
                         (long long)max_iterations);
  config->max_loop_iterations = max_iterations;
  return OAR_OK;
}

oar_status oar_config_max_loop_iterations(const oar_config *config, int64_t *max_iterations) {
  CHECK_CONFIG(config);
  if (!max_iterations) return oar_api_misuse("oar_config_max_loop_iterations: max_iterations is NULL");
  *max_iterations = config->max_loop_iterations;
  return OAR_OK;
}

oar_status oar_config_memory_optim(const oar_config *config, int *enable) {
  CHECK_CONFIG(config);
  if (!enable) return oar_api_misuse("oar_config_memory_optim: enable is NULL");
  *enable = config->memory_optim;
  return OAR_OK;
}

oar_status oar_config_delete_pass(oar_config *config, const char *pass_name) {
  CHECK_CONFIG(config);
  if (!pass_name || !*pass_name)
    return oar_api_failf(&config->err, OAR_ERR_INVALID_ARGUMENT,
                         "oar_config_delete_pass: pass name is NULL or empty");
  /* Checked now, not when the predictor is made: a name that is not oar's
   * (Paddle deployment code deletes Paddle's pass names as a matter of
   * course) is reported here and leaves the config as it was. */
  oar_error err;
  if (oar_pass_check_name(pass_name, &err) != OAR_OK) return oar_api_fail(&config->err, &err);
  char *copy = oar_strdup(pass_name);
  char **list =
      copy ? oar_realloc(config->deleted_passes, (config->num_deleted_passes + 1) * sizeof *list) : NULL;
  if (!list) {
    oar_free(copy);
    return oar_api_failf(&config->err, OAR_ERR_OUT_OF_MEMORY, "oar_config_delete_pass: out of memory");
  }
  list[config->num_deleted_passes++] = copy;
  config->deleted_passes = list;
  return OAR_OK;
}

oar_status oar_config_enable_gpu(oar_config *config, int device_id, uint64_t memory_pool_mb) {
  CHECK_CONFIG(config);
  return oar_api_failf(&config->err, OAR_ERR_UNSUPPORTED,
                       "oar_config_enable_gpu: this build of oar has no CUDA backend; it runs on the CPU "
                       "(device %d, pool %llu MB requested)",
                       device_id, (unsigned long long)memory_pool_mb);
}

oar_status oar_config_enable_onednn(oar_config *config) {
  CHECK_CONFIG(config);
  return oar_api_failf(&config->err, OAR_ERR_UNSUPPORTED,
                       "oar_config_enable_onednn: this build of oar has no oneDNN backend; oar's own CPU "
                       "kernels run instead");
}

oar_status oar_config_enable_tensorrt(oar_config *config, oar_precision precision) {
  CHECK_CONFIG(config);
  return oar_api_failf(
      &config->err, OAR_ERR_UNSUPPORTED,
      "oar_config_enable_tensorrt: this build of oar has no TensorRT backend (and no GPU backend)");
}

oar_status oar_config_set_precision(oar_config *config, oar_precision precision) {
  CHECK_CONFIG(config);
  if (precision == OAR_PRECISION_FLOAT32) {
    config->bf16 = 0;
    return OAR_OK;
  }
  if (precision == OAR_PRECISION_BFLOAT16) {
    const char *why = oar_prepare_bf16_unavailable();
    if (why) {
      return oar_api_failf(&config->err, OAR_ERR_UNSUPPORTED,
                           "oar_config_set_precision: bfloat16 (OAR_PRECISION_BFLOAT16) needs AVX512-BF16 "
                           "kernels: %s; the predictor runs in float32",
                           why);
    }
    config->bf16 = 1;
    return OAR_OK;
  }
  if (precision == OAR_PRECISION_INT8)
    return oar_api_failf(
        &config->err, OAR_ERR_UNSUPPORTED,
        "oar_config_set_precision: int8 precision (OAR_PRECISION_INT8) is not a switch for float models: "
        "quantized models (ONNX QDQ / QOperator, Paddle's quantize_linear) run in int8 without one, "
        "and `oar quantize` writes one from a float ONNX model");
  return oar_api_failf(&config->err, OAR_ERR_UNSUPPORTED,
                       "oar_config_set_precision: precision %d is not available in this build; only float32 "
                       "(OAR_PRECISION_FLOAT32) and, on CPUs with AVX512-BF16, bfloat16 "
                       "(OAR_PRECISION_BFLOAT16) are",
                       (int)precision);
}

oar_status oar_config_set_profile(oar_config *config, int enable) {
  CHECK_CONFIG(config);
  config->profile = enable != 0;
  return OAR_OK;
}
