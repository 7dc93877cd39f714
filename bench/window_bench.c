/* Reference vs fast kernels of the ops real models spent their time on
 * (issue 13): transposed convolution (PP-OCR DB head), a 1-D convolution
 * with a long kernel and a large stride (an STFT front-end), softmax over
 * the last axis (attention) and over long rows (OCR recognition), LSTM
 * layers (deepspeech2, CRNN: runtime/ops/rnn_fast.c against the reference
 * cell, every direction, W pre-packed as plans do). Each
 * case runs both kernels interleaved, `rounds` times, and prints the
 * medians and their ratio, at 1 and 2 threads.
 *
 *   cc -O2 -std=c11 -I include -I src bench/window_bench.c build/lib/liboar.a -lm -lpthread -o window_bench
 *   ./window_bench [rounds]   (OAR_ISA caps the level, as everywhere) */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "base/cpu.h"
#include "base/threadpool.h"
#include "kernels/generic/conv_gemm.h"
#include "kernels/generic/deconv_gemm.h"
#include "kernels/generic/softmax.h"
#include "kernels/ref/math.h"
#include "kernels/ref/reduce.h"
#include "kernels/ref/rnn.h"
#include "kernels/ref/window_nd.h"
#include "ir/ops/op_ext.h"
#include "runtime/ops/rnn_fast.h"

static float *rand_buf(size_t n) {
  float *p = malloc((n ? n : 1) * sizeof *p);
  for (size_t i = 0; i < n; i++) p[i] = (float)(rand() % 2001 - 1000) / 1000.0f;
  return p;
}

typedef struct bench_case {
  const char *name;
  void (*ref)(void *ctx);
  void (*fast)(void *ctx);
  void *ctx;
  float *ref_out, *fast_out;
  size_t out_n;
} bench_case;

static void time_case(const bench_case *c, int rounds, int threads) {
  double *tr = malloc((size_t)rounds * sizeof *tr), *tf = malloc((size_t)rounds * sizeof *tf);
  c->ref(c->ctx);
  c->fast(c->ctx);
  double max_err = 0.0, max_ref = 0.0;
  for (size_t i = 0; i < c->out_n; i++) {
    max_err = fmax(max_err, fabs((double)c->ref_out[i] - (double)c->fast_out[i]));
    max_ref = fmax(max_ref, fabs((double)c->ref_out[i]));
  }
  max_err /= max_ref > 0 ? max_ref : 1.0;
  for (int r = 0; r < rounds; r++) {
    double t0 = bench_now();
    c->ref(c->ctx);
    double t1 = bench_now();
    c->fast(c->ctx);
    double t2 = bench_now();
    tr[r] = t1 - t0;
    tf[r] = t2 - t1;
  }
  qsort(tr, (size_t)rounds, sizeof *tr, bench_cmp_double);
  qsort(tf, (size_t)rounds, sizeof *tf, bench_cmp_double);
  printf("%-44s threads %d  ref %9.3f ms  fast %8.3f ms  ref/fast %6.1fx  max err / max|ref| %.1e\n", c->name,
         threads, tr[rounds / 2] * 1e3, tf[rounds / 2] * 1e3, tr[rounds / 2] / tf[rounds / 2], max_err);
  free(tr);
  free(tf);
}

/* ---- convolutions ----------------------------------------------------------- */

typedef struct conv_ctx {
  bool transpose;
  oar_window_params wp;
  oar_conv_gemm cg;
  oar_deconv_gemm dg;
  float *x, *w, *b, *y_ref, *y_fast, *packed;
  void *work;
} conv_ctx;

static void conv_ref(void *ctx) {
  conv_ctx *c = ctx;
  if (c->transpose)
    oar_ref_conv_transpose_nd_f32(&c->wp, c->x, c->w, c->b, c->y_ref);
  else
    oar_ref_conv_nd_f32(&c->wp, c->x, c->w, c->b, c->y_ref);
}

