/* OAR_PRECISION_BFLOAT16 end to end, through the public API: models of
 * tests/data/models run with a float32 predictor and a bfloat16 one, on
 * the fixture's input, and the outputs compared.
 *
 *   resnet_tiny          blocked NCHW16c convolutions (1x1, 3x3, stride 2,
 *                        residual adds, a bottleneck) and an fc, in bf16
 *   resnet_tiny, NCHW    the same with to_blocked_layout and winograd_conv
 *                        deleted: the GEMM convolutions (im2col, 1x1) in bf16
 *   mnist_fc             two fc layers (softmax probabilities)
 *
 * Tolerance, and why. bf16 keeps 8 significant bits: each operand is
 * rounded with a relative error <= 2^-9, so each product is off by
 * <= ~2^-8 (0.4%) relative, while sums, bias, residual, activations and
 * every tensor between ops stay float32. The rounding errors of a K-term
 * dot product have random signs, so a layer's output moves by roughly
 * 2^-9 * sqrt(2) * sqrt(sum (x*w)^2), a fraction of a percent of its
 * magnitude;
 * through a dozen layers, with batch norm folded in and ReLUs, the
 * network's logits move by well under 1% (measured on resnet_tiny: 0.33%
 * relative L2, 0.25% of the largest logit; mnist_fc's probabilities
 * 0.001). Bounds: relative L2 error <= 1%, every output within 1.5% of the
 * largest |float32 output|; mnist's probabilities within 0.005 absolute
 * (the kernels are deterministic: 3-6x the measured error is the margin
 * for other summation orders, e.g. threads). A wrong kernel (a missing term, a
 * misplaced pair, a lost tile) moves outputs by tens of percent; and the
 * test also requires that the bf16 kernels ran (the profile names them)
 * and that the outputs differ from float32 at all.
 *
 * Also: set_precision(BFLOAT16) is refused with OAR_ERR_UNSUPPORTED under
 * OAR_ISA=avx2 and OAR_ISA=generic, naming the reason; FLOAT32 switches it
 * back off. Skips (exit 77) on a host without AVX512-BF16. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oar/oar.h"
#include "npy.h"
#include "portable.h"

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

/* Runs the model of case `dir` (model.pdmodel, model.pdiparams, in_x.npy)
 * once; the first output's floats into *out (malloc'ed), *n of them.
 * *bf16_kernels counts the profile entries that ran a bf16 kernel. */
static int run_model(const char *dir, int bf16, const char *const *deleted, float **out, size_t *n,
                     int *bf16_kernels) {
  char model[1024], params[1024], input[1024];
  snprintf(model, sizeof model, "%s/model.pdmodel", dir);
  snprintf(params, sizeof params, "%s/model.pdiparams", dir);
  snprintf(input, sizeof input, "%s/in_x.npy", dir);
  oar_npy x;
  char err[256];
  if (oar_npy_read(input, &x, err, sizeof err) != 0) {
    printf("  FAIL: %s\n", err);
    return 0;
  }
  oar_config *config = NULL;
  oar_predictor *pred = NULL;
  int ok = oar_config_create(&config) == OAR_OK && oar_config_set_model(config, model, params) == OAR_OK &&
           oar_config_set_profile(config, 1) == OAR_OK;
  if (ok && bf16) ok = oar_config_set_precision(config, OAR_PRECISION_BFLOAT16) == OAR_OK;
  for (int i = 0; ok && deleted && deleted[i]; i++) ok = oar_config_delete_pass(config, deleted[i]) == OAR_OK;
  if (ok) ok = oar_predictor_create(config, &pred) == OAR_OK;
  const char *in_name = NULL, *out_name = NULL;
  oar_tensor *tin = NULL, *tout = NULL;
  if (ok)
    ok = oar_predictor_input_name(pred, 0, &in_name) == OAR_OK &&
         oar_predictor_get_input(pred, in_name, &tin) == OAR_OK &&
         oar_tensor_reshape(tin, x.rank, x.dims) == OAR_OK &&
         oar_tensor_copy_from_host(tin, OAR_DTYPE_FLOAT32, x.data, x.bytes) == OAR_OK &&
         oar_predictor_run(pred) == OAR_OK && oar_predictor_output_name(pred, 0, &out_name) == OAR_OK &&
         oar_predictor_get_output(pred, out_name, &tout) == OAR_OK;
  if (ok) {
    size_t rank;
    int64_t dims[8];
    ok = oar_tensor_shape(tout, &rank, dims, 8) == OAR_OK;
    *n = 1;
    for (size_t d = 0; ok && d < rank; d++) *n *= (size_t)dims[d];
    *out = malloc(*n * sizeof **out);
    ok = ok && *out && oar_tensor_copy_to_host(tout, *out, *n * sizeof **out) == OAR_OK;
  }
  if (ok) {
    size_t count;
    uint64_t runs;
    *bf16_kernels = 0;
    ok = oar_predictor_profile_count(pred, &count, &runs) == OAR_OK;
    for (size_t i = 0; ok && i < count; i++) {
      const char *node, *kernel;
      double s;
      ok = oar_predictor_profile_entry(pred, i, &node, &kernel, &s) == OAR_OK;
      if (ok && strstr(kernel, "bf16")) ++*bf16_kernels;
    }
  }
  if (!ok) printf("  FAIL: %s (%s): %s\n", dir, bf16 ? "bf16" : "fp32", oar_last_error());
  oar_predictor_destroy(pred);
  oar_config_destroy(config);
  oar_npy_free(&x);
  return ok;
}

