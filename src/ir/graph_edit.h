/* Editing a graph in place: what optimization passes need. */
#ifndef OAR_IR_GRAPH_EDIT_H
#define OAR_IR_GRAPH_EDIT_H

#include "ir/graph.h"

/* Use counts per value: how many node inputs read it, plus one per graph
 * output it is. `uses` has g->num_values entries. Nodes marked in `dead`
 * (may be NULL) are not counted. */
void oar_graph_count_uses(const oar_graph *g, const unsigned char *dead, int *uses);

/* The only live node reading `value` (or -1 when there are none or
 * several), for single-consumer pattern matching. */
int oar_graph_sole_consumer(const oar_graph *g, const unsigned char *dead, int value);

/* Makes every node input reading `from` read `to` instead (graph outputs
 * are left alone: their names are the model's API). */
void oar_graph_replace_uses(oar_graph *g, int from, int to);

/* Binds single-value input `slot` of node `ni` to `value` (adds it when the
 * slot is empty, replaces it otherwise). */
oar_status oar_node_set_input(oar_graph *g, int ni, int slot, int value, oar_error *err);

/* Replaces output `pos` (flat index) of node `ni` with `value`, which then
 * has that node as producer. */
void oar_node_set_output(oar_graph *g, int ni, int pos, int value);

/* Replaces attribute `index` of node `ni` with a copy of `a`, coerced to the
 * schema type. */
oar_status oar_node_replace_attr(oar_node *n, int index, const oar_attr *a, oar_error *err);

/* Removes the nodes marked in `dead` (keeping the order of the others),
 * fixes producers, and frees the data of constants no node reads any
 * more. */
oar_status oar_graph_remove_nodes(oar_graph *g, const unsigned char *dead, oar_error *err);

/* Puts the node being built by `b` (see oar_node_begin) in place of node
 * `ni`, which is freed; producers of the new outputs point at `ni`. The
 * builder is consumed. */
void oar_graph_replace_node(oar_graph *g, int ni, oar_node_builder *b);

/* A new constant value named after `base` ("base@fold1", ...). */
oar_status oar_graph_add_constant(oar_graph *g, const char *base, oar_dtype dtype, const oar_shape *shape,
                                  const void *data, size_t bytes, int *id, oar_error *err);

#endif
