#include "frontend/onnx/onnx_loader.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/file.h"
#include "frontend/onnx/onnx_state.h"
#include "ir/graph_edit.h"
#include "ir/ops/control_flow.h"

#define NAME_FMT(s) (int)((s).n > 200 ? 200 : (s).n), ((s).p ? (s).p : "")

/* ---- value names ---------------------------------------------------------- */

static uint64_t hash_name(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h;
}

int onnx_ld_find(const onnx_loader *ld, const char *name, size_t len) {
  if (!ld->map_cap) return -1;
  size_t mask = ld->map_cap - 1;
  for (size_t i = hash_name(name, len) & mask;; i = (i + 1) & mask) {
    int id = ld->map[i];
    if (id < 0) return -1;
    const char *vn = ld->g->values[id].name;
    if (strlen(vn) == len && memcmp(vn, name, len) == 0) return id;
  }
}

static oar_status map_insert(onnx_loader *ld, int id, oar_error *err) {
  if ((size_t)(ld->g->num_values) * 2 >= ld->map_cap) {
    size_t cap = ld->map_cap ? ld->map_cap * 2 : 256;
    int *m = oar_malloc(cap * sizeof *m);
    if (!m) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory indexing ONNX value names");
    for (size_t i = 0; i < cap; i++) m[i] = -1;
    for (size_t i = 0; i < ld->map_cap; i++) {
      int v = ld->map[i];
      if (v < 0 || v == id) continue;
      const char *vn = ld->g->values[v].name;
      size_t j = hash_name(vn, strlen(vn)) & (cap - 1);
      while (m[j] >= 0) j = (j + 1) & (cap - 1);
      m[j] = v;
    }
    oar_free(ld->map);
    ld->map = m;
    ld->map_cap = cap;
  }
  const char *vn = ld->g->values[id].name;
  size_t j = hash_name(vn, strlen(vn)) & (ld->map_cap - 1);
  while (ld->map[j] >= 0) j = (j + 1) & (ld->map_cap - 1);
  ld->map[j] = id;
  return OAR_OK;
}

oar_status onnx_ld_set_known(onnx_loader *ld, int v, bool known, oar_error *err) {
  if ((size_t)v >= ld->known_cap) {
    size_t cap = ld->known_cap ? ld->known_cap : 256;
    while (cap <= (size_t)v) cap *= 2;
    unsigned char *k = oar_realloc(ld->known, cap);
    if (!k) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory tracking ONNX shapes");
    memset(k + ld->known_cap, 0, cap - ld->known_cap);
    ld->known = k;
    ld->known_cap = cap;
  }
  ld->known[v] = known;
  return OAR_OK;
}

bool onnx_ld_known(const onnx_loader *ld, int v) {
  return v >= 0 && (size_t)v < ld->known_cap && ld->known[v];
}

oar_status onnx_ld_add(onnx_loader *ld, const char *name, size_t len, oar_dtype dtype, const oar_shape *shape,
                       int *id, oar_error *err) {
  char *copy = oar_strndup(name, len);
  if (!copy) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory copying a value name");
  oar_status st = oar_graph_add_value(ld->g, copy, dtype, shape, id, err);
  oar_free(copy);
  if (st != OAR_OK) return st;
  OAR_TRY(map_insert(ld, *id, err));
  return onnx_ld_set_known(ld, *id, false, err);
}

oar_status onnx_ld_track_last_node(onnx_loader *ld, oar_error *err) {
  oar_graph *g = ld->g;
  const oar_node *n = &g->nodes[g->num_nodes - 1];
  const int nin = oar_node_num_in(n), nout = oar_node_num_out(n);
  oar_tensor_view views[32], outs[32];
  const oar_tensor_view *ptrs[32];
  bool ok = nin <= 32 && nout <= 32;
  for (int i = 0; ok && i < nin; i++) {
    const oar_value *v = &g->values[n->in[i]];
    ok = onnx_ld_known(ld, n->in[i]);
    views[i].dtype = v->dtype;
    views[i].shape = v->shape;
    views[i].data = v->kind == OAR_VALUE_CONSTANT ? v->data : NULL;
    ptrs[i] = &views[i];
  }
  if (ok) {
    for (int i = 0; i < nout; i++) {
      memset(&outs[i], 0, sizeof outs[i]);
      outs[i].dtype = OAR_DTYPE_UNKNOWN;
    }
    oar_error scratch;
    ok = n->schema->infer(n, ptrs, outs, &scratch) == OAR_OK;
  }
  for (int i = 0; i < nout; i++) {
    oar_value *v = &g->values[n->out[i]];
    bool known = ok && outs[i].dtype != OAR_DTYPE_UNKNOWN && outs[i].shape.rank >= 0 &&
                 outs[i].shape.rank <= OAR_MAX_RANK;
    if (known) {
      v->dtype = outs[i].dtype;
      v->shape = outs[i].shape;
    }
    OAR_TRY(onnx_ld_set_known(ld, n->out[i], known, err));
  }
  return OAR_OK;
}

/* ---- model bytes ---------------------------------------------------------- */

