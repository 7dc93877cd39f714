/* Converters of the quantized operators ("QOperator" form): ONNX's
 * QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger, and ONNX
 * Runtime's com.microsoft QLinearAdd, QLinearMul, QLinearLeakyRelu,
 * QLinearSigmoid, QLinearAveragePool, QLinearGlobalAveragePool,
 * QLinearConcat, QLinearSoftmax and QGemm.
 *
 * Each is lowered to the standard QDQ pattern: dequantize_linear on every
 * quantized input, the float op built by the float converter of
 * onnx_ops_*.c (same attribute handling), and quantize_linear on the
 * output with y_scale / y_zero_point:
 *
 *   QLinearConv(x, xs, xz, w, ws, wz, ys, yz, B)
 *     -> quantize_linear(conv2d(DQ(x, xs, xz), DQ(w, ws, wz, axis 0),
 *                               DQ(B, xs * ws, axis 0)), ys, yz)
 *
 * An int8 execution pass recognises that pattern; without it the float
 * path runs, and differs from an integer engine by at most a rounding of
 * the requantized output (one step of y_scale).
 *
 * ConvInteger and MatMulInteger (int32 output, sum (x - xz)(w - wz)) take
 * DQ with scale 1, the float op and a cast to int32. float32 holds every
 * integer below 2^24 exactly, so the result is exact while every partial
 * sum stays below 2^24 in magnitude (e.g. uint8 x int8 products up to
 * 2^15, a reduction length up to 512); beyond that the float path rounds.
 *
 * Scales and zero points known at load time are checked here, so that a
 * bad one is reported with the ONNX node: scales positive and finite, a
 * zero point of the input's dtype and of the scale's shape, one scale per
 * tensor or one per channel (row, column) where the op allows it. */
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "frontend/onnx/onnx_ops.h"
#include "frontend/onnx/onnx_state.h"
#include "ir/ops/op_ext.h"

/* ---- checks ------------------------------------------------------------------ */

static int64_t numel_of(const onnx_cx *cx, int v) {
  oar_shape s;
  if (!cx_info(cx, v, NULL, &s)) return -1;
  return oar_shape_numel(&s);
}

static oar_dtype dtype_of(const onnx_cx *cx, int v) {
  oar_dtype t = OAR_DTYPE_UNKNOWN;
  cx_info(cx, v, &t, NULL);
  return t;
}

/* The quantization parameters of one tensor: its value x (-1 for an
 * output), scale and zero point (-1 when absent), the names the op gives
 * them, and how many scales a per-channel form needs (0: per tensor only,
 * -1: not known at load time). */
typedef struct qparam {
  int x, scale, zp;
  const char *x_name, *scale_name, *zp_name;
  int64_t channels;
  const char *channel_what; /* "output channels of W", "columns of B", ... */
} qparam;

static oar_status check_qparam(onnx_cx *cx, const qparam *p) {
  OAR_TRY(cx->st);
  if (p->scale < 0) return cx_invalid(cx, "required input %s is missing", p->scale_name);
  const oar_dtype st = dtype_of(cx, p->scale);
  if (st != OAR_DTYPE_UNKNOWN && st != OAR_DTYPE_FLOAT32)
    return cx_unsupported(cx, "%s of dtype %s is not supported (oar takes float32 scales)", p->scale_name,
                          oar_dtype_str(st));
  const oar_value *c = cx_const(cx, p->scale);
  if (c) {
    const oar_tensor_view v = {.dtype = c->dtype, .shape = c->shape, .data = c->data};
    if ((cx->st = oar_quant_check_scales(&v, p->scale_name, cx->err)) != OAR_OK) return cx->st;
  }
  const int64_t n = numel_of(cx, p->scale);
  if (n > 1 && p->channels == 0)
    return cx_invalid(cx, "%s holds %lld values; expected 1 (per-tensor quantization)", p->scale_name,
                      (long long)n);
  if (n > 1 && p->channels > 0 && n != p->channels)
    return cx_invalid(cx, "%s holds %lld values; expected 1 or %lld (the %s)", p->scale_name, (long long)n,
                      (long long)p->channels, p->channel_what);
  if (n > 1 && cx_rank(cx, p->scale) != 1)
    return cx_invalid(cx, "%s holds %lld values but has rank %d; a per-channel scale is 1-D", p->scale_name,
                      (long long)n, cx_rank(cx, p->scale));
  if (p->zp < 0) return OAR_OK;
  const int64_t nz = numel_of(cx, p->zp);
  if (n >= 0 && nz >= 0 && n != nz)
    return cx_invalid(cx, "%s holds %lld values and %s %lld; they must match", p->zp_name, (long long)nz,
                      p->scale_name, (long long)n);
  const oar_dtype zt = dtype_of(cx, p->zp), xt = p->x >= 0 ? dtype_of(cx, p->x) : OAR_DTYPE_UNKNOWN;
  if (zt != OAR_DTYPE_UNKNOWN && xt != OAR_DTYPE_UNKNOWN && zt != xt)
    return cx_invalid(cx, "%s has dtype %s but %s has %s; they must be the same", p->zp_name,
                      oar_dtype_str(zt), p->x_name, oar_dtype_str(xt));
  if (zt != OAR_DTYPE_UNKNOWN && zt != OAR_DTYPE_UINT8 && zt != OAR_DTYPE_INT8)
    return cx_unsupported(cx, "%s of dtype %s is not supported (uint8 or int8)", p->zp_name,
                          oar_dtype_str(zt));
  return OAR_OK;
}

