/* conv2d / depthwise_conv2d: slot and attribute indices of their (shared)
 * schema layout, and the geometry both inference and execution resolve. */
#ifndef OAR_IR_OPS_CONV_H
#define OAR_IR_OPS_CONV_H

#include "ir/graph.h"

enum { OAR_CONV_IN_INPUT, OAR_CONV_IN_FILTER, OAR_CONV_IN_BIAS, OAR_CONV_IN_RESIDUAL };
enum { OAR_CONV_OUT_OUTPUT };
/* conv2d_int8 (a quantized convolution, passes/quantize_conv.c): conv2d's
 * slots and attributes, then the quantization parameters. Output float32:
 *   act((Input - InputZeroPoint) * (Filter) * InputScale * FilterScale[m]
 *       + Bias + ResidualData). */
enum {
  OAR_CONV_INT8_IN_INPUT_SCALE = 4,
  OAR_CONV_INT8_IN_INPUT_ZERO_POINT,
  OAR_CONV_INT8_IN_FILTER_SCALE,
  /* Requantized output (the quantize_linear after it, fused): the output
   * is then saturate(rne(y / OutputScale) + OutputZeroPoint), of the zero
   * point's dtype (uint8 without one). */
  OAR_CONV_INT8_IN_OUTPUT_SCALE,
  OAR_CONV_INT8_IN_OUTPUT_ZERO_POINT
};
enum {
  OAR_CONV_ATTR_STRIDES,
  OAR_CONV_ATTR_PADDINGS,
  OAR_CONV_ATTR_PADDING_ALGORITHM,
  OAR_CONV_ATTR_DILATIONS,
  OAR_CONV_ATTR_GROUPS,
  OAR_CONV_ATTR_DATA_FORMAT,
  /* Fusion (see runtime/ops/fused_act.h): act(conv + Bias + ResidualData). */
  OAR_CONV_ATTR_FUSE_ACTIVATION,
  OAR_CONV_ATTR_FUSE_ALPHA,
  OAR_CONV_ATTR_FUSE_BETA,
  /* conv2d_blocked only: zero rows and columns written around the output
   * ([top, bottom, left, right] or [h, w]), the padding of the convolution
   * that reads it (passes/pad_into_producer.c), so that one needs no
   * padded copy of its input. */
  OAR_CONV_ATTR_PAD_OUTPUT,
  /* conv2d_blocked only: "direct", or "winograd" (passes/winograd_conv.c)
   * for a 3x3 stride-1 convolution the kernels can run that way. */
  OAR_CONV_ATTR_ALGORITHM
};

/* Everything a 2-D convolution kernel needs, paddings resolved (SAME
 * forces dilation 1, as Paddle's UpdatePaddingAndDilation does). Dims may
 * be -1 at inference when unknown. */
typedef struct oar_conv2d_geom {
  bool nhwc;
  int64_t batch, in_c, in_h, in_w;
  int64_t out_c, out_h, out_w;
  int64_t kernel_h, kernel_w;
  int64_t stride_h, stride_w;
  int64_t dilation_h, dilation_w;
  int64_t pad_top, pad_bottom, pad_left, pad_right;
  int64_t groups;
} oar_conv2d_geom;

/* Reads the node's attributes against the Input and Filter shapes, checks
 * them (ranks, channels vs groups) and fills g. */
oar_status oar_conv2d_geometry(const oar_node *n, const oar_shape *input, const oar_shape *filter,
                               oar_conv2d_geom *g, oar_error *err);

/* conv2d_blocked's pad_output: [top, bottom, left, right]. */
oar_status oar_conv2d_pad_output(const oar_node *n, int64_t pads[4], oar_error *err);

/* The output shape of a geometry: [N, M, H, W] or [N, H, W, M]. */
oar_shape oar_conv2d_out_shape(const oar_conv2d_geom *g);

#endif
