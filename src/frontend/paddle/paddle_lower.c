#include "frontend/paddle/paddle_lower.h"

#include <string.h>

#include "frontend/paddle/paddle_attrs.h"
#include "frontend/paddle/paddle_expand.h"
#include "frontend/paddle/params.h"
#include "ir/ops/dynamic.h"
#include "ir/ops/math.h"
#include "ir/ops/op_ext.h"

/* ---- the lowerings -------------------------------------------------------------------- */

/* unary_math: the func, and alpha / beta from the Paddle attribute that
 * carries each (NULL: none). */
typedef struct unary_params {
  const char *alpha, *beta;
  double alpha_default, beta_default;
} unary_params;

static unary_params unary_params_of(int func) {
  switch (func) {
    case OAR_UNARY_ELU:
    case OAR_UNARY_CELU: return (unary_params){"alpha", NULL, 1.0, 0.0};
    case OAR_UNARY_SELU: return (unary_params){"alpha", "scale", 1.6732632423543772, 1.0507009873554805};
    case OAR_UNARY_THRESHOLDED_RELU: return (unary_params){"threshold", NULL, 1.0, 0.0};
    /* mish: softplus is x past the threshold (beta 1 says there is one) */
    case OAR_UNARY_MISH: return (unary_params){"threshold", NULL, 20.0, 0.0};
    default: return (unary_params){NULL, NULL, 0.0, 0.0};
  }
}

static oar_status lower_unary(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                              oar_error *err) {
  const unary_params p = unary_params_of(l->func);
  OAR_TRY(set_i(b, OAR_UNARY_ATTR_FUNC, l->func, err));
  if (p.alpha) OAR_TRY(set_f(b, OAR_UNARY_ATTR_ALPHA, float_or(op, p.alpha, p.alpha_default), err));
  if (p.beta) OAR_TRY(set_f(b, OAR_UNARY_ATTR_BETA, float_or(op, p.beta, p.beta_default), err));
  if (l->func == OAR_UNARY_MISH) OAR_TRY(set_f(b, OAR_UNARY_ATTR_BETA, 1.0, err));
  return OAR_OK;
}

/* softshrink (lambda) and hard_shrink (threshold) are ONNX's Shrink:
 * x < -a ? x + bias : x > a ? x - bias : 0, with bias = lambda and 0. */
static oar_status lower_shrink(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                               oar_error *err) {
  const bool soft = strcmp(l->type, "softshrink") == 0;
  const double a = soft ? float_or(op, "lambda", 0.5) : float_or(op, "threshold", 0.5);
  OAR_TRY(set_i(b, OAR_UNARY_ATTR_FUNC, OAR_UNARY_SHRINK, err));
  OAR_TRY(set_f(b, OAR_UNARY_ATTR_ALPHA, a, err));
  return set_f(b, OAR_UNARY_ATTR_BETA, soft ? a : 0.0, err);
}

/* Paddle's softplus is 1/beta log(1 + exp(beta x)), and x past
 * beta x > threshold; the generic op is the beta = 1 form (the two differ
 * by under 2e-9 past the default threshold 20). */
static oar_status lower_softplus(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                                 oar_error *err) {
  (void)l;
  const double beta = float_or(op, "beta", 1.0), threshold = float_or(op, "threshold", 20.0);
  if (beta != 1.0 || threshold < 15.0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "has beta %g and threshold %g; oar runs softplus with beta 1 and threshold >= 15",
                         beta, threshold);
  return set_i(b, OAR_UNARY_ATTR_FUNC, OAR_UNARY_SOFTPLUS, err);
}

/* thresholded_relu: x > threshold ? x : value; the generic op has value 0. */
static oar_status lower_thresholded_relu(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                                         oar_error *err) {
  const double value = float_or(op, "value", 0.0);
  if (value != 0.0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has value %g; oar runs thresholded_relu with value 0",
                         value);
  return lower_unary(l, op, b, err);
}

/* Binary ops broadcast numpy-style; Paddle's `axis` other than -1 aligns
 * Y elsewhere, which the generic op does not do. */
static oar_status lower_binary(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                               oar_error *err) {
  const int64_t axis = int_or(op, "axis", -1);
  if (axis != -1)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "has axis %lld; oar runs %s with numpy broadcasting (axis -1) only", (long long)axis,
                         l->type);
  return set_i(b, OAR_BMATH_ATTR_FUNC, l->func, err);
}

/* reduce_*: dim, keep_dim, reduce_all (or an empty dim) for every axis.
 * reduce_sum's out_dtype (-1: the input's) casts the result, which the
 * generic op, whose result has the input's type, does not do. */
static oar_status lower_reduce(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                               oar_error *err) {
  OAR_TRY(set_i(b, OAR_REDUCE_ATTR_FUNC, l->func, err));
  OAR_TRY(set_i(b, OAR_REDUCE_ATTR_KEEPDIMS, int_or(op, "keep_dim", 0) != 0, err));
  OAR_TRY(set_i(b, OAR_REDUCE_ATTR_NOOP_WITH_EMPTY_AXES, 0, err));
  const oar_pd_attr *dim = find_attr(op, "dim");
  if (int_or(op, "reduce_all", 0) || !dim) return OAR_OK; /* no axes: every axis */
  const oar_pd_ints *v = dim->type == OAR_PD_ATTR_LONGS ? &dim->longs : &dim->ints;
  if (dim->type != OAR_PD_ATTR_INTS && dim->type != OAR_PD_ATTR_LONGS)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has attribute 'dim' of type %s, expected INTS",
                         oar_pd_attr_type_name(dim->type));
  const oar_attr axes = {.type = OAR_ATTR_INTS, .ints = v->v, .n = v->n};
  return oar_node_set_attr(b, OAR_REDUCE_ATTR_AXES, &axes, err);
}

/* arg_max / arg_min: axis, keepdims; flatten and an int32 result are not
 * the generic op's. */
static oar_status lower_arg(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                            oar_error *err) {
  if (int_or(op, "flatten", 0))
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has flatten = true, which oar does not support");
  const int64_t dtype = int_or(op, "dtype", 3);
  if (dtype != 3 && dtype != -1)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has dtype %lld; oar gives int64 indices (dtype 3)",
                         (long long)dtype);
  OAR_TRY(set_i(b, OAR_ARG_REDUCE_ATTR_FUNC, l->func, err));
  OAR_TRY(set_i(b, OAR_ARG_REDUCE_ATTR_AXIS, int_or(op, "axis", -1), err));
  return set_i(b, OAR_ARG_REDUCE_ATTR_KEEPDIMS, int_or(op, "keepdims", 0) != 0, err);
}

