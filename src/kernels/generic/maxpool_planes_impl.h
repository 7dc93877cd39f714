/* The plane loop every ISA's NCHW max pooling shares: which cases take the
 * vector plane kernel (max pooling, fixed windows, NCHW, strides 1 and 2,
 * windows up to max_kw wide) and which go to the reference, and one call
 * of the ISA's plane(p, SW, src, dst) per (image, channel) plane with the
 * stride as a constant, so that the compiler specializes it. Included by
 * the ISA folders' f32_maxpool__*.c only. */
#ifndef OAR_KERNELS_GENERIC_MAXPOOL_PLANES_IMPL_H
#define OAR_KERNELS_GENERIC_MAXPOOL_PLANES_IMPL_H

#include <stddef.h>

#include "kernels/ref/pool.h"

#define OAR_MAXPOOL_PLANES(fn_name, plane, max_kw)                                                  \
  void fn_name(const oar_pool2d_params *p, const float *src, float *dst) {                          \
    if (!p->is_max || p->adaptive || p->nhwc || (p->stride_w != 1 && p->stride_w != 2) ||           \
        p->kernel_w > (max_kw)) {                                                                   \
      oar_ref_pool2d_f32(p, src, dst);                                                              \
      return;                                                                                       \
    }                                                                                               \
    const size_t in_plane = (size_t)(p->in_h * p->in_w), out_plane = (size_t)(p->out_h * p->out_w); \
    const size_t planes = (size_t)(p->batch * p->channels);                                         \
    for (size_t i = 0; i < planes; i++) {                                                           \
      if (p->stride_w == 1)                                                                         \
        plane(p, 1, src + i * in_plane, dst + i * out_plane);                                       \
      else                                                                                          \
        plane(p, 2, src + i * in_plane, dst + i * out_plane);                                       \
    }                                                                                               \
  }

#endif
