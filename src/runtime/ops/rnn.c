/* rnn_seq (float32): the reference kernel (plain run), and the fast path
 * prepared at plan time (runtime/ops/rnn_fast.h). */
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/op_ext.h"
#include "kernels/ref/rnn.h"
#include "runtime/ops/rnn_fast.h"
#include "runtime/ops/run_util.h"

static const float *opt_f32(const oar_node *n, const oar_tensor_view *const *in, int slot) {
  const oar_tensor_view *v = oar_op_input(n, in, slot);
  return v && oar_view_numel(v) > 0 ? v->data : NULL;
}

/* The params of direction d (the activation list already checked). */
static void dir_params(const oar_node *node, const oar_tensor_view *x, int64_t d, oar_rnn_params *out) {
  const int cell = (int)oar_node_attr_i(node, OAR_RNN_ATTR_CELL);
  const int64_t H = oar_node_attr_i(node, OAR_RNN_ATTR_HIDDEN_SIZE),
                dir = oar_node_attr_i(node, OAR_RNN_ATTR_DIRECTION);
  const bool layout = oar_node_attr_i(node, OAR_RNN_ATTR_LAYOUT) != 0;
  const int64_t dirs = dir == 2 ? 2 : 1;
  const int64_t seq = x->shape.dims[layout ? 1 : 0], batch = x->shape.dims[layout ? 0 : 1],
                I = x->shape.dims[2];
  const int nact = cell == 0 ? 1 : cell == 1 ? 2 : 3;
  const oar_attr *acts = oar_node_attr(node, OAR_RNN_ATTR_ACTIVATIONS);
  const oar_attr *alphas = oar_node_attr(node, OAR_RNN_ATTR_ALPHAS),
                 *betas = oar_node_attr(node, OAR_RNN_ATTR_BETAS);
  oar_rnn_params p = {
      .cell = cell,
      .seq = seq,
      .batch = batch,
      .input = I,
      .hidden = H,
      .reverse = dir == 1 || d == 1,
      .linear_before_reset = oar_node_attr_i(node, OAR_RNN_ATTR_LINEAR_BEFORE_RESET) != 0,
      .input_forget = oar_node_attr_i(node, OAR_RNN_ATTR_INPUT_FORGET) != 0,
      .clip = (float)oar_node_attr_f(node, OAR_RNN_ATTR_CLIP),
      .x_st = layout ? I : batch * I,
      .x_sb = layout ? seq * I : I,
      .y_st = layout ? dirs * H : dirs * batch * H,
      .y_sb = layout ? seq * dirs * H : H,
      .s_sb = layout ? dirs * H : H,
  };
  for (int k = 0; k < nact; k++) {
    const size_t at = (size_t)(d * nact + k);
    p.act[k].kind = (int)acts->ints[at];
    p.act[k].alpha = at < alphas->n ? (float)alphas->floats[at] : 0.0f;
    p.act[k].beta = at < betas->n ? (float)betas->floats[at] : 0.0f;
  }
  *out = p;
}

/* The bytes of the fast path's workspace after the layer's: the sequence
 * lengths and the states that are not outputs. */
static size_t tail_bytes(int64_t batch, size_t state) {
  return ((size_t)(batch + 1) * sizeof(int64_t) + 63) / 64 * 64 + 2 * state * sizeof(float);
}

/* fs: the fast path's state (workspace: its workspace_bytes), or NULL:
 * the reference kernel. */