static oar_status lower_log_softmax(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                                    oar_error *err) {
  OAR_TRY(set_i(b, OAR_SOFTMAX_EXT_ATTR_FUNC, l->func, err));
  return set_i(b, OAR_SOFTMAX_EXT_ATTR_AXIS, int_or(op, "axis", -1), err);
}

/* ---- ops whose attributes become constant inputs, and renamed slots ----------------- */

static oar_status lower_none(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                             oar_error *err) {
  (void)l, (void)op, (void)b, (void)err;
  return OAR_OK;
}

static void const_f32(oar_pd_const *c, int rank, size_t n, const float *v) {
  *c = (oar_pd_const){
      .present = true, .dtype = OAR_DTYPE_FLOAT32, .rank = rank, .dims = {(int64_t)n}, .count = n};
  memcpy(c->f, v, n * sizeof *v);
}

static void const_i64(oar_pd_const *c, int rank, size_t n, const int64_t *v) {
  *c = (oar_pd_const){
      .present = true, .dtype = OAR_DTYPE_INT64, .rank = rank, .dims = {(int64_t)n}, .count = n};
  memcpy(c->i, v, n * sizeof *v);
}

/* clip: min and max as scalar inputs of clamp. */
static oar_status clip_const(const oar_pd_lowering *l, const oar_pd_op *op, int slot, oar_pd_const *c,
                             oar_error *err) {
  (void)l, (void)err;
  if (slot == OAR_CLAMP_IN_MIN || slot == OAR_CLAMP_IN_MAX) {
    const float v = (float)float_or(op, slot == OAR_CLAMP_IN_MIN ? "min" : "max", 0.0);
    const_f32(c, 0, 1, &v);
  }
  return OAR_OK;
}

/* top_k_v2 / top_k: k as the K input. */
static oar_status topk_const(const oar_pd_lowering *l, const oar_pd_op *op, int slot, oar_pd_const *c,
                             oar_error *err) {
  (void)l, (void)err;
  if (slot != OAR_TOPK_IN_K) return OAR_OK;
  const int64_t k = int_or(op, "k", 1);
  const_i64(c, 1, 1, &k);
  return OAR_OK;
}

static oar_status lower_topk(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                             oar_error *err) {
  (void)l;
  OAR_TRY(set_i(b, OAR_TOPK_ATTR_AXIS, int_or(op, "axis", -1), err));
  OAR_TRY(set_i(b, OAR_TOPK_ATTR_LARGEST, int_or(op, "largest", 1) != 0, err));
  return set_i(b, OAR_TOPK_ATTR_SORTED, 1, err); /* Paddle's CPU kernel always sorts */
}

/* gather (axis) and index_select (dim): take along one axis. */
static oar_status lower_take(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                             oar_error *err) {
  const char *axis = !strcmp(l->type, "index_select")      ? "dim"
                     : !strcmp(l->type, "take_along_axis") ? "Axis"
                                                           : "axis";
  return set_i(b, OAR_TAKE_ATTR_AXIS, int_or(op, axis, 0), err);
}

/* one_hot_v2: depth as the Depth input, off / on values 0 and 1. */
static oar_status one_hot_const(const oar_pd_lowering *l, const oar_pd_op *op, int slot, oar_pd_const *c,
                                oar_error *err) {
  (void)l, (void)err;
  if (slot == OAR_ONE_HOT_IN_DEPTH) {
    const int64_t depth = int_or(op, "depth", -1);
    const_i64(c, 1, 1, &depth);
  } else if (slot == OAR_ONE_HOT_IN_VALUES) {
    const float v[2] = {0.0f, 1.0f};
    const_f32(c, 1, 2, v);
  }
  return OAR_OK;
}

static oar_status lower_one_hot(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                                oar_error *err) {
  (void)l;
  const int64_t dtype = int_or(op, "dtype", 5);
  if (dtype != 5)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has dtype %lld; oar gives float32 (dtype 5)",
                         (long long)dtype);
  return set_i(b, OAR_ONE_HOT_ATTR_AXIS, -1, err);
}

/* pad3d: paddings [left, right, top, bottom, front, back] of NCDHW as the
 * begin / end pads of every dim, and the fill value. */
static oar_status pad3d_const(const oar_pd_lowering *l, const oar_pd_op *op, int slot, oar_pd_const *c,
                              oar_error *err) {
  (void)l;
  if (slot == OAR_PAD_IN_VALUE) {
    const float v = (float)float_or(op, "value", 0.0);
    const_f32(c, 0, 1, &v);
  } else if (slot == OAR_PAD_IN_PADS) {
    int64_t p[6];
    if (attr_ints(op, "paddings", p, 6) != 6)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has 'paddings' without 6 values");
    const int64_t pads[10] = {0, 0, p[4], p[2], p[0], 0, 0, p[5], p[3], p[1]};
    const_i64(c, 1, 10, pads);
  }
  return OAR_OK;
}

