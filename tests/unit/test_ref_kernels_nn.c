/* Unit tests of the reference compute kernels (src/kernels/ref: conv,
 * norm, pool, activation, elementwise, matmul, math).
 *
 * Each kernel is checked against small hand-computed cases (some taken
 * from Paddle 3.3's own outputs, marked "Paddle:") and against an
 * independent naive formula written differently from the kernel, over
 * sweeps of shapes. Buffers carry guard words on both sides to catch
 * writes past the end.
 *
 * Tolerance policy: exact on small-integer inputs (every partial sum is an
 * exactly representable integer); otherwise |got - want| <= 4 * n * eps *
 * sum|terms| for a reduction of n terms, and 1e-6 relative for element-wise
 * transcendental functions compared with their double counterparts.
 *
 * Build by hand: compile this file with -Iinclude -Isrc together with
 * every .c file of src/kernels/ref, src/base and src/tensor, and -lm.
 * Returns 0 when every check passes. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/ref/activation.h"
#include "kernels/ref/conv.h"
#include "kernels/ref/elementwise.h"
#include "kernels/ref/math.h"
#include "kernels/ref/matmul.h"
#include "kernels/ref/norm.h"
#include "kernels/ref/pool.h"

/* ---- harness -------------------------------------------------------------- */

static int g_checks, g_failures;

#define CHECK(cond, ...)                            \
  do {                                              \
    g_checks++;                                     \
    if (!(cond)) {                                  \
      g_failures++;                                 \
      printf("  FAIL %s:%d: ", __FILE__, __LINE__); \
      printf(__VA_ARGS__);                          \
      printf("\n");                                 \
    }                                               \
  } while (0)

/* Deterministic pseudo-random numbers (xorshift), so failures reproduce. */
static uint64_t g_rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void) {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 7;
  g_rng ^= g_rng << 17;
  return (uint32_t)(g_rng >> 32);
}
static int64_t rnd_int(int64_t lo, int64_t hi) { return lo + (int64_t)(rnd() % (uint32_t)(hi - lo + 1)); }
static float rnd_float(void) { return (float)((double)rnd() / 4294967296.0 * 2.0 - 1.0); }

/* Guarded buffers: GUARD words of a fixed pattern on both sides. */
#define GUARD 16
static const uint32_t GUARD_WORD = 0xDEADBEEFu;

static void *gbuf(size_t bytes) {
  size_t words = (bytes + 3) / 4;
  uint32_t *p = malloc((words + 2 * GUARD + 1) * 4);
  if (!p) {
    printf("out of memory\n");
    exit(2);
  }
  p[0] = (uint32_t)words;
  for (size_t i = 0; i < GUARD; i++) p[1 + i] = p[1 + GUARD + words + i] = GUARD_WORD;
  memset(p + 1 + GUARD, 0, words * 4);
  return p + 1 + GUARD;
}
static void gfree(void *ptr, const char *what) {
  if (!ptr) return;
  uint32_t *p = (uint32_t *)ptr - GUARD - 1;
  size_t words = p[0];
  bool ok = true;
  for (size_t i = 0; i < GUARD; i++)
    if (p[1 + i] != GUARD_WORD || p[1 + GUARD + words + i] != GUARD_WORD) ok = false;
  CHECK(ok, "%s: guard words overwritten (write out of bounds)", what);
  free(p);
}
static float *gfloats(int64_t n) { return gbuf((size_t)(n > 0 ? n : 0) * sizeof(float)); }

static void fill_small_ints(float *p, int64_t n) {
  for (int64_t i = 0; i < n; i++) p[i] = (float)rnd_int(-3, 3);
}
static void fill_random(float *p, int64_t n) {
  for (int64_t i = 0; i < n; i++) p[i] = rnd_float();
}

static bool near_rel(double got, double want, double rel) {
  if (isnan(want)) return isnan(got);
  return fabs(got - want) <= rel * fmax(1.0, fabs(want));
}

/* Compares n floats exactly; reports the first difference. */
static void expect_exact(const char *what, const float *got, const float *want, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    if (!(got[i] == want[i] || (isnan(got[i]) && isnan(want[i])))) {
      CHECK(false, "%s: element %lld is %.9g, expected %.9g", what, (long long)i, got[i], want[i]);
      return;
    }
  }
  CHECK(true, "%s", what);
}

/* Compares against double results with the reduction bound. */
static void expect_bound(const char *what, const float *got, const double *want, const double *abs_sum,
                         int64_t terms, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    const double bound = 4.0 * (double)(terms > 0 ? terms : 1) * FLT_EPSILON * abs_sum[i] + 1e-30;
    if (!(fabs(got[i] - want[i]) <= bound)) {
      CHECK(false, "%s: element %lld is %.9g, expected %.9g (bound %.3g)", what, (long long)i, got[i],
            want[i], bound);
      return;
    }
  }
  CHECK(true, "%s", what);
}

/* ---- conv2d --------------------------------------------------------------- */

/* NCHW <-> NHWC for one batch of C x H x W. */
static void to_nhwc(const float *src, float *dst, int64_t n, int64_t c, int64_t h, int64_t w) {
  for (int64_t b = 0; b < n; b++)
    for (int64_t ch = 0; ch < c; ch++)
      for (int64_t y = 0; y < h; y++)
        for (int64_t x = 0; x < w; x++)
          dst[((b * h + y) * w + x) * c + ch] = src[((b * c + ch) * h + y) * w + x];
}

/* Scatter form: every (input pixel, tap) pair adds into the output pixel
 * it lands on. Independent of the kernel's gather loop. Computes in double
 * with the absolute sum per output for the tolerance bound. */
static void conv_scatter(const oar_conv2d_params *p, const float *src, const float *filter, const float *bias,
                         double *want, double *abs_sum) {
  const int64_t out_n = p->batch * p->out_c * p->out_h * p->out_w;
  for (int64_t i = 0; i < out_n; i++) want[i] = abs_sum[i] = 0.0;
  const int64_t cin_g = p->in_c / p->groups, cout_g = p->out_c / p->groups;
  for (int64_t b = 0; b < p->batch; b++)
    for (int64_t ic = 0; ic < p->in_c; ic++)
      for (int64_t ih = 0; ih < p->in_h; ih++)
        for (int64_t iw = 0; iw < p->in_w; iw++) {
          const double v = src[((b * p->in_c + ic) * p->in_h + ih) * p->in_w + iw];
          const int64_t g = ic / cin_g;
          for (int64_t oc = g * cout_g; oc < (g + 1) * cout_g; oc++)
            for (int64_t kh = 0; kh < p->kernel_h; kh++)
              for (int64_t kw = 0; kw < p->kernel_w; kw++) {
                /* ih = oh*s - pad + kh*d  =>  oh = (ih + pad - kh*d) / s when exact. */
                const int64_t th = ih + p->pad_top - kh * p->dilation_h;
                const int64_t tw = iw + p->pad_left - kw * p->dilation_w;
                if (th < 0 || tw < 0 || th % p->stride_h || tw % p->stride_w) continue;
                const int64_t oh = th / p->stride_h, ow = tw / p->stride_w;
                if (oh >= p->out_h || ow >= p->out_w) continue;
                const double wv =
                    filter[((oc * cin_g + (ic - g * cin_g)) * p->kernel_h + kh) * p->kernel_w + kw];
                const int64_t at = ((b * p->out_c + oc) * p->out_h + oh) * p->out_w + ow;
                want[at] += v * wv;
                abs_sum[at] += fabs(v * wv);
              }
        }
  if (bias)
    for (int64_t b = 0; b < p->batch; b++)
      for (int64_t oc = 0; oc < p->out_c; oc++)
        for (int64_t i = 0; i < p->out_h * p->out_w; i++) {
          const int64_t at = (b * p->out_c + oc) * p->out_h * p->out_w + i;
          want[at] += bias[oc];
          abs_sum[at] += fabs(bias[oc]);
        }
}

