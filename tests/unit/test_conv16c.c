/* The blocked-layout (NCHW16c) direct convolution (kernels/generic/conv16c.c
 * on the conv16c tile kernel of every table that has one, AVX-512 at
 * least) against the reference NCHW convolution (kernels/ref/conv.c)
 * followed by the reference clamp and activation, with 1 and 2 threads.
 *
 * Shapes: several hundred random ones (batch 1-2, 1 to 80 input and output
 * channels so that 1 to 5 output blocks run every tile width 1-4 and the
 * group tail, images 1 to 30 so that every pixel tail 1-6 runs, kernels
 * 1x1 to 5x5 also non-square, strides and dilations 1-3, top/left paddings
 * 0-3 with independent bottom/right paddings 0-3 that only shape the
 * output; with and without bias and residual, clamps [0, inf), [0, 6],
 * [lo, hi] and (-inf, hi], post activations hard_swish and sigmoid), a
 * fixed list of edge cases, and ResNet-like layers big enough for several
 * input-channel chunks and for splits across 2 slots. A third of the
 * random cases write the output zero-bordered (oar_blocked_planes_pad_output):
 * the border must be +0 and the interior the output.
 *
 * Tolerance policy: half the cases use small-integer data, whose sums are
 * exact in any order, so the output before the activation must equal the
 * reference exactly; the other half use uniform floats in [-1, 1) and must
 * satisfy |got - want| <= 1e-5 * (1 + m), where m = sum |x*w| + |bias| +
 * |residual| for that output (the magnitude of the sum: rounding of both
 * summation orders stays within a few eps * m, while a missing, extra or
 * misplaced term of a sum over K <= 4608 terms moves it by about m / K >=
 * 2e-4 m). After a post activation (hard_swish, Lipschitz <= 1.5; sigmoid,
 * <= 0.25) the bound is 1.5 times that plus 8 eps * max(1, |want|) for the
 * two activation implementations.
 *
 * Also checked: the blocked output's padding lanes (channels >= out_c of
 * the last block) are finite (the next blocked convolution multiplies them
 * by zero weights); guard words on both sides of the output and of the
 * workspace are untouched; inputs (image, residual, bias, packed filter)
 * end against an inaccessible page, so any over-read faults. The layout
 * changes oar_nchw_to_nchw16c / oar_nchw16c_to_nchw are tested on their
 * own: exact positions, padding lanes +0, a lossless roundtrip.
 *
 * The test stops at the first mismatch, printing the shape. */
#include "test_gemm_harness.h"

#include "kernels/generic/conv16c.h"
#include "kernels/ref/activation.h"
#include "kernels/ref/conv.h"

typedef struct case16 {
  int64_t batch, in_c, in_h, in_w, out_c, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw;
  int bias, residual;
  int clamp;       /* 0 none, 1 [0, inf), 2 [0, 6], 3 random [lo, hi], 4 (-inf, random hi] */
  int post;        /* 0 none, 1 hard_swish, 2 sigmoid (after the clamp) */
  int ints;        /* small-integer data: exact sums */
  int64_t opad[4]; /* output padding (oar_blocked_planes_pad_output): top, bottom, left, right */
} case16;

/* The input is read as plain NCHW (oar_conv16c_init_plain_input, first
 * layers) instead of blocked. */
static int g_plain_input;

/* What ran, to report the coverage of the driver's paths. */
static struct {
  int cases, runs, pad_copy, no_pad_copy, multi_chunk, uneven_chunk, multi_slot, split_groups;
  int fc_seen[OAR_CONV16C_FC + 1], npx_seen[OAR_CONV16C_PX + 1];
} g_cov;

