/* Every activation the fusion passes take (oar_pass_activation: relu,
 * sigmoid, silu, tanh, hard_swish, relu6, swish, hard_sigmoid, leaky_relu,
 * gelu and its tanh form), with non-default attributes, fused into
 *   - fc by fuse_fc: matmul_v2 / matmul / mul with a constant weight, with
 *     and without a bias add, on the GEMM path and, for N = 1, fc's
 *     reference kernel;
 *   - conv2d / depthwise_conv2d by fuse_conv_activation, after
 *     fuse_conv_bias and fuse_conv_residual, on shapes that reach every
 *     convolution kernel's epilogue: NCHW im2col, 1x1, pixel-major, GEMV
 *     and depthwise; and on hosts whose kernels have the blocked layout
 *     (to_blocked_layout), the NCHW16c direct kernel (blocked and plain
 *     input), Winograd (winograd_conv) and the blocked depthwise kernel.
 * The passes run for this host's kernels (tp_host_target: what a model
 * loaded here gets), at every ISA level the host has (OAR_ISA), and the
 * test checks that each pass it relies on fired and that every kernel
 * family of the level ran, so it cannot silently stop covering them.
 *
 * Expected values: the same graph unfused (the activation a separate op),
 * run at the same level. Inputs are multiples of 1/8 in [-1, 1], weights
 * and biases multiples of 1/16: every product and partial sum is exact in
 * float (Winograd's transforms only halve), so the pre-activations agree
 * bit for bit whatever the kernel and order of summation, and the
 * tolerance covers only the activation evaluated by two implementations
 * (libm in the reference kernels, or the level's vector kernels, whose
 * documented bounds are at most 5e-7 |x| / 2 absolute, gelu's):
 * 4 ulps of the expected value plus 3e-6 absolute (that bound at |x| = 12,
 * beyond any pre-activation here). The weights are scaled so that
 * pre-activations spread over about [-10, 10] (standard deviation 2.5):
 * outputs cross relu6's and hard_sigmoid's bounds and go negative; and the
 * test checks, on the unfused graph, that changing an attribute changes
 * at least a tenth of the outputs, so a fusion that drops or swaps an
 * attribute cannot pass. */
#define _DEFAULT_SOURCE
#include <stdlib.h>

#include "base/threadpool.h"
#include "test_pass_util.h"
#include "portable.h"

/* ---- activations ------------------------------------------------------------ */

typedef struct act_spec {
  const char *label;
  const char *op;
  int nattr;
  const char *attr[2];
  double value[2]; /* the values fused (non-default) */
  double alt[2];   /* other values, to check that the inputs make them matter */
  int approximate; /* gelu: -1 not set */
} act_spec;

static const act_spec acts[] = {
    {"relu", "relu", 0, {0}, {0}, {0}, -1},
    {"sigmoid", "sigmoid", 0, {0}, {0}, {0}, -1},
    {"silu", "silu", 0, {0}, {0}, {0}, -1},
    {"tanh", "tanh", 0, {0}, {0}, {0}, -1},
    {"hard_swish", "hard_swish", 0, {0}, {0}, {0}, -1},
    {"relu6(3)", "relu6", 1, {"threshold"}, {3.0}, {1.5}, -1},
    {"swish(1.7)", "swish", 1, {"beta"}, {1.7}, {0.85}, -1},
    {"hard_sigmoid(0.3,0.4)", "hard_sigmoid", 2, {"slope", "offset"}, {0.3, 0.4}, {0.4, 0.3}, -1},
    {"leaky_relu(0.2)", "leaky_relu", 1, {"alpha"}, {0.2}, {0.1}, -1},
    {"gelu", "gelu", 0, {0}, {0}, {0}, 0},
    {"gelu(tanh)", "gelu", 0, {0}, {0}, {0}, 1},
};
enum { NACTS = sizeof acts / sizeof *acts };

