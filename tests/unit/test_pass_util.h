/* Shared by the tests/unit/test_pass_*.c tests: build a small graph by
 * op and slot names, run it through the planner on fixed random inputs,
 * run passes on a second copy of it, and compare the outputs.
 *
 *   tp_graph *t = tp_new();
 *   tp_input(t, "x", OAR_DTYPE_FLOAT32, "2x3");
 *   tp_const(t, "w", "3x4", 0.5f);             random float32 constant
 *   tp_node(t, "matmul_v2", "X=x Y=w", "Out=y:2x4");
 *   tp_set_i(t, "trans_x", 0);                 attrs of the last node
 *   tp_output(t, "y");
 *
 * Value specs "name:AxBxC" create the value with that declared shape (-1
 * allowed: "-1x-1x64"; "" is rank 0); plain names refer to values made
 * before. Any failure is fatal for the test (these are tests). */
#ifndef OAR_TESTS_UNIT_TEST_PASS_UTIL_H
#define OAR_TESTS_UNIT_TEST_PASS_UTIL_H

/* tp_use_isa calls setenv: a test defines _POSIX_C_SOURCE 200809L before
 * its first include, or includes this header first. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/cpu.h"
#include "ir/graph.h"
#include "kernels/generic/f32_kernels.h"
#include "passes/pass_manager.h"
#include "runtime/model.h"
#include "runtime/op_run.h"
#include "runtime/plan.h"
#include "portable.h"

static int tp_failures;

#define TP_CHECK(cond, ...)                                \
  do {                                                     \
    if (!(cond)) {                                         \
      tp_failures++;                                       \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                        \
      fprintf(stderr, "\n");                               \
    }                                                      \
  } while (0)

static inline void tp_fatal(const char *what, const oar_error *err) {
  fprintf(stderr, "FATAL %s: %s\n", what, err ? err->msg : "");
  exit(1);
}

typedef struct tp_graph {
  oar_graph *g;
  unsigned rng;
  oar_error err;
} tp_graph;

static inline float tp_rand(tp_graph *t) {
  t->rng = t->rng * 1103515245u + 12345u;
  return (float)((t->rng >> 8) & 0xffff) / 65535.0f * 2.0f - 1.0f;
}

static inline tp_graph *tp_new(void) {
  tp_graph *t = calloc(1, sizeof *t);
  if (!t || oar_graph_create(&t->g, &t->err) != OAR_OK) tp_fatal("graph", NULL);
  t->rng = 20240601u;
  return t;
}

static inline void tp_free(tp_graph *t) {
  oar_graph_destroy(t->g);
  free(t);
}

static inline oar_shape tp_shape(const char *spec) {
  oar_shape s = {0};
  while (spec && *spec && s.rank < OAR_MAX_RANK) {
    char *end;
    s.dims[s.rank++] = strtoll(spec, &end, 10);
    if (end == spec) break;
    spec = *end == 'x' ? end + 1 : end;
  }
  return s;
}

/* "name" -> existing id; "name:shape" -> a new value of `dtype`. */
static inline int tp_value(tp_graph *t, const char *spec, oar_dtype dtype) {
  char name[128];
  const char *colon = strchr(spec, ':');
  size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
  if (len >= sizeof name) tp_fatal("value name too long", NULL);
  memcpy(name, spec, len);
  name[len] = 0;
  int id = oar_graph_find_value(t->g, name);
  if (!colon) {
    if (id < 0) {
      fprintf(stderr, "FATAL no value %s\n", name);
      exit(1);
    }
    return id;
  }
  if (id >= 0) tp_fatal(name, NULL);
  oar_shape s = tp_shape(colon + 1);
  if (oar_graph_add_value(t->g, name, dtype, &s, &id, &t->err) != OAR_OK) tp_fatal("add value", &t->err);
  return id;
}

