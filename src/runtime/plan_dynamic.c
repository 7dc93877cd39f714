/* Data-dependent output shapes: ops whose output shape depends on input
 * values (nonzero / where_index, masked_select, unique, the NMS family).
 *
 * Design. Such an op's schema has the flag OAR_OP_DYNAMIC_SHAPE; its infer
 * function checks the inputs and gives dtypes (dims it cannot know are -1);
 * its run function allocates its outputs itself through the contract of
 * op_run.h (oar_run_alloc_output, bounded by
 * OAR_RUN_DYNAMIC_OUTPUT_MAX_BYTES).
 *
 * The planner (plan.c) plans nodes in order as always. A dynamic node whose
 * inputs are all known at plan time is folded like any other (its outputs
 * become plan-owned values). The first dynamic node whose inputs are not
 * known ends the plan: it is the plan's `cut`. The plan's arena keeps every
 * value that the cut node or any later node reads alive to the end of the
 * steps. A graph without such a node has no cut: its plan, and its run,
 * are exactly what they were (one arena, no allocation per run).
 *
 * A run of a plan with a cut runs its steps, then the cut node, which
 * allocates its outputs (the plan keeps them until its next run or its
 * destruction, so a graph output made by the cut stays readable like any
 * other). Then the rest of the graph runs in a continuation plan: an
 * ordinary plan of the nodes after the cut, made for the shapes the cut
 * produced, with its own arena and kernels, which reads the values made
 * before it (graph inputs, the parent's arena, the cut's outputs) through
 * pointers copied from the parent at each run. A continuation may have a
 * cut of its own (a second dynamic op), and so on. Continuations are cached
 * in their parent per signature of the cut's output dtypes and shapes: at
 * most CONT_SLOTS and CONT_BYTES, least recently used evicted first (never
 * the one in use). After the continuation runs, the parent's views of the
 * graph outputs it made point at them, so callers read outputs from the
 * root plan as before. oar_plan_bytes counts the continuations, so the
 * predictor's plan cache budget covers them.
 *
 * Value cuts. The same machinery serves a node whose shape inference
 * needs the value of an input that is not known at plan time (a Resize
 * scale, a OneHot depth, a TopK K or a Reshape shape computed at run time):
 * its infer function says so with oar_error_needs_value, and when such
 * inputs are small (1-D numbers, at most OAR_PLAN_VALUE_CUT_MAX values) the
 * plan ends before that node (cut_values). A run then plans the rest from
 * that node on, with those inputs' current values known (copied into the
 * continuation, so they fold and infer like constants), cached per their
 * values. Bigger ones stay an error naming the op.
 *
 * Everything is per plan, and plans are per predictor: clones share
 * nothing mutable. Errors from the cut node or from planning the
 * continuation name the op (oar_plan_prefix_node). */
#include "runtime/plan_dynamic.h"

#include <string.h>

#include "base/alloc.h"
#include "runtime/control_flow.h"

#define CONT_SLOTS 8
#define CONT_BYTES ((size_t)64 << 20)

typedef struct oar_plan_cont {
  oar_plan *plan;       /* NULL: free slot */
  oar_tensor_view *key; /* per cut output: dtype and shape */
  uint64_t used;
} oar_plan_cont;

oar_status oar_plan_run_dynamic_node(const oar_plan *p, struct oar_cf_cache **cf_cache, const oar_node *n,
                                     const oar_tensor_view *const *in, oar_tensor_view *out, oar_error *err) {
  const int nout = oar_node_num_out(n);
  for (int i = 0; i < nout; i++) out[i].data = NULL;
  const oar_cf_options cf = {
      .memory_optim = p->memory_optim, .max_loop_iterations = p->max_loop_iterations, .bf16 = p->bf16};
  oar_status st = n->num_bodies ? oar_cf_run(n, in, out, cf_cache, &cf, err)
                                : oar_run_fn_for(n->schema->id)(n, in, out, err);
  for (int i = 0; st == OAR_OK && i < nout; i++)
    if (!out[i].data) st = oar_error_set(err, OAR_ERR_INTERNAL, "output #%d was not allocated", i);
  if (st != OAR_OK)
    for (int i = 0; i < nout; i++) {
      oar_aligned_free(out[i].data);
      out[i].data = NULL;
    }
  return st;
}