/* What the build functions read: the case, the activation, and whether
 * to give the activation its alternative attribute values. */
static const act_spec *cur_act;
static int cur_alt;

static void add_activation(tp_graph *t, const char *in, const char *out_shape) {
  char outs[96], ins[64];
  snprintf(ins, sizeof ins, "X=%s", in);
  snprintf(outs, sizeof outs, "Out=y:%s", out_shape);
  tp_node(t, cur_act->op, ins, outs);
  for (int i = 0; i < cur_act->nattr; i++)
    tp_set_f(t, cur_act->attr[i], cur_alt ? cur_act->alt[i] : cur_act->value[i]);
  if (cur_act->approximate >= 0) tp_set_i(t, "approximate", cur_act->approximate);
  tp_output(t, "y");
}

/* ---- dyadic values ------------------------------------------------------------ */

static unsigned wrng = 12345u;
static float wrand(void) {
  wrng = wrng * 1103515245u + 12345u;
  return (float)((wrng >> 8) & 0xffff) / 65535.0f * 2.0f - 1.0f;
}

/* A constant of multiples of 1/16 in [-limit, limit]; the same values for
 * every graph of a case (the caller resets the generator). */
static void dyadic_const(tp_graph *t, const char *name, const char *shape, float limit) {
  oar_shape s = tp_shape(shape);
  const int64_t n = oar_shape_numel(&s);
  float *v = malloc(((size_t)n + 1) * sizeof *v);
  if (!v) tp_fatal("oom", NULL);
  for (int64_t i = 0; i < n; i++) v[i] = roundf(wrand() * limit * 16.0f) / 16.0f;
  tp_const_data(t, name, OAR_DTYPE_FLOAT32, shape, v);
  free(v);
}

/* Weights for a reduction of length k: pre-activations of standard
 * deviation about 2.5 (inputs uniform on [-1, 1]). */
static float weight_limit(int64_t k) { return 7.5f / sqrtf((float)k); }

/* ---- cases ------------------------------------------------------------------- */

typedef struct conv_case {
  const char *label;
  const char *op; /* conv2d or depthwise_conv2d */
  int64_t n, c, h, w, oc, k, stride, pad, groups;
  int bias, residual;
  bool blocked;     /* expected to run blocked where the level has the layout */
  bool winograd;    /* ... and as Winograd */
  const char *nchw; /* the NCHW kernel family it reaches where it runs NCHW */
} conv_case;

static const conv_case conv_cases[] = {
    {"3x3 s1 16->32 + bias", "conv2d", 1, 16, 20, 19, 32, 3, 1, 1, 1, 1, 0, true, true,
     "conv2d 3x3 im2col gemm"},
    {"3x3 s1 16->32 + bias + residual, batch 2", "conv2d", 2, 16, 7, 8, 32, 3, 1, 1, 1, 1, 1, true, true,
     "im2col gemm"},
    {"3x3 s2 16->16 + bias", "conv2d", 1, 16, 23, 27, 16, 3, 2, 1, 1, 1, 0, true, false,
     "conv2d 3x3 im2col gemm"},
    {"1x1 32->48 + bias + residual", "conv2d", 1, 32, 7, 9, 48, 1, 1, 0, 1, 1, 1, true, false,
     "conv2d 1x1 1x1 gemm"},
    {"3x3 s2 3->16 (plain input) + bias", "conv2d", 1, 3, 15, 17, 16, 3, 2, 1, 1, 1, 0, true, false,
     "conv2d 3x3 im2col gemm"},
    {"5x5 s1 16->16", "conv2d", 1, 16, 9, 8, 16, 5, 1, 2, 1, 0, 0, true, false, "conv2d 5x5 im2col gemm"},
    {"depthwise_conv2d 32 3x3 s1 + bias", "depthwise_conv2d", 1, 32, 20, 21, 32, 3, 1, 1, 32, 1, 0, true,
     false, "conv2d 3x3 depthwise"},
    {"conv2d groups 16 3x3 s2 + bias + residual", "conv2d", 1, 16, 9, 12, 16, 3, 2, 1, 16, 1, 1, true, false,
     "conv2d 3x3 depthwise"},
    {"depthwise_conv2d 8 3x3 s1 + bias", "depthwise_conv2d", 1, 8, 7, 9, 8, 3, 1, 1, 8, 1, 0, false, false,
     "conv2d 3x3 depthwise"},
    {"1x1 16->20 + bias + residual", "conv2d", 1, 16, 9, 11, 20, 1, 1, 0, 1, 1, 1, false, false,
     "conv2d 1x1 1x1 gemm"},
    {"3x3 s2 7->20 + bias", "conv2d", 1, 7, 13, 11, 20, 3, 2, 1, 1, 1, 0, false, false,
     "conv2d 3x3 im2col gemm"},
    {"groups 2 3x3 8->64 on 5x5 + bias + residual", "conv2d", 1, 8, 5, 5, 64, 3, 1, 0, 2, 1, 1, false, false,
     "conv2d 3x3 pixel-major gemm"},
    {"1x1 on 1x1 40->20 + bias, batch 2", "conv2d", 2, 40, 1, 1, 20, 1, 1, 0, 1, 1, 0, false, false,
     "conv2d 1x1 gemv"},
};
enum { NCONV = sizeof conv_cases / sizeof *conv_cases };

