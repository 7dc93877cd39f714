#include "runtime/plan.h"

#include <stdio.h>
#include <time.h>
#include <string.h>

#include "base/alloc.h"
#include "runtime/memory_plan.h"
#include "runtime/plan_dynamic.h"

static oar_status oom(oar_error *err, const char *what) {
  return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory planning the model (%s)", what);
}

/* "op conv2d (op #3, output 'x') with inputs Input=[1, 3, 8, 8] Filter=[...]: " */
oar_status oar_plan_prefix_node(const oar_graph *g, const oar_node *n, const oar_tensor_view *views,
                                oar_error *err) {
  char desc[256], shapes[512] = "", shape[96];
  size_t at = 0;
  oar_node_describe(g, n, desc, sizeof desc);
  for (int k = 0; k < n->schema->num_inputs; k++) {
    for (int j = 0; j < oar_node_input_count(n, k); j++) {
      int v = n->in[n->in_start[k] + j];
      int w = snprintf(shapes + at, sizeof shapes - at, " %s=%s%s", n->schema->inputs[k].name,
                       oar_dtype_str(views[v].dtype), oar_shape_str(&views[v].shape, shape, sizeof shape));
      if (w < 0 || (size_t)w >= sizeof shapes - at) break;
      at += (size_t)w;
    }
  }
  return oar_error_prefix(err, "%s with inputs%s: ", desc, shapes);
}

void oar_plan_gather_inputs(const oar_plan *p, const oar_node *n) {
  for (int i = 0; i < oar_node_num_in(n); i++) p->in_scratch[i] = &p->views[n->in[i]];
}

/* Inputs whose values are planned for: 1-D (or scalar) int32/int64 with
 * at most 16 elements. */
static int is_shape_like(const oar_tensor_view *v) {
  if (!v->data || (v->dtype != OAR_DTYPE_INT32 && v->dtype != OAR_DTYPE_INT64) || v->shape.rank > 1) return 0;
  int64_t n = oar_shape_numel(&v->shape);
  return n >= 0 && n <= 16;
}

/* Makes the plan own `d` (freed on failure too). */
static oar_status own(oar_plan *p, void *d, oar_error *err) {
  void **owned = oar_realloc(p->owned, (size_t)(p->num_owned + 1) * sizeof *owned);
  if (!owned) {
    oar_aligned_free(d);
    return oom(err, "folded values");
  }
  p->owned = owned;
  p->owned[p->num_owned++] = d;
  return OAR_OK;
}

static oar_status alloc_owned(oar_plan *p, size_t bytes, void **data, oar_error *err) {
  void *d = oar_aligned_alloc(bytes);
  if (!d) return oom(err, "folded value");
  memset(d, 0, bytes);
  OAR_TRY(own(p, d, err));
  *data = d;
  return OAR_OK;
}

static size_t value_bytes(const oar_tensor_view *v) {
  int64_t n = oar_shape_numel(&v->shape);
  size_t bytes;
  if (n < 0 || !oar_mul_size((size_t)n, oar_dtype_bytes(v->dtype), &bytes)) return SIZE_MAX;
  return bytes;
}

/* Infers one node's outputs into p->views; folds it when its inputs are
 * known. Sets *folded; sets p->cut to ni for a run-time-shaped node whose
 * inputs are not known. */
