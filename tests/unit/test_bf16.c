/* The bfloat16 kernels (OAR_PRECISION_BFLOAT16) against their reference
 * twin: the same product on inputs rounded to bfloat16 by
 * oar_bf16_from_f32 (round to nearest even, as vcvtne2ps2bf16 does),
 * accumulated in double. Covered:
 *   - the conversion (bk->convert, bk->pair_panel) bit for bit against the
 *     scalar rounding, on random bit patterns (denormals among them: read
 *     as zero), exact ties and specials;
 *   - the bf16 GEMM driver (bf16_gemm.c on bf16_gemm_12x32__avx512bf16),
 *     A or B pre-packed, the other side packed while running, on random
 *     shapes m 1-40, n 1-90, k 0-1100 (row and column tails of the 12x32
 *     tile, odd k, several 512-deep blocks), with bias per row or column,
 *     residual, clamps and a post activation;
 *   - the NCHW convolution on it (conv_gemm.c: 1x1, im2col, pixel-major,
 *     groups);
 *   - the blocked NCHW16c direct convolution, blocked or plain NCHW input
 *     (a first layer: 1-4 channels interleaved, rounded up to pairs) (conv16c.c on
 *     bf16_conv16c__avx512bf16: the image converted and zero-bordered into
 *     the workspace, the filter in channel pairs), every tile width and
 *     pixel tail, strides, dilations, paddings;
 * each with 1 and 2 threads.
 *
 * Tolerance policy. The kernels multiply bf16 values exactly (8 + 8
 * mantissa bits fit a float) and add in float32, so against the twin the
 * only error is float32 summation: |got - want| <= 1e-5 * (1 + m), m =
 * sum |bf16(x) * bf16(w)| + |bias| + |residual| (as in test_conv16c.c:
 * a few eps * m for any order at these depths, while a product rounded
 * otherwise than to nearest even, or a missing, extra or misplaced term,
 * moves a sum by ~2^-9 * m / sqrt(K) or m / K >= 2e-4 m). Half the cases
 * use small integers (exact in bf16 and in any summation order): those
 * must match exactly. A check that the outputs are not mostly zero keeps
 * the comparison from passing on nothing.
 *
 * Skips (exit 77) where the host or the build has no AVX512-BF16. */
#include "test_gemm_harness.h"

#include "kernels/generic/bf16_gemm.h"
#include "kernels/generic/conv16c.h"
#include "kernels/generic/conv_gemm.h"

static const oar_f32_kernels *g_kr;
static const oar_bf16_kernels *g_bk;

static float rb(float v) { return oar_bf16_to_f32(oar_bf16_from_f32(v)); }

static float rnd_value(int ints) { return ints ? rnd_small() : rnd_unit(); }

/* got against want within the policy's bound; mag the per-output m. */
/* Reference outputs that are nonzero, of those with terms to sum. */
static size_t g_nonzero, g_terms;

static int compare(const char *what, const float *got, const double *want, const double *mag, size_t n,
                   int ints) {
  size_t nonzero = 0, terms = 0;
  for (size_t i = 0; i < n; i++) {
    if (want[i] != 0.0) nonzero++;
    if (mag[i] > 0.5) terms++;
    const double tol = ints ? 0.0 : 1e-5 * (1.0 + mag[i]);
    if (!(fabs((double)got[i] - want[i]) <= tol)) {
      CHECK(0, "%s: output %zu got %.9g want %.9g (m %.4g, tol %.3g)", what, i, got[i], want[i], mag[i], tol);
      return 0;
    }
  }
  /* Summed over every case, checked at the end: one case may clamp
   * everything to zero, all of them may not. */
  g_nonzero += nonzero;
  g_terms += terms;
  g_checks++;
  return 1;
}

/* ---- conversion -------------------------------------------------------------- */

