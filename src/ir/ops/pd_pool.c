/* pool3d, max_pool2d_with_index, max_pool3d_with_index, unfold, temporal_shift:
 * Paddle's window ops (float32), schemas and shapes. */
#include <string.h>

#include "ir/ops/infer_util.h"
#include "ir/ops/pd_ops.h"

static const char *const dim_names[3] = {"depth", "height", "width"};

/* Paddle's MaxPoolWithIndexInferMeta: global_pooling makes ksize the
 * input's size and paddings 0; adaptive outputs ksize; otherwise
 * (in + 2 pad - k) / stride + 1, rounded up with ceil_mode. */
oar_status oar_pd_pool_index_geometry(const oar_node *n, const oar_shape *x, oar_pd_pool_geom *g,
                                      oar_error *err) {
  const int nsp = n->schema->id == OAR_OP_max_pool3d_with_index ? 3 : 2;
  if (x->rank != nsp + 2)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'X' has rank %d, expected %d", x->rank, nsp + 2);
  g->nsp = nsp;
  g->adaptive = oar_node_attr_i(n, OAR_POOLIDX_ATTR_ADAPTIVE) != 0;
  const bool global = oar_node_attr_i(n, OAR_POOLIDX_ATTR_GLOBAL_POOLING) != 0,
             ceil_mode = oar_node_attr_i(n, OAR_POOLIDX_ATTR_CEIL_MODE) != 0;
  OAR_TRY(oar_op_attr_ints_n(n, OAR_POOLIDX_ATTR_KSIZE, nsp, 1, OAR_ATTR_SIZE_MAX, g->kernel, err));
  OAR_TRY(oar_op_attr_ints_n(n, OAR_POOLIDX_ATTR_STRIDES, nsp, 1, OAR_ATTR_SIZE_MAX, g->stride, err));
  OAR_TRY(oar_op_attr_ints_n(n, OAR_POOLIDX_ATTR_PADDINGS, nsp, 0, OAR_ATTR_SIZE_MAX, g->pad, err));
  for (int i = 0; i < nsp; i++) {
    g->in[i] = x->dims[i + 2];
    if (global) {
      g->kernel[i] = g->in[i];
      g->pad[i] = 0;
    }
    if (g->in[i] < 0 && (global || !g->adaptive))
      g->out[i] = -1;
    else if (g->adaptive) /* Paddle: adaptive outputs ksize, the input's size when global too */
      g->out[i] = g->kernel[i];
    else
      OAR_TRY(oar_window_out_size(g->in[i], g->kernel[i], 1, g->pad[i], g->pad[i], g->stride[i], ceil_mode,
                                  dim_names[i + 3 - nsp], &g->out[i], err));
  }
  return OAR_OK;
}

static oar_status pool_index_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                   oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, 0, &x, err));
  oar_pd_pool_geom g;
  OAR_TRY(oar_pd_pool_index_geometry(n, &x->shape, &g, err));
  oar_shape y = x->shape;
  for (int i = 0; i < g.nsp; i++) y.dims[i + 2] = g.out[i];
  oar_op_set_output(n, out, OAR_POOLIDX_OUT_OUT, x->dtype, &y);
  oar_op_set_output(n, out, OAR_POOLIDX_OUT_MASK, OAR_DTYPE_INT32, &y);
  return OAR_OK;
}

/* Paddle's UnfoldInferMeta: paddings are [top, left, bottom, right]. */
oar_status oar_pd_unfold_geometry(const oar_node *n, const oar_shape *x, oar_pd_unfold_geom *g,
                                  oar_error *err) {
  if (x->rank != 4)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'X' has rank %d, expected 4", x->rank);
  int64_t pads[4];
  OAR_TRY(oar_op_attr_ints_n(n, OAR_UNFOLD_ATTR_KERNEL_SIZES, 2, 1, OAR_ATTR_SIZE_MAX, g->kernel, err));
  OAR_TRY(oar_op_attr_ints_n(n, OAR_UNFOLD_ATTR_STRIDES, 2, 1, OAR_ATTR_SIZE_MAX, g->stride, err));
  OAR_TRY(oar_op_attr_ints_n(n, OAR_UNFOLD_ATTR_DILATIONS, 2, 1, OAR_ATTR_SIZE_MAX, g->dilation, err));
  OAR_TRY(oar_op_attr_ints_n(n, OAR_UNFOLD_ATTR_PADDINGS, 4, 0, OAR_ATTR_SIZE_MAX, pads, err));
  for (int i = 0; i < 2; i++) {
    g->pad_begin[i] = pads[i];
    g->pad_end[i] = pads[i + 2];
    OAR_TRY(oar_window_out_size(x->dims[i + 2], g->kernel[i], g->dilation[i], g->pad_begin[i], g->pad_end[i],
                                g->stride[i], false, dim_names[i + 1], &g->out[i], err));
  }
  return OAR_OK;
}

