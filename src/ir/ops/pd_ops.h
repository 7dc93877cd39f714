/* Paddle ops with no format-free twin (issue 11, batch B): named, slotted
 * and attributed as Paddle's legacy op definitions, so that the Paddle
 * frontend maps them 1:1 (and PIR through its legacy twin). Slot and
 * attribute indices, shared by inference and execution. */
#ifndef OAR_IR_OPS_PD_OPS_H
#define OAR_IR_OPS_PD_OPS_H

#include "ir/graph.h"

/* prelu: Out = X > 0 ? X : Alpha * X, Alpha read per mode. */
enum { OAR_PRELU_IN_X, OAR_PRELU_IN_ALPHA };
enum { OAR_PRELU_ATTR_MODE, OAR_PRELU_ATTR_DATA_FORMAT };

/* group_norm: Y, and per (batch, group) Mean and Variance. */
enum { OAR_GNORM_IN_X, OAR_GNORM_IN_SCALE, OAR_GNORM_IN_BIAS };
enum { OAR_GNORM_OUT_Y, OAR_GNORM_OUT_MEAN, OAR_GNORM_OUT_VARIANCE };
enum { OAR_GNORM_ATTR_EPSILON, OAR_GNORM_ATTR_GROUPS, OAR_GNORM_ATTR_DATA_LAYOUT };

/* norm: Out = X / Norm, Norm = sqrt(sum over axis of X^2 + epsilon). */
enum { OAR_L2NORM_OUT_OUT, OAR_L2NORM_OUT_NORM };
enum { OAR_L2NORM_ATTR_AXIS, OAR_L2NORM_ATTR_EPSILON };

#endif