/* ---- emitting ------------------------------------------------------------------ */

/* dequantize_linear(x, scale, zp) along axis into a new temporary (a
 * negative axis counts from the end; written non-negative when x's rank
 * is known, for the passes that match the pattern). */
static int emit_dq(onnx_cx *cx, int x, int scale, int zp, int64_t axis) {
  const int rank = cx_rank(cx, x);
  if (axis < 0 && rank > 0 && axis + rank >= 0) axis += rank;
  int y = cx_temp(cx);
  oar_node_builder b;
  cx_begin(cx, OAR_OP_dequantize_linear, &b);
  cx_add_in(cx, &b, OAR_QUANT_IN_X, x);
  cx_add_in(cx, &b, OAR_QUANT_IN_SCALE, scale);
  cx_add_in(cx, &b, OAR_QUANT_IN_ZERO_POINT, zp);
  cx_add_out(cx, &b, 0, y);
  cx_set_i(cx, &b, "axis", axis);
  return cx_end(cx, &b) == OAR_OK ? y : -1;
}

/* Checks p, then dequantizes it (per channel along axis when its scale has
 * several values). */
static int dq_param(onnx_cx *cx, const qparam *p, int64_t axis) {
  if (check_qparam(cx, p) != OAR_OK) return -1;
  if (p->x < 0) {
    cx_invalid(cx, "required input %s is missing", p->x_name);
    return -1;
  }
  return emit_dq(cx, p->x, p->scale, p->zp, axis);
}

/* quantize_linear(x, scale, zp) -> y; the output dtype is the zero
 * point's, else like_dtype (the op's input dtype), else uint8. */
static oar_status emit_q(onnx_cx *cx, const qparam *p, int x, oar_dtype like_dtype) {
  OAR_TRY(check_qparam(cx, p));
  oar_dtype t = p->zp >= 0 ? dtype_of(cx, p->zp) : like_dtype;
  oar_node_builder b;
  cx_begin(cx, OAR_OP_quantize_linear, &b);
  cx_add_in(cx, &b, OAR_QUANT_IN_X, x);
  cx_add_in(cx, &b, OAR_QUANT_IN_SCALE, p->scale);
  cx_add_in(cx, &b, OAR_QUANT_IN_ZERO_POINT, p->zp);
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_i(cx, &b, "axis", 1);
  cx_set_i(cx, &b, "out_dtype", t == OAR_DTYPE_UNKNOWN ? 0 : (int64_t)t);
  return cx_end(cx, &b);
}

/* Runs the float converter fn on this node's attributes with inputs `in`
 * and the single output y (opset: the default-domain opset it sees). */
static oar_status call_float(onnx_cx *cx, onnx_convert_fn fn, const int *in, int num_in, int y,
                             int64_t opset) {
  OAR_TRY(cx->st);
  onnx_cx sub = *cx;
  sub.in = in;
  sub.num_in = num_in;
  sub.out = &y;
  sub.num_out = 1;
  sub.opset = opset;
  fn(&sub);
  return cx->st = sub.st;
}

/* A float32 constant of ones shaped like v (v's shape must be known), or a
 * scalar 1 when v < 0: the scale of the *Integer ops' dequantize. */