static oar_status plan_node(oar_plan *p, int ni, int *folded, oar_error *err) {
  const oar_graph *g = p->graph;
  const oar_node *n = &g->nodes[ni];
  int nin = oar_node_num_in(n), nout = oar_node_num_out(n);
  oar_plan_gather_inputs(p, n);
  for (int i = 0; i < nout; i++) {
    memset(&p->out_scratch[i], 0, sizeof p->out_scratch[i]);
    p->out_scratch[i].dtype = OAR_DTYPE_UNKNOWN;
  }
  oar_status st = n->schema->infer(n, p->in_scratch, p->out_scratch, err);
  if (st != OAR_OK && err->needs_value && oar_plan_value_cut_inputs(p, n, NULL) > 0) {
    /* Planned when the values are known: in a continuation from here. */
    p->cut = ni;
    p->cut_values = 1;
    *folded = 0;
    return OAR_OK;
  }
  if (st != OAR_OK) return oar_plan_prefix_node(g, n, p->views, err);
  int all_known = 1;
  for (int i = 0; i < nin; i++) all_known &= p->known[n->in[i]];
  if (n->schema->flags & OAR_OP_DYNAMIC_SHAPE) {
    *folded = all_known;
    if (!all_known) {
      p->cut = ni;
      return OAR_OK;
    }
    st = oar_plan_run_dynamic_node(p, NULL, n, p->in_scratch, p->out_scratch, err);
    if (st != OAR_OK) return oar_plan_prefix_node(g, n, p->views, err);
    /* Every output is owned from here on, so a failure frees the rest. */
    for (int i = 0; i < nout; i++) {
      st = own(p, p->out_scratch[i].data, err);
      if (st != OAR_OK) {
        for (int j = i + 1; j < nout; j++) oar_aligned_free(p->out_scratch[j].data);
        return st;
      }
    }
    for (int i = 0; i < nout; i++) {
      p->views[n->out[i]] = p->out_scratch[i];
      p->known[n->out[i]] = 1;
    }
    return OAR_OK;
  }
  int fold = all_known || (n->schema->flags & OAR_OP_SHAPE_ONLY);
  for (int i = 0; i < nout; i++) {
    oar_tensor_view *o = &p->out_scratch[i];
    if (o->dtype == OAR_DTYPE_UNKNOWN || oar_dtype_bytes(o->dtype) == 0 || !oar_shape_is_known(&o->shape) ||
        value_bytes(o) == SIZE_MAX) {
      oar_error_set(err, OAR_ERR_INTERNAL, "shape inference gave no valid dtype/shape for output '%s'",
                    g->values[n->out[i]].name);
      return oar_plan_prefix_node(g, n, p->views, err);
    }
    o->data = NULL;
    if (fold) OAR_TRY(alloc_owned(p, value_bytes(o), &o->data, err));
    p->views[n->out[i]] = *o;
  }
  *folded = fold;
  if (!fold) return OAR_OK;
  oar_run_fn run = oar_run_fn_for(n->schema->id);
  st = run(n, p->in_scratch, p->out_scratch, err);
  if (st != OAR_OK) return oar_plan_prefix_node(g, n, p->views, err);
  for (int i = 0; i < nout; i++) p->known[n->out[i]] = 1;
  return OAR_OK;
}

/* Lifetimes of the values the steps produce, then one arena from the
 * memory planner. Graph outputs live to the end (the caller reads them
 * after the run). */
static oar_status layout_arena(oar_plan *p, int reuse, oar_error *err) {
  const oar_graph *g = p->graph;
  int *request_of = oar_malloc(((size_t)g->num_values + 1) * sizeof *request_of);
  oar_mem_request *req = oar_malloc(((size_t)g->num_values + 1) * sizeof *req);
  int *value_of = oar_malloc(((size_t)g->num_values + 1) * sizeof *value_of);
  size_t *offsets = oar_malloc(((size_t)g->num_values + 1) * sizeof *offsets);
  oar_status st = OAR_OK;
  if (!request_of || !req || !value_of || !offsets) {
    st = oom(err, "memory plan");
    goto done;
  }
  for (int v = 0; v < g->num_values; v++) request_of[v] = -1;
  int n = 0;
  for (int s = 0; s < p->num_steps; s++) {
    const oar_node *node = &g->nodes[p->steps[s]];
    for (int i = 0; i < oar_node_num_in(node); i++) {
      int r = request_of[node->in[i]];
      if (r >= 0 && req[r].last < s) req[r].last = s;
    }
    for (int i = 0; i < oar_node_num_out(node); i++) {
      int v = node->out[i];
      size_t bytes = value_bytes(&p->views[v]);
      if (bytes == SIZE_MAX) {
        st = oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "tensor '%s' is too large", g->values[v].name);
        goto done;
      }
      req[n] = (oar_mem_request){.bytes = bytes, .first = s, .last = s, .inplace_of = -1};
      /* In place over input 0 when the op allows it and sizes match. */
      if (i == 0 && (node->schema->flags & (OAR_OP_INPLACE | OAR_OP_VIEW)) && oar_node_num_in(node) > 0) {
        int src = request_of[node->in[0]];
        if (src >= 0 && req[src].bytes == bytes) req[n].inplace_of = src;
      }
      request_of[v] = n;
      value_of[n] = v;
      n++;
    }
  }
  for (int i = 0; i < g->num_outputs; i++) {
    int r = request_of[g->outputs[i]];
    if (r >= 0) req[r].last = p->num_steps;
  }
  /* Values the cut node and the continuations after it read live to the
   * end too. */
  for (int ni = p->cut; ni >= 0 && ni < g->num_nodes; ni++) {
    const oar_node *node = &g->nodes[ni];
    for (int i = 0; i < oar_node_num_in(node); i++) {
      int r = request_of[node->in[i]];
      if (r >= 0) req[r].last = p->num_steps;
    }
  }
  /* An in-place request is only valid when its source dies right here:
   * the planner checks the lifetimes. */
  st = oar_memory_plan(req, n, 64, reuse, offsets, &p->memory, err);
  if (st != OAR_OK) goto done;
  /* Under a memory budget, tensors share memory when they must fit. */
  if (p->memory_budget && !reuse && p->memory.arena_bytes > p->memory_budget) {
    reuse = 1;
    st = oar_memory_plan(req, n, 64, reuse, offsets, &p->memory, err);
    if (st != OAR_OK) goto done;
  }
  size_t need = p->memory.arena_bytes + p->prep.workspace_bytes;
  if (need < p->memory.arena_bytes) need = SIZE_MAX;
  if (p->memory_budget && need > p->memory_budget) {
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY,
                       "memory budget exceeded: this plan needs %zu bytes (%zu of activations, %zu of kernel "
                       "workspace), the budget is %zu bytes",
                       need, p->memory.arena_bytes, p->prep.workspace_bytes, p->memory_budget);
    goto done;
  }
  p->arena_bytes = p->memory.arena_bytes;
  p->arena = oar_aligned_alloc(p->arena_bytes ? p->arena_bytes : 64);
  if (!p->arena) {
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory allocating %zu bytes of activations",
                       p->arena_bytes);
    goto done;
  }
  for (int r = 0; r < n; r++) p->views[value_of[r]].data = p->arena + offsets[r];
