/* The ONNX op types oar converts, sorted by name for binary search. */
#include <string.h>

#include "frontend/onnx/onnx_ops.h"

static const onnx_op_entry table[] = {
    {"Abs", onnx_convert_abs},
    {"Acos", onnx_convert_acos},
    {"Acosh", onnx_convert_acosh},
    {"Add", onnx_convert_add},
    {"And", onnx_convert_and},
    {"ArgMax", onnx_convert_argmax},
    {"ArgMin", onnx_convert_argmin},
    {"Asin", onnx_convert_asin},
    {"Asinh", onnx_convert_asinh},
    {"Atan", onnx_convert_atan},
    {"Atanh", onnx_convert_atanh},
    {"AveragePool", onnx_convert_average_pool},
    {"BatchNormalization", onnx_convert_batch_norm},
    {"BitShift", onnx_convert_bitshift},
    {"BitwiseAnd", onnx_convert_bitwise_and},
    {"BitwiseNot", onnx_convert_bitwise_not},
    {"BitwiseOr", onnx_convert_bitwise_or},
    {"BitwiseXor", onnx_convert_bitwise_xor},
    {"Cast", onnx_convert_cast},
    {"CastLike", onnx_convert_cast_like},
    {"Ceil", onnx_convert_ceil},
    {"Celu", onnx_convert_celu},
    {"Clip", onnx_convert_clip},
    {"Compress", onnx_convert_compress}, /* issue 12 */
    {"Concat", onnx_convert_concat},
    {"Constant", onnx_convert_constant},
    {"ConstantOfShape", onnx_convert_constant_of_shape},
    {"Conv", onnx_convert_conv},
    {"ConvInteger", onnx_convert_conv_integer}, /* issue 14 */
    {"ConvTranspose", onnx_convert_conv_transpose},
    {"Cos", onnx_convert_cos},
    {"Cosh", onnx_convert_cosh},
    {"CumSum", onnx_convert_cumsum},
    {"DepthToSpace", onnx_convert_depth_to_space},
    {"DequantizeLinear", onnx_convert_dequantize_linear},
    {"Div", onnx_convert_div},
    {"Dropout", onnx_convert_dropout},
    {"DynamicQuantizeLinear", onnx_convert_dynamic_quantize_linear}, /* issue 14 */
    {"Einsum", onnx_convert_einsum},
    {"Elu", onnx_convert_elu},
    {"Equal", onnx_convert_equal},
    {"Erf", onnx_convert_erf},
    {"Exp", onnx_convert_exp},
    {"Expand", onnx_convert_expand},
    {"EyeLike", onnx_convert_eye_like},
    {"Flatten", onnx_convert_flatten},
    {"Floor", onnx_convert_floor},
    {"GRU", onnx_convert_gru},
    {"Gather", onnx_convert_gather},
    {"GatherElements", onnx_convert_gather_elements},
    {"GatherND", onnx_convert_gather_nd},
    {"Gelu", onnx_convert_gelu},
    {"Gemm", onnx_convert_gemm},
    {"GlobalAveragePool", onnx_convert_global_average_pool},
    {"GlobalLpPool", onnx_convert_global_lp_pool},
    {"GlobalMaxPool", onnx_convert_global_max_pool},
    {"Greater", onnx_convert_greater},
    {"GreaterOrEqual", onnx_convert_greater_equal},
    {"HardSigmoid", onnx_convert_hard_sigmoid},
    {"HardSwish", onnx_convert_hard_swish},
    {"Hardmax", onnx_convert_hardmax},
    {"Identity", onnx_convert_identity},
    {"InstanceNormalization", onnx_convert_instance_norm},
    {"IsInf", onnx_convert_isinf},
    {"IsNaN", onnx_convert_isnan},
    {"LRN", onnx_convert_lrn},
    {"LSTM", onnx_convert_lstm},
    {"LayerNormalization", onnx_convert_layer_norm},
    {"LeakyRelu", onnx_convert_leaky_relu},
    {"Less", onnx_convert_less},
    {"LessOrEqual", onnx_convert_less_equal},
    {"Log", onnx_convert_log},
    {"LogSoftmax", onnx_convert_log_softmax},
    {"LpPool", onnx_convert_lp_pool},
    {"MatMul", onnx_convert_matmul},
    {"MatMulInteger", onnx_convert_matmul_integer}, /* issue 14 */
    {"Max", onnx_convert_max},
    {"MaxPool", onnx_convert_max_pool},
    {"Mean", onnx_convert_mean},
    {"Min", onnx_convert_min},
    {"Mish", onnx_convert_mish},
    {"Mod", onnx_convert_mod},
    {"Mul", onnx_convert_mul},
    {"Neg", onnx_convert_neg},
    {"NegativeLogLikelihoodLoss", onnx_convert_nll_loss},
    {"NonMaxSuppression", onnx_convert_non_max_suppression}, /* issue 12 */
    {"NonZero", onnx_convert_nonzero},                       /* issue 12 */
    {"Not", onnx_convert_not},
    {"OneHot", onnx_convert_one_hot},
    {"Or", onnx_convert_or},
    {"PRelu", onnx_convert_prelu},
    {"Pad", onnx_convert_pad},
    {"Pow", onnx_convert_pow},
    {"QLinearConv", onnx_convert_qlinear_conv},     /* issue 14 */
    {"QLinearMatMul", onnx_convert_qlinear_matmul}, /* issue 14 */
    {"QuantizeLinear", onnx_convert_quantize_linear},
    {"RNN", onnx_convert_rnn},
    {"Range", onnx_convert_range},
    {"Reciprocal", onnx_convert_reciprocal},
    {"ReduceL1", onnx_convert_reduce_l1},
    {"ReduceL2", onnx_convert_reduce_l2},
    {"ReduceLogSum", onnx_convert_reduce_log_sum},
    {"ReduceLogSumExp", onnx_convert_reduce_log_sum_exp},
    {"ReduceMax", onnx_convert_reduce_max},
    {"ReduceMean", onnx_convert_reduce_mean},
    {"ReduceMin", onnx_convert_reduce_min},
    {"ReduceProd", onnx_convert_reduce_prod},
    {"ReduceSum", onnx_convert_reduce_sum},
    {"ReduceSumSquare", onnx_convert_reduce_sum_square},
    {"Relu", onnx_convert_relu},
    {"Reshape", onnx_convert_reshape},
    {"Resize", onnx_convert_resize},
    {"Round", onnx_convert_round},
    {"Scatter", onnx_convert_scatter_elements},
    {"ScatterElements", onnx_convert_scatter_elements},
    {"ScatterND", onnx_convert_scatter_nd},
    {"Selu", onnx_convert_selu},
    {"Shape", onnx_convert_shape},
    {"Shrink", onnx_convert_shrink},
    {"Sigmoid", onnx_convert_sigmoid},
    {"Sign", onnx_convert_sign},
    {"Sin", onnx_convert_sin},
    {"Sinh", onnx_convert_sinh},
    {"Size", onnx_convert_size},
    {"Slice", onnx_convert_slice},
    {"Softmax", onnx_convert_softmax},
    {"SoftmaxCrossEntropyLoss", onnx_convert_softmax_cross_entropy},
    {"Softplus", onnx_convert_softplus},
    {"Softsign", onnx_convert_softsign},
    {"SpaceToDepth", onnx_convert_space_to_depth},
    {"Split", onnx_convert_split},
    {"Sqrt", onnx_convert_sqrt},
    {"Squeeze", onnx_convert_squeeze},
    {"Sub", onnx_convert_sub},
    {"Sum", onnx_convert_sum},
    {"Tan", onnx_convert_tan},
    {"Tanh", onnx_convert_tanh},
    {"ThresholdedRelu", onnx_convert_thresholded_relu},
    {"Tile", onnx_convert_tile},
    {"TopK", onnx_convert_topk},
    {"Transpose", onnx_convert_transpose},
    {"Trilu", onnx_convert_trilu},
    {"Unique", onnx_convert_unique}, /* issue 12 */
    {"Unsqueeze", onnx_convert_unsqueeze},
    {"Where", onnx_convert_where},
    {"Xor", onnx_convert_xor},
};