static int ones_like(onnx_cx *cx, int v, const char *name) {
  enum { MAX_ONES = 1 << 16 };
  static const float one = 1.0f;
  if (v < 0) return cx_const_f32(cx, &one, 1, 0);
  oar_shape s;
  /* A computed zero point (DynamicQuantizeLinear's, ONNX Runtime's dynamic
   * quantization) is one value; if it is not, dequantize_linear reports the
   * scale and zero point differing in shape when the model is planned. */
  if (!cx_info(cx, v, NULL, &s)) return cx_const_f32(cx, &one, 1, 0);
  if (s.rank > 1) {
    cx_unsupported(cx, "%s of rank %d (expected one value or one per row)", name, s.rank);
    return -1;
  }
  const int64_t n = oar_shape_numel(&s);
  if (n < 1 || n > MAX_ONES) {
    cx_invalid(cx, "%s holds %lld values", name, (long long)n);
    return -1;
  }
  float *ones = oar_malloc((size_t)n * sizeof *ones);
  if (!ones) {
    cx->st = oar_error_set(cx->err, OAR_ERR_OUT_OF_MEMORY, "out of memory");
    return -1;
  }
  for (int64_t i = 0; i < n; i++) ones[i] = 1.0f;
  int id = cx_const_f32(cx, ones, (int)n, s.rank);
  oar_free(ones);
  return id;
}

/* The scale of an int32 bias: factor * x_scale * w_scale[c] (zero point
 * 0), a constant when both scales are, else a product node. */
static int bias_scale(onnx_cx *cx, int x_scale, int w_scale, double factor) {
  const oar_value *xs = cx_const(cx, x_scale), *ws = cx_const(cx, w_scale);
  if (xs && ws && xs->dtype == OAR_DTYPE_FLOAT32 && ws->dtype == OAR_DTYPE_FLOAT32 &&
      oar_shape_numel(&xs->shape) == 1) {
    const int64_t n = oar_shape_numel(&ws->shape);
    if (n < 1 || n > (1 << 20)) {
      cx_invalid(cx, "the weight scale holds %lld values", (long long)n);
      return -1;
    }
    float *v = oar_malloc((size_t)n * sizeof *v);
    if (!v) {
      cx->st = oar_error_set(cx->err, OAR_ERR_OUT_OF_MEMORY, "out of memory");
      return -1;
    }
    const float x0 = ((const float *)xs->data)[0];
    for (int64_t i = 0; i < n; i++) v[i] = (float)(factor * (double)(x0 * ((const float *)ws->data)[i]));
    int id = cx_const_f32(cx, v, (int)n, n == 1 ? 0 : 1);
    oar_free(v);
    return id;
  }
  int prod = cx_temp(cx);
  if (cx_elementwise(cx, OAR_OP_elementwise_mul, x_scale, w_scale, prod) != OAR_OK) return -1;
  if (factor == 1.0) return prod;
  int scaled = cx_temp(cx);
  oar_node_builder b;
  cx_begin(cx, OAR_OP_scale, &b);
  cx_add_in(cx, &b, 0, prod);
  cx_add_out(cx, &b, 0, scaled);
  cx_set_f(cx, &b, "scale", factor);
  return cx_end(cx, &b) == OAR_OK ? scaled : -1;
}

/* Dim `axis` of v (negative counts from the end), or -1 when not known. */
static int64_t dim_of(const onnx_cx *cx, int v, int axis) {
  oar_shape s;
  if (!cx_info(cx, v, NULL, &s) || s.rank < 1) return -1;
  if (axis < 0) axis += s.rank;
  if (axis < 0 || axis >= s.rank) return -1;
  return s.dims[axis];
}

/* ---- QLinearConv, ConvInteger -------------------------------------------------- */

