/* batch_norm. Inference always normalises with the stored Mean/Variance
 * (is_test / use_global_stats do not change what an inference model
 * computes). The training outputs exist in saved programs: MeanOut and
 * VarianceOut are [C] copies of Mean and Variance; SavedMean,
 * SavedVariance and ReserveSpace are empty ([0]). */
#include "ir/ops/norm.h"

#include "ir/ops/infer_util.h"

static const oar_slot_spec bn_inputs[] = {
    {"X", OAR_SLOT_REQUIRED},    {"Scale", OAR_SLOT_REQUIRED},    {"Bias", OAR_SLOT_REQUIRED},
    {"Mean", OAR_SLOT_REQUIRED}, {"Variance", OAR_SLOT_REQUIRED},
};
static const oar_slot_spec bn_outputs[] = {
    {"Y", OAR_SLOT_REQUIRED},
    {"MeanOut", OAR_SLOT_OPTIONAL},
    {"VarianceOut", OAR_SLOT_OPTIONAL},
    {"SavedMean", OAR_SLOT_OPTIONAL},
    {"SavedVariance", OAR_SLOT_OPTIONAL},
    {"ReserveSpace", OAR_SLOT_OPTIONAL},
};
static const oar_attr_spec bn_attrs[] = {
    [OAR_BN_ATTR_EPSILON] = OAR_ATTR_F("epsilon", 1e-5),
    [OAR_BN_ATTR_DATA_LAYOUT] = OAR_ATTR_S("data_layout", "NCHW"),
};

oar_status oar_batch_norm_channel_axis(const oar_node *n, const oar_shape *x, int *axis, oar_error *err) {
  bool nhwc;
  OAR_TRY(oar_op_parse_nhwc(n, OAR_BN_ATTR_DATA_LAYOUT, &nhwc, err));
  *axis = nhwc ? x->rank - 1 : 1;
  return OAR_OK;
}

static oar_status batch_norm_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                   oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_BN_IN_X, &x, err));
  OAR_TRY(oar_op_check_rank(n, OAR_BN_IN_X, x, 2, 5, err));
  int axis;
  OAR_TRY(oar_batch_norm_channel_axis(n, &x->shape, &axis, err));
  const int64_t c = x->shape.dims[axis];
  char xs[128], ps[128];
  for (int slot = OAR_BN_IN_SCALE; slot <= OAR_BN_IN_VARIANCE; slot++) {
    const oar_tensor_view *p;
    OAR_TRY(oar_op_require_input(n, in, slot, &p, err));
    const bool ok_shape = p->shape.rank == 1 && (c < 0 || p->shape.dims[0] < 0 || p->shape.dims[0] == c);
    if (!ok_shape || p->dtype != OAR_DTYPE_FLOAT32)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                           "input '%s' is %s %s, expected float32 [%lld] (channels of X %s, axis %d)",
                           n->schema->inputs[slot].name, oar_dtype_str(p->dtype),
                           oar_shape_str(&p->shape, ps, sizeof ps), (long long)c,
                           oar_shape_str(&x->shape, xs, sizeof xs), axis);
  }
  const oar_tensor_view *mean = oar_op_input(n, in, OAR_BN_IN_MEAN);
  const oar_tensor_view *var = oar_op_input(n, in, OAR_BN_IN_VARIANCE);
  const int64_t empty_dims[1] = {0};
  const oar_shape empty = oar_shape_make(1, empty_dims);
  oar_op_set_output(n, out, OAR_BN_OUT_Y, x->dtype, &x->shape);
  oar_op_set_output(n, out, OAR_BN_OUT_MEAN_OUT, mean->dtype, &mean->shape);
  oar_op_set_output(n, out, OAR_BN_OUT_VARIANCE_OUT, var->dtype, &var->shape);
  oar_op_set_output(n, out, OAR_BN_OUT_SAVED_MEAN, OAR_DTYPE_FLOAT32, &empty);
  oar_op_set_output(n, out, OAR_BN_OUT_SAVED_VARIANCE, OAR_DTYPE_FLOAT32, &empty);
  oar_op_set_output(n, out, OAR_BN_OUT_RESERVE_SPACE, OAR_DTYPE_FLOAT32, &empty);
  return OAR_OK;
}

const oar_op_schema oar_schema_batch_norm = {
    .name = "batch_norm",
    .id = OAR_OP_batch_norm,
    .inputs = bn_inputs,
    .num_inputs = OAR_COUNT_OF(bn_inputs),
    .outputs = bn_outputs,
    .num_outputs = OAR_COUNT_OF(bn_outputs),
    .attrs = bn_attrs,
    .num_attrs = OAR_COUNT_OF(bn_attrs),
    .infer = batch_norm_infer,
};
