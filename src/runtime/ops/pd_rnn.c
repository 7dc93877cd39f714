/* Paddle's rnn on rnn_seq's reference cell (kernels/ref/rnn.h), with
 * Paddle's gate order: each layer and direction is one oar_ref_rnn_dir_f32
 * call; a layer's output is the next one's input. Dropout between layers
 * is a training feature (is_test programs skip it) and is not applied. */
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/op_ext.h"
#include "ir/ops/pd_ops.h"
#include "kernels/ref/rnn.h"
#include "runtime/ops/run_util.h"

static const oar_tensor_view *nth(const oar_node *n, const oar_tensor_view *const *in, int slot, int k) {
  const int pos = oar_node_in_pos(n, slot, k);
  return pos < 0 ? NULL : in[pos];
}

static oar_status check_f32(const oar_node *n, const oar_tensor_view *v, int slot, int64_t want,
                            const char *what, oar_error *err) {
  OAR_TRY(oar_run_expect_dtype(n, slot, v, OAR_DTYPE_FLOAT32, err));
  if (oar_view_numel(v) != want)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "%s has %lld values, expected %lld", what,
                         (long long)oar_view_numel(v), (long long)want);
  return OAR_OK;
}

oar_status oar_run_rnn(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                       oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, OAR_PDRNN_IN_INPUT, &x, err));
  OAR_TRY(oar_run_output(node, out, OAR_PDRNN_OUT_OUT, &y, err));
  OAR_TRY(oar_run_expect_dtype(node, OAR_PDRNN_IN_INPUT, x, OAR_DTYPE_FLOAT32, err));
  int act;
  const int cell = oar_pd_rnn_cell(node, &act);
  const int64_t T = x->shape.dims[0], N = x->shape.dims[1], I = x->shape.dims[2],
                H = oar_node_attr_i(node, OAR_PDRNN_ATTR_HIDDEN_SIZE),
                L = oar_node_attr_i(node, OAR_PDRNN_ATTR_NUM_LAYERS),
                D = oar_node_attr_i(node, OAR_PDRNN_ATTR_IS_BIDIREC) ? 2 : 1,
                G = cell == 0   ? 1
                    : cell == 1 ? 3
                                : 4;
  const int64_t state_n = L * D * N * H;
  const oar_tensor_view *h0 = nth(node, in, OAR_PDRNN_IN_PRE_STATE, 0),
                        *c0 = cell == 2 ? nth(node, in, OAR_PDRNN_IN_PRE_STATE, 1) : NULL;
  if (h0) OAR_TRY(check_f32(node, h0, OAR_PDRNN_IN_PRE_STATE, state_n, "PreState h", err));
  if (c0) OAR_TRY(check_f32(node, c0, OAR_PDRNN_IN_PRE_STATE, state_n, "PreState c", err));
  for (int64_t l = 0; l < L; l++)
    for (int64_t d = 0; d < D; d++) {
      const int k = (int)(l * D + d);
      const int64_t il = l == 0 ? I : D * H;
      OAR_TRY(check_f32(node, nth(node, in, OAR_PDRNN_IN_WEIGHT_LIST, 2 * k), OAR_PDRNN_IN_WEIGHT_LIST,
                        G * H * il, "a weight_ih", err));
      OAR_TRY(check_f32(node, nth(node, in, OAR_PDRNN_IN_WEIGHT_LIST, 2 * k + 1), OAR_PDRNN_IN_WEIGHT_LIST,
                        G * H * H, "a weight_hh", err));
      for (int b = 0; b < 2; b++)
        OAR_TRY(check_f32(node, nth(node, in, OAR_PDRNN_IN_WEIGHT_LIST, (int)(2 * L * D) + 2 * k + b),
                          OAR_PDRNN_IN_WEIGHT_LIST, G * H, "a bias", err));
    }
  const oar_tensor_view *sl = oar_op_input(node, in, OAR_PDRNN_IN_SEQUENCE_LENGTH);
  /* scratch: the cell's 3 G H, two layer buffers, states when not output */
  const int64_t layer_n = T * N * D * H;
  float *scratch = oar_malloc((size_t)(3 * G * H + 2 * layer_n + 2 * state_n + 1) * sizeof(float));
  int64_t *lens = oar_malloc((size_t)(N + 1) * sizeof *lens);
  if (!scratch || !lens) {
    oar_free(scratch);
    oar_free(lens);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for a recurrent op");
  }
  float *buf[2] = {scratch + 3 * G * H, scratch + 3 * G * H + layer_n};
  const int hpos = oar_node_out_pos(node, OAR_PDRNN_OUT_STATE, 0),
            cpos = oar_node_out_pos(node, OAR_PDRNN_OUT_STATE, 1);
  float *hs = hpos >= 0 ? out[hpos].data : buf[1] + layer_n,
        *cs = cpos >= 0 ? out[cpos].data : buf[1] + layer_n + state_n;
  oar_status st = OAR_OK;
  if (sl && (st = oar_run_seq_lens(node, OAR_PDRNN_IN_SEQUENCE_LENGTH, sl, N, T, lens, err)) != OAR_OK)
    goto done;
  const float *src = x->data;
  for (int64_t l = 0; l < L; l++) {
    float *dst = l == L - 1 ? (float *)y->data : buf[l % 2];
    memset(dst, 0, (size_t)layer_n * sizeof *dst);
    const int64_t il = l == 0 ? I : D * H;
    for (int64_t d = 0; d < D; d++) {
      const int k = (int)(l * D + d);
      oar_rnn_params p = {
          .cell = cell,
          .seq = T,
          .batch = N,
          .input = il,
          .hidden = H,
          .reverse = d == 1,
          .linear_before_reset = true, /* Paddle's GRU: r (W_hc h + b_hc) */
          .x_st = N * il,
          .x_sb = il,
          .y_st = N * D * H,
          .y_sb = D * H,
          .s_sb = H,
          .paddle_gates = true,
      };
      p.act[0].kind = cell == 0 ? act : OAR_RNN_ACT_SIGMOID;
      p.act[1].kind = OAR_RNN_ACT_TANH;
      p.act[2].kind = OAR_RNN_ACT_TANH;
      const float *w = nth(node, in, OAR_PDRNN_IN_WEIGHT_LIST, 2 * k)->data,
                  *r = nth(node, in, OAR_PDRNN_IN_WEIGHT_LIST, 2 * k + 1)->data,
                  *wb = nth(node, in, OAR_PDRNN_IN_WEIGHT_LIST, (int)(2 * L * D) + 2 * k)->data,
                  *rb = nth(node, in, OAR_PDRNN_IN_WEIGHT_LIST, (int)(2 * L * D) + 2 * k + 1)->data;
      const int64_t so = k * N * H;
      oar_ref_rnn_dir_f32(&p, src, w, r, wb, rb, NULL, sl ? lens : NULL,
                          h0 ? (const float *)h0->data + so : NULL, c0 ? (const float *)c0->data + so : NULL,
                          dst + d * H, hs + so, cs + so, scratch);
    }
    src = dst;
  }
done:
  oar_free(scratch);
  oar_free(lens);
  return st;
}
