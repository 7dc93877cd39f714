/* The older PaddleSlim quantized form (onnx_format=False, issue 14): the
 * fake_quantize_* / fake_dequantize_* / fake_channel_wise_* ops of a frozen
 * inference program, each emitted as paddle_fake_quant nodes (Paddle's
 * arithmetic, src/runtime/ops/quant.c). Facts: spec/quant-onednn.md §1.4.
 *
 * - fake_quantize_{range,moving_average}_abs_max (is_test): q = quantize(X)
 *   with the recorded InScale; round_type absent means Paddle's legacy
 *   rounding (clip to +-s, half away from zero, +-bin_cnt).
 * - fake_quantize_dequantize_{moving_average_,}abs_max: both in one op.
 * - fake_dequantize_max_abs: X * Scale / max_range.
 * - fake_channel_wise_dequantize_max_abs: X * Scales[0][c] / bin0
 *   (* Scales[1] / bin1 when the activation scale is given; c is then dim
 *   x_num_col_dims of X). */
#include "frontend/paddle/paddle_expand.h"

#include "frontend/paddle/paddle_attrs.h"
#include "ir/ops/op_ext.h"

typedef struct fq {
  int64_t axis, qmin, qmax, round_type;
  bool dequantize;
} fq;

static oar_status fq_node(oar_pd_emitter *e, int x, int s, int y, const fq *q, oar_error *err) {
  oar_node_builder b;
  OAR_TRY(oar_pd_emit_begin(e, OAR_OP_paddle_fake_quant, &b, err));
  oar_status st = oar_node_add_input(&b, OAR_QUANT_IN_X, x, err);
  if (st == OAR_OK) st = oar_node_add_input(&b, OAR_QUANT_IN_SCALE, s, err);
  if (st == OAR_OK) st = oar_node_add_output(&b, 0, y, err);
  if (st == OAR_OK) st = set_i(&b, OAR_FAKE_QUANT_ATTR_AXIS, q->axis, err);
  if (st == OAR_OK) st = set_i(&b, OAR_FAKE_QUANT_ATTR_QMIN, q->qmin, err);
  if (st == OAR_OK) st = set_i(&b, OAR_FAKE_QUANT_ATTR_QMAX, q->qmax, err);
  if (st == OAR_OK) st = set_i(&b, OAR_FAKE_QUANT_ATTR_ROUND_TYPE, q->round_type, err);
  if (st == OAR_OK) st = set_i(&b, OAR_FAKE_QUANT_ATTR_DEQUANTIZE, q->dequantize, err);
  if (st != OAR_OK) {
    oar_node_abort(&b);
    return st;
  }
  return oar_node_finish(&b, err);
}

static oar_status bin_cnt(const char *what, int64_t bits, int64_t *out, oar_error *err) {
  if (bits < 2 || bits > 16)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "has %s %lld; expected 2..16", what, (long long)bits);
  *out = ((int64_t)1 << (bits - 1)) - 1;
  return OAR_OK;
}

/* The quantizer's attributes: range and rounding (legacy when absent). */
static oar_status quantizer(const oar_pd_op *op, fq *q, oar_error *err) {
  if (!int_or(op, "is_test", 1))
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "has is_test false (the training kernel); oar runs inference");
  int64_t bins = 0;
  OAR_TRY(bin_cnt("bit_length", int_or(op, "bit_length", 8), &bins, err));
  q->round_type = int_or(op, "round_type", 1);
  if (q->round_type != 0 && q->round_type != 1)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "has round_type %lld; expected 0 or 1",
                         (long long)q->round_type);
  q->axis = -1;
  q->qmax = bins;
  q->qmin = q->round_type == 0 ? -bins - 1 : -bins;
  q->dequantize = false;
  return OAR_OK;
}

/* func 0: fake_quantize_{range,moving_average}_abs_max (Out = q), 1: the
 * quantize-dequantize forms (Out = dq(q)). The scale is InScale when the op
 * has one (frozen), else OutScale is not computed: abs_max from X is the
 * training form. */
