/* pool2d (max / avg, global, adaptive, ceil_mode, exclusive, NCHW/NHWC). */
#include "ir/ops/pool.h"

#include <string.h>

#include "ir/ops/blocked_layout.h"
#include "ir/ops/infer_util.h"

static const oar_slot_spec pool_inputs[] = {{"X", OAR_SLOT_REQUIRED}};
static const oar_slot_spec pool_outputs[] = {{"Out", OAR_SLOT_REQUIRED}};

static const oar_attr_spec pool_attrs[] = {
    /* Paddle's maker gives pooling_type and ksize no default. */
    [OAR_POOL_ATTR_POOLING_TYPE] = OAR_ATTR_REQUIRED("pooling_type", OAR_ATTR_STRING),
    [OAR_POOL_ATTR_KSIZE] = OAR_ATTR_REQUIRED("ksize", OAR_ATTR_INTS),
    [OAR_POOL_ATTR_GLOBAL_POOLING] = OAR_ATTR_B("global_pooling", false),
    [OAR_POOL_ATTR_STRIDES] = OAR_ATTR_IS("strides", 1, 1),
    [OAR_POOL_ATTR_PADDINGS] = OAR_ATTR_IS("paddings", 0, 0),
    [OAR_POOL_ATTR_EXCLUSIVE] = OAR_ATTR_B("exclusive", true),
    [OAR_POOL_ATTR_ADAPTIVE] = OAR_ATTR_B("adaptive", false),
    [OAR_POOL_ATTR_CEIL_MODE] = OAR_ATTR_B("ceil_mode", false),
    [OAR_POOL_ATTR_DATA_FORMAT] = OAR_ATTR_S("data_format", "NCHW"),
    [OAR_POOL_ATTR_PADDING_ALGORITHM] = OAR_ATTR_S("padding_algorithm", "EXPLICIT"),
};

oar_status oar_pool2d_geometry(const oar_node *n, const oar_shape *x, oar_pool2d_geom *g, oar_error *err) {
  char xs[128];
  if (x->rank != 4)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'X' has rank %d (shape %s), expected rank 4",
                         x->rank, oar_shape_str(x, xs, sizeof xs));
  const char *type = oar_op_attr_str(n, OAR_POOL_ATTR_POOLING_TYPE);
  if (strcmp(type, "max") == 0) {
    g->is_max = true;
  } else if (strcmp(type, "avg") == 0) {
    g->is_max = false;
  } else {
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "attribute 'pooling_type' is \"%s\", expected \"max\" or \"avg\"", type);
  }
  int64_t ksize[2], strides[2], pads[4], flag;
  oar_pad_algo algo;
  OAR_TRY(oar_op_attr_ints_n(n, OAR_POOL_ATTR_KSIZE, 2, 1, OAR_ATTR_SIZE_MAX, ksize, err));
  OAR_TRY(oar_op_attr_ints_n(n, OAR_POOL_ATTR_STRIDES, 2, 1, OAR_ATTR_SIZE_MAX, strides, err));
  OAR_TRY(oar_op_paddings_2d(n, OAR_POOL_ATTR_PADDINGS, pads, err));
  OAR_TRY(oar_op_parse_pad_algo(n, OAR_POOL_ATTR_PADDING_ALGORITHM, &algo, err));
  OAR_TRY(oar_op_parse_nhwc(n, OAR_POOL_ATTR_DATA_FORMAT, &g->nhwc, err));
  OAR_TRY(oar_op_attr_int(n, OAR_POOL_ATTR_GLOBAL_POOLING, 0, 1, &flag, err));
  const bool global = flag != 0;
  OAR_TRY(oar_op_attr_int(n, OAR_POOL_ATTR_ADAPTIVE, 0, 1, &flag, err));
  const bool adaptive = flag != 0;
  OAR_TRY(oar_op_attr_int(n, OAR_POOL_ATTR_EXCLUSIVE, 0, 1, &flag, err));
  g->exclusive = flag != 0;
  OAR_TRY(oar_op_attr_int(n, OAR_POOL_ATTR_CEIL_MODE, 0, 1, &flag, err));
  const bool ceil_mode = flag != 0;

  g->batch = x->dims[0];
  g->channels = x->dims[g->nhwc ? 3 : 1];
  g->in_h = x->dims[g->nhwc ? 1 : 2];
  g->in_w = x->dims[g->nhwc ? 2 : 3];
  g->stride_h = strides[0];
  g->stride_w = strides[1];

  /* UpdatePadding: SAME uses the ksize attribute (before global_pooling
   * replaces it); global or adaptive pooling then drops all padding. */
  if (algo == OAR_PAD_SAME) {
    OAR_TRY(oar_same_padding(g->in_h, ksize[0], strides[0], &pads[0], &pads[1], err));
    OAR_TRY(oar_same_padding(g->in_w, ksize[1], strides[1], &pads[2], &pads[3], err));
  } else if (algo == OAR_PAD_VALID) {
    pads[0] = pads[1] = pads[2] = pads[3] = 0;
  }
  if (global || adaptive) pads[0] = pads[1] = pads[2] = pads[3] = 0;
  if (global) {
    ksize[0] = g->in_h;
    ksize[1] = g->in_w;
  }
  g->pad_top = pads[0];
  g->pad_bottom = pads[1];
  g->pad_left = pads[2];
  g->pad_right = pads[3];
  g->kernel_h = ksize[0];
  g->kernel_w = ksize[1];

  if (adaptive) {
    g->out_h = ksize[0];
    g->out_w = ksize[1];
    /* The kernel computes o * in for window bounds: keep it in range. */
    if (g->in_h > INT64_MAX / (g->out_h + 1) || g->in_w > INT64_MAX / (g->out_w + 1))
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'X' %s is too large for adaptive pooling",
                           oar_shape_str(x, xs, sizeof xs));
    /* See the header: Paddle's max kernel ignores `adaptive`. */
    g->adaptive = !g->is_max;
    if (g->is_max) g->exclusive = true;
    return OAR_OK;
  }
  g->adaptive = false;
  if (g->is_max) g->exclusive = true; /* irrelevant for max; keeps the geometry canonical */
  if (g->in_h >= 0 && g->kernel_h >= 0) {
    OAR_TRY(oar_window_out_size(g->in_h, g->kernel_h, 1, g->pad_top, g->pad_bottom, g->stride_h, ceil_mode,
                                "height", &g->out_h, err));
  } else {
    g->out_h = -1;
  }
  if (g->in_w >= 0 && g->kernel_w >= 0) {
    OAR_TRY(oar_window_out_size(g->in_w, g->kernel_w, 1, g->pad_left, g->pad_right, g->stride_w, ceil_mode,
                                "width", &g->out_w, err));
  } else {
    g->out_w = -1;
  }
  return OAR_OK;
}

