/* Decoding of the ONNX protobuf messages oar reads (onnx.proto3):
 * ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto and
 * ValueInfoProto, with the bounds-checked wire reader.
 *
 * Decoded messages point into the buffer they were decoded from (strings
 * and raw tensor bytes are not copied): the buffer must outlive them.
 * Strings are (pointer, length) pairs, not NUL-terminated. Unknown fields
 * are skipped, as protobuf does. Errors give the byte offset and field. */
#ifndef OAR_FRONTEND_ONNX_ONNX_PROTO_H
#define OAR_FRONTEND_ONNX_ONNX_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontend/protobuf/wire.h"
#include "tensor/tensor.h"

typedef struct onnx_str {
  const char *p;
  size_t n;
} onnx_str;

/* TensorProto.DataType values. */
enum {
  ONNX_UNDEFINED = 0,
  ONNX_FLOAT = 1,
  ONNX_UINT8 = 2,
  ONNX_INT8 = 3,
  ONNX_UINT16 = 4,
  ONNX_INT16 = 5,
  ONNX_INT32 = 6,
  ONNX_INT64 = 7,
  ONNX_STRING = 8,
  ONNX_BOOL = 9,
  ONNX_FLOAT16 = 10,
  ONNX_DOUBLE = 11,
  ONNX_UINT32 = 12,
  ONNX_UINT64 = 13,
  ONNX_BFLOAT16 = 16
};

/* AttributeProto.AttributeType values. */
enum {
  ONNX_ATTR_FLOAT = 1,
  ONNX_ATTR_INT = 2,
  ONNX_ATTR_STRING = 3,
  ONNX_ATTR_TENSOR = 4,
  ONNX_ATTR_GRAPH = 5,
  ONNX_ATTR_FLOATS = 6,
  ONNX_ATTR_INTS = 7,
  ONNX_ATTR_STRINGS = 8,
  ONNX_ATTR_TENSORS = 9,
  ONNX_ATTR_GRAPHS = 10,
  ONNX_ATTR_SPARSE_TENSOR = 11,
  ONNX_ATTR_SPARSE_TENSORS = 12,
  ONNX_ATTR_TYPE_PROTO = 13,
  ONNX_ATTR_TYPE_PROTOS = 14
};

/* Rank limit of decoded dims lists (larger ranks are rejected by oar). */
#define ONNX_MAX_DIMS 64

typedef struct onnx_tensor {
  onnx_str name;
  int32_t data_type;
  int rank;
  int64_t dims[ONNX_MAX_DIMS];
  bool has_raw;
  const uint8_t *raw;
  size_t raw_len;
  size_t raw_pos;       /* offset of raw bytes in the whole buffer */
  uint32_t typed_field; /* 0, or the field number of float_data/int32_data/... */
  oar_pb_u64s typed;    /* values of that field, widened */
  size_t num_strings;   /* string_data entries (unsupported, counted only) */
  bool external;        /* data_location == EXTERNAL */
  onnx_str location;
  int64_t offset, length; /* -1 when not given */
  bool has_segment;
  size_t pos; /* offset of the message, for errors */
} onnx_tensor;

#define ONNX_MAX_GRAPH_DEPTH 8

typedef struct onnx_attr {
  onnx_str name;
  onnx_str ref_attr_name;
  int32_t type;
  float f;
  int64_t i;
  onnx_str s;
  onnx_tensor *t;       /* owned */
  bool has_graph;       /* g / graphs */
  struct onnx_graph *g; /* g, decoded (owned; If / Loop bodies), nested at most ONNX_MAX_GRAPH_DEPTH */
  oar_pb_u64s floats;   /* float bit patterns in the low 32 bits */
  oar_pb_u64s ints;
  onnx_str *strings;
  size_t num_strings;
  size_t num_tensors;
} onnx_attr;

typedef struct onnx_node {
  onnx_str *inputs;
  size_t num_inputs;
  onnx_str *outputs;
  size_t num_outputs;
  onnx_str name, op_type, domain;
  onnx_attr *attrs;
  size_t num_attrs;
  size_t pos;
} onnx_node;

typedef struct onnx_value_info {
  onnx_str name;
  int kind; /* 0 none, 1 tensor, 2 other (sequence, map, optional, sparse) */
  int32_t elem_type;
  bool has_shape;
  int rank;
  int64_t dims[ONNX_MAX_DIMS]; /* -1 for dim_param or missing dim_value */
} onnx_value_info;

typedef struct onnx_graph {
  onnx_node *nodes;
  size_t num_nodes;
  onnx_tensor *inits;
  size_t num_inits;
  size_t num_sparse_inits;
  onnx_value_info *inputs;
  size_t num_inputs;
  onnx_value_info *outputs;
  size_t num_outputs;
} onnx_graph;

typedef struct onnx_opset {
  onnx_str domain;
  int64_t version;
} onnx_opset;

typedef struct onnx_model {
  int64_t ir_version;
  onnx_opset *opsets;
  size_t num_opsets;
  bool has_graph;
  onnx_graph graph;
  size_t num_functions;
} onnx_model;

/* Decodes a ModelProto from data[0..size). *m is zeroed first and owns
 * arrays (onnx_model_free) even on failure. OAR_ERR_INVALID_MODEL on any
 * malformed field. */
oar_status onnx_model_decode(const void *data, size_t size, onnx_model *m, oar_error *err);
void onnx_model_free(onnx_model *m);

/* Decodes one TensorProto (a whole buffer, as in test .pb files). */
oar_status onnx_tensor_decode(const void *data, size_t size, onnx_tensor *t, oar_error *err);
void onnx_tensor_free(onnx_tensor *t);

/* s.p, or "" when it is NULL (an absent field), for printing with %.*s. */
static inline const char *onnx_str_p(onnx_str s) { return s.p ? s.p : ""; }

/* True when s equals the C string c. */
bool onnx_str_eq(onnx_str s, const char *c);
/* A NUL-terminated copy (oar_free), NULL on OOM. */
char *onnx_str_dup(onnx_str s);

/* The oar dtype of an ONNX data type, or OAR_DTYPE_UNKNOWN. */
oar_dtype onnx_dtype_to_oar(int32_t data_type);
/* "FLOAT", "INT64", ... for messages. */
const char *onnx_dtype_name(int32_t data_type);

/* Element count of the tensor's dims, checked: fails on negative dims,
 * rank above OAR_MAX_RANK or overflow. */
oar_status onnx_tensor_shape(const onnx_tensor *t, oar_shape *shape, oar_error *err);

/* Writes the tensor's inline data (raw_data or the typed field) as `bytes`
 * bytes of oar dtype elements to dst. Fails when the tensor is external,
 * when the data is too short or too long for its dims, or when the typed
 * field does not fit the data type. */
oar_status onnx_tensor_copy_inline(const onnx_tensor *t, oar_dtype dtype, void *dst, size_t bytes,
                                   oar_error *err);

#endif