oar_status onnx_convert_qlinear_conv(onnx_cx *cx) {
  const int w = cx_need_in(cx, 3);
  const int64_t m = dim_of(cx, w, 0);
  const qparam xp = {cx_need_in(cx, 0), cx_in(cx, 1), cx_in(cx, 2), "x", "x_scale", "x_zero_point", 0, NULL};
  const qparam wp = {w, cx_in(cx, 4),          cx_in(cx, 5), "w", "w_scale", "w_zero_point",
                     m, "output channels of w"};
  const qparam yp = {-1, cx_in(cx, 6), cx_in(cx, 7), "y", "y_scale", "y_zero_point", 0, NULL};
  int in[3] = {dq_param(cx, &xp, 1), dq_param(cx, &wp, 0), -1};
  const int bias = cx_in(cx, 8);
  if (bias >= 0 && cx->st == OAR_OK) {
    const oar_dtype bt = dtype_of(cx, bias);
    if (bt != OAR_DTYPE_UNKNOWN && bt != OAR_DTYPE_INT32)
      return cx_invalid(cx, "B has dtype %s; expected int32", oar_dtype_str(bt));
    const int64_t nb = numel_of(cx, bias);
    if (nb >= 0 && m >= 0 && (cx_rank(cx, bias) != 1 || nb != m))
      return cx_invalid(cx, "B holds %lld values; expected %lld (the output channels of w)", (long long)nb,
                        (long long)m);
    in[2] = emit_dq(cx, bias, bias_scale(cx, xp.scale, wp.scale, 1.0), -1, 0);
  }
  int yf = cx_temp(cx);
  OAR_TRY(call_float(cx, onnx_convert_conv, in, 3, yf, cx->opset));
  return emit_q(cx, &yp, yf, dtype_of(cx, xp.x));
}

/* y = sum (x - xz)(w - wz) as int32, through float (exact below 2^24). */
oar_status onnx_convert_conv_integer(onnx_cx *cx) {
  const int x = cx_need_in(cx, 0), w = cx_need_in(cx, 1), xz = cx_in(cx, 2), wz = cx_in(cx, 3);
  const qparam xp = {x, -1, xz, "x", "x_scale", "x_zero_point", 0, NULL};
  const qparam wp = {w, -1, wz, "w", "w_scale", "w_zero_point", dim_of(cx, w, 0), "output channels of w"};
  const int64_t nxz = xz >= 0 ? numel_of(cx, xz) : 1, nwz = wz >= 0 ? numel_of(cx, wz) : 1;
  if (nxz > 1) return cx_invalid(cx, "x_zero_point holds %lld values; expected 1", (long long)nxz);
  if (nwz > 1 && wp.channels >= 0 && nwz != wp.channels)
    return cx_invalid(cx, "w_zero_point holds %lld values; expected 1 or %lld (the output channels of w)",
                      (long long)nwz, (long long)wp.channels);
  qparam xq = xp, wq = wp;
  xq.scale = ones_like(cx, xz, "x_zero_point");
  wq.scale = ones_like(cx, wz, "w_zero_point");
  int in[2] = {dq_param(cx, &xq, 1), dq_param(cx, &wq, 0)};
  int yf = cx_temp(cx);
  OAR_TRY(call_float(cx, onnx_convert_conv, in, 2, yf, cx->opset));
  return cx_cast(cx, yf, cx_need_out(cx, 0), OAR_DTYPE_INT32);
}

/* ---- QLinearMatMul, MatMulInteger ------------------------------------------------ */

oar_status onnx_convert_qlinear_matmul(onnx_cx *cx) {
  const int a = cx_need_in(cx, 0), b = cx_need_in(cx, 3);
  const qparam ap = {a,         cx_in(cx, 1),   cx_in(cx, 2),      "a",
                     "a_scale", "a_zero_point", dim_of(cx, a, -2), "rows of a"};
  const qparam bp = {b,         cx_in(cx, 4),   cx_in(cx, 5),      "b",
                     "b_scale", "b_zero_point", dim_of(cx, b, -1), "columns of b"};
  const qparam yp = {-1, cx_in(cx, 6), cx_in(cx, 7), "y", "y_scale", "y_zero_point", 0, NULL};
  int in[2] = {dq_param(cx, &ap, -2), dq_param(cx, &bp, -1)};
  int yf = cx_temp(cx);
  OAR_TRY(call_float(cx, onnx_convert_matmul, in, 2, yf, cx->opset));
  return emit_q(cx, &yp, yf, dtype_of(cx, a));
}