static void conv_fast(void *ctx) {
  conv_ctx *c = ctx;
  if (c->transpose)
    oar_deconv_gemm_run(&c->dg, c->x, c->w, c->b, c->y_fast, c->work);
  else
    oar_conv_gemm_run(&c->cg, c->x, c->w, c->b, NULL, -INFINITY, INFINITY, NULL, c->y_fast, c->work);
}

/* 1-D (h == 0) or 2-D; symmetric padding, no dilation. */
static void conv_bench(const char *name, bool transpose, int64_t c_in, int64_t h, int64_t w, int64_t c_out,
                       int64_t k, int64_t s, int64_t groups, const oar_f32_kernels *kr, int threads,
                       int rounds) {
  conv_ctx c = {.transpose = transpose};
  const int nsp = h ? 2 : 1;
  const int64_t in[2] = {h, w};
  int64_t out[2];
  for (int i = 0; i < 2; i++) out[i] = transpose ? (in[i] - 1) * s + k : (in[i] - k) / s + 1;
  c.wp = (oar_window_params){.nsp = nsp, .batch = 1, .in_c = c_in, .out_c = c_out, .group = groups};
  for (int i = 0; i < nsp; i++) {
    const int d = h ? i : 1;
    c.wp.in[i] = in[d];
    c.wp.out[i] = out[d];
    c.wp.kernel[i] = k;
    c.wp.stride[i] = s;
    c.wp.dilation[i] = 1;
  }
  const oar_conv2d_params p = {.batch = 1,
                               .in_c = c_in,
                               .in_h = h ? h : 1,
                               .in_w = w,
                               .out_c = c_out,
                               .out_h = h ? out[0] : 1,
                               .out_w = out[1],
                               .kernel_h = h ? k : 1,
                               .kernel_w = k,
                               .stride_h = h ? s : 1,
                               .stride_w = s,
                               .dilation_h = 1,
                               .dilation_w = 1,
                               .groups = groups};
  const size_t xs = (size_t)(c_in * p.in_h * p.in_w), ys = (size_t)(c_out * p.out_h * p.out_w);
  const size_t ws =
      (size_t)((transpose ? c_in * (c_out / groups) : c_out * (c_in / groups)) * p.kernel_h * k);
  c.x = rand_buf(xs);
  c.w = rand_buf(ws);
  c.b = rand_buf((size_t)c_out);
  c.y_ref = malloc(ys * sizeof(float));
  c.y_fast = malloc(ys * sizeof(float));
  size_t floats, work;
  if (transpose) {
    oar_deconv_gemm_init(&c.dg, &p, kr, threads, -1);
    floats = oar_deconv_packed_filter_floats(&c.dg);
    work = c.dg.workspace_bytes;
  } else {
    oar_conv_gemm_init(&c.cg, &p, kr, threads);
    floats = oar_conv_packed_filter_floats(&c.cg);
    work = c.cg.workspace_bytes;
  }
  if (floats) {
    c.packed = aligned_alloc(64, (floats * sizeof(float) + 63) / 64 * 64);
    if (transpose) {
      oar_deconv_pack_filter(&c.dg, c.w, c.packed);
      c.dg.packed_filter = c.packed;
    } else {
      oar_conv_pack_filter(&c.cg, c.w, c.packed);
      c.cg.packed_filter = c.packed;
    }
  }
  c.work = work ? aligned_alloc(64, (work + 63) / 64 * 64) : NULL;
  const bench_case bc = {name, conv_ref, conv_fast, &c, c.y_ref, c.y_fast, ys};
  time_case(&bc, rounds, threads);
  free(c.x);
  free(c.w);
  free(c.b);
  free(c.y_ref);
  free(c.y_fast);
  free(c.packed);
  free(c.work);
}

/* ---- softmax ---------------------------------------------------------------- */

typedef struct softmax_ctx {
  const oar_f32_kernels *kr;
  bool legacy; /* reference: Paddle's softmax (float sums) or softmax_ext (double) */
  size_t outer, n, inner;
  float *x, *y_ref, *y_fast;
} softmax_ctx;

