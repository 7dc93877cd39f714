/* scale, softmax, mean, dropout and cast on the reference kernels. */
#include "ir/ops/math.h"

#include <string.h>

#include "kernels/ref/math.h"
#include "runtime/ops/run_util.h"

/* ---- scale ---------------------------------------------------------------- */

/* Paddle casts the float scale and bias to the element type
 * (Scalar::to<T>, static_cast) for integer tensors: truncation toward
 * zero. Saturated here so out-of-range values stay defined. */
static int64_t to_i64(double v) {
  if (v != v) return 0;
  if (v >= 9223372036854775807.0) return INT64_MAX;
  if (v <= -9223372036854775808.0) return INT64_MIN;
  return (int64_t)v;
}
static int32_t to_i32(double v) {
  const int64_t i = to_i64(v);
  return i > INT32_MAX ? INT32_MAX : i < INT32_MIN ? INT32_MIN : (int32_t)i;
}

/* The one value of ScaleTensor, as a double. */
static oar_status read_scale_tensor(const oar_node *n, const oar_tensor_view *t, double *v, oar_error *err) {
  if (oar_view_numel(t) != 1)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input 'ScaleTensor' has %lld elements, expected 1",
                         (long long)oar_view_numel(t));
  switch (t->dtype) {
    case OAR_DTYPE_FLOAT32: *v = *(const float *)t->data; return OAR_OK;
    case OAR_DTYPE_FLOAT64: *v = *(const double *)t->data; return OAR_OK;
    case OAR_DTYPE_INT32: *v = *(const int32_t *)t->data; return OAR_OK;
    case OAR_DTYPE_INT64: *v = (double)*(const int64_t *)t->data; return OAR_OK;
    default: return oar_run_unsupported_dtype(n, OAR_SCALE_IN_SCALE_TENSOR, t->dtype, err);
  }
}

oar_status oar_run_scale(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                         oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_SCALE_IN_X, &x, err));
  OAR_TRY(oar_run_output(n, out, OAR_SCALE_OUT_OUT, &y, err));
  double scale = oar_node_attr_f(n, OAR_SCALE_ATTR_SCALE);
  const double bias = oar_node_attr_f(n, OAR_SCALE_ATTR_BIAS);
  const bool after = oar_node_attr_i(n, OAR_SCALE_ATTR_BIAS_AFTER_SCALE) != 0;
  const oar_tensor_view *st = oar_op_input(n, in, OAR_SCALE_IN_SCALE_TENSOR);
  if (st) OAR_TRY(read_scale_tensor(n, st, &scale, err));
  const int64_t count = oar_view_numel(x);
  switch (x->dtype) {
    case OAR_DTYPE_FLOAT32:
      oar_ref_scale_f32(x->data, y->data, count, (float)scale, (float)bias, after);
      return OAR_OK;
    case OAR_DTYPE_INT32:
      oar_ref_scale_i32(x->data, y->data, count, to_i32(scale), to_i32(bias), after);
      return OAR_OK;
    case OAR_DTYPE_INT64:
      oar_ref_scale_i64(x->data, y->data, count, to_i64(scale), to_i64(bias), after);
      return OAR_OK;
    default: return oar_run_unsupported_dtype(n, OAR_SCALE_IN_X, x->dtype, err);
  }
}

/* ---- softmax -------------------------------------------------------------- */

oar_status oar_run_softmax(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                           oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_SOFTMAX_IN_X, &x, err));
  OAR_TRY(oar_run_output(n, out, OAR_SOFTMAX_OUT_OUT, &y, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_SOFTMAX_IN_X, x, OAR_DTYPE_FLOAT32, err));
  const oar_shape *s = &x->shape;
  int axis;
  OAR_TRY(oar_op_norm_axis(n, OAR_SOFTMAX_ATTR_AXIS, oar_node_attr_i(n, OAR_SOFTMAX_ATTR_AXIS),
                           s->rank > 0 ? s->rank : 1, &axis, err));
  int64_t outer = 1, len = 1, inner = 1;
  if (s->rank > 0) {
    for (int i = 0; i < axis; i++) outer *= s->dims[i];
    len = s->dims[axis];
    for (int i = axis + 1; i < s->rank; i++) inner *= s->dims[i];
  }
  if (outer * len * inner > 0) oar_ref_softmax_f32(x->data, y->data, outer, len, inner);
  return OAR_OK;
}

/* ---- mean ----------------------------------------------------------------- */

oar_status oar_run_mean(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                        oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_MEAN_IN_X, &x, err));
  OAR_TRY(oar_run_output(n, out, OAR_MEAN_OUT_OUT, &y, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_MEAN_IN_X, x, OAR_DTYPE_FLOAT32, err));
  if (oar_view_numel(y) != 1)
    return oar_error_set(err, OAR_ERR_INTERNAL, "output holds %lld elements, expected 1",
                         (long long)oar_view_numel(y));
  *(float *)y->data = oar_ref_mean_f32(x->data, oar_view_numel(x));
  return OAR_OK;
}

/* ---- dropout -------------------------------------------------------------- */

oar_status oar_run_dropout(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                           oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_DROPOUT_IN_X, &x, err));
  OAR_TRY(oar_run_output(n, out, OAR_DROPOUT_OUT_OUT, &y, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_DROPOUT_IN_X, x, OAR_DTYPE_FLOAT32, err));
  const char *impl = oar_op_attr_str(n, OAR_DROPOUT_ATTR_IMPLEMENTATION);
  const int64_t count = oar_view_numel(x);
  if (strcmp(impl, "upscale_in_train") == 0) {
    if (count > 0 && y->data != x->data) memcpy(y->data, x->data, (size_t)count * sizeof(float));
    return OAR_OK;
  }
  if (strcmp(impl, "downgrade_in_infer") != 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "dropout_implementation \"%s\" not supported", impl);
  /* Paddle: X * static_cast<T>(1.0f - dropout_prob), dropout_prob a float. */
  const float keep = 1.0f - (float)oar_node_attr_f(n, OAR_DROPOUT_ATTR_DROPOUT_PROB);
  oar_ref_scale_f32(x->data, y->data, count, keep, 0.0f, true);
  return OAR_OK;
}

/* ---- cast ----------------------------------------------------------------- */

oar_status oar_run_cast(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                        oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_CAST_IN_X, &x, err));
  OAR_TRY(oar_run_output(n, out, OAR_CAST_OUT_OUT, &y, err));
  if (!oar_ref_cast_supported(x->dtype)) return oar_run_unsupported_dtype(n, OAR_CAST_IN_X, x->dtype, err);
  if (!oar_ref_cast_supported(y->dtype))
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "output dtype %s not supported", oar_dtype_str(y->dtype));
  oar_ref_cast(x->dtype, x->data, y->dtype, y->data, oar_view_numel(x));
  return OAR_OK;
}
