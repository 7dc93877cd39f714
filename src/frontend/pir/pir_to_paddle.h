/* Turns a PIR program into the legacy program structs of the Paddle
 * frontend (block 0 with its VarDescs, feed and fetch ops), so that the
 * legacy graph builder (paddle_to_graph.c) makes the same IR graph from a
 * PIR export as from the legacy export of the same model, and the
 * parameter file is read by the same reader (params.c) in PIR's order:
 * the persistable builtin.parameter ops, sorted by name.
 *
 * - pd_op.data ops become feed ops, numbered in block order (the order
 *   Paddle's predictor gives PIR inputs); pd_op.fetch ops become fetch
 *   ops with their `col`; the fetched value takes the fetch's `name` (an
 *   assign gives it one when the value already has another name).
 * - Every other op is mapped by the table of pir_op_table.c; mutable
 *   attributes fed by constants become legacy attributes.
 * - builtin.combine / split / slice only regroup values and vanish;
 *   pd_op.full and pd_op.full_int_array vanish unless an op reads them as
 *   tensors: then full becomes fill_constant and full_int_array a
 *   constant value (oar_pir_constants).
 * - Other values are named "%<id>" after their PIR value id. */
#ifndef OAR_FRONTEND_PIR_PIR_TO_PADDLE_H
#define OAR_FRONTEND_PIR_PIR_TO_PADDLE_H

#include "base/error.h"
#include "frontend/paddle/params.h"
#include "frontend/paddle/program.h"
#include "frontend/pir/pir_program.h"

/* Constant tensors the legacy program reads but no file holds. */
typedef struct oar_pir_constant {
  size_t var;      /* index of its VarDesc in block 0 */
  int32_t dtype;   /* VarType.Type (INT32 or INT64) */
  oar_shape shape; /* [n] */
  void *data;      /* owned */
  size_t bytes;
} oar_pir_constant;

typedef struct oar_pir_constants {
  oar_pir_constant *items;
  size_t count;
} oar_pir_constants;

/* Builds *prog (one block; free with oar_pd_program_free) and *consts
 * (oar_pir_constants_free) from `pir`. `file` names the program in
 * messages. OAR_ERR_UNSUPPORTED for ops without a table row (naming the
 * op, its index and the file), control flow, and mutable attributes
 * computed at run time where the legacy op has no tensor slot for them;
 * OAR_ERR_INVALID_MODEL for ops whose operands, results or attributes do
 * not fit the row; OAR_ERR_OUT_OF_MEMORY. Outputs are written only on
 * success. */
oar_status oar_pir_to_paddle(const oar_pir_program *pir, const char *file, oar_pd_program *prog,
                             oar_pir_constants *consts, oar_error *err);
void oar_pir_constants_free(oar_pir_constants *c);

/* Appends the constants to params (as parameters whose data they own;
 * params->items grows), for oar_pd_build_graph. block is prog's block 0. */
oar_status oar_pir_constants_add(const oar_pir_constants *c, const oar_pd_block *block, oar_pd_params *params,
                                 oar_error *err);

#endif