void onnx_ld_release(const onnx_loader *ld, const void *p, size_t n) {
  if (!ld->file_map || n == 0) return;
  const uintptr_t lo = (uintptr_t)ld->file_map, hi = lo + ld->file_map_size;
  if ((uintptr_t)p < lo || (uintptr_t)p + n > hi) return;
  const oar_bytes mapping = {
      .data = (uint8_t *)(uintptr_t)ld->file_map, .size = ld->file_map_size, .mapped = 1};
  oar_bytes_release(&mapping, p, n);
}

/* ---- initializers ----------------------------------------------------------- */

/* Checks an external data location: relative, no ".." component. */
static oar_status check_location(const onnx_tensor *t, oar_error *err) {
  const onnx_str l = t->location;
  if (l.n == 0 || memchr(l.p, '\0', l.n))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "tensor '%.*s' is external but has no valid location",
                         NAME_FMT(t->name));
  if (l.p[0] == '/' || l.p[0] == '\\')
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "tensor '%.*s': external data location '%.*s' is absolute", NAME_FMT(t->name),
                         NAME_FMT(l));
  for (size_t i = 0; i < l.n;) {
    size_t j = i;
    while (j < l.n && l.p[j] != '/' && l.p[j] != '\\') j++;
    if (j - i == 2 && l.p[i] == '.' && l.p[i + 1] == '.')
      return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                           "tensor '%.*s': external data location '%.*s' leaves the model's directory",
                           NAME_FMT(t->name), NAME_FMT(l));
    i = j + 1;
  }
  return OAR_OK;
}

static oar_status read_external(const char *dir, const onnx_tensor *t, void *dst, size_t bytes,
                                oar_error *err) {
  if (!dir)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "tensor '%.*s' keeps its data in an external file, which a model given as a buffer "
                         "cannot reach (load the model from its path)",
                         NAME_FMT(t->name));
  OAR_TRY(check_location(t, err));
  char *loc = onnx_str_dup(t->location);
  char *path = loc ? oar_path_join(dir, loc) : NULL;
  oar_free(loc);
  if (!path) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory joining a path");
  oar_status st = OAR_OK;
  FILE *f = fopen(path, "rb");
  if (!f) {
    st = oar_error_set(err, OAR_ERR_IO, "tensor '%.*s': cannot open external data file '%s': %s",
                       NAME_FMT(t->name), path, strerror(errno));
    goto done;
  }
  oar_path_info info;
  if (!oar_path_info_get(path, &info) || !info.is_file) {
    st = oar_error_set(err, OAR_ERR_IO, "tensor '%.*s': external data '%s' is not a regular file",
                       NAME_FMT(t->name), path);
    goto done;
  }
  uint64_t fsize = info.size, off = t->offset < 0 ? 0 : (uint64_t)t->offset;
  if (t->length >= 0 && (uint64_t)t->length != bytes) {
    st =
        oar_error_set(err, OAR_ERR_INVALID_MODEL,
                      "tensor '%.*s': external data length %lld does not match its dims and type (%zu bytes)",
                      NAME_FMT(t->name), (long long)t->length, bytes);
    goto done;
  }
  if (off > fsize || bytes > fsize - off) {
    st = oar_error_set(
        err, OAR_ERR_INVALID_MODEL,
        "tensor '%.*s': external data file '%s' is too short: the tensor needs bytes [%llu, %llu) "
        "but the file has %llu bytes",
        NAME_FMT(t->name), path, (unsigned long long)off, (unsigned long long)(off + bytes),
        (unsigned long long)fsize);
    goto done;
  }
  if (oar_file_seek(f, off) != 0 || (bytes && fread(dst, 1, bytes, f) != bytes)) {
    st = oar_error_set(err, OAR_ERR_IO, "tensor '%.*s': cannot read %zu bytes at offset %llu of '%s'",
                       NAME_FMT(t->name), bytes, (unsigned long long)off, path);
  }
done:
  if (f) fclose(f);
  oar_free(path);
  return st;
}

/* Makes value `id` a constant holding tensor t's data. */
static oar_status load_tensor_into(onnx_loader *ld, const char *dir, const onnx_tensor *t, int id,
                                   oar_error *err) {
  oar_dtype dtype = onnx_dtype_to_oar(t->data_type);
  if (dtype == OAR_DTYPE_UNKNOWN)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "tensor '%.*s' has data type %s, which oar does not support", NAME_FMT(t->name),
                         onnx_dtype_name(t->data_type));
  if (t->has_segment)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "tensor '%.*s' is segmented", NAME_FMT(t->name));
  oar_shape shape;
  OAR_TRY(onnx_tensor_shape(t, &shape, err));
  size_t bytes;
  if (!oar_mul_size((size_t)oar_shape_numel(&shape), oar_dtype_bytes(dtype), &bytes))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "tensor '%.*s' is too large", NAME_FMT(t->name));
  if (!t->external && t->has_raw && t->raw_len != bytes)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "tensor '%.*s': raw_data holds %zu bytes, its dims and type need %zu",
                         NAME_FMT(t->name), t->raw_len, bytes);
  OAR_TRY(oar_graph_set_constant(ld->g, id, dtype, &shape, NULL, bytes, err));
  void *dst = ld->g->values[id].data;
  if (t->external) {
    OAR_TRY(read_external(dir, t, dst, bytes, err));
  } else {
    OAR_TRY(onnx_tensor_copy_inline(t, dtype, dst, bytes, err));
    if (t->has_raw) onnx_ld_release(ld, t->raw, t->raw_len);
  }
  return onnx_ld_set_known(ld, id, true, err);
}

