/* Prepare functions of the transformer ops (runtime/ops/nlp.c). They
 * follow runtime/op_prepare.h; the planner calls them once the ops are
 * listed in its OAR_PREPARE_OPS (a redeclaration there is compatible). */
#ifndef OAR_RUNTIME_OPS_NLP_H
#define OAR_RUNTIME_OPS_NLP_H

#include "runtime/op_prepare.h"

oar_status oar_prepare_multihead_attention(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err);

#endif