done:
  oar_free(request_of);
  oar_free(req);
  oar_free(value_of);
  oar_free(offsets);
  return st;
}

/* Graph input views and constants (a plan from node 0). */
static oar_status start_views(oar_plan *p, const oar_tensor_view *inputs, oar_error *err) {
  const oar_graph *g = p->graph;
  for (int v = 0; v < g->num_values; v++) {
    const oar_value *val = &g->values[v];
    p->views[v].dtype = val->dtype;
    p->views[v].shape = val->shape;
    if (val->kind == OAR_VALUE_CONSTANT) {
      p->views[v].data = val->data;
      p->known[v] = 1;
    }
  }
  for (int i = 0; i < g->num_inputs; i++) {
    p->signature[i] = inputs[i];
    p->signature[i].data = NULL;
    /* A small 1-D integer input is usually a shape, axes or sizes: its
     * values become part of the signature, so shape inference can use them
     * (the plan is remade when they change). */
    if (!p->body && is_shape_like(&inputs[i])) {
      size_t bytes = value_bytes(&inputs[i]);
      OAR_TRY(alloc_owned(p, bytes, &p->signature[i].data, err));
      memcpy(p->signature[i].data, inputs[i].data, bytes);
      p->known[g->inputs[i]] = 1;
    }
    p->views[g->inputs[i]] = p->signature[i];
  }
  return OAR_OK;
}

/* A continuation starts from its parent's views: what the parent knew, and
 * the values made before `start`, whose data it copies at each run. */
static oar_status continue_views(oar_plan *p, const oar_plan *parent, oar_error *err) {
  const oar_graph *g = p->graph;
  memcpy(p->views, parent->views, (size_t)g->num_values * sizeof *p->views);
  memcpy(p->known, parent->known, (size_t)g->num_values);
  /* After a value cut, the inputs it waited for are known here: this
   * continuation is for their values. */
  for (int k = 0; parent->cut_values && k < parent->num_key_values; k++) {
    const int v = parent->key_values[k];
    const size_t bytes = value_bytes(&parent->views[v]);
    OAR_TRY(alloc_owned(p, bytes ? bytes : 1, &p->views[v].data, err));
    memcpy(p->views[v].data, parent->views[v].data, bytes);
    p->known[v] = 1;
  }
  p->entries = oar_malloc(((size_t)g->num_values + 1) * sizeof *p->entries);
  if (!p->entries) return oom(err, "continuation");
  for (int v = 0; v < g->num_values; v++) {
    const oar_value *val = &g->values[v];
    int before = val->kind == OAR_VALUE_INPUT || (val->producer >= 0 && val->producer < p->start);
    if (before && !p->known[v]) p->entries[p->num_entries++] = v;
  }
  return OAR_OK;
}

static oar_status check_constant(oar_plan *p, int v, oar_error *err) {
  const oar_value *val = &p->graph->values[v];
  if (val->kind != OAR_VALUE_CONSTANT || !val->data) return OAR_OK;
  return p->check_constant(p->check_ctx, v, err);
}

