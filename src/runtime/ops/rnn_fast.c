/* The fast path of the recurrent ops (rnn_fast.h). */
#include "runtime/ops/rnn_fast.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/threadpool.h"
#include "ir/ops/op_ext.h"
#include "kernels/generic/gemm.h"

static int64_t gates_of(int cell) { return cell == 0 ? 1 : cell == 1 ? 3 : 4; }

bool oar_rnn_fast_supported(const oar_rnn_params *p) {
  if (p->cell < 0 || p->cell > 2 || p->hidden <= 0 || p->input <= 0 || p->seq <= 0 || p->batch <= 0)
    return false;
  if (p->x_st % p->input || p->x_sb % p->input) return false;
  const int64_t rs_t = p->x_st / p->input, rs_b = p->x_sb / p->input;
  /* the rows (t, b) are exactly the rows of a [seq * batch, input] matrix */
  if (!((rs_t == p->batch && rs_b == 1) || (rs_t == 1 && rs_b == p->seq))) return false;
  if (p->cell == 0)
    return p->act[0].kind == OAR_RNN_ACT_TANH || p->act[0].kind == OAR_RNN_ACT_RELU ||
           p->act[0].kind == OAR_RNN_ACT_SIGMOID;
  if (p->act[0].kind != OAR_RNN_ACT_SIGMOID || p->act[1].kind != OAR_RNN_ACT_TANH) return false;
  return p->cell == 1 || p->act[2].kind == OAR_RNN_ACT_TANH;
}

/* The input projection: C [seq * batch, G*H] = X [seq * batch, I] W^T. */
static void problem_of(const oar_f32_kernels *kr, const oar_rnn_params *p, const float *x, const float *w,
                       const float *w_packed, const float *bias, float *c, oar_gemm_matrix *xm,
                       oar_gemm_matrix *wm, oar_gemm_problem *pr) {
  const int64_t G = gates_of(p->cell);
  memset(pr, 0, sizeof *pr);
  pr->m = (size_t)(p->seq * p->batch);
  pr->n = (size_t)(G * p->hidden);
  pr->k = (size_t)p->input;
  *xm = (oar_gemm_matrix){.data = x, .ld = (size_t)p->input, .trans = false, .scale = 1.0f};
  *wm = (oar_gemm_matrix){.data = w, .ld = (size_t)p->input, .trans = true, .scale = 1.0f};
  pr->a.pack = kr->pack_rows;
  pr->a.ctx = xm;
  if (w_packed) {
    pr->b.packed = w_packed;
  } else {
    pr->b.pack = kr->pack_cols;
    pr->b.ctx = wm;
  }
  pr->c = c;
  pr->ldc = pr->n;
  oar_gemm_epilogue_none(&pr->epi);
  pr->epi.bias_col = bias;
}

size_t oar_rnn_fast_packed_w_floats(const oar_f32_kernels *kr, const oar_rnn_params *p) {
  return oar_gemm_packed_floats((size_t)(gates_of(p->cell) * p->hidden), (size_t)p->input, kr->nr);
}

void oar_rnn_fast_pack_w(const oar_f32_kernels *kr, const oar_rnn_params *p, const float *w, float *dst) {
  const oar_gemm_matrix wm = {.data = w, .ld = (size_t)p->input, .trans = true, .scale = 1.0f};
  oar_gemm_prepack(kr, kr->pack_cols, &wm, (size_t)(gates_of(p->cell) * p->hidden), (size_t)p->input, kr->nr,
                   dst);
}

int oar_rnn_fast_slots(const oar_f32_kernels *kr, const oar_rnn_params *p, int threads) {
  oar_gemm_matrix xm, wm;
  oar_gemm_problem pr;
  problem_of(kr, p, NULL, NULL, NULL, NULL, NULL, &xm, &wm, &pr);
  return oar_gemm_slots(kr, &pr, threads);
}

/* Floats of one direction's block: xw, bias, hidden bias, then ha, rh and
 * a second h of each batch row; a multiple of 16 (64 bytes). SIZE_MAX on
 * overflow. */
static size_t dir_floats(const oar_rnn_params *p) {
  const size_t gh = (size_t)(gates_of(p->cell) * p->hidden);
  size_t rows, xw, per_row;
  if (__builtin_mul_overflow((size_t)p->seq, (size_t)p->batch, &rows) ||
      __builtin_mul_overflow(rows, gh, &xw) || xw > SIZE_MAX / 8 ||
      __builtin_mul_overflow((size_t)p->batch, gh + 2 * (size_t)p->hidden, &per_row) ||
      per_row > SIZE_MAX / 8)
    return SIZE_MAX;
  const size_t total = xw + 2 * gh + per_row;
  return (total + 15) / 16 * 16;
}