oar_status oar_plan_dynamic_init(oar_plan *p, oar_error *err) {
  const oar_node *n = &p->graph->nodes[p->cut];
  const int nout = oar_node_num_out(n), nin = oar_node_num_in(n);
  p->cut_buffers = oar_calloc((size_t)nout + 1, sizeof *p->cut_buffers);
  p->conts = oar_calloc(CONT_SLOTS, sizeof *p->conts);
  p->key_values = oar_calloc((size_t)(nout > nin ? nout : nin) + 1, sizeof *p->key_values);
  if (!p->cut_buffers || !p->conts || !p->key_values)
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory planning the model (continuations)");
  if (p->cut_values) {
    p->num_key_values = oar_plan_value_cut_inputs(p, n, p->key_values);
  } else {
    for (int i = 0; i < nout; i++) p->key_values[i] = n->out[i];
    p->num_key_values = nout;
  }
  for (int s = 0; s < CONT_SLOTS; s++) {
    p->conts[s].key = oar_calloc((size_t)p->num_key_values + 1, sizeof *p->conts[s].key);
    if (!p->conts[s].key)
      return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory planning the model (continuations)");
  }
  return OAR_OK;
}

static void free_cut_buffers(oar_plan *p, int nout) {
  for (int i = 0; i < nout; i++) {
    oar_aligned_free(p->cut_buffers[i]);
    p->cut_buffers[i] = NULL;
  }
}

/* Empties a cache slot (a value cut's key holds copies of the values). */
static void cont_clear(const oar_plan *p, oar_plan_cont *c) {
  oar_plan_destroy(c->plan);
  c->plan = NULL;
  for (int k = 0; c->key && k < p->num_key_values; k++) {
    oar_free(c->key[k].data);
    c->key[k].data = NULL;
  }
}

void oar_plan_dynamic_free(oar_plan *p) {
  oar_cf_cache_free(p->cf_cache);
  p->cf_cache = NULL;
  if (p->cut < 0) return;
  if (p->cut_buffers) free_cut_buffers(p, oar_node_num_out(&p->graph->nodes[p->cut]));
  oar_free(p->cut_buffers);
  if (p->conts)
    for (int s = 0; s < CONT_SLOTS; s++) {
      cont_clear(p, &p->conts[s]);
      oar_free(p->conts[s].key);
    }
  oar_free(p->conts);
  oar_free(p->key_values);
}

static size_t view_bytes(const oar_tensor_view *v) {
  return (size_t)oar_shape_numel(&v->shape) * oar_dtype_bytes(v->dtype);
}

size_t oar_plan_bytes(const oar_plan *p) {
  size_t bytes = p->arena_bytes + p->prep.workspace_bytes;
  if (p->cut < 0) return bytes;
  const oar_node *n = &p->graph->nodes[p->cut];
  for (int i = 0; i < oar_node_num_out(n) && !p->cut_values; i++)
    if (p->cut_buffers[i]) bytes += view_bytes(&p->views[n->out[i]]);
  for (int s = 0; s < CONT_SLOTS; s++)
    if (p->conts[s].plan) bytes += oar_plan_bytes(p->conts[s].plan);
  return bytes + oar_cf_cache_bytes(p->cf_cache);
}

/* The key's dtypes and shapes (and values, after a value cut) are the
 * current ones. */
static int key_matches(const oar_plan_cont *c, const oar_plan *p) {
  for (int k = 0; k < p->num_key_values; k++) {
    const oar_tensor_view *v = &p->views[p->key_values[k]];
    if (c->key[k].dtype != v->dtype || !oar_shape_equal(&c->key[k].shape, &v->shape)) return 0;
    if (p->cut_values && memcmp(c->key[k].data, v->data, view_bytes(v)) != 0) return 0;
  }
  return 1;
}

static oar_status set_key(oar_plan_cont *c, const oar_plan *p, oar_error *err) {
  for (int k = 0; k < p->num_key_values; k++) {
    const oar_tensor_view *v = &p->views[p->key_values[k]];
    c->key[k] = *v;
    c->key[k].data = NULL;
    if (!p->cut_values) continue;
    c->key[k].data = oar_malloc(view_bytes(v) + 1);
    if (!c->key[k].data)
      return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory planning the model (continuation key)");
    memcpy(c->key[k].data, v->data, view_bytes(v));
  }
  return OAR_OK;
}

