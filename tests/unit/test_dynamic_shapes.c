/* Data-dependent output shapes (src/runtime/plan_dynamic.c): a plan cut at
 * a where_index whose input is not known, a continuation with a second cut
 * (unique), continuations per observed shape (more shapes than the cache
 * keeps), empty results, plan-time folding of a dynamic op with a constant
 * input, a graph without dynamic ops keeping its single plan, and errors
 * naming the op. Expected values are worked out by hand in each case. */
#include "test_pass_util.h"

#include "ir/ops/op_ext.h"
#include "runtime/plan_dynamic.h"

/* x [5] -> relu -> r (an output made before the cut)
 *   x -> where_index -> nz [N, 1] -> cast f32 -> f -> unique -> u [U]
 *   u -> scale 2 + 1 -> y */
static tp_graph *chain_graph(void) {
  tp_graph *t = tp_new();
  tp_input(t, "x", OAR_DTYPE_FLOAT32, "5");
  tp_node(t, "relu", "X=x", "Out=r:5");
  tp_node(t, "where_index", "Condition=x", "Out=nz:-1x1/i64");
  tp_node(t, "cast", "X=nz", "Out=f:-1x1");
  tp_set_i(t, "out_dtype", 5);
  tp_node(t, "unique", "X=f", "Out=u:-1 Counts=c:-1/i64");
  tp_set_i(t, "is_sorted", 1);
  tp_node(t, "scale", "X=u", "Out=y:-1");
  tp_set_f(t, "scale", 2.0);
  tp_set_f(t, "bias", 1.0);
  tp_output(t, "r");
  tp_output(t, "nz");
  tp_output(t, "y");
  tp_output(t, "c");
  return t;
}

static const oar_tensor_view *out_view(const oar_plan *p, int i) { return &p->views[p->graph->outputs[i]]; }

/* Runs the chain on x; checks nz (indices of the nonzero x), y = 2 u + 1
 * with u the sorted distinct indices (all distinct here), counts 1, r. */
static void check_chain(oar_plan *p, const float x[5]) {
  float xin[5];
  memcpy(xin, x, sizeof xin);
  oar_tensor_view in = {.dtype = OAR_DTYPE_FLOAT32, .shape = {.rank = 1, .dims = {5}}, .data = xin};
  oar_error err;
  oar_status st = oar_plan_run(p, &in, &err);
  TP_CHECK(st == OAR_OK, "run: %s", err.msg);
  if (st != OAR_OK) return;
  int64_t expect[5], n = 0;
  for (int i = 0; i < 5; i++)
    if (x[i] != 0) expect[n++] = i;
  const oar_tensor_view *r = out_view(p, 0), *nz = out_view(p, 1), *y = out_view(p, 2), *c = out_view(p, 3);
  for (int i = 0; i < 5; i++)
    TP_CHECK(((const float *)r->data)[i] == (x[i] > 0 ? x[i] : 0), "relu[%d] = %g", i,
             ((const float *)r->data)[i]);
  TP_CHECK(
      nz->dtype == OAR_DTYPE_INT64 && nz->shape.rank == 2 && nz->shape.dims[0] == n && nz->shape.dims[1] == 1,
      "nz shape [%lld, %lld], want [%lld, 1]", (long long)nz->shape.dims[0], (long long)nz->shape.dims[1],
      (long long)n);
  TP_CHECK(y->shape.rank == 1 && y->shape.dims[0] == n, "y has %lld elements, want %lld",
           (long long)y->shape.dims[0], (long long)n);
  TP_CHECK(c->shape.rank == 1 && c->shape.dims[0] == n, "counts has %lld elements, want %lld",
           (long long)c->shape.dims[0], (long long)n);
  if (nz->shape.dims[0] != n || y->shape.dims[0] != n || c->shape.dims[0] != n) return;
  for (int64_t i = 0; i < n; i++) {
    TP_CHECK(((const int64_t *)nz->data)[i] == expect[i], "nz[%lld] = %lld, want %lld", (long long)i,
             (long long)((const int64_t *)nz->data)[i], (long long)expect[i]);
    TP_CHECK(((const float *)y->data)[i] == 2.0f * (float)expect[i] + 1.0f, "y[%lld] = %g, want %g",
             (long long)i, ((const float *)y->data)[i], 2.0 * (double)expect[i] + 1.0);
    TP_CHECK(((const int64_t *)c->data)[i] == 1, "counts[%lld] = %lld", (long long)i,
             (long long)((const int64_t *)c->data)[i]);
  }
}

