#include <stdio.h>
#include <string.h>

#include "api/internal.h"
#include "base/alloc.h"

#define CHECK_TENSOR(t)                                                               \
  do {                                                                                \
    if (!oar_handle_valid((t), OAR_HANDLE_TENSOR))                                    \
      return oar_api_misuse("%s: tensor is NULL or not a live oar_tensor", __func__); \
  } while (0)

static const char *tensor_name(const oar_tensor *t) {
  return t->owner->model->graph->values[t->value_id].name;
}

/* Output data lives in the predictor's plan; inputs own their buffer. */
static const void *tensor_data(const oar_tensor *t) {
  if (t->is_input) return t->has_data ? t->data : NULL;
  if (!t->owner->ran || !t->owner->plan) return NULL;
  return t->owner->plan->views[t->value_id].data;
}

oar_status oar_tensor_name(const oar_tensor *tensor, const char **name) {
  CHECK_TENSOR(tensor);
  if (!name) return oar_api_misuse("oar_tensor_name: name is NULL");
  *name = tensor_name(tensor);
  return OAR_OK;
}

oar_status oar_tensor_dtype(const oar_tensor *tensor, oar_dtype *dtype) {
  CHECK_TENSOR(tensor);
  if (!dtype) return oar_api_misuse("oar_tensor_dtype: dtype is NULL");
  *dtype = tensor->dtype;
  return OAR_OK;
}

oar_status oar_tensor_shape(const oar_tensor *tensor, size_t *rank, int64_t *dims, size_t capacity) {
  CHECK_TENSOR(tensor);
  if (!rank || (capacity && !dims))
    return oar_api_misuse("oar_tensor_shape: rank is NULL, or dims is NULL with capacity > 0");
  *rank = (size_t)tensor->shape.rank;
  for (size_t i = 0; i < capacity && i < (size_t)tensor->shape.rank; i++) dims[i] = tensor->shape.dims[i];
  return OAR_OK;
}

oar_status oar_tensor_reshape(oar_tensor *tensor, size_t rank, const int64_t *dims) {
  CHECK_TENSOR(tensor);
  oar_error *slot = &tensor->owner->err;
  const char *name = tensor_name(tensor);
  if (!tensor->is_input)
    return oar_api_failf(slot, OAR_ERR_MISUSE,
                         "oar_tensor_reshape: '%s' is an output; only inputs can be reshaped", name);
  if (rank && !dims) return oar_api_failf(slot, OAR_ERR_MISUSE, "oar_tensor_reshape: dims is NULL");
  if (rank > OAR_MAX_RANK)
    return oar_api_failf(slot, OAR_ERR_INVALID_ARGUMENT,
                         "oar_tensor_reshape: input '%s': rank %zu exceeds the maximum %d", name, rank,
                         OAR_MAX_RANK);
  oar_shape want = oar_shape_make((int)rank, dims);
  char got_s[160], decl_s[160];
  oar_shape_str(&want, got_s, sizeof got_s);
  oar_shape_str(&tensor->declared_shape, decl_s, sizeof decl_s);
  for (size_t i = 0; i < rank; i++)
    if (dims[i] < 0)
      return oar_api_failf(slot, OAR_ERR_INVALID_ARGUMENT,
                           "oar_tensor_reshape: input '%s': shape %s has a negative dimension", name, got_s);
  /* Only the rank must agree. A fixed dim of the declared shape is often
   * just the export-time size (a detector saved at 640x640 and fed 736x1280):
   * Paddle Inference takes other sizes and infers every shape from the
   * input, and so do the plans. Where the network cannot take the size, the
   * run fails naming the op that cannot. */
  const oar_shape *decl = &tensor->declared_shape;
  if (decl->rank != (int)rank)
    return oar_api_failf(slot, OAR_ERR_INVALID_ARGUMENT,
                         "oar_tensor_reshape: input '%s': shape %s has rank %zu, the model declares %s "
                         "(rank %d)",
                         name, got_s, rank, decl_s, decl->rank);
  if (oar_shape_numel(&want) < 0)
    return oar_api_failf(slot, OAR_ERR_INVALID_ARGUMENT,
                         "oar_tensor_reshape: input '%s': shape %s is too large", name, got_s);
  if (!oar_shape_equal(&want, &tensor->shape) || !tensor->shape_set) tensor->has_data = false;
  tensor->shape = want;
  tensor->shape_set = true;
  return OAR_OK;
}

/* Checks an input is ready to take `dtype` data of its shape and makes its
 * buffer big enough; *bytes gets the data size. */