static void describe(const case16 *k, char *buf, size_t n) {
  snprintf(buf, n,
           "b%lld c%lld %lldx%lld -> oc%lld, k%lldx%lld s%lld,%lld pad t%lld l%lld b%lld r%lld d%lld,%lld "
           "bias %d res %d clamp %d post %d %s out pad %lld,%lld,%lld,%lld",
           (long long)k->batch, (long long)k->in_c, (long long)k->in_h, (long long)k->in_w,
           (long long)k->out_c, (long long)k->kh, (long long)k->kw, (long long)k->sh, (long long)k->sw,
           (long long)k->pt, (long long)k->pl, (long long)k->pb, (long long)k->pr, (long long)k->dh,
           (long long)k->dw, k->bias, k->residual, k->clamp, k->post, k->ints ? "ints" : "floats",
           (long long)k->opad[0], (long long)k->opad[1], (long long)k->opad[2], (long long)k->opad[3]);
}

/* Output sizes with the bottom/right paddings; 0 when the kernel does not fit. */
static int out_dims(const case16 *k, int64_t *oh, int64_t *ow) {
  const int64_t eh = k->dh * (k->kh - 1) + 1, ew = k->dw * (k->kw - 1) + 1;
  if (k->in_h + k->pt + k->pb < eh || k->in_w + k->pl + k->pr < ew) return 0;
  *oh = (k->in_h + k->pt + k->pb - eh) / k->sh + 1;
  *ow = (k->in_w + k->pl + k->pr - ew) / k->sw + 1;
  return 1;
}

static float rnd_value(int ints) { return ints ? rnd_small() : rnd_unit(); }

/* 64-byte aligned buffers with guard words on both sides, wider than the
 * harness's: a tile written past its end reaches up to 5 pixels (80
 * floats) further, a block past the end a whole plane. */
#define WIDE_GUARD 1024
typedef struct wide_buf {
  float *base;
  size_t floats;
} wide_buf;

static float *wide_alloc(wide_buf *b, size_t floats) {
  b->floats = (floats + 15) / 16 * 16;
  b->base = harness_aligned_alloc((b->floats + 2 * WIDE_GUARD) * sizeof(float));
  if (!b->base) return NULL;
  for (size_t i = 0; i < b->floats + 2 * WIDE_GUARD; i++) memcpy(&b->base[i], &GUARD_BITS, 4);
  return b->base + WIDE_GUARD;
}

/* Whether the guards hold; the body is checked up to `used` floats (the
 * rest of the rounded-up body counts as guard). */
static int wide_intact(const wide_buf *b, size_t used) {
  for (size_t i = 0; i < WIDE_GUARD; i++)
    if (memcmp(&b->base[i], &GUARD_BITS, 4) || memcmp(&b->base[WIDE_GUARD + b->floats + i], &GUARD_BITS, 4))
      return 0;
  for (size_t i = used; i < b->floats; i++)
    if (memcmp(&b->base[WIDE_GUARD + i], &GUARD_BITS, 4)) return 0;
  return 1;
}

/* Runs case k on table kr with each pool of pools[0..npools) (pool i has
 * i + 1 threads); returns 0 on the first mismatch, after printing it. */