/* ---- the graph -------------------------------------------------------------- */

static oar_status value_info_shape(const onnx_value_info *vi, oar_dtype *dtype, oar_shape *shape,
                                   oar_error *err) {
  if (vi->kind != 1)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "graph input '%.*s' is not a tensor (sequence, map or optional)",
                         NAME_FMT(vi->name));
  *dtype = onnx_dtype_to_oar(vi->elem_type);
  if (*dtype == OAR_DTYPE_UNKNOWN)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "graph input '%.*s' has data type %s, which oar does not support",
                         NAME_FMT(vi->name), onnx_dtype_name(vi->elem_type));
  if (!vi->has_shape)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "graph input '%.*s' has no shape (its rank is unknown)",
                         NAME_FMT(vi->name));
  if (vi->rank > OAR_MAX_RANK)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "graph input '%.*s' has rank %d, above oar's limit of %d",
                         NAME_FMT(vi->name), vi->rank, OAR_MAX_RANK);
  shape->rank = vi->rank;
  for (int i = 0; i < vi->rank; i++) shape->dims[i] = vi->dims[i];
  return OAR_OK;
}

static const char *node_label(const onnx_node *n, char *buf, size_t size) {
  snprintf(buf, size, "'%.*s' (%.*s)", NAME_FMT(n->name), NAME_FMT(n->op_type));
  return buf;
}

/* The default domain's opset, checked to be in range. */
static oar_status model_opset(const onnx_model *m, int64_t *opset, oar_error *err) {
  *opset = -1;
  for (size_t i = 0; i < m->num_opsets; i++) {
    const onnx_opset *o = &m->opsets[i];
    if (o->domain.n == 0 || onnx_str_eq(o->domain, "ai.onnx")) *opset = o->version;
  }
  if (*opset < 0) return OAR_OK; /* fine while no node uses the default domain */
  if (*opset < ONNX_MIN_OPSET || *opset > ONNX_MAX_OPSET)
    return oar_error_set(
        err, OAR_ERR_UNSUPPORTED,
        "the model imports opset %lld of the default ONNX domain; oar supports opsets %d to %d",
        (long long)*opset, ONNX_MIN_OPSET, ONNX_MAX_OPSET);
  return OAR_OK;
}

static oar_status domain_opset(const onnx_model *m, onnx_str domain, int64_t *v) {
  for (size_t i = 0; i < m->num_opsets; i++)
    if (m->opsets[i].domain.n == domain.n &&
        (domain.n == 0 || !memcmp(m->opsets[i].domain.p, domain.p, domain.n))) {
      *v = m->opsets[i].version;
      return OAR_OK;
    }
  *v = -1;
  return OAR_OK;
}

/* ---- control flow: If and Loop (ir/ops/control_flow.h) ------------------------
 *
 * A body is converted by a loader of its own whose parent is the enclosing
 * graph's: a name the body does not define is looked up outward; an outer
 * constant is copied into the body, any other outer value becomes an extra
 * input of the body (a capture) that the node passes in. */

static oar_status convert_node(onnx_loader *ld, const onnx_model *m, const onnx_graph *gr, int64_t opset,
                               size_t index, oar_error *err);

/* The id of `name` in ld, captured from the enclosing graphs when ld is a
 * body; -1 when no graph defines it. */
static oar_status find_or_capture(onnx_loader *ld, const char *name, size_t len, int *id, oar_error *err) {
  *id = onnx_ld_find(ld, name, len);
  if (*id >= 0 || !ld->parent) return OAR_OK;
  int outer;
  OAR_TRY(find_or_capture(ld->parent, name, len, &outer, err));
  if (outer < 0) return OAR_OK;
  const oar_value *ov = &ld->parent->g->values[outer];
  OAR_TRY(onnx_ld_add(ld, name, len, ov->dtype, &ov->shape, id, err));
  if (ov->kind == OAR_VALUE_CONSTANT && ov->data) {
    OAR_TRY(oar_graph_set_constant(ld->g, *id, ov->dtype, &ov->shape, ov->data, ov->bytes, err));
  } else {
    OAR_TRY(oar_graph_add_input(ld->g, *id, err));
    if (ld->num_caps == ld->cap_caps) {
      size_t cap = ld->cap_caps ? ld->cap_caps * 2 : 8;
      int *c = oar_realloc(ld->caps, cap * sizeof *c);
      if (!c) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory converting a subgraph");
      ld->caps = c;
      ld->cap_caps = cap;
    }
    ld->caps[ld->num_caps++] = outer;
  }
  return onnx_ld_set_known(ld, *id, onnx_ld_known(ld->parent, outer), err);
}

