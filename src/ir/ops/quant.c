/* one_hot_axis, eye_like, quantize_linear, dequantize_linear (ONNX
 * OneHot, EyeLike, QuantizeLinear, DequantizeLinear).
 *
 * Quantization: scale (and zero point) per tensor (one value), per axis
 * (1-D, X's dim at `axis`), or per block of `block_size` along axis (X's
 * rank, with that dim divided by block_size, rounded up).
 *
 * paddle_fake_quant: Paddle's quantize_linear / dequantize_linear, whose
 * output stays float (integers after quantize) and whose scale is the
 * clipping range, not the step (q = x * qmax / s). */
#include <math.h>

#include "ir/ops/infer_util.h"
#include "ir/ops/op_ext.h"

static oar_status one_hot_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                oar_error *err) {
  const oar_tensor_view *idx, *depth, *values;
  OAR_TRY(oar_op_require_input(n, in, OAR_ONE_HOT_IN_INDICES, &idx, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_ONE_HOT_IN_DEPTH, &depth, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_ONE_HOT_IN_VALUES, &values, err));
  if (!depth->data) return oar_error_needs_value(err, "depth must be known when the model is planned");
  if (oar_view_numel(depth) != 1 || oar_view_numel(values) != 2)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "depth must hold one value and values two");
  double d;
  switch (depth->dtype) {
    case OAR_DTYPE_FLOAT32: d = *(const float *)depth->data; break;
    case OAR_DTYPE_FLOAT64: d = *(const double *)depth->data; break;
    case OAR_DTYPE_INT32: d = *(const int32_t *)depth->data; break;
    case OAR_DTYPE_INT64: d = (double)*(const int64_t *)depth->data; break;
    default: return oar_error_set(err, OAR_ERR_UNSUPPORTED, "depth of dtype %s", oar_dtype_str(depth->dtype));
  }
  if (!(d >= 1 && d < 1e9))
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "depth %g is out of range", d);
  const int r = idx->shape.rank + 1;
  if (r > OAR_MAX_RANK) return oar_error_set(err, OAR_ERR_UNSUPPORTED, "output rank %d", r);
  int64_t axis = oar_node_attr_i(n, OAR_ONE_HOT_ATTR_AXIS);
  if (axis < -r || axis >= r)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "axis %lld is out of range", (long long)axis);
  if (axis < 0) axis += r;
  oar_shape s = {.rank = r};
  for (int i = 0, k = 0; i < r; i++) s.dims[i] = i == axis ? (int64_t)d : idx->shape.dims[k++];
  oar_op_set_output(n, out, 0, values->dtype, &s);
  return OAR_OK;
}

static oar_status eye_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, 0, &x, err));
  if (x->shape.rank != 2) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input must have rank 2");
  const int64_t dt = oar_node_attr_i(n, OAR_EYE_ATTR_DTYPE);
  const oar_dtype t = dt ? (oar_dtype)dt : x->dtype;
  if (oar_dtype_bytes(t) == 0) return oar_error_set(err, OAR_ERR_UNSUPPORTED, "dtype %lld", (long long)dt);
  oar_op_set_output(n, out, 0, t, &x->shape);
  return OAR_OK;
}

/* Scales known when the model is planned (constants) must be positive and
 * finite: a zero scale divides by zero and a negative one flips signs. */
oar_status oar_quant_check_scales(const oar_tensor_view *s, const char *what, oar_error *err) {
  if (!s->data || (s->dtype != OAR_DTYPE_FLOAT32 && s->dtype != OAR_DTYPE_FLOAT64)) return OAR_OK;
  const int64_t n = oar_view_numel(s);
  for (int64_t i = 0; i < n; i++) {
    const double v =
        s->dtype == OAR_DTYPE_FLOAT32 ? ((const float *)s->data)[i] : ((const double *)s->data)[i];
    if (!(v > 0) || !isfinite(v)) {
      if (n == 1)
        return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s is %g; expected a positive finite number", what,
                             v);
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s[%lld] is %g; expected a positive finite number",
                           what, (long long)i, v);
    }
  }
  return OAR_OK;
}

