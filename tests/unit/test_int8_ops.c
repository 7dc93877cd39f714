/* int8 convolutions and matrix products (issue 14).
 *
 * 1. conv2d_int8's prepared kernel (im2col / 1x1 int8 GEMM on VNNI or the
 *    generic tile, kernels/generic/qgemm.h) against its reference kernel
 *    (kernels/ref/conv.c, exact integer sums), in one plan: random shapes
 *    (channels around the 6x64 and 4x16 tiles, odd image sizes, kernels 1
 *    to 7, strides 1 to 3, paddings, dilations, groups, depthwise (the
 *    plane kernel), batch 1 and 2), uint8
 *    and int8 inputs with random zero points, per-tensor and per-channel
 *    filter scales, bias, residual, fused activations, float and
 *    requantized outputs; at every ISA level the host has, 1 and 2
 *    threads. The quantize_linear feeding it runs its prepared loop too,
 *    against the reference one.
 * 2. matmul_int8's prepared kernel (the weights on the columns) against
 *    its reference, the same way: rows, depths and columns around the
 *    tiles, uint8 and int8 inputs with a constant scale or one computed by
 *    DynamicQuantizeLinear, per-tensor and per-column weight scales, bias.
 * 3. Every table's depthwise plane (the VNNI one and its VBMI variant,
 *    whichever the host has) against the generic one, on random
 *    geometries: the plan tests above see only the table the host picks.
 * 4. The quantize_conv, fuse_conv_requantize and quantize_matmul passes on
 *    QDQ graphs: they fire, and the int8 graph agrees with the float QDQ
 *    graph it came from.
 * 5. Every table's quantize, dequantize and add_int8 loops against the
 *    generic ones, bit for bit (the plans see only the host's table).
 * 6. dequantize_linear whose scale and zero point a DynamicQuantizeLinear
 *    computes per run: the prepared loop, bit for bit against the reference.
 *
 * Tolerance policy: the integer sums are exact on both sides; the float
 * epilogue (one product and a sum, fused on AVX-512) differs from the
 * reference's by an ulp or two of the output: |fast - ref| <= 5e-7 +
 * 5e-7 |ref|, tighter than one step of the integer sum (input scale x
 * filter scale, >= 2.7e-6 here), so a sum off by one fails. A requantized output rounds that float, so a
 * value at a rounding midpoint may land one step away: |fast - ref| <= 1 step, and at most 1% of the values
 * may differ at all. The quantize loops are exact. The pass test compares float convolutions of dequantized
 * values (a different summation order) with the int8 graph's output requantized: within one output step. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/threadpool.h"
/* The library's x86 tables (built into it on x86-64, as CMakeLists.txt
 * defines OAR_X86_KERNELS for the library itself). */
#if defined(__x86_64__) && !defined(OAR_X86_KERNELS)
#define OAR_X86_KERNELS 1
#endif
#include "kernels/generic/qgemm.h"
#include "test_pass_util.h"

static int failures, cases, fast_cases;
static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 32);
}
static int64_t pick(int64_t lo, int64_t hi) { return lo + (int64_t)(rnd() % (uint32_t)(hi - lo + 1)); }

typedef struct qcase {
  int64_t batch, c, h, w, m, kh, kw, stride, pad, dil, groups;
  bool x_signed, per_channel, bias, residual, requant, out_signed;
  int act; /* 0 none, 1 relu, 2 relu6, 3 hard_swish (float output only) */
  int x_zero, out_zero;
} qcase;

/* A one-value zero point constant of an 8-bit dtype. */
static void zero_point(tp_graph *t, const char *name, oar_dtype dtype, int value) {
  const int8_t s8 = (int8_t)value;
  const uint8_t u8 = (uint8_t)value;
  tp_const_data(t, name, dtype, "1", dtype == OAR_DTYPE_INT8 ? (const void *)&s8 : (const void *)&u8);
}

static void set_pair(tp_graph *t, const char *name, int64_t v) { tp_set_ints(t, name, 2, (int64_t[]){v, v}); }

