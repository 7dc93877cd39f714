/* Dtypes, shapes and plain tensors: the vocabulary shared by the IR,
 * the kernels and the runtime. */
#ifndef OAR_TENSOR_TENSOR_H
#define OAR_TENSOR_TENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oar/oar.h"

size_t oar_dtype_bytes(oar_dtype dtype);
const char *oar_dtype_str(oar_dtype dtype);

/* A shape. dims may be -1 (unknown) in declared shapes only. */
typedef struct oar_shape {
  int rank;
  int64_t dims[OAR_MAX_RANK];
} oar_shape;

/* Element count; 1 for rank 0. Returns -1 if any dim is negative or the
 * product overflows int64. */
int64_t oar_shape_numel(const oar_shape *s);
bool oar_shape_equal(const oar_shape *a, const oar_shape *b);
bool oar_shape_is_known(const oar_shape *s);
/* "[1, 3, 224, 224]" into buf (always NUL-terminated). Returns buf. */
char *oar_shape_str(const oar_shape *s, char *buf, size_t size);
oar_shape oar_shape_make(int rank, const int64_t *dims);

/* A view of dense, row-major tensor memory. Does not own data. */
typedef struct oar_tensor_view {
  oar_dtype dtype;
  oar_shape shape;
  void *data;
} oar_tensor_view;

static inline int64_t oar_view_numel(const oar_tensor_view *t) { return oar_shape_numel(&t->shape); }

#endif
