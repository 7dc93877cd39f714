/* conv_nd, conv_transpose_nd, pool_nd: N-d sliding windows over
 * [N, C, D1..Dn] inputs with ONNX's padding rules (explicit pads, or
 * auto_pad SAME_UPPER / SAME_LOWER / VALID), dilations, groups, and for
 * pools ceil_mode and count_include_pad. */
#include <string.h>

#include "ir/ops/infer_util.h"
#include "ir/ops/op_ext.h"

enum { AUTO_NOTSET, AUTO_SAME_UPPER, AUTO_SAME_LOWER, AUTO_VALID };

static oar_status ints_n(const oar_node *n, int idx, int count, int64_t lo, int64_t *v, int64_t def,
                         oar_error *err) {
  const oar_attr *a = oar_node_attr(n, idx);
  if (a->n == 0) {
    for (int i = 0; i < count; i++) v[i] = def;
    return OAR_OK;
  }
  return oar_op_attr_ints_n(n, idx, count, lo, OAR_ATTR_SIZE_MAX, v, err);
}

static bool is_pool(const oar_node *n) { return n->schema->id == OAR_OP_pool_nd; }
static bool is_transpose(const oar_node *n) { return n->schema->id == OAR_OP_conv_transpose_nd; }

/* floor or ceil of a / b for b > 0 (a may be negative). */
static int64_t div_floor(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
static int64_t div_ceil(int64_t a, int64_t b) { return -div_floor(-a, b); }

oar_status oar_window_geometry(const oar_node *n, const oar_shape *x, const oar_shape *w, oar_window_geom *g,
                               oar_error *err) {
  memset(g, 0, sizeof *g);
  if (x->rank < 3)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input X must have rank >= 3 ([N, C, D...]), got %d",
                         x->rank);
  const int nsp = x->rank - 2;
  g->nsp = nsp;
  g->batch = x->dims[0];
  g->in_c = x->dims[1];
  for (int i = 0; i < nsp; i++) g->in[i] = x->dims[2 + i];
  int64_t auto_pad;
  OAR_TRY(oar_op_attr_int(n, OAR_WIN_ATTR_AUTO_PAD, 0, 3, &auto_pad, err));
  const oar_attr *ka = oar_node_attr(n, OAR_WIN_ATTR_KERNEL_SHAPE);
  if (is_pool(n)) {
    OAR_TRY(oar_op_attr_ints_n(n, OAR_WIN_ATTR_KERNEL_SHAPE, nsp, 1, OAR_ATTR_SIZE_MAX, g->kernel, err));
    int64_t mode, v;
    OAR_TRY(oar_op_attr_int(n, OAR_WIN_ATTR_GROUP, 0, 2, &mode, err));
    g->mode = (int)mode;
    OAR_TRY(oar_op_attr_int(n, OAR_WIN_ATTR_OUTPUT_SHAPE, 0, 1, &v, err));
    g->count_include_pad = v != 0;
    OAR_TRY(oar_op_attr_int(n, OAR_WIN_ATTR_P, 1, 64, &g->p, err));
    g->group = 1;
    g->out_c = g->in_c;
  } else {
    if (!w || w->rank != x->rank)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "weight W must have rank %d like X, got %d",
                           x->rank, w ? w->rank : -1);
    OAR_TRY(oar_op_attr_int(n, OAR_WIN_ATTR_GROUP, 1, OAR_ATTR_SIZE_MAX, &g->group, err));
    for (int i = 0; i < nsp; i++) g->kernel[i] = w->dims[2 + i];
    if (ka->n) {
      int64_t k[OAR_WIN_MAX_SPATIAL];
      OAR_TRY(oar_op_attr_ints_n(n, OAR_WIN_ATTR_KERNEL_SHAPE, nsp, 1, OAR_ATTR_SIZE_MAX, k, err));
      for (int i = 0; i < nsp; i++) {
        if (g->kernel[i] >= 0 && g->kernel[i] != k[i])
          return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "kernel_shape[%d] = %lld but W has %lld", i,
                               (long long)k[i], (long long)g->kernel[i]);
        g->kernel[i] = k[i];
      }
    }
    if (is_transpose(n)) {
      /* W is [C, M / group, k...]. */
      if (w->dims[0] >= 0 && g->in_c >= 0 && w->dims[0] != g->in_c)
        return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "W has %lld input channels, X has %lld",
                             (long long)w->dims[0], (long long)g->in_c);
      g->out_c = w->dims[1] < 0 ? -1 : w->dims[1] * g->group;
    } else {
      /* W is [M, C / group, k...]. */
      if (w->dims[1] >= 0 && g->in_c >= 0 && w->dims[1] * g->group != g->in_c)
        return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                             "W has %lld channels per group x %lld groups, X has %lld", (long long)w->dims[1],
                             (long long)g->group, (long long)g->in_c);
      g->out_c = w->dims[0];
      if (g->out_c >= 0 && g->out_c % g->group)
        return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                             "%lld output channels do not divide into %lld groups", (long long)g->out_c,
                             (long long)g->group);
    }
    if (g->in_c >= 0 && g->in_c % g->group)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                           "%lld input channels do not divide into %lld groups", (long long)g->in_c,
                           (long long)g->group);
  }
  OAR_TRY(ints_n(n, OAR_WIN_ATTR_STRIDES, nsp, 1, g->stride, 1, err));
  OAR_TRY(ints_n(n, OAR_WIN_ATTR_DILATIONS, nsp, 1, g->dilation, 1, err));
  int64_t pads[2 * OAR_WIN_MAX_SPATIAL];
  OAR_TRY(ints_n(n, OAR_WIN_ATTR_PADS, 2 * nsp, 0, pads, 0, err));
  for (int i = 0; i < nsp; i++) {
    g->pad_begin[i] = pads[i];
    g->pad_end[i] = pads[nsp + i];
  }
  bool ceil_mode = false;
  int64_t out_pad[OAR_WIN_MAX_SPATIAL] = {0}, out_shape[OAR_WIN_MAX_SPATIAL];
  bool has_out_shape = false;
  if (is_pool(n)) {
    int64_t v = 0;
    OAR_TRY(oar_op_attr_int(n, OAR_WIN_ATTR_OUTPUT_PADDING, 0, 1, &v, err));
    ceil_mode = v != 0;
  } else if (is_transpose(n)) {
    OAR_TRY(ints_n(n, OAR_WIN_ATTR_OUTPUT_PADDING, nsp, 0, out_pad, 0, err));
    if (oar_node_attr(n, OAR_WIN_ATTR_OUTPUT_SHAPE)->n) {
      OAR_TRY(oar_op_attr_ints_n(n, OAR_WIN_ATTR_OUTPUT_SHAPE, nsp, 0, OAR_ATTR_SIZE_MAX, out_shape, err));
      has_out_shape = true;
    }
  }
  for (int i = 0; i < nsp; i++) {
    const int64_t in = g->in[i], s = g->stride[i], ek = g->dilation[i] * (g->kernel[i] - 1) + 1;
    if (is_transpose(n)) {
      if (in < 0) {
        g->out[i] = -1;
        continue;
      }
      const int64_t full = s * (in - 1) + out_pad[i] + ek;
      if (has_out_shape || auto_pad == AUTO_SAME_UPPER || auto_pad == AUTO_SAME_LOWER) {
        const int64_t want = has_out_shape ? out_shape[i] : in * s;
        const int64_t total = full - want;
        if (total < 0 && !has_out_shape)
          return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "negative total padding");
        /* Python's floor division, as ONNX's reference (total may be
         * negative when output_shape asks for more than the full size). */
        const int64_t half = div_floor(total, 2);
        if (auto_pad == AUTO_SAME_UPPER) {
          g->pad_begin[i] = half;
          g->pad_end[i] = total - half;
        } else {
          g->pad_begin[i] = total - half;
          g->pad_end[i] = half;
        }
        g->out[i] = want;
      } else {
        if (auto_pad == AUTO_VALID) g->pad_begin[i] = g->pad_end[i] = 0;
        g->out[i] = full - g->pad_begin[i] - g->pad_end[i];
      }
      if (g->out[i] < 0)
        return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "spatial dim %d would have size %lld", i,
                             (long long)g->out[i]);
      continue;
    }
    if (auto_pad == AUTO_SAME_UPPER || auto_pad == AUTO_SAME_LOWER) {
      if (in < 0) {
        g->out[i] = -1;
        continue;
      }
      const int64_t out = div_ceil(in, s);
      int64_t total = (out - 1) * s + ek - in;
      if (total < 0) total = 0;
      g->pad_begin[i] = auto_pad == AUTO_SAME_UPPER ? total / 2 : total - total / 2;
      g->pad_end[i] = total - g->pad_begin[i];
      g->out[i] = out;
      continue;
    }
    if (auto_pad == AUTO_VALID) g->pad_begin[i] = g->pad_end[i] = 0;
    if (in < 0) {
      g->out[i] = -1;
      continue;
    }
    const int64_t span = in + g->pad_begin[i] + g->pad_end[i] - ek;
    if (span < 0)
      return oar_error_set(
          err, OAR_ERR_INVALID_ARGUMENT,
          "spatial dim %d: the window (%lld with dilation) is larger than the padded input (%lld)", i,
          (long long)ek, (long long)(in + g->pad_begin[i] + g->pad_end[i]));
    int64_t out = (ceil_mode ? div_ceil(span, s) : div_floor(span, s)) + 1;
    /* A last window that would start in the end padding is dropped. */
    if (ceil_mode && (out - 1) * s >= in + g->pad_begin[i]) out--;
    g->out[i] = out;
  }
  return OAR_OK;
}