/* x (float) -> quantize_linear -> conv2d_int8 [-> dequantize_linear]. */
static tp_graph *build(const qcase *q, int64_t oh, int64_t ow) {
  tp_graph *t = tp_new();
  char shape[96], wshape[96], yshape[96];
  snprintf(shape, sizeof shape, "%lldx%lldx%lldx%lld", (long long)q->batch, (long long)q->c, (long long)q->h,
           (long long)q->w);
  snprintf(wshape, sizeof wshape, "%lldx%lldx%lldx%lld", (long long)q->m, (long long)(q->c / q->groups),
           (long long)q->kh, (long long)q->kw);
  snprintf(yshape, sizeof yshape, "%lldx%lldx%lldx%lld", (long long)q->batch, (long long)q->m, (long long)oh,
           (long long)ow);
  tp_input(t, "x", OAR_DTYPE_FLOAT32, shape);
  const oar_dtype xt = q->x_signed ? OAR_DTYPE_INT8 : OAR_DTYPE_UINT8;
  tp_const_scalar(t, "xs", 1.0f / 90.0f);
  zero_point(t, "xz", xt, q->x_zero);
  char spec[160];
  snprintf(spec, sizeof spec, "Out=xq:%s/%s", shape, q->x_signed ? "i8" : "u8");
  tp_node(t, "quantize_linear", "X=x Scale=xs ZeroPoint=xz", spec);
  const int64_t wn = q->m * (q->c / q->groups) * q->kh * q->kw;
  int8_t *w = malloc((size_t)wn);
  for (int64_t i = 0; i < wn; i++) w[i] = (int8_t)pick(-128, 127);
  tp_const_data(t, "w", OAR_DTYPE_INT8, wshape, w);
  free(w);
  float *ws = malloc((size_t)q->m * sizeof *ws);
  for (int64_t i = 0; i < q->m; i++) ws[i] = (0.5f + (float)pick(0, 100) / 100.0f) / 2000.0f;
  char mshape[32];
  snprintf(mshape, sizeof mshape, "%lld", (long long)(q->per_channel ? q->m : 1));
  tp_const_data(t, "ws", OAR_DTYPE_FLOAT32, mshape, ws);
  free(ws);
  char ins[512] = "Input=xq Filter=w InputScale=xs InputZeroPoint=xz FilterScale=ws";
  if (q->bias) {
    snprintf(mshape, sizeof mshape, "%lld", (long long)q->m);
    tp_const(t, "b", mshape, 0.5f);
    strcat(ins, " Bias=b");
  }
  if (q->residual) {
    tp_const(t, "r", yshape, 0.5f);
    strcat(ins, " ResidualData=r");
  }
  const oar_dtype yt = q->out_signed ? OAR_DTYPE_INT8 : OAR_DTYPE_UINT8;
  if (q->requant) {
    tp_const_scalar(t, "ys", 1.0f / 60.0f);
    zero_point(t, "yz", yt, q->out_zero);
    strcat(ins, " OutputScale=ys OutputZeroPoint=yz");
    snprintf(spec, sizeof spec, "Output=yq:%s/%s", yshape, q->out_signed ? "i8" : "u8");
  } else {
    snprintf(spec, sizeof spec, "Output=y:%s", yshape);
  }
  tp_node(t, "conv2d_int8", ins, spec);
  set_pair(t, "strides", q->stride);
  set_pair(t, "paddings", q->pad);
  set_pair(t, "dilations", q->dil);
  tp_set_i(t, "groups", q->groups);
  static const char *const acts[] = {"", "relu", "relu6", "hard_swish"};
  if (q->act) tp_set_s(t, "fuse_activation", acts[q->act]);
  if (q->act == 2) tp_set_f(t, "fuse_alpha", 6.0);
  if (q->requant) {
    snprintf(spec, sizeof spec, "Out=y:%s", yshape);
    tp_node(t, "dequantize_linear", "X=yq Scale=ys ZeroPoint=yz", spec);
  }
  tp_output(t, "y");
  return t;
}

static void grab(const oar_plan *plan, const tp_graph *t, float **out, int64_t *n) {
  const oar_tensor_view *v = &plan->views[t->g->outputs[0]];
  *n = oar_view_numel(v);
  *out = malloc(((size_t)*n + 1) * sizeof **out);
  memcpy(*out, v->data, (size_t)*n * sizeof **out);
}

/* Runs the plan with its prepared states (the fast kernels) and with
 * them taken away (the reference kernels); copies of the output. */
static void run_fast_and_reference(oar_plan *plan, const tp_graph *t, const tp_inputs *in,
                                   oar_op_state *const *states, float **fast, float **ref, int64_t *n) {
  oar_error err;
  if (oar_plan_run(plan, in->views, &err) != OAR_OK) tp_fatal("run", &err);
  grab(plan, t, fast, n);
  for (int i = 0; i < plan->num_steps; i++) plan->step_states[i] = NULL;
  if (oar_plan_run(plan, in->views, &err) != OAR_OK) tp_fatal("run", &err);
  for (int i = 0; i < plan->num_steps; i++) plan->step_states[i] = states[i];
  grab(plan, t, ref, n);
}

