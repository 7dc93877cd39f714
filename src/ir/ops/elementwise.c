/* elementwise_add/sub/mul/div/max/min/pow: X, Y -> Out, attribute axis.
 * X and Y have one dtype; Out has it too, with the broadcast shape (see
 * oar_broadcast_axis). */
#include "ir/ops/elementwise.h"

#include "ir/ops/infer_util.h"

static const oar_slot_spec ew_inputs[] = {{"X", OAR_SLOT_REQUIRED}, {"Y", OAR_SLOT_REQUIRED}};
static const oar_slot_spec ew_outputs[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_attr_spec ew_attrs[] = {[OAR_EW_ATTR_AXIS] = OAR_ATTR_I("axis", -1)};

static oar_status ew_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                           oar_error *err) {
  const oar_tensor_view *x, *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_EW_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_EW_IN_Y, &y, err));
  OAR_TRY(oar_op_check_same_dtype(n, OAR_EW_IN_X, x, OAR_EW_IN_Y, y, err));
  int64_t axis;
  OAR_TRY(oar_op_attr_int(n, OAR_EW_ATTR_AXIS, -OAR_MAX_RANK - 1, OAR_MAX_RANK, &axis, err));
  oar_shape shape;
  OAR_TRY(oar_broadcast_axis(&x->shape, &y->shape, axis, &shape, NULL, NULL, "X", "Y", err));
  oar_op_set_output(n, out, OAR_EW_OUT_OUT, x->dtype, &shape);
  return OAR_OK;
}

#define EW_SCHEMA(op)                          \
  const oar_op_schema oar_schema_##op = {      \
      .name = #op,                             \
      .id = OAR_OP_##op,                       \
      .inputs = ew_inputs,                     \
      .num_inputs = OAR_COUNT_OF(ew_inputs),   \
      .outputs = ew_outputs,                   \
      .num_outputs = OAR_COUNT_OF(ew_outputs), \
      .attrs = ew_attrs,                       \
      .num_attrs = OAR_COUNT_OF(ew_attrs),     \
      .infer = ew_infer,                       \
      .flags = OAR_OP_INPLACE,                 \
  }

EW_SCHEMA(elementwise_add);
EW_SCHEMA(elementwise_sub);
EW_SCHEMA(elementwise_mul);
EW_SCHEMA(elementwise_div);
EW_SCHEMA(elementwise_max);
EW_SCHEMA(elementwise_min);
EW_SCHEMA(elementwise_pow);
