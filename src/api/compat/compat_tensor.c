/* PD_Tensor over oar_tensor: shape, copies, data pointers, LoD, name, type. */
#include <stdlib.h>
#include <string.h>

#include "compat_internal.h"

#define TENSOR_OR_RETURN(tensor, ret)                 \
  do {                                                \
    if (!pdc_tensor_ok(tensor, __func__)) return ret; \
  } while (0)

static const char *name_of(const PD_Tensor *tensor) {
  return tensor->is_input ? tensor->owner->inputs[tensor->index].name
                          : tensor->owner->outputs[tensor->index].name;
}

static pdc_input_slot *slot_of(const PD_Tensor *tensor) {
  return tensor->is_input ? &tensor->owner->slots[tensor->index] : NULL;
}

void PD_TensorDestroy(PD_Tensor *tensor) {
  if (!tensor) return;
  TENSOR_OR_RETURN(tensor, );
  tensor->magic = PDC_DEAD_MAGIC;
  free(tensor);
}

void PD_TensorReshape(PD_Tensor *tensor, size_t shape_size, int32_t *shape) {
  TENSOR_OR_RETURN(tensor, );
  if (shape_size > OAR_MAX_RANK || (shape_size > 0 && !shape)) {
    pdc_error("%s: tensor '%s': rank %zu %s", __func__, name_of(tensor), shape_size,
              shape_size > OAR_MAX_RANK ? "is above oar's largest rank 8" : "with a NULL shape");
    return;
  }
  int64_t dims[OAR_MAX_RANK];
  for (size_t i = 0; i < shape_size; i++) dims[i] = shape[i];
  oar_status status = oar_tensor_reshape(tensor->oar, shape_size, dims);
  if (status != OAR_OK) {
    pdc_error("%s: tensor '%s': %s (%s)", __func__, name_of(tensor), oar_last_error(),
              oar_status_string(status));
    return;
  }
  pdc_input_slot *slot = slot_of(tensor);
  if (slot) slot->staging_active = 0; /* a new shape needs new data */
}

/* Elements in the tensor's current shape; 0 with an error when a dimension
 * is still unknown (-1: no reshape yet) or the count overflows. */
static int element_count(const PD_Tensor *tensor, size_t *count, const char *fn) {
  size_t rank = 0;
  int64_t dims[OAR_MAX_RANK];
  oar_status status = oar_tensor_shape(tensor->oar, &rank, dims, OAR_MAX_RANK);
  if (status != OAR_OK) {
    pdc_error_oar(fn, status);
    return 0;
  }
  size_t n = 1;
  for (size_t i = 0; i < rank && i < OAR_MAX_RANK; i++) {
    if (dims[i] < 0) {
      pdc_error("%s: tensor '%s' has no shape yet (dim %zu is %lld): call PD_TensorReshape first", fn,
                name_of(tensor), i, (long long)dims[i]);
      return 0;
    }
    if (dims[i] != 0 && n > SIZE_MAX / (size_t)dims[i]) {
      pdc_error("%s: tensor '%s': element count overflows", fn, name_of(tensor));
      return 0;
    }
    n *= (size_t)dims[i];
  }
  *count = n;
  return 1;
}

static void copy_from_cpu(PD_Tensor *tensor, oar_dtype dtype, const void *data, const char *fn) {
  if (!tensor->is_input) {
    pdc_error("%s: '%s' is an output; copy into inputs only", fn, name_of(tensor));
    return;
  }
  size_t count = 0;
  if (!element_count(tensor, &count, fn)) return;
  if (!data && count > 0) {
    pdc_error("%s: tensor '%s': data is NULL", fn, name_of(tensor));
    return;
  }
  oar_status status = oar_tensor_copy_from_host(tensor->oar, dtype, data, count * oar_dtype_size(dtype));
  if (status != OAR_OK) {
    pdc_error("%s: tensor '%s': %s (%s)", fn, name_of(tensor), oar_last_error(), oar_status_string(status));
    return;
  }
  slot_of(tensor)->staging_active = 0; /* the engine holds the data now */
}

