#include "runtime/model.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/cpu.h"
#include "base/hash.h"
#include "frontend/oarfile/oarfile.h"
#include "kernels/generic/f32_kernels.h"
#include "kernels/generic/qgemm.h"
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
      .no_int8 = !oar_qs8_kernels_beat_float(isa),
  };
  return OAR_OK;
}

static uint32_t target_flags(const oar_pass_target *t) {
  return (t->blocked_conv ? OAR_OARFILE_TARGET_BLOCKED_CONV : 0u) |
         (t->blocked_depthwise ? OAR_OARFILE_TARGET_BLOCKED_DEPTHWISE : 0u) |
         (t->blocked_pool ? OAR_OARFILE_TARGET_BLOCKED_POOL : 0u) |
         (t->winograd ? OAR_OARFILE_TARGET_WINOGRAD : 0u);
}

/* Layouts chosen for no ISA: the graph was not optimized. */
#define TARGET_ANY (1u << 31)

static oar_status optimize(oar_model *m, const oar_model_options *options, oar_error *err) {
  oar_pass_target target;
  OAR_TRY(oar_model_pass_target(&target, err));
  m->target_flags = target_flags(&target);
  oar_status st = oar_pass_manager_run(m->graph, options->deleted_passes, options->num_deleted_passes,
                                       eval_node, NULL, &target, &m->pass_reports, &m->num_pass_reports, err);
  if (st != OAR_OK) oar_error_prefix(err, "%s: optimizing: ", m->graph->source ? m->graph->source : "model");
  return st;
}

static oar_status check_value(oar_model *m, int id, oar_error *err) {
  const oar_value *v = &m->graph->values[id];
  oar_mutex_lock(&m->check_lock);
  oar_status st = OAR_OK;
  if (!m->value_checked[id] && v->borrowed) {
    if (oar_xxh64(v->data, v->bytes, 0) != m->value_hash[id])
      st = oar_error_set(err, OAR_ERR_INVALID_MODEL, "checksum mismatch in the weights of constant '%s'",
                         v->name);
    else
      m->value_checked[id] = 1;
    /* Checking read every page of the constant: let them go again, so
     * that only the pages a run reads stay resident (an embedding table's
     * rows). */
    oar_bytes_release(&m->file, v->data, v->bytes);
  }
  oar_mutex_unlock(&m->check_lock);
  return st;
}

oar_status oar_model_check_constant(void *ctx, int value, oar_error *err) {
  oar_model *m = ctx;
  if (!m->value_hash || value < 0 || value >= m->graph->num_values || m->value_twin[value]) return OAR_OK;
  return check_value(m, value, err);
}

/* The weight cache is about to pack constant `src`: check it first (a
 * packed twin from the file made its check at load unnecessary). Runs
 * under the cache's lock. */
static oar_status check_source(void *ctx, const void *src, oar_error *err) {
  oar_model *m = ctx;
  for (int i = 0; i < m->graph->num_values; i++)
    if (m->graph->values[i].data == src) return check_value(m, i, err);
  return OAR_OK;
}

/* Loads an optimized model file from m->file: the graph as written (no
 * passes), the packed weights seeded into the weight cache when they were
 * packed for the active ISA level (else they are packed again from the
 * constants at plan time). Constants without a packed twin are checked
 * now; the rest when first used. */
static oar_status load_oarfile(oar_model *m, const char *source, oar_error *err) {
  const uint8_t *bytes = m->file.data;
  if ((uintptr_t)bytes % OAR_OARFILE_ALIGN) {
    m->file_copy = oar_aligned_alloc(m->file.size);
    if (!m->file_copy)
      return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory copying the model (%zu bytes)",
                           m->file.size);
    memcpy(m->file_copy, bytes, m->file.size);
    bytes = m->file_copy;
  }
  oar_oarfile f;
  OAR_TRY(oar_oarfile_read(bytes, m->file.size, source, &f, err));
  m->graph = f.graph;
  m->value_hash = f.value_hash;
  f.graph = NULL;
  f.value_hash = NULL;
  oar_status st = OAR_OK;
  const char *name = source ? source : "model";
  oar_isa isa;
  oar_pass_target target;
  st = oar_cpu_isa_active(&isa, err);
  if (st == OAR_OK) st = oar_model_pass_target(&target, err);
  if (st == OAR_OK && !(f.target & TARGET_ANY) && f.target != target_flags(&target)) {
    const char *file_isa = f.isa < OAR_ISA_COUNT ? oar_isa_name((oar_isa)f.isa) : "an unknown";
    st = oar_error_set(
        err, OAR_ERR_UNSUPPORTED,
        "%s: optimized for the %s kernels, whose layouts this host's %s kernels do not run: run "
        "`oar opt` again on the source model here",
        name, file_isa, oar_isa_name(isa));
  }
  m->target_flags = f.target;
  if (st == OAR_OK) {
    m->value_checked = oar_calloc((size_t)m->graph->num_values + 1, 1);
    st = oar_weight_cache_create(&m->weights, err);
    if (st == OAR_OK && !m->value_checked)
      st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory loading '%s'", name);
  }
  if (st == OAR_OK) {
    oar_mutex_init(&m->check_lock);
    m->check_lock_made = 1;
  }
  unsigned char *has_twin = st == OAR_OK ? oar_calloc((size_t)m->graph->num_values + 1, 1) : NULL;
  if (st == OAR_OK && !has_twin)
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory loading '%s'", name);
  if (st == OAR_OK && f.isa == (uint32_t)isa) {
    const void *table = oar_f32_kernels_for(isa);
    for (size_t k = 0; st == OAR_OK && k < f.num_packed; k++) {
      const oar_oarfile_packed *p = &f.packed[k];
      const oar_value *v = &m->graph->values[p->value];
      st = oar_weight_cache_add_borrowed(m->weights, v->data, table, p->key, p->floats, p->data, p->hash,
                                         v->name, err);
      has_twin[p->value] = 1;
    }
  }
  /* Constants are checked when a plan first reads them
   * (oar_model_check_constant): a load reads none. */
  if (st == OAR_OK) oar_weight_cache_set_source_check(m->weights, check_source, m);
  m->value_twin = has_twin;
  oar_oarfile_free(&f);
  return st;
}

