/* The blocked-layout depthwise convolution (kernels/generic/dwconv16c.c
 * and the table's dwconv16c segment kernel) against the reference
 * convolution (kernels/ref/conv.c) with groups == channels: random NCHW
 * images converted to NCHW16c, run blocked, converted back.
 *
 * Shapes: a random sweep of channels 1 to 70 (mostly not multiples of 16),
 * images 1 to 23 per side, kernels 1 to 5 per side, strides 1 to 3,
 * paddings 0 to 2 (before and after, so windows may hang over either
 * side), dilations 1 and 2, batch 1 and 2, with and without bias,
 * residual, clamp (relu, relu6) and a post activation (hard_swish); plus
 * MobileNet-sized layers. 1 and 2 threads.
 *
 * Tolerance policy: with small-integer inputs every sum is exact, so the
 * result must equal the reference bit for bit (hard_swish: 1 ulp, it
 * divides). With inputs in [-1, 1) the order of summation differs (FMA,
 * bias first): |got - want| <= 1e-5 * (taps + 2). The padding channels of
 * the output must be finite. The blocked input sits against an
 * inaccessible page; the output carries guard words. */
#include "test_gemm_harness.h"

#include "kernels/generic/conv16c.h"
#include "kernels/generic/dwconv16c.h"
#include "kernels/ref/activation.h"
#include "kernels/ref/conv.h"

typedef struct dw_case {
  int64_t batch, c, h, w, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw;
  int bias, residual, act; /* act: 0 none, 1 relu (clamp), 2 relu6 (clamp), 3 hard_swish (post) */
  int unit;                /* inputs in [-1, 1) instead of small integers */
} dw_case;

static int g_cases;

