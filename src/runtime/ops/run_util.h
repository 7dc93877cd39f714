/* Small helpers shared by the run functions of the compute ops. */
#ifndef OAR_RUNTIME_OPS_RUN_UTIL_H
#define OAR_RUNTIME_OPS_RUN_UTIL_H

#include "ir/ops/infer_util.h"
#include "runtime/op_run.h"

/* "dtype float16 not supported (input 'Input')", OAR_ERR_UNSUPPORTED. Like every
 * infer/run message it leaves out the op: the planner prefixes the node. */
oar_status oar_run_unsupported_dtype(const oar_node *n, int in_slot, oar_dtype dtype, oar_error *err);

/* Fails with oar_run_unsupported_dtype unless `v` is `want`. */
oar_status oar_run_expect_dtype(const oar_node *n, int in_slot, const oar_tensor_view *v, oar_dtype want,
                                oar_error *err);

/* Output slot's view; an internal error if a required output is unbound. */
oar_status oar_run_output(const oar_node *n, oar_tensor_view *out, int slot, oar_tensor_view **view,
                          oar_error *err);

/* Per-batch sequence lengths of a recurrent op: `v` must hold `batch`
 * int32 / int64 values, each in [0, seq]; read into lens. */
oar_status oar_run_seq_lens(const oar_node *n, int in_slot, const oar_tensor_view *v, int64_t batch,
                            int64_t seq, int64_t *lens, oar_error *err);

/* The one value of an 8-bit zero point tensor (int8 or uint8), or 0 when
 * z is NULL (no zero point). */
int32_t oar_run_q8_zero(const oar_tensor_view *z);

#endif
