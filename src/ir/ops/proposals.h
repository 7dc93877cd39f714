/* issue 12, proposals: Paddle's generate_proposals_v2 (two-stage
 * detectors' RPN), float32. Its output count depends on the data
 * (OAR_OP_DYNAMIC_SHAPE, runtime/plan_dynamic.c).
 *
 * Scores [N, A, H, W], BboxDeltas [N, 4A, H, W], ImShape [N, 2] (h, w),
 * Anchors and Variances [H, W, A, 4] (any shape of H*W*A*4 elements);
 * RpnRois [R, 4], RpnRoiProbs [R, 1], RpnRoisNum [N] int32. An image
 * whose boxes are all filtered out gives one zero box with score 0, as
 * Paddle does. */
#ifndef OAR_IR_OPS_PROPOSALS_H
#define OAR_IR_OPS_PROPOSALS_H

enum {
  OAR_GENPROP_IN_SCORES,
  OAR_GENPROP_IN_DELTAS,
  OAR_GENPROP_IN_IM_SHAPE,
  OAR_GENPROP_IN_ANCHORS,
  OAR_GENPROP_IN_VARIANCES
};
enum { OAR_GENPROP_OUT_ROIS, OAR_GENPROP_OUT_PROBS, OAR_GENPROP_OUT_NUM };
enum {
  OAR_GENPROP_ATTR_PRE_NMS_TOP_N,
  OAR_GENPROP_ATTR_POST_NMS_TOP_N,
  OAR_GENPROP_ATTR_NMS_THRESH,
  OAR_GENPROP_ATTR_MIN_SIZE,
  OAR_GENPROP_ATTR_ETA,
  OAR_GENPROP_ATTR_PIXEL_OFFSET
};

#endif
