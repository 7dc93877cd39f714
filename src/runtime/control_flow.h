/* Running control flow (ir/ops/control_flow.h): while and conditional_block
 * nodes run their bodies through child plans. A node's child plans are
 * cached per body and per input signature (dtypes and shapes), so a loop
 * whose values keep their shapes plans its body once and reuses the plan,
 * with its arena and prepared kernels, on every iteration and every run.
 * The cache belongs to the plan that runs the node (one per predictor), so
 * clones share nothing mutable. */
#ifndef OAR_RUNTIME_CONTROL_FLOW_H
#define OAR_RUNTIME_CONTROL_FLOW_H

#include "ir/graph.h"

typedef struct oar_cf_cache oar_cf_cache;

/* What bodies are planned and run with. */
typedef struct oar_cf_options {
  int memory_optim;
  int64_t max_loop_iterations; /* > 0 */
  int bf16;                    /* oar_plan_options.bf16 */
} oar_cf_options;

/* The default of oar_config_set_max_loop_iterations. */
#define OAR_DEFAULT_MAX_LOOP_ITERATIONS ((int64_t)1000000)

/* Runs a while or conditional_block node: like a run-time-shaped op (every
 * output allocated here, owned by the caller on success, none on failure).
 * *cache (may be NULL: plans are then made and dropped) keeps the body
 * plans between calls; free it with oar_cf_cache_free. */
oar_status oar_cf_run(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                      oar_cf_cache **cache, const oar_cf_options *options, oar_error *err);
void oar_cf_cache_free(oar_cf_cache *c);
/* Bytes held by the cached body plans. */
size_t oar_cf_cache_bytes(const oar_cf_cache *c);

#endif