static const conv_case *cur_conv;

static void conv_out(const conv_case *c, int64_t *oh, int64_t *ow) {
  *oh = (c->h + 2 * c->pad - c->k) / c->stride + 1;
  *ow = (c->w + 2 * c->pad - c->k) / c->stride + 1;
}

static void build_conv(tp_graph *t) {
  const conv_case *c = cur_conv;
  int64_t oh, ow;
  conv_out(c, &oh, &ow);
  char xs[64], ws[64], ys[64], bs[32], outs[96];
  snprintf(xs, sizeof xs, "%lldx%lldx%lldx%lld", (long long)c->n, (long long)c->c, (long long)c->h,
           (long long)c->w);
  snprintf(ws, sizeof ws, "%lldx%lldx%lldx%lld", (long long)c->oc, (long long)(c->c / c->groups),
           (long long)c->k, (long long)c->k);
  snprintf(ys, sizeof ys, "%lldx%lldx%lldx%lld", (long long)c->n, (long long)c->oc, (long long)oh,
           (long long)ow);
  snprintf(bs, sizeof bs, "%lld", (long long)c->oc);
  wrng = 777u;
  tp_input(t, "x", OAR_DTYPE_FLOAT32, xs);
  if (c->residual) tp_input(t, "r", OAR_DTYPE_FLOAT32, ys);
  dyadic_const(t, "w", ws, weight_limit(c->c / c->groups * c->k * c->k));
  snprintf(outs, sizeof outs, "Output=conv:%s", ys);
  tp_node(t, c->op, "Input=x Filter=w", outs);
  TP_INTS(t, "strides", c->stride, c->stride);
  TP_INTS(t, "paddings", c->pad, c->pad);
  tp_set_i(t, "groups", c->groups);
  const char *last = "conv";
  if (c->bias) {
    dyadic_const(t, "b", bs, 1.0f);
    snprintf(outs, sizeof outs, "Out=biased:%s", ys);
    tp_node(t, "elementwise_add", "X=conv Y=b", outs);
    tp_set_i(t, "axis", 1);
    last = "biased";
  }
  if (c->residual) {
    char ins[64];
    snprintf(ins, sizeof ins, "X=%s Y=r", last);
    snprintf(outs, sizeof outs, "Out=summed:%s", ys);
    tp_node(t, "elementwise_add", ins, outs);
    last = "summed";
  }
  add_activation(t, last, ys);
}

