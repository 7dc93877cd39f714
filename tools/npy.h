/* Reading and writing NumPy .npy files (format versions 1.0, 2.0, 3.0).
 *
 * Used by the `oar` command line program and by the tests to carry tensors
 * in and out. Only C-order arrays of little-endian numeric dtypes are
 * supported; anything else is a clear error, never a guess.
 *
 *   read and write: '<f4' float32, '<i4' int32, '<i8' int64,
 *                   '|u1' uint8, '|i1' int8, '|b1' bool, '<f8' float64,
 *                   '<f2' float16, '<i2' int16.
 *
 * Files are untrusted: every header field is checked, and the data size
 * implied by the shape and dtype must equal what the file holds after the
 * header. Errors are written to a caller buffer as "<path>: <what is wrong>".
 *
 * Depends only on the dtype enum of the public header (no liboar symbols),
 * so it links into any tool or test on its own.
 */
#ifndef OAR_TOOLS_NPY_H
#define OAR_TOOLS_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "oar/oar.h"

typedef struct oar_npy {
  oar_dtype dtype;
  size_t rank; /* 0 for a scalar (one element) */
  int64_t dims[OAR_MAX_RANK];
  void *data;   /* malloc'ed, owned by the struct; never NULL after a read */
  size_t bytes; /* element count * element size */
} oar_npy;

/* Bytes per element of the dtypes this module handles; 0 for any other. */
size_t oar_npy_dtype_size(oar_dtype dtype);

/* Element count of a shape into *count; 0 on success, -1 if a dim is
 * negative or the product overflows size_t. */
int oar_npy_element_count(size_t rank, const int64_t *dims, size_t *count);

/* Reads `path` into *out (zeroed first). Returns 0, or -1 with the reason in
 * err (which may be NULL; errlen 0 is allowed). On failure *out holds
 * nothing to free. */
int oar_npy_read(const char *path, oar_npy *out, char *err, size_t errlen);

/* Parses a whole .npy image held in memory; the data is copied into *out.
 * `name` is used in messages in place of a path. Same contract as
 * oar_npy_read. */
int oar_npy_parse(const void *buf, size_t len, const char *name, oar_npy *out, char *err, size_t errlen);

/* Writes a C-order array to `path` (version 1.0 header, or 2.0 if the header
 * would not fit). `bytes` must equal the element count times the dtype size.
 * Returns 0, or -1 with the reason in err; a failed write removes nothing
 * but may leave a partial file. */
int oar_npy_write(const char *path, oar_dtype dtype, size_t rank, const int64_t *dims, const void *data,
                  size_t bytes, char *err, size_t errlen);

/* Frees the data and zeroes the struct. NULL does nothing. */
void oar_npy_free(oar_npy *npy);

/* Formats a shape as "[2, 3]" ("[]" for a scalar) into buf; returns buf.
 * Truncates (with "...") when buf is too small. */
char *oar_npy_shape_string(size_t rank, const int64_t *dims, char *buf, size_t buflen);

#endif