static void run_case(const qcase *q, oar_threadpool *pool, const char *isa) {
  const int64_t ekh = q->dil * (q->kh - 1) + 1, ekw = q->dil * (q->kw - 1) + 1;
  if (q->h + 2 * q->pad < ekh || q->w + 2 * q->pad < ekw) return;
  const int64_t oh = (q->h + 2 * q->pad - ekh) / q->stride + 1,
                ow = (q->w + 2 * q->pad - ekw) / q->stride + 1;
  tp_graph *t = build(q, oh, ow);
  char shape[96];
  snprintf(shape, sizeof shape, "%lldx%lldx%lldx%lld", (long long)q->batch, (long long)q->c, (long long)q->h,
           (long long)q->w);
  const char *shapes[] = {shape};
  tp_inputs in;
  tp_make_inputs(t, shapes, 4, 777u + (unsigned)cases, &in);
  oar_threadpool_set_current(pool);
  oar_plan *plan;
  oar_error err;
  if (oar_plan_create(t->g, in.views, NULL, &plan, &err) != OAR_OK) tp_fatal("plan", &err);
  cases++;
  enum { MAX_STEPS = 3 };
  oar_op_state *states[MAX_STEPS] = {0};
  bool conv_fast = false;
  for (int i = 0; i < plan->num_steps && i < MAX_STEPS; i++) {
    states[i] = plan->step_states[i];
    if (states[i] && states[i]->kernel && strstr(states[i]->kernel, "conv2d_int8")) conv_fast = true;
  }
  char what[256];
  snprintf(what, sizeof what,
           "%s %dthr n%lld c%lld %lldx%lld m%lld k%lldx%lld s%lld p%lld d%lld g%lld %s%s%s%s%s act%d zp%d",
           isa, pool ? oar_threadpool_threads(pool) : 1, (long long)q->batch, (long long)q->c,
           (long long)q->h, (long long)q->w, (long long)q->m, (long long)q->kh, (long long)q->kw,
           (long long)q->stride, (long long)q->pad, (long long)q->dil, (long long)q->groups,
           q->x_signed ? "s8" : "u8", q->per_channel ? " per-channel" : "", q->bias ? " bias" : "",
           q->residual ? " residual" : "", q->requant ? (q->out_signed ? " ->s8" : " ->u8") : " ->f32",
           q->act, q->x_zero);
  if (plan->num_steps > MAX_STEPS || !conv_fast) {
    failures++;
    fprintf(stderr, "FAIL %s: %d steps, the int8 kernel %s\n", what, plan->num_steps,
            conv_fast ? "ran" : "did not run");
    goto done;
  }
  fast_cases++;
  float *fast, *ref;
  int64_t n;
  run_fast_and_reference(plan, t, &in, states, &fast, &ref, &n);
  const float step = 1.0f / 60.0f;
  int64_t bad = 0, moved = 0, nonzero = 0, first = -1;
  for (int64_t k = 0; k < n; k++) {
    const float d = fabsf(fast[k] - ref[k]);
    nonzero += ref[k] != 0.0f;
    if (q->requant) {
      moved += d != 0.0f;
      if (d > step * 1.001f) bad++;
    } else if (!(d <= 5e-7f + 5e-7f * fabsf(ref[k]))) {
      bad++;
    }
    if ((bad || (q->requant && d != 0.0f)) && first < 0) first = k;
  }
  if (bad || moved * 100 > n) {
    failures++;
    fprintf(stderr, "FAIL %s: %lld of %lld values differ (%lld moved a step), first [%lld] %.9g vs %.9g\n",
            what, (long long)bad, (long long)n, (long long)moved, (long long)first, (double)fast[first],
            (double)ref[first]);
  }
  if (q->act == 0 && q->pad == 0 && n > 8 && nonzero * 4 < n) {
    failures++;
    fprintf(stderr, "FAIL %s: output is mostly zeros\n", what);
  }
  free(fast);
  free(ref);
done:
  oar_plan_destroy(plan);
  tp_free_inputs(&in);
  tp_free(t);
}

static qcase random_case(void) {
  static const int64_t chans[] = {1, 2, 3, 4, 5, 8, 12, 17, 32, 64};
  static const int64_t outs[] = {1, 2, 5, 6, 7, 12, 13, 16, 64, 70};
  static const int64_t ks[] = {1, 1, 1, 3, 3, 5, 7};
  qcase q = {0};
  q.groups = pick(0, 5) == 0 ? 2 : 1;
  q.c = chans[pick(0, 9)] * q.groups;
  q.m = outs[pick(0, 9)] * q.groups;
  if (pick(0, 3) == 0) { /* depthwise: the plane kernel */
    q.c = q.m = q.groups = pick(2, 40);
  }
  q.batch = pick(1, 2);
  q.h = pick(1, 19);
  q.w = pick(1, 70);
  q.kh = ks[pick(0, 6)];
  q.kw = pick(0, 3) ? q.kh : ks[pick(0, 6)];
  q.stride = pick(1, 3);
  q.pad = pick(0, 2);
  q.dil = pick(0, 4) ? 1 : 2;
  q.x_signed = pick(0, 1);
  q.per_channel = pick(0, 1);
  q.bias = pick(0, 1);
  q.residual = pick(0, 3) == 0;
  q.requant = pick(0, 1);
  q.out_signed = pick(0, 1);
  q.act = (int)pick(0, q.requant ? 2 : 3);
  q.x_zero = q.x_signed ? (int)pick(-20, 20) : (int)pick(100, 156);
  q.out_zero = q.out_signed ? (int)pick(-10, 10) : (int)pick(0, 128);
  return q;
}

