/* Converters of the neural-network ops: Conv, pooling, BatchNormalization,
 * Softmax (and its opset < 13 flattening form), LogSoftmax, Hardmax. */
#include <stdio.h>
#include <string.h>

#include "frontend/onnx/onnx_ops.h"
#include "ir/ops/op_ext.h"

/* auto_pad: NOTSET (explicit pads), SAME_UPPER, SAME_LOWER, VALID. */
typedef enum { PAD_NOTSET, PAD_SAME_UPPER, PAD_SAME_LOWER, PAD_VALID } auto_pad;

static oar_status read_auto_pad(onnx_cx *cx, auto_pad *p) {
  char buf[32];
  const char *s = cx_attr_s(cx, "auto_pad", "NOTSET", buf, sizeof buf);
  if (!strcmp(s, "NOTSET") || !*s)
    *p = PAD_NOTSET;
  else if (!strcmp(s, "SAME_UPPER"))
    *p = PAD_SAME_UPPER;
  else if (!strcmp(s, "SAME_LOWER"))
    *p = PAD_SAME_LOWER;
  else if (!strcmp(s, "VALID"))
    *p = PAD_VALID;
  else
    return cx_invalid(cx, "auto_pad '%s' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID", s);
  return OAR_OK;
}

/* Reads kernel_shape/strides/dilations/pads for `nsp` spatial dims,
 * filling defaults (strides and dilations 1, pads 0). */
typedef struct window_attrs {
  int nsp;
  bool has_kernel;
  int64_t kernel[OAR_MAX_RANK], strides[OAR_MAX_RANK], dilations[OAR_MAX_RANK], pads[2 * OAR_MAX_RANK];
  auto_pad pad;
} window_attrs;

static oar_status read_window(onnx_cx *cx, int nsp, window_attrs *w) {
  memset(w, 0, sizeof *w);
  w->nsp = nsp;
  int n;
  for (int i = 0; i < nsp; i++) w->strides[i] = w->dilations[i] = 1;
  w->has_kernel = cx_attr_ints(cx, "kernel_shape", w->kernel, OAR_MAX_RANK, &n);
  if (w->has_kernel && n != nsp) return cx_invalid(cx, "kernel_shape has %d values, expected %d", n, nsp);
  if (cx_attr_ints(cx, "strides", w->strides, OAR_MAX_RANK, &n) && n != nsp)
    return cx_invalid(cx, "strides has %d values, expected %d", n, nsp);
  if (cx_attr_ints(cx, "dilations", w->dilations, OAR_MAX_RANK, &n) && n != nsp)
    return cx_invalid(cx, "dilations has %d values, expected %d", n, nsp);
  if (cx_attr_ints(cx, "pads", w->pads, 2 * OAR_MAX_RANK, &n) && n != 2 * nsp)
    return cx_invalid(cx, "pads has %d values, expected %d", n, 2 * nsp);
  OAR_TRY(cx->st);
  return read_auto_pad(cx, &w->pad);
}

/* Sets the generic window attributes of the N-d ops (op_ext.h). */
static void set_window(onnx_cx *cx, oar_node_builder *b, const window_attrs *w) {
  cx_set_ints(cx, b, "kernel_shape", w->kernel, w->has_kernel ? w->nsp : 0);
  cx_set_ints(cx, b, "strides", w->strides, w->nsp);
  cx_set_ints(cx, b, "dilations", w->dilations, w->nsp);
  cx_set_ints(cx, b, "pads", w->pads, 2 * w->nsp);
  cx_set_i(cx, b, "auto_pad", (int64_t)w->pad);
}

/* ---- Conv ------------------------------------------------------------------- */