static size_t gemm_bytes(const oar_f32_kernels *kr, const oar_rnn_params *p, int slots) {
  oar_gemm_matrix xm, wm;
  oar_gemm_problem pr;
  problem_of(kr, p, NULL, NULL, NULL, NULL, NULL, &xm, &wm, &pr);
  const size_t b = oar_gemm_workspace_bytes(kr, &pr, slots);
  return b == SIZE_MAX || b > SIZE_MAX / 2 ? SIZE_MAX : (b + 63) / 64 * 64;
}

size_t oar_rnn_fast_workspace_bytes(const oar_f32_kernels *kr, const oar_rnn_params *p, int dirs, int slots) {
  const size_t g = gemm_bytes(kr, p, slots), d = dir_floats(p);
  if (g == SIZE_MAX || d == SIZE_MAX || d > SIZE_MAX / 64) return SIZE_MAX;
  const size_t per = d * sizeof(float) * (size_t)dirs;
  return per > SIZE_MAX - g ? SIZE_MAX : g + per;
}

typedef struct recur_ctx {
  const oar_f32_kernels *kr;
  const oar_rnn_fast_dir *dirs;
  float *blocks[2];
  const int64_t *lens;
  int parts; /* of each step's hidden units, on the pool (1: the caller alone) */
} recur_ctx;

/* One batch row of one direction, at one time step. */
typedef struct row_step {
  const oar_f32_kernels *kr;
  const oar_rnn_fast_dir *d;
  int64_t H, off[4]; /* gate offsets by role (f32_kernels.h) in the model's order */
  const float *hb;   /* R's bias where it stays with R h (GRU's candidate), else 0 */
  float *ha, *rh;
  const float *xr; /* this step's projected input */
  const float *h_prev;
  float *h, *c;
  size_t split; /* hidden units of the first part */
} row_step;

/* The gates of hidden units [k0, k1): their rows of R h in every gate,
 * then the cell. h_prev is read whole, h written on [k0, k1) only, so
 * parts run side by side. (GRU without linear_before_reset: whole steps.) */
static void step_units(const row_step *rs, size_t k0, size_t k1) {
  const oar_rnn_fast_dir *d = rs->d;
  const oar_rnn_params *p = &d->p;
  const oar_f32_kernels *kr = rs->kr;
  const int64_t H = rs->H;
  const size_t n = k1 - k0;
  const int G = (int)gates_of(p->cell);
  oar_rnn_cell_args a = {
      .cell = p->cell,
      .rnn_act = p->act[0].kind == OAR_RNN_ACT_RELU      ? OAR_RNN_CELL_RELU
                 : p->act[0].kind == OAR_RNN_ACT_SIGMOID ? OAR_RNN_CELL_SIGMOID
                                                         : OAR_RNN_CELL_TANH,
      .input_forget = p->input_forget,
      .n = n,
      .clip = p->clip,
      .h_prev = rs->h_prev + k0,
      .h = rs->h + k0,
      .c = rs->c ? rs->c + k0 : NULL,
  };
  for (int j = 0; j < 3; j++) a.peep[j] = d->peep ? d->peep + j * H + (int64_t)k0 : NULL;
  for (int g = 0; g < 4; g++) {
    a.x[g] = rs->xr + rs->off[g] + k0;
    a.r[g] = rs->ha + rs->off[g] + k0;
  }
  if (p->cell == 1 && !p->linear_before_reset) {
    /* z and r (rows 0..2H of R, ONNX's order), then the candidate on r * h */
    kr->gemv((size_t)(2 * H), (size_t)H, d->r, (size_t)H, rs->h_prev, NULL, NULL, -INFINITY, INFINITY,
             rs->ha);
    a.rh = rs->rh;
    a.gru_mode = OAR_RNN_GRU_RESET_ONLY;
    kr->rnn_cell(&a);
    kr->gemv((size_t)H, (size_t)H, d->r + 2 * H * H, (size_t)H, rs->rh, d->rb ? d->rb + 2 * H : NULL, NULL,
             -INFINITY, INFINITY, rs->ha + 2 * H);
    a.gru_mode = OAR_RNN_GRU_RESET_APPLIED;
    kr->rnn_cell(&a);
    return;
  }
  for (int g = 0; g < G; g++) {
    const int64_t row = rs->off[g] + (int64_t)k0;
    kr->gemv(n, (size_t)H, d->r + row * H, (size_t)H, rs->h_prev, p->cell == 1 ? rs->hb + row : NULL, NULL,
             -INFINITY, INFINITY, rs->ha + row);
  }
  a.gru_mode = OAR_RNN_GRU_LINEAR_BEFORE_RESET;
  kr->rnn_cell(&a);
}

