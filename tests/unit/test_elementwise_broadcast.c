/* The element-wise binary ops (elementwise_add, _sub, _mul, _div, _max,
 * _min, _pow) on one-op graphs, planned and run with the host's kernels
 * at every ISA level it has (OAR_ISA), on 1 and 2 threads, against a
 * naive broadcast loop written here.
 *
 * Shapes: ranks 1 to 5, odd sizes, sizes 1, rows past 16 and past the
 * fast path's 4096-element chunk, a few large enough to be split over
 * threads. The broadcast operand is Y (onto X) or X (onto Y), written
 * numpy-style (rank padded with 1s, or leading 1s dropped, axis -1) or
 * Paddle-style (only its kept dims, with `axis`, positive or negative),
 * in every pattern of runtime/ops/elementwise.c's prepared float32 path:
 * same shape, one value, a run of dims broadcast over inner dims, trailing
 * dims repeated over outer ones; and patterns it declines (broadcast dims
 * between kept ones, both operands broadcast), which the reference runs.
 *
 * Where the fast path's conditions hold (the full operand is X, or Y: then
 * the op runs reversed) the test expects the step's kernel to be it, and it
 * counts the runs of each (op, mode, side): every mode must run for every
 * op the fast path has, with Y and with X broadcast, so the sweep cannot
 * silently stop reaching a mode.
 *
 * Tolerance policy: add, sub, mul, max and min are exact (bit for bit;
 * any NaN equals any NaN), with NaN, infinities and signed zeros among
 * their inputs; div and pow (inputs in [0.5, 2] and [-2, 2], away from 0)
 * within 2 ulps, as the result is one correctly rounded operation (div)
 * or powf itself (pow). */
#define _DEFAULT_SOURCE
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cpu.h"
#include "base/threadpool.h"
#include "test_pass_util.h"
#include "portable.h"

enum { OPS = 7 };
static const char *const op_names[OPS] = {"elementwise_add", "elementwise_sub", "elementwise_mul",
                                          "elementwise_div", "elementwise_max", "elementwise_min",
                                          "elementwise_pow"};
/* Ops the fast path has at all (pow runs on the reference). */
static const bool op_fast[OPS] = {true, true, true, true, true, true, false};

static float naive_op(int op, float a, float b) {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return a > b ? a : b; /* Paddle's MaxFunctor */
    case 5: return a < b ? a : b;
    default: return powf(a, b);
  }
}

/* ---- random numbers ------------------------------------------------------ */

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 32);
}
static float rnd_in(float lo, float hi) { return lo + (hi - lo) * (float)((double)rnd() / 4294967296.0); }

/* Input values for op: away from 0 for div's divisor, positive bases for
 * pow; otherwise small integers and fractions (repeats make max/min ties)
 * with NaN, infinities and signed zeros mixed in. */
static float rnd_value(int op, bool is_y) {
  if (op == 3) return is_y ? (rnd() % 2 ? 1.0f : -1.0f) * rnd_in(0.5f, 2.0f) : rnd_in(-4.0f, 4.0f);
  if (op == 6) return is_y ? rnd_in(-2.0f, 2.0f) : rnd_in(0.5f, 2.0f);
  const uint32_t r = rnd() % 64;
  if (r == 0) return NAN;
  if (r == 1) return INFINITY;
  if (r == 2) return -INFINITY;
  if (r == 3) return 0.0f;
  if (r == 4) return -0.0f;
  if (r < 24) return (float)((int)(rnd() % 9) - 4);
  return rnd_in(-4.0f, 4.0f);
}

/* ---- cases --------------------------------------------------------------- */

typedef enum pattern {
  P_SAME,    /* b has every dim */
  P_SCALAR,  /* b is one value */
  P_INNER,   /* b keeps a run of dims, with dims > 1 after it */
  P_ROW,     /* b keeps the trailing dims, with dims > 1 before them */
  P_GENERAL, /* b keeps dims with a broadcast dim between them (fast path declines) */
  P_BOTH,    /* both operands broadcast (fast path declines) */
  PATTERNS
} pattern;
static const char *const pattern_names[PATTERNS] = {"same", "scalar", "inner", "row", "general", "both"};