static inline int tp_input(tp_graph *t, const char *name, oar_dtype dtype, const char *shape) {
  char spec[160];
  snprintf(spec, sizeof spec, "%s:%s", name, shape);
  int id = tp_value(t, spec, dtype);
  t->g->values[id].kind = OAR_VALUE_INPUT;
  if (oar_graph_add_input(t->g, id, &t->err) != OAR_OK) tp_fatal("add input", &t->err);
  return id;
}

static inline int tp_const_data(tp_graph *t, const char *name, oar_dtype dtype, const char *shape,
                                const void *data) {
  char spec[160];
  snprintf(spec, sizeof spec, "%s:%s", name, shape);
  int id = tp_value(t, spec, dtype);
  oar_shape s = t->g->values[id].shape;
  size_t bytes = (size_t)oar_shape_numel(&s) * oar_dtype_bytes(dtype);
  if (oar_graph_set_constant(t->g, id, dtype, &s, data, bytes, &t->err) != OAR_OK) tp_fatal("const", &t->err);
  return id;
}

/* A float32 constant of uniform values in [-scale, scale]. */
static inline int tp_const(tp_graph *t, const char *name, const char *shape, float scale) {
  oar_shape s = tp_shape(shape);
  int64_t n = oar_shape_numel(&s);
  float *v = malloc(((size_t)n + 1) * sizeof *v);
  if (!v) tp_fatal("oom", NULL);
  for (int64_t i = 0; i < n; i++) v[i] = scale * tp_rand(t);
  int id = tp_const_data(t, name, OAR_DTYPE_FLOAT32, shape, v);
  free(v);
  return id;
}

static inline int tp_const_scalar(tp_graph *t, const char *name, float value) {
  return tp_const_data(t, name, OAR_DTYPE_FLOAT32, "1", &value);
}

/* Slots as "Slot=spec Slot=spec ..." (one value each; a slot may repeat).
 * Outputs take float32 unless the spec is followed by "/i64", "/bool",
 * "/u8" or "/i8". */
static inline void tp_node(tp_graph *t, const char *op, const char *ins, const char *outs) {
  const oar_op_schema *s = oar_schema_find(op);
  if (!s) tp_fatal(op, NULL);
  oar_node_builder b;
  if (oar_node_begin(&b, t->g, s, t->g->num_nodes, &t->err) != OAR_OK) tp_fatal("begin", &t->err);
  for (int pass = 0; pass < 2; pass++) {
    const char *p = pass ? outs : ins;
    /* Slots must be filled in ascending order: go slot by slot. */
    const int nslots = pass ? s->num_outputs : s->num_inputs;
    for (int slot = 0; slot < nslots; slot++) {
      const char *q = p;
      while (q && *q) {
        while (*q == ' ') q++;
        const char *eq = strchr(q, '=');
        const char *end = strchr(q, ' ');
        if (!end) end = q + strlen(q);
        if (!eq || eq > end) tp_fatal(q, NULL);
        char slot_name[64], spec[160];
        snprintf(slot_name, sizeof slot_name, "%.*s", (int)(eq - q), q);
        snprintf(spec, sizeof spec, "%.*s", (int)(end - eq - 1), eq + 1);
        int k = pass ? oar_schema_output_index(s, slot_name) : oar_schema_input_index(s, slot_name);
        if (k < 0) tp_fatal(slot_name, NULL);
        if (k == slot) {
          oar_dtype dt = OAR_DTYPE_FLOAT32;
          char *suffix = strchr(spec, '/');
          if (suffix) {
            dt = !strcmp(suffix, "/i64")    ? OAR_DTYPE_INT64
                 : !strcmp(suffix, "/bool") ? OAR_DTYPE_BOOL
                 : !strcmp(suffix, "/u8")   ? OAR_DTYPE_UINT8
                 : !strcmp(suffix, "/i8")   ? OAR_DTYPE_INT8
                                            : dt;
            *suffix = 0;
          }
          int id = tp_value(t, spec, dt);
          oar_status st =
              pass ? oar_node_add_output(&b, k, id, &t->err) : oar_node_add_input(&b, k, id, &t->err);
          if (st != OAR_OK) tp_fatal("slot", &t->err);
        }
        q = end;
      }
    }
  }
  if (oar_node_finish(&b, &t->err) != OAR_OK) tp_fatal(op, &t->err);
}

