/* Helpers shared by the prepare functions of runtime/ops: allocating a
 * state, mapping a fused activation onto the GEMM epilogue, the input
 * known flags. */
#ifndef OAR_RUNTIME_KERNEL_STATE_H
#define OAR_RUNTIME_KERNEL_STATE_H

#include <stdbool.h>

#include "runtime/op_prepare.h"

/* A zeroed state of `bytes` (>= sizeof(oar_op_state)) with run set and a
 * destroy that frees `owned` (may be NULL) and the state; NULL when out of
 * memory. Callers set owned through *owned_slot. */
typedef struct oar_simple_state {
  oar_op_state base;
  void *owned; /* freed with oar_aligned_free */
} oar_simple_state;

void *oar_state_new(size_t bytes, oar_run_state_fn run, const char *kernel);
void oar_state_destroy_simple(oar_op_state *s);

/* A fused activation as a clamp (relu, relu6: *post = false) or as an
 * element-wise pass after the clamp (*post = true). */
typedef struct oar_fused_epilogue {
  float lo, hi;
  bool post;
  oar_act_params act;
} oar_fused_epilogue;

void oar_fused_epilogue_from(bool has_act, const oar_act_params *act, oar_fused_epilogue *e);

/* True when flat input `slot` of the node is bound and known at plan
 * time. */
bool oar_prepare_input_known(const oar_prepare_ctx *ctx, int slot);

/* The weight at flat input `slot` (data `src`) packed by pack(pack_ctx,
 * dst) into `floats` floats, once: from the weight cache (shared by every
 * plan and clone) when it is a model constant, `key` telling this packing
 * from the others of the same weight; else, when it is known at plan
 * time, into a buffer stored in s->owned (freed with the state). *packed
 * is NULL when the weight is known only at run time (or floats is 0). */
oar_status oar_prepare_pack_weight(const oar_prepare_ctx *ctx, int slot, const float *src,
                                   const int64_t key[4], size_t floats, oar_weight_pack_fn pack,
                                   void *pack_ctx, oar_simple_state *s, const float **packed, oar_error *err);

#endif