static int run_case(const oar_f32_kernels *kr, oar_threadpool *const *pools, int npools, const case16 *k) {
  int64_t oh, ow;
  if (!out_dims(k, &oh, &ow)) return 1;
  char what[256];
  describe(k, what, sizeof what);
  const oar_conv2d_params p = {.batch = k->batch,
                               .in_c = k->in_c,
                               .in_h = k->in_h,
                               .in_w = k->in_w,
                               .out_c = k->out_c,
                               .out_h = oh,
                               .out_w = ow,
                               .kernel_h = k->kh,
                               .kernel_w = k->kw,
                               .stride_h = k->sh,
                               .stride_w = k->sw,
                               .pad_top = k->pt,
                               .pad_left = k->pl,
                               .dilation_h = k->dh,
                               .dilation_w = k->dw,
                               .groups = 1};
  const size_t n = (size_t)p.batch, in_hw = (size_t)(p.in_h * p.in_w), out_hw = (size_t)(oh * ow);
  const size_t in_c = (size_t)p.in_c, out_c = (size_t)p.out_c;
  const size_t xs = n * in_c * in_hw, ws = out_c * in_c * (size_t)(p.kernel_h * p.kernel_w);
  const size_t ys = n * out_c * out_hw;
  const size_t xbs = n * oar_blocks16(in_c) * 16 * in_hw, ybs = n * oar_blocks16(out_c) * 16 * out_hw;

  /* NCHW data, its absolute values (for the magnitude m), the reference. */
  float *x = malloc(xs * sizeof *x), *w = malloc(ws * sizeof *w), *res = malloc(ys * sizeof *res);
  float *ax = malloc(xs * sizeof *x), *aw = malloc(ws * sizeof *w), *ares = malloc(ys * sizeof *res);
  float *want = malloc(ys * sizeof *want), *mag = malloc(ys * sizeof *mag), *got = malloc(ys * sizeof *got);
  page_buf pxb, prb, pbias, ppk;
  float *xb = page_alloc(&pxb, xbs), *resb = page_alloc(&prb, ybs), *bias = page_alloc(&pbias, out_c);
  float *abias = malloc(out_c * sizeof *abias);
  if (!x || !w || !res || !ax || !aw || !ares || !want || !mag || !got || !abias) {
    printf("  FAIL: out of memory for %s\n", what);
    exit(1);
  }
  for (size_t i = 0; i < xs; i++) ax[i] = fabsf(x[i] = rnd_value(k->ints));
  for (size_t i = 0; i < ws; i++) aw[i] = fabsf(w[i] = rnd_value(k->ints));
  for (size_t i = 0; i < out_c; i++) abias[i] = fabsf(bias[i] = rnd_value(k->ints));
  for (size_t i = 0; i < ys; i++) ares[i] = fabsf(res[i] = rnd_value(k->ints));
  oar_ref_conv2d_f32(&p, x, w, k->bias ? bias : NULL, k->residual ? res : NULL, want);
  oar_ref_conv2d_f32(&p, ax, aw, k->bias ? abias : NULL, k->residual ? ares : NULL, mag);

  float lo = -INFINITY, hi = INFINITY;
  if (k->clamp == 1) lo = 0.0f;
  if (k->clamp == 2) lo = 0.0f, hi = 6.0f;
  if (k->clamp == 3) {
    lo = (float)-(int)(rnd() % 4);
    hi = lo + (float)(1 + rnd() % 6);
  }
  if (k->clamp == 4) hi = (float)(rnd() % 4);
  for (size_t i = 0; i < ys; i++) want[i] = want[i] < lo ? lo : want[i] > hi ? hi : want[i];
  oar_act_params act = {.kind = OAR_ACT_SIGMOID};
  if (k->post == 1)
    act = (oar_act_params){.kind = OAR_ACT_HARD_SWISH, .threshold = 6.0f, .scale = 6.0f, .offset = 3.0f};
  if (k->post) oar_ref_activation_f32(&act, want, want, (int64_t)ys);

  oar_nchw_to_nchw16c(x, n, in_c, in_hw, xb);
  oar_nchw_to_nchw16c(res, n, out_c, out_hw, resb);

  int ok = 1;
  for (int pi = 0; pi < npools && ok; pi++) {
    const int threads = pi + 1;
    oar_threadpool_set_current(pools[pi]);
    if (!oar_conv16c_supported(&p, kr)) {
      printf("  FAIL %s threads %d: oar_conv16c_supported is false for %s\n", oar_isa_name(kr->isa), threads,
             what);
      ok = 0;
      break;
    }
    oar_conv16c c;
    if (g_plain_input)
      oar_conv16c_init_plain_input(&c, &p, kr, threads);
    else
      oar_conv16c_init(&c, &p, kr, threads);
    const size_t pf = oar_conv16c_packed_floats(&c);
    if (pf == SIZE_MAX || c.workspace_bytes == SIZE_MAX) {
      printf("  FAIL %s: packed filter or workspace size overflows for %s\n", oar_isa_name(kr->isa), what);
      ok = 0;
      break;
    }
    float *packed = page_alloc(&ppk, pf);
    oar_conv16c_pack_filter(&c, w, packed);
    const size_t ws_floats = (c.workspace_bytes + sizeof(float) - 1) / sizeof(float);
    wide_buf wsb, gy;
    void *work = wide_alloc(&wsb, ws_floats);
    /* The output plane, zero-bordered when the case pads the output. */
    oar_blocked_planes_pad_output(&c.bp, &c.p, (size_t)k->opad[0], (size_t)k->opad[1], (size_t)k->opad[2],
                                  (size_t)k->opad[3]);
    const size_t ohp = (size_t)(oh + k->opad[0] + k->opad[1]), owp = (size_t)(ow + k->opad[2] + k->opad[3]);
    const size_t ypbs = n * oar_blocks16(out_c) * 16 * ohp * owp;
    float *yp = wide_alloc(&gy, ypbs); /* NaN everywhere: an unwritten output shows */
    float *yb = malloc(ybs * sizeof *yb);
    if (!work || !yp || !yb) {
      printf("  FAIL: out of memory for %s\n", what);
      exit(1);
    }
    oar_conv16c_run(&c, g_plain_input ? x : xb, packed, k->bias ? bias : NULL, k->residual ? resb : NULL, lo,
                    hi, k->post ? &act : NULL, yp, work);
    /* The border is +0; the interior is the output. */
    for (size_t plane = 0; plane < n * oar_blocks16(out_c) && ok; plane++)
      for (size_t y = 0; y < ohp && ok; y++)
        for (size_t xq = 0; xq < owp && ok; xq++) {
          const float *v = yp + ((plane * ohp + y) * owp + xq) * 16;
          const bool inside = y >= (size_t)k->opad[0] && y < (size_t)k->opad[0] + (size_t)oh &&
                              xq >= (size_t)k->opad[2] && xq < (size_t)k->opad[2] + (size_t)ow;
          if (inside) {
            memcpy(
                yb + ((plane * (size_t)oh + y - (size_t)k->opad[0]) * (size_t)ow + xq - (size_t)k->opad[2]) *
                         16,
                v, 16 * sizeof *v);
            continue;
          }
          for (int l = 0; l < 16 && ok; l++)
            if (v[l] != 0.0f || signbit(v[l])) {
              printf(
                  "  FAIL %s threads %d: %s: output border (plane %zu, y %zu, x %zu) lane %d is %g, not +0\n",
                  oar_isa_name(kr->isa), threads, what, plane, y, xq, l, (double)v[l]);
              ok = 0;
            }
        }

    /* Coverage of the driver's paths. */
    const size_t passes = (c.icb + c.chunk - 1) / c.chunk;
    g_cov.runs++;
    g_cov.pad_copy += c.bp.pad_copy;
    g_cov.no_pad_copy += !c.bp.pad_copy;
    g_cov.multi_chunk += passes > 1;
    g_cov.uneven_chunk += c.icb % c.chunk != 0;
    g_cov.multi_slot += c.slots > 1;
    g_cov.split_groups += c.split_groups > 1;
    for (size_t g = 0; g < c.groups; g++) {
      const size_t fc = c.ocb - g * OAR_CONV16C_FC;
      g_cov.fc_seen[fc < OAR_CONV16C_FC ? fc : OAR_CONV16C_FC] = 1;
    }
    g_cov.npx_seen[out_hw % OAR_CONV16C_PX ? out_hw % OAR_CONV16C_PX : OAR_CONV16C_PX] = 1;
    if (out_hw >= OAR_CONV16C_PX) g_cov.npx_seen[OAR_CONV16C_PX] = 1;

    oar_nchw16c_to_nchw(yb, n, out_c, out_hw, got);
    for (size_t i = 0; i < ys && ok; i++) {
      double tol = k->ints ? 0.0 : 1e-5 * (1.0 + (double)mag[i]);
      if (k->post) tol = 1.5 * tol + 8.0 * FLT_EPSILON * fmax(1.0, fabs((double)want[i]));
      const double d = fabs((double)got[i] - (double)want[i]);
      if (!(d <= tol)) {
        const size_t b = i / (out_c * out_hw), oc = i / out_hw % out_c, px = i % out_hw;
        printf(
            "  FAIL %s threads %d: %s -> %lldx%lld: output [n %zu, c %zu, y %zu, x %zu] got %.9g want %.9g "
            "(|d| %.3g > tol %.3g, m %.6g); chunk %zu of %zu blocks, slots %d, pad_copy %d\n",
            oar_isa_name(kr->isa), threads, what, (long long)oh, (long long)ow, b, oc, px / (size_t)ow,
            px % (size_t)ow, (double)got[i], (double)want[i], d, tol, (double)mag[i], c.chunk, c.icb, c.slots,
            (int)c.bp.pad_copy);
        ok = 0;
      }
    }
    /* Padding lanes of each image's last block. */
    const size_t ocb = oar_blocks16(out_c);
    for (size_t b = 0; b < n && ok; b++)
      for (size_t px = 0; px < out_hw && ok; px++)
        for (size_t l = out_c - (ocb - 1) * 16; l < 16 && ok; l++) {
          const float v = yb[((b * ocb + ocb - 1) * out_hw + px) * 16 + l];
          if (!isfinite(v)) {
            printf("  FAIL %s threads %d: %s: padding lane %zu of pixel %zu (image %zu) is %g\n",
                   oar_isa_name(kr->isa), threads, what, l, px, b, (double)v);
            ok = 0;
          }
        }
    if (ok && !wide_intact(&gy, ypbs)) {
      printf("  FAIL %s threads %d: %s: wrote outside the output\n", oar_isa_name(kr->isa), threads, what);
      ok = 0;
    }
    if (ok && !wide_intact(&wsb, ws_floats)) {
      printf("  FAIL %s threads %d: %s: wrote outside the workspace (%zu bytes)\n", oar_isa_name(kr->isa),
             threads, what, c.workspace_bytes);
      ok = 0;
    }
    g_checks++;
    if (!ok) g_failures++;
    harness_aligned_free(gy.base);
    free(yb);
    harness_aligned_free(wsb.base);
    page_free(&ppk);
  }
  oar_threadpool_set_current(NULL);
  g_cov.cases++;
  free(x), free(w), free(res), free(ax), free(aw), free(ares), free(want), free(mag), free(got), free(abias);
  page_free(&pxb), page_free(&prb), page_free(&pbias);
  return ok;
}

