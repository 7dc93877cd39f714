/*
 * PD_Config over oar_config. Options oar has a setter for go to it at once;
 * the model is handed over by PD_PredictorCreate (Paddle sets program and
 * params with separate calls). Options this build cannot honour print a
 * warning that says so and leave their getter FALSE: none is ignored in
 * silence.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat_internal.h"

#define CONFIG_OR_RETURN(config, ret)                 \
  do {                                                \
    if (!pdc_config_ok(config, __func__)) return ret; \
  } while (0)

/* Replaces *slot with a copy of value ("" for NULL); keeps the old string
 * and reports when out of memory. */
static void set_string(char **slot, const char *value, const char *fn) {
  char *copy = pdc_strdup(value);
  if (!copy) {
    pdc_error("%s: out of memory copying a string", fn);
    return;
  }
  free(*slot);
  *slot = copy;
}

/* For an option oar has no backend or switch for at all. */
static void not_in_oar(const char *fn, const char *what) {
  pdc_warn("%s: %s is not available in oar; the predictor runs on the CPU with oar's own kernels", fn, what);
}

/* For an option oar was asked about: TRUE when oar honours it. */
static PD_Bool asked_oar(const char *fn, oar_status status) {
  if (status == OAR_OK) return TRUE;
  if (status == OAR_ERR_UNSUPPORTED)
    pdc_warn("%s: %s; continuing on the CPU", fn, oar_last_error());
  else
    pdc_error_oar(fn, status);
  return FALSE;
}

static oar_precision precision_to_oar(PD_PrecisionType precision) {
  switch (precision) {
    case PD_PRECISION_INT8: return OAR_PRECISION_INT8;
    case PD_PRECISION_HALF: return OAR_PRECISION_FLOAT16;
    case PD_PRECISION_BF16: return OAR_PRECISION_BFLOAT16;
    default: return OAR_PRECISION_FLOAT32;
  }
}

PD_Config *PD_ConfigCreate(void) {
  PD_Config *config = calloc(1, sizeof *config);
  if (!config) {
    pdc_error("PD_ConfigCreate: out of memory");
    return NULL;
  }
  oar_status status = oar_config_create(&config->oar);
  config->model_dir = pdc_strdup("");
  config->prog_file = pdc_strdup("");
  config->params_file = pdc_strdup("");
  config->opt_cache_dir = pdc_strdup("");
  config->custom_device_type = pdc_strdup("");
  config->shape_range_info_path = pdc_strdup("");
  if (status != OAR_OK || !config->model_dir || !config->prog_file || !config->params_file ||
      !config->opt_cache_dir || !config->custom_device_type || !config->shape_range_info_path) {
    if (status != OAR_OK)
      pdc_error_oar("PD_ConfigCreate", status);
    else
      pdc_error("PD_ConfigCreate: out of memory");
    config->magic = PDC_CONFIG_MAGIC;
    PD_ConfigDestroy(config);
    return NULL;
  }
  config->magic = PDC_CONFIG_MAGIC;
  config->fc_padding = TRUE;
  config->valid = TRUE;
  config->gpu_device_id = 0;
  return config;
}

void PD_ConfigDestroy(PD_Config *config) {
  if (!config) return;
  if (!pdc_config_ok(config, __func__)) return;
  oar_config_destroy(config->oar);
  free(config->model_dir);
  free(config->prog_file);
  free(config->params_file);
  free(config->opt_cache_dir);
  free(config->custom_device_type);
  free(config->shape_range_info_path);
  config->magic = PDC_DEAD_MAGIC;
  free(config);
}

/* ---- model ---------------------------------------------------------------- */

void PD_ConfigSetModel(PD_Config *config, const char *prog_file_path, const char *params_file_path) {
  CONFIG_OR_RETURN(config, );
  set_string(&config->prog_file, prog_file_path, __func__);
  set_string(&config->params_file, params_file_path, __func__);
  config->model_source = PDC_MODEL_FILES;
}

void PD_ConfigSetProgFile(PD_Config *config, const char *prog_file_path) {
  CONFIG_OR_RETURN(config, );
  set_string(&config->prog_file, prog_file_path, __func__);
  config->model_source = PDC_MODEL_FILES;
}