/* Converts subgraph `sg` into a new graph: its declared inputs first, then
 * the captures (outer ids in body->caps). */
static oar_status convert_body(onnx_loader *outer, const onnx_model *m, const onnx_graph *sg, int64_t opset,
                               onnx_loader *body, oar_error *err) {
  memset(body, 0, sizeof *body);
  body->parent = outer;
  OAR_TRY(oar_graph_create(&body->g, err));
  if (outer->g->source && !(body->g->source = oar_strdup(outer->g->source)))
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory converting a subgraph");
  for (size_t i = 0; i < sg->num_inits; i++) {
    const onnx_tensor *t = &sg->inits[i];
    int id;
    if (t->external)
      return oar_error_set(err, OAR_ERR_UNSUPPORTED, "subgraph initializer '%.*s' has external data",
                           NAME_FMT(t->name));
    oar_shape none = {0};
    if (onnx_ld_find(body, t->name.p, t->name.n) >= 0)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "subgraph initializer '%.*s' is defined twice",
                           NAME_FMT(t->name));
    OAR_TRY(onnx_ld_add(body, t->name.p, t->name.n, OAR_DTYPE_UNKNOWN, &none, &id, err));
    OAR_TRY(load_tensor_into(body, NULL, t, id, err));
  }
  for (size_t i = 0; i < sg->num_inputs; i++) {
    const onnx_value_info *vi = &sg->inputs[i];
    oar_dtype dtype = OAR_DTYPE_UNKNOWN;
    oar_shape shape = {0};
    oar_error scratch;
    /* Body inputs may leave their type or shape to the op: what is given is kept. */
    bool known = vi->kind == 1 && value_info_shape(vi, &dtype, &shape, &scratch) == OAR_OK;
    if (!known) {
      dtype = vi->kind == 1 ? onnx_dtype_to_oar(vi->elem_type) : OAR_DTYPE_UNKNOWN;
      shape = (oar_shape){0};
    }
    int id;
    if (vi->name.n == 0)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "subgraph input %zu has no name", i);
    if (onnx_ld_find(body, vi->name.p, vi->name.n) >= 0)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "subgraph input '%.*s' is defined twice",
                           NAME_FMT(vi->name));
    OAR_TRY(onnx_ld_add(body, vi->name.p, vi->name.n, dtype, &shape, &id, err));
    OAR_TRY(oar_graph_add_input(body->g, id, err));
    OAR_TRY(onnx_ld_set_known(body, id, known, err));
  }
  for (size_t i = 0; i < sg->num_nodes; i++) OAR_TRY(convert_node(body, m, sg, opset, i, err));
  for (size_t i = 0; i < sg->num_outputs; i++) {
    const onnx_value_info *vi = &sg->outputs[i];
    int id;
    OAR_TRY(find_or_capture(body, vi->name.p, vi->name.n, &id, err));
    if (id < 0)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "subgraph output '%.*s' is never produced",
                           NAME_FMT(vi->name));
    if (vi->kind == 2)
      return oar_error_set(err, OAR_ERR_UNSUPPORTED, "subgraph output '%.*s' is not a tensor",
                           NAME_FMT(vi->name));
    OAR_TRY(oar_graph_add_output(body->g, id, err));
  }
  return OAR_OK;
}

static void body_free(onnx_loader *b) {
  oar_graph_destroy(b->g);
  oar_free(b->map);
  oar_free(b->known);
  oar_free(b->caps);
  memset(b, 0, sizeof *b);
}

static const onnx_graph *graph_attr(const onnx_node *n, const char *name) {
  for (size_t a = 0; a < n->num_attrs; a++)
    if (onnx_str_eq(n->attrs[a].name, name)) return n->attrs[a].g;
  return NULL;
}

/* Makes every body take the same inputs: the union of their captures (in
 * `outer` ids, appended to *ids), after `formal` inputs of their own. */
static oar_status unify_captures(onnx_loader *bodies, int nb, int formal, int *ids, int *num_ids,
                                 oar_error *err) {
  for (int b = 0; b < nb; b++)
    for (size_t k = 0; k < bodies[b].num_caps; k++) {
      int seen = 0;
      for (int j = 0; j < *num_ids; j++) seen |= ids[j] == bodies[b].caps[k];
      if (!seen) ids[(*num_ids)++] = bodies[b].caps[k];
    }
  for (int b = 0; b < nb; b++) {
    oar_graph *g = bodies[b].g;
    int *inputs = oar_malloc(((size_t)formal + (size_t)*num_ids + 1) * sizeof *inputs);
    if (!inputs) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory converting a subgraph");
    for (int i = 0; i < formal; i++) inputs[i] = g->inputs[i];
    for (int j = 0; j < *num_ids; j++) {
      int id = -1;
      for (size_t k = 0; k < bodies[b].num_caps; k++)
        if (bodies[b].caps[k] == ids[j]) id = g->inputs[formal + (int)k];
      if (id < 0) { /* not read by this body: an input it ignores */
        const oar_value *ov = &bodies[b].parent->g->values[ids[j]];
        char name[64];
        snprintf(name, sizeof name, "oar.unused%d", j);
        oar_status st = oar_graph_add_value(g, name, ov->dtype, &ov->shape, &id, err);
        if (st != OAR_OK) {
          oar_free(inputs);
          return st;
        }
      }
      inputs[formal + j] = id;
    }
    oar_free(g->inputs);
    g->inputs = inputs;
    g->num_inputs = formal + *num_ids;
  }
  return OAR_OK;
}

