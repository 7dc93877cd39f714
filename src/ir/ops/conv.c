/* conv2d and depthwise_conv2d (Paddle legacy ops; same semantics, the
 * depthwise form just has groups == input channels). */
#include "ir/ops/conv.h"

#include <string.h>

#include "ir/ops/blocked_layout.h"
#include "ir/ops/infer_util.h"

static const oar_slot_spec conv_inputs[] = {
    {"Input", OAR_SLOT_REQUIRED},
    {"Filter", OAR_SLOT_REQUIRED},
    {"Bias", OAR_SLOT_OPTIONAL},         /* [M]; unused in exported models (bias is an elementwise_add) */
    {"ResidualData", OAR_SLOT_OPTIONAL}, /* added to the output (oneDNN fusion) */
};
static const oar_slot_spec conv_outputs[] = {{"Output", OAR_SLOT_REQUIRED}};

#define CONV_ATTR_SPECS                                                            \
  [OAR_CONV_ATTR_STRIDES] = OAR_ATTR_IS("strides", 1, 1),                          \
  [OAR_CONV_ATTR_PADDINGS] = OAR_ATTR_IS("paddings", 0, 0),                        \
  [OAR_CONV_ATTR_PADDING_ALGORITHM] = OAR_ATTR_S("padding_algorithm", "EXPLICIT"), \
  [OAR_CONV_ATTR_DILATIONS] = OAR_ATTR_IS("dilations", 1, 1),                      \
  [OAR_CONV_ATTR_GROUPS] = OAR_ATTR_I("groups", 1),                                \
  [OAR_CONV_ATTR_DATA_FORMAT] = OAR_ATTR_S("data_format", "NCHW"),                 \
  [OAR_CONV_ATTR_FUSE_ACTIVATION] = OAR_ATTR_S("fuse_activation", ""),             \
  [OAR_CONV_ATTR_FUSE_ALPHA] = OAR_ATTR_F("fuse_alpha", 0.0),                      \
  [OAR_CONV_ATTR_FUSE_BETA] = OAR_ATTR_F("fuse_beta", 0.0)

static const oar_attr_spec conv_attrs[] = {CONV_ATTR_SPECS};
static const oar_attr_spec conv_blocked_attrs[] = {
    CONV_ATTR_SPECS,
    [OAR_CONV_ATTR_PAD_OUTPUT] = OAR_ATTR_IS("pad_output", 0, 0),
    [OAR_CONV_ATTR_ALGORITHM] = OAR_ATTR_S("algorithm", "direct"),
};

oar_status oar_conv2d_geometry(const oar_node *n, const oar_shape *input, const oar_shape *filter,
                               oar_conv2d_geom *g, oar_error *err) {
  char is[128], fs[128];
  if (input->rank != 4)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'Input' has rank %d (shape %s), expected rank 4",
                         input->rank, oar_shape_str(input, is, sizeof is));
  if (filter->rank != 4)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "input 'Filter' has rank %d (shape %s), expected rank 4 [M, C/groups, kh, kw]",
                         filter->rank, oar_shape_str(filter, fs, sizeof fs));
  int64_t strides[2], dilations[2], pads[4];
  oar_pad_algo algo;
  OAR_TRY(oar_op_parse_nhwc(n, OAR_CONV_ATTR_DATA_FORMAT, &g->nhwc, err));
  OAR_TRY(oar_op_attr_ints_n(n, OAR_CONV_ATTR_STRIDES, 2, 1, OAR_ATTR_SIZE_MAX, strides, err));
  OAR_TRY(oar_op_attr_ints_n(n, OAR_CONV_ATTR_DILATIONS, 2, 1, OAR_ATTR_SIZE_MAX, dilations, err));
  OAR_TRY(oar_op_paddings_2d(n, OAR_CONV_ATTR_PADDINGS, pads, err));
  OAR_TRY(oar_op_parse_pad_algo(n, OAR_CONV_ATTR_PADDING_ALGORITHM, &algo, err));
  OAR_TRY(oar_op_attr_int(n, OAR_CONV_ATTR_GROUPS, 1, OAR_ATTR_SIZE_MAX, &g->groups, err));

  g->batch = input->dims[0];
  g->in_c = input->dims[g->nhwc ? 3 : 1];
  g->in_h = input->dims[g->nhwc ? 1 : 2];
  g->in_w = input->dims[g->nhwc ? 2 : 3];
  g->out_c = filter->dims[0];
  g->kernel_h = filter->dims[2];
  g->kernel_w = filter->dims[3];
  if (g->kernel_h < 0 || g->kernel_w < 0 || g->out_c < 0 || filter->dims[1] < 0)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'Filter' shape %s must be known",
                         oar_shape_str(filter, fs, sizeof fs));
  int64_t want_c;
  if (__builtin_mul_overflow(filter->dims[1], g->groups, &want_c) || (g->in_c >= 0 && g->in_c != want_c))
    return oar_error_set(
        err, OAR_ERR_INVALID_MODEL,
        "input 'Input' %s has %lld channels, expected Filter %s channels per group (%lld) x groups "
        "(%lld)",
        oar_shape_str(input, is, sizeof is), (long long)g->in_c, oar_shape_str(filter, fs, sizeof fs),
        (long long)filter->dims[1], (long long)g->groups);
  if (g->out_c % g->groups != 0)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "input 'Filter' %s has %lld output channels, not a multiple of groups %lld",
                         oar_shape_str(filter, fs, sizeof fs), (long long)g->out_c, (long long)g->groups);

  g->stride_h = strides[0];
  g->stride_w = strides[1];
  g->dilation_h = dilations[0];
  g->dilation_w = dilations[1];
  if (algo == OAR_PAD_SAME) {
    OAR_TRY(oar_same_padding(g->in_h, g->kernel_h, g->stride_h, &pads[0], &pads[1], err));
    OAR_TRY(oar_same_padding(g->in_w, g->kernel_w, g->stride_w, &pads[2], &pads[3], err));
    g->dilation_h = g->dilation_w = 1;
  } else if (algo == OAR_PAD_VALID) {
    pads[0] = pads[1] = pads[2] = pads[3] = 0;
  }
  g->pad_top = pads[0];
  g->pad_bottom = pads[1];
  g->pad_left = pads[2];
  g->pad_right = pads[3];
  OAR_TRY(oar_window_out_size(g->in_h, g->kernel_h, g->dilation_h, g->pad_top, g->pad_bottom, g->stride_h,
                              false, "height", &g->out_h, err));
  OAR_TRY(oar_window_out_size(g->in_w, g->kernel_w, g->dilation_w, g->pad_left, g->pad_right, g->stride_w,
                              false, "width", &g->out_w, err));
  return OAR_OK;
}

