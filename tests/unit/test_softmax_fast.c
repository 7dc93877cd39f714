/* The table's softmax kernel (kernels/generic/f32_simple_impl.h, compiled
 * per ISA level; AVX-512's contiguous vectors on intrinsics,
 * kernels/x86/avx512/f32_vact__avx512.c) against the reference softmax_ext (kernels/ref/reduce.c,
 * sums and exp in double), softmax and log_softmax, over the last axis
 * (cols = 1) and across interleaved vectors (an inner axis), on every ISA
 * level the host supports: lengths around the 16-lane blocks and the
 * 256-element partial sums (tails), 1 to 64 interleaved vectors with a
 * larger stride, inputs spanning [-40, 40] and rows where most terms
 * underflow. Then whole tensors [outer, n, inner] through
 * oar_softmax_f32 (kernels/generic/softmax.c: tasks per outer index and
 * tile of 64 vectors) on 1 and 2 threads, inner 1, around the tile and
 * past it, large enough to be split.
 *
 * Tolerance policy: exp is <= 2 ulp and the sums are in double; the
 * shifted input d = x - max is rounded to float (the reference keeps it
 * in double), which exp turns into a relative error of |d| * 2^-24. So
 * each softmax output must be within (4 + |d| / 2) float ulps of the
 * reference, relative (~4.8e-7 for the largest outputs), or 1e-30
 * absolute (outputs the polynomial flushes to 0 where expf is
 * subnormal); log_softmax within 4 ulps of max(1, |y|). The exp polynomial itself is checked
 * against exp() in double over a dense sweep of [-87, 0]: <= 2 ulp. NaN
 * in a vector makes its outputs NaN, as in the reference. Outputs carry
 * guard words. */
#include "test_gemm_harness.h"

#include "kernels/generic/f32_simple_impl.h"
#include "kernels/generic/softmax.h"
#include "kernels/ref/reduce.h"

static void check_exp(void) {
  double worst = 0.0;
  for (float x = -87.0f; x <= 0.0f; x += 0.0007f) {
    const double want = exp((double)x), got = (double)simple_exp_nonpos(x);
    const double ulps = fabs(got - want) / (ldexp(1.0, -23) * want);
    if (ulps > worst) worst = ulps;
  }
  CHECK(worst <= 2.0, "exp polynomial: %.2f ulp, expected <= 2", worst);
  CHECK(simple_exp_nonpos(-100.0f) == 0.0f && simple_exp_nonpos(0.0f) == 1.0f &&
            isnan(simple_exp_nonpos(NAN)) && simple_exp_nonpos(-INFINITY) == 0.0f,
        "exp polynomial: exp(-100) %g exp(0) %g exp(nan) %g exp(-inf) %g", (double)simple_exp_nonpos(-100.0f),
        (double)simple_exp_nonpos(0.0f), (double)simple_exp_nonpos(NAN),
        (double)simple_exp_nonpos(-INFINITY));
}

static void run_case(const oar_f32_kernels *kr, size_t n, size_t stride, size_t cols, bool take_log,
                     float range, int with_nan) {
  const size_t total = n * stride;
  float *x = malloc(total * sizeof *x), *want = malloc(total * sizeof *want);
  guard_buf gy;
  float *y = guard_alloc(&gy, total);
  for (size_t i = 0; i < total; i++) {
    x[i] = rnd_unit() * range;
    y[i] = 12345.0f; /* elements past cols must stay */
  }
  if (with_nan) x[(rnd() % n) * stride + rnd() % cols] = NAN;
  /* The reference on the same vectors: [n, stride] with inner = stride,
   * of which the first cols columns count. */
  oar_ref_softmax_ext_f32(take_log ? 1 : 0, x, want, 1, (int64_t)n, (int64_t)stride);
  kr->softmax(x, y, n, stride, cols, take_log);
  float mx[64];
  for (size_t c = 0; c < cols; c++) {
    mx[c] = x[c];
    for (size_t k = 1; k < n; k++) mx[c] = x[k * stride + c] > mx[c] ? x[k * stride + c] : mx[c];
  }
  size_t bad = 0, at = 0;
  for (size_t k = 0; k < n; k++)
    for (size_t c = 0; c < stride; c++) {
      const size_t i = k * stride + c;
      bool ok;
      if (c >= cols)
        ok = y[i] == 12345.0f;
      else if (isnan(want[i]))
        ok = isnan(y[i]);
      else if (take_log)
        ok = fabs((double)y[i] - (double)want[i]) <= 4.0 * ldexp(1.0, -23) * fmax(1.0, fabs((double)want[i]));
      else
        ok = fabs((double)y[i] - (double)want[i]) <=
             fmax((4.0 + fabs((double)x[i] - mx[c]) / 2) * ldexp(1.0, -23) * fabs((double)want[i]), 1e-30);
      if (!ok) {
        if (!bad) at = i;
        bad++;
      }
    }
  CHECK(bad == 0 && guard_intact(&gy),
        "%s %s n %zu stride %zu cols %zu range %g nan %d: %zu bad, first [%zu] got %.9g want %.9g (or guard)",
        oar_isa_name(kr->isa), take_log ? "log_softmax" : "softmax", n, stride, cols, (double)range, with_nan,
        bad, at, (double)y[at], (double)want[at]);
  free(x);
  free(want);
  guard_free(&gy);
}