typedef struct ew_case {
  int rank;
  int64_t out[OAR_MAX_RANK];
  oar_shape xs, ys; /* as given to the graph */
  int64_t axis;
  pattern pat;
  bool x_small;  /* X is the broadcast operand */
  bool fast;     /* the fast path's conditions hold */
  char form[16]; /* how the small operand is written */
} ew_case;

/* Dims for rank r: 1s, odd sizes, and a long dim now and then (a row past
 * 16, past 4096 or a whole tensor large enough for two threads), keeping
 * the total within ~70k. */
static void random_dims(int r, int64_t *d) {
  int64_t total = 1;
  for (int i = 0; i < r; i++) {
    const uint32_t k = rnd() % 16;
    int64_t v = k < 4 ? 1 : k < 12 ? 2 + (int64_t)(rnd() % 6) : k < 15 ? 17 + (int64_t)(rnd() % 20) : 0;
    if (v == 0) v = rnd() % 2 ? 4096 + 1 + (int64_t)(rnd() % 40) : 8192 + 5;
    if (total * v > 70000) v = 1 + (int64_t)(rnd() % 3);
    if (total * v > 70000) v = 1;
    d[i] = v;
    total *= v;
  }
}

/* keep[i]: b has dim i. Returns false when the pattern does not fit the
 * dims (the caller draws again). */
static bool choose_keep(const ew_case *c, pattern pat, bool *keep) {
  const int r = c->rank;
  int big[OAR_MAX_RANK], nb = 0; /* dims > 1 */
  for (int i = 0; i < r; i++) {
    keep[i] = false;
    if (c->out[i] > 1) big[nb++] = i;
  }
  switch (pat) {
    case P_SAME:
      for (int i = 0; i < r; i++) keep[i] = true;
      return true;
    case P_SCALAR: return true;
    case P_INNER: {
      /* A run of big dims [a, b] with a big dim after b. */
      if (nb < 2) return false;
      const int a = (int)(rnd() % (unsigned)(nb - 1)), b = a + (int)(rnd() % (unsigned)(nb - 1 - a));
      for (int i = big[a]; i <= big[b]; i++) keep[i] = true;
      return true;
    }
    case P_ROW: {
      if (nb < 2) return false;
      const int a = 1 + (int)(rnd() % (unsigned)(nb - 1));
      for (int i = big[a]; i < r; i++) keep[i] = true;
      return true;
    }
    case P_GENERAL: {
      /* Two kept big dims with a broadcast big dim between. */
      if (nb < 3) return false;
      const int m = 1 + (int)(rnd() % (unsigned)(nb - 2));
      for (int i = 0; i < nb; i++) keep[big[i]] = i != m && (i == m - 1 || i == m + 1 || rnd() % 2);
      return true;
    }
    default: return false;
  }
}

/* The small operand's shape from keep[] in one of the forms; sets axis. */
static void write_small(ew_case *c, const bool *keep, oar_shape *s) {
  const int r = c->rank;
  int first = -1, last = -1, lead = 0;
  for (int i = 0; i < r; i++) {
    if (keep[i] && c->out[i] > 1) {
      if (first < 0) first = i;
      last = i;
    }
  }
  while (lead < r && !(keep[lead] && c->out[lead] > 1)) lead++;
  const uint32_t form = rnd() % 4;
  c->axis = -1;
  s->rank = 0;
  if (first < 0) {
    /* One value: [1], rank 0, or all 1s. */
    if (form == 0) {
      snprintf(c->form, sizeof c->form, "rank0");
    } else if (form == 1) {
      s->rank = r;
      for (int i = 0; i < r; i++) s->dims[i] = 1;
      snprintf(c->form, sizeof c->form, "ones");
    } else {
      s->rank = 1;
      s->dims[0] = 1;
      snprintf(c->form, sizeof c->form, "[1]");
    }
    return;
  }
  if (form == 0) {
    /* Numpy: full rank with 1s. */
    s->rank = r;
    for (int i = 0; i < r; i++) s->dims[i] = keep[i] ? c->out[i] : 1;
    snprintf(c->form, sizeof c->form, "numpy");
  } else if (form == 1) {
    /* Numpy: leading 1s dropped. */
    s->rank = r - lead;
    for (int i = lead; i < r; i++) s->dims[i - lead] = keep[i] ? c->out[i] : 1;
    snprintf(c->form, sizeof c->form, "numpy-trim");
  } else {
    /* Paddle: the dims from the first kept to the last kept, at axis. */
    s->rank = last - first + 1;
    for (int i = first; i <= last; i++) s->dims[i - first] = keep[i] ? c->out[i] : 1;
    const int64_t diff = r - s->rank;
    c->axis = first;
    /* Negative axis counts from diff: axis + diff + 1. */
    if (form == 3 && diff > 0) c->axis = first - diff - 1;
    if (diff == 0) c->axis = rnd() % 2 ? 0 : -1;
    snprintf(c->form, sizeof c->form, "axis %lld", (long long)c->axis);
  }
}

