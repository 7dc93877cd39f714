#include "runtime/op_prepare.h"

#include <string.h>

#include "base/alloc.h"
#include "base/threadpool.h"
#include "runtime/op_select.h"

static const oar_prepare_fn prepare_fns[OAR_OP_COUNT] = {
#define OAR_PREPARE_ENTRY(id) [OAR_OP_##id] = OAR_OP_BUILT(id) ? oar_prepare_##id : NULL,
    OAR_PREPARE_OPS(OAR_PREPARE_ENTRY)
#undef OAR_PREPARE_ENTRY
};

oar_prepare_fn oar_prepare_fn_for(oar_op_id id) {
  if ((int)id < 0 || id >= OAR_OP_COUNT) return NULL;
  return prepare_fns[id];
}

oar_status oar_prepare_begin(oar_prepare_session *s, oar_error *err) {
  const oar_graph *graph = s->graph;
  struct oar_weight_cache *weights = s->weights;
  const int bf16_wanted = s->bf16_wanted;
  memset(s, 0, sizeof *s);
  s->graph = graph;
  s->weights = weights;
  s->bf16_wanted = bf16_wanted;
  oar_isa isa;
  OAR_TRY(oar_cpu_isa_active(&isa, err));
  s->kernels = oar_f32_kernels_for(isa);
  if (bf16_wanted) {
    /* The config accepted bfloat16 only where it runs; OAR_ISA set lower
     * since then plans in float32. */
    int on = 0;
    OAR_TRY(oar_cpu_bf16_active(&on, err));
    s->bf16 = oar_bf16_kernels_for(on);
  }
  s->threads = oar_threadpool_threads(oar_threadpool_current());
  return OAR_OK;
}

const char *oar_prepare_bf16_unavailable(void) {
  if (!oar_bf16_kernels_for(1)) return "this build has no bfloat16 kernels (x86-64 only)";
  if (!oar_cpu_has_avx512_bf16()) return "this CPU lacks AVX512-BF16";
  oar_error err;
  int on = 0;
  if (oar_cpu_bf16_active(&on, &err) != OAR_OK) return "OAR_ISA is not a level name";
  return on ? NULL : "OAR_ISA caps the kernels below avx512";
}

oar_status oar_prepare_node(oar_prepare_session *s, const oar_node *n, const oar_tensor_view *views,
                            const unsigned char *known, oar_op_state **state, oar_error *err) {
  *state = NULL;
  oar_prepare_fn prepare = oar_prepare_fn_for(n->schema->id);
  if (!prepare) return OAR_OK;
  /* Small tables on the stack: nodes have few inputs and outputs. */
  enum { MAX_IO = 32 };
  const int nin = oar_node_num_in(n), nout = oar_node_num_out(n);
  if (nin > MAX_IO || nout > MAX_IO) return OAR_OK;
  const oar_tensor_view *in[MAX_IO];
  unsigned char in_known[MAX_IO], in_constant[MAX_IO];
  oar_tensor_view out[MAX_IO];
  for (int i = 0; i < nin; i++) {
    in[i] = &views[n->in[i]];
    in_known[i] = known[n->in[i]];
    const oar_value *v = s->graph ? &s->graph->values[n->in[i]] : NULL;
    in_constant[i] = v && v->kind == OAR_VALUE_CONSTANT && v->data && v->data == views[n->in[i]].data;
  }
  for (int i = 0; i < nout; i++) out[i] = views[n->out[i]];
  const oar_prepare_ctx ctx = {
      .node = n,
      .in = in,
      .in_known = in_known,
      .out = out,
      .kernels = s->kernels,
      .bf16 = s->bf16,
      .threads = s->threads,
      .in_constant = in_constant,
      .weights = s->weights,
  };
  OAR_TRY(prepare(&ctx, state, err));
  if (*state && (*state)->workspace_bytes > s->workspace_bytes)
    s->workspace_bytes = (*state)->workspace_bytes;
  return OAR_OK;
}

oar_status oar_prepare_finish(oar_prepare_session *s, oar_error *err) {
  if (s->workspace_bytes == 0) return OAR_OK;
  /* Sizes come from shapes a model file states: a request no machine
   * could meet is an error, not an allocation (1 TiB). */
  if (s->workspace_bytes > ((size_t)1 << 40))
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                         "kernel workspace of %zu bytes requested: the shapes are "
                         "too large",
                         s->workspace_bytes);
  s->workspace = oar_aligned_alloc(s->workspace_bytes);
  if (!s->workspace)
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory allocating %zu bytes of kernel workspace",
                         s->workspace_bytes);
  return OAR_OK;
}

void oar_prepare_end(oar_prepare_session *s, oar_op_state **states, int count) {
  if (states)
    for (int i = 0; i < count; i++)
      if (states[i]) states[i]->destroy(states[i]);
  oar_aligned_free(s->workspace);
  s->workspace = NULL;
}
