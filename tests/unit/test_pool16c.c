/* Pooling on the blocked NCHW16c layout (kernels/generic/pool16c.c and
 * the table's pool16c kernel) against the reference pooling
 * (kernels/ref/pool.c): random NCHW images converted to NCHW16c, pooled,
 * converted back.
 *
 * Shapes: a random sweep of channels 1 to 70, images 1 to 23 per side,
 * kernels 1 to 5, strides 1 to 3, paddings 0 to 2, ceil-mode outputs (one
 * more window, possibly empty), max / exclusive average / non-exclusive
 * average / adaptive, batch 1 and 2; global average pools (adaptive to
 * 1x1 and kernel = image); ResNet/MobileNet-sized layers. 1 and 2 threads.
 *
 * Tolerance policy: none. The kernel walks each window in the reference's
 * order with the same operations, so every real channel must equal the
 * reference bit for bit (NaNs and signed zeros among the max inputs), and
 * the padding channels must be exactly 0. The blocked input sits against
 * an inaccessible page; the output carries guard words. */
#include "test_gemm_harness.h"

#include "kernels/generic/conv16c.h"
#include "kernels/generic/pool16c.h"
#include "kernels/ref/pool.h"

static int g_cases;

static const char *kind_name(const oar_pool2d_params *p) {
  if (p->adaptive) return p->is_max ? "adaptive max" : "adaptive avg";
  if (p->is_max) return "max";
  return p->exclusive ? "avg exclusive" : "avg";
}

static void run_case(const oar_f32_kernels *kr, int threads, const oar_pool2d_params *p) {
  CHECK(oar_pool16c_supported(p, kr), "%s: pool16c unsupported", oar_isa_name(kr->isa));
  if (!oar_pool16c_supported(p, kr)) return;
  g_cases++;
  const size_t cb = oar_blocks16((size_t)p->channels), hw_in = (size_t)(p->in_h * p->in_w),
               hw_out = (size_t)(p->out_h * p->out_w), nb = (size_t)p->batch;
  const size_t xs = nb * (size_t)p->channels * hw_in, ys = nb * (size_t)p->channels * hw_out;
  float *x = malloc(xs * sizeof *x), *want = malloc(ys * sizeof *want), *got = malloc(ys * sizeof *got);
  page_buf pxb;
  float *xb = page_alloc(&pxb, nb * cb * 16 * hw_in);
  guard_buf gy;
  float *yb = guard_alloc(&gy, nb * cb * 16 * hw_out);
  if (!x || !want || !got) {
    CHECK(0, "pool16c: out of memory");
    goto done;
  }
  for (size_t i = 0; i < xs; i++) {
    const uint32_t r = rnd() % 40;
    x[i] = !p->is_max ? rnd_unit() : r == 0 ? NAN : r == 1 ? -0.0f : r == 2 ? 0.0f : rnd_unit();
  }
  oar_nchw_to_nchw16c(x, nb, (size_t)p->channels, hw_in, xb);
  oar_ref_pool2d_f32(p, x, want);
  oar_pool16c_run(p, kr, threads, xb, yb);
  oar_nchw16c_to_nchw(yb, nb, (size_t)p->channels, hw_out, got);
  size_t bad = ys;
  for (size_t i = 0; i < ys && bad == ys; i++)
    if (memcmp(&want[i], &got[i], sizeof(float)) != 0) bad = i;
  size_t nonzero = 0;
  const size_t lanes = (size_t)p->channels - (cb - 1) * 16;
  for (size_t n = 0; n < nb; n++) {
    const float *last = yb + (n * cb + cb - 1) * hw_out * 16;
    for (size_t i = 0; i < hw_out; i++)
      for (size_t l = lanes; l < 16; l++) nonzero += last[i * 16 + l] != 0.0f;
  }
  CHECK(bad == ys && nonzero == 0 && guard_intact(&gy),
        "%s threads %d: pool16c %s b%lld c%lld %lldx%lld -> %lldx%lld k%lldx%lld s%lld,%lld p%lld,%lld: "
        "first difference at %zu of %zu (got %.9g want %.9g), %zu non-zero padding lanes, guard %s",
        oar_isa_name(kr->isa), threads, kind_name(p), (long long)p->batch, (long long)p->channels,
        (long long)p->in_h, (long long)p->in_w, (long long)p->out_h, (long long)p->out_w,
        (long long)p->kernel_h, (long long)p->kernel_w, (long long)p->stride_h, (long long)p->stride_w,
        (long long)p->pad_top, (long long)p->pad_left, bad, ys, bad < ys ? (double)got[bad] : 0.0,
        bad < ys ? (double)want[bad] : 0.0, nonzero, guard_intact(&gy) ? "intact" : "overwritten");
done:
  free(x);
  free(want);
  free(got);
  page_free(&pxb);
  guard_free(&gy);
}

