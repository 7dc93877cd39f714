#include <stdio.h>
#include <string.h>

#include "api/internal.h"
#include "base/alloc.h"

/* Plans kept per predictor: at most OAR_PLAN_CACHE_SLOTS input
 * signatures, and at most this many bytes of their activations and
 * workspace (the plan in use is always kept). */
#define OAR_PLAN_CACHE_BYTES ((size_t)256 << 20)

#define CHECK_PREDICTOR(p)                                                                  \
  do {                                                                                      \
    if (!oar_handle_valid((p), OAR_HANDLE_PREDICTOR))                                       \
      return oar_api_misuse("%s: predictor is NULL or not a live oar_predictor", __func__); \
  } while (0)

static void destroy_tensors(oar_tensor *t, size_t n) {
  if (!t) return;
  for (size_t i = 0; i < n; i++) {
    oar_handle_unregister(&t[i]);
    oar_aligned_free(t[i].data);
  }
  oar_free(t);
}

static void predictor_free(oar_predictor *p) {
  destroy_tensors(p->inputs, p->num_inputs);
  destroy_tensors(p->outputs, p->num_outputs);
  oar_free(p->input_views);
  for (size_t i = 0; i < OAR_PLAN_CACHE_SLOTS; i++) oar_plan_destroy(p->plans[i]);
  oar_threadpool_destroy(p->pool);
  oar_model_release(p->model);
  oar_free(p);
}

static oar_status make_tensors(oar_predictor *p, bool inputs, oar_error *err) {
  const oar_graph *g = p->model->graph;
  size_t n = (size_t)(inputs ? g->num_inputs : g->num_outputs);
  const int *ids = inputs ? g->inputs : g->outputs;
  oar_tensor *t = oar_calloc(n + 1, sizeof *t);
  if (!t) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory creating tensors");
  if (inputs) {
    p->inputs = t;
    p->num_inputs = 0;
  } else {
    p->outputs = t;
    p->num_outputs = 0;
  }
  for (size_t i = 0; i < n; i++) {
    const oar_value *v = &g->values[ids[i]];
    t[i].owner = p;
    t[i].is_input = inputs;
    t[i].value_id = ids[i];
    t[i].declared_dtype = v->dtype;
    t[i].declared_shape = v->shape;
    t[i].dtype = v->dtype;
    t[i].shape = v->shape;
    if (!oar_handle_register(&t[i], OAR_HANDLE_TENSOR))
      return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory registering tensors");
    if (inputs)
      p->num_inputs++;
    else
      p->num_outputs++;
  }
  return OAR_OK;
}

static oar_status predictor_new(oar_model *model, int num_threads, int memory_optim, size_t memory_budget,
                                int profile, oar_predictor **out, oar_error *err) {
  oar_predictor *p = oar_calloc(1, sizeof *p);
  if (!p) {
    oar_model_release(model);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory creating the predictor");
  }
  p->model = model;
  p->num_threads = num_threads;
  p->memory_optim = memory_optim;
  p->memory_budget = memory_budget;
  p->profile = profile;
  oar_status st = oar_threadpool_create(num_threads, &p->pool, err);
  if (st == OAR_OK) st = make_tensors(p, true, err);
  if (st == OAR_OK) st = make_tensors(p, false, err);
  if (st == OAR_OK) {
    p->input_views = oar_calloc(p->num_inputs + 1, sizeof *p->input_views);
    if (!p->input_views)
      st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory creating the predictor");
  }
  if (st == OAR_OK && !oar_handle_register(p, OAR_HANDLE_PREDICTOR))
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory registering the predictor");
  if (st != OAR_OK) {
    predictor_free(p);
    return st;
  }
  *out = p;
  return OAR_OK;
}

