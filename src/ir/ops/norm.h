/* batch_norm (inference form): slot and attribute indices. */
#ifndef OAR_IR_OPS_NORM_H
#define OAR_IR_OPS_NORM_H

#include "ir/graph.h"

enum { OAR_BN_IN_X, OAR_BN_IN_SCALE, OAR_BN_IN_BIAS, OAR_BN_IN_MEAN, OAR_BN_IN_VARIANCE };
enum {
  OAR_BN_OUT_Y,
  OAR_BN_OUT_MEAN_OUT,
  OAR_BN_OUT_VARIANCE_OUT,
  OAR_BN_OUT_SAVED_MEAN,
  OAR_BN_OUT_SAVED_VARIANCE,
  OAR_BN_OUT_RESERVE_SPACE
};
enum { OAR_BN_ATTR_EPSILON, OAR_BN_ATTR_DATA_LAYOUT };

/* The channel axis of X for the node's data_layout (1, or the last for
 * NHWC; rank-2 inputs have it at 1 either way). */
oar_status oar_batch_norm_channel_axis(const oar_node *n, const oar_shape *x, int *axis, oar_error *err);

#endif
