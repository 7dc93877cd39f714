/* The IR graph: values (tensors) and nodes (ops) in execution order. */
#ifndef OAR_IR_GRAPH_H
#define OAR_IR_GRAPH_H

#include "ir/schema.h"

typedef enum oar_value_kind {
  OAR_VALUE_INTERMEDIATE = 0,
  OAR_VALUE_INPUT,   /* fed by the caller */
  OAR_VALUE_CONSTANT /* parameter or folded constant: data is known */
} oar_value_kind;

typedef struct oar_value {
  char *name;
  oar_value_kind kind;
  oar_dtype dtype;
  oar_shape shape; /* declared shape; -1 where unknown */
  int producer;    /* node index, -1 for inputs/constants */
  void *data;      /* CONSTANT: data (64-byte aligned, owned by graph) */
  size_t bytes;    /* CONSTANT: data size */
} oar_value;

typedef struct oar_node {
  const oar_op_schema *schema;
  /* Flat value ids, slot by slot: slot k's values are
   * in[in_start[k] .. in_start[k+1]). -1 never appears. */
  int *in;
  int *in_start; /* schema->num_inputs + 1 entries */
  int *out;
  int *out_start;   /* schema->num_outputs + 1 entries */
  oar_attr *attrs;  /* schema->num_attrs entries, in schema order */
  int source_index; /* position in the source file's block, for errors */
  /* Control flow (while, conditional_block; ir/ops/control_flow.h): the
   * bodies this node owns, graphs of their own whose inputs and outputs the
   * op's schema relates to the node's. NULL / 0 for every other op. */
  struct oar_graph **bodies;
  int num_bodies;
} oar_node;

typedef struct oar_graph {
  oar_value *values;
  int num_values, cap_values;
  oar_node *nodes;
  int num_nodes, cap_nodes;
  int *inputs; /* value ids in feed order */
  int num_inputs;
  int *outputs; /* value ids in fetch order */
  int num_outputs;
  char *source; /* model file name, for messages */
} oar_graph;

oar_status oar_graph_create(oar_graph **out, oar_error *err);
void oar_graph_destroy(oar_graph *g);

/* Finds a value by name: its id, or -1. Linear; for loaders and tools. */
int oar_graph_find_value(const oar_graph *g, const char *name);

/* Adds a value (name copied). *id receives its index. */
oar_status oar_graph_add_value(oar_graph *g, const char *name, oar_dtype dtype, const oar_shape *shape,
                               int *id, oar_error *err);

/* Makes value `id` a constant owning a copy of `bytes` bytes from src
 * (src may be NULL to get zeroed memory to fill in place). */
oar_status oar_graph_set_constant(oar_graph *g, int id, oar_dtype dtype, const oar_shape *shape,
                                  const void *src, size_t bytes, oar_error *err);

oar_status oar_graph_add_input(oar_graph *g, int value_id, oar_error *err);
oar_status oar_graph_add_output(oar_graph *g, int value_id, oar_error *err);

/* Node building: begin a node for `schema`, then add each slot's values in
 * schema order with oar_node_builder_*; attributes start at the schema
 * defaults and are set by index. finish appends the node to the graph and
 * sets the producer of its outputs. */
typedef struct oar_node_builder {
  oar_graph *graph;
  oar_node node;
  int cap_in, cap_out;
  int num_in, num_out;
} oar_node_builder;

oar_status oar_node_begin(oar_node_builder *b, oar_graph *g, const oar_op_schema *schema, int source_index,
                          oar_error *err);
/* Appends value `id` to input slot `slot` (slots must be filled in
 * ascending order; skipped slots are empty). */
oar_status oar_node_add_input(oar_node_builder *b, int slot, int id, oar_error *err);
oar_status oar_node_add_output(oar_node_builder *b, int slot, int id, oar_error *err);
/* Replaces attribute `index` with a copy of `a` coerced to the schema's
 * type. The error names the attribute. */
oar_status oar_node_set_attr(oar_node_builder *b, int index, const oar_attr *a, oar_error *err);
/* Gives the node its bodies (control flow): the node owns them from here
 * on, also on failure (they are then destroyed). */
oar_status oar_node_set_bodies(oar_node_builder *b, struct oar_graph **bodies, int n, oar_error *err);
oar_status oar_node_finish(oar_node_builder *b, oar_error *err);
void oar_node_abort(oar_node_builder *b);

/* Accessors used by infer and run functions. */
static inline int oar_node_input_count(const oar_node *n, int slot) {
  return n->in_start[slot + 1] - n->in_start[slot];
}
static inline int oar_node_output_count(const oar_node *n, int slot) {
  return n->out_start[slot + 1] - n->out_start[slot];
}
/* Flat position of the k-th value of input slot `slot`, or -1 if absent. */
static inline int oar_node_in_pos(const oar_node *n, int slot, int k) {
  return k < oar_node_input_count(n, slot) ? n->in_start[slot] + k : -1;
}
static inline int oar_node_out_pos(const oar_node *n, int slot, int k) {
  return k < oar_node_output_count(n, slot) ? n->out_start[slot] + k : -1;
}
static inline int oar_node_num_in(const oar_node *n) { return n->in_start[n->schema->num_inputs]; }
static inline int oar_node_num_out(const oar_node *n) { return n->out_start[n->schema->num_outputs]; }
static inline int64_t oar_node_attr_i(const oar_node *n, int index) { return n->attrs[index].i; }
static inline double oar_node_attr_f(const oar_node *n, int index) { return n->attrs[index].f; }
static inline const oar_attr *oar_node_attr(const oar_node *n, int index) { return &n->attrs[index]; }

/* Name of a node for messages: "conv2d (op #12, output 'conv2d_0.tmp_0')". */
char *oar_node_describe(const oar_graph *g, const oar_node *n, char *buf, size_t size);

/* Checks structure: value ids in range, required slots bound, single
 * producer per value, each input produced before use (or an input or
 * constant), attribute types match the schema. */
oar_status oar_graph_verify(const oar_graph *g, oar_error *err);

/* Human-readable dump of the graph (one line per node), into a new string
 * (oar_free). */
char *oar_graph_print(const oar_graph *g);

#endif