static void softmax_ref(void *ctx) {
  softmax_ctx *c = ctx;
  if (c->legacy)
    oar_ref_softmax_f32(c->x, c->y_ref, (int64_t)c->outer, (int64_t)c->n, (int64_t)c->inner);
  else
    oar_ref_softmax_ext_f32(0, c->x, c->y_ref, (int64_t)c->outer, (int64_t)c->n, (int64_t)c->inner);
}

static void softmax_fast(void *ctx) {
  softmax_ctx *c = ctx;
  oar_softmax_f32(c->kr, c->x, c->y_fast, c->outer, c->n, c->inner, false);
}

static void softmax_bench(const char *name, bool legacy, size_t outer, size_t n, size_t inner,
                          const oar_f32_kernels *kr, int threads, int rounds) {
  const size_t total = outer * n * inner;
  softmax_ctx c = {kr,
                   legacy,
                   outer,
                   n,
                   inner,
                   rand_buf(total),
                   malloc(total * sizeof(float)),
                   malloc(total * sizeof(float))};
  for (size_t i = 0; i < total; i++) c.x[i] *= 8.0f;
  const bench_case bc = {name, softmax_ref, softmax_fast, &c, c.y_ref, c.y_fast, total};
  time_case(&bc, rounds, threads);
  free(c.x);
  free(c.y_ref);
  free(c.y_fast);
}

/* ---- LSTM layers ------------------------------------------------------------ */

typedef struct rnn_ctx {
  const oar_f32_kernels *kr;
  int dirs, slots;
  float *x, *w, *r, *b, *y_ref, *y_fast, *yh, *yc, *scratch;
  float *packed[2];
  oar_rnn_fast_dir fd[2];
  void *work;
} rnn_ctx;

static void rnn_ref(void *ctx) {
  rnn_ctx *c = ctx;
  for (int d = 0; d < c->dirs; d++) {
    const oar_rnn_fast_dir *f = &c->fd[d];
    const int64_t ybase = f->y - c->y_fast;
    oar_ref_rnn_dir_f32(&f->p, c->x, f->w, f->r, f->wb, f->rb, NULL, NULL, NULL, NULL, c->y_ref + ybase,
                        f->yh, f->yc, c->scratch);
  }
}

static void rnn_fast(void *ctx) {
  rnn_ctx *c = ctx;
  oar_rnn_fast_layer(c->kr, c->x, c->fd, c->dirs, NULL, c->slots, c->work);
}

/* One Paddle-style LSTM layer, batch 1: T steps of I inputs, H units. */
static void rnn_bench(const char *name, int64_t T, int64_t I, int64_t H, int dirs, const oar_f32_kernels *kr,
                      int threads, int rounds) {
  const int64_t G = 4;
  rnn_ctx c = {.kr = kr, .dirs = dirs};
  c.x = rand_buf((size_t)(T * I));
  c.w = rand_buf((size_t)(dirs * G * H * I));
  c.r = rand_buf((size_t)(dirs * G * H * H));
  c.b = rand_buf((size_t)(dirs * 2 * G * H));
  for (int64_t i = 0; i < dirs * G * H * I; i++) c.w[i] /= sqrtf((float)I);
  for (int64_t i = 0; i < dirs * G * H * H; i++) c.r[i] /= sqrtf((float)H);
  c.y_ref = calloc((size_t)(T * dirs * H), sizeof(float));
  c.y_fast = calloc((size_t)(T * dirs * H), sizeof(float));
  c.yh = malloc((size_t)(dirs * H) * sizeof(float));
  c.yc = malloc((size_t)(dirs * H) * sizeof(float));
  c.scratch = malloc((size_t)(3 * G * H) * sizeof(float));
  for (int d = 0; d < dirs; d++) {
    oar_rnn_params p = {.cell = 2,
                        .seq = T,
                        .batch = 1,
                        .input = I,
                        .hidden = H,
                        .reverse = d == 1,
                        .x_st = I,
                        .x_sb = I,
                        .y_st = dirs * H,
                        .y_sb = dirs * H,
                        .s_sb = H,
                        .paddle_gates = true};
    p.act[0].kind = OAR_RNN_ACT_SIGMOID;
    p.act[1].kind = OAR_RNN_ACT_TANH;
    p.act[2].kind = OAR_RNN_ACT_TANH;
    c.packed[d] = aligned_alloc(64, (oar_rnn_fast_packed_w_floats(kr, &p) * sizeof(float) + 63) / 64 * 64);
    oar_rnn_fast_pack_w(kr, &p, c.w + d * G * H * I, c.packed[d]);
    c.fd[d] = (oar_rnn_fast_dir){.p = p,
                                 .w = c.w + d * G * H * I,
                                 .w_packed = c.packed[d],
                                 .r = c.r + d * G * H * H,
                                 .wb = c.b + d * 2 * G * H,
                                 .rb = c.b + d * 2 * G * H + G * H,
                                 .y = c.y_fast + d * H,
                                 .yh = c.yh + d * H,
                                 .yc = c.yc + d * H};
  }
  c.slots = oar_rnn_fast_slots(kr, &c.fd[0].p, threads);
  c.work = aligned_alloc(64, (oar_rnn_fast_workspace_bytes(kr, &c.fd[0].p, dirs, c.slots) + 63) / 64 * 64);
  const bench_case bc = {name, rnn_ref, rnn_fast, &c, c.y_ref, c.y_fast, (size_t)(T * dirs * H)};
  time_case(&bc, rounds, threads);
  for (int d = 0; d < dirs; d++) free(c.packed[d]);
  free(c.work);
  free(c.x);
  free(c.w);
  free(c.r);
  free(c.b);
  free(c.y_ref);
  free(c.y_fast);
  free(c.yh);
  free(c.yc);
  free(c.scratch);
}

