/* Activations fused into a producing op (conv2d, fc): the op carries the
 * activation's op name and up to two parameters as attributes, and applies
 * it to its output before anything else reads it.
 *
 * Names and parameters (what the fusion pass writes):
 *   ""            none
 *   relu
 *   relu6         alpha = threshold
 *   sigmoid, silu, tanh, gelu, gelu_tanh, hard_swish (Paddle's 6/6/3)
 *   swish         alpha = beta
 *   hard_sigmoid  alpha = slope, beta = offset
 *   leaky_relu    alpha = alpha */
#ifndef OAR_RUNTIME_OPS_FUSED_ACT_H
#define OAR_RUNTIME_OPS_FUSED_ACT_H

#include <stdbool.h>

#include "base/error.h"
#include "kernels/ref/activation.h"

/* *has = false for ""; OAR_ERR_UNSUPPORTED naming `name` when unknown. */
oar_status oar_fused_act_parse(const char *name, double alpha, double beta, bool *has, oar_act_params *p,
                               oar_error *err);

#endif
