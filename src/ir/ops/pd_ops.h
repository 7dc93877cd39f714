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

/* max_pool2d_with_index / max_pool3d_with_index: Out and Mask (int32, the
 * argmax's flat index in its input plane / volume). */
enum { OAR_POOLIDX_OUT_OUT, OAR_POOLIDX_OUT_MASK };
enum {
  OAR_POOLIDX_ATTR_KSIZE,
  OAR_POOLIDX_ATTR_STRIDES,
  OAR_POOLIDX_ATTR_PADDINGS,
  OAR_POOLIDX_ATTR_GLOBAL_POOLING,
  OAR_POOLIDX_ATTR_ADAPTIVE,
  OAR_POOLIDX_ATTR_CEIL_MODE
};

/* A pooling window geometry over `nsp` spatial dims (2 or 3). */
typedef struct oar_pd_pool_geom {
  int nsp;
  bool adaptive;
  int64_t in[3], out[3], kernel[3], stride[3], pad[3];
} oar_pd_pool_geom;

/* Resolves a max_pool*_with_index node against X's shape (rank nsp + 2;
 * unknown dims give -1 outputs). */
oar_status oar_pd_pool_index_geometry(const oar_node *n, const oar_shape *x, oar_pd_pool_geom *g,
                                      oar_error *err);

/* unfold: im2col of NCHW X into Y [N, C kh kw, out_h out_w]. */
enum {
  OAR_UNFOLD_ATTR_KERNEL_SIZES,
  OAR_UNFOLD_ATTR_STRIDES,
  OAR_UNFOLD_ATTR_PADDINGS,
  OAR_UNFOLD_ATTR_DILATIONS
};
typedef struct oar_pd_unfold_geom {
  int64_t kernel[2], stride[2], dilation[2], pad_begin[2], pad_end[2], out[2];
} oar_pd_unfold_geom;
oar_status oar_pd_unfold_geometry(const oar_node *n, const oar_shape *x, oar_pd_unfold_geom *g,
                                  oar_error *err);

/* temporal_shift: X [N T, C, H, W] (or NHWC). */
enum { OAR_TSHIFT_ATTR_SEG_NUM, OAR_TSHIFT_ATTR_SHIFT_RATIO, OAR_TSHIFT_ATTR_DATA_FORMAT };

/* grid_sampler: X [N, C, H, W] sampled at Grid [N, Ho, Wo, 2] (x, y in
 * [-1, 1]) into Output [N, C, Ho, Wo]. */
enum { OAR_GRID_IN_X, OAR_GRID_IN_GRID };
enum { OAR_GRID_ATTR_MODE, OAR_GRID_ATTR_PADDING_MODE, OAR_GRID_ATTR_ALIGN_CORNERS };

/* roi_align: X [N, C, H, W], ROIs [R, 4] (x1, y1, x2, y2), RoisNum [N]
 * (int32 / int64: how many ROIs each image has) -> Out [R, C, ph, pw]. */
enum { OAR_ROI_IN_X, OAR_ROI_IN_ROIS, OAR_ROI_IN_ROIS_NUM };
enum {
  OAR_ROI_ATTR_POOLED_HEIGHT,
  OAR_ROI_ATTR_POOLED_WIDTH,
  OAR_ROI_ATTR_SPATIAL_SCALE,
  OAR_ROI_ATTR_SAMPLING_RATIO,
  OAR_ROI_ATTR_ALIGNED
};

/* yolo_box: X [N, anchors (5 + classes) (+ anchors with iou_aware), H, W],
 * ImgSize [N, 2] (int32 h, w) -> Boxes [N, anchors H W, 4], Scores [N,
 * anchors H W, classes]. */
