#include "frontend/pir/pir_op_table.h"

#include <string.h>

/* Operand forms. */
#define T(slot) \
  { OAR_PIR_ARG_TENSOR, slot, NULL, NULL }
#define INTS(attr, slot, list_slot) \
  { OAR_PIR_ARG_INTS, slot, attr, list_slot }
#define INT(attr, slot) \
  { OAR_PIR_ARG_INT, slot, attr, NULL }
#define FLOAT(attr, slot) \
  { OAR_PIR_ARG_FLOAT, slot, attr, NULL }

/* x -> X, out -> Out, with optional renames. */
#define UNARY(pir, legacy, ...)                              \
  {                                                          \
    "pd_op." pir, legacy, {T("X")}, {"Out"}, { __VA_ARGS__ } \
  }
/* x, y -> X, Y (numpy broadcasting: the legacy ops' default axis -1). */
#define BINARY(pir, legacy)                            \
  {                                                    \
    "pd_op." pir, legacy, {T("X"), T("Y")}, {"Out"}, { \
      { NULL, NULL }                                   \
    }                                                  \
  }

/* Operand order and names: Paddle 3.3's op YAML (checked against the
 * programs paddle.jit.save and paddle.pir.translate_to_pir write, see
 * scripts/gen_pir_fixtures.py); legacy slots: src/ir/ops. */