static int64_t rnd_range(int64_t lo, int64_t hi) { return lo + (int64_t)(rnd() % (uint32_t)(hi - lo + 1)); }

/* 1 to 80 channels, evenly over 1 to 5 blocks, a whole number of blocks
 * a quarter of the time. */
static int64_t rnd_channels(void) {
  const int64_t blocks = rnd_range(1, 5);
  return rnd() % 4 == 0 ? 16 * blocks : 16 * (blocks - 1) + rnd_range(1, 16);
}

static case16 random_case(int i) {
  case16 k;
  do {
    k = (case16){
        .batch = rnd_range(1, 2),
        .in_c = rnd_channels(),
        .out_c = rnd_channels(),
        .in_h = rnd_range(1, 30),
        .in_w = rnd_range(1, 30),
        .kh = rnd_range(1, 5),
        .kw = rnd_range(1, 5),
        .sh = rnd_range(1, 3),
        .sw = rnd_range(1, 3),
        .pt = rnd_range(0, 3),
        .pl = rnd_range(0, 3),
        .pb = rnd_range(0, 3),
        .pr = rnd_range(0, 3),
        .dh = rnd_range(1, 3),
        .dw = rnd_range(1, 3),
        .bias = (int)(rnd() % 2),
        .residual = (int)(rnd() % 2),
        .clamp = (int)(rnd() % 5),
        .post = (int)(rnd() % 3),
        .ints = i % 2,
    };
    if (rnd() % 6 == 0) k.kh = k.kw = 1;               /* 1x1 more often than 1 in 25 */
    if (rnd() % 4 == 0) k.pt = k.pl = k.pb = k.pr = 0; /* the image read in place */
    if (rnd() % 3 == 0) k.dh = k.dw = 1;
    for (int j = 0; j < 4; j++) k.opad[j] = rnd() % 3 == 0 ? rnd_range(0, 2) : 0;
  } while (k.in_h + k.pt + k.pb < k.dh * (k.kh - 1) + 1 || k.in_w + k.pl + k.pr < k.dw * (k.kw - 1) + 1);
  return k;
}

