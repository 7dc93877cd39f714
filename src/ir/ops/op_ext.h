/* The format-free ops added for ONNX (see the "added for ONNX" section of
 * op_list.h): slot and attribute indices, the values of their enum-like
 * INT attributes, and the geometry shared by inference and execution.
 *
 * These ops follow numpy / ONNX conventions: broadcasting is numpy's,
 * negative axes count from the end, N-d windows take ONNX's auto_pad. */
#ifndef OAR_IR_OPS_OP_EXT_H
#define OAR_IR_OPS_OP_EXT_H

#include <stdbool.h>

#include "ir/graph.h"

/* ---- windows: conv_nd, conv_transpose_nd, pool_nd ------------------------ */

enum { OAR_WIN_IN_X, OAR_WIN_IN_W, OAR_WIN_IN_B };
enum { OAR_WIN_OUT_Y };
/* Shared first attributes of the three ops. auto_pad: 0 NOTSET (pads),
 * 1 SAME_UPPER, 2 SAME_LOWER, 3 VALID. */
enum {
  OAR_WIN_ATTR_KERNEL_SHAPE,
  OAR_WIN_ATTR_STRIDES,
  OAR_WIN_ATTR_DILATIONS,
  OAR_WIN_ATTR_PADS,
  OAR_WIN_ATTR_AUTO_PAD,
  OAR_WIN_ATTR_GROUP,          /* conv: group; pool: mode */
  OAR_WIN_ATTR_OUTPUT_PADDING, /* conv_transpose: output_padding; pool: ceil_mode */
  OAR_WIN_ATTR_OUTPUT_SHAPE,   /* conv_transpose: output_shape; pool: count_include_pad */
  OAR_WIN_ATTR_P               /* pool: p (LpPool) */
};
enum { OAR_POOL_ND_MAX = 0, OAR_POOL_ND_AVG = 1, OAR_POOL_ND_LP = 2 };

#define OAR_WIN_MAX_SPATIAL (OAR_MAX_RANK - 2)

typedef struct oar_window_geom {
  int nsp; /* spatial dims */
  int64_t batch, in_c, out_c, group;
  int64_t in[OAR_WIN_MAX_SPATIAL], out[OAR_WIN_MAX_SPATIAL];
  int64_t kernel[OAR_WIN_MAX_SPATIAL], stride[OAR_WIN_MAX_SPATIAL], dilation[OAR_WIN_MAX_SPATIAL];
  int64_t pad_begin[OAR_WIN_MAX_SPATIAL], pad_end[OAR_WIN_MAX_SPATIAL];
  int mode;               /* pool */
  bool count_include_pad; /* pool */
  int64_t p;              /* pool LP */
} oar_window_geom;

/* Resolves a conv_nd / conv_transpose_nd / pool_nd node against its input
 * (and weight) shapes. Dims may be -1 at inference. */
oar_status oar_window_geometry(const oar_node *n, const oar_shape *x, const oar_shape *w, oar_window_geom *g,
                               oar_error *err);

/* ---- reductions and the softmax family ------------------------------------- */

enum { OAR_REDUCE_IN_X, OAR_REDUCE_IN_AXES };
enum { OAR_REDUCE_OUT_OUT };
enum {
  OAR_REDUCE_ATTR_FUNC,
  OAR_REDUCE_ATTR_AXES,
  OAR_REDUCE_ATTR_KEEPDIMS,
  OAR_REDUCE_ATTR_NOOP_WITH_EMPTY_AXES,
  OAR_REDUCE_ATTR_AXES_FROM, /* >= 0: reduce every axis from this one on */
  OAR_REDUCE_ATTR_P
};
enum {
  OAR_REDUCE_SUM,
  OAR_REDUCE_MEAN,
  OAR_REDUCE_MAX,
  OAR_REDUCE_MIN,
  OAR_REDUCE_PROD,
  OAR_REDUCE_L1,
  OAR_REDUCE_L2,
  OAR_REDUCE_LOG_SUM,
  OAR_REDUCE_LOG_SUM_EXP,
  OAR_REDUCE_SUM_SQUARE,
  OAR_REDUCE_LP
};