/* Operand `x_side`'s dims aligned to the output's rank: the lower-rank
 * operand at `axis` (right-aligned for -1, negative values counted from
 * the rank difference), the other as it is. */
static void aligned(const ew_case *c, bool x_side, int64_t *dims) {
  const oar_shape *s = x_side ? &c->xs : &c->ys, *o = x_side ? &c->ys : &c->xs;
  const int r = c->rank, diff = r - s->rank;
  int at = 0;
  if (s->rank < o->rank) at = c->axis < 0 ? diff + (int)c->axis + 1 : (int)c->axis;
  for (int i = 0; i < r; i++) dims[i] = i >= at && i < at + s->rank ? s->dims[i - at] : 1;
}

/* The fast path's conditions, from the definitions in elementwise.c: the
 * operand is full (its aligned dims are the output's) ... */
static bool is_full(const ew_case *c, bool x_side) {
  int64_t d[OAR_MAX_RANK];
  aligned(c, x_side, d);
  for (int i = 0; i < c->rank; i++)
    if (d[i] != c->out[i]) return false;
  return true;
}

/* ... and the other's dims > 1 that are not broadcast are one contiguous
 * run among the output's dims > 1. */
static bool splits(const ew_case *c, bool x_side) {
  int64_t d[OAR_MAX_RANK];
  aligned(c, x_side, d);
  int runs = 0;
  bool in_run = false;
  for (int i = 0; i < c->rank; i++) {
    if (c->out[i] == 1) continue;
    const bool kept = d[i] == c->out[i];
    if (kept && !in_run) runs++;
    in_run = kept;
  }
  return runs <= 1;
}

/* The mode elementwise.c picks with broadcast operand b (for the coverage
 * table): 0 same, 1 scalar, 2 inner, 3 row, as in its ew_mode. */
static int fast_mode(const ew_case *c, bool b_is_x) {
  int64_t d[OAR_MAX_RANK];
  aligned(c, b_is_x, d);
  int d0 = -1, d1 = -1;
  for (int i = 0; i < c->rank; i++)
    if (c->out[i] > 1 && d[i] == c->out[i]) {
      if (d0 < 0) d0 = i;
      d1 = i;
    }
  if (d0 < 0) return 1;
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < d0; i++) outer *= c->out[i];
  for (int i = d1 + 1; i < c->rank; i++) inner *= c->out[i];
  return inner > 1 ? 2 : outer == 1 ? 0 : 3;
}

static bool make_case(int op, pattern pat, bool x_small, ew_case *c) {
  memset(c, 0, sizeof *c);
  c->pat = pat;
  c->x_small = x_small;
  c->rank = 1 + (int)(rnd() % 5);
  random_dims(c->rank, c->out);
  const int r = c->rank;
  oar_shape full = {.rank = r};
  for (int i = 0; i < r; i++) full.dims[i] = c->out[i];
  if (pat == P_BOTH) {
    /* Each dim > 1 is X's, Y's or both operands'; each side misses one. */
    int nb = 0;
    for (int i = 0; i < r; i++) nb += c->out[i] > 1;
    if (nb < 2) return false;
    int owner[OAR_MAX_RANK], k = 0;
    bool x_miss = false, y_miss = false;
    for (int i = 0; i < r; i++) {
      owner[i] = c->out[i] > 1 ? (k++ == 0 ? 1 : k == 2 ? 2 : (int)(rnd() % 3)) : 0;
      x_miss |= owner[i] == 2;
      y_miss |= owner[i] == 1;
    }
    if (!x_miss || !y_miss) return false;
    c->xs.rank = c->ys.rank = r;
    for (int i = 0; i < r; i++) {
      c->xs.dims[i] = owner[i] == 2 ? 1 : c->out[i];
      c->ys.dims[i] = owner[i] == 1 ? 1 : c->out[i];
    }
    snprintf(c->form, sizeof c->form, "numpy");
    c->axis = -1;
    c->fast = false;
    return true;
  }
  bool keep[OAR_MAX_RANK];
  if (!choose_keep(c, pat, keep)) return false;
  oar_shape small;
  write_small(c, keep, &small);
  if (x_small) {
    c->xs = small;
    c->ys = full;
  } else {
    c->xs = full;
    c->ys = small;
  }
  int64_t total = 1;
  for (int i = 0; i < r; i++) total *= c->out[i];
  c->fast = op_fast[op] && total > 0 &&
            ((is_full(c, true) && splits(c, false)) || (op_fast[op] && is_full(c, false) && splits(c, true)));
  return true;
}

