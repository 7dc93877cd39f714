/* Fast kernels against their reference twins, in one plan: each case is a
 * one-op graph planned on 1 or 2 threads with the host's kernels at every
 * ISA level it has (OAR_ISA); the step runs once with its prepared state
 * (the fast kernel, which must be the one expected) and once with the
 * state taken away (the op's plain run function: the reference kernel),
 * and the outputs are compared.
 *
 * Ops: resize_nd (nearest in every nearest_mode, linear; every coordinate
 * mode, exclude_outside, Scales or Sizes, tf_crop_and_resize's Roi and
 * extrapolation value; ranks 3 to 5 with odd sizes); instance_norm_nd,
 * layer_norm_axis and group_norm (ranks 2 to 5, odd sizes, rows shorter
 * and longer than the 16 lanes of the statistics, Scale per element or
 * one value, with and without Bias, the statistics outputs); layout
 * changes to and from NCHW16c, transpose, pad_nd, concat, split, reduce,
 * and the element-wise ops' pattern of an operand kept on leading and
 * trailing dims and broadcast between (an SE scale on NCHW16c).
 *
 * Tolerance policy: copies (nearest, an axis left as it is) are exact; a
 * linear tap is two products and a sum in float against the reference's
 * double, then a blend of two such rows: |fast - ref| <= 4 ulp of the
 * input's magnitude (inputs in [-1, 1]: 5e-7). Normalizations: float
 * partial sums and a float affine step against double throughout: outputs
 * (and Mean, Variance, 1/std) within 1e-5 + 1e-5 relative (inputs, Scale
 * and Bias in [-1, 1]).
 *
 * With --bench, times reference and fast kernels side by side on shapes
 * of real models (medians of interleaved runs) instead. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/threadpool.h"
#include "test_pass_util.h"
#include "portable.h"

static int failures, cases_run, fast_runs;
static bool last_fast; /* the last case ran a fast kernel */

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 32);
}
static int64_t rnd_range(int64_t lo, int64_t hi) { return lo + (int64_t)(rnd() % (uint32_t)(hi - lo + 1)); }

static double now_s(void) { return portable_now_seconds(); }

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Copies of every float32 output of the plan. */
static void grab(const oar_plan *plan, const tp_graph *t, tp_outputs *o) {
  o->count = t->g->num_outputs;
  for (int i = 0; i < o->count; i++) {
    const oar_tensor_view *v = &plan->views[t->g->outputs[i]];
    o->numel[i] = oar_view_numel(v);
    o->data[i] = malloc(((size_t)o->numel[i] + 1) * sizeof(float));
    if (!o->data[i]) tp_fatal("oom", NULL);
    memcpy(o->data[i], v->data, (size_t)o->numel[i] * sizeof(float));
  }
}

/* Puts the prepared states back (fast) or takes them away (reference). */
static void set_states(oar_plan *plan, oar_op_state *const *states, bool fast) {
  for (int i = 0; i < plan->num_steps; i++) plan->step_states[i] = fast ? states[i] : NULL;
}

/* Plans t on `pool` (NULL: 1 thread), runs it fast and reference, checks
 * every step's kernel contains want_kernel (NULL: the reference must run;
 * "?name": name or the reference)
 * and compares within |fast - ref| <= atol + rtol |ref| (NaN equals NaN).
 * With runs > 0 it times both instead, `runs` interleaved runs each, and
 * prints the medians. */
static void check(tp_graph *t, const char *const *shapes, oar_threadpool *pool, const char *what,
                  const char *want_kernel, float rtol, float atol, int runs) {
  if (getenv("FVR_TRACE")) fprintf(stderr, "case %s\n", what);
  tp_inputs in;
  tp_make_inputs(t, shapes, 4, 12345u + (unsigned)cases_run, &in);
  oar_threadpool_set_current(pool);
  oar_plan *plan;
  oar_error err;
  if (oar_plan_create(t->g, in.views, NULL, &plan, &err) != OAR_OK) tp_fatal("plan", &err);
  const int threads = pool ? oar_threadpool_threads(pool) : 1;
  cases_run++;
  enum { MAX_STEPS = 4 };
  if (plan->num_steps < 1 || plan->num_steps > MAX_STEPS) {
    failures++;
    fprintf(stderr, "FAIL %s: %d steps, expected 1 to %d\n", what, plan->num_steps, MAX_STEPS);
    goto done;
  }
  const bool either = want_kernel && want_kernel[0] == '?';
  if (either) want_kernel++;
  oar_op_state *states[MAX_STEPS];
  const char *kernel = "reference";
  bool any_fast = false;
  for (int i = 0; i < plan->num_steps; i++) {
    oar_op_state *sti = states[i] = plan->step_states[i];
    const char *k = sti && sti->kernel ? sti->kernel : "reference";
    if (sti) kernel = k;
    any_fast |= sti != NULL;
    if (!(either && !sti) && (want_kernel ? strstr(k, want_kernel) == NULL : sti != NULL)) {
      failures++;
      fprintf(stderr, "FAIL %s (%d threads): step %d kernel %s, expected %s\n", what, threads, i, k,
              want_kernel ? want_kernel : "reference");
    }
  }
  fast_runs += any_fast;
  last_fast = any_fast;
  if (runs > 0) {
    double *tf = malloc((size_t)runs * sizeof *tf), *tr = malloc((size_t)runs * sizeof *tr);
    if (!tf || !tr) tp_fatal("oom", NULL);
    for (int r = 0; r < runs; r++) {
      double a = now_s();
      set_states(plan, states, true);
      if (oar_plan_run(plan, in.views, &err) != OAR_OK) tp_fatal("run", &err);
      double b = now_s();
      set_states(plan, states, false);
      if (oar_plan_run(plan, in.views, &err) != OAR_OK) tp_fatal("run", &err);
      double c = now_s();
      tf[r] = b - a;
      tr[r] = c - b;
    }
    set_states(plan, states, true);
    const double mf = median(tf, runs), mr = median(tr, runs);
    printf("%-58s %d thr  reference %9.3f ms  fast %8.3f ms  %6.1fx  (%s)\n", what, threads, mr * 1e3,
           mf * 1e3, mr / mf, kernel);
    free(tf);
    free(tr);
    goto done;
  }
  tp_outputs fast, ref;
  if (oar_plan_run(plan, in.views, &err) != OAR_OK) tp_fatal("run", &err);
  grab(plan, t, &fast);
  set_states(plan, states, false);
  if (oar_plan_run(plan, in.views, &err) != OAR_OK) tp_fatal("run", &err);
  set_states(plan, states, true);
  grab(plan, t, &ref);
  for (int i = 0; i < fast.count; i++) {
    int64_t bad = 0, first = -1, nonzero = 0;
    for (int64_t k = 0; k < fast.numel[i]; k++) {
      const float a = fast.data[i][k], b = ref.data[i][k];
      nonzero += b != 0.0f;
      if (isnan(a) && isnan(b)) continue;
      if (!(fabsf(a - b) <= atol + rtol * fabsf(b))) {
        if (first < 0) first = k;
        bad++;
      }
    }
    if (bad) {
      failures++;
      fprintf(stderr,
              "FAIL %s (%d threads, %s): output %d: %lld of %lld values differ, first [%lld] %.9g vs %.9g\n",
              what, threads, kernel, i, (long long)bad, (long long)fast.numel[i], (long long)first,
              (double)fast.data[i][first], (double)ref.data[i][first]);
    }
    if (i == 0 && fast.numel[i] > 4 && nonzero <= fast.numel[i] / 2) {
      failures++;
      fprintf(stderr, "FAIL %s: output is mostly zeros\n", what);
    }
  }
  tp_free_outputs(&fast);
  tp_free_outputs(&ref);
done:
  oar_threadpool_set_current(NULL);
  oar_plan_destroy(plan);
  tp_free_inputs(&in);
}

