/* The blocked-layout Winograd F(2x2, 3x3) convolution (kernels/generic/
 * wino16c.c on the table's wino23_in / wino23_out transforms and conv16c
 * tile kernel) against the reference NCHW convolution (kernels/ref/conv.c)
 * followed by the reference clamp and activation, with 1 and 2 threads.
 *
 * Shapes: 300 random ones per thread count (batch 1-2, 1 to 80 input and
 * output channels, outputs 1 to 30 per side, odd ones ending in half
 * tiles, paddings 0-2 on each side, with and without bias, residual, clamp, post activation and a
 * zero-bordered output), and ResNet-50's 3x3 stride-1 layers. Also: what
 * oar_wino16c_supported refuses (stride 2, dilation, 5x5, groups).
 *
 * Tolerance policy: half the cases use small-integer data. The transformed
 * filter holds quarters at worst and every partial sum stays far below
 * 2^22, so the output before the activation must equal the reference
 * exactly. The other half use floats in [-1, 1): |got - want| <= 1e-4 *
 * (1 + m), m = sum |x*w| + |bias| + |residual| for that output. The
 * transforms scale the terms by at most 4 (input) and 2.25 (filter) and
 * add a few roundings, so honest results stay within ~1e-5 m, while a
 * missing or misplaced term of a sum over K <= 720 terms moves it by
 * about m / K >= 1.4e-3 m. After hard_swish (Lipschitz <= 1.5): 1.5 times
 * that plus 8 eps * max(1, |want|). The zero border must be +0, guard
 * words around the output and workspace intact. */
#include "test_gemm_harness.h"

#include "kernels/generic/conv16c.h"
#include "kernels/generic/wino16c.h"
#include "kernels/ref/activation.h"
#include "kernels/ref/conv.h"

typedef struct wcase {
  int64_t batch, in_c, out_c, out_h, out_w, pt, pl, pb, pr;
  int bias, residual, clamp, post, ints;
  int64_t opad; /* zero border around the output, each side */
} wcase;

static int g_cases;

static float value(int ints) { return ints ? rnd_small() : rnd_unit(); }