static void test_convert(void) {
  enum { N = 1000 };
  float src[N];
  uint16_t got[N];
  for (int i = 0; i < N; i++) {
    uint32_t u = rnd();
    if (i % 4 == 1) u = (u & 0xffff0000u) | 0x8000u; /* exact tie: rounds to even */
    if (i % 4 == 2) u = (u & 0xffff0000u) | 0x7fffu;
    memcpy(&src[i], &u, 4);
  }
  const float specials[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN,
                            1.0f, -1.0f, 3.4e38f,  -3.4e38f,  1.1754944e-38f};
  memcpy(src, specials, sizeof specials);
  g_bk->convert(src, got, N);
  size_t bad = 0;
  for (int i = 0; i < N; i++) {
    const uint16_t want = oar_bf16_from_f32(src[i]);
    const int both_nan = isnan(src[i]) && (got[i] & 0x7fffu) > 0x7f80u;
    if (got[i] != want && !both_nan) {
      uint32_t u;
      memcpy(&u, &src[i], 4);
      if (bad++ < 5) CHECK(0, "convert 0x%08x: got 0x%04x want 0x%04x", u, got[i], want);
    }
  }
  CHECK(bad == 0, "convert: %zu of %d values rounded otherwise than the twin", bad, N);
  /* pair_panel: two rows of k interleaved, odd k padded with zero. */
  for (size_t r = 1; r <= 32; r += 5)
    for (size_t kc = 1; kc <= 7; kc++) {
      float panel[7 * 32];
      uint32_t words[4 * 32 + 16];
      for (size_t i = 0; i < kc * r; i++) panel[i] = rnd_unit();
      for (size_t i = 0; i < 4 * 32 + 16; i++) words[i] = 0xdeadbeefu;
      g_bk->pair_panel(panel, kc, r, words);
      const size_t kp = (kc + 1) / 2;
      for (size_t q = 0; q < kp; q++)
        for (size_t j = 0; j < r; j++) {
          const uint32_t lo = oar_bf16_from_f32(panel[2 * q * r + j]),
                         hi = 2 * q + 1 < kc ? oar_bf16_from_f32(panel[(2 * q + 1) * r + j]) : 0;
          CHECK(words[q * r + j] == (lo | hi << 16), "pair_panel r %zu kc %zu: word (%zu, %zu)", r, kc, q, j);
        }
      CHECK(words[kp * r] == 0xdeadbeefu, "pair_panel r %zu kc %zu wrote past its panel", r, kc);
    }
}

/* ---- GEMM -------------------------------------------------------------------- */

static void gemm_case(int threads, size_t m, size_t n, size_t k, int pack_a, int ints) {
  char what[160];
  float *a = malloc((m * k + 1) * sizeof *a), *b = malloc((k * n + 1) * sizeof *b);
  float *bias = malloc((m + n) * sizeof *bias), *res = malloc(m * n * sizeof *res);
  double *want = malloc(m * n * sizeof *want), *mag = malloc(m * n * sizeof *mag);
  guard_buf gc;
  float *c = guard_alloc(&gc, m * n);
  for (size_t i = 0; i < m * k; i++) a[i] = rnd_value(ints);
  for (size_t i = 0; i < k * n; i++) b[i] = rnd_value(ints);
  for (size_t i = 0; i < m + n; i++) bias[i] = rnd_value(ints);
  for (size_t i = 0; i < m * n; i++) res[i] = rnd_value(ints);
  const int bias_kind = (int)(rnd() % 3); /* 0 none, 1 per row, 2 per column */
  const int use_res = (int)(rnd() % 2), clamp = (int)(rnd() % 3), post = !ints && rnd() % 4 == 0;
  snprintf(what, sizeof what, "gemm m %zu n %zu k %zu pack %s bias %d res %d clamp %d post %d %s x%d", m, n,
           k, pack_a ? "A" : "B", bias_kind, use_res, clamp, post, ints ? "ints" : "floats", threads);
  const float lo = clamp == 1 ? 0.0f : clamp == 2 ? -0.5f : -INFINITY, hi = clamp == 2 ? 0.5f : INFINITY;
  const oar_act_params act = {.kind = OAR_ACT_SIGMOID};
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < n; j++) {
      double s = 0, am = 0;
      for (size_t q = 0; q < k; q++) {
        const double v = (double)rb(a[i * k + q]) * (double)rb(b[q * n + j]);
        s += v;
        am += fabs(v);
      }
      const double bv = bias_kind == 1 ? bias[i] : bias_kind == 2 ? bias[m + j] : 0.0;
      s += bv + (use_res ? res[i * n + j] : 0.0);
      am += fabs(bv) + (use_res ? fabs(res[i * n + j]) : 0.0);
      s = s < lo ? lo : s > hi ? hi : s;
      if (post) s = 1.0 / (1.0 + exp(-s)); /* sigmoid: Lipschitz 1/4, tolerance kept */
      want[i * n + j] = s;
      mag[i * n + j] = am;
    }
  const oar_gemm_matrix am_ = {.data = a, .ld = k, .trans = false, .scale = 1.0f};
  const oar_gemm_matrix bm_ = {.data = b, .ld = n, .trans = false, .scale = 1.0f};
  uint32_t *packed = NULL;
  const size_t words =
      pack_a ? oar_bf16_gemm_packed_words(m, k, g_bk->mr) : oar_bf16_gemm_packed_words(n, k, g_bk->nr);
  packed = harness_aligned_alloc((words + 1) * sizeof *packed);
  if (pack_a)
    oar_bf16_gemm_prepack(g_bk, g_kr->pack_rows, &am_, m, k, g_bk->mr, packed);
  else
    oar_bf16_gemm_prepack(g_bk, g_kr->pack_cols, &bm_, n, k, g_bk->nr, packed);
  oar_bf16_gemm_problem p;
  memset(&p, 0, sizeof p);
  p.m = m;
  p.n = n;
  p.k = k;
  if (pack_a) {
    p.a.packed = packed;
    p.b = (oar_bf16_operand){NULL, g_kr->pack_cols, &bm_};
  } else {
    p.a = (oar_bf16_operand){NULL, g_kr->pack_rows, &am_};
    p.b.packed = packed;
  }
  p.c = c;
  p.ldc = n;
  oar_gemm_epilogue_none(&p.epi);
  p.epi.bias_row = bias_kind == 1 ? bias : NULL;
  p.epi.bias_col = bias_kind == 2 ? bias + m : NULL;
  p.epi.residual = use_res ? res : NULL;
  p.epi.ldr = n;
  p.epi.lo = lo;
  p.epi.hi = hi;
  p.epi.act = post ? &act : NULL;
  const int slots = oar_bf16_gemm_slots(g_kr, g_bk, &p, threads);
  const size_t ws = oar_bf16_gemm_workspace_bytes(g_kr, g_bk, &p, slots);
  void *workspace = ws ? harness_aligned_alloc(ws) : NULL;
  oar_bf16_gemm_run(g_kr, g_bk, &p, slots, workspace);
  /* The post activation's fast sigmoid: a few float eps more. */
  if (post)
    for (size_t i = 0; i < m * n; i++) mag[i] += 1e-1;
  compare(what, c, want, mag, m * n, ints);
  CHECK(guard_intact(&gc), "%s: wrote outside C", what);
  harness_aligned_free(workspace);
  harness_aligned_free(packed);
  guard_free(&gc);
  free(a);
  free(b);
  free(bias);
  free(res);
  free(want);
  free(mag);
}