oar_status onnx_convert_conv(onnx_cx *cx) {
  int x = cx_need_in(cx, 0), wt = cx_need_in(cx, 1), bias = cx_in(cx, 2), y = cx_need_out(cx, 0);
  int rank = cx_rank(cx, wt);
  if (rank < 0) rank = cx_rank(cx, x);
  if (rank < 3) return cx_unsupported(cx, "the rank of X and W is not known at load time");
  window_attrs w;
  OAR_TRY(read_window(cx, rank - 2, &w));
  const int64_t group = cx_attr_i(cx, "group", 1);
  oar_node_builder b;
  /* 2-D convolutions whose padding Paddle's conv2d expresses map onto it
   * (SAME in Paddle puts the odd pad after: SAME_UPPER). */
  bool dilated = false;
  for (int i = 0; i < w.nsp; i++) dilated |= w.dilations[i] != 1;
  /* Paddle's SAME ignores dilations; ONNX's does not. */
  if (rank == 4 && w.pad != PAD_SAME_LOWER && !(w.pad == PAD_SAME_UPPER && dilated)) {
    if (w.has_kernel) {
      oar_shape ws;
      if (cx_info(cx, wt, NULL, &ws) &&
          ((ws.dims[2] >= 0 && ws.dims[2] != w.kernel[0]) || (ws.dims[3] >= 0 && ws.dims[3] != w.kernel[1])))
        return cx_invalid(cx, "kernel_shape does not match W's dims");
    }
    const int64_t paddings[4] = {w.pads[0], w.pads[2], w.pads[1], w.pads[3]};
    cx_begin(cx, OAR_OP_conv2d, &b);
    cx_add_in(cx, &b, 0, x);
    cx_add_in(cx, &b, 1, wt);
    cx_add_in(cx, &b, 2, bias);
    cx_add_out(cx, &b, 0, y);
    cx_set_ints(cx, &b, "strides", w.strides, 2);
    cx_set_ints(cx, &b, "dilations", w.dilations, 2);
    cx_set_ints(cx, &b, "paddings", paddings, 4);
    cx_set_s(cx, &b, "padding_algorithm",
             w.pad == PAD_SAME_UPPER ? "SAME"
             : w.pad == PAD_VALID    ? "VALID"
                                     : "EXPLICIT");
    cx_set_i(cx, &b, "groups", group);
    return cx_end(cx, &b);
  }
  cx_begin(cx, OAR_OP_conv_nd, &b);
  cx_add_in(cx, &b, 0, x);
  cx_add_in(cx, &b, 1, wt);
  cx_add_in(cx, &b, 2, bias);
  cx_add_out(cx, &b, 0, y);
  set_window(cx, &b, &w);
  cx_set_i(cx, &b, "group", group);
  return cx_end(cx, &b);
}

oar_status onnx_convert_conv_transpose(onnx_cx *cx) {
  int x = cx_need_in(cx, 0), wt = cx_need_in(cx, 1), bias = cx_in(cx, 2), y = cx_need_out(cx, 0);
  int rank = cx_rank(cx, wt);
  if (rank < 0) rank = cx_rank(cx, x);
  if (rank < 3) return cx_unsupported(cx, "the rank of X and W is not known at load time");
  window_attrs w;
  OAR_TRY(read_window(cx, rank - 2, &w));
  int64_t out_pad[OAR_MAX_RANK] = {0}, out_shape[OAR_MAX_RANK];
  int n_op, n_os;
  if (cx_attr_ints(cx, "output_padding", out_pad, OAR_MAX_RANK, &n_op) && n_op != w.nsp)
    return cx_invalid(cx, "output_padding has %d values, expected %d", n_op, w.nsp);
  bool has_os = cx_attr_ints(cx, "output_shape", out_shape, OAR_MAX_RANK, &n_os);
  if (has_os && n_os != w.nsp) {
    if (n_os != w.nsp + 2) return cx_invalid(cx, "output_shape has %d values, expected %d", n_os, w.nsp);
    memmove(out_shape, out_shape + 2, (size_t)w.nsp * sizeof *out_shape);
  }
  OAR_TRY(cx->st);
  oar_node_builder b;
  cx_begin(cx, OAR_OP_conv_transpose_nd, &b);
  cx_add_in(cx, &b, 0, x);
  cx_add_in(cx, &b, 1, wt);
  cx_add_in(cx, &b, 2, bias);
  cx_add_out(cx, &b, 0, y);
  set_window(cx, &b, &w);
  cx_set_i(cx, &b, "group", cx_attr_i(cx, "group", 1));
  cx_set_ints(cx, &b, "output_padding", out_pad, w.nsp);
  cx_set_ints(cx, &b, "output_shape", out_shape, has_os ? w.nsp : 0);
  return cx_end(cx, &b);
}