/* ---- matmul_int8 ---------------------------------------------------------------- */

typedef struct qmm_case {
  int64_t batch, m, k, n;
  bool dynamic, x_signed, per_column, bias;
  int x_zero;
} qmm_case;

static void run_matmul_case(const qmm_case *q, oar_threadpool *pool, const char *isa) {
  tp_graph *t = tp_new();
  char xshape[64], wshape[64], yshape[64], spec[128], ins[256];
  snprintf(xshape, sizeof xshape, "%lldx%lldx%lld", (long long)q->batch, (long long)q->m, (long long)q->k);
  snprintf(wshape, sizeof wshape, "%lldx%lld", (long long)q->k, (long long)q->n);
  snprintf(yshape, sizeof yshape, "%lldx%lldx%lld", (long long)q->batch, (long long)q->m, (long long)q->n);
  tp_input(t, "x", OAR_DTYPE_FLOAT32, xshape);
  if (q->dynamic) {
    snprintf(spec, sizeof spec, "Y=xq:%s/u8 YScale=xs:/f32 YZeroPoint=xz:/u8", xshape);
    tp_node(t, "dynamic_quantize_linear", "X=x", spec);
  } else {
    const oar_dtype xt = q->x_signed ? OAR_DTYPE_INT8 : OAR_DTYPE_UINT8;
    tp_const_scalar(t, "xs", 1.0f / 100.0f);
    zero_point(t, "xz", xt, q->x_zero);
    snprintf(spec, sizeof spec, "Out=xq:%s/%s", xshape, q->x_signed ? "i8" : "u8");
    tp_node(t, "quantize_linear", "X=x Scale=xs ZeroPoint=xz", spec);
  }
  const int64_t wn = q->k * q->n;
  int8_t *w = malloc((size_t)wn);
  for (int64_t i = 0; i < wn; i++) w[i] = (int8_t)pick(-128, 127);
  tp_const_data(t, "w", OAR_DTYPE_INT8, wshape, w);
  free(w);
  float *ws = malloc((size_t)q->n * sizeof *ws);
  for (int64_t i = 0; i < q->n; i++) ws[i] = (0.5f + (float)pick(0, 100) / 100.0f) / 1000.0f;
  char nshape[32];
  snprintf(nshape, sizeof nshape, "%lld", (long long)(q->per_column ? q->n : 1));
  tp_const_data(t, "ws", OAR_DTYPE_FLOAT32, nshape, ws);
  free(ws);
  snprintf(ins, sizeof ins, "X=xq W=w XScale=xs XZeroPoint=xz WScale=ws%s", q->bias ? " Bias=b" : "");
  if (q->bias) {
    snprintf(nshape, sizeof nshape, "%lld", (long long)q->n);
    tp_const(t, "b", nshape, 0.5f);
  }
  snprintf(spec, sizeof spec, "Out=y:%s", yshape);
  tp_node(t, "matmul_int8", ins, spec);
  tp_output(t, "y");
  const char *shapes[] = {xshape};
  tp_inputs in;
  tp_make_inputs(t, shapes, 4, 991u + (unsigned)cases, &in);
  oar_threadpool_set_current(pool);
  oar_plan *plan;
  oar_error err;
  if (oar_plan_create(t->g, in.views, NULL, &plan, &err) != OAR_OK) tp_fatal("plan", &err);
  cases++;
  char what[200];
  snprintf(what, sizeof what, "%s %dthr matmul %lldx%lldx%lld . %lldx%lld %s%s%s%s", isa,
           pool ? oar_threadpool_threads(pool) : 1, (long long)q->batch, (long long)q->m, (long long)q->k,
           (long long)q->k, (long long)q->n,
           q->dynamic    ? "dynamic"
           : q->x_signed ? "s8"
                         : "u8",
           q->per_column ? " per-column" : "", q->bias ? " bias" : "", "");
  oar_op_state *states[2] = {0};
  bool fast = false;
  for (int i = 0; i < plan->num_steps && i < 2; i++) {
    states[i] = plan->step_states[i];
    if (states[i] && states[i]->kernel && strstr(states[i]->kernel, "matmul_int8")) fast = true;
  }
  if (plan->num_steps != 2 || !fast) {
    failures++;
    fprintf(stderr, "FAIL %s: %d steps, the int8 kernel %s\n", what, plan->num_steps,
            fast ? "ran" : "did not run");
  } else {
    fast_cases++;
    float *got, *ref;
    int64_t n;
    run_fast_and_reference(plan, t, &in, states, &got, &ref, &n);
    int64_t bad = 0, first = -1;
    for (int64_t i = 0; i < n; i++)
      if (!(fabsf(got[i] - ref[i]) <= 5e-7f + 5e-7f * fabsf(ref[i])) && bad++ == 0) first = i;
    if (bad) {
      failures++;
      fprintf(stderr, "FAIL %s: %lld of %lld values differ, first [%lld] %.9g vs %.9g\n", what,
              (long long)bad, (long long)n, (long long)first, (double)got[first], (double)ref[first]);
    }
    free(got);
    free(ref);
  }
  oar_plan_destroy(plan);
  tp_free_inputs(&in);
  tp_free(t);
}