enum {
  OAR_ARG_REDUCE_ATTR_FUNC,
  OAR_ARG_REDUCE_ATTR_AXIS,
  OAR_ARG_REDUCE_ATTR_KEEPDIMS,
  OAR_ARG_REDUCE_ATTR_LAST
};
enum { OAR_ARG_MAX = 0, OAR_ARG_MIN = 1 };

enum { OAR_SOFTMAX_EXT_ATTR_FUNC, OAR_SOFTMAX_EXT_ATTR_AXIS, OAR_SOFTMAX_EXT_ATTR_FLAT };
enum { OAR_SOFTMAX_EXT_SOFTMAX = 0, OAR_SOFTMAX_EXT_LOG_SOFTMAX = 1, OAR_SOFTMAX_EXT_HARDMAX = 2 };

enum { OAR_CUMSUM_IN_X, OAR_CUMSUM_IN_AXIS };
enum { OAR_CUMSUM_ATTR_EXCLUSIVE, OAR_CUMSUM_ATTR_REVERSE };

enum { OAR_TOPK_IN_X, OAR_TOPK_IN_K };
enum { OAR_TOPK_OUT_VALUES, OAR_TOPK_OUT_INDICES };
enum { OAR_TOPK_ATTR_AXIS, OAR_TOPK_ATTR_LARGEST, OAR_TOPK_ATTR_SORTED };

/* A reduction resolved against X: which axes, and the output shape. */
typedef struct oar_reduce_plan {
  bool reduce[OAR_MAX_RANK];
  bool noop; /* empty axes with noop_with_empty_axes: the identity */
  oar_shape out;
} oar_reduce_plan;

oar_status oar_reduce_resolve(const oar_node *n, const oar_tensor_view *const *in, const oar_shape *x,
                              oar_reduce_plan *p, oar_error *err);

/* ---- resize ------------------------------------------------------------------------ */

enum { OAR_RESIZE_IN_X, OAR_RESIZE_IN_ROI, OAR_RESIZE_IN_SCALES, OAR_RESIZE_IN_SIZES };
enum {
  OAR_RESIZE_ATTR_MODE,         /* 0 nearest, 1 linear, 2 cubic */
  OAR_RESIZE_ATTR_COORD,        /* oar_resize_coord */
  OAR_RESIZE_ATTR_NEAREST_MODE, /* 0 round_prefer_floor, 1 round_prefer_ceil, 2 floor, 3 ceil */
  OAR_RESIZE_ATTR_CUBIC_A,
  OAR_RESIZE_ATTR_EXCLUDE_OUTSIDE,
  OAR_RESIZE_ATTR_EXTRAPOLATION,
  OAR_RESIZE_ATTR_KEEP_ASPECT, /* 0 stretch, 1 not_larger, 2 not_smaller */
  OAR_RESIZE_ATTR_AXES
};
enum {
  OAR_RESIZE_HALF_PIXEL,
  OAR_RESIZE_HALF_PIXEL_SYMMETRIC,
  OAR_RESIZE_PYTORCH_HALF_PIXEL,
  OAR_RESIZE_ALIGN_CORNERS,
  OAR_RESIZE_ASYMMETRIC,
  OAR_RESIZE_TF_HALF_PIXEL_FOR_NN,
  OAR_RESIZE_TF_CROP_AND_RESIZE
};

/* A resize resolved against X: output shape, and per dim the scale the
 * coordinate transform uses and the roi (tf_crop_and_resize). */
typedef struct oar_resize_plan {
  oar_shape out;
  double scale[OAR_MAX_RANK];
  double roi_start[OAR_MAX_RANK], roi_end[OAR_MAX_RANK];
} oar_resize_plan;
oar_status oar_resize_resolve(const oar_node *n, const oar_tensor_view *const *in, const oar_shape *x,
                              oar_resize_plan *p, oar_error *err);

/* ---- recurrent: rnn_seq (ONNX RNN / GRU / LSTM) ----------------------------------- */