/* ---- layout changes ---------------------------------------------------------- */

static int test_layout(void) {
  for (int t = 0; t < 200; t++) {
    const size_t n = 1 + rnd() % 3, c = 1 + rnd() % 70, hw = 1 + rnd() % 50;
    const size_t cb = oar_blocks16(c), s = n * c * hw, bs = n * cb * 16 * hw;
    page_buf ps, pbk;
    float *src = page_alloc(&ps, s);
    for (size_t i = 0; i < s; i++) src[i] = rnd_unit();
    guard_buf gb, gn;
    float *blk = guard_alloc(&gb, bs), *back = guard_alloc(&gn, s);
    oar_nchw_to_nchw16c(src, n, c, hw, blk);
    float *blk_in = page_alloc(&pbk, bs); /* the blocked form as an input that faults on over-read */
    memcpy(blk_in, blk, bs * sizeof *blk);
    oar_nchw16c_to_nchw(blk_in, n, c, hw, back);
    int ok = guard_intact(&gb) && guard_intact(&gn);
    for (size_t b = 0; b < n && ok; b++)
      for (size_t ch = 0; ch < cb * 16 && ok; ch++)
        for (size_t i = 0; i < hw && ok; i++) {
          const float v = blk[((b * cb + ch / 16) * hw + i) * 16 + ch % 16];
          const float e = ch < c ? src[(b * c + ch) * hw + i] : 0.0f;
          ok = memcmp(&v, &e, sizeof v) == 0; /* bit for bit: padding is +0 */
        }
    ok = ok && memcmp(back, src, s * sizeof *src) == 0;
    g_checks++;
    page_free(&ps), page_free(&pbk), guard_free(&gb), guard_free(&gn);
    if (!ok) {
      printf(
          "  FAIL layout n %zu c %zu hw %zu: a value or padding lane differs, or a guard was overwritten\n",
          n, c, hw);
      g_failures++;
      return 0;
    }
  }
  return 1;
}

