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
 * Everything is per plan, and plans are per predictor: clones share
 * nothing mutable. Errors from the cut node or from planning the
 * continuation name the op (oar_plan_prefix_node). */
#include "runtime/plan_dynamic.h"

#include <string.h>

#include "base/alloc.h"

#define CONT_SLOTS 8
#define CONT_BYTES ((size_t)64 << 20)

typedef struct oar_plan_cont {
  oar_plan *plan;       /* NULL: free slot */
  oar_tensor_view *key; /* per cut output: dtype and shape */
  uint64_t used;
} oar_plan_cont;

oar_status oar_plan_run_dynamic_node(const oar_node *n, const oar_tensor_view *const *in,
                                     oar_tensor_view *out, oar_error *err) {
  const int nout = oar_node_num_out(n);
  for (int i = 0; i < nout; i++) out[i].data = NULL;
  oar_status st = oar_run_fn_for(n->schema->id)(n, in, out, err);
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
  const int nout = oar_node_num_out(&p->graph->nodes[p->cut]);
  p->cut_buffers = oar_calloc((size_t)nout + 1, sizeof *p->cut_buffers);
  p->conts = oar_calloc(CONT_SLOTS, sizeof *p->conts);
  if (!p->cut_buffers || !p->conts)
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory planning the model (continuations)");
  for (int s = 0; s < CONT_SLOTS; s++) {
    p->conts[s].key = oar_calloc((size_t)nout + 1, sizeof *p->conts[s].key);
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

void oar_plan_dynamic_free(oar_plan *p) {
  if (p->cut < 0) return;
  if (p->cut_buffers) free_cut_buffers(p, oar_node_num_out(&p->graph->nodes[p->cut]));
  oar_free(p->cut_buffers);
  if (p->conts)
    for (int s = 0; s < CONT_SLOTS; s++) {
      oar_plan_destroy(p->conts[s].plan);
      oar_free(p->conts[s].key);
    }
  oar_free(p->conts);
}

static size_t view_bytes(const oar_tensor_view *v) {
  return (size_t)oar_shape_numel(&v->shape) * oar_dtype_bytes(v->dtype);
}

size_t oar_plan_bytes(const oar_plan *p) {
  size_t bytes = p->arena_bytes + p->prep.workspace_bytes;
  if (p->cut < 0) return bytes;
  const oar_node *n = &p->graph->nodes[p->cut];
  for (int i = 0; i < oar_node_num_out(n); i++)
    if (p->cut_buffers[i]) bytes += view_bytes(&p->views[n->out[i]]);
  for (int s = 0; s < CONT_SLOTS; s++)
    if (p->conts[s].plan) bytes += oar_plan_bytes(p->conts[s].plan);
  return bytes;
}

static int key_matches(const oar_plan_cont *c, const oar_plan *p, const oar_node *n) {
  for (int i = 0; i < oar_node_num_out(n); i++) {
    const oar_tensor_view *v = &p->views[n->out[i]];
    if (c->key[i].dtype != v->dtype || !oar_shape_equal(&c->key[i].shape, &v->shape)) return 0;
  }
  return 1;
}

/* The continuation for the cut's current output shapes: cached, or made
 * (evicting beyond CONT_SLOTS and CONT_BYTES). */
static oar_status continuation(oar_plan *p, const oar_node *n, oar_plan **out, oar_error *err) {
  p->cont_clock++;
  for (int s = 0; s < CONT_SLOTS; s++) {
    oar_plan_cont *c = &p->conts[s];
    if (c->plan && key_matches(c, p, n)) {
      c->used = p->cont_clock;
      *out = c->plan;
      return OAR_OK;
    }
  }
  const oar_plan_options options = {.memory_optim = p->memory_optim, .weights = p->weights};
  oar_plan *plan = NULL;
  OAR_TRY(oar_plan_make(p->graph, p, p->cut + 1, NULL, &options, &plan, err));
  int slot = 0;
  for (int s = 0; s < CONT_SLOTS; s++) {
    if (!p->conts[s].plan) {
      slot = s;
      break;
    }
    if (p->conts[s].used < p->conts[slot].used) slot = s;
  }
  oar_plan_cont *c = &p->conts[slot];
  oar_plan_destroy(c->plan);
  c->plan = plan;
  c->used = p->cont_clock;
  for (int i = 0; i < oar_node_num_out(n); i++) {
    c->key[i] = p->views[n->out[i]];
    c->key[i].data = NULL;
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
    oar_plan_destroy(p->conts[victim].plan);
    p->conts[victim].plan = NULL;
  }
  *out = plan;
  return OAR_OK;
}

oar_status oar_plan_run_cut(oar_plan *p, oar_error *err) {
  const oar_graph *g = p->graph;
  const oar_node *n = &g->nodes[p->cut];
  const int nout = oar_node_num_out(n);
  free_cut_buffers(p, nout);
  oar_plan_gather_inputs(p, n);
  for (int i = 0; i < nout; i++) p->out_scratch[i] = p->views[n->out[i]];
  const double t0 = p->step_seconds ? oar_plan_now_seconds() : 0;
  oar_status st = oar_plan_run_dynamic_node(n, p->in_scratch, p->out_scratch, err);
  if (st != OAR_OK) return oar_plan_prefix_node(g, n, p->views, err);
  if (p->step_seconds) p->step_seconds[p->num_steps] += oar_plan_now_seconds() - t0;
  for (int i = 0; i < nout; i++) {
    p->cut_buffers[i] = p->out_scratch[i].data;
    p->views[n->out[i]] = p->out_scratch[i];
  }
  if (p->cut + 1 >= g->num_nodes) return OAR_OK;
  oar_plan *next = NULL;
  OAR_TRY(continuation(p, n, &next, err));
  for (int e = 0; e < next->num_entries; e++)
    next->views[next->entries[e]].data = p->views[next->entries[e]].data;
  OAR_TRY(oar_plan_run(next, NULL, err));
  for (int i = 0; i < g->num_outputs; i++) {
    int v = g->outputs[i];
    if (g->values[v].producer >= next->start) p->views[v] = next->views[v];
  }
  return OAR_OK;
}
