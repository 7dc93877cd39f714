/* unary_math, binary_math, select, clamp on the reference kernels. */
#include "ir/ops/op_ext.h"
#include "kernels/ref/math_ext.h"
#include "runtime/ops/run_util.h"

_Static_assert(OAR_UNARY_COUNT == OAR_REF_UNARY_COUNT, "unary function numbers of IR and kernel differ");
_Static_assert(OAR_BMATH_COUNT == OAR_REF_BMATH_COUNT, "binary function numbers of IR and kernel differ");

bool oar_bmath_gives_bool(int64_t f);

static bool float_only(int64_t f) {
  return f != OAR_UNARY_ABS && f != OAR_UNARY_NEG && f != OAR_UNARY_SIGN && f != OAR_UNARY_RELU &&
         f != OAR_UNARY_BITWISE_NOT && f != OAR_UNARY_NOT;
}

oar_status oar_run_unary_math(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, 0, &x, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  const int64_t f = oar_node_attr_i(node, OAR_UNARY_ATTR_FUNC);
  bool ok;
  if (f == OAR_UNARY_NOT)
    ok = x->dtype == OAR_DTYPE_BOOL;
  else if (f == OAR_UNARY_BITWISE_NOT)
    ok = x->dtype == OAR_DTYPE_INT32 || x->dtype == OAR_DTYPE_INT64 || x->dtype == OAR_DTYPE_UINT8;
  else if (float_only(f))
    ok = x->dtype == OAR_DTYPE_FLOAT32 || x->dtype == OAR_DTYPE_FLOAT64;
  else
    ok = x->dtype == OAR_DTYPE_FLOAT32 || x->dtype == OAR_DTYPE_FLOAT64 || x->dtype == OAR_DTYPE_INT32 ||
         x->dtype == OAR_DTYPE_INT64 || x->dtype == OAR_DTYPE_INT8 || x->dtype == OAR_DTYPE_INT16;
  if (!ok) return oar_run_unsupported_dtype(node, 0, x->dtype, err);
  oar_ref_unary_math((int)f, oar_node_attr_f(node, OAR_UNARY_ATTR_ALPHA),
                     oar_node_attr_f(node, OAR_UNARY_ATTR_BETA), x->dtype, x->data, y->dtype, y->data,
                     oar_view_numel(x));
  return OAR_OK;
}

static bool bmath_dtype_ok(int64_t f, oar_dtype t) {
  switch (t) {
    case OAR_DTYPE_FLOAT32:
    case OAR_DTYPE_FLOAT64: return f < OAR_BMATH_BITSHIFT_LEFT || f > OAR_BMATH_BITWISE_XOR;
    case OAR_DTYPE_INT32:
    case OAR_DTYPE_INT64:
    case OAR_DTYPE_INT8:
    case OAR_DTYPE_INT16:
    case OAR_DTYPE_UINT8: return f != OAR_BMATH_ATAN2;
    case OAR_DTYPE_BOOL:
      return f == OAR_BMATH_AND || f == OAR_BMATH_OR || f == OAR_BMATH_XOR || f == OAR_BMATH_EQUAL;
    default: return false;
  }
}