static inline void tp_set(tp_graph *t, const char *name, const oar_attr *a) {
  oar_node *n = &t->g->nodes[t->g->num_nodes - 1];
  int k = oar_schema_attr_index(n->schema, name);
  if (k < 0 || oar_node_replace_attr(n, k, a, &t->err) != OAR_OK) tp_fatal(name, &t->err);
}
static inline void tp_set_i(tp_graph *t, const char *name, int64_t v) {
  oar_attr a = {.type = OAR_ATTR_INT, .i = v};
  tp_set(t, name, &a);
}
static inline void tp_set_f(tp_graph *t, const char *name, double v) {
  oar_attr a = {.type = OAR_ATTR_FLOAT, .f = v};
  tp_set(t, name, &a);
}
static inline void tp_set_s(tp_graph *t, const char *name, const char *v) {
  oar_attr a = {.type = OAR_ATTR_STRING, .s = (char *)v};
  tp_set(t, name, &a);
}
static inline void tp_set_ints(tp_graph *t, const char *name, int n, const int64_t *v) {
  oar_attr a = {.type = OAR_ATTR_INTS, .ints = (int64_t *)v, .n = (size_t)n};
  tp_set(t, name, &a);
}
#define TP_INTS(t, name, ...) \
  tp_set_ints(t, name, (int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t)), (int64_t[]){__VA_ARGS__})

static inline void tp_output(tp_graph *t, const char *name) {
  if (oar_graph_add_output(t->g, tp_value(t, name, OAR_DTYPE_FLOAT32), &t->err) != OAR_OK)
    tp_fatal("output", &t->err);
}

/* ---- running ------------------------------------------------------------ */

/* Concrete input shapes and data, filled by the test: float inputs random
 * in [-1, 1], int64 inputs random in [0, int_range). */
typedef struct tp_inputs {
  int count;
  oar_tensor_view views[8];
} tp_inputs;

static inline void tp_make_inputs(const tp_graph *t, const char *const *shapes, int64_t int_range,
                                  unsigned seed, tp_inputs *in) {
  tp_graph r = {.rng = seed};
  in->count = t->g->num_inputs;
  for (int i = 0; i < in->count; i++) {
    const oar_value *v = &t->g->values[t->g->inputs[i]];
    oar_tensor_view *w = &in->views[i];
    w->dtype = v->dtype;
    w->shape = tp_shape(shapes[i]);
    int64_t n = oar_shape_numel(&w->shape);
    w->data = malloc(((size_t)n + 1) * oar_dtype_bytes(v->dtype));
    if (!w->data) tp_fatal("oom", NULL);
    for (int64_t k = 0; k < n; k++) {
      if (v->dtype == OAR_DTYPE_INT64)
        ((int64_t *)w->data)[k] = (int64_t)((tp_rand(&r) + 1.0f) * 0.5f * (float)int_range) % int_range;
      else
        ((float *)w->data)[k] = tp_rand(&r);
    }
  }
}

static inline void tp_free_inputs(tp_inputs *in) {
  for (int i = 0; i < in->count; i++) free(in->views[i].data);
}

/* Outputs of one run (copies, float32 only). */
typedef struct tp_outputs {
  int count;
  float *data[8];
  int64_t numel[8];
} tp_outputs;

/* Plans and runs the graph `runs` times; returns the seconds of the
 * fastest run. When `kernels` is not NULL it gets the kernel of every
 * prepared step, "; "-separated ("reference" for steps without one). */