oar_shape oar_conv2d_out_shape(const oar_conv2d_geom *g) {
  const int64_t dims[4] = {g->batch, g->nhwc ? g->out_h : g->out_c, g->nhwc ? g->out_w : g->out_h,
                           g->nhwc ? g->out_c : g->out_w};
  return oar_shape_make(4, dims);
}

/* Bias [out_c] and ResidualData (the output's shape) of a convolution, if
 * bound; then the output. */
static oar_status finish_infer(const oar_node *n, const oar_tensor_view *const *in, oar_dtype t,
                               int64_t out_c, const oar_shape *shape, oar_tensor_view *out, oar_error *err) {
  char buf[128], want[128];
  const oar_tensor_view *bias = oar_op_input(n, in, OAR_CONV_IN_BIAS);
  if (bias) {
    const int64_t numel = oar_shape_numel(&bias->shape);
    if (bias->dtype != t || (numel >= 0 && numel != out_c))
      return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                           "input 'Bias' is %s %s, expected %s with %lld elements",
                           oar_dtype_str(bias->dtype), oar_shape_str(&bias->shape, buf, sizeof buf),
                           oar_dtype_str(t), (long long)out_c);
  }
  const oar_tensor_view *res = oar_op_input(n, in, OAR_CONV_IN_RESIDUAL);
  if (res && (res->dtype != t || !oar_shape_equal(&res->shape, shape)))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'ResidualData' is %s %s, expected %s %s",
                         oar_dtype_str(res->dtype), oar_shape_str(&res->shape, buf, sizeof buf),
                         oar_dtype_str(t), oar_shape_str(shape, want, sizeof want));
  oar_op_set_output(n, out, OAR_CONV_OUT_OUTPUT, t, shape);
  return OAR_OK;
}

static oar_status conv2d_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  const oar_tensor_view *x, *w;
  OAR_TRY(oar_op_require_input(n, in, OAR_CONV_IN_INPUT, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_CONV_IN_FILTER, &w, err));
  OAR_TRY(oar_op_check_same_dtype(n, OAR_CONV_IN_INPUT, x, OAR_CONV_IN_FILTER, w, err));
  oar_conv2d_geom g;
  OAR_TRY(oar_conv2d_geometry(n, &x->shape, &w->shape, &g, err));
  const oar_shape shape = oar_conv2d_out_shape(&g);

  return finish_infer(n, in, x->dtype, g.out_c, &shape, out, err);
}

const oar_op_schema oar_schema_conv2d = {
    .name = "conv2d",
    .id = OAR_OP_conv2d,
    .inputs = conv_inputs,
    .num_inputs = OAR_COUNT_OF(conv_inputs),
    .outputs = conv_outputs,
    .num_outputs = OAR_COUNT_OF(conv_outputs),
    .attrs = conv_attrs,
    .num_attrs = OAR_COUNT_OF(conv_attrs),
    .infer = conv2d_infer,
};