oar_status oar_run_binary_math(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  const oar_tensor_view *x, *y;
  oar_tensor_view *z;
  OAR_TRY(oar_op_require_input(node, in, OAR_BMATH_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_BMATH_IN_Y, &y, err));
  OAR_TRY(oar_run_output(node, out, 0, &z, err));
  const int64_t f = oar_node_attr_i(node, OAR_BMATH_ATTR_FUNC);
  if (!bmath_dtype_ok(f, x->dtype)) return oar_run_unsupported_dtype(node, 0, x->dtype, err);
  if (!bmath_dtype_ok(f == OAR_BMATH_POW ? OAR_BMATH_ADD : f, y->dtype))
    return oar_run_unsupported_dtype(node, 1, y->dtype, err);
  if ((f == OAR_BMATH_DIV || f == OAR_BMATH_MOD || f == OAR_BMATH_FMOD || f == OAR_BMATH_FLOORDIV) &&
      x->dtype != OAR_DTYPE_FLOAT32 && x->dtype != OAR_DTYPE_FLOAT64) {
    for (int64_t i = 0; i < oar_view_numel(y); i++) {
      int64_t v = y->dtype == OAR_DTYPE_INT64   ? ((const int64_t *)y->data)[i]
                  : y->dtype == OAR_DTYPE_INT32 ? ((const int32_t *)y->data)[i]
                  : y->dtype == OAR_DTYPE_UINT8 ? ((const uint8_t *)y->data)[i]
                                                : 1;
      if (v == 0) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "integer division by zero");
    }
  }
  oar_bcast b = {.rank = z->shape.rank};
  for (int i = 0; i < b.rank; i++) b.dims[i] = z->shape.dims[i];
  oar_ref_bcast_strides(&x->shape, &z->shape, b.strides[0]);
  oar_ref_bcast_strides(&y->shape, &z->shape, b.strides[1]);
  oar_ref_binary_math((int)f, &b, x->dtype, x->data, y->dtype, y->data, z->dtype, z->data);
  return OAR_OK;
}

oar_status oar_run_select(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                          oar_error *err) {
  const oar_tensor_view *c, *x, *y;
  oar_tensor_view *z;
  OAR_TRY(oar_op_require_input(node, in, OAR_SELECT_IN_COND, &c, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_SELECT_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_SELECT_IN_Y, &y, err));
  OAR_TRY(oar_run_output(node, out, 0, &z, err));
  if (oar_dtype_bytes(x->dtype) == 0) return oar_run_unsupported_dtype(node, 1, x->dtype, err);
  oar_bcast b = {.rank = z->shape.rank};
  for (int i = 0; i < b.rank; i++) b.dims[i] = z->shape.dims[i];
  oar_ref_bcast_strides(&c->shape, &z->shape, b.strides[0]);
  oar_ref_bcast_strides(&x->shape, &z->shape, b.strides[1]);
  oar_ref_bcast_strides(&y->shape, &z->shape, b.strides[2]);
  oar_ref_select(&b, oar_dtype_bytes(x->dtype), c->data, x->data, y->data, z->data);
  return OAR_OK;
}

oar_status oar_run_clamp(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                         oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, OAR_CLAMP_IN_X, &x, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  if (x->dtype != OAR_DTYPE_FLOAT32 && x->dtype != OAR_DTYPE_FLOAT64 && x->dtype != OAR_DTYPE_INT32 &&
      x->dtype != OAR_DTYPE_INT64 && x->dtype != OAR_DTYPE_INT8 && x->dtype != OAR_DTYPE_UINT8)
    return oar_run_unsupported_dtype(node, 0, x->dtype, err);
  const oar_tensor_view *lo = oar_op_input(node, in, OAR_CLAMP_IN_MIN),
                        *hi = oar_op_input(node, in, OAR_CLAMP_IN_MAX);
  oar_ref_clamp(x->dtype, x->data, y->data, oar_view_numel(x), lo && oar_view_numel(lo) ? lo->data : NULL,
                hi && oar_view_numel(hi) ? hi->data : NULL);
  return OAR_OK;
}

oar_status oar_run_cast_f16(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, 0, &x, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  const int64_t n = oar_view_numel(x);
  if (x->dtype == OAR_DTYPE_FLOAT16)
    for (int64_t i = 0; i < n; i++)
      ((float *)y->data)[i] = oar_ref_f16_to_f32(((const uint16_t *)x->data)[i]);
  else if (x->dtype == OAR_DTYPE_FLOAT32)
    for (int64_t i = 0; i < n; i++)
      ((uint16_t *)y->data)[i] = oar_ref_f32_to_f16(((const float *)x->data)[i]);
  else
    return oar_run_unsupported_dtype(node, 0, x->dtype, err);
  return OAR_OK;
}
