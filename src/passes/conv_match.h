/* Matching helpers for the conv2d epilogue fusions. */
#ifndef OAR_PASSES_CONV_MATCH_H
#define OAR_PASSES_CONV_MATCH_H

#include "passes/pass_util.h"

/* A live conv2d/depthwise_conv2d in NCHW with a constant float32 filter,
 * or a conv2d_int8 with a constant int8 one (its epilogue is conv2d's). */
bool oar_pass_is_plain_conv(const oar_pass_ctx *ctx, int ni);
/* Output channels of such a conv (filter dim 0). */
int64_t oar_pass_conv_out_channels(const oar_pass_ctx *ctx, int ni);
bool oar_pass_conv_has_activation(const oar_pass_ctx *ctx, int ni);
bool oar_pass_conv_has_residual(const oar_pass_ctx *ctx, int ni);

/* Makes conv `ni` write `value` (the output of the op fused into it) and
 * kills that op `dead_ni`. */
void oar_pass_conv_take_output(oar_pass_ctx *ctx, int ni, int dead_ni, int value);

/* True when a constant float32 `value` broadcasts as a per-channel vector
 * over a conv output [N, C, H, W] in elementwise op `ew` (input Y): [C] with
 * axis 1, or [1, C, 1, 1] / [C, 1, 1] with axis -1. */
bool oar_pass_is_channel_vector(const oar_pass_ctx *ctx, int ew, int value, int64_t channels);

#endif
