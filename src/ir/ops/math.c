/* scale, softmax, mean, dropout (inference form) and cast. */
#include "ir/ops/math.h"

#include <string.h>

#include "ir/ops/infer_util.h"

/* ---- scale ---------------------------------------------------------------- */

static const oar_slot_spec scale_inputs[] = {{"X", OAR_SLOT_REQUIRED}, {"ScaleTensor", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec scale_outputs[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_attr_spec scale_attrs[] = {
    [OAR_SCALE_ATTR_SCALE] = OAR_ATTR_F("scale", 1.0),
    [OAR_SCALE_ATTR_BIAS] = OAR_ATTR_F("bias", 0.0),
    [OAR_SCALE_ATTR_BIAS_AFTER_SCALE] = OAR_ATTR_B("bias_after_scale", true),
};

static oar_status scale_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_SCALE_IN_X, &x, err));
  const oar_tensor_view *st = oar_op_input(n, in, OAR_SCALE_IN_SCALE_TENSOR);
  if (st) {
    const int64_t numel = oar_shape_numel(&st->shape);
    char buf[128];
    if (oar_shape_is_known(&st->shape) && numel != 1)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                           "input 'ScaleTensor' has shape %s, expected one element",
                           oar_shape_str(&st->shape, buf, sizeof buf));
  }
  oar_op_set_output(n, out, OAR_SCALE_OUT_OUT, x->dtype, &x->shape);
  return OAR_OK;
}

const oar_op_schema oar_schema_scale = {
    .name = "scale",
    .id = OAR_OP_scale,
    .inputs = scale_inputs,
    .num_inputs = OAR_COUNT_OF(scale_inputs),
    .outputs = scale_outputs,
    .num_outputs = OAR_COUNT_OF(scale_outputs),
    .attrs = scale_attrs,
    .num_attrs = OAR_COUNT_OF(scale_attrs),
    .infer = scale_infer,
    .flags = OAR_OP_INPLACE,
};

/* ---- softmax -------------------------------------------------------------- */

static const oar_slot_spec x_input[] = {{"X", OAR_SLOT_REQUIRED}};
static const oar_slot_spec out_output[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_attr_spec softmax_attrs[] = {[OAR_SOFTMAX_ATTR_AXIS] = OAR_ATTR_I("axis", -1)};

static oar_status softmax_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_SOFTMAX_IN_X, &x, err));
  int axis;
  /* A 0-D input behaves as rank 1 (axis -1 or 0). */
  const int rank = x->shape.rank > 0 ? x->shape.rank : 1;
  OAR_TRY(oar_op_norm_axis(n, OAR_SOFTMAX_ATTR_AXIS, oar_node_attr_i(n, OAR_SOFTMAX_ATTR_AXIS), rank, &axis,
                           err));
  oar_op_set_output(n, out, OAR_SOFTMAX_OUT_OUT, x->dtype, &x->shape);
  return OAR_OK;
}

const oar_op_schema oar_schema_softmax = {
    .name = "softmax",
    .id = OAR_OP_softmax,
    .inputs = x_input,
    .num_inputs = OAR_COUNT_OF(x_input),
    .outputs = out_output,
    .num_outputs = OAR_COUNT_OF(out_output),
    .attrs = softmax_attrs,
    .num_attrs = OAR_COUNT_OF(softmax_attrs),
    .infer = softmax_infer,
};

/* ---- mean ----------------------------------------------------------------- */

/* Mean of all elements. Paddle >= 2.5 gives a 0-D result (earlier
 * versions [1]); oar follows the newer rule. */
static oar_status mean_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_MEAN_IN_X, &x, err));
  const oar_shape scalar = oar_shape_make(0, NULL);
  oar_op_set_output(n, out, OAR_MEAN_OUT_OUT, x->dtype, &scalar);
  return OAR_OK;
}

const oar_op_schema oar_schema_mean = {
    .name = "mean",
    .id = OAR_OP_mean,
    .inputs = x_input,
    .num_inputs = OAR_COUNT_OF(x_input),
    .outputs = out_output,
    .num_outputs = OAR_COUNT_OF(out_output),
    .infer = mean_infer,
};

/* ---- dropout -------------------------------------------------------------- */