static void sweep_gemm(int threads) {
  static const size_t edge[][3] = {{1, 1, 1},     {12, 32, 2},   {13, 33, 3},     {11, 31, 511},
                                   {12, 32, 512}, {25, 65, 513}, {1, 1000, 2048}, {40, 90, 1100},
                                   {5, 7, 0},     {24, 64, 64}};
  for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
    for (int pa = 0; pa < 2; pa++) gemm_case(threads, edge[i][0], edge[i][1], edge[i][2], pa, (int)(i % 2));
  for (int i = 0; i < 120; i++) {
    const size_t m = 1 + rnd() % 40, n = 1 + rnd() % 90, k = rnd() % 4 == 0 ? rnd() % 1100 : rnd() % 80;
    gemm_case(threads, m, n, k, (int)(rnd() % 2), (int)(rnd() % 2));
  }
}

/* ---- convolutions -------------------------------------------------------------- */

typedef struct conv_case {
  oar_conv2d_params p;
  int bias, res, clamp, ints;
} conv_case;

/* The twin: NCHW, inputs rounded to bf16, double sums, then clamp. */
static void conv_ref(const conv_case *cc, const float *x, const float *w, const float *bias, const float *res,
                     double *want, double *mag) {
  const oar_conv2d_params *p = &cc->p;
  const int64_t cin_g = p->in_c / p->groups, cout_g = p->out_c / p->groups;
  const float lo = cc->clamp ? 0.0f : -INFINITY, hi = cc->clamp == 2 ? 6.0f : INFINITY;
  for (int64_t n = 0; n < p->batch; n++)
    for (int64_t oc = 0; oc < p->out_c; oc++)
      for (int64_t oy = 0; oy < p->out_h; oy++)
        for (int64_t ox = 0; ox < p->out_w; ox++) {
          double s = 0, am = 0;
          const int64_t g = oc / cout_g;
          for (int64_t ic = 0; ic < cin_g; ic++)
            for (int64_t ky = 0; ky < p->kernel_h; ky++)
              for (int64_t kx = 0; kx < p->kernel_w; kx++) {
                const int64_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h,
                              ix = ox * p->stride_w - p->pad_left + kx * p->dilation_w;
                if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) continue;
                const double v =
                    (double)rb(x[((n * p->in_c + g * cin_g + ic) * p->in_h + iy) * p->in_w + ix]) *
                    (double)rb(w[((oc * cin_g + ic) * p->kernel_h + ky) * p->kernel_w + kx]);
                s += v;
                am += fabs(v);
              }
          const size_t o = (size_t)(((n * p->out_c + oc) * p->out_h + oy) * p->out_w + ox);
          if (bias) s += bias[oc], am += fabs(bias[oc]);
          if (res) s += res[o], am += fabs(res[o]);
          want[o] = s < lo ? lo : s > hi ? hi : s;
          mag[o] = am;
        }
}

