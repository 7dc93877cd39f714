/* Declarations of the ONNX op converters (onnx_ops_*.c) and helpers they
 * share; the table in onnx_op_table.c maps op types onto them. */
#ifndef OAR_FRONTEND_ONNX_ONNX_OPS_H
#define OAR_FRONTEND_ONNX_ONNX_OPS_H

#include "frontend/onnx/onnx_convert.h"

/* Input i, failing (cx->st) when absent. */
int cx_need_in(onnx_cx *cx, int i);
/* Output i, or a temporary when the node leaves it unnamed. */
int cx_need_out(onnx_cx *cx, int i);
/* x op y -> z with numpy broadcasting on the elementwise_* ops. */
oar_status cx_elementwise(onnx_cx *cx, oar_op_id op, int x, int y, int z);
/* binary_math node with function `func` (oar_bmath_func). */
oar_status cx_bmath(onnx_cx *cx, int func, int x, int y, int z);
/* cast node x -> y to dtype `to`. */
oar_status cx_cast(onnx_cx *cx, int x, int y, oar_dtype to);

oar_status onnx_convert_abs(onnx_cx *cx);
oar_status onnx_convert_acos(onnx_cx *cx);
oar_status onnx_convert_acosh(onnx_cx *cx);
oar_status onnx_convert_add(onnx_cx *cx);
oar_status onnx_convert_and(onnx_cx *cx);
oar_status onnx_convert_argmax(onnx_cx *cx);
oar_status onnx_convert_argmin(onnx_cx *cx);
oar_status onnx_convert_asin(onnx_cx *cx);
oar_status onnx_convert_asinh(onnx_cx *cx);
oar_status onnx_convert_atan(onnx_cx *cx);
oar_status onnx_convert_atanh(onnx_cx *cx);
oar_status onnx_convert_average_pool(onnx_cx *cx);
oar_status onnx_convert_batch_norm(onnx_cx *cx);
oar_status onnx_convert_bitshift(onnx_cx *cx);
oar_status onnx_convert_bitwise_and(onnx_cx *cx);
oar_status onnx_convert_bitwise_not(onnx_cx *cx);
oar_status onnx_convert_bitwise_or(onnx_cx *cx);
oar_status onnx_convert_bitwise_xor(onnx_cx *cx);
oar_status onnx_convert_cast(onnx_cx *cx);
oar_status onnx_convert_cast_like(onnx_cx *cx);
oar_status onnx_convert_ceil(onnx_cx *cx);
oar_status onnx_convert_celu(onnx_cx *cx);
oar_status onnx_convert_clip(onnx_cx *cx);
oar_status onnx_convert_concat(onnx_cx *cx);
oar_status onnx_convert_constant(onnx_cx *cx);
oar_status onnx_convert_constant_of_shape(onnx_cx *cx);
oar_status onnx_convert_conv(onnx_cx *cx);
oar_status onnx_convert_conv_transpose(onnx_cx *cx);
oar_status onnx_convert_cos(onnx_cx *cx);
oar_status onnx_convert_cosh(onnx_cx *cx);
oar_status onnx_convert_cumsum(onnx_cx *cx);
oar_status onnx_convert_depth_to_space(onnx_cx *cx);
oar_status onnx_convert_div(onnx_cx *cx);
oar_status onnx_convert_dropout(onnx_cx *cx);
oar_status onnx_convert_elu(onnx_cx *cx);
oar_status onnx_convert_equal(onnx_cx *cx);
oar_status onnx_convert_erf(onnx_cx *cx);
oar_status onnx_convert_exp(onnx_cx *cx);
oar_status onnx_convert_expand(onnx_cx *cx);
oar_status onnx_convert_flatten(onnx_cx *cx);
oar_status onnx_convert_floor(onnx_cx *cx);
oar_status onnx_convert_gather(onnx_cx *cx);
oar_status onnx_convert_gather_elements(onnx_cx *cx);
oar_status onnx_convert_gather_nd(onnx_cx *cx);
oar_status onnx_convert_gelu(onnx_cx *cx);
oar_status onnx_convert_gemm(onnx_cx *cx);
oar_status onnx_convert_global_average_pool(onnx_cx *cx);
oar_status onnx_convert_global_lp_pool(onnx_cx *cx);
oar_status onnx_convert_global_max_pool(onnx_cx *cx);
oar_status onnx_convert_greater(onnx_cx *cx);
oar_status onnx_convert_gru(onnx_cx *cx);
oar_status onnx_convert_lstm(onnx_cx *cx);
oar_status onnx_convert_rnn(onnx_cx *cx);
oar_status onnx_convert_einsum(onnx_cx *cx);
oar_status onnx_convert_greater_equal(onnx_cx *cx);
oar_status onnx_convert_hard_sigmoid(onnx_cx *cx);
oar_status onnx_convert_hard_swish(onnx_cx *cx);
oar_status onnx_convert_hardmax(onnx_cx *cx);
oar_status onnx_convert_identity(onnx_cx *cx);
oar_status onnx_convert_instance_norm(onnx_cx *cx);
oar_status onnx_convert_isinf(onnx_cx *cx);
oar_status onnx_convert_isnan(onnx_cx *cx);
oar_status onnx_convert_layer_norm(onnx_cx *cx);
oar_status onnx_convert_leaky_relu(onnx_cx *cx);
oar_status onnx_convert_less(onnx_cx *cx);
oar_status onnx_convert_less_equal(onnx_cx *cx);
oar_status onnx_convert_log(onnx_cx *cx);
oar_status onnx_convert_log_softmax(onnx_cx *cx);
oar_status onnx_convert_lp_pool(onnx_cx *cx);
oar_status onnx_convert_lrn(onnx_cx *cx);
oar_status onnx_convert_matmul(onnx_cx *cx);
oar_status onnx_convert_max(onnx_cx *cx);
oar_status onnx_convert_max_pool(onnx_cx *cx);
oar_status onnx_convert_mean(onnx_cx *cx);
oar_status onnx_convert_min(onnx_cx *cx);
oar_status onnx_convert_mish(onnx_cx *cx);
oar_status onnx_convert_mod(onnx_cx *cx);
oar_status onnx_convert_mul(onnx_cx *cx);
oar_status onnx_convert_neg(onnx_cx *cx);
oar_status onnx_convert_nll_loss(onnx_cx *cx);
oar_status onnx_convert_not(onnx_cx *cx);
oar_status onnx_convert_or(onnx_cx *cx);
oar_status onnx_convert_pad(onnx_cx *cx);
oar_status onnx_convert_pow(onnx_cx *cx);
oar_status onnx_convert_prelu(onnx_cx *cx);
oar_status onnx_convert_range(onnx_cx *cx);
oar_status onnx_convert_reciprocal(onnx_cx *cx);
oar_status onnx_convert_reduce_l1(onnx_cx *cx);
oar_status onnx_convert_reduce_l2(onnx_cx *cx);
oar_status onnx_convert_reduce_log_sum(onnx_cx *cx);
oar_status onnx_convert_reduce_log_sum_exp(onnx_cx *cx);
oar_status onnx_convert_reduce_max(onnx_cx *cx);
oar_status onnx_convert_reduce_mean(onnx_cx *cx);
oar_status onnx_convert_reduce_min(onnx_cx *cx);
oar_status onnx_convert_reduce_prod(onnx_cx *cx);
oar_status onnx_convert_reduce_sum(onnx_cx *cx);
oar_status onnx_convert_reduce_sum_square(onnx_cx *cx);
oar_status onnx_convert_relu(onnx_cx *cx);
oar_status onnx_convert_reshape(onnx_cx *cx);
oar_status onnx_convert_resize(onnx_cx *cx);
oar_status onnx_convert_round(onnx_cx *cx);
oar_status onnx_convert_scatter_elements(onnx_cx *cx);
oar_status onnx_convert_scatter_nd(onnx_cx *cx);
oar_status onnx_convert_selu(onnx_cx *cx);
oar_status onnx_convert_shape(onnx_cx *cx);
oar_status onnx_convert_shrink(onnx_cx *cx);
oar_status onnx_convert_sigmoid(onnx_cx *cx);
oar_status onnx_convert_sign(onnx_cx *cx);
oar_status onnx_convert_sin(onnx_cx *cx);
oar_status onnx_convert_sinh(onnx_cx *cx);
oar_status onnx_convert_size(onnx_cx *cx);
oar_status onnx_convert_slice(onnx_cx *cx);
oar_status onnx_convert_softmax(onnx_cx *cx);
oar_status onnx_convert_softmax_cross_entropy(onnx_cx *cx);
oar_status onnx_convert_softplus(onnx_cx *cx);
oar_status onnx_convert_softsign(onnx_cx *cx);
oar_status onnx_convert_space_to_depth(onnx_cx *cx);
oar_status onnx_convert_split(onnx_cx *cx);
oar_status onnx_convert_sqrt(onnx_cx *cx);
oar_status onnx_convert_squeeze(onnx_cx *cx);
oar_status onnx_convert_sub(onnx_cx *cx);
oar_status onnx_convert_sum(onnx_cx *cx);
oar_status onnx_convert_tan(onnx_cx *cx);
oar_status onnx_convert_tanh(onnx_cx *cx);
oar_status onnx_convert_thresholded_relu(onnx_cx *cx);
oar_status onnx_convert_tile(onnx_cx *cx);
oar_status onnx_convert_topk(onnx_cx *cx);
oar_status onnx_convert_transpose(onnx_cx *cx);
oar_status onnx_convert_trilu(onnx_cx *cx);
oar_status onnx_convert_unsqueeze(onnx_cx *cx);
oar_status onnx_convert_where(onnx_cx *cx);
/* issue 12: data-dependent output shapes (onnx_ops_dynamic.c) */
oar_status onnx_convert_compress(onnx_cx *cx);
oar_status onnx_convert_non_max_suppression(onnx_cx *cx);
oar_status onnx_convert_nonzero(onnx_cx *cx);
oar_status onnx_convert_unique(onnx_cx *cx);
oar_status onnx_convert_xor(onnx_cx *cx);
oar_status onnx_convert_one_hot(onnx_cx *cx);
oar_status onnx_convert_eye_like(onnx_cx *cx);
oar_status onnx_convert_quantize_linear(onnx_cx *cx);
oar_status onnx_convert_dequantize_linear(onnx_cx *cx);
oar_status onnx_convert_dynamic_quantize_linear(onnx_cx *cx);

/* The quantized operators (onnx_ops_qop.c): ai.onnx ... */
oar_status onnx_convert_qlinear_conv(onnx_cx *cx);
oar_status onnx_convert_qlinear_matmul(onnx_cx *cx);
oar_status onnx_convert_conv_integer(onnx_cx *cx);
oar_status onnx_convert_matmul_integer(onnx_cx *cx);
/* ... and ONNX Runtime's com.microsoft domain. */
oar_status onnx_convert_qlinear_add(onnx_cx *cx);
oar_status onnx_convert_qlinear_mul(onnx_cx *cx);
oar_status onnx_convert_qlinear_leaky_relu(onnx_cx *cx);
oar_status onnx_convert_qlinear_sigmoid(onnx_cx *cx);
oar_status onnx_convert_qlinear_average_pool(onnx_cx *cx);
oar_status onnx_convert_qlinear_global_average_pool(onnx_cx *cx);
oar_status onnx_convert_qlinear_softmax(onnx_cx *cx);
oar_status onnx_convert_qlinear_concat(onnx_cx *cx);
oar_status onnx_convert_qgemm(onnx_cx *cx);

#endif