oar_status oar_plan_make(const oar_graph *g, const oar_plan *parent, int start, const oar_tensor_view *inputs,
                         const oar_plan_options *options, oar_plan **out, oar_error *err) {
  oar_plan *p = oar_calloc(1, sizeof *p);
  if (!p) return oom(err, "plan");
  p->graph = g;
  p->start = start;
  p->cut = -1;
  p->memory_optim = options ? options->memory_optim : 1;
  p->memory_budget = options ? options->memory_budget : 0;
  p->check_constant = options ? options->check_constant : NULL;
  p->check_ctx = options ? options->check_ctx : NULL;
  p->weights = options ? options->weights : NULL;
  p->max_loop_iterations = options ? options->max_loop_iterations : 0;
  p->body = options ? options->body : 0;
  p->bf16 = options ? options->bf16 : 0;
  int max_in = 1, max_out = 1;
  for (int i = 0; i < g->num_nodes; i++) {
    if (oar_node_num_in(&g->nodes[i]) > max_in) max_in = oar_node_num_in(&g->nodes[i]);
    if (oar_node_num_out(&g->nodes[i]) > max_out) max_out = oar_node_num_out(&g->nodes[i]);
  }
  p->signature = oar_calloc((size_t)g->num_inputs + 1, sizeof *p->signature);
  p->views = oar_calloc((size_t)g->num_values + 1, sizeof *p->views);
  p->known = oar_calloc((size_t)g->num_values + 1, 1);
  p->steps = oar_calloc((size_t)g->num_nodes + 1, sizeof *p->steps);
  p->step_fns = oar_calloc((size_t)g->num_nodes + 1, sizeof *p->step_fns);
  p->step_states = oar_calloc((size_t)g->num_nodes + 1, sizeof *p->step_states);
  p->in_scratch = oar_calloc((size_t)max_in, sizeof *p->in_scratch);
  p->out_scratch = oar_calloc((size_t)max_out, sizeof *p->out_scratch);
  oar_status st = OAR_OK;
  if (!p->signature || !p->views || !p->known || !p->steps || !p->step_fns || !p->step_states ||
      !p->in_scratch || !p->out_scratch) {
    st = oom(err, "plan tables");
    goto fail;
  }
  st = parent ? continue_views(p, parent, err) : start_views(p, inputs, err);
  if (st != OAR_OK) goto fail;
  p->prep.graph = g;
  p->prep.weights = options ? options->weights : NULL;
  p->prep.bf16_wanted = p->bf16;
  st = oar_prepare_begin(&p->prep, err);
  if (st != OAR_OK) goto fail;
  for (int i = 0; p->check_constant && start == 0 && i < g->num_outputs; i++) {
    st = check_constant(p, g->outputs[i], err);
    if (st != OAR_OK) goto fail;
  }
  for (int ni = start; ni < g->num_nodes && p->cut < 0; ni++) {
    int folded = 0;
    if (!oar_op_built(g->nodes[ni].schema->id)) {
      oar_error_set(err, OAR_ERR_UNSUPPORTED,
                    "op '%s' is not in this build (configured with -DOAR_OP_LIST: add it to the list)",
                    g->nodes[ni].schema->name);
      oar_plan_prefix_node(g, &g->nodes[ni], p->views, err);
      st = OAR_ERR_UNSUPPORTED;
      goto fail;
    }
    for (int i = 0; p->check_constant && i < oar_node_num_in(&g->nodes[ni]); i++) {
      st = check_constant(p, g->nodes[ni].in[i], err);
      if (st != OAR_OK) {
        oar_plan_prefix_node(g, &g->nodes[ni], p->views, err);
        goto fail;
      }
    }
    st = plan_node(p, ni, &folded, err);
    if (st != OAR_OK) goto fail;
    if (!folded && p->cut < 0) {
      p->steps[p->num_steps] = ni;
      p->step_fns[p->num_steps] = oar_run_fn_for(g->nodes[ni].schema->id);
      st = oar_prepare_node(&p->prep, &g->nodes[ni], p->views, p->known, &p->step_states[p->num_steps], err);
      p->num_steps++;
      if (st != OAR_OK) {
        oar_plan_prefix_node(g, &g->nodes[ni], p->views, err);
        goto fail;
      }
    }
  }
  /* A workspace over the memory budget is refused before it is allocated
   * (layout_arena then checks the whole). */
  if (p->memory_budget && p->prep.workspace_bytes > p->memory_budget) {
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY,
                       "memory budget exceeded: this plan needs more than %zu bytes (%zu of kernel workspace "
                       "alone), the budget is %zu bytes",
                       p->prep.workspace_bytes, p->prep.workspace_bytes, p->memory_budget);
    goto fail;
  }
  st = oar_prepare_finish(&p->prep, err);
  if (st != OAR_OK) goto fail;
  st = layout_arena(p, p->memory_optim, err);
  if (st == OAR_OK && p->cut >= 0) {
    p->steps[p->num_steps] = p->cut; /* the profile's last entry */
    st = oar_plan_dynamic_init(p, err);
  }
  if (st == OAR_OK && options && options->profile) {
    p->step_seconds = oar_calloc((size_t)p->num_steps + 2, sizeof *p->step_seconds);
    if (!p->step_seconds) st = oom(err, "profile");
  }
  if (st != OAR_OK) goto fail;
  *out = p;
  return OAR_OK;
