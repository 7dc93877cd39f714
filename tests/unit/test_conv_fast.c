/* The fast NCHW convolution (kernels/generic/conv_gemm.c: 1x1 GEMM,
 * im2col GEMM, GEMV and depthwise paths, on every ISA level the host
 * supports, 1 and 2 threads) against the reference convolution
 * (kernels/ref/conv.c), with bias, residual and fused activations.
 *
 * Shapes sweep kernel sizes 1 to 7, strides 1 to 3, paddings, dilations,
 * groups (1, 2, depthwise with multiplier 1 and 2), channel counts around
 * the register tile and odd image sizes, batch 1 and 3; the filter is
 * pre-packed or packed on the fly.
 *
 * Tolerance policy: small-integer inputs make every sum exact, so outputs
 * must equal the reference bit for bit, except with hard_swish (a
 * division: 1 ulp of the output). Outputs carry guard words; inputs sit
 * against an inaccessible page. */
#include "test_gemm_harness.h"

#include "kernels/generic/conv_gemm.h"
#include "kernels/ref/activation.h"
#include "kernels/ref/conv.h"
#include "kernels/ref/pool.h"

typedef struct conv_case {
  int64_t batch, c, h, w, oc, kh, kw, stride, pad_t, pad_l, dil, groups;
  int bias, residual, act; /* act: 0 none, 1 relu (clamp), 2 relu6 (clamp), 3 hard_swish (post) */
} conv_case;

static void out_size(conv_case *c, int64_t *oh, int64_t *ow) {
  *oh = (c->h + 2 * c->pad_t - (c->dil * (c->kh - 1) + 1)) / c->stride + 1;
  *ow = (c->w + 2 * c->pad_l - (c->dil * (c->kw - 1) + 1)) / c->stride + 1;
}

static void run_conv_case(const oar_f32_kernels *kr, int threads, conv_case *cc, int prepack) {
  int64_t oh, ow;
  out_size(cc, &oh, &ow);
  if (oh <= 0 || ow <= 0) return;
  const oar_conv2d_params p = {.batch = cc->batch,
                               .in_c = cc->c,
                               .in_h = cc->h,
                               .in_w = cc->w,
                               .out_c = cc->oc,
                               .out_h = oh,
                               .out_w = ow,
                               .kernel_h = cc->kh,
                               .kernel_w = cc->kw,
                               .stride_h = cc->stride,
                               .stride_w = cc->stride,
                               .pad_top = cc->pad_t,
                               .pad_left = cc->pad_l,
                               .dilation_h = cc->dil,
                               .dilation_w = cc->dil,
                               .groups = cc->groups};
  const size_t xs = (size_t)(p.batch * p.in_c * p.in_h * p.in_w);
  const size_t ws = (size_t)(p.out_c * (p.in_c / p.groups) * p.kernel_h * p.kernel_w);
  const size_t ys = (size_t)(p.batch * p.out_c * oh * ow);
  page_buf px, pw, pb, pr;
  float *x = page_alloc(&px, xs), *w = page_alloc(&pw, ws), *bias = page_alloc(&pb, (size_t)p.out_c);
  float *res = page_alloc(&pr, ys);
  for (size_t i = 0; i < xs; i++) x[i] = rnd_small();
  for (size_t i = 0; i < ws; i++) w[i] = rnd_small();
  for (int64_t i = 0; i < p.out_c; i++) bias[i] = rnd_small();
  for (size_t i = 0; i < ys; i++) res[i] = rnd_small();

  float *want = malloc((ys + 1) * sizeof *want);
  oar_ref_conv2d_f32(&p, x, w, cc->bias ? bias : NULL, cc->residual ? res : NULL, want);
  oar_act_params act = {.kind = OAR_ACT_RELU};
  float lo = -INFINITY, hi = INFINITY;
  const oar_act_params *post = NULL;
  if (cc->act == 1) {
    act.kind = OAR_ACT_RELU;
    lo = 0.0f;
  } else if (cc->act == 2) {
    act = (oar_act_params){.kind = OAR_ACT_RELU6, .threshold = 6.0f};
    lo = 0.0f;
    hi = 6.0f;
  } else if (cc->act == 3) {
    act = (oar_act_params){.kind = OAR_ACT_HARD_SWISH, .threshold = 6.0f, .scale = 6.0f, .offset = 3.0f};
    post = &act;
  }
  if (cc->act) oar_ref_activation_f32(&act, want, want, (int64_t)ys);

  oar_conv_gemm c;
  oar_conv_gemm_init(&c, &p, kr, threads);
  float *packed = NULL;
  const size_t pf = oar_conv_packed_filter_floats(&c);
  if (prepack && pf > 0) {
    packed = malloc(pf * sizeof *packed);
    oar_conv_pack_filter(&c, w, packed);
    c.packed_filter = packed;
  }
  void *work = c.workspace_bytes ? harness_aligned_alloc((c.workspace_bytes + 63) / 64 * 64) : NULL;
  guard_buf gy;
  float *y = guard_alloc(&gy, ys);
  oar_conv_gemm_run(&c, x, w, cc->bias ? bias : NULL, cc->residual ? res : NULL, lo, hi, post, y, work);

  size_t bad = 0, at = 0;
  for (size_t i = 0; i < ys; i++) {
    const double tol = cc->act == 3 ? 2.0 * (FLT_EPSILON / 2) * fmax(1.0, fabs((double)want[i])) : 0.0;
    if (!(fabs((double)y[i] - (double)want[i]) <= tol)) {
      if (!bad) at = i;
      bad++;
    }
  }
  CHECK(bad == 0,
        "%s threads %d %s: conv b%lld c%lld %lldx%lld -> oc%lld %lldx%lld k%lldx%lld s%lld p%lld,%lld d%lld "
        "g%lld bias %d res %d act %d (algo %d): %zu bad, first [%zu] got %.9g want %.9g",
        oar_isa_name(kr->isa), threads, prepack ? "packed" : "unpacked", (long long)p.batch,
        (long long)p.in_c, (long long)p.in_h, (long long)p.in_w, (long long)p.out_c, (long long)oh,
        (long long)ow, (long long)p.kernel_h, (long long)p.kernel_w, (long long)cc->stride,
        (long long)cc->pad_t, (long long)cc->pad_l, (long long)cc->dil, (long long)p.groups, cc->bias,
        cc->residual, cc->act, (int)c.algo, bad, at, (double)y[at], (double)want[at]);
  CHECK(guard_intact(&gy), "%s: conv wrote outside its output", oar_isa_name(kr->isa));
  harness_aligned_free(work);
  free(packed);
  free(want);
  guard_free(&gy);
  page_free(&px);
  page_free(&pw);
  page_free(&pb);
  page_free(&pr);
}

