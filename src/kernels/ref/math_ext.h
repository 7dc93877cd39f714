/* Reference element-wise math with numpy broadcasting: unary functions,
 * binary arithmetic / comparison / logic, select (where) and clamp.
 * Function numbers follow oar_unary_func and oar_bmath_func of
 * ir/ops/op_ext.h (the run functions check that the two agree). */
#ifndef OAR_KERNELS_REF_MATH_EXT_H
#define OAR_KERNELS_REF_MATH_EXT_H

#include <stdint.h>

#include "tensor/tensor.h"

#define OAR_REF_UNARY_COUNT 41
#define OAR_REF_BMATH_COUNT 25

/* Broadcast walk: out has `rank` dims; operand k is read at
 * sum(index[d] * strides[k][d]). */
typedef struct oar_bcast {
  int rank;
  int64_t dims[OAR_MAX_RANK];
  int64_t strides[3][OAR_MAX_RANK];
} oar_bcast;

/* Strides of an operand of shape `in` read as the broadcast shape `out`
 * (right-aligned; 0 where the operand has 1 or lacks the dim). */
void oar_ref_bcast_strides(const oar_shape *in, const oar_shape *out, int64_t *strides);

/* y[i] = f(x[i]) for n elements. Types: float32 (all functions; isnan and
 * isinf write bool), int32/int64 (abs, neg, sign, relu, bitwise not),
 * bool (not). */
void oar_ref_unary_math(int func, double alpha, double beta, oar_dtype xt, const void *x, oar_dtype yt,
                        void *y, int64_t n);

/* out = f(x, y) over the broadcast. Integer operands (int32, int64, uint8,
 * bool) compute in int64, others in double; the result is written as ot. */
void oar_ref_binary_math(int func, const oar_bcast *b, oar_dtype xt, const void *x, oar_dtype yt,
                         const void *y, oar_dtype ot, void *out);

/* out = cond ? x : y over the broadcast of the three (strides 0, 1, 2). */
void oar_ref_select(const oar_bcast *b, size_t esize, const uint8_t *cond, const void *x, const void *y,
                    void *out);

/* y = min(max(x, lo), hi) (lo / hi may be NULL); NaN stays NaN. */
void oar_ref_clamp(oar_dtype t, const void *x, void *y, int64_t n, const void *lo, const void *hi);

/* float16 (IEEE binary16 bits) <-> float32, rounding to nearest even. */
float oar_ref_f16_to_f32(uint16_t h);
uint16_t oar_ref_f32_to_f16(float f);

#endif
