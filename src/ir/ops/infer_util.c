#include "ir/ops/infer_util.h"

#include <stdlib.h>
#include <string.h>

static const char *in_name(const oar_node *n, int slot) { return n->schema->inputs[slot].name; }
static const char *attr_name(const oar_node *n, int index) { return n->schema->attrs[index].name; }

oar_status oar_op_require_input(const oar_node *n, const oar_tensor_view *const *in, int slot,
                                const oar_tensor_view **view, oar_error *err) {
  const oar_tensor_view *v = oar_op_input(n, in, slot);
  if (!v) return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input '%s' is missing", in_name(n, slot));
  *view = v;
  return OAR_OK;
}

void oar_op_set_output(const oar_node *n, oar_tensor_view *out, int slot, oar_dtype dtype,
                       const oar_shape *shape) {
  oar_tensor_view *v = oar_op_output(n, out, slot);
  if (!v) return;
  v->dtype = dtype;
  v->shape = *shape;
}

oar_status oar_op_check_rank(const oar_node *n, int slot, const oar_tensor_view *v, int min_rank,
                             int max_rank, oar_error *err) {
  if (v->shape.rank >= min_rank && v->shape.rank <= max_rank) return OAR_OK;
  char buf[128];
  oar_shape_str(&v->shape, buf, sizeof buf);
  if (min_rank == max_rank)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input '%s' has rank %d (shape %s), expected rank %d",
                         in_name(n, slot), v->shape.rank, buf, min_rank);
  return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                       "input '%s' has rank %d (shape %s), expected rank %d to %d", in_name(n, slot),
                       v->shape.rank, buf, min_rank, max_rank);
}

oar_status oar_op_check_same_dtype(const oar_node *n, int slot_a, const oar_tensor_view *a, int slot_b,
                                   const oar_tensor_view *b, oar_error *err) {
  if (a->dtype == b->dtype) return OAR_OK;
  return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input '%s' is %s but input '%s' is %s; they must match",
                       in_name(n, slot_b), oar_dtype_str(b->dtype), in_name(n, slot_a),
                       oar_dtype_str(a->dtype));
}

const char *oar_op_attr_str(const oar_node *n, int index) {
  const oar_attr *a = oar_node_attr(n, index);
  return a->type == OAR_ATTR_STRING && a->s ? a->s : "";
}

oar_status oar_op_attr_int(const oar_node *n, int index, int64_t lo, int64_t hi, int64_t *v, oar_error *err) {
  const oar_attr *a = oar_node_attr(n, index);
  if (a->type != OAR_ATTR_INT && a->type != OAR_ATTR_BOOL)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute '%s' is missing", attr_name(n, index));
  if (a->i < lo || a->i > hi)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute '%s' is %lld, expected %lld to %lld",
                         attr_name(n, index), (long long)a->i, (long long)lo, (long long)hi);
  *v = a->i;
  return OAR_OK;
}

oar_status oar_op_attr_ints_n(const oar_node *n, int index, int count, int64_t lo, int64_t hi, int64_t *v,
                              oar_error *err) {
  const oar_attr *a = oar_node_attr(n, index);
  if (a->type != OAR_ATTR_INTS)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute '%s' is missing", attr_name(n, index));
  if (a->n != (size_t)count)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute '%s' has %zu values, expected %d",
                         attr_name(n, index), a->n, count);
  for (int i = 0; i < count; i++) {
    if (a->ints[i] < lo || a->ints[i] > hi)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute '%s'[%d] is %lld, expected %lld to %lld",
                           attr_name(n, index), i, (long long)a->ints[i], (long long)lo, (long long)hi);
    v[i] = a->ints[i];
  }
  return OAR_OK;
}

