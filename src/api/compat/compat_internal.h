/*
 * Private to libpaddle_inference_c: the structs behind Paddle's opaque
 * handles and the helpers the compat files share. This layer uses oar's
 * public API (include/oar/oar.h) only, like any other binding, so its
 * allocations go through libc: Paddle callers free some results with free().
 */
#ifndef OAR_API_COMPAT_COMPAT_INTERNAL_H
#define OAR_API_COMPAT_COMPAT_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "oar/oar.h"
#include "paddle_inference_c/pd_inference_api.h"
#include "paddle_inference_c/pd_oar_ext.h"

/* printf format checking (public API only here: not base/platform.h). */
#if defined(__MINGW32__)
#define PDC_PRINTF_FMT(a, b) __attribute__((format(gnu_printf, a, b)))
#elif defined(__GNUC__) || defined(__clang__)
#define PDC_PRINTF_FMT(a, b) __attribute__((format(printf, a, b)))
#else
#define PDC_PRINTF_FMT(a, b)
#endif

/* Magic words: a handle that does not carry its word is refused (armor
 * against foreign or destroyed handles, as in oar.h). */
#define PDC_CONFIG_MAGIC 0x50444346u    /* "PDCF" */
#define PDC_PREDICTOR_MAGIC 0x50445052u /* "PDPR" */
#define PDC_TENSOR_MAGIC 0x50445453u    /* "PDTS" */
#define PDC_DEAD_MAGIC 0xdeadbeefu

typedef enum pdc_model_source {
  PDC_MODEL_NONE = 0,
  PDC_MODEL_DIR,    /* PD_ConfigSetModelDir */
  PDC_MODEL_FILES,  /* PD_ConfigSetModel / SetProgFile / SetParamsFile */
  PDC_MODEL_BUFFER, /* PD_ConfigSetModelBuffer: already handed to oar */
} pdc_model_source;

struct PD_Config {
  uint32_t magic;
  oar_config *oar;
  pdc_model_source model_source;
  char *model_dir, *prog_file, *params_file; /* never NULL: "" when unset */
  char *opt_cache_dir, *custom_device_type, *shape_range_info_path;
  uint64_t memory_pool_mb;
  int32_t gpu_device_id, xpu_device_id, npu_device_id, custom_device_id, mkldnn_cache_capacity;
  /* What the *Enabled getters answer: TRUE only where oar honours it. */
  PD_Bool use_gpu, use_xpu, use_npu, use_custom_device, onnxruntime, tensorrt, trt_dynamic_shape,
      trt_tuned_dynamic_shape, trt_allow_build, trt_oss, trt_dla, lite, mkldnn, mkldnn_quantizer, mkldnn_bf16,
      mkldnn_int8, cudnn;
  /* Recorded only: see pd_config.h for what oar does with each. */
  PD_Bool fc_padding, ir_debug, multi_stream, profile, glog_disabled, valid, shape_collect;
};

/* Per input: the buffer PD_TensorMutableData* hands out (copied in by every
 * PD_PredictorRun while active), and the LoD set on it. */
typedef struct pdc_input_slot {
  void *staging;
  size_t staging_bytes;
  oar_dtype staging_dtype;
  int staging_active;
  PD_TwoDimArraySize *lod;
} pdc_input_slot;

/* The declared shape and dtype of an input or output, read once at
 * creation (the oar tensor reports the current shape after a reshape). */
typedef struct pdc_io_decl {
  const char *name; /* owned by the oar predictor */
  size_t rank;
  int64_t dims[OAR_MAX_RANK];
  oar_dtype dtype;
} pdc_io_decl;

struct PD_Predictor {
  uint32_t magic;
  oar_predictor *oar;
  size_t num_inputs, num_outputs;
  pdc_io_decl *inputs, *outputs;
  pdc_input_slot *slots; /* num_inputs */
};

struct PD_Tensor {
  uint32_t magic;
  PD_Predictor *owner;
  oar_tensor *oar;
  int is_input;
  size_t index; /* into owner->inputs or owner->outputs */
};

/* Records a failure as this thread's PD_OarLastError and prints it on
 * stderr (Paddle's API returns no status; this is the only channel). */
void pdc_error(const char *fmt, ...) PDC_PRINTF_FMT(1, 2);
/* Prints a warning on stderr: an option this build cannot honour. */
void pdc_warn(const char *fmt, ...) PDC_PRINTF_FMT(1, 2);
/* pdc_error with oar's thread-local message appended. */
void pdc_error_oar(const char *what, oar_status status);

/* Handle checks: print a misuse error and return 0 when h is not valid. */
int pdc_config_ok(const PD_Config *config, const char *fn);
int pdc_predictor_ok(const PD_Predictor *predictor, const char *fn);
int pdc_tensor_ok(const PD_Tensor *tensor, const char *fn);

/* strdup through malloc; NULL s gives "". NULL on out of memory. */
char *pdc_strdup(const char *s);

/* Builds a PD_Cstr (size = strlen + 1; empty -> 0/NULL). NULL on OOM. */
PD_Cstr *pdc_cstr_new(const char *s);

/* dtype mapping; unknown values give PD_DATA_UNK / OAR_DTYPE_UNKNOWN. */
PD_DataType pdc_dtype_to_pd(oar_dtype dtype);
oar_dtype pdc_dtype_from_pd(PD_DataType dtype);

/* Wraps an oar predictor (taking ownership); destroys it and returns NULL
 * on failure. */
PD_Predictor *pdc_predictor_wrap(oar_predictor *oar);

#endif /* OAR_API_COMPAT_COMPAT_INTERNAL_H */
