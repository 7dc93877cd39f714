/* The fast recurrent path (runtime/ops/rnn_fast.c: the input projection on
 * the packed GEMM, the recurrence on the GEMV and the table's rnn_cell
 * kernel) against its reference twin oar_ref_rnn_dir_f32
 * (kernels/ref/rnn.c), on every ISA level the host supports, 1 and 2
 * threads (the directions and batch rows of a layer run side by side, a
 * lone wide row splits each step's hidden units). Random
 * cases: the simple RNN (tanh, relu, sigmoid), GRU (linear_before_reset or
 * not) and LSTM (peepholes, input_forget), ONNX's and Paddle's gate
 * orders, hidden sizes around the 8- and 16-lane vectors (odd ones, tails),
 * batch 1 to 4, forward, reverse and both directions, both layouts,
 * sequence lengths (0 and past the end included) or none, initial states
 * given or absent, biases given or absent, clip, W pre-packed or packed
 * during the run. Then the cell kernels alone on the same values.
 *
 * Tolerance policy: the reference sums in double and calls libm; the fast
 * path sums in float (K = input + hidden terms of magnitude <= 1 / sqrt(K)
 * each, so |sum| <= sqrt(K) and the float error <= K * sqrt(K) * 2^-23) and
 * its sigmoid / tanh are within 3e-7. With the weights scaled by
 * 1 / sqrt(K) a step does not amplify the state's error (|dh'/dh| <= 1), so
 * the error after s steps is at most s * (K^1.5 * 2^-23 + 2e-6), the bound
 * checked on every output. Outputs carry guard words; inputs sit against an
 * inaccessible page. Each case also checks that its outputs are not mostly
 * zeros. */
#include "test_gemm_harness.h"

#include "ir/ops/op_ext.h"
#include "kernels/generic/gemm.h"
#include "kernels/ref/rnn.h"
#include "runtime/ops/rnn_fast.h"

typedef struct rnn_case {
  int cell, act, dirs, direction; /* direction: 0 forward, 1 reverse, 2 both */
  int64_t seq, batch, input, hidden;
  bool layout, lbr, input_forget, paddle_gates, peep, bias, h0, c0, lens, prepack;
  float clip;
} rnn_case;

static int64_t gates(int cell) { return cell == 0 ? 1 : cell == 1 ? 3 : 4; }

static void fill(float *p, size_t n, float scale) {
  for (size_t i = 0; i < n; i++) p[i] = rnd_unit() * scale;
}

static oar_rnn_params params_of(const rnn_case *c, int d) {
  const int64_t I = c->input, H = c->hidden, D = c->dirs, T = c->seq, N = c->batch;
  oar_rnn_params p = {
      .cell = c->cell,
      .seq = T,
      .batch = N,
      .input = I,
      .hidden = H,
      .reverse = c->direction == 1 || d == 1,
      .linear_before_reset = c->lbr,
      .input_forget = c->input_forget,
      .clip = c->clip,
      .x_st = c->layout ? I : N * I,
      .x_sb = c->layout ? T * I : I,
      .y_st = c->layout ? D * H : D * N * H,
      .y_sb = c->layout ? T * D * H : H,
      .s_sb = c->layout ? D * H : H,
      .paddle_gates = c->paddle_gates,
  };
  const int kinds[3] = {OAR_RNN_ACT_TANH, OAR_RNN_ACT_RELU, OAR_RNN_ACT_SIGMOID};
  p.act[0].kind = c->cell == 0 ? kinds[c->act] : OAR_RNN_ACT_SIGMOID;
  p.act[1].kind = OAR_RNN_ACT_TANH;
  p.act[2].kind = OAR_RNN_ACT_TANH;
  return p;
}

static size_t cases_run;

