#include "runtime/model.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/cpu.h"
#include "kernels/generic/f32_kernels.h"
#include "frontend/onnx/onnx_loader.h"
#include "frontend/paddle/paddle_loader.h"
#include "passes/pass_manager.h"
#include "runtime/op_run.h"
#include "runtime/weight_cache.h"

static int by_count_desc(const void *a, const void *b) {
  const oar_op_type_stat *x = a, *y = b;
  if (x->nodes != y->nodes) return x->nodes < y->nodes ? 1 : -1;
  return strcmp(x->type, y->type);
}

static oar_status summarize(oar_model *m, oar_error *err) {
  const oar_graph *g = m->graph;
  m->op_stats = oar_calloc((size_t)g->num_nodes + 1, sizeof *m->op_stats);
  if (!m->op_stats) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory summarizing the model");
  for (int i = 0; i < g->num_nodes; i++) {
    const char *type = g->nodes[i].schema->name;
    size_t k = 0;
    while (k < m->num_op_stats && strcmp(m->op_stats[k].type, type) != 0) k++;
    if (k == m->num_op_stats) m->op_stats[m->num_op_stats++].type = type;
    m->op_stats[k].nodes++;
  }
  qsort(m->op_stats, m->num_op_stats, sizeof *m->op_stats, by_count_desc);
  for (int i = 0; i < g->num_values; i++) {
    const oar_value *v = &g->values[i];
    if (v->kind != OAR_VALUE_CONSTANT || !v->data) continue;
    m->param_tensors++;
    int64_t n = oar_shape_numel(&v->shape);
    m->param_elements += n > 0 ? (uint64_t)n : 0;
    m->param_bytes += v->bytes;
  }
  return OAR_OK;
}

/* Constant folding runs ops through the same run functions as a plan. */
static oar_status eval_node(void *user, const oar_node *node, const oar_tensor_view *const *in,
                            oar_tensor_view *out, oar_error *err) {
  (void)user;
  oar_run_fn run = oar_run_fn_for(node->schema->id);
  if (!run) return oar_error_set(err, OAR_ERR_INTERNAL, "no run function for %s", node->schema->name);
  return run(node, in, out, err);
}

oar_status oar_model_pass_target(oar_pass_target *target, oar_error *err) {
  /* Layout choices follow the kernels plans will use (OAR_ISA applies). */
  oar_isa isa;
  OAR_TRY(oar_cpu_isa_active(&isa, err));
  const oar_f32_kernels *kr = oar_f32_kernels_for(isa);
  *target = (oar_pass_target){
      .blocked_conv = kr->conv16c != NULL,
      .blocked_depthwise = kr->conv16c && kr->dwconv16c,
      .blocked_pool = kr->conv16c && kr->pool16c,
      .winograd = kr->conv16c && kr->wino23_in && kr->wino23_out,
  };
  return OAR_OK;
}

static oar_status optimize(oar_model *m, const oar_model_options *options, oar_error *err) {
  oar_pass_target target;
  OAR_TRY(oar_model_pass_target(&target, err));
  oar_status st = oar_pass_manager_run(m->graph, options->deleted_passes, options->num_deleted_passes,
                                       eval_node, NULL, &target, &m->pass_reports, &m->num_pass_reports, err);
  if (st != OAR_OK) oar_error_prefix(err, "%s: optimizing: ", m->graph->source ? m->graph->source : "model");
  return st;
}

oar_status oar_model_load(const oar_model_source *src, const oar_model_options *options, oar_model **out,
                          oar_error *err) {
  static const oar_model_options defaults = {.ir_optim = 1};
  if (!options) options = &defaults;
  oar_model *m = oar_calloc(1, sizeof *m);
  if (!m) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory creating the model");
  atomic_init(&m->refs, 1);
  oar_paddle_source ps = {
      .model = src->model,
      .params = src->params,
      .program_buf = src->program_buf,
      .program_size = src->program_size,
      .params_buf = src->params_buf,
      .params_size = src->params_size,
  };
  /* ONNX when the path ends in .onnx or the buffer holds a ModelProto. */
  const bool onnx = src->model ? oar_onnx_path_matches(src->model)
                               : oar_onnx_buffer_matches(src->program_buf, src->program_size);
  oar_status st = onnx ? oar_onnx_load(src->model, src->model ? NULL : src->program_buf, src->program_size,
                                       &m->graph, err)
                       : oar_paddle_load(&ps, &m->graph, err);
  if (st == OAR_OK) {
    st = oar_graph_verify(m->graph, err);
    if (st != OAR_OK) oar_error_prefix(err, "%s: ", m->graph->source ? m->graph->source : "model");
  }
  if (st == OAR_OK && options->ir_optim) st = optimize(m, options, err);
  if (st == OAR_OK) st = summarize(m, err);
  if (st == OAR_OK) st = oar_weight_cache_create(&m->weights, err);
  if (st != OAR_OK) {
    oar_model_release(m);
    return st;
  }
  *out = m;
  return OAR_OK;
}

void oar_model_retain(oar_model *m) { atomic_fetch_add(&m->refs, 1); }

void oar_model_release(oar_model *m) {
  if (!m) return;
  if (atomic_fetch_sub(&m->refs, 1) != 1) return;
  oar_graph_destroy(m->graph);
  oar_free(m->op_stats);
  oar_free(m->pass_reports);
  oar_weight_cache_destroy(m->weights);
  oar_free(m);
}