static oar_status scalar_const(onnx_loader *ld, const char *name, oar_dtype dt, int64_t v, int *id,
                               oar_error *err) {
  const oar_shape s = {0};
  uint8_t b = (uint8_t)v;
  return oar_graph_add_constant(ld->g, name, dt, &s,
                                dt == OAR_DTYPE_BOOL ? (const void *)&b : (const void *)&v,
                                oar_dtype_bytes(dt), id, err);
}

/* If (cond; then_branch, else_branch) and Loop (M, cond, v...; body). */
static oar_status convert_control_flow(onnx_loader *ld, const onnx_model *m, const onnx_node *n,
                                       int64_t opset, const int *in, const int *out, oar_error *err) {
  const bool is_if = onnx_str_eq(n->op_type, "If");
  onnx_loader bodies[2];
  memset(bodies, 0, sizeof bodies);
  const int nb = is_if ? 2 : 1;
  int *ids = NULL;
  oar_node_builder b;
  memset(&b, 0, sizeof b);
  oar_status st = OAR_OK;
  const int nin = (int)n->num_inputs, nout = (int)n->num_outputs;
  for (int k = 0; k < nb && st == OAR_OK; k++) {
    const onnx_graph *sg = graph_attr(n, is_if ? (k ? "else_branch" : "then_branch") : "body");
    if (!sg) {
      st = oar_error_set(err, OAR_ERR_INVALID_MODEL, "has no subgraph '%s'",
                         is_if ? (k ? "else_branch" : "then_branch") : "body");
      break;
    }
    st = convert_body(ld, m, sg, opset, &bodies[k], err);
    if (st != OAR_OK) oar_error_prefix(err, "%s: ", is_if ? (k ? "else_branch" : "then_branch") : "body");
  }
  /* Loop body: (iter, cond, v... | outputs cond, v..., scans...). */
  const int formal = is_if || st != OAR_OK ? 0 : (int)bodies[0].g->num_inputs - (int)bodies[0].num_caps;
  const int nv = formal - 2;
  const bool has_trip = !is_if && nin > 0 && in[0] >= 0;
  if (st == OAR_OK && !is_if &&
      (nv < 0 || nin != nv + 2 || bodies[0].g->num_outputs < nv + 1 || nout != bodies[0].g->num_outputs - 1))
    st = oar_error_set(err, OAR_ERR_INVALID_MODEL,
                       "Loop has %d inputs and %d outputs; its body takes %d and gives %d", nin, nout, formal,
                       bodies[0].g->num_outputs);
  const size_t max_ids =
      (size_t)nin + 4 + (nb > 0 ? bodies[0].num_caps : 0) + (nb > 1 ? bodies[1].num_caps : 0);
  if (st == OAR_OK && !(ids = oar_malloc(max_ids * sizeof *ids)))
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory converting a control flow node");
  int num_ids = 0;
  if (st == OAR_OK && !is_if) {
    /* X: iteration number, condition, loop values, trip count, captures. */
    int zero = -1, cond = in[1];
    st = scalar_const(ld, "oar.loop_iter", OAR_DTYPE_INT64, 0, &zero, err);
    if (st == OAR_OK && cond < 0) st = scalar_const(ld, "oar.loop_cond", OAR_DTYPE_BOOL, 1, &cond, err);
    ids[num_ids++] = zero;
    ids[num_ids++] = cond;
    for (int k = 0; k < nv; k++) ids[num_ids++] = in[2 + k];
    if (has_trip) {
      ids[num_ids++] = in[0];
      const oar_shape s = {0};
      int ph;
      st = oar_graph_add_value(bodies[0].g, "oar.trip", OAR_DTYPE_INT64, &s, &ph, err);
      if (st == OAR_OK) { /* the body's input for it, before the captures */
        oar_graph *g = bodies[0].g;
        st = oar_graph_add_input(g, ph, err);
        if (st == OAR_OK) {
          memmove(&g->inputs[formal + 1], &g->inputs[formal],
                  (size_t)(g->num_inputs - 1 - formal) * sizeof(int));
          g->inputs[formal] = ph;
        }
      }
    }
    /* The next iteration number: iter + 1, a body output. */
    oar_graph *g = bodies[0].g;
    int one = -1, next = -1;
    const oar_shape s = {0};
    if (st == OAR_OK) st = scalar_const(&bodies[0], "oar.one", OAR_DTYPE_INT64, 1, &one, err);
    if (st == OAR_OK) st = oar_graph_add_value(g, "oar.iter_next", OAR_DTYPE_INT64, &s, &next, err);
    if (st == OAR_OK) st = oar_node_begin(&b, g, oar_schema_by_id(OAR_OP_elementwise_add), -1, err);
    if (st == OAR_OK) st = oar_node_add_input(&b, 0, g->inputs[0], err);
    if (st == OAR_OK) st = oar_node_add_input(&b, 1, one, err);
    if (st == OAR_OK) st = oar_node_add_output(&b, 0, next, err);
    if (st == OAR_OK)
      st = oar_node_finish(&b, err);
    else if (b.graph)
      oar_node_abort(&b);
    if (st == OAR_OK) st = oar_graph_add_output(g, next, err);
  }
  int num_caps = 0;
  if (st == OAR_OK)
    st = unify_captures(bodies, nb, is_if ? 0 : formal + has_trip, ids + num_ids, &num_caps, err);
  num_ids += num_caps;
  for (int k = 0; st == OAR_OK && is_if && k < nb; k++)
    if (bodies[k].g->num_outputs != nout)
      st = oar_error_set(err, OAR_ERR_INVALID_MODEL, "If has %d outputs, its %s gives %d", nout,
                         k ? "else_branch" : "then_branch", bodies[k].g->num_outputs);
  if (st != OAR_OK) goto done;
  const oar_op_schema *schema = oar_schema_by_id(is_if ? OAR_OP_conditional_block : OAR_OP_while);
  st = oar_node_begin(&b, ld->g, schema, -1, err);
  if (st != OAR_OK) goto done;
  if (is_if) {
    st = oar_node_add_input(&b, OAR_COND_BLOCK_IN_COND, in[0], err);
    for (int j = 0; st == OAR_OK && j < num_ids; j++)
      st = oar_node_add_input(&b, OAR_COND_BLOCK_IN_INPUT, ids[j], err);
    const oar_attr sc = {.type = OAR_ATTR_BOOL, .i = 1};
    if (st == OAR_OK) st = oar_node_set_attr(&b, OAR_COND_BLOCK_ATTR_IS_SCALAR, &sc, err);
    for (int k = 0; st == OAR_OK && k < nout; k++) {
      int o = out[k];
      if (o < 0) {
        char name[64];
        snprintf(name, sizeof name, "oar.if%d.out%d", ld->g->num_nodes, k);
        const oar_shape none = {0};
        st = oar_graph_add_value(ld->g, name, OAR_DTYPE_UNKNOWN, &none, &o, err);
      }
      if (st == OAR_OK) st = oar_node_add_output(&b, OAR_COND_BLOCK_OUT, o, err);
    }
  } else {
    for (int j = 0; st == OAR_OK && j < num_ids; j++)
      st = oar_node_add_input(&b, OAR_WHILE_IN_X, ids[j], err);
    const int nbo = bodies[0].g->num_outputs; /* cond, v..., scans..., iter_next */
    oar_attr carried = {.type = OAR_ATTR_INTS, .n = (size_t)nbo};
    if (st == OAR_OK && !(carried.ints = oar_calloc((size_t)nbo + 1, sizeof *carried.ints)))
      st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory converting a Loop");
    for (int k = 0; st == OAR_OK && k < nbo; k++)
      carried.ints[k] = k == 0 ? 1 : k <= nv ? 1 + k : k == nbo - 1 ? 0 : -1;
    const oar_attr ca = {.type = OAR_ATTR_INT, .i = 1},
                   tr = {.type = OAR_ATTR_INT, .i = has_trip ? 2 + nv : -1};
    if (st == OAR_OK) st = oar_node_set_attr(&b, OAR_WHILE_ATTR_CARRIED, &carried, err);
    if (st == OAR_OK) st = oar_node_set_attr(&b, OAR_WHILE_ATTR_COND, &ca, err);
    if (st == OAR_OK) st = oar_node_set_attr(&b, OAR_WHILE_ATTR_TRIP, &tr, err);
    oar_free(carried.ints);
    for (int k = 0; st == OAR_OK && k < nbo; k++) {
      int o = k >= 1 && k <= nout ? out[k - 1] : -1;
      if (o < 0) {
        char name[64];
        snprintf(name, sizeof name, "oar.loop%d.out%d", ld->g->num_nodes, k);
        const oar_shape none = {0};
        st = oar_graph_add_value(ld->g, name, OAR_DTYPE_UNKNOWN, &none, &o, err);
      }
      if (st == OAR_OK) st = oar_node_add_output(&b, OAR_WHILE_OUT, o, err);
    }
  }
  if (st == OAR_OK) {
    oar_graph *gs[2] = {bodies[0].g, nb > 1 ? bodies[1].g : NULL};
    bodies[0].g = NULL;
    if (nb > 1) bodies[1].g = NULL;
    st = oar_node_set_bodies(&b, gs, nb, err);
  }
  if (st == OAR_OK) {
    st = oar_node_finish(&b, err);
    if (st == OAR_OK) st = onnx_ld_track_last_node(ld, err);
  } else if (b.graph) {
    oar_node_abort(&b);
  }
done:
  for (int k = 0; k < 2; k++) body_free(&bodies[k]);
  oar_free(ids);
  return st;
}