static oar_status quant_check(const oar_node *n, const oar_tensor_view *const *in, oar_error *err) {
  const oar_tensor_view *x, *s;
  OAR_TRY(oar_op_require_input(n, in, OAR_QUANT_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_QUANT_IN_SCALE, &s, err));
  OAR_TRY(oar_quant_check_scales(s, "scale", err));
  const oar_tensor_view *z = oar_op_input(n, in, OAR_QUANT_IN_ZERO_POINT);
  if (z && !oar_shape_equal(&z->shape, &s->shape))
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "zero point and scale differ in shape");
  /* ONNX DequantizeLinear: x and x_zero_point share their type T. */
  if (z && n->schema->id == OAR_OP_dequantize_linear && z->dtype != x->dtype)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "zero point has dtype %s but X has %s; they must be the same",
                         oar_dtype_str(z->dtype), oar_dtype_str(x->dtype));
  const int64_t count = oar_view_numel(s), block = oar_node_attr_i(n, OAR_QUANT_ATTR_BLOCK_SIZE);
  if (count == 1 && block == 0) return OAR_OK;
  int64_t axis = oar_node_attr_i(n, OAR_QUANT_ATTR_AXIS);
  const int r = x->shape.rank;
  if (axis < -r || axis >= r)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "axis %lld is out of range", (long long)axis);
  if (axis < 0) axis += r;
  if (block == 0) {
    if (s->shape.rank != 1 || (x->shape.dims[axis] >= 0 && s->shape.dims[0] != x->shape.dims[axis]))
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "per-axis scale must have X's dim %lld",
                           (long long)axis);
    return OAR_OK;
  }
  if (block < 0 || s->shape.rank != r)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "blocked scale must have X's rank");
  for (int i = 0; i < r; i++) {
    const int64_t want = i == axis ? (x->shape.dims[i] + block - 1) / block : x->shape.dims[i];
    if (x->shape.dims[i] >= 0 && s->shape.dims[i] != want)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "blocked scale dim %d is %lld, expected %lld", i,
                           (long long)s->shape.dims[i], (long long)want);
  }
  return OAR_OK;
}

static oar_status quant_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  OAR_TRY(quant_check(n, in, err));
  const oar_tensor_view *x = oar_op_input(n, in, OAR_QUANT_IN_X),
                        *z = oar_op_input(n, in, OAR_QUANT_IN_ZERO_POINT);
  const oar_tensor_view *s = oar_op_input(n, in, OAR_QUANT_IN_SCALE);
  oar_dtype t;
  if (n->schema->id == OAR_OP_quantize_linear) {
    const int64_t dt = oar_node_attr_i(n, OAR_QUANT_ATTR_OUT_DTYPE);
    t = dt ? (oar_dtype)dt : z ? z->dtype : OAR_DTYPE_UINT8;
  } else {
    t = s->dtype;
  }
  oar_op_set_output(n, out, 0, t, &x->shape);
  return OAR_OK;
}

static oar_status fake_quant_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                   oar_error *err) {
  const oar_tensor_view *x, *s;
  OAR_TRY(oar_op_require_input(n, in, OAR_QUANT_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_QUANT_IN_SCALE, &s, err));
  /* Weights quantized offline are int8 before their dequantize_linear. */
  const bool dequantize = oar_node_attr_i(n, OAR_FAKE_QUANT_ATTR_DEQUANTIZE) != 0;
  if ((x->dtype != OAR_DTYPE_FLOAT32 && !(dequantize && x->dtype == OAR_DTYPE_INT8)) ||
      s->dtype != OAR_DTYPE_FLOAT32)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "X and Scale of dtype %s and %s; oar takes float32 (or int8 X to dequantize)",
                         oar_dtype_str(x->dtype), oar_dtype_str(s->dtype));
  const int64_t axis = oar_node_attr_i(n, OAR_FAKE_QUANT_ATTR_AXIS), count = oar_view_numel(s);
  if (axis >= x->shape.rank || axis < -1)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "quant_axis %lld of a rank-%d X", (long long)axis,
                         x->shape.rank);
  const int64_t want = axis < 0 ? 1 : x->shape.dims[axis];
  if (want >= 0 && count != want)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "Scale holds %lld values; quant_axis %lld needs %lld",
                         (long long)count, (long long)axis, (long long)want);
  if (oar_node_attr_i(n, OAR_FAKE_QUANT_ATTR_QMAX) < 1)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "qmax %lld is not positive",
                         (long long)oar_node_attr_i(n, OAR_FAKE_QUANT_ATTR_QMAX));
  if (!oar_node_attr_i(n, OAR_FAKE_QUANT_ATTR_ONLY_OBSERVER))
    OAR_TRY(oar_quant_check_scales(s, "Scale", err));
  /* Paddle's kernels ignore ZeroPoint: a nonzero one would be a model oar
   * (and Paddle) runs differently from what its author meant. */
  const oar_tensor_view *z = oar_op_input(n, in, OAR_QUANT_IN_ZERO_POINT);
  if (z && z->data &&
      (z->dtype == OAR_DTYPE_INT32 || z->dtype == OAR_DTYPE_INT64 || z->dtype == OAR_DTYPE_INT8)) {
    for (int64_t i = 0, nz = oar_view_numel(z); i < nz; i++) {
      const int64_t v = z->dtype == OAR_DTYPE_INT32   ? ((const int32_t *)z->data)[i]
                        : z->dtype == OAR_DTYPE_INT64 ? ((const int64_t *)z->data)[i]
                                                      : ((const int8_t *)z->data)[i];
      if (v != 0)
        return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                             "ZeroPoint[%lld] is %lld; Paddle's quantization is symmetric and expects 0",
                             (long long)i, (long long)v);
    }
  }
  oar_op_set_output(n, out, 0, OAR_DTYPE_FLOAT32, &x->shape);
  return OAR_OK;
}

