/* Element load / store for the quantization and one-hot ops: any of
 * float32, float64, float16, int8/16/32/64, uint8, bool, through double. */
#ifndef OAR_KERNELS_REF_QUANT_H
#define OAR_KERNELS_REF_QUANT_H

#include <stdbool.h>
#include <stdint.h>

#include "tensor/tensor.h"

bool oar_ref_q_supported(oar_dtype t);
double oar_ref_q_load(oar_dtype t, const void *p, int64_t i);
/* Stores v converted to t (integers truncate toward zero). */
void oar_ref_q_store(oar_dtype t, void *p, int64_t i, double v);
/* Stores v clamped to t's range (for quantization). */
void oar_ref_q_store_saturated(oar_dtype t, void *p, int64_t i, double v);

/* Paddle's fake quantization of n floats with one scale s (quantize_linear /
 * dequantize_linear, phi's fake_quantize_functor arithmetic in float):
 *   quantize, round_type 0: y = clamp(rne(x * (qmax / s)), qmin, qmax)
 *   quantize, round_type 1: y = round_half_away(clip(x, -s, s) * (qmax / s))
 *   dequantize:             y = x * s / qmax
 * A scale at or below 1e-30 divides by s + 1e-6, as Paddle does. */
void oar_ref_paddle_quantize_f32(const float *x, float *y, int64_t n, float s, int qmin, int qmax,
                                 int round_type);
void oar_ref_paddle_dequantize_f32(const float *x, float *y, int64_t n, float s, int qmax);

#endif
