/* The packed GEMM (kernels/generic/gemm.c on every ISA's microkernel), the
 * GEMV, the vector activations and the simple element-wise kernels against
 * their reference twins (kernels/ref), under every ISA level the host
 * supports, with 1 and 2 threads.
 *
 * Shapes sweep M, N and K below, at and above the register tile (mr, nr)
 * and the cache blocks (kc, mc, nc) of each level, with odd sizes and
 * tails; operands come pre-packed, packed on the fly, or transposed;
 * epilogues add row or column bias, a residual, clamp or an activation.
 *
 * Tolerance policy: small-integer inputs give exact products in any
 * summation order, so GEMM and GEMV results must equal the reference bit
 * for bit; float inputs are checked against |got - want| <= 2 K eps
 * sum_k |a_ik b_kj| (both sides' rounding, eps = 2^-24); activations
 * against the error bounds documented in the kernels (absolute, scaled by
 * max(1, |f(x)|)). Outputs are checked to be mostly non-zero. */
#include "test_gemm_harness.h"

#include "kernels/generic/gemm.h"
#include "kernels/ref/activation.h"
#include "kernels/ref/matmul.h"

enum { A_FLY, A_FLY_T, A_PACKED, A_MODES };
enum { B_FLY, B_FLY_T, B_PACKED, B_MODES };
enum { E_NONE, E_ROW_CLAMP, E_COL_RES, E_ACT, E_ALL, E_MODES };

typedef struct gemm_case {
  size_t m, n, k;
  int amode, bmode, emode;
  int integers;
} gemm_case;

static const char *amode_name[] = {"A fly", "A fly trans", "A packed"};
static const char *bmode_name[] = {"B fly", "B fly trans", "B packed"};
static const char *emode_name[] = {"no epilogue", "row bias+clamp", "col bias+residual", "sigmoid", "all"};