static void test_chain(void) {
  tp_graph *t = chain_graph();
  const float x0[5] = {0, 3, 0, -3, 5};
  oar_tensor_view in = {.dtype = OAR_DTYPE_FLOAT32, .shape = {.rank = 1, .dims = {5}}};
  oar_plan *p;
  oar_error err;
  if (oar_plan_create(t->g, &in, NULL, &p, &err) != OAR_OK) tp_fatal("plan", &err);
  /* The plan stops at where_index (node 1): relu is its only step. */
  TP_CHECK(p->cut == 1 && p->num_steps == 1, "cut %d, %d steps; want cut 1 after 1 step", p->cut,
           p->num_steps);
  check_chain(p, x0);
  /* All 32 zero patterns, twice: 6 values of N, so 6 continuations of
   * the first cut, each with its own continuation after unique. */
  for (int round = 0; round < 2; round++)
    for (int bits = 0; bits < 32; bits++) {
      float x[5];
      for (int i = 0; i < 5; i++) x[i] = (bits >> i) & 1 ? (float)(i + 1) * (i % 2 ? -1.0f : 1.0f) : 0.0f;
      check_chain(p, x);
    }
  check_chain(p, x0);
  TP_CHECK(oar_plan_bytes(p) >= p->arena_bytes, "plan bytes count the arena");
  oar_plan_destroy(p);
  tp_free(t);
}

/* More distinct shapes than a plan caches continuations for (8): x [12]
 * gives 13 values of N; every run must still be right (evicted ones are
 * made again). */
static void test_eviction(void) {
  tp_graph *t = tp_new();
  tp_input(t, "x", OAR_DTYPE_FLOAT32, "12");
  tp_node(t, "where_index", "Condition=x", "Out=nz:-1x1/i64");
  tp_node(t, "cast", "X=nz", "Out=f:-1x1");
  tp_set_i(t, "out_dtype", 5);
  tp_node(t, "reduce", "X=f", "Out=s:1x1");
  tp_set_i(t, "func", OAR_REDUCE_SUM);
  tp_output(t, "s");
  float x[12];
  oar_tensor_view in = {.dtype = OAR_DTYPE_FLOAT32, .shape = {.rank = 1, .dims = {12}}, .data = x};
  oar_plan *p;
  oar_error err;
  if (oar_plan_create(t->g, &in, NULL, &p, &err) != OAR_OK) tp_fatal("plan", &err);
  for (int round = 0; round < 3; round++)
    for (int n = 0; n <= 12; n++) {
      const int k = round == 1 ? 12 - n : n;
      for (int i = 0; i < 12; i++) x[i] = i < k ? 1.0f : 0.0f;
      if (oar_plan_run(p, &in, &err) != OAR_OK) {
        TP_CHECK(0, "run: %s", err.msg);
        continue;
      }
      const oar_tensor_view *s = out_view(p, 0);
      /* sum of 0 .. k-1 */
      TP_CHECK(*(const float *)s->data == (float)(k * (k - 1) / 2), "k=%d: sum %g, want %d", k,
               *(const float *)s->data, k * (k - 1) / 2);
    }
  oar_plan_destroy(p);
  tp_free(t);
}

static void test_fold_and_no_cut(void) {
  /* where_index of a constant: folded at plan time, no cut. */
  tp_graph *t = tp_new();
  tp_input(t, "x", OAR_DTYPE_FLOAT32, "2");
  const float c[4] = {0, 2, 0, 4};
  tp_const_data(t, "c", OAR_DTYPE_FLOAT32, "4", c);
  tp_node(t, "where_index", "Condition=c", "Out=nz:-1x1/i64");
  tp_node(t, "relu", "X=x", "Out=r:2");
  tp_output(t, "nz");
  tp_output(t, "r");
  float x[2] = {-1, 1};
  oar_tensor_view in = {.dtype = OAR_DTYPE_FLOAT32, .shape = {.rank = 1, .dims = {2}}, .data = x};
  oar_plan *p;
  oar_error err;
  if (oar_plan_create(t->g, &in, NULL, &p, &err) != OAR_OK) tp_fatal("plan", &err);
  TP_CHECK(p->cut == -1 && p->num_steps == 1, "constant where_index: cut %d, %d steps", p->cut, p->num_steps);
  TP_CHECK(oar_plan_run(p, &in, &err) == OAR_OK, "run: %s", err.msg);
  const oar_tensor_view *nz = out_view(p, 0);
  TP_CHECK(
      nz->shape.dims[0] == 2 && ((const int64_t *)nz->data)[0] == 1 && ((const int64_t *)nz->data)[1] == 3,
      "folded nz");
  oar_plan_destroy(p);
  tp_free(t);
}

