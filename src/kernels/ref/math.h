/* Reference kernels for scale, softmax, mean and cast. */
#ifndef OAR_KERNELS_REF_MATH_H
#define OAR_KERNELS_REF_MATH_H

#include <stdbool.h>
#include <stdint.h>

#include "tensor/tensor.h"

/* dst = bias_after_scale ? x * scale + bias : (x + bias) * scale, in the
 * element type (integer variants wrap on overflow). src and dst may alias. */
void oar_ref_scale_f32(const float *src, float *dst, int64_t n, float scale, float bias,
                       bool bias_after_scale);
void oar_ref_scale_i32(const int32_t *src, int32_t *dst, int64_t n, int32_t scale, int32_t bias,
                       bool bias_after_scale);
void oar_ref_scale_i64(const int64_t *src, int64_t *dst, int64_t n, int64_t scale, int64_t bias,
                       bool bias_after_scale);

/* Softmax along the middle dim of [outer, axis_len, inner]:
 * exp(x - max) / sum(exp(x - max)), in float. */
void oar_ref_softmax_f32(const float *src, float *dst, int64_t outer, int64_t axis_len, int64_t inner);

/* Mean of n values (summed in double); NaN for n == 0. */
float oar_ref_mean_f32(const float *src, int64_t n);

/* Element-wise conversion of n values from src_type to dst_type, with
 * C++ static_cast semantics as compiled for x86: float to integer
 * truncates toward zero, and a value out of the range of int32 (for
 * int32, int8, uint8) or int64, or NaN, gives the smallest value of that
 * range (then wrapped to 8 bits for int8/uint8); integer narrowing wraps;
 * anything to bool is `!= 0`. Supported types: float32, float64, int32,
 * int64, bool, uint8, int8. Returns false (writing nothing) for others. */
bool oar_ref_cast(oar_dtype src_type, const void *src, oar_dtype dst_type, void *dst, int64_t n);
bool oar_ref_cast_supported(oar_dtype t);

#endif
