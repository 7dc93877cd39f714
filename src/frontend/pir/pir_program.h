/* A Paddle 3 PIR program (spec section 4) read from its JSON text into
 * plain C structs: the ops of the top-level block in order, with their
 * operand value ids, result ids and types, and attributes.
 *
 * Control flow ops (pd_op.while, pd_op.if) carry their regions' ops right
 * after them in the same flat list (see oar_pir_op.region_ops).
 *
 * Nothing is interpreted here beyond the format: op names are expanded
 * ("1.conv2d" -> "pd_op.conv2d", "p" -> "builtin.parameter"), ids are
 * checked to be SSA (every result id positive and new, every operand id 0
 * for "absent" or a result of an earlier op), and types are decoded.
 * Mapping ops onto the IR is pir_to_paddle.c's job. Attribute values stay
 * JSON ("AT" objects), read by oar_pir_attr_* below. */
#ifndef OAR_FRONTEND_PIR_PIR_PROGRAM_H
#define OAR_FRONTEND_PIR_PIR_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "frontend/json/json.h"

/* The newest serialization version ("base_code.version") this reader was
 * checked against (Paddle 3.3 writes 4). Newer files may rename ops or
 * attributes through Paddle's patch files, so they are refused. */
#define OAR_PIR_MAX_VERSION 4

typedef enum oar_pir_type_kind {
  OAR_PIR_TYPE_NULL,  /* {"#":"NULL"}: an absent optional result */
  OAR_PIR_TYPE_DENSE, /* 0.t_dtensor */
  OAR_PIR_TYPE_VEC,   /* 0.t_vec, from builtin.combine or for list results */
  OAR_PIR_TYPE_OTHER  /* tensor arrays, selected rows, ...: named, not read */
} oar_pir_type_kind;

typedef struct oar_pir_type {
  oar_pir_type_kind kind;
  const char *name;           /* the type's "#" (in the JSON document) */
  int32_t dtype;              /* DENSE: Paddle VarType.Type of the elements, -1 when oar has none */
  const char *elem;           /* DENSE: the element type's "#", e.g. "0.t_f32" */
  int64_t *dims;              /* DENSE: -1 where unknown */
  size_t rank;                /* DENSE */
  struct oar_pir_type *elems; /* VEC */
  size_t num_elems;
} oar_pir_type;

typedef struct oar_pir_result {
  int64_t id; /* > 0 */
  oar_pir_type type;
} oar_pir_result;

typedef struct oar_pir_attr {
  const char *name;   /* "N" */
  const oar_json *at; /* "AT": {"#": type, "D": payload} */
} oar_pir_attr;

typedef struct oar_pir_op {
  char *name;        /* expanded: "pd_op.conv2d", "builtin.combine", "builtin.parameter" */
  size_t offset;     /* of the op object in the JSON text */
  int64_t *operands; /* value ids; 0 = absent optional operand */
  size_t num_operands;
  oar_pir_result *results;
  size_t num_results;
  oar_pir_attr *attrs;
  size_t num_attrs;
  bool has_regions; /* control flow (pd_op.if, pd_op.while) */
  /* Control flow: the ops of its regions follow the op in `ops`, region by
   * region (region_ops[r] of them each, nested regions included); each
   * region starts with an "oar.block_args" op whose results are the
   * arguments of its block (ids below 0) and ends with its cf.yield. */
  size_t num_regions;
  size_t region_ops[2];
  /* builtin.parameter only ("p" ops): */
  const char *param_name;
  bool persistable; /* "OA"[0]; true when "OA" is absent */
} oar_pir_op;

typedef struct oar_pir_program {
  int64_t version;
  oar_pir_op *ops;
  size_t num_ops;
  oar_json_doc doc; /* names and attributes point into it */
} oar_pir_program;

/* Reads a PIR program. `file` names it in messages ("<memory>" for
 * buffers). OAR_ERR_INVALID_MODEL (not JSON, not PIR, a key missing or of
 * the wrong JSON type, ids that are not SSA; the message names the file,
 * the op, its byte offset and what was expected), OAR_ERR_UNSUPPORTED
 * (a version above OAR_PIR_MAX_VERSION, several top-level regions or
 * blocks, arguments of the top block, more than 2 regions or regions of
 * more than one block, regions nested deeper than 16), OAR_ERR_OUT_OF_MEMORY. *out is written only on
 * success; free it with oar_pir_program_free. */
oar_status oar_pir_program_read(const void *data, size_t size, const char *file, oar_pir_program *out,
                                oar_error *err);
void oar_pir_program_free(oar_pir_program *p);

/* The attribute `name` of an op, or NULL. */
const oar_pir_attr *oar_pir_op_attr(const oar_pir_op *op, const char *name);

/* "op #12 'pd_op.conv2d' (byte 3456)" into buf, for messages. */
const char *oar_pir_op_describe(const oar_pir_op *op, size_t index, char *buf, size_t size);

/* The Paddle VarType.Type of an element type name ("0.t_f32" -> FP32) or a
 * DataType attribute string ("float32" -> FP32); -1 when unknown, -2 for
 * Paddle's "undefined" dtype (take the input's). */
int32_t oar_pir_elem_vartype(const char *elem);
int32_t oar_pir_dtype_vartype(const char *dtype);

#endif
