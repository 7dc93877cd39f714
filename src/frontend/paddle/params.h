/* Paddle parameter files (spec section 2): the serialized dense tensor
 * record, the combined stream (`__params__`, `params`, `*.pdiparams`) and
 * the one-file-per-parameter directory layout.
 *
 * Every record is checked against the program: its dtype and dims must
 * match the parameter's VarDesc, and a combined stream must hold exactly one
 * record per parameter and end right after the last one. */
#ifndef OAR_FRONTEND_PADDLE_PARAMS_H
#define OAR_FRONTEND_PADDLE_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/file.h"
#include "frontend/paddle/program.h"
#include "tensor/tensor.h"

/* Bytes per element of a Paddle VarType.Type element type, 0 for kinds and
 * unknown values. */
size_t oar_pd_dtype_size(int32_t vartype);

/* The oar dtype of a Paddle element type; OAR_DTYPE_UNKNOWN when oar has
 * none (BF16, complex, SIZE_T, kinds). */
oar_dtype oar_pd_dtype_to_oar(int32_t vartype);

/* One serialized tensor, as found in a buffer. */
typedef struct oar_pd_tensor_record {
  int32_t dtype;       /* VarType.Type element type */
  oar_shape shape;     /* dims; all >= 0 */
  uint64_t lod_levels; /* LoD levels skipped (0 for parameters) */
  const uint8_t *data; /* raw little-endian elements, inside the buffer */
  size_t bytes;        /* numel * element size */
  size_t offset;       /* where the record starts in the buffer */
} oar_pd_tensor_record;

/* Reads the record starting at buf[*pos] and advances *pos past it. `file`
 * names the buffer in messages. OAR_ERR_INVALID_MODEL (truncated, bad
 * version, negative dims, unknown dtype, sizes past the end) or
 * OAR_ERR_UNSUPPORTED (rank above OAR_MAX_RANK); the message gives the byte
 * offset and what was expected there. */
oar_status oar_pd_tensor_record_read(const uint8_t *buf, size_t size, size_t *pos, const char *file,
                                     oar_pd_tensor_record *rec, oar_error *err);

/* Checks a record against the parameter's VarDesc: same dtype, same rank
 * and dims (a declared -1 matches any size; [] and [1] match each other).
 * OAR_ERR_INVALID_MODEL names the variable, both dtypes/shapes and file. */
oar_status oar_pd_tensor_record_check(const oar_pd_tensor_record *rec, const oar_pd_var *var,
                                      const char *file, oar_error *err);

/* The parameters of a block: persistable vars minus FEED_MINIBATCH,
 * FETCH_LIST and RAW kinds, in strcmp order of their names (the order of a
 * combined stream). *out is a new array (oar_free) of pointers into the
 * block; NULL with *count 0 when there are none. A name declared twice is
 * OAR_ERR_INVALID_MODEL. */
oar_status oar_pd_param_vars(const oar_pd_block *block, const oar_pd_var ***out, size_t *count,
                             oar_error *err);

/* A parameter and its data. */
typedef struct oar_pd_param {
  const oar_pd_var *var;    /* in the program block */
  oar_pd_tensor_record rec; /* data points into a buffer (see below) */
} oar_pd_param;

typedef struct oar_pd_params {
  oar_pd_param *items; /* in strcmp order of names */
  size_t count;
  oar_bytes *files; /* buffers read by oar_pd_params_read_dir, owned */
  size_t num_files;
  const oar_bytes *source; /* the combined stream's bytes when mapped (not owned), for releasing */
} oar_pd_params;

/* Splits a combined stream into the block's parameters. The records point
 * into data, which must outlive *out. `file` names the stream in messages. */
oar_status oar_pd_params_read_combined(const oar_pd_block *block, const void *data, size_t size,
                                       const char *file, oar_pd_params *out, oar_error *err);

/* Reads each parameter from dir/<name> (one record per file, nothing after
 * it). Names that would leave the directory ("..", absolute paths) are
 * OAR_ERR_INVALID_MODEL; a missing file is OAR_ERR_IO naming it. */
oar_status oar_pd_params_read_dir(const oar_pd_block *block, const char *dir, oar_pd_params *out,
                                  oar_error *err);

void oar_pd_params_free(oar_pd_params *p);

#endif
