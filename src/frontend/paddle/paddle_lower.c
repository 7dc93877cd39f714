#include "frontend/paddle/paddle_lower.h"

#include <string.h>

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

/* reduce_*: dim, keep_dim, reduce_all (or an empty dim) for every axis. */
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

#define UNARY(type, func) \
  { type, OAR_OP_unary_math, func, lower_unary }
#define BINARY(type, func) \
  { type, OAR_OP_binary_math, func, lower_binary }
#define REDUCE(type, func) \
  { type, OAR_OP_reduce, func, lower_reduce }

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
    {"thresholded_relu", OAR_OP_unary_math, OAR_UNARY_THRESHOLDED_RELU, lower_thresholded_relu},
    {"softplus", OAR_OP_unary_math, OAR_UNARY_SOFTPLUS, lower_softplus},
    {"softshrink", OAR_OP_unary_math, OAR_UNARY_SHRINK, lower_shrink},
    {"hard_shrink", OAR_OP_unary_math, OAR_UNARY_SHRINK, lower_shrink},
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
    {"arg_max", OAR_OP_arg_reduce, OAR_ARG_MAX, lower_arg},
    {"arg_min", OAR_OP_arg_reduce, OAR_ARG_MIN, lower_arg},
    {"log_softmax", OAR_OP_softmax_ext, OAR_SOFTMAX_EXT_LOG_SOFTMAX, lower_log_softmax},
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
