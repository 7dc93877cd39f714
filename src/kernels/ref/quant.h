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

#endif
