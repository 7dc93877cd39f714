/* Paddle's legacy program (`framework.proto` ProgramDesc, spec section 1),
 * decoded into plain C structs.
 *
 * The structs mirror the protobuf messages field by field, so nothing is
 * interpreted here: turning a program into the IR is paddle_to_graph.c's
 * job. Every string is copied and NUL-terminated; every array is owned by
 * the program and freed by oar_pd_program_free. Absent optional fields keep
 * the proto2 defaults (0, false, NULL, empty). */
#ifndef OAR_FRONTEND_PADDLE_PROGRAM_H
#define OAR_FRONTEND_PADDLE_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "frontend/protobuf/wire.h"

/* VarType.Type values (spec 1.5): element types and variable kinds. */
enum {
  OAR_PD_BOOL = 0,
  OAR_PD_INT16 = 1,
  OAR_PD_INT32 = 2,
  OAR_PD_INT64 = 3,
  OAR_PD_FP16 = 4,
  OAR_PD_FP32 = 5,
  OAR_PD_FP64 = 6,
  OAR_PD_LOD_TENSOR = 7,
  OAR_PD_SELECTED_ROWS = 8,
  OAR_PD_FEED_MINIBATCH = 9,
  OAR_PD_FETCH_LIST = 10,
  OAR_PD_STEP_SCOPES = 11,
  OAR_PD_LOD_RANK_TABLE = 12,
  OAR_PD_LOD_TENSOR_ARRAY = 13,
  OAR_PD_PLACE_LIST = 14,
  OAR_PD_READER = 15,
  OAR_PD_RAW = 17,
  OAR_PD_TUPLE = 18,
  OAR_PD_SIZE_T = 19,
  OAR_PD_UINT8 = 20,
  OAR_PD_INT8 = 21,
  OAR_PD_BF16 = 22,
  OAR_PD_COMPLEX64 = 23,
  OAR_PD_COMPLEX128 = 24,
  OAR_PD_STRING = 25,
  OAR_PD_STRINGS = 26,
  OAR_PD_VOCAB = 27,
  OAR_PD_FEED_LIST = 28,
  OAR_PD_PSTRING = 29,
  OAR_PD_SPARSE_COO = 30,
  OAR_PD_SPARSE_CSR = 31
};

/* AttrType values (spec 1.6). */
typedef enum oar_pd_attr_type {
  OAR_PD_ATTR_INT = 0,
  OAR_PD_ATTR_FLOAT = 1,
  OAR_PD_ATTR_STRING = 2,
  OAR_PD_ATTR_INTS = 3,
  OAR_PD_ATTR_FLOATS = 4,
  OAR_PD_ATTR_STRINGS = 5,
  OAR_PD_ATTR_BOOLEAN = 6,
  OAR_PD_ATTR_BOOLEANS = 7,
  OAR_PD_ATTR_BLOCK = 8,
  OAR_PD_ATTR_LONG = 9,
  OAR_PD_ATTR_BLOCKS = 10,
  OAR_PD_ATTR_LONGS = 11,
  OAR_PD_ATTR_FLOAT64S = 12,
  OAR_PD_ATTR_VAR = 13,
  OAR_PD_ATTR_VARS = 14,
  OAR_PD_ATTR_FLOAT64 = 15,
  OAR_PD_ATTR_SCALAR = 16,
  OAR_PD_ATTR_SCALARS = 17
} oar_pd_attr_type;

/* Scalar.Type values. */
enum {
  OAR_PD_SCALAR_BOOLEAN = 1,
  OAR_PD_SCALAR_LONG = 2,
  OAR_PD_SCALAR_FLOAT64 = 3,
  OAR_PD_SCALAR_COMPLEX128 = 4
};

typedef struct oar_pd_ints {
  int64_t *v;
  size_t n;
} oar_pd_ints;

typedef struct oar_pd_floats {
  double *v; /* float values are widened exactly */
  size_t n;
} oar_pd_floats;

typedef struct oar_pd_strings {
  char **v;
  size_t n;
} oar_pd_strings;

typedef struct oar_pd_scalar {
  int32_t type; /* OAR_PD_SCALAR_*; 0 when absent */
  bool b;
  int64_t i;
  double r;
  double c_real, c_imag; /* COMPLEX128 */
} oar_pd_scalar;

/* VarType.TensorDesc. */
typedef struct oar_pd_tensor_desc {
  int32_t dtype;    /* VarType.Type element type */
  oar_pd_ints dims; /* -1 where unknown */
} oar_pd_tensor_desc;