static inline double tp_run_kernels(const tp_graph *t, const tp_inputs *in, int runs, tp_outputs *out,
                                    char *kernels, size_t kernels_size) {
  oar_plan *plan;
  oar_error err;
  if (oar_plan_create(t->g, in->views, NULL, &plan, &err) != OAR_OK) tp_fatal("plan", &err);
  double best = 1e30;
  for (int r = 0; r < runs; r++) {
    const double a = portable_now_seconds();
    if (oar_plan_run(plan, in->views, &err) != OAR_OK) tp_fatal("run", &err);
    const double s = portable_now_seconds() - a;
    best = s < best ? s : best;
  }
  out->count = t->g->num_outputs;
  for (int i = 0; i < out->count; i++) {
    const oar_tensor_view *v = &plan->views[t->g->outputs[i]];
    out->numel[i] = oar_view_numel(v);
    out->data[i] = malloc(((size_t)out->numel[i] + 1) * sizeof(float));
    if (!out->data[i]) tp_fatal("oom", NULL);
    if (v->dtype == OAR_DTYPE_FLOAT32) memcpy(out->data[i], v->data, (size_t)out->numel[i] * sizeof(float));
  }
  if (kernels && kernels_size) {
    size_t at = 0;
    kernels[0] = 0;
    for (int i = 0; i < plan->num_steps && at < kernels_size; i++) {
      const oar_op_state *st = plan->step_states[i];
      at += (size_t)snprintf(kernels + at, kernels_size - at, "%s%s: %s", i ? "; " : "",
                             plan->graph->nodes[plan->steps[i]].schema->name,
                             st && st->kernel ? st->kernel : "reference");
    }
  }
  oar_plan_destroy(plan);
  return best;
}

static inline double tp_run(const tp_graph *t, const tp_inputs *in, int runs, tp_outputs *out) {
  return tp_run_kernels(t, in, runs, out, NULL, 0);
}

static inline void tp_free_outputs(tp_outputs *o) {
  for (int i = 0; i < o->count; i++) free(o->data[i]);
}

static inline oar_status tp_eval(void *user, const oar_node *node, const oar_tensor_view *const *in,
                                 oar_tensor_view *out, oar_error *err) {
  (void)user;
  return oar_run_fn_for(node->schema->id)(node, in, out, err);
}

/* The pass target the runtime gives the passes on this host
 * (oar_model_pass_target): what the kernels of the ISA level plans will
 * use (OAR_ISA caps it) prefer. With it, the layout
 * passes (to_blocked_layout, pad_into_producer, winograd_conv) fire where
 * a model loaded on this host would have them fire. */
static inline oar_pass_target tp_host_target(void) {
  oar_pass_target target;
  oar_error err;
  if (oar_model_pass_target(&target, &err) != OAR_OK) tp_fatal("OAR_ISA", &err);
  return target;
}

/* Runs the whole pipeline (every pass) for `target` (NULL: plain NCHW);
 * *reports (free with oar_free) gets one report per pass. */
static inline void tp_optimize_for(tp_graph *t, const oar_pass_target *target, oar_pass_report **reports,
                                   int *count) {
  if (oar_pass_manager_run(t->g, NULL, 0, tp_eval, NULL, target, reports, count, &t->err) != OAR_OK)
    tp_fatal("passes", &t->err);
}

/* How often pass `name` fired in reports (fatal when there is no such
 * pass: a renamed pass must not pass for one that did not fire). */
static inline int tp_fired(const oar_pass_report *reports, int count, const char *name) {
  for (int i = 0; i < count; i++)
    if (strcmp(reports[i].name, name) == 0) return reports[i].fired;
  tp_fatal(name, NULL);
  return -1;
}

/* Runs the whole pipeline (every pass) for plain NCHW and returns how
 * often pass `name` fired; its notes go to *notes when not NULL. */
static inline int tp_optimize(tp_graph *t, const char *name, char *notes, size_t notes_size) {
  oar_pass_report *reports;
  int count;
  tp_optimize_for(t, NULL, &reports, &count);
  int fired = tp_fired(reports, count, name);
  for (int i = 0; i < count; i++)
    if (notes && strcmp(reports[i].name, name) == 0) snprintf(notes, notes_size, "%s", reports[i].notes);
  oar_free(reports);
  return fired;
}