static oar_status unfold_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, 0, &x, err));
  oar_pd_unfold_geom g;
  OAR_TRY(oar_pd_unfold_geometry(n, &x->shape, &g, err));
  const int64_t c = x->shape.dims[1];
  const int64_t dims[3] = {x->shape.dims[0], c < 0 ? -1 : c * g.kernel[0] * g.kernel[1],
                           g.out[0] < 0 || g.out[1] < 0 ? -1 : g.out[0] * g.out[1]};
  const oar_shape y = oar_shape_make(3, dims);
  oar_op_set_output(n, out, 0, x->dtype, &y);
  return OAR_OK;
}

static oar_status temporal_shift_infer(const oar_node *n, const oar_tensor_view *const *in,
                                       oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, 0, &x, err));
  OAR_TRY(oar_op_check_rank(n, 0, x, 4, 4, err));
  bool nhwc;
  OAR_TRY(oar_op_parse_nhwc(n, OAR_TSHIFT_ATTR_DATA_FORMAT, &nhwc, err));
  int64_t seg;
  OAR_TRY(oar_op_attr_int(n, OAR_TSHIFT_ATTR_SEG_NUM, 1, OAR_ATTR_SIZE_MAX, &seg, err));
  if (x->shape.dims[0] >= 0 && x->shape.dims[0] % seg != 0)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "batch %lld is not a multiple of seg_num %lld",
                         (long long)x->shape.dims[0], (long long)seg);
  const double r = oar_node_attr_f(n, OAR_TSHIFT_ATTR_SHIFT_RATIO);
  if (!(r >= 0 && r <= 0.5))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute 'shift_ratio' is %g, expected 0 to 0.5", r);
  oar_op_set_output(n, out, 0, x->dtype, &x->shape);
  return OAR_OK;
}

/* ---- pool3d ------------------------------------------------------------------------ */

oar_status oar_pd_pool3d_geometry(const oar_node *n, const oar_shape *x, oar_pd_pool3d_geom *g,
                                  oar_error *err) {
  if (x->rank != 5)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'X' has rank %d, expected 5", x->rank);
  const char *type = oar_op_attr_str(n, OAR_POOL3D_ATTR_POOLING_TYPE),
             *fmt = oar_op_attr_str(n, OAR_POOL3D_ATTR_DATA_FORMAT);
  if (strcmp(type, "max") != 0 && strcmp(type, "avg") != 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "attribute 'pooling_type' is \"%s\", expected \"max\" or \"avg\"", type);
  if (strcmp(fmt, "NCDHW") != 0 && strcmp(fmt, "NDHWC") != 0 && strcmp(fmt, "AnyLayout") != 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "attribute 'data_format' is \"%s\", expected \"NCDHW\" or \"NDHWC\"", fmt);
  g->is_max = strcmp(type, "max") == 0;
  g->nhwc = strcmp(fmt, "NDHWC") == 0;
  const bool global = oar_node_attr_i(n, OAR_POOL3D_ATTR_GLOBAL_POOLING) != 0,
             adaptive = oar_node_attr_i(n, OAR_POOL3D_ATTR_ADAPTIVE) != 0,
             ceil_mode = oar_node_attr_i(n, OAR_POOL3D_ATTR_CEIL_MODE) != 0;
  g->exclusive = g->is_max || oar_node_attr_i(n, OAR_POOL3D_ATTR_EXCLUSIVE) != 0;
  g->adaptive = adaptive && !g->is_max;
  oar_pad_algo algo;
  OAR_TRY(oar_op_parse_pad_algo(n, OAR_POOL3D_ATTR_PADDING_ALGORITHM, &algo, err));
  OAR_TRY(oar_op_attr_ints_n(n, OAR_POOL3D_ATTR_KSIZE, 3, 1, OAR_ATTR_SIZE_MAX, g->kernel, err));
  OAR_TRY(oar_op_attr_ints_n(n, OAR_POOL3D_ATTR_STRIDES, 3, 1, OAR_ATTR_SIZE_MAX, g->stride, err));
  const oar_attr *pa = oar_node_attr(n, OAR_POOL3D_ATTR_PADDINGS);
  int64_t pads[6];
  if (pa->n == 3) {
    for (int i = 0; i < 3; i++) pads[2 * i] = pads[2 * i + 1] = pa->ints[i];
  } else if (pa->n == 6) {
    for (int i = 0; i < 6; i++) pads[i] = pa->ints[i];
  } else {
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute 'paddings' has %zu values, expected 3 or 6",
                         pa->n);
  }
  for (int i = 0; i < 6; i++)
    if (pads[i] < 0 || pads[i] > OAR_ATTR_SIZE_MAX)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute 'paddings' has %lld", (long long)pads[i]);
  g->batch = x->dims[0];
  g->channels = x->dims[g->nhwc ? 4 : 1];
  for (int i = 0; i < 3; i++) {
    g->in[i] = x->dims[i + (g->nhwc ? 1 : 2)];
    if (algo == OAR_PAD_SAME && g->in[i] >= 0)
      OAR_TRY(oar_same_padding(g->in[i], g->kernel[i], g->stride[i], &pads[2 * i], &pads[2 * i + 1], err));
    if (algo == OAR_PAD_VALID || global || adaptive) pads[2 * i] = pads[2 * i + 1] = 0;
    if (global) g->kernel[i] = g->in[i];
    g->pad[i] = pads[2 * i];
    if (adaptive) {
      g->out[i] = g->kernel[i];
      if (g->in[i] > INT64_MAX / (g->out[i] + 1))
        return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'X' is too large for adaptive pooling");
    } else if (g->in[i] < 0) {
      g->out[i] = -1;
    } else {
      OAR_TRY(oar_window_out_size(g->in[i], g->kernel[i], 1, pads[2 * i], pads[2 * i + 1], g->stride[i],
                                  ceil_mode, dim_names[i], &g->out[i], err));
    }
  }
  return OAR_OK;
}

