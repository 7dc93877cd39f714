/* Element-wise binary ops on the reference kernel: float32, int32, int64. */
#include "ir/ops/elementwise.h"

#include "kernels/ref/elementwise.h"
#include "runtime/ops/run_util.h"

/* Integer division by zero is an error in Paddle ("Integer division by
 * zero encountered"); check the divisor before dividing. */
static bool has_zero(const oar_tensor_view *v) {
  const int64_t count = oar_view_numel(v);
  for (int64_t i = 0; i < count; i++) {
    if (v->dtype == OAR_DTYPE_INT32 && ((const int32_t *)v->data)[i] == 0) return true;
    if (v->dtype == OAR_DTYPE_INT64 && ((const int64_t *)v->data)[i] == 0) return true;
  }
  return false;
}

static oar_status run_binary(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_binary_op op, oar_error *err) {
  const oar_tensor_view *x, *y;
  oar_tensor_view *z;
  OAR_TRY(oar_op_require_input(n, in, OAR_EW_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_EW_IN_Y, &y, err));
  OAR_TRY(oar_run_output(n, out, OAR_EW_OUT_OUT, &z, err));
  if (x->dtype != OAR_DTYPE_FLOAT32 && x->dtype != OAR_DTYPE_INT32 && x->dtype != OAR_DTYPE_INT64)
    return oar_run_unsupported_dtype(n, OAR_EW_IN_X, x->dtype, err);
  OAR_TRY(oar_run_expect_dtype(n, OAR_EW_IN_Y, y, x->dtype, err));

  oar_shape shape, xa, ya;
  OAR_TRY(oar_broadcast_axis(&x->shape, &y->shape, oar_node_attr_i(n, OAR_EW_ATTR_AXIS), &shape, &xa, &ya,
                             "X", "Y", err));
  oar_binary_params p = {.op = op, .rank = shape.rank};
  for (int i = 0; i < shape.rank; i++) p.dims[i] = shape.dims[i];
  oar_broadcast_strides(&xa, &shape, p.x_strides);
  oar_broadcast_strides(&ya, &shape, p.y_strides);

  switch (x->dtype) {
    case OAR_DTYPE_FLOAT32: oar_ref_binary_f32(&p, x->data, y->data, z->data); return OAR_OK;
    case OAR_DTYPE_INT32:
    case OAR_DTYPE_INT64:
      if (op == OAR_BINARY_DIV && oar_view_numel(z) > 0 && has_zero(y))
        return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "integer division by zero (input 'Y' holds a 0)");
      if (x->dtype == OAR_DTYPE_INT32)
        oar_ref_binary_i32(&p, x->data, y->data, z->data);
      else
        oar_ref_binary_i64(&p, x->data, y->data, z->data);
      return OAR_OK;
    default: return oar_run_unsupported_dtype(n, OAR_EW_IN_X, x->dtype, err);
  }
}

#define RUN_BINARY(op, kind)                                                                            \
  oar_status oar_run_##op(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out, \
                          oar_error *err) {                                                             \
    return run_binary(node, in, out, kind, err);                                                        \
  }

RUN_BINARY(elementwise_add, OAR_BINARY_ADD)
RUN_BINARY(elementwise_sub, OAR_BINARY_SUB)
RUN_BINARY(elementwise_mul, OAR_BINARY_MUL)
RUN_BINARY(elementwise_div, OAR_BINARY_DIV)
RUN_BINARY(elementwise_max, OAR_BINARY_MAX)
RUN_BINARY(elementwise_min, OAR_BINARY_MIN)
RUN_BINARY(elementwise_pow, OAR_BINARY_POW)
