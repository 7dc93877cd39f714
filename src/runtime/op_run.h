/* Executing one IR node on the CPU: the bridge from the format-free IR to
 * the reference kernels (src/kernels/ref). One run function per op in
 * ir/op_list.h, named oar_run_<id>, defined in src/runtime/ops/<family>.c.
 *
 * Contract: `in` is the node's flat input list (NULL for an absent optional
 * input); `out` is its flat output list, each with the dtype and shape that
 * the schema's infer function gave and `data` pointing at memory of exactly
 * numel * dtype size bytes (which may be 0). A run function reads attrs from
 * the node, checks what it must, and writes every output. It allocates only
 * through base/alloc.h and frees what it allocates. */
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

#endif