static void test_conv_hand(void) {
  printf("conv2d: hand-computed cases\n");
  /* 1x1x3x3 input 1..9, 2x2 filter of ones. */
  float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, w[4] = {1, 1, 1, 1};
  oar_conv2d_params p = {.batch = 1,
                         .in_c = 1,
                         .in_h = 3,
                         .in_w = 3,
                         .out_c = 1,
                         .out_h = 2,
                         .out_w = 2,
                         .kernel_h = 2,
                         .kernel_w = 2,
                         .stride_h = 1,
                         .stride_w = 1,
                         .dilation_h = 1,
                         .dilation_w = 1,
                         .groups = 1};
  float *y = gfloats(16);
  oar_ref_conv2d_f32(&p, x, w, NULL, NULL, y);
  const float want1[4] = {12, 16, 24, 28};
  expect_exact("3x3 * ones(2x2), no padding", y, want1, 4);

  /* Padding 1 on every side, stride 2: windows at -1 and 1. */
  p.out_h = p.out_w = 2;
  p.pad_top = p.pad_left = 1;
  p.stride_h = p.stride_w = 2;
  oar_ref_conv2d_f32(&p, x, w, NULL, NULL, y);
  const float want2[4] = {1, 2 + 3, 4 + 7, 5 + 6 + 8 + 9};
  expect_exact("3x3 * ones(2x2), pad 1, stride 2", y, want2, 4);

  /* Dilation 2, 2x2 filter [1,2;3,4] on 3x3: one output = 1*1+2*3+3*7+4*9. */
  const float w3[4] = {1, 2, 3, 4};
  p.pad_top = p.pad_left = 0;
  p.stride_h = p.stride_w = 1;
  p.dilation_h = p.dilation_w = 2;
  p.out_h = p.out_w = 1;
  const float bias = 0.5f, residual = 100.0f;
  oar_ref_conv2d_f32(&p, x, w3, &bias, &residual, y);
  const float want3[1] = {1 + 6 + 21 + 36 + 0.5f + 100.0f};
  expect_exact("dilation 2 with bias and residual", y, want3, 1);
  gfree(y, "conv hand output");
}

/* Random configurations: gather kernel vs scatter formula, NCHW and NHWC. */
static void test_conv_sweep(void) {
  printf(
      "conv2d: 300 random configurations vs scatter formula (groups, depthwise, stride, dilation, "
      "asymmetric pads, NHWC)\n");
  for (int iter = 0; iter < 300; iter++) {
    oar_conv2d_params p;
    memset(&p, 0, sizeof p);
    const int kind = iter % 3; /* 0 dense, 1 grouped, 2 depthwise */
    p.groups = kind == 0 ? 1 : kind == 1 ? rnd_int(2, 3) : rnd_int(1, 5);
    p.in_c = kind == 2 ? p.groups : p.groups * rnd_int(1, 3);
    p.out_c = kind == 2 ? p.groups * rnd_int(1, 2) : p.groups * rnd_int(1, 3);
    p.batch = rnd_int(1, 2);
    p.in_h = rnd_int(1, 9);
    p.in_w = rnd_int(1, 9);
    p.kernel_h = rnd_int(1, 4);
    p.kernel_w = rnd_int(1, 4);
    p.stride_h = rnd_int(1, 3);
    p.stride_w = rnd_int(1, 3);
    p.dilation_h = rnd_int(1, 2);
    p.dilation_w = rnd_int(1, 2);
    p.pad_top = rnd_int(0, 2);
    p.pad_left = rnd_int(0, 2);
    const int64_t pad_bottom = rnd_int(0, 2), pad_right = rnd_int(0, 2);
    const int64_t span_h = p.dilation_h * (p.kernel_h - 1) + 1, span_w = p.dilation_w * (p.kernel_w - 1) + 1;
    const int64_t ph = p.in_h + p.pad_top + pad_bottom, pw = p.in_w + p.pad_left + pad_right;
    if (ph < span_h || pw < span_w) {
      iter--;
      continue;
    }
    p.out_h = (ph - span_h) / p.stride_h + 1;
    p.out_w = (pw - span_w) / p.stride_w + 1;

    const int64_t xn = p.batch * p.in_c * p.in_h * p.in_w;
    const int64_t wn = p.out_c * (p.in_c / p.groups) * p.kernel_h * p.kernel_w;
    const int64_t yn = p.batch * p.out_c * p.out_h * p.out_w;
    float *x = gfloats(xn), *w = gfloats(wn), *bias = gfloats(p.out_c), *y = gfloats(yn);
    float *x_nhwc = gfloats(xn), *y_nhwc = gfloats(yn), *y_back = gfloats(yn);
    double *want = malloc((size_t)yn * sizeof *want), *abs_sum = malloc((size_t)yn * sizeof *abs_sum);
    const bool ints = iter % 2 == 0;
    if (ints) {
      fill_small_ints(x, xn);
      fill_small_ints(w, wn);
      fill_small_ints(bias, p.out_c);
    } else {
      fill_random(x, xn);
      fill_random(w, wn);
      fill_random(bias, p.out_c);
    }
    conv_scatter(&p, x, w, bias, want, abs_sum);
    oar_ref_conv2d_f32(&p, x, w, bias, NULL, y);
    char what[160];
    snprintf(what, sizeof what,
             "conv iter %d: N%lld C%lld %lldx%lld -> M%lld k%lldx%lld s%lld,%lld d%lld,%lld g%lld%s", iter,
             (long long)p.batch, (long long)p.in_c, (long long)p.in_h, (long long)p.in_w, (long long)p.out_c,
             (long long)p.kernel_h, (long long)p.kernel_w, (long long)p.stride_h, (long long)p.stride_w,
             (long long)p.dilation_h, (long long)p.dilation_w, (long long)p.groups, ints ? " (ints)" : "");
    if (ints) {
      float *wantf = gfloats(yn);
      for (int64_t i = 0; i < yn; i++) wantf[i] = (float)want[i];
      expect_exact(what, y, wantf, yn);
      gfree(wantf, "conv want");
    } else {
      expect_bound(what, y, want, abs_sum, (p.in_c / p.groups) * p.kernel_h * p.kernel_w + 1, yn);
    }
    /* NHWC must be the same numbers, transposed. */
    to_nhwc(x, x_nhwc, p.batch, p.in_c, p.in_h, p.in_w);
    oar_conv2d_params q = p;
    q.nhwc = true;
    oar_ref_conv2d_f32(&q, x_nhwc, w, bias, NULL, y_nhwc);
    to_nhwc(y, y_back, p.batch, p.out_c, p.out_h, p.out_w);
    if (iter % 30 == 0 || memcmp(y_back, y_nhwc, (size_t)yn * sizeof(float)) != 0)
      expect_exact("  ... NHWC equals NCHW transposed", y_nhwc, y_back, yn);
    gfree(x, "conv x");
    gfree(w, "conv w");
    gfree(bias, "conv bias");
    gfree(y, "conv y");
    gfree(x_nhwc, "conv x nhwc");
    gfree(y_nhwc, "conv y nhwc");
    gfree(y_back, "conv y back");
    free(want);
    free(abs_sum);
  }
}

/* Depthwise (groups = C, multiplier 1) equals running a 1-channel conv on
 * each channel separately. */