static void run_case(const oar_f32_kernels *kr, int threads, const dw_case *dc) {
  const int64_t eh = dc->dh * (dc->kh - 1) + 1, ew = dc->dw * (dc->kw - 1) + 1;
  if (dc->h + dc->pt + dc->pb < eh || dc->w + dc->pl + dc->pr < ew) return;
  const oar_conv2d_params p = {.batch = dc->batch,
                               .in_c = dc->c,
                               .in_h = dc->h,
                               .in_w = dc->w,
                               .out_c = dc->c,
                               .out_h = (dc->h + dc->pt + dc->pb - eh) / dc->sh + 1,
                               .out_w = (dc->w + dc->pl + dc->pr - ew) / dc->sw + 1,
                               .kernel_h = dc->kh,
                               .kernel_w = dc->kw,
                               .stride_h = dc->sh,
                               .stride_w = dc->sw,
                               .pad_top = dc->pt,
                               .pad_left = dc->pl,
                               .dilation_h = dc->dh,
                               .dilation_w = dc->dw,
                               .groups = dc->c};
  CHECK(oar_dwconv16c_supported(&p, kr), "%s: dwconv16c unsupported for a depthwise shape",
        oar_isa_name(kr->isa));
  if (!oar_dwconv16c_supported(&p, kr)) return;
  g_cases++;
  const size_t cb = oar_blocks16((size_t)p.in_c), hw_in = (size_t)(p.in_h * p.in_w),
               hw_out = (size_t)(p.out_h * p.out_w), taps = (size_t)(p.kernel_h * p.kernel_w);
  const size_t xs = (size_t)p.batch * (size_t)p.in_c * hw_in, ys = (size_t)p.batch * (size_t)p.in_c * hw_out;
  const size_t xbs = (size_t)p.batch * cb * 16 * hw_in, ybs = (size_t)p.batch * cb * 16 * hw_out;
  const size_t ws = (size_t)p.in_c * taps;
  float *x = malloc(xs * sizeof *x), *w = malloc(ws * sizeof *w),
        *bias = malloc((size_t)p.in_c * sizeof *bias);
  float *res = malloc(ys * sizeof *res), *want = malloc(ys * sizeof *want), *got = malloc(ys * sizeof *got);
  page_buf pxb, prb;
  float *xb = page_alloc(&pxb, xbs), *rb = page_alloc(&prb, ybs);
  guard_buf gy;
  float *yb = guard_alloc(&gy, ybs);
  oar_dwconv16c c;
  oar_dwconv16c_init(&c, &p, kr, threads);
  const size_t pf = oar_dwconv16c_packed_floats(&c);
  float *packed = malloc(pf * sizeof *packed);
  void *work = harness_aligned_alloc((c.workspace_bytes + 63) / 64 * 64 + 64);
  if (!x || !w || !bias || !res || !want || !got || !packed || !work) {
    CHECK(0, "dwconv16c: out of memory");
    goto done;
  }
  for (size_t i = 0; i < xs; i++) x[i] = dc->unit ? rnd_unit() : rnd_small();
  for (size_t i = 0; i < ws; i++) w[i] = dc->unit ? rnd_unit() : rnd_small();
  for (int64_t i = 0; i < p.in_c; i++) bias[i] = dc->unit ? rnd_unit() : rnd_small();
  for (size_t i = 0; i < ys; i++) res[i] = dc->unit ? rnd_unit() : rnd_small();
  oar_nchw_to_nchw16c(x, (size_t)p.batch, (size_t)p.in_c, hw_in, xb);
  oar_nchw_to_nchw16c(res, (size_t)p.batch, (size_t)p.in_c, hw_out, rb);

  oar_ref_conv2d_f32(&p, x, w, dc->bias ? bias : NULL, dc->residual ? res : NULL, want);
  oar_act_params act = {.kind = OAR_ACT_RELU};
  float lo = -INFINITY, hi = INFINITY;
  const oar_act_params *post = NULL;
  if (dc->act == 1) {
    lo = 0.0f;
  } else if (dc->act == 2) {
    act = (oar_act_params){.kind = OAR_ACT_RELU6, .threshold = 6.0f};
    lo = 0.0f;
    hi = 6.0f;
  } else if (dc->act == 3) {
    act = (oar_act_params){.kind = OAR_ACT_HARD_SWISH, .threshold = 6.0f, .scale = 6.0f, .offset = 3.0f};
    post = &act;
  }
  if (dc->act) oar_ref_activation_f32(&act, want, want, (int64_t)ys);

  oar_dwconv16c_pack_filter(&c, w, packed);
  oar_dwconv16c_run(&c, xb, packed, dc->bias ? bias : NULL, dc->residual ? rb : NULL, lo, hi, post, yb, work);
  oar_nchw16c_to_nchw(yb, (size_t)p.batch, (size_t)p.in_c, hw_out, got);

  size_t bad = 0, at = 0;
  for (size_t i = 0; i < ys; i++) {
    double tol = dc->unit ? 1e-5 * (double)(taps + 2) : 0.0;
    if (dc->act == 3) tol += 2.0 * (FLT_EPSILON / 2) * fmax(1.0, fabs((double)want[i]));
    if (!(fabs((double)got[i] - (double)want[i]) <= tol)) {
      if (!bad) at = i;
      bad++;
    }
  }
  size_t nonfinite = 0;
  const size_t lanes = (size_t)p.in_c - (cb - 1) * 16;
  for (int64_t n = 0; n < p.batch; n++) {
    const float *last = yb + ((size_t)n * cb + cb - 1) * hw_out * 16;
    for (size_t i = 0; i < hw_out; i++)
      for (size_t l = lanes; l < 16; l++) nonfinite += !isfinite(last[i * 16 + l]);
  }
  CHECK(bad == 0 && nonfinite == 0 && guard_intact(&gy),
        "%s threads %d: dwconv16c b%lld c%lld %lldx%lld -> %lldx%lld k%lldx%lld s%lld,%lld "
        "p%lld,%lld,%lld,%lld "
        "d%lld,%lld bias %d res %d act %d unit %d: %zu bad (first [%zu] got %.9g want %.9g), %zu non-finite "
        "padding lanes, guard %s",
        oar_isa_name(kr->isa), threads, (long long)p.batch, (long long)p.in_c, (long long)p.in_h,
        (long long)p.in_w, (long long)p.out_h, (long long)p.out_w, (long long)p.kernel_h,
        (long long)p.kernel_w, (long long)p.stride_h, (long long)p.stride_w, (long long)dc->pt,
        (long long)dc->pl, (long long)dc->pb, (long long)dc->pr, (long long)p.dilation_h,
        (long long)p.dilation_w, dc->bias, dc->residual, dc->act, dc->unit, bad, at,
        bad ? (double)got[at] : 0.0, bad ? (double)want[at] : 0.0, nonfinite,
        guard_intact(&gy) ? "intact" : "overwritten");
done:
  free(x);
  free(w);
  free(bias);
  free(res);
  free(want);
  free(got);
  free(packed);
  harness_aligned_free(work);
  page_free(&pxb);
  page_free(&prb);
  guard_free(&gy);
}