static void test_errors(void) {
  /* A dtype the run function does not read: the error names the op. */
  tp_graph *t = tp_new();
  tp_input(t, "x", OAR_DTYPE_FLOAT16, "3");
  tp_node(t, "where_index", "Condition=x", "Out=nz:-1x1/i64");
  tp_output(t, "nz");
  uint16_t x[3] = {0, 0x3c00, 0};
  oar_tensor_view in = {.dtype = OAR_DTYPE_FLOAT16, .shape = {.rank = 1, .dims = {3}}, .data = x};
  oar_plan *p;
  oar_error err;
  if (oar_plan_create(t->g, &in, NULL, &p, &err) != OAR_OK) tp_fatal("plan", &err);
  oar_status st = oar_plan_run(p, &in, &err);
  TP_CHECK(st == OAR_ERR_UNSUPPORTED && strstr(err.msg, "where_index") &&
               strstr(err.msg, "dtype float16 not supported (input 'Condition')"),
           "float16 where_index: %d %s", st, err.msg);
  oar_plan_destroy(p);
  tp_free(t);

  /* A continuation that cannot be planned: the error names the op after
   * the cut and its run-time input shape. */
  t = tp_new();
  tp_input(t, "x", OAR_DTYPE_FLOAT32, "4");
  tp_const(t, "w", "3x2", 1.0f);
  tp_node(t, "where_index", "Condition=x", "Out=nz:-1x1/i64");
  tp_node(t, "cast", "X=nz", "Out=f:-1x1");
  tp_set_i(t, "out_dtype", 5);
  tp_node(t, "matmul_v2", "X=f Y=w", "Out=y:-1x2");
  tp_output(t, "y");
  float xf[4] = {1, 0, 1, 1};
  in = (oar_tensor_view){.dtype = OAR_DTYPE_FLOAT32, .shape = {.rank = 1, .dims = {4}}, .data = xf};
  if (oar_plan_create(t->g, &in, NULL, &p, &err) != OAR_OK) tp_fatal("plan", &err);
  st = oar_plan_run(p, &in, &err);
  TP_CHECK(st != OAR_OK && strstr(err.msg, "matmul_v2") && strstr(err.msg, "[3, 1]"),
           "matmul after where_index: %d %s", st, err.msg);
  /* The plan stays usable: a second run fails the same way, no leak. */
  st = oar_plan_run(p, &in, &err);
  TP_CHECK(st != OAR_OK && strstr(err.msg, "matmul_v2"), "second run: %s", err.msg);
  oar_plan_destroy(p);
  tp_free(t);
}

/* A value cut: topk's K computed at run time (a float input cast to
 * int64) is not known when the model is planned; the plan stops before
 * topk and plans it, per value of K, once K is known. */