static oar_status convert_node(onnx_loader *ld, const onnx_model *m, const onnx_graph *gr, int64_t opset,
                               size_t index, oar_error *err) {
  const onnx_node *n = &gr->nodes[index];
  const bool control_flow = onnx_str_eq(n->op_type, "If") || onnx_str_eq(n->op_type, "Loop");
  char label[512];
  bool default_domain = n->domain.n == 0 || onnx_str_eq(n->domain, "ai.onnx");
  /* com.microsoft: the QOperator ops of ONNX Runtime's quantizer, which
   * lower onto default-domain converters (they see the model's opset). */
  const onnx_op_entry *e = NULL;
  if (!default_domain && onnx_str_eq(n->domain, "com.microsoft"))
    e = onnx_ms_op_find(n->op_type.p, n->op_type.n);
  if (!default_domain && !e) {
    int64_t v;
    domain_opset(m, n->domain, &v);
    return oar_error_set(
        err, OAR_ERR_UNSUPPORTED,
        "ONNX node #%zu %s: op type '%.*s' of domain '%.*s' (opset %lld) is not supported: oar "
        "reads the default ONNX domain only",
        index, node_label(n, label, sizeof label), NAME_FMT(n->op_type), NAME_FMT(n->domain), (long long)v);
  }
  if (opset < 0 && default_domain)
    return oar_error_set(
        err, OAR_ERR_INVALID_MODEL,
        "ONNX node #%zu %s uses the default ONNX domain, but the model imports no opset of it", index,
        node_label(n, label, sizeof label));
  if (default_domain && !control_flow) e = onnx_op_find(n->op_type.p, n->op_type.n);
  if (!e && !control_flow)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "ONNX node #%zu %s: op type '%.*s' (domain ai.onnx, opset %lld) is not supported",
                         index, node_label(n, label, sizeof label), NAME_FMT(n->op_type), (long long)opset);
  for (size_t a = 0; a < n->num_attrs && !control_flow; a++)
    if (n->attrs[a].has_graph)
      return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                           "ONNX node #%zu %s (opset %lld): subgraph attribute '%.*s' is not supported",
                           index, node_label(n, label, sizeof label), (long long)opset,
                           NAME_FMT(n->attrs[a].name));
  if (n->num_inputs > 4096 || n->num_outputs > 4096)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "ONNX node #%zu %s has too many inputs or outputs", index,
                         node_label(n, label, sizeof label));
  int *ids = oar_malloc((n->num_inputs + n->num_outputs + 1) * sizeof *ids);
  if (!ids) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory converting an ONNX node");
  oar_status st = OAR_OK;
  for (size_t i = 0; i < n->num_inputs; i++) {
    ids[i] = -1;
    if (n->inputs[i].n == 0) continue;
    st = find_or_capture(ld, n->inputs[i].p, n->inputs[i].n, &ids[i], err);
    if (st != OAR_OK) goto done;
    if (ids[i] < 0) {
      st = oar_error_set(
          err, OAR_ERR_INVALID_MODEL,
          "ONNX node #%zu %s reads '%.*s', which is neither a graph input, an initializer nor the "
          "output of an earlier node",
          index, node_label(n, label, sizeof label), NAME_FMT(n->inputs[i]));
      goto done;
    }
  }
  int *outs = ids + n->num_inputs;
  for (size_t i = 0; i < n->num_outputs; i++) {
    outs[i] = -1;
    if (n->outputs[i].n == 0) continue;
    if (onnx_ld_find(ld, n->outputs[i].p, n->outputs[i].n) >= 0) {
      st = oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "ONNX node #%zu %s writes '%.*s', which is already a graph input, an initializer or "
                         "another node's output",
                         index, node_label(n, label, sizeof label), NAME_FMT(n->outputs[i]));
      goto done;
    }
    oar_shape none = {0};
    st = onnx_ld_add(ld, n->outputs[i].p, n->outputs[i].n, OAR_DTYPE_UNKNOWN, &none, &outs[i], err);
    if (st != OAR_OK) goto done;
  }
  if (control_flow) {
    st = convert_control_flow(ld, m, n, opset, ids, outs, err);
    if (st != OAR_OK)
      oar_error_prefix(err, "ONNX node #%zu %s (opset %lld): ", index, node_label(n, label, sizeof label),
                       (long long)opset);
    goto done;
  }
  onnx_cx cx = {
      .ld = ld,
      .g = ld->g,
      .node = n,
      .node_index = (int)index,
      .opset = opset,
      .in = ids,
      .num_in = (int)n->num_inputs,
      .out = outs,
      .num_out = (int)n->num_outputs,
      .st = OAR_OK,
      .err = err,
  };
  st = e->convert(&cx);
  if (st != OAR_OK)
    oar_error_prefix(err, "ONNX node #%zu %s (opset %lld): ", index, node_label(n, label, sizeof label),
                     (long long)opset);
