/* Run functions of the tensor array ops, select_input and increment
 * (ir/ops/control_flow.h). while and conditional_block run their bodies
 * through plans: runtime/control_flow.c. */
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/control_flow.h"
#include "runtime/ops/run_util.h"

/* ---- the array blob ----------------------------------------------------------------------- */

typedef struct array_elem {
  oar_dtype dtype;
  oar_shape shape;
  size_t bytes;
  const uint8_t *data;
  size_t span; /* header and padded data */
} array_elem;

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

static oar_status bad_array(oar_error *err, const char *what) {
  return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "tensor array is malformed (%s)", what);
}

/* Reads the element at `at` (a byte offset into the blob). */
static oar_status read_elem(const uint8_t *blob, size_t size, size_t at, array_elem *e, oar_error *err) {
  int64_t h[OAR_ARRAY_ELEM_HEADER];
  if (at > size || size - at < sizeof h) return bad_array(err, "truncated element header");
  memcpy(h, blob + at, sizeof h);
  if (h[1] < 0 || h[1] > OAR_MAX_RANK || h[0] < 0 || h[0] > 255) return bad_array(err, "bad element type");
  e->dtype = (oar_dtype)h[0];
  e->shape = (oar_shape){.rank = (int)h[1]};
  for (int d = 0; d < e->shape.rank; d++) {
    if (h[2 + d] < 0) return bad_array(err, "negative dimension");
    e->shape.dims[d] = h[2 + d];
  }
  const int64_t numel = oar_shape_numel(&e->shape);
  size_t bytes;
  if (numel < 0 || !oar_mul_size((size_t)numel, oar_dtype_bytes(e->dtype), &bytes) ||
      h[2 + OAR_MAX_RANK] != (int64_t)bytes)
    return bad_array(err, "element size");
  if (size - at - sizeof h < pad8(bytes)) return bad_array(err, "truncated element data");
  e->bytes = bytes;
  e->data = blob + at + sizeof h;
  e->span = sizeof h + pad8(bytes);
  return OAR_OK;
}

/* The element count, checking the header. */
static oar_status array_count(const oar_tensor_view *a, int64_t *count, oar_error *err) {
  int64_t h[OAR_ARRAY_HEADER];
  const size_t size = (size_t)oar_shape_numel(&a->shape);
  if (a->dtype != OAR_DTYPE_UINT8 || size < sizeof h || !a->data) return bad_array(err, "not an array");
  memcpy(h, a->data, sizeof h);
  if (h[0] != OAR_ARRAY_MAGIC || h[1] < 0) return bad_array(err, "bad header");
  *count = h[1];
  return OAR_OK;
}

/* Element `index` of the array (0 <= index < count). */
static oar_status array_at(const oar_tensor_view *a, int64_t index, array_elem *e, oar_error *err) {
  int64_t count = 0;
  OAR_TRY(array_count(a, &count, err));
  const size_t size = (size_t)oar_shape_numel(&a->shape);
  size_t at = OAR_ARRAY_HEADER * 8;
  for (int64_t k = 0; k <= index && k < count; k++) {
    OAR_TRY(read_elem(a->data, size, at, e, err));
    if (k == index) return OAR_OK;
    at += e->span;
  }
  return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "index %lld is out of range of a tensor array of %lld",
                       (long long)index, (long long)count);
}

static uint8_t *write_elem(uint8_t *dst, oar_dtype dtype, const oar_shape *shape, const void *data,
                           size_t bytes) {
  int64_t h[OAR_ARRAY_ELEM_HEADER] = {0};
  h[0] = dtype;
  h[1] = shape->rank;
  for (int d = 0; d < shape->rank; d++) h[2 + d] = shape->dims[d];
  h[2 + OAR_MAX_RANK] = (int64_t)bytes;
  memcpy(dst, h, sizeof h);
  if (bytes) memcpy(dst + sizeof h, data, bytes);
  return dst + sizeof h + pad8(bytes);
}

static oar_status read_index(const oar_tensor_view *i, int64_t *index, oar_error *err) {
  if (oar_shape_numel(&i->shape) != 1)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "index I must hold one element");
  *index = i->dtype == OAR_DTYPE_INT32 ? ((const int32_t *)i->data)[0] : ((const int64_t *)i->data)[0];
  if (*index < 0)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "index I is negative (%lld)", (long long)*index);
  return OAR_OK;
}

/* ---- write_to_array ------------------------------------------------------------------------ */

