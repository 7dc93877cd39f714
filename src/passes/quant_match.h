/* Matching helpers for the int8 passes (quantize_conv, quantize_matmul):
 * dequantize_linear producers and their constant parameters. */
#ifndef OAR_PASSES_QUANT_MATCH_H
#define OAR_PASSES_QUANT_MATCH_H

#include "passes/pass_util.h"

/* The live dequantize_linear node producing value v, or -1. */
int oar_pass_dequantize_producer(const oar_pass_ctx *ctx, int v);

/* v is a constant of dtype t holding exactly count values. */
bool oar_pass_const_count(const oar_pass_ctx *ctx, int v, oar_dtype t, int64_t count);

/* An activation's dequantize: xq 8-bit, one scale and at most one zero
 * point, constants unless allow_dynamic (then any values of one element
 * with the right dtype). Returns why not, or NULL. */
typedef struct oar_pass_dq_input {
  int xq, scale, zero; /* zero: -1 when absent */
} oar_pass_dq_input;
const char *oar_pass_match_dq_input(const oar_pass_ctx *ctx, int dq, bool allow_dynamic,
                                    oar_pass_dq_input *m);

/* A weight's dequantize: a constant int8 of rank `rank` with scales per
 * tensor or per `axis` (count = its dim there) and zero points all 0.
 * Returns why not, or NULL. */
typedef struct oar_pass_dq_weight {
  int wq, scale;
} oar_pass_dq_weight;
const char *oar_pass_match_dq_weight(const oar_pass_ctx *ctx, int dq, int rank, int axis,
                                     oar_pass_dq_weight *m);

/* Kills the dequantize producing value v when nothing reads v any more
 * (the int8 op took its input): constant folding would otherwise still
 * dequantize every weight at load, for nothing. */
void oar_pass_drop_unread_dequantize(oar_pass_ctx *ctx, int v);

/* False, with a note, when the pass target says the int8 kernels of the
 * plans' level are slower than float32 (no VNNI): the int8 passes then
 * leave the graph to the float path. */
bool oar_pass_int8_wanted(oar_pass_ctx *ctx);

/* Puts the int8 node being built by `b` in place of node ni, recounts the
 * uses, and drops the dequantizes of `dequantized` (count values: ni's
 * former inputs) that nothing reads any more. */
void oar_pass_install_int8(oar_pass_ctx *ctx, int ni, oar_node_builder *b, const int *dequantized, int count);

#endif
