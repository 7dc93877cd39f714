#include "frontend/paddle/paddle_lower.h"

#include <string.h>

#include "frontend/paddle/params.h"
#include "ir/ops/op_ext.h"

/* ---- reading the Paddle op's attributes -------------------------------------------- */

static const oar_pd_attr *find_attr(const oar_pd_op *op, const char *name) {
  for (size_t i = 0; i < op->num_attrs; i++)
    if (strcmp(op->attrs[i].name, name) == 0) return &op->attrs[i];
  return NULL;
}

/* An integer attribute written as INT, LONG, BOOLEAN or an integral SCALAR
 * (Paddle changed several from one to another across versions). */
static bool attr_int(const oar_pd_op *op, const char *name, int64_t *v) {
  const oar_pd_attr *a = find_attr(op, name);
  if (!a) return false;
  switch (a->type) {
    case OAR_PD_ATTR_INT: *v = a->i; return true;
    case OAR_PD_ATTR_LONG: *v = a->l; return true;
    case OAR_PD_ATTR_BOOLEAN: *v = a->b; return true;
    case OAR_PD_ATTR_SCALAR:
      if (a->scalar.type == OAR_PD_SCALAR_LONG) *v = a->scalar.i;
      if (a->scalar.type == OAR_PD_SCALAR_BOOLEAN) *v = a->scalar.b;
      return a->scalar.type == OAR_PD_SCALAR_LONG || a->scalar.type == OAR_PD_SCALAR_BOOLEAN;
    default: return false;
  }
}

static int64_t int_or(const oar_pd_op *op, const char *name, int64_t dflt) {
  int64_t v;
  return attr_int(op, name, &v) ? v : dflt;
}

static double float_or(const oar_pd_op *op, const char *name, double dflt) {
  const oar_pd_attr *a = find_attr(op, name);
  if (!a) return dflt;
  switch (a->type) {
    case OAR_PD_ATTR_FLOAT: return a->f;
    case OAR_PD_ATTR_FLOAT64: return a->float64;
    case OAR_PD_ATTR_INT: return a->i;
    case OAR_PD_ATTR_LONG: return (double)a->l;
    case OAR_PD_ATTR_SCALAR:
      return a->scalar.type == OAR_PD_SCALAR_FLOAT64 ? a->scalar.r
             : a->scalar.type == OAR_PD_SCALAR_LONG  ? (double)a->scalar.i
                                                     : dflt;
    default: return dflt;
  }
}

/* ---- writing the IR op's ------------------------------------------------------------ */

static oar_status set_i(oar_node_builder *b, int index, int64_t v, oar_error *err) {
  const oar_attr a = {
      .type = b->node.schema->attrs[index].type == OAR_ATTR_BOOL ? OAR_ATTR_BOOL : OAR_ATTR_INT, .i = v};
  return oar_node_set_attr(b, index, &a, err);
}

static oar_status set_f(oar_node_builder *b, int index, double v, oar_error *err) {
  const oar_attr a = {.type = OAR_ATTR_FLOAT, .f = v};
  return oar_node_set_attr(b, index, &a, err);
}

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
    default: return (unary_params){NULL, NULL, 0.0, 0.0};
  }
}

static oar_status lower_unary(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                              oar_error *err) {
  const unary_params p = unary_params_of(l->func);
  OAR_TRY(set_i(b, OAR_UNARY_ATTR_FUNC, l->func, err));
  if (p.alpha) OAR_TRY(set_f(b, OAR_UNARY_ATTR_ALPHA, float_or(op, p.alpha, p.alpha_default), err));
  if (p.beta) OAR_TRY(set_f(b, OAR_UNARY_ATTR_BETA, float_or(op, p.beta, p.beta_default), err));
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
  const int64_t out_dtype = int_or(op, "out_dtype", -1);
  if (out_dtype != -1 && b->num_in > 0 &&
      oar_pd_dtype_to_oar((int32_t)out_dtype) != b->graph->values[b->node.in[0]].dtype)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "has out_dtype %lld, not its input's; oar reduces to the input's type",
                         (long long)out_dtype);
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

/* An INTS / LONGS attribute into v (at most cap values); -1 when absent or
 * too long. */
