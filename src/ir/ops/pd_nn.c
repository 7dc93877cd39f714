/* prelu, group_norm, norm: Paddle's ops (float32), schemas and shapes. */
#include <string.h>

#include "ir/ops/infer_util.h"
#include "ir/ops/pd_ops.h"

/* The Alpha shape prelu's mode wants: 1 value (all), C (channel: dim 1,
 * or the last dim with NHWC), or X's shape without the batch (element). */
static oar_status prelu_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  const oar_tensor_view *x, *a;
  OAR_TRY(oar_op_require_input(n, in, OAR_PRELU_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_PRELU_IN_ALPHA, &a, err));
  OAR_TRY(oar_op_check_same_dtype(n, OAR_PRELU_IN_X, x, OAR_PRELU_IN_ALPHA, a, err));
  const char *mode = oar_op_attr_str(n, OAR_PRELU_ATTR_MODE);
  bool nhwc;
  OAR_TRY(oar_op_parse_nhwc(n, OAR_PRELU_ATTR_DATA_FORMAT, &nhwc, err));
  int64_t want = 1;
  if (strcmp(mode, "channel") == 0) {
    OAR_TRY(oar_op_check_rank(n, OAR_PRELU_IN_X, x, 2, OAR_MAX_RANK, err));
    want = x->shape.dims[nhwc ? x->shape.rank - 1 : 1];
  } else if (strcmp(mode, "element") == 0) {
    OAR_TRY(oar_op_check_rank(n, OAR_PRELU_IN_X, x, 1, OAR_MAX_RANK, err));
    for (int i = 1; i < x->shape.rank; i++)
      want = x->shape.dims[i] < 0 || want < 0 ? -1 : want * x->shape.dims[i];
  } else if (strcmp(mode, "all") != 0) {
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "attribute 'mode' is \"%s\", expected all, channel or element", mode);
  }
  const int64_t have = oar_shape_numel(&a->shape);
  if (want >= 0 && have >= 0 && have != want)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'Alpha' has %lld values; mode %s wants %lld",
                         (long long)have, mode, (long long)want);
  oar_op_set_output(n, out, 0, x->dtype, &x->shape);
  return OAR_OK;
}

static oar_status group_norm_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                   oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_GNORM_IN_X, &x, err));
  OAR_TRY(oar_op_check_rank(n, OAR_GNORM_IN_X, x, 2, OAR_MAX_RANK, err));
  bool nhwc;
  OAR_TRY(oar_op_parse_nhwc(n, OAR_GNORM_ATTR_DATA_LAYOUT, &nhwc, err));
  int64_t groups;
  OAR_TRY(oar_op_attr_int(n, OAR_GNORM_ATTR_GROUPS, 1, OAR_ATTR_SIZE_MAX, &groups, err));
  const int64_t c = x->shape.dims[nhwc ? x->shape.rank - 1 : 1];
  if (c >= 0 && c % groups != 0)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has %lld channels, which %lld groups do not divide",
                         (long long)c, (long long)groups);
  for (int slot = OAR_GNORM_IN_SCALE; slot <= OAR_GNORM_IN_BIAS; slot++) {
    const oar_tensor_view *v = oar_op_input(n, in, slot);
    if (v && c >= 0 && oar_shape_numel(&v->shape) != c)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input '%s' has %lld values, expected %lld (channels)",
                           n->schema->inputs[slot].name, (long long)oar_shape_numel(&v->shape), (long long)c);
  }
  const int64_t stat_dims[2] = {x->shape.dims[0], groups};
  const oar_shape stat = oar_shape_make(2, stat_dims);
  oar_op_set_output(n, out, OAR_GNORM_OUT_Y, x->dtype, &x->shape);
  oar_op_set_output(n, out, OAR_GNORM_OUT_MEAN, x->dtype, &stat);
  oar_op_set_output(n, out, OAR_GNORM_OUT_VARIANCE, x->dtype, &stat);
  return OAR_OK;
}

static oar_status l2norm_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, 0, &x, err));
  int axis;
  OAR_TRY(oar_op_norm_axis(n, OAR_L2NORM_ATTR_AXIS, oar_node_attr_i(n, OAR_L2NORM_ATTR_AXIS), x->shape.rank,
                           &axis, err));
  oar_shape norm = x->shape;
  norm.dims[axis] = 1;
  oar_op_set_output(n, out, OAR_L2NORM_OUT_OUT, x->dtype, &x->shape);
  oar_op_set_output(n, out, OAR_L2NORM_OUT_NORM, x->dtype, &norm);
  return OAR_OK;
}

static const oar_slot_spec prelu_inputs[] = {{"X", OAR_SLOT_REQUIRED}, {"Alpha", OAR_SLOT_REQUIRED}};
static const oar_slot_spec out_output[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_attr_spec prelu_attrs[] = {
    [OAR_PRELU_ATTR_MODE] = OAR_ATTR_S("mode", "all"),
    [OAR_PRELU_ATTR_DATA_FORMAT] = OAR_ATTR_S("data_format", "NCHW"),
};

static const oar_slot_spec gnorm_inputs[] = {
    {"X", OAR_SLOT_REQUIRED}, {"Scale", OAR_SLOT_OPTIONAL}, {"Bias", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec gnorm_outputs[] = {
    {"Y", OAR_SLOT_REQUIRED}, {"Mean", OAR_SLOT_OPTIONAL}, {"Variance", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec gnorm_attrs[] = {
    [OAR_GNORM_ATTR_EPSILON] = OAR_ATTR_F("epsilon", 1e-5),
    [OAR_GNORM_ATTR_GROUPS] = OAR_ATTR_REQUIRED("groups", OAR_ATTR_INT),
    [OAR_GNORM_ATTR_DATA_LAYOUT] = OAR_ATTR_S("data_layout", "NCHW"),
};

static const oar_slot_spec x_input[] = {{"X", OAR_SLOT_REQUIRED}};
static const oar_slot_spec l2norm_outputs[] = {{"Out", OAR_SLOT_REQUIRED}, {"Norm", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec l2norm_attrs[] = {
    [OAR_L2NORM_ATTR_AXIS] = OAR_ATTR_I("axis", 1),
    [OAR_L2NORM_ATTR_EPSILON] = OAR_ATTR_F("epsilon", 1e-10),
};

const oar_op_schema oar_schema_prelu = {
    .name = "prelu",
    .id = OAR_OP_prelu,
    .inputs = prelu_inputs,
    .num_inputs = OAR_COUNT_OF(prelu_inputs),
    .outputs = out_output,
    .num_outputs = 1,
    .attrs = prelu_attrs,
    .num_attrs = OAR_COUNT_OF(prelu_attrs),
    .infer = prelu_infer,
};

const oar_op_schema oar_schema_group_norm = {
    .name = "group_norm",
    .id = OAR_OP_group_norm,
    .inputs = gnorm_inputs,
    .num_inputs = OAR_COUNT_OF(gnorm_inputs),
    .outputs = gnorm_outputs,
    .num_outputs = OAR_COUNT_OF(gnorm_outputs),
    .attrs = gnorm_attrs,
    .num_attrs = OAR_COUNT_OF(gnorm_attrs),
    .infer = group_norm_infer,
};

const oar_op_schema oar_schema_norm = {
    .name = "norm",
    .id = OAR_OP_norm,
    .inputs = x_input,
    .num_inputs = 1,
    .outputs = l2norm_outputs,
    .num_outputs = OAR_COUNT_OF(l2norm_outputs),
    .attrs = l2norm_attrs,
    .num_attrs = OAR_COUNT_OF(l2norm_attrs),
    .infer = l2norm_infer,
};
