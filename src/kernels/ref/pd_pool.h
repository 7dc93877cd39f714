/* Reference kernels of Paddle's max_pool*_with_index, unfold and
 * temporal_shift (float32). */
#ifndef OAR_KERNELS_REF_PD_POOL_H
#define OAR_KERNELS_REF_PD_POOL_H

#include <stdbool.h>
#include <stdint.h>

/* Max pooling of `planes` planes of nsp (2 or 3) spatial dims `in` into
 * `out`, writing each window's max and, when mask is not NULL, its flat
 * index in the input plane. Windows: adaptive [floor(o in / out),
 * ceil((o + 1) in / out)), else [o stride - pad, + kernel) clipped to the
 * input. An empty window gives -FLT_MAX and index -1 (Paddle's start
 * values). */
void oar_ref_max_pool_index_f32(const float *x, float *y, int32_t *mask, int64_t planes, int nsp,
                                const int64_t *in, const int64_t *out, const int64_t *kernel,
                                const int64_t *stride, const int64_t *pad, bool adaptive);

/* Paddle's pool3d (its CPU Pool3dFunctor) over x [batch, channels, in]
 * (or [batch, in, channels] with nhwc): per output dim, adaptive windows
 * [floor(o in / out), ceil((o + 1) in / out)), else [o stride - pad,
 * min(that + kernel, in + pad)) clipped to the input (pad: the begin pad;
 * the end pad only sizes the output). avg divides by the clipped window's
 * size when exclusive or adaptive, else by the unclipped one's, which
 * Paddle caps at in + begin pad rather than in + end pad. */
void oar_ref_pool3d_f32(const float *x, float *y, int64_t batch, int64_t channels, bool nhwc, bool is_max,
                        bool exclusive, bool adaptive, const int64_t in[3], const int64_t out[3],
                        const int64_t kernel[3], const int64_t stride[3], const int64_t pad[3]);

/* im2col: x [batch, channels, h, w] into y [batch, channels kh kw, oh ow];
 * row c kh kw + i kw + j, column r ow + s reads x[c, r sh - pt + i dh,
 * s sw - pl + j dw], 0 outside. */
void oar_ref_unfold_f32(const float *x, float *y, int64_t batch, int64_t channels, int64_t h, int64_t w,
                        const int64_t kernel[2], const int64_t stride[2], const int64_t dilation[2],
                        const int64_t pad_begin[2], const int64_t out[2]);

/* temporal_shift over x [batch seg, ...] as segments of seg frames:
 * channels below c1 = (int)(channels ratio) take the previous frame's
 * values, those below c2 = (int)(channels 2 ratio) the next frame's, the
 * rest stay; frames past either end give 0. */
void oar_ref_temporal_shift_f32(const float *x, float *y, int64_t batch, int64_t seg, int64_t channels,
                                int64_t inner, bool nhwc, double ratio);

#endif