const oar_op_schema oar_schema_depthwise_conv2d = {
    .name = "depthwise_conv2d",
    .id = OAR_OP_depthwise_conv2d,
    .inputs = conv_inputs,
    .num_inputs = OAR_COUNT_OF(conv_inputs),
    .outputs = conv_outputs,
    .num_outputs = OAR_COUNT_OF(conv_outputs),
    .attrs = conv_attrs,
    .num_attrs = OAR_COUNT_OF(conv_attrs),
    .infer = conv2d_infer,
};

/* conv2d on the blocked layout (ir/ops/blocked_layout.h): the geometry is
 * conv2d's on the NCHW shape the blocked input stands for. */
static oar_status conv2d_blocked_infer(const oar_node *n, const oar_tensor_view *const *in,
                                       oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x, *w;
  OAR_TRY(oar_op_require_input(n, in, OAR_CONV_IN_INPUT, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_CONV_IN_FILTER, &w, err));
  OAR_TRY(oar_op_check_same_dtype(n, OAR_CONV_IN_INPUT, x, OAR_CONV_IN_FILTER, w, err));
  char buf[128];
  if (w->shape.rank != 4 || w->shape.dims[1] < 0)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "input 'Filter' has shape %s, expected [M, C/groups, kh, kw]",
                         oar_shape_str(&w->shape, buf, sizeof buf));
  int64_t groups, channels;
  OAR_TRY(oar_op_attr_int(n, OAR_CONV_ATTR_GROUPS, 1, OAR_ATTR_SIZE_MAX, &groups, err));
  if (__builtin_mul_overflow(w->shape.dims[1], groups, &channels))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute 'groups' %lld is too large",
                         (long long)groups);
  /* A rank-4 Input is plain NCHW (first layers). */
  oar_shape nchw = x->shape;
  if (x->shape.rank != 4) OAR_TRY(oar_blocked_as_nchw(&x->shape, "Input", channels, &nchw, err));
  oar_conv2d_geom g;
  OAR_TRY(oar_conv2d_geometry(n, &nchw, &w->shape, &g, err));
  if (g.nhwc)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute 'data_format' is NHWC, expected NCHW");
  const oar_shape plain = oar_conv2d_out_shape(&g), shape = oar_blocked_shape(&plain);
  OAR_TRY(finish_infer(n, in, x->dtype, g.out_c, &shape, out, err));
  const char *algorithm = oar_op_attr_str(n, OAR_CONV_ATTR_ALGORITHM);
  if (strcmp(algorithm, "direct") != 0 && strcmp(algorithm, "winograd") != 0)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "attribute 'algorithm' is '%s', expected direct or winograd", algorithm);
  int64_t pads[4];
  OAR_TRY(oar_conv2d_pad_output(n, pads, err));
  if (pads[0] || pads[1] || pads[2] || pads[3]) {
    oar_shape padded = shape;
    if ((padded.dims[2] >= 0 && __builtin_add_overflow(padded.dims[2], pads[0] + pads[1], &padded.dims[2])) ||
        (padded.dims[3] >= 0 && __builtin_add_overflow(padded.dims[3], pads[2] + pads[3], &padded.dims[3])))
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute 'pad_output' is too large");
    oar_op_set_output(n, out, OAR_CONV_OUT_OUTPUT, x->dtype, &padded);
  }
  return OAR_OK;
}

oar_status oar_conv2d_pad_output(const oar_node *n, int64_t pads[4], oar_error *err) {
  if (n->schema->id != OAR_OP_conv2d_blocked) {
    pads[0] = pads[1] = pads[2] = pads[3] = 0;
    return OAR_OK;
  }
  return oar_op_paddings_2d(n, OAR_CONV_ATTR_PAD_OUTPUT, pads, err);
}

const oar_op_schema oar_schema_conv2d_blocked = {
    .name = "conv2d_blocked",
    .id = OAR_OP_conv2d_blocked,
    .inputs = conv_inputs,
    .num_inputs = OAR_COUNT_OF(conv_inputs),
    .outputs = conv_outputs,
    .num_outputs = OAR_COUNT_OF(conv_outputs),
    .attrs = conv_blocked_attrs,
    .num_attrs = OAR_COUNT_OF(conv_blocked_attrs),
    .infer = conv2d_blocked_infer,
};

/* ---- conv2d_int8 ------------------------------------------------------------------ */