enum {
  OAR_RNN_IN_X,
  OAR_RNN_IN_W,
  OAR_RNN_IN_R,
  OAR_RNN_IN_B,
  OAR_RNN_IN_SEQ_LENS,
  OAR_RNN_IN_INITIAL_H,
  OAR_RNN_IN_INITIAL_C,
  OAR_RNN_IN_P
};
enum { OAR_RNN_OUT_Y, OAR_RNN_OUT_Y_H, OAR_RNN_OUT_Y_C };
enum {
  OAR_RNN_ATTR_CELL, /* 0 RNN, 1 GRU, 2 LSTM */
  OAR_RNN_ATTR_HIDDEN_SIZE,
  OAR_RNN_ATTR_DIRECTION, /* 0 forward, 1 reverse, 2 bidirectional */
  OAR_RNN_ATTR_LAYOUT,
  OAR_RNN_ATTR_ACTIVATIONS, /* oar_rnn_act per activation, directions concatenated */
  OAR_RNN_ATTR_ALPHAS,
  OAR_RNN_ATTR_BETAS,
  OAR_RNN_ATTR_CLIP, /* <= 0: none */
  OAR_RNN_ATTR_LINEAR_BEFORE_RESET,
  OAR_RNN_ATTR_INPUT_FORGET
};
enum {
  OAR_RNN_ACT_RELU,
  OAR_RNN_ACT_TANH,
  OAR_RNN_ACT_SIGMOID,
  OAR_RNN_ACT_AFFINE,
  OAR_RNN_ACT_LEAKY_RELU,
  OAR_RNN_ACT_THRESHOLDED_RELU,
  OAR_RNN_ACT_SCALED_TANH,
  OAR_RNN_ACT_HARD_SIGMOID,
  OAR_RNN_ACT_ELU,
  OAR_RNN_ACT_SOFTSIGN,
  OAR_RNN_ACT_SOFTPLUS
};

/* ---- einsum ------------------------------------------------------------------------- */

enum { OAR_EINSUM_ATTR_EQUATION };
#define OAR_EINSUM_MAX_LABELS 64

/* An einsum equation resolved against its operands: every label (letters,
 * and one per dim covered by "...") gets a size; each operand lists its
 * label per dim; the output lists its labels. */
typedef struct oar_einsum_plan {
  int num_labels;
  int64_t size[OAR_EINSUM_MAX_LABELS];
  int num_inputs;
  int in_rank[8];
  int in_label[8][OAR_MAX_RANK];
  int out_rank;
  int out_label[OAR_MAX_RANK];
} oar_einsum_plan;
oar_status oar_einsum_resolve(const oar_node *n, const oar_tensor_view *const *in, int nin,
                              oar_einsum_plan *p, oar_error *err);

/* ---- broadcast_to ---------------------------------------------------------------- */

/* keep_minus_one: a -1 in Shape keeps X's dim (Paddle's expand_v2). */
enum { OAR_BROADCAST_TO_ATTR_KEEP_MINUS_ONE };

/* ---- one_hot, eye_like, quantization ------------------------------------------------ */

enum { OAR_ONE_HOT_IN_INDICES, OAR_ONE_HOT_IN_DEPTH, OAR_ONE_HOT_IN_VALUES };
enum { OAR_ONE_HOT_ATTR_AXIS };
enum { OAR_EYE_ATTR_DTYPE, OAR_EYE_ATTR_K };
enum { OAR_QUANT_IN_X, OAR_QUANT_IN_SCALE, OAR_QUANT_IN_ZERO_POINT };
enum { OAR_QUANT_ATTR_AXIS, OAR_QUANT_ATTR_BLOCK_SIZE, OAR_QUANT_ATTR_OUT_DTYPE };
/* OAR_OK unless s holds its values (float32 or float64) and one of them is
 * not a positive finite number: then OAR_ERR_INVALID_MODEL, "<what> is 0;
 * expected a positive finite number" ("<what>[i] is ..." for several). */
oar_status oar_quant_check_scales(const oar_tensor_view *s, const char *what, oar_error *err);
/* add_int8 (passes/fuse_quantized_add.c): 8-bit A and B, each with one
 * scale and zero point, added in float and requantized:
 *   Out = saturate(rne(act(dq(A) + dq(B)) / OutScale) + OutZeroPoint)
 * with act relu (fuse_relu) or none; A and B broadcast as numpy's. */
