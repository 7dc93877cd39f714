/* Float32 reductions over contiguous runs, vectorized by the compiler:
 * the kernels of reduce's prepared path (runtime/ops/reduce.c). Sums
 * run in 16 float lanes flushed to double every 1024 values (the
 * reference sums in double throughout); max and min give NaN when any
 * value is NaN, as the reference does. */
#ifndef OAR_KERNELS_GENERIC_F32_REDUCE_H
#define OAR_KERNELS_GENERIC_F32_REDUCE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum oar_f32_reduce_op {
  OAR_F32_RED_SUM,    /* sum of x */
  OAR_F32_RED_SUM_SQ, /* sum of x * x */
  OAR_F32_RED_SUM_ABS,
  OAR_F32_RED_MAX,
  OAR_F32_RED_MIN
} oar_f32_reduce_op;

/* The reduction of x[0 .. n) (n > 0). */
double oar_f32_reduce_row(oar_f32_reduce_op op, const float *x, size_t n);

/* acc[j] = the reduction of x[i * stride + j] over i < rows, for j < n
 * (rows > 0): column slices of a [rows, stride] matrix. */
void oar_f32_reduce_cols(oar_f32_reduce_op op, const float *x, size_t rows, size_t stride, size_t n,
                         double *acc);

#endif