oar_status oar_run_write_to_array(const oar_node *node, const oar_tensor_view *const *in,
                                  oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x = oar_op_input(node, in, OAR_WRITE_ARRAY_IN_X);
  const oar_tensor_view *a = oar_op_input(node, in, OAR_WRITE_ARRAY_IN_ARRAY);
  int64_t index = 0, count = 0;
  OAR_TRY(read_index(oar_op_input(node, in, OAR_WRITE_ARRAY_IN_I), &index, err));
  if (a) OAR_TRY(array_count(a, &count, err));
  if (index > (int64_t)1 << 24)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "index I is too large (%lld)", (long long)index);
  const int64_t new_count = index >= count ? index + 1 : count;
  const size_t xbytes = (size_t)oar_shape_numel(&x->shape) * oar_dtype_bytes(x->dtype);
  const size_t ehead = OAR_ARRAY_ELEM_HEADER * 8;
  /* Old elements other than `index`, then `index`, then empty padding. */
  size_t total = OAR_ARRAY_HEADER * 8, at = total;
  const size_t old_size = a ? (size_t)oar_shape_numel(&a->shape) : 0;
  array_elem e;
  for (int64_t k = 0; k < count; k++) {
    OAR_TRY(read_elem(a->data, old_size, at, &e, err));
    at += e.span;
    if (k != index) total += e.span;
  }
  total += ehead + pad8(xbytes) + (size_t)(new_count - count - (index >= count)) * ehead;
  const oar_shape s = {.rank = 1, .dims = {(int64_t)total}};
  oar_tensor_view *o = oar_op_output(node, out, OAR_WRITE_ARRAY_OUT);
  OAR_TRY(oar_run_alloc_output(o, OAR_DTYPE_UINT8, &s, "Out", err));
  uint8_t *dst = o->data;
  const int64_t head[OAR_ARRAY_HEADER] = {OAR_ARRAY_MAGIC, new_count};
  memcpy(dst, head, sizeof head);
  dst += sizeof head;
  at = OAR_ARRAY_HEADER * 8;
  const oar_shape empty = {.rank = 1, .dims = {0}};
  for (int64_t k = 0; k < new_count; k++) {
    if (k < count) {
      OAR_TRY(read_elem(a->data, old_size, at, &e, err));
      at += e.span;
    }
    if (k == index) {
      dst = write_elem(dst, x->dtype, &x->shape, x->data, xbytes);
    } else if (k < count) {
      memcpy(dst, e.data - ehead, e.span);
      dst += e.span;
    } else {
      dst = write_elem(dst, x->dtype, &empty, NULL, 0);
    }
  }
  return OAR_OK;
}

/* ---- read_from_array, lod_array_length, create_array ---------------------------------------- */

oar_status oar_run_read_from_array(const oar_node *node, const oar_tensor_view *const *in,
                                   oar_tensor_view *out, oar_error *err) {
  int64_t index = 0;
  OAR_TRY(read_index(oar_op_input(node, in, OAR_READ_ARRAY_IN_I), &index, err));
  array_elem e;
  OAR_TRY(array_at(oar_op_input(node, in, OAR_READ_ARRAY_IN_X), index, &e, err));
  if (oar_dtype_bytes(e.dtype) == 0) return bad_array(err, "element type");
  oar_tensor_view *o = oar_op_output(node, out, OAR_READ_ARRAY_OUT);
  OAR_TRY(oar_run_alloc_output(o, e.dtype, &e.shape, "Out", err));
  memcpy(o->data, e.data, e.bytes);
  return OAR_OK;
}

oar_status oar_run_lod_array_length(const oar_node *node, const oar_tensor_view *const *in,
                                    oar_tensor_view *out, oar_error *err) {
  int64_t count = 0;
  OAR_TRY(array_count(oar_op_input(node, in, OAR_ARRAY_LENGTH_IN_X), &count, err));
  ((int64_t *)oar_op_output(node, out, OAR_ARRAY_LENGTH_OUT)->data)[0] = count;
  return OAR_OK;
}

oar_status oar_run_create_array(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                                oar_error *err) {
  (void)in;
  (void)err;
  const int64_t head[OAR_ARRAY_HEADER] = {OAR_ARRAY_MAGIC, 0};
  memcpy(oar_op_output(node, out, OAR_CREATE_ARRAY_OUT)->data, head, sizeof head);
  return OAR_OK;
}

/* ---- tensor_array_to_tensor ----------------------------------------------------------------- */

