/* Converters of element-wise, activation, matrix and constant ops onto the
 * IR's Paddle-named ops (exact ONNX semantics through their attributes). */
#include <math.h>
#include <string.h>

#include "base/alloc.h"
#include "frontend/onnx/onnx_ops.h"
#include "frontend/onnx/onnx_state.h"
#include "ir/ops/op_ext.h"

/* Fails unless input i is present. */
int cx_need_in(onnx_cx *cx, int i) {
  int v = cx_in(cx, i);
  if (v < 0) cx_invalid(cx, "required input #%d is missing", i);
  return v;
}

/* The first output, created as a temporary if the node leaves it unnamed. */
int cx_need_out(onnx_cx *cx, int i) {
  int v = cx_out(cx, i);
  if (v < 0) v = cx_temp(cx);
  return v;
}

/* ---- simple one-to-one ops ---------------------------------------------- */

static oar_status unary_to(onnx_cx *cx, oar_op_id op) {
  return cx_unary(cx, op, cx_need_in(cx, 0), cx_need_out(cx, 0));
}

/* Identity of a small constant (paddle2onnx routes Reshape's shape through
 * one) is that constant: its value stays known at load time, so the shapes
 * after it are known too. Anything else is an assign. */
oar_status onnx_convert_identity(onnx_cx *cx) {
  enum { FOLD_MAX_BYTES = 4096 };
  const int x = cx_need_in(cx, 0), y = cx_out(cx, 0);
  const oar_value *c = cx_const(cx, x);
  if (c && y >= 0 && c->data) {
    const size_t bytes = (size_t)oar_shape_numel(&c->shape) * oar_dtype_bytes(c->dtype);
    if (bytes <= FOLD_MAX_BYTES) {
      const oar_dtype dtype = c->dtype;
      const oar_shape shape = c->shape;
      if ((cx->st = oar_graph_set_constant(cx->g, y, dtype, &shape, c->data, bytes, cx->err)) != OAR_OK)
        return cx->st;
      return cx->st = onnx_ld_set_known(cx->ld, y, true, cx->err);
    }
  }
  return unary_to(cx, OAR_OP_assign);
}
oar_status onnx_convert_relu(onnx_cx *cx) { return unary_to(cx, OAR_OP_relu); }
oar_status onnx_convert_sigmoid(onnx_cx *cx) { return unary_to(cx, OAR_OP_sigmoid); }
oar_status onnx_convert_tanh(onnx_cx *cx) { return unary_to(cx, OAR_OP_tanh); }