static void step_range(void *ctx, size_t begin, size_t end) {
  const row_step *rs = ctx;
  for (size_t i = begin; i < end; i++)
    step_units(rs, i == 0 ? 0 : rs->split, i == 0 ? rs->split : (size_t)rs->H);
}

/* The recurrence of batch row b of one direction over the projected inputs
 * in the direction's block, each step in `parts` parts on the pool. */
static void recur(const oar_f32_kernels *kr, const oar_rnn_fast_dir *d, float *block, const int64_t *lens,
                  int64_t b, int parts) {
  const oar_rnn_params *p = &d->p;
  const int64_t H = p->hidden, G = gates_of(p->cell), GH = G * H;
  const int64_t rs_t = p->x_st / p->input, rs_b = p->x_sb / p->input;
  row_step rs = {
      .kr = kr,
      .d = d,
      .H = H,
      .hb = block + p->seq * p->batch * GH + GH,
      .ha = block + p->seq * p->batch * GH + 2 * GH + b * (GH + 2 * H),
  };
  rs.rh = rs.ha + GH;
  float *hbuf[2] = {d->yh + b * p->s_sb, rs.rh + H}; /* h ping-pongs; the state ends in yh */
  if (p->cell == 2) {
    rs.off[1] = p->paddle_gates ? 3 * H : H;
    rs.off[2] = p->paddle_gates ? H : 2 * H;
    rs.off[3] = p->paddle_gates ? 2 * H : 3 * H;
  } else if (p->cell == 1) {
    rs.off[0] = p->paddle_gates ? H : 0;
    rs.off[1] = p->paddle_gates ? 0 : H;
    rs.off[2] = 2 * H;
  }
  if (p->cell == 1 && !p->linear_before_reset) parts = 1;
  rs.split = parts > 1 ? (size_t)((H / 2 + 15) / 16 * 16) : (size_t)H;
  if (rs.split >= (size_t)H) parts = 1;
  float *h = hbuf[0];
  if (d->h0)
    memcpy(h, d->h0 + b * p->s_sb, (size_t)H * sizeof *h);
  else
    memset(h, 0, (size_t)H * sizeof *h);
  rs.c = d->yc ? d->yc + b * p->s_sb : NULL;
  if (rs.c) {
    if (d->c0)
      memcpy(rs.c, d->c0 + b * p->s_sb, (size_t)H * sizeof *rs.c);
    else
      memset(rs.c, 0, (size_t)H * sizeof *rs.c);
  }
  int64_t len = lens ? lens[b] : p->seq;
  if (len > p->seq) len = p->seq;
  for (int64_t s = 0; s < len; s++) {
    const int64_t t = p->reverse ? len - 1 - s : s;
    rs.xr = block + (t * rs_t + b * rs_b) * GH;
    rs.h_prev = hbuf[s % 2];
    rs.h = hbuf[(s + 1) % 2];
    if (parts > 1)
      oar_parallel_for((size_t)parts, 1, step_range, &rs);
    else
      step_units(&rs, 0, (size_t)H);
    if (d->y) memcpy(d->y + t * p->y_st + b * p->y_sb, rs.h, (size_t)H * sizeof *h);
  }
  if (len % 2) memcpy(hbuf[0], hbuf[1], (size_t)H * sizeof *h);
}

/* Items: (direction, batch row), row-major. */
static void recur_range(void *ctx, size_t begin, size_t end) {
  const recur_ctx *rc = ctx;
  const size_t n = (size_t)rc->dirs[0].p.batch;
  for (size_t i = begin; i < end; i++)
    recur(rc->kr, &rc->dirs[i / n], rc->blocks[i / n], rc->lens, (int64_t)(i % n), rc->parts);
}