static void run_case(const oar_f32_kernels *kr, int threads, const wcase *k) {
  const oar_conv2d_params p = {.batch = k->batch,
                               .in_c = k->in_c,
                               .in_h = k->out_h + 2 - k->pt - k->pb,
                               .in_w = k->out_w + 2 - k->pl - k->pr,
                               .out_c = k->out_c,
                               .out_h = k->out_h,
                               .out_w = k->out_w,
                               .kernel_h = 3,
                               .kernel_w = 3,
                               .stride_h = 1,
                               .stride_w = 1,
                               .pad_top = k->pt,
                               .pad_left = k->pl,
                               .dilation_h = 1,
                               .dilation_w = 1,
                               .groups = 1};
  if (p.in_h < 1 || p.in_w < 1) return;
  CHECK(oar_wino16c_supported(&p, kr), "%s: wino16c refuses a 3x3 stride-1 even shape",
        oar_isa_name(kr->isa));
  g_cases++;
  const size_t n = (size_t)p.batch, ic = (size_t)p.in_c, oc = (size_t)p.out_c;
  const size_t hw_in = (size_t)(p.in_h * p.in_w), hw_out = (size_t)(p.out_h * p.out_w);
  const size_t xs = n * ic * hw_in, ws = oc * ic * 9, ys = n * oc * hw_out;
  const size_t icb = oar_blocks16(ic), ocb = oar_blocks16(oc), o = (size_t)k->opad;
  const size_t ohp = (size_t)p.out_h + 2 * o, owp = (size_t)p.out_w + 2 * o;
  const size_t ypbs = n * ocb * 16 * ohp * owp, ybs = n * ocb * 16 * hw_out;
  float *x = malloc(xs * sizeof *x), *w = malloc(ws * sizeof *w), *bias = malloc(oc * sizeof *bias);
  float *res = malloc(ys * sizeof *res), *want = malloc(ys * sizeof *want), *mag = malloc(ys * sizeof *mag);
  float *ax = malloc(xs * sizeof *ax), *aw = malloc(ws * sizeof *aw), *got = malloc(ys * sizeof *got);
  float *yb = malloc(ybs * sizeof *yb);
  page_buf pxb, prb;
  float *xb = page_alloc(&pxb, n * icb * 16 * hw_in), *rb = page_alloc(&prb, ybs);
  guard_buf gy, gw;
  float *yp = guard_alloc(&gy, ypbs);
  oar_wino16c c;
  oar_wino16c_init(&c, &p, kr, threads);
  oar_blocked_planes_pad_output(&c.bp, &c.p, o, o, o, o);
  const size_t pf = oar_wino16c_packed_floats(&c);
  float *packed = malloc(pf * sizeof *packed);
  float *work = guard_alloc(&gw, (c.workspace_bytes + sizeof(float) - 1) / sizeof(float));
  if (!x || !w || !bias || !res || !want || !mag || !ax || !aw || !got || !yb || !packed) {
    CHECK(0, "wino16c: out of memory");
    goto done;
  }
  for (size_t i = 0; i < xs; i++) ax[i] = fabsf(x[i] = value(k->ints));
  for (size_t i = 0; i < ws; i++) aw[i] = fabsf(w[i] = value(k->ints));
  for (size_t i = 0; i < oc; i++) bias[i] = value(k->ints);
  for (size_t i = 0; i < ys; i++) res[i] = value(k->ints);
  oar_ref_conv2d_f32(&p, x, w, k->bias ? bias : NULL, k->residual ? res : NULL, want);
  oar_ref_conv2d_f32(&p, ax, aw, NULL, NULL, mag);
  for (size_t i = 0; i < ys; i++)
    mag[i] += (k->bias ? fabsf(bias[i / hw_out % oc]) : 0.0f) + (k->residual ? fabsf(res[i]) : 0.0f);
  float lo = -INFINITY, hi = INFINITY;
  if (k->clamp == 1) lo = 0.0f;
  if (k->clamp == 2) lo = 0.0f, hi = 6.0f;
  for (size_t i = 0; i < ys; i++) want[i] = want[i] < lo ? lo : want[i] > hi ? hi : want[i];
  const oar_act_params act = {.kind = OAR_ACT_HARD_SWISH, .threshold = 6.0f, .scale = 6.0f, .offset = 3.0f};
  if (k->post) oar_ref_activation_f32(&act, want, want, (int64_t)ys);

  oar_nchw_to_nchw16c(x, n, ic, hw_in, xb);
  oar_nchw_to_nchw16c(res, n, oc, hw_out, rb);
  oar_wino16c_pack_filter(&c, w, packed);
  oar_wino16c_run(&c, xb, packed, k->bias ? bias : NULL, k->residual ? rb : NULL, lo, hi,
                  k->post ? &act : NULL, yp, work);

  /* The border must be +0; the interior is the output. */
  size_t border_bad = 0;
  for (size_t plane = 0; plane < n * ocb; plane++)
    for (size_t y = 0; y < ohp; y++)
      for (size_t xq = 0; xq < owp; xq++) {
        const float *v = yp + ((plane * ohp + y) * owp + xq) * 16;
        if (y >= o && y < o + (size_t)p.out_h && xq >= o && xq < o + (size_t)p.out_w) {
          memcpy(yb + ((plane * (size_t)p.out_h + y - o) * (size_t)p.out_w + xq - o) * 16, v, 16 * sizeof *v);
          continue;
        }
        for (int l = 0; l < 16; l++) border_bad += v[l] != 0.0f || signbit(v[l]);
      }
  oar_nchw16c_to_nchw(yb, n, oc, hw_out, got);
  size_t bad = 0, at = 0;
  for (size_t i = 0; i < ys; i++) {
    double tol = k->ints ? 0.0 : 1e-4 * (1.0 + (double)mag[i]);
    if (k->post) tol = 1.5 * tol + 8.0 * FLT_EPSILON * fmax(1.0, fabs((double)want[i]));
    if (!(fabs((double)got[i] - (double)want[i]) <= tol)) {
      if (!bad) at = i;
      bad++;
    }
  }
  CHECK(
      bad == 0 && border_bad == 0 && guard_intact(&gy) && guard_intact(&gw),
      "%s threads %d: wino16c b%lld c%lld -> oc%lld out %lldx%lld pad t%lld l%lld b%lld r%lld bias %d res %d "
      "clamp %d post %d %s out pad %lld: %zu bad (first [%zu] got %.9g want %.9g), %zu border lanes not +0, "
      "guards %s/%s",
      oar_isa_name(kr->isa), threads, (long long)k->batch, (long long)k->in_c, (long long)k->out_c,
      (long long)k->out_h, (long long)k->out_w, (long long)k->pt, (long long)k->pl, (long long)k->pb,
      (long long)k->pr, k->bias, k->residual, k->clamp, k->post, k->ints ? "ints" : "floats",
      (long long)k->opad, bad, at, bad ? (double)got[at] : 0.0, bad ? (double)want[at] : 0.0, border_bad,
      guard_intact(&gy) ? "intact" : "overwritten", guard_intact(&gw) ? "intact" : "overwritten");
done:
  free(x), free(w), free(bias), free(res), free(want), free(mag), free(ax), free(aw), free(got), free(yb);
  free(packed);
  page_free(&pxb);
  page_free(&prb);
  guard_free(&gy);
  guard_free(&gw);
}