static void test_depthwise_vs_per_channel(void) {
  printf("depthwise_conv2d: groups = C equals per-channel single convolutions\n");
  const int64_t c = 5, h = 7, w = 6;
  oar_conv2d_params p = {.batch = 1,
                         .in_c = c,
                         .in_h = h,
                         .in_w = w,
                         .out_c = c,
                         .kernel_h = 3,
                         .kernel_w = 3,
                         .stride_h = 2,
                         .stride_w = 1,
                         .pad_top = 1,
                         .pad_left = 1,
                         .dilation_h = 1,
                         .dilation_w = 1,
                         .groups = c};
  p.out_h = (h + 2 - 3) / 2 + 1;
  p.out_w = (w + 2 - 3) / 1 + 1;
  float *x = gfloats(c * h * w), *f = gfloats(c * 9), *y = gfloats(c * p.out_h * p.out_w);
  float *y1 = gfloats(p.out_h * p.out_w);
  fill_random(x, c * h * w);
  fill_random(f, c * 9);
  oar_ref_conv2d_f32(&p, x, f, NULL, NULL, y);
  oar_conv2d_params one = p;
  one.in_c = one.out_c = one.groups = 1;
  bool same = true;
  for (int64_t ch = 0; ch < c; ch++) {
    oar_ref_conv2d_f32(&one, x + ch * h * w, f + ch * 9, NULL, NULL, y1);
    if (memcmp(y1, y + ch * p.out_h * p.out_w, (size_t)(p.out_h * p.out_w) * sizeof(float)) != 0)
      same = false;
  }
  CHECK(same, "depthwise output differs from per-channel convolution");
  gfree(x, "dw x");
  gfree(f, "dw f");
  gfree(y, "dw y");
  gfree(y1, "dw y1");
}

/* ---- batch_norm ----------------------------------------------------------- */

static void test_batch_norm(void) {
  printf("batch_norm: NCHW [2,3,2,2] and channel-last [4,3] vs the textbook formula\n");
  const int64_t n = 2, c = 3, hw = 4;
  float *x = gfloats(n * c * hw), *y = gfloats(n * c * hw);
  const float scale[3] = {1.0f, 0.5f, -2.0f}, bias[3] = {0.0f, 1.0f, 0.25f};
  const float mean[3] = {0.1f, -0.2f, 0.3f}, var[3] = {1.0f, 0.25f, 4.0f};
  fill_random(x, n * c * hw);
  oar_batch_norm_params p = {.outer = n, .channels = c, .inner = hw, .epsilon = 1e-5f};
  oar_ref_batch_norm_f32(&p, x, scale, bias, mean, var, y);
  double want[24];
  for (int64_t i = 0; i < n * c * hw; i++) {
    const int64_t ch = (i / hw) % c;
    want[i] = ((double)x[i] - mean[ch]) / sqrt((double)var[ch] + 1e-5) * scale[ch] + bias[ch];
  }
  bool ok = true;
  for (int64_t i = 0; i < n * c * hw; i++)
    if (!near_rel(y[i], want[i], 1e-5)) ok = false;
  CHECK(ok, "batch_norm NCHW differs from (x - mean) / sqrt(var + eps) * scale + bias");

  /* Channel last: [outer=4, C=3, inner=1]. */
  oar_batch_norm_params q = {.outer = 4, .channels = c, .inner = 1, .epsilon = 1e-5f};
  oar_ref_batch_norm_f32(&q, x, scale, bias, mean, var, y);
  ok = true;
  for (int64_t i = 0; i < 12; i++) {
    const int64_t ch = i % c;
    const double wv = ((double)x[i] - mean[ch]) / sqrt((double)var[ch] + 1e-5) * scale[ch] + bias[ch];
    if (!near_rel(y[i], wv, 1e-5)) ok = false;
  }
  CHECK(ok, "batch_norm channel-last differs from the formula");
  /* Hand value: x = mean gives bias exactly. */
  float xm[3] = {0.1f, -0.2f, 0.3f}, ym[3];
  oar_batch_norm_params r = {.outer = 1, .channels = 3, .inner = 1, .epsilon = 0.0f};
  oar_ref_batch_norm_f32(&r, xm, scale, bias, mean, var, ym);
  CHECK(fabsf(ym[0] - 0.0f) < 1e-7f && fabsf(ym[1] - 1.0f) < 1e-7f && fabsf(ym[2] - 0.25f) < 1e-7f,
        "batch_norm of x = mean gives %g %g %g, expected 0 1 0.25", ym[0], ym[1], ym[2]);
  gfree(x, "bn x");
  gfree(y, "bn y");
}

/* ---- pool2d --------------------------------------------------------------- */

static float *arange25(void) {
  float *x = gfloats(25);
  for (int i = 0; i < 25; i++) x[i] = (float)i;
  return x;
}

static void run_pool_case(const char *what, const oar_pool2d_params *p, const float *x, const float *want) {
  const int64_t yn = p->batch * p->channels * p->out_h * p->out_w;
  float *y = gfloats(yn);
  oar_ref_pool2d_f32(p, x, y);
  expect_exact(what, y, want, yn);
  gfree(y, what);
}

static void test_pool_hand(void) {
  printf("pool2d: hand cases (values from Paddle 3.3's CPU kernel where marked)\n");
  float *x = arange25(); /* 1x1x5x5, x[h][w] = 5h + w */
  oar_pool2d_params p = {.batch = 1, .channels = 1, .in_h = 5, .in_w = 5};

  /* max 2x2 stride 2, floor: 2x2 output. */
  p.kernel_h = p.kernel_w = 2;
  p.stride_h = p.stride_w = 2;
  p.out_h = p.out_w = 2;
  p.is_max = true;
  const float max22[4] = {6, 8, 16, 18};
  run_pool_case("max 2x2 s2", &p, x, max22);

  /* Paddle: avg k2 s2 pad [1,1] ceil_mode, exclusive=false -> 4x4 with the
   * divisor cut at in + pad_before and empty last windows giving 0. */
  p.is_max = false;
  p.exclusive = false;
  p.pad_top = p.pad_left = 1;
  p.out_h = p.out_w = 4;
  const float ceil_nonexcl[16] = {0, 0.75f, 1.75f, 0, 3.75f, 9, 11, 0, 8.75f, 19, 21, 0, 0, 0, 0, 0};
  run_pool_case("Paddle: avg k2 s2 p1 ceil_mode non-exclusive", &p, x, ceil_nonexcl);

  /* Paddle: paddings [0,1,0,1] (bottom/right only), ceil_mode,
   * non-exclusive -> 3x3. */
  p.pad_top = p.pad_left = 0;
  p.out_h = p.out_w = 3;
  const float asym[9] = {3, 5, 6.5f, 13, 15, 16.5f, 20.5f, 22.5f, 24};
  run_pool_case("Paddle: avg k2 s2 pads [0,1,0,1] ceil_mode non-exclusive", &p, x, asym);

  /* Exclusive average with padding 1, k3 s1: corner = mean of 4 values. */
  p.kernel_h = p.kernel_w = 3;
  p.stride_h = p.stride_w = 1;
  p.pad_top = p.pad_left = 1;
  p.out_h = p.out_w = 5;
  p.exclusive = true;
  float *y = gfloats(25);
  oar_ref_pool2d_f32(&p, x, y);
  CHECK(y[0] == (0 + 1 + 5 + 6) / 4.0f && y[12] == 12.0f && y[24] == (18 + 19 + 23 + 24) / 4.0f,
        "exclusive avg k3 p1: corners %g %g, centre %g", y[0], y[24], y[12]);
  p.exclusive = false;
  oar_ref_pool2d_f32(&p, x, y);
  CHECK(y[0] == (0 + 1 + 5 + 6) / 9.0f && y[24] == (18 + 19 + 23 + 24) / 9.0f,
        "non-exclusive avg k3 p1: corners %g %g, expected sums / 9", y[0], y[24]);
  /* Max with padding ignores the padded positions (no implicit zeros). */
  float neg[25];
  for (int i = 0; i < 25; i++) neg[i] = -1.0f - (float)i;
  p.is_max = true;
  oar_ref_pool2d_f32(&p, neg, y);
  CHECK(y[0] == -1.0f && y[24] == -19.0f, "max k3 p1 on negatives: corners %g %g, expected -1 -19", y[0],
        y[24]);
  gfree(y, "pool y");

  /* Paddle: adaptive avg 5x5 -> 3x3 (windows [0,2) [1,4) [3,5)). */
  memset(&p, 0, sizeof p);
  p.batch = p.channels = 1;
  p.in_h = p.in_w = 5;
  p.out_h = p.out_w = 3;
  p.kernel_h = p.kernel_w = 3;
  p.stride_h = p.stride_w = 1;
  p.adaptive = true;
  const float adapt[9] = {3, 4.5f, 6, 10.5f, 12, 13.5f, 18, 19.5f, 21};
  run_pool_case("Paddle: adaptive avg 5x5 -> 3x3", &p, x, adapt);

  /* Paddle's adaptive *max* runs with non-adaptive windows (kernel = output
   * size, stride 1): 5x5 -> 3x3 gives windows [i, i+3). The geometry sets
   * adaptive = false for max; the kernel result is: */
  p.adaptive = false;
  p.is_max = true;
  p.exclusive = true;
  const float adapt_max_quirk[9] = {12, 13, 14, 17, 18, 19, 22, 23, 24};
  run_pool_case("Paddle: pool2d max with adaptive=true (non-adaptive windows)", &p, x, adapt_max_quirk);
  /* and true adaptive max, which the kernel also supports: */
  p.adaptive = true;
  const float adapt_max[9] = {6, 8, 9, 16, 18, 19, 21, 23, 24};
  run_pool_case("adaptive max 5x5 -> 3x3 (true adaptive windows)", &p, x, adapt_max);
  gfree(x, "arange");
}

