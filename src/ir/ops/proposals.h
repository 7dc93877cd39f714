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

/* distribute_fpn_proposals: FpnRois [R, 4] float32, optional RoisNum [B]
 * int32 / int64 (absent: one image); per level min_level..max_level
 * MultiFpnRois [Rl, 4] and optional MultiLevelRoIsNum [B] int32 (the
 * first ones bound; PIR binds an unsplit vector as one);
 * RestoreIndex [R, 1] int32 (the level-major position of each roi). */
enum { OAR_FPN_IN_ROIS, OAR_FPN_IN_ROISNUM };
enum { OAR_FPN_OUT_ROIS, OAR_FPN_OUT_RESTORE, OAR_FPN_OUT_ROISNUM };
enum {
  OAR_FPN_ATTR_MIN_LEVEL,
  OAR_FPN_ATTR_MAX_LEVEL,
  OAR_FPN_ATTR_REFER_LEVEL,
  OAR_FPN_ATTR_REFER_SCALE,
  OAR_FPN_ATTR_PIXEL_OFFSET
};

#endif
