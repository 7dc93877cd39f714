/* How each Paddle 3 PIR op becomes the legacy Paddle op that oar's IR is
 * named after (src/ir/op_list.h): a table, one row per PIR op, read by
 * pir_to_paddle.c. A row says which legacy op, which legacy slot each
 * positional operand and result binds to, and which attributes are
 * renamed. Attributes not renamed keep their PIR name; those the IR schema
 * of the legacy op does not have are dropped, as the legacy loader drops
 * them.
 *
 * PIR passes Paddle's "mutable attributes" (IntArray and Scalar arguments:
 * reshape's shape, scale's scale, slice's starts/ends, ...) as operands.
 * When such an operand comes from a constant (pd_op.full_int_array,
 * pd_op.full, or builtin.combine / pd_op.stack of those), it becomes the
 * legacy attribute; otherwise the legacy tensor slot takes it: `slot` for
 * one tensor, `list_slot` for a vector of one-element tensors. */
#ifndef OAR_FRONTEND_PIR_PIR_OP_TABLE_H
#define OAR_FRONTEND_PIR_PIR_OP_TABLE_H

#include <stddef.h>
#include <stdint.h>

typedef enum oar_pir_arg_kind {
  OAR_PIR_ARG_NONE = 0, /* end of the operand list */
  OAR_PIR_ARG_TENSOR,   /* a tensor (or all elements of a vector) bound to `slot` */
  OAR_PIR_ARG_INTS,     /* IntArray: constant -> `attr` (ints), else `slot` / `list_slot` */
  OAR_PIR_ARG_INT,      /* integral Scalar: constant -> `attr` (int), else `slot` */
  OAR_PIR_ARG_FLOAT     /* real Scalar: constant -> `attr` (float), else `slot` */
} oar_pir_arg_kind;

typedef struct oar_pir_arg {
  oar_pir_arg_kind kind;
  const char *slot;      /* legacy input slot for a tensor; NULL: the constant form only */
  const char *attr;      /* legacy attribute for a constant (INTS / INT / FLOAT) */
  const char *list_slot; /* INTS only: legacy slot for a vector of one-element tensors */
} oar_pir_arg;

typedef struct oar_pir_rename {
  const char *pir;
  const char *legacy;
} oar_pir_rename;

#define OAR_PIR_MAX_ARGS 5
#define OAR_PIR_MAX_RESULTS 6
#define OAR_PIR_MAX_RENAMES 2

typedef struct oar_pir_op_map {
  const char *pir;    /* PIR op name, e.g. "pd_op.conv2d" */
  const char *legacy; /* legacy op type, e.g. "conv2d" */
  oar_pir_arg args[OAR_PIR_MAX_ARGS];
  /* Legacy output slot of each result, in order; NULL: the result has no
   * legacy counterpart and must be unused. */
  const char *results[OAR_PIR_MAX_RESULTS];
  oar_pir_rename renames[OAR_PIR_MAX_RENAMES];
} oar_pir_op_map;

/* The row for a PIR op name, or NULL. An in-place op ("pd_op.relu_")
 * takes the row of its out-of-place form. */
const oar_pir_op_map *oar_pir_op_map_find(const char *pir_name);

/* An integer attribute the legacy op has and the PIR op's name implies
 * (pd_op.tril -> tril_triu with lower = 1): its name, with *value set; NULL
 * when there is none. */
const char *oar_pir_op_fixed_attr(const oar_pir_op_map *m, int32_t *value);

/* Every row, for tests and documentation. */
const oar_pir_op_map *oar_pir_op_maps(size_t *count);

#endif
