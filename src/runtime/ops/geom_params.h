/* Kernel parameters from an op's resolved geometry: one place for the
 * field-by-field copies the NCHW and blocked run functions share. */
#ifndef OAR_RUNTIME_OPS_GEOM_PARAMS_H
#define OAR_RUNTIME_OPS_GEOM_PARAMS_H

#include "ir/ops/conv.h"
#include "ir/ops/pool.h"
#include "kernels/ref/conv.h"
#include "kernels/ref/pool.h"

static inline oar_conv2d_params oar_conv_params_of(const oar_conv2d_geom *g) {
  return (oar_conv2d_params){
      .batch = g->batch,
      .in_c = g->in_c,
      .in_h = g->in_h,
      .in_w = g->in_w,
      .out_c = g->out_c,
      .out_h = g->out_h,
      .out_w = g->out_w,
      .kernel_h = g->kernel_h,
      .kernel_w = g->kernel_w,
      .stride_h = g->stride_h,
      .stride_w = g->stride_w,
      .pad_top = g->pad_top,
      .pad_left = g->pad_left,
      .dilation_h = g->dilation_h,
      .dilation_w = g->dilation_w,
      .groups = g->groups,
      .nhwc = g->nhwc,
  };
}

static inline oar_pool2d_params oar_pool_params_of(const oar_pool2d_geom *g) {
  return (oar_pool2d_params){
      .batch = g->batch,
      .channels = g->channels,
      .in_h = g->in_h,
      .in_w = g->in_w,
      .out_h = g->out_h,
      .out_w = g->out_w,
      .kernel_h = g->kernel_h,
      .kernel_w = g->kernel_w,
      .stride_h = g->stride_h,
      .stride_w = g->stride_w,
      .pad_top = g->pad_top,
      .pad_left = g->pad_left,
      .is_max = g->is_max,
      .exclusive = g->exclusive,
      .adaptive = g->adaptive,
      .nhwc = g->nhwc,
  };
}

#endif