typedef struct oar_pd_var {
  char *name;
  int32_t kind;    /* VarType.type: OAR_PD_LOD_TENSOR for ordinary tensors */
  bool has_tensor; /* tensor holds the dtype and dims (from lod_tensor,
                      tensor_array or selected_rows, whichever is present) */
  oar_pd_tensor_desc tensor;
  int32_t lod_level;
  bool persistable;
  bool need_check_feed;
  bool is_parameter;
  bool stop_gradient;
} oar_pd_var;

/* OpDesc.Var: one named slot of an op and the variables bound to it. */
typedef struct oar_pd_slot {
  char *name;
  oar_pd_strings args;
} oar_pd_slot;

/* OpDesc.Attr: every value field, as stored; `type` says which one counts
 * (oar_pd_attr_type). int32 and bool lists are widened to int64. */
typedef struct oar_pd_attr {
  char *name;
  int32_t type;
  int32_t i;                /* INT */
  float f;                  /* FLOAT */
  char *s;                  /* STRING (NULL when absent) */
  oar_pd_ints ints;         /* INTS */
  oar_pd_floats floats;     /* FLOATS */
  oar_pd_strings strings;   /* STRINGS */
  bool b;                   /* BOOLEAN */
  oar_pd_ints bools;        /* BOOLEANS (0/1) */
  int32_t block_idx;        /* BLOCK */
  int64_t l;                /* LONG */
  oar_pd_ints blocks_idx;   /* BLOCKS */
  oar_pd_ints longs;        /* LONGS */
  oar_pd_floats float64s;   /* FLOAT64S */
  char *var_name;           /* VAR (NULL when absent) */
  oar_pd_strings vars_name; /* VARS */
  double float64;           /* FLOAT64 */
  oar_pd_scalar scalar;     /* SCALAR */
  oar_pd_scalar *scalars;   /* SCALARS */
  size_t num_scalars;
} oar_pd_attr;

typedef struct oar_pd_op {
  char *type;
  oar_pd_slot *inputs;
  size_t num_inputs;
  oar_pd_slot *outputs;
  size_t num_outputs;
  oar_pd_attr *attrs;
  size_t num_attrs;
  bool is_target;
} oar_pd_op;

typedef struct oar_pd_block {
  int32_t idx;
  int32_t parent_idx;
  int32_t forward_block_idx; /* -1 when absent */
  oar_pd_var *vars;
  size_t num_vars;
  oar_pd_op *ops;
  size_t num_ops;
} oar_pd_block;

typedef struct oar_pd_program {
  oar_pd_block *blocks;
  size_t num_blocks;
  int64_t version; /* Version.version: major*1e6 + minor*1e3 + patch, or 0 */
} oar_pd_program;

/* Decodes a whole ProgramDesc. On failure *out is left empty and the
 * message says where (block, op, var, attribute and byte offset) and what
 * was expected; OAR_ERR_INVALID_MODEL for malformed bytes or missing
 * required fields, OAR_ERR_OUT_OF_MEMORY. data may be NULL when size is 0
 * (an empty program decodes to zero blocks). */
oar_status oar_pd_program_decode(const void *data, size_t size, oar_pd_program *out, oar_error *err);
void oar_pd_program_free(oar_pd_program *p);

/* Decodes a VarType.TensorDesc message (also used by the parameter
 * reader). out must be zeroed; on failure it may hold partial dims, freed
 * by oar_pd_tensor_desc_free. */
oar_status oar_pd_tensor_desc_decode(oar_pb_reader *r, oar_pd_tensor_desc *out, oar_error *err);
void oar_pd_tensor_desc_free(oar_pd_tensor_desc *t);

/* Lookups (linear). NULL when absent. */
const oar_pd_var *oar_pd_block_find_var(const oar_pd_block *b, const char *name);
const oar_pd_slot *oar_pd_op_find_input(const oar_pd_op *op, const char *slot);
const oar_pd_slot *oar_pd_op_find_output(const oar_pd_op *op, const char *slot);
const oar_pd_attr *oar_pd_op_find_attr(const oar_pd_op *op, const char *name);

/* "FP32", "LOD_TENSOR", ... or "unknown". */
const char *oar_pd_vartype_name(int32_t t);
/* "INT", "FLOAT64S", ... or "unknown". */
const char *oar_pd_attr_type_name(int32_t t);

#endif
