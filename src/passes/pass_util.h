/* Helpers shared by the passes: matching and rewriting with use counts
 * kept current. */
#ifndef OAR_PASSES_PASS_UTIL_H
#define OAR_PASSES_PASS_UTIL_H

#include <stdbool.h>

#include "passes/pass.h"
#include "base/platform.h"

/* Adds a near-miss note ("conv2d_3.tmp_0: ...") to the report (first few
 * only; all are counted). */
void oar_pass_note(oar_pass_ctx *ctx, const char *fmt, ...) OAR_PRINTF_FMT(2, 3);

/* The live node that is the only reader of `value` and has op `id`, or -1.
 * Graph outputs never match (their names must stay). */
int oar_pass_sole_consumer(const oar_pass_ctx *ctx, int value);

bool oar_pass_is_const(const oar_pass_ctx *ctx, int value);

/* The value bound to the k-th entry of input slot `slot` of node ni, or -1. */
int oar_pass_input(const oar_pass_ctx *ctx, int ni, int slot);
int oar_pass_output(const oar_pass_ctx *ctx, int ni, int slot);

/* Marks node ni dead and updates use counts. */
void oar_pass_kill(oar_pass_ctx *ctx, int ni);

/* Re-points every reader of `from` to `to`, updating use counts. */
void oar_pass_replace_uses(oar_pass_ctx *ctx, int from, int to);

/* Binds a single-value input slot, updating use counts. */
oar_status oar_pass_set_input(oar_pass_ctx *ctx, int ni, int slot, int value, oar_error *err);

/* Setting attributes by value. */
oar_status oar_pass_set_attr_str(oar_pass_ctx *ctx, int ni, int index, const char *s, oar_error *err);
oar_status oar_pass_set_attr_float(oar_pass_ctx *ctx, int ni, int index, double f, oar_error *err);
oar_status oar_pass_set_attr_int(oar_pass_ctx *ctx, int ni, int index, int64_t i, oar_error *err);
oar_status oar_pass_set_attr_ints(oar_pass_ctx *ctx, int ni, int index, const int64_t *ints, size_t n,
                                  oar_error *err);

/* A new constant (see oar_graph_add_constant) with the use counts grown
 * to cover it. */
oar_status oar_pass_add_constant(oar_pass_ctx *ctx, const char *base, oar_dtype dtype, const oar_shape *shape,
                                 const void *data, size_t bytes, int *id, oar_error *err);

/* Appends the node being built by `b` (see oar_node_begin) to the graph,
 * keeping dead flags and use counts sized to the graph (the new node's
 * inputs are counted). *index receives its position; put it in schedule
 * order with oar_pass_reorder. */
oar_status oar_pass_append_node(oar_pass_ctx *ctx, oar_node_builder *b, int *index, oar_error *err);

/* A new intermediate value (use counts grown to cover it). */
oar_status oar_pass_add_value(oar_pass_ctx *ctx, const char *name, oar_dtype dtype, const oar_shape *shape,
                              int *id, oar_error *err);

/* Puts the nodes in the order `order` (a permutation of all node indices,
 * dead ones included) and fixes their outputs' producers. */
oar_status oar_pass_reorder(oar_pass_ctx *ctx, const int *order, oar_error *err);

/* The output name of a node, for notes. */
const char *oar_pass_node_name(const oar_pass_ctx *ctx, int ni);

/* The fused-activation name and parameters of an activation node (see
 * runtime/ops/fused_act.h for the contract), or false when the op is not
 * a fusable activation. */
bool oar_pass_activation(const oar_pass_ctx *ctx, int ni, const char **name, double *alpha, double *beta);

#endif