void PD_TensorCopyFromCpuFloat(PD_Tensor *t, const float *data) {
  TENSOR_OR_RETURN(t, );
  copy_from_cpu(t, OAR_DTYPE_FLOAT32, data, __func__);
}
void PD_TensorCopyFromCpuInt64(PD_Tensor *t, const int64_t *data) {
  TENSOR_OR_RETURN(t, );
  copy_from_cpu(t, OAR_DTYPE_INT64, data, __func__);
}
void PD_TensorCopyFromCpuInt32(PD_Tensor *t, const int32_t *data) {
  TENSOR_OR_RETURN(t, );
  copy_from_cpu(t, OAR_DTYPE_INT32, data, __func__);
}
void PD_TensorCopyFromCpuUint8(PD_Tensor *t, const uint8_t *data) {
  TENSOR_OR_RETURN(t, );
  copy_from_cpu(t, OAR_DTYPE_UINT8, data, __func__);
}
void PD_TensorCopyFromCpuInt8(PD_Tensor *t, const int8_t *data) {
  TENSOR_OR_RETURN(t, );
  copy_from_cpu(t, OAR_DTYPE_INT8, data, __func__);
}

/* The data as `dtype`: the staging buffer of an input that has one, else
 * the engine's buffer. NULL with an error on a dtype mismatch or no data. */
static const void *data_as(const PD_Tensor *tensor, oar_dtype dtype, size_t *count, const char *fn) {
  if (!element_count(tensor, count, fn)) return NULL;
  pdc_input_slot *slot = slot_of(tensor);
  oar_dtype have = OAR_DTYPE_UNKNOWN;
  const void *data = NULL;
  if (slot && slot->staging_active) {
    have = slot->staging_dtype;
    data = slot->staging;
  } else {
    oar_status status = oar_tensor_dtype(tensor->oar, &have);
    if (status == OAR_OK) status = oar_tensor_data(tensor->oar, &data);
    if (status != OAR_OK) {
      pdc_error("%s: tensor '%s': %s (%s)", fn, name_of(tensor), oar_last_error(), oar_status_string(status));
      return NULL;
    }
  }
  if (have != dtype) {
    pdc_error("%s: tensor '%s' holds %s, not %s", fn, name_of(tensor), oar_dtype_name(have),
              oar_dtype_name(dtype));
    return NULL;
  }
  return data;
}

static void copy_to_cpu(PD_Tensor *tensor, oar_dtype dtype, void *out, const char *fn) {
  size_t count = 0;
  const void *data = data_as(tensor, dtype, &count, fn);
  if (!data) return;
  if (!out && count > 0) {
    pdc_error("%s: tensor '%s': the destination is NULL", fn, name_of(tensor));
    return;
  }
  if (count > 0) memcpy(out, data, count * oar_dtype_size(dtype));
}

void PD_TensorCopyToCpuFloat(PD_Tensor *t, float *data) {
  TENSOR_OR_RETURN(t, );
  copy_to_cpu(t, OAR_DTYPE_FLOAT32, data, __func__);
}
void PD_TensorCopyToCpuInt64(PD_Tensor *t, int64_t *data) {
  TENSOR_OR_RETURN(t, );
  copy_to_cpu(t, OAR_DTYPE_INT64, data, __func__);
}
void PD_TensorCopyToCpuInt32(PD_Tensor *t, int32_t *data) {
  TENSOR_OR_RETURN(t, );
  copy_to_cpu(t, OAR_DTYPE_INT32, data, __func__);
}
void PD_TensorCopyToCpuUint8(PD_Tensor *t, uint8_t *data) {
  TENSOR_OR_RETURN(t, );
  copy_to_cpu(t, OAR_DTYPE_UINT8, data, __func__);
}
void PD_TensorCopyToCpuInt8(PD_Tensor *t, int8_t *data) {
  TENSOR_OR_RETURN(t, );
  copy_to_cpu(t, OAR_DTYPE_INT8, data, __func__);
}