static qmm_case random_matmul_case(void) {
  static const int64_t sizes[] = {1, 2, 3, 5, 6, 7, 13, 17, 64, 65, 130};
  qmm_case q = {0};
  q.batch = pick(1, 2);
  q.m = sizes[pick(0, 10)];
  q.k = sizes[pick(0, 10)];
  q.n = sizes[pick(0, 10)];
  q.dynamic = pick(0, 2) == 0;
  q.x_signed = !q.dynamic && pick(0, 1);
  q.per_column = pick(0, 1);
  q.bias = pick(0, 1);
  q.x_zero = q.x_signed ? (int)pick(-20, 20) : (int)pick(100, 156);
  return q;
}

/* dequantize_linear of a dynamic_quantize_linear's output: its scale and
 * zero point are computed per run (ONNX Runtime's dynamic quantization on
 * a host where the int8 passes leave it in float), and the prepared loop
 * reads them at each run. Exact: (q - zero) * scale on both sides. */
static void run_dynamic_dequantize_case(int64_t rows, int64_t cols, oar_threadpool *pool, const char *isa) {
  tp_graph *t = tp_new();
  char shape[64], spec[160];
  snprintf(shape, sizeof shape, "%lldx%lld", (long long)rows, (long long)cols);
  tp_input(t, "x", OAR_DTYPE_FLOAT32, shape);
  snprintf(spec, sizeof spec, "Y=xq:%s/u8 YScale=xs:/f32 YZeroPoint=xz:/u8", shape);
  tp_node(t, "dynamic_quantize_linear", "X=x", spec);
  snprintf(spec, sizeof spec, "Out=y:%s", shape);
  tp_node(t, "dequantize_linear", "X=xq Scale=xs ZeroPoint=xz", spec);
  tp_output(t, "y");
  const char *shapes[] = {shape};
  tp_inputs in;
  tp_make_inputs(t, shapes, 4, 313u + (unsigned)cases, &in);
  oar_threadpool_set_current(pool);
  oar_plan *plan;
  oar_error err;
  if (oar_plan_create(t->g, in.views, NULL, &plan, &err) != OAR_OK) tp_fatal("plan", &err);
  cases++;
  oar_op_state *states[2] = {0};
  for (int i = 0; i < plan->num_steps && i < 2; i++) states[i] = plan->step_states[i];
  const bool per_run =
      plan->num_steps == 2 && states[1] && states[1]->kernel && strstr(states[1]->kernel, "per run");
  if (!per_run) {
    failures++;
    fprintf(stderr, "FAIL %s dynamic dequantize %s: the per-run dequantize loop did not run\n", isa, shape);
  } else {
    fast_cases++;
    float *got, *ref;
    int64_t n;
    run_fast_and_reference(plan, t, &in, states, &got, &ref, &n);
    for (int64_t i = 0; i < n; i++)
      if (memcmp(&got[i], &ref[i], sizeof got[i]) != 0) {
        failures++;
        fprintf(stderr, "FAIL %s dynamic dequantize %s: [%lld] %.9g vs %.9g\n", isa, shape, (long long)i,
                (double)got[i], (double)ref[i]);
        break;
      }
    free(got);
    free(ref);
  }
  oar_threadpool_set_current(NULL);
  oar_plan_destroy(plan);
  tp_free_inputs(&in);
  tp_free(t);
}

/* ---- the elementwise loops of every table, against the generic ones ------------------ */

/* quantize, dequantize and add_int8 of each table the host runs (the
 * plan picks one), on random lengths around the vector widths, with NaNs,
 * infinities and values past the 8-bit range: bit for bit the generic
 * loops' results. */
