/* Turns block 0 of a decoded Paddle program and its parameters into an IR
 * graph (feed ops -> graph inputs, fetch ops -> graph outputs, every other
 * op -> one node mapped by its schema). */
#ifndef OAR_FRONTEND_PADDLE_PADDLE_TO_GRAPH_H
#define OAR_FRONTEND_PADDLE_PADDLE_TO_GRAPH_H

#include "frontend/paddle/params.h"
#include "frontend/paddle/program.h"
#include "ir/graph.h"

/* Builds a new graph (*out, destroyed with oar_graph_destroy) from
 * prog->blocks[0] and params (read from the same block). `source` names the
 * program in messages and becomes graph->source. Returns OAR_OK,
 * OAR_ERR_UNSUPPORTED (op without a schema, sub-blocks, run-time attribute
 * values, unsupported dtypes or ranks), OAR_ERR_INVALID_MODEL (variables
 * used before being produced, missing required slots, bad feed/fetch ops,
 * attribute values of the wrong type), OAR_ERR_OUT_OF_MEMORY. *out is
 * written only on success. */
oar_status oar_pd_build_graph(const oar_pd_program *prog, const oar_pd_params *params, const char *source,
                              oar_graph **out, oar_error *err);

/* Converts a Paddle attribute to an IR attribute: INT/LONG -> INT,
 * FLOAT/FLOAT64 -> FLOAT, BOOLEAN -> BOOL, STRING -> STRING, STRINGS ->
 * STRINGS, INTS/LONGS/BOOLEANS -> INTS, FLOATS/FLOAT64S -> FLOATS, SCALAR ->
 * BOOL/INT/FLOAT by its kind, SCALARS -> INTS (all bool/long) or FLOATS.
 * VAR, VARS, BLOCK, BLOCKS and complex scalars are OAR_ERR_UNSUPPORTED, an
 * unknown type OAR_ERR_INVALID_MODEL; the message is a predicate ("refers
 * to a sub-block ...") for the caller to prefix with the attribute. *out may borrow arrays and strings of `a`
 * (copy it before `a` goes); *owned receives what was allocated here, to oar_free after use. */
oar_status oar_pd_attr_to_ir(const oar_pd_attr *a, oar_attr *out, void **owned, oar_error *err);

#endif