static oar_status prepare_input(oar_tensor *tensor, oar_dtype dtype, const char *fn, size_t *bytes) {
  oar_error *slot = &tensor->owner->err;
  const char *name = tensor_name(tensor);
  if (!tensor->is_input)
    return oar_api_failf(slot, OAR_ERR_MISUSE, "%s: '%s' is an output, not an input", fn, name);
  if (!tensor->shape_set) {
    /* A fully declared shape needs no reshape call. */
    if (!oar_shape_is_known(&tensor->declared_shape))
      return oar_api_failf(slot, OAR_ERR_MISUSE,
                           "%s: input '%s' has a variable shape; call oar_tensor_reshape first", fn, name);
    tensor->shape = tensor->declared_shape;
    tensor->shape_set = true;
  }
  if (dtype != tensor->declared_dtype)
    return oar_api_failf(slot, OAR_ERR_INVALID_ARGUMENT, "%s: input '%s' is %s in the model, got %s data", fn,
                         name, oar_dtype_str(tensor->declared_dtype), oar_dtype_str(dtype));
  size_t need;
  int64_t numel = oar_shape_numel(&tensor->shape);
  if (numel < 0 || !oar_mul_size((size_t)numel, oar_dtype_bytes(dtype), &need))
    return oar_api_failf(slot, OAR_ERR_INVALID_ARGUMENT, "%s: input '%s' is too large", fn, name);
  if (need > tensor->capacity || !tensor->data) {
    void *d = oar_aligned_alloc(need ? need : 64);
    if (!d) return oar_api_failf(slot, OAR_ERR_OUT_OF_MEMORY, "%s: out of memory (%zu bytes)", fn, need);
    oar_aligned_free(tensor->data);
    tensor->data = d;
    tensor->capacity = need;
  }
  *bytes = need;
  return OAR_OK;
}

oar_status oar_tensor_copy_from_host(oar_tensor *tensor, oar_dtype dtype, const void *src, size_t bytes) {
  CHECK_TENSOR(tensor);
  oar_error *slot = &tensor->owner->err;
  const char *fn = "oar_tensor_copy_from_host";
  /* Size before allocation: a wrong size must not resize the buffer. */
  if (tensor->is_input && dtype == tensor->declared_dtype &&
      (tensor->shape_set || oar_shape_is_known(&tensor->declared_shape))) {
    const oar_shape *shape = tensor->shape_set ? &tensor->shape : &tensor->declared_shape;
    int64_t numel = oar_shape_numel(shape);
    size_t need;
    char shape_s[160];
    if (numel >= 0 && oar_mul_size((size_t)numel, oar_dtype_bytes(dtype), &need) && bytes != need)
      return oar_api_failf(slot, OAR_ERR_INVALID_ARGUMENT,
                           "%s: input '%s' of shape %s and dtype %s needs %zu bytes, got %zu", fn,
                           tensor_name(tensor), oar_shape_str(shape, shape_s, sizeof shape_s),
                           oar_dtype_str(dtype), need, bytes);
  }
  size_t need = 0;
  oar_status st = prepare_input(tensor, dtype, fn, &need);
  if (st != OAR_OK) return st;
  if (need && !src) return oar_api_failf(slot, OAR_ERR_MISUSE, "%s: src is NULL", fn);
  if (need) memcpy(tensor->data, src, need);
  tensor->dtype = dtype;
  tensor->has_data = true;
  return OAR_OK;
}

oar_status oar_tensor_mutable_data(oar_tensor *tensor, oar_dtype dtype, void **data) {
  CHECK_TENSOR(tensor);
  if (!data) return oar_api_misuse("oar_tensor_mutable_data: data is NULL");
  size_t need = 0;
  oar_status st = prepare_input(tensor, dtype, "oar_tensor_mutable_data", &need);
  if (st != OAR_OK) return st;
  tensor->dtype = dtype;
  tensor->has_data = true;
  *data = tensor->data;
  return OAR_OK;
}

oar_status oar_tensor_copy_to_host(const oar_tensor *tensor, void *dst, size_t bytes) {
  CHECK_TENSOR(tensor);
  oar_error *slot = &tensor->owner->err;
  const void *data = tensor_data(tensor);
  if (!data)
    return oar_api_failf(slot, OAR_ERR_MISUSE, "oar_tensor_copy_to_host: '%s' has no data yet (%s)",
                         tensor_name(tensor),
                         tensor->is_input ? "copy data in first" : "run the predictor first");
  int64_t numel = oar_shape_numel(&tensor->shape);
  size_t need = (size_t)numel * oar_dtype_bytes(tensor->dtype);
  if (bytes < need)
    return oar_api_failf(slot, OAR_ERR_INVALID_ARGUMENT,
                         "oar_tensor_copy_to_host: '%s' holds %zu bytes, the buffer has only %zu",
                         tensor_name(tensor), need, bytes);
  if (need && !dst) return oar_api_failf(slot, OAR_ERR_MISUSE, "oar_tensor_copy_to_host: dst is NULL");
  if (need) memcpy(dst, data, need);
  return OAR_OK;
}

oar_status oar_tensor_data(const oar_tensor *tensor, const void **data) {
  CHECK_TENSOR(tensor);
  if (!data) return oar_api_misuse("oar_tensor_data: data is NULL");
  const void *d = tensor_data(tensor);
  if (!d)
    return oar_api_failf(&tensor->owner->err, OAR_ERR_MISUSE, "oar_tensor_data: '%s' has no data yet",
                         tensor_name(tensor));
  *data = d;
  return OAR_OK;
}