/* A case from written shapes: the output is the broadcast of the two
 * aligned shapes. */
static void fixed_case(int op, const char *x, const char *y, int64_t axis, ew_case *c) {
  memset(c, 0, sizeof *c);
  c->xs = tp_shape(x);
  c->ys = tp_shape(y);
  c->axis = axis;
  c->rank = c->xs.rank > c->ys.rank ? c->xs.rank : c->ys.rank;
  c->x_small = c->xs.rank < c->ys.rank ||
               (c->xs.rank == c->ys.rank && oar_shape_numel(&c->xs) < oar_shape_numel(&c->ys));
  c->pat = P_SAME;
  snprintf(c->form, sizeof c->form, "fixed");
  int64_t xa[OAR_MAX_RANK], ya[OAR_MAX_RANK];
  for (int i = 0; i < c->rank; i++) c->out[i] = 1;
  aligned(c, true, xa);
  aligned(c, false, ya);
  int64_t total = 1;
  for (int i = 0; i < c->rank; i++) {
    c->out[i] = xa[i] > ya[i] ? xa[i] : ya[i];
    total *= c->out[i];
  }
  c->fast = op_fast[op] && total > 0 &&
            ((is_full(c, true) && splits(c, false)) || (op_fast[op] && is_full(c, false) && splits(c, true)));
}

/* Written shapes for the edges random draws may miss: runs ending just
 * past 16 and past the 4096-element chunk, several chunks, and tensors
 * large enough to be split over two threads, in every mode and side. */
static const struct {
  const char *x, *y;
  int64_t axis;
} fixed_cases[] = {
    {"17", "17", -1},
    {"4097", "4097", -1},
    {"3x4099", "3x4099", -1},
    {"40001", "40001", -1},
    {"17", "1", -1},
    {"1", "17", -1},
    {"8195", "", -1},
    {"", "8195", -1},
    {"2x3x7001", "1", -1},
    {"1x1x1", "2x3x7001", -1},
    {"5x4097", "5x1", -1},
    {"5x1", "5x4097", -1},
    {"7x17x3", "17", 1},
    {"17", "7x17x3", 1},
    {"3x5x4100", "3x5", 0},
    {"3x5", "3x5x4100", 0},
    {"6x19x13x5", "19x13", 1},
    {"19x13", "6x19x13x5", -2},
    {"4097x3", "3", -1},
    {"3", "4097x3", -1},
    {"9x17", "1x17", -1},
    {"1x17", "9x17", -1},
    {"11x4111", "4111", -1},
    {"4111", "11x4111", -1},
    {"3x1x6x5", "3x1x6x1", -1},
    {"2x1x40000", "1x3x1", -1},
    {"8x1x4097", "8x3x1", -1},
    {"1x3x1", "2x1x40000", -1},
};

/* ---- running ------------------------------------------------------------- */

static int failures, cases_run;
static int coverage[OPS][4][2]; /* fast runs per op, mode, side (0: Y small, 1: X small) */
static int ref_runs[OPS][2];    /* runs the fast path declined, per op and side */

static void shape_str(const oar_shape *s, char *buf, size_t size) {
  size_t at = (size_t)snprintf(buf, size, "[");
  for (int i = 0; i < s->rank && at < size; i++)
    at += (size_t)snprintf(buf + at, size - at, "%s%lld", i ? "," : "", (long long)s->dims[i]);
  if (at < size) snprintf(buf + at, size - at, "]");
}