fail:
  oar_plan_destroy(p);
  return st;
}

oar_status oar_plan_create(const oar_graph *g, const oar_tensor_view *inputs, const oar_plan_options *options,
                           oar_plan **out, oar_error *err) {
  return oar_plan_make(g, NULL, 0, inputs, options, out, err);
}

int oar_plan_profile_entries(const oar_plan *p) { return p->num_steps + (p->cut >= 0 && !p->cut_values); }

int oar_plan_value_cut_inputs(const oar_plan *p, const oar_node *n, int *values) {
  int count = 0;
  for (int i = 0; i < oar_node_num_in(n); i++) {
    const int v = n->in[i];
    const oar_tensor_view *t = &p->views[v];
    const int64_t numel = oar_shape_numel(&t->shape);
    const int small = (t->dtype == OAR_DTYPE_INT32 || t->dtype == OAR_DTYPE_INT64 ||
                       t->dtype == OAR_DTYPE_FLOAT32 || t->dtype == OAR_DTYPE_FLOAT64) &&
                      t->shape.rank <= 1 && numel >= 0 && numel <= OAR_PLAN_VALUE_CUT_MAX;
    if (p->known[v] || !small) continue;
    int seen = 0;
    for (int k = 0; k < count && values; k++) seen |= values[k] == v;
    if (!seen && values) values[count] = v;
    count += !seen;
  }
  return count;
}

int oar_plan_matches(const oar_plan *p, const oar_tensor_view *inputs) {
  for (int i = 0; i < p->graph->num_inputs; i++) {
    if (p->signature[i].dtype != inputs[i].dtype) return 0;
    if (!oar_shape_equal(&p->signature[i].shape, &inputs[i].shape)) return 0;
    if (p->signature[i].data && memcmp(p->signature[i].data, inputs[i].data, value_bytes(&inputs[i])) != 0)
      return 0;
  }
  return 1;
}

double oar_plan_now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

oar_status oar_plan_run(oar_plan *p, const oar_tensor_view *inputs, oar_error *err) {
  const oar_graph *g = p->graph;
  double t0 = p->step_seconds ? oar_plan_now_seconds() : 0;
  if (inputs)
    for (int i = 0; i < g->num_inputs; i++)
      if (!p->signature[i].data) p->views[g->inputs[i]].data = inputs[i].data;
  for (int s = 0; s < p->num_steps; s++) {
    const oar_node *n = &g->nodes[p->steps[s]];
    oar_plan_gather_inputs(p, n);
    for (int i = 0; i < oar_node_num_out(n); i++) p->out_scratch[i] = p->views[n->out[i]];
    const oar_op_state *ks = p->step_states[s];
    oar_status st = ks ? ks->run(ks, n, p->in_scratch, p->out_scratch, p->prep.workspace, err)
                       : p->step_fns[s](n, p->in_scratch, p->out_scratch, err);
    if (st != OAR_OK) return oar_plan_prefix_node(g, n, p->views, err);
    if (p->step_seconds) {
      double t1 = oar_plan_now_seconds();
      p->step_seconds[s] += t1 - t0;
      t0 = t1;
    }
  }
  p->profiled_runs += p->step_seconds != NULL;
  return p->cut >= 0 ? oar_plan_run_cut(p, err) : OAR_OK;
}

void oar_plan_destroy(oar_plan *p) {
  if (!p) return;
  oar_plan_dynamic_free(p);
  oar_free(p->entries);
  for (int i = 0; i < p->num_owned; i++) oar_aligned_free(p->owned[i]);
  oar_free(p->owned);
  oar_aligned_free(p->arena);
  oar_free(p->signature);
  oar_free(p->views);
  oar_free(p->known);
  oar_free(p->steps);
  oar_free(p->step_seconds);
  oar_prepare_end(&p->prep, p->step_states, p->num_steps);
  oar_free(p->step_fns);
  oar_free(p->step_states);
  oar_free(p->in_scratch);
  oar_free(p->out_scratch);
  oar_free(p);
}