/* Naive pooling written from the spec's words, in double. */
static double pool_naive(const oar_pool2d_params *p, const float *x, int64_t oh, int64_t ow) {
  int64_t h0, h1, w0, w1, div;
  if (p->adaptive) {
    h0 = (int64_t)floor((double)oh * p->in_h / p->out_h);
    h1 = (int64_t)ceil((double)(oh + 1) * p->in_h / p->out_h);
    w0 = (int64_t)floor((double)ow * p->in_w / p->out_w);
    w1 = (int64_t)ceil((double)(ow + 1) * p->in_w / p->out_w);
    div = (h1 - h0) * (w1 - w0);
  } else {
    h0 = oh * p->stride_h - p->pad_top;
    w0 = ow * p->stride_w - p->pad_left;
    h1 = h0 + p->kernel_h;
    w1 = w0 + p->kernel_w;
    if (h1 > p->in_h + p->pad_top) h1 = p->in_h + p->pad_top;
    if (w1 > p->in_w + p->pad_left) w1 = p->in_w + p->pad_left;
    div = (h1 - h0) * (w1 - w0);
    if (h0 < 0) h0 = 0;
    if (w0 < 0) w0 = 0;
    if (h1 > p->in_h) h1 = p->in_h;
    if (w1 > p->in_w) w1 = p->in_w;
    if (p->exclusive) div = (h1 - h0) * (w1 - w0);
  }
  double acc = p->is_max ? -FLT_MAX : 0.0;
  for (int64_t h = h0; h < h1; h++)
    for (int64_t w = w0; w < w1; w++) {
      const double v = x[h * p->in_w + w];
      acc = p->is_max ? fmax(acc, v) : acc + v;
    }
  return p->is_max ? acc : acc / (double)div;
}

static void test_pool_sweep(void) {
  printf(
      "pool2d: 400 random configurations vs a naive formula (max/avg, exclusive, ceil_mode, pads, adaptive, "
      "NHWC)\n");
  for (int iter = 0; iter < 400; iter++) {
    oar_pool2d_params p;
    memset(&p, 0, sizeof p);
    p.batch = rnd_int(1, 2);
    p.channels = rnd_int(1, 3);
    p.in_h = rnd_int(1, 8);
    p.in_w = rnd_int(1, 8);
    p.is_max = rnd() % 2;
    p.exclusive = rnd() % 2;
    p.adaptive = iter % 4 == 0;
    if (p.adaptive) {
      p.out_h = rnd_int(1, p.in_h + 2);
      p.out_w = rnd_int(1, p.in_w + 2);
    } else {
      p.kernel_h = rnd_int(1, 4);
      p.kernel_w = rnd_int(1, 4);
      p.stride_h = rnd_int(1, 3);
      p.stride_w = rnd_int(1, 3);
      p.pad_top = rnd_int(0, p.kernel_h - 1);
      p.pad_left = rnd_int(0, p.kernel_w - 1);
      const int64_t pb = rnd_int(0, p.kernel_h - 1), pr = rnd_int(0, p.kernel_w - 1);
      const bool ceil_mode = rnd() % 2;
      const int64_t nh = p.in_h + p.pad_top + pb - p.kernel_h, nw = p.in_w + p.pad_left + pr - p.kernel_w;
      if (nh < 0 || nw < 0) {
        iter--;
        continue;
      }
      p.out_h = (nh + (ceil_mode ? p.stride_h - 1 : 0)) / p.stride_h + 1;
      p.out_w = (nw + (ceil_mode ? p.stride_w - 1 : 0)) / p.stride_w + 1;
    }
    const int64_t plane = p.in_h * p.in_w, xn = p.batch * p.channels * plane;
    const int64_t oplane = p.out_h * p.out_w, yn = p.batch * p.channels * oplane;
    float *x = gfloats(xn), *y = gfloats(yn), *xt = gfloats(xn), *yt = gfloats(yn), *yb = gfloats(yn);
    fill_random(x, xn);
    oar_ref_pool2d_f32(&p, x, y);
    bool ok = true;
    for (int64_t nc = 0; nc < p.batch * p.channels && ok; nc++)
      for (int64_t oh = 0; oh < p.out_h && ok; oh++)
        for (int64_t ow = 0; ow < p.out_w && ok; ow++) {
          const double want = pool_naive(&p, x + nc * plane, oh, ow);
          const double got = y[nc * oplane + oh * p.out_w + ow];
          if (!(near_rel(got, want, 1e-5) || (isnan(got) && isnan(want)))) {
            CHECK(false,
                  "pool iter %d: %s%s%s %lldx%lld -> %lldx%lld k%lldx%lld s%lld,%lld p%lld,%lld at "
                  "(%lld,%lld): %g vs %g",
                  iter, p.is_max ? "max" : "avg", p.exclusive ? " excl" : "", p.adaptive ? " adaptive" : "",
                  (long long)p.in_h, (long long)p.in_w, (long long)p.out_h, (long long)p.out_w,
                  (long long)p.kernel_h, (long long)p.kernel_w, (long long)p.stride_h, (long long)p.stride_w,
                  (long long)p.pad_top, (long long)p.pad_left, (long long)oh, (long long)ow, got, want);
            ok = false;
          }
        }
    if (ok) CHECK(true, "pool iter");
    to_nhwc(x, xt, p.batch, p.channels, p.in_h, p.in_w);
    oar_pool2d_params q = p;
    q.nhwc = true;
    oar_ref_pool2d_f32(&q, xt, yt);
    to_nhwc(y, yb, p.batch, p.channels, p.out_h, p.out_w);
    bool same = true;
    for (int64_t i = 0; i < yn; i++)
      if (!(yt[i] == yb[i] || (isnan(yt[i]) && isnan(yb[i])))) same = false;
    CHECK(same, "pool iter %d: NHWC differs from NCHW transposed", iter);
    gfree(x, "pool x");
    gfree(y, "pool y");
    gfree(xt, "pool xt");
    gfree(yt, "pool yt");
    gfree(yb, "pool yb");
  }
}

