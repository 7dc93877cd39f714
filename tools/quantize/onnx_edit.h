/* A small ONNX ModelProto reader and rewriter for `oar quantize`.
 *
 * Reads the top-level graph of a ModelProto as spans into the caller's
 * bytes: nodes (inputs, outputs, op type, domain), initializers (name,
 * dtype, dims, where the data lies), graph inputs, outputs and value_info.
 * Writes a new ModelProto that copies every field it was not asked to
 * change byte for byte, with nodes inserted before given nodes, inputs of
 * nodes renamed, initializers (and the graph inputs and value_info of the
 * same name) dropped, and initializers and outputs appended.
 *
 * The bytes are untrusted: every varint, length and offset is checked; a
 * malformed model gives -1 and a message, never an out-of-bounds read.
 * Subgraphs (If / Loop bodies) are kept as bytes, not read. Uses libc only.
 */
#ifndef OAR_TOOLS_ONNX_EDIT_H
#define OAR_TOOLS_ONNX_EDIT_H

#include <stddef.h>
#include <stdint.h>

/* ONNX TensorProto.DataType values used here. */
enum { ONNX_FLOAT = 1, ONNX_UINT8 = 2, ONNX_INT8 = 3 };

#define ONNX_EDIT_MAX_RANK 8

typedef struct oe_node {
  const uint8_t *raw; /* the NodeProto bytes */
  size_t raw_len;
  char *op_type, *domain, *name; /* "" when absent */
  char **inputs, **outputs;      /* "" for an omitted optional input */
  size_t input_count, output_count;
  const uint8_t *value; /* the TensorProto of a tensor attribute "value" (a
                           Constant's), or NULL */
  size_t value_len;
} oe_node;

typedef struct oe_init {
  const uint8_t *raw; /* the TensorProto bytes */
  size_t raw_len;
  char *name;
  int32_t data_type;
  size_t rank;
  int64_t dims[ONNX_EDIT_MAX_RANK];
  int external; /* data_location EXTERNAL or external_data entries */
} oe_init;

typedef struct oe_value {
  char *name; /* a ValueInfoProto's name */
} oe_value;

typedef struct oe_model {
  const uint8_t *buf; /* the caller's bytes, not owned */
  size_t len;
  int64_t opset;               /* version of the default ("" / "ai.onnx") domain; 0 if none */
  size_t graph_off, graph_len; /* the GraphProto bytes within buf */
  oe_node *nodes;
  size_t node_count;
  oe_init *inits;
  size_t init_count;
  oe_value *inputs, *outputs, *value_infos;
  size_t input_count, output_count, value_info_count;
} oe_model;

/* Parses `buf` (which must outlive the model). Returns 0, or -1 with the
 * reason in err ("malformed ONNX model: ..."). On failure nothing needs
 * freeing. */
int oe_model_parse(const void *buf, size_t len, oe_model *m, char *err, size_t errlen);
void oe_model_free(oe_model *m);

/* Reads a TensorProto (a Constant node's value) as an initializer named
 * `name` (copied). Returns 0, or -1 with the reason in err. Free it with
 * oe_init_free. */
int oe_tensor_parse(const uint8_t *p, size_t len, const char *name, oe_init *t, char *err, size_t errlen);
void oe_init_free(oe_init *t);

/* Index of the initializer / graph input named `name`, or -1. */
long oe_model_find_init(const oe_model *m, const char *name);
long oe_model_find_input(const oe_model *m, const char *name);

/* An integer attribute of a node: 1 and *value when present, 0 when
 * absent, -1 when the attribute bytes are malformed. */
int oe_node_attr_int(const oe_node *node, const char *name, int64_t *value);

/* Element count of an initializer (product of dims), or -1 on overflow. */
int64_t oe_init_elements(const oe_init *t);

/* Copies a FLOAT initializer's `count` values (raw_data or float_data) into
 * dst. Returns 0, or -1 with the reason (wrong dtype, size mismatch,
 * external data). */
int oe_init_floats(const oe_init *t, float *dst, size_t count, char *err, size_t errlen);

/* A growable byte buffer; `failed` is set once an allocation fails and
 * makes every later append a no-op. */
typedef struct oe_buf {
  uint8_t *p;
  size_t len, cap;
  int failed;
} oe_buf;

void oe_buf_free(oe_buf *b);

/* Appends one NodeProto, as a GraphProto node field (tag included).
 * `name` may be NULL; `axis_attr` adds an int attribute "axis" when
 * has_axis. */
void oe_buf_node(oe_buf *b, const char *op_type, const char *name, const char *const *inputs,
                 size_t input_count, const char *const *outputs, size_t output_count, int has_axis,
                 int64_t axis);

/* Appends one TensorProto as a GraphProto initializer field: dims, data
 * type and raw_data (little-endian bytes of `bytes` length). */
void oe_buf_init(oe_buf *b, const char *name, int32_t data_type, size_t rank, const int64_t *dims,
                 const void *data, size_t bytes);

/* Appends a ValueInfoProto as a GraphProto output field: the name and a
 * tensor type of `elem_type` with no shape. */
void oe_buf_output(oe_buf *b, const char *name, int32_t elem_type);

/* What to change. Arrays are indexed like the model's; NULL means none. */
typedef struct oe_edit {
  oe_buf *before;            /* [node_count]: node fields to insert before node i */
  char ***rename;            /* [node_count][input_count]: new input name or NULL */
  unsigned char *drop;       /* [init_count]: drop initializer i and the graph
                                inputs and value_info of its name */
  unsigned char *drop_nodes; /* [node_count]: leave node i out (what was
                                inserted before it stays) */
  oe_buf append_inits;       /* initializer fields appended to the graph */
  oe_buf append_outputs;
} oe_edit;

/* Writes the edited model into *out (malloc'ed, *out_len bytes). Returns
 * 0, or -1 (out of memory; the model was parsed, so nothing else fails). */
int oe_model_write(const oe_model *m, const oe_edit *e, uint8_t **out, size_t *out_len);

#endif