static int conv_case_random(conv_case *cc, int blocked) {
  oar_conv2d_params *p = &cc->p;
  memset(cc, 0, sizeof *cc);
  p->batch = 1 + rnd() % 2;
  p->groups = blocked || rnd() % 4 ? 1 : 2;
  /* Two or more input channels per group: one is depthwise, float32. */
  p->in_c = (p->groups > 1 ? 2 + rnd() % 39 : 1 + rnd() % (blocked ? 70 : 40)) * p->groups;
  p->out_c = (1 + rnd() % 80) * p->groups;
  if (!blocked && rnd() % 3 == 0) p->out_c = 32 * (1 + rnd() % 3) * p->groups; /* pixel-major candidates */
  p->in_h = 1 + rnd() % 12;
  p->in_w = 1 + rnd() % 12;
  p->kernel_h = 1 + rnd() % 3;
  p->kernel_w = 1 + rnd() % 3;
  p->stride_h = 1 + rnd() % 2;
  p->stride_w = 1 + rnd() % 2;
  p->dilation_h = rnd() % 5 == 0 ? 2 : 1;
  p->dilation_w = rnd() % 5 == 0 ? 2 : 1;
  p->pad_top = rnd() % 3;
  p->pad_left = rnd() % 3;
  if (rnd() % 4 == 0) { /* a 1x1 stride-1 unpadded layer (the 1x1 GEMM) */
    p->kernel_h = p->kernel_w = p->stride_h = p->stride_w = p->dilation_h = p->dilation_w = 1;
    p->pad_top = p->pad_left = 0;
  }
  const int64_t pb = rnd() % 3, pr = rnd() % 3;
  const int64_t eh = p->dilation_h * (p->kernel_h - 1) + 1, ew = p->dilation_w * (p->kernel_w - 1) + 1;
  if (p->in_h + p->pad_top + pb < eh || p->in_w + p->pad_left + pr < ew) return 0;
  p->out_h = (p->in_h + p->pad_top + pb - eh) / p->stride_h + 1;
  p->out_w = (p->in_w + p->pad_left + pr - ew) / p->stride_w + 1;
  cc->bias = (int)(rnd() % 2);
  cc->res = (int)(rnd() % 2);
  cc->clamp = (int)(rnd() % 3);
  cc->ints = (int)(rnd() % 2);
  return 1;
}

static void describe(const conv_case *cc, const char *path, int threads, char *buf, size_t n) {
  const oar_conv2d_params *p = &cc->p;
  snprintf(
      buf, n,
      "%s b%lld c%lld %lldx%lld -> oc%lld %lldx%lld, k%lldx%lld s%lld,%lld d%lld,%lld pad %lld,%lld g%lld "
      "bias %d res %d clamp %d %s x%d",
      path, (long long)p->batch, (long long)p->in_c, (long long)p->in_h, (long long)p->in_w,
      (long long)p->out_c, (long long)p->out_h, (long long)p->out_w, (long long)p->kernel_h,
      (long long)p->kernel_w, (long long)p->stride_h, (long long)p->stride_w, (long long)p->dilation_h,
      (long long)p->dilation_w, (long long)p->pad_top, (long long)p->pad_left, (long long)p->groups, cc->bias,
      cc->res, cc->clamp, cc->ints ? "ints" : "floats", threads);
}

/* Runs one case on the NCHW GEMM path (blocked = 0), the NCHW16c direct
 * path (blocked = 1) or the latter reading a plain NCHW input (blocked =
 * 2, first layers); returns 0 on a mismatch. */