/* float32 against bfloat16 on one model; max_rel: bound on every output
 * relative to the largest |float32 output| (or absolute when abs_bound). */
static void compare_model(const char *data, const char *name, const char *const *deleted, double max_rel,
                          double max_l2, int abs_bound, int min_bf16_kernels) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/models/%s", data, name);
  float *a = NULL, *b = NULL;
  size_t na = 0, nb = 0;
  int ka = 0, kb = 0;
  const int ok = run_model(dir, 0, deleted, &a, &na, &ka) && run_model(dir, 1, deleted, &b, &nb, &kb);
  CHECK(ok && na == nb && na > 0, "%s: both predictors run, same output size", name);
  if (ok && na == nb) {
    double amax = 0, dmax = 0, d2 = 0, a2 = 0;
    for (size_t i = 0; i < na; i++) {
      const double d = fabs((double)a[i] - (double)b[i]);
      amax = fabs(a[i]) > amax ? fabs(a[i]) : amax;
      dmax = d > dmax ? d : dmax;
      d2 += d * d;
      a2 += (double)a[i] * a[i];
    }
    const double rel = abs_bound ? dmax : dmax / amax, l2 = sqrt(d2 / a2);
    printf(
        "  %s%s: max |bf16 - fp32| %.3g (%s %.3g, bound %.3g), relative L2 %.3g (bound %.3g), bf16 kernels "
        "%d\n",
        name, deleted ? " (NCHW GEMM path)" : "", dmax, abs_bound ? "absolute" : "of max", rel, max_rel, l2,
        max_l2, kb);
    CHECK(rel <= max_rel && l2 <= max_l2, "%s: bf16 outputs within the bounds", name);
    CHECK(dmax > 0, "%s: bf16 gave float32's outputs bit for bit: did it run?", name);
    CHECK(ka == 0 && kb >= min_bf16_kernels, "%s: %d bf16 kernels ran (want >= %d), %d in float32", name, kb,
          min_bf16_kernels, ka);
  }
  free(a);
  free(b);
}

static void check_refused_under(const char *isa) {
  portable_setenv("OAR_ISA", isa);
  oar_config *c = NULL;
  CHECK(oar_config_create(&c) == OAR_OK, "config");
  const oar_status st = oar_config_set_precision(c, OAR_PRECISION_BFLOAT16);
  const char *msg = oar_config_last_error(c);
  CHECK(st == OAR_ERR_UNSUPPORTED && strstr(msg, "AVX512-BF16") && strstr(msg, "OAR_ISA"),
        "OAR_ISA=%s: bfloat16 refused naming OAR_ISA (status %d: %s)", isa, (int)st, msg);
  CHECK(oar_config_set_precision(c, OAR_PRECISION_FLOAT32) == OAR_OK, "float32 always");
  oar_config_destroy(c);
  portable_unsetenv("OAR_ISA");
}

int main(void) {
  const char *data = getenv("OAR_TEST_DATA");
  if (!data) data = "tests/data";
  oar_config *c = NULL;
  if (oar_config_create(&c) != OAR_OK) return 1;
  const oar_status st = oar_config_set_precision(c, OAR_PRECISION_BFLOAT16);
  if (st != OAR_OK) {
    printf("SKIP bf16_models: %s\n", oar_config_last_error(c));
    oar_config_destroy(c);
    return st == OAR_ERR_UNSUPPORTED ? 77 : 1;
  }
  CHECK(oar_config_set_precision(c, OAR_PRECISION_FLOAT16) == OAR_ERR_UNSUPPORTED, "float16 still refused");
  oar_config_destroy(c);

  compare_model(data, "resnet_tiny", NULL, 0.015, 0.01, 0, 13);
  static const char *const nchw[] = {"to_blocked_layout", "winograd_conv", NULL};
  compare_model(data, "resnet_tiny", nchw, 0.015, 0.01, 0, 13);
  compare_model(data, "mnist_fc", NULL, 0.005, 0.01, 1, 2);
  check_refused_under("avx2");
  check_refused_under("generic");
  printf("bf16_models: %d checks, %d failures\n", g_checks, g_failures);
  return g_failures ? 1 : 0;
}
