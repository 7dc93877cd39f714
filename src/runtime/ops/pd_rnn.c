/* Paddle's rnn on rnn_seq's reference cell (kernels/ref/rnn.h), or on the
 * fast path prepared at plan time (runtime/ops/rnn_fast.h), with
 * Paddle's gate order: each layer and direction is one oar_ref_rnn_dir_f32
 * call; a layer's output is the next one's input. Dropout between layers
 * is a training feature (is_test programs skip it) and is not applied. */
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/op_ext.h"
#include "ir/ops/pd_ops.h"
#include "kernels/ref/rnn.h"
#include "runtime/ops/rnn_fast.h"
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

/* Layer l's direction d: the params of its cell. */
static oar_rnn_params layer_params(int cell, int act, int64_t T, int64_t N, int64_t il, int64_t H, int64_t D,
                                   int64_t d) {
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
  return p;
}

/* The fast path's workspace: the largest layer's, then the two layer
 * buffers, the states that are not outputs and the sequence lengths. */
static size_t layers_bytes(const oar_f32_kernels *kr, int slots, int cell, int act, int64_t T, int64_t N,
                           int64_t I, int64_t H, int64_t L, int64_t D) {
  size_t most = 0;
  for (int64_t l = 0; l < L && l < 2; l++) {
    const oar_rnn_params p = layer_params(cell, act, T, N, l == 0 ? I : D * H, H, D, 0);
    const size_t b = oar_rnn_fast_workspace_bytes(kr, &p, (int)D, slots);
    if (b == SIZE_MAX) return SIZE_MAX;
    if (b > most) most = b;
  }
  return most;
}

/* fs: the fast path's state (workspace: its workspace_bytes), or NULL:
 * the reference kernel. */
static oar_status run_impl(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                           const oar_rnn_fast_state *fs, void *workspace, oar_error *err) {
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
  float *scratch;
  int64_t *lens;
  if (fs) {
    /* [layer workspace][lens][3 G H, layer buffers, states: the reference's scratch] */
    lens = (int64_t *)((char *)workspace + layers_bytes(fs->kr, fs->slots, cell, act, T, N, I, H, L, D));
    scratch = (float *)((char *)lens + ((size_t)(N + 1) * sizeof *lens + 63) / 64 * 64);
  } else {
    scratch = oar_malloc((size_t)(3 * G * H + 2 * layer_n + 2 * state_n + 1) * sizeof(float));
    lens = oar_malloc((size_t)(N + 1) * sizeof *lens);
    if (!scratch || !lens) {
      oar_free(scratch);
      oar_free(lens);
      return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for a recurrent op");
    }
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
    oar_rnn_fast_dir fd[2];
    for (int64_t d = 0; d < D; d++) {
      const int k = (int)(l * D + d);
      const oar_rnn_params p = layer_params(cell, act, T, N, il, H, D, d);
      const int64_t so = k * N * H;
      fd[d] = (oar_rnn_fast_dir){
          .p = p,
          .w = nth(node, in, OAR_PDRNN_IN_WEIGHT_LIST, 2 * k)->data,
          .w_packed = fs ? fs->w_packed[k] : NULL,
          .r = nth(node, in, OAR_PDRNN_IN_WEIGHT_LIST, 2 * k + 1)->data,
          .wb = nth(node, in, OAR_PDRNN_IN_WEIGHT_LIST, (int)(2 * L * D) + 2 * k)->data,
          .rb = nth(node, in, OAR_PDRNN_IN_WEIGHT_LIST, (int)(2 * L * D) + 2 * k + 1)->data,
          .h0 = h0 ? (const float *)h0->data + so : NULL,
          .c0 = c0 ? (const float *)c0->data + so : NULL,
          .y = dst + d * H,
          .yh = hs + so,
          .yc = cell == 2 ? cs + so : NULL,
      };
      if (!fs)
        oar_ref_rnn_dir_f32(&p, src, fd[d].w, fd[d].r, fd[d].wb, fd[d].rb, NULL, sl ? lens : NULL, fd[d].h0,
                            fd[d].c0, fd[d].y, fd[d].yh, cs + so, scratch);
    }
    if (fs) oar_rnn_fast_layer(fs->kr, src, fd, (int)D, sl ? lens : NULL, fs->slots, workspace);
    src = dst;
  }
done:
  if (!fs) {
    oar_free(scratch);
    oar_free(lens);
  }
  return st;
}