static void check_elementwise_tables(void) {
  const oar_qs8_kernels *tables[3] = {NULL, NULL, NULL};
#if defined(__x86_64__)
  if (oar_cpu_isa_detected() >= OAR_ISA_AVX2) tables[0] = &oar_qs8_kernels_avx2;
  if (oar_cpu_has_avx512_vnni()) tables[1] = &oar_qs8_kernels_avx512vnni;
  if (oar_cpu_has_avx512_vnni() && oar_cpu_has_avx512_vbmi()) tables[2] = &oar_qs8_kernels_avx512vnni_vbmi;
#endif
  enum { MAX_N = 300 };
  float x[MAX_N], yf[MAX_N], wf[MAX_N];
  uint8_t a[MAX_N], b[MAX_N], yq[MAX_N], wq[MAX_N];
  for (int it = 0; it < 300; it++) {
    const size_t n = (size_t)pick(0, MAX_N);
    for (size_t i = 0; i < n; i++) {
      const int64_t r = pick(0, 50);
      x[i] = r == 0 ? NAN : r == 1 ? INFINITY : r == 2 ? -INFINITY : (float)pick(-40000, 40000) / 100.0f;
      a[i] = (uint8_t)pick(0, 255);
      b[i] = (uint8_t)pick(0, 255);
    }
    const bool is_signed = pick(0, 1);
    const float scale = (float)pick(1, 1000) / 997.0f;
    const int32_t zero = is_signed ? (int32_t)pick(-128, 127) : (int32_t)pick(0, 255);
    const oar_q8_add_params ap = {.a_scale = (float)pick(1, 100) / 331.0f,
                                  .b_scale = (float)pick(1, 100) / 331.0f,
                                  .out_scale = (float)pick(1, 100) / 211.0f,
                                  .a_zero = is_signed ? (int32_t)pick(-20, 20) : (int32_t)pick(100, 150),
                                  .b_zero = is_signed ? (int32_t)pick(-20, 20) : (int32_t)pick(100, 150),
                                  .out_zero = (int32_t)pick(0, 40),
                                  .a_signed = is_signed,
                                  .b_signed = is_signed,
                                  .out_signed = pick(0, 1),
                                  .relu = pick(0, 1)};
    for (int t = 0; t < 3; t++) {
      const oar_qs8_kernels *kr = tables[t];
      if (!kr) continue;
      cases++;
      oar_q8_quantize_generic(x, n, scale, zero, is_signed, wq);
      kr->quantize(x, n, scale, zero, is_signed, yq);
      const bool q_ok = n == 0 || memcmp(wq, yq, n) == 0;
      oar_q8_dequantize_generic(a, n, scale, zero, is_signed, wf);
      kr->dequantize(a, n, scale, zero, is_signed, yf);
      const bool dq_ok = n == 0 || memcmp(wf, yf, n * sizeof *wf) == 0;
      oar_q8_add_generic(a, b, n, &ap, wq);
      kr->add(a, b, n, &ap, yq);
      const bool add_ok = n == 0 || memcmp(wq, yq, n) == 0;
      if (!q_ok || !dq_ok || !add_ok) {
        failures++;
        fprintf(stderr, "FAIL %s elementwise loops, n %zu: %s%s%s differ from the generic ones\n", kr->name,
                n, q_ok ? "" : "quantize ", dq_ok ? "" : "dequantize ", add_ok ? "" : "add");
      }
    }
  }
}

/* ---- the depthwise planes of every table, against the generic one ------------------- */

/* The plan picks one table per host (on this one, maybe the VBMI
 * variant): each table's depthwise plane is also run here directly, on
 * random geometries, against the generic table's, so that a table the
 * host does not pick is still checked. */