static oar_pool2d_params global_avg(int64_t batch, int64_t c, int64_t h, int64_t w, bool adaptive) {
  oar_pool2d_params p = {.batch = batch, .channels = c, .in_h = h, .in_w = w, .out_h = 1, .out_w = 1};
  p.adaptive = adaptive;
  p.kernel_h = adaptive ? 0 : h;
  p.kernel_w = adaptive ? 0 : w;
  p.stride_h = p.stride_w = 1;
  p.exclusive = true;
  return p;
}

static void sweep(const oar_f32_kernels *kr, int threads) {
  /* ResNet-50 stem max pool, global pools of ResNet-50 and MobileNetV2. */
  const oar_pool2d_params stem = {.batch = 1,
                                  .channels = 64,
                                  .in_h = 112,
                                  .in_w = 112,
                                  .out_h = 56,
                                  .out_w = 56,
                                  .kernel_h = 3,
                                  .kernel_w = 3,
                                  .stride_h = 2,
                                  .stride_w = 2,
                                  .pad_top = 1,
                                  .pad_left = 1,
                                  .is_max = true};
  run_case(kr, threads, &stem);
  oar_pool2d_params g = global_avg(1, 2048, 7, 7, true);
  run_case(kr, threads, &g);
  g = global_avg(2, 1280, 7, 7, false);
  run_case(kr, threads, &g);
  g = global_avg(1, 37, 13, 9, true);
  run_case(kr, threads, &g);
  for (int t = 0; t < 800; t++) {
    oar_pool2d_params p = {.batch = 1 + rnd() % 2, .channels = 1 + rnd() % 70};
    p.in_h = 1 + rnd() % 23;
    p.in_w = 1 + rnd() % 23;
    const uint32_t kind = rnd() % 4;
    p.is_max = kind == 0 || (kind == 3 && rnd() % 2);
    p.exclusive = kind == 1;
    p.adaptive = kind == 3;
    if (p.adaptive) {
      p.out_h = 1 + rnd() % (uint32_t)p.in_h;
      p.out_w = 1 + rnd() % (uint32_t)p.in_w;
      if (rnd() % 4 == 0) p.out_h = p.out_w = 1;
      p.stride_h = p.stride_w = 1;
    } else {
      p.kernel_h = 1 + rnd() % 5;
      p.kernel_w = 1 + rnd() % 5;
      p.stride_h = 1 + rnd() % 3;
      p.stride_w = 1 + rnd() % 3;
      p.pad_top = rnd() % 3;
      p.pad_left = rnd() % 3;
      if (p.in_h + 2 * p.pad_top < p.kernel_h || p.in_w + 2 * p.pad_left < p.kernel_w) continue;
      p.out_h = (p.in_h + 2 * p.pad_top - p.kernel_h) / p.stride_h + 1 + (int64_t)(rnd() % 2); /* ceil_mode */
      p.out_w = (p.in_w + 2 * p.pad_left - p.kernel_w) / p.stride_w + 1 + (int64_t)(rnd() % 2);
    }
    run_case(kr, threads, &p);
  }
}

int main(void) {
  if (oar_cpu_isa_detected() < OAR_ISA_AVX512) {
    char why[128];
    snprintf(why, sizeof why, "this host supports up to %s, no level with pool16c",
             oar_isa_name(oar_cpu_isa_detected()));
    return harness_skip("test_pool16c", why);
  }
  for (int isa = OAR_ISA_GENERIC; isa < OAR_ISA_COUNT; isa++) {
    const oar_f32_kernels *kr = kernels_or_skip((oar_isa)isa, "test_pool16c");
    if (!kr) continue;
    if (!kr->pool16c) {
      const oar_pool2d_params p = global_avg(1, 16, 7, 7, true);
      CHECK(!oar_pool16c_supported(&p, kr), "%s: supported without a kernel", oar_isa_name(kr->isa));
      printf("== %s: no pool16c kernel (supported() is false)\n", oar_isa_name(kr->isa));
      continue;
    }
    for (int threads = 1; threads <= 2; threads++) {
      oar_threadpool *pool = NULL;
      if (oar_threadpool_create(threads, &pool, NULL) != OAR_OK) return 1;
      oar_threadpool_set_current(pool);
      g_cases = 0;
      sweep(kr, threads);
      printf("== %s threads %d: %d poolings checked bit for bit against the reference\n",
             oar_isa_name(kr->isa), threads, g_cases);
      oar_threadpool_set_current(NULL);
      oar_threadpool_destroy(pool);
    }
  }
  return harness_finish("test_pool16c");
}
