/* pool2d: slot and attribute indices, and the geometry shared by inference
 * and execution. */
#ifndef OAR_IR_OPS_POOL_H
#define OAR_IR_OPS_POOL_H

#include "ir/graph.h"

enum { OAR_POOL_IN_X };
enum { OAR_POOL_OUT_OUT };
enum {
  OAR_POOL_ATTR_POOLING_TYPE,
  OAR_POOL_ATTR_KSIZE,
  OAR_POOL_ATTR_GLOBAL_POOLING,
  OAR_POOL_ATTR_STRIDES,
  OAR_POOL_ATTR_PADDINGS,
  OAR_POOL_ATTR_EXCLUSIVE,
  OAR_POOL_ATTR_ADAPTIVE,
  OAR_POOL_ATTR_CEIL_MODE,
  OAR_POOL_ATTR_DATA_FORMAT,
  OAR_POOL_ATTR_PADDING_ALGORITHM
};

/* A pool2d node resolved against its input shape, in the terms of the
 * kernel: windows start at o*stride - pad_before (or adaptively). */
typedef struct oar_pool2d_geom {
  bool nhwc, is_max, exclusive, adaptive;
  int64_t batch, channels, in_h, in_w, out_h, out_w;
  int64_t kernel_h, kernel_w, stride_h, stride_w;
  int64_t pad_top, pad_bottom, pad_left, pad_right;
} oar_pool2d_geom;

/* Applies Paddle's rules in Paddle's order: 2 paddings -> 4; SAME/VALID;
 * global_pooling or adaptive zero the paddings; global_pooling makes the
 * kernel the input size; adaptive makes ksize the output size; otherwise
 * the output size is the window formula with ceil_mode.
 *
 * Paddle's CPU kernel runs adaptive *max* pooling with non-adaptive
 * windows (kernel = output size, the attribute strides, no padding) while
 * keeping ksize as the output size; the geometry reproduces that, so
 * `adaptive` is true here only for average pooling. */
oar_status oar_pool2d_geometry(const oar_node *n, const oar_shape *x, oar_pool2d_geom *g, oar_error *err);

#endif