oar_status oar_op_parse_nhwc(const oar_node *n, int index, bool *nhwc, oar_error *err) {
  const char *s = oar_op_attr_str(n, index);
  if (strcmp(s, "NCHW") == 0 || strcmp(s, "AnyLayout") == 0 || s[0] == '\0') {
    *nhwc = false;
    return OAR_OK;
  }
  if (strcmp(s, "NHWC") == 0) {
    *nhwc = true;
    return OAR_OK;
  }
  return oar_error_set(err, OAR_ERR_UNSUPPORTED, "attribute '%s' is \"%s\", expected \"NCHW\" or \"NHWC\"",
                       attr_name(n, index), s);
}

oar_status oar_op_parse_pad_algo(const oar_node *n, int index, oar_pad_algo *algo, oar_error *err) {
  const char *s = oar_op_attr_str(n, index);
  if (strcmp(s, "EXPLICIT") == 0 || s[0] == '\0') {
    *algo = OAR_PAD_EXPLICIT;
  } else if (strcmp(s, "SAME") == 0) {
    *algo = OAR_PAD_SAME;
  } else if (strcmp(s, "VALID") == 0) {
    *algo = OAR_PAD_VALID;
  } else {
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "attribute '%s' is \"%s\", expected \"EXPLICIT\", \"SAME\" or \"VALID\"",
                         attr_name(n, index), s);
  }
  return OAR_OK;
}

oar_status oar_op_paddings_2d(const oar_node *n, int index, int64_t pads[4], oar_error *err) {
  const oar_attr *a = oar_node_attr(n, index);
  if (a->type != OAR_ATTR_INTS)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute '%s' is missing", attr_name(n, index));
  if (a->n != 2 && a->n != 4)
    return oar_error_set(
        err, OAR_ERR_INVALID_MODEL,
        "attribute '%s' has %zu values, expected 2 ([h, w]) or 4 ([top, bottom, left, right])",
        attr_name(n, index), a->n);
  for (size_t i = 0; i < a->n; i++)
    if (a->ints[i] < 0 || a->ints[i] > OAR_ATTR_SIZE_MAX)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute '%s'[%zu] is %lld, expected 0 to %lld",
                           attr_name(n, index), i, (long long)a->ints[i], (long long)OAR_ATTR_SIZE_MAX);
  if (a->n == 2) {
    pads[0] = pads[1] = a->ints[0];
    pads[2] = pads[3] = a->ints[1];
  } else {
    for (int i = 0; i < 4; i++) pads[i] = a->ints[i];
  }
  return OAR_OK;
}

oar_status oar_same_padding(int64_t in, int64_t k, int64_t stride, int64_t *before, int64_t *after,
                            oar_error *err) {
  *before = *after = 0;
  if (in < 0) return OAR_OK;
  /* (out - 1) * stride <= in - 1 + stride - 1, so only `+ k` can overflow. */
  const int64_t out = in / stride + (in % stride != 0);
  int64_t sum;
  if (__builtin_add_overflow((out - 1) * stride, k, &sum))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "SAME padding out of range (input %lld, kernel %lld)",
                         (long long)in, (long long)k);
  sum -= in;
  if (sum < 0) sum = 0;
  *before = sum / 2;
  *after = sum - *before;
  return OAR_OK;
}

oar_status oar_window_out_size(int64_t in, int64_t k, int64_t dilation, int64_t pad_before, int64_t pad_after,
                               int64_t stride, bool ceil_mode, const char *dim, int64_t *out,
                               oar_error *err) {
  if (in < 0) {
    *out = -1;
    return OAR_OK;
  }
  int64_t span, padded;
  /* span = dilation * (k - 1) + 1; padded = in + pads (+ stride - 1). */
  if (k < 1 || __builtin_mul_overflow(dilation, k - 1, &span) || __builtin_add_overflow(span, 1, &span) ||
      __builtin_add_overflow(in, pad_before, &padded) || __builtin_add_overflow(padded, pad_after, &padded) ||
      (ceil_mode && __builtin_add_overflow(padded, stride - 1, &padded)))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "%s window out of range (input %lld, kernel %lld, dilation %lld)", dim,
                         (long long)in, (long long)k, (long long)dilation);
  /* C division truncates toward zero; Paddle's too, so a window larger than
   * the padded input gives (negative)/stride + 1 <= 0 -> rejected below. */
  const int64_t size = (padded - span) / stride + 1;
  if (padded < span || size < 1)
    return oar_error_set(
        err, OAR_ERR_INVALID_MODEL,
        "output %s would be < 1 (input %s %lld, padding %lld+%lld, kernel %lld, dilation %lld, "
        "stride %lld)",
        dim, dim, (long long)in, (long long)pad_before, (long long)pad_after, (long long)k,
        (long long)dilation, (long long)stride);
  *out = size;
  return OAR_OK;
}