static int conv_run(const conv_case *cc, int blocked, int threads, int *algos_seen) {
  if (getenv("BF16_TRACE")) {
    char d[320];
    describe(cc, blocked ? "blocked" : "gemm", threads, d, sizeof d);
    printf("case %s\n", d);
    fflush(stdout);
  }
  const oar_conv2d_params *p = &cc->p;
  const size_t xs = (size_t)(p->batch * p->in_c * p->in_h * p->in_w),
               ws = (size_t)(p->out_c * (p->in_c / p->groups) * p->kernel_h * p->kernel_w),
               ys = (size_t)(p->batch * p->out_c * p->out_h * p->out_w);
  float *x = malloc(xs * sizeof *x), *w = malloc(ws * sizeof *w),
        *bias = malloc((size_t)p->out_c * sizeof *bias);
  float *res = malloc(ys * sizeof *res), *got = malloc(ys * sizeof *got);
  double *want = malloc(ys * sizeof *want), *mag = malloc(ys * sizeof *mag);
  for (size_t i = 0; i < xs; i++) x[i] = rnd_value(cc->ints);
  for (size_t i = 0; i < ws; i++) w[i] = rnd_value(cc->ints);
  for (int64_t i = 0; i < p->out_c; i++) bias[i] = rnd_value(cc->ints);
  for (size_t i = 0; i < ys; i++) res[i] = rnd_value(cc->ints);
  const float *bp = cc->bias ? bias : NULL, *rp = cc->res ? res : NULL;
  conv_ref(cc, x, w, bp, rp, want, mag);
  const float lo = cc->clamp ? 0.0f : -INFINITY, hi = cc->clamp == 2 ? 6.0f : INFINITY;
  char what[320];
  int ok = 1;
  if (!blocked) {
    oar_conv_gemm cg;
    oar_conv_gemm_init_bf16(&cg, p, g_kr, g_bk, threads);
    describe(cc, cg.bk ? "conv_gemm bf16" : "conv_gemm (f32: not a GEMM algorithm)", threads, what,
             sizeof what);
    algos_seen[cg.algo] += cg.bk != NULL;
    const size_t floats = oar_conv_packed_filter_floats(&cg);
    float *packed = harness_aligned_alloc((floats + 1) * sizeof *packed);
    void *workspace = harness_aligned_alloc(cg.workspace_bytes + 64);
    if (floats) oar_conv_pack_filter(&cg, w, packed); /* as the runtime: only a GEMM algorithm packs */
    cg.packed_filter = floats ? packed : NULL;
    oar_conv_gemm_run(&cg, x, w, bp, rp, lo, hi, NULL, got, workspace);
    if (cg.bk) ok = compare(what, got, want, mag, ys, cc->ints);
    harness_aligned_free(packed);
    harness_aligned_free(workspace);
  } else {
    if (!oar_conv16c_supported_bf16(p, g_kr, g_bk)) goto done;
    const bool plain = blocked == 2;
    oar_conv16c c16;
    oar_conv16c_init_bf16(&c16, p, g_kr, g_bk, threads, plain);
    describe(cc, plain ? "conv16c bf16, plain NCHW input" : "conv16c bf16", threads, what, sizeof what);
    const size_t hw_in = (size_t)(p->in_h * p->in_w), hw_out = (size_t)(p->out_h * p->out_w);
    const size_t icb = oar_blocks16((size_t)p->in_c), ocb = oar_blocks16((size_t)p->out_c);
    page_buf pxb;
    float *xb = page_alloc(&pxb, plain ? xs : (size_t)p->batch * icb * 16 * hw_in);
    float *rb16 = malloc((size_t)p->batch * ocb * 16 * hw_out * sizeof *rb16);
    guard_buf gy;
    float *yb = guard_alloc(&gy, (size_t)p->batch * ocb * 16 * hw_out);
    if (plain)
      memcpy(xb, x, xs * sizeof *x);
    else
      oar_nchw_to_nchw16c(x, (size_t)p->batch, (size_t)p->in_c, hw_in, xb);
    oar_nchw_to_nchw16c(res, (size_t)p->batch, (size_t)p->out_c, hw_out, rb16);
    const size_t floats = oar_conv16c_packed_floats(&c16);
    float *packed = harness_aligned_alloc((floats + 1) * sizeof *packed);
    void *workspace = harness_aligned_alloc(c16.workspace_bytes + 64);
    oar_conv16c_pack_filter(&c16, w, packed);
    oar_conv16c_run(&c16, xb, packed, bp, cc->res ? rb16 : NULL, lo, hi, NULL, yb, workspace);
    oar_nchw16c_to_nchw(yb, (size_t)p->batch, (size_t)p->out_c, hw_out, got);
    ok = compare(what, got, want, mag, ys, cc->ints);
    CHECK(guard_intact(&gy), "%s: wrote outside the output", what);
    harness_aligned_free(packed);
    harness_aligned_free(workspace);
    guard_free(&gy);
    page_free(&pxb);
    free(rb16);
  }
done:
  free(x);
  free(w);
  free(bias);
  free(res);
  free(got);
  free(want);
  free(mag);
  return ok;
}