void PD_ConfigSetParamsFile(PD_Config *config, const char *params_file_path) {
  CONFIG_OR_RETURN(config, );
  set_string(&config->params_file, params_file_path, __func__);
  if (config->model_source != PDC_MODEL_DIR) config->model_source = PDC_MODEL_FILES;
}

void PD_ConfigSetOptimCacheDir(PD_Config *config, const char *opt_cache_dir) {
  CONFIG_OR_RETURN(config, );
  set_string(&config->opt_cache_dir, opt_cache_dir, __func__);
}

void PD_ConfigSetModelDir(PD_Config *config, const char *model_dir) {
  CONFIG_OR_RETURN(config, );
  set_string(&config->model_dir, model_dir, __func__);
  config->model_source = PDC_MODEL_DIR;
}

const char *PD_ConfigGetModelDir(PD_Config *config) {
  CONFIG_OR_RETURN(config, NULL);
  return config->model_dir;
}

const char *PD_ConfigGetProgFile(PD_Config *config) {
  CONFIG_OR_RETURN(config, NULL);
  return config->prog_file;
}

const char *PD_ConfigGetParamsFile(PD_Config *config) {
  CONFIG_OR_RETURN(config, NULL);
  return config->params_file;
}

void PD_ConfigSetModelBuffer(PD_Config *config, const char *prog_buffer, size_t prog_buffer_size,
                             const char *params_buffer, size_t params_buffer_size) {
  CONFIG_OR_RETURN(config, );
  oar_status status = oar_config_set_model_buffer(config->oar, prog_buffer, prog_buffer_size, params_buffer,
                                                  params_buffer_size);
  if (status != OAR_OK) {
    pdc_error_oar(__func__, status);
    return;
  }
  config->model_source = PDC_MODEL_BUFFER;
}

PD_Bool PD_ConfigModelFromMemory(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->model_source == PDC_MODEL_BUFFER;
}

void PD_ConfigDisableFCPadding(PD_Config *config) {
  CONFIG_OR_RETURN(config, );
  config->fc_padding = FALSE;
}

PD_Bool PD_ConfigUseFcPadding(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->fc_padding;
}

/* ---- devices --------------------------------------------------------------- */

void PD_ConfigEnableUseGpu(PD_Config *config, uint64_t memory_pool_init_size_mb, int32_t device_id,
                           PD_PrecisionType precision_mode) {
  CONFIG_OR_RETURN(config, );
  config->use_gpu =
      asked_oar(__func__, oar_config_enable_gpu(config->oar, device_id, memory_pool_init_size_mb));
  if (config->use_gpu) {
    config->gpu_device_id = device_id;
    config->memory_pool_mb = memory_pool_init_size_mb;
    if (precision_mode != PD_PRECISION_FLOAT32)
      config->use_gpu =
          asked_oar(__func__, oar_config_set_precision(config->oar, precision_to_oar(precision_mode)));
  }
}

void PD_ConfigDisableGpu(PD_Config *config) {
  CONFIG_OR_RETURN(config, );
  config->use_gpu = FALSE;
}

PD_Bool PD_ConfigUseGpu(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->use_gpu;
}

int32_t PD_ConfigGpuDeviceId(PD_Config *config) {
  CONFIG_OR_RETURN(config, 0);
  return config->gpu_device_id;
}

int32_t PD_ConfigMemoryPoolInitSizeMb(PD_Config *config) {
  CONFIG_OR_RETURN(config, 0);
  return config->memory_pool_mb > INT32_MAX ? INT32_MAX : (int32_t)config->memory_pool_mb;
}

float PD_ConfigFractionOfGpuMemoryForPool(PD_Config *config) {
  CONFIG_OR_RETURN(config, 0.0f);
  return 0.0f; /* no GPU memory pool in this build */
}

void PD_ConfigEnableCudnn(PD_Config *config) {
  CONFIG_OR_RETURN(config, );
  not_in_oar(__func__, "cuDNN");
}

PD_Bool PD_ConfigCudnnEnabled(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->cudnn;
}