static oar_status run_impl(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                           const oar_rnn_fast_state *fs, void *workspace, oar_error *err) {
  const oar_tensor_view *x, *w, *r;
  OAR_TRY(oar_op_require_input(node, in, OAR_RNN_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_RNN_IN_W, &w, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_RNN_IN_R, &r, err));
  for (int s = 0; s < OAR_RNN_IN_P + 1; s++) {
    const oar_tensor_view *v = oar_op_input(node, in, s);
    if (v && s != OAR_RNN_IN_SEQ_LENS) OAR_TRY(oar_run_expect_dtype(node, s, v, OAR_DTYPE_FLOAT32, err));
  }
  const int cell = (int)oar_node_attr_i(node, OAR_RNN_ATTR_CELL);
  const int64_t H = oar_node_attr_i(node, OAR_RNN_ATTR_HIDDEN_SIZE),
                dir = oar_node_attr_i(node, OAR_RNN_ATTR_DIRECTION);
  const bool layout = oar_node_attr_i(node, OAR_RNN_ATTR_LAYOUT) != 0;
  const int64_t dirs = dir == 2 ? 2 : 1, G = cell == 0 ? 1 : cell == 1 ? 3 : 4;
  const int64_t seq = x->shape.dims[layout ? 1 : 0], batch = x->shape.dims[layout ? 0 : 1],
                I = x->shape.dims[2];
  const int nact = cell == 0 ? 1 : cell == 1 ? 2 : 3;
  const oar_attr *acts = oar_node_attr(node, OAR_RNN_ATTR_ACTIVATIONS);
  if (acts->n != (size_t)(nact * dirs))
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "%zu activations, expected %lld", acts->n,
                         (long long)(nact * dirs));
  const oar_tensor_view *bv = oar_op_input(node, in, OAR_RNN_IN_B),
                        *pv = oar_op_input(node, in, OAR_RNN_IN_P);
  if (bv && oar_view_numel(bv) != dirs * 2 * G * H)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "B has %lld values, expected %lld",
                         (long long)oar_view_numel(bv), (long long)(dirs * 2 * G * H));
  if (pv && oar_view_numel(pv) && oar_view_numel(pv) != dirs * 3 * H)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "P has %lld values, expected %lld",
                         (long long)oar_view_numel(pv), (long long)(dirs * 3 * H));
  for (int s = OAR_RNN_IN_INITIAL_H; s <= OAR_RNN_IN_INITIAL_C; s++) {
    const oar_tensor_view *v = oar_op_input(node, in, s);
    if (v && oar_view_numel(v) != dirs * batch * H)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "initial state has %lld values, expected %lld",
                           (long long)oar_view_numel(v), (long long)(dirs * batch * H));
  }
  oar_tensor_view *y = oar_op_output(node, out, OAR_RNN_OUT_Y),
                  *yh = oar_op_output(node, out, OAR_RNN_OUT_Y_H);
  oar_tensor_view *yc = oar_op_output(node, out, OAR_RNN_OUT_Y_C);
  const size_t state = (size_t)(dirs * batch * H);
  float *scratch = NULL, *hbuf, *cbuf;
  int64_t *lens = NULL;
  size_t layer_bytes = 0;
  if (fs) {
    oar_rnn_params p0;
    dir_params(node, x, 0, &p0);
    layer_bytes = oar_rnn_fast_workspace_bytes(fs->kr, &p0, (int)dirs, fs->slots);
    lens = (int64_t *)((char *)workspace + layer_bytes);
    float *states = (float *)((char *)lens + tail_bytes(batch, 0));
    hbuf = yh ? yh->data : states;
    cbuf = yc ? yc->data : states + state;
  } else {
    scratch = oar_malloc((3 * (size_t)(G * H) + 2 * state + 1) * sizeof(float));
    lens = oar_malloc((size_t)(batch + 1) * sizeof *lens);
    if (!scratch || !lens) {
      oar_free(scratch);
      oar_free(lens);
      return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for a recurrent op");
    }
    hbuf = yh ? yh->data : scratch + 3 * G * H;
    cbuf = yc ? yc->data : scratch + 3 * G * H + state;
  }
  const oar_tensor_view *sl = oar_op_input(node, in, OAR_RNN_IN_SEQ_LENS);
  oar_status st = OAR_OK;
  if (sl && (st = oar_run_seq_lens(node, OAR_RNN_IN_SEQ_LENS, sl, batch, seq, lens, err)) != OAR_OK)
    goto done;
  if (y) memset(y->data, 0, (size_t)oar_view_numel(y) * sizeof(float));
  oar_rnn_fast_dir fd[2];
  for (int64_t d = 0; d < dirs; d++) {
    oar_rnn_params p;
    dir_params(node, x, d, &p);
    const int64_t sbase = layout ? d * H : d * batch * H;
    const float *b = opt_f32(node, in, OAR_RNN_IN_B), *peep = opt_f32(node, in, OAR_RNN_IN_P);
    const float *h0 = opt_f32(node, in, OAR_RNN_IN_INITIAL_H), *c0 = opt_f32(node, in, OAR_RNN_IN_INITIAL_C);
    fd[d] = (oar_rnn_fast_dir){
        .p = p,
        .w = (const float *)w->data + d * G * H * I,
        .w_packed = fs ? fs->w_packed[d] : NULL,
        .r = (const float *)r->data + d * G * H * H,
        .wb = b ? b + d * 2 * G * H : NULL,
        .rb = b ? b + d * 2 * G * H + G * H : NULL,
        .peep = peep ? peep + d * 3 * H : NULL,
        .h0 = h0 ? h0 + sbase : NULL,
        .c0 = c0 ? c0 + sbase : NULL,
        .y = y ? (float *)y->data + (layout ? d * H : d * batch * H) : NULL,
        .yh = hbuf + sbase,
        .yc = cell == 2 ? cbuf + sbase : NULL,
    };
    if (!fs)
      oar_ref_rnn_dir_f32(&p, x->data, fd[d].w, fd[d].r, fd[d].wb, fd[d].rb, fd[d].peep, sl ? lens : NULL,
                          fd[d].h0, fd[d].c0, fd[d].y, fd[d].yh, cbuf + sbase, scratch);
  }
  if (fs) oar_rnn_fast_layer(fs->kr, x->data, fd, (int)dirs, sl ? lens : NULL, fs->slots, workspace);