oar_status oar_predictor_create(const oar_config *config, oar_predictor **out) {
  if (!oar_handle_valid(config, OAR_HANDLE_CONFIG))
    return oar_api_misuse("oar_predictor_create: config is NULL or not a live oar_config");
  oar_config *c = (oar_config *)config;
  if (!out) return oar_api_failf(&c->err, OAR_ERR_MISUSE, "oar_predictor_create: out is NULL");
  if (!c->model && !c->program_buf)
    return oar_api_failf(
        &c->err, OAR_ERR_MISUSE,
        "oar_predictor_create: no model set (call oar_config_set_model or _set_model_buffer)");
  oar_error err;
  oar_error_clear(&err);
  oar_model_source src = {
      .model = c->model,
      .params = c->params,
      .program_buf = c->program_buf,
      .program_size = c->program_size,
      .params_buf = c->params_buf,
      .params_size = c->params_size,
  };
  const oar_model_options options = {
      .ir_optim = c->ir_optim,
      .deleted_passes = (const char *const *)c->deleted_passes,
      .num_deleted_passes = c->num_deleted_passes,
  };
  oar_model *model = NULL;
  oar_status st = oar_model_load(&src, &options, &model, &err);
  if (st != OAR_OK) return oar_api_fail(&c->err, &err);
  oar_predictor *p = NULL;
  st = predictor_new(model, c->num_threads, c->memory_optim, c->memory_budget, c->profile, &p, &err);
  if (st != OAR_OK) return oar_api_fail(&c->err, &err);
  p->max_loop_iterations = c->max_loop_iterations;
  p->bf16 = c->bf16;
  *out = p;
  return OAR_OK;
}

oar_status oar_predictor_clone(oar_predictor *predictor, oar_predictor **out) {
  CHECK_PREDICTOR(predictor);
  if (!out) return oar_api_failf(&predictor->err, OAR_ERR_MISUSE, "oar_predictor_clone: out is NULL");
  oar_error err;
  oar_error_clear(&err);
  oar_model_retain(predictor->model);
  oar_predictor *p = NULL;
  oar_status st = predictor_new(predictor->model, predictor->num_threads, predictor->memory_optim,
                                predictor->memory_budget, predictor->profile, &p, &err);
  if (st != OAR_OK) return oar_api_fail(&predictor->err, &err);
  p->max_loop_iterations = predictor->max_loop_iterations;
  p->bf16 = predictor->bf16;
  *out = p;
  return OAR_OK;
}

void oar_predictor_destroy(oar_predictor *predictor) {
  if (!oar_handle_valid(predictor, OAR_HANDLE_PREDICTOR)) return;
  oar_handle_unregister(predictor);
  predictor_free(predictor);
}

oar_status oar_predictor_input_count(const oar_predictor *predictor, size_t *count) {
  CHECK_PREDICTOR(predictor);
  if (!count) return oar_api_misuse("oar_predictor_input_count: count is NULL");
  *count = predictor->num_inputs;
  return OAR_OK;
}

oar_status oar_predictor_output_count(const oar_predictor *predictor, size_t *count) {
  CHECK_PREDICTOR(predictor);
  if (!count) return oar_api_misuse("oar_predictor_output_count: count is NULL");
  *count = predictor->num_outputs;
  return OAR_OK;
}

static oar_status io_name(const oar_predictor *p, const oar_tensor *t, size_t n, size_t index,
                          const char **name, const char *fn) {
  if (!name) return oar_api_misuse("%s: name is NULL", fn);
  if (index >= n)
    return oar_api_failf((oar_error *)&p->err, OAR_ERR_INVALID_ARGUMENT,
                         "%s: index %zu out of range (model has %zu)", fn, index, n);
  *name = p->model->graph->values[t[index].value_id].name;
  return OAR_OK;
}

oar_status oar_predictor_input_name(const oar_predictor *predictor, size_t index, const char **name) {
  CHECK_PREDICTOR(predictor);
  return io_name(predictor, predictor->inputs, predictor->num_inputs, index, name, __func__);
}

oar_status oar_predictor_output_name(const oar_predictor *predictor, size_t index, const char **name) {
  CHECK_PREDICTOR(predictor);
  return io_name(predictor, predictor->outputs, predictor->num_outputs, index, name, __func__);
}

static oar_status find_tensor(oar_predictor *p, oar_tensor *t, size_t n, const char *name, oar_tensor **out,
                              const char *kind, const char *fn) {
  if (!name || !out) return oar_api_failf(&p->err, OAR_ERR_MISUSE, "%s: name or out is NULL", fn);
  for (size_t i = 0; i < n; i++) {
    if (strcmp(p->model->graph->values[t[i].value_id].name, name) == 0) {
      *out = &t[i];
      return OAR_OK;
    }
  }
  char names[512] = "";
  size_t at = 0;
  for (size_t i = 0; i < n && at < sizeof names; i++) {
    int w = snprintf(names + at, sizeof names - at, "%s'%s'", i ? ", " : "",
                     p->model->graph->values[t[i].value_id].name);
    if (w < 0) break;
    at += (size_t)w;
  }
  return oar_api_failf(&p->err, OAR_ERR_NOT_FOUND, "%s: the model has no %s named '%s' (its %ss: %s)", fn,
                       kind, name, kind, names);
}

