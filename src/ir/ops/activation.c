/* Element-wise activations: output has the input's shape and dtype. The
 * defaults are those of Paddle's legacy op makers; Python front ends often
 * save other values (hard_sigmoid slope 1/6, leaky_relu alpha 0.01), and
 * saved programs carry every attribute. */
#include "ir/ops/activation.h"

#include "ir/ops/infer_util.h"

static const oar_slot_spec act_inputs[] = {{"X", OAR_SLOT_REQUIRED}};
static const oar_slot_spec act_outputs[] = {{"Out", OAR_SLOT_REQUIRED}};

static oar_status act_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_ACT_IN_X, &x, err));
  oar_op_set_output(n, out, OAR_ACT_OUT_OUT, x->dtype, &x->shape);
  return OAR_OK;
}

static const oar_attr_spec relu6_attrs[] = {
    [OAR_RELU6_ATTR_THRESHOLD] = OAR_ATTR_F("threshold", 6.0),
};
static const oar_attr_spec swish_attrs[] = {
    [OAR_SWISH_ATTR_BETA] = OAR_ATTR_F("beta", 1.0),
};
/* Kept so programs that carry them load and print; Paddle >= 2.5 ignores
 * them (fixed 6 / 6 / 3), and so does oar (see runtime/ops/activation.c). */
static const oar_attr_spec hard_swish_attrs[] = {
    [OAR_HARD_SWISH_ATTR_THRESHOLD] = OAR_ATTR_F("threshold", 6.0),
    [OAR_HARD_SWISH_ATTR_SCALE] = OAR_ATTR_F("scale", 6.0),
    [OAR_HARD_SWISH_ATTR_OFFSET] = OAR_ATTR_F("offset", 3.0),
};
static const oar_attr_spec hard_sigmoid_attrs[] = {
    [OAR_HARD_SIGMOID_ATTR_SLOPE] = OAR_ATTR_F("slope", 0.2),
    [OAR_HARD_SIGMOID_ATTR_OFFSET] = OAR_ATTR_F("offset", 0.5),
};
static const oar_attr_spec leaky_relu_attrs[] = {
    [OAR_LEAKY_RELU_ATTR_ALPHA] = OAR_ATTR_F("alpha", 0.02),
};
static const oar_attr_spec gelu_attrs[] = {
    [OAR_GELU_ATTR_APPROXIMATE] = OAR_ATTR_B("approximate", false),
};

#define ACT_SCHEMA(op, attr_array, nattrs)      \
  const oar_op_schema oar_schema_##op = {       \
      .name = #op,                              \
      .id = OAR_OP_##op,                        \
      .inputs = act_inputs,                     \
      .num_inputs = OAR_COUNT_OF(act_inputs),   \
      .outputs = act_outputs,                   \
      .num_outputs = OAR_COUNT_OF(act_outputs), \
      .attrs = attr_array,                      \
      .num_attrs = nattrs,                      \
      .infer = act_infer,                       \
      .flags = OAR_OP_INPLACE,                  \
  }

ACT_SCHEMA(relu, NULL, 0);
ACT_SCHEMA(relu6, relu6_attrs, OAR_COUNT_OF(relu6_attrs));
ACT_SCHEMA(sigmoid, NULL, 0);
ACT_SCHEMA(swish, swish_attrs, OAR_COUNT_OF(swish_attrs));
ACT_SCHEMA(silu, NULL, 0);
ACT_SCHEMA(hard_swish, hard_swish_attrs, OAR_COUNT_OF(hard_swish_attrs));
ACT_SCHEMA(hard_sigmoid, hard_sigmoid_attrs, OAR_COUNT_OF(hard_sigmoid_attrs));
ACT_SCHEMA(leaky_relu, leaky_relu_attrs, OAR_COUNT_OF(leaky_relu_attrs));
ACT_SCHEMA(tanh, NULL, 0);
ACT_SCHEMA(gelu, gelu_attrs, OAR_COUNT_OF(gelu_attrs));
ACT_SCHEMA(exp, NULL, 0);
ACT_SCHEMA(sqrt, NULL, 0);
