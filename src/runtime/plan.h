/* A plan: the graph prepared for one signature of input shapes and dtypes.
 * Shapes are inferred once, values computable from constants and shapes
 * are computed once (plan-time folding), every intermediate tensor gets its
 * place in one arena, and a run walks the remaining steps with no
 * allocation and no shape inference.
 *
 * A node whose output shapes are known only when it runs (schema flag
 * OAR_OP_DYNAMIC_SHAPE) whose inputs are not known at plan time ends the
 * plan: its `cut`. A run then runs that node, and the rest of the graph in
 * a continuation plan made for the shapes it produced (plan_dynamic.c).
 * A node whose shape inference needs the value of a small input not known
 * at plan time cuts the plan too (cut_values): the rest, from that node,
 * is planned per observed value. */
#ifndef OAR_RUNTIME_PLAN_H
#define OAR_RUNTIME_PLAN_H

#include "ir/graph.h"
#include "runtime/memory_plan.h"
#include "runtime/op_prepare.h"
#include "runtime/op_run.h"

typedef struct oar_plan {
  const oar_graph *graph;
  oar_tensor_view *signature; /* per graph input: dtype and shape planned for */
  oar_tensor_view *views;     /* per value: dtype, shape, data */
  unsigned char *known;       /* per value: computed at plan time */
  int *steps;                 /* nodes to execute per run, in order */
  int num_steps;
  oar_run_fn *step_fns;
  oar_op_state **step_states; /* per step: prepared kernel (op_prepare.h), or NULL */
  oar_prepare_session prep;   /* kernel table, threads, shared kernel workspace */
  double *step_seconds;       /* per step, then the cut node: time summed over profiled runs (NULL: not
                                 profiling; continuations are not profiled) */
  uint64_t profiled_runs;
  uint8_t *arena;
  size_t arena_bytes;
  void **owned; /* buffers of plan-time values */
  int num_owned;
  oar_mem_plan_stats memory; /* activation memory: planned vs naive */
  const oar_tensor_view **in_scratch;
  oar_tensor_view *out_scratch;
  /* Data-dependent shapes (plan_dynamic.c). A graph without a cut has
   * start 0, cut -1 and none of the rest. */
  int start;       /* first node this plan covers */
  int cut;         /* node run after the steps, with run-time shapes; -1: none */
  int cut_values;  /* 1: the cut node waits for the values of small inputs instead */
  int *key_values; /* what continuations are keyed by: the cut's outputs, or those inputs */
  int num_key_values;
  int memory_optim; /* the options continuations are made with */
  size_t memory_budget;
  oar_status (*check_constant)(void *ctx, int value, oar_error *err);
  void *check_ctx;
  struct oar_weight_cache *weights;
  int *entries; /* continuation: values made before `start` whose data it reads */
  int num_entries;
  void **cut_buffers;          /* per output of the cut node: this run's memory */
  struct oar_plan_cont *conts; /* continuations cached by the cut's output shapes */
  uint64_t cont_clock;
  /* Control flow (control_flow.c): body plans of the cut node. */
  int64_t max_loop_iterations;
  int body; /* a body's plan: input values never join the signature */
  int bf16; /* oar_plan_options.bf16, passed to continuations and bodies */
  struct oar_cf_cache *cf_cache;
} oar_plan;

typedef struct oar_plan_options {
  int memory_optim; /* share activation memory between tensors whose lifetimes do not overlap */
  int profile;      /* time every step of every run */
  struct oar_weight_cache *weights; /* the model's packed weights (may be NULL: packed per plan) */
  size_t memory_budget; /* activations + kernel workspace at most this (0: no limit); memory is then shared
                           between tensors when it must be to fit, and a plan that cannot fit fails naming
                           what it needs */
  /* Called for every constant the plan reads, before it is read (the
   * checksum of a weight mapped from an optimized model file); NULL: none. */
  oar_status (*check_constant)(void *ctx, int value, oar_error *err);
  void *check_ctx;
  int64_t max_loop_iterations; /* loops past this many iterations fail; 0: the default */
  int body;                    /* planning a control flow body (runtime/control_flow.h) */
  int bf16; /* heavy float products (conv, fc, matmul on constant weights) in bfloat16 where the host has
               AVX512-BF16: oar_config_set_precision(OAR_PRECISION_BFLOAT16) */
} oar_plan_options;

/* Plans `g` for the given inputs (one view per graph input; data may be
 * NULL). options may be NULL (defaults). Errors name the op that rejected
 * the shapes. */
oar_status oar_plan_create(const oar_graph *g, const oar_tensor_view *inputs, const oar_plan_options *options,
                           oar_plan **out, oar_error *err);
/* True if `inputs` have the dtypes and shapes the plan was made for. */
int oar_plan_matches(const oar_plan *p, const oar_tensor_view *inputs);
/* Runs the plan on inputs (same signature, data set). */
oar_status oar_plan_run(oar_plan *p, const oar_tensor_view *inputs, oar_error *err);
void oar_plan_destroy(oar_plan *p);
/* Entries of the profile: the steps, then the cut node if any (its
 * node is steps[num_steps], its state NULL). */
int oar_plan_profile_entries(const oar_plan *p);
/* Activation, workspace and run-time output bytes held by the plan and its
 * cached continuations. */
size_t oar_plan_bytes(const oar_plan *p);

#endif