static const oar_slot_spec dropout_inputs[] = {{"X", OAR_SLOT_REQUIRED}, {"Seed", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec dropout_outputs[] = {{"Out", OAR_SLOT_REQUIRED}, {"Mask", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec dropout_attrs[] = {
    [OAR_DROPOUT_ATTR_DROPOUT_PROB] = OAR_ATTR_F("dropout_prob", 0.5),
    [OAR_DROPOUT_ATTR_IMPLEMENTATION] = OAR_ATTR_S("dropout_implementation", "downgrade_in_infer"),
};

/* Inference form: downgrade_in_infer gives x * (1 - p), upscale_in_train
 * gives x. Mask (training only) is empty. */
static oar_status dropout_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_DROPOUT_IN_X, &x, err));
  const char *impl = oar_op_attr_str(n, OAR_DROPOUT_ATTR_IMPLEMENTATION);
  if (strcmp(impl, "downgrade_in_infer") != 0 && strcmp(impl, "upscale_in_train") != 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "attribute 'dropout_implementation' is \"%s\", expected \"downgrade_in_infer\" or "
                         "\"upscale_in_train\"",
                         impl);
  const int64_t zero = 0;
  const oar_shape empty = oar_shape_make(1, &zero);
  oar_op_set_output(n, out, OAR_DROPOUT_OUT_OUT, x->dtype, &x->shape);
  oar_op_set_output(n, out, OAR_DROPOUT_OUT_MASK, OAR_DTYPE_UINT8, &empty);
  return OAR_OK;
}

const oar_op_schema oar_schema_dropout = {
    .name = "dropout",
    .id = OAR_OP_dropout,
    .inputs = dropout_inputs,
    .num_inputs = OAR_COUNT_OF(dropout_inputs),
    .outputs = dropout_outputs,
    .num_outputs = OAR_COUNT_OF(dropout_outputs),
    .attrs = dropout_attrs,
    .num_attrs = OAR_COUNT_OF(dropout_attrs),
    .infer = dropout_infer,
};

/* ---- cast ----------------------------------------------------------------- */

/* in_dtype is not kept: Paddle's kernel converts from X's actual dtype. */
static const oar_attr_spec cast_attrs[] = {
    [OAR_CAST_ATTR_OUT_DTYPE] = OAR_ATTR_REQUIRED("out_dtype", OAR_ATTR_INT),
};

bool oar_cast_dtype_from_var_type(int64_t var_type, oar_dtype *dtype) {
  switch (var_type) {
    case 0: *dtype = OAR_DTYPE_BOOL; return true;
    case 1: *dtype = OAR_DTYPE_INT16; return true;
    case 2: *dtype = OAR_DTYPE_INT32; return true;
    case 3: *dtype = OAR_DTYPE_INT64; return true;
    case 4: *dtype = OAR_DTYPE_FLOAT16; return true;
    case 5: *dtype = OAR_DTYPE_FLOAT32; return true;
    case 6: *dtype = OAR_DTYPE_FLOAT64; return true;
    case 20: *dtype = OAR_DTYPE_UINT8; return true;
    case 21: *dtype = OAR_DTYPE_INT8; return true;
    default: return false;
  }
}

static oar_status cast_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_CAST_IN_X, &x, err));
  int64_t code;
  OAR_TRY(oar_op_attr_int(n, OAR_CAST_ATTR_OUT_DTYPE, INT64_MIN, INT64_MAX, &code, err));
  oar_dtype dtype;
  if (!oar_cast_dtype_from_var_type(code, &dtype))
    return oar_error_set(
        err, OAR_ERR_UNSUPPORTED,
        "attribute 'out_dtype' is %lld, not a supported Paddle dtype (0 bool, 1 int16, 2 int32, "
        "3 int64, 4 float16, 5 float32, 6 float64, 20 uint8, 21 int8)",
        (long long)code);
  oar_op_set_output(n, out, OAR_CAST_OUT_OUT, dtype, &x->shape);
  return OAR_OK;
}

const oar_op_schema oar_schema_cast = {
    .name = "cast",
    .id = OAR_OP_cast,
    .inputs = x_input,
    .num_inputs = OAR_COUNT_OF(x_input),
    .outputs = out_output,
    .num_outputs = OAR_COUNT_OF(out_output),
    .attrs = cast_attrs,
    .num_attrs = OAR_COUNT_OF(cast_attrs),
    .infer = cast_infer,
};
