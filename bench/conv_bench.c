/* Time one NCHW convolution on oar's fast path (kernel level), hot in
 * cache or with the caches flushed between runs (as inside a model, where
 * each layer's weights come from memory). For tuning.
 *
 *   cc -O2 -std=c11 -I include -I src bench/conv_bench.c build/lib/liboar.a -lm -lpthread -o conv_bench
 *   ./conv_bench C H W OC K STRIDE PAD [GROUPS] [--threads N] [--cold] [--residual] [--blocked]
 *
 * --blocked times the NCHW16c direct convolution (kernels/generic/conv16c.h)
 * instead, or for a depthwise shape (GROUPS == C == OC) the NCHW16c
 * depthwise convolution (kernels/generic/dwconv16c.h), and checks its
 * output against the reference convolution. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "base/alloc.h"
#include "base/cpu.h"
#include "base/threadpool.h"
#include "kernels/generic/conv16c.h"
#include "kernels/generic/conv_gemm.h"
#include "kernels/generic/dwconv16c.h"

/* A blocked-layout kernel as the harness below drives it. */
typedef struct blocked_kernel {
  const char *what; /* "conv", "dwconv" */
  const void *state;
  size_t filter_floats, packed_floats, in_blocks, out_blocks, workspace_bytes;
  int slots;
  double flops;
  void (*pack)(const void *state, const float *filter, float *dst);
  void (*run)(const void *state, const float *xb, const float *packed, const float *bias, const float *res,
              float lo, float hi, float *yb, void *work);
} blocked_kernel;

static void conv_pack(const void *s, const float *w, float *dst) { oar_conv16c_pack_filter(s, w, dst); }
static void conv_run(const void *s, const float *xb, const float *pk, const float *bias, const float *res,
                     float lo, float hi, float *yb, void *work) {
  oar_conv16c_run(s, xb, pk, bias, res, lo, hi, NULL, yb, work);
}
static void dw_pack(const void *s, const float *w, float *dst) { oar_dwconv16c_pack_filter(s, w, dst); }
static void dw_run(const void *s, const float *xb, const float *pk, const float *bias, const float *res,
                   float lo, float hi, float *yb, void *work) {
  oar_dwconv16c_run(s, xb, pk, bias, res, lo, hi, NULL, yb, work);
}

static float rnd_unit(void) { return (float)((double)rand() / RAND_MAX) - 0.5f; }