static void run_case(const oar_f32_kernels *kr, int threads, const gemm_case *c) {
  const size_t m = c->m, n = c->n, k = c->k, ldc = n + 3;
  const int ta = c->amode == A_FLY_T, tb = c->bmode == B_FLY_T;
  page_buf pa, pb, pbr, pbc, pr;
  /* Stored A is [m, k] or [k, m]; stored B is [k, n] or [n, k]. */
  float *a = page_alloc(&pa, m * k + 1), *b = page_alloc(&pb, k * n + 1);
  float *bias_row = page_alloc(&pbr, m), *bias_col = page_alloc(&pbc, n), *res = page_alloc(&pr, m * ldc);
  for (size_t i = 0; i < m * k; i++) a[i] = c->integers ? rnd_small() : rnd_unit();
  for (size_t i = 0; i < k * n; i++) b[i] = c->integers ? rnd_small() : rnd_unit();
  for (size_t i = 0; i < m; i++) bias_row[i] = rnd_small();
  for (size_t i = 0; i < n; i++) bias_col[i] = rnd_small();
  for (size_t i = 0; i < m * ldc; i++) res[i] = rnd_small();
  const size_t lda = ta ? m : k, ldb = tb ? k : n;

  /* Reference: plain GEMM, then the epilogue in the kernels' order. */
  float *want = malloc((m * n + 1) * sizeof *want);
  double *mag = malloc((m * n + 1) * sizeof *mag);
  oar_ref_gemm_f32(ta, tb, (int64_t)m, (int64_t)n, (int64_t)k, 1.0f, a, (int64_t)lda, b, (int64_t)ldb, want,
                   (int64_t)n);
  for (size_t i = 0; i < m; i++) {
    for (size_t j = 0; j < n; j++) {
      double s = 0;
      for (size_t kk = 0; kk < k; kk++)
        s += fabs((double)a[ta ? kk * lda + i : i * lda + kk] * (double)b[tb ? j * ldb + kk : kk * ldb + j]);
      mag[i * n + j] = s;
    }
  }
  oar_gemm_epilogue epi;
  oar_gemm_epilogue_none(&epi);
  oar_act_params act = {.kind = OAR_ACT_SIGMOID};
  const int e = c->emode;
  if (e == E_ROW_CLAMP || e == E_ALL) epi.bias_row = bias_row;
  if (e == E_COL_RES || e == E_ALL) {
    epi.bias_col = bias_col;
    epi.residual = res;
    epi.ldr = ldc;
  }
  if (e == E_ROW_CLAMP || e == E_ALL) {
    epi.lo = -2.0f;
    epi.hi = 5.0f;
  }
  if (e == E_ACT || e == E_ALL) epi.act = &act;
  for (size_t i = 0; i < m; i++) {
    for (size_t j = 0; j < n; j++) {
      float v = want[i * n + j];
      if (epi.bias_row) v += bias_row[i];
      if (epi.bias_col) v += bias_col[j];
      if (epi.residual) v += res[i * ldc + j];
      v = v > epi.lo ? v : epi.lo;
      v = v < epi.hi ? v : epi.hi;
      if (epi.act) oar_ref_activation_f32(epi.act, &v, &v, 1);
      want[i * n + j] = v;
    }
  }

  /* Operands for the fast path. */
  oar_gemm_matrix am = {a, lda, ta, 1.0f}, bm = {b, ldb, tb, 1.0f};
  oar_gemm_problem p = {.m = m, .n = n, .k = k, .ldc = ldc, .epi = epi};
  float *apk = NULL, *bpk = NULL;
  if (c->amode == A_PACKED) {
    apk = malloc((oar_gemm_packed_floats(m, k, kr->mr) + 1) * sizeof *apk);
    oar_gemm_prepack(kr, kr->pack_rows, &am, m, k, kr->mr, apk);
    p.a.packed = apk;
  } else {
    p.a.pack = kr->pack_rows;
    p.a.ctx = &am;
  }
  if (c->bmode == B_PACKED) {
    bpk = malloc((oar_gemm_packed_floats(n, k, kr->nr) + 1) * sizeof *bpk);
    oar_gemm_prepack(kr, kr->pack_cols, &bm, n, k, kr->nr, bpk);
    p.b.packed = bpk;
  } else {
    p.b.pack = kr->pack_cols;
    p.b.ctx = &bm;
  }
  guard_buf gc;
  float *out = guard_alloc(&gc, m * ldc);
  p.c = out;
  const int slots = oar_gemm_slots(kr, &p, threads);
  const size_t ws_bytes = oar_gemm_workspace_bytes(kr, &p, slots);
  void *ws = ws_bytes ? harness_aligned_alloc((ws_bytes + 63) / 64 * 64) : NULL;
  oar_gemm_run(kr, &p, slots, ws);

  size_t bad = 0, nonzero = 0, want_nonzero = 0, worst_i = 0, worst_j = 0;
  double worst = 0;
  for (size_t i = 0; i < m; i++) {
    for (size_t j = 0; j < n; j++) {
      const float got = out[i * ldc + j], w = want[i * n + j];
      double tol;
      if (c->integers && !epi.act)
        tol = 0;
      else if (epi.act)
        tol = 2e-6 + 2.0 * (double)k * FLT_EPSILON / 2 * mag[i * n + j] * 0.25;
      else
        tol = 2.0 * (double)k * (FLT_EPSILON / 2) * mag[i * n + j] + FLT_EPSILON * fabs(w);
      const double d = fabs((double)got - (double)w);
      if (!(d <= tol)) {
        if (d > worst || isnan(d)) {
          worst = d;
          worst_i = i;
          worst_j = j;
        }
        bad++;
      }
      if (got != 0) nonzero++;
      if (w != 0) want_nonzero++;
    }
    /* The columns between n and ldc are never written. */
    for (size_t j = n; j < ldc; j++) {
      uint32_t bits;
      memcpy(&bits, &out[i * ldc + j], 4);
      if (bits != GUARD_BITS) bad++;
    }
  }
  CHECK(bad == 0,
        "%s threads %d: %zux%zux%zu %s, %s, %s, %s: %zu bad, worst at [%zu, %zu] got %.9g want %.9g",
        oar_isa_name(kr->isa), threads, m, n, k, amode_name[c->amode], bmode_name[c->bmode], emode_name[e],
        c->integers ? "integers" : "floats", bad, worst_i, worst_j, (double)out[worst_i * ldc + worst_j],
        (double)want[worst_i * n + worst_j]);
  CHECK(guard_intact(&gc), "%s: %zux%zux%zu wrote outside C", oar_isa_name(kr->isa), m, n, k);
  /* A result of mostly zeros would hide a kernel that writes nothing
   * (and a reference that computes nothing). */
  CHECK(nonzero * 2 >= want_nonzero, "%zux%zux%zu: mostly zeros", m, n, k);
  if (k > 8 && m * n >= 64) CHECK(want_nonzero * 2 >= m * n, "%zux%zux%zu: reference mostly zeros", m, n, k);
  harness_aligned_free(ws);
  guard_free(&gc);
  free(apk);
  free(bpk);
  free(want);
  free(mag);
  page_free(&pa);
  page_free(&pb);
  page_free(&pbr);
  page_free(&pbc);
  page_free(&pr);
}

