/* instance_norm_nd, layer_norm_axis, lrn_nd: normalizations with ONNX
 * semantics (float32). Output has the input's shape. */
#include "ir/ops/infer_util.h"
#include "ir/ops/op_ext.h"

static oar_status norm_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_NORM_IN_X, &x, err));
  if (n->schema->id == OAR_OP_instance_norm_nd && x->shape.rank < 2)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input must have rank >= 2, got %d", x->shape.rank);
  if (n->schema->id == OAR_OP_layer_norm_axis) {
    int64_t axis = oar_node_attr_i(n, OAR_LNORM_ATTR_AXIS);
    if (axis < -x->shape.rank || axis >= x->shape.rank)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "axis %lld is out of range for rank %d",
                           (long long)axis, x->shape.rank);
    /* Mean and InvStdDev: X's dims before axis, 1 from axis on. */
    oar_shape stat = x->shape;
    for (int i = (int)(axis < 0 ? axis + x->shape.rank : axis); i < stat.rank; i++) stat.dims[i] = 1;
    oar_op_set_output(n, out, 1, OAR_DTYPE_FLOAT32, &stat);
    oar_op_set_output(n, out, 2, OAR_DTYPE_FLOAT32, &stat);
  }
  oar_op_set_output(n, out, OAR_NORM_OUT_Y, x->dtype, &x->shape);
  return OAR_OK;
}

static const oar_slot_spec norm_inputs[] = {
    {"X", OAR_SLOT_REQUIRED}, {"Scale", OAR_SLOT_REQUIRED}, {"B", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec x_input[] = {{"X", OAR_SLOT_REQUIRED}};
static const oar_slot_spec y_output[] = {{"Y", OAR_SLOT_REQUIRED}};
static const oar_slot_spec lnorm_outputs[] = {
    {"Y", OAR_SLOT_REQUIRED}, {"Mean", OAR_SLOT_OPTIONAL}, {"InvStdDev", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec inorm_attrs[] = {[OAR_INORM_ATTR_EPSILON] = OAR_ATTR_F("epsilon", 1e-5)};
static const oar_attr_spec lnorm_attrs[] = {
    [OAR_LNORM_ATTR_AXIS] = OAR_ATTR_I("axis", -1),
    [OAR_LNORM_ATTR_EPSILON] = OAR_ATTR_F("epsilon", 1e-5),
};
static const oar_attr_spec lrn_attrs[] = {
    [OAR_LRN_ATTR_SIZE] = OAR_ATTR_REQUIRED("size", OAR_ATTR_INT),
    [OAR_LRN_ATTR_ALPHA] = OAR_ATTR_F("alpha", 1e-4),
    [OAR_LRN_ATTR_BETA] = OAR_ATTR_F("beta", 0.75),
    [OAR_LRN_ATTR_BIAS] = OAR_ATTR_F("bias", 1.0),
};

const oar_op_schema oar_schema_instance_norm_nd = {
    .name = "instance_norm_nd",
    .id = OAR_OP_instance_norm_nd,
    .inputs = norm_inputs,
    .num_inputs = 3,
    .outputs = y_output,
    .num_outputs = 1,
    .attrs = inorm_attrs,
    .num_attrs = OAR_COUNT_OF(inorm_attrs),
    .infer = norm_infer,
};

const oar_op_schema oar_schema_layer_norm_axis = {
    .name = "layer_norm_axis",
    .id = OAR_OP_layer_norm_axis,
    .inputs = norm_inputs,
    .num_inputs = 3,
    .outputs = lnorm_outputs,
    .num_outputs = 3,
    .attrs = lnorm_attrs,
    .num_attrs = OAR_COUNT_OF(lnorm_attrs),
    .infer = norm_infer,
};

const oar_op_schema oar_schema_lrn_nd = {
    .name = "lrn_nd",
    .id = OAR_OP_lrn_nd,
    .inputs = x_input,
    .num_inputs = 1,
    .outputs = y_output,
    .num_outputs = 1,
    .attrs = lrn_attrs,
    .num_attrs = OAR_COUNT_OF(lrn_attrs),
    .infer = norm_infer,
};