static void spec_of(int rank, const int64_t *d, char *buf, size_t size) {
  size_t at = 0;
  buf[0] = 0;
  for (int i = 0; i < rank && at < size; i++)
    at += (size_t)snprintf(buf + at, size - at, "%s%lld", i ? "x" : "", (long long)d[i]);
}

/* ---- resize_nd ----------------------------------------------------------- */

static const char *const coord_names[] = {"half_pixel",        "half_pixel_symmetric", "pytorch_half_pixel",
                                          "align_corners",     "asymmetric",           "tf_half_pixel_for_nn",
                                          "tf_crop_and_resize"};

static int rz_coverage[2][7]; /* fast runs per mode and coordinate mode */

typedef struct rz_case {
  int rank;
  int64_t in[OAR_MAX_RANK], out[OAR_MAX_RANK];
  double scales[OAR_MAX_RANK];
  bool use_scales;
  int mode, coord, nearest_mode, exclude_outside;
  float roi[2 * OAR_MAX_RANK];
  float extrapolation;
} rz_case;

static tp_graph *rz_graph(const rz_case *c) {
  tp_graph *t = tp_new();
  char xs[96], ys[128], ins[160];
  spec_of(c->rank, c->in, xs, sizeof xs);
  tp_input(t, "x", OAR_DTYPE_FLOAT32, xs);
  char rank_s[8];
  snprintf(rank_s, sizeof rank_s, "%d", c->rank);
  char roi_s[8];
  snprintf(roi_s, sizeof roi_s, "%d", 2 * c->rank);
  snprintf(ins, sizeof ins, "X=x");
  if (c->coord == 6) {
    tp_const_data(t, "roi", OAR_DTYPE_FLOAT32, roi_s, c->roi);
    strcat(ins, " Roi=roi");
  }
  if (c->use_scales) {
    float s[OAR_MAX_RANK];
    for (int i = 0; i < c->rank; i++) s[i] = (float)c->scales[i];
    tp_const_data(t, "scales", OAR_DTYPE_FLOAT32, rank_s, s);
    strcat(ins, " Scales=scales");
  } else {
    tp_const_data(t, "sizes", OAR_DTYPE_INT64, rank_s, c->out);
    strcat(ins, " Sizes=sizes");
  }
  char outs[160];
  spec_of(c->rank, c->out, ys, sizeof ys);
  snprintf(outs, sizeof outs, "Y=y:%s", ys);
  tp_node(t, "resize_nd", ins, outs);
  tp_set_i(t, "mode", c->mode);
  tp_set_i(t, "coordinate_transformation_mode", c->coord);
  tp_set_i(t, "nearest_mode", c->nearest_mode);
  tp_set_i(t, "exclude_outside", c->exclude_outside);
  tp_set_f(t, "extrapolation_value", c->extrapolation);
  tp_output(t, "y");
  return t;
}

/* want: 0 the reference, 1 the fast kernel, 2 either. */
static void rz_run(const rz_case *c, oar_threadpool *pool, int want, int runs) {
  tp_graph *t = rz_graph(c);
  char xs[96], ys[96], what[256];
  spec_of(c->rank, c->in, xs, sizeof xs);
  spec_of(c->rank, c->out, ys, sizeof ys);
  snprintf(what, sizeof what, "resize %s %s->%s %s%s%s", c->mode ? "linear" : "nearest", xs, ys,
           coord_names[c->coord], c->exclude_outside ? " exclude_outside" : "",
           c->use_scales ? " scales" : "");
  const char *shapes[] = {xs};
  check(t, shapes, pool, what, want == 0 ? NULL : want == 1 ? "resize" : "?resize", 4e-7f, 5e-7f, runs);
  tp_free(t);
}

