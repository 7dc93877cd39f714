/* Kernels of the generic level: portable C, compiled with no ISA flag. */
#ifndef OAR_KERNELS_GENERIC_GENERIC_KERNELS_H
#define OAR_KERNELS_GENERIC_GENERIC_KERNELS_H

#include "kernels/generic/f32_kernels.h"

void oar_f32_gemm_4x8__generic(size_t mr, size_t nr, size_t kc, const float *a, const float *b, size_t ldb,
                               float *c, size_t ldc, unsigned flags, const oar_gemm_tile_epi *e);
/* The recurrent cell gates in plain C (libm's expf and tanhf): the generic
 * level's, and the NEON level's until it has its own. */
void oar_f32_rnn_cell__generic(const oar_rnn_cell_args *a);

#endif