void PD_ConfigEnableONNXRuntime(PD_Config *config) {
  CONFIG_OR_RETURN(config, );
  not_in_oar(__func__, "ONNX Runtime");
}

void PD_ConfigDisableONNXRuntime(PD_Config *config) {
  CONFIG_OR_RETURN(config, );
  config->onnxruntime = FALSE;
}

PD_Bool PD_ConfigONNXRuntimeEnabled(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->onnxruntime;
}

void PD_ConfigEnableORTOptimization(PD_Config *config) {
  CONFIG_OR_RETURN(config, );
  not_in_oar(__func__, "ONNX Runtime");
}

void PD_ConfigEnableXpu(PD_Config *config, int32_t l3_workspace_size, PD_Bool locked, PD_Bool autotune,
                        const char *autotune_file, const char *precision, PD_Bool adaptive_seqlen,
                        PD_Bool enable_multi_stream) {
  CONFIG_OR_RETURN(config, );
  not_in_oar(__func__, "Kunlun XPU");
}

PD_Bool PD_ConfigUseXpu(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->use_xpu;
}

int32_t PD_ConfigXpuDeviceId(PD_Config *config) {
  CONFIG_OR_RETURN(config, 0);
  return config->xpu_device_id;
}

void PD_ConfigEnableNpu(PD_Config *config, int32_t device_id) {
  CONFIG_OR_RETURN(config, );
  not_in_oar(__func__, "Ascend NPU");
}

PD_Bool PD_ConfigUseNpu(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->use_npu;
}

int32_t PD_ConfigNpuDeviceId(PD_Config *config) {
  CONFIG_OR_RETURN(config, 0);
  return config->npu_device_id;
}

void PD_ConfigEnableCustomDevice(PD_Config *config, char *device_type, int32_t device_id,
                                 PD_PrecisionType precision) {
  CONFIG_OR_RETURN(config, );
  char what[160];
  snprintf(what, sizeof what, "custom device '%s'", device_type ? device_type : "(null)");
  not_in_oar(__func__, what);
}

PD_Bool PD_ConfigUseCustomDevice(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->use_custom_device;
}

int32_t PD_ConfigCustomDeviceId(PD_Config *config) {
  CONFIG_OR_RETURN(config, 0);
  return config->custom_device_id;
}

char *PD_ConfigCustomDeviceType(PD_Config *config) {
  CONFIG_OR_RETURN(config, NULL);
  return config->custom_device_type;
}

void PD_ConfigEnableGpuMultiStream(PD_Config *config) {
  CONFIG_OR_RETURN(config, );
  config->multi_stream = TRUE;
}

PD_Bool PD_ConfigThreadLocalStreamEnabled(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->multi_stream;
}

void PD_ConfigSetExecStream(PD_Config *config, void *stream) {
  CONFIG_OR_RETURN(config, );
  if (stream) not_in_oar(__func__, "a CUDA execution stream");
}

/* ---- graph optimization ----------------------------------------------------- */

void PD_ConfigSwitchIrOptim(PD_Config *config, PD_Bool x) {
  CONFIG_OR_RETURN(config, );
  oar_status status = oar_config_set_ir_optim(config->oar, x != 0);
  if (status != OAR_OK) pdc_error_oar(__func__, status);
}

PD_Bool PD_ConfigIrOptim(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  int enable = 0;
  return oar_config_ir_optim(config->oar, &enable) == OAR_OK && enable ? TRUE : FALSE;
}

void PD_ConfigSwitchIrDebug(PD_Config *config, PD_Bool x) {
  CONFIG_OR_RETURN(config, );
  config->ir_debug = x != 0;
}

void PD_ConfigDeletePass(PD_Config *config, const char *pass) {
  CONFIG_OR_RETURN(config, );
  oar_status status = oar_config_delete_pass(config->oar, pass);
  /* A Paddle pass oar does not have is already not run: say so, go on. */
  if (status == OAR_ERR_NOT_FOUND)
    pdc_warn("%s: oar has no pass '%s', so there is nothing to delete (%s)", __func__, pass,
             oar_last_error());
  else if (status != OAR_OK)
    pdc_error_oar(__func__, status);
}