/* ---- activations ---------------------------------------------------------- */

static double act_double(const oar_act_params *p, double x) {
  switch (p->kind) {
    case OAR_ACT_RELU: return x > 0 ? x : 0;
    case OAR_ACT_RELU6: return fmin(fmax(x, 0), p->threshold);
    case OAR_ACT_SIGMOID: return 1 / (1 + exp(-x));
    case OAR_ACT_SWISH: return x / (1 + exp(-(double)p->beta * x));
    case OAR_ACT_SILU: return x / (1 + exp(-x));
    case OAR_ACT_HARD_SWISH: return x * fmin(fmax(x + p->offset, 0), p->threshold) / p->scale;
    case OAR_ACT_HARD_SIGMOID: return fmin(fmax(p->slope * x + p->offset, 0), 1);
    case OAR_ACT_LEAKY_RELU: return x > 0 ? x : p->alpha * x;
    case OAR_ACT_TANH: return tanh(x);
    case OAR_ACT_GELU: return 0.5 * x * (1 + erf(x / sqrt(2.0)));
    case OAR_ACT_GELU_TANH:
      return 0.5 * x * (1 + tanh(sqrt(2 / 3.14159265358979323846) * (x + 0.044715 * x * x * x)));
    case OAR_ACT_EXP: return exp(x);
    case OAR_ACT_SQRT: return sqrt(x);
  }
  return NAN;
}

static void test_activations(void) {
  printf("activations: hand values, Paddle's gelu values, and double formulas on [-8, 8]\n");
  const oar_act_params kinds[] = {
      {.kind = OAR_ACT_RELU},
      {.kind = OAR_ACT_RELU6, .threshold = 6.0f},
      {.kind = OAR_ACT_SIGMOID},
      {.kind = OAR_ACT_SWISH, .beta = 1.5f},
      {.kind = OAR_ACT_SILU},
      {.kind = OAR_ACT_HARD_SWISH, .threshold = 6.0f, .scale = 6.0f, .offset = 3.0f},
      {.kind = OAR_ACT_HARD_SIGMOID, .slope = 0.1666667f, .offset = 0.5f},
      {.kind = OAR_ACT_LEAKY_RELU, .alpha = 0.02f},
      {.kind = OAR_ACT_LEAKY_RELU, .alpha = 1.5f},
      {.kind = OAR_ACT_TANH},
      {.kind = OAR_ACT_GELU},
      {.kind = OAR_ACT_GELU_TANH},
      {.kind = OAR_ACT_EXP},
      {.kind = OAR_ACT_SQRT},
      /* Non-default parameters, so a formula that ignores one is caught. */
      {.kind = OAR_ACT_RELU6, .threshold = 4.5f},
      {.kind = OAR_ACT_HARD_SWISH, .threshold = 5.0f, .scale = 7.0f, .offset = 2.5f},
      {.kind = OAR_ACT_HARD_SIGMOID, .slope = 0.2f, .offset = 0.25f},
  };
  const char *names[] = {"relu",
                         "relu6",
                         "sigmoid",
                         "swish",
                         "silu",
                         "hard_swish",
                         "hard_sigmoid",
                         "leaky_relu",
                         "leaky_relu alpha>1",
                         "tanh",
                         "gelu",
                         "gelu tanh",
                         "exp",
                         "sqrt",
                         "relu6 threshold 4.5",
                         "hard_swish 5/7/2.5",
                         "hard_sigmoid 0.2/0.25"};
  enum { N = 161 };
  float *x = gfloats(N), *y = gfloats(N);
  for (int i = 0; i < N; i++) x[i] = -8.0f + 0.1f * (float)i;
  for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    oar_ref_activation_f32(&kinds[k], x, y, N);
    bool ok = true;
    for (int i = 0; i < N && ok; i++) {
      const double want = act_double(&kinds[k], x[i]);
      /* tanh/erf-based values near 0 have tiny magnitudes; add an absolute floor. */
      if (!(isnan(want) ? isnan(y[i]) : fabs(y[i] - want) <= 2e-6 * fmax(1.0, fabs(want)))) {
        CHECK(false, "%s(%g) = %.9g, expected %.9g", names[k], x[i], y[i], want);
        ok = false;
      }
    }
    if (ok) CHECK(true, "%s", names[k]);
  }
  /* Hand values. */
  float h[4] = {-1.0f, 0.5f, 3.0f, 7.0f}, o[4];
  oar_ref_activation_f32(&kinds[1], h, o, 4);
  CHECK(o[0] == 0 && o[1] == 0.5f && o[2] == 3 && o[3] == 6, "relu6 of -1 .5 3 7: %g %g %g %g", o[0], o[1],
        o[2], o[3]);
  oar_ref_activation_f32(&kinds[5], h, o, 4);
  CHECK(o[0] == -1.0f * 2.0f / 6.0f && o[2] == 3.0f && o[3] == 7.0f, "hard_swish of -1 3 7: %g %g %g", o[0],
        o[2], o[3]);
  /* Paddle 3.3: gelu(-1, .5, 3) exact and tanh-approximate. */
  float g[3] = {-1.0f, 0.5f, 3.0f}, go[3];
  const double gelu_erf[3] = {-0.15865526, 0.34573123, 2.9959502};
  const double gelu_tanh[3] = {-0.15880796, 0.345714, 2.9963627};
  oar_ref_activation_f32(&kinds[10], g, go, 3);
  CHECK(near_rel(go[0], gelu_erf[0], 1e-6) && near_rel(go[1], gelu_erf[1], 1e-6) &&
            near_rel(go[2], gelu_erf[2], 1e-6),
        "gelu: %.8g %.8g %.8g vs Paddle", go[0], go[1], go[2]);
  oar_ref_activation_f32(&kinds[11], g, go, 3);
  CHECK(near_rel(go[0], gelu_tanh[0], 1e-6) && near_rel(go[1], gelu_tanh[1], 1e-6) &&
            near_rel(go[2], gelu_tanh[2], 1e-6),
        "gelu approximate: %.8g %.8g %.8g vs Paddle", go[0], go[1], go[2]);
  /* In place. */
  float inplace[2] = {-2.0f, 2.0f};
  oar_ref_activation_f32(&kinds[0], inplace, inplace, 2);
  CHECK(inplace[0] == 0.0f && inplace[1] == 2.0f, "relu in place");
  gfree(x, "act x");
  gfree(y, "act y");
}

/* ---- elementwise ---------------------------------------------------------- */

/* Row-major strides of `dims`, zeroed where the operand dim is 1 and the
 * output's is not: the same contract the runtime fills from Paddle's axis
 * rule, written here independently. */
static void strides_for(int rank, const int64_t *op_dims, const int64_t *out_dims, int64_t *strides) {
  int64_t s = 1;
  for (int i = rank - 1; i >= 0; i--) {
    strides[i] = (op_dims[i] == 1 && out_dims[i] != 1) ? 0 : s;
    s *= op_dims[i];
  }
}