oar_status oar_run_rnn(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                       oar_error *err) {
  return run_impl(node, in, out, NULL, NULL, err);
}

/* ---- prepared fast path (runtime/ops/rnn_fast.h) ---------------------------- */

static oar_status run_fast(const oar_op_state *state, const oar_node *node, const oar_tensor_view *const *in,
                           oar_tensor_view *out, void *workspace, oar_error *err) {
  return run_impl(node, in, out, (const oar_rnn_fast_state *)state, workspace, err);
}

oar_status oar_prepare_rnn(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  const oar_node *node = ctx->node;
  const oar_tensor_view *x = oar_op_input(node, ctx->in, OAR_PDRNN_IN_INPUT);
  if (!x || x->dtype != OAR_DTYPE_FLOAT32 || x->shape.rank != 3) return OAR_OK;
  int act;
  const int cell = oar_pd_rnn_cell(node, &act);
  if (cell < 0) return OAR_OK;
  const int64_t T = x->shape.dims[0], N = x->shape.dims[1], I = x->shape.dims[2],
                H = oar_node_attr_i(node, OAR_PDRNN_ATTR_HIDDEN_SIZE),
                L = oar_node_attr_i(node, OAR_PDRNN_ATTR_NUM_LAYERS),
                D = oar_node_attr_i(node, OAR_PDRNN_ATTR_IS_BIDIREC) ? 2 : 1,
                G = cell == 0   ? 1
                    : cell == 1 ? 3
                                : 4;
  if (L * D > OAR_RNN_FAST_MAX_DIRS || oar_node_input_count(node, OAR_PDRNN_IN_WEIGHT_LIST) != 4 * L * D)
    return OAR_OK;
  for (int64_t l = 0; l < L; l++) {
    const oar_rnn_params p = layer_params(cell, act, T, N, l == 0 ? I : D * H, H, D, 0);
    if (!oar_rnn_fast_supported(&p)) return OAR_OK;
    for (int64_t d = 0; d < D; d++) {
      const oar_tensor_view *w = nth(node, ctx->in, OAR_PDRNN_IN_WEIGHT_LIST, (int)(2 * (l * D + d)));
      if (!w || w->dtype != OAR_DTYPE_FLOAT32 || oar_view_numel(w) != G * H * p.input) return OAR_OK;
    }
  }
  oar_rnn_fast_state *st = oar_rnn_fast_state_new(ctx->kernels, cell, run_fast);
  if (!st) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing a recurrent op");
  /* the largest input projection decides the slots (every layer's GEMM has seq * batch rows) */
  const oar_rnn_params p0 = layer_params(cell, act, T, N, I, H, D, 0);
  st->slots = oar_rnn_fast_slots(ctx->kernels, &p0, ctx->threads);
  const size_t lb = layers_bytes(ctx->kernels, st->slots, cell, act, T, N, I, H, L, D);
  const size_t rest = (size_t)(3 * G * H + 2 * T * N * D * H + 2 * L * D * N * H) * sizeof(float) +
                      ((size_t)(N + 1) * sizeof(int64_t) + 63) / 64 * 64;
  if (lb == SIZE_MAX || lb > SIZE_MAX - rest) {
    st->base.destroy(&st->base);
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "recurrent op too large (%lld steps x %lld x %lld)",
                         (long long)T, (long long)N, (long long)H);
  }
  st->base.workspace_bytes = lb + rest;
  for (int64_t l = 0; l < L; l++)
    for (int64_t d = 0; d < D; d++) {
      const int k = (int)(l * D + d);
      const oar_rnn_params p = layer_params(cell, act, T, N, l == 0 ? I : D * H, H, D, d);
      const int pos = oar_node_in_pos(node, OAR_PDRNN_IN_WEIGHT_LIST, 2 * k);
      const oar_status s = oar_rnn_fast_state_pack(st, ctx, pos, k, &p, ctx->in[pos]->data, err);
      if (s != OAR_OK) {
        st->base.destroy(&st->base);
        return s;
      }
    }
  *state = &st->base;
  return OAR_OK;
}