/* A writable buffer of the reshaped size that PD_PredictorRun copies in. */
static void *mutable_data(PD_Tensor *tensor, oar_dtype dtype, PD_PlaceType place, const char *fn) {
  if (place != PD_PLACE_CPU && place != PD_PLACE_UNK) {
    pdc_error("%s: tensor '%s': place %d asked for, but oar keeps tensors on the CPU (PD_PLACE_CPU)", fn,
              name_of(tensor), (int)place);
    return NULL;
  }
  if (!tensor->is_input) {
    pdc_error("%s: '%s' is an output: its data is read with PD_TensorData* or PD_TensorCopyToCpu*", fn,
              name_of(tensor));
    return NULL;
  }
  size_t count = 0;
  if (!element_count(tensor, &count, fn)) return NULL;
  size_t elem = oar_dtype_size(dtype);
  if (count > SIZE_MAX / elem) {
    pdc_error("%s: tensor '%s': size overflows", fn, name_of(tensor));
    return NULL;
  }
  size_t bytes = count * elem;
  pdc_input_slot *slot = slot_of(tensor);
  if (!slot->staging || slot->staging_bytes != bytes) {
    void *buffer = realloc(slot->staging, bytes ? bytes : 1);
    if (!buffer) {
      pdc_error("%s: tensor '%s': out of memory for %zu bytes", fn, name_of(tensor), bytes);
      return NULL;
    }
    slot->staging = buffer;
  }
  slot->staging_bytes = bytes;
  slot->staging_dtype = dtype;
  slot->staging_active = 1;
  return slot->staging;
}

float *PD_TensorMutableDataFloat(PD_Tensor *t, PD_PlaceType place) {
  TENSOR_OR_RETURN(t, NULL);
  return mutable_data(t, OAR_DTYPE_FLOAT32, place, __func__);
}
int64_t *PD_TensorMutableDataInt64(PD_Tensor *t, PD_PlaceType place) {
  TENSOR_OR_RETURN(t, NULL);
  return mutable_data(t, OAR_DTYPE_INT64, place, __func__);
}
int32_t *PD_TensorMutableDataInt32(PD_Tensor *t, PD_PlaceType place) {
  TENSOR_OR_RETURN(t, NULL);
  return mutable_data(t, OAR_DTYPE_INT32, place, __func__);
}
uint8_t *PD_TensorMutableDataUint8(PD_Tensor *t, PD_PlaceType place) {
  TENSOR_OR_RETURN(t, NULL);
  return mutable_data(t, OAR_DTYPE_UINT8, place, __func__);
}
int8_t *PD_TensorMutableDataInt8(PD_Tensor *t, PD_PlaceType place) {
  TENSOR_OR_RETURN(t, NULL);
  return mutable_data(t, OAR_DTYPE_INT8, place, __func__);
}

/* Paddle returns a non-const pointer; writing into an output's buffer only
 * changes what the caller reads back before the next run. */
static void *data_ptr(PD_Tensor *tensor, oar_dtype dtype, PD_PlaceType *place, int32_t *size,
                      const char *fn) {
  if (!place || !size) {
    pdc_error("%s: tensor '%s': place and size must not be NULL", fn, name_of(tensor));
    return NULL;
  }
  size_t count = 0;
  const void *data = data_as(tensor, dtype, &count, fn);
  if (!data) return NULL;
  if (count > INT32_MAX) {
    pdc_error("%s: tensor '%s': %zu elements do not fit the int32 size", fn, name_of(tensor), count);
    return NULL;
  }
  *place = PD_PLACE_CPU;
  *size = (int32_t)count;
  return (void *)(uintptr_t)data;
}

float *PD_TensorDataFloat(PD_Tensor *t, PD_PlaceType *place, int32_t *size) {
  TENSOR_OR_RETURN(t, NULL);
  return data_ptr(t, OAR_DTYPE_FLOAT32, place, size, __func__);
}
int64_t *PD_TensorDataInt64(PD_Tensor *t, PD_PlaceType *place, int32_t *size) {
  TENSOR_OR_RETURN(t, NULL);
  return data_ptr(t, OAR_DTYPE_INT64, place, size, __func__);
}
int32_t *PD_TensorDataInt32(PD_Tensor *t, PD_PlaceType *place, int32_t *size) {
  TENSOR_OR_RETURN(t, NULL);
  return data_ptr(t, OAR_DTYPE_INT32, place, size, __func__);
}
uint8_t *PD_TensorDataUint8(PD_Tensor *t, PD_PlaceType *place, int32_t *size) {
  TENSOR_OR_RETURN(t, NULL);
  return data_ptr(t, OAR_DTYPE_UINT8, place, size, __func__);
}
int8_t *PD_TensorDataInt8(PD_Tensor *t, PD_PlaceType *place, int32_t *size) {
  TENSOR_OR_RETURN(t, NULL);
  return data_ptr(t, OAR_DTYPE_INT8, place, size, __func__);
}

