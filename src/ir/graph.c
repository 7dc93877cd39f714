#include "ir/graph.h"

#include <stdio.h>
#include <string.h>

#include "base/alloc.h"

static oar_status oom(oar_error *err, const char *what) {
  return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory building the graph (%s)", what);
}

/* Grows *arr (of elem_size elements) to hold at least need elements. */
static int grow(void **arr, int *cap, int need, size_t elem_size) {
  if (need <= *cap) return 1;
  int n = *cap ? *cap : 16;
  while (n < need) n *= 2;
  void *p = oar_realloc(*arr, (size_t)n * elem_size);
  if (!p) return 0;
  *arr = p;
  *cap = n;
  return 1;
}

oar_status oar_graph_create(oar_graph **out, oar_error *err) {
  oar_graph *g = oar_calloc(1, sizeof *g);
  if (!g) return oom(err, "graph");
  *out = g;
  return OAR_OK;
}

static void node_free(oar_node *n) {
  if (n->attrs && n->schema)
    for (int i = 0; i < n->schema->num_attrs; i++) oar_attr_free(&n->attrs[i]);
  oar_free(n->attrs);
  oar_free(n->in);
  oar_free(n->in_start);
  oar_free(n->out);
  oar_free(n->out_start);
  for (int i = 0; i < n->num_bodies; i++) oar_graph_destroy(n->bodies[i]);
  oar_free(n->bodies);
  n->bodies = NULL;
  n->num_bodies = 0;
}

void oar_graph_destroy(oar_graph *g) {
  if (!g) return;
  for (int i = 0; i < g->num_values; i++) {
    oar_free(g->values[i].name);
    oar_aligned_free(g->values[i].data);
  }
  for (int i = 0; i < g->num_nodes; i++) node_free(&g->nodes[i]);
  oar_free(g->values);
  oar_free(g->nodes);
  oar_free(g->inputs);
  oar_free(g->outputs);
  oar_free(g->source);
  oar_free(g);
}

int oar_graph_find_value(const oar_graph *g, const char *name) {
  for (int i = 0; i < g->num_values; i++)
    if (strcmp(g->values[i].name, name) == 0) return i;
  return -1;
}

oar_status oar_graph_add_value(oar_graph *g, const char *name, oar_dtype dtype, const oar_shape *shape,
                               int *id, oar_error *err) {
  if (!grow((void **)&g->values, &g->cap_values, g->num_values + 1, sizeof *g->values))
    return oom(err, "values");
  oar_value *v = &g->values[g->num_values];
  memset(v, 0, sizeof *v);
  if (!(v->name = oar_strdup(name))) return oom(err, "value name");
  v->dtype = dtype;
  if (shape) v->shape = *shape;
  v->producer = -1;
  *id = g->num_values++;
  return OAR_OK;
}

oar_status oar_graph_set_constant(oar_graph *g, int id, oar_dtype dtype, const oar_shape *shape,
                                  const void *src, size_t bytes, oar_error *err) {
  oar_value *v = &g->values[id];
  void *data = oar_aligned_alloc(bytes);
  if (!data)
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for constant '%s' (%zu bytes)", v->name,
                         bytes);
  if (src)
    memcpy(data, src, bytes);
  else
    memset(data, 0, bytes);
  oar_aligned_free(v->data);
  v->data = data;
  v->bytes = bytes;
  v->kind = OAR_VALUE_CONSTANT;
  v->dtype = dtype;
  v->shape = *shape;
  return OAR_OK;
}

static oar_status append_id(int **arr, int *count, int id, oar_error *err) {
  int *p = oar_realloc(*arr, (size_t)(*count + 1) * sizeof *p);
  if (!p) return oom(err, "graph io");
  p[*count] = id;
  *arr = p;
  (*count)++;
  return OAR_OK;
}

oar_status oar_graph_add_input(oar_graph *g, int value_id, oar_error *err) {
  g->values[value_id].kind = OAR_VALUE_INPUT;
  return append_id(&g->inputs, &g->num_inputs, value_id, err);
}

oar_status oar_graph_add_output(oar_graph *g, int value_id, oar_error *err) {
  return append_id(&g->outputs, &g->num_outputs, value_id, err);
}