typedef struct fc_case {
  const char *label;
  const char *op; /* matmul_v2, matmul or mul */
  const char *x;  /* input shape */
  int64_t k, n;
  int trans_w;        /* weight stored [N, K] */
  int x_num_col_dims; /* mul */
  const char *out;    /* output shape */
  int bias;
} fc_case;

static const fc_case fc_cases[] = {
    {"matmul_v2 [5,40]x[40,24] + bias", "matmul_v2", "5x40", 40, 24, 0, 0, "5x24", 1},
    {"matmul_v2 [2,3,40]x[24,40]^T", "matmul_v2", "2x3x40", 40, 24, 1, 0, "2x3x24", 0},
    {"mul [7,40]x[40,1] + bias (N = 1)", "mul", "7x40", 40, 1, 0, 1, "7x1", 1},
    {"matmul [1,300]x[300,37] + bias (k > kc)", "matmul", "1x300", 300, 37, 0, 0, "1x37", 1},
    {"mul [3,2,5,4] cols 2 x[20,33] + bias", "mul", "3x2x5x4", 20, 33, 0, 2, "3x2x33", 1},
    {"matmul [9,40]x[1,40]^T (N = 1)", "matmul", "9x40", 40, 1, 1, 0, "9x1", 0},
};
enum { NFC = sizeof fc_cases / sizeof *fc_cases };

static const fc_case *cur_fc;

static void build_fc(tp_graph *t) {
  const fc_case *c = cur_fc;
  char ws[32], bs[32], outs[96];
  snprintf(ws, sizeof ws, "%lldx%lld", (long long)(c->trans_w ? c->n : c->k),
           (long long)(c->trans_w ? c->k : c->n));
  snprintf(bs, sizeof bs, "%lld", (long long)c->n);
  wrng = 4242u;
  tp_input(t, "x", OAR_DTYPE_FLOAT32, c->x);
  dyadic_const(t, "w", ws, weight_limit(c->k));
  snprintf(outs, sizeof outs, "Out=mm:%s", c->out);
  tp_node(t, c->op, "X=x Y=w", outs);
  if (!strcmp(c->op, "matmul_v2")) tp_set_i(t, "trans_y", c->trans_w);
  if (!strcmp(c->op, "matmul")) tp_set_i(t, "transpose_Y", c->trans_w);
  if (!strcmp(c->op, "mul")) tp_set_i(t, "x_num_col_dims", c->x_num_col_dims);
  const char *last = "mm";
  if (c->bias) {
    dyadic_const(t, "b", bs, 1.0f);
    snprintf(outs, sizeof outs, "Out=biased:%s", c->out);
    tp_node(t, "elementwise_add", "X=mm Y=b", outs);
    last = "biased";
  }
  add_activation(t, last, c->out);
}

/* ---- checking ------------------------------------------------------------------ */

/* Kernels seen at the current level (for the coverage check). */
static char seen[1 << 16];
static size_t seen_len;

static void note_kernels(const char *k) {
  const size_t n = strlen(k);
  if (seen_len + n + 3 < sizeof seen) {
    memcpy(seen + seen_len, k, n);
    memcpy(seen + seen_len + n, "; ", 3);
    seen_len += n + 2;
  }
}

static bool within(float got, float want) {
  if (isnan(want) || isnan(got)) return isnan(want) && isnan(got);
  const float ulp = nextafterf(fabsf(want), INFINITY) - fabsf(want);
  return fabsf(got - want) <= 4.0f * ulp + 3e-6f;
}

/* Differences beyond the tolerance, the first one reported. */
static int64_t count_diff(const char *what, const tp_outputs *got, const tp_outputs *want, bool report) {
  if (got->count != 1 || want->count != 1 || got->numel[0] != want->numel[0]) {
    TP_CHECK(0, "%s: output counts or sizes differ", what);
    return -1;
  }
  int64_t bad = 0;
  for (int64_t i = 0; i < got->numel[0]; i++) {
    if (!within(got->data[0][i], want->data[0][i])) {
      if (!bad && report)
        fprintf(stderr, "%s: [%lld] got %.9g, want %.9g\n", what, (long long)i, (double)got->data[0][i],
                (double)want->data[0][i]);
      bad++;
    }
  }
  return bad;
}