void PD_ConfigInsertPass(PD_Config *config, size_t idx, const char *pass) {
  CONFIG_OR_RETURN(config, );
  pdc_warn("%s: oar does not run Paddle's passes; '%s' is not added", __func__, pass ? pass : "(null)");
}

void PD_ConfigAppendPass(PD_Config *config, const char *pass) {
  CONFIG_OR_RETURN(config, );
  pdc_warn("%s: oar does not run Paddle's passes; '%s' is not added", __func__, pass ? pass : "(null)");
}

/* oar's passes in pipeline order (the names delete_pass takes). */
PD_OneDimArrayCstr *PD_ConfigAllPasses(PD_Config *config) {
  CONFIG_OR_RETURN(config, NULL);
  size_t count = 0;
  oar_pass_count(&count);
  PD_OneDimArrayCstr *array = calloc(1, sizeof *array);
  char **names = calloc(count ? count : 1, sizeof *names);
  if (!array || !names) {
    free(array);
    free(names);
    pdc_error("%s: out of memory", __func__);
    return NULL;
  }
  array->data = names;
  for (size_t i = 0; i < count; i++) {
    const char *name, *summary;
    if (oar_pass_info(i, &name, &summary) != OAR_OK || !(names[i] = pdc_strdup(name))) {
      PD_OneDimArrayCstrDestroy(array);
      pdc_error("%s: out of memory", __func__);
      return NULL;
    }
    array->size = i + 1;
  }
  return array;
}

void PD_ConfigEnableMemoryOptim(PD_Config *config, PD_Bool x) {
  CONFIG_OR_RETURN(config, );
  oar_status status = oar_config_set_memory_optim(config->oar, x != 0);
  if (status != OAR_OK) pdc_error_oar(__func__, status);
}

PD_Bool PD_ConfigMemoryOptimEnabled(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  int enable = 0;
  return oar_config_memory_optim(config->oar, &enable) == OAR_OK && enable ? TRUE : FALSE;
}

/* ---- TensorRT and Lite ------------------------------------------------------- */

void PD_ConfigEnableTensorRtEngine(PD_Config *config, int64_t workspace_size, int32_t max_batch_size,
                                   int32_t min_subgraph_size, PD_PrecisionType precision, PD_Bool use_static,
                                   PD_Bool use_calib_mode) {
  CONFIG_OR_RETURN(config, );
  config->tensorrt =
      asked_oar(__func__, oar_config_enable_tensorrt(config->oar, precision_to_oar(precision)));
}

PD_Bool PD_ConfigTensorRtEngineEnabled(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->tensorrt;
}

void PD_ConfigSetTrtDynamicShapeInfo(PD_Config *config, size_t tensor_num, const char **tensor_name,
                                     size_t *shapes_num, int32_t **min_shape, int32_t **max_shape,
                                     int32_t **optim_shape, PD_Bool disable_trt_plugin_fp16) {
  CONFIG_OR_RETURN(config, );
  if (!config->tensorrt) {
    pdc_warn("%s: TensorRT is not enabled in oar; the dynamic shape ranges are not used", __func__);
    return;
  }
  config->trt_dynamic_shape = TRUE;
}

PD_Bool PD_ConfigTensorRtDynamicShapeEnabled(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->trt_dynamic_shape;
}

void PD_ConfigEnableTunedTensorRtDynamicShape(PD_Config *config, const char *shape_range_info_path,
                                              PD_Bool allow_build_at_runtime) {
  CONFIG_OR_RETURN(config, );
  if (!config->tensorrt) {
    pdc_warn("%s: TensorRT is not enabled in oar; the tuned shape ranges are not used", __func__);
    return;
  }
  set_string(&config->shape_range_info_path, shape_range_info_path, __func__);
  config->trt_tuned_dynamic_shape = TRUE;
  config->trt_allow_build = allow_build_at_runtime != 0;
}

PD_Bool PD_ConfigTunedTensorRtDynamicShape(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->trt_tuned_dynamic_shape;
}

PD_Bool PD_ConfigTrtAllowBuildAtRuntime(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->trt_allow_build;
}