static void sweep(const oar_f32_kernels *kr) {
  const size_t lens[] = {1, 2, 15, 16, 17, 31, 33, 255, 256, 257, 511, 1000, 6625};
  for (size_t li = 0; li < sizeof lens / sizeof *lens; li++)
    for (int lg = 0; lg < 2; lg++) {
      run_case(kr, lens[li], 1, 1, lg, 8.0f, 0);
      run_case(kr, lens[li], 1, 1, lg, 40.0f, 0);
      run_case(kr, lens[li], 1, 1, lg, 200.0f, 0); /* most terms underflow */
      run_case(kr, lens[li], 1, 1, lg, 8.0f, 1);
    }
  for (int t = 0; t < 200; t++) {
    const size_t n = 1 + rnd() % 300, cols = 1 + rnd() % 64, stride = cols + rnd() % 5;
    run_case(kr, n, stride, cols, rnd() % 2, (float)(1 + rnd() % 40), rnd() % 10 == 0);
  }
}

/* Whole tensors, split over the pool, against the reference (same
 * tolerance policy, the shifted input bounded by the row's span). */
static void sweep_tensor(const oar_f32_kernels *kr, int threads) {
  const size_t inners[] = {1, 3, 64, 65, 130};
  for (size_t ii = 0; ii < sizeof inners / sizeof *inners; ii++)
    for (int t = 0; t < 6; t++) {
      const size_t inner = inners[ii], outer = 1 + rnd() % 40, n = 1 + rnd() % (t < 3 ? 40 : 700);
      const bool take_log = t % 2;
      const size_t total = outer * n * inner;
      float *x = malloc(total * sizeof *x), *want = malloc(total * sizeof *want);
      guard_buf gy;
      float *y = guard_alloc(&gy, total);
      for (size_t i = 0; i < total; i++) x[i] = rnd_unit() * 8.0f;
      oar_ref_softmax_ext_f32(take_log, x, want, (int64_t)outer, (int64_t)n, (int64_t)inner);
      oar_softmax_f32(kr, x, y, outer, n, inner, take_log);
      /* |x - max| <= 16: (4 + 8) ulps relative, or 4 ulps of max(1, |y|). */
      size_t bad = 0, at = 0;
      for (size_t i = 0; i < total; i++) {
        const double d = fabs((double)y[i] - (double)want[i]);
        const double tol = take_log ? 4.0 * ldexp(1.0, -23) * fmax(1.0, fabs((double)want[i]))
                                    : 12.0 * ldexp(1.0, -23) * fabs((double)want[i]);
        if (!(d <= tol)) {
          if (!bad) at = i;
          bad++;
        }
      }
      CHECK(bad == 0 && guard_intact(&gy),
            "%s threads %d %s [%zu, %zu, %zu]: %zu bad, first [%zu] got %.9g want %.9g (or guard)",
            oar_isa_name(kr->isa), threads, take_log ? "log_softmax" : "softmax", outer, n, inner, bad, at,
            (double)y[at], (double)want[at]);
      free(x);
      free(want);
      guard_free(&gy);
    }
}

int main(void) {
  check_exp();
  for (int isa = OAR_ISA_GENERIC; isa < OAR_ISA_COUNT; isa++) {
    const oar_f32_kernels *kr = kernels_or_skip((oar_isa)isa, "test_softmax_fast");
    if (kr) sweep(kr);
  }
  if (harness_each_table_and_threads("test_softmax_fast", sweep_tensor)) return 1;
  return harness_finish("test_softmax_fast");
}
