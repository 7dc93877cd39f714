/* Every op the IR knows, by its Paddle legacy type name. Included with
 * OAR_OP(id) defined; see schema.h. Append-only is not required (ids are
 * internal), but keep families together. */

/* nn: convolution, normalization, pooling */
OAR_OP(conv2d)
OAR_OP(depthwise_conv2d)
OAR_OP(batch_norm)
OAR_OP(pool2d)
/* blocked layout NCHW16c (ir/ops/blocked_layout.h), made by the
 * to_blocked_layout pass */
OAR_OP(layout_to_blocked)
OAR_OP(layout_from_blocked)
OAR_OP(conv2d_blocked)
OAR_OP(pool2d_blocked)
/* int8 convolution (ir/ops/conv.h), made by the quantize_conv pass from
 * quantize / dequantize patterns */
OAR_OP(conv2d_int8)

/* activations (X -> Out) */
OAR_OP(relu)
OAR_OP(relu6)
OAR_OP(sigmoid)
OAR_OP(swish)
OAR_OP(silu)
OAR_OP(hard_swish)
OAR_OP(hard_sigmoid)
OAR_OP(leaky_relu)
OAR_OP(tanh)
OAR_OP(gelu)
OAR_OP(exp)
OAR_OP(sqrt)

/* elementwise binary with Paddle `axis` broadcasting */
OAR_OP(elementwise_add)
OAR_OP(elementwise_sub)
OAR_OP(elementwise_mul)
OAR_OP(elementwise_div)
OAR_OP(elementwise_max)
OAR_OP(elementwise_min)
OAR_OP(elementwise_pow)

/* matrix products */
OAR_OP(matmul)
OAR_OP(matmul_v2)
/* X [..., K] (8-bit) . W [K, N] (int8), made by the quantize_matmul pass */
OAR_OP(matmul_int8)
OAR_OP(mul)
OAR_OP(fc)

/* math */
OAR_OP(scale)
OAR_OP(softmax)
OAR_OP(mean)
OAR_OP(dropout)
OAR_OP(cast)

/* shape and data movement */
OAR_OP(reshape2)
OAR_OP(reshape)
OAR_OP(flatten_contiguous_range)
OAR_OP(flatten2)
OAR_OP(transpose2)
OAR_OP(transpose)
OAR_OP(concat)
OAR_OP(split)
OAR_OP(squeeze2)
OAR_OP(unsqueeze2)
OAR_OP(slice)
OAR_OP(shape)
OAR_OP(fill_constant)
OAR_OP(assign)

/* transformers (schemas in ops/nlp.c) */
OAR_OP(layer_norm)
OAR_OP(lookup_table_v2)
OAR_OP(fill_any_like)
OAR_OP(cumsum)
OAR_OP(equal)
OAR_OP(not_equal)
OAR_OP(less_than)
OAR_OP(less_equal)
OAR_OP(greater_than)
OAR_OP(greater_equal)
OAR_OP(multihead_attention)
OAR_OP(skip_layernorm)
OAR_OP(embedding_layernorm)

/* added for ONNX: format-free ops with numpy / ONNX semantics
 * (ir/ops/op_ext.h) */
OAR_OP(conv_nd)
OAR_OP(conv_transpose_nd)
OAR_OP(pool_nd)
OAR_OP(reduce)
OAR_OP(arg_reduce)
OAR_OP(softmax_ext)
OAR_OP(cumulative_sum)
OAR_OP(topk)
OAR_OP(instance_norm_nd)
OAR_OP(layer_norm_axis)
OAR_OP(lrn_nd)
OAR_OP(unary_math)
OAR_OP(binary_math)
OAR_OP(select)
OAR_OP(clamp)
OAR_OP(cast_f16)
OAR_OP(split_chunks)
OAR_OP(squeeze_axes)
OAR_OP(unsqueeze_axes)
OAR_OP(shape_of)
OAR_OP(slice_steps)
OAR_OP(take)
OAR_OP(take_along_axis)
OAR_OP(scatter_along_axis)
OAR_OP(gather_nd_batch)
OAR_OP(scatter_nd_update)
OAR_OP(pad_nd)
OAR_OP(broadcast_to)
OAR_OP(tile_repeats)
OAR_OP(fill_shape)
OAR_OP(arange)
OAR_OP(trilu)
OAR_OP(depth_space)
OAR_OP(nll_loss)
OAR_OP(resize_nd)
OAR_OP(rnn_seq)
OAR_OP(einsum)
OAR_OP(one_hot_axis)
OAR_OP(eye_like)
OAR_OP(quantize_linear)
OAR_OP(dequantize_linear)
/* issue 11, batch A: Paddle's linspace and roll (their slots and
 * attributes) and set_slice, a strided slice of X overwritten by Value
 * (ir/ops/op_ext.h) */
OAR_OP(linspace)
OAR_OP(set_slice)
OAR_OP(roll)
/* Paddle's quantize_linear / dequantize_linear (PaddleSlim's onnx_format):
 * fake quantization in float, Paddle's arithmetic (ir/ops/quant.c). */
OAR_OP(paddle_fake_quant)
/* ONNX DynamicQuantizeLinear (issue 14): uint8 with a scale and zero point from X's range. */
OAR_OP(dynamic_quantize_linear)
/* two 8-bit tensors added (and relu) and requantized, made by fuse_quantized_add */
OAR_OP(add_int8)

/* issue 11, batch B: Paddle ops with no format-free twin, named and
 * slotted as Paddle's (ir/ops/pd_ops.h) */
OAR_OP(prelu)
OAR_OP(group_norm)
OAR_OP(norm)
OAR_OP(max_pool2d_with_index)
OAR_OP(max_pool3d_with_index)
OAR_OP(unfold)
OAR_OP(temporal_shift)
OAR_OP(grid_sampler)
OAR_OP(roi_align)
OAR_OP(yolo_box)
OAR_OP(box_coder)
OAR_OP(prior_box)
OAR_OP(rnn)
OAR_OP(deformable_conv)
OAR_OP(deformable_conv_v1)
/* issue 11, op gaps: Paddle's gaussian_random and pool3d (ir/ops/pd_ops.h) */
OAR_OP(gaussian_random)
OAR_OP(pool3d)

/* issue 12: output shapes known only when the op runs (ir/ops/dynamic.h,
 * runtime/plan_dynamic.c) */
OAR_OP(where_index)
OAR_OP(masked_select)
OAR_OP(unique)
OAR_OP(multiclass_nms3)
OAR_OP(matrix_nms)
OAR_OP(non_max_suppression)

/* issue 12, proposals (ir/ops/proposals.h) */
OAR_OP(generate_proposals_v2)
OAR_OP(distribute_fpn_proposals)

/* issue 12, control flow and tensor arrays (ir/ops/control_flow.h) */
OAR_OP(while)
OAR_OP(conditional_block)
OAR_OP(select_input)
OAR_OP(write_to_array)
OAR_OP(read_from_array)
OAR_OP(lod_array_length)
OAR_OP(tensor_array_to_tensor)
OAR_OP(create_array)
OAR_OP(increment)