static oar_status pool3d_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, 0, &x, err));
  oar_pd_pool3d_geom g;
  OAR_TRY(oar_pd_pool3d_geometry(n, &x->shape, &g, err));
  oar_shape y = x->shape;
  for (int i = 0; i < 3; i++) y.dims[i + (g.nhwc ? 1 : 2)] = g.out[i];
  oar_op_set_output(n, out, 0, x->dtype, &y);
  return OAR_OK;
}

static const oar_attr_spec pool3d_attrs[] = {
    [OAR_POOL3D_ATTR_POOLING_TYPE] = OAR_ATTR_REQUIRED("pooling_type", OAR_ATTR_STRING),
    [OAR_POOL3D_ATTR_KSIZE] = OAR_ATTR_REQUIRED("ksize", OAR_ATTR_INTS),
    [OAR_POOL3D_ATTR_STRIDES] = OAR_ATTR_IS("strides", 1, 1, 1),
    [OAR_POOL3D_ATTR_PADDINGS] = OAR_ATTR_IS("paddings", 0, 0, 0),
    [OAR_POOL3D_ATTR_GLOBAL_POOLING] = OAR_ATTR_B("global_pooling", 0),
    [OAR_POOL3D_ATTR_EXCLUSIVE] = OAR_ATTR_B("exclusive", 1),
    [OAR_POOL3D_ATTR_ADAPTIVE] = OAR_ATTR_B("adaptive", 0),
    [OAR_POOL3D_ATTR_CEIL_MODE] = OAR_ATTR_B("ceil_mode", 0),
    [OAR_POOL3D_ATTR_DATA_FORMAT] = OAR_ATTR_S("data_format", "NCDHW"),
    [OAR_POOL3D_ATTR_PADDING_ALGORITHM] = OAR_ATTR_S("padding_algorithm", "EXPLICIT"),
};