oar_status onnx_convert_matmul_integer(onnx_cx *cx) {
  const int a = cx_need_in(cx, 0), b = cx_need_in(cx, 1), az = cx_in(cx, 2), bz = cx_in(cx, 3);
  qparam ap = {a, -1, az, "A", "a_scale", "a_zero_point", dim_of(cx, a, -2), "rows of A"};
  qparam bp = {b, -1, bz, "B", "b_scale", "b_zero_point", dim_of(cx, b, -1), "columns of B"};
  const int64_t naz = az >= 0 ? numel_of(cx, az) : 1, nbz = bz >= 0 ? numel_of(cx, bz) : 1;
  if (naz > 1 && ap.channels >= 0 && naz != ap.channels)
    return cx_invalid(cx, "a_zero_point holds %lld values; expected 1 or %lld (the rows of A)",
                      (long long)naz, (long long)ap.channels);
  if (nbz > 1 && bp.channels >= 0 && nbz != bp.channels)
    return cx_invalid(cx, "b_zero_point holds %lld values; expected 1 or %lld (the columns of B)",
                      (long long)nbz, (long long)bp.channels);
  ap.scale = ones_like(cx, az, "a_zero_point");
  bp.scale = ones_like(cx, bz, "b_zero_point");
  int in[2] = {dq_param(cx, &ap, -2), dq_param(cx, &bp, -1)};
  int yf = cx_temp(cx);
  OAR_TRY(call_float(cx, onnx_convert_matmul, in, 2, yf, cx->opset));
  return cx_cast(cx, yf, cx_need_out(cx, 0), OAR_DTYPE_INT32);
}

/* ---- com.microsoft ---------------------------------------------------------------- */

/* QLinearAdd / QLinearMul (A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp). */
static oar_status qlinear_binary(onnx_cx *cx, onnx_convert_fn fn) {
  const qparam ap = {cx_need_in(cx, 0), cx_in(cx, 1), cx_in(cx, 2), "A", "A_scale", "A_zero_point", 0, NULL};
  const qparam bp = {cx_need_in(cx, 3), cx_in(cx, 4), cx_in(cx, 5), "B", "B_scale", "B_zero_point", 0, NULL};
  const qparam cp = {-1, cx_in(cx, 6), cx_in(cx, 7), "C", "C_scale", "C_zero_point", 0, NULL};
  int in[2] = {dq_param(cx, &ap, 1), dq_param(cx, &bp, 1)};
  int yf = cx_temp(cx);
  OAR_TRY(call_float(cx, fn, in, 2, yf, cx->opset));
  return emit_q(cx, &cp, yf, dtype_of(cx, ap.x));
}

oar_status onnx_convert_qlinear_add(onnx_cx *cx) { return qlinear_binary(cx, onnx_convert_add); }
oar_status onnx_convert_qlinear_mul(onnx_cx *cx) { return qlinear_binary(cx, onnx_convert_mul); }

/* One-input ops (X, X_scale, X_zp, Y_scale, Y_zp) around float converter fn. */
static oar_status qlinear_unary(onnx_cx *cx, onnx_convert_fn fn, int64_t opset) {
  if (cx_attr_i(cx, "channels_last", 0) != 0) return cx_unsupported(cx, "channels_last 1 is not supported");
  const qparam xp = {cx_need_in(cx, 0), cx_in(cx, 1), cx_in(cx, 2), "X", "X_scale", "X_zero_point", 0, NULL};
  const qparam yp = {-1, cx_in(cx, 3), cx_in(cx, 4), "Y", "Y_scale", "Y_zero_point", 0, NULL};
  int in[1] = {dq_param(cx, &xp, 1)};
  int yf = cx_temp(cx);
  OAR_TRY(call_float(cx, fn, in, 1, yf, opset));
  return emit_q(cx, &yp, yf, dtype_of(cx, xp.x));
}

oar_status onnx_convert_qlinear_leaky_relu(onnx_cx *cx) {
  return qlinear_unary(cx, onnx_convert_leaky_relu, cx->opset);
}
oar_status onnx_convert_qlinear_sigmoid(onnx_cx *cx) {
  return qlinear_unary(cx, onnx_convert_sigmoid, cx->opset);
}
oar_status onnx_convert_qlinear_average_pool(onnx_cx *cx) {
  return qlinear_unary(cx, onnx_convert_average_pool, cx->opset);
}
oar_status onnx_convert_qlinear_global_average_pool(onnx_cx *cx) {
  return qlinear_unary(cx, onnx_convert_global_average_pool, cx->opset);
}

/* QLinearSoftmax: `opset` (required) is the opset of the Softmax it
 * replaces, which decides its axis semantics (flattening before 13). */
oar_status onnx_convert_qlinear_softmax(onnx_cx *cx) {
  if (!cx_attr(cx, "opset")) return cx_invalid(cx, "attribute 'opset' is required");
  const int64_t opset = cx_attr_i(cx, "opset", 13);
  if (opset < 1) return cx_invalid(cx, "attribute 'opset' is %lld", (long long)opset);
  return qlinear_unary(cx, onnx_convert_softmax, opset);
}

