/* nll_loss: negative log-likelihood of X [N, C, d...] at the classes in
 * Target [N, d...], optionally weighted per class, with reduction none
 * (Target's shape), sum or mean (a scalar; mean divides by the summed
 * weights of the counted elements). Elements whose target equals
 * ignore_index (when has_ignore_index) count zero. */
#include "ir/ops/infer_util.h"
#include "ir/ops/op_ext.h"

static oar_status nll_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  const oar_tensor_view *x, *t;
  OAR_TRY(oar_op_require_input(n, in, OAR_NLL_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_NLL_IN_TARGET, &t, err));
  if (x->shape.rank < 2 || t->shape.rank != x->shape.rank - 1)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "X must be [N, C, d...] and Target [N, d...]");
  if (t->dtype != OAR_DTYPE_INT32 && t->dtype != OAR_DTYPE_INT64)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "Target must be int32 or int64");
  for (int i = 0; i < t->shape.rank; i++) {
    const int64_t xd = x->shape.dims[i == 0 ? 0 : i + 1], td = t->shape.dims[i];
    if (xd >= 0 && td >= 0 && xd != td)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "Target dim %d is %lld, X has %lld", i,
                           (long long)td, (long long)xd);
  }
  int64_t red;
  OAR_TRY(oar_op_attr_int(n, OAR_NLL_ATTR_REDUCTION, 0, 2, &red, err));
  oar_shape s = {0};
  if (red == 0) s = t->shape;
  oar_op_set_output(n, out, 0, x->dtype, &s);
  return OAR_OK;
}

static const oar_slot_spec nll_inputs[] = {
    {"X", OAR_SLOT_REQUIRED}, {"Target", OAR_SLOT_REQUIRED}, {"Weight", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec nll_outputs[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_attr_spec nll_attrs[] = {
    [OAR_NLL_ATTR_REDUCTION] = OAR_ATTR_I("reduction", 2),
    [OAR_NLL_ATTR_IGNORE_INDEX] = OAR_ATTR_I("ignore_index", 0),
    [OAR_NLL_ATTR_HAS_IGNORE_INDEX] = OAR_ATTR_B("has_ignore_index", false),
};

const oar_op_schema oar_schema_nll_loss = {
    .name = "nll_loss",
    .id = OAR_OP_nll_loss,
    .inputs = nll_inputs,
    .num_inputs = 3,
    .outputs = nll_outputs,
    .num_outputs = 1,
    .attrs = nll_attrs,
    .num_attrs = OAR_COUNT_OF(nll_attrs),
    .infer = nll_infer,
};