static void rz_random(oar_threadpool *pool) {
  rz_case c = {0};
  c.rank = 3 + (int)(rnd() % 3);
  for (int d = 0; d < c.rank; d++) {
    const bool resized = d >= c.rank - 2 || (c.rank == 5 && d == 2 && rnd() % 4 == 0);
    c.in[d] = d == 0 ? rnd_range(1, 2) : d < c.rank - 2 ? rnd_range(1, 5) : rnd_range(1, 19);
    c.scales[d] = 1.0;
    c.out[d] = c.in[d];
    if (resized && rnd() % 6) {
      static const double factors[] = {2.0, 3.0, 0.5, 1.5, 0.75, 1.7, 4.0, 8.0, 0.3};
      c.scales[d] = factors[rnd() % 9];
      c.out[d] = (int64_t)floor((double)c.in[d] * c.scales[d]);
      if (c.out[d] == 0) {
        c.scales[d] = 2.0;
        c.out[d] = 2 * c.in[d];
      }
    }
  }
  c.use_scales = rnd() % 2;
  if (!c.use_scales)
    for (int d = c.rank - 2; d < c.rank; d++)
      if (rnd() % 3 == 0) c.out[d] = rnd_range(1, 23); /* any size, not a multiple */
  c.mode = (int)(rnd() % 2);
  c.coord = (int)(rnd() % 7);
  c.nearest_mode = (int)(rnd() % 4);
  c.exclude_outside = rnd() % 4 == 0;
  c.extrapolation = 0.5f + (float)(rnd() % 3); /* not 0: the output would be mostly zeros */
  for (int d = 0; d < c.rank; d++) {
    const bool inner = d >= c.rank - 2;
    c.roi[d] = inner ? (float)((int)(rnd() % 9) - 2) / 10.0f : 0.0f;
    c.roi[c.rank + d] = inner ? 0.6f + (float)(rnd() % 7) / 10.0f : 1.0f;
  }
  if (c.coord == 6)
    for (int d = 0; d < c.rank - 2; d++) {
      c.in[d] = c.out[d] = 1;
      c.scales[d] = 1.0;
    }
  /* A resized leading dim sends the case to the reference (and cubic, not
   * drawn here); tf_half_pixel_for_nn moves an unresized dim by half a
   * pixel, which the ceil nearest modes turn into a shift. */
  bool same = true;
  for (int d = 0; d < c.rank - 2; d++) same &= c.out[d] == c.in[d];
  rz_run(&c, pool, !same ? 0 : c.coord == 5 ? 2 : 1, 0);
  if (last_fast) rz_coverage[c.mode][c.coord]++;
}

static void rz_bench(oar_threadpool *pool) {
  const int runs = 21;
  rz_case c = {.rank = 4, .in = {1, 96, 40, 40}, .out = {1, 96, 80, 80}, .mode = 0, .coord = 4};
  rz_run(&c, pool, 1, runs);
  rz_case b = {.rank = 4, .in = {1, 19, 64, 128}, .out = {1, 19, 512, 1024}, .mode = 1, .coord = 0};
  rz_run(&b, pool, 1, 5);
  rz_case a = {.rank = 4, .in = {1, 128, 20, 20}, .out = {1, 128, 40, 40}, .mode = 1, .coord = 3};
  rz_run(&a, pool, 1, runs);
}

/* ---- row normalizations ------------------------------------------------ */

/* op 0 instance_norm_nd, 1 layer_norm_axis, 2 group_norm, 3 layer_norm
 * (Paddle's: begin_norm_axis), 4 skip_layernorm. scale_n: values
 * of Scale (0: none); with_bias, stats: Bias given, statistics outputs
 * bound. */
typedef struct nm_case {
  int op, rank;
  int64_t dims[OAR_MAX_RANK];
  int64_t axis, groups, scale_n;
  bool with_bias, stats;
  bool nhwc; /* group_norm: channels last */
} nm_case;

static const char *const nm_ops[] = {"instance_norm_nd", "layer_norm_axis", "group_norm", "layer_norm",
                                     "skip_layernorm"};
static int nm_coverage[5], nm_nhwc_runs;

static void nm_run(const nm_case *c, oar_threadpool *pool, int runs) {
  tp_graph *t = tp_new();
  char xs[96], what[256], ins[128], outs[128], ns[24];
  spec_of(c->rank, c->dims, xs, sizeof xs);
  tp_input(t, "x", OAR_DTYPE_FLOAT32, xs);
  if (c->op == 4) tp_input(t, "r", OAR_DTYPE_FLOAT32, xs);
  snprintf(ns, sizeof ns, "%lld", (long long)c->scale_n);
  const char *bias_slot = c->op >= 2 ? "Bias" : "B";
  snprintf(ins, sizeof ins, c->op == 4 ? "X=x Y=r" : "X=x");
  if (c->scale_n) {
    tp_const(t, "s", ns, 1.0f);
    strcat(ins, " Scale=s");
  }
  if (c->with_bias) {
    tp_const(t, "b", ns, 1.0f);
    snprintf(ins + strlen(ins), sizeof ins - strlen(ins), " %s=b", bias_slot);
  }
  int64_t rows = c->dims[0];
  if (c->op == 1 || c->op >= 3) {
    rows = 1;
    for (int d = 0; d < (c->axis < 0 ? c->axis + c->rank : c->axis); d++) rows *= c->dims[d];
  } else {
    rows *= c->op == 0 ? c->dims[1] : c->groups;
  }
  snprintf(outs, sizeof outs, "%s=y:%s", c->op == 4 ? "Out" : "Y", xs);
  if (c->stats)
    snprintf(outs + strlen(outs), sizeof outs - strlen(outs), " Mean=m:%lld %s=v:%lld", (long long)rows,
             c->op == 1 ? "InvStdDev" : "Variance", (long long)rows);
  tp_node(t, nm_ops[c->op], ins, outs);
  tp_set_f(t, "epsilon", 1e-5);
  if (c->op == 1) tp_set_i(t, "axis", c->axis);
  if (c->op == 2) tp_set_i(t, "groups", c->groups);
  if (c->nhwc) tp_set_s(t, "data_layout", "NHWC");
  if (c->op >= 3) tp_set_i(t, "begin_norm_axis", c->axis);
  tp_output(t, "y");
  if (c->stats) {
    tp_output(t, "m");
    tp_output(t, "v");
  }
  snprintf(what, sizeof what, "%s %s axis %lld groups %lld scale %lld%s%s", nm_ops[c->op], xs,
           (long long)c->axis, (long long)c->groups, (long long)c->scale_n, c->with_bias ? " bias" : "",
           c->stats ? " stats" : "");
  const char *shapes[] = {xs, xs};
  /* layer_norm and skip_layernorm run the reference's rows: bit for bit. */
  const float tol = c->op >= 3 ? 0.0f : 1e-5f;
  check(t, shapes, pool, what,
        c->op == 3   ? "layer_norm rows"
        : c->op == 4 ? "skip_layernorm rows"
        : c->nhwc    ? "group norm nhwc"
                     : "norm rows",
        tol, tol, runs);
  if (c->nhwc) nm_nhwc_runs += last_fast;
  nm_coverage[c->op] += last_fast;
  tp_free(t);
}