done:
  oar_free(ids);
  return st;
}

static oar_status build(onnx_loader *ld, const onnx_model *m, const char *dir, oar_error *err) {
  if (!m->has_graph) return oar_error_set(err, OAR_ERR_INVALID_MODEL, "the ONNX model has no graph");
  if (m->num_functions)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "the model defines %zu local functions, which oar does not support",
                         m->num_functions);
  int64_t opset;
  OAR_TRY(model_opset(m, &opset, err));
  const onnx_graph *gr = &m->graph;
  if (gr->num_sparse_inits)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "the graph has sparse initializers, which oar does not support");
  for (size_t i = 0; i < gr->num_inits; i++) {
    const onnx_tensor *t = &gr->inits[i];
    if (t->name.n == 0) return oar_error_set(err, OAR_ERR_INVALID_MODEL, "initializer #%zu has no name", i);
    if (onnx_ld_find(ld, t->name.p, t->name.n) >= 0)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "initializer '%.*s' is defined twice",
                           NAME_FMT(t->name));
    int id;
    oar_shape none = {0};
    OAR_TRY(onnx_ld_add(ld, t->name.p, t->name.n, OAR_DTYPE_UNKNOWN, &none, &id, err));
    oar_status st = load_tensor_into(ld, dir, t, id, err);
    if (st != OAR_OK) return oar_error_prefix(err, "initializer #%zu: ", i);
  }
  for (size_t i = 0; i < gr->num_inputs; i++) {
    const onnx_value_info *vi = &gr->inputs[i];
    if (vi->name.n == 0) return oar_error_set(err, OAR_ERR_INVALID_MODEL, "graph input #%zu has no name", i);
    int id = onnx_ld_find(ld, vi->name.p, vi->name.n);
    if (id >= 0) {
      if (ld->g->values[id].kind == OAR_VALUE_CONSTANT) continue; /* an initializer: a constant */
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "graph input '%.*s' is listed twice",
                           NAME_FMT(vi->name));
    }
    oar_dtype dtype = OAR_DTYPE_UNKNOWN;
    oar_shape shape = {0};
    OAR_TRY(value_info_shape(vi, &dtype, &shape, err));
    OAR_TRY(onnx_ld_add(ld, vi->name.p, vi->name.n, dtype, &shape, &id, err));
    OAR_TRY(oar_graph_add_input(ld->g, id, err));
    OAR_TRY(onnx_ld_set_known(ld, id, true, err));
  }
  for (size_t i = 0; i < gr->num_nodes; i++) OAR_TRY(convert_node(ld, m, gr, opset, i, err));
  if (gr->num_outputs == 0) return oar_error_set(err, OAR_ERR_INVALID_MODEL, "the graph has no outputs");
  for (size_t i = 0; i < gr->num_outputs; i++) {
    const onnx_value_info *vi = &gr->outputs[i];
    int id = onnx_ld_find(ld, vi->name.p, vi->name.n);
    if (id < 0)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "graph output '%.*s' is never produced",
                           NAME_FMT(vi->name));
    if (vi->kind == 2)
      return oar_error_set(err, OAR_ERR_UNSUPPORTED, "graph output '%.*s' is not a tensor",
                           NAME_FMT(vi->name));
    OAR_TRY(oar_graph_add_output(ld->g, id, err));
  }
  return OAR_OK;
}

