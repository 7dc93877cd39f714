/* layout_to_blocked and layout_from_blocked (see blocked_layout.h). */
#include "ir/ops/blocked_layout.h"

#include "ir/ops/infer_util.h"

oar_shape oar_blocked_shape(const oar_shape *nchw) {
  const int64_t dims[5] = {nchw->dims[0], oar_blocked_channels(nchw->dims[1]), nchw->dims[2], nchw->dims[3],
                           OAR_BLOCK_C};
  return oar_shape_make(5, dims);
}

oar_status oar_blocked_as_nchw(const oar_shape *x, const char *slot_name, int64_t channels, oar_shape *nchw,
                               oar_error *err) {
  char buf[128];
  if (x->rank != 5 || x->dims[4] != OAR_BLOCK_C)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input '%s' has shape %s, expected [N, C/16, H, W, 16]",
                         slot_name, oar_shape_str(x, buf, sizeof buf));
  if (channels < 0) channels = x->dims[1] < 0 ? -1 : x->dims[1] * OAR_BLOCK_C;
  if (channels >= 0 && x->dims[1] >= 0 && oar_blocked_channels(channels) != x->dims[1])
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "input '%s' has shape %s: %lld blocks, expected %lld for %lld channels", slot_name,
                         oar_shape_str(x, buf, sizeof buf), (long long)x->dims[1],
                         (long long)oar_blocked_channels(channels), (long long)channels);
  const int64_t dims[4] = {x->dims[0], channels, x->dims[2], x->dims[3]};
  *nchw = oar_shape_make(4, dims);
  return OAR_OK;
}

static const oar_slot_spec layout_inputs[] = {{"X", OAR_SLOT_REQUIRED}};
static const oar_slot_spec layout_outputs[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_attr_spec from_blocked_attrs[] = {
    [OAR_LAYOUT_ATTR_CHANNELS] = OAR_ATTR_REQUIRED("channels", OAR_ATTR_INT),
};

static oar_status to_blocked_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                   oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_LAYOUT_IN_X, &x, err));
  char buf[128];
  if (x->shape.rank != 4)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'X' has shape %s, expected [N, C, H, W]",
                         oar_shape_str(&x->shape, buf, sizeof buf));
  const oar_shape shape = oar_blocked_shape(&x->shape);
  oar_op_set_output(n, out, OAR_LAYOUT_OUT_OUT, x->dtype, &shape);
  return OAR_OK;
}

static oar_status from_blocked_infer(const oar_node *n, const oar_tensor_view *const *in,
                                     oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_LAYOUT_IN_X, &x, err));
  int64_t channels;
  OAR_TRY(oar_op_attr_int(n, OAR_LAYOUT_ATTR_CHANNELS, 1, OAR_ATTR_SIZE_MAX, &channels, err));
  oar_shape shape;
  OAR_TRY(oar_blocked_as_nchw(&x->shape, "X", channels, &shape, err));
  oar_op_set_output(n, out, OAR_LAYOUT_OUT_OUT, x->dtype, &shape);
  return OAR_OK;
}

const oar_op_schema oar_schema_layout_to_blocked = {
    .name = "layout_to_blocked",
    .id = OAR_OP_layout_to_blocked,
    .inputs = layout_inputs,
    .num_inputs = OAR_COUNT_OF(layout_inputs),
    .outputs = layout_outputs,
    .num_outputs = OAR_COUNT_OF(layout_outputs),
    .infer = to_blocked_infer,
};

const oar_op_schema oar_schema_layout_from_blocked = {
    .name = "layout_from_blocked",
    .id = OAR_OP_layout_from_blocked,
    .inputs = layout_inputs,
    .num_inputs = OAR_COUNT_OF(layout_inputs),
    .outputs = layout_outputs,
    .num_outputs = OAR_COUNT_OF(layout_outputs),
    .attrs = from_blocked_attrs,
    .num_attrs = OAR_COUNT_OF(from_blocked_attrs),
    .infer = from_blocked_infer,
};