static oar_status pool2d_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_POOL_IN_X, &x, err));
  oar_pool2d_geom g;
  OAR_TRY(oar_pool2d_geometry(n, &x->shape, &g, err));
  const int64_t dims[4] = {g.batch, g.nhwc ? g.out_h : g.channels, g.nhwc ? g.out_w : g.out_h,
                           g.nhwc ? g.channels : g.out_w};
  const oar_shape shape = oar_shape_make(4, dims);
  oar_op_set_output(n, out, OAR_POOL_OUT_OUT, x->dtype, &shape);
  return OAR_OK;
}

const oar_op_schema oar_schema_pool2d = {
    .name = "pool2d",
    .id = OAR_OP_pool2d,
    .inputs = pool_inputs,
    .num_inputs = OAR_COUNT_OF(pool_inputs),
    .outputs = pool_outputs,
    .num_outputs = OAR_COUNT_OF(pool_outputs),
    .attrs = pool_attrs,
    .num_attrs = OAR_COUNT_OF(pool_attrs),
    .infer = pool2d_infer,
};

/* pool2d on the blocked layout (ir/ops/blocked_layout.h). */
static oar_status pool2d_blocked_infer(const oar_node *n, const oar_tensor_view *const *in,
                                       oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_POOL_IN_X, &x, err));
  oar_shape nchw;
  OAR_TRY(oar_blocked_as_nchw(&x->shape, "X", -1, &nchw, err));
  oar_pool2d_geom g;
  OAR_TRY(oar_pool2d_geometry(n, &nchw, &g, err));
  if (g.nhwc)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute 'data_format' is NHWC, expected NCHW");
  const int64_t dims[5] = {g.batch, x->shape.dims[1], g.out_h, g.out_w, OAR_BLOCK_C};
  const oar_shape shape = oar_shape_make(5, dims);
  oar_op_set_output(n, out, OAR_POOL_OUT_OUT, x->dtype, &shape);
  return OAR_OK;
}

const oar_op_schema oar_schema_pool2d_blocked = {
    .name = "pool2d_blocked",
    .id = OAR_OP_pool2d_blocked,
    .inputs = pool_inputs,
    .num_inputs = OAR_COUNT_OF(pool_inputs),
    .outputs = pool_outputs,
    .num_outputs = OAR_COUNT_OF(pool_outputs),
    .attrs = pool_attrs,
    .num_attrs = OAR_COUNT_OF(pool_attrs),
    .infer = pool2d_blocked_infer,
};