oar_status oar_predictor_get_input(oar_predictor *predictor, const char *name, oar_tensor **tensor) {
  CHECK_PREDICTOR(predictor);
  return find_tensor(predictor, predictor->inputs, predictor->num_inputs, name, tensor, "input", __func__);
}

oar_status oar_predictor_get_output(oar_predictor *predictor, const char *name, oar_tensor **tensor) {
  CHECK_PREDICTOR(predictor);
  return find_tensor(predictor, predictor->outputs, predictor->num_outputs, name, tensor, "output", __func__);
}

static size_t plan_bytes(const oar_plan *plan) { return oar_plan_bytes(plan); }

/* Makes p->plan the plan for p->input_views: a cached one, or a new one
 * (evicting the least recently used beyond the slot and byte budgets). */
static oar_status use_plan(oar_predictor *p, oar_error *err) {
  p->plan_clock++;
  for (size_t i = 0; i < OAR_PLAN_CACHE_SLOTS; i++) {
    if (p->plans[i] && oar_plan_matches(p->plans[i], p->input_views)) {
      if (p->plan != p->plans[i]) p->ran = false;
      p->plan = p->plans[i];
      p->plan_used[i] = p->plan_clock;
      return OAR_OK;
    }
  }
  p->ran = false;
  p->plan = NULL;
  oar_plan *plan = NULL;
  oar_threadpool_set_current(p->pool);
  const oar_plan_options options = {.memory_optim = p->memory_optim,
                                    .profile = p->profile,
                                    .weights = p->model->weights,
                                    .memory_budget = p->memory_budget,
                                    .check_constant = p->model->value_hash ? oar_model_check_constant : NULL,
                                    .check_ctx = p->model,
                                    .max_loop_iterations = p->max_loop_iterations,
                                    .bf16 = p->bf16};
  oar_status st = oar_plan_create(p->model->graph, p->input_views, &options, &plan, err);
  oar_threadpool_set_current(NULL);
  if (st != OAR_OK) return st;
  /* A free slot, or the least recently used one. */
  size_t slot = 0;
  for (size_t i = 0; i < OAR_PLAN_CACHE_SLOTS; i++) {
    if (!p->plans[i]) {
      slot = i;
      break;
    }
    if (p->plan_used[i] < p->plan_used[slot]) slot = i;
  }
  oar_plan_destroy(p->plans[slot]);
  p->plans[slot] = plan;
  p->plan_used[slot] = p->plan_clock;
  /* Over the byte budget: drop the least recently used others. */
  for (;;) {
    size_t total = 0, victim = OAR_PLAN_CACHE_SLOTS;
    for (size_t i = 0; i < OAR_PLAN_CACHE_SLOTS; i++) {
      if (!p->plans[i]) continue;
      total += plan_bytes(p->plans[i]);
      if (i != slot && (victim == OAR_PLAN_CACHE_SLOTS || p->plan_used[i] < p->plan_used[victim])) victim = i;
    }
    if (total <= OAR_PLAN_CACHE_BYTES || victim == OAR_PLAN_CACHE_SLOTS) break;
    oar_plan_destroy(p->plans[victim]);
    p->plans[victim] = NULL;
  }
  p->plan = plan;
  return OAR_OK;
}