/* One broadcast dim: equal, or 1 on a side; -1 (unknown) passes through. */
static bool broadcast_dim(int64_t a, int64_t b, int64_t *out) {
  if (a == b) {
    *out = a;
  } else if (a == 1) {
    *out = b;
  } else if (b == 1) {
    *out = a;
  } else if (a < 0) {
    *out = b; /* unknown vs known n != 1: must be n (or 1) */
  } else if (b < 0) {
    *out = a;
  } else {
    return false;
  }
  return true;
}

oar_status oar_broadcast_axis(const oar_shape *x, const oar_shape *y, int64_t axis, oar_shape *out,
                              oar_shape *x_aligned, oar_shape *y_aligned, const char *x_name,
                              const char *y_name, oar_error *err) {
  const bool x_big = x->rank >= y->rank;
  const oar_shape *big = x_big ? x : y, *small = x_big ? y : x;
  const int r = big->rank;
  const int64_t diff = big->rank - small->rank;
  char xs[128], ys[128];
  /* Paddle: axis < 0 becomes |diff| + axis + 1 (so -1 -> diff). */
  const int64_t ax = axis < 0 ? diff + axis + 1 : axis;
  if (ax < 0 || ax > diff)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "attribute 'axis' is %lld, expected -1 or 0 to %lld for '%s' %s and '%s' %s",
                         (long long)axis, (long long)diff, x_name, oar_shape_str(x, xs, sizeof xs), y_name,
                         oar_shape_str(y, ys, sizeof ys));
  oar_shape sa;
  sa.rank = r;
  for (int i = 0; i < r; i++) sa.dims[i] = 1;
  for (int i = 0; i < small->rank; i++) sa.dims[ax + i] = small->dims[i];
  oar_shape o;
  o.rank = r;
  for (int i = 0; i < r; i++) {
    if (!broadcast_dim(big->dims[i], sa.dims[i], &o.dims[i])) {
      char as[128];
      return oar_error_set(
          err, OAR_ERR_INVALID_MODEL,
          "'%s' %s and '%s' %s do not broadcast with axis %lld ('%s' aligned as %s): dim %d is "
          "%lld vs %lld",
          x_name, oar_shape_str(x, xs, sizeof xs), y_name, oar_shape_str(y, ys, sizeof ys), (long long)axis,
          x_big ? y_name : x_name, oar_shape_str(&sa, as, sizeof as), i,
          (long long)(x_big ? big->dims[i] : sa.dims[i]), (long long)(x_big ? sa.dims[i] : big->dims[i]));
    }
  }
  *out = o;
  if (x_aligned) *x_aligned = x_big ? *big : sa;
  if (y_aligned) *y_aligned = x_big ? sa : *big;
  return OAR_OK;
}

void oar_broadcast_strides(const oar_shape *aligned, const oar_shape *out, int64_t *strides) {
  int64_t s = 1;
  for (int i = aligned->rank - 1; i >= 0; i--) {
    strides[i] = (aligned->dims[i] == 1 && out->dims[i] != 1) ? 0 : s;
    s *= aligned->dims[i];
  }
}

oar_status oar_op_norm_axis(const oar_node *n, int attr_index, int64_t axis, int rank, int *out,
                            oar_error *err) {
  if (axis < -(int64_t)rank || axis >= rank)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute '%s' is %lld, expected %d to %d for rank %d",
                         attr_name(n, attr_index), (long long)axis, -rank, rank - 1, rank);
  *out = (int)(axis < 0 ? axis + rank : axis);
  return OAR_OK;
}