void PD_ConfigCollectShapeRangeInfo(PD_Config *config, const char *shape_range_info_path) {
  CONFIG_OR_RETURN(config, );
  pdc_warn("%s: oar does not collect shape ranges; '%s' will not be written", __func__,
           shape_range_info_path ? shape_range_info_path : "(null)");
  set_string(&config->shape_range_info_path, shape_range_info_path, __func__);
}

const char *PD_ConfigShapeRangeInfoPath(PD_Config *config) {
  CONFIG_OR_RETURN(config, NULL);
  if (!*config->shape_range_info_path) return NULL;
  char *copy = pdc_strdup(config->shape_range_info_path); /* the caller free()s it, as with Paddle */
  if (!copy) pdc_error("%s: out of memory", __func__);
  return copy;
}

PD_Bool PD_ConfigShapeRangeInfoCollected(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->shape_collect;
}

void PD_ConfigDisableTensorRtOPs(PD_Config *config, size_t ops_num, const char **ops_name) {
  CONFIG_OR_RETURN(config, );
  if (config->tensorrt) return;
  pdc_warn("%s: TensorRT is not enabled in oar; nothing to exclude from it", __func__);
}

void PD_ConfigEnableVarseqlen(PD_Config *config) {
  CONFIG_OR_RETURN(config, );
  not_in_oar(__func__, "TensorRT OSS (varseqlen)");
}

void PD_ConfigEnableTensorRtOSS(PD_Config *config) {
  CONFIG_OR_RETURN(config, );
  not_in_oar(__func__, "TensorRT OSS");
}

PD_Bool PD_ConfigTensorRtOssEnabled(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->trt_oss;
}

void PD_ConfigEnableTensorRtDla(PD_Config *config, int32_t dla_core) {
  CONFIG_OR_RETURN(config, );
  not_in_oar(__func__, "TensorRT DLA");
}

PD_Bool PD_ConfigTensorRtDlaEnabled(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->trt_dla;
}

void PD_ConfigEnableLiteEngine(PD_Config *config, PD_PrecisionType precision, PD_Bool zero_copy,
                               size_t passes_filter_num, const char **passes_filter, size_t ops_filter_num,
                               const char **ops_filter) {
  CONFIG_OR_RETURN(config, );
  not_in_oar(__func__, "the Paddle Lite subgraph engine");
}

PD_Bool PD_ConfigLiteEngineEnabled(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->lite;
}

/* ---- CPU: threads and oneDNN (MKLDNN) ---------------------------------------- */

void PD_ConfigEnableMKLDNN(PD_Config *config) {
  CONFIG_OR_RETURN(config, );
  config->mkldnn = asked_oar(__func__, oar_config_enable_onednn(config->oar));
}

void PD_ConfigSetMkldnnCacheCapacity(PD_Config *config, int32_t capacity) {
  CONFIG_OR_RETURN(config, );
  config->mkldnn_cache_capacity = capacity;
}

PD_Bool PD_ConfigMkldnnEnabled(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->mkldnn;
}

void PD_ConfigSetCpuMathLibraryNumThreads(PD_Config *config, int32_t cpu_math_library_num_threads) {
  CONFIG_OR_RETURN(config, );
  oar_status status = oar_config_set_num_threads(config->oar, cpu_math_library_num_threads);
  if (status != OAR_OK) pdc_error_oar(__func__, status);
}

int32_t PD_ConfigGetCpuMathLibraryNumThreads(PD_Config *config) {
  CONFIG_OR_RETURN(config, 0);
  int threads = 0;
  return oar_config_num_threads(config->oar, &threads) == OAR_OK ? (int32_t)threads : 0;
}

void PD_ConfigSetMkldnnOp(PD_Config *config, size_t ops_num, const char **op_list) {
  CONFIG_OR_RETURN(config, );
  if (!config->mkldnn) pdc_warn("%s: oneDNN is not enabled in oar; the op list is not used", __func__);
}

void PD_ConfigEnableMkldnnQuantizer(PD_Config *config) {
  CONFIG_OR_RETURN(config, );
  config->mkldnn_quantizer = asked_oar(__func__, oar_config_set_precision(config->oar, OAR_PRECISION_INT8));
}