/* Inputs: multiples of 1/8 in [-1, 1]. */
static void dyadic_inputs(const tp_graph *t, const char *const *shapes, tp_inputs *in) {
  tp_make_inputs(t, shapes, 0, 99u, in);
  for (int i = 0; i < in->count; i++) {
    float *d = in->views[i].data;
    const int64_t n = oar_shape_numel(&in->views[i].shape);
    for (int64_t k = 0; k < n; k++) d[k] = roundf(d[k] * 8.0f) / 8.0f;
  }
}

typedef struct expect_fired {
  const char *pass;
  int count;
} expect_fired;

static void check_case(const char *what, tp_build_fn build, const char *const *shapes,
                       const expect_fired *fired, int nfired) {
  const oar_pass_target target = tp_host_target();
  tp_graph *before = tp_new(), *after = tp_new();
  cur_alt = 0;
  build(before);
  build(after);
  oar_pass_report *reports;
  int count;
  tp_optimize_for(after, &target, &reports, &count);
  for (int i = 0; i < nfired; i++) {
    const int got = tp_fired(reports, count, fired[i].pass);
    TP_CHECK(got == fired[i].count, "%s: %s fired %d times, expected %d", what, fired[i].pass, got,
             fired[i].count);
  }
  oar_free(reports);
  TP_CHECK(tp_count(after, cur_act->op) == 0, "%s: the %s op is still there after the passes", what,
           cur_act->op);

  tp_inputs in;
  dyadic_inputs(before, shapes, &in);
  tp_outputs want, have;
  char kernels[1024];
  tp_run(before, &in, 1, &want);
  tp_run_kernels(after, &in, 1, &have, kernels, sizeof kernels);
  note_kernels(kernels);
  const int64_t bad = count_diff(what, &have, &want, true);
  TP_CHECK(bad == 0, "%s: %lld of %lld values differ (kernels: %s)", what, (long long)bad,
           (long long)have.numel[0], kernels);
  int64_t nonzero = 0;
  for (int64_t i = 0; i < want.numel[0]; i++) nonzero += want.data[0][i] != 0.0f;
  TP_CHECK(nonzero * 4 > want.numel[0], "%s: the output is mostly zeros", what);

  if (cur_act->nattr > 0) {
    /* The attributes matter on these inputs. */
    tp_graph *alt = tp_new();
    cur_alt = 1;
    build(alt);
    cur_alt = 0;
    tp_outputs other;
    tp_run(alt, &in, 1, &other);
    const int64_t differ = count_diff(what, &other, &want, false);
    TP_CHECK(differ * 10 >= want.numel[0], "%s: other attribute values change only %lld of %lld outputs",
             what, (long long)differ, (long long)want.numel[0]);
    tp_free_outputs(&other);
    tp_free(alt);
  }
  tp_free_outputs(&want);
  tp_free_outputs(&have);
  tp_free_inputs(&in);
  tp_free(before);
  tp_free(after);
}