static void test_elementwise_broadcast(void) {
  printf("elementwise: conv-bias broadcast (axis 1), two-sided broadcast, 0-D, vs per-index formulas\n");
  /* X [2,3,4] + Y [3] placed at axis 1 -> Y as [1,3,1]. */
  int64_t xd[3] = {2, 3, 4}, yd[3] = {1, 3, 1};
  oar_binary_params p = {.op = OAR_BINARY_ADD, .rank = 3, .dims = {2, 3, 4}};
  strides_for(3, xd, p.dims, p.x_strides);
  strides_for(3, yd, p.dims, p.y_strides);
  float *x = gfloats(24), y[3] = {100, 200, 300}, *z = gfloats(24);
  for (int i = 0; i < 24; i++) x[i] = (float)i;
  oar_ref_binary_f32(&p, x, y, z);
  bool ok = true;
  for (int i = 0; i < 24; i++)
    if (z[i] != (float)i + y[(i / 4) % 3]) ok = false;
  CHECK(ok, "X[2,3,4] + Y[3] with axis 1");

  /* X [3,1] op Y [1,4] -> [3,4], every op. */
  const oar_binary_op ops[] = {OAR_BINARY_ADD, OAR_BINARY_SUB, OAR_BINARY_MUL, OAR_BINARY_DIV,
                               OAR_BINARY_MAX, OAR_BINARY_MIN, OAR_BINARY_POW};
  int64_t ad[2] = {3, 1}, bd[2] = {1, 4};
  float a[3] = {1.5f, -2.0f, 3.0f}, b[4] = {2.0f, -1.0f, 0.5f, 3.0f}, c[12];
  for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
    oar_binary_params q = {.op = ops[k], .rank = 2, .dims = {3, 4}};
    strides_for(2, ad, q.dims, q.x_strides);
    strides_for(2, bd, q.dims, q.y_strides);
    oar_ref_binary_f32(&q, a, b, c);
    ok = true;
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 4; j++) {
        const float u = a[i], v = b[j];
        float want = 0;
        switch (ops[k]) {
          case OAR_BINARY_ADD: want = u + v; break;
          case OAR_BINARY_SUB: want = u - v; break;
          case OAR_BINARY_MUL: want = u * v; break;
          case OAR_BINARY_DIV: want = u / v; break;
          case OAR_BINARY_MAX: want = fmaxf(u, v); break;
          case OAR_BINARY_MIN: want = fminf(u, v); break;
          case OAR_BINARY_POW: want = powf(u, v); break;
        }
        if (!(c[i * 4 + j] == want || (isnan(want) && isnan(c[i * 4 + j])))) ok = false;
      }
    CHECK(ok, "[3,1] op [1,4], op %d", (int)ops[k]);
  }

  /* Rank 0 and zero-size outputs. */
  oar_binary_params s = {.op = OAR_BINARY_MUL, .rank = 0};
  float sx = 3.0f, sy = -2.0f, sz = 0.0f;
  oar_ref_binary_f32(&s, &sx, &sy, &sz);
  CHECK(sz == -6.0f, "0-D multiply gives %g", sz);
  oar_binary_params e = {.op = OAR_BINARY_ADD, .rank = 2, .dims = {0, 4}};
  oar_ref_binary_f32(&e, &sx, &sy, &sz);
  CHECK(sz == -6.0f, "zero-size output writes nothing");

  /* A 6-D random broadcast vs an independent index computation. */
  int64_t od[6] = {2, 3, 1, 4, 2, 3}, x6[6] = {2, 1, 1, 4, 1, 3}, y6[6] = {1, 3, 1, 4, 2, 1};
  oar_binary_params r = {.op = OAR_BINARY_SUB, .rank = 6};
  memcpy(r.dims, od, sizeof od);
  strides_for(6, x6, od, r.x_strides);
  strides_for(6, y6, od, r.y_strides);
  float *xs = gfloats(24), *ys = gfloats(24), *zs = gfloats(144);
  fill_random(xs, 24);
  fill_random(ys, 24);
  oar_ref_binary_f32(&r, xs, ys, zs);
  ok = true;
  for (int64_t i = 0; i < 144; i++) {
    int64_t rem = i, xi = 0, yi = 0, xm = 1, ym = 1;
    for (int d = 5; d >= 0; d--) {
      const int64_t idx = rem % od[d];
      rem /= od[d];
      xi += (x6[d] == 1 ? 0 : idx) * xm;
      yi += (y6[d] == 1 ? 0 : idx) * ym;
      xm *= x6[d];
      ym *= y6[d];
    }
    if (zs[i] != xs[xi] - ys[yi]) ok = false;
  }
  CHECK(ok, "6-D two-sided broadcast matches per-index formula");
  gfree(x, "ew x");
  gfree(z, "ew z");
  gfree(xs, "ew xs");
  gfree(ys, "ew ys");
  gfree(zs, "ew zs");
}

static void test_elementwise_ints(void) {
  printf("elementwise int32/int64: truncating division, wrap-around, pow via double (Paddle values)\n");
  const int32_t a[7] = {-7, 7, -7, 7, 2, 3, -2}, b[7] = {2, -2, -2, 2, 10, 3, 3};
  int32_t c[7];
  oar_binary_params p = {.op = OAR_BINARY_DIV, .rank = 1, .dims = {7}, .x_strides = {1}, .y_strides = {1}};
  oar_ref_binary_i32(&p, a, b, c);
  const int32_t div_want[7] = {-3, -3, 3, 3, 0, 1, 0};
  CHECK(memcmp(c, div_want, sizeof c) == 0, "int32 division truncates toward zero: %d %d %d %d %d %d %d",
        c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
  p.op = OAR_BINARY_POW;
  oar_ref_binary_i32(&p, a, b, c);
  const int32_t pow_want[7] = {49, 0, 0, 49, 1024, 27, -8}; /* Paddle 3.3 */
  CHECK(memcmp(c, pow_want, sizeof c) == 0, "int32 pow: %d %d %d %d %d %d %d", c[0], c[1], c[2], c[3], c[4],
        c[5], c[6]);
  /* Overflow wraps; MIN / -1 gives MIN; / 0 gives 0 (the runtime reports it). */
  const int32_t big[3] = {INT32_MAX, INT32_MIN, 5}, one[3] = {1, -1, 0};
  int32_t out[3];
  p.dims[0] = 3;
  p.op = OAR_BINARY_ADD;
  oar_ref_binary_i32(&p, big, one, out);
  CHECK(out[0] == INT32_MIN && out[1] == INT32_MAX && out[2] == 5, "int32 add wraps");
  p.op = OAR_BINARY_DIV;
  oar_ref_binary_i32(&p, big, one, out);
  CHECK(out[0] == INT32_MAX && out[1] == INT32_MIN && out[2] == 0, "int32 MIN / -1 and x / 0");
  const int64_t a64[4] = {INT64_MAX, -9, 4000000000, 3}, b64[4] = {1, 4, 3, 40};
  int64_t c64[4];
  oar_binary_params q = {.op = OAR_BINARY_MUL, .rank = 1, .dims = {4}, .x_strides = {1}, .y_strides = {1}};
  oar_ref_binary_i64(&q, a64, b64, c64);
  CHECK(c64[0] == INT64_MAX && c64[1] == -36 && c64[2] == 12000000000 && c64[3] == 120, "int64 multiply");
  q.op = OAR_BINARY_POW;
  oar_ref_binary_i64(&q, a64, b64, c64);
  CHECK(c64[0] == INT64_MIN && c64[1] == 6561 && c64[3] == INT64_MIN,
        "int64 pow: out of range gives MIN: %lld %lld %lld", (long long)c64[0], (long long)c64[1],
        (long long)c64[3]);
  /* Broadcast of a shape tensor times a scalar, the shape-subgraph case. */
  const int64_t shp[4] = {1, 3, 224, 224}, two = 2;
  int64_t halved[4];
  oar_binary_params r = {.op = OAR_BINARY_DIV, .rank = 1, .dims = {4}, .x_strides = {1}, .y_strides = {0}};
  oar_ref_binary_i64(&r, shp, &two, halved);
  CHECK(halved[0] == 0 && halved[1] == 1 && halved[2] == 112 && halved[3] == 112, "int64 shape / 2");
}

/* ---- matmul --------------------------------------------------------------- */

static void test_gemm(void) {
  printf("gemm: hand case, and all transpose combinations vs naive loops over sizes around small edges\n");
  const float a[6] = {1, 2, 3, 4, 5, 6}, b[6] = {7, 8, 9, 10, 11, 12};
  float c[4];
  /* [2,3] x [3,2] */
  oar_ref_gemm_f32(false, false, 2, 2, 3, 1.0f, a, 3, b, 2, c, 2);
  const float want[4] = {58, 64, 139, 154};
  expect_exact("[[1,2,3],[4,5,6]] x [[7,8],[9,10],[11,12]]", c, want, 4);
  oar_ref_gemm_f32(false, false, 2, 2, 3, 0.5f, a, 3, b, 2, c, 2);
  const float half[4] = {29, 32, 69.5f, 77};
  expect_exact("alpha 0.5", c, half, 4);

  for (int64_t m = 1; m <= 5; m++)
    for (int64_t n = 1; n <= 5; n++)
      for (int64_t k = 0; k <= 6; k += 3) {
        for (int t = 0; t < 4; t++) {
          const bool ta = t & 1, tb = t & 2;
          float *A = gfloats(m * k), *B = gfloats(k * n), *C = gfloats(m * n), *W = gfloats(m * n);
          fill_small_ints(A, m * k);
          fill_small_ints(B, k * n);
          for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++) {
              float s = 0;
              for (int64_t kk = 0; kk < k; kk++) {
                const float av = ta ? A[kk * m + i] : A[i * k + kk];
                const float bv = tb ? B[j * k + kk] : B[kk * n + j];
                s += av * bv;
              }
              W[i * n + j] = s;
            }
          oar_ref_gemm_f32(ta, tb, m, n, k, 1.0f, A, ta ? m : k, B, tb ? k : n, C, n);
          bool same = memcmp(C, W, (size_t)(m * n) * sizeof(float)) == 0;
          if (!same)
            CHECK(false, "gemm m%lld n%lld k%lld ta%d tb%d", (long long)m, (long long)n, (long long)k, ta,
                  tb);
          else
            CHECK(true, "gemm");
          gfree(A, "gemm A");
          gfree(B, "gemm B");
          gfree(C, "gemm C");
          gfree(W, "gemm W");
        }
      }
}