/* ---- sweeps --------------------------------------------------------------------- */

static int sweep(const oar_f32_kernels *kr, oar_threadpool *const *pools, int npools) {
  /* Edge cases: every pixel tail with the image read in place, whole
   * blocks, one channel, 1x1 images, kernels as large as the padded image. */
  static const case16 fixed[] = {
      {1, 16, 1, 1, 16, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, {0, 0, 0, 0}},
      {1, 1, 1, 2, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 1, {0, 0, 0, 0}},
      {1, 17, 1, 3, 33, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 2, 0, 0, {0, 0, 0, 0}},
      {2, 32, 2, 2, 49, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 1, 1, {0, 0, 0, 0}},
      {1, 5, 1, 5, 64, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 3, 2, 0, {0, 0, 0, 0}},
      {1, 80, 2, 3, 80, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 1, {0, 0, 0, 0}},
      {1, 48, 1, 7, 65, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, {0, 0, 0, 0}},
      {1, 3, 3, 4, 17, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, {0, 0, 0, 0}},
      {1, 64, 13, 1, 80, 3, 1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 0, {0, 0, 0, 0}},
      {1, 7, 3, 3, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 2, 1, {0, 0, 0, 0}},
      {1, 9, 1, 1, 31, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 4, 0, 1, {0, 0, 0, 0}},
      {2, 33, 5, 5, 47, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 2, 0, 1, {0, 0, 0, 0}},
      {1, 20, 9, 9, 20, 3, 3, 3, 3, 0, 0, 3, 3, 3, 3, 0, 1, 0, 0, 0, {0, 0, 0, 0}},
      {1, 16, 4, 30, 16, 2, 5, 2, 3, 3, 0, 0, 3, 1, 2, 1, 0, 3, 1, 1, {0, 0, 0, 0}},
  };
  for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
    if (!run_case(kr, pools, npools, &fixed[i])) return 0;
  for (int i = 0; i < 400; i++) {
    const case16 k = random_case(i);
    if (!run_case(kr, pools, npools, &k)) return 0;
  }
  /* ResNet-like layers: several chunks of input blocks (uneven ones for
   * 1024 channels), 2 slots split over tiles and over groups. */
  static const case16 big[] = {
      {1, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, {0, 0, 0, 0}},
      {1, 128, 56, 56, 128, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 0, {0, 0, 0, 0}},
      {1, 256, 14, 14, 1024, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, {1, 1, 1, 1}},
      {1, 1024, 14, 14, 256, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0, 1, {0, 0, 0, 0}},
      {1, 512, 7, 7, 512, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, {0, 0, 0, 0}},
      {1, 3, 224, 224, 64, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1, 0, 1, 0, 0, {0, 0, 0, 0}},
      {2, 40, 28, 28, 72, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 2, 1, {0, 0, 0, 0}},
  };
  for (size_t i = 0; i < sizeof big / sizeof *big; i++)
    if (!run_case(kr, pools, npools, &big[i])) return 0;
  return 1;
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* the failure shows even if a later overrun crashes the test */
  if (!test_layout()) return harness_finish("test_conv16c");
  oar_threadpool *pools[2] = {NULL, NULL};
  for (int i = 0; i < 2; i++)
    if (oar_threadpool_create(i + 1, &pools[i], NULL) != OAR_OK) {
      printf("  FAIL: cannot create a pool of %d threads\n", i + 1);
      return 1;
    }
  int tested = 0, ok = 1;
  for (int isa = OAR_ISA_GENERIC; isa < OAR_ISA_COUNT && ok; isa++) {
    const oar_f32_kernels *kr = oar_f32_kernels_for((oar_isa)isa);
    if (isa == OAR_ISA_AVX512) {
      /* The level that must have the kernel. */
      kr = kernels_or_skip(OAR_ISA_AVX512, "test_conv16c");
      if (!kr) continue;
      if (!kr->conv16c) {
        printf("  FAIL: the AVX-512 table has no conv16c kernel\n");
        g_failures++;
        break;
      }
    } else if (isa > (int)oar_cpu_isa_detected() || kr->isa != (oar_isa)isa || !kr->conv16c) {
      continue;
    }
    for (g_plain_input = 0; g_plain_input < 2 && ok; g_plain_input++) {
      printf("== %s, %s input\n", oar_isa_name(kr->isa), g_plain_input ? "plain NCHW" : "blocked");
      memset(&g_cov, 0, sizeof g_cov);
      ok = sweep(kr, pools, 2);
      tested++;
      printf(
          "%s: %d cases, %d runs (threads 1 and 2): pad copy %d, in place %d, several chunks %d (uneven %d), "
          "2 slots %d (split over groups %d); tile widths %d%d%d%d, pixel tails %d%d%d%d%d%d\n",
          oar_isa_name(kr->isa), g_cov.cases, g_cov.runs, g_cov.pad_copy, g_cov.no_pad_copy,
          g_cov.multi_chunk, g_cov.uneven_chunk, g_cov.multi_slot, g_cov.split_groups, g_cov.fc_seen[1],
          g_cov.fc_seen[2], g_cov.fc_seen[3], g_cov.fc_seen[4], g_cov.npx_seen[1], g_cov.npx_seen[2],
          g_cov.npx_seen[3], g_cov.npx_seen[4], g_cov.npx_seen[5], g_cov.npx_seen[6]);
    }
  }
  for (int i = 0; i < 2; i++) oar_threadpool_destroy(pools[i]);
  if (!tested && !g_failures)
    return harness_skip("test_conv16c", "no kernel table with conv16c runs on this host");
  return harness_finish("test_conv16c");
}