oar_status onnx_convert_leaky_relu(onnx_cx *cx) {
  oar_node_builder b;
  cx_begin(cx, OAR_OP_leaky_relu, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_f(cx, &b, "alpha", cx_attr_f(cx, "alpha", 0.01f));
  return cx_end(cx, &b);
}

oar_status onnx_convert_hard_sigmoid(onnx_cx *cx) {
  oar_node_builder b;
  cx_begin(cx, OAR_OP_hard_sigmoid, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_f(cx, &b, "slope", cx_attr_f(cx, "alpha", 0.2f));
  cx_set_f(cx, &b, "offset", cx_attr_f(cx, "beta", 0.5f));
  return cx_end(cx, &b);
}

/* HardSwish(x) = x * max(0, min(1, x/6 + 1/2)) = x * relu6(x + 3) / 6. */
oar_status onnx_convert_hard_swish(onnx_cx *cx) { return unary_to(cx, OAR_OP_hard_swish); }

oar_status onnx_convert_gelu(onnx_cx *cx) {
  char buf[16];
  const char *approx = cx_attr_s(cx, "approximate", "none", buf, sizeof buf);
  bool tanh_form = strcmp(approx, "tanh") == 0;
  if (!tanh_form && strcmp(approx, "none") != 0)
    return cx_invalid(cx, "approximate '%s' is not none or tanh", approx);
  oar_node_builder b;
  cx_begin(cx, OAR_OP_gelu, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_i(cx, &b, "approximate", tanh_form);
  return cx_end(cx, &b);
}

/* ---- element-wise binary and variadic ------------------------------------ */

/* Paddle's axis -1 aligns the lower-rank operand to the right: numpy's
 * multidirectional broadcasting. */
oar_status cx_elementwise(onnx_cx *cx, oar_op_id op, int x, int y, int z) {
  oar_node_builder b;
  cx_begin(cx, op, &b);
  cx_add_in(cx, &b, 0, x);
  cx_add_in(cx, &b, 1, y);
  cx_add_out(cx, &b, 0, z);
  cx_set_i(cx, &b, "axis", -1);
  return cx_end(cx, &b);
}

static oar_status legacy_broadcast_check(onnx_cx *cx) {
  /* Before opset 7 Add/Sub/... had broadcast/axis attributes; oar reads 7+. */
  if (cx_attr(cx, "axis") && cx_attr_i(cx, "broadcast", 0))
    return cx_unsupported(cx, "legacy broadcast with an axis attribute is not supported");
  return OAR_OK;
}

/* The elementwise_* ops take float32, int32 and int64; other dtypes go to
 * binary_math, which has the same numpy semantics. */
static oar_status binary_to(onnx_cx *cx, oar_op_id op, int func) {
  OAR_TRY(legacy_broadcast_check(cx));
  int x = cx_need_in(cx, 0), y = cx_need_in(cx, 1), z = cx_need_out(cx, 0);
  oar_dtype t;
  if (cx_info(cx, x, &t, NULL) && t != OAR_DTYPE_UNKNOWN && t != OAR_DTYPE_FLOAT32 && t != OAR_DTYPE_INT32 &&
      t != OAR_DTYPE_INT64)
    return cx_bmath(cx, func, x, y, z);
  return cx_elementwise(cx, op, x, y, z);
}

oar_status onnx_convert_add(onnx_cx *cx) { return binary_to(cx, OAR_OP_elementwise_add, OAR_BMATH_ADD); }
oar_status onnx_convert_sub(onnx_cx *cx) { return binary_to(cx, OAR_OP_elementwise_sub, OAR_BMATH_SUB); }
oar_status onnx_convert_mul(onnx_cx *cx) { return binary_to(cx, OAR_OP_elementwise_mul, OAR_BMATH_MUL); }
oar_status onnx_convert_div(onnx_cx *cx) { return binary_to(cx, OAR_OP_elementwise_div, OAR_BMATH_DIV); }

/* Max/Min/Sum/Mean: a chain of binary ops over all inputs (numpy
 * broadcasting at every step, which gives the broadcast of all). */
static oar_status variadic(onnx_cx *cx, oar_op_id op, int func, bool mean) {
  if (cx->num_in < 1) return cx_invalid(cx, "needs at least one input");
  int acc = cx_need_in(cx, 0);
  int out = cx_need_out(cx, 0);
  if (cx->num_in == 1 && !mean) return cx_unary(cx, OAR_OP_assign, acc, out);
  oar_dtype t;
  const bool other = cx_info(cx, acc, &t, NULL) && t != OAR_DTYPE_UNKNOWN && t != OAR_DTYPE_FLOAT32 &&
                     t != OAR_DTYPE_INT32 && t != OAR_DTYPE_INT64;
  for (int i = 1; i < cx->num_in; i++) {
    int dst = (i == cx->num_in - 1 && !mean) ? out : cx_temp(cx);
    if (other)
      OAR_TRY(cx_bmath(cx, func, acc, cx_need_in(cx, i), dst));
    else
      OAR_TRY(cx_elementwise(cx, op, acc, cx_need_in(cx, i), dst));
    acc = dst;
  }
  if (!mean) return OAR_OK;
  oar_node_builder b;
  cx_begin(cx, OAR_OP_scale, &b);
  cx_add_in(cx, &b, 0, acc);
  cx_add_out(cx, &b, 0, out);
  cx_set_f(cx, &b, "scale", 1.0 / cx->num_in);
  return cx_end(cx, &b);
}

oar_status onnx_convert_max(onnx_cx *cx) {
  return variadic(cx, OAR_OP_elementwise_max, OAR_BMATH_MAX, false);
}
oar_status onnx_convert_min(onnx_cx *cx) {
  return variadic(cx, OAR_OP_elementwise_min, OAR_BMATH_MIN, false);
}
oar_status onnx_convert_sum(onnx_cx *cx) {
  return variadic(cx, OAR_OP_elementwise_add, OAR_BMATH_ADD, false);
}
oar_status onnx_convert_mean(onnx_cx *cx) {
  return variadic(cx, OAR_OP_elementwise_add, OAR_BMATH_ADD, true);
}

/* ---- matrix products ------------------------------------------------------ */

oar_status onnx_convert_matmul(onnx_cx *cx) {
  return cx_binary(cx, OAR_OP_matmul_v2, cx_need_in(cx, 0), cx_need_in(cx, 1), cx_need_out(cx, 0));
}

/* Y = alpha * op(A) . op(B) + beta * C, with C broadcast to [M, N]. */
oar_status onnx_convert_gemm(onnx_cx *cx) {
  const double alpha = cx_attr_f(cx, "alpha", 1.0f), beta = cx_attr_f(cx, "beta", 1.0f);
  const int c = cx_in(cx, 2), y = cx_need_out(cx, 0);
  const bool has_c = c >= 0 && beta != 0.0;
  oar_node_builder b;
  int prod = (alpha == 1.0 && !has_c) ? y : cx_temp(cx);
  cx_begin(cx, OAR_OP_matmul_v2, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_in(cx, &b, 1, cx_need_in(cx, 1));
  cx_add_out(cx, &b, 0, prod);
  cx_set_i(cx, &b, "trans_x", cx_attr_i(cx, "transA", 0) != 0);
  cx_set_i(cx, &b, "trans_y", cx_attr_i(cx, "transB", 0) != 0);
  OAR_TRY(cx_end(cx, &b));
  if (alpha != 1.0) {
    int scaled = has_c ? cx_temp(cx) : y;
    cx_begin(cx, OAR_OP_scale, &b);
    cx_add_in(cx, &b, 0, prod);
    cx_add_out(cx, &b, 0, scaled);
    cx_set_f(cx, &b, "scale", alpha);
    OAR_TRY(cx_end(cx, &b));
    prod = scaled;
  }
  if (!has_c) return OAR_OK;
  int cc = c;
  if (beta != 1.0) {
    cc = cx_temp(cx);
    cx_begin(cx, OAR_OP_scale, &b);
    cx_add_in(cx, &b, 0, c);
    cx_add_out(cx, &b, 0, cc);
    cx_set_f(cx, &b, "scale", beta);
    OAR_TRY(cx_end(cx, &b));
  }
  return cx_elementwise(cx, OAR_OP_elementwise_add, prod, cc, y);
}

/* ---- Constant, Cast, Dropout ---------------------------------------------- */

static oar_status set_const(onnx_cx *cx, int v, oar_dtype dtype, const oar_shape *shape, const void *data) {
  size_t bytes = (size_t)oar_shape_numel(shape) * oar_dtype_bytes(dtype);
  cx->st = oar_graph_set_constant(cx->g, v, dtype, shape, data, bytes, cx->err);
  if (cx->st == OAR_OK) cx->st = onnx_ld_set_known(cx->ld, v, true, cx->err);
  return cx->st;
}

oar_status onnx_convert_constant(onnx_cx *cx) {
  int y = cx_out(cx, 0);
  if (y < 0) return OAR_OK;
  if (cx->node->num_attrs != 1)
    return cx_invalid(cx, "needs exactly one attribute, found %zu", cx->node->num_attrs);
  const onnx_attr *a = &cx->node->attrs[0];
  oar_shape scalar = {0}, list = {.rank = 1};
  if (onnx_str_eq(a->name, "value")) {
    if (!a->t) return cx_invalid(cx, "attribute 'value' holds no tensor");
    const onnx_tensor *t = a->t;
    oar_dtype dtype = onnx_dtype_to_oar(t->data_type);
    if (dtype == OAR_DTYPE_UNKNOWN)
      return cx_unsupported(cx, "constant of data type %s is not supported", onnx_dtype_name(t->data_type));
    if (t->external) return cx_unsupported(cx, "constant with external data is not supported");
    oar_shape shape;
    if ((cx->st = onnx_tensor_shape(t, &shape, cx->err)) != OAR_OK) return cx->st;
    size_t bytes = (size_t)oar_shape_numel(&shape) * oar_dtype_bytes(dtype);
    if ((cx->st = oar_graph_set_constant(cx->g, y, dtype, &shape, NULL, bytes, cx->err)) != OAR_OK)
      return cx->st;
    if ((cx->st = onnx_tensor_copy_inline(t, dtype, cx->g->values[y].data, bytes, cx->err)) != OAR_OK)
      return cx->st;
    if (t->has_raw) onnx_ld_release(cx->ld, t->raw, t->raw_len);
    return cx->st = onnx_ld_set_known(cx->ld, y, true, cx->err);
  }
  if (onnx_str_eq(a->name, "value_float")) {
    float f = a->f;
    return set_const(cx, y, OAR_DTYPE_FLOAT32, &scalar, &f);
  }
  if (onnx_str_eq(a->name, "value_int")) return set_const(cx, y, OAR_DTYPE_INT64, &scalar, &a->i);
  if (onnx_str_eq(a->name, "value_ints") || onnx_str_eq(a->name, "value_floats")) {
    bool ints = onnx_str_eq(a->name, "value_ints");
    size_t n = ints ? a->ints.n : a->floats.n;
    void *data = oar_malloc(n * 8 + 8);
    if (!data) return cx->st = oar_error_set(cx->err, OAR_ERR_OUT_OF_MEMORY, "out of memory for a constant");
    for (size_t i = 0; i < n; i++) {
      if (ints) {
        ((int64_t *)data)[i] = (int64_t)a->ints.v[i];
      } else {
        uint32_t bits = (uint32_t)a->floats.v[i];
        memcpy((float *)data + i, &bits, 4);
      }
    }
    list.dims[0] = (int64_t)n;
    oar_status st = set_const(cx, y, ints ? OAR_DTYPE_INT64 : OAR_DTYPE_FLOAT32, &list, data);
    oar_free(data);
    return st;
  }
  return cx_unsupported(cx, "constant attribute '%.*s' is not supported", (int)a->name.n,
                        onnx_str_p(a->name));
}

/* float16 goes through cast_f16 (float16 <-> float32) and, for other
 * types, a float32 step with `cast`. */
static oar_status cast_via_f16(onnx_cx *cx, int x, int y, oar_dtype from, oar_dtype to) {
  if (from == to) return cx_unary(cx, OAR_OP_assign, x, y);
  if (from == OAR_DTYPE_FLOAT16) {
    int mid = to == OAR_DTYPE_FLOAT32 ? y : cx_temp(cx);
    OAR_TRY(cx_unary(cx, OAR_OP_cast_f16, x, mid));
    return to == OAR_DTYPE_FLOAT32 ? OAR_OK : cx_cast(cx, mid, y, to);
  }
  int mid = x;
  if (from != OAR_DTYPE_FLOAT32) {
    mid = cx_temp(cx);
    OAR_TRY(cx_cast(cx, x, mid, OAR_DTYPE_FLOAT32));
  }
  return cx_unary(cx, OAR_OP_cast_f16, mid, y);
}

oar_status cx_cast(onnx_cx *cx, int x, int y, oar_dtype to) {
  oar_dtype from = OAR_DTYPE_UNKNOWN;
  cx_info(cx, x, &from, NULL);
  if (to == OAR_DTYPE_FLOAT16 || from == OAR_DTYPE_FLOAT16) {
    if (from == OAR_DTYPE_UNKNOWN)
      return cx_unsupported(cx, "cast to float16 from a dtype not known at load time");
    return cast_via_f16(cx, x, y, from, to);
  }
  int vt = cx_var_type(to);
  if (vt < 0) return cx_unsupported(cx, "cast to %s is not supported", oar_dtype_str(to));
  oar_node_builder b;
  cx_begin(cx, OAR_OP_cast, &b);
  cx_add_in(cx, &b, 0, x);
  cx_add_out(cx, &b, 0, y);
  cx_set_i(cx, &b, "out_dtype", vt);
  return cx_end(cx, &b);
}

oar_status onnx_convert_cast(onnx_cx *cx) {
  int32_t to = (int32_t)cx_attr_i(cx, "to", 0);
  oar_dtype dtype = onnx_dtype_to_oar(to);
  if (dtype == OAR_DTYPE_UNKNOWN)
    return cx_unsupported(cx, "cast to %s is not supported", onnx_dtype_name(to));
  return cx_cast(cx, cx_need_in(cx, 0), cx_need_out(cx, 0), dtype);
}

oar_status onnx_convert_cast_like(onnx_cx *cx) {
  oar_dtype dtype;
  if (!cx_info(cx, cx_need_in(cx, 1), &dtype, NULL) || dtype == OAR_DTYPE_UNKNOWN)
    return cx_unsupported(cx, "the dtype of target_type is not known at load time");
  return cx_cast(cx, cx_need_in(cx, 0), cx_need_out(cx, 0), dtype);
}

/* Inference: Dropout is the identity (and its mask, when asked for, all
 * true). training_mode given as a constant false is accepted too. */
oar_status onnx_convert_dropout(onnx_cx *cx) {
  int training = cx_in(cx, 2);
  if (training >= 0) {
    const oar_value *c = cx_const(cx, training);
    if (!c || c->dtype != OAR_DTYPE_BOOL || oar_shape_numel(&c->shape) != 1 || *(const uint8_t *)c->data)
      return cx_unsupported(cx, "training_mode must be a constant false for inference");
  }
  if (cx_out(cx, 1) >= 0) return cx_unsupported(cx, "the mask output is not supported");
  return cx_unary(cx, OAR_OP_assign, cx_need_in(cx, 0), cx_need_out(cx, 0));
}