/* ---- pooling ------------------------------------------------------------------ */

static oar_status pool(onnx_cx *cx, bool is_max, bool is_lp) {
  int x = cx_need_in(cx, 0), y = cx_need_out(cx, 0);
  int rank = cx_rank(cx, x);
  if (rank < 3) return cx_unsupported(cx, "the rank of X is not known at load time");
  window_attrs w;
  OAR_TRY(read_window(cx, rank - 2, &w));
  if (!w.has_kernel) return cx_invalid(cx, "kernel_shape is required");
  const bool ceil_mode = cx_attr_i(cx, "ceil_mode", 0) != 0;
  const bool count_include_pad = cx_attr_i(cx, "count_include_pad", 0) != 0;
  if (cx_attr_i(cx, "storage_order", 0) != 0) return cx_unsupported(cx, "storage_order 1 is not supported");
  if (cx_out(cx, 1) >= 0) return cx_unsupported(cx, "the Indices output is not supported");
  /* MaxPool of uint8 / int8 (opset 12; what ONNX Runtime's quantizer leaves
   * between quantized ops): the max of the values cast to float32, which
   * holds every 8-bit value exactly, cast back. */
  oar_dtype xt;
  if (is_max && cx_info(cx, x, &xt, NULL) && (xt == OAR_DTYPE_UINT8 || xt == OAR_DTYPE_INT8)) {
    int xf = cx_temp(cx), yf = cx_temp(cx);
    OAR_TRY(cx_cast(cx, x, xf, OAR_DTYPE_FLOAT32));
    onnx_cx sub = *cx;
    sub.in = &xf;
    sub.num_in = 1;
    sub.out = &yf;
    sub.num_out = 1;
    pool(&sub, is_max, is_lp);
    if ((cx->st = sub.st) != OAR_OK) return cx->st;
    return cx_cast(cx, yf, y, xt);
  }
  bool dilated = false;
  for (int i = 0; i < w.nsp; i++) dilated |= w.dilations[i] != 1;
  oar_node_builder b;
  if (rank == 4 && !is_lp && !ceil_mode && !dilated && w.pad != PAD_SAME_LOWER) {
    const int64_t paddings[4] = {w.pads[0], w.pads[2], w.pads[1], w.pads[3]};
    cx_begin(cx, OAR_OP_pool2d, &b);
    cx_add_in(cx, &b, 0, x);
    cx_add_out(cx, &b, 0, y);
    cx_set_s(cx, &b, "pooling_type", is_max ? "max" : "avg");
    cx_set_ints(cx, &b, "ksize", w.kernel, 2);
    cx_set_ints(cx, &b, "strides", w.strides, 2);
    cx_set_ints(cx, &b, "paddings", paddings, 4);
    cx_set_i(cx, &b, "exclusive", !count_include_pad);
    cx_set_s(cx, &b, "padding_algorithm",
             w.pad == PAD_SAME_UPPER ? "SAME"
             : w.pad == PAD_VALID    ? "VALID"
                                     : "EXPLICIT");
    return cx_end(cx, &b);
  }
  cx_begin(cx, OAR_OP_pool_nd, &b);
  cx_add_in(cx, &b, 0, x);
  cx_add_out(cx, &b, 0, y);
  set_window(cx, &b, &w);
  cx_set_i(cx, &b, "mode", is_lp ? OAR_POOL_ND_LP : is_max ? OAR_POOL_ND_MAX : OAR_POOL_ND_AVG);
  cx_set_i(cx, &b, "ceil_mode", ceil_mode);
  cx_set_i(cx, &b, "count_include_pad", count_include_pad);
  cx_set_i(cx, &b, "p", cx_attr_i(cx, "p", 2));
  return cx_end(cx, &b);
}