static void test_matmul_batched(void) {
  printf("matmul: batch broadcast [2,1,m,k] x [1,3,k,n] and a shared 2-D operand\n");
  const int64_t m = 2, k = 3, n = 4;
  float *x = gfloats(2 * m * k), *y = gfloats(3 * k * n), *z = gfloats(6 * m * n), *w = gfloats(m * n);
  fill_small_ints(x, 2 * m * k);
  fill_small_ints(y, 3 * k * n);
  oar_matmul_params p = {.m = m,
                         .n = n,
                         .k = k,
                         .alpha = 1.0f,
                         .batch_rank = 2,
                         .batch_dims = {2, 3},
                         .x_batch_strides = {m * k, 0},
                         .y_batch_strides = {0, k * n}};
  oar_ref_matmul_f32(&p, x, y, z);
  bool ok = true;
  for (int bi = 0; bi < 2; bi++)
    for (int bj = 0; bj < 3; bj++) {
      oar_ref_gemm_f32(false, false, m, n, k, 1.0f, x + bi * m * k, k, y + bj * k * n, n, w, n);
      if (memcmp(w, z + (bi * 3 + bj) * m * n, (size_t)(m * n) * sizeof(float)) != 0) ok = false;
    }
  CHECK(ok, "batch (i, j) is x[i] . y[j]");
  /* trans_y with a shared X (stride 0 on its only batch dim). */
  oar_matmul_params q = {.m = m,
                         .n = k,
                         .k = n,
                         .trans_y = true,
                         .alpha = 2.0f,
                         .batch_rank = 1,
                         .batch_dims = {3},
                         .x_batch_strides = {0},
                         .y_batch_strides = {k * n}};
  float *x2 = gfloats(m * n), *z2 = gfloats(3 * m * k);
  fill_small_ints(x2, m * n);
  oar_ref_matmul_f32(&q, x2, y, z2);
  ok = true;
  for (int bj = 0; bj < 3; bj++)
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < k; j++) {
        float s = 0;
        for (int64_t kk = 0; kk < n; kk++) s += x2[i * n + kk] * y[bj * k * n + j * n + kk];
        if (z2[bj * m * k + i * k + j] != 2.0f * s) ok = false;
      }
  CHECK(ok, "trans_y, alpha 2, X shared across the batch");
  gfree(x, "mm x");
  gfree(y, "mm y");
  gfree(z, "mm z");
  gfree(w, "mm w");
  gfree(x2, "mm x2");
  gfree(z2, "mm z2");
}

static void test_fc(void) {
  printf("fc: bias, relu, and padded weights (row stride N+4)\n");
  const int64_t m = 3, k = 2, n = 3, ldw = n + 4;
  const float x[6] = {1, -2, 3, 4, -5, 6};
  float w[(2 + 4) * 7];
  for (int i = 0; i < 42; i++) w[i] = 1000.0f; /* padding must never be read */
  const float wv[2][3] = {{1, 0, -1}, {2, 1, 0}};
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 3; j++) w[i * ldw + j] = wv[i][j];
  const float bias[3] = {0.5f, -10.0f, 1.0f};
  float *y = gfloats(m * n);
  oar_ref_fc_f32(m, n, k, x, w, ldw, bias, true, y);
  /* row 0: [1,-2] -> [1-4, -2, -1] + bias = [-2.5, -12, 0] -> relu [0, 0, 0]
   * row 1: [3, 4] -> [3+8, 4, -3] + bias = [11.5, -6, -2] -> [11.5, 0, 0]
   * row 2: [-5, 6] -> [-5+12, 6, 5] + bias = [7.5, -4, 6] -> relu */
  const float want_real[9] = {0, 0, 0, 11.5f, 0, 0, 7.5f, 0, 6};
  expect_exact("fc with relu and padded weights", y, want_real, 9);
  oar_ref_fc_f32(m, n, k, x, w, ldw, NULL, false, y);
  const float nobias[9] = {-3, -2, -1, 11, 4, -3, 7, 6, 5};
  expect_exact("fc without bias or relu", y, nobias, 9);
  gfree(y, "fc y");
}

/* ---- math ----------------------------------------------------------------- */

static void test_scale(void) {
  printf("scale: float and integer forms, bias before/after\n");
  const float x[3] = {1, -2, 0.5f};
  float y[3];
  oar_ref_scale_f32(x, y, 3, 2.0f, 1.0f, true);
  CHECK(y[0] == 3 && y[1] == -3 && y[2] == 2, "2x + 1");
  oar_ref_scale_f32(x, y, 3, 2.0f, 1.0f, false);
  CHECK(y[0] == 4 && y[1] == -2 && y[2] == 3, "2(x + 1)");
  /* Paddle 3.3, int32 scale 2.7 bias -1.5 -> the runtime passes 2 and -1. */
  const int32_t xi[3] = {-7, 7, 2};
  int32_t yi[3];
  oar_ref_scale_i32(xi, yi, 3, 2, -1, true);
  CHECK(yi[0] == -15 && yi[1] == 13 && yi[2] == 3, "int32 2x - 1: %d %d %d", yi[0], yi[1], yi[2]);
  const int64_t xl[2] = {INT64_MAX, 5};
  int64_t yl[2];
  oar_ref_scale_i64(xl, yl, 2, 1, 1, false);
  CHECK(yl[0] == INT64_MIN && yl[1] == 6, "int64 (x + 1) wraps");
}