static void sweep_gemm(const oar_f32_kernels *kr, int threads) {
  const size_t mr = kr->mr, nr = kr->nr, kc = kr->kc, mc = kr->mc, nc = kr->nc;
  const size_t ms[] = {1, 2, 3, mr - 1, mr, mr + 1, 2 * mr + 1, mc + mr + 1};
  const size_t ns[] = {1, 2, nr / 2 + 1, nr - 1, nr, nr + 1, 3 * nr + 5, nc + nr + 3};
  const size_t ks[] = {0, 1, 2, 3, 5, 17, kc - 1, kc, kc + 1, 2 * kc + 7};
  int idx = 0;
  for (size_t a = 0; a < sizeof ms / sizeof *ms; a++) {
    for (size_t b = 0; b < sizeof ns / sizeof *ns; b++) {
      for (size_t c = 0; c < sizeof ks / sizeof *ks; c++) {
        const size_t m = ms[a], n = ns[b], k = ks[c];
        /* Keep the naive reference affordable. */
        if ((double)m * (double)n * (double)(k + 1) > 6e6) continue;
        idx++;
        gemm_case gc = {m, n, k, idx % A_MODES, (idx / A_MODES) % B_MODES, (idx / 9) % E_MODES, 1};
        run_case(kr, threads, &gc);
      }
    }
  }
  /* Every operand and epilogue mode on one shape with all kinds of tails. */
  for (int am = 0; am < A_MODES; am++)
    for (int bm = 0; bm < B_MODES; bm++)
      for (int e = 0; e < E_MODES; e++) {
        gemm_case gc = {mr + 3, 2 * nr + 7, kc + 9, am, bm, e, 1};
        run_case(kr, threads, &gc);
      }
  /* Float inputs: the rounding bound. */
  const gemm_case floats[] = {
      {37, 129, 300, A_FLY, B_PACKED, E_NONE, 0},   {64, 200, 577, A_PACKED, B_FLY, E_COL_RES, 0},
      {1, 1000, 520, A_FLY, B_PACKED, E_ALL, 0},    {150, 70, 513, A_FLY_T, B_FLY_T, E_ROW_CLAMP, 0},
      {13, 33, 1100, A_PACKED, B_PACKED, E_ACT, 0},
  };
  for (size_t i = 0; i < sizeof floats / sizeof *floats; i++) run_case(kr, threads, &floats[i]);
}

/* ---- GEMV -------------------------------------------------------------------- */