/* Checks the kernel against the reference convolution, then times it. */
static int check_and_time(const oar_conv2d_params *p, const blocked_kernel *k, int cold, int with_res) {
  const size_t hw_in = (size_t)(p->in_h * p->in_w), hw_out = (size_t)(p->out_h * p->out_w);
  const size_t xs = (size_t)p->in_c * hw_in, ys = (size_t)p->out_c * hw_out;
  float *x = oar_aligned_alloc(xs * 4), *w = oar_aligned_alloc(k->filter_floats * 4);
  float *y = oar_aligned_alloc(ys * 4), *bias = oar_aligned_alloc((size_t)p->out_c * 4);
  float *res = oar_aligned_alloc(ys * 4), *back = oar_aligned_alloc(ys * 4);
  float *xb = oar_aligned_alloc(k->in_blocks * 16 * hw_in * 4),
        *yb = oar_aligned_alloc(k->out_blocks * 16 * hw_out * 4);
  float *rb = oar_aligned_alloc(k->out_blocks * 16 * hw_out * 4);
  float *packed = oar_aligned_alloc(k->packed_floats * 4);
  void *work = oar_aligned_alloc(k->workspace_bytes + 64);
  srand(1);
  for (size_t i = 0; i < xs; i++) x[i] = rnd_unit();
  for (size_t i = 0; i < k->filter_floats; i++) w[i] = rnd_unit();
  for (size_t i = 0; i < ys; i++) res[i] = rnd_unit();
  for (long i = 0; i < p->out_c; i++) bias[i] = (float)i / 16;
  oar_nchw_to_nchw16c(x, 1, (size_t)p->in_c, hw_in, xb);
  oar_nchw_to_nchw16c(res, 1, (size_t)p->out_c, hw_out, rb);
  k->pack(k->state, w, packed);
  oar_ref_conv2d_f32(p, x, w, bias, with_res ? res : NULL, y);
  k->run(k->state, xb, packed, bias, with_res ? rb : NULL, -INFINITY, INFINITY, yb, work);
  oar_nchw16c_to_nchw(yb, 1, (size_t)p->out_c, hw_out, back);
  double worst = 0;
  for (size_t i = 0; i < ys; i++) {
    const double d = fabs((double)back[i] - (double)y[i]) / (1.0 + fabs((double)y[i]));
    if (d > worst) worst = d;
  }
  const size_t flush_n = 64u << 20;
  char *flush = cold ? malloc(flush_n) : NULL;
  double t[31];
  for (int r = 0; r < 31; r++) {
    if (flush) memset(flush, r, flush_n);
    const double t0 = bench_now();
    k->run(k->state, xb, packed, bias, with_res ? rb : NULL, 0.0f, INFINITY, yb, work);
    t[r] = bench_now() - t0;
  }
  qsort(t, 31, sizeof *t, bench_cmp_double);
  printf(
      "blocked %s %ldx%ldx%ld -> %ldx%ldx%ld k%ld s%ld p%ld threads %d %s: %.3f ms, %.1f GFLOP/s, max rel "
      "err "
      "%.2g\n",
      k->what, (long)p->in_c, (long)p->in_h, (long)p->in_w, (long)p->out_c, (long)p->out_h, (long)p->out_w,
      (long)p->kernel_h, (long)p->stride_h, (long)p->pad_top, k->slots, cold ? "cold" : "hot", t[15] * 1e3,
      k->flops / t[15] * 1e-9, worst);
  return worst < 1e-4 ? 0 : 1;
}

/* The blocked path (depthwise when groups == channels). */
static int run_blocked(const oar_conv2d_params *p, int threads, int cold, int with_res) {
  const oar_f32_kernels *kr = oar_f32_kernels_for(oar_cpu_isa_detected());
  const double out_values = (double)(p->out_c * p->out_h * p->out_w),
               taps = (double)(p->kernel_h * p->kernel_w);
  if (p->groups > 1) {
    if (!oar_dwconv16c_supported(p, kr)) {
      fprintf(stderr, "no blocked depthwise convolution for this shape on this CPU\n");
      return 1;
    }
    oar_dwconv16c c;
    oar_dwconv16c_init(&c, p, kr, threads);
    const blocked_kernel k = {"dwconv",
                              &c,
                              (size_t)(p->out_c * p->kernel_h * p->kernel_w),
                              oar_dwconv16c_packed_floats(&c),
                              c.cb,
                              c.cb,
                              c.workspace_bytes,
                              c.slots,
                              2.0 * out_values * taps,
                              dw_pack,
                              dw_run};
    return check_and_time(p, &k, cold, with_res);
  }
  if (!oar_conv16c_supported(p, kr)) {
    fprintf(stderr, "no blocked convolution for this shape on this CPU\n");
    return 1;
  }
  oar_conv16c c;
  oar_conv16c_init(&c, p, kr, threads);
  const blocked_kernel k = {"conv",
                            &c,
                            (size_t)(p->out_c * p->in_c) * (size_t)taps,
                            oar_conv16c_packed_floats(&c),
                            c.icb,
                            c.ocb,
                            c.workspace_bytes,
                            c.slots,
                            2.0 * out_values * (double)p->in_c * taps,
                            conv_pack,
                            conv_run};
  return check_and_time(p, &k, cold, with_res);
}

