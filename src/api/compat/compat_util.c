/* Errors, handle checks, strings and the pd_utils.h destroy functions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat_internal.h"

#define PDC_PREFIX "paddle_inference_c (oar)"

static _Thread_local char pdc_last_error[1024];

const char *PD_OarLastError(void) { return pdc_last_error; }

void pdc_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(pdc_last_error, sizeof pdc_last_error, fmt, ap);
  va_end(ap);
  fprintf(stderr, PDC_PREFIX ": error: %s\n", pdc_last_error);
}

void pdc_warn(const char *fmt, ...) {
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  fprintf(stderr, PDC_PREFIX ": warning: %s\n", line);
}

void pdc_error_oar(const char *what, oar_status status) {
  pdc_error("%s: %s (%s)", what, oar_last_error(), oar_status_string(status));
}

int pdc_config_ok(const PD_Config *config, const char *fn) {
  if (config && config->magic == PDC_CONFIG_MAGIC) return 1;
  pdc_error("%s: the PD_Config is %s", fn, config ? "not a live PD_Config (destroyed or foreign)" : "NULL");
  return 0;
}

int pdc_predictor_ok(const PD_Predictor *predictor, const char *fn) {
  if (predictor && predictor->magic == PDC_PREDICTOR_MAGIC) return 1;
  pdc_error("%s: the PD_Predictor is %s", fn,
            predictor ? "not a live PD_Predictor (destroyed or foreign)" : "NULL");
  return 0;
}

int pdc_tensor_ok(const PD_Tensor *tensor, const char *fn) {
  if (tensor && tensor->magic == PDC_TENSOR_MAGIC) return 1;
  pdc_error("%s: the PD_Tensor is %s", fn, tensor ? "not a live PD_Tensor (destroyed or foreign)" : "NULL");
  return 0;
}

char *pdc_strdup(const char *s) {
  if (!s) s = "";
  size_t n = strlen(s) + 1;
  char *copy = malloc(n);
  if (copy) memcpy(copy, s, n);
  return copy;
}

PD_Cstr *pdc_cstr_new(const char *s) {
  PD_Cstr *cstr = calloc(1, sizeof *cstr);
  if (!cstr) return NULL;
  if (s && *s) {
    cstr->data = pdc_strdup(s);
    if (!cstr->data) {
      free(cstr);
      return NULL;
    }
    cstr->size = strlen(s) + 1;
  }
  return cstr;
}

PD_DataType pdc_dtype_to_pd(oar_dtype dtype) {
  switch (dtype) {
    case OAR_DTYPE_FLOAT32: return PD_DATA_FLOAT32;
    case OAR_DTYPE_INT32: return PD_DATA_INT32;
    case OAR_DTYPE_INT64: return PD_DATA_INT64;
    case OAR_DTYPE_UINT8: return PD_DATA_UINT8;
    case OAR_DTYPE_INT8: return PD_DATA_INT8;
    default: return PD_DATA_UNK;
  }
}

oar_dtype pdc_dtype_from_pd(PD_DataType dtype) {
  switch (dtype) {
    case PD_DATA_FLOAT32: return OAR_DTYPE_FLOAT32;
    case PD_DATA_INT32: return OAR_DTYPE_INT32;
    case PD_DATA_INT64: return OAR_DTYPE_INT64;
    case PD_DATA_UINT8: return OAR_DTYPE_UINT8;
    case PD_DATA_INT8: return OAR_DTYPE_INT8;
    default: return OAR_DTYPE_UNKNOWN;
  }
}

/* ---- pd_utils.h ---------------------------------------------------------- */

void PD_OneDimArrayInt32Destroy(PD_OneDimArrayInt32 *array) {
  if (!array) return;
  free(array->data);
  free(array);
}

void PD_OneDimArrayInt64Destroy(PD_OneDimArrayInt64 *array) {
  if (!array) return;
  free(array->data);
  free(array);
}

void PD_OneDimArrayCstrDestroy(PD_OneDimArrayCstr *array) {
  if (!array) return;
  for (size_t i = 0; i < array->size && array->data; i++) free(array->data[i]);
  free(array->data);
  free(array);
}

void PD_OneDimArraySizeDestroy(PD_OneDimArraySize *array) {
  if (!array) return;
  free(array->data);
  free(array);
}

void PD_TwoDimArraySizeDestroy(PD_TwoDimArraySize *array) {
  if (!array) return;
  for (size_t i = 0; i < array->size && array->data; i++) PD_OneDimArraySizeDestroy(array->data[i]);
  free(array->data);
  free(array);
}

void PD_CstrDestroy(PD_Cstr *cstr) {
  if (!cstr) return;
  free(cstr->data);
  free(cstr);
}

void PD_IOInfoDestroy(PD_IOInfo *io_info) {
  if (!io_info) return;
  PD_CstrDestroy(io_info->name);
  PD_OneDimArrayInt64Destroy(io_info->shape);
  free(io_info);
}

void PD_IOInfosDestroy(PD_IOInfos *io_infos) {
  if (!io_infos) return;
  for (size_t i = 0; i < io_infos->size && io_infos->io_info; i++) PD_IOInfoDestroy(io_infos->io_info[i]);
  free(io_infos->io_info);
  free(io_infos);
}