static void test_value_cut(void) {
  tp_graph *t = tp_new();
  tp_input(t, "x", OAR_DTYPE_FLOAT32, "6");
  tp_input(t, "kf", OAR_DTYPE_FLOAT32, "1");
  tp_node(t, "cast", "X=kf", "Out=k:1/i64");
  tp_set_i(t, "out_dtype", 3);
  tp_node(t, "topk", "X=x K=k", "Values=v:-1 Indices=i:-1/i64");
  tp_node(t, "relu", "X=v", "Out=r:-1");
  tp_output(t, "r");
  tp_output(t, "i");
  float x[6] = {0.5f, -2.0f, 3.0f, 1.5f, -0.25f, 2.5f}, kf[1];
  oar_tensor_view in[2] = {{.dtype = OAR_DTYPE_FLOAT32, .shape = {.rank = 1, .dims = {6}}, .data = x},
                           {.dtype = OAR_DTYPE_FLOAT32, .shape = {.rank = 1, .dims = {1}}, .data = kf}};
  oar_plan *p;
  oar_error err;
  if (oar_plan_create(t->g, in, NULL, &p, &err) != OAR_OK) tp_fatal("plan", &err);
  TP_CHECK(p->cut == 1 && p->cut_values && p->num_steps == 1, "value cut: cut %d (values %d), %d steps",
           p->cut, p->cut_values, p->num_steps);
  /* Sorted descending: 3.0 (2), 2.5 (5), 1.5 (3), 0.5 (0), -0.25 (4), -2 (1). */
  static const float want_v[6] = {3.0f, 2.5f, 1.5f, 0.5f, 0.0f, 0.0f};
  static const int64_t want_i[6] = {2, 5, 3, 0, 4, 1};
  static const int ks[7] = {2, 3, 2, 6, 0, 3, 1};
  for (int r = 0; r < 7; r++) {
    kf[0] = (float)ks[r];
    oar_status st = oar_plan_run(p, in, &err);
    TP_CHECK(st == OAR_OK, "k=%d: %s", ks[r], err.msg);
    if (st != OAR_OK) continue;
    const oar_tensor_view *v = out_view(p, 0), *i = out_view(p, 1);
    TP_CHECK(v->shape.dims[0] == ks[r] && i->shape.dims[0] == ks[r], "k=%d: %lld values, %lld indices", ks[r],
             (long long)v->shape.dims[0], (long long)i->shape.dims[0]);
    for (int j = 0; j < ks[r] && v->shape.dims[0] == ks[r]; j++)
      TP_CHECK(((const float *)v->data)[j] == want_v[j] && ((const int64_t *)i->data)[j] == want_i[j],
               "k=%d: [%d] = %g (#%lld)", ks[r], j, ((const float *)v->data)[j],
               (long long)((const int64_t *)i->data)[j]);
  }
  oar_plan_destroy(p);
  tp_free(t);
}

/* Fails the n-th allocation from plan creation on, for every n until a
 * pass completes: plan creation and each of three runs (new shapes, so new
 * continuations) either succeed or report out of memory; after the
 * failures stop, the same plan runs right (ASan checks for leaks). */
static void test_alloc_failures(void) {
  tp_graph *t = chain_graph();
  static const float xs[3][5] = {{0, 3, 0, -3, 5}, {1, 1, 1, 1, 1}, {0, 0, 0, 0, 0}};
  oar_tensor_view in = {.dtype = OAR_DTYPE_FLOAT32, .shape = {.rank = 1, .dims = {5}}};
  int completed = 0, failures_seen = 0;
  for (long n = 0; !completed && n < 100000; n++) {
    oar_plan *p = NULL;
    oar_error err;
    oar_alloc_fail_after(n);
    oar_status st = oar_plan_create(t->g, &in, NULL, &p, &err);
    int ok = st == OAR_OK;
    for (int r = 0; ok && r < 3; r++) {
      float x[5];
      memcpy(x, xs[r], sizeof x);
      in.data = x;
      st = oar_plan_run(p, &in, &err);
      ok = st == OAR_OK;
    }
    oar_alloc_fail_after(-1);
    in.data = NULL;
    if (!ok) {
      failures_seen++;
      TP_CHECK(st == OAR_ERR_OUT_OF_MEMORY && err.msg[0], "failing allocation %ld: status %d (%s)", n, st,
               err.msg);
    } else {
      completed = 1;
    }
    if (p)
      for (int r = 0; r < 3; r++) check_chain(p, xs[r]);
    oar_plan_destroy(p);
  }
  TP_CHECK(completed && failures_seen > 10, "completed %d after %d injected failures", completed,
           failures_seen);
  printf("allocation failures: %d injected, each reported\n", failures_seen);
  tp_free(t);
}

int main(void) {
  test_chain();
  test_eviction();
  test_fold_and_no_cut();
  test_errors();
  test_value_cut();
  test_alloc_failures();
  if (tp_failures) {
    fprintf(stderr, "%d failures\n", tp_failures);
    return 1;
  }
  printf("ok\n");
  return 0;
}