oar_status oar_pd_expand_fake_quantize(const oar_pd_lowering *l, const oar_pd_op *op, oar_pd_emitter *e,
                                       oar_error *err) {
  fq q = {0};
  OAR_TRY(quantizer(op, &q, err));
  if (oar_pd_emit_count(e, true, "InScale") != 1)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "has no InScale (its scale is computed from X, the training form); oar runs frozen "
                         "inference programs");
  int x, s, y;
  OAR_TRY(oar_pd_emit_input(e, "X", 0, &x, err));
  OAR_TRY(oar_pd_emit_input(e, "InScale", 0, &s, err));
  OAR_TRY(oar_pd_emit_output(e, "Out", 0, &y, err));
  /* OutScale is InScale when frozen; PIR programs read it as a value of its own. */
  if (oar_pd_emit_count(e, false, "OutScale") == 1) {
    int os;
    OAR_TRY(oar_pd_emit_output(e, "OutScale", 0, &os, err));
    if (os != s) {
      oar_node_builder b;
      OAR_TRY(oar_pd_emit_begin(e, OAR_OP_assign, &b, err));
      oar_status st = oar_node_add_input(&b, 0, s, err);
      if (st == OAR_OK) st = oar_node_add_output(&b, 0, os, err);
      if (st != OAR_OK) {
        oar_node_abort(&b);
        return st;
      }
      OAR_TRY(oar_node_finish(&b, err));
    }
  }
  if (l->func == 0) return fq_node(e, x, s, y, &q, err);
  int t;
  OAR_TRY(oar_pd_emit_temp(e, &t, err));
  OAR_TRY(fq_node(e, x, s, t, &q, err));
  q.dequantize = true;
  return fq_node(e, t, s, y, &q, err);
}

/* fake_dequantize_max_abs: Out = X * Scale / max_range. */
oar_status oar_pd_expand_fake_dequantize(const oar_pd_lowering *l, const oar_pd_op *op, oar_pd_emitter *e,
                                         oar_error *err) {
  (void)l;
  const double range = float_or(op, "max_range", 0.0);
  if (!(range > 0))
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "has max_range %g; expected a positive number",
                         range);
  const int64_t r = (int64_t)range;
  if ((double)r != range)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has max_range %g, not an integer", range);
  int x, s, y;
  OAR_TRY(oar_pd_emit_input(e, "X", 0, &x, err));
  OAR_TRY(oar_pd_emit_input(e, "Scale", 0, &s, err));
  OAR_TRY(oar_pd_emit_output(e, "Out", 0, &y, err));
  const fq q = {.axis = -1, .qmin = -r, .qmax = r, .dequantize = true};
  return fq_node(e, x, s, y, &q, err);
}

/* fake_channel_wise_dequantize_max_abs. */
oar_status oar_pd_expand_fake_channel_dequantize(const oar_pd_lowering *l, const oar_pd_op *op,
                                                 oar_pd_emitter *e, oar_error *err) {
  (void)l;
  const size_t n = oar_pd_emit_count(e, true, "Scales");
  int64_t bits[2] = {8, 8};
  const int nb = attr_ints(op, "quant_bits", bits, 2);
  if (n < 1 || n > 2 || (nb > 0 && (size_t)nb != n))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "has %zu Scales and %d quant_bits; expected 1 or 2 of each", n, nb);
  const int64_t axis = int_or(op, "quant_axis", 0);
  if (axis != 0 && axis != 1)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "has quant_axis %lld; expected 0 or 1",
                         (long long)axis);
  int x, s0, y;
  OAR_TRY(oar_pd_emit_input(e, "X", 0, &x, err));
  OAR_TRY(oar_pd_emit_input(e, "Scales", 0, &s0, err));
  OAR_TRY(oar_pd_emit_output(e, "Out", 0, &y, err));
  /* With the activation scale too, X is the conv / mul output and its channel is dim
     x_num_col_dims (Paddle's ChannelDequantizeFunctor); alone, quant_axis of a weight. */
  fq q = {.axis = n == 2 ? int_or(op, "x_num_col_dims", 1) : axis, .dequantize = true};
  OAR_TRY(bin_cnt("quant_bits[0]", bits[0], &q.qmax, err));
  q.qmin = -q.qmax;
  if (n == 1) return fq_node(e, x, s0, y, &q, err);
  int s1, t;
  OAR_TRY(oar_pd_emit_input(e, "Scales", 1, &s1, err));
  OAR_TRY(oar_pd_emit_temp(e, &t, err));
  OAR_TRY(fq_node(e, x, s0, t, &q, err));
  q.axis = -1;
  OAR_TRY(bin_cnt("quant_bits[1]", bits[1], &q.qmax, err));
  q.qmin = -q.qmax;
  return fq_node(e, t, s1, y, &q, err);
}
