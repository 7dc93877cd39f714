/* The pass pipeline, in order. OAR_PASS(id, summary); each pass lives in
 * src/passes/<id>.c as oar_pass_<id>. Order matters: int8 convolutions
 * and folding first, then
 * the conv epilogue (bias, batch norm, residual, activation) from the
 * inside out, fc, and dead code last. */
/* Before folding, which would turn int8 filters into float ones. */
OAR_PASS(paddle_quant_to_qdq,
         "rewrites Paddle's fake quantize / dequantize pairs as quantize_linear / dequantize_linear")
OAR_PASS(quantize_conv, "runs convolutions between dequantize ops on the integers (conv2d_int8)")
OAR_PASS(quantize_matmul,
         "runs products of dequantized activations and int8 weights on the integers (matmul_int8)")
OAR_PASS(fold_constants, "evaluates ops whose inputs are all constants")
OAR_PASS(remove_identity, "removes inference dropout, scale(1, 0), assign and no-op cast")
/* Transformers: decomposed forms (ONNX exports) back to single ops, the
 * canonical forms attention fusion reads, then attention before fc so
 * that fuse_fc sees only projections (and takes the recognized gelu). */
OAR_PASS(fuse_decomposed_layer_norm, "recognizes layer_norm written as mean, sub, pow, mean, add, sqrt, div")
OAR_PASS(fuse_decomposed_gelu, "recognizes gelu written as x * (erf(x / sqrt 2) + 1) / 2")
OAR_PASS(square_to_mul, "turns pow(x, 2) into x * x (after layer_norm recognition, which reads the pow)")
OAR_PASS(fuse_matmul_transpose, "folds a transpose of the last two dims into matmul's trans_x / trans_y")
OAR_PASS(remove_transpose_reshape_pairs, "collapses transpose-transpose and reshape-reshape chains")
OAR_PASS(fuse_multihead_attention, "turns head split, q.k, mask, softmax, p.v and head merge into one op")
OAR_PASS(fuse_conv_bias, "folds a constant per-channel add into conv2d's Bias")
OAR_PASS(fuse_conv_bn, "folds batch_norm into the preceding conv2d's filter and bias")
OAR_PASS(fuse_conv_residual, "folds a residual add into conv2d's ResidualData")
OAR_PASS(fuse_conv_activation, "fuses the activation that follows a conv2d")
OAR_PASS(fuse_conv_requantize, "has conv2d_int8 write the 8-bit output of the quantize_linear after it")
OAR_PASS(fuse_quantized_add,
         "runs a QDQ residual add (dequantize, add, relu, quantize) as one 8-bit add_int8")
OAR_PASS(fuse_fc, "turns mul/matmul with constant weights (+ bias add, + activation) into fc")
OAR_PASS(fuse_embedding_layernorm, "fuses embedding lookups, their sum and the layer_norm after it")
OAR_PASS(fuse_skip_layernorm, "fuses a residual add into the layer_norm that reads it")
OAR_PASS(to_blocked_layout,
         "keeps convolutions and pooling in the blocked layout NCHW16c where kernels prefer it")
OAR_PASS(eliminate_dead_code, "removes ops whose outputs nobody reads")
OAR_PASS(pad_into_producer,
         "has a blocked convolution write its output zero-bordered for the padded convolution that reads it")
OAR_PASS(winograd_conv,
         "runs blocked 3x3 stride-1 convolutions as Winograd F(2x2, 3x3) (2.25x fewer products)")