/* The continuation for the cut's current output shapes: cached, or made
 * (evicting beyond CONT_SLOTS and CONT_BYTES). */
static oar_status continuation(oar_plan *p, oar_plan **out, oar_error *err) {
  p->cont_clock++;
  for (int s = 0; s < CONT_SLOTS; s++) {
    oar_plan_cont *c = &p->conts[s];
    if (c->plan && key_matches(c, p)) {
      c->used = p->cont_clock;
      *out = c->plan;
      return OAR_OK;
    }
  }
  const oar_plan_options options = {.memory_optim = p->memory_optim,
                                    .weights = p->weights,
                                    .memory_budget = p->memory_budget,
                                    .check_constant = p->check_constant,
                                    .check_ctx = p->check_ctx,
                                    .max_loop_iterations = p->max_loop_iterations,
                                    .body = p->body,
                                    .bf16 = p->bf16};
  oar_plan *plan = NULL;
  OAR_TRY(oar_plan_make(p->graph, p, p->cut_values ? p->cut : p->cut + 1, NULL, &options, &plan, err));
  int slot = 0;
  for (int s = 0; s < CONT_SLOTS; s++) {
    if (!p->conts[s].plan) {
      slot = s;
      break;
    }
    if (p->conts[s].used < p->conts[slot].used) slot = s;
  }
  oar_plan_cont *c = &p->conts[slot];
  cont_clear(p, c);
  c->plan = plan;
  c->used = p->cont_clock;
  oar_status st = set_key(c, p, err);
  if (st != OAR_OK) {
    cont_clear(p, c);
    return st;
  }
  for (;;) {
    size_t total = 0;
    int victim = -1;
    for (int s = 0; s < CONT_SLOTS; s++) {
      if (!p->conts[s].plan) continue;
      total += oar_plan_bytes(p->conts[s].plan);
      if (s != slot && (victim < 0 || p->conts[s].used < p->conts[victim].used)) victim = s;
    }
    if (total <= CONT_BYTES || victim < 0) break;
    cont_clear(p, &p->conts[victim]);
  }
  *out = plan;
  return OAR_OK;
}

static oar_status run_continuation(oar_plan *p, oar_error *err);

oar_status oar_plan_run_cut(oar_plan *p, oar_error *err) {
  const oar_graph *g = p->graph;
  const oar_node *n = &g->nodes[p->cut];
  const int nout = oar_node_num_out(n);
  if (p->cut_values) return run_continuation(p, err);
  free_cut_buffers(p, nout);
  oar_plan_gather_inputs(p, n);
  for (int i = 0; i < nout; i++) p->out_scratch[i] = p->views[n->out[i]];
  const double t0 = p->step_seconds ? oar_plan_now_seconds() : 0;
  oar_status st = oar_plan_run_dynamic_node(p, &p->cf_cache, n, p->in_scratch, p->out_scratch, err);
  if (st != OAR_OK) return oar_plan_prefix_node(g, n, p->views, err);
  if (p->step_seconds) p->step_seconds[p->num_steps] += oar_plan_now_seconds() - t0;
  for (int i = 0; i < nout; i++) {
    p->cut_buffers[i] = p->out_scratch[i].data;
    p->views[n->out[i]] = p->out_scratch[i];
  }
  if (p->cut + 1 >= g->num_nodes) return OAR_OK;
  return run_continuation(p, err);
}

/* Runs the rest of the graph in the continuation for the current key. */
static oar_status run_continuation(oar_plan *p, oar_error *err) {
  const oar_graph *g = p->graph;
  oar_plan *next = NULL;
  OAR_TRY(continuation(p, &next, err));
  for (int e = 0; e < next->num_entries; e++)
    next->views[next->entries[e]].data = p->views[next->entries[e]].data;
  OAR_TRY(oar_plan_run(next, NULL, err));
  for (int i = 0; i < g->num_outputs; i++) {
    int v = g->outputs[i];
    if (g->values[v].producer >= next->start) p->views[v] = next->views[v];
  }
  return OAR_OK;
}