/* QLinearConcat(Y_scale, Y_zp, X0, X0_scale, X0_zp, X1, ...). */
oar_status onnx_convert_qlinear_concat(onnx_cx *cx) {
  enum { MAX_IN = 256 };
  const int count = (cx->num_in - 2) / 3;
  if (cx->num_in < 5 || (cx->num_in - 2) % 3)
    return cx_invalid(cx,
                      "has %d inputs; expected Y_scale, Y_zero_point and (X, X_scale, X_zero_point) triples",
                      cx->num_in);
  if (count > MAX_IN) return cx_unsupported(cx, "%d inputs (at most %d supported)", count, MAX_IN);
  const qparam yp = {-1, cx_in(cx, 0), cx_in(cx, 1), "Y", "Y_scale", "Y_zero_point", 0, NULL};
  int in[MAX_IN];
  char xn[3][32];
  for (int i = 0; i < count; i++) {
    snprintf(xn[0], sizeof xn[0], "X%d", i);
    snprintf(xn[1], sizeof xn[1], "X%d_scale", i);
    snprintf(xn[2], sizeof xn[2], "X%d_zero_point", i);
    const qparam xp = {
        cx_in(cx, 2 + 3 * i), cx_in(cx, 3 + 3 * i), cx_in(cx, 4 + 3 * i), xn[0], xn[1], xn[2], 0, NULL};
    in[i] = dq_param(cx, &xp, 1);
  }
  int yf = cx_temp(cx);
  OAR_TRY(call_float(cx, onnx_convert_concat, in, count, yf, cx->opset));
  return emit_q(cx, &yp, yf, dtype_of(cx, cx_in(cx, 2)));
}

/* QGemm(A, a_scale, a_zp, B, b_scale, b_zp, C, y_scale, y_zp): Y = alpha
 * A'B' + C', C int32 with scale alpha/beta * a_scale * b_scale (so that
 * beta * C' = alpha * a_scale * b_scale * C); Y float without y_scale. */
oar_status onnx_convert_qgemm(onnx_cx *cx) {
  const bool trans_b = cx_attr_i(cx, "transB", 0) != 0;
  const double alpha = cx_attr_f(cx, "alpha", 1.0f);
  const int a = cx_need_in(cx, 0), b = cx_need_in(cx, 3), c = cx_in(cx, 6);
  const int64_t n = dim_of(cx, b, trans_b ? 0 : 1);
  const qparam ap = {a, cx_in(cx, 1), cx_in(cx, 2), "A", "a_scale", "a_zero_point", 0, NULL};
  const qparam bp = {b, cx_in(cx, 4), cx_in(cx, 5), "B", "b_scale", "b_zero_point", n, "columns of B'"};
  const qparam yp = {-1, cx_in(cx, 7), cx_in(cx, 8), "Y", "y_scale", "y_zero_point", 0, NULL};
  int in[2] = {dq_param(cx, &ap, 1), dq_param(cx, &bp, trans_b ? 0 : 1)};
  const bool quantized_out = yp.scale >= 0;
  int prod = c < 0 && !quantized_out ? cx_need_out(cx, 0) : cx_temp(cx);
  /* Gemm without C applies alpha and transA / transB. */
  OAR_TRY(call_float(cx, onnx_convert_gemm, in, 2, prod, cx->opset));
  int yf = prod;
  if (c >= 0) {
    const oar_dtype ct = dtype_of(cx, c);
    if (ct != OAR_DTYPE_UNKNOWN && ct != OAR_DTYPE_INT32)
      return cx_invalid(cx, "C has dtype %s; expected int32", oar_dtype_str(ct));
    const int cr = cx_rank(cx, c);
    const int64_t nb = numel_of(cx, bp.scale);
    if (nb > 1 && (cr < 1 || dim_of(cx, c, -1) != nb))
      return cx_unsupported(cx, "C must have the columns of B' as its last dim when b_scale is per column");
    const int cf = emit_dq(cx, c, bias_scale(cx, ap.scale, bp.scale, alpha), -1, cr > 0 ? cr - 1 : 0);
    yf = quantized_out ? cx_temp(cx) : cx_need_out(cx, 0);
    OAR_TRY(cx_elementwise(cx, OAR_OP_elementwise_add, prod, cf, yf));
  }
  if (!quantized_out) return cx->st;
  return emit_q(cx, &yp, yf, dtype_of(cx, a));
}