static void refusals(const oar_f32_kernels *kr) {
  const oar_conv2d_params ok = {1, 16, 8, 8, 16, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, false};
  CHECK(oar_wino16c_supported(&ok, kr), "%s: refuses 3x3 stride 1 on 8x8", oar_isa_name(kr->isa));
  oar_conv2d_params odd = ok, s2 = ok, dil = ok, k5 = ok, grp = ok;
  odd.in_w = odd.out_w = 7;
  CHECK(oar_wino16c_supported(&odd, kr), "refuses an odd output width");
  s2.stride_h = s2.stride_w = 2, s2.out_h = s2.out_w = 4;
  dil.dilation_h = 2, dil.out_h = 6;
  k5.kernel_h = k5.kernel_w = 5;
  grp.groups = 2;
  CHECK(!oar_wino16c_supported(&s2, kr), "accepts stride 2");
  CHECK(!oar_wino16c_supported(&dil, kr), "accepts dilation 2");
  CHECK(!oar_wino16c_supported(&k5, kr), "accepts a 5x5 kernel");
  CHECK(!oar_wino16c_supported(&grp, kr), "accepts groups 2");
}

static void sweep(const oar_f32_kernels *kr, int threads) {
  /* ResNet-50's 3x3 stride-1 layers, padded and pre-padded (pad 0 on a
   * 2-larger image, as after pad_into_producer); big filters (one chunk,
   * or several, per slot; at 2 threads slots split the channels). */
  const wcase big[] = {
      {1, 64, 64, 56, 56, 1, 1, 1, 1, 1, 0, 1, 0, 0, 0},
      {1, 64, 64, 56, 56, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0},
      {1, 128, 128, 28, 28, 1, 1, 1, 1, 1, 0, 1, 0, 0, 1},
      {1, 256, 256, 14, 14, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0},
      {2, 40, 72, 28, 28, 1, 1, 1, 1, 1, 1, 2, 1, 0, 0},
      {1, 512, 512, 7, 7, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0},
      /* A transformed filter over 2 MiB on more tiles than one chunk takes. */
      {1, 256, 256, 25, 24, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1},
  };
  for (size_t i = 0; i < sizeof big / sizeof *big; i++) run_case(kr, threads, &big[i]);
  for (int t = 0; t < 300; t++) {
    const wcase k = {
        .batch = 1 + rnd() % 2,
        .in_c = 1 + rnd() % 80,
        .out_c = 1 + rnd() % 80,
        .out_h = 1 + rnd() % 30,
        .out_w = 1 + rnd() % 30,
        .pt = rnd() % 3,
        .pl = rnd() % 3,
        .pb = rnd() % 3,
        .pr = rnd() % 3,
        .bias = (int)(rnd() % 2),
        .residual = (int)(rnd() % 2),
        .clamp = (int)(rnd() % 3),
        .post = rnd() % 4 == 0,
        .ints = t % 2,
        .opad = rnd() % 3 == 0 ? 1 + rnd() % 2 : 0,
    };
    run_case(kr, threads, &k);
  }
}

int main(void) {
  for (int isa = OAR_ISA_GENERIC; isa < OAR_ISA_COUNT; isa++) {
    const oar_f32_kernels *kr = kernels_or_skip((oar_isa)isa, "test_wino16c");
    if (!kr) continue;
    if (!kr->wino23_in) {
      const oar_conv2d_params p = {1, 16, 8, 8, 16, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, false};
      CHECK(!oar_wino16c_supported(&p, kr), "%s: supported without transforms", oar_isa_name(kr->isa));
      printf("== %s: no Winograd transforms (supported() is false)\n", oar_isa_name(kr->isa));
      continue;
    }
    refusals(kr);
    for (int threads = 1; threads <= 2; threads++) {
      oar_threadpool *pool = NULL;
      if (oar_threadpool_create(threads, &pool, NULL) != OAR_OK) return 1;
      oar_threadpool_set_current(pool);
      g_cases = 0;
      sweep(kr, threads);
      printf("== %s threads %d: %d Winograd convolutions checked against the reference\n",
             oar_isa_name(kr->isa), threads, g_cases);
      oar_threadpool_set_current(NULL);
      oar_threadpool_destroy(pool);
    }
  }
  return harness_finish("test_wino16c");
}