static void nm_random(oar_threadpool *pool) {
  nm_case c = {.op = (int)(rnd() % 5)};
  c.rank = c.op == 1 || c.op >= 3 ? 2 + (int)(rnd() % 3) : 3 + (int)(rnd() % 3);
  for (int d = 0; d < c.rank; d++) c.dims[d] = d == 0 ? rnd_range(1, 3) : rnd_range(1, 13);
  /* Rows of one value normalize to 0 (bias aside): the last dim is >= 2. */
  c.dims[c.rank - 1] = rnd() % 5 == 0 ? rnd_range(17, 70) /* rows past the 16 lanes */ : rnd_range(2, 13);
  if (c.op == 2) {
    c.groups = rnd_range(1, 4);
    c.nhwc = rnd() % 2;
    c.dims[c.nhwc ? c.rank - 1 : 1] = c.groups * rnd_range(1, 5);
  }
  int64_t n = 1;
  if (c.op == 1 || c.op >= 3) {
    const int a = 1 + (int)(rnd() % (unsigned)(c.rank - 1));
    c.axis = rnd() % 2 ? a : a - c.rank;
    for (int d = a; d < c.rank; d++) n *= c.dims[d];
  }
  c.scale_n = c.op == 1                     ? (rnd() % 4 == 0 ? 1 : n)
              : c.op >= 3                   ? (rnd() % 4 == 0 ? 0 : n)
              : c.op == 2 && rnd() % 4 == 0 ? 0
              : c.nhwc                      ? c.dims[c.rank - 1]
                                            : c.dims[1];
  c.with_bias = c.scale_n && rnd() % 3 != 0;
  c.stats = c.op != 0 && c.op != 4 && rnd() % 2;
  nm_run(&c, pool, 0);
}

static void nm_bench(oar_threadpool *pool) {
  nm_case ln = {.op = 1, .rank = 3, .dims = {1, 128, 768}, .axis = -1, .scale_n = 768, .with_bias = true};
  nm_run(&ln, pool, 51);
  nm_case gn = {.op = 2, .rank = 4, .dims = {1, 64, 56, 56}, .groups = 32, .scale_n = 64, .with_bias = true};
  nm_run(&gn, pool, 51);
  nm_case gh = {.op = 2,
                .rank = 4,
                .dims = {1, 56, 56, 64},
                .groups = 32,
                .scale_n = 64,
                .with_bias = true,
                .nhwc = true};
  nm_run(&gh, pool, 51);
  nm_case in = {.op = 0, .rank = 4, .dims = {1, 64, 56, 56}, .scale_n = 64, .with_bias = true};
  nm_run(&in, pool, 51);
  nm_case pln = {.op = 3, .rank = 3, .dims = {1, 128, 768}, .axis = 2, .scale_n = 768, .with_bias = true};
  nm_run(&pln, pool, 51);
  nm_case sln = {.op = 4, .rank = 3, .dims = {1, 128, 768}, .axis = 2, .scale_n = 768, .with_bias = true};
  nm_run(&sln, pool, 51);
}

/* ---- layout changes and transposes -------------------------------------- */

/* x [n, c, h, w] -> layout_to_blocked -> b -> layout_from_blocked -> y;
 * both b (padding lanes included) and y are compared, exactly. */
static void lt_run(int64_t n, int64_t c, int64_t h, int64_t w, oar_threadpool *pool, int runs) {
  tp_graph *t = tp_new();
  char xs[64], bs[80], what[128];
  snprintf(xs, sizeof xs, "%lldx%lldx%lldx%lld", (long long)n, (long long)c, (long long)h, (long long)w);
  snprintf(bs, sizeof bs, "b:%lldx%lldx%lldx%lldx16", (long long)n, (long long)((c + 15) / 16), (long long)h,
           (long long)w);
  tp_input(t, "x", OAR_DTYPE_FLOAT32, xs);
  char outs[96];
  snprintf(outs, sizeof outs, "Out=%s", bs);
  tp_node(t, "layout_to_blocked", "X=x", outs);
  snprintf(outs, sizeof outs, "Out=y:%s", xs);
  tp_node(t, "layout_from_blocked", "X=b", outs);
  tp_set_i(t, "channels", c);
  tp_output(t, "y"); /* first: the zeros check looks at output 0 (b has zero padding lanes) */
  tp_output(t, "b");
  snprintf(what, sizeof what, "layout to/from nchw16c %s", xs);
  const char *shapes[] = {xs};
  check(t, shapes, pool, what, "tiles", 0.0f, 0.0f, runs);
  tp_free(t);
}

/* transpose (or transpose2) of x [dims] by perm; want as for check(). */
static void tr_run(int rank, const int64_t *dims, const int64_t *perm, bool v2, oar_threadpool *pool,
                   const char *want, int runs) {
  tp_graph *t = tp_new();
  char xs[96], ys[96], what[200], outs[128];
  int64_t od[OAR_MAX_RANK];
  for (int i = 0; i < rank; i++) od[i] = dims[perm[i]];
  spec_of(rank, dims, xs, sizeof xs);
  spec_of(rank, od, ys, sizeof ys);
  tp_input(t, "x", OAR_DTYPE_FLOAT32, xs);
  snprintf(outs, sizeof outs, "Out=y:%s", ys);
  tp_node(t, v2 ? "transpose2" : "transpose", "X=x", outs);
  tp_set_ints(t, "axis", rank, perm);
  tp_output(t, "y");
  size_t at = (size_t)snprintf(what, sizeof what, "transpose %s perm", xs);
  for (int i = 0; i < rank; i++)
    at += (size_t)snprintf(what + at, sizeof what - at, " %lld", (long long)perm[i]);
  const char *shapes[] = {xs};
  check(t, shapes, pool, what, want, 0.0f, 0.0f, runs);
  tp_free(t);
}