static int attr_ints(const oar_pd_op *op, const char *name, int64_t *v, int cap) {
  const oar_pd_attr *a = find_attr(op, name);
  if (!a || (a->type != OAR_PD_ATTR_INTS && a->type != OAR_PD_ATTR_LONGS)) return -1;
  const oar_pd_ints *x = a->type == OAR_PD_ATTR_LONGS ? &a->longs : &a->ints;
  if (x->n > (size_t)cap) return -1;
  for (size_t i = 0; i < x->n; i++) v[i] = x->v[i];
  return (int)x->n;
}

static int attr_floats(const oar_pd_op *op, const char *name, double *v, int cap) {
  const oar_pd_attr *a = find_attr(op, name);
  if (!a || (a->type != OAR_PD_ATTR_FLOATS && a->type != OAR_PD_ATTR_FLOAT64S)) return -1;
  const oar_pd_floats *x = a->type == OAR_PD_ATTR_FLOAT64S ? &a->float64s : &a->floats;
  if (x->n > (size_t)cap) return -1;
  for (size_t i = 0; i < x->n; i++) v[i] = x->v[i];
  return (int)x->n;
}

static const char *attr_str(const oar_pd_op *op, const char *name, const char *dflt) {
  const oar_pd_attr *a = find_attr(op, name);
  return a && a->type == OAR_PD_ATTR_STRING && a->s ? a->s : dflt;
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

/* expand_v2: the target shape, -1 (keep the dim) as 1, which numpy
 * broadcasting keeps too. */
static oar_status expand_const(const oar_pd_lowering *l, const oar_pd_op *op, int slot, oar_pd_const *c,
                               oar_error *err) {
  (void)l;
  if (slot != 1) return OAR_OK;
  int64_t v[OAR_PD_CONST_MAX];
  const int n = attr_ints(op, "shape", v, OAR_PD_CONST_MAX);
  if (n < 0) return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has no usable 'shape' attribute");
  for (int i = 0; i < n; i++)
    if (v[i] == -1) v[i] = 1;
  const_i64(c, 1, (size_t)n, v);
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

static oar_status set_ints(oar_node_builder *b, int index, const int64_t *v, int n, oar_error *err) {
  /* oar_node_set_attr copies the values. */
  const oar_attr a = {.type = OAR_ATTR_INTS, .ints = (int64_t *)v, .n = n > 0 ? (size_t)n : 0};
  return oar_node_set_attr(b, index, &a, err);
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

/* nearest_interp_v2 / bilinear_interp_v2 (NCHW): the size from `scale`
 * when it is set, else out_h / out_w, as resize's Scales or Sizes over
 * axes 2 and 3; Paddle's index rules as ONNX coordinate modes:
 *   nearest: floor(k in / out) = asymmetric + floor; align_corners:
 *     int(k (in - 1) / (out - 1) + 0.5) = align_corners + round_prefer_ceil;
 *   bilinear: align_mode 0 = half_pixel (the negative source clamped to 0,
 *     as ONNX's linear mode does), align_mode 1 = asymmetric,
 *     align_corners = align_corners. */
static bool interp_scale(const oar_pd_op *op, float *sh, float *sw) {
  double s[2];
  const int n = attr_floats(op, "scale", s, 2);
  if (n <= 0) return false;
  *sh = (float)s[0];
  *sw = (float)(n > 1 ? s[1] : s[0]);
  return *sh > 0 && *sw > 0;
}

/* Whether Paddle input slot `name` of `op` is bound to a variable. */
static bool has_input(const oar_pd_op *op, const char *name) {
  for (size_t i = 0; i < op->num_inputs; i++)
    if (strcmp(op->inputs[i].name, name) == 0) return op->inputs[i].args.n > 0;
  return false;
}

static oar_status interp_const(const oar_pd_lowering *l, const oar_pd_op *op, int slot, oar_pd_const *c,
                               oar_error *err) {
  (void)l;
  /* An OutSize tensor ([out_h, out_w], computed at run time: PaddleSeg's
   * F.interpolate(x, paddle.shape(y)[2:])) is resize's Sizes, and takes
   * precedence over `scale` and out_h / out_w, as in Paddle's kernel. */
  if (has_input(op, "OutSize")) return OAR_OK;
  float sh, sw;
  const bool by_scale = interp_scale(op, &sh, &sw);
  if (slot == OAR_RESIZE_IN_SCALES && by_scale) {
    const float v[2] = {sh, sw};
    const_f32(c, 1, 2, v);
  } else if (slot == OAR_RESIZE_IN_SIZES && !by_scale) {
    const int64_t v[2] = {int_or(op, "out_h", -1), int_or(op, "out_w", -1)};
    if (v[0] <= 0 || v[1] <= 0)
      return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                           "has no scale and out_h %lld, out_w %lld (sizes from tensors are not supported)",
                           (long long)v[0], (long long)v[1]);
    const_i64(c, 1, 2, v);
  }
  return OAR_OK;
}

static oar_status lower_interp(const oar_pd_lowering *l, const oar_pd_op *op, oar_node_builder *b,
                               oar_error *err) {
  const char *fmt = attr_str(op, "data_layout", "NCHW");
  if (strcmp(fmt, "NCHW") != 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has data_layout %s; oar resizes NCHW only", fmt);
  const bool nearest = l->func == 0, corners = int_or(op, "align_corners", 0) != 0;
  const int64_t align_mode = int_or(op, "align_mode", 1);
  int coord;
  if (corners)
    coord = OAR_RESIZE_ALIGN_CORNERS;
  else if (nearest || align_mode == 1)
    coord = OAR_RESIZE_ASYMMETRIC;
  else
    coord = OAR_RESIZE_HALF_PIXEL;
  OAR_TRY(set_i(b, OAR_RESIZE_ATTR_MODE, l->func, err));
  OAR_TRY(set_i(b, OAR_RESIZE_ATTR_COORD, coord, err));
  OAR_TRY(set_i(b, OAR_RESIZE_ATTR_NEAREST_MODE, corners ? 1 : 2, err));
  static const int64_t axes[2] = {2, 3};
  return set_ints(b, OAR_RESIZE_ATTR_AXES, axes, 2, err);
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

/* Paddle's kernels ignore the zero point (always 0) and the training state. */
static const char *const fake_quant_ignored[] = {"ZeroPoint", "InAccum", "InState", NULL};

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
    REDUCE("reduce_sum", OAR_REDUCE_SUM),
    REDUCE("reduce_mean", OAR_REDUCE_MEAN),
    REDUCE("reduce_max", OAR_REDUCE_MAX),
    REDUCE("reduce_min", OAR_REDUCE_MIN),
    REDUCE("reduce_prod", OAR_REDUCE_PROD),
    LOWER("arg_max", OAR_OP_arg_reduce, OAR_ARG_MAX, lower_arg),
    LOWER("arg_min", OAR_OP_arg_reduce, OAR_ARG_MIN, lower_arg),
    LOWER("log_softmax", OAR_OP_softmax_ext, OAR_SOFTMAX_EXT_LOG_SOFTMAX, lower_log_softmax),
    LOWER("where", OAR_OP_select, 0, lower_none),
    WITH("clip", OAR_OP_clamp, 0, lower_none, SAME, SAME, clip_const),
    WITH("expand_v2", OAR_OP_broadcast_to, 0, lower_none, SAME, SAME, expand_const),
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
    WITH("nearest_interp_v2", OAR_OP_resize_nd, 0, lower_interp, INTERP_INPUTS, Y_AS_OUT, interp_const),
    WITH("bilinear_interp_v2", OAR_OP_resize_nd, 1, lower_interp, INTERP_INPUTS, Y_AS_OUT, interp_const),
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
    {.type = "quantize_linear",
     .ir = OAR_OP_paddle_fake_quant,
     .attrs = lower_fake_quant,
     .outputs = OUT_AS_Y,
     .ignored_inputs = fake_quant_ignored},
    {.type = "dequantize_linear",
     .ir = OAR_OP_paddle_fake_quant,
     .attrs = lower_fake_quant,
     .outputs = OUT_AS_Y,
     .ignored_inputs = fake_quant_ignored},
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