static void sweep_conv(int threads) {
  int algos[8] = {0}, blocked_runs = 0, plain_runs = 0;
  for (int i = 0; i < 400 && g_failures == 0; i++) {
    conv_case cc;
    const int blocked = i % 3;
    if (!conv_case_random(&cc, blocked)) continue;
    if (blocked == 2 && rnd() % 2) cc.p.in_c = 1 + rnd() % 4; /* first layers: 1-4 channels */
    conv_run(&cc, blocked, threads, algos);
    blocked_runs += blocked == 1;
    plain_runs += blocked == 2;
  }
  /* ResNet-like layers: several input-channel chunks, splits over slots. */
  static const int64_t big[][6] = {{3, 56, 64, 7, 2, 3},    {64, 56, 64, 3, 1, 1},  {256, 14, 512, 1, 2, 0},
                                   {128, 28, 128, 3, 1, 1}, {512, 7, 512, 3, 1, 1}, {1024, 14, 256, 1, 1, 0}};
  for (size_t i = 0; i < sizeof big / sizeof big[0] && g_failures == 0; i++)
    for (int blocked = 0; blocked < 3; blocked++) {
      conv_case cc;
      memset(&cc, 0, sizeof cc);
      oar_conv2d_params *p = &cc.p;
      p->batch = 1;
      p->groups = 1;
      p->in_c = big[i][0];
      p->in_h = p->in_w = big[i][1];
      p->out_c = big[i][2];
      p->kernel_h = p->kernel_w = big[i][3];
      p->stride_h = p->stride_w = big[i][4];
      p->pad_top = p->pad_left = big[i][5];
      p->dilation_h = p->dilation_w = 1;
      p->out_h = p->out_w = (p->in_h + 2 * p->pad_top - p->kernel_h) / p->stride_h + 1;
      cc.bias = cc.res = 1;
      cc.clamp = 1;
      cc.ints = (int)(i % 2);
      conv_run(&cc, blocked, threads, algos);
    }
  printf("  x%d: conv_gemm bf16 runs 1x1 %d im2col %d pixel-major %d; conv16c bf16 runs %d, plain input %d\n",
         threads, algos[OAR_CONV_GEMM_1X1], algos[OAR_CONV_GEMM_IM2COL], algos[OAR_CONV_GEMM_PIXELS],
         blocked_runs, plain_runs);
  CHECK(algos[OAR_CONV_GEMM_1X1] > 0 && algos[OAR_CONV_GEMM_IM2COL] > 0 && algos[OAR_CONV_GEMM_PIXELS] > 0,
        "the random shapes missed a GEMM algorithm");
}

int main(void) {
  int on = 0;
  if (oar_cpu_bf16_active(&on, NULL) != OAR_OK || !on)
    return harness_skip("bf16", "no AVX512-BF16 here (or OAR_ISA caps it)");
  g_bk = oar_bf16_kernels_for(1);
  g_kr = oar_f32_kernels_for(OAR_ISA_AVX512);
  if (!g_bk || g_kr->isa != OAR_ISA_AVX512) return harness_skip("bf16", "no bfloat16 kernels in this build");
  test_convert();
  for (int threads = 1; threads <= 2; threads++) {
    oar_threadpool *pool = NULL;
    if (oar_threadpool_create(threads, &pool, NULL) != OAR_OK) return 1;
    oar_threadpool_set_current(pool);
    sweep_gemm(threads);
    sweep_conv(threads);
    oar_threadpool_set_current(NULL);
    oar_threadpool_destroy(pool);
  }
  /* Not mostly zeros: a clamp at 0 zeroes about half. */
  printf("  %zu of %zu reference outputs with terms are nonzero\n", g_nonzero, g_terms);
  CHECK(g_terms > 0 && g_nonzero * 4 >= g_terms, "the reference outputs are mostly zero");
  return harness_finish("bf16");
}