enum {
  OAR_QADD_IN_A,
  OAR_QADD_IN_A_SCALE,
  OAR_QADD_IN_A_ZERO_POINT,
  OAR_QADD_IN_B,
  OAR_QADD_IN_B_SCALE,
  OAR_QADD_IN_B_ZERO_POINT,
  OAR_QADD_IN_OUT_SCALE,
  OAR_QADD_IN_OUT_ZERO_POINT
};
enum { OAR_QADD_ATTR_FUSE_RELU };
/* paddle_fake_quant: inputs X, Scale, ZeroPoint (optional, must be 0)
 * (OAR_QUANT_IN_*). axis -1: one scale;
 * else Scale[c] for X's index c on axis. round_type 0: to nearest even,
 * 1: half away from zero after clipping X to [-s, s]. */
enum {
  OAR_FAKE_QUANT_ATTR_AXIS,
  OAR_FAKE_QUANT_ATTR_QMIN,
  OAR_FAKE_QUANT_ATTR_QMAX,
  OAR_FAKE_QUANT_ATTR_ROUND_TYPE,
  OAR_FAKE_QUANT_ATTR_DEQUANTIZE,   /* 0: quantize, 1: dequantize */
  OAR_FAKE_QUANT_ATTR_ONLY_OBSERVER /* Y = X */
};

/* ---- losses ------------------------------------------------------------------------ */

enum { OAR_NLL_IN_X, OAR_NLL_IN_TARGET, OAR_NLL_IN_WEIGHT };
/* reduction: 0 none, 1 sum, 2 mean */
enum { OAR_NLL_ATTR_REDUCTION, OAR_NLL_ATTR_IGNORE_INDEX, OAR_NLL_ATTR_HAS_IGNORE_INDEX };

/* ---- normalizations ------------------------------------------------------------ */

enum { OAR_NORM_IN_X, OAR_NORM_IN_SCALE, OAR_NORM_IN_BIAS };
enum { OAR_NORM_OUT_Y };
enum { OAR_INORM_ATTR_EPSILON };
enum { OAR_LNORM_ATTR_AXIS, OAR_LNORM_ATTR_EPSILON };
enum { OAR_LRN_ATTR_SIZE, OAR_LRN_ATTR_ALPHA, OAR_LRN_ATTR_BETA, OAR_LRN_ATTR_BIAS };

/* ---- element-wise math ------------------------------------------------------------ */

enum { OAR_UNARY_ATTR_FUNC, OAR_UNARY_ATTR_ALPHA, OAR_UNARY_ATTR_BETA };
typedef enum oar_unary_func {
  OAR_UNARY_ABS,
  OAR_UNARY_NEG,
  OAR_UNARY_FLOOR,
  OAR_UNARY_CEIL,
  OAR_UNARY_ROUND, /* half to even */
  OAR_UNARY_LOG,
  OAR_UNARY_EXP,
  OAR_UNARY_SQRT,
  OAR_UNARY_RECIPROCAL,
  OAR_UNARY_SIN,
  OAR_UNARY_COS,
  OAR_UNARY_TAN,
  OAR_UNARY_ASIN,
  OAR_UNARY_ACOS,
  OAR_UNARY_ATAN,
  OAR_UNARY_SINH,
  OAR_UNARY_COSH,
  OAR_UNARY_ASINH,
  OAR_UNARY_ACOSH,
  OAR_UNARY_ATANH,
  OAR_UNARY_SIGN,
  OAR_UNARY_ERF,
  OAR_UNARY_SOFTPLUS,
  OAR_UNARY_SOFTSIGN,
  OAR_UNARY_ELU,              /* alpha */
  OAR_UNARY_SELU,             /* alpha, beta = gamma */
  OAR_UNARY_CELU,             /* alpha */
  OAR_UNARY_THRESHOLDED_RELU, /* alpha */
  OAR_UNARY_SHRINK,           /* alpha = lambd, beta = bias */
  OAR_UNARY_MISH,
  OAR_UNARY_NOT,   /* bool */
  OAR_UNARY_ISNAN, /* -> bool */
  OAR_UNARY_ISINF, /* -> bool; alpha: detect_positive, beta: detect_negative */
  OAR_UNARY_RELU,
  OAR_UNARY_SIGMOID,
  OAR_UNARY_TANH,
  OAR_UNARY_HARD_SIGMOID, /* alpha, beta */
  OAR_UNARY_LEAKY_RELU,   /* alpha */
  OAR_UNARY_BITWISE_NOT,
  /* issue 11, batch A */
  OAR_UNARY_LOG1P,
  OAR_UNARY_TANH_SHRINK, /* x - tanh(x) */
  OAR_UNARY_COUNT
} oar_unary_func;

