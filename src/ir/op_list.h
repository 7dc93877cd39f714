/* Every op the IR knows, by its Paddle legacy type name. Included with
 * OAR_OP(id) defined; see schema.h. Append-only is not required (ids are
 * internal), but keep families together. */

/* nn: convolution, normalization, pooling */
OAR_OP(conv2d)
OAR_OP(depthwise_conv2d)
OAR_OP(batch_norm)
OAR_OP(pool2d)

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