PD_OneDimArrayInt32 *PD_TensorGetShape(PD_Tensor *tensor) {
  TENSOR_OR_RETURN(tensor, NULL);
  size_t rank = 0;
  int64_t dims[OAR_MAX_RANK];
  oar_status status = oar_tensor_shape(tensor->oar, &rank, dims, OAR_MAX_RANK);
  if (status != OAR_OK) {
    pdc_error_oar(__func__, status);
    return NULL;
  }
  if (rank > OAR_MAX_RANK) rank = OAR_MAX_RANK;
  PD_OneDimArrayInt32 *shape = calloc(1, sizeof *shape);
  if (shape && rank > 0) shape->data = malloc(rank * sizeof *shape->data);
  if (!shape || (rank > 0 && !shape->data)) {
    PD_OneDimArrayInt32Destroy(shape);
    pdc_error("%s: out of memory", __func__);
    return NULL;
  }
  for (size_t i = 0; i < rank; i++) {
    if (dims[i] > INT32_MAX) {
      PD_OneDimArrayInt32Destroy(shape);
      pdc_error("%s: tensor '%s': dim %zu (%lld) does not fit int32", __func__, name_of(tensor), i,
                (long long)dims[i]);
      return NULL;
    }
    shape->data[i] = (int32_t)dims[i];
  }
  shape->size = rank;
  return shape;
}

/* Deep copy of a LoD; NULL on out of memory. */
static PD_TwoDimArraySize *lod_copy(const PD_TwoDimArraySize *lod) {
  PD_TwoDimArraySize *copy = calloc(1, sizeof *copy);
  if (!copy) return NULL;
  size_t levels = lod ? lod->size : 0;
  if (levels == 0 || !lod->data) return copy;
  copy->data = calloc(levels, sizeof *copy->data);
  if (!copy->data) goto oom;
  for (size_t i = 0; i < levels; i++) {
    const PD_OneDimArraySize *level = lod->data[i];
    PD_OneDimArraySize *out = calloc(1, sizeof *out);
    copy->data[i] = out;
    copy->size = i + 1;
    if (!out) goto oom;
    size_t n = level && level->data ? level->size : 0;
    if (n > 0) {
      if (n > SIZE_MAX / sizeof *out->data) goto oom;
      out->data = malloc(n * sizeof *out->data);
      if (!out->data) goto oom;
      memcpy(out->data, level->data, n * sizeof *out->data);
      out->size = n;
    }
  }
  return copy;
oom:
  PD_TwoDimArraySizeDestroy(copy);
  return NULL;
}

void PD_TensorSetLod(PD_Tensor *tensor, PD_TwoDimArraySize *lod) {
  TENSOR_OR_RETURN(tensor, );
  if (!tensor->is_input) {
    pdc_error("%s: '%s' is an output; LoD is set on inputs", __func__, name_of(tensor));
    return;
  }
  PD_TwoDimArraySize *copy = lod_copy(lod);
  if (!copy) {
    pdc_error("%s: out of memory", __func__);
    return;
  }
  pdc_input_slot *slot = slot_of(tensor);
  PD_TwoDimArraySizeDestroy(slot->lod);
  slot->lod = copy;
}

PD_TwoDimArraySize *PD_TensorGetLod(PD_Tensor *tensor) {
  TENSOR_OR_RETURN(tensor, NULL);
  pdc_input_slot *slot = slot_of(tensor);
  PD_TwoDimArraySize *copy = lod_copy(slot ? slot->lod : NULL);
  if (!copy) pdc_error("%s: out of memory", __func__);
  return copy;
}

const char *PD_TensorGetName(PD_Tensor *tensor) {
  TENSOR_OR_RETURN(tensor, NULL);
  return name_of(tensor);
}

PD_DataType PD_TensorGetDataType(PD_Tensor *tensor) {
  TENSOR_OR_RETURN(tensor, PD_DATA_UNK);
  pdc_input_slot *slot = slot_of(tensor);
  if (slot && slot->staging_active) return pdc_dtype_to_pd(slot->staging_dtype);
  oar_dtype dtype = OAR_DTYPE_UNKNOWN;
  oar_status status = oar_tensor_dtype(tensor->oar, &dtype);
  if (status != OAR_OK) {
    pdc_error_oar(__func__, status);
    return PD_DATA_UNK;
  }
  return pdc_dtype_to_pd(dtype);
}
