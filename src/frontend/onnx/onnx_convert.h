/* What an ONNX op converter sees: the node being converted, its inputs and
 * outputs resolved to IR value ids, the model's opset, and helpers to emit
 * IR nodes, temporaries and constants.
 *
 * Converters live in onnx_ops_*.c and are listed in the table of
 * onnx_op_table.c. Each turns one ONNX node into one or more IR nodes with
 * ONNX's exact semantics for the opset in use. A converter that meets an
 * attribute or form it cannot express returns OAR_ERR_UNSUPPORTED naming
 * it; the loader prefixes the node (type, name, opset).
 *
 * Builder calls record the first failure in cx->st and do nothing after
 * it, so a converter can emit a node with a run of calls and check once
 * at cx_end. */
#ifndef OAR_FRONTEND_ONNX_ONNX_CONVERT_H
#define OAR_FRONTEND_ONNX_ONNX_CONVERT_H

#include "frontend/onnx/onnx_proto.h"
#include "ir/graph.h"
#include "base/platform.h"

typedef struct onnx_loader onnx_loader;

typedef struct onnx_cx {
  onnx_loader *ld;
  oar_graph *g;
  const onnx_node *node;
  int node_index;
  int64_t opset; /* the model's default-domain opset */
  const int *in; /* value id per node input; -1 for an empty name */
  int num_in;
  const int *out; /* value id per node output; -1 for an empty name */
  int num_out;
  oar_status st;
  oar_error *err;
} onnx_cx;

typedef oar_status (*onnx_convert_fn)(onnx_cx *cx);

/* ---- inputs, outputs, attributes ---------------------------------------- */

/* Value id of input / output i, or -1 when absent or empty. */
int cx_in(const onnx_cx *cx, int i);
int cx_out(const onnx_cx *cx, int i);

/* The attribute named `name`, or NULL. */
const onnx_attr *cx_attr(const onnx_cx *cx, const char *name);
int64_t cx_attr_i(const onnx_cx *cx, const char *name, int64_t def);
float cx_attr_f(const onnx_cx *cx, const char *name, float def);
/* String attribute into buf (truncated, NUL-terminated); def when absent. */
const char *cx_attr_s(const onnx_cx *cx, const char *name, const char *def, char *buf, size_t size);
/* INTS attribute into v (at most cap); *n gets the count. False when the
 * attribute is absent. Fails (cx->st) when it has more than cap values. */
bool cx_attr_ints(onnx_cx *cx, const char *name, int64_t *v, int cap, int *n);
bool cx_attr_floats(onnx_cx *cx, const char *name, double *v, int cap, int *n);

/* ---- what is known at load time ------------------------------------------ */

/* The dtype (UNKNOWN when not known) and shape of value v as tracked while
 * loading (dims -1 where unknown). Returns false when the rank is not
 * known. */
bool cx_info(const onnx_cx *cx, int v, oar_dtype *dtype, oar_shape *shape);
/* Rank of v, or -1 when not known. */
int cx_rank(const onnx_cx *cx, int v);
/* The data of v when it is a constant (initializer or Constant), else NULL. */
const oar_value *cx_const(const onnx_cx *cx, int v);
/* Reads constant v (int32/int64, any shape, at most cap values) into dst.
 * False when v is not a constant; fails (cx->st) on a wrong dtype or size. */
bool cx_const_ints(onnx_cx *cx, int v, int64_t *dst, int cap, int *n);

/* ---- emitting ------------------------------------------------------------ */

oar_status cx_begin(onnx_cx *cx, oar_op_id op, oar_node_builder *b);
/* Binds value v to slot (nothing when v < 0). */
void cx_add_in(onnx_cx *cx, oar_node_builder *b, int slot, int v);
void cx_add_out(onnx_cx *cx, oar_node_builder *b, int slot, int v);
/* Sets the schema attribute `name` (an internal error if it has none). */
void cx_set_i(onnx_cx *cx, oar_node_builder *b, const char *name, int64_t v);
void cx_set_f(onnx_cx *cx, oar_node_builder *b, const char *name, double v);
void cx_set_s(onnx_cx *cx, oar_node_builder *b, const char *name, const char *v);
void cx_set_ints(onnx_cx *cx, oar_node_builder *b, const char *name, const int64_t *v, int n);
void cx_set_floats(onnx_cx *cx, oar_node_builder *b, const char *name, const double *v, int n);
/* Finishes the node (or aborts it after a failure) and returns cx->st. */
oar_status cx_end(onnx_cx *cx, oar_node_builder *b);

/* One-input one-output node X -> Out (slot 0 each) with no attributes. */
oar_status cx_unary(onnx_cx *cx, oar_op_id op, int x, int y);
/* Two-input one-output node (slots 0 and 1 -> 0). */
oar_status cx_binary(onnx_cx *cx, oar_op_id op, int x, int y, int z);

/* A new intermediate value; -1 on failure (cx->st set). */
int cx_temp(onnx_cx *cx);
/* New constants; -1 on failure. rank 0 makes a scalar (n must be 1). */
int cx_const_i64(onnx_cx *cx, const int64_t *v, int n, int rank);
int cx_const_f32(onnx_cx *cx, const float *v, int n, int rank);

/* Sets cx->st to OAR_ERR_UNSUPPORTED with the message and returns it. */
oar_status cx_unsupported(onnx_cx *cx, const char *fmt, ...) OAR_PRINTF_FMT(2, 3);
/* Sets cx->st to OAR_ERR_INVALID_MODEL with the message and returns it. */
oar_status cx_invalid(onnx_cx *cx, const char *fmt, ...) OAR_PRINTF_FMT(2, 3);

/* Paddle's VarType number of an oar dtype (for `cast` and `fill_constant`),
 * or -1. */
int cx_var_type(oar_dtype dtype);

/* ---- the converter table ------------------------------------------------- */

typedef struct onnx_op_entry {
  const char *op_type;
  onnx_convert_fn convert;
} onnx_op_entry;

/* The converter for a default-domain op type, or NULL. */
const onnx_op_entry *onnx_op_find(const char *op_type, size_t len);
/* The converter for a com.microsoft (ONNX Runtime contrib) op type, or NULL. */
const onnx_op_entry *onnx_ms_op_find(const char *op_type, size_t len);

#endif