oar_status oar_predictor_run(oar_predictor *predictor) {
  CHECK_PREDICTOR(predictor);
  oar_predictor *p = predictor;
  const oar_graph *g = p->model->graph;
  for (size_t i = 0; i < p->num_inputs; i++) {
    oar_tensor *t = &p->inputs[i];
    if (!t->has_data)
      return oar_api_failf(&p->err, OAR_ERR_MISUSE,
                           "oar_predictor_run: input '%s' has no data (call oar_tensor_reshape and "
                           "oar_tensor_copy_from_host first)",
                           g->values[t->value_id].name);
    p->input_views[i].dtype = t->dtype;
    p->input_views[i].shape = t->shape;
    p->input_views[i].data = t->data;
  }
  oar_error err;
  oar_error_clear(&err);
  oar_status pst = use_plan(p, &err);
  if (pst != OAR_OK) {
    oar_error_prefix(&err, "%s: ", g->source ? g->source : "model");
    if (pst == OAR_ERR_INVALID_MODEL) err.code = OAR_ERR_INVALID_ARGUMENT;
    return oar_api_fail(&p->err, &err);
  }
  oar_threadpool_set_current(p->pool);
  oar_status st = oar_plan_run(p->plan, p->input_views, &err);
  oar_threadpool_set_current(NULL);
  if (st != OAR_OK) return oar_api_fail(&p->err, &err);
  for (size_t i = 0; i < p->num_outputs; i++) {
    const oar_tensor_view *v = &p->plan->views[p->outputs[i].value_id];
    p->outputs[i].dtype = v->dtype;
    p->outputs[i].shape = v->shape;
  }
  p->ran = true;
  return OAR_OK;
}

const char *oar_predictor_last_error(const oar_predictor *predictor) {
  if (!oar_handle_valid(predictor, OAR_HANDLE_PREDICTOR)) return NULL;
  return predictor->err.msg;
}

oar_status oar_predictor_op_type_count(const oar_predictor *predictor, size_t *count) {
  CHECK_PREDICTOR(predictor);
  if (!count) return oar_api_misuse("oar_predictor_op_type_count: count is NULL");
  *count = predictor->model->num_op_stats;
  return OAR_OK;
}

oar_status oar_predictor_op_type(const oar_predictor *predictor, size_t index, const char **type,
                                 size_t *nodes) {
  CHECK_PREDICTOR(predictor);
  if (!type || !nodes) return oar_api_misuse("oar_predictor_op_type: type or nodes is NULL");
  const oar_model *m = predictor->model;
  if (index >= m->num_op_stats)
    return oar_api_failf((oar_error *)&predictor->err, OAR_ERR_INVALID_ARGUMENT,
                         "oar_predictor_op_type: index %zu out of range (%zu op types)", index,
                         m->num_op_stats);
  *type = m->op_stats[index].type;
  *nodes = m->op_stats[index].nodes;
  return OAR_OK;
}

oar_status oar_predictor_param_stats(const oar_predictor *predictor, size_t *tensors, uint64_t *elements,
                                     uint64_t *bytes) {
  CHECK_PREDICTOR(predictor);
  if (!tensors || !elements || !bytes)
    return oar_api_misuse("oar_predictor_param_stats: an out pointer is NULL");
  *tensors = predictor->model->param_tensors;
  *elements = predictor->model->param_elements;
  *bytes = predictor->model->param_bytes;
  return OAR_OK;
}

oar_status oar_predictor_pass_count(const oar_predictor *predictor, size_t *count) {
  CHECK_PREDICTOR(predictor);
  if (!count) return oar_api_misuse("oar_predictor_pass_count: count is NULL");
  *count = (size_t)predictor->model->num_pass_reports;
  return OAR_OK;
}

oar_status oar_predictor_pass_report(const oar_predictor *predictor, size_t index, const char **name,
                                     int *fired, const char **notes) {
  CHECK_PREDICTOR(predictor);
  if (!name || !fired || !notes) return oar_api_misuse("oar_predictor_pass_report: an out pointer is NULL");
  const oar_model *m = predictor->model;
  if (index >= (size_t)m->num_pass_reports)
    return oar_api_failf((oar_error *)&predictor->err, OAR_ERR_INVALID_ARGUMENT,
                         "oar_predictor_pass_report: index %zu out of range (%d passes ran)", index,
                         m->num_pass_reports);
  *name = m->pass_reports[index].name;
  *fired = m->pass_reports[index].fired;
  *notes = m->pass_reports[index].notes;
  return OAR_OK;
}

oar_status oar_predictor_memory_stats(const oar_predictor *predictor, uint64_t *arena_bytes,
                                      uint64_t *naive_bytes, uint64_t *max_live_bytes) {
  CHECK_PREDICTOR(predictor);
  if (!arena_bytes || !naive_bytes || !max_live_bytes)
    return oar_api_misuse("oar_predictor_memory_stats: an out pointer is NULL");
  if (!predictor->plan)
    return oar_api_failf((oar_error *)&predictor->err, OAR_ERR_MISUSE,
                         "oar_predictor_memory_stats: no plan yet (run the predictor once)");
  *arena_bytes = predictor->plan->memory.arena_bytes;
  *naive_bytes = predictor->plan->memory.naive_bytes;
  *max_live_bytes = predictor->plan->memory.max_live_bytes;
  return OAR_OK;
}