int main(int argc, char **argv) {
  const int rounds = argc > 1 ? atoi(argv[1]) : 11;
  oar_isa isa;
  if (oar_cpu_isa_active(&isa, NULL) != OAR_OK) return 1;
  const oar_f32_kernels *kr = oar_f32_kernels_for(isa);
  printf("kernels: %s, %d rounds, medians\n", kr->gemm_name, rounds);
  for (int threads = 1; threads <= 2; threads++) {
    oar_threadpool *pool = NULL;
    if (oar_threadpool_create(threads, &pool, NULL) != OAR_OK) return 1;
    oar_threadpool_set_current(pool);
    conv_bench("conv_transpose [1,96,80,80]->24 2x2 s2", true, 96, 80, 80, 24, 2, 2, 1, kr, threads, rounds);
    conv_bench("conv_transpose [1,24,160,160]->1 2x2 s2", true, 24, 160, 160, 1, 2, 2, 1, kr, threads,
               rounds);
    conv_bench("conv_transpose dw [1,64,40,40] 4x4 s2", true, 64, 40, 40, 64, 4, 2, 64, kr, threads, rounds);
    conv_bench("conv1d [1,1,16000] w[400,1,400] s160", false, 1, 0, 16000, 400, 400, 160, 1, kr, threads,
               rounds);
    softmax_bench("softmax_ext [1,12,128,128] last axis", false, 12 * 128, 128, 1, kr, threads, rounds);
    softmax_bench("softmax (Paddle) [1,40,6625] last axis", true, 40, 6625, 1, kr, threads, rounds);
    softmax_bench("softmax_ext [1,6625,40] axis 1", false, 1, 6625, 40, kr, threads, rounds);
    rnn_bench("lstm T 24 I 608 H 256 (deepspeech2 layer 1)", 24, 608, 256, 1, kr, threads, rounds);
    rnn_bench("lstm T 24 I 256 H 256 (deepspeech2 layer 2)", 24, 256, 256, 1, kr, threads, rounds);
    rnn_bench("bilstm T 80 I 512 H 48 (CRNN layer 1)", 80, 512, 48, 2, kr, threads, rounds);
    rnn_bench("bilstm T 80 I 96 H 48 (CRNN layer 2)", 80, 96, 48, 2, kr, threads, rounds);
    oar_threadpool_set_current(NULL);
    oar_threadpool_destroy(pool);
  }
  return 0;
}
