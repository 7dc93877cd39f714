/* Executing one IR node on the CPU: the bridge from the format-free IR to
 * the reference kernels (src/kernels/ref). One run function per op in
 * ir/op_list.h, named oar_run_<id>, defined in src/runtime/ops/<family>.c.
 *
 * Contract: `in` is the node's flat input list (NULL for an absent optional
 * input); `out` is its flat output list, each with the dtype and shape that
 * the schema's infer function gave and `data` pointing at memory of exactly
 * numel * dtype size bytes (which may be 0). A run function reads attrs from
 * the node, checks what it must, and writes every output. It allocates only
 * through base/alloc.h and frees what it allocates.
 *
 * Ops whose output shapes depend on input values (schema flag
 * OAR_OP_DYNAMIC_SHAPE) are called with every output's data NULL and dims
 * unknown. Their run function gives each output its shape and memory with
 * oar_run_alloc_output; from then on the runtime owns that memory (it frees
 * it also when the run function fails after allocating). */
#ifndef OAR_RUNTIME_OP_RUN_H
#define OAR_RUNTIME_OP_RUN_H

#include "ir/graph.h"

typedef oar_status (*oar_run_fn)(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                                 oar_error *err);

#define OAR_OP(id)                                                                                      \
  oar_status oar_run_##id(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out, \
                          oar_error *err);
#include "ir/op_list.h"
#undef OAR_OP

oar_run_fn oar_run_fn_for(oar_op_id id);
/* 0 for an op this build leaves out (-DOAR_OP_LIST; its run function then
 * fails naming it). */
int oar_op_built(oar_op_id id);

/* The most bytes one run-time-shaped output may take (a larger one is an
 * error naming the op, not an allocation). */
#define OAR_RUN_DYNAMIC_OUTPUT_MAX_BYTES ((size_t)1 << 30)

/* Sets `out`'s dtype and shape and allocates its data (64-byte aligned,
 * zeroed; a 0-element output gets a valid pointer too). `out->data` must
 * be NULL. The message names the output slot by `what`. */
oar_status oar_run_alloc_output(oar_tensor_view *out, oar_dtype dtype, const oar_shape *shape,
                                const char *what, oar_error *err);

#endif