static int tr_coverage[2]; /* fast runs: rows, tiles */

static void tr_random(oar_threadpool *pool) {
  const int rank = 2 + (int)(rnd() % 4);
  int64_t dims[OAR_MAX_RANK], perm[OAR_MAX_RANK];
  for (int i = 0; i < rank; i++) {
    dims[i] = rnd() % 6 == 0 ? 1 : rnd_range(2, rank <= 3 ? 40 : 9);
    perm[i] = i;
  }
  for (int i = rank - 1; i > 0; i--) {
    const int k = (int)(rnd() % (unsigned)(i + 1));
    const int64_t v = perm[i];
    perm[i] = perm[k];
    perm[k] = v;
  }
  tr_run(rank, dims, perm, rnd() % 2, pool, "?transpose", 0);
  if (last_fast) tr_coverage[perm[rank - 1] == rank - 1 || dims[rank - 1] == 1 ? 0 : 1]++;
}

/* ---- pad_nd ----------------------------------------------------------------- */

static const char *const pad_modes[] = {"constant", "reflect", "edge", "wrap"};
static int pad_coverage[4];

static void pad_run(int rank, const int64_t *dims, const int64_t *pads, int mode, bool with_value,
                    oar_threadpool *pool, int runs) {
  tp_graph *t = tp_new();
  char xs[96], ys[96], what[200], outs[128], ps[8];
  int64_t od[OAR_MAX_RANK];
  for (int i = 0; i < rank; i++) od[i] = dims[i] + pads[i] + pads[rank + i];
  spec_of(rank, dims, xs, sizeof xs);
  spec_of(rank, od, ys, sizeof ys);
  snprintf(ps, sizeof ps, "%d", 2 * rank);
  tp_input(t, "x", OAR_DTYPE_FLOAT32, xs);
  tp_const_data(t, "pads", OAR_DTYPE_INT64, ps, pads);
  if (with_value) tp_const_scalar(t, "v", 0.75f);
  snprintf(outs, sizeof outs, "Out=y:%s", ys);
  tp_node(t, "pad_nd", with_value ? "X=x Pads=pads Value=v" : "X=x Pads=pads", outs);
  tp_set_i(t, "mode", mode);
  tp_output(t, "y");
  size_t at = (size_t)snprintf(what, sizeof what, "pad %s %s pads", pad_modes[mode], xs);
  for (int i = 0; i < 2 * rank; i++)
    at += (size_t)snprintf(what + at, sizeof what - at, " %lld", (long long)pads[i]);
  const char *shapes[] = {xs};
  check(t, shapes, pool, what, "pad rows", 0.0f, 0.0f, runs);
  pad_coverage[mode] += last_fast;
  tp_free(t);
}

static void pad_random(oar_threadpool *pool) {
  const int rank = 1 + (int)(rnd() % 4);
  int64_t dims[OAR_MAX_RANK], pads[2 * OAR_MAX_RANK];
  const int mode = (int)(rnd() % 4);
  for (int i = 0; i < rank; i++) {
    dims[i] = rnd_range(1, rank <= 2 ? 40 : 9);
    for (int k = 0; k < 2; k++) {
      /* Reflect pads at most n - 1 in ONNX; negative pads crop (at most
       * half of the dim each side). */
      int64_t v = rnd() % 4 == 0 ? 0 : rnd_range(0, mode == 1 ? dims[i] - 1 : 5);
      if (rnd() % 6 == 0) v = -rnd_range(0, dims[i] / 2 - (k ? 0 : 0) > 0 ? dims[i] / 2 - 1 : 0);
      pads[k * rank + i] = v;
    }
    if (dims[i] + pads[i] + pads[rank + i] <= 0) pads[i] = pads[rank + i] = 0;
  }
  /* A Value (not 0) in constant mode: mostly padded outputs are not mostly zeros. */
  pad_run(rank, dims, pads, mode, mode == 0, pool, 0);
}

/* ---- concat ----------------------------------------------------------------- */

/* n inputs of dims with dim `axis` replaced by sizes[i]. */
static void cc_run(int rank, const int64_t *dims, int axis, int n, const int64_t *sizes, oar_threadpool *pool,
                   const char *want, int runs) {
  tp_graph *t = tp_new();
  char specs[8][96], ys[96], what[200], ins[256] = "", outs[128];
  const char *shapes[8];
  int64_t d[OAR_MAX_RANK], total = 0;
  for (int i = 0; i < n; i++) {
    for (int k = 0; k < rank; k++) d[k] = k == axis ? sizes[i] : dims[k];
    spec_of(rank, d, specs[i], sizeof specs[i]);
    shapes[i] = specs[i];
    char name[8];
    snprintf(name, sizeof name, "x%d", i);
    tp_input(t, name, OAR_DTYPE_FLOAT32, specs[i]);
    snprintf(ins + strlen(ins), sizeof ins - strlen(ins), "%sX=%s", i ? " " : "", name);
    total += sizes[i];
  }
  for (int k = 0; k < rank; k++) d[k] = k == axis ? total : dims[k];
  spec_of(rank, d, ys, sizeof ys);
  snprintf(outs, sizeof outs, "Out=y:%s", ys);
  tp_node(t, "concat", ins, outs);
  tp_set_i(t, "axis", axis);
  tp_output(t, "y");
  snprintf(what, sizeof what, "concat %d inputs -> %s axis %d", n, ys, axis);
  check(t, shapes, pool, what, want, 0.0f, 0.0f, runs);
  tp_free(t);
}