oar_status oar_run_tensor_array_to_tensor(const oar_node *node, const oar_tensor_view *const *in,
                                          oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *a = oar_op_input(node, in, OAR_ARRAY_TO_TENSOR_IN_X);
  const int stack = oar_node_attr_i(node, OAR_ARRAY_TO_TENSOR_ATTR_USE_STACK) != 0;
  int64_t count = 0;
  OAR_TRY(array_count(a, &count, err));
  if (count == 0) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "tensor array X is empty");
  array_elem *el = oar_malloc((size_t)count * sizeof *el);
  if (!el) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory reading a tensor array");
  oar_status st = OAR_OK;
  const size_t size = (size_t)oar_shape_numel(&a->shape);
  size_t at = OAR_ARRAY_HEADER * 8;
  for (int64_t k = 0; k < count && st == OAR_OK; k++) {
    st = read_elem(a->data, size, at, &el[k], err);
    at += el[k].span;
  }
  const int rank = el[0].shape.rank;
  int64_t axis = oar_node_attr_i(node, OAR_ARRAY_TO_TENSOR_ATTR_AXIS);
  const int out_rank = rank + stack;
  if (axis < 0) axis += out_rank;
  if (st == OAR_OK && (axis < 0 || axis >= out_rank || out_rank > OAR_MAX_RANK || (!stack && rank == 0)))
    st = oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "axis %lld is out of range for elements of rank %d",
                       (long long)oar_node_attr_i(node, OAR_ARRAY_TO_TENSOR_ATTR_AXIS), rank);
  int64_t along = 0;
  for (int64_t k = 0; k < count && st == OAR_OK; k++) {
    int same = el[k].dtype == el[0].dtype && el[k].shape.rank == rank;
    for (int d = 0; same && d < rank; d++)
      same = el[k].shape.dims[d] == el[0].shape.dims[d] || (!stack && d == axis);
    if (!same) {
      st = oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                         "element %lld of the tensor array has another dtype or shape than element 0",
                         (long long)k);
      break;
    }
    along += stack ? 1 : el[k].shape.dims[axis];
  }
  oar_tensor_view *o = oar_op_output(node, out, OAR_ARRAY_TO_TENSOR_OUT);
  oar_tensor_view *oi = oar_op_output(node, out, OAR_ARRAY_TO_TENSOR_OUT_INDEX);
  if (st == OAR_OK) {
    oar_shape s = el[0].shape;
    s.rank = out_rank;
    if (stack)
      for (int d = 0, src = 0; d < out_rank; d++) s.dims[d] = d == axis ? along : el[0].shape.dims[src++];
    else
      s.dims[axis] = along;
    st = oar_run_alloc_output(o, el[0].dtype, &s, "Out", err);
  }
  if (st == OAR_OK && oi) {
    const oar_shape s = {.rank = 1, .dims = {count}};
    st = oar_run_alloc_output(oi, OAR_DTYPE_INT32, &s, "OutIndex", err);
  }
  if (st == OAR_OK) {
    /* outer: the product of the dims before axis (of the element). */
    int64_t outer = 1;
    for (int d = 0; d < axis; d++) outer *= el[0].shape.dims[d];
    uint8_t *dst = o->data;
    for (int64_t q = 0; q < outer; q++)
      for (int64_t k = 0; k < count; k++) {
        const size_t chunk = outer ? el[k].bytes / (size_t)outer : 0;
        memcpy(dst, el[k].data + (size_t)q * chunk, chunk);
        dst += chunk;
      }
    for (int64_t k = 0; oi && k < count; k++)
      ((int32_t *)oi->data)[k] = stack ? 1 : (int32_t)el[k].shape.dims[axis];
  }
  oar_free(el);
  return st;
}

/* ---- select_input, increment ------------------------------------------------------------------ */

oar_status oar_run_select_input(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                                oar_error *err) {
  const oar_tensor_view *m = oar_op_input(node, in, OAR_SELECT_INPUT_IN_MASK);
  if (oar_shape_numel(&m->shape) != 1)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "Mask must hold one element");
  int64_t k = m->dtype == OAR_DTYPE_INT64  ? ((const int64_t *)m->data)[0]
              : m->dtype == OAR_DTYPE_BOOL ? ((const uint8_t *)m->data)[0]
                                           : ((const int32_t *)m->data)[0];
  const int nx = oar_node_input_count(node, OAR_SELECT_INPUT_IN_X);
  if (k < 0 || k >= nx)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "Mask is %lld, outside the %d inputs X", (long long)k,
                         nx);
  const oar_tensor_view *x = in[oar_node_in_pos(node, OAR_SELECT_INPUT_IN_X, (int)k)];
  oar_tensor_view *o = oar_op_output(node, out, OAR_SELECT_INPUT_OUT);
  OAR_TRY(oar_run_alloc_output(o, x->dtype, &x->shape, "Out", err));
  const size_t bytes = (size_t)oar_shape_numel(&x->shape) * oar_dtype_bytes(x->dtype);
  if (bytes) memcpy(o->data, x->data, bytes);
  return OAR_OK;
}

oar_status oar_run_increment(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  const oar_tensor_view *x = oar_op_input(node, in, OAR_INCREMENT_IN_X);
  oar_tensor_view *o = oar_op_output(node, out, OAR_INCREMENT_OUT);
  const double step = oar_node_attr_f(node, OAR_INCREMENT_ATTR_STEP);
  switch (x->dtype) {
    case OAR_DTYPE_FLOAT32: ((float *)o->data)[0] = ((const float *)x->data)[0] + (float)step; break;
    case OAR_DTYPE_FLOAT64: ((double *)o->data)[0] = ((const double *)x->data)[0] + step; break;
    case OAR_DTYPE_INT32: ((int32_t *)o->data)[0] = ((const int32_t *)x->data)[0] + (int32_t)step; break;
    case OAR_DTYPE_INT64: ((int64_t *)o->data)[0] = ((const int64_t *)x->data)[0] + (int64_t)step; break;
    default: return oar_run_unsupported_dtype(node, OAR_INCREMENT_IN_X, x->dtype, err);
  }
  return OAR_OK;
}
