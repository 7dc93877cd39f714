/* rnn_seq: ONNX's RNN, GRU and LSTM over a whole sequence (one op, `cell`
 * picks the recurrence), forward, reverse or bidirectional, with optional
 * per-batch sequence lengths, initial states and (LSTM) peepholes. Gate
 * orders and formulas are ONNX's: GRU z, r, h; LSTM i, o, f, c. */
#include "ir/ops/infer_util.h"
#include "ir/ops/op_ext.h"

static oar_status rnn_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  const oar_tensor_view *x, *w, *r;
  OAR_TRY(oar_op_require_input(n, in, OAR_RNN_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_RNN_IN_W, &w, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_RNN_IN_R, &r, err));
  int64_t cell, hidden, dir, layout;
  OAR_TRY(oar_op_attr_int(n, OAR_RNN_ATTR_CELL, 0, 2, &cell, err));
  OAR_TRY(oar_op_attr_int(n, OAR_RNN_ATTR_HIDDEN_SIZE, 1, OAR_ATTR_SIZE_MAX, &hidden, err));
  OAR_TRY(oar_op_attr_int(n, OAR_RNN_ATTR_DIRECTION, 0, 2, &dir, err));
  OAR_TRY(oar_op_attr_int(n, OAR_RNN_ATTR_LAYOUT, 0, 1, &layout, err));
  const int64_t dirs = dir == 2 ? 2 : 1, gates = cell == 0 ? 1 : cell == 1 ? 3 : 4;
  if (x->shape.rank != 3 || w->shape.rank != 3 || r->shape.rank != 3)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "X, W and R must have rank 3");
  const int64_t seq = x->shape.dims[layout ? 1 : 0], batch = x->shape.dims[layout ? 0 : 1];
  const int64_t want_w[3] = {dirs, gates * hidden, x->shape.dims[2]},
                want_r[3] = {dirs, gates * hidden, hidden};
  for (int i = 0; i < 3; i++) {
    if (w->shape.dims[i] >= 0 && want_w[i] >= 0 && w->shape.dims[i] != want_w[i])
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "W dim %d is %lld, expected %lld", i,
                           (long long)w->shape.dims[i], (long long)want_w[i]);
    if (r->shape.dims[i] >= 0 && r->shape.dims[i] != want_r[i])
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "R dim %d is %lld, expected %lld", i,
                           (long long)r->shape.dims[i], (long long)want_r[i]);
  }
  oar_shape y = {.rank = 4}, yh = {.rank = 3};
  if (layout) {
    const int64_t d[4] = {batch, seq, dirs, hidden}, h[3] = {batch, dirs, hidden};
    for (int i = 0; i < 4; i++) y.dims[i] = d[i];
    for (int i = 0; i < 3; i++) yh.dims[i] = h[i];
  } else {
    const int64_t d[4] = {seq, dirs, batch, hidden}, h[3] = {dirs, batch, hidden};
    for (int i = 0; i < 4; i++) y.dims[i] = d[i];
    for (int i = 0; i < 3; i++) yh.dims[i] = h[i];
  }
  oar_op_set_output(n, out, OAR_RNN_OUT_Y, x->dtype, &y);
  oar_op_set_output(n, out, OAR_RNN_OUT_Y_H, x->dtype, &yh);
  oar_op_set_output(n, out, OAR_RNN_OUT_Y_C, x->dtype, &yh);
  return OAR_OK;
}

static const oar_slot_spec rnn_inputs[] = {{"X", OAR_SLOT_REQUIRED},        {"W", OAR_SLOT_REQUIRED},
                                           {"R", OAR_SLOT_REQUIRED},        {"B", OAR_SLOT_OPTIONAL},
                                           {"SeqLens", OAR_SLOT_OPTIONAL},  {"InitialH", OAR_SLOT_OPTIONAL},
                                           {"InitialC", OAR_SLOT_OPTIONAL}, {"P", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec rnn_outputs[] = {
    {"Y", OAR_SLOT_OPTIONAL}, {"Y_h", OAR_SLOT_OPTIONAL}, {"Y_c", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec rnn_attrs[] = {
    [OAR_RNN_ATTR_CELL] = OAR_ATTR_I("cell", 0),
    [OAR_RNN_ATTR_HIDDEN_SIZE] = OAR_ATTR_REQUIRED("hidden_size", OAR_ATTR_INT),
    [OAR_RNN_ATTR_DIRECTION] = OAR_ATTR_I("direction", 0),
    [OAR_RNN_ATTR_LAYOUT] = OAR_ATTR_I("layout", 0),
    [OAR_RNN_ATTR_ACTIVATIONS] = OAR_ATTR_IS_EMPTY("activations"),
    [OAR_RNN_ATTR_ALPHAS] = OAR_ATTR_FS_EMPTY("activation_alpha"),
    [OAR_RNN_ATTR_BETAS] = OAR_ATTR_FS_EMPTY("activation_beta"),
    [OAR_RNN_ATTR_CLIP] = OAR_ATTR_F("clip", 0.0),
    [OAR_RNN_ATTR_LINEAR_BEFORE_RESET] = OAR_ATTR_B("linear_before_reset", false),
    [OAR_RNN_ATTR_INPUT_FORGET] = OAR_ATTR_B("input_forget", false),
};

const oar_op_schema oar_schema_rnn_seq = {
    .name = "rnn_seq",
    .id = OAR_OP_rnn_seq,
    .inputs = rnn_inputs,
    .num_inputs = OAR_COUNT_OF(rnn_inputs),
    .outputs = rnn_outputs,
    .num_outputs = 3,
    .attrs = rnn_attrs,
    .num_attrs = OAR_COUNT_OF(rnn_attrs),
    .infer = rnn_infer,
};