/* x (dims with dim `axis` the sum of sizes) split into n outputs. */
static void sp_run(int rank, const int64_t *dims, int axis, int n, const int64_t *sizes, oar_threadpool *pool,
                   const char *want, int runs) {
  tp_graph *t = tp_new();
  char xs[96], spec[96], what[200], outs[512] = "";
  int64_t d[OAR_MAX_RANK], total = 0;
  for (int i = 0; i < n; i++) total += sizes[i];
  for (int k = 0; k < rank; k++) d[k] = k == axis ? total : dims[k];
  spec_of(rank, d, xs, sizeof xs);
  tp_input(t, "x", OAR_DTYPE_FLOAT32, xs);
  for (int i = 0; i < n; i++) {
    d[axis] = sizes[i];
    spec_of(rank, d, spec, sizeof spec);
    snprintf(outs + strlen(outs), sizeof outs - strlen(outs), "%sOut=y%d:%s", i ? " " : "", i, spec);
  }
  tp_node(t, "split", "X=x", outs);
  tp_set_i(t, "axis", axis);
  tp_set_ints(t, "sections", n, sizes);
  for (int i = 0; i < n; i++) {
    char name[8];
    snprintf(name, sizeof name, "y%d", i);
    tp_output(t, name);
  }
  snprintf(what, sizeof what, "split %s axis %d into %d", xs, axis, n);
  const char *shapes[] = {xs};
  check(t, shapes, pool, what, want, 0.0f, 0.0f, runs);
  tp_free(t);
}

/* ---- element-wise with b kept on leading and trailing dims --------------- */

/* op(x, y) with x [xd] and y [yd] (numpy broadcasting, same rank). */
static void ew_run(const char *op, int rank, const int64_t *xd, const int64_t *yd, oar_threadpool *pool,
                   const char *want, int runs) {
  tp_graph *t = tp_new();
  char xs[96], ys[96], zs[96], what[200], outs[128];
  int64_t zd[OAR_MAX_RANK];
  for (int i = 0; i < rank; i++) zd[i] = xd[i] > yd[i] ? xd[i] : yd[i];
  spec_of(rank, xd, xs, sizeof xs);
  spec_of(rank, yd, ys, sizeof ys);
  spec_of(rank, zd, zs, sizeof zs);
  tp_input(t, "x", OAR_DTYPE_FLOAT32, xs);
  tp_input(t, "y", OAR_DTYPE_FLOAT32, ys);
  snprintf(outs, sizeof outs, "Out=z:%s", zs);
  tp_node(t, op, "X=x Y=y", outs);
  tp_set_i(t, "axis", -1);
  tp_output(t, "z");
  snprintf(what, sizeof what, "%s %s with %s", op, xs, ys);
  const char *shapes[] = {xs, ys};
  check(t, shapes, pool, what, want, 0.0f, 0.0f, runs);
  tp_free(t);
}

/* ---- reduce ---------------------------------------------------------------- */

static const char *const red_funcs[] = {"sum", "mean",    "max",         "min",        "prod", "l1",
                                        "l2",  "log_sum", "log_sum_exp", "sum_square", "lp"};
static int red_coverage[2]; /* fast runs: rows, columns */

static void red_run(int rank, const int64_t *dims, const bool *reduced, int func, bool keep,
                    oar_threadpool *pool, const char *want, int runs) {
  tp_graph *t = tp_new();
  char xs[96], ys[96], what[200], outs[128];
  int64_t od[OAR_MAX_RANK], axes[OAR_MAX_RANK];
  int orank = 0, na = 0;
  for (int i = 0; i < rank; i++) {
    if (reduced[i]) axes[na++] = rnd() % 2 ? i : i - rank;
    if (!reduced[i] || keep) od[orank++] = reduced[i] ? 1 : dims[i];
  }
  spec_of(rank, dims, xs, sizeof xs);
  spec_of(orank, od, ys, sizeof ys);
  tp_input(t, "x", OAR_DTYPE_FLOAT32, xs);
  snprintf(outs, sizeof outs, "Out=y:%s", ys);
  tp_node(t, "reduce", "X=x", outs);
  tp_set_i(t, "func", func);
  tp_set_ints(t, "axes", na, axes);
  tp_set_i(t, "keepdims", keep);
  tp_output(t, "y");
  size_t at = (size_t)snprintf(what, sizeof what, "reduce %s %s axes", red_funcs[func], xs);
  for (int i = 0; i < na; i++)
    at += (size_t)snprintf(what + at, sizeof what - at, " %lld", (long long)axes[i]);
  const char *shapes[] = {xs};
  check(t, shapes, pool, what, want, 1e-5f, 2e-5f, runs);
  tp_free(t);
}

static void red_random(oar_threadpool *pool) {
  const int rank = 1 + (int)(rnd() % 4);
  int64_t dims[OAR_MAX_RANK];
  bool reduced[OAR_MAX_RANK];
  int nred = 0;
  for (int i = 0; i < rank; i++) {
    dims[i] = rnd() % 6 == 0 ? 1 : rnd_range(2, rank <= 2 ? 300 : 17);
    reduced[i] = rnd() % 2;
    nred += reduced[i];
  }
  if (!nred) reduced[rnd() % (unsigned)rank] = true;
  static const int funcs[] = {0, 1, 2, 3, 5, 6, 9, 8, 10}; /* log_sum_exp, lp: the reference */
  const int func = funcs[rnd() % 9];
  /* The fast path: one run of reduced dims (size-1 dims aside), a func it has. */
  int phase = 0;
  bool one_run = true, any = false;
  for (int i = 0; i < rank; i++) {
    if (dims[i] == 1) continue;
    if (reduced[i]) {
      any = true;
      one_run &= phase != 2;
      phase = 1;
    } else if (phase == 1) {
      phase = 2;
    }
  }
  const bool fast_func = func != 8 && func != 10;
  red_run(rank, dims, reduced, func, rnd() % 2, pool, one_run && any && fast_func ? "reduce" : NULL, 0);
  if (last_fast) {
    bool inner = false;
    for (int i = rank - 1; i >= 0 && !reduced[i]; i--) inner |= dims[i] > 1;
    red_coverage[inner]++;
  }
}

