/* Reference element-wise binary ops with broadcasting.
 *
 * Broadcasting is described by strides: out has `rank` dims; x and y are
 * read at sum(index[d] * stride[d]), where a stride is 0 on a dim the
 * operand broadcasts along. The caller works out Paddle's `axis` rule
 * (see ir/ops/infer_util.h) and fills these in. */
#ifndef OAR_KERNELS_REF_ELEMENTWISE_H
#define OAR_KERNELS_REF_ELEMENTWISE_H

#include <stdint.h>

#include "tensor/tensor.h"

typedef enum oar_binary_op {
  OAR_BINARY_ADD,
  OAR_BINARY_SUB,
  OAR_BINARY_MUL,
  OAR_BINARY_DIV,
  OAR_BINARY_MAX,
  OAR_BINARY_MIN,
  OAR_BINARY_POW
} oar_binary_op;

typedef struct oar_binary_params {
  oar_binary_op op;
  int rank; /* 0..OAR_MAX_RANK */
  int64_t dims[OAR_MAX_RANK];
  int64_t x_strides[OAR_MAX_RANK];
  int64_t y_strides[OAR_MAX_RANK];
} oar_binary_params;

/* dst[i] = x[..] op y[..] over every index of dims.
 * Float ops follow IEEE (division by zero gives inf/NaN); max/min are
 * `a > b ? a : b` / `a < b ? a : b`; pow is powf.
 * Integer ops wrap on overflow; division truncates toward zero (C++'s
 * `/`), with x / 0 giving 0 (the caller reports it as an error first, as
 * Paddle does) and MIN / -1 giving MIN; pow is pow() in double converted
 * back with truncation (a result out of range gives MIN, as on x86). */
void oar_ref_binary_f32(const oar_binary_params *p, const float *x, const float *y, float *dst);
void oar_ref_binary_i32(const oar_binary_params *p, const int32_t *x, const int32_t *y, int32_t *dst);
void oar_ref_binary_i64(const oar_binary_params *p, const int64_t *x, const int64_t *y, int64_t *dst);

#endif
