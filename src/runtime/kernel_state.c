#include "runtime/kernel_state.h"

#include <math.h>

#include "base/alloc.h"

void oar_state_destroy_simple(oar_op_state *s) {
  if (!s) return;
  oar_aligned_free(((oar_simple_state *)s)->owned);
  oar_free(s);
}

void *oar_state_new(size_t bytes, oar_run_state_fn run, const char *kernel) {
  oar_simple_state *s = oar_calloc(1, bytes);
  if (!s) return NULL;
  s->base.run = run;
  s->base.destroy = oar_state_destroy_simple;
  s->base.kernel = kernel;
  return s;
}

void oar_fused_epilogue_from(bool has_act, const oar_act_params *act, oar_fused_epilogue *e) {
  e->lo = -INFINITY;
  e->hi = INFINITY;
  e->post = false;
  e->act = *act;
  if (!has_act) return;
  if (act->kind == OAR_ACT_RELU) {
    e->lo = 0.0f;
  } else if (act->kind == OAR_ACT_RELU6) {
    e->lo = 0.0f;
    e->hi = act->threshold;
  } else {
    e->post = true;
  }
}

bool oar_prepare_input_known(const oar_prepare_ctx *ctx, int slot) {
  const int pos = oar_node_in_pos(ctx->node, slot, 0);
  return pos >= 0 && ctx->in_known[pos] && ctx->in[pos]->data;
}

oar_status oar_prepare_pack_weight(const oar_prepare_ctx *ctx, int slot, const float *src,
                                   const int64_t key[4], size_t floats, oar_weight_pack_fn pack,
                                   void *pack_ctx, oar_simple_state *s, const float **packed,
                                   oar_error *err) {
  *packed = NULL;
  if (floats == 0) return OAR_OK;
  const int pos = oar_node_in_pos(ctx->node, slot, 0);
  if (ctx->weights && pos >= 0 && ctx->in_constant[pos])
    return oar_weight_cache_get(ctx->weights, src, ctx->kernels, key, floats, pack, pack_ctx, packed, err);
  if (!oar_prepare_input_known(ctx, slot)) return OAR_OK;
  float *buf = oar_aligned_alloc(floats * sizeof *buf);
  if (!buf)
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory packing the weights (%zu bytes)",
                         floats * sizeof *buf);
  pack(pack_ctx, buf);
  s->owned = buf;
  *packed = buf;
  return OAR_OK;
}