/* ONNX Runtime's contrib ops (domain com.microsoft) oar converts: the
 * QOperator forms its quantizer writes (issue 14). */
static const onnx_op_entry ms_table[] = {
    {"QGemm", onnx_convert_qgemm},
    {"QLinearAdd", onnx_convert_qlinear_add},
    {"QLinearAveragePool", onnx_convert_qlinear_average_pool},
    {"QLinearConcat", onnx_convert_qlinear_concat},
    {"QLinearGlobalAveragePool", onnx_convert_qlinear_global_average_pool},
    {"QLinearLeakyRelu", onnx_convert_qlinear_leaky_relu},
    {"QLinearMul", onnx_convert_qlinear_mul},
    {"QLinearSigmoid", onnx_convert_qlinear_sigmoid},
    {"QLinearSoftmax", onnx_convert_qlinear_softmax},
};

static const onnx_op_entry *find_in(const onnx_op_entry *entries, size_t count, const char *op_type,
                                    size_t len) {
  size_t lo = 0, hi = count;
  if (!op_type || len == 0) return NULL;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const char *name = entries[mid].op_type;
    size_t n = strlen(name);
    int c = memcmp(name, op_type, n < len ? n : len);
    if (c == 0) c = n < len ? -1 : n > len;
    if (c == 0) return &entries[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

const onnx_op_entry *onnx_op_find(const char *op_type, size_t len) {
  return find_in(table, sizeof table / sizeof table[0], op_type, len);
}

const onnx_op_entry *onnx_ms_op_find(const char *op_type, size_t len) {
  return find_in(ms_table, sizeof ms_table / sizeof ms_table[0], op_type, len);
}