void oar_rnn_fast_layer(const oar_f32_kernels *kr, const float *x, const oar_rnn_fast_dir *dirs, int ndirs,
                        const int64_t *seq_lens, int slots, void *workspace) {
  const oar_rnn_params *p0 = &dirs[0].p;
  const int64_t H = p0->hidden, GH = gates_of(p0->cell) * H, rows = p0->seq * p0->batch;
  void *gemm_ws = workspace;
  float *base = (float *)((char *)workspace + gemm_bytes(kr, p0, slots));
  recur_ctx rc = {.kr = kr, .dirs = dirs, .lens = seq_lens};
  for (int di = 0; di < ndirs; di++) {
    const oar_rnn_fast_dir *d = &dirs[di];
    float *block = base + (size_t)di * dir_floats(p0);
    float *bias = block + rows * GH, *hb = bias + GH;
    /* Biases: W's, and R's where the gate adds it before any product
     * (all but GRU's candidate, whose R bias stays with R h). */
    const bool gru = p0->cell == 1;
    for (int64_t g = 0; g < GH; g++) {
      const bool cand = gru && g >= 2 * H;
      const float rb = d->rb ? d->rb[g] : 0.0f;
      bias[g] = (d->wb ? d->wb[g] : 0.0f) + (cand ? 0.0f : rb);
      hb[g] = cand ? rb : 0.0f;
    }
    oar_gemm_matrix xm, wm;
    oar_gemm_problem pr;
    problem_of(kr, &d->p, x, d->w, d->w_packed, bias, block, &xm, &wm, &pr);
    oar_gemm_run(kr, &pr, slots, gemm_ws);
    rc.blocks[di] = block;
  }
  /* The rows of each direction are independent: on the pool's threads; a
   * single row splits each step's hidden units over two threads instead
   * when there is enough work per step. */
  const size_t items = (size_t)ndirs * (size_t)p0->batch;
  const oar_threadpool *pool = oar_threadpool_current();
  const int threads = pool ? oar_threadpool_threads(pool) : 1;
  rc.parts = items == 1 && threads > 1 && H >= OAR_RNN_FAST_SPLIT_MIN_HIDDEN ? 2 : 1;
  if (items > 1)
    oar_parallel_for(items, 1, recur_range, &rc);
  else
    recur_range(&rc, 0, 1);
}

/* ---- plan-time state ------------------------------------------------------ */

static void state_destroy(oar_op_state *s) {
  if (!s) return;
  oar_rnn_fast_state *st = (oar_rnn_fast_state *)s;
  for (int i = 0; i < OAR_RNN_FAST_MAX_DIRS; i++) oar_aligned_free(st->owned[i]);
  oar_free(st);
}

oar_rnn_fast_state *oar_rnn_fast_state_new(const oar_f32_kernels *kr, int cell, oar_run_state_fn run) {
  oar_rnn_fast_state *st = oar_calloc(1, sizeof *st);
  if (!st) return NULL;
  st->kr = kr;
  st->base.run = run;
  st->base.destroy = state_destroy;
  snprintf(st->kernel, sizeof st->kernel, "%s %s + %s",
           cell == 2   ? "lstm"
           : cell == 1 ? "gru"
                       : "rnn",
           kr->gemm_name, kr->rnn_cell_name);
  st->base.kernel = st->kernel;
  return st;
}

typedef struct pack_args {
  const oar_f32_kernels *kr;
  const oar_rnn_params *p;
  const float *w;
} pack_args;

static void pack_cb(void *ctx, float *dst) {
  const pack_args *a = ctx;
  oar_rnn_fast_pack_w(a->kr, a->p, a->w, dst);
}

oar_status oar_rnn_fast_state_pack(oar_rnn_fast_state *st, const oar_prepare_ctx *ctx, int pos, int k,
                                   const oar_rnn_params *p, const float *w, oar_error *err) {
  const size_t floats = oar_rnn_fast_packed_w_floats(st->kr, p);
  if (floats == SIZE_MAX)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "recurrent weights too large to pack (%lld x %lld)",
                         (long long)(gates_of(p->cell) * p->hidden), (long long)p->input);
  if (pos < 0 || !w || floats == 0) return OAR_OK;
  pack_args args = {.kr = st->kr, .p = p, .w = w};
  if (ctx->weights && ctx->in_constant[pos]) {
    const int64_t key[4] = {0x524e4e /* "RNN" */, gates_of(p->cell) * p->hidden, p->input, k};
    return oar_weight_cache_get(ctx->weights, w, st->kr, key, floats, pack_cb, &args, &st->w_packed[k], err);
  }
  if (!ctx->in_known[pos]) return OAR_OK;
  float *buf = oar_aligned_alloc(floats * sizeof *buf);
  if (!buf)
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory packing recurrent weights (%zu bytes)",
                         floats * sizeof *buf);
  pack_cb(&args, buf);
  st->owned[k] = buf;
  st->w_packed[k] = buf;
  return OAR_OK;
}
