/* 2-D pooling on images in the blocked NCHW16c layout (see conv16c.h), on
 * the pool16c kernel of an oar_f32_kernels table: max, average (exclusive
 * or not), adaptive; the result equals oar_ref_pool2d_f32 per channel bit
 * for bit. p->channels is the real channel count (the tensors hold
 * oar_blocks16(channels) * 16); p->nhwc must be false. The padding
 * channels of dst are written as zeros. */
#ifndef OAR_KERNELS_GENERIC_POOL16C_H
#define OAR_KERNELS_GENERIC_POOL16C_H

#include <stdbool.h>

#include "kernels/generic/f32_kernels.h"
#include "kernels/ref/pool.h"

/* False when kr has no kernel for it or the geometry is NHWC or invalid. */
bool oar_pool16c_supported(const oar_pool2d_params *p, const oar_f32_kernels *kr);

/* Splits the planes over the current thread pool when `threads` > 1 and
 * the work is large enough. */
void oar_pool16c_run(const oar_pool2d_params *p, const oar_f32_kernels *kr, int threads, const float *src,
                     float *dst);

#endif
