/* Reference N-d sliding-window kernels (float32, NC[D...] layout):
 * convolution, transposed convolution and pooling with per-dim stride,
 * dilation and begin padding. */
#ifndef OAR_KERNELS_REF_WINDOW_ND_H
#define OAR_KERNELS_REF_WINDOW_ND_H

#include <stdbool.h>
#include <stdint.h>

#include "tensor/tensor.h"

#define OAR_REF_WIN_MAX (OAR_MAX_RANK - 2)

typedef struct oar_window_params {
  int nsp;
  int64_t batch, in_c, out_c, group;
  int64_t in[OAR_REF_WIN_MAX], out[OAR_REF_WIN_MAX];
  int64_t kernel[OAR_REF_WIN_MAX], stride[OAR_REF_WIN_MAX], dilation[OAR_REF_WIN_MAX];
  int64_t pad_begin[OAR_REF_WIN_MAX], pad_end[OAR_REF_WIN_MAX];
} oar_window_params;

/* y[N, M, out...] = sum over the group's channels and the kernel of
 * x[N, C, in...] * w[M, C/group, k...] (+ b[M] when b is not NULL). */
void oar_ref_conv_nd_f32(const oar_window_params *p, const float *x, const float *w, const float *b,
                         float *y);

/* Transposed: w is [C, M/group, k...]; every x element scatters into y at
 * i*stride - pad_begin + k*dilation. */
void oar_ref_conv_transpose_nd_f32(const oar_window_params *p, const float *x, const float *w, const float *b,
                                   float *y);

/* Pooling: mode 0 max, 1 average (divided by the taps inside the input,
 * or with count_include_pad by all taps of the window, as ONNX's reference
 * pads the input far enough for every window), 2 Lp with
 * exponent lp_p. Windows with no tap inside the input give 0 for average
 * and -inf for max. */
void oar_ref_pool_nd_f32(const oar_window_params *p, int mode, bool count_include_pad, int64_t lp_p,
                         const float *x, float *y);

#endif
