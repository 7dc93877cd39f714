/* Per-step time of a model's plan: which kernel each node runs and how
 * long it takes (median over runs), summed by op type. For tuning; uses
 * the engine's internal headers, so build it against a build directory's
 * static library:
 *
 *   cc -O2 -std=c11 -I include -I src bench/op_profile.c build/lib/liboar.a -lm -lpthread -o op_profile
 *   ./op_profile MODEL_DIR [--threads N] [--batch N] [--runs N] [--top N]
 *
 * OP_PROFILE_STEP=i times step i alone, 51 times (hot caches); with
 * OP_PROFILE_PREV=j the steps j .. i-1 run (untimed) before each timing.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "base/alloc.h"
#include "base/threadpool.h"
#include "runtime/model.h"
#include "runtime/plan.h"

typedef struct row {
  int step;
  double ms;
} row;

static int by_ms_desc(const void *a, const void *b) {
  const row *x = a, *y = b;
  return x->ms < y->ms ? 1 : x->ms > y->ms ? -1 : 0;
}

int main(int argc, char **argv) {
  const char *dir = NULL;
  int threads = 1, runs = 20, top = 25;
  long batch = 1;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--threads") && i + 1 < argc)
      threads = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--batch") && i + 1 < argc)
      batch = atol(argv[++i]);
    else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
      runs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--top") && i + 1 < argc)
      top = atoi(argv[++i]);
    else
      dir = argv[i];
  }
  if (!dir || runs < 1) {
    fprintf(stderr, "usage: op_profile MODEL_DIR [--threads N] [--batch N] [--runs N] [--top N]\n");
    return 2;
  }
  oar_error err;
  oar_error_clear(&err);
  oar_model_source src = {.model = dir};
  oar_model *m = NULL;
  if (oar_model_load(&src, NULL, &m, &err) != OAR_OK) {
    fprintf(stderr, "%s\n", err.msg);
    return 1;
  }
  const oar_graph *g = m->graph;
  oar_tensor_view *inputs = calloc((size_t)g->num_inputs + 1, sizeof *inputs);
  for (int i = 0; i < g->num_inputs; i++) {
    const oar_value *v = &g->values[g->inputs[i]];
    inputs[i].dtype = v->dtype;
    inputs[i].shape = v->shape;
    for (int d = 0; d < v->shape.rank; d++)
      if (inputs[i].shape.dims[d] < 0) inputs[i].shape.dims[d] = batch;
    const int64_t n = oar_shape_numel(&inputs[i].shape);
    float *data = oar_aligned_alloc((size_t)n * oar_dtype_bytes(v->dtype) + 64);
    for (int64_t k = 0; k < n && v->dtype == OAR_DTYPE_FLOAT32; k++)
      data[k] = (float)((k * 37) % 101) / 101.0f;
    inputs[i].data = data;
  }
  oar_threadpool *pool = NULL;
  oar_threadpool_create(threads, &pool, &err);
  oar_threadpool_set_current(pool);
  oar_plan *p = NULL;
  if (oar_plan_create(g, inputs, NULL, &p, &err) != OAR_OK) {
    fprintf(stderr, "%s\n", err.msg);
    return 1;
  }
  oar_plan_run(p, inputs, &err);
  double *t = calloc((size_t)p->num_steps * (size_t)runs + 1, sizeof *t);
  const oar_tensor_view **in = calloc(64, sizeof *in);
  oar_tensor_view *out = calloc(64, sizeof *out);
  double total_wall = 0;
  for (int r = 0; r < runs; r++) {
    for (int i = 0; i < g->num_inputs; i++) p->views[g->inputs[i]].data = inputs[i].data;
    const double w0 = bench_now();
    for (int s = 0; s < p->num_steps; s++) {
      const oar_node *n = &g->nodes[p->steps[s]];
      for (int i = 0; i < oar_node_num_in(n); i++) in[i] = &p->views[n->in[i]];
      for (int i = 0; i < oar_node_num_out(n); i++) out[i] = p->views[n->out[i]];
      const oar_op_state *ks = p->step_states[s];
      const double t0 = bench_now();
      oar_status st =
          ks ? ks->run(ks, n, in, out, p->prep.workspace, &err) : p->step_fns[s](n, in, out, &err);
      t[(size_t)s * (size_t)runs + (size_t)r] = (bench_now() - t0) * 1e3;
      if (st != OAR_OK) {
        fprintf(stderr, "step %d: %s\n", s, err.msg);
        return 1;
      }
    }
    total_wall += bench_now() - w0;
  }
  if (getenv("OP_PROFILE_STEP")) {
    /* One step alone, many times: min and median. */
    const int s = atoi(getenv("OP_PROFILE_STEP"));
    const oar_node *n = &g->nodes[p->steps[s]];
    for (int i = 0; i < oar_node_num_in(n); i++) in[i] = &p->views[n->in[i]];
    for (int i = 0; i < oar_node_num_out(n); i++) out[i] = p->views[n->out[i]];
    const oar_op_state *ks = p->step_states[s];
    double ts[51];
    const int prev = getenv("OP_PROFILE_PREV") ? atoi(getenv("OP_PROFILE_PREV")) : -1;
    for (int r = 0; r < 51; r++) {
      for (int q = prev; q >= 0 && q < s; q++) {
        /* Run the earlier steps first (from `prev` on), as the model would. */
        const oar_node *pn = &g->nodes[p->steps[q]];
        const oar_tensor_view *pin[64];
        oar_tensor_view pout[64];
        for (int i = 0; i < oar_node_num_in(pn); i++) pin[i] = &p->views[pn->in[i]];
        for (int i = 0; i < oar_node_num_out(pn); i++) pout[i] = p->views[pn->out[i]];
        if (p->step_states[q])
          p->step_states[q]->run(p->step_states[q], pn, pin, pout, p->prep.workspace, &err);
        else
          p->step_fns[q](pn, pin, pout, &err);
      }
      const double t0 = bench_now();
      ks->run(ks, n, in, out, p->prep.workspace, &err);
      ts[r] = (bench_now() - t0) * 1e3;
    }
    qsort(ts, 51, sizeof *ts, bench_cmp_double);
    printf("step %d (%s): min %.3f ms median %.3f ms\n", s, ks->kernel, ts[0], ts[25]);
    return 0;
  }
  row *rows = calloc((size_t)p->num_steps + 1, sizeof *rows);
  double sum = 0;
  for (int s = 0; s < p->num_steps; s++) {
    qsort(t + (size_t)s * (size_t)runs, (size_t)runs, sizeof *t, bench_cmp_double);
    rows[s] = (row){s, t[(size_t)s * (size_t)runs + (size_t)runs / 2]};
    sum += rows[s].ms;
  }
  printf(
      "%s: %d steps, threads %d, batch %ld: sum of step medians %.2f ms (mean wall %.2f ms), ISA table %s\n",
      dir, p->num_steps, threads, batch, sum, total_wall / runs * 1e3, p->prep.kernels->gemm_name);
  /* By op type. */
  const char *types[64];
  double type_ms[64];
  int type_n[64], ntypes = 0;
  for (int s = 0; s < p->num_steps; s++) {
    const char *ty = g->nodes[p->steps[s]].schema->name;
    int k = 0;
    while (k < ntypes && strcmp(types[k], ty)) k++;
    if (k == ntypes && ntypes < 64) {
      types[ntypes] = ty;
      type_ms[ntypes] = 0;
      type_n[ntypes++] = 0;
    }
    if (k < 64) {
      type_ms[k] += rows[s].ms;
      type_n[k]++;
    }
  }
  for (int k = 0; k < ntypes; k++)
    printf("  %-26s %3d steps %8.2f ms %5.1f%%\n", types[k], type_n[k], type_ms[k], 100 * type_ms[k] / sum);
  qsort(rows, (size_t)p->num_steps, sizeof *rows, by_ms_desc);
  printf("slowest steps:\n");
  for (int i = 0; i < top && i < p->num_steps; i++) {
    const int s = rows[i].step;
    const oar_node *n = &g->nodes[p->steps[s]];
    char desc[160], shape[96], shape2[96];
    oar_node_describe(g, n, desc, sizeof desc);
    const oar_tensor_view *x = &p->views[n->in[0]];
    const oar_tensor_view *y = &p->views[n->out[0]];
    printf("  %7.3f ms #%-3d %-48.48s %s -> %s  [%s]\n", rows[i].ms, s, desc,
           oar_shape_str(&x->shape, shape, sizeof shape), oar_shape_str(&y->shape, shape2, sizeof shape2),
           p->step_states[s] ? p->step_states[s]->kernel : "reference");
  }
  oar_plan_destroy(p);
  oar_threadpool_set_current(NULL);
  oar_threadpool_destroy(pool);
  oar_model_release(m);
  return 0;
}