static const oar_slot_spec conv_inputs[] = {
    {"X", OAR_SLOT_REQUIRED}, {"W", OAR_SLOT_REQUIRED}, {"B", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec pool_inputs[] = {{"X", OAR_SLOT_REQUIRED}};
static const oar_slot_spec win_outputs[] = {{"Y", OAR_SLOT_REQUIRED}};

static const oar_attr_spec conv_attrs[] = {
    [OAR_WIN_ATTR_KERNEL_SHAPE] = OAR_ATTR_IS_EMPTY("kernel_shape"),
    [OAR_WIN_ATTR_STRIDES] = OAR_ATTR_IS_EMPTY("strides"),
    [OAR_WIN_ATTR_DILATIONS] = OAR_ATTR_IS_EMPTY("dilations"),
    [OAR_WIN_ATTR_PADS] = OAR_ATTR_IS_EMPTY("pads"),
    [OAR_WIN_ATTR_AUTO_PAD] = OAR_ATTR_I("auto_pad", 0),
    [OAR_WIN_ATTR_GROUP] = OAR_ATTR_I("group", 1),
};
static const oar_attr_spec conv_t_attrs[] = {
    [OAR_WIN_ATTR_KERNEL_SHAPE] = OAR_ATTR_IS_EMPTY("kernel_shape"),
    [OAR_WIN_ATTR_STRIDES] = OAR_ATTR_IS_EMPTY("strides"),
    [OAR_WIN_ATTR_DILATIONS] = OAR_ATTR_IS_EMPTY("dilations"),
    [OAR_WIN_ATTR_PADS] = OAR_ATTR_IS_EMPTY("pads"),
    [OAR_WIN_ATTR_AUTO_PAD] = OAR_ATTR_I("auto_pad", 0),
    [OAR_WIN_ATTR_GROUP] = OAR_ATTR_I("group", 1),
    [OAR_WIN_ATTR_OUTPUT_PADDING] = OAR_ATTR_IS_EMPTY("output_padding"),
    [OAR_WIN_ATTR_OUTPUT_SHAPE] = OAR_ATTR_IS_EMPTY("output_shape"),
};
static const oar_attr_spec pool_attrs[] = {
    [OAR_WIN_ATTR_KERNEL_SHAPE] = OAR_ATTR_REQUIRED("kernel_shape", OAR_ATTR_INTS),
    [OAR_WIN_ATTR_STRIDES] = OAR_ATTR_IS_EMPTY("strides"),
    [OAR_WIN_ATTR_DILATIONS] = OAR_ATTR_IS_EMPTY("dilations"),
    [OAR_WIN_ATTR_PADS] = OAR_ATTR_IS_EMPTY("pads"),
    [OAR_WIN_ATTR_AUTO_PAD] = OAR_ATTR_I("auto_pad", 0),
    [OAR_WIN_ATTR_GROUP] = OAR_ATTR_I("mode", OAR_POOL_ND_MAX),
    [OAR_WIN_ATTR_OUTPUT_PADDING] = OAR_ATTR_B("ceil_mode", false),
    [OAR_WIN_ATTR_OUTPUT_SHAPE] = OAR_ATTR_B("count_include_pad", false),
    [OAR_WIN_ATTR_P] = OAR_ATTR_I("p", 2),
};

static oar_status win_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  const oar_tensor_view *x, *w = NULL;
  OAR_TRY(oar_op_require_input(n, in, OAR_WIN_IN_X, &x, err));
  if (!is_pool(n)) OAR_TRY(oar_op_require_input(n, in, OAR_WIN_IN_W, &w, err));
  oar_window_geom g;
  OAR_TRY(oar_window_geometry(n, &x->shape, w ? &w->shape : NULL, &g, err));
  oar_shape s = {0};
  s.rank = x->shape.rank;
  s.dims[0] = g.batch;
  s.dims[1] = g.out_c;
  for (int i = 0; i < g.nsp; i++) s.dims[2 + i] = g.out[i];
  oar_op_set_output(n, out, OAR_WIN_OUT_Y, x->dtype, &s);
  return OAR_OK;
}

#define WIN_SCHEMA(op, ins, attr_arr)      \
  const oar_op_schema oar_schema_##op = {  \
      .name = #op,                         \
      .id = OAR_OP_##op,                   \
      .inputs = ins,                       \
      .num_inputs = OAR_COUNT_OF(ins),     \
      .outputs = win_outputs,              \
      .num_outputs = 1,                    \
      .attrs = attr_arr,                   \
      .num_attrs = OAR_COUNT_OF(attr_arr), \
      .infer = win_infer,                  \
  }

WIN_SCHEMA(conv_nd, conv_inputs, conv_attrs);
WIN_SCHEMA(conv_transpose_nd, conv_inputs, conv_t_attrs);
WIN_SCHEMA(pool_nd, pool_inputs, pool_attrs);