static void test_softmax(void) {
  printf("softmax: along last, middle and first axes vs double; sums to 1; large inputs stay finite\n");
  const int64_t shapes[3][3] = {{4, 7, 1}, {2, 5, 3}, {1, 6, 4}};
  for (int s = 0; s < 3; s++) {
    const int64_t outer = shapes[s][0], len = shapes[s][1], inner = shapes[s][2], total = outer * len * inner;
    float *x = gfloats(total), *y = gfloats(total);
    for (int64_t i = 0; i < total; i++) x[i] = rnd_float() * 10.0f;
    oar_ref_softmax_f32(x, y, outer, len, inner);
    bool ok = true;
    for (int64_t o = 0; o < outer; o++)
      for (int64_t i = 0; i < inner; i++) {
        double mx = -INFINITY, sum = 0, ysum = 0;
        for (int64_t a = 0; a < len; a++) mx = fmax(mx, x[(o * len + a) * inner + i]);
        for (int64_t a = 0; a < len; a++) sum += exp(x[(o * len + a) * inner + i] - mx);
        for (int64_t a = 0; a < len; a++) {
          const int64_t at = (o * len + a) * inner + i;
          if (!near_rel(y[at], exp(x[at] - mx) / sum, 1e-5)) ok = false;
          ysum += y[at];
        }
        if (fabs(ysum - 1.0) > 1e-5) ok = false;
      }
    CHECK(ok, "softmax [%lld, %lld, %lld]", (long long)outer, (long long)len, (long long)inner);
    gfree(x, "sm x");
    gfree(y, "sm y");
  }
  const float big[3] = {1000.0f, 1000.0f, -1000.0f};
  float out[3];
  oar_ref_softmax_f32(big, out, 1, 3, 1);
  CHECK(out[0] == 0.5f && out[1] == 0.5f && out[2] == 0.0f, "softmax of [1000, 1000, -1000]: %g %g %g",
        out[0], out[1], out[2]);
}

static void test_mean(void) {
  printf("mean: small case, long sum, empty -> NaN\n");
  const float x[4] = {1, 2, 3, 4.5f};
  CHECK(oar_ref_mean_f32(x, 4) == 2.625f, "mean of 1 2 3 4.5");
  float *big = gfloats(100000);
  for (int i = 0; i < 100000; i++) big[i] = 0.1f;
  CHECK(fabsf(oar_ref_mean_f32(big, 100000) - 0.1f) < 1e-7f, "mean of 100000 x 0.1");
  gfree(big, "mean big");
  CHECK(isnan(oar_ref_mean_f32(x, 0)), "mean of nothing is NaN");
}

static void test_cast(void) {
  printf(
      "cast: float to ints/bool (Paddle 3.3 values incl. NaN and out of range), ints to float, bool bytes\n");
  const float f[9] = {300.0f, -3.7f, 3.7f, NAN, 1e10f, -1e10f, 255.9f, -1.5f, 0.5f};
  uint8_t u8[9];
  int8_t i8[9];
  int32_t i32[9];
  int64_t i64[9];
  uint8_t b[9];
  CHECK(oar_ref_cast(OAR_DTYPE_FLOAT32, f, OAR_DTYPE_UINT8, u8, 9), "float32 -> uint8 supported");
  const uint8_t u8_want[9] = {44, 253, 3, 0, 0, 0, 255, 255, 0};
  CHECK(memcmp(u8, u8_want, 9) == 0, "float32 -> uint8: %u %u %u %u %u %u %u %u %u", u8[0], u8[1], u8[2],
        u8[3], u8[4], u8[5], u8[6], u8[7], u8[8]);
  oar_ref_cast(OAR_DTYPE_FLOAT32, f, OAR_DTYPE_INT8, i8, 9);
  const int8_t i8_want[9] = {44, -3, 3, 0, 0, 0, -1, -1, 0};
  CHECK(memcmp(i8, i8_want, 9) == 0, "float32 -> int8");
  oar_ref_cast(OAR_DTYPE_FLOAT32, f, OAR_DTYPE_INT32, i32, 9);
  const int32_t i32_want[9] = {300, -3, 3, INT32_MIN, INT32_MIN, INT32_MIN, 255, -1, 0};
  CHECK(memcmp(i32, i32_want, sizeof i32) == 0, "float32 -> int32");
  oar_ref_cast(OAR_DTYPE_FLOAT32, f, OAR_DTYPE_INT64, i64, 9);
  const int64_t i64_want[9] = {300, -3, 3, INT64_MIN, 10000000000, -10000000000, 255, -1, 0};
  CHECK(memcmp(i64, i64_want, sizeof i64) == 0, "float32 -> int64");
  oar_ref_cast(OAR_DTYPE_FLOAT32, f, OAR_DTYPE_BOOL, b, 9);
  bool all_true = true;
  for (int i = 0; i < 9; i++) all_true = all_true && b[i] == 1;
  CHECK(all_true, "float32 -> bool: every value here (NaN included) is true");
  const float z[2] = {0.0f, -0.0f};
  oar_ref_cast(OAR_DTYPE_FLOAT32, z, OAR_DTYPE_BOOL, b, 2);
  CHECK(b[0] == 0 && b[1] == 0, "0 and -0 -> false");

  const int64_t big = (INT64_C(1) << 53) + 1;
  float fo;
  double dout;
  oar_ref_cast(OAR_DTYPE_INT64, &big, OAR_DTYPE_FLOAT32, &fo, 1);
  oar_ref_cast(OAR_DTYPE_INT64, &big, OAR_DTYPE_FLOAT64, &dout, 1);
  CHECK(fo == 9007199254740992.0f && dout == 9007199254740992.0,
        "int64 2^53+1 -> float32/float64 rounds once");
  const uint8_t bools[3] = {0, 1, 7};
  float bf[3];
  int64_t bl[3];
  oar_ref_cast(OAR_DTYPE_BOOL, bools, OAR_DTYPE_FLOAT32, bf, 3);
  oar_ref_cast(OAR_DTYPE_BOOL, bools, OAR_DTYPE_INT64, bl, 3);
  CHECK(bf[0] == 0 && bf[1] == 1 && bf[2] == 1 && bl[2] == 1, "bool byte 7 reads as 1");
  const int32_t neg[2] = {-1, 256};
  uint8_t nu[2];
  oar_ref_cast(OAR_DTYPE_INT32, neg, OAR_DTYPE_UINT8, nu, 2);
  CHECK(nu[0] == 255 && nu[1] == 0, "int32 -> uint8 wraps");
  const double d[2] = {2.5, -1e300};
  float df[2];
  oar_ref_cast(OAR_DTYPE_FLOAT64, d, OAR_DTYPE_FLOAT32, df, 2);
  CHECK(df[0] == 2.5f && isinf(df[1]) && df[1] < 0, "float64 -> float32 (overflow to -inf)");
  CHECK(!oar_ref_cast(OAR_DTYPE_FLOAT16, f, OAR_DTYPE_FLOAT32, df, 1), "float16 source is refused");
  CHECK(!oar_ref_cast(OAR_DTYPE_FLOAT32, f, OAR_DTYPE_INT16, df, 1), "int16 destination is refused");
}

int main(void) {
  test_conv_hand();
  test_conv_sweep();
  test_depthwise_vs_per_channel();
  test_batch_norm();
  test_pool_hand();
  test_pool_sweep();
  test_activations();
  test_elementwise_broadcast();
  test_elementwise_ints();
  test_gemm();
  test_matmul_batched();
  test_fc();
  test_scale();
  test_softmax();
  test_mean();
  test_cast();
  printf("%d checks, %d failures\n", g_checks, g_failures);
  return g_failures ? 1 : 0;
}
