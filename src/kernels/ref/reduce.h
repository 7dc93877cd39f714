/* Reference reductions and ops along one axis: reduce (sum, mean, max,
 * ..., over any set of axes), arg max/min, softmax / log-softmax /
 * hardmax, cumulative sum, top-k. Values are read and written as float32,
 * int32 or int64 (`dtype`); reductions accumulate in double. */
#ifndef OAR_KERNELS_REF_REDUCE_H
#define OAR_KERNELS_REF_REDUCE_H

#include <stdbool.h>
#include <stdint.h>

#include "tensor/tensor.h"

/* Reduction function numbers: as OAR_REDUCE_* in ir/ops/op_ext.h. */
typedef struct oar_reduce_params {
  int func;
  int64_t p; /* Lp exponent */
  int rank;
  int64_t dims[OAR_MAX_RANK];
  bool reduce[OAR_MAX_RANK];
} oar_reduce_params;

/* dst gets one value per combination of the kept dims (row-major);
 * acc is scratch of as many doubles as dst has values. */
void oar_ref_reduce(const oar_reduce_params *p, oar_dtype dtype, const void *src, void *dst, double *acc);

/* Arg max (func 0) / min (1) along axis of [outer, n, inner]; ties pick
 * the first index, or the last with select_last. dst is int64. */
void oar_ref_arg_reduce(int func, bool select_last, oar_dtype dtype, const void *src, int64_t outer,
                        int64_t n, int64_t inner, int64_t *dst);

/* func 0 softmax, 1 log-softmax, 2 hardmax (1 at the first maximum) along
 * the middle dim of [outer, n, inner], float32. */
void oar_ref_softmax_ext_f32(int func, const float *src, float *dst, int64_t outer, int64_t n, int64_t inner);

void oar_ref_cumsum(oar_dtype dtype, const void *src, void *dst, int64_t outer, int64_t n, int64_t inner,
                    bool exclusive, bool reverse);

/* The k largest (or smallest) along the middle dim, sorted (ties: lower
 * index first). order is scratch of n int64. */
void oar_ref_topk(oar_dtype dtype, const void *src, void *values, int64_t *indices, int64_t outer, int64_t n,
                  int64_t inner, int64_t k, bool largest, int64_t *order, int64_t *tmp);

#endif