oar_status onnx_convert_max_pool(onnx_cx *cx) { return pool(cx, true, false); }
oar_status onnx_convert_average_pool(onnx_cx *cx) { return pool(cx, false, false); }
oar_status onnx_convert_lp_pool(onnx_cx *cx) { return pool(cx, false, true); }

/* GlobalAveragePool/GlobalMaxPool: a reduction over every spatial dim. */
static oar_status global_pool(onnx_cx *cx, int func) {
  int x = cx_need_in(cx, 0), y = cx_need_out(cx, 0);
  oar_node_builder b;
  cx_begin(cx, OAR_OP_reduce, &b);
  cx_add_in(cx, &b, 0, x);
  cx_add_out(cx, &b, 0, y);
  cx_set_i(cx, &b, "func", func);
  cx_set_i(cx, &b, "axes_from", 2);
  cx_set_i(cx, &b, "keepdims", 1);
  if (func == OAR_REDUCE_LP) cx_set_i(cx, &b, "p", cx_attr_i(cx, "p", 2));
  return cx_end(cx, &b);
}

oar_status onnx_convert_global_average_pool(onnx_cx *cx) {
  int x = cx_need_in(cx, 0);
  if (cx_rank(cx, x) == 4) {
    oar_node_builder b;
    const int64_t one[2] = {1, 1};
    cx_begin(cx, OAR_OP_pool2d, &b);
    cx_add_in(cx, &b, 0, x);
    cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
    cx_set_s(cx, &b, "pooling_type", "avg");
    cx_set_ints(cx, &b, "ksize", one, 2);
    cx_set_i(cx, &b, "global_pooling", 1);
    return cx_end(cx, &b);
  }
  return global_pool(cx, OAR_REDUCE_MEAN);
}

oar_status onnx_convert_global_max_pool(onnx_cx *cx) { return global_pool(cx, OAR_REDUCE_MAX); }
oar_status onnx_convert_global_lp_pool(onnx_cx *cx) { return global_pool(cx, OAR_REDUCE_LP); }

/* ---- normalization -------------------------------------------------------------- */

oar_status onnx_convert_batch_norm(onnx_cx *cx) {
  if (cx->opset < 9 && cx_attr_i(cx, "spatial", 1) != 1)
    return cx_unsupported(cx, "spatial 0 is not supported");
  if (cx_attr_i(cx, "training_mode", 0) != 0) return cx_unsupported(cx, "training_mode 1 is not supported");
  for (int i = 1; i < cx->num_out; i++)
    if (cx_out(cx, i) >= 0)
      return cx_unsupported(cx, "outputs beyond Y (training statistics) are not supported");
  oar_node_builder b;
  cx_begin(cx, OAR_OP_batch_norm, &b);
  for (int i = 0; i < 5; i++) cx_add_in(cx, &b, i, cx_need_in(cx, i));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_f(cx, &b, "epsilon", cx_attr_f(cx, "epsilon", 1e-5f));
  return cx_end(cx, &b);
}

oar_status onnx_convert_instance_norm(onnx_cx *cx) {
  oar_node_builder b;
  cx_begin(cx, OAR_OP_instance_norm_nd, &b);
  for (int i = 0; i < 3; i++) cx_add_in(cx, &b, i, cx_need_in(cx, i));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_f(cx, &b, "epsilon", cx_attr_f(cx, "epsilon", 1e-5f));
  return cx_end(cx, &b);
}