static void check_dw_tables(void) {
  const oar_qs8_kernels *tables[3] = {&oar_qs8_kernels_generic, NULL, NULL};
#if defined(__x86_64__)
  if (oar_cpu_has_avx512_vnni()) tables[1] = &oar_qs8_kernels_avx512vnni;
  if (oar_cpu_has_avx512_vnni() && oar_cpu_has_avx512_vbmi()) tables[2] = &oar_qs8_kernels_avx512vnni_vbmi;
#endif
  int checked = 0;
  for (int it = 0; it < 200; it++) {
    oar_q8_dw_geometry g = {.kernel_h = pick(1, 5),
                            .kernel_w = pick(1, 7),
                            .stride_h = pick(1, 3),
                            .stride_w = pick(1, 4),
                            .dilation_h = pick(1, 2),
                            .dilation_w = pick(1, 2),
                            .pad_top = pick(0, 2),
                            .pad_left = pick(0, 3),
                            .in_h = pick(1, 20),
                            .in_w = pick(1, 90)};
    const int64_t eh = g.dilation_h * (g.kernel_h - 1) + 1, ew = g.dilation_w * (g.kernel_w - 1) + 1;
    if (g.in_h + 2 * g.pad_top < eh || g.in_w + 2 * g.pad_left < ew) continue;
    g.out_h = (g.in_h + 2 * g.pad_top - eh) / g.stride_h + 1;
    g.out_w = (g.in_w + 2 * g.pad_left - ew) / g.stride_w + 1;
    g.pad_bottom = (g.out_h - 1) * g.stride_h + eh - g.in_h - g.pad_top;
    g.pad_right = (g.out_w - 1) * g.stride_w + ew - g.in_w - g.pad_left;
    if (g.pad_bottom < 0) g.pad_bottom = 0;
    if (g.pad_right < 0) g.pad_right = 0;
    g.flip = pick(0, 1) ? 0x80 : 0;
    g.zero = (int16_t)pick(0, 255);
    const int64_t n_in = g.in_h * g.in_w, n_out = g.out_h * g.out_w;
    uint8_t *x = malloc((size_t)n_in);
    int8_t w[64];
    float *res = malloc((size_t)n_out * sizeof *res);
    for (int64_t i = 0; i < n_in; i++) x[i] = (uint8_t)pick(0, 255);
    for (int i = 0; i < 64; i++) w[i] = (int8_t)pick(-128, 127);
    for (int64_t i = 0; i < n_out; i++) res[i] = (float)pick(-100, 100) / 100.0f;
    const bool quant = pick(0, 1);
    const oar_q8_dw_channel ch = {.scale = 0.0007f,
                                  .bias = 0.25f,
                                  .lo = -INFINITY,
                                  .hi = INFINITY,
                                  .out_inv_scale = quant ? 40.0f : 0.0f,
                                  .out_zero = 7,
                                  .out_signed = false,
                                  .residual = pick(0, 1) ? res : NULL};
    const size_t scratch = oar_q8_dwconv_scratch_bytes(&g);
    void *ws = oar_aligned_alloc(scratch), *want = malloc((size_t)n_out * 4),
         *got = malloc((size_t)n_out * 4);
    tables[0]->dwconv(&g, x, w, &ch, want, ws);
    for (int t = 1; t < 3; t++) {
      if (!tables[t]) continue;
      tables[t]->dwconv(&g, x, w, &ch, got, ws);
      checked++;
      for (int64_t i = 0; i < n_out; i++) {
        const float a = quant ? (float)((uint8_t *)got)[i] : ((float *)got)[i];
        const float b = quant ? (float)((uint8_t *)want)[i] : ((float *)want)[i];
        /* Exact sums; the float epilogue may differ by an ulp (one step
         * when requantized). */
        if (!(fabsf(a - b) <= (quant ? 1.0f : 5e-7f + 5e-7f * fabsf(b)))) {
          failures++;
          fprintf(stderr,
                  "FAIL %s dwconv k%lldx%lld s%lldx%lld d%lldx%lld p%lld,%lld in %lldx%lld [%lld]: %.9g vs "
                  "%.9g\n",
                  tables[t]->name, (long long)g.kernel_h, (long long)g.kernel_w, (long long)g.stride_h,
                  (long long)g.stride_w, (long long)g.dilation_h, (long long)g.dilation_w,
                  (long long)g.pad_top, (long long)g.pad_left, (long long)g.in_h, (long long)g.in_w,
                  (long long)i, (double)a, (double)b);
          break;
        }
      }
    }
    oar_aligned_free(ws);
    free(x);
    free(res);
    free(want);
    free(got);
  }
  printf("depthwise planes: %d table checks\n", checked);
}

/* ---- the passes on a QDQ graph --------------------------------------------------- */

static void build_qdq(tp_graph *t) {
  tp_input(t, "x", OAR_DTYPE_FLOAT32, "1x16x9x11");
  tp_const_scalar(t, "xs", 1.0f / 100.0f);
  const uint8_t xz = 128, yz = 120;
  tp_const_data(t, "xz", OAR_DTYPE_UINT8, "1", &xz);
  tp_node(t, "quantize_linear", "X=x Scale=xs ZeroPoint=xz", "Out=xq:1x16x9x11/u8");
  tp_node(t, "dequantize_linear", "X=xq Scale=xs ZeroPoint=xz", "Out=xd:1x16x9x11");
  int8_t w[24 * 16 * 9];
  /* From the graph's own generator: both builds get the same filter. */
  for (size_t i = 0; i < sizeof w; i++) w[i] = (int8_t)lrintf(127.0f * tp_rand(t));
  tp_const_data(t, "wq", OAR_DTYPE_INT8, "24x16x3x3", w);
  float ws[24];
  for (int i = 0; i < 24; i++) ws[i] = 0.0001f * (float)(i + 1);
  tp_const_data(t, "ws", OAR_DTYPE_FLOAT32, "24", ws);
  tp_node(t, "dequantize_linear", "X=wq Scale=ws", "Out=wd:24x16x3x3");
  tp_set_i(t, "axis", 0);
  tp_node(t, "conv2d", "Input=xd Filter=wd", "Output=c:1x24x9x11");
  tp_set_ints(t, "paddings", 2, (int64_t[]){1, 1});
  tp_const(t, "b", "24", 0.3f);
  tp_node(t, "elementwise_add", "X=c Y=b", "Out=cb:1x24x9x11");
  tp_set_i(t, "axis", 1);
  tp_const_scalar(t, "ys", 1.0f / 50.0f);
  tp_const_data(t, "yz", OAR_DTYPE_UINT8, "1", &yz);
  tp_node(t, "quantize_linear", "X=cb Scale=ys ZeroPoint=yz", "Out=yq:1x24x9x11/u8");
  tp_node(t, "dequantize_linear", "X=yq Scale=ys ZeroPoint=yz", "Out=y:1x24x9x11");
  tp_output(t, "y");
}