static const oar_slot_spec x_input[] = {{"X", OAR_SLOT_REQUIRED}};
static const oar_slot_spec out_output[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_slot_spec y_output[] = {{"Y", OAR_SLOT_REQUIRED}};
static const oar_slot_spec pool_index_outputs[] = {{"Out", OAR_SLOT_REQUIRED}, {"Mask", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec pool2d_index_attrs[] = {
    [OAR_POOLIDX_ATTR_KSIZE] = OAR_ATTR_REQUIRED("ksize", OAR_ATTR_INTS),
    [OAR_POOLIDX_ATTR_STRIDES] = OAR_ATTR_IS("strides", 1, 1),
    [OAR_POOLIDX_ATTR_PADDINGS] = OAR_ATTR_IS("paddings", 0, 0),
    [OAR_POOLIDX_ATTR_GLOBAL_POOLING] = OAR_ATTR_B("global_pooling", 0),
    [OAR_POOLIDX_ATTR_ADAPTIVE] = OAR_ATTR_B("adaptive", 0),
    [OAR_POOLIDX_ATTR_CEIL_MODE] = OAR_ATTR_B("ceil_mode", 0),
};
static const oar_attr_spec pool3d_index_attrs[] = {
    [OAR_POOLIDX_ATTR_KSIZE] = OAR_ATTR_REQUIRED("ksize", OAR_ATTR_INTS),
    [OAR_POOLIDX_ATTR_STRIDES] = OAR_ATTR_IS("strides", 1, 1, 1),
    [OAR_POOLIDX_ATTR_PADDINGS] = OAR_ATTR_IS("paddings", 0, 0, 0),
    [OAR_POOLIDX_ATTR_GLOBAL_POOLING] = OAR_ATTR_B("global_pooling", 0),
    [OAR_POOLIDX_ATTR_ADAPTIVE] = OAR_ATTR_B("adaptive", 0),
    [OAR_POOLIDX_ATTR_CEIL_MODE] = OAR_ATTR_B("ceil_mode", 0),
};
static const oar_attr_spec unfold_attrs[] = {
    [OAR_UNFOLD_ATTR_KERNEL_SIZES] = OAR_ATTR_REQUIRED("kernel_sizes", OAR_ATTR_INTS),
    [OAR_UNFOLD_ATTR_STRIDES] = OAR_ATTR_IS("strides", 1, 1),
    [OAR_UNFOLD_ATTR_PADDINGS] = OAR_ATTR_IS("paddings", 0, 0, 0, 0),
    [OAR_UNFOLD_ATTR_DILATIONS] = OAR_ATTR_IS("dilations", 1, 1),
};
static const oar_attr_spec tshift_attrs[] = {
    [OAR_TSHIFT_ATTR_SEG_NUM] = OAR_ATTR_REQUIRED("seg_num", OAR_ATTR_INT),
    [OAR_TSHIFT_ATTR_SHIFT_RATIO] = OAR_ATTR_F("shift_ratio", 0.25),
    [OAR_TSHIFT_ATTR_DATA_FORMAT] = OAR_ATTR_S("data_format", "NCHW"),
};

#define POOL_INDEX_SCHEMA(op, attr_table)    \
  const oar_op_schema oar_schema_##op = {    \
      .name = #op,                           \
      .id = OAR_OP_##op,                     \
      .inputs = x_input,                     \
      .num_inputs = 1,                       \
      .outputs = pool_index_outputs,         \
      .num_outputs = 2,                      \
      .attrs = attr_table,                   \
      .num_attrs = OAR_COUNT_OF(attr_table), \
      .infer = pool_index_infer,             \
  };
POOL_INDEX_SCHEMA(max_pool2d_with_index, pool2d_index_attrs)
POOL_INDEX_SCHEMA(max_pool3d_with_index, pool3d_index_attrs)

const oar_op_schema oar_schema_pool3d = {
    .name = "pool3d",
    .id = OAR_OP_pool3d,
    .inputs = x_input,
    .num_inputs = 1,
    .outputs = out_output,
    .num_outputs = 1,
    .attrs = pool3d_attrs,
    .num_attrs = OAR_COUNT_OF(pool3d_attrs),
    .infer = pool3d_infer,
};

const oar_op_schema oar_schema_unfold = {
    .name = "unfold",
    .id = OAR_OP_unfold,
    .inputs = x_input,
    .num_inputs = 1,
    .outputs = y_output,
    .num_outputs = 1,
    .attrs = unfold_attrs,
    .num_attrs = OAR_COUNT_OF(unfold_attrs),
    .infer = unfold_infer,
};

const oar_op_schema oar_schema_temporal_shift = {
    .name = "temporal_shift",
    .id = OAR_OP_temporal_shift,
    .inputs = x_input,
    .num_inputs = 1,
    .outputs = out_output,
    .num_outputs = 1,
    .attrs = tshift_attrs,
    .num_attrs = OAR_COUNT_OF(tshift_attrs),
    .infer = temporal_shift_infer,
};
