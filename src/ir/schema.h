/* Op schemas: every op the IR knows, declared once.
 *
 * The list of ops is the X-macro in op_list.h. Each op's schema (slots,
 * attributes with defaults, shape/dtype inference) lives in
 * src/ir/ops/<family>.c as `const oar_op_schema oar_schema_<id>`.
 * Loaders map file formats onto these; the verifier, printer, planner and
 * tests read them. Op names and slot names follow Paddle's legacy op
 * definitions, so a Paddle op maps 1:1; other frontends translate. */
#ifndef OAR_IR_SCHEMA_H
#define OAR_IR_SCHEMA_H

#include "ir/attr.h"
#include "tensor/tensor.h"

typedef enum oar_op_id {
#define OAR_OP(id) OAR_OP_##id,
#include "ir/op_list.h"
#undef OAR_OP
  OAR_OP_COUNT
} oar_op_id;

enum {
  OAR_SLOT_REQUIRED = 0,
  OAR_SLOT_OPTIONAL = 1u << 0, /* may be absent or bound to nothing */
  OAR_SLOT_VARIADIC = 1u << 1  /* may be bound to several values */
};

typedef struct oar_slot_spec {
  const char *name;
  unsigned flags;
} oar_slot_spec;

/* An attribute and its default. A `required` attribute has no default:
 * a node without it fails verification. */
typedef struct oar_attr_spec {
  const char *name;
  oar_attr_type type;
  bool required;
  int64_t i;
  double f;
  const char *s;
  const int64_t *ints;
  const double *floats;
  size_t n;
} oar_attr_spec;

struct oar_node;

/* Shape and dtype inference, and (in the runtime) execution, see the
 * node's inputs as a flat array of views in slot order (node->in_start
 * tells where each slot begins; an absent optional input has no entry, so
 * oar_node_in_pos(node, slot, 0) is -1). `out` is the flat output array:
 * infer sets each output's dtype and shape. At plan time an input view's
 * data is non-NULL only when its value is known then (a constant, or
 * computed from constants and shapes). */
typedef oar_status (*oar_infer_fn)(const struct oar_node *node, const oar_tensor_view *const *in,
                                   oar_tensor_view *out, oar_error *err);

enum {
  /* Output depends only on input shapes and dtypes (e.g. `shape`): it can be
   * computed at plan time even when input data is unknown. */
  OAR_OP_SHAPE_ONLY = 1u << 0,
  /* Output may alias the input's memory (reshape-like ops): the runtime may
   * skip the copy when it can. */
  OAR_OP_VIEW = 1u << 1,
  /* Output 0 may be written over input 0's memory when both have the same
   * size (elementwise ops whose X has the output's shape): the memory
   * planner may then give them one buffer. Run functions of such ops must
   * read element i before writing element i. VIEW ops are in-place too. */
  OAR_OP_INPLACE = 1u << 2,
  /* Output shapes depend on input values (nonzero, unique, NMS): infer sets
   * dtypes and ranks (dims -1 where not known); the run function allocates
   * its outputs (op_run.h, oar_run_alloc_output). The planner cuts the plan
   * after such a node unless its inputs are known at plan time
   * (runtime/plan_dynamic.c). */
  OAR_OP_DYNAMIC_SHAPE = 1u << 3
};

typedef struct oar_op_schema {
  const char *name;
  oar_op_id id;
  const oar_slot_spec *inputs;
  int num_inputs;
  const oar_slot_spec *outputs;
  int num_outputs;
  const oar_attr_spec *attrs;
  int num_attrs;
  oar_infer_fn infer;
  unsigned flags;
} oar_op_schema;

/* The schema registered under a (Paddle) op type, or NULL. */
const oar_op_schema *oar_schema_find(const char *name);
const oar_op_schema *oar_schema_by_id(oar_op_id id);
/* Index of an attribute/slot in a schema by name, or -1. */
int oar_schema_attr_index(const oar_op_schema *s, const char *name);
int oar_schema_input_index(const oar_op_schema *s, const char *name);
int oar_schema_output_index(const oar_op_schema *s, const char *name);

/* Helpers for declaring schemas tersely in ops/<family>.c. */
#define OAR_COUNT_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define OAR_ATTR_I(nm, v) \
  { .name = (nm), .type = OAR_ATTR_INT, .i = (v) }
#define OAR_ATTR_B(nm, v) \
  { .name = (nm), .type = OAR_ATTR_BOOL, .i = (v) }
#define OAR_ATTR_F(nm, v) \
  { .name = (nm), .type = OAR_ATTR_FLOAT, .f = (v) }
#define OAR_ATTR_S(nm, v) \
  { .name = (nm), .type = OAR_ATTR_STRING, .s = (v) }
#define OAR_ATTR_IS(nm, ...)                                                     \
  {                                                                              \
    .name = (nm), .type = OAR_ATTR_INTS, .ints = (const int64_t[]){__VA_ARGS__}, \
    .n = sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t)                \
  }
#define OAR_ATTR_IS_EMPTY(nm) \
  { .name = (nm), .type = OAR_ATTR_INTS, .n = 0 }
#define OAR_ATTR_FS_EMPTY(nm) \
  { .name = (nm), .type = OAR_ATTR_FLOATS, .n = 0 }
#define OAR_ATTR_REQUIRED(nm, t) \
  { .name = (nm), .type = (t), .required = true }

#endif