PD_Bool PD_ConfigMkldnnQuantizerEnabled(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->mkldnn_quantizer;
}

void PD_ConfigEnableMkldnnBfloat16(PD_Config *config) {
  CONFIG_OR_RETURN(config, );
  config->mkldnn_bf16 = asked_oar(__func__, oar_config_set_precision(config->oar, OAR_PRECISION_BFLOAT16));
}

PD_Bool PD_ConfigMkldnnBfloat16Enabled(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->mkldnn_bf16;
}

void PD_ConfigSetBfloat16Op(PD_Config *config, size_t ops_num, const char **op_list) {
  CONFIG_OR_RETURN(config, );
  if (!config->mkldnn_bf16)
    pdc_warn("%s: bfloat16 is not enabled in oar; the op list is not used", __func__);
  else
    pdc_warn(
        "%s: oar runs every convolution and fc / matmul on constant weights in bfloat16; the op list "
        "is not used",
        __func__);
}

void PD_ConfigEnableMkldnnInt8(PD_Config *config) {
  CONFIG_OR_RETURN(config, );
  config->mkldnn_int8 = asked_oar(__func__, oar_config_set_precision(config->oar, OAR_PRECISION_INT8));
}

PD_Bool PD_ConfigMkldnnInt8Enabled(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->mkldnn_int8;
}

/* ---- logging, profiling, validity -------------------------------------------- */

void PD_ConfigEnableProfile(PD_Config *config) {
  CONFIG_OR_RETURN(config, );
  config->profile = TRUE;
}

PD_Bool PD_ConfigProfileEnabled(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->profile;
}

void PD_ConfigDisableGlogInfo(PD_Config *config) {
  CONFIG_OR_RETURN(config, );
  config->glog_disabled = TRUE;
}

PD_Bool PD_ConfigGlogInfoDisabled(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->glog_disabled;
}

void PD_ConfigSetInvalid(PD_Config *config) {
  CONFIG_OR_RETURN(config, );
  config->valid = FALSE;
}

PD_Bool PD_ConfigIsValid(PD_Config *config) {
  CONFIG_OR_RETURN(config, FALSE);
  return config->valid;
}

void PD_ConfigPartiallyRelease(PD_Config *config) { CONFIG_OR_RETURN(config, ); }

/* ---- summary ------------------------------------------------------------------ */

static const char *yes_no(int x) { return x ? "true" : "false"; }

PD_Cstr *PD_ConfigSummary(PD_Config *config) {
  CONFIG_OR_RETURN(config, NULL);
  char text[4096];
  const char *source = config->model_source == PDC_MODEL_DIR      ? "model_dir"
                       : config->model_source == PDC_MODEL_FILES  ? "prog_file + params_file"
                       : config->model_source == PDC_MODEL_BUFFER ? "memory buffer"
                                                                  : "(none set)";
  snprintf(text, sizeof text,
           "engine                 oar %s (Paddle Inference C API)\n"
           "model source           %s\n"
           "model_dir              %s\n"
           "prog_file              %s\n"
           "params_file            %s\n"
           "cpu_math_threads       %d\n"
           "ir_optim               %s\n"
           "memory_optim           %s\n"
           "use_gpu                %s\n"
           "use_mkldnn (oneDNN)    %s\n"
           "use_tensorrt           %s\n"
           "precision              %s\n"
           "enable_profile         %s\n"
           "glog_info_disabled     %s\n",
           oar_version(), source, config->model_dir, config->prog_file, config->params_file,
           (int)PD_ConfigGetCpuMathLibraryNumThreads(config), yes_no(PD_ConfigIrOptim(config)),
           yes_no(PD_ConfigMemoryOptimEnabled(config)), yes_no(config->use_gpu), yes_no(config->mkldnn),
           yes_no(config->tensorrt), config->mkldnn_bf16 ? "bfloat16 (conv, fc, matmul)" : "float32",
           yes_no(config->profile), yes_no(config->glog_disabled));
  PD_Cstr *cstr = pdc_cstr_new(text);
  if (!cstr) pdc_error("%s: out of memory", __func__);
  return cstr;
}