oar_status oar_model_save_optimized(oar_model *m, const char *path, oar_error *err) {
  oar_isa isa;
  OAR_TRY(oar_cpu_isa_active(&isa, err));
  const void *table = oar_f32_kernels_for(isa);
  const oar_graph *g = m->graph;
  size_t n = m->weights ? oar_weight_cache_count(m->weights) : 0, count = 0;
  oar_oarfile_packed *packed = oar_calloc(n + 1, sizeof *packed);
  if (!packed) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory writing '%s'", path);
  for (size_t k = 0; k < n; k++) {
    const void *src, *tab;
    oar_oarfile_packed *p = &packed[count];
    oar_weight_cache_entry(m->weights, k, &src, &tab, p->key, &p->floats, &p->data);
    if (tab != table) continue; /* packed for another level (OAR_ISA changed since) */
    p->value = -1;
    for (int i = 0; i < g->num_values && p->value < 0; i++)
      if (g->values[i].kind == OAR_VALUE_CONSTANT && g->values[i].data == src &&
          g->values[i].dtype == OAR_DTYPE_FLOAT32)
        p->value = i;
    if (p->value >= 0) count++;
  }
  uint32_t target = m->pass_reports || m->file.data ? m->target_flags : TARGET_ANY;
  oar_status st = oar_oarfile_write(path, g, (uint32_t)isa, target, packed, count, err);
  oar_free(packed);
  return st;
}

/* An optimized model file, by content: the path's first bytes or the
 * buffer's. *matched is set when it is one (m->file then holds it). */
static oar_status map_if_oarfile(oar_model *m, const oar_model_source *src, int *matched, oar_error *err) {
  *matched = 0;
  if (src->model) {
    if (!oar_path_is_file(src->model)) return OAR_OK;
    oar_bytes b = {0};
    if (oar_file_map(src->model, &b, err) != OAR_OK) return OAR_OK; /* the frontends report it */
    /* A *.oar file is read as one whatever it holds: its loader's errors
     * (bad magic, truncated) are the ones that say what is wrong. */
    const size_t len = strlen(src->model);
    const int named = len > 4 && strcmp(src->model + len - 4, ".oar") == 0;
    if (!named && !oar_oarfile_matches(b.data, b.size)) {
      oar_bytes_free(&b);
      return OAR_OK;
    }
    m->file = b;
  } else {
    if (!oar_oarfile_matches(src->program_buf, src->program_size)) return OAR_OK;
    /* The caller's buffer may go away: an aligned copy. */
    m->file_copy = oar_aligned_alloc(src->program_size);
    if (!m->file_copy)
      return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory copying the model (%zu bytes)",
                           src->program_size);
    memcpy(m->file_copy, src->program_buf, src->program_size);
    m->file.data = m->file_copy;
    m->file.size = src->program_size;
  }
  *matched = 1;
  return OAR_OK;
}

oar_status oar_model_load(const oar_model_source *src, const oar_model_options *options, oar_model **out,
                          oar_error *err) {
  static const oar_model_options defaults = {.ir_optim = 1};
  if (!options) options = &defaults;
  oar_model *m = oar_calloc(1, sizeof *m);
  if (!m) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory creating the model");
  atomic_init(&m->refs, 1);
  int oarfile = 0;
  oar_status fst = map_if_oarfile(m, src, &oarfile, err);
  if (fst == OAR_OK && oarfile) {
    fst = load_oarfile(m, src->model, err);
    if (fst == OAR_OK) fst = summarize(m, err);
  }
  if (fst != OAR_OK || oarfile) {
    if (fst != OAR_OK) {
      oar_model_release(m);
      return fst;
    }
    *out = m;
    return OAR_OK;
  }
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
  oar_free(m->value_hash);
  oar_free(m->value_checked);
  oar_free(m->value_twin);
  if (m->check_lock_made) oar_mutex_destroy(&m->check_lock);
  /* The graph and the cache pointed into these. */
  if (m->file.data != m->file_copy) oar_bytes_free(&m->file);
  oar_aligned_free(m->file_copy);
  oar_free(m);
}
