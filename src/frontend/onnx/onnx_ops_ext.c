/* Converters onto the ops added for ONNX (ir/ops/op_ext.h): element-wise
 * math, comparisons and logic, reductions, indexing, padding, tiling. */
#include <math.h>
#include <string.h>

#include "frontend/onnx/onnx_ops.h"
#include "ir/ops/op_ext.h"

/* ---- unary ------------------------------------------------------------------------ */

static oar_status unary(onnx_cx *cx, int func, double alpha, double beta) {
  oar_node_builder b;
  cx_begin(cx, OAR_OP_unary_math, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_i(cx, &b, "func", func);
  cx_set_f(cx, &b, "alpha", alpha);
  cx_set_f(cx, &b, "beta", beta);
  return cx_end(cx, &b);
}

#define UNARY(name, func) \
  oar_status onnx_convert_##name(onnx_cx *cx) { return unary(cx, func, 0.0, 0.0); }
UNARY(abs, OAR_UNARY_ABS)
UNARY(neg, OAR_UNARY_NEG)
UNARY(floor, OAR_UNARY_FLOOR)
UNARY(ceil, OAR_UNARY_CEIL)
UNARY(round, OAR_UNARY_ROUND)
UNARY(log, OAR_UNARY_LOG)
UNARY(exp, OAR_UNARY_EXP)
UNARY(sqrt, OAR_UNARY_SQRT)
UNARY(reciprocal, OAR_UNARY_RECIPROCAL)
UNARY(sin, OAR_UNARY_SIN)
UNARY(cos, OAR_UNARY_COS)
UNARY(tan, OAR_UNARY_TAN)
UNARY(asin, OAR_UNARY_ASIN)
UNARY(acos, OAR_UNARY_ACOS)
UNARY(atan, OAR_UNARY_ATAN)
UNARY(sinh, OAR_UNARY_SINH)
UNARY(cosh, OAR_UNARY_COSH)
UNARY(asinh, OAR_UNARY_ASINH)
UNARY(acosh, OAR_UNARY_ACOSH)
UNARY(atanh, OAR_UNARY_ATANH)
UNARY(sign, OAR_UNARY_SIGN)
UNARY(erf, OAR_UNARY_ERF)
UNARY(softplus, OAR_UNARY_SOFTPLUS)
UNARY(softsign, OAR_UNARY_SOFTSIGN)
UNARY(mish, OAR_UNARY_MISH)
UNARY(not, OAR_UNARY_NOT)
UNARY(isnan, OAR_UNARY_ISNAN)
UNARY(bitwise_not, OAR_UNARY_BITWISE_NOT)

oar_status onnx_convert_elu(onnx_cx *cx) {
  return unary(cx, OAR_UNARY_ELU, cx_attr_f(cx, "alpha", 1.0f), 0.0);
}
oar_status onnx_convert_celu(onnx_cx *cx) {
  return unary(cx, OAR_UNARY_CELU, cx_attr_f(cx, "alpha", 1.0f), 0.0);
}
oar_status onnx_convert_selu(onnx_cx *cx) {
  return unary(cx, OAR_UNARY_SELU, cx_attr_f(cx, "alpha", 1.67326319217681884765625f),
               cx_attr_f(cx, "gamma", 1.05070102214813232421875f));
}
oar_status onnx_convert_thresholded_relu(onnx_cx *cx) {
  return unary(cx, OAR_UNARY_THRESHOLDED_RELU, cx_attr_f(cx, "alpha", 1.0f), 0.0);
}
oar_status onnx_convert_shrink(onnx_cx *cx) {
  return unary(cx, OAR_UNARY_SHRINK, cx_attr_f(cx, "lambd", 0.5f), cx_attr_f(cx, "bias", 0.0f));
}
oar_status onnx_convert_isinf(onnx_cx *cx) {
  return unary(cx, OAR_UNARY_ISINF, (double)cx_attr_i(cx, "detect_positive", 1),
               (double)cx_attr_i(cx, "detect_negative", 1));
}

/* ---- binary ----------------------------------------------------------------------- */

oar_status cx_bmath(onnx_cx *cx, int func, int x, int y, int z) {
  oar_node_builder b;
  cx_begin(cx, OAR_OP_binary_math, &b);
  cx_add_in(cx, &b, 0, x);
  cx_add_in(cx, &b, 1, y);
  cx_add_out(cx, &b, 0, z);
  cx_set_i(cx, &b, "func", func);
  return cx_end(cx, &b);
}

static oar_status bmath(onnx_cx *cx, int func) {
  return cx_bmath(cx, func, cx_need_in(cx, 0), cx_need_in(cx, 1), cx_need_out(cx, 0));
}

#define BINARY(name, func) \
  oar_status onnx_convert_##name(onnx_cx *cx) { return bmath(cx, func); }
BINARY(pow, OAR_BMATH_POW)
BINARY(equal, OAR_BMATH_EQUAL)
BINARY(less, OAR_BMATH_LESS)
BINARY(less_equal, OAR_BMATH_LESS_EQUAL)
BINARY(greater, OAR_BMATH_GREATER)
BINARY(greater_equal, OAR_BMATH_GREATER_EQUAL)
BINARY(and, OAR_BMATH_AND)
BINARY(or, OAR_BMATH_OR)
BINARY(xor, OAR_BMATH_XOR)
BINARY(prelu, OAR_BMATH_PRELU)
BINARY(bitwise_and, OAR_BMATH_BITWISE_AND)
BINARY(bitwise_or, OAR_BMATH_BITWISE_OR)
BINARY(bitwise_xor, OAR_BMATH_BITWISE_XOR)

oar_status onnx_convert_mod(onnx_cx *cx) {
  return bmath(cx, cx_attr_i(cx, "fmod", 0) ? OAR_BMATH_FMOD : OAR_BMATH_MOD);
}

oar_status onnx_convert_bitshift(onnx_cx *cx) {
  char buf[16];
  const char *d = cx_attr_s(cx, "direction", "", buf, sizeof buf);
  if (strcmp(d, "LEFT") && strcmp(d, "RIGHT"))
    return cx_invalid(cx, "direction '%s' is not LEFT or RIGHT", d);
  return bmath(cx, strcmp(d, "LEFT") ? OAR_BMATH_BITSHIFT_RIGHT : OAR_BMATH_BITSHIFT_LEFT);
}

oar_status onnx_convert_where(onnx_cx *cx) {
  oar_node_builder b;
  cx_begin(cx, OAR_OP_select, &b);
  for (int i = 0; i < 3; i++) cx_add_in(cx, &b, i, cx_need_in(cx, i));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  return cx_end(cx, &b);
}

/* Clip: bounds are attributes before opset 11 (defaults -inf, +inf), then
 * optional scalar inputs. */
oar_status onnx_convert_clip(onnx_cx *cx) {
  int lo = -1, hi = -1;
  if (cx->opset < 11) {
    const onnx_attr *a = cx_attr(cx, "min"), *z = cx_attr(cx, "max");
    if (a) lo = cx_const_f32(cx, &a->f, 1, 0);
    if (z) hi = cx_const_f32(cx, &z->f, 1, 0);
  } else {
    lo = cx_in(cx, 1);
    hi = cx_in(cx, 2);
  }
  /* Clip(0, 6) and Clip(0, none) with constant bounds are relu6 and relu
   * (which the fusion passes know); they differ from clamp only on NaN. */
  const oar_value *lc = lo >= 0 ? cx_const(cx, lo) : NULL, *hc = hi >= 0 ? cx_const(cx, hi) : NULL;
  const bool lo_zero = lc && lc->dtype == OAR_DTYPE_FLOAT32 && oar_shape_numel(&lc->shape) == 1 &&
                       *(const float *)lc->data == 0.0f;
  const bool hi_six = hc && hc->dtype == OAR_DTYPE_FLOAT32 && oar_shape_numel(&hc->shape) == 1 &&
                      *(const float *)hc->data == 6.0f;
  oar_dtype xt = OAR_DTYPE_UNKNOWN;
  cx_info(cx, cx_need_in(cx, 0), &xt, NULL);
  if (lo_zero && xt == OAR_DTYPE_FLOAT32 && (hi < 0 || hi_six)) {
    if (hi < 0) return cx_unary(cx, OAR_OP_relu, cx_need_in(cx, 0), cx_need_out(cx, 0));
    oar_node_builder r6;
    cx_begin(cx, OAR_OP_relu6, &r6);
    cx_add_in(cx, &r6, 0, cx_need_in(cx, 0));
    cx_add_out(cx, &r6, 0, cx_need_out(cx, 0));
    cx_set_f(cx, &r6, "threshold", 6.0);
    return cx_end(cx, &r6);
  }
  oar_node_builder b;
  cx_begin(cx, OAR_OP_clamp, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_in(cx, &b, 1, lo);
  cx_add_in(cx, &b, 2, hi);
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  return cx_end(cx, &b);
}

/* ---- reductions --------------------------------------------------------------------- */

/* Axes are an attribute before `since` (13 for ReduceSum, 18 for the
 * others), then an optional input. */
static oar_status reduce(onnx_cx *cx, int func, int64_t since) {
  oar_node_builder b;
  int64_t axes[OAR_MAX_RANK * 2];
  int n = 0;
  int axes_in = -1;
  if (cx->opset < since)
    cx_attr_ints(cx, "axes", axes, OAR_MAX_RANK * 2, &n);
  else
    axes_in = cx_in(cx, 1);
  cx_begin(cx, OAR_OP_reduce, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_in(cx, &b, 1, axes_in);
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_i(cx, &b, "func", func);
  cx_set_ints(cx, &b, "axes", axes, n);
  cx_set_i(cx, &b, "keepdims", cx_attr_i(cx, "keepdims", 1) != 0);
  cx_set_i(cx, &b, "noop_with_empty_axes", cx_attr_i(cx, "noop_with_empty_axes", 0) != 0);
  return cx_end(cx, &b);
}

#define REDUCE(name, func, since) \
  oar_status onnx_convert_##name(onnx_cx *cx) { return reduce(cx, func, since); }
REDUCE(reduce_sum, OAR_REDUCE_SUM, 13)
REDUCE(reduce_mean, OAR_REDUCE_MEAN, 18)
REDUCE(reduce_max, OAR_REDUCE_MAX, 18)
REDUCE(reduce_min, OAR_REDUCE_MIN, 18)
REDUCE(reduce_prod, OAR_REDUCE_PROD, 18)
REDUCE(reduce_l1, OAR_REDUCE_L1, 18)
REDUCE(reduce_l2, OAR_REDUCE_L2, 18)
REDUCE(reduce_log_sum, OAR_REDUCE_LOG_SUM, 18)
REDUCE(reduce_log_sum_exp, OAR_REDUCE_LOG_SUM_EXP, 18)
REDUCE(reduce_sum_square, OAR_REDUCE_SUM_SQUARE, 18)

static oar_status arg(onnx_cx *cx, int func) {
  oar_node_builder b;
  cx_begin(cx, OAR_OP_arg_reduce, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_i(cx, &b, "func", func);
  cx_set_i(cx, &b, "axis", cx_attr_i(cx, "axis", 0));
  cx_set_i(cx, &b, "keepdims", cx_attr_i(cx, "keepdims", 1) != 0);
  cx_set_i(cx, &b, "select_last_index", cx_attr_i(cx, "select_last_index", 0) != 0);
  return cx_end(cx, &b);
}

oar_status onnx_convert_argmax(onnx_cx *cx) { return arg(cx, OAR_ARG_MAX); }
oar_status onnx_convert_argmin(onnx_cx *cx) { return arg(cx, OAR_ARG_MIN); }

oar_status onnx_convert_cumsum(onnx_cx *cx) {
  oar_node_builder b;
  cx_begin(cx, OAR_OP_cumulative_sum, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_in(cx, &b, 1, cx_need_in(cx, 1));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_i(cx, &b, "exclusive", cx_attr_i(cx, "exclusive", 0) != 0);
  cx_set_i(cx, &b, "reverse", cx_attr_i(cx, "reverse", 0) != 0);
  return cx_end(cx, &b);
}

oar_status onnx_convert_topk(onnx_cx *cx) {
  int k = cx_in(cx, 1);
  if (cx->opset < 10) {
    const int64_t kv = cx_attr_i(cx, "k", -1);
    k = cx_const_i64(cx, &kv, 1, 1);
  }
  if (!cx_attr_i(cx, "sorted", 1)) return cx_unsupported(cx, "sorted 0 is not supported");
  oar_node_builder b;
  cx_begin(cx, OAR_OP_topk, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_in(cx, &b, 1, k);
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_add_out(cx, &b, 1, cx_need_out(cx, 1));
  cx_set_i(cx, &b, "axis", cx_attr_i(cx, "axis", -1));
  cx_set_i(cx, &b, "largest", cx_attr_i(cx, "largest", 1) != 0);
  return cx_end(cx, &b);
}

/* ---- indexing ------------------------------------------------------------------------- */

oar_status onnx_convert_slice(onnx_cx *cx) {
  int starts = cx_in(cx, 1), ends = cx_in(cx, 2), axes = cx_in(cx, 3), steps = cx_in(cx, 4);
  if (cx->opset < 10) {
    int64_t v[OAR_MAX_RANK];
    int n;
    if (!cx_attr_ints(cx, "starts", v, OAR_MAX_RANK, &n)) return cx_invalid(cx, "starts are required");
    starts = cx_const_i64(cx, v, n, 1);
    if (!cx_attr_ints(cx, "ends", v, OAR_MAX_RANK, &n)) return cx_invalid(cx, "ends are required");
    ends = cx_const_i64(cx, v, n, 1);
    axes = cx_attr_ints(cx, "axes", v, OAR_MAX_RANK, &n) ? cx_const_i64(cx, v, n, 1) : -1;
    steps = -1;
  }
  oar_node_builder b;
  cx_begin(cx, OAR_OP_slice_steps, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_in(cx, &b, 1, starts);
  cx_add_in(cx, &b, 2, ends);
  cx_add_in(cx, &b, 3, axes);
  cx_add_in(cx, &b, 4, steps);
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  return cx_end(cx, &b);
}

static oar_status indexed(onnx_cx *cx, oar_op_id op, const char *axis_name, int64_t reduction) {
  oar_node_builder b;
  cx_begin(cx, op, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_in(cx, &b, 1, cx_need_in(cx, 1));
  if (op == OAR_OP_scatter_along_axis || op == OAR_OP_scatter_nd_update)
    cx_add_in(cx, &b, 2, cx_need_in(cx, 2));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  if (axis_name) cx_set_i(cx, &b, axis_name, cx_attr_i(cx, axis_name, 0));
  if (reduction >= 0) cx_set_i(cx, &b, "reduction", reduction);
  return cx_end(cx, &b);
}

/* none / add / mul / max / min -> 0..4 */
static int64_t read_reduction(onnx_cx *cx) {
  char buf[16];
  const char *r = cx_attr_s(cx, "reduction", "none", buf, sizeof buf);
  if (!strcmp(r, "none")) return 0;
  if (!strcmp(r, "add")) return 1;
  if (!strcmp(r, "mul")) return 2;
  if (!strcmp(r, "max")) return 3;
  if (!strcmp(r, "min")) return 4;
  cx_invalid(cx, "reduction '%s' is not none, add, mul, max or min", r);
  return -1;
}

oar_status onnx_convert_gather(onnx_cx *cx) { return indexed(cx, OAR_OP_take, "axis", -1); }
oar_status onnx_convert_gather_elements(onnx_cx *cx) {
  return indexed(cx, OAR_OP_take_along_axis, "axis", -1);
}
oar_status onnx_convert_gather_nd(onnx_cx *cx) {
  return indexed(cx, OAR_OP_gather_nd_batch, "batch_dims", -1);
}
oar_status onnx_convert_scatter_elements(onnx_cx *cx) {
  int64_t r = read_reduction(cx);
  OAR_TRY(cx->st);
  return indexed(cx, OAR_OP_scatter_along_axis, "axis", r);
}
oar_status onnx_convert_scatter_nd(onnx_cx *cx) {
  int64_t r = read_reduction(cx);
  OAR_TRY(cx->st);
  return indexed(cx, OAR_OP_scatter_nd_update, NULL, r);
}

/* ---- padding, broadcasting, filling ----------------------------------------------------- */

oar_status onnx_convert_pad(onnx_cx *cx) {
  char buf[16];
  const char *m = cx_attr_s(cx, "mode", "constant", buf, sizeof buf);
  int mode = !strcmp(m, "constant")  ? OAR_PAD_CONSTANT
             : !strcmp(m, "reflect") ? OAR_PAD_REFLECT
             : !strcmp(m, "edge")    ? OAR_PAD_EDGE
             : !strcmp(m, "wrap")    ? OAR_PAD_WRAP
                                     : -1;
  if (mode < 0) return cx_invalid(cx, "mode '%s' is not constant, reflect, edge or wrap", m);
  int pads = cx_in(cx, 1), value = cx_in(cx, 2), axes = cx_in(cx, 3);
  if (cx->opset < 11) {
    int64_t v[2 * OAR_MAX_RANK];
    int n;
    if (!cx_attr_ints(cx, "pads", v, 2 * OAR_MAX_RANK, &n)) return cx_invalid(cx, "pads are required");
    pads = cx_const_i64(cx, v, n, 1);
    const float f = cx_attr_f(cx, "value", 0.0f);
    value = cx_const_f32(cx, &f, 1, 0);
    axes = -1;
  }
  oar_node_builder b;
  cx_begin(cx, OAR_OP_pad_nd, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_in(cx, &b, 1, pads);
  cx_add_in(cx, &b, 2, value);
  cx_add_in(cx, &b, 3, axes);
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_i(cx, &b, "mode", mode);
  return cx_end(cx, &b);
}

oar_status onnx_convert_expand(onnx_cx *cx) {
  return cx_binary(cx, OAR_OP_broadcast_to, cx_need_in(cx, 0), cx_need_in(cx, 1), cx_need_out(cx, 0));
}

oar_status onnx_convert_tile(onnx_cx *cx) {
  return cx_binary(cx, OAR_OP_tile_repeats, cx_need_in(cx, 0), cx_need_in(cx, 1), cx_need_out(cx, 0));
}

oar_status onnx_convert_constant_of_shape(onnx_cx *cx) {
  oar_dtype dtype = OAR_DTYPE_FLOAT32;
  double value = 0.0;
  const onnx_attr *a = cx_attr(cx, "value");
  if (a && a->t) {
    dtype = onnx_dtype_to_oar(a->t->data_type);
    if (dtype == OAR_DTYPE_UNKNOWN)
      return cx_unsupported(cx, "value of type %s", onnx_dtype_name(a->t->data_type));
    unsigned char bytes[16] = {0};
    oar_shape s;
    if ((cx->st = onnx_tensor_shape(a->t, &s, cx->err)) != OAR_OK) return cx->st;
    if (oar_shape_numel(&s) != 1) return cx_invalid(cx, "value must hold one element");
    if ((cx->st = onnx_tensor_copy_inline(a->t, dtype, bytes, oar_dtype_bytes(dtype), cx->err)) != OAR_OK)
      return cx->st;
    switch (dtype) {
      case OAR_DTYPE_FLOAT32: {
        float f;
        memcpy(&f, bytes, 4);
        value = f;
        break;
      }
      case OAR_DTYPE_FLOAT64: memcpy(&value, bytes, 8); break;
      case OAR_DTYPE_INT64: {
        int64_t i;
        memcpy(&i, bytes, 8);
        value = (double)i;
        break;
      }
      case OAR_DTYPE_INT32: {
        int32_t i;
        memcpy(&i, bytes, 4);
        value = i;
        break;
      }
      case OAR_DTYPE_INT8: value = (int8_t)bytes[0]; break;
      case OAR_DTYPE_INT16: {
        int16_t i;
        memcpy(&i, bytes, 2);
        value = i;
        break;
      }
      case OAR_DTYPE_UINT8:
      case OAR_DTYPE_BOOL: value = bytes[0]; break;
      default: return cx_unsupported(cx, "value of type %s", oar_dtype_str(dtype));
    }
  }
  oar_node_builder b;
  cx_begin(cx, OAR_OP_fill_shape, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_i(cx, &b, "dtype", dtype);
  cx_set_f(cx, &b, "value", value);
  return cx_end(cx, &b);
}

oar_status onnx_convert_range(onnx_cx *cx) {
  oar_node_builder b;
  cx_begin(cx, OAR_OP_arange, &b);
  for (int i = 0; i < 3; i++) cx_add_in(cx, &b, i, cx_need_in(cx, i));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  return cx_end(cx, &b);
}

oar_status onnx_convert_trilu(onnx_cx *cx) {
  oar_node_builder b;
  cx_begin(cx, OAR_OP_trilu, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_in(cx, &b, 1, cx_in(cx, 1));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_i(cx, &b, "upper", cx_attr_i(cx, "upper", 1) != 0);
  return cx_end(cx, &b);
}

static oar_status depth_space(onnx_cx *cx, int mode) {
  oar_node_builder b;
  cx_begin(cx, OAR_OP_depth_space, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_i(cx, &b, "blocksize", cx_attr_i(cx, "blocksize", 0));
  cx_set_i(cx, &b, "mode", mode);
  return cx_end(cx, &b);
}

oar_status onnx_convert_depth_to_space(onnx_cx *cx) {
  char buf[8];
  const char *m = cx_attr_s(cx, "mode", "DCR", buf, sizeof buf);
  if (strcmp(m, "DCR") && strcmp(m, "CRD")) return cx_invalid(cx, "mode '%s' is not DCR or CRD", m);
  return depth_space(cx, strcmp(m, "DCR") ? OAR_DEPTH_TO_SPACE_CRD : OAR_DEPTH_TO_SPACE_DCR);
}

oar_status onnx_convert_space_to_depth(onnx_cx *cx) { return depth_space(cx, OAR_SPACE_TO_DEPTH); }

/* ---- losses ------------------------------------------------------------------------------ */

static oar_status nll(onnx_cx *cx, int x, int target, int weight, int out) {
  char buf[16];
  const char *r = cx_attr_s(cx, "reduction", "mean", buf, sizeof buf);
  int red = !strcmp(r, "none") ? 0 : !strcmp(r, "sum") ? 1 : !strcmp(r, "mean") ? 2 : -1;
  if (red < 0) return cx_invalid(cx, "reduction '%s' is not none, sum or mean", r);
  const onnx_attr *ig = cx_attr(cx, "ignore_index");
  oar_node_builder b;
  cx_begin(cx, OAR_OP_nll_loss, &b);
  cx_add_in(cx, &b, 0, x);
  cx_add_in(cx, &b, 1, target);
  cx_add_in(cx, &b, 2, weight);
  cx_add_out(cx, &b, 0, out);
  cx_set_i(cx, &b, "reduction", red);
  cx_set_i(cx, &b, "ignore_index", ig ? ig->i : 0);
  cx_set_i(cx, &b, "has_ignore_index", ig != NULL);
  return cx_end(cx, &b);
}

oar_status onnx_convert_nll_loss(onnx_cx *cx) {
  return nll(cx, cx_need_in(cx, 0), cx_need_in(cx, 1), cx_in(cx, 2), cx_need_out(cx, 0));
}

/* SoftmaxCrossEntropyLoss = NLL of log_softmax(scores) along axis 1; the
 * second output, when asked for, is that log-probability. */
oar_status onnx_convert_softmax_cross_entropy(onnx_cx *cx) {
  int log_prob = cx_need_out(cx, 1);
  oar_node_builder b;
  cx_begin(cx, OAR_OP_softmax_ext, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_out(cx, &b, 0, log_prob);
  cx_set_i(cx, &b, "func", OAR_SOFTMAX_EXT_LOG_SOFTMAX);
  cx_set_i(cx, &b, "axis", 1);
  OAR_TRY(cx_end(cx, &b));
  return nll(cx, log_prob, cx_need_in(cx, 1), cx_in(cx, 2), cx_need_out(cx, 0));
}

/* ---- Resize ------------------------------------------------------------------------------ */

static int lookup(const char *s, const char *const *names, int n) {
  for (int i = 0; i < n; i++)
    if (!strcmp(s, names[i])) return i;
  return -1;
}

/* Opset 10: (X, scales), asymmetric coordinates and floor for nearest,
 * like Upsample. 11+: (X, roi, scales, sizes) with the attributes. */
oar_status onnx_convert_resize(onnx_cx *cx) {
  static const char *const modes[] = {"nearest", "linear", "cubic"};
  static const char *const coords[] = {"half_pixel",        "half_pixel_symmetric", "pytorch_half_pixel",
                                       "align_corners",     "asymmetric",           "tf_half_pixel_for_nn",
                                       "tf_crop_and_resize"};
  static const char *const nearest[] = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};
  static const char *const policies[] = {"stretch", "not_larger", "not_smaller"};
  char b1[32], b2[32], b3[32], b4[32];
  const int mode = lookup(cx_attr_s(cx, "mode", "nearest", b1, sizeof b1), modes, 3);
  if (mode < 0 || (cx->opset < 11 && mode == 2)) return cx_invalid(cx, "mode '%s' is not supported", b1);
  int coord = OAR_RESIZE_ASYMMETRIC, nmode = 2, policy = 0;
  if (cx->opset >= 11) {
    coord = lookup(cx_attr_s(cx, "coordinate_transformation_mode", "half_pixel", b2, sizeof b2), coords, 7);
    nmode = lookup(cx_attr_s(cx, "nearest_mode", "round_prefer_floor", b3, sizeof b3), nearest, 4);
    policy = lookup(cx_attr_s(cx, "keep_aspect_ratio_policy", "stretch", b4, sizeof b4), policies, 3);
    if (coord < 0) return cx_invalid(cx, "coordinate_transformation_mode '%s' is not known", b2);
    if (nmode < 0) return cx_invalid(cx, "nearest_mode '%s' is not known", b3);
    if (policy < 0) return cx_invalid(cx, "keep_aspect_ratio_policy '%s' is not known", b4);
  }
  if (cx_attr_i(cx, "antialias", 0)) return cx_unsupported(cx, "antialias 1 is not supported");
  int64_t axes[OAR_MAX_RANK];
  int naxes = 0;
  cx_attr_ints(cx, "axes", axes, OAR_MAX_RANK, &naxes);
  oar_node_builder b;
  cx_begin(cx, OAR_OP_resize_nd, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  if (cx->opset < 11) {
    cx_add_in(cx, &b, 2, cx_need_in(cx, 1));
  } else {
    cx_add_in(cx, &b, 1, cx_in(cx, 1));
    cx_add_in(cx, &b, 2, cx_in(cx, 2));
    cx_add_in(cx, &b, 3, cx_in(cx, 3));
  }
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_i(cx, &b, "mode", mode);
  cx_set_i(cx, &b, "coordinate_transformation_mode", coord);
  cx_set_i(cx, &b, "nearest_mode", nmode);
  cx_set_f(cx, &b, "cubic_coeff_a", cx_attr_f(cx, "cubic_coeff_a", -0.75f));
  cx_set_i(cx, &b, "exclude_outside", cx_attr_i(cx, "exclude_outside", 0) != 0);
  cx_set_f(cx, &b, "extrapolation_value", cx_attr_f(cx, "extrapolation_value", 0.0f));
  cx_set_i(cx, &b, "keep_aspect_ratio_policy", policy);
  cx_set_ints(cx, &b, "axes", axes, naxes);
  return cx_end(cx, &b);
}

oar_status onnx_convert_einsum(onnx_cx *cx) {
  char eq[512];
  if (!cx_attr(cx, "equation")) return cx_invalid(cx, "attribute 'equation' is required");
  cx_attr_s(cx, "equation", "", eq, sizeof eq);
  oar_node_builder b;
  cx_begin(cx, OAR_OP_einsum, &b);
  for (int i = 0; i < cx->num_in; i++) cx_add_in(cx, &b, 0, cx_need_in(cx, i));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_s(cx, &b, "equation", eq);
  return cx_end(cx, &b);
}

/* ---- OneHot, EyeLike, QuantizeLinear, DequantizeLinear -------------------------------------- */

oar_status onnx_convert_one_hot(onnx_cx *cx) {
  oar_node_builder b;
  cx_begin(cx, OAR_OP_one_hot_axis, &b);
  for (int i = 0; i < 3; i++) cx_add_in(cx, &b, i, cx_need_in(cx, i));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_i(cx, &b, "axis", cx_attr_i(cx, "axis", -1));
  return cx_end(cx, &b);
}

oar_status onnx_convert_eye_like(onnx_cx *cx) {
  const onnx_attr *dt = cx_attr(cx, "dtype");
  oar_dtype t = OAR_DTYPE_UNKNOWN;
  if (dt && (t = onnx_dtype_to_oar((int32_t)dt->i)) == OAR_DTYPE_UNKNOWN)
    return cx_unsupported(cx, "dtype %s is not supported", onnx_dtype_name((int32_t)dt->i));
  oar_node_builder b;
  cx_begin(cx, OAR_OP_eye_like, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_i(cx, &b, "dtype", t);
  cx_set_i(cx, &b, "k", cx_attr_i(cx, "k", 0));
  return cx_end(cx, &b);
}

static oar_status quant_convert(onnx_cx *cx, oar_op_id op) {
  const onnx_attr *od = cx_attr(cx, "output_dtype");
  oar_dtype t = OAR_DTYPE_UNKNOWN;
  if (od && od->i && (t = onnx_dtype_to_oar((int32_t)od->i)) == OAR_DTYPE_UNKNOWN)
    return cx_unsupported(cx, "output_dtype %s is not supported", onnx_dtype_name((int32_t)od->i));
  oar_node_builder b;
  cx_begin(cx, op, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_in(cx, &b, 1, cx_need_in(cx, 1));
  cx_add_in(cx, &b, 2, cx_in(cx, 2));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_i(cx, &b, "axis", cx_attr_i(cx, "axis", 1));
  cx_set_i(cx, &b, "block_size", cx_attr_i(cx, "block_size", 0));
  if (op == OAR_OP_quantize_linear) cx_set_i(cx, &b, "out_dtype", t);
  return cx_end(cx, &b);
}

oar_status onnx_convert_quantize_linear(onnx_cx *cx) { return quant_convert(cx, OAR_OP_quantize_linear); }
oar_status onnx_convert_dequantize_linear(onnx_cx *cx) { return quant_convert(cx, OAR_OP_dequantize_linear); }

oar_status onnx_convert_dynamic_quantize_linear(onnx_cx *cx) {
  oar_node_builder b;
  cx_begin(cx, OAR_OP_dynamic_quantize_linear, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  for (int k = 0; k < 3; k++) cx_add_out(cx, &b, k, cx_need_out(cx, k));
  return cx_end(cx, &b);
}