static void run_case(const oar_f32_kernels *kr, int threads, const rnn_case *c) {
  const int64_t I = c->input, H = c->hidden, G = gates(c->cell), D = c->dirs, T = c->seq, N = c->batch;
  const int64_t K = I + H;
  const float ws = 1.0f / sqrtf((float)K);
  page_buf bx, bw, br, bb, bp, bh0, bc0;
  float *x = page_alloc(&bx, (size_t)(T * N * I)), *w = page_alloc(&bw, (size_t)(D * G * H * I)),
        *r = page_alloc(&br, (size_t)(D * G * H * H)), *b = page_alloc(&bb, (size_t)(D * 2 * G * H)),
        *peep = page_alloc(&bp, (size_t)(D * 3 * H)), *h0 = page_alloc(&bh0, (size_t)(D * N * H)),
        *c0 = page_alloc(&bc0, (size_t)(D * N * H));
  fill(x, (size_t)(T * N * I), 1.0f);
  fill(w, (size_t)(D * G * H * I), ws);
  fill(r, (size_t)(D * G * H * H), ws);
  fill(b, (size_t)(D * 2 * G * H), ws);
  fill(peep, (size_t)(D * 3 * H), 0.5f);
  fill(h0, (size_t)(D * N * H), 1.0f);
  fill(c0, (size_t)(D * N * H), 1.0f);
  int64_t lens[8];
  for (int64_t i = 0; i < N; i++) lens[i] = (int64_t)(rnd() % (uint32_t)(T + 1));
  lens[0] = T; /* one full row */
  const size_t ny = (size_t)(T * D * N * H), ns = (size_t)(D * N * H);
  float *want_y = calloc(ny, sizeof(float)), *want_h = calloc(ns, sizeof(float)),
        *want_c = calloc(ns, sizeof(float)), *scratch = malloc((size_t)(3 * G * H) * sizeof(float));
  guard_buf gy, gh, gc;
  float *y = guard_alloc(&gy, ny), *yh = guard_alloc(&gh, ns), *yc = guard_alloc(&gc, ns);
  memset(y, 0, ny * sizeof *y);
  oar_rnn_fast_dir fd[2];
  float *packed[2] = {NULL, NULL};
  for (int d = 0; d < D; d++) {
    const oar_rnn_params p = params_of(c, d);
    const int64_t sbase = c->layout ? d * H : d * N * H, ybase = c->layout ? d * H : d * N * H;
    fd[d] = (oar_rnn_fast_dir){
        .p = p,
        .w = w + d * G * H * I,
        .r = r + d * G * H * H,
        .wb = c->bias ? b + d * 2 * G * H : NULL,
        .rb = c->bias ? b + d * 2 * G * H + G * H : NULL,
        .peep = c->cell == 2 && c->peep ? peep + d * 3 * H : NULL,
        .h0 = c->h0 ? h0 + sbase : NULL,
        .c0 = c->cell == 2 && c->c0 ? c0 + sbase : NULL,
        .y = y + ybase,
        .yh = yh + sbase,
        .yc = c->cell == 2 ? yc + sbase : NULL,
    };
    if (c->prepack) {
      packed[d] = harness_aligned_alloc(oar_rnn_fast_packed_w_floats(kr, &p) * sizeof(float));
      oar_rnn_fast_pack_w(kr, &p, fd[d].w, packed[d]);
      fd[d].w_packed = packed[d];
    }
    oar_ref_rnn_dir_f32(&p, x, fd[d].w, fd[d].r, fd[d].wb, fd[d].rb, fd[d].peep, c->lens ? lens : NULL,
                        fd[d].h0, fd[d].c0, want_y + ybase, want_h + sbase, want_c + sbase, scratch);
  }
  if (c->cell != 2) memset(yc, 0, ns * sizeof *yc); /* not written: compare zeros */
  const oar_rnn_params p0 = params_of(c, 0);
  const int slots = oar_rnn_fast_slots(kr, &p0, threads);
  const size_t wsb = oar_rnn_fast_workspace_bytes(kr, &p0, (int)D, slots);
  void *work = harness_aligned_alloc(wsb);
  oar_rnn_fast_layer(kr, x, fd, (int)D, c->lens ? lens : NULL, slots, work);
  const double tol = (double)T * (pow((double)K, 1.5) * ldexp(1.0, -23) + 2e-6);
  const struct {
    const char *name;
    const float *got, *want;
    size_t n;
  } outs[3] = {{"Y", y, want_y, ny}, {"Y_h", yh, want_h, ns}, {"Y_c", yc, c->cell == 2 ? want_c : yc, ns}};
  double worst = 0.0;
  size_t bad = 0, at = 0, nonzero = 0, which = 0;
  for (int o = 0; o < 3; o++)
    for (size_t i = 0; i < outs[o].n; i++) {
      const double e = fabs((double)outs[o].got[i] - (double)outs[o].want[i]);
      if (outs[o].want[i] != 0.0f) nonzero++;
      if (!(e <= tol)) {
        if (!bad) {
          at = i;
          which = (size_t)o;
        }
        bad++;
      }
      if (e > worst) worst = e;
    }
  CHECK(
      bad == 0 && guard_intact(&gy) && guard_intact(&gh) && guard_intact(&gc),
      "%s threads %d cell %d act %d dir %d T %lld N %lld I %lld H %lld layout %d lbr %d if %d pd %d peep %d "
      "bias %d h0 %d c0 %d lens %d clip %g prepack %d: %zu bad (worst %.3g, tol %.3g), first %s[%zu] got "
      "%.9g "
      "want %.9g (or guard)",
      oar_isa_name(kr->isa), threads, c->cell, c->act, c->direction, (long long)T, (long long)N, (long long)I,
      (long long)H, c->layout, c->lbr, c->input_forget, c->paddle_gates, c->peep, c->bias, c->h0, c->c0,
      c->lens, (double)c->clip, c->prepack, bad, worst, tol, outs[which].name, at,
      (double)outs[which].got[at], (double)outs[which].want[at]);
  /* not mostly zeros: at least the final states of the rows that ran */
  if (!(c->cell == 0 && c->act == 1)) /* relu may well be 0 */
    CHECK(nonzero >= ns / 2, "%s: only %zu nonzero outputs", oar_isa_name(kr->isa), nonzero);
  cases_run++;
  harness_aligned_free(work);
  for (int d = 0; d < 2; d++) harness_aligned_free(packed[d]);
  free(want_y);
  free(want_h);
  free(want_c);
  free(scratch);
  guard_free(&gy);
  guard_free(&gh);
  guard_free(&gc);
  page_free(&bx);
  page_free(&bw);
  page_free(&br);
  page_free(&bb);
  page_free(&bp);
  page_free(&bh0);
  page_free(&bc0);
}