static void shape_spec(const oar_shape *s, char *buf, size_t size) {
  size_t at = 0;
  buf[0] = 0;
  for (int i = 0; i < s->rank && at < size; i++)
    at += (size_t)snprintf(buf + at, size - at, "%s%lld", i ? "x" : "", (long long)s->dims[i]);
}

static bool same_value(int op, float got, float want) {
  if (isnan(want)) return isnan(got);
  if (op == 3 || op == 6) {
    /* 2 ulps of the expected value. */
    const float tol = 2.0f * (nextafterf(fabsf(want), INFINITY) - fabsf(want));
    return fabsf(got - want) <= tol || got == want;
  }
  return memcmp(&got, &want, sizeof got) == 0;
}

static void run_case(int op, const ew_case *c, oar_threadpool *pool, const char *isa) {
  const int r = c->rank;
  oar_shape out = {.rank = r};
  for (int i = 0; i < r; i++) out.dims[i] = c->out[i];
  const int64_t nx = oar_shape_numel(&c->xs), ny = oar_shape_numel(&c->ys), nz = oar_shape_numel(&out);
  float *x = malloc(((size_t)nx + 1) * sizeof *x), *y = malloc(((size_t)ny + 1) * sizeof *y);
  float *want = malloc(((size_t)nz + 1) * sizeof *want);
  if (!x || !y || !want) tp_fatal("oom", NULL);
  for (int64_t i = 0; i < nx; i++) x[i] = rnd_value(op, false);
  for (int64_t i = 0; i < ny; i++) y[i] = rnd_value(op, true);

  /* The naive loop: both operands aligned to rank r by the axis rule
   * (the lower-rank one at `axis`, or right-aligned for -1), read at the
   * output index with broadcast dims pinned to 0. */
  int64_t xa[OAR_MAX_RANK], ya[OAR_MAX_RANK];
  aligned(c, true, xa);
  aligned(c, false, ya);
  for (int64_t o = 0; o < nz; o++) {
    int64_t rem = o, xi = 0, yi = 0, xm = 1, ym = 1;
    for (int d = r - 1; d >= 0; d--) {
      const int64_t idx = rem % c->out[d];
      rem /= c->out[d];
      xi += (xa[d] == 1 ? 0 : idx) * xm;
      yi += (ya[d] == 1 ? 0 : idx) * ym;
      xm *= xa[d];
      ym *= ya[d];
    }
    want[o] = naive_op(op, x[xi], y[yi]);
  }

  char xspec[96], yspec[96], zspec[112];
  shape_spec(&c->xs, xspec, sizeof xspec);
  shape_spec(&c->ys, yspec, sizeof yspec);
  shape_spec(&out, zspec, sizeof zspec);
  tp_graph *t = tp_new();
  tp_input(t, "x", OAR_DTYPE_FLOAT32, xspec);
  tp_input(t, "y", OAR_DTYPE_FLOAT32, yspec);
  char zdecl[128];
  snprintf(zdecl, sizeof zdecl, "Out=z:%s", zspec);
  tp_node(t, op_names[op], "X=x Y=y", zdecl);
  tp_set_i(t, "axis", c->axis);
  tp_output(t, "z");

  oar_tensor_view in[2] = {{.dtype = OAR_DTYPE_FLOAT32, .shape = c->xs, .data = x},
                           {.dtype = OAR_DTYPE_FLOAT32, .shape = c->ys, .data = y}};
  oar_threadpool_set_current(pool);
  oar_plan *plan;
  oar_error err;
  if (oar_plan_create(t->g, in, NULL, &plan, &err) != OAR_OK) tp_fatal("plan", &err);
  if (oar_plan_run(plan, in, &err) != OAR_OK) tp_fatal("run", &err);
  oar_threadpool_set_current(NULL);

  const oar_op_state *st = plan->num_steps == 1 ? plan->step_states[0] : NULL;
  const bool ran_fast = st && st->kernel && strcmp(st->kernel, "elementwise vector") == 0;
  const oar_tensor_view *z = &plan->views[t->g->outputs[0]];
  char xs[96], ys[96];
  shape_str(&c->xs, xs, sizeof xs);
  shape_str(&c->ys, ys, sizeof ys);
  const int threads = pool ? oar_threadpool_threads(pool) : 1;
  if (c->fast && !ran_fast) {
    failures++;
    fprintf(stderr, "FAIL %s %s threads %d %s x%s y%s (%s, %s small, %s): the fast path did not run (%s)\n",
            isa, op_names[op], threads, pattern_names[c->pat], xs, ys, c->form, c->x_small ? "X" : "Y",
            pattern_names[c->pat], st && st->kernel ? st->kernel : "reference");
  }
  if (oar_view_numel(z) != nz || !oar_shape_equal(&z->shape, &out)) {
    failures++;
    fprintf(stderr, "FAIL %s %s x%s y%s: output has %lld values, expected %lld\n", isa, op_names[op], xs, ys,
            (long long)oar_view_numel(z), (long long)nz);
  } else {
    const float *got = z->data;
    int64_t bad = 0, first = -1;
    for (int64_t i = 0; i < nz; i++) {
      if (!same_value(op, got[i], want[i])) {
        if (first < 0) first = i;
        bad++;
      }
    }
    if (bad) {
      failures++;
      fprintf(stderr,
              "FAIL %s %s threads %d %s x%s y%s (%s, %s small, kernel %s): %lld of %lld values differ, first "
              "[%lld] got %.9g want %.9g (x %s y %s)\n",
              isa, op_names[op], threads, pattern_names[c->pat], xs, ys, c->form, c->x_small ? "X" : "Y",
              st && st->kernel ? st->kernel : "reference", (long long)bad, (long long)nz, (long long)first,
              (double)got[first], (double)want[first], xs, ys);
    }
  }
  if (ran_fast) coverage[op][fast_mode(c, !(is_full(c, true) && splits(c, false)))][c->x_small]++;
  if (!ran_fast) ref_runs[op][c->x_small]++;
  cases_run++;
  oar_plan_destroy(plan);
  tp_free(t);
  free(x);
  free(y);
  free(want);
}