static void run_level(const char *isa) {
  const oar_pass_target target = tp_host_target();
  seen_len = 0;
  seen[0] = 0;
  int cases = 0;
  for (int a = 0; a < NACTS; a++) {
    cur_act = &acts[a];
    for (int i = 0; i < NCONV; i++) {
      const conv_case *c = cur_conv = &conv_cases[i];
      int64_t oh, ow;
      conv_out(c, &oh, &ow);
      char xs[64], rs[64], what[160];
      snprintf(xs, sizeof xs, "%lldx%lldx%lldx%lld", (long long)c->n, (long long)c->c, (long long)c->h,
               (long long)c->w);
      snprintf(rs, sizeof rs, "%lldx%lldx%lldx%lld", (long long)c->n, (long long)c->oc, (long long)oh,
               (long long)ow);
      const char *shapes[] = {xs, rs};
      snprintf(what, sizeof what, "%s: %s + %s", isa, c->label, cur_act->label);
      const bool blocked = c->blocked && (c->groups == 1 ? target.blocked_conv : target.blocked_depthwise);
      const bool wino = blocked && c->winograd && target.winograd;
      const expect_fired fired[] = {
          {"fuse_conv_bias", c->bias}, {"fuse_conv_residual", c->residual},
          {"fuse_conv_activation", 1}, {"to_blocked_layout", blocked},
          {"winograd_conv", wino},
      };
      check_case(what, build_conv, shapes, fired, sizeof fired / sizeof *fired);
      cases++;
    }
    for (int i = 0; i < NFC; i++) {
      cur_fc = &fc_cases[i];
      const char *shapes[] = {cur_fc->x};
      char what[160];
      snprintf(what, sizeof what, "%s: %s + %s", isa, cur_fc->label, cur_act->label);
      const expect_fired fired[] = {{"fuse_fc", 1}};
      check_case(what, build_fc, shapes, fired, 1);
      cases++;
    }
  }
  /* Every kernel family the cases are meant to reach at this level ran
   * the fused op (fc: "reference" for N = 1, where its GEMM path declines). */
  const char *families[32];
  int nf = 0;
  families[nf++] = "fc: reference";
  families[nf++] = "fc: f32_gemm";
  for (int i = 0; i < NCONV; i++) {
    const conv_case *c = &conv_cases[i];
    const bool blocked = c->blocked && (c->groups == 1 ? target.blocked_conv : target.blocked_depthwise);
    if (!blocked) {
      families[nf++] = c->nchw;
    }
  }
  if (target.blocked_conv) {
    families[nf++] = "conv2d_blocked: conv2d 3x3 nchw16c winograd";
    families[nf++] = "conv2d_blocked: conv2d 3x3 nchw16c direct";
    families[nf++] = "conv2d_blocked: conv2d 1x1 nchw16c direct";
    families[nf++] = "conv2d_blocked: conv2d 5x5 nchw16c direct";
    families[nf++] = "conv2d_blocked: conv2d 3x3 nchw -> nchw16c direct";
  }
  if (target.blocked_depthwise) families[nf++] = "conv2d_blocked: depthwise 3x3 nchw16c";
  for (int f = 0; f < nf; f++)
    TP_CHECK(strstr(seen, families[f]) != NULL, "%s: no case ran kernel \"%s\"", isa, families[f]);
  printf("%s: %d cases (%d activations), target blocked %d winograd %d; kernel families checked: %d\n", isa,
         cases, NACTS, target.blocked_conv, target.winograd, nf);
  if (getenv("TEST_VERBOSE")) printf("kernels: %s\n", seen);
}

int main(void) {
  /* One thread, and two (the kernels split small layers too: each slot's
   * epilogue). */
  oar_threadpool *pool2;
  oar_error err;
  if (oar_threadpool_create(2, &pool2, &err) != OAR_OK) tp_fatal("thread pool", &err);
  for (int isa = OAR_ISA_GENERIC; isa < OAR_ISA_COUNT; isa++) {
    if (!tp_use_isa(isa)) continue;
    for (int threads = 1; threads <= 2; threads++) {
      char level[32];
      snprintf(level, sizeof level, "%s, %d thread%s", oar_isa_name((oar_isa)isa), threads,
               threads > 1 ? "s" : "");
      oar_threadpool_set_current(threads > 1 ? pool2 : NULL);
      run_level(level);
      oar_threadpool_set_current(NULL);
    }
  }
  portable_unsetenv("OAR_ISA");
  oar_threadpool_destroy(pool2);
  return tp_finish();
}