static rnn_case random_case(int cell) {
  static const int64_t hiddens[] = {1, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 47, 50};
  rnn_case c = {
      .cell = cell,
      .act = (int)(rnd() % 3),
      .direction = (int)(rnd() % 3),
      .seq = 1 + rnd() % 9,
      .batch = 1 + rnd() % 4,
      .input = 1 + rnd() % 40,
      .hidden = hiddens[rnd() % (sizeof hiddens / sizeof *hiddens)],
      .layout = rnd() % 2,
      .lbr = cell == 1 && rnd() % 2,
      .input_forget = cell == 2 && rnd() % 4 == 0,
      .paddle_gates = rnd() % 2,
      .peep = rnd() % 2,
      .bias = rnd() % 4 != 0,
      .h0 = rnd() % 2,
      .c0 = rnd() % 2,
      .lens = rnd() % 3 == 0,
      .prepack = rnd() % 2,
      .clip = rnd() % 4 == 0 ? 0.5f + (float)(rnd() % 4) : 0.0f,
  };
  c.dirs = c.direction == 2 ? 2 : 1;
  return c;
}

static void sweep(const oar_f32_kernels *kr, int threads) {
  for (int cell = 0; cell < 3; cell++) {
    /* every hidden size around the vectors, the rest of the case random */
    for (int64_t h = 1; h <= 34; h++) {
      rnn_case c = random_case(cell);
      c.hidden = h;
      run_case(kr, threads, &c);
    }
    for (int t = 0; t < 40; t++) {
      const rnn_case c = random_case(cell);
      run_case(kr, threads, &c);
    }
    /* a lone row (one direction, batch 1) wide enough to split each step
     * over two threads, around the split point and the vectors */
    static const int64_t wide[] = {64, 65, 79, 96, 97, 130};
    for (size_t i = 0; i < sizeof wide / sizeof *wide; i++) {
      rnn_case c = random_case(cell);
      c.hidden = wide[i];
      c.batch = 1;
      c.direction = (int)(rnd() % 2);
      c.dirs = 1;
      c.seq = 1 + rnd() % 6;
      run_case(kr, threads, &c);
    }
  }
  /* deepspeech2's and CRNN's shapes: a long input projection, wide cells */
  const rnn_case big[] = {
      {.cell = 2,
       .dirs = 1,
       .seq = 24,
       .batch = 1,
       .input = 608,
       .hidden = 256,
       .bias = true,
       .prepack = true},
      {.cell = 2,
       .dirs = 2,
       .direction = 2,
       .seq = 40,
       .batch = 2,
       .input = 96,
       .hidden = 48,
       .bias = true,
       .paddle_gates = true,
       .h0 = true,
       .c0 = true},
      {.cell = 1,
       .dirs = 2,
       .direction = 2,
       .seq = 20,
       .batch = 3,
       .input = 64,
       .hidden = 100,
       .bias = true,
       .lbr = true,
       .lens = true},
  };
  for (size_t i = 0; i < sizeof big / sizeof *big; i++) run_case(kr, threads, &big[i]);
}

int main(void) {
  if (harness_each_table_and_threads("test_rnn_fast", sweep)) return 1;
  printf("%zu cases\n", cases_run);
  return harness_finish("test_rnn_fast");
}