oar_status oar_onnx_load(const char *path, const void *buf, size_t size, oar_graph **out, oar_error *err) {
  if (!out || (!path && !buf))
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "oar_onnx_load: no model path or buffer");
  /* A file is mapped (oar_file_map: read into memory where it cannot be). */
  oar_bytes file = {0};
  const uint8_t *data = buf;
  if (path) {
    OAR_TRY(oar_file_map(path, &file, err));
    data = file.data;
    size = file.size;
  }
  onnx_loader ld = {0};
  onnx_model m;
  char *dir = path ? oar_path_dirname(path) : NULL;
  oar_status st = OAR_OK;
  if (path && !dir) {
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory loading '%s'", path);
    memset(&m, 0, sizeof m);
    goto done;
  }
  st = onnx_model_decode(data, size, &m, err);
  if (st != OAR_OK) goto done;
  st = oar_graph_create(&ld.g, err);
  if (st != OAR_OK) goto done;
  if (!(ld.g->source = oar_strdup(path ? path : "<memory>"))) {
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory loading the ONNX model");
    goto done;
  }
  ld.file_map = file.mapped ? file.data : NULL;
  ld.file_map_size = file.mapped ? file.size : 0;
  st = build(&ld, &m, dir, err);
done:
  if (st != OAR_OK) {
    oar_error_prefix(err, "%s: ", path ? path : "ONNX model in memory");
    oar_graph_destroy(ld.g);
  } else {
    *out = ld.g;
  }
  onnx_model_free(&m);
  oar_free(ld.map);
  oar_free(ld.known);
  oar_free(dir);
  oar_bytes_free(&file);
  return st;
}

bool oar_onnx_path_matches(const char *path) {
  if (!path) return false;
  size_t n = strlen(path);
  if (n < 5) return false;
  const char *ext = path + n - 5;
  return ext[0] == '.' && tolower((unsigned char)ext[1]) == 'o' && tolower((unsigned char)ext[2]) == 'n' &&
         tolower((unsigned char)ext[3]) == 'n' && tolower((unsigned char)ext[4]) == 'x';
}

bool oar_onnx_buffer_matches(const void *buf, size_t size) {
  return buf && size > 0 && ((const uint8_t *)buf)[0] == 0x08;
}