static void sweep(const oar_f32_kernels *kr, int threads) {
  /* MobileNetV2/V3-sized layers (3x3 and 5x5, stride 1 and 2, pad k/2). */
  const dw_case big[] = {
      {1, 32, 112, 112, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 2, 0},
      {1, 144, 56, 56, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 2, 1},
      {1, 192, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 0},
      {1, 576, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1},
      {1, 960, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 3, 0},
      {2, 72, 28, 28, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1, 1, 0, 3, 1},
      {1, 120, 14, 14, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0},
      {1, 40, 9, 30, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0}, /* no padding: all interior */
  };
  for (size_t i = 0; i < sizeof big / sizeof *big; i++) run_case(kr, threads, &big[i]);
  for (int t = 0; t < 600; t++) {
    dw_case d = {
        .batch = 1 + rnd() % 2,
        .c = 1 + rnd() % 70,
        .h = 1 + rnd() % 23,
        .w = 1 + rnd() % 23,
        .kh = 1 + rnd() % 5,
        .kw = 1 + rnd() % 5,
        .pt = rnd() % 3,
        .pl = rnd() % 3,
        .pb = rnd() % 3,
        .pr = rnd() % 3,
        .dh = 1 + rnd() % 2,
        .dw = 1 + rnd() % 2,
        .bias = (int)(rnd() % 2),
        .residual = (int)(rnd() % 2),
        .act = (int)(rnd() % 4),
        .unit = rnd() % 4 == 0,
    };
    d.sh = 1 + rnd() % 3;
    d.sw = rnd() % 2 ? d.sh : 1 + rnd() % 3;
    if (t % 3 == 0) d.kw = d.kh = 3 + 2 * (rnd() % 2), d.dh = d.dw = 1; /* the specialized bodies */
    run_case(kr, threads, &d);
  }
}

int main(void) {
  if (oar_cpu_isa_detected() < OAR_ISA_AVX512) {
    char why[128];
    snprintf(why, sizeof why, "this host supports up to %s, no level with dwconv16c",
             oar_isa_name(oar_cpu_isa_detected()));
    return harness_skip("test_dwconv16c", why);
  }
  for (int isa = OAR_ISA_GENERIC; isa < OAR_ISA_COUNT; isa++) {
    const oar_f32_kernels *kr = kernels_or_skip((oar_isa)isa, "test_dwconv16c");
    if (!kr) continue;
    if (!kr->dwconv16c) {
      const oar_conv2d_params p = {1, 16, 8, 8, 16, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 16, false};
      CHECK(!oar_dwconv16c_supported(&p, kr), "%s: supported without a kernel", oar_isa_name(kr->isa));
      printf("== %s: no dwconv16c kernel (supported() is false)\n", oar_isa_name(kr->isa));
      continue;
    }
    for (int threads = 1; threads <= 2; threads++) {
      oar_threadpool *pool = NULL;
      if (oar_threadpool_create(threads, &pool, NULL) != OAR_OK) return 1;
      oar_threadpool_set_current(pool);
      g_cases = 0;
      sweep(kr, threads);
      printf("== %s threads %d: %d depthwise convolutions checked against the reference\n",
             oar_isa_name(kr->isa), threads, g_cases);
      oar_threadpool_set_current(NULL);
      oar_threadpool_destroy(pool);
    }
  }
  return harness_finish("test_dwconv16c");
}