static void build_qdq_matmul(tp_graph *t) {
  tp_input(t, "x", OAR_DTYPE_FLOAT32, "2x5x40");
  tp_const_scalar(t, "xs", 1.0f / 100.0f);
  const int8_t xz = 3;
  tp_const_data(t, "xz", OAR_DTYPE_INT8, "1", &xz);
  tp_node(t, "quantize_linear", "X=x Scale=xs ZeroPoint=xz", "Out=xq:2x5x40/i8");
  tp_node(t, "dequantize_linear", "X=xq Scale=xs ZeroPoint=xz", "Out=xd:2x5x40");
  int8_t w[40 * 70];
  for (size_t i = 0; i < sizeof w; i++) w[i] = (int8_t)lrintf(127.0f * tp_rand(t));
  tp_const_data(t, "wq", OAR_DTYPE_INT8, "40x70", w);
  float ws[70];
  for (int i = 0; i < 70; i++) ws[i] = 0.0005f * (float)(i + 1);
  tp_const_data(t, "ws", OAR_DTYPE_FLOAT32, "70", ws);
  tp_node(t, "dequantize_linear", "X=wq Scale=ws", "Out=wd:40x70");
  tp_set_i(t, "axis", 1);
  tp_node(t, "matmul_v2", "X=xd Y=wd", "Out=m:2x5x70");
  tp_const(t, "b", "70", 0.3f);
  tp_node(t, "elementwise_add", "X=m Y=b", "Out=y:2x5x70");
  tp_output(t, "y");
}

static void check_passes(void) {
  tp_graph *t = tp_new();
  build_qdq(t);
  oar_pass_report *reports;
  int count;
  tp_optimize_for(t, NULL, &reports, &count);
  TP_CHECK(tp_fired(reports, count, "quantize_conv") == 1, "quantize_conv did not fire");
  TP_CHECK(tp_fired(reports, count, "fuse_conv_requantize") == 1, "fuse_conv_requantize did not fire");
  oar_free(reports);
  TP_CHECK(
      tp_count(t, "conv2d_int8") == 1 && tp_count(t, "conv2d") == 0 && tp_count(t, "quantize_linear") == 1,
      "after the passes: %d conv2d_int8, %d conv2d, %d quantize_linear", tp_count(t, "conv2d_int8"),
      tp_count(t, "conv2d"), tp_count(t, "quantize_linear"));
  tp_free(t);
  /* The int8 graph against the float QDQ graph: one output step. */
  t = tp_new();
  build_qdq_matmul(t);
  tp_optimize_for(t, NULL, &reports, &count);
  TP_CHECK(tp_fired(reports, count, "quantize_matmul") == 1, "quantize_matmul did not fire");
  oar_free(reports);
  TP_CHECK(
      tp_count(t, "matmul_int8") == 1 && tp_count(t, "matmul_v2") == 0 && tp_count(t, "elementwise_add") == 0,
      "after the passes: %d matmul_int8, %d matmul_v2, %d elementwise_add", tp_count(t, "matmul_int8"),
      tp_count(t, "matmul_v2"), tp_count(t, "elementwise_add"));
  tp_free(t);
  /* Float products of dequantized values (another summation order) against
   * the exact integer sum: a few ulp of the output. */
  tp_check_pass("qdq matmul + bias", build_qdq_matmul, "quantize_matmul", 1, (const char *const[]){"2x5x40"},
                4, 1e-5f, 1e-5f);
  tp_check_pass("qdq conv 3x3 + bias", build_qdq, "quantize_conv", 1, (const char *const[]){"1x16x9x11"}, 4,
                0.0f, 1.0f / 50.0f * 1.001f);
}

int main(void) {
  oar_threadpool *pool2 = NULL;
  oar_error err;
  if (oar_threadpool_create(2, &pool2, &err) != OAR_OK) tp_fatal("pool", &err);
  for (int isa = OAR_ISA_GENERIC; isa <= OAR_ISA_AVX512; isa++) {
    if (!tp_use_isa(isa)) continue;
    for (int i = 0; i < 120; i++) {
      const qcase q = random_case();
      run_case(&q, (i & 1) ? pool2 : NULL, oar_isa_name((oar_isa)isa));
    }
    for (int i = 0; i < 60; i++) {
      const qmm_case q = random_matmul_case();
      run_matmul_case(&q, (i & 1) ? pool2 : NULL, oar_isa_name((oar_isa)isa));
    }
    for (int i = 0; i < 8; i++)
      run_dynamic_dequantize_case(pick(1, 40), pick(1, 300), (i & 1) ? pool2 : NULL,
                                  oar_isa_name((oar_isa)isa));
  }
  portable_unsetenv("OAR_ISA");
  check_dw_tables();
  check_elementwise_tables();
  check_passes();
  oar_threadpool_destroy(pool2);
  printf("%d cases (%d on the int8 kernel), %d failures; pass checks: %d failures\n", cases, fast_cases,
         failures, tp_failures);
  return failures || tp_failures || fast_cases == 0 ? 1 : 0;
}