enum { OAR_YOLO_IN_X, OAR_YOLO_IN_IMG_SIZE };
enum { OAR_YOLO_OUT_BOXES, OAR_YOLO_OUT_SCORES };
enum {
  OAR_YOLO_ATTR_ANCHORS,
  OAR_YOLO_ATTR_CLASS_NUM,
  OAR_YOLO_ATTR_CONF_THRESH,
  OAR_YOLO_ATTR_DOWNSAMPLE_RATIO,
  OAR_YOLO_ATTR_CLIP_BBOX,
  OAR_YOLO_ATTR_SCALE_X_Y,
  OAR_YOLO_ATTR_IOU_AWARE,
  OAR_YOLO_ATTR_IOU_AWARE_FACTOR
};

/* box_coder: PriorBox [M, 4], PriorBoxVar [M, 4] (optional), TargetBox
 * ([N, 4] to encode, [N, M, 4] to decode) -> OutputBox [N, M, 4]. */
enum { OAR_BOXC_IN_PRIOR, OAR_BOXC_IN_PRIOR_VAR, OAR_BOXC_IN_TARGET };
enum { OAR_BOXC_ATTR_CODE_TYPE, OAR_BOXC_ATTR_BOX_NORMALIZED, OAR_BOXC_ATTR_AXIS, OAR_BOXC_ATTR_VARIANCE };

/* prior_box: Input [N, C, H, W] (feature map), Image [N, C, IH, IW] ->
 * Boxes and Variances [H, W, priors, 4]. */
enum { OAR_PRIOR_IN_INPUT, OAR_PRIOR_IN_IMAGE };
enum { OAR_PRIOR_OUT_BOXES, OAR_PRIOR_OUT_VARIANCES };
enum {
  OAR_PRIOR_ATTR_MIN_SIZES,
  OAR_PRIOR_ATTR_MAX_SIZES,
  OAR_PRIOR_ATTR_ASPECT_RATIOS,
  OAR_PRIOR_ATTR_VARIANCES,
  OAR_PRIOR_ATTR_FLIP,
  OAR_PRIOR_ATTR_CLIP,
  OAR_PRIOR_ATTR_STEP_W,
  OAR_PRIOR_ATTR_STEP_H,
  OAR_PRIOR_ATTR_OFFSET,
  OAR_PRIOR_ATTR_MIN_MAX_ORDER
};
/* Paddle's ExpandAspectRatios: 1, then each ratio not yet listed (and its
 * inverse with flip); at most OAR_PRIOR_MAX_RATIOS. Returns the count, -1
 * when there are more. */
#define OAR_PRIOR_MAX_RATIOS 64
int oar_pd_prior_ratios(const oar_node *n, float *ratios);

/* rnn: Paddle's multi-layer LSTM / GRU / simple RNN over time-major Input
 * [T, N, I]. WeightList: per layer and direction w_ih [G H, I_l] and w_hh
 * [G H, H], then the biases b_ih, b_hh [G H] in the same order; PreState
 * and State: h (and c for LSTM), each [layers dirs, N, H]. */
enum { OAR_PDRNN_IN_INPUT, OAR_PDRNN_IN_PRE_STATE, OAR_PDRNN_IN_WEIGHT_LIST, OAR_PDRNN_IN_SEQUENCE_LENGTH };
enum { OAR_PDRNN_OUT_OUT, OAR_PDRNN_OUT_DROPOUT_STATE, OAR_PDRNN_OUT_STATE, OAR_PDRNN_OUT_RESERVE };
enum {
  OAR_PDRNN_ATTR_DROPOUT_PROB,
  OAR_PDRNN_ATTR_IS_BIDIREC,
  OAR_PDRNN_ATTR_INPUT_SIZE,
  OAR_PDRNN_ATTR_HIDDEN_SIZE,
  OAR_PDRNN_ATTR_NUM_LAYERS,
  OAR_PDRNN_ATTR_MODE,
  OAR_PDRNN_ATTR_SEED,
  OAR_PDRNN_ATTR_IS_TEST
};
/* mode -> cell as OAR_RNN_ATTR_CELL (0 RNN, 1 GRU, 2 LSTM) and the
 * activation of the simple RNN (OAR_RNN_ACT_TANH / RELU); -1 when unknown. */
int oar_pd_rnn_cell(const oar_node *n, int *rnn_act);

