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

/* x, axis (IntArray) -> X and the `dim` attribute; keepdim -> keep_dim. */
#define REDUCE(pir, legacy, ...)                                        \
  {                                                                     \
    "pd_op." pir, legacy, {T("X"), INTS("dim", NULL, NULL)}, {"Out"}, { \
      {"keepdim", "keep_dim"}, __VA_ARGS__                              \
    }                                                                   \
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

    /* tensor arrays (issue 12; pd_op.array_write_ is emitted by pir_to_paddle.c) */
    {"pd_op.create_array", "create_array", {{OAR_PIR_ARG_NONE, NULL, NULL, NULL}}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.array_read", "read_from_array", {T("X"), T("I")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.array_length", "lod_array_length", {T("X")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.array_to_tensor", "tensor_array_to_tensor", {T("X")}, {"Out", "OutIndex"}, {{NULL, NULL}}},
    {"pd_op.increment", "increment", {T("X")}, {"Out"}, {{"value", "step"}}},

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

    /* Below: legacy ops that the Paddle frontend lowers to generic IR ops
     * (paddle_lower.c), which reads their legacy attribute names. */

    /* element-wise unary */
    UNARY("abs", "abs", {NULL, NULL}),
    UNARY("floor", "floor", {NULL, NULL}),
    UNARY("ceil", "ceil", {NULL, NULL}),
    UNARY("log", "log", {NULL, NULL}),
    UNARY("reciprocal", "reciprocal", {NULL, NULL}),
    UNARY("sin", "sin", {NULL, NULL}),
    UNARY("cos", "cos", {NULL, NULL}),
    UNARY("tan", "tan", {NULL, NULL}),
    UNARY("asin", "asin", {NULL, NULL}),
    UNARY("acos", "acos", {NULL, NULL}),
    UNARY("atan", "atan", {NULL, NULL}),
    UNARY("sinh", "sinh", {NULL, NULL}),
    UNARY("cosh", "cosh", {NULL, NULL}),
    UNARY("asinh", "asinh", {NULL, NULL}),
    UNARY("acosh", "acosh", {NULL, NULL}),
    UNARY("atanh", "atanh", {NULL, NULL}),
    UNARY("sign", "sign", {NULL, NULL}),
    UNARY("erf", "erf", {NULL, NULL}),
    UNARY("softsign", "softsign", {NULL, NULL}),
    UNARY("elu", "elu", {NULL, NULL}),
    UNARY("selu", "selu", {NULL, NULL}),
    UNARY("celu", "celu", {NULL, NULL}),
    UNARY("mish", "mish", {"lambda", "threshold"}),
    UNARY("thresholded_relu", "thresholded_relu", {NULL, NULL}),
    UNARY("softplus", "softplus", {NULL, NULL}),
    UNARY("softshrink", "softshrink", {"threshold", "lambda"}),
    UNARY("hardshrink", "hard_shrink", {NULL, NULL}),
    UNARY("logical_not", "logical_not", {NULL, NULL}),
    UNARY("bitwise_not", "bitwise_not", {NULL, NULL}),
    UNARY("isnan", "isnan_v2", {NULL, NULL}),
    UNARY("square", "square", {NULL, NULL}),
    UNARY("rsqrt", "rsqrt", {NULL, NULL}),
    /* y is an attribute of pd_op.pow (a tensor exponent is elementwise_pow) */
    UNARY("pow", "pow", {"y", "factor"}),
    UNARY("log_softmax", "log_softmax", {NULL, NULL}),
    UNARY("flip", "flip", {NULL, NULL}),
    UNARY("p_norm", "p_norm", {NULL, NULL}),
    UNARY("pixel_shuffle", "pixel_shuffle", {NULL, NULL}),
    /* tril_triu's `lower` is in the PIR op's name (kFixed) */
    UNARY("tril", "tril_triu", {NULL, NULL}),
    UNARY("triu", "tril_triu", {NULL, NULL}),

    /* element-wise binary (numpy broadcasting, as the legacy axis -1) */
    BINARY("remainder", "elementwise_mod"),
    BINARY("logical_and", "logical_and"),
    BINARY("logical_or", "logical_or"),
    BINARY("logical_xor", "logical_xor"),
    BINARY("bitwise_and", "bitwise_and"),
    BINARY("bitwise_or", "bitwise_or"),
    BINARY("bitwise_xor", "bitwise_xor"),
    BINARY("bmm", "bmm"),
    {"pd_op.where", "where", {T("Condition"), T("X"), T("Y")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.clip", "clip", {T("X"), FLOAT("min", "Min"), FLOAT("max", "Max")}, {"Out"}, {{NULL, NULL}}},

    /* reductions: the IntArray axis becomes `dim`. An empty axis list means
     * every axis in PIR (phi's recompute_reduce_all); the legacy lowering
     * reads an empty `dim` the same way, so no reduce_all is needed (only
     * pd_op.prod has one, and it keeps it). pd_op.sum's dtype is the
     * legacy out_dtype, which the lowering refuses unless it is the
     * input's. */
    REDUCE("sum", "reduce_sum", {"dtype", "out_dtype"}),
    REDUCE("mean", "reduce_mean", {NULL, NULL}),
    REDUCE("max", "reduce_max", {NULL, NULL}),
    REDUCE("min", "reduce_min", {NULL, NULL}),
    REDUCE("prod", "reduce_prod", {NULL, NULL}),
    {"pd_op.argmax", "arg_max", {T("X"), INT("axis", NULL)}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.argmin", "arg_min", {T("X"), INT("axis", NULL)}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.topk", "top_k_v2", {T("X"), INT("k", "K")}, {"Out", "Indices"}, {{NULL, NULL}}},

    /* indexing */
    {"pd_op.gather", "gather", {T("X"), T("Index"), INT("axis", NULL)}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.quantize_linear",
     "quantize_linear",
     {T("X"), T("Scale"), T("ZeroPoint"), T("InAccum"), T("InState")},
     {"Y", NULL, NULL, NULL},
     {{NULL, NULL}}},
    {"pd_op.dequantize_linear",
     "dequantize_linear",
     {T("X"), T("Scale"), T("ZeroPoint"), T("InAccum"), T("InState")},
     {"Y", NULL, NULL, NULL},
     {{NULL, NULL}}},
    /* the older PaddleSlim form (issue 14); the translator writes the in-place names */
    {"pd_op.fake_quantize_range_abs_max_",
     "fake_quantize_range_abs_max",
     {T("X"), T("InScale"), T("Iter")},
     {"Out", "OutScale", "OutScales"},
     {{NULL, NULL}}},
    {"pd_op.fake_quantize_range_abs_max",
     "fake_quantize_range_abs_max",
     {T("X"), T("InScale"), T("Iter")},
     {"Out", "OutScale", "OutScales"},
     {{NULL, NULL}}},
    {"pd_op.fake_quantize_moving_average_abs_max_",
     "fake_quantize_moving_average_abs_max",
     {T("X"), T("InScale"), T("InAccum"), T("InState")},
     {"Out", "OutScale", "OutState", "OutAccum"},
     {{NULL, NULL}}},
    {"pd_op.fake_quantize_dequantize_moving_average_abs_max_",
     "fake_quantize_dequantize_moving_average_abs_max",
     {T("X"), T("InScale"), T("InAccum"), T("InState")},
     {"Out", "OutScale", "OutState", "OutAccum"},
     {{NULL, NULL}}},
    {"pd_op.fake_dequantize_max_abs",
     "fake_dequantize_max_abs",
     {T("X"), T("Scale")},
     {"Out"},
     {{NULL, NULL}}},
    {"pd_op.fake_channel_wise_dequantize_max_abs",
     "fake_channel_wise_dequantize_max_abs",
     {T("X"), T("Scales")},
     {"Out"},
     {{NULL, NULL}}},
    {"pd_op.take_along_axis", "take_along_axis", {T("Input"), T("Index")}, {"Result"}, {{"axis", "Axis"}}},
    {"pd_op.gather_nd", "gather_nd", {T("X"), T("Index")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.index_select", "index_select", {T("X"), T("Index")}, {"Out"}, {{"axis", "dim"}}},
    {"pd_op.one_hot", "one_hot_v2", {T("X"), INT("depth", "depth_tensor")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.strided_slice",
     "strided_slice",
     {T("Input"), INTS("starts", NULL, NULL), INTS("ends", NULL, NULL), INTS("strides", NULL, NULL)},
     {"Out"},
     {{NULL, NULL}}},

    /* shapes and fills */
    {"pd_op.expand",
     "expand_v2",
     {T("X"), INTS("shape", "Shape", "expand_shapes_tensor")},
     {"Out"},
     {{NULL, NULL}}},
    {"pd_op.expand_as", "expand_as_v2", {T("X"), T("Y")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.tile", "tile", {T("X"), INTS("repeat_times", NULL, NULL)}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.pad", "pad", {T("X"), FLOAT("pad_value", NULL)}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.pad3d", "pad3d", {T("X"), INTS("paddings", NULL, NULL)}, {"Out"}, {{"pad_value", "value"}}},
    /* start, end and step are tensors (pd_op.full): legacy range's too */
    {"pd_op.arange", "range", {T("Start"), T("End"), T("Step")}, {"Out"}, {{NULL, NULL}}},

    /* nn */
    {"pd_op.conv2d_transpose",
     "conv2d_transpose",
     {T("Input"), T("Filter"), INTS("output_size", NULL, NULL)},
     {"Output"},
     {{NULL, NULL}}},
    {"pd_op.depthwise_conv2d_transpose",
     "depthwise_conv2d_transpose",
     {T("Input"), T("Filter"), INTS("output_size", NULL, NULL)},
     {"Output"},
     {{NULL, NULL}}},
    /* saved_mean / saved_variance are training outputs oar does not make */
    {"pd_op.instance_norm",
     "instance_norm",
     {T("X"), T("Scale"), T("Bias")},
     {"Y", NULL, NULL},
     {{NULL, NULL}}},
    {"pd_op.nearest_interp",
     "nearest_interp_v2",
     {T("X"), T("OutSize"), T("SizeTensor"), T("Scale")},
     {"Out"},
     {{"data_format", "data_layout"}}},
    {"pd_op.bilinear_interp",
     "bilinear_interp_v2",
     {T("X"), T("OutSize"), T("SizeTensor"), T("Scale")},
     {"Out"},
     {{"data_format", "data_layout"}}},

    /* issue 11, batch A */
    UNARY("log1p", "log1p", {NULL, NULL}),
    UNARY("round", "round", {NULL, NULL}),
    UNARY("tanh_shrink", "tanh_shrink", {NULL, NULL}),
    UNARY("share_data", "share_data", {NULL, NULL}),
    {"pd_op.atan2", "atan2", {T("X1"), T("X2")}, {"Out"}, {{NULL, NULL}}},
    BINARY("floor_divide", "elementwise_floordiv"),
    /* pd_op.all / pd_op.any keep the axes as an attribute, not an operand */
    UNARY("all", "reduce_all", {"axis", "dim"}, {"keepdim", "keep_dim"}),
    UNARY("any", "reduce_any", {"axis", "dim"}, {"keepdim", "keep_dim"}),
    {"pd_op.argsort", "argsort", {T("X")}, {"Out", "Indices"}, {{NULL, NULL}}},
    {"pd_op.reverse", "reverse", {T("X"), INTS("axis", NULL, NULL)}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.empty", "empty", {INTS("shape", "ShapeTensor", NULL)}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.gaussian", "gaussian_random", {INTS("shape", "ShapeTensor", NULL)}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.scatter_nd_add", "scatter_nd_add", {T("X"), T("Index"), T("Updates")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.linear_interp",
     "linear_interp_v2",
     {T("X"), T("OutSize"), T("SizeTensor"), T("Scale")},
     {"Out"},
     {{"data_format", "data_layout"}}},
    {"pd_op.trilinear_interp",
     "trilinear_interp_v2",
     {T("X"), T("OutSize"), T("SizeTensor"), T("Scale")},
     {"Out"},
     {{"data_format", "data_layout"}}},
    {"pd_op.bicubic_interp",
     "bicubic_interp_v2",
     {T("X"), T("OutSize"), T("SizeTensor"), T("Scale")},
     {"Out"},
     {{"data_format", "data_layout"}}},
    {"pd_op.pool3d", "pool3d", {T("X")}, {"Out"}, {{"kernel_size", "ksize"}}},
    /* read as a tensor (a stack folded into a shape list is not emitted) */
    {"pd_op.stack", "stack", {T("X")}, {"Y"}, {{NULL, NULL}}},
    {"pd_op.unstack", "unstack", {T("X")}, {"Y"}, {{NULL, NULL}}},
    {"pd_op.unbind", "unbind", {T("X")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.meshgrid", "meshgrid", {T("X")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.add_n", "sum", {T("X")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.affine_channel", "affine_channel", {T("X"), T("Scale"), T("Bias")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.full_batch_size_like", "fill_constant_batch_size_like", {T("Input")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.eye", "eye", {INT("num_rows", NULL), INT("num_columns", NULL)}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.partial_concat", "partial_concat", {T("X")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.partial_sum", "partial_sum", {T("X")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.scatter", "scatter", {T("X"), T("Ids"), T("Updates")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.assign_value", "assign_value", {{OAR_PIR_ARG_NONE, NULL, NULL, NULL}}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.sync_batch_norm",
     "sync_batch_norm",
     {T("X"), T("Mean"), T("Variance"), T("Scale"), T("Bias")},
     {"Y", "MeanOut", "VarianceOut", "SavedMean", "SavedVariance", "ReserveSpace"},
     {{"data_format", "data_layout"}}},
    {"pd_op.linspace", "linspace", {T("Start"), T("Stop"), T("Num")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.set_value",
     "set_value",
     {T("Input"), INTS("starts", NULL, "StartsTensorList"), INTS("ends", NULL, "EndsTensorList"),
      INTS("steps", NULL, "StepsTensorList")},
     {"Out"},
     {{NULL, NULL}}},
    {"pd_op.set_value_with_tensor",
     "set_value",
     {T("Input"), T("ValueTensor"), INTS("starts", NULL, "StartsTensorList"),
      INTS("ends", NULL, "EndsTensorList"), INTS("steps", NULL, "StepsTensorList")},
     {"Out"},
     {{NULL, NULL}}},
    {"pd_op.roll", "roll", {T("X"), INTS("shifts", "ShiftsTensor", NULL)}, {"Out"}, {{NULL, NULL}}},
    /* issue 11, batch B */
    {"pd_op.prelu", "prelu", {T("X"), T("Alpha")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.group_norm",
     "group_norm",
     {T("X"), T("Scale"), T("Bias")},
     {"Y", "Mean", "Variance"},
     {{"data_format", "data_layout"}}},
    {"pd_op.norm", "norm", {T("X")}, {"Out", "Norm"}, {{NULL, NULL}}},
    {"pd_op.max_pool2d_with_index",
     "max_pool2d_with_index",
     {T("X")},
     {"Out", "Mask"},
     {{"kernel_size", "ksize"}}},
    {"pd_op.max_pool3d_with_index",
     "max_pool3d_with_index",
     {T("X")},
     {"Out", "Mask"},
     {{"kernel_size", "ksize"}}},
    {"pd_op.unfold", "unfold", {T("X")}, {"Y"}, {{NULL, NULL}}},
    {"pd_op.temporal_shift", "temporal_shift", {T("X")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.grid_sample", "grid_sampler", {T("X"), T("Grid")}, {"Output"}, {{NULL, NULL}}},
    {"pd_op.roi_align", "roi_align", {T("X"), T("ROIs"), T("RoisNum")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.yolo_box", "yolo_box", {T("X"), T("ImgSize")}, {"Boxes", "Scores"}, {{NULL, NULL}}},
    {"pd_op.box_coder",
     "box_coder",
     {T("PriorBox"), T("PriorBoxVar"), T("TargetBox")},
     {"OutputBox"},
     {{NULL, NULL}}},
    {"pd_op.prior_box", "prior_box", {T("Input"), T("Image")}, {"Boxes", "Variances"}, {{NULL, NULL}}},
    {"pd_op.deformable_conv",
     "deformable_conv",
     {T("Input"), T("Offset"), T("Filter"), T("Mask")},
     {"Output"},
     {{NULL, NULL}}},
    {"pd_op.rnn",
     "rnn",
     {T("Input"), T("PreState"), T("WeightList"), T("SequenceLength"), T("DropoutState")},
     {"Out", "DropoutState", "State", "Reserve"},
     {{NULL, NULL}}},
    /* issue 12: output shapes known only when the op runs */
    {"pd_op.nonzero", "where_index", {T("Condition")}, {"Out"}, {{NULL, NULL}}},
    {"pd_op.masked_select", "masked_select", {T("X"), T("Mask")}, {"Y"}, {{NULL, NULL}}},
    {"pd_op.unique", "unique", {T("X")}, {"Out", "Indices", "Index", "Counts"}, {{NULL, NULL}}},
    {"pd_op.multiclass_nms3",
     "multiclass_nms3",
     {T("BBoxes"), T("Scores"), T("RoisNum")},
     {"Out", "Index", "NmsRoisNum"},
     {{NULL, NULL}}},
    {"pd_op.matrix_nms",
     "matrix_nms",
     {T("BBoxes"), T("Scores")},
     {"Out", "Index", "RoisNum"},
     {{NULL, NULL}}},
    /* issue 12, proposals */
    {"pd_op.generate_proposals",
     "generate_proposals_v2",
     {T("Scores"), T("BboxDeltas"), T("ImShape"), T("Anchors"), T("Variances")},
     {"RpnRois", "RpnRoiProbs", "RpnRoisNum"},
     {{"pre_nms_top_n", "pre_nms_topN"}, {"post_nms_top_n", "post_nms_topN"}}},
    {"pd_op.distribute_fpn_proposals",
     "distribute_fpn_proposals",
     {T("FpnRois"), T("RoisNum")},
     {"MultiFpnRois", "MultiLevelRoIsNum", "RestoreIndex"},
     {{NULL, NULL}}},
};

/* Attributes the PIR op's name implies. */
static const struct {
  const char *pir, *attr;
  int32_t value;
} kFixed[] = {
    {"pd_op.tril", "lower", 1},
    {"pd_op.triu", "lower", 0},
};

const char *oar_pir_op_fixed_attr(const oar_pir_op_map *m, int32_t *value) {
  for (size_t i = 0; i < sizeof kFixed / sizeof kFixed[0]; i++)
    if (strcmp(kFixed[i].pir, m->pir) == 0) {
      *value = kFixed[i].value;
      return kFixed[i].attr;
    }
  return NULL;
}

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
