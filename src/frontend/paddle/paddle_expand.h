/* Paddle ops emitted as several IR nodes (the `expand` of their lowering,
 * paddle_lower.h). Each returns an error message that is a predicate for
 * the caller to prefix with the op. */
#ifndef OAR_FRONTEND_PADDLE_PADDLE_EXPAND_H
#define OAR_FRONTEND_PADDLE_PADDLE_EXPAND_H

#include "frontend/paddle/paddle_lower.h"

#define OAR_PD_EXPAND(name)                                                                         \
  oar_status oar_pd_expand_##name(const oar_pd_lowering *l, const oar_pd_op *op, oar_pd_emitter *e, \
                                  oar_error *err)

OAR_PD_EXPAND(stack);
OAR_PD_EXPAND(unstack); /* func 0: unstack (Y), 1: unbind (Out) */
OAR_PD_EXPAND(meshgrid);
OAR_PD_EXPAND(sum);
OAR_PD_EXPAND(lookup_table);
OAR_PD_EXPAND(affine_channel);
OAR_PD_EXPAND(fill_batch_like);
OAR_PD_EXPAND(eye);
OAR_PD_EXPAND(partial); /* func 0: partial_concat, 1: partial_sum */
OAR_PD_EXPAND(scatter);
OAR_PD_EXPAND(assign_value);
OAR_PD_EXPAND(set_value);
OAR_PD_EXPAND(expand_v2);
/* paddle_fake_quant.c (issue 14) */
OAR_PD_EXPAND(fake_quantize); /* func 0: quantize, 1: quantize-dequantize */
OAR_PD_EXPAND(fake_dequantize);
OAR_PD_EXPAND(fake_channel_dequantize);

#endif
