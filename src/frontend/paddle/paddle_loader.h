/* The Paddle frontend's entry point: finds the program and parameter files
 * of a model (spec 2.4), reads them, and builds the IR graph.
 *
 * Layouts understood, for `model`:
 *   - a directory holding `__model__`: parameters in `params` when given,
 *     else the combined `__params__` or `params` file beside it, else one
 *     file per parameter in the directory;
 *   - a directory holding exactly one `*.pdmodel`: parameters in `params`,
 *     else the `*.pdiparams` of the same stem;
 *   - a program file `x.pdmodel`: parameters in `params`, else
 *     `x.pdiparams` beside it;
 *   - a directory holding `__model__.json` (Paddle 3, separate
 *     parameters): parameters in `params`, else `__model__.pdiparams`,
 *     else one file per parameter in the directory;
 *   - a directory holding no `*.pdmodel` and exactly one `x.json` with
 *     `x.pdiparams` beside it (Paddle 3's model.json, inference.json);
 *   - a program file `x.json`: parameters in `params`, else `x.pdiparams`
 *     beside it, else as any other program file;
 *   - any other program file (`__model__`, `model`, ...): parameters in
 *     `params`, else `__params__` or `params` beside it, else one file per
 *     parameter in its directory.
 * Whatever its name, a program whose first non-blank byte is '{' is read
 * as a Paddle 3 PIR program (src/frontend/pir), any other as a
 * ProgramDesc; buffers likewise. */
#ifndef OAR_FRONTEND_PADDLE_PADDLE_LOADER_H
#define OAR_FRONTEND_PADDLE_PADDLE_LOADER_H

#include <stddef.h>

#include "base/error.h"
#include "ir/graph.h"

/* Source of a Paddle model: either paths or memory. */
typedef struct oar_paddle_source {
  const char *model;  /* dir or program file path; NULL when using buffers */
  const char *params; /* optional params file path */
  const void *program_buf;
  size_t program_size; /* buffers, when model == NULL */
  const void *params_buf;
  size_t params_size; /* combined parameter stream; NULL/0 when none */
} oar_paddle_source;

/* Loads a model into a new graph (*out, owned by the caller, destroyed with
 * oar_graph_destroy; written only on success). graph->source is the program
 * file's path, or "<memory>" for buffers. The buffers are only read during
 * the call. Returns OAR_OK; OAR_ERR_INVALID_ARGUMENT (src, out or the
 * program NULL); OAR_ERR_IO (missing or unreadable files, no model in a
 * directory); OAR_ERR_INVALID_MODEL (corrupt program or parameters, or
 * parameters that do not match the program); OAR_ERR_UNSUPPORTED (ops
 * without a schema or a PIR mapping, control flow, unsupported dtypes);
 * OAR_ERR_OUT_OF_MEMORY. Thread-safe (no shared state). */
oar_status oar_paddle_load(const oar_paddle_source *src, oar_graph **out, oar_error *err);

#endif