enum { OAR_BMATH_IN_X, OAR_BMATH_IN_Y };
enum { OAR_BMATH_ATTR_FUNC };
typedef enum oar_bmath_func {
  OAR_BMATH_ADD,
  OAR_BMATH_SUB,
  OAR_BMATH_MUL,
  OAR_BMATH_DIV,
  OAR_BMATH_POW,
  OAR_BMATH_MAX,
  OAR_BMATH_MIN,
  OAR_BMATH_MOD,   /* sign of the divisor (Python) */
  OAR_BMATH_FMOD,  /* sign of the dividend (C fmod) */
  OAR_BMATH_EQUAL, /* comparisons give bool */
  OAR_BMATH_LESS,
  OAR_BMATH_LESS_EQUAL,
  OAR_BMATH_GREATER,
  OAR_BMATH_GREATER_EQUAL,
  OAR_BMATH_AND, /* bool */
  OAR_BMATH_OR,
  OAR_BMATH_XOR,
  OAR_BMATH_PRELU, /* x < 0 ? x * y : x */
  OAR_BMATH_BITSHIFT_LEFT,
  OAR_BMATH_BITSHIFT_RIGHT,
  OAR_BMATH_BITWISE_AND,
  OAR_BMATH_BITWISE_OR,
  OAR_BMATH_BITWISE_XOR,
  /* issue 11, batch A */
  OAR_BMATH_ATAN2,    /* float only */
  OAR_BMATH_FLOORDIV, /* floor(x / y); integers: truncation minus one where the signs differ */
  OAR_BMATH_COUNT
} oar_bmath_func;

/* numpy broadcasting of two shapes (right-aligned); names the slots. */
oar_status oar_broadcast_numpy(const oar_shape *a, const oar_shape *b, oar_shape *out, oar_error *err);

enum { OAR_SELECT_IN_COND, OAR_SELECT_IN_X, OAR_SELECT_IN_Y };
enum { OAR_CLAMP_IN_X, OAR_CLAMP_IN_MIN, OAR_CLAMP_IN_MAX };

/* ---- layout ------------------------------------------------------------------------ */

enum { OAR_SPLIT_CHUNKS_ATTR_AXIS, OAR_SPLIT_CHUNKS_ATTR_SIZES };
enum { OAR_SHAPE_OF_ATTR_START, OAR_SHAPE_OF_ATTR_END, OAR_SHAPE_OF_ATTR_SIZE };
enum { OAR_SLICE_IN_X, OAR_SLICE_IN_STARTS, OAR_SLICE_IN_ENDS, OAR_SLICE_IN_AXES, OAR_SLICE_IN_STEPS };
enum { OAR_TAKE_IN_X, OAR_TAKE_IN_INDICES, OAR_TAKE_IN_UPDATES };
enum { OAR_TAKE_ATTR_AXIS, OAR_TAKE_ATTR_REDUCTION };
enum { OAR_PAD_IN_X, OAR_PAD_IN_PADS, OAR_PAD_IN_VALUE, OAR_PAD_IN_AXES };
enum { OAR_PAD_ATTR_MODE };
enum { OAR_PAD_CONSTANT = 0, OAR_PAD_REFLECT = 1, OAR_PAD_EDGE = 2, OAR_PAD_WRAP = 3 };
enum { OAR_FILL_ATTR_DTYPE, OAR_FILL_ATTR_VALUE };
enum { OAR_TRILU_ATTR_UPPER };
enum { OAR_DEPTH_ATTR_BLOCKSIZE, OAR_DEPTH_ATTR_MODE };
enum { OAR_DEPTH_TO_SPACE_DCR = 0, OAR_DEPTH_TO_SPACE_CRD = 1, OAR_SPACE_TO_DEPTH = 2 };

