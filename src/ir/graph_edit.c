#include "ir/graph_edit.h"

#include <stdio.h>
#include <string.h>

#include "base/alloc.h"

void oar_graph_count_uses(const oar_graph *g, const unsigned char *dead, int *uses) {
  memset(uses, 0, (size_t)g->num_values * sizeof *uses);
  for (int ni = 0; ni < g->num_nodes; ni++) {
    if (dead && dead[ni]) continue;
    const oar_node *n = &g->nodes[ni];
    for (int i = 0; i < oar_node_num_in(n); i++) uses[n->in[i]]++;
  }
  for (int i = 0; i < g->num_outputs; i++) uses[g->outputs[i]]++;
}

int oar_graph_sole_consumer(const oar_graph *g, const unsigned char *dead, int value) {
  int found = -1;
  for (int i = 0; i < g->num_outputs; i++)
    if (g->outputs[i] == value) return -1;
  for (int ni = 0; ni < g->num_nodes; ni++) {
    if (dead && dead[ni]) continue;
    const oar_node *n = &g->nodes[ni];
    for (int i = 0; i < oar_node_num_in(n); i++) {
      if (n->in[i] != value) continue;
      if (found >= 0) return -1;
      found = ni;
    }
  }
  return found;
}

void oar_graph_replace_uses(oar_graph *g, int from, int to) {
  for (int ni = 0; ni < g->num_nodes; ni++) {
    oar_node *n = &g->nodes[ni];
    for (int i = 0; i < oar_node_num_in(n); i++)
      if (n->in[i] == from) n->in[i] = to;
  }
}

oar_status oar_node_set_input(oar_graph *g, int ni, int slot, int value, oar_error *err) {
  oar_node *n = &g->nodes[ni];
  int count = oar_node_input_count(n, slot);
  if (count == 1) {
    n->in[n->in_start[slot]] = value;
    return OAR_OK;
  }
  if (count != 0) return oar_error_set(err, OAR_ERR_INTERNAL, "input slot %d holds %d values", slot, count);
  int total = oar_node_num_in(n);
  int *in = oar_malloc(((size_t)total + 1) * sizeof *in);
  if (!in) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory editing the graph");
  int at = n->in_start[slot];
  memcpy(in, n->in, (size_t)at * sizeof *in);
  in[at] = value;
  memcpy(in + at + 1, n->in + at, (size_t)(total - at) * sizeof *in);
  oar_free(n->in);
  n->in = in;
  for (int k = slot + 1; k <= n->schema->num_inputs; k++) n->in_start[k]++;
  return OAR_OK;
}

void oar_node_set_output(oar_graph *g, int ni, int pos, int value) {
  g->nodes[ni].out[pos] = value;
  g->values[value].producer = ni;
}

oar_status oar_node_replace_attr(oar_node *n, int index, const oar_attr *a, oar_error *err) {
  oar_attr copy;
  OAR_TRY(oar_attr_copy(&copy, a, err));
  oar_status st = oar_attr_coerce(&copy, n->schema->attrs[index].type, err);
  if (st != OAR_OK) {
    oar_attr_free(&copy);
    return st;
  }
  oar_attr_free(&n->attrs[index]);
  n->attrs[index] = copy;
  return OAR_OK;
}

oar_status oar_graph_remove_nodes(oar_graph *g, const unsigned char *dead, oar_error *err) {
  int kept = 0;
  for (int ni = 0; ni < g->num_nodes; ni++) {
    oar_node *n = &g->nodes[ni];
    if (dead[ni]) {
      for (int a = 0; a < n->schema->num_attrs; a++) oar_attr_free(&n->attrs[a]);
      oar_free(n->attrs);
      oar_free(n->in);
      oar_free(n->in_start);
      oar_free(n->out);
      oar_free(n->out_start);
      for (int i = 0; i < n->num_bodies; i++) oar_graph_destroy(n->bodies[i]);
      oar_free(n->bodies);
      continue;
    }
    g->nodes[kept++] = *n;
  }
  g->num_nodes = kept;
  for (int v = 0; v < g->num_values; v++) g->values[v].producer = -1;
  for (int ni = 0; ni < g->num_nodes; ni++)
    for (int i = 0; i < oar_node_num_out(&g->nodes[ni]); i++) g->values[g->nodes[ni].out[i]].producer = ni;
  int *uses = oar_malloc(((size_t)g->num_values + 1) * sizeof *uses);
  if (!uses) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory editing the graph");
  oar_graph_count_uses(g, NULL, uses);
  for (int v = 0; v < g->num_values; v++) {
    oar_value *val = &g->values[v];
    if (val->kind == OAR_VALUE_CONSTANT && uses[v] == 0 && val->data) {
      oar_aligned_free(val->data);
      val->data = NULL;
      val->bytes = 0;
    }
  }
  oar_free(uses);
  return OAR_OK;
}

oar_status oar_graph_add_constant(oar_graph *g, const char *base, oar_dtype dtype, const oar_shape *shape,
                                  const void *data, size_t bytes, int *id, oar_error *err) {
  char name[512];
  for (int k = 1;; k++) {
    snprintf(name, sizeof name, "%s@fold%d", base, k);
    if (oar_graph_find_value(g, name) < 0) break;
  }
  OAR_TRY(oar_graph_add_value(g, name, dtype, shape, id, err));
  return oar_graph_set_constant(g, *id, dtype, shape, data, bytes, err);
}

void oar_graph_replace_node(oar_graph *g, int ni, oar_node_builder *b) {
  oar_node *old = &g->nodes[ni];
  for (int a = 0; a < old->schema->num_attrs; a++) oar_attr_free(&old->attrs[a]);
  oar_free(old->attrs);
  oar_free(old->in);
  oar_free(old->in_start);
  oar_free(old->out);
  oar_free(old->out_start);
  for (int i = 0; i < old->num_bodies; i++) oar_graph_destroy(old->bodies[i]);
  oar_free(old->bodies);
  g->nodes[ni] = b->node;
  for (int i = 0; i < b->num_out; i++) g->values[b->node.out[i]].producer = ni;
  memset(b, 0, sizeof *b);
}
