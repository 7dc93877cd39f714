/* Paddle op types that have no IR op of their own name and run as one of
 * the IR's generic ops (unary_math, binary_math, reduce, arg_reduce,
 * softmax_ext): the table says which, with the func value, and a function
 * sets the generic op's attributes from the Paddle op's. The slots keep
 * their Paddle names (X, Y, Out), which the generic ops share. PIR programs
 * reach the table through their legacy twins. */
#ifndef OAR_FRONTEND_PADDLE_PADDLE_LOWER_H
#define OAR_FRONTEND_PADDLE_PADDLE_LOWER_H

#include "frontend/paddle/program.h"
#include "ir/graph.h"

typedef struct oar_pd_lowering oar_pd_lowering;

enum { OAR_PD_LOWER_SLOTS = 8 };

/* Sets the IR attributes of `b` (a node of the lowering's IR op) from
 * `op`'s attributes. OAR_ERR_UNSUPPORTED for an attribute value whose
 * semantics the generic op does not have; the message is a predicate for
 * the caller to prefix with the op. */
typedef oar_status (*oar_pd_lower_attrs_fn)(const oar_pd_lowering *l, const oar_pd_op *op,
                                            oar_node_builder *b, oar_error *err);

/* A small constant the lowering feeds an IR input that the Paddle op
 * carries as attributes (clip's min, top_k's k, pad3d's paddings, ...). */
enum { OAR_PD_CONST_MAX = 16 };
typedef struct oar_pd_const {
  int x_rank;      /* in: the declared rank of the op's first input (-1: unknown) */
  bool present;    /* false: the slot stays empty */
  oar_dtype dtype; /* OAR_DTYPE_FLOAT32 (f) or OAR_DTYPE_INT64 (i) */
  int rank;        /* 0 or 1 */
  int64_t dims[1];
  size_t count;
  int64_t i[OAR_PD_CONST_MAX];
  float f[OAR_PD_CONST_MAX];
} oar_pd_const;

/* The constant for IR input slot `slot` when the Paddle op leaves it
 * empty; leaves c->present false when there is none. */
typedef oar_status (*oar_pd_lower_const_fn)(const oar_pd_lowering *l, const oar_pd_op *op, int slot,
                                            oar_pd_const *c, oar_error *err);

/* A Paddle op that runs as several IR nodes (stack: unsqueeze + concat,
 * ...) emits them through the emitter below instead of filling one node.
 * The message of an error is a predicate for the caller to prefix with
 * the op, as for oar_pd_lower_attrs_fn. */
typedef struct oar_pd_emitter oar_pd_emitter;
typedef oar_status (*oar_pd_expand_fn)(const oar_pd_lowering *l, const oar_pd_op *op, oar_pd_emitter *e,
                                       oar_error *err);

struct oar_pd_lowering {
  const char *type; /* Paddle op type */
  oar_op_id ir;     /* the IR op it runs as (with `expand`: unused) */
  int func;         /* that op's func attribute */
  /* NULL: the Paddle op's attributes are copied by name, as for an IR op of
   * the Paddle op's own name (an alias: sync_batch_norm is batch_norm). */
  oar_pd_lower_attrs_fn attrs;
  /* Paddle slot name per IR input / output slot; a NULL entry: the IR's
   * own name. Arrays, not pointers, so that every slot of the IR op has
   * an entry (OAR_PD_LOWER_SLOTS bounds the IR ops lowered to). */
  const char *inputs[OAR_PD_LOWER_SLOTS];
  const char *outputs[OAR_PD_LOWER_SLOTS];
  oar_pd_lower_const_fn constant;
  /* Paddle input slots the op does not read, NULL-ended (expand_as_v2's Y:
   * its shape is in target_shape already). */
  const char *const *ignored_inputs;
  /* Not NULL: the op is emitted by this function as several nodes (ir,
   * attrs, inputs, outputs and constant are unused). */
  oar_pd_expand_fn expand;
};

/* ---- the emitter (paddle_to_graph.c) -------------------------------------------------- */

/* The graph being built (for the dtype and declared shape of values). */
oar_graph *oar_pd_emit_graph(oar_pd_emitter *e);
/* How many variables the Paddle op binds to its input (output) slot
 * `slot` (the empty variable not counted). */
size_t oar_pd_emit_count(const oar_pd_emitter *e, bool input, const char *slot);
/* The value the op reads as the j-th variable of input slot `slot`. */
oar_status oar_pd_emit_input(oar_pd_emitter *e, const char *slot, size_t j, int *id, oar_error *err);
/* A new value for the j-th variable of output slot `slot` (later readers
 * see it). */
oar_status oar_pd_emit_output(oar_pd_emitter *e, const char *slot, size_t j, int *id, oar_error *err);
/* A new intermediate value that only the op's nodes use. */
oar_status oar_pd_emit_temp(oar_pd_emitter *e, int *id, oar_error *err);
/* A new constant value holding a copy of `data`. */
oar_status oar_pd_emit_const(oar_pd_emitter *e, oar_dtype dtype, const oar_shape *shape, const void *data,
                             int *id, oar_error *err);
/* Begins a node of IR op `op` for the Paddle op (fill it with oar_node_*,
 * then oar_node_finish). */
oar_status oar_pd_emit_begin(oar_pd_emitter *e, oar_op_id op, oar_node_builder *b, oar_error *err);

/* The lowering of Paddle op `type`, or NULL. */
const oar_pd_lowering *oar_pd_lowering_find(const char *type);

/* Every lowering (for tools and tests); *count receives how many. */
const oar_pd_lowering *oar_pd_lowerings(size_t *count);

#endif