int main(int argc, char **argv) {
  const bool bench = argc > 1 && strcmp(argv[1], "--bench") == 0;
  oar_threadpool *pool2 = NULL;
  oar_error err;
  if (oar_threadpool_create(2, &pool2, &err) != OAR_OK) tp_fatal("thread pool", &err);
  if (bench) {
    for (int k = 0; k < 2; k++) {
      rz_bench(k ? pool2 : NULL);
      nm_bench(k ? pool2 : NULL);
      lt_run(1, 96, 80, 80, k ? pool2 : NULL, 51);
      lt_run(1, 24, 160, 160, k ? pool2 : NULL, 51);
      cc_run(4, (const int64_t[]){1, 0, 80, 80}, 1, 4, (const int64_t[]){24, 24, 24, 24}, k ? pool2 : NULL,
             k ? "concat rows" : NULL, 51);
      sp_run(4, (const int64_t[]){1, 0, 80, 80}, 1, 4, (const int64_t[]){24, 24, 24, 24}, k ? pool2 : NULL,
             k ? "split rows" : NULL, 51);
      ew_run("elementwise_mul", 5, (const int64_t[]){1, 6, 28, 28, 16}, (const int64_t[]){1, 6, 1, 1, 16},
             k ? pool2 : NULL, "elementwise vector", 51);
      pad_run(4, (const int64_t[]){1, 64, 80, 80}, (const int64_t[]){0, 0, 1, 1, 0, 0, 1, 1}, 0, false,
              k ? pool2 : NULL, 51);
      pad_run(4, (const int64_t[]){1, 64, 80, 80}, (const int64_t[]){0, 0, 2, 2, 0, 0, 2, 2}, 1, false,
              k ? pool2 : NULL, 51);
      red_run(3, (const int64_t[]){1, 128, 768}, (const bool[]){false, false, true}, 1, true,
              k ? pool2 : NULL, "reduce", 51);
      red_run(4, (const int64_t[]){1, 256, 56, 56}, (const bool[]){false, false, true, true}, 1, true,
              k ? pool2 : NULL, "reduce", 51);
      red_run(4, (const int64_t[]){1, 19, 128, 256}, (const bool[]){false, true, false, false}, 2, false,
              k ? pool2 : NULL, "reduce", 51);
      tr_run(4, (const int64_t[]){1, 128, 12, 64}, (const int64_t[]){0, 2, 1, 3}, true, k ? pool2 : NULL,
             "?rows", 51);
      tr_run(4, (const int64_t[]){1, 96, 80, 80}, (const int64_t[]){0, 2, 3, 1}, true, k ? pool2 : NULL,
             "tiles", 51);
      tr_run(3, (const int64_t[]){1, 6400, 96}, (const int64_t[]){0, 2, 1}, false, k ? pool2 : NULL, "tiles",
             51);
    }
    oar_threadpool_destroy(pool2);
    return 0;
  }
  for (int isa = OAR_ISA_GENERIC; isa < OAR_ISA_COUNT; isa++) {
    if (!tp_use_isa(isa)) continue;
    const int before = cases_run, fast_before = fast_runs;
    for (int k = 0; k < 400; k++) rz_random(k % 3 == 2 ? pool2 : NULL);
    /* Large enough to be split over threads. */
    rz_case big = {.rank = 4, .in = {1, 7, 33, 45}, .out = {1, 7, 101, 133}, .mode = 1, .coord = 0};
    rz_run(&big, pool2, 1, 0);
    big.mode = 0;
    big.coord = 4;
    rz_run(&big, pool2, 1, 0);
    big.coord = 6;
    big.roi[2] = 0.1f;
    big.roi[3] = -0.2f;
    big.roi[4 + 0] = big.roi[4 + 1] = 1.0f;
    big.roi[4 + 2] = 0.9f;
    big.roi[4 + 3] = 1.3f;
    big.extrapolation = 7.0f;
    rz_run(&big, pool2, 1, 0);
    for (int m = 0; m < 2; m++)
      for (int k = 0; k < 7; k++)
        if (!rz_coverage[m][k]) {
          failures++;
          fprintf(stderr, "FAIL resize: no %s %s case ran the fast kernel\n", m ? "linear" : "nearest",
                  coord_names[k]);
        }
    memset(rz_coverage, 0, sizeof rz_coverage);
    for (int k = 0; k < 300; k++) nm_random(k % 3 == 2 ? pool2 : NULL);
    /* Large enough to be split over threads. */
    nm_case gn = {.op = 2, .rank = 4, .dims = {2, 12, 37, 41}, .groups = 3, .scale_n = 12, .stats = true};
    nm_run(&gn, pool2, 0);
    nm_case gnh = {
        .op = 2, .rank = 4, .dims = {3, 37, 41, 12}, .groups = 3, .scale_n = 12, .stats = true, .nhwc = true};
    nm_run(&gnh, pool2, 0);
    nm_case ln = {.op = 1, .rank = 3, .dims = {3, 77, 301}, .axis = 2, .scale_n = 301, .with_bias = true};
    nm_run(&ln, pool2, 0);
    nm_case in = {.op = 0, .rank = 4, .dims = {1, 9, 61, 59}, .scale_n = 9, .with_bias = true};
    nm_run(&in, pool2, 0);
    for (int k = 0; k < 5; k++)
      if (!nm_coverage[k]) {
        failures++;
        fprintf(stderr, "FAIL %s never ran the fast kernel\n", nm_ops[k]);
      }
    if (!nm_nhwc_runs) {
      failures++;
      fprintf(stderr, "FAIL group_norm NHWC never ran the fast kernel\n");
    }
    nm_nhwc_runs = 0;
    memset(nm_coverage, 0, sizeof nm_coverage);
    for (int k = 0; k < 60; k++)
      lt_run(rnd_range(1, 2), rnd_range(1, 40), rnd_range(1, 19), rnd_range(1, 23), k % 3 == 2 ? pool2 : NULL,
             0);
    lt_run(1, 33, 45, 47, pool2, 0); /* split over threads, chunks with tails */
    for (int k = 0; k < 200; k++) tr_random(k % 3 == 2 ? pool2 : NULL);
    for (int k = 0; k < 200; k++) pad_random(k % 3 == 2 ? pool2 : NULL);
    pad_run(4, (const int64_t[]){1, 13, 61, 67}, (const int64_t[]){0, 0, 1, 2, 0, 0, 3, 1}, 0, true, pool2,
            0);
    pad_run(4, (const int64_t[]){1, 13, 61, 67}, (const int64_t[]){0, 0, 3, 3, 0, 0, 3, 3}, 1, false, pool2,
            0);
    for (int k = 0; k < 4; k++)
      if (!pad_coverage[k]) {
        failures++;
        fprintf(stderr, "FAIL pad_nd: mode %s never ran the fast kernel\n", pad_modes[k]);
      }
    memset(pad_coverage, 0, sizeof pad_coverage);
    /* concat has a state only on 2+ threads and 256 KiB or more. */
    for (int k = 0; k < 40; k++) {
      const int rank = 1 + (int)(rnd() % 4), n = 1 + (int)(rnd() % 4);
      int64_t dims[OAR_MAX_RANK], sizes[4];
      for (int i = 0; i < rank; i++) dims[i] = rnd_range(1, rank <= 2 ? 300 : 40);
      for (int i = 0; i < n; i++) sizes[i] = rnd() % 8 == 0 ? 0 : rnd_range(1, rank <= 2 ? 300 : 40);
      if (sizes[0] == 0) sizes[0] = 1;
      cc_run(rank, dims, (int)(rnd() % (unsigned)rank), n, sizes, k % 2 ? pool2 : NULL,
             k % 2 ? "?concat" : NULL, 0);
      sp_run(rank, dims, (int)(rnd() % (unsigned)rank), n, sizes, k % 2 ? pool2 : NULL,
             k % 2 ? "?split" : NULL, 0);
    }
    cc_run(4, (const int64_t[]){1, 0, 83, 81}, 1, 4, (const int64_t[]){7, 0, 5, 11}, pool2, "concat rows", 0);
    cc_run(3, (const int64_t[]){97, 0, 1031}, 1, 3, (const int64_t[]){1, 2, 3}, pool2, "concat rows", 0);
    cc_run(2, (const int64_t[]){0, 70001}, 0, 2, (const int64_t[]){1, 3}, pool2, "concat rows", 0);
    sp_run(4, (const int64_t[]){1, 0, 83, 81}, 1, 4, (const int64_t[]){7, 0, 5, 11}, pool2, "split rows", 0);
    sp_run(3, (const int64_t[]){97, 0, 1031}, 1, 3, (const int64_t[]){1, 2, 3}, pool2, "split rows", 0);
    /* y (or x) kept on leading and trailing dims, broadcast between: the
     * SE scale of a blocked tensor, and odd shapes of the same pattern. */
    static const char *const ew_ops[] = {"elementwise_add", "elementwise_sub", "elementwise_mul",
                                         "elementwise_div", "elementwise_max", "elementwise_min"};
    for (int k = 0; k < 24; k++) {
      const int64_t c = rnd_range(1, 5), h = rnd_range(2, 9), w = rnd_range(1, 9), l = rnd_range(2, 17);
      const int64_t full[5] = {rnd_range(1, 2), c, h, w, l}, small[5] = {full[0], c, 1, 1, l};
      const bool swap = k % 2;
      ew_run(ew_ops[k % 6], 5, swap ? small : full, swap ? full : small, k % 3 == 2 ? pool2 : NULL,
             "elementwise vector", 0);
    }
    ew_run("elementwise_mul", 5, (const int64_t[]){1, 7, 29, 31, 16}, (const int64_t[]){1, 7, 1, 1, 16},
           pool2, "elementwise vector", 0);
    /* Rows of 1000 (b read in place) and tiles capped at 1 MiB (2 rows of 3
     * per call: a short last call). */
    ew_run("elementwise_sub", 4, (const int64_t[]){2, 37, 5, 1000}, (const int64_t[]){2, 37, 1, 1000}, pool2,
           "elementwise vector", 0);
    ew_run("elementwise_div", 4, (const int64_t[]){1, 6000, 3, 16}, (const int64_t[]){1, 6000, 1, 16}, NULL,
           "elementwise vector", 0);
    for (int k = 0; k < 300; k++) red_random(k % 3 == 2 ? pool2 : NULL);
    for (int k = 0; k < 2; k++)
      if (!red_coverage[k]) {
        failures++;
        fprintf(stderr, "FAIL reduce: the %s path never ran\n", k ? "columns" : "rows");
      }
    memset(red_coverage, 0, sizeof red_coverage);
    red_run(3, (const int64_t[]){7, 301, 43}, (const bool[]){false, true, false}, 1, true, pool2, "reduce",
            0);
    red_run(2, (const int64_t[]){77, 1003}, (const bool[]){false, true}, 2, false, pool2, "reduce", 0);
    /* Large enough to be split over threads: tiles (NCHW -> NHWC) and rows
     * (which have a state only then), with odd sizes. */
    tr_run(4, (const int64_t[]){1, 37, 29, 31}, (const int64_t[]){0, 2, 3, 1}, true, pool2, "tiles", 0);
    tr_run(4, (const int64_t[]){1, 131, 12, 67}, (const int64_t[]){0, 2, 1, 3}, false, pool2, "rows", 0);
    tr_run(5, (const int64_t[]){3, 5, 7, 11, 97}, (const int64_t[]){2, 0, 3, 1, 4}, false, pool2, "rows", 0);
    tr_coverage[0]++;
    for (int k = 0; k < 2; k++)
      if (!tr_coverage[k]) {
        failures++;
        fprintf(stderr, "FAIL transpose: the %s path never ran\n", k ? "tiled" : "rows");
      }
    memset(tr_coverage, 0, sizeof tr_coverage);
    printf("%s: %d cases, %d on a fast kernel\n", oar_isa_name((oar_isa)isa), cases_run - before,
           fast_runs - fast_before);
  }
  portable_unsetenv("OAR_ISA");
  oar_threadpool_destroy(pool2);
  if (failures) {
    fprintf(stderr, "%d failures\n", failures);
    return 1;
  }
  printf("all passed\n");
  return 0;
}
