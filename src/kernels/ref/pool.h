/* Reference 2-D pooling with Paddle's pool2d window rules.
 *
 * Preconditions (checked by the caller): sizes >= 0, strides >= 1,
 * output sizes >= 1 when adaptive, buffers sized by their dims. Paddings
 * are resolved: only the before-paddings (top, left) place the windows. */
#ifndef OAR_KERNELS_REF_POOL_H
#define OAR_KERNELS_REF_POOL_H

#include <stdbool.h>
#include <stdint.h>

typedef struct oar_pool2d_params {
  int64_t batch, channels;
  int64_t in_h, in_w;
  int64_t out_h, out_w;
  int64_t kernel_h, kernel_w;
  int64_t stride_h, stride_w;
  int64_t pad_top, pad_left;
  bool is_max;    /* max pooling, else average */
  bool exclusive; /* average divides by the number of input elements in the window */
  bool adaptive;  /* window i of a dim is [floor(i*in/out), ceil((i+1)*in/out)) */
  bool nhwc;
} oar_pool2d_params;

/* Window of output index o along one dim (Paddle's Pool2dFunctor):
 * start = o*stride - pad; end = min(start + k, in + pad); the divisor of a
 * non-exclusive average is (end - start) before both are clipped to
 * [0, in). Max pooling starts from -FLT_MAX, so an empty window (possible
 * with ceil_mode) gives -FLT_MAX; an empty average gives 0 (non-exclusive)
 * or NaN (exclusive: 0/0), as in Paddle. */
void oar_ref_pool2d_f32(const oar_pool2d_params *p, const float *src, float *dst);

/* Window of output index o along one dim, by the rules above (shared with
 * the vector pooling kernels, which must match the reference bit for
 * bit). */
typedef struct oar_pool_window {
  int64_t start, end; /* clipped to [0, in) */
  int64_t span;       /* unclipped size, for the non-exclusive divisor */
} oar_pool_window;
oar_pool_window oar_pool_window_at(int64_t o, int64_t in, int64_t out, int64_t k, int64_t stride, int64_t pad,
                                   bool adaptive);

#endif
