#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "ir/graph.h"

static oar_status bad(oar_error *err, const oar_graph *g, const oar_node *n, const char *what,
                      const char *detail) {
  char desc[256];
  oar_node_describe(g, n, desc, sizeof desc);
  return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s: %s%s", desc, what, detail);
}

oar_status oar_graph_verify(const oar_graph *g, oar_error *err) {
  /* available[v] = 1 once value v may be read: inputs, constants, or
   * outputs of an earlier node. */
  unsigned char *available = oar_calloc((size_t)g->num_values + 1, 1);
  unsigned char *produced = oar_calloc((size_t)g->num_values + 1, 1);
  oar_status st = OAR_OK;
  if (!available || !produced) {
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory verifying the graph");
    goto done;
  }
  for (int i = 0; i < g->num_values; i++)
    if (g->values[i].kind != OAR_VALUE_INTERMEDIATE) available[i] = 1;
  for (int i = 0; i < g->num_inputs; i++) {
    int v = g->inputs[i];
    if (v < 0 || v >= g->num_values || g->values[v].kind != OAR_VALUE_INPUT) {
      st = oar_error_set(err, OAR_ERR_INVALID_MODEL, "graph input #%d is not an input value", i);
      goto done;
    }
  }
  for (int ni = 0; ni < g->num_nodes; ni++) {
    const oar_node *n = &g->nodes[ni];
    const oar_op_schema *s = n->schema;
    for (int k = 0; k < s->num_inputs; k++) {
      int count = oar_node_input_count(n, k);
      if (count == 0 && !(s->inputs[k].flags & OAR_SLOT_OPTIONAL)) {
        st = bad(err, g, n, "missing required input ", s->inputs[k].name);
        goto done;
      }
      if (count > 1 && !(s->inputs[k].flags & OAR_SLOT_VARIADIC)) {
        st = bad(err, g, n, "several values bound to single input ", s->inputs[k].name);
        goto done;
      }
    }
    for (int k = 0; k < s->num_outputs; k++) {
      int count = oar_node_output_count(n, k);
      if (count == 0 && !(s->outputs[k].flags & OAR_SLOT_OPTIONAL)) {
        st = bad(err, g, n, "missing required output ", s->outputs[k].name);
        goto done;
      }
      if (count > 1 && !(s->outputs[k].flags & OAR_SLOT_VARIADIC)) {
        st = bad(err, g, n, "several values bound to single output ", s->outputs[k].name);
        goto done;
      }
    }
    for (int i = 0; i < oar_node_num_in(n); i++) {
      int v = n->in[i];
      if (v < 0 || v >= g->num_values) {
        st = bad(err, g, n, "input value id out of range", "");
        goto done;
      }
      if (!available[v]) {
        char detail[300];
        snprintf(detail, sizeof detail,
                 "'%s', which no earlier op produces and is neither an input nor a parameter",
                 g->values[v].name);
        st = bad(err, g, n, "reads ", detail);
        goto done;
      }
    }
    for (int i = 0; i < oar_node_num_out(n); i++) {
      int v = n->out[i];
      if (v < 0 || v >= g->num_values) {
        st = bad(err, g, n, "output value id out of range", "");
        goto done;
      }
      if (produced[v] || g->values[v].kind != OAR_VALUE_INTERMEDIATE) {
        char detail[300];
        snprintf(detail, sizeof detail, "'%s', which is already an input, a parameter or another op's output",
                 g->values[v].name);
        st = bad(err, g, n, "writes ", detail);
        goto done;
      }
      produced[v] = 1;
      available[v] = 1;
    }
    for (int a = 0; a < s->num_attrs; a++) {
      if (s->attrs[a].required && n->attrs[a].type == OAR_ATTR_NONE) {
        st = bad(err, g, n, "missing required attribute ", s->attrs[a].name);
        goto done;
      }
      if (n->attrs[a].type != s->attrs[a].type && n->attrs[a].type != OAR_ATTR_NONE) {
        st = bad(err, g, n, "attribute has the wrong type: ", s->attrs[a].name);
        goto done;
      }
    }
  }
  for (int i = 0; i < g->num_outputs; i++) {
    int v = g->outputs[i];
    if (v < 0 || v >= g->num_values || !available[v]) {
      st = oar_error_set(err, OAR_ERR_INVALID_MODEL, "graph output #%d ('%s') is never produced", i,
                         v >= 0 && v < g->num_values ? g->values[v].name : "?");
      goto done;
    }
  }
done:
  oar_free(available);
  oar_free(produced);
  return st;
}