static void sweep_gemv(const oar_f32_kernels *kr) {
  const size_t ms[] = {1, 2, 3, 4, 5, 7, 8, 9, 33};
  const size_t ks[] = {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 257};
  for (size_t a = 0; a < sizeof ms / sizeof *ms; a++) {
    for (size_t b = 0; b < sizeof ks / sizeof *ks; b++) {
      const size_t m = ms[a], k = ks[b], lda = k + 2;
      page_buf pa, px, pbias, pres;
      float *A = page_alloc(&pa, m * lda), *x = page_alloc(&px, k + 1);
      float *bias = page_alloc(&pbias, m), *res = page_alloc(&pres, m);
      for (size_t i = 0; i < m * lda; i++) A[i] = rnd_small();
      for (size_t i = 0; i < k; i++) x[i] = rnd_small();
      for (size_t i = 0; i < m; i++) bias[i] = rnd_small(), res[i] = rnd_small();
      guard_buf gy;
      float *y = guard_alloc(&gy, m);
      const int with = (int)((a + b) % 2);
      kr->gemv(m, k, A, lda, x, with ? bias : NULL, with ? res : NULL, -4.0f, 6.0f, y);
      size_t bad = 0;
      for (size_t i = 0; i < m; i++) {
        float w = 0;
        for (size_t kk = 0; kk < k; kk++) w += A[i * lda + kk] * x[kk];
        if (with) w += bias[i] + res[i];
        w = w > -4.0f ? w : -4.0f;
        w = w < 6.0f ? w : 6.0f;
        if (y[i] != w) bad++;
      }
      CHECK(bad == 0 && guard_intact(&gy), "%s gemv %zux%zu: %zu bad", oar_isa_name(kr->isa), m, k, bad);
      guard_free(&gy);
      page_free(&pa);
      page_free(&px);
      page_free(&pbias);
      page_free(&pres);
    }
  }
}

/* ---- activations ---------------------------------------------------------------- */

static void check_act(const oar_f32_kernels *kr, oar_act_params p, const char *name, double bound) {
  const size_t n = 24007; /* odd: exercises the vector tail */
  page_buf px;
  float *x = page_alloc(&px, n);
  for (size_t i = 0; i < n; i++) x[i] = -30.0f + 60.0f * (float)i / (float)(n - 1);
  x[0] = 0.0f;
  x[1] = -0.0f;
  x[2] = 1e-20f;
  x[3] = -1e-6f;
  guard_buf gy;
  float *y = guard_alloc(&gy, n);
  float *want = malloc(n * sizeof *want);
  if (p.kind == OAR_ACT_SQRT)
    for (size_t i = 0; i < n; i++) x[i] = fabsf(x[i]);
  kr->act(&p, x, y, n);
  oar_ref_activation_f32(&p, x, want, (int64_t)n);
  double worst = 0;
  size_t at = 0;
  for (size_t i = 0; i < n; i++) {
    const double scale = fmax(1.0, fabs((double)want[i]));
    const double d = fabs((double)y[i] - (double)want[i]) / scale;
    if (d > worst || isnan(d)) {
      worst = d;
      at = i;
    }
  }
  if (bound > 0)
    printf("  %s %-12s max error %.2g (bound %.2g)\n", oar_isa_name(kr->isa), name, worst, bound);
  CHECK(worst <= bound && guard_intact(&gy), "%s %s: error %.3g (bound %.3g) at x = %.9g: got %.9g want %.9g",
        oar_isa_name(kr->isa), name, worst, bound, (double)x[at], (double)y[at], (double)want[at]);
  /* In place. */
  memcpy(y, x, n * sizeof *y);
  kr->act(&p, y, y, n);
  size_t diff = 0;
  float *again = malloc(n * sizeof *again);
  kr->act(&p, x, again, n);
  for (size_t i = 0; i < n; i++) diff += memcmp(&y[i], &again[i], 4) != 0;
  CHECK(diff == 0, "%s %s: in-place result differs in %zu places", oar_isa_name(kr->isa), name, diff);
  free(again);
  free(want);
  guard_free(&gy);
  page_free(&px);
}

