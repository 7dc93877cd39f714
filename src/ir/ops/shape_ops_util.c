/* Helpers shared by the shape ops' infer and run functions. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ir/ops/shape_ops.h"

oar_status oar_shapeops_fail(const oar_node *node, oar_error *err, oar_status code, const char *fmt, ...) {
  (void)node; /* the caller prefixes the node's description, as for every op */
  char msg[OAR_ERROR_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return oar_error_set(err, code, "%s", msg);
}

const oar_tensor_view *oar_shapeops_input(const oar_node *node, const oar_tensor_view *const *in, int slot,
                                          int k) {
  int pos = oar_node_in_pos(node, slot, k);
  return pos < 0 ? NULL : in[pos];
}

oar_status oar_shapeops_require_input(const oar_node *node, const oar_tensor_view *const *in, int slot,
                                      const oar_tensor_view **view, oar_error *err) {
  const oar_tensor_view *t = oar_shapeops_input(node, in, slot, 0);
  const char *name = node->schema->inputs[slot].name;
  if (!t) return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "input '%s' is missing", name);
  if (t->shape.rank < 0 || t->shape.rank > OAR_MAX_RANK)
    return oar_shapeops_fail(node, err, OAR_ERR_INTERNAL, "input '%s' has rank %d", name, t->shape.rank);
  for (int i = 0; i < t->shape.rank; i++) {
    if (t->shape.dims[i] < -1) {
      char buf[128];
      return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "input '%s' has shape %s", name,
                               oar_shape_str(&t->shape, buf, sizeof buf));
    }
  }
  if (oar_dtype_bytes(t->dtype) == 0)
    return oar_shapeops_fail(node, err, OAR_ERR_UNSUPPORTED, "input '%s' has unknown dtype %d", name,
                             (int)t->dtype);
  *view = t;
  return OAR_OK;
}

oar_status oar_shapeops_read_tensor_ints(const oar_node *node, int slot, const oar_tensor_view *t,
                                         int64_t *dst, int64_t cap, int64_t *n, oar_error *err) {
  const char *name = node->schema->inputs[slot].name;
  if (!t) return oar_shapeops_fail(node, err, OAR_ERR_INTERNAL, "input '%s' is absent", name);
  if (t->dtype != OAR_DTYPE_INT32 && t->dtype != OAR_DTYPE_INT64)
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "input '%s' must be int32 or int64, got %s",
                             name, oar_dtype_str(t->dtype));
  int64_t count = oar_shape_numel(&t->shape);
  if (count != 0 && !t->data)
    return oar_error_needs_value(err, "needs the value of input '%s' at plan time", name);
  if (count < 0)
    return oar_shapeops_fail(node, err, OAR_ERR_INTERNAL, "input '%s' has data but an unknown shape", name);
  if (count > cap)
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_ARGUMENT,
                             "input '%s' holds %lld values, at most %lld expected", name, (long long)count,
                             (long long)cap);
  for (int64_t i = 0; i < count; i++) {
    if (t->dtype == OAR_DTYPE_INT32) {
      int32_t v;
      memcpy(&v, (const char *)t->data + i * 4, 4);
      dst[i] = v;
    } else {
      memcpy(&dst[i], (const char *)t->data + i * 8, 8);
    }
  }
  *n = count;
  return OAR_OK;
}

oar_status oar_shapeops_read_list_ints(const oar_node *node, const oar_tensor_view *const *in, int slot,
                                       int64_t *dst, int64_t cap, int64_t *n, oar_error *err) {
  const char *name = node->schema->inputs[slot].name;
  int count = oar_node_input_count(node, slot);
  if (count > cap)
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_ARGUMENT,
                             "input '%s' has %d tensors, at most %lld expected", name, count, (long long)cap);
  for (int k = 0; k < count; k++) {
    const oar_tensor_view *t = in[oar_node_in_pos(node, slot, k)];
    if (!t) return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "input '%s' #%d is missing", name, k);
    if (oar_shape_numel(&t->shape) != 1) {
      char buf[128];
      return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL,
                               "input '%s' #%d must hold exactly one value, its shape is %s", name, k,
                               oar_shape_str(&t->shape, buf, sizeof buf));
    }
    int64_t one = 0;
    OAR_TRY(oar_shapeops_read_tensor_ints(node, slot, t, &one, 1, &(int64_t){0}, err));
    dst[k] = one;
  }
  *n = count;
  return OAR_OK;
}

oar_status oar_shapeops_attr_ints(const oar_node *node, int attr, int64_t *dst, int64_t cap, int64_t *n,
                                  oar_error *err) {
  const oar_attr *a = oar_node_attr(node, attr);
  const char *name = node->schema->attrs[attr].name;
  if (a->type != OAR_ATTR_INTS)
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "attribute '%s' is %s, ints expected", name,
                             oar_attr_type_name(a->type));
  if (a->n > (size_t)cap)
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL,
                             "attribute '%s' has %zu values, at most %lld expected", name, a->n,
                             (long long)cap);
  if (a->n) memcpy(dst, a->ints, a->n * sizeof *dst);
  *n = (int64_t)a->n;
  return OAR_OK;
}

oar_status oar_shapeops_norm_axis(const oar_node *node, const char *what, int64_t axis, int rank, int *out,
                                  oar_error *err) {
  if (axis < -(int64_t)rank || axis >= rank)
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_ARGUMENT,
                             "%s %lld is out of range [%d, %d) for rank %d", what, (long long)axis, -rank,
                             rank, rank);
  *out = (int)(axis < 0 ? axis + rank : axis);
  return OAR_OK;
}

void oar_shapeops_set_xshape(oar_tensor_view *out, int pos, const oar_tensor_view *x) {
  if (pos < 0) return;
  oar_tensor_view *t = &out[pos];
  t->dtype = x->dtype;
  int rank = x->shape.rank + 1 > OAR_MAX_RANK ? OAR_MAX_RANK : x->shape.rank + 1;
  t->shape.rank = rank;
  t->shape.dims[0] = 0;
  for (int i = 1; i < rank; i++) t->shape.dims[i] = x->shape.dims[i - 1];
}
