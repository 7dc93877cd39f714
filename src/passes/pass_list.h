/* The pass pipeline, in order. OAR_PASS(id, summary); each pass lives in
 * src/passes/<id>.c as oar_pass_<id>. Order matters: folding first, then
 * the conv epilogue (bias, batch norm, residual, activation) from the
 * inside out, fc, and dead code last. */
OAR_PASS(fold_constants, "evaluates ops whose inputs are all constants")
OAR_PASS(remove_identity, "removes inference dropout, scale(1, 0), assign and no-op cast")
OAR_PASS(fuse_conv_bias, "folds a constant per-channel add into conv2d's Bias")
OAR_PASS(fuse_conv_bn, "folds batch_norm into the preceding conv2d's filter and bias")
OAR_PASS(fuse_conv_residual, "folds a residual add into conv2d's ResidualData")
OAR_PASS(fuse_conv_activation, "fuses the activation that follows a conv2d")
OAR_PASS(fuse_fc, "turns mul/matmul with constant weights (+ bias add, + activation) into fc")
OAR_PASS(eliminate_dead_code, "removes ops whose outputs nobody reads")
