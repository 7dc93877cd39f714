/* Ops whose output shapes depend on their input values (schema flag
 * OAR_OP_DYNAMIC_SHAPE, runtime/plan_dynamic.c): slot and attribute
 * indices. Names and slots are Paddle's legacy ones. */
#ifndef OAR_IR_OPS_DYNAMIC_H
#define OAR_IR_OPS_DYNAMIC_H

/* where_index (paddle.nonzero): Out int64 [N, rank] of the nonzero
 * elements' indices in row-major order; `transposed` gives ONNX NonZero's
 * [rank, N]. */
enum { OAR_WHERE_INDEX_IN_CONDITION };
enum { OAR_WHERE_INDEX_OUT };
enum { OAR_WHERE_INDEX_ATTR_TRANSPOSED };

/* masked_select: X and Mask broadcast numpy-style; Y is 1-D. */
enum { OAR_MASKED_SELECT_IN_X, OAR_MASKED_SELECT_IN_MASK };
enum { OAR_MASKED_SELECT_OUT_Y };

/* unique: Out, the first index of each (Indices), the inverse (Index) and
 * the counts; every bound output is written whatever the return_* flags.
 * axis empty: flattened; is_sorted false: order of first occurrence.
 * dtype: Paddle's VarType of the index outputs (2 int32, 3 int64). */
enum { OAR_UNIQUE_IN_X };
enum { OAR_UNIQUE_OUT, OAR_UNIQUE_OUT_INDICES, OAR_UNIQUE_OUT_INDEX, OAR_UNIQUE_OUT_COUNTS };
enum {
  OAR_UNIQUE_ATTR_DTYPE,
  OAR_UNIQUE_ATTR_RETURN_INDEX,
  OAR_UNIQUE_ATTR_RETURN_INVERSE,
  OAR_UNIQUE_ATTR_RETURN_COUNTS,
  OAR_UNIQUE_ATTR_AXIS,
  OAR_UNIQUE_ATTR_IS_SORTED
};

/* multiclass_nms3: BBoxes [N, M, 4], Scores [N, C, M] (the RoisNum form is
 * not supported); Out [No, 6] (label, score, x1, y1, x2, y2), Index
 * [No, 1] int32 (n * M + box), NmsRoisNum [N] int32. */
enum { OAR_NMS3_IN_BBOXES, OAR_NMS3_IN_SCORES, OAR_NMS3_IN_ROISNUM };
enum { OAR_NMS3_OUT, OAR_NMS3_OUT_INDEX, OAR_NMS3_OUT_ROISNUM };
enum {
  OAR_NMS3_ATTR_BACKGROUND_LABEL,
  OAR_NMS3_ATTR_SCORE_THRESHOLD,
  OAR_NMS3_ATTR_NMS_TOP_K,
  OAR_NMS3_ATTR_NMS_THRESHOLD,
  OAR_NMS3_ATTR_NMS_ETA,
  OAR_NMS3_ATTR_KEEP_TOP_K,
  OAR_NMS3_ATTR_NORMALIZED
};

/* matrix_nms (Paddle, SOLOv2 / PP-YOLO): BBoxes [N, M, 4], Scores
 * [N, C, M]; Out [No, 6], Index [No, 1] int32, RoisNum [N] int32. */
enum { OAR_MATRIX_NMS_IN_BBOXES, OAR_MATRIX_NMS_IN_SCORES };
enum { OAR_MATRIX_NMS_OUT, OAR_MATRIX_NMS_OUT_INDEX, OAR_MATRIX_NMS_OUT_ROISNUM };
enum {
  OAR_MATRIX_NMS_ATTR_BACKGROUND_LABEL,
  OAR_MATRIX_NMS_ATTR_SCORE_THRESHOLD,
  OAR_MATRIX_NMS_ATTR_POST_THRESHOLD,
  OAR_MATRIX_NMS_ATTR_NMS_TOP_K,
  OAR_MATRIX_NMS_ATTR_KEEP_TOP_K,
  OAR_MATRIX_NMS_ATTR_NORMALIZED,
  OAR_MATRIX_NMS_ATTR_USE_GAUSSIAN,
  OAR_MATRIX_NMS_ATTR_GAUSSIAN_SIGMA
};

/* non_max_suppression (ONNX NonMaxSuppression): Boxes [B, N, 4], Scores
 * [B, C, N], optional scalars MaxOutputBoxesPerClass (int64, absent: 0),
 * IouThreshold (float, absent: 0), ScoreThreshold (float, absent: none);
 * SelectedIndices int64 [K, 3] (batch, class, box). center_point_box 0:
 * corners [y1, x1, y2, x2] in either order; 1: [x_center, y_center, w, h]. */
enum {
  OAR_NMS_IN_BOXES,
  OAR_NMS_IN_SCORES,
  OAR_NMS_IN_MAX_OUTPUT,
  OAR_NMS_IN_IOU,
  OAR_NMS_IN_SCORE_THRESHOLD
};
enum { OAR_NMS_OUT_SELECTED };
enum { OAR_NMS_ATTR_CENTER_POINT_BOX };

#endif