/* issue 11, batch A. linspace: Start, Stop, Num (known at plan time),
 * dtype a Paddle VarType number. set_slice: X with the strided slice
 * (axes, starts, ends, steps; Python rules) replaced by Value broadcast to
 * the slice's shape less its decrease_axes. */
enum { OAR_ROLL_IN_X, OAR_ROLL_IN_SHIFTS };
enum { OAR_ROLL_ATTR_SHIFTS, OAR_ROLL_ATTR_AXIS };
/* roll resolved against X: the shift of every dim (0 .. dim - 1); with no
 * axis the flattened tensor rolls (flat: its one shift). */
typedef struct oar_roll_plan {
  bool flat;
  int64_t shift[OAR_MAX_RANK];
} oar_roll_plan;
oar_status oar_roll_resolve(const oar_node *n, const oar_tensor_view *const *in, const oar_shape *x,
                            oar_roll_plan *p, oar_error *err);

enum { OAR_LINSPACE_IN_START, OAR_LINSPACE_IN_STOP, OAR_LINSPACE_IN_NUM };
enum { OAR_LINSPACE_ATTR_DTYPE };
/* set_slice's optional Starts / Ends / Steps (1-D, known at plan time)
 * replace the attributes of their name; none_axes: Paddle's, dims of 1
 * inserted into the shape Value broadcasts to (x[None, ...] = v). */
enum {
  OAR_SET_SLICE_IN_X,
  OAR_SET_SLICE_IN_VALUE,
  OAR_SET_SLICE_IN_STARTS,
  OAR_SET_SLICE_IN_ENDS,
  OAR_SET_SLICE_IN_STEPS
};
enum {
  OAR_SET_SLICE_ATTR_AXES,
  OAR_SET_SLICE_ATTR_STARTS,
  OAR_SET_SLICE_ATTR_ENDS,
  OAR_SET_SLICE_ATTR_STEPS,
  OAR_SET_SLICE_ATTR_DECREASE_AXES,
  OAR_SET_SLICE_ATTR_NONE_AXES
};

/* set_slice resolved against X and Value: per dim of X the slice's start,
 * step and count, and per dim the stride of Value in the slice (0 where
 * it broadcasts). */
typedef struct oar_set_slice_plan {
  int64_t start[OAR_MAX_RANK], step[OAR_MAX_RANK];
  oar_shape slice;
  int64_t value_strides[OAR_MAX_RANK];
} oar_set_slice_plan;
oar_status oar_set_slice_resolve(const oar_node *n, const oar_tensor_view *const *in, const oar_shape *x,
                                 const oar_shape *value, oar_set_slice_plan *p, oar_error *err);

/* slice_steps resolved against X: per-dim start and step, output shape. */
typedef struct oar_slice_plan {
  int64_t start[OAR_MAX_RANK], step[OAR_MAX_RANK];
  oar_shape out;
} oar_slice_plan;
oar_status oar_slice_steps_resolve(const oar_node *n, const oar_tensor_view *const *in, const oar_shape *x,
                                   oar_slice_plan *p, oar_error *err);

/* pad_nd resolved: pads before/after per dim (negative crops). */
typedef struct oar_pad_plan {
  int64_t before[OAR_MAX_RANK], after[OAR_MAX_RANK];
  oar_shape out;
} oar_pad_plan;
oar_status oar_pad_nd_resolve(const oar_node *n, const oar_tensor_view *const *in, const oar_shape *x,
                              oar_pad_plan *p, oar_error *err);

/* The first value of a float32/float64/int32/int64 tensor as a double (0
 * for other types). */
double oar_ext_scalar(const oar_tensor_view *t);

/* Reads all values of an int32/int64 tensor known at this point (data not
 * NULL), at most cap; OAR_ERR_UNSUPPORTED naming `what` when not known. */
oar_status oar_ext_read_ints(const oar_tensor_view *t, const char *what, int64_t *dst, int64_t cap,
                             int64_t *n, oar_error *err);

#endif