int main(int argc, char **argv) {
  long v[8] = {0, 0, 0, 0, 0, 1, 0, 1};
  int nv = 0, threads = 1, cold = 0, with_res = 0, blocked = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--threads") && i + 1 < argc)
      threads = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--cold"))
      cold = 1;
    else if (!strcmp(argv[i], "--residual"))
      with_res = 1;
    else if (!strcmp(argv[i], "--blocked"))
      blocked = 1;
    else if (nv < 8)
      v[nv++] = atol(argv[i]);
  }
  if (nv < 7) {
    fprintf(
        stderr,
        "usage: conv_bench C H W OC K STRIDE PAD [GROUPS] [--threads N] [--cold] [--residual] [--blocked]\n");
    return 2;
  }
  oar_conv2d_params p = {.batch = 1,
                         .in_c = v[0],
                         .in_h = v[1],
                         .in_w = v[2],
                         .out_c = v[3],
                         .kernel_h = v[4],
                         .kernel_w = v[4],
                         .stride_h = v[5],
                         .stride_w = v[5],
                         .pad_top = v[6],
                         .pad_left = v[6],
                         .dilation_h = 1,
                         .dilation_w = 1,
                         .groups = v[7]};
  p.out_h = (p.in_h + 2 * p.pad_top - p.kernel_h) / p.stride_h + 1;
  p.out_w = (p.in_w + 2 * p.pad_left - p.kernel_w) / p.stride_w + 1;
  oar_threadpool *pool = NULL;
  oar_threadpool_create(threads, &pool, NULL);
  oar_threadpool_set_current(pool);
  if (blocked) return run_blocked(&p, threads, cold, with_res);
  oar_conv_gemm c;
  oar_conv_gemm_init(&c, &p, oar_f32_kernels_for(oar_cpu_isa_detected()), threads);
  const size_t xs = (size_t)(p.in_c * p.in_h * p.in_w),
               ws = (size_t)(p.out_c * p.in_c / p.groups * p.kernel_h * p.kernel_w),
               ys = (size_t)(p.out_c * p.out_h * p.out_w);
  float *x = oar_aligned_alloc(xs * 4), *w = oar_aligned_alloc(ws * 4), *y = oar_aligned_alloc(ys * 4);
  float *bias = oar_aligned_alloc((size_t)p.out_c * 4), *res = oar_aligned_alloc(ys * 4);
  for (size_t i = 0; i < ys; i++) res[i] = (float)(i % 3);
  for (size_t i = 0; i < xs; i++) x[i] = (float)(i % 7) - 3;
  for (size_t i = 0; i < ws; i++) w[i] = (float)(i % 5) - 2;
  for (long i = 0; i < p.out_c; i++) bias[i] = 1;
  const size_t pf = oar_conv_packed_filter_floats(&c);
  float *packed = pf ? oar_aligned_alloc(pf * 4) : NULL;
  if (packed) {
    oar_conv_pack_filter(&c, w, packed);
    c.packed_filter = packed;
  }
  void *work = oar_aligned_alloc(c.workspace_bytes + 64);
  const size_t flush_n = 64u << 20;
  char *flush = cold ? malloc(flush_n) : NULL;
  double t[31];
  for (int r = 0; r < 31; r++) {
    if (flush) memset(flush, r, flush_n);
    const double t0 = bench_now();
    oar_conv_gemm_run(&c, x, w, bias, with_res ? res : NULL, 0.0f, 1e30f, NULL, y, work);
    t[r] = bench_now() - t0;
  }
  qsort(t, 31, sizeof *t, bench_cmp_double);
  const double flops = 2.0 * (double)ys * (double)(p.in_c / p.groups * p.kernel_h * p.kernel_w);
  printf("conv %ldx%ldx%ld -> %ldx%ldx%ld k%ld s%ld p%ld g%ld algo %d threads %d %s: %.3f ms, %.1f GFLOP/s\n",
         (long)p.in_c, (long)p.in_h, (long)p.in_w, (long)p.out_c, (long)p.out_h, (long)p.out_w,
         (long)p.kernel_h, (long)p.stride_h, (long)p.pad_top, (long)p.groups, (int)c.algo, c.slots,
         cold ? "cold" : "hot", t[15] * 1e3, flops / t[15] * 1e-9);
  return 0;
}