int main(void) {
  oar_threadpool *pool2 = NULL;
  oar_error err;
  if (oar_threadpool_create(2, &pool2, &err) != OAR_OK) tp_fatal("thread pool", &err);
  for (int isa = OAR_ISA_GENERIC; isa < OAR_ISA_COUNT; isa++) {
    if (!tp_use_isa(isa)) continue;
    const char *name = oar_isa_name((oar_isa)isa);
    memset(coverage, 0, sizeof coverage);
    memset(ref_runs, 0, sizeof ref_runs);
    const int before = cases_run;
    for (int op = 0; op < OPS; op++) {
      for (int k = 0; k < 2 * PATTERNS * 12; k++) {
        const pattern pat = (pattern)(k % PATTERNS);
        const bool x_small = (k / PATTERNS) % 2;
        ew_case c;
        int tries = 0;
        while (!make_case(op, pat, x_small, &c) && ++tries < 1000) {
        }
        if (tries == 1000) tp_fatal("no case fits the pattern", NULL);
        run_case(op, &c, k % 3 == 2 ? pool2 : NULL, name);
      }
    }
    for (int op = 0; op < OPS; op++) {
      for (size_t k = 0; k < sizeof fixed_cases / sizeof *fixed_cases; k++) {
        ew_case c;
        fixed_case(op, fixed_cases[k].x, fixed_cases[k].y, fixed_cases[k].axis, &c);
        run_case(op, &c, k % 2 ? pool2 : NULL, name);
      }
    }
    /* Every fast-path mode ran for every op that has the path, with Y
     * broadcast and with X broadcast. */
    for (int op = 0; op < OPS; op++) {
      for (int side = 0; side < 2; side++) {
        for (int m = 0; m < 4; m++) {
          if (op_fast[op] && coverage[op][m][side] == 0) {
            failures++;
            fprintf(stderr, "FAIL %s %s: the fast path never ran mode %d with %s broadcast\n", name,
                    op_names[op], m, side ? "X" : "Y");
          }
        }
      }
    }
    printf("%s: %d cases; fast-path runs per mode (same scalar inner row), Y|X broadcast:\n", name,
           cases_run - before);
    for (int op = 0; op < OPS; op++)
      printf("  %-16s %3d %3d %3d %3d | %3d %3d %3d %3d   reference %d|%d\n", op_names[op],
             coverage[op][0][0], coverage[op][1][0], coverage[op][2][0], coverage[op][3][0],
             coverage[op][0][1], coverage[op][1][1], coverage[op][2][1], coverage[op][3][1], ref_runs[op][0],
             ref_runs[op][1]);
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