static oar_status lower_pad3d(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                              oar_error *err) {
  (void)l;
  const char *fmt = attr_str(op, "data_format", "NCDHW"), *mode = attr_str(op, "mode", "constant");
  if (strcmp(fmt, "NCDHW") != 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has data_format %s; oar pads NCDHW only", fmt);
  static const struct {
    const char *name;
    int mode;
  } modes[] = {{"constant", OAR_PAD_CONSTANT},
               {"reflect", OAR_PAD_REFLECT},
               {"replicate", OAR_PAD_EDGE},
               {"circular", OAR_PAD_WRAP}};
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
    if (strcmp(mode, modes[i].name) == 0) return set_i(b, OAR_PAD_ATTR_MODE, modes[i].mode, err);
  return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has mode '%s'", mode);
}

/* pad (legacy): paddings [before0, after0, before1, ...], pad_value. */
static oar_status pad_const(const oar_pd_lowering *l, const oar_pd_op *op, int slot, oar_pd_const *c,
                            oar_error *err) {
  (void)l;
  if (slot == OAR_PAD_IN_VALUE) {
    const float v = (float)float_or(op, "pad_value", 0.0);
    const_f32(c, 0, 1, &v);
  } else if (slot == OAR_PAD_IN_PADS) {
    int64_t p[OAR_PD_CONST_MAX], pads[OAR_PD_CONST_MAX];
    const int n = attr_ints(op, "paddings", p, OAR_PD_CONST_MAX);
    if (n < 0 || n % 2)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has 'paddings' of odd or no length");
    for (int i = 0; i < n / 2; i++) {
      pads[i] = p[2 * i];
      pads[n / 2 + i] = p[2 * i + 1];
    }
    const_i64(c, 1, (size_t)n, pads);
  }
  return OAR_OK;
}

static oar_status lower_pad(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                            oar_error *err) {
  (void)l, (void)op;
  return set_i(b, OAR_PAD_ATTR_MODE, OAR_PAD_CONSTANT, err);
}

/* conv2d_transpose: Paddle's paddings [h, w] or [top, bottom, left, right]
 * as ONNX's [h_begin, w_begin, h_end, w_end]. output_size picks an output
 * size by padding at the end, which ONNX's output_shape does not: refused. */
static oar_status lower_conv_transpose(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                                       oar_error *err) {
  (void)l;
  int64_t v[8];
  const char *fmt = attr_str(op, "data_format", "NCHW"),
             *algo = attr_str(op, "padding_algorithm", "EXPLICIT");
  if (strcmp(fmt, "NCHW") != 0 && strcmp(fmt, "AnyLayout") != 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has data_format %s; oar runs NCHW only", fmt);
  if (strcmp(algo, "SAME") == 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has padding_algorithm SAME, which oar does not support");
  if (attr_ints(op, "output_size", v, 8) > 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has output_size, which oar does not support");
  OAR_TRY(set_ints(b, OAR_WIN_ATTR_STRIDES, v, attr_ints(op, "strides", v, 8), err));
  OAR_TRY(set_ints(b, OAR_WIN_ATTR_DILATIONS, v, attr_ints(op, "dilations", v, 8), err));
  OAR_TRY(set_ints(b, OAR_WIN_ATTR_OUTPUT_PADDING, v, attr_ints(op, "output_padding", v, 8), err));
  OAR_TRY(set_i(b, OAR_WIN_ATTR_GROUP, int_or(op, "groups", 1), err));
  int64_t p[4] = {0, 0, 0, 0}, pads[4] = {0, 0, 0, 0};
  const int n = strcmp(algo, "VALID") == 0 ? 0 : attr_ints(op, "paddings", p, 4);
  if (n == 2) {
    pads[0] = pads[2] = p[0];
    pads[1] = pads[3] = p[1];
  } else if (n == 4) {
    pads[0] = p[0], pads[2] = p[1], pads[1] = p[2], pads[3] = p[3];
  } else if (n != 0 && n != -1) {
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has %d paddings, expected 2 or 4", n);
  }
  return set_ints(b, OAR_WIN_ATTR_PADS, pads, 4, err);
}

static oar_status lower_instance_norm(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                                      oar_error *err) {
  (void)l;
  return set_f(b, OAR_INORM_ATTR_EPSILON, float_or(op, "epsilon", 1e-5), err);
}

/* pixel_shuffle: out[c, h r + i, w r + j] = in[c r r + i r + j, h, w],
 * ONNX's DepthToSpace in CRD mode. */
static oar_status lower_pixel_shuffle(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                                      oar_error *err) {
  (void)l;
  const char *fmt = attr_str(op, "data_format", "NCHW");
  if (strcmp(fmt, "NCHW") != 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has data_format %s; oar runs NCHW only", fmt);
  OAR_TRY(set_i(b, OAR_DEPTH_ATTR_BLOCKSIZE, int_or(op, "upscale_factor", 1), err));
  return set_i(b, OAR_DEPTH_ATTR_MODE, OAR_DEPTH_TO_SPACE_CRD, err);
}

/* The interpolations (NC + 1 to 3 spatial dims): the size from `scale`
 * when it is set, else out_d / out_h / out_w, as resize's Scales or Sizes
 * over the spatial axes; Paddle's index rules as ONNX coordinate modes:
 *   nearest: floor(k in / out) = asymmetric + floor; align_corners:
 *     int(k (in - 1) / (out - 1) + 0.5) = align_corners + round_prefer_ceil;
 *   (bi/tri)linear: align_mode 0 = half_pixel (the negative source clamped
 *     to 0, as ONNX's linear mode does), align_mode 1 = asymmetric,
 *     align_corners = align_corners;
 *   bicubic: half_pixel (align_mode is not read, nor the negative source
 *     clamped, as ONNX's cubic mode) or align_corners, with a = -0.75.
 * The v1 ops (nearest_interp, bilinear_interp) have one float `scale`:
 * Paddle 3.3's CPU kernels make the output int(in * scale) and map back
 * with 1 / scale, as resize's Scales do, also where in * scale is not
 * whole (fixtures *_interp_v1_scale_frac*). */
enum { INTERP_NEAREST, INTERP_LINEAR, INTERP_CUBIC }; /* resize's modes, the lowerings' func */

static int interp_spatial(const char *type) {
  if (!strncmp(type, "linear_", 7)) return 1;
  if (!strncmp(type, "trilinear_", 10)) return 3;
  return 2;
}

static bool interp_scale(const oar_pd_op *op, int nsp, float *s) {
  double v[3];
  int n = attr_floats(op, "scale", v, 3);
  const oar_pd_attr *a = find_attr(op, "scale");
  if (n < 0 && a && (a->type == OAR_PD_ATTR_FLOAT || a->type == OAR_PD_ATTR_FLOAT64)) {
    v[0] = float_or(op, "scale", 0.0); /* v1: one float */
    n = 1;
  }
  if (n <= 0) return false;
  for (int i = 0; i < nsp; i++) {
    s[i] = (float)(i < n ? v[i] : v[0]);
    if (!(s[i] > 0)) return false;
  }
  return true;
}

/* Whether Paddle input slot `name` of `op` is bound to a variable. */
static bool has_input(const oar_pd_op *op, const char *name) {
  for (size_t i = 0; i < op->num_inputs; i++)
    if (strcmp(op->inputs[i].name, name) == 0) return op->inputs[i].args.n > 0;
  return false;
}

static oar_status interp_const(const oar_pd_lowering *l, const oar_pd_op *op, int slot, oar_pd_const *c,
                               oar_error *err) {
  /* An OutSize tensor (the output's spatial sizes computed at run time:
   * PaddleSeg's F.interpolate(x, paddle.shape(y)[2:])) is resize's Sizes,
   * and takes precedence over `scale` and out_d / out_h / out_w, as in
   * Paddle's kernel. */
  if (has_input(op, "OutSize")) return OAR_OK;
  static const char *const names[] = {"out_d", "out_h", "out_w"};
  const int nsp = interp_spatial(l->type);
  float sc[3];
  const bool by_scale = interp_scale(op, nsp, sc);
  if (slot == OAR_RESIZE_IN_SCALES && by_scale) {
    const_f32(c, 1, (size_t)nsp, sc);
  } else if (slot == OAR_RESIZE_IN_SIZES && !by_scale) {
    int64_t v[3];
    for (int i = 0; i < nsp; i++) {
      v[i] = int_or(op, names[3 - nsp + i], -1);
      if (v[i] <= 0)
        return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                             "has no scale and %s %lld (sizes from tensors are not supported)",
                             names[3 - nsp + i], (long long)v[i]);
    }
    const_i64(c, 1, (size_t)nsp, v);
  }
  return OAR_OK;
}

static oar_status lower_interp(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                               oar_error *err) {
  /* Paddle's kernels read every data_layout but "NCHW" as channels-last,
   * "NCDHW" and "NCW" included (its Python API writes "NCHW" for them). */
  const char *fmt = attr_str(op, "data_layout", "NCHW");
  if (strcmp(fmt, "NCHW") != 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has data_layout %s; oar resizes NCHW only", fmt);
  const bool corners = int_or(op, "align_corners", 0) != 0;
  const int64_t align_mode = int_or(op, "align_mode", 1);
  int coord;
  if (corners)
    coord = OAR_RESIZE_ALIGN_CORNERS;
  else if (l->func == INTERP_CUBIC)
    coord = OAR_RESIZE_HALF_PIXEL;
  else if (l->func == INTERP_NEAREST || align_mode == 1)
    coord = OAR_RESIZE_ASYMMETRIC;
  else
    coord = OAR_RESIZE_HALF_PIXEL;
  OAR_TRY(set_i(b, OAR_RESIZE_ATTR_MODE, l->func, err));
  OAR_TRY(set_i(b, OAR_RESIZE_ATTR_COORD, coord, err));
  OAR_TRY(set_i(b, OAR_RESIZE_ATTR_NEAREST_MODE, corners ? 1 : 2, err));
  if (l->func == INTERP_CUBIC) OAR_TRY(set_f(b, OAR_RESIZE_ATTR_CUBIC_A, -0.75, err));
  static const int64_t axes[3] = {2, 3, 4};
  return set_ints(b, OAR_RESIZE_ATTR_AXES, axes, interp_spatial(l->type), err);
}

/* tile: repeat_times, padded with 1s in front to the input's rank (what
 * Paddle does for a shorter list); expand (v1): expand_times. */
static oar_status tile_const(const oar_pd_lowering *l, const oar_pd_op *op, int slot, oar_pd_const *c,
                             oar_error *err) {
  if (slot != 1) return OAR_OK;
  const bool v1 = strcmp(l->type, "expand") == 0;
  const int rank = c->x_rank;
  int64_t r[OAR_PD_CONST_MAX], v[OAR_PD_CONST_MAX];
  const int n = attr_ints(op, v1 ? "expand_times" : "repeat_times", r, OAR_PD_CONST_MAX);
  if (n < 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "takes its repeats from a tensor, which oar does not support");
  if (rank < n || rank > OAR_PD_CONST_MAX)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "repeats %d dims of an input of rank %d", n, rank);
  for (int i = 0; i < rank; i++) v[i] = i < rank - n ? 1 : r[i - (rank - n)];
  const_i64(c, 1, (size_t)rank, v);
  return OAR_OK;
}

/* expand_as_v2: the target_shape attribute Paddle records. */
static oar_status expand_as_const(const oar_pd_lowering *l, const oar_pd_op *op, int slot, oar_pd_const *c,
                                  oar_error *err) {
  (void)l;
  if (slot != 1) return OAR_OK;
  int64_t v[OAR_PD_CONST_MAX];
  const int n = attr_ints(op, "target_shape", v, OAR_PD_CONST_MAX);
  if (n <= 0) return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has no target_shape (a run-time target)");
  for (int i = 0; i < n; i++)
    if (v[i] == -1) v[i] = 1;
  const_i64(c, 1, (size_t)n, v);
  return OAR_OK;
}

/* square (x^2), pow (x^factor), rsqrt (x^-0.5): binary_math's pow with a
 * scalar exponent. */
static oar_status pow_const(const oar_pd_lowering *l, const oar_pd_op *op, int slot, oar_pd_const *c,
                            oar_error *err) {
  (void)err;
  if (slot != OAR_BMATH_IN_Y) return OAR_OK;
  float e = (float)float_or(op, "factor", 1.0);
  if (strcmp(l->type, "square") == 0) e = 2.0f;
  if (strcmp(l->type, "rsqrt") == 0) e = -0.5f;
  const_f32(c, 0, 1, &e);
  return OAR_OK;
}

static oar_status lower_pow(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                            oar_error *err) {
  (void)op;
  return set_i(b, OAR_BMATH_ATTR_FUNC, l->func, err);
}

/* flip: slice_steps over the axes with step -1, from the last element to
 * before the first. */
static oar_status flip_const(const oar_pd_lowering *l, const oar_pd_op *op, int slot, oar_pd_const *c,
                             oar_error *err) {
  (void)l;
  int64_t axes[OAR_PD_CONST_MAX], v[OAR_PD_CONST_MAX];
  const int n = attr_ints(op, "axis", axes, OAR_PD_CONST_MAX);
  if (n <= 0) return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has no 'axis' list");
  for (int i = 0; i < n; i++) {
    if (slot == OAR_SLICE_IN_STARTS || slot == OAR_SLICE_IN_STEPS)
      v[i] = -1;
    else if (slot == OAR_SLICE_IN_ENDS)
      v[i] = INT64_MIN;
    else
      v[i] = axes[i];
  }
  if (slot >= OAR_SLICE_IN_STARTS && slot <= OAR_SLICE_IN_STEPS) const_i64(c, 1, (size_t)n, v);
  return OAR_OK;
}

/* strided_slice: starts / ends / strides over axes; decrease_axis (a
 * squeeze after) is refused. */
static oar_status strided_const(const oar_pd_lowering *l, const oar_pd_op *op, int slot, oar_pd_const *c,
                                oar_error *err) {
  (void)l;
  static const char *const names[] = {[OAR_SLICE_IN_STARTS] = "starts",
                                      [OAR_SLICE_IN_ENDS] = "ends",
                                      [OAR_SLICE_IN_AXES] = "axes",
                                      [OAR_SLICE_IN_STEPS] = "strides"};
  if (slot < OAR_SLICE_IN_STARTS || slot > OAR_SLICE_IN_STEPS) return OAR_OK;
  int64_t v[OAR_PD_CONST_MAX];
  const int n = attr_ints(op, names[slot], v, OAR_PD_CONST_MAX);
  if (n < 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has no '%s' list (run-time values are not supported)",
                         names[slot]);
  const_i64(c, 1, (size_t)n, v);
  return OAR_OK;
}

static oar_status lower_strided_slice(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                                      oar_error *err) {
  (void)l, (void)b;
  int64_t v[OAR_PD_CONST_MAX];
  if (attr_ints(op, "decrease_axis", v, OAR_PD_CONST_MAX) > 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has decrease_axis, which oar does not support");
  return OAR_OK;
}

/* tril_triu: lower keeps j - i <= diagonal, else j - i >= diagonal: ONNX's
 * Trilu with k = diagonal. */
static oar_status trilu_const(const oar_pd_lowering *l, const oar_pd_op *op, int slot, oar_pd_const *c,
                              oar_error *err) {
  (void)l, (void)err;
  if (slot != 1) return OAR_OK;
  const int64_t k = int_or(op, "diagonal", 0);
  const_i64(c, 0, 1, &k);
  return OAR_OK;
}

static oar_status lower_trilu(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                              oar_error *err) {
  (void)l;
  return set_i(b, OAR_TRILU_ATTR_UPPER, int_or(op, "lower", 0) == 0, err);
}

/* p_norm: (sum |x|^p)^(1/p) over axis (every axis with asvector), as
 * reduce L1 / L2 / Lp. */
static oar_status lower_p_norm(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                               oar_error *err) {
  (void)l;
  const double p = float_or(op, "porder", 2.0);
  const int func = p == 1.0 ? OAR_REDUCE_L1 : p == 2.0 ? OAR_REDUCE_L2 : OAR_REDUCE_LP;
  if (func == OAR_REDUCE_LP && (p != (double)(int64_t)p || p < 1))
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has porder %g; oar takes integer orders >= 1", p);
  OAR_TRY(set_i(b, OAR_REDUCE_ATTR_FUNC, func, err));
  if (func == OAR_REDUCE_LP) OAR_TRY(set_i(b, OAR_REDUCE_ATTR_P, (int64_t)p, err));
  OAR_TRY(set_i(b, OAR_REDUCE_ATTR_KEEPDIMS, int_or(op, "keepdim", 0) != 0, err));
  if (int_or(op, "asvector", 0)) return OAR_OK;
  const int64_t axis = int_or(op, "axis", -1);
  return set_ints(b, OAR_REDUCE_ATTR_AXES, &axis, 1, err);
}

/* ---- issue 11, batch A ---------------------------------------------------------------- */

/* round: Paddle 3.3's CPU kernel rounds halves to even (-0.5 -> -0,
 * 2.5 -> 2), as ONNX's Round, not away from zero as its documentation
 * of older versions says; `decimals` other than 0 is refused. */
static oar_status lower_round(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                              oar_error *err) {
  const int64_t decimals = int_or(op, "decimals", 0);
  if (decimals != 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has decimals %lld; oar rounds to integers only",
                         (long long)decimals);
  return lower_unary(l, op, b, err);
}

/* argsort: topk without K (the whole axis); ties keep the lower index
 * first, as Paddle's stable sort (its default std::sort leaves ties in no
 * defined order). */
static oar_status lower_argsort(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                                oar_error *err) {
  (void)l;
  OAR_TRY(set_i(b, OAR_TOPK_ATTR_AXIS, int_or(op, "axis", -1), err));
  OAR_TRY(set_i(b, OAR_TOPK_ATTR_LARGEST, int_or(op, "descending", 0) != 0, err));
  return set_i(b, OAR_TOPK_ATTR_SORTED, 1, err);
}

/* scatter_nd_add: scatter_nd_update with reduction add. */
static oar_status lower_scatter_nd_add(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                                       oar_error *err) {
  (void)l, (void)op;
  return set_i(b, OAR_TAKE_ATTR_REDUCTION, 1, err);
}

/* empty: fill_shape of the shape attribute (or the ShapeTensor input).
 * Paddle leaves the values undefined; oar fills zeros. */
static oar_status empty_const(const oar_pd_lowering *l, const oar_pd_op *op, int slot, oar_pd_const *c,
                              oar_error *err) {
  (void)l;
  if (slot != 0) return OAR_OK;
  int64_t v[OAR_PD_CONST_MAX];
  const int n = attr_ints(op, "shape", v, OAR_PD_CONST_MAX);
  if (n < 0) return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has no usable 'shape' attribute");
  const_i64(c, 1, (size_t)n, v);
  return OAR_OK;
}

static oar_status lower_empty(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                              oar_error *err) {
  (void)l;
  const int64_t dtype = int_or(op, "dtype", 5);
  const oar_dtype t = oar_pd_dtype_to_oar((int32_t)dtype);
  if (t == OAR_DTYPE_UNKNOWN)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has dtype %lld, which oar does not support",
                         (long long)dtype);
  OAR_TRY(set_i(b, OAR_FILL_ATTR_DTYPE, t, err));
  return set_f(b, OAR_FILL_ATTR_VALUE, 0.0, err);
}

/* ---- a cast in front of the op ------------------------------------------------------ */

/* The Paddle type (VarType number) that Paddle's kernel casts the op's
 * inputs of type t to before it runs, or -1 (none):
 *   reduce_sum with out_dtype: that type (Paddle casts x, then sums, so
 *     float32 -> int64 truncates each element, not the sum);
 *   reduce_all / reduce_any: bool (x != 0), then min / max over bool;
 *   atan2: float64 for integer inputs (Paddle's Atan2Functor of an
 *     integer type computes and returns double). */
static int cast_first_to(const oar_pd_lowering *l, const oar_pd_op *op, oar_dtype t) {
  enum { VT_BOOL = 0, VT_FP64 = 6 };
  int to;
  if (!strcmp(l->type, "atan2"))
    to = t == OAR_DTYPE_INT32 || t == OAR_DTYPE_INT64 ? VT_FP64 : -1;
  else if (!strcmp(l->type, "reduce_all") || !strcmp(l->type, "reduce_any"))
    to = VT_BOOL;
  else
    to = (int)int_or(op, "out_dtype", -1);
  return to >= 0 && oar_pd_dtype_to_oar(to) != t ? to : -1;
}

/* An op of one node (l->ir, l->attrs) whose inputs are cast first where
 * cast_first_to says so; no constants. */
static oar_status expand_cast_first(const oar_pd_lowering *l, const oar_pd_op *op, oar_pd_emitter *e,
                                    oar_error *err) {
  const oar_op_schema *s = oar_schema_by_id(l->ir);
  int ids[OAR_PD_LOWER_SLOTS];
  for (int k = 0; k < s->num_inputs; k++) {
    const char *name = l->inputs[k] ? l->inputs[k] : s->inputs[k].name;
    ids[k] = -1;
    if (!oar_pd_emit_count(e, true, name)) continue;
    OAR_TRY(oar_pd_emit_input(e, name, 0, &ids[k], err));
    const int to = cast_first_to(l, op, oar_pd_emit_graph(e)->values[ids[k]].dtype);
    if (to < 0) continue;
    oar_node_builder c;
    int cast;
    OAR_TRY(oar_pd_emit_temp(e, &cast, err));
    OAR_TRY(oar_pd_emit_begin(e, OAR_OP_cast, &c, err));
    const oar_attr a = {.type = OAR_ATTR_INT, .i = to};
    oar_status st = oar_node_add_input(&c, OAR_CAST_IN_X, ids[k], err);
    if (st == OAR_OK) st = oar_node_add_output(&c, OAR_CAST_OUT_OUT, cast, err);
    if (st == OAR_OK) st = oar_node_set_attr(&c, OAR_CAST_ATTR_OUT_DTYPE, &a, err);
    if (st != OAR_OK) {
      oar_node_abort(&c);
      return st;
    }
    OAR_TRY(oar_node_finish(&c, err));
    oar_pd_emit_graph(e)->values[cast].dtype = oar_pd_dtype_to_oar(to);
    ids[k] = cast;
  }
  oar_node_builder b;
  OAR_TRY(oar_pd_emit_begin(e, l->ir, &b, err));
  oar_status st = OAR_OK;
  for (int k = 0; k < s->num_inputs && st == OAR_OK; k++)
    if (ids[k] >= 0) st = oar_node_add_input(&b, k, ids[k], err);
  for (int k = 0; k < s->num_outputs && st == OAR_OK; k++) {
    const char *name = l->outputs[k] ? l->outputs[k] : s->outputs[k].name;
    int y;
    if (!oar_pd_emit_count(e, false, name)) continue;
    st = oar_pd_emit_output(e, name, 0, &y, err);
    if (st == OAR_OK) st = oar_node_add_output(&b, k, y, err);
  }
  if (st == OAR_OK) st = l->attrs(l, op, &b, err);
  if (st != OAR_OK) {
    oar_node_abort(&b);
    return st;
  }
  return oar_node_finish(&b, err);
}

#define ATAN2_INPUTS \
  { "X1", "X2" }
#define SCATTER_ND_INPUTS \
  { NULL, "Index" }
#define ARGSORT_OUTPUTS \
  { "Out", NULL }
#define EMPTY_INPUTS \
  { "ShapeTensor" }
#define ALIAS(t, op) \
  { .type = t, .ir = op }
#define EXPAND(t, fn, f) \
  { .type = t, .func = f, .expand = oar_pd_expand_##fn }
/* quantize_linear / dequantize_linear: Paddle's range. Models written
 * before qmin / qmax existed give bit_length; is_test false is the
 * training kernel, which computes its own scale. */
static oar_status lower_fake_quant(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                                   oar_error *err) {
  if (!int_or(op, "is_test", 1))
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "has is_test false (the training kernel); oar runs inference");
  const int64_t bits = int_or(op, "bit_length", 8);
  if (bits < 2 || bits > 16)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "has bit_length %lld", (long long)bits);
  const int64_t bin_cnt = ((int64_t)1 << (bits - 1)) - 1;
  OAR_TRY(set_i(b, OAR_FAKE_QUANT_ATTR_AXIS,
                int_or(op, "quant_axis", 0) < 0 ? -1 : int_or(op, "quant_axis", 0), err));
  OAR_TRY(set_i(b, OAR_FAKE_QUANT_ATTR_QMIN, int_or(op, "qmin", -bin_cnt - 1), err));
  OAR_TRY(set_i(b, OAR_FAKE_QUANT_ATTR_QMAX, int_or(op, "qmax", bin_cnt), err));
  OAR_TRY(set_i(b, OAR_FAKE_QUANT_ATTR_ROUND_TYPE, int_or(op, "round_type", 0), err));
  OAR_TRY(set_i(b, OAR_FAKE_QUANT_ATTR_DEQUANTIZE, strcmp(l->type, "dequantize_linear") == 0, err));
  return set_i(b, OAR_FAKE_QUANT_ATTR_ONLY_OBSERVER, int_or(op, "only_observer", 0) != 0, err);
}

/* The training state is not read; ZeroPoint is checked to be 0 (Paddle's
 * kernels ignore it). */
static const char *const fake_quant_ignored[] = {"InAccum", "InState", NULL};

/* issue 12: multiclass_nms (the op before multiclass_nms3, Out only): the
 * same attributes and kernel. */
static oar_status lower_nms(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                            oar_error *err) {
  (void)l;
  OAR_TRY(set_i(b, OAR_NMS3_ATTR_BACKGROUND_LABEL, int_or(op, "background_label", 0), err));
  OAR_TRY(set_f(b, OAR_NMS3_ATTR_SCORE_THRESHOLD, float_or(op, "score_threshold", 0.0), err));
  OAR_TRY(set_i(b, OAR_NMS3_ATTR_NMS_TOP_K, int_or(op, "nms_top_k", -1), err));
  OAR_TRY(set_f(b, OAR_NMS3_ATTR_NMS_THRESHOLD, float_or(op, "nms_threshold", 0.3), err));
  OAR_TRY(set_f(b, OAR_NMS3_ATTR_NMS_ETA, float_or(op, "nms_eta", 1.0), err));
  OAR_TRY(set_i(b, OAR_NMS3_ATTR_KEEP_TOP_K, int_or(op, "keep_top_k", -1), err));
  return set_i(b, OAR_NMS3_ATTR_NORMALIZED, int_or(op, "normalized", 1), err);
}

#define INPUT_AS_X \
  { "Input" }

/* Y only gave target_shape its value when the program was built. */
static const char *const expand_as_ignored[] = {"Y", NULL};

/* The exponent of pow / square / rsqrt is a constant, never a Paddle slot. */
#define POW_INPUTS \
  { "X", "" }
#define TOPK_OUTPUTS \
  { "Out", NULL }
#define TAKE_INPUTS \
  { NULL, "Index" }
#define TAKE_ALONG_INPUTS \
  { "Input", "Index" }
#define RESULT_AS_OUT \
  { "Result" }
#define ONE_HOT_INPUTS \
  { "X", "depth_tensor", NULL }
#define CONV_T_INPUTS \
  { "Input", "Filter", "Bias" }
#define CONV_T_OUTPUTS \
  { "Output" }
#define INORM_INPUTS \
  { NULL, NULL, "Bias" }
#define RANGE_INPUTS \
  { NULL, "End", "Step" }
#define OUT_AS_Y \
  { "Y" }
#define Y_AS_OUT \
  { "Out" }
#define INTERP_INPUTS \
  { NULL, NULL, NULL, "OutSize" } /* X, Roi, Scales, Sizes */

#define LOWER(t, op, fn, set) \
  { .type = t, .ir = op, .func = fn, .attrs = set }
#define WITH(t, op, fn, set, ins, outs, cst) \
  { .type = t, .ir = op, .func = fn, .attrs = set, .inputs = ins, .outputs = outs, .constant = cst }
#define SAME \
  { NULL } /* the IR op's own slot names */
#define UNARY(t, fn) LOWER(t, OAR_OP_unary_math, fn, lower_unary)
#define BINARY(t, fn) LOWER(t, OAR_OP_binary_math, fn, lower_binary)
#define REDUCE(t, fn) LOWER(t, OAR_OP_reduce, fn, lower_reduce)
#define CAST_FIRST(t, op, fn, set, ins) \
  { .type = t, .ir = op, .func = fn, .attrs = set, .inputs = ins, .expand = expand_cast_first }
static const oar_pd_lowering lowerings[] = {
    UNARY("abs", OAR_UNARY_ABS),
    UNARY("floor", OAR_UNARY_FLOOR),
    UNARY("ceil", OAR_UNARY_CEIL),
    UNARY("log", OAR_UNARY_LOG),
    UNARY("reciprocal", OAR_UNARY_RECIPROCAL),
    UNARY("sin", OAR_UNARY_SIN),
    UNARY("cos", OAR_UNARY_COS),
    UNARY("tan", OAR_UNARY_TAN),
    UNARY("asin", OAR_UNARY_ASIN),
    UNARY("acos", OAR_UNARY_ACOS),
    UNARY("atan", OAR_UNARY_ATAN),
    UNARY("sinh", OAR_UNARY_SINH),
    UNARY("cosh", OAR_UNARY_COSH),
    UNARY("asinh", OAR_UNARY_ASINH),
    UNARY("acosh", OAR_UNARY_ACOSH),
    UNARY("atanh", OAR_UNARY_ATANH),
    UNARY("sign", OAR_UNARY_SIGN),
    UNARY("erf", OAR_UNARY_ERF),
    UNARY("softsign", OAR_UNARY_SOFTSIGN),
    UNARY("elu", OAR_UNARY_ELU),
    UNARY("selu", OAR_UNARY_SELU),
    UNARY("celu", OAR_UNARY_CELU),
    UNARY("mish", OAR_UNARY_MISH),
    UNARY("logical_not", OAR_UNARY_NOT),
    UNARY("bitwise_not", OAR_UNARY_BITWISE_NOT),
    UNARY("isnan_v2", OAR_UNARY_ISNAN),
    LOWER("thresholded_relu", OAR_OP_unary_math, OAR_UNARY_THRESHOLDED_RELU, lower_thresholded_relu),
    LOWER("softplus", OAR_OP_unary_math, OAR_UNARY_SOFTPLUS, lower_softplus),
    LOWER("softshrink", OAR_OP_unary_math, OAR_UNARY_SHRINK, lower_shrink),
    LOWER("hard_shrink", OAR_OP_unary_math, OAR_UNARY_SHRINK, lower_shrink),
    BINARY("elementwise_mod", OAR_BMATH_MOD),
    BINARY("logical_and", OAR_BMATH_AND),
    BINARY("logical_or", OAR_BMATH_OR),
    BINARY("logical_xor", OAR_BMATH_XOR),
    BINARY("bitwise_and", OAR_BMATH_BITWISE_AND),
    BINARY("bitwise_or", OAR_BMATH_BITWISE_OR),
    BINARY("bitwise_xor", OAR_BMATH_BITWISE_XOR),
    CAST_FIRST("reduce_sum", OAR_OP_reduce, OAR_REDUCE_SUM, lower_reduce, SAME),
    REDUCE("reduce_mean", OAR_REDUCE_MEAN),
    REDUCE("reduce_max", OAR_REDUCE_MAX),
    REDUCE("reduce_min", OAR_REDUCE_MIN),
    REDUCE("reduce_prod", OAR_REDUCE_PROD),
    LOWER("arg_max", OAR_OP_arg_reduce, OAR_ARG_MAX, lower_arg),
    LOWER("arg_min", OAR_OP_arg_reduce, OAR_ARG_MIN, lower_arg),
    LOWER("log_softmax", OAR_OP_softmax_ext, OAR_SOFTMAX_EXT_LOG_SOFTMAX, lower_log_softmax),
    LOWER("where", OAR_OP_select, 0, lower_none),
    WITH("clip", OAR_OP_clamp, 0, lower_none, SAME, SAME, clip_const),
    EXPAND("expand_v2", expand_v2, 0),
    WITH("top_k_v2", OAR_OP_topk, 0, lower_topk, SAME, TOPK_OUTPUTS, topk_const),
    WITH("top_k", OAR_OP_topk, 0, lower_topk, SAME, TOPK_OUTPUTS, topk_const),
    WITH("gather", OAR_OP_take, 0, lower_take, TAKE_INPUTS, SAME, NULL),
    WITH("index_select", OAR_OP_take, 0, lower_take, TAKE_INPUTS, SAME, NULL),
    WITH("take_along_axis", OAR_OP_take_along_axis, 0, lower_take, TAKE_ALONG_INPUTS, RESULT_AS_OUT, NULL),
    WITH("gather_nd", OAR_OP_gather_nd_batch, 0, lower_none, TAKE_INPUTS, SAME, NULL),
    WITH("one_hot_v2", OAR_OP_one_hot_axis, 0, lower_one_hot, ONE_HOT_INPUTS, SAME, one_hot_const),
    WITH("pad3d", OAR_OP_pad_nd, 0, lower_pad3d, SAME, SAME, pad3d_const),
    WITH("pad", OAR_OP_pad_nd, 0, lower_pad, SAME, SAME, pad_const),
    WITH("conv2d_transpose", OAR_OP_conv_transpose_nd, 0, lower_conv_transpose, CONV_T_INPUTS, CONV_T_OUTPUTS,
         NULL),
    WITH("depthwise_conv2d_transpose", OAR_OP_conv_transpose_nd, 0, lower_conv_transpose, CONV_T_INPUTS,
         CONV_T_OUTPUTS, NULL),
    WITH("instance_norm", OAR_OP_instance_norm_nd, 0, lower_instance_norm, INORM_INPUTS, SAME, NULL),
    LOWER("pixel_shuffle", OAR_OP_depth_space, 0, lower_pixel_shuffle),
    WITH("range", OAR_OP_arange, 0, lower_none, RANGE_INPUTS, SAME, NULL),
    WITH("nearest_interp_v2", OAR_OP_resize_nd, INTERP_NEAREST, lower_interp, INTERP_INPUTS, Y_AS_OUT,
         interp_const),
    WITH("bilinear_interp_v2", OAR_OP_resize_nd, INTERP_LINEAR, lower_interp, INTERP_INPUTS, Y_AS_OUT,
         interp_const),
    WITH("tile", OAR_OP_tile_repeats, 0, lower_none, SAME, SAME, tile_const),
    WITH("expand", OAR_OP_tile_repeats, 0, lower_none, SAME, SAME, tile_const),
    {.type = "expand_as_v2",
     .ir = OAR_OP_broadcast_to,
     .attrs = lower_none,
     .constant = expand_as_const,
     .ignored_inputs = expand_as_ignored},
    WITH("square", OAR_OP_binary_math, OAR_BMATH_POW, lower_pow, POW_INPUTS, SAME, pow_const),
    WITH("pow", OAR_OP_binary_math, OAR_BMATH_POW, lower_pow, POW_INPUTS, SAME, pow_const),
    WITH("rsqrt", OAR_OP_binary_math, OAR_BMATH_POW, lower_pow, POW_INPUTS, SAME, pow_const),
    WITH("flip", OAR_OP_slice_steps, 0, lower_none, SAME, SAME, flip_const),
    WITH("strided_slice", OAR_OP_slice_steps, 0, lower_strided_slice, INPUT_AS_X, SAME, strided_const),
    WITH("tril_triu", OAR_OP_trilu, 0, lower_trilu, SAME, SAME, trilu_const),
    LOWER("bmm", OAR_OP_matmul_v2, 0, lower_none),
    LOWER("p_norm", OAR_OP_reduce, 0, lower_p_norm),
    /* issue 11, batch A */
    UNARY("log1p", OAR_UNARY_LOG1P),
    LOWER("round", OAR_OP_unary_math, OAR_UNARY_ROUND, lower_round),
    UNARY("tanh_shrink", OAR_UNARY_TANH_SHRINK),
    CAST_FIRST("atan2", OAR_OP_binary_math, OAR_BMATH_ATAN2, lower_binary, ATAN2_INPUTS),
    BINARY("elementwise_floordiv", OAR_BMATH_FLOORDIV),
    CAST_FIRST("reduce_all", OAR_OP_reduce, OAR_REDUCE_MIN, lower_reduce, SAME),
    CAST_FIRST("reduce_any", OAR_OP_reduce, OAR_REDUCE_MAX, lower_reduce, SAME),
    WITH("argsort", OAR_OP_topk, 0, lower_argsort, SAME, ARGSORT_OUTPUTS, NULL),
    WITH("reverse", OAR_OP_slice_steps, 0, lower_none, SAME, SAME, flip_const),
    WITH("empty", OAR_OP_fill_shape, 0, lower_empty, EMPTY_INPUTS, SAME, empty_const),
    ALIAS("share_data", OAR_OP_assign),
    ALIAS("fill_zeros_like", OAR_OP_fill_any_like),
    ALIAS("sync_batch_norm", OAR_OP_batch_norm),
    WITH("scatter_nd_add", OAR_OP_scatter_nd_update, 0, lower_scatter_nd_add, SCATTER_ND_INPUTS, SAME, NULL),
    WITH("nearest_interp", OAR_OP_resize_nd, INTERP_NEAREST, lower_interp, SAME, Y_AS_OUT, interp_const),
    WITH("bilinear_interp", OAR_OP_resize_nd, INTERP_LINEAR, lower_interp, SAME, Y_AS_OUT, interp_const),
    WITH("linear_interp_v2", OAR_OP_resize_nd, INTERP_LINEAR, lower_interp, SAME, Y_AS_OUT, interp_const),
    WITH("trilinear_interp_v2", OAR_OP_resize_nd, INTERP_LINEAR, lower_interp, SAME, Y_AS_OUT, interp_const),
    WITH("bicubic_interp_v2", OAR_OP_resize_nd, INTERP_CUBIC, lower_interp, SAME, Y_AS_OUT, interp_const),
    EXPAND("stack", stack, 0),
    EXPAND("unstack", unstack, 0),
    EXPAND("unbind", unstack, 1),
    EXPAND("meshgrid", meshgrid, 0),
    EXPAND("sum", sum, 0),
    EXPAND("lookup_table", lookup_table, 0),
    EXPAND("affine_channel", affine_channel, 0),
    EXPAND("fill_constant_batch_size_like", fill_batch_like, 0),
    EXPAND("eye", eye, 0),
    EXPAND("partial_concat", partial, 0),
    EXPAND("partial_sum", partial, 1),
    EXPAND("scatter", scatter, 0),
    EXPAND("assign_value", assign_value, 0),
    EXPAND("set_value", set_value, 0),
    {.type = "quantize_linear",
     .ir = OAR_OP_paddle_fake_quant,
     .attrs = lower_fake_quant,
     .outputs = OUT_AS_Y,
     .ignored_inputs = fake_quant_ignored},
    EXPAND("fake_quantize_range_abs_max", fake_quantize, 0),
    EXPAND("fake_quantize_moving_average_abs_max", fake_quantize, 0),
    EXPAND("fake_quantize_dequantize_moving_average_abs_max", fake_quantize, 1),
    EXPAND("fake_dequantize_max_abs", fake_dequantize, 0),
    EXPAND("fake_channel_wise_dequantize_max_abs", fake_channel_dequantize, 0),
    {.type = "dequantize_linear",
     .ir = OAR_OP_paddle_fake_quant,
     .attrs = lower_fake_quant,
     .outputs = OUT_AS_Y,
     .ignored_inputs = fake_quant_ignored},
    /* issue 12: output shapes known only when the op runs. where_index,
     * masked_select, unique and multiclass_nms3 are IR ops of their own
     * names; the older multiclass_nms (Out only) runs multiclass_nms3's
     * kernel, whose empty result without an Index output is Paddle's [[-1]]. */
    LOWER("multiclass_nms", OAR_OP_multiclass_nms3, 0, lower_nms),
};

const oar_pd_lowering *oar_pd_lowering_find(const char *type) {
  for (size_t i = 0; i < sizeof lowerings / sizeof lowerings[0]; i++)
    if (strcmp(lowerings[i].type, type) == 0) return &lowerings[i];
  return NULL;
}

const oar_pd_lowering *oar_pd_lowerings(size_t *count) {
  *count = sizeof lowerings / sizeof lowerings[0];
  return lowerings;
}