static oar_status dyn_quant_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                  oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, 0, &x, err));
  if (x->dtype != OAR_DTYPE_FLOAT32)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "x of dtype %s; expected float32",
                         oar_dtype_str(x->dtype));
  const oar_shape scalar = {.rank = 0};
  oar_op_set_output(n, out, 0, OAR_DTYPE_UINT8, &x->shape);
  oar_op_set_output(n, out, 1, OAR_DTYPE_FLOAT32, &scalar);
  oar_op_set_output(n, out, 2, OAR_DTYPE_UINT8, &scalar);
  return OAR_OK;
}

static const oar_slot_spec one_hot_inputs[] = {
    {"Indices", OAR_SLOT_REQUIRED}, {"Depth", OAR_SLOT_REQUIRED}, {"Values", OAR_SLOT_REQUIRED}};
static const oar_slot_spec x_input[] = {{"X", OAR_SLOT_REQUIRED}};
static const oar_slot_spec quant_inputs[] = {
    {"X", OAR_SLOT_REQUIRED}, {"Scale", OAR_SLOT_REQUIRED}, {"ZeroPoint", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec fake_quant_inputs[] = {
    {"X", OAR_SLOT_REQUIRED}, {"Scale", OAR_SLOT_REQUIRED}, {"ZeroPoint", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec out_only[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_attr_spec one_hot_attrs[] = {[OAR_ONE_HOT_ATTR_AXIS] = OAR_ATTR_I("axis", -1)};
static const oar_attr_spec eye_attrs[] = {
    [OAR_EYE_ATTR_DTYPE] = OAR_ATTR_I("dtype", 0),
    [OAR_EYE_ATTR_K] = OAR_ATTR_I("k", 0),
};
static const oar_attr_spec quant_attrs[] = {
    [OAR_QUANT_ATTR_AXIS] = OAR_ATTR_I("axis", 1),
    [OAR_QUANT_ATTR_BLOCK_SIZE] = OAR_ATTR_I("block_size", 0),
    [OAR_QUANT_ATTR_OUT_DTYPE] = OAR_ATTR_I("out_dtype", 0),
};

const oar_op_schema oar_schema_one_hot_axis = {
    .name = "one_hot_axis",
    .id = OAR_OP_one_hot_axis,
    .inputs = one_hot_inputs,
    .num_inputs = 3,
    .outputs = out_only,
    .num_outputs = 1,
    .attrs = one_hot_attrs,
    .num_attrs = 1,
    .infer = one_hot_infer,
};
const oar_op_schema oar_schema_eye_like = {
    .name = "eye_like",
    .id = OAR_OP_eye_like,
    .inputs = x_input,
    .num_inputs = 1,
    .outputs = out_only,
    .num_outputs = 1,
    .attrs = eye_attrs,
    .num_attrs = 2,
    .infer = eye_infer,
    .flags = OAR_OP_SHAPE_ONLY,
};
const oar_op_schema oar_schema_quantize_linear = {
    .name = "quantize_linear",
    .id = OAR_OP_quantize_linear,
    .inputs = quant_inputs,
    .num_inputs = 3,
    .outputs = out_only,
    .num_outputs = 1,
    .attrs = quant_attrs,
    .num_attrs = 3,
    .infer = quant_infer,
};
const oar_op_schema oar_schema_dequantize_linear = {
    .name = "dequantize_linear",
    .id = OAR_OP_dequantize_linear,
    .inputs = quant_inputs,
    .num_inputs = 3,
    .outputs = out_only,
    .num_outputs = 1,
    .attrs = quant_attrs,
    .num_attrs = 2,
    .infer = quant_infer,
};
static const oar_attr_spec fake_quant_attrs[] = {
    [OAR_FAKE_QUANT_ATTR_AXIS] = OAR_ATTR_I("axis", -1),
    [OAR_FAKE_QUANT_ATTR_QMIN] = OAR_ATTR_I("qmin", -128),
    [OAR_FAKE_QUANT_ATTR_QMAX] = OAR_ATTR_I("qmax", 127),
    [OAR_FAKE_QUANT_ATTR_ROUND_TYPE] = OAR_ATTR_I("round_type", 0),
    [OAR_FAKE_QUANT_ATTR_DEQUANTIZE] = OAR_ATTR_B("dequantize", false),
    [OAR_FAKE_QUANT_ATTR_ONLY_OBSERVER] = OAR_ATTR_B("only_observer", false),
};
const oar_op_schema oar_schema_paddle_fake_quant = {
    .name = "paddle_fake_quant",
    .id = OAR_OP_paddle_fake_quant,
    .inputs = fake_quant_inputs,
    .num_inputs = 3,
    .outputs = out_only,
    .num_outputs = 1,
    .attrs = fake_quant_attrs,
    .num_attrs = 6,
    .infer = fake_quant_infer,
};
static const oar_slot_spec dyn_quant_outputs[] = {
    {"Y", OAR_SLOT_REQUIRED}, {"YScale", OAR_SLOT_REQUIRED}, {"YZeroPoint", OAR_SLOT_REQUIRED}};
const oar_op_schema oar_schema_dynamic_quantize_linear = {
    .name = "dynamic_quantize_linear",
    .id = OAR_OP_dynamic_quantize_linear,
    .inputs = x_input,
    .num_inputs = 1,
    .outputs = dyn_quant_outputs,
    .num_outputs = 3,
    .infer = dyn_quant_infer,
};

/* ---- add_int8 ------------------------------------------------------------------- */

static const oar_slot_spec qadd_inputs[] = {
    {"A", OAR_SLOT_REQUIRED},        {"AScale", OAR_SLOT_REQUIRED},       {"AZeroPoint", OAR_SLOT_REQUIRED},
    {"B", OAR_SLOT_REQUIRED},        {"BScale", OAR_SLOT_REQUIRED},       {"BZeroPoint", OAR_SLOT_REQUIRED},
    {"OutScale", OAR_SLOT_REQUIRED}, {"OutZeroPoint", OAR_SLOT_REQUIRED},
};
static const oar_attr_spec qadd_attrs[] = {[OAR_QADD_ATTR_FUSE_RELU] = OAR_ATTR_B("fuse_relu", false)};

static oar_status qadd_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  const oar_tensor_view *v[8];
  for (int i = 0; i < 8; i++) OAR_TRY(oar_op_require_input(n, in, i, &v[i], err));
  char a[128], b[128];
  const int data[3] = {OAR_QADD_IN_A, OAR_QADD_IN_B, -1};
  for (int k = 0; k < 2; k++) {
    const oar_tensor_view *x = v[data[k]], *s = v[data[k] + 1], *z = v[data[k] + 2];
    if ((x->dtype != OAR_DTYPE_UINT8 && x->dtype != OAR_DTYPE_INT8) || z->dtype != x->dtype ||
        s->dtype != OAR_DTYPE_FLOAT32 || oar_view_numel(s) != 1 || oar_view_numel(z) != 1)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                           "input '%s' must be 8-bit with one float32 scale and one zero point of its dtype",
                           k ? "B" : "A");
  }
  oar_shape shape;
  if (oar_broadcast_numpy(&v[OAR_QADD_IN_A]->shape, &v[OAR_QADD_IN_B]->shape, &shape, err) != OAR_OK)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "inputs 'A' %s and 'B' %s do not broadcast",
                         oar_shape_str(&v[OAR_QADD_IN_A]->shape, a, sizeof a),
                         oar_shape_str(&v[OAR_QADD_IN_B]->shape, b, sizeof b));
  const oar_tensor_view *os = v[OAR_QADD_IN_OUT_SCALE], *oz = v[OAR_QADD_IN_OUT_ZERO_POINT];
  if (os->dtype != OAR_DTYPE_FLOAT32 || oar_view_numel(os) != 1 || oar_view_numel(oz) != 1 ||
      (oz->dtype != OAR_DTYPE_UINT8 && oz->dtype != OAR_DTYPE_INT8))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "the output needs one float32 scale and one 8-bit zero point");
  oar_op_set_output(n, out, 0, oz->dtype, &shape);
  return OAR_OK;
}

const oar_op_schema oar_schema_add_int8 = {
    .name = "add_int8",
    .id = OAR_OP_add_int8,
    .inputs = qadd_inputs,
    .num_inputs = OAR_COUNT_OF(qadd_inputs),
    .outputs = out_only,
    .num_outputs = 1,
    .attrs = qadd_attrs,
    .num_attrs = OAR_COUNT_OF(qadd_attrs),
    .infer = qadd_infer,
};