oar_status oar_predictor_profile_count(const oar_predictor *predictor, size_t *count, uint64_t *runs) {
  CHECK_PREDICTOR(predictor);
  if (!count || !runs) return oar_api_misuse("oar_predictor_profile_count: count or runs is NULL");
  if (!predictor->plan || !predictor->plan->step_seconds)
    return oar_api_failf(
        (oar_error *)&predictor->err, OAR_ERR_MISUSE,
        "oar_predictor_profile_count: no profile (enable it with oar_config_set_profile, then run)");
  *count = (size_t)oar_plan_profile_entries(predictor->plan);
  *runs = predictor->plan->profiled_runs;
  return OAR_OK;
}

oar_status oar_predictor_profile_entry(oar_predictor *predictor, size_t index, const char **node,
                                       const char **kernel, double *seconds) {
  CHECK_PREDICTOR(predictor);
  if (!node || !kernel || !seconds)
    return oar_api_misuse("oar_predictor_profile_entry: an out pointer is NULL");
  const oar_plan *plan = predictor->plan;
  if (!plan || !plan->step_seconds)
    return oar_api_failf(&predictor->err, OAR_ERR_MISUSE, "oar_predictor_profile_entry: no profile");
  if (index >= (size_t)oar_plan_profile_entries(plan))
    return oar_api_failf(&predictor->err, OAR_ERR_INVALID_ARGUMENT,
                         "oar_predictor_profile_entry: index %zu out of range (%d steps)", index,
                         oar_plan_profile_entries(plan));
  const oar_graph *g = predictor->model->graph;
  oar_node_describe(g, &g->nodes[plan->steps[index]], predictor->profile_node,
                    sizeof predictor->profile_node);
  const oar_op_state *state = index < (size_t)plan->num_steps ? plan->step_states[index] : NULL;
  *node = predictor->profile_node;
  *kernel = state && state->kernel ? state->kernel : "reference";
  *seconds = plan->step_seconds[index];
  return OAR_OK;
}

oar_status oar_predictor_save_optimized(oar_predictor *predictor, const char *path) {
  CHECK_PREDICTOR(predictor);
  if (!path)
    return oar_api_failf(&predictor->err, OAR_ERR_MISUSE, "oar_predictor_save_optimized: path is NULL");
  oar_error err;
  oar_error_clear(&err);
  oar_predictor *p = predictor;
  const oar_graph *g = p->model->graph;
  /* Before any run nothing is packed yet: plan once for the declared
   * shapes (-1 as 1) so that the weights are. A model that cannot be
   * planned so is written without packed weights (packed when planned). */
  if (!p->plan) {
    oar_tensor_view *views = oar_calloc((size_t)g->num_inputs + 1, sizeof *views);
    if (!views)
      return oar_api_failf(&p->err, OAR_ERR_OUT_OF_MEMORY, "oar_predictor_save_optimized: out of memory");
    for (int i = 0; i < g->num_inputs; i++) {
      const oar_value *v = &g->values[g->inputs[i]];
      views[i].dtype = v->dtype;
      views[i].shape = v->shape;
      for (int d = 0; d < views[i].shape.rank; d++)
        if (views[i].shape.dims[d] < 0) views[i].shape.dims[d] = 1;
    }
    const oar_plan_options options = {
        .memory_optim = 1,
        .weights = p->model->weights,
        .check_constant = p->model->value_hash ? oar_model_check_constant : NULL,
        .check_ctx = p->model,
        .max_loop_iterations = p->max_loop_iterations,
        .bf16 = p->bf16};
    oar_plan *plan = NULL;
    oar_error ignored;
    oar_error_clear(&ignored);
    oar_threadpool_set_current(p->pool);
    if (oar_plan_create(g, views, &options, &plan, &ignored) == OAR_OK) oar_plan_destroy(plan);
    oar_threadpool_set_current(NULL);
    oar_free(views);
  }
  oar_status st = oar_model_save_optimized(p->model, path, &err);
  if (st != OAR_OK) return oar_api_fail(&p->err, &err);
  return OAR_OK;
}