oar_status onnx_convert_layer_norm(onnx_cx *cx) {
  if (cx_attr_i(cx, "stash_type", 1) != 1)
    return cx_unsupported(cx, "stash_type other than float is not supported");
  oar_node_builder b;
  cx_begin(cx, OAR_OP_layer_norm_axis, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_in(cx, &b, 1, cx_need_in(cx, 1));
  cx_add_in(cx, &b, 2, cx_in(cx, 2));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_add_out(cx, &b, 1, cx_out(cx, 1));
  cx_add_out(cx, &b, 2, cx_out(cx, 2));
  cx_set_i(cx, &b, "axis", cx_attr_i(cx, "axis", -1));
  cx_set_f(cx, &b, "epsilon", cx_attr_f(cx, "epsilon", 1e-5f));
  return cx_end(cx, &b);
}

oar_status onnx_convert_lrn(onnx_cx *cx) {
  oar_node_builder b;
  cx_begin(cx, OAR_OP_lrn_nd, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_i(cx, &b, "size", cx_attr_i(cx, "size", 1));
  cx_set_f(cx, &b, "alpha", cx_attr_f(cx, "alpha", 1e-4f));
  cx_set_f(cx, &b, "beta", cx_attr_f(cx, "beta", 0.75f));
  cx_set_f(cx, &b, "bias", cx_attr_f(cx, "bias", 1.0f));
  return cx_end(cx, &b);
}

/* ---- softmax family ---------------------------------------------------------------- */

/* Opset >= 13: along `axis` (default -1). Before: the input is seen as 2-D
 * [prod(dims[:axis]), prod(dims[axis:])] (default axis 1) and normalized
 * along its second dim. */
static oar_status softmax_family(onnx_cx *cx, int func) {
  const bool flat = cx->opset < 13;
  const int64_t axis = cx_attr_i(cx, "axis", flat ? 1 : -1);
  int x = cx_need_in(cx, 0), y = cx_need_out(cx, 0);
  oar_node_builder b;
  if (func == OAR_SOFTMAX_EXT_SOFTMAX && !flat) {
    cx_begin(cx, OAR_OP_softmax, &b);
    cx_add_in(cx, &b, 0, x);
    cx_add_out(cx, &b, 0, y);
    cx_set_i(cx, &b, "axis", axis);
    return cx_end(cx, &b);
  }
  cx_begin(cx, OAR_OP_softmax_ext, &b);
  cx_add_in(cx, &b, 0, x);
  cx_add_out(cx, &b, 0, y);
  cx_set_i(cx, &b, "func", func);
  cx_set_i(cx, &b, "axis", axis);
  cx_set_i(cx, &b, "flat", flat);
  return cx_end(cx, &b);
}

oar_status onnx_convert_softmax(onnx_cx *cx) { return softmax_family(cx, OAR_SOFTMAX_EXT_SOFTMAX); }
oar_status onnx_convert_log_softmax(onnx_cx *cx) { return softmax_family(cx, OAR_SOFTMAX_EXT_LOG_SOFTMAX); }
oar_status onnx_convert_hardmax(onnx_cx *cx) { return softmax_family(cx, OAR_SOFTMAX_EXT_HARDMAX); }

/* ---- RNN / GRU / LSTM ---------------------------------------------------------------------- */

static int rnn_act_kind(const char *s) {
  static const char *const names[] = {
      "Relu",       "Tanh",        "Sigmoid", "Affine",   "LeakyRelu", "ThresholdedRelu",
      "ScaledTanh", "HardSigmoid", "Elu",     "Softsign", "Softplus"};
  for (int i = 0; i < (int)(sizeof names / sizeof *names); i++)
    if (!strcmp(s, names[i])) return i;
  return -1;
}

/* ONNX defaults of an activation's alpha and beta. */
static void rnn_act_defaults(int kind, double *alpha, double *beta) {
  *alpha = 0.0;
  *beta = 0.0;
  if (kind == OAR_RNN_ACT_LEAKY_RELU) *alpha = 0.01;
  if (kind == OAR_RNN_ACT_THRESHOLDED_RELU || kind == OAR_RNN_ACT_ELU) *alpha = 1.0;
  if (kind == OAR_RNN_ACT_HARD_SIGMOID) {
    *alpha = 0.2;
    *beta = 0.5;
  }
  if (kind == OAR_RNN_ACT_SCALED_TANH || kind == OAR_RNN_ACT_AFFINE) *alpha = *beta = 1.0;
}

static oar_status recurrent(onnx_cx *cx, int cell) {
  static const int defaults[3][3] = {{OAR_RNN_ACT_TANH},
                                     {OAR_RNN_ACT_SIGMOID, OAR_RNN_ACT_TANH},
                                     {OAR_RNN_ACT_SIGMOID, OAR_RNN_ACT_TANH, OAR_RNN_ACT_TANH}};
  const int nact = cell + 1;
  char buf[32];
  const char *d = cx_attr_s(cx, "direction", "forward", buf, sizeof buf);
  const int dir = !strcmp(d, "forward")         ? 0
                  : !strcmp(d, "reverse")       ? 1
                  : !strcmp(d, "bidirectional") ? 2
                                                : -1;
  if (dir < 0) return cx_invalid(cx, "direction '%s' is not forward, reverse or bidirectional", d);
  const int dirs = dir == 2 ? 2 : 1;
  int64_t kinds[6];
  double alpha[6], beta[6], given_a[6], given_b[6];
  int na = 0, nb = 0;
  const onnx_attr *acts = cx_attr(cx, "activations");
  if (acts && acts->num_strings != (size_t)(nact * dirs))
    return cx_invalid(cx, "%zu activations, expected %d", acts->num_strings, nact * dirs);
  cx_attr_floats(cx, "activation_alpha", given_a, 6, &na);
  cx_attr_floats(cx, "activation_beta", given_b, 6, &nb);
  OAR_TRY(cx->st);
  for (int i = 0; i < nact * dirs; i++) {
    if (acts) {
      char name[32];
      snprintf(name, sizeof name, "%.*s", (int)(acts->strings[i].n > 31 ? 31 : acts->strings[i].n),
               acts->strings[i].p);
      kinds[i] = rnn_act_kind(name);
      if (kinds[i] < 0) return cx_unsupported(cx, "activation '%s' is not supported", name);
    } else {
      kinds[i] = defaults[cell][i % nact];
    }
    rnn_act_defaults((int)kinds[i], &alpha[i], &beta[i]);
    if (i < na) alpha[i] = given_a[i];
    if (i < nb) beta[i] = given_b[i];
  }
  oar_node_builder b;
  cx_begin(cx, OAR_OP_rnn_seq, &b);
  const int nin = cell == 2 ? 8 : 6;
  for (int i = 0; i < nin; i++) cx_add_in(cx, &b, i, i < 3 ? cx_need_in(cx, i) : cx_in(cx, i));
  for (int i = 0; i < (cell == 2 ? 3 : 2); i++) cx_add_out(cx, &b, i, cx_out(cx, i));
  cx_set_i(cx, &b, "cell", cell);
  cx_set_i(cx, &b, "hidden_size", cx_attr_i(cx, "hidden_size", 0));
  cx_set_i(cx, &b, "direction", dir);
  cx_set_i(cx, &b, "layout", cx_attr_i(cx, "layout", 0));
  cx_set_ints(cx, &b, "activations", kinds, nact * dirs);
  cx_set_floats(cx, &b, "activation_alpha", alpha, nact * dirs);
  cx_set_floats(cx, &b, "activation_beta", beta, nact * dirs);
  cx_set_f(cx, &b, "clip", cx_attr_f(cx, "clip", 0.0f));
  cx_set_i(cx, &b, "linear_before_reset", cx_attr_i(cx, "linear_before_reset", 0) != 0);
  cx_set_i(cx, &b, "input_forget", cx_attr_i(cx, "input_forget", 0) != 0);
  return cx_end(cx, &b);
}

oar_status onnx_convert_rnn(onnx_cx *cx) { return recurrent(cx, 0); }
oar_status onnx_convert_gru(onnx_cx *cx) { return recurrent(cx, 1); }
oar_status onnx_convert_lstm(onnx_cx *cx) { return recurrent(cx, 2); }