static const oar_pir_op_map kMaps[] = {
    /* activations */
    UNARY("relu", "relu", {NULL, NULL}),
    UNARY("relu6", "relu6", {NULL, NULL}),
    UNARY("sigmoid", "sigmoid", {NULL, NULL}),
    UNARY("swish", "swish", {NULL, NULL}),
    UNARY("silu", "silu", {NULL, NULL}),
    UNARY("tanh", "tanh", {NULL, NULL}),
    UNARY("exp", "exp", {NULL, NULL}),
    UNARY("sqrt", "sqrt", {NULL, NULL}),
    UNARY("gelu", "gelu", {NULL, NULL}),
    UNARY("hardswish", "hard_swish", {NULL, NULL}),
    UNARY("hardsigmoid", "hard_sigmoid", {NULL, NULL}),
    UNARY("leaky_relu", "leaky_relu", {"negative_slope", "alpha"}),

    /* element-wise binary and comparisons */
    BINARY("add", "elementwise_add"),
    BINARY("subtract", "elementwise_sub"),
    BINARY("multiply", "elementwise_mul"),
    BINARY("divide", "elementwise_div"),
    BINARY("maximum", "elementwise_max"),
    BINARY("minimum", "elementwise_min"),
    BINARY("elementwise_pow", "elementwise_pow"),
    BINARY("equal", "equal"),
    BINARY("not_equal", "not_equal"),
    BINARY("less_than", "less_than"),
    BINARY("less_equal", "less_equal"),
    BINARY("greater_than", "greater_than"),
    BINARY("greater_equal", "greater_equal"),

    /* nn */
    {"pd_op.conv2d", "conv2d", {T("Input"), T("Filter")}, {"Output"}, {{NULL, NULL}}},
    {"pd_op.depthwise_conv2d", "depthwise_conv2d", {T("Input"), T("Filter")}, {"Output"}, {{NULL, NULL}}},
    {"pd_op.batch_norm",
     "batch_norm",
     {T("X"), T("Mean"), T("Variance"), T("Scale"), T("Bias")},
     {"Y", "MeanOut", "VarianceOut", "SavedMean", "SavedVariance", "ReserveSpace"},
     {{"data_format", "data_layout"}}},
    {"pd_op.pool2d", "pool2d", {T("X"), INTS("ksize", NULL, NULL)}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.layer_norm",
     "layer_norm",
     {T("X"), T("Scale"), T("Bias")},
     {"Y", "Mean", "Variance"},
     {{NULL, NULL}}},
    {"pd_op.dropout",
     "dropout",
     {T("X"), T("Seed"), FLOAT("dropout_prob", NULL)},
     {"Out", "Mask"},
     {{"mode", "dropout_implementation"}}},
    {"pd_op.softmax", "softmax", {T("X")}, {"Out"}, {{NULL, NULL}}},

    /* matrix products */
    {"pd_op.matmul",
     "matmul_v2",
     {T("X"), T("Y")},
     {"Out"},
     {{"transpose_x", "trans_x"}, {"transpose_y", "trans_y"}}},
    {"pd_op.matmul_with_flatten", "mul", {T("X"), T("Y")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.fc", "fc", {T("Input"), T("W"), T("Bias")}, {"Out"}, {{NULL, NULL}}},

    /* math */
    {"pd_op.scale", "scale", {T("X"), FLOAT("scale", "ScaleTensor")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.mean_all", "mean", {T("X")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.cast", "cast", {T("X")}, {"Out"}, {{"dtype", "out_dtype"}}},
    {"pd_op.cumsum", "cumsum", {T("X"), INT("axis", NULL)}, {"Out"}, {{NULL, NULL}}},

    /* shape and data movement */
    {"pd_op.reshape",
     "reshape2",
     {T("X"), INTS("shape", "Shape", "ShapeTensor")},
     {"Out", "XShape"},
     {{NULL, NULL}}},
    {"pd_op.legacy_reshape",
     "reshape",
     {T("X"), INTS("shape", "Shape", "ShapeTensor")},
     {"Out"},
     {{NULL, NULL}}},
    {"pd_op.flatten", "flatten_contiguous_range", {T("X")}, {"Out", "XShape"}, {{NULL, NULL}}},
    {"pd_op.transpose", "transpose2", {T("X")}, {"Out", "XShape"}, {{"perm", "axis"}}},
    {"pd_op.concat", "concat", {T("X"), INT("axis", "AxisTensor")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.split",
     "split",
     {T("X"), INTS("sections", NULL, "SectionsTensorList"), INT("axis", "AxisTensor")},
     {"Out"},
     {{NULL, NULL}}},
    {"pd_op.split_with_num", "split", {T("X"), INT("axis", "AxisTensor")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.squeeze", "squeeze2", {T("X"), INTS("axes", NULL, NULL)}, {"Out", "XShape"}, {{NULL, NULL}}},
    {"pd_op.unsqueeze",
     "unsqueeze2",
     {T("X"), INTS("axes", "AxesTensor", "AxesTensorList")},
     {"Out", "XShape"},
     {{NULL, NULL}}},
    {"pd_op.slice",
     "slice",
     {T("Input"), INTS("starts", "StartsTensor", "StartsTensorList"),
      INTS("ends", "EndsTensor", "EndsTensorList")},
     {"Out"},
     {{NULL, NULL}}},
    {"pd_op.shape", "shape", {T("Input")}, {"Out"}, {{NULL, NULL}}},
    /* int64 dims: the IR's format-free shape_of (legacy `shape` gives int32) */
    {"pd_op.shape64", "shape_of", {T("X")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.assign", "assign", {T("X")}, {"Out"}, {{NULL, NULL}}},

    /* constants and fills (pd_op.full is emitted only where it is read as
     * a tensor; pd_op.full_int_array then becomes a constant value) */
    {"pd_op.full", "fill_constant", {{OAR_PIR_ARG_NONE, NULL, NULL, NULL}}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.full_with_tensor",
     "fill_constant",
     {FLOAT("value", "ValueTensor"), INTS("shape", "ShapeTensor", "ShapeTensorList")},
     {"Out"},
     {{NULL, NULL}}},
    {"pd_op.full_like", "fill_any_like", {T("X"), FLOAT("value", NULL)}, {"Out"}, {{NULL, NULL}}},

    /* transformers */
    {"pd_op.embedding", "lookup_table_v2", {T("Ids"), T("W")}, {"Out"}, {{NULL, NULL}}},
};

static const oar_pir_op_map *find_exact(const char *name, size_t len) {
  for (size_t i = 0; i < sizeof kMaps / sizeof kMaps[0]; i++)
    if (strlen(kMaps[i].pir) == len && strncmp(kMaps[i].pir, name, len) == 0) return &kMaps[i];
  return NULL;
}

const oar_pir_op_map *oar_pir_op_map_find(const char *pir_name) {
  size_t len = strlen(pir_name);
  const oar_pir_op_map *m = find_exact(pir_name, len);
  /* In-place variants (pd_op.batch_norm_, pd_op.relu_, ...) compute the
   * same values as their out-of-place op. */
  if (!m && len > 7 && pir_name[len - 1] == '_' && strncmp(pir_name, "pd_op.", 6) == 0)
    m = find_exact(pir_name, len - 1);
  return m;
}

const oar_pir_op_map *oar_pir_op_maps(size_t *count) {
  *count = sizeof kMaps / sizeof kMaps[0];
  return kMaps;
}