/* Nodes of op `op` in the graph. */
static inline int tp_count(const tp_graph *t, const char *op) {
  int n = 0;
  for (int i = 0; i < t->g->num_nodes; i++) n += strcmp(t->g->nodes[i].schema->name, op) == 0;
  return n;
}

/* Outputs equal within |a - b| <= atol + rtol |b|. */
static inline void tp_compare(const char *what, const tp_outputs *got, const tp_outputs *want, float rtol,
                              float atol) {
  TP_CHECK(got->count == want->count, "%s: %d outputs, expected %d", what, got->count, want->count);
  for (int i = 0; i < got->count && i < want->count; i++) {
    TP_CHECK(got->numel[i] == want->numel[i], "%s: output %d has %lld values, expected %lld", what, i,
             (long long)got->numel[i], (long long)want->numel[i]);
    if (got->numel[i] != want->numel[i]) continue;
    int64_t bad = 0, nonzero = 0;
    for (int64_t k = 0; k < got->numel[i]; k++) {
      float a = got->data[i][k], b = want->data[i][k];
      nonzero += b != 0.0f;
      if (!(fabsf(a - b) <= atol + rtol * fabsf(b))) {
        if (!bad)
          fprintf(stderr, "%s: output %d [%lld]: got %.9g, want %.9g\n", what, i, (long long)k, (double)a,
                  (double)b);
        bad++;
      }
    }
    TP_CHECK(bad == 0, "%s: output %d: %lld of %lld values differ", what, i, (long long)bad,
             (long long)got->numel[i]);
    TP_CHECK(nonzero > got->numel[i] / 2, "%s: output %d is mostly zeros", what, i);
  }
}

/* The test flow: build(t) twice; run the first as built, optimize the
 * second, expect pass `pass` to fire `fired` times, run it, compare. */
typedef void (*tp_build_fn)(tp_graph *t);

static inline void tp_check_pass(const char *what, tp_build_fn build, const char *pass, int fired,
                                 const char *const *shapes, int64_t int_range, float rtol, float atol) {
  tp_graph *before = tp_new(), *after = tp_new();
  build(before);
  build(after);
  char notes[OAR_PASS_NOTES_MAX];
  int got = tp_optimize(after, pass, notes, sizeof notes);
  TP_CHECK(got == fired, "%s: %s fired %d times, expected %d (notes: %s)", what, pass, got, fired, notes);
  tp_inputs in;
  tp_make_inputs(before, shapes, int_range, 7u, &in);
  tp_outputs want, have;
  tp_run(before, &in, 1, &want);
  tp_run(after, &in, 1, &have);
  tp_compare(what, &have, &want, rtol, atol);
  printf("%-48s %s fired %d, %d -> %d ops%s%s\n", what, pass, got, before->g->num_nodes, after->g->num_nodes,
         notes[0] ? "; notes: " : "", notes);
  tp_free_outputs(&want);
  tp_free_outputs(&have);
  tp_free_inputs(&in);
  tp_free(before);
  tp_free(after);
}

/* Selects ISA level `isa` for the plans made after it (OAR_ISA); false,
 * with a SKIP line, when this host does not have it. */
static inline bool tp_use_isa(int isa) {
  if (isa > (int)oar_cpu_isa_detected()) {
    printf("SKIP %s: this host supports up to %s\n", oar_isa_name((oar_isa)isa),
           oar_isa_name(oar_cpu_isa_detected()));
    return false;
  }
  portable_setenv("OAR_ISA", oar_isa_name((oar_isa)isa));
  return true;
}

static inline int tp_finish(void) {
  if (tp_failures)
    fprintf(stderr, "%d failures\n", tp_failures);
  else
    printf("all passed\n");
  return tp_failures ? 1 : 0;
}

#endif