/* deformable_conv (v2: Mask) / deformable_conv_v1: Input [N, C, H, W],
 * Offset [N, dg 2 kh kw, Ho, Wo] ((h, w) per kernel tap), Filter [M, C /
 * groups, kh, kw], Mask [N, dg kh kw, Ho, Wo] -> Output [N, M, Ho, Wo]. */
enum { OAR_DCONV_IN_INPUT, OAR_DCONV_IN_OFFSET, OAR_DCONV_IN_FILTER, OAR_DCONV_IN_MASK };
enum {
  OAR_DCONV_ATTR_STRIDES,
  OAR_DCONV_ATTR_PADDINGS,
  OAR_DCONV_ATTR_DILATIONS,
  OAR_DCONV_ATTR_DEFORMABLE_GROUPS,
  OAR_DCONV_ATTR_GROUPS,
  OAR_DCONV_ATTR_IM2COL_STEP
};
typedef struct oar_pd_dconv_geom {
  int64_t n, c, h, w, m, kh, kw, oh, ow, groups, dgroups;
  int64_t stride[2], pad[2], dilation[2];
} oar_pd_dconv_geom;
/* Resolves a deformable_conv node against Input and Filter shapes, and
 * checks Offset's and Mask's (when given). */
oar_status oar_pd_dconv_geometry(const oar_node *n, const oar_tensor_view *const *in, oar_pd_dconv_geom *g,
                                 oar_error *err);

/* pool3d: Paddle's pool3d (max / avg; NCDHW / NDHWC; global_pooling,
 * adaptive, ceil_mode, exclusive, SAME / VALID), resolved by
 * oar_pd_pool3d_geometry in the terms of Paddle's CPU kernel. */
enum {
  OAR_POOL3D_ATTR_POOLING_TYPE,
  OAR_POOL3D_ATTR_KSIZE,
  OAR_POOL3D_ATTR_STRIDES,
  OAR_POOL3D_ATTR_PADDINGS,
  OAR_POOL3D_ATTR_GLOBAL_POOLING,
  OAR_POOL3D_ATTR_EXCLUSIVE,
  OAR_POOL3D_ATTR_ADAPTIVE,
  OAR_POOL3D_ATTR_CEIL_MODE,
  OAR_POOL3D_ATTR_DATA_FORMAT,
  OAR_POOL3D_ATTR_PADDING_ALGORITHM
};
typedef struct oar_pd_pool3d_geom {
  bool nhwc, is_max, exclusive, adaptive;
  int64_t batch, channels;
  int64_t in[3], out[3], kernel[3], stride[3], pad[3]; /* pad: the begin pads */
} oar_pd_pool3d_geom;
/* Paddle's UpdatePadding and PoolOutputSize: 3 paddings stand for both
 * ends; SAME / VALID replace them; global_pooling or adaptive zero them;
 * global_pooling makes ksize the input's size; adaptive outputs ksize,
 * else (in + pads - k (+ stride - 1 with ceil_mode)) / stride + 1. The
 * kernel then reads only the begin pads; adaptive *max* pooling runs with
 * ordinary windows of ksize and the strides (Paddle passes adaptive =
 * false to its max functor), so `adaptive` is true for avg only. */
oar_status oar_pd_pool3d_geometry(const oar_node *n, const oar_shape *x, oar_pd_pool3d_geom *g,
                                  oar_error *err);

/* gaussian_random: Out of `shape` (or ShapeTensor, known at plan time) and
 * Paddle dtype `dtype` (float32 / float64), normal(mean, std) values;
 * seed != 0: Paddle's CPU values exactly (kernels/ref/random.h), seed 0:
 * values of oar's own draw (Paddle's are nondeterministic there too). */
enum { OAR_GAUSS_IN_SHAPE_TENSOR };
enum {
  OAR_GAUSS_ATTR_SHAPE,
  OAR_GAUSS_ATTR_MEAN,
  OAR_GAUSS_ATTR_STD,
  OAR_GAUSS_ATTR_SEED,
  OAR_GAUSS_ATTR_DTYPE
};

#endif