static const oar_slot_spec conv_int8_inputs[] = {
    {"Input", OAR_SLOT_REQUIRED},           /* uint8 or int8, NCHW */
    {"Filter", OAR_SLOT_REQUIRED},          /* int8 [M, C/groups, kh, kw], zero point 0 */
    {"Bias", OAR_SLOT_OPTIONAL},            /* float32 [M] */
    {"ResidualData", OAR_SLOT_OPTIONAL},    /* float32, the output's shape */
    {"InputScale", OAR_SLOT_REQUIRED},      /* float32, one value */
    {"InputZeroPoint", OAR_SLOT_OPTIONAL},  /* Input's dtype, one value (0 when absent) */
    {"FilterScale", OAR_SLOT_REQUIRED},     /* float32, one value or [M] */
    {"OutputScale", OAR_SLOT_OPTIONAL},     /* float32, one value: requantized output */
    {"OutputZeroPoint", OAR_SLOT_OPTIONAL}, /* uint8 or int8, one value */
};

static oar_status expect_one(const oar_tensor_view *v, const char *slot, oar_dtype t, oar_error *err) {
  if (v->dtype != t || oar_shape_numel(&v->shape) != 1)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input '%s' is %s with %lld values, expected one %s",
                         slot, oar_dtype_str(v->dtype), (long long)oar_shape_numel(&v->shape),
                         oar_dtype_str(t));
  return OAR_OK;
}

static oar_status conv2d_int8_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                    oar_error *err) {
  const oar_tensor_view *x, *w, *xs, *ws;
  OAR_TRY(oar_op_require_input(n, in, OAR_CONV_IN_INPUT, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_CONV_IN_FILTER, &w, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_CONV_INT8_IN_INPUT_SCALE, &xs, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_CONV_INT8_IN_FILTER_SCALE, &ws, err));
  if (x->dtype != OAR_DTYPE_UINT8 && x->dtype != OAR_DTYPE_INT8)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'Input' is %s, expected uint8 or int8",
                         oar_dtype_str(x->dtype));
  if (w->dtype != OAR_DTYPE_INT8)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'Filter' is %s, expected int8",
                         oar_dtype_str(w->dtype));
  OAR_TRY(expect_one(xs, "InputScale", OAR_DTYPE_FLOAT32, err));
  const oar_tensor_view *xz = oar_op_input(n, in, OAR_CONV_INT8_IN_INPUT_ZERO_POINT);
  if (xz) OAR_TRY(expect_one(xz, "InputZeroPoint", x->dtype, err));
  oar_conv2d_geom g;
  OAR_TRY(oar_conv2d_geometry(n, &x->shape, &w->shape, &g, err));
  if (g.nhwc)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute 'data_format' is NHWC, expected NCHW");
  const int64_t scales = oar_shape_numel(&ws->shape);
  if (ws->dtype != OAR_DTYPE_FLOAT32 || (scales != 1 && scales != g.out_c))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "input 'FilterScale' is %s with %lld values, expected float32 with 1 or %lld",
                         oar_dtype_str(ws->dtype), (long long)scales, (long long)g.out_c);
  const oar_shape shape = oar_conv2d_out_shape(&g);
  OAR_TRY(finish_infer(n, in, OAR_DTYPE_FLOAT32, g.out_c, &shape, out, err));
  const oar_tensor_view *os = oar_op_input(n, in, OAR_CONV_INT8_IN_OUTPUT_SCALE),
                        *oz = oar_op_input(n, in, OAR_CONV_INT8_IN_OUTPUT_ZERO_POINT);
  if (oz && !os)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'OutputZeroPoint' without 'OutputScale'");
  if (!os) return OAR_OK;
  OAR_TRY(expect_one(os, "OutputScale", OAR_DTYPE_FLOAT32, err));
  oar_dtype t = OAR_DTYPE_UINT8;
  if (oz) {
    if (oz->dtype != OAR_DTYPE_UINT8 && oz->dtype != OAR_DTYPE_INT8)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                           "input 'OutputZeroPoint' is %s, expected uint8 or int8", oar_dtype_str(oz->dtype));
    OAR_TRY(expect_one(oz, "OutputZeroPoint", oz->dtype, err));
    t = oz->dtype;
  }
  oar_op_set_output(n, out, OAR_CONV_OUT_OUTPUT, t, &shape);
  return OAR_OK;
}

const oar_op_schema oar_schema_conv2d_int8 = {
    .name = "conv2d_int8",
    .id = OAR_OP_conv2d_int8,
    .inputs = conv_int8_inputs,
    .num_inputs = OAR_COUNT_OF(conv_int8_inputs),
    .outputs = conv_outputs,
    .num_outputs = OAR_COUNT_OF(conv_outputs),
    .attrs = conv_attrs,
    .num_attrs = OAR_COUNT_OF(conv_attrs),
    .infer = conv2d_int8_infer,
};