static void sweep_act(const oar_f32_kernels *kr) {
  /* Bounds: absolute error, relative above 1 (see the kernels' headers). */
  check_act(kr, (oar_act_params){.kind = OAR_ACT_RELU}, "relu", 0);
  check_act(kr, (oar_act_params){.kind = OAR_ACT_RELU6, .threshold = 6.0f}, "relu6", 0);
  check_act(kr, (oar_act_params){.kind = OAR_ACT_LEAKY_RELU, .alpha = 0.1f}, "leaky_relu", 0);
  check_act(kr, (oar_act_params){.kind = OAR_ACT_HARD_SIGMOID, .slope = 0.2f, .offset = 0.5f}, "hard_sigmoid",
            2e-7);
  check_act(kr, (oar_act_params){.kind = OAR_ACT_HARD_SWISH, .threshold = 6, .scale = 6, .offset = 3},
            "hard_swish", 3e-7);
  check_act(kr, (oar_act_params){.kind = OAR_ACT_EXP}, "exp", 4e-7);
  check_act(kr, (oar_act_params){.kind = OAR_ACT_SIGMOID}, "sigmoid", 3e-7);
  check_act(kr, (oar_act_params){.kind = OAR_ACT_SILU}, "silu", 5e-7);
  check_act(kr, (oar_act_params){.kind = OAR_ACT_SWISH, .beta = 1.5f}, "swish", 5e-7);
  check_act(kr, (oar_act_params){.kind = OAR_ACT_TANH}, "tanh", 3e-7);
  check_act(kr, (oar_act_params){.kind = OAR_ACT_GELU}, "gelu", 5e-7);
  check_act(kr, (oar_act_params){.kind = OAR_ACT_GELU_TANH}, "gelu_tanh", 5e-7);
  check_act(kr, (oar_act_params){.kind = OAR_ACT_SQRT}, "sqrt", 2e-7);
}

/* ---- affine and binary ----------------------------------------------------------- */

static void sweep_elementwise(const oar_f32_kernels *kr) {
  const size_t ns[] = {1, 7, 8, 15, 16, 17, 31, 33, 64, 1001};
  for (size_t t = 0; t < sizeof ns / sizeof *ns; t++) {
    const size_t n = ns[t];
    page_buf px, py;
    float *x = page_alloc(&px, n), *yv = page_alloc(&py, n);
    for (size_t i = 0; i < n; i++) x[i] = rnd_small(), yv[i] = rnd_small() + 4.0f;
    guard_buf gd;
    float *d = guard_alloc(&gd, n);
    kr->affine(x, 0.5f, -1.25f, d, n);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) bad += d[i] != x[i] * 0.5f - 1.25f;
    CHECK(bad == 0 && guard_intact(&gd), "%s affine n=%zu: %zu bad", oar_isa_name(kr->isa), n, bad);
    for (int op = OAR_FAST_ADD; op <= OAR_FAST_MIN; op++) {
      for (int scalar = 0; scalar < 2; scalar++) {
        kr->binary((oar_fast_binary)op, x, yv, scalar, d, n);
        bad = 0;
        for (size_t i = 0; i < n; i++) {
          const float a = x[i], b = scalar ? yv[0] : yv[i];
          const float w = op == OAR_FAST_ADD   ? a + b
                          : op == OAR_FAST_SUB ? a - b
                          : op == OAR_FAST_MUL ? a * b
                          : op == OAR_FAST_DIV ? a / b
                          : op == OAR_FAST_MAX ? (a > b ? a : b)
                                               : (a < b ? a : b);
          bad += d[i] != w;
        }
        CHECK(bad == 0 && guard_intact(&gd), "%s binary op %d scalar %d n=%zu: %zu bad",
              oar_isa_name(kr->isa), op, scalar, n, bad);
      }
    }
    guard_free(&gd);
    page_free(&px);
    page_free(&py);
  }
}

int main(void) {
  for (int isa = OAR_ISA_GENERIC; isa < OAR_ISA_COUNT; isa++) {
    const oar_f32_kernels *kr = kernels_or_skip((oar_isa)isa, "test_gemm");
    if (!kr) continue;
    printf("== %s (%s, mr %zu nr %zu kc %zu mc %zu nc %zu)\n", oar_isa_name(kr->isa), kr->gemm_name, kr->mr,
           kr->nr, kr->kc, kr->mc, kr->nc);
    for (int threads = 1; threads <= 2; threads++) {
      oar_threadpool *pool = NULL;
      if (oar_threadpool_create(threads, &pool, NULL) != OAR_OK) return 1;
      oar_threadpool_set_current(pool);
      sweep_gemm(kr, threads);
      oar_threadpool_set_current(NULL);
      oar_threadpool_destroy(pool);
    }
    sweep_gemv(kr);
    sweep_act(kr);
    sweep_elementwise(kr);
  }
  return harness_finish("test_gemm");
}
