/* The planner's side of data-dependent output shapes (plan_dynamic.c):
 * shared by plan.c and plan_dynamic.c only. */
#ifndef OAR_RUNTIME_PLAN_DYNAMIC_H
#define OAR_RUNTIME_PLAN_DYNAMIC_H

#include "runtime/plan.h"

/* Plans g's nodes from `start` on. A root plan (parent NULL, start 0) is
 * made for `inputs`; a continuation starts from its parent's views. */
oar_status oar_plan_make(const oar_graph *g, const oar_plan *parent, int start, const oar_tensor_view *inputs,
                         const oar_plan_options *options, oar_plan **out, oar_error *err);
/* Points p->in_scratch at node n's inputs in p->views. */
void oar_plan_gather_inputs(const oar_plan *p, const oar_node *n);
/* Prefixes err with the node, its output and its input shapes. */
oar_status oar_plan_prefix_node(const oar_graph *g, const oar_node *n, const oar_tensor_view *views,
                                oar_error *err);

/* CLOCK_MONOTONIC in seconds (profiling). */
double oar_plan_now_seconds(void);
/* Runs a run-time-shaped node of plan p: on success every output has its
 * memory (the caller owns it); on failure none has. A control flow node
 * keeps its body plans in *cf_cache (NULL: made for this call only). */
struct oar_cf_cache;
oar_status oar_plan_run_dynamic_node(const oar_plan *p, struct oar_cf_cache **cf_cache, const oar_node *n,
                                     const oar_tensor_view *const *in, oar_tensor_view *out, oar_error *err);
/* A value cut waits for inputs of at most this many elements. */
#define OAR_PLAN_VALUE_CUT_MAX 64
/* The inputs of n a value cut waits for (not known, 1-D or scalar numbers
 * of at most OAR_PLAN_VALUE_CUT_MAX elements) into values (may be NULL);
 * returns their count. */
int oar_plan_value_cut_inputs(const oar_plan *p, const oar_node *n, int *values);
/* The tables of a plan with a cut. */
oar_status oar_plan_dynamic_init(oar_plan *p, oar_error *err);
/* After p's steps: runs the cut node and the continuation for its shapes. */
oar_status oar_plan_run_cut(oar_plan *p, oar_error *err);
void oar_plan_dynamic_free(oar_plan *p);

#endif
