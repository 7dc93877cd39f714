/* rnn: Paddle's recurrent op (float32), schema and shapes. It runs on
 * rnn_seq's reference cell, one layer and direction at a time (runtime/ops/
 * pd_rnn.c). */
#include <string.h>

#include "ir/ops/infer_util.h"
#include "ir/ops/op_ext.h"
#include "ir/ops/pd_ops.h"

int oar_pd_rnn_cell(const oar_node *n, int *rnn_act) {
  const char *mode = oar_op_attr_str(n, OAR_PDRNN_ATTR_MODE);
  *rnn_act = OAR_RNN_ACT_TANH;
  if (strcmp(mode, "LSTM") == 0) return 2;
  if (strcmp(mode, "GRU") == 0) return 1;
  if (strcmp(mode, "RNN_TANH") == 0) return 0;
  *rnn_act = OAR_RNN_ACT_RELU;
  return strcmp(mode, "RNN_RELU") == 0 ? 0 : -1;
}

static oar_status rnn_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_PDRNN_IN_INPUT, &x, err));
  OAR_TRY(oar_op_check_rank(n, OAR_PDRNN_IN_INPUT, x, 3, 3, err));
  int act;
  const int cell = oar_pd_rnn_cell(n, &act);
  if (cell < 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "attribute 'mode' is \"%s\", expected LSTM, GRU, RNN_TANH or RNN_RELU",
                         oar_op_attr_str(n, OAR_PDRNN_ATTR_MODE));
  int64_t hidden, layers;
  OAR_TRY(oar_op_attr_int(n, OAR_PDRNN_ATTR_HIDDEN_SIZE, 1, OAR_ATTR_SIZE_MAX, &hidden, err));
  OAR_TRY(oar_op_attr_int(n, OAR_PDRNN_ATTR_NUM_LAYERS, 1, 1024, &layers, err));
  const int64_t dirs = oar_node_attr_i(n, OAR_PDRNN_ATTR_IS_BIDIREC) ? 2 : 1;
  const int states = cell == 2 ? 2 : 1;
  if (oar_node_input_count(n, OAR_PDRNN_IN_WEIGHT_LIST) != 4 * layers * dirs)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'WeightList' has %d tensors, expected %lld",
                         oar_node_input_count(n, OAR_PDRNN_IN_WEIGHT_LIST), (long long)(4 * layers * dirs));
  const int pre = oar_node_input_count(n, OAR_PDRNN_IN_PRE_STATE);
  if (pre != 0 && pre != states)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'PreState' has %d tensors, expected %d", pre,
                         states);
  if (oar_node_output_count(n, OAR_PDRNN_OUT_STATE) > states)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "output 'State' has %d tensors, expected %d",
                         oar_node_output_count(n, OAR_PDRNN_OUT_STATE), states);
  const int64_t od[3] = {x->shape.dims[0], x->shape.dims[1], dirs * hidden},
                sd[3] = {layers * dirs, x->shape.dims[1], hidden}, none = 0;
  const oar_shape y = oar_shape_make(3, od), st = oar_shape_make(3, sd), empty = oar_shape_make(1, &none);
  oar_op_set_output(n, out, OAR_PDRNN_OUT_OUT, x->dtype, &y);
  for (int k = 0; k < oar_node_output_count(n, OAR_PDRNN_OUT_STATE); k++)
    out[oar_node_out_pos(n, OAR_PDRNN_OUT_STATE, k)] = (oar_tensor_view){.dtype = x->dtype, .shape = st};
  /* training outputs, never written */
  oar_op_set_output(n, out, OAR_PDRNN_OUT_DROPOUT_STATE, OAR_DTYPE_UINT8, &empty);
  oar_op_set_output(n, out, OAR_PDRNN_OUT_RESERVE, x->dtype, &empty);
  return OAR_OK;
}

static const oar_slot_spec rnn_inputs[] = {{"Input", OAR_SLOT_REQUIRED},
                                           {"PreState", OAR_SLOT_OPTIONAL | OAR_SLOT_VARIADIC},
                                           {"WeightList", OAR_SLOT_VARIADIC},
                                           {"SequenceLength", OAR_SLOT_OPTIONAL},
                                           /* PIR's dropout_state_in: the training RNG state, unread */
                                           {"DropoutState", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec rnn_outputs[] = {{"Out", OAR_SLOT_REQUIRED},
                                            {"DropoutState", OAR_SLOT_OPTIONAL},
                                            {"State", OAR_SLOT_OPTIONAL | OAR_SLOT_VARIADIC},
                                            {"Reserve", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec rnn_attrs[] = {
    [OAR_PDRNN_ATTR_DROPOUT_PROB] = OAR_ATTR_F("dropout_prob", 0.0),
    [OAR_PDRNN_ATTR_IS_BIDIREC] = OAR_ATTR_B("is_bidirec", 0),
    [OAR_PDRNN_ATTR_INPUT_SIZE] = OAR_ATTR_I("input_size", 10),
    [OAR_PDRNN_ATTR_HIDDEN_SIZE] = OAR_ATTR_I("hidden_size", 100),
    [OAR_PDRNN_ATTR_NUM_LAYERS] = OAR_ATTR_I("num_layers", 1),
    [OAR_PDRNN_ATTR_MODE] = OAR_ATTR_S("mode", "LSTM"),
    [OAR_PDRNN_ATTR_SEED] = OAR_ATTR_I("seed", 0),
    [OAR_PDRNN_ATTR_IS_TEST] = OAR_ATTR_B("is_test", 0),
};

const oar_op_schema oar_schema_rnn = {
    .name = "rnn",
    .id = OAR_OP_rnn,
    .inputs = rnn_inputs,
    .num_inputs = OAR_COUNT_OF(rnn_inputs),
    .outputs = rnn_outputs,
    .num_outputs = OAR_COUNT_OF(rnn_outputs),
    .attrs = rnn_attrs,
    .num_attrs = OAR_COUNT_OF(rnn_attrs),
    .infer = rnn_infer,
};