static void sweep(const oar_f32_kernels *kr, int threads) {
  const int64_t mr = (int64_t)kr->mr, nr = (int64_t)kr->nr;
  conv_case cases[] = {
      /* Small images with whole vectors of channels: pixel-major. */
      {1, 16, 7, 7, 2 * nr, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
      {2, 24, 7, 7, nr, 1, 1, 1, 0, 0, 1, 1, 1, 1, 3},
      {1, 8, 14, 14, nr, 1, 1, 2, 0, 0, 1, 1, 1, 0, 2},
      {1, 5, 9, 9, 3 * nr, 3, 3, 2, 1, 1, 1, 1, 0, 1, 0},
      {1, 12, 5, 6, 2 * nr, 3, 3, 1, 1, 1, 1, 2, 1, 1, 1},
      /* 1x1: the image is B as it is (and strided/padded 1x1 via im2col). */
      {1, 16, 9, 11, 2 * mr + 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1},
      {1, 3, 56, 56, mr, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0},
      {3, 5, 7, 7, mr - 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 2},
      {1, 24, 14, 14, 37, 1, 1, 2, 0, 0, 1, 1, 1, 1, 1},
      {1, 8, 5, 5, 7, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0},
      /* GEMV: 1x1 image. */
      {1, 40, 1, 1, 33, 1, 1, 1, 0, 0, 1, 1, 1, 1, 3},
      {2, 17, 1, 1, 5, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1},
      /* 3x3 and larger, strides, paddings, dilations. */
      {1, 4, 8, 8, mr + 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
      {1, 7, 13, 11, 2 * mr + 3, 3, 3, 2, 1, 1, 1, 1, 1, 0, 2},
      {2, 5, 7, 7, 9, 3, 3, 1, 0, 0, 1, 1, 0, 1, 0},
      {1, 3, 23, 21, 16, 7, 7, 2, 3, 3, 1, 1, 1, 0, 1},
      {1, 6, 10, 12, 8, 5, 3, 3, 2, 1, 1, 1, 1, 1, 3},
      {1, 4, 12, 12, 6, 3, 3, 1, 2, 2, 2, 1, 1, 0, 0},
      {1, 2, 6, 40, 5, 3, 3, 1, 1, 1, 1, 1, 0, 0, 0},
      {1, 64, 7, 7, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
      {1, 300, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0},
      /* Grouped. */
      {1, 8, 9, 9, 12, 3, 3, 1, 1, 1, 1, 2, 1, 1, 1},
      {2, 6, 6, 5, 9, 1, 1, 1, 0, 0, 1, 3, 1, 0, 0},
      /* Depthwise (multiplier 1 and 2), MobileNet-like and odd. */
      {1, 16, 14, 14, 16, 3, 3, 1, 1, 1, 1, 16, 1, 0, 2},
      {1, 16, 15, 13, 16, 3, 3, 2, 1, 1, 1, 16, 1, 1, 1},
      {2, 5, 9, 17, 5, 5, 5, 2, 2, 2, 1, 5, 1, 0, 3},
      {1, 4, 7, 7, 8, 3, 3, 1, 1, 1, 1, 4, 0, 1, 0},
      {1, 3, 11, 11, 3, 3, 3, 1, 2, 2, 2, 3, 1, 0, 0},
      {1, 8, 70, 3, 8, 3, 3, 1, 0, 0, 1, 8, 1, 0, 1},
      {1, 2, 1, 1, 2, 3, 3, 1, 1, 1, 1, 2, 1, 1, 2},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    run_conv_case(kr, threads, &cases[i], 1);
    run_conv_case(kr, threads, &cases[i], 0);
  }
  /* A random sweep of small convolutions. */
  for (int t = 0; t < 200; t++) {
    conv_case c = {
        .batch = 1 + rnd() % 2,
        .kh = 1 + rnd() % 4,
        .kw = 1 + rnd() % 4,
        .stride = 1 + rnd() % 3,
        .dil = 1 + rnd() % 2,
        .h = 1 + rnd() % 12,
        .w = 1 + rnd() % 12,
        .bias = (int)(rnd() % 2),
        .residual = (int)(rnd() % 2),
        .act = (int)(rnd() % 4),
    };
    c.pad_t = rnd() % (c.kh > 1 ? c.kh : 1);
    c.pad_l = rnd() % (c.kw > 1 ? c.kw : 1);
    const int dw = rnd() % 3 == 0;
    c.groups = dw ? 1 + rnd() % 6 : 1 + rnd() % 2;
    c.c = c.groups * (dw ? 1 : 1 + rnd() % 5);
    c.oc = c.groups * (1 + rnd() % (dw ? 2 : 2 * (unsigned)mr + 2));
    run_conv_case(kr, threads, &c, (int)(rnd() % 2));
  }
}

/* The im2col packing from its definition (f32_kernels.h, gemm.h): panel
 * pi of r output pixels at dst + pi*r*kc, depth step kk of it at offset
 * kk*r, element i = pixel j0 + pi*r + i at depth k = k0 + kk, where
 * k = (c*kernel_h + y)*kernel_w + x reads input (c, oy*stride_h - pad_top
 * + y*dilation_h, ox*stride_w - pad_left + x*dilation_w); zero where that
 * falls in the padding and for pixels past `count`. Written apart from
 * every table's packing (they all compile one plain-C body). */
static void naive_pack_im2col(const oar_conv2d_params *p, const float *x, size_t j0, size_t count, size_t k0,
                              size_t kc, size_t r, float *dst) {
  const int64_t ow = p->out_w, kh = p->kernel_h, kw = p->kernel_w;
  const size_t panels = (count + r - 1) / r;
  for (size_t pi = 0; pi < panels; pi++) {
    for (size_t kk = 0; kk < kc; kk++) {
      for (size_t i = 0; i < r; i++) {
        float v = 0.0f;
        if (pi * r + i < count) {
          const int64_t j = (int64_t)(j0 + pi * r + i), k = (int64_t)(k0 + kk);
          const int64_t c = k / (kh * kw), y = k / kw % kh, xx = k % kw;
          const int64_t iy = j / ow * p->stride_h - p->pad_top + y * p->dilation_h;
          const int64_t ix = j % ow * p->stride_w - p->pad_left + xx * p->dilation_w;
          if (iy >= 0 && iy < p->in_h && ix >= 0 && ix < p->in_w) v = x[(c * p->in_h + iy) * p->in_w + ix];
        }
        dst[(pi * kc + kk) * r + i] = v;
      }
    }
  }
}

/* The table's im2col packings (B side: panels of nr output pixels; A side
 * of the pixel-major convolution: panels of mr) against the naive packing
 * above, bit for bit (a copy), over random images, strides 1 to 3,
 * dilations, paddings, and slices of pixels and depth that start and end
 * inside panels and output rows. The image sits against an inaccessible
 * page; the output is filled with NaN first, so every float must be
 * written. */
static void sweep_pack_im2col(const oar_f32_kernels *kr) {
  for (int t = 0; t < 400; t++) {
    oar_conv2d_params p = {.batch = 1, .groups = 1};
    p.in_c = 1 + rnd() % 4;
    p.in_h = 1 + rnd() % 20;
    p.in_w = 1 + rnd() % (t % 4 == 0 ? 70 : 20);
    p.kernel_h = 1 + rnd() % 7;
    p.kernel_w = 1 + rnd() % 7;
    p.stride_h = 1 + rnd() % 3;
    p.stride_w = 1 + rnd() % 3;
    p.dilation_h = 1 + rnd() % 2;
    p.dilation_w = 1 + rnd() % 2;
    p.pad_top = rnd() % (p.kernel_h + 1);
    p.pad_left = rnd() % (p.kernel_w + 1);
    const int64_t eh = p.dilation_h * (p.kernel_h - 1) + 1, ew = p.dilation_w * (p.kernel_w - 1) + 1;
    p.out_h = (p.in_h + 2 * p.pad_top - eh) / p.stride_h + 1;
    p.out_w = (p.in_w + 2 * p.pad_left - ew) / p.stride_w + 1;
    if (p.in_h + 2 * p.pad_top < eh || p.in_w + 2 * p.pad_left < ew) continue;
    p.out_c = 1;
    const size_t n = (size_t)(p.out_h * p.out_w), k = (size_t)(p.in_c * p.kernel_h * p.kernel_w);
    const size_t j0 = rnd() % n, count = 1 + rnd() % (n - j0), k0 = rnd() % k, kc = 1 + rnd() % (k - k0);
    page_buf px;
    float *x = page_alloc(&px, (size_t)(p.in_c * p.in_h * p.in_w));
    for (size_t i = 0; i < (size_t)(p.in_c * p.in_h * p.in_w); i++) x[i] = rnd_unit();
    const oar_im2col_src src = {.p = &p, .x = x};
    for (int side = 0; side < 2; side++) {
      const size_t r = side == 0 ? kr->nr : kr->mr, floats = (count + r - 1) / r * r * kc;
      const oar_gemm_pack_fn pack = side == 0 ? kr->pack_im2col : kr->pack_rows_im2col;
      float *want = malloc(floats * sizeof *want), *got = malloc(floats * sizeof *got);
      CHECK(want && got, "pack_im2col: out of memory");
      if (want && got) {
        for (size_t i = 0; i < floats; i++) got[i] = NAN;
        naive_pack_im2col(&p, x, j0, count, k0, kc, r, want);
        pack(&src, j0, count, k0, kc, r, got);
        size_t bad = floats;
        for (size_t i = 0; i < floats && bad == floats; i++)
          if (memcmp(&want[i], &got[i], sizeof(float)) != 0) bad = i;
        CHECK(bad == floats,
              "%s %s: %lldx%lldx%lld k%lldx%lld s%lld,%lld d%lld,%lld p%lld,%lld pixels [%zu,+%zu) "
              "depth [%zu,+%zu) r %zu: float %zu is %.9g, expected %.9g",
              oar_isa_name(kr->isa), side == 0 ? "pack_im2col" : "pack_rows_im2col", (long long)p.in_c,
              (long long)p.in_h, (long long)p.in_w, (long long)p.kernel_h, (long long)p.kernel_w,
              (long long)p.stride_h, (long long)p.stride_w, (long long)p.dilation_h, (long long)p.dilation_w,
              (long long)p.pad_top, (long long)p.pad_left, j0, count, k0, kc, r, bad,
              bad < floats ? (double)got[bad] : 0.0, bad < floats ? (double)want[bad] : 0.0);
      }
      free(want);
      free(got);
    }
    page_free(&px);
  }
}

/* The table's max pooling (when the level has one) against the reference,
 * bit for bit: random images with NaNs and signed zeros among the values,
 * kernels 1 to 5, strides 1 to 3, paddings up to the kernel size, rows
 * long enough for several vectors and a tail. */
static void sweep_maxpool(const oar_f32_kernels *kr) {
  if (!kr->maxpool2d) return;
  for (int t = 0; t < 300; t++) {
    oar_pool2d_params p = {.batch = 1 + rnd() % 2, .channels = 1 + rnd() % 3, .is_max = true};
    p.in_h = 1 + rnd() % 12;
    p.in_w = 1 + rnd() % (t % 3 == 0 ? 60 : 20);
    p.kernel_h = 1 + rnd() % 5;
    p.kernel_w = 1 + rnd() % 5;
    p.stride_h = 1 + rnd() % 3;
    p.stride_w = 1 + rnd() % 3;
    p.pad_top = rnd() % p.kernel_h;
    p.pad_left = rnd() % p.kernel_w;
    if (p.in_h + 2 * p.pad_top < p.kernel_h || p.in_w + 2 * p.pad_left < p.kernel_w) continue;
    p.out_h = (p.in_h + 2 * p.pad_top - p.kernel_h) / p.stride_h + 1 + (int64_t)(rnd() % 2); /* ceil_mode */
    p.out_w = (p.in_w + 2 * p.pad_left - p.kernel_w) / p.stride_w + 1 + (int64_t)(rnd() % 2);
    const size_t nin = (size_t)(p.batch * p.channels * p.in_h * p.in_w);
    const size_t nout = (size_t)(p.batch * p.channels * p.out_h * p.out_w);
    page_buf px;
    float *x = page_alloc(&px, nin);
    for (size_t i = 0; i < nin; i++) {
      const uint32_t r = rnd() % 40;
      x[i] = r == 0 ? NAN : r == 1 ? -0.0f : r == 2 ? 0.0f : rnd_small();
    }
    float *want = malloc(nout * sizeof *want);
    guard_buf gy;
    float *got = guard_alloc(&gy, nout);
    CHECK(want && got, "maxpool: out of memory");
    if (want && got) {
      oar_ref_pool2d_f32(&p, x, want);
      kr->maxpool2d(&p, x, got);
      size_t bad = nout;
      for (size_t i = 0; i < nout && bad == nout; i++)
        if (memcmp(&want[i], &got[i], sizeof(float)) != 0) bad = i;
      CHECK(bad == nout && guard_intact(&gy),
            "%s maxpool2d: %lldx%lldx%lldx%lld k%lldx%lld s%lld,%lld p%lld,%lld -> %lldx%lld: output %zu "
            "differs or guard overwritten",
            oar_isa_name(kr->isa), (long long)p.batch, (long long)p.channels, (long long)p.in_h,
            (long long)p.in_w, (long long)p.kernel_h, (long long)p.kernel_w, (long long)p.stride_h,
            (long long)p.stride_w, (long long)p.pad_top, (long long)p.pad_left, (long long)p.out_h,
            (long long)p.out_w, bad);
    }
    free(want);
    guard_free(&gy);
    page_free(&px);
  }
}

int main(void) {
  for (int isa = OAR_ISA_GENERIC; isa < OAR_ISA_COUNT; isa++) {
    const oar_f32_kernels *kr = kernels_or_skip((oar_isa)isa, "test_conv_fast");
    if (!kr) continue;
    printf("== %s\n", oar_isa_name(kr->isa));
    sweep_pack_im2col(kr);
    sweep_maxpool(kr);
    for (int threads = 1; threads <= 2; threads++) {
      oar_threadpool *pool = NULL;
      if (oar_threadpool_create(threads, &pool, NULL) != OAR_OK) return 1;
      oar_threadpool_set_current(pool);
      sweep(kr, threads);
      oar_threadpool_set_current(NULL);
      oar_threadpool_destroy(pool);
    }
  }
  return harness_finish("test_conv_fast");
}
