/* Stand-in op schemas, for building the Paddle frontend's unit tests
 * against src/ir alone while the real schemas (src/ir/ops) are not linked.
 * NOT part of the CTest build (which links the real ones); use it as
 *   cc test_paddle_program.c paddle_test_stubs.c <frontend, ir, tensor, base>.
 * The ops the tests use mirror the real slot and attribute names (Paddle's);
 * every other op gets X -> Out. The list below is op_list.h when this was
 * written; add a line when an op is added there. */
#include "ir/schema.h"

static const oar_slot_spec x_in[] = {{"X", OAR_SLOT_REQUIRED}};
static const oar_slot_spec out_out[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_slot_spec ew_in[] = {{"X", OAR_SLOT_REQUIRED}, {"Y", OAR_SLOT_REQUIRED}};
static const oar_attr_spec ew_attrs[] = {OAR_ATTR_I("axis", -1)};
static const oar_slot_spec bn_in[] = {{"X", OAR_SLOT_REQUIRED},
                                      {"Scale", OAR_SLOT_REQUIRED},
                                      {"Bias", OAR_SLOT_REQUIRED},
                                      {"Mean", OAR_SLOT_REQUIRED},
                                      {"Variance", OAR_SLOT_REQUIRED}};
static const oar_slot_spec bn_out[] = {{"Y", OAR_SLOT_REQUIRED},
                                       {"MeanOut", OAR_SLOT_OPTIONAL},
                                       {"VarianceOut", OAR_SLOT_OPTIONAL},
                                       {"SavedMean", OAR_SLOT_OPTIONAL},
                                       {"SavedVariance", OAR_SLOT_OPTIONAL},
                                       {"ReserveSpace", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec bn_attrs[] = {OAR_ATTR_F("epsilon", 1e-5), OAR_ATTR_S("data_layout", "NCHW")};
static const oar_slot_spec concat_in[] = {{"X", OAR_SLOT_REQUIRED | OAR_SLOT_VARIADIC},
                                          {"AxisTensor", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec concat_attrs[] = {OAR_ATTR_I("axis", 0)};

#define SCHEMA(op, in, out, attr_list, nattrs)                             \
  const oar_op_schema oar_schema_##op = {.name = #op,                      \
                                         .id = OAR_OP_##op,                \
                                         .inputs = in,                     \
                                         .num_inputs = OAR_COUNT_OF(in),   \
                                         .outputs = out,                   \
                                         .num_outputs = OAR_COUNT_OF(out), \
                                         .attrs = attr_list,               \
                                         .num_attrs = nattrs};

SCHEMA(conv2d, x_in, out_out, NULL, 0)
SCHEMA(depthwise_conv2d, x_in, out_out, NULL, 0)
SCHEMA(batch_norm, bn_in, bn_out, bn_attrs, 2)
SCHEMA(pool2d, x_in, out_out, NULL, 0)
SCHEMA(relu, x_in, out_out, NULL, 0)
SCHEMA(relu6, x_in, out_out, NULL, 0)
SCHEMA(sigmoid, x_in, out_out, NULL, 0)
SCHEMA(swish, x_in, out_out, NULL, 0)
SCHEMA(silu, x_in, out_out, NULL, 0)
SCHEMA(hard_swish, x_in, out_out, NULL, 0)
SCHEMA(hard_sigmoid, x_in, out_out, NULL, 0)
SCHEMA(leaky_relu, x_in, out_out, NULL, 0)
SCHEMA(tanh, x_in, out_out, NULL, 0)
SCHEMA(gelu, x_in, out_out, NULL, 0)
SCHEMA(exp, x_in, out_out, NULL, 0)
SCHEMA(sqrt, x_in, out_out, NULL, 0)
SCHEMA(elementwise_add, ew_in, out_out, ew_attrs, 1)
SCHEMA(elementwise_sub, x_in, out_out, NULL, 0)
SCHEMA(elementwise_mul, x_in, out_out, NULL, 0)
SCHEMA(elementwise_div, x_in, out_out, NULL, 0)
SCHEMA(elementwise_max, x_in, out_out, NULL, 0)
SCHEMA(elementwise_min, x_in, out_out, NULL, 0)
SCHEMA(elementwise_pow, x_in, out_out, NULL, 0)
SCHEMA(matmul, x_in, out_out, NULL, 0)
SCHEMA(matmul_v2, x_in, out_out, NULL, 0)
SCHEMA(mul, x_in, out_out, NULL, 0)
SCHEMA(fc, x_in, out_out, NULL, 0)
SCHEMA(scale, x_in, out_out, NULL, 0)
SCHEMA(softmax, x_in, out_out, NULL, 0)
SCHEMA(mean, x_in, out_out, NULL, 0)
SCHEMA(dropout, x_in, out_out, NULL, 0)
SCHEMA(cast, x_in, out_out, NULL, 0)
SCHEMA(reshape2, x_in, out_out, NULL, 0)
SCHEMA(reshape, x_in, out_out, NULL, 0)
SCHEMA(flatten_contiguous_range, x_in, out_out, NULL, 0)
SCHEMA(flatten2, x_in, out_out, NULL, 0)
SCHEMA(transpose2, x_in, out_out, NULL, 0)
SCHEMA(transpose, x_in, out_out, NULL, 0)
SCHEMA(concat, concat_in, out_out, concat_attrs, 1)
SCHEMA(split, x_in, out_out, NULL, 0)
SCHEMA(squeeze2, x_in, out_out, NULL, 0)
SCHEMA(unsqueeze2, x_in, out_out, NULL, 0)
SCHEMA(slice, x_in, out_out, NULL, 0)
SCHEMA(shape, x_in, out_out, NULL, 0)
SCHEMA(fill_constant, x_in, out_out, NULL, 0)
SCHEMA(assign, x_in, out_out, NULL, 0)