oar_status oar_node_begin(oar_node_builder *b, oar_graph *g, const oar_op_schema *schema, int source_index,
                          oar_error *err) {
  memset(b, 0, sizeof *b);
  b->graph = g;
  b->node.schema = schema;
  b->node.source_index = source_index;
  b->node.in_start = oar_calloc((size_t)schema->num_inputs + 1, sizeof(int));
  b->node.out_start = oar_calloc((size_t)schema->num_outputs + 1, sizeof(int));
  b->node.attrs = oar_calloc((size_t)schema->num_attrs + 1, sizeof(oar_attr));
  if (!b->node.in_start || !b->node.out_start || !b->node.attrs) {
    oar_node_abort(b);
    return oom(err, "node");
  }
  for (int i = 0; i < schema->num_attrs; i++) {
    const oar_attr_spec *spec = &schema->attrs[i];
    oar_attr def = {.type = spec->type, .i = spec->i, .f = spec->f, .n = spec->n};
    def.s = (char *)spec->s;
    def.ints = (int64_t *)spec->ints;
    if (spec->type == OAR_ATTR_INTS && !spec->ints) def.ints = NULL;
    def.floats = (double *)spec->floats;
    if (spec->type == OAR_ATTR_STRING && !spec->s) def.s = "";
    if (oar_attr_copy(&b->node.attrs[i], &def, err) != OAR_OK) {
      oar_node_abort(b);
      return OAR_ERR_OUT_OF_MEMORY;
    }
    /* Required attributes start as NONE so the verifier can see them missing. */
    if (spec->required) b->node.attrs[i].type = OAR_ATTR_NONE;
  }
  return OAR_OK;
}

static oar_status add_to_slot(int **arr, int *cap, int *count, int *start, int nslots, int slot, int id,
                              oar_error *err) {
  if (slot < 0 || slot >= nslots) return oar_error_set(err, OAR_ERR_INTERNAL, "slot %d out of range", slot);
  if (!grow((void **)arr, cap, *count + 1, sizeof(int))) return oom(err, "node slots");
  /* Slots fill in order: every slot after `slot` starts at the end. */
  if (start[nslots] != *count || (slot + 1 < nslots && start[slot + 1] != *count && start[slot + 1] < *count))
    return oar_error_set(err, OAR_ERR_INTERNAL, "node slots filled out of order");
  (*arr)[(*count)++] = id;
  for (int k = slot + 1; k <= nslots; k++) start[k] = *count;
  return OAR_OK;
}

oar_status oar_node_add_input(oar_node_builder *b, int slot, int id, oar_error *err) {
  return add_to_slot(&b->node.in, &b->cap_in, &b->num_in, b->node.in_start, b->node.schema->num_inputs, slot,
                     id, err);
}

oar_status oar_node_add_output(oar_node_builder *b, int slot, int id, oar_error *err) {
  return add_to_slot(&b->node.out, &b->cap_out, &b->num_out, b->node.out_start, b->node.schema->num_outputs,
                     slot, id, err);
}

oar_status oar_node_set_attr(oar_node_builder *b, int index, const oar_attr *a, oar_error *err) {
  const oar_attr_spec *spec = &b->node.schema->attrs[index];
  oar_attr copy;
  if (oar_attr_copy(&copy, a, err) != OAR_OK) return OAR_ERR_OUT_OF_MEMORY;
  oar_status st = oar_attr_coerce(&copy, spec->type, err);
  if (st != OAR_OK) {
    oar_attr_free(&copy);
    return oar_error_prefix(err, "attribute '%s' ", spec->name);
  }
  oar_attr_free(&b->node.attrs[index]);
  b->node.attrs[index] = copy;
  return OAR_OK;
}

oar_status oar_node_set_bodies(oar_node_builder *b, oar_graph **bodies, int n, oar_error *err) {
  oar_graph **copy = oar_calloc((size_t)n + 1, sizeof *copy);
  if (!copy) {
    for (int i = 0; i < n; i++) oar_graph_destroy(bodies[i]);
    return oom(err, "node bodies");
  }
  for (int i = 0; i < n; i++) copy[i] = bodies[i];
  for (int i = 0; i < b->node.num_bodies; i++) oar_graph_destroy(b->node.bodies[i]);
  oar_free(b->node.bodies);
  b->node.bodies = copy;
  b->node.num_bodies = n;
  return OAR_OK;
}

oar_status oar_node_finish(oar_node_builder *b, oar_error *err) {
  oar_graph *g = b->graph;
  if (!grow((void **)&g->nodes, &g->cap_nodes, g->num_nodes + 1, sizeof *g->nodes)) {
    oar_node_abort(b);
    return oom(err, "nodes");
  }
  /* Empty arrays still need a pointer so accessors never see NULL. */
  if (!b->node.in && !(b->node.in = oar_malloc(sizeof(int)))) goto fail;
  if (!b->node.out && !(b->node.out = oar_malloc(sizeof(int)))) goto fail;
  int index = g->num_nodes++;
  g->nodes[index] = b->node;
  for (int i = 0; i < b->num_out; i++) g->values[b->node.out[i]].producer = index;
  memset(b, 0, sizeof *b);
  return OAR_OK;
fail:
  oar_node_abort(b);
  return oom(err, "node");
}

void oar_node_abort(oar_node_builder *b) {
  node_free(&b->node);
  memset(b, 0, sizeof *b);
}

char *oar_node_describe(const oar_graph *g, const oar_node *n, char *buf, size_t size) {
  const char *first = "";
  if (oar_node_num_out(n) > 0) first = g->values[n->out[0]].name;
  snprintf(buf, size, "%s (op #%d, output '%s')", n->schema->name, n->source_index, first);
  return buf;
}