done:
  if (!fs) {
    oar_free(scratch);
    oar_free(lens);
  }
  return st;
}

oar_status oar_run_rnn_seq(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                           oar_error *err) {
  return run_impl(node, in, out, NULL, NULL, err);
}

/* ---- prepared fast path (runtime/ops/rnn_fast.h) ---------------------------- */

static oar_status run_fast(const oar_op_state *state, const oar_node *node, const oar_tensor_view *const *in,
                           oar_tensor_view *out, void *workspace, oar_error *err) {
  return run_impl(node, in, out, (const oar_rnn_fast_state *)state, workspace, err);
}

oar_status oar_prepare_rnn_seq(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  const oar_node *node = ctx->node;
  const oar_tensor_view *x = oar_op_input(node, ctx->in, OAR_RNN_IN_X),
                        *w = oar_op_input(node, ctx->in, OAR_RNN_IN_W);
  if (!x || !w || x->dtype != OAR_DTYPE_FLOAT32 || w->dtype != OAR_DTYPE_FLOAT32 || x->shape.rank != 3)
    return OAR_OK;
  const int cell = (int)oar_node_attr_i(node, OAR_RNN_ATTR_CELL);
  const int64_t dirs = oar_node_attr_i(node, OAR_RNN_ATTR_DIRECTION) == 2 ? 2 : 1;
  const int nact = cell == 0 ? 1 : cell == 1 ? 2 : 3;
  if (oar_node_attr(node, OAR_RNN_ATTR_ACTIVATIONS)->n != (size_t)(nact * dirs)) return OAR_OK;
  oar_rnn_params p[2];
  for (int64_t d = 0; d < dirs; d++) {
    dir_params(node, x, d, &p[d]);
    if (!oar_rnn_fast_supported(&p[d])) return OAR_OK;
  }
  const int64_t GHI = (cell == 0 ? 1 : cell == 1 ? 3 : 4) * p[0].hidden * p[0].input;
  if (oar_view_numel(w) != dirs * GHI) return OAR_OK; /* the run reports it */
  oar_rnn_fast_state *st = oar_rnn_fast_state_new(ctx->kernels, cell, run_fast);
  if (!st) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing a recurrent op");
  st->slots = oar_rnn_fast_slots(ctx->kernels, &p[0], ctx->threads);
  const size_t layer = oar_rnn_fast_workspace_bytes(ctx->kernels, &p[0], (int)dirs, st->slots);
  if (layer == SIZE_MAX) {
    st->base.destroy(&st->base);
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "recurrent op too large (%lld steps x %lld x %lld)",
                         (long long)p[0].seq, (long long)p[0].batch, (long long)p[0].hidden);
  }
  st->base.workspace_bytes = layer + tail_bytes(p[0].batch, (size_t)(dirs * p[0].batch * p[0].hidden));
  const int pos = oar_node_in_pos(node, OAR_RNN_IN_W, 0);
  for (int64_t d = 0; d < dirs; d++) {
    const oar_status s = oar_rnn_fast_state_pack(st, ctx, pos, (int)d, &p[d],
                                                 w->data ? (const float *)w->data + d * GHI : NULL, err);
    if (s != OAR_OK) {
      st->base.destroy(&st->base);
      return s;
    }
  }
  *state = &st->base;
  return OAR_OK;
}
