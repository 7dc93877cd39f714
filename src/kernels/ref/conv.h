/* Reference 2-D convolution (Paddle conv2d / depthwise_conv2d semantics).
 *
 * Preconditions (checked by the caller): every size is >= 0, groups >= 1
 * divides in_c and out_c, strides and dilations are >= 1, and buffers hold
 * exactly the elements their dims describe. Paddings are already resolved
 * (SAME/VALID turned into explicit before-paddings). */
#ifndef OAR_KERNELS_REF_CONV_H
#define OAR_KERNELS_REF_CONV_H

#include <stdbool.h>
#include <stdint.h>

typedef struct oar_conv2d_params {
  int64_t batch;
  int64_t in_c, in_h, in_w;
  int64_t out_c, out_h, out_w;
  int64_t kernel_h, kernel_w;
  int64_t stride_h, stride_w;
  int64_t pad_top, pad_left; /* the bottom/right paddings only shape the output size */
  int64_t dilation_h, dilation_w;
  int64_t groups;
  bool nhwc; /* src, residual and dst are NHWC; the filter is always [out_c, in_c/groups, kh, kw] */
} oar_conv2d_params;

/* dst = conv(src, filter) + bias[oc] + residual, accumulated in float.
 * bias ([out_c]) and residual (dst's shape) may be NULL. */
void oar_ref_conv2d_f32(const oar_conv2d_params *p, const float *src, const float *filter, const float *bias,
                        const float *residual, float *dst);

/* The quantized convolution (conv2d_int8), NCHW: the products summed
 * exactly in integers, then
 *   dst = (float)sum((src - src_zero) * filter) * (src_scale * filter_scale[oc])
 *         + bias[oc] + residual.
 * src is uint8 (src_signed false) or int8; filter_scale has out_c values
 * when per_channel, else one. bias and residual may be NULL. */
void oar_ref_conv2d_q8(const oar_conv2d_params *p, const void *src, bool src_signed, int32_t src_zero,
                       float src_scale, const int8_t *filter, const float *filter_scale, bool per_channel,
                       const float *bias, const float *residual, float *dst);

#endif
