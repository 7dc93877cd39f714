/* ONNX backend conformance: runs every node test of ONNX's backend test
 * data through oar, compares with the expected outputs, and checks the
 * result of every test against a committed baseline.
 *
 * Usage: onnx_conformance NODE_DIR TABLE_OUT [--baseline FILE] [--update-baseline] [--filter SUBSTR]
 *
 * For each NODE_DIR/TEST/: load model.onnx with the public API, feed
 * every test_data_set_N/input_K.pb, run, and compare each output with
 * output_K.pb: same dtype and shape, floats within |got - want| <= atol +
 * rtol * |want| (rtol 1e-3, atol 1e-7: ONNX's own defaults; NaN matches
 * NaN), other types exact.
 *
 * A test is "unsupported" when oar refuses it with OAR_ERR_UNSUPPORTED (an
 * op, dtype, attribute or opset it does not have); "fail" on any other
 * error, a wrong value or a crash; "pass" otherwise. oar plans shapes once
 * per input signature, so an op whose output shape depends on the values
 * of a graph input (Reshape's shape, Slice's starts, ...) cannot be planned
 * from the graph input alone: such a test is retried with its inputs bound
 * as constants (what an exporter that folds them produces) and counted as
 * "pass-const" when it then matches.
 *
 * The baseline (tests/onnx/node_tests_baseline.tsv, the table format) holds
 * the expected result of every test. The run fails when any test's result
 * differs from it: a pass that becomes anything else, an unsupported test
 * that now fails, and also an improvement not yet recorded (so the baseline
 * is updated in the commit that makes it: --update-baseline writes the
 * table to FILE). A test missing from the baseline fails unless it passes
 * or is unsupported; a baseline test missing from NODE_DIR fails (the data
 * set changed) unless --filter selects a subset.
 *
 * Each test runs in a child process (a crash or a hang of one test is that
 * test's failure; a child that exits non-zero after its result, as
 * LeakSanitizer's exit on a leak, fails too), or all in this one with
 * OAR_ONNX_CONFORMANCE_INPROCESS=1 (what CI's ASan build does: a leak or a
 * sanitizer report anywhere ends the run with a failure). Prints per-op
 * counts and the total, writes one line per test to TABLE_OUT (NODE_DIR
 * written as $NODE_DIR). Exit 0 when every result matches the baseline, 1
 * otherwise, 2 for a bad command line. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/file.h"
#include "frontend/onnx/onnx_loader.h"
#include "frontend/onnx/onnx_proto.h"
#include "oar/oar.h"
#include "runtime/plan.h"

#define RTOL 1e-3
#define ATOL 1e-7
#define TEST_TIMEOUT_S 120

typedef enum { R_PASS, R_PASS_CONST, R_FAIL, R_UNSUPPORTED } result_kind;
static const char *kind_names[] = {"pass", "pass-const", "fail", "unsupported"};

typedef struct tensor {
  oar_dtype dtype;
  oar_shape shape;
  void *data;
  size_t bytes;
} tensor;

/* ---- reading .pb tensors ------------------------------------------------------ */

static int read_pb(const char *path, tensor *t, char *why, size_t wsize, int *unsupported) {
  oar_bytes b;
  oar_error err;
  memset(t, 0, sizeof *t);
  if (oar_file_read(path, &b, &err) != OAR_OK) {
    snprintf(why, wsize, "%s", err.msg);
    return -1;
  }
  onnx_tensor pt;
  int rc = -1;
  if (onnx_tensor_decode(b.data, b.size, &pt, &err) != OAR_OK) {
    snprintf(why, wsize, "%s: %s", path, err.msg);
    goto done;
  }
  t->dtype = onnx_dtype_to_oar(pt.data_type);
  if (t->dtype == OAR_DTYPE_UNKNOWN) {
    snprintf(why, wsize, "test data of type %s", onnx_dtype_name(pt.data_type));
    *unsupported = 1;
    goto done_t;
  }
  if (onnx_tensor_shape(&pt, &t->shape, &err) != OAR_OK) {
    snprintf(why, wsize, "%s: %s", path, err.msg);
    *unsupported = err.code == OAR_ERR_UNSUPPORTED;
    goto done_t;
  }
  t->bytes = (size_t)oar_shape_numel(&t->shape) * oar_dtype_bytes(t->dtype);
  t->data = malloc(t->bytes ? t->bytes : 1);
  if (!t->data || onnx_tensor_copy_inline(&pt, t->dtype, t->data, t->bytes, &err) != OAR_OK) {
    snprintf(why, wsize, "%s: %s", path, t->data ? err.msg : "out of memory");
    goto done_t;
  }
  rc = 0;
done_t:
  onnx_tensor_free(&pt);
done:
  oar_bytes_free(&b);
  return rc;
}

/* ---- comparing ------------------------------------------------------------------- */

static double elem(oar_dtype t, const void *p, int64_t i) {
  switch (t) {
    case OAR_DTYPE_FLOAT32: return ((const float *)p)[i];
    case OAR_DTYPE_FLOAT64: return ((const double *)p)[i];
    case OAR_DTYPE_INT32: return ((const int32_t *)p)[i];
    case OAR_DTYPE_INT64: return (double)((const int64_t *)p)[i];
    case OAR_DTYPE_INT16: return ((const int16_t *)p)[i];
    case OAR_DTYPE_INT8: return ((const int8_t *)p)[i];
    case OAR_DTYPE_UINT8:
    case OAR_DTYPE_BOOL: return ((const uint8_t *)p)[i];
    case OAR_DTYPE_FLOAT16: {
      uint16_t h = ((const uint16_t *)p)[i];
      int e = (h >> 10) & 31, m = h & 1023;
      double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexp(m + 1024, e - 25);
      return (h & 0x8000) ? -v : v;
    }
    default: return 0.0;
  }
}

static int compare(const char *name, oar_dtype got_t, const oar_shape *got_s, const void *got,
                   const tensor *want, char *why, size_t wsize) {
  char a[128], b[128];
  if (got_t != want->dtype) {
    snprintf(why, wsize, "output %s: dtype %s, expected %s", name, oar_dtype_name(got_t),
             oar_dtype_name(want->dtype));
    return -1;
  }
  if (!oar_shape_equal(got_s, &want->shape)) {
    snprintf(why, wsize, "output %s: shape %s, expected %s", name, oar_shape_str(got_s, a, sizeof a),
             oar_shape_str(&want->shape, b, sizeof b));
    return -1;
  }
  const bool fp = got_t == OAR_DTYPE_FLOAT32 || got_t == OAR_DTYPE_FLOAT64 || got_t == OAR_DTYPE_FLOAT16;
  const int64_t n = oar_shape_numel(got_s);
  for (int64_t i = 0; i < n; i++) {
    const double g = elem(got_t, got, i), w = elem(got_t, want->data, i);
    bool ok;
    if (fp) {
      if (isnan(w) || isnan(g))
        ok = isnan(w) && isnan(g);
      else if (isinf(w) || isinf(g))
        ok = g == w;
      else
        ok = fabs(g - w) <= ATOL + RTOL * fabs(w);
    } else {
      ok = memcmp((const char *)got + (size_t)i * oar_dtype_size(got_t),
                  (const char *)want->data + (size_t)i * oar_dtype_size(got_t), oar_dtype_size(got_t)) == 0;
    }
    if (!ok) {
      snprintf(why, wsize, "output %s: element %lld is %.9g, expected %.9g", name, (long long)i, g, w);
      return -1;
    }
  }
  return 0;
}

/* ---- one test --------------------------------------------------------------------- */

typedef struct data_set {
  tensor in[64], out[64];
  int nin, nout;
} data_set;

static void free_set(data_set *d) {
  for (int i = 0; i < d->nin; i++) free(d->in[i].data);
  for (int i = 0; i < d->nout; i++) free(d->out[i].data);
  memset(d, 0, sizeof *d);
}

static int load_set(const char *dir, data_set *d, char *why, size_t wsize, int *unsupported) {
  char path[4096];
  memset(d, 0, sizeof *d);
  for (int k = 0; k < 2; k++) {
    for (int i = 0; i < 64; i++) {
      snprintf(path, sizeof path, "%s/%s_%d.pb", dir, k ? "output" : "input", i);
      if (access(path, R_OK) != 0) break;
      tensor *t = k ? &d->out[d->nout] : &d->in[d->nin];
      if (read_pb(path, t, why, wsize, unsupported) != 0) return -1;
      if (k)
        d->nout++;
      else
        d->nin++;
    }
  }
  return 0;
}

/* Runs a data set through the public API. Returns 0 on match, else sets
 * why and *status (the failing call's status, OAR_OK for a mismatch). */
static int run_public(oar_predictor *p, const data_set *d, char *why, size_t wsize, oar_status *status) {
  size_t nin, nout;
  *status = OAR_OK;
  oar_predictor_input_count(p, &nin);
  oar_predictor_output_count(p, &nout);
  if ((int)nin != d->nin || (int)nout != d->nout) {
    snprintf(why, wsize, "model has %zu inputs / %zu outputs, data set %d / %d", nin, nout, d->nin, d->nout);
    return -1;
  }
  for (size_t i = 0; i < nin; i++) {
    const char *name;
    oar_tensor *t;
    oar_predictor_input_name(p, i, &name);
    oar_predictor_get_input(p, name, &t);
    const tensor *x = &d->in[i];
    if ((*status = oar_tensor_reshape(t, (size_t)x->shape.rank, x->shape.dims)) != OAR_OK ||
        (*status = oar_tensor_copy_from_host(t, x->dtype, x->data, x->bytes)) != OAR_OK) {
      snprintf(why, wsize, "input %s: %s", name, oar_last_error());
      return -1;
    }
  }
  if ((*status = oar_predictor_run(p)) != OAR_OK) {
    snprintf(why, wsize, "%s", oar_predictor_last_error(p));
    return -1;
  }
  for (size_t i = 0; i < nout; i++) {
    const char *name;
    oar_tensor *t;
    oar_predictor_output_name(p, i, &name);
    oar_predictor_get_output(p, name, &t);
    oar_dtype dt;
    size_t rank;
    oar_shape s = {0};
    const void *data;
    oar_tensor_dtype(t, &dt);
    oar_tensor_shape(t, &rank, s.dims, OAR_MAX_RANK);
    s.rank = (int)rank;
    if ((*status = oar_tensor_data(t, &data)) != OAR_OK) {
      snprintf(why, wsize, "output %s: %s", name, oar_last_error());
      return -1;
    }
    if (compare(name, dt, &s, data, &d->out[i], why, wsize) != 0) return -1;
  }
  return 0;
}

/* The fallback: graph inputs bound as constants, everything computed when
 * the graph is planned. */
static int run_const(const char *model, const data_set *d, char *why, size_t wsize, oar_status *status) {
  oar_graph *g = NULL;
  oar_error err;
  oar_plan *plan = NULL;
  int rc = -1;
  if ((*status = oar_onnx_load(model, NULL, 0, &g, &err)) != OAR_OK) {
    snprintf(why, wsize, "%s", err.msg);
    return -1;
  }
  if (g->num_inputs != d->nin) {
    snprintf(why, wsize, "model has %d inputs, data set %d", g->num_inputs, d->nin);
    goto done;
  }
  for (int i = 0; i < g->num_inputs; i++) {
    const tensor *x = &d->in[i];
    if ((*status = oar_graph_set_constant(g, g->inputs[i], x->dtype, &x->shape, x->data, x->bytes, &err)) !=
        OAR_OK) {
      snprintf(why, wsize, "%s", err.msg);
      goto done;
    }
  }
  g->num_inputs = 0;
  if ((*status = oar_graph_verify(g, &err)) != OAR_OK ||
      (*status = oar_plan_create(g, NULL, NULL, &plan, &err)) != OAR_OK) {
    snprintf(why, wsize, "%s", err.msg);
    goto done;
  }
  for (int i = 0; i < g->num_outputs; i++) {
    const oar_tensor_view *v = &plan->views[g->outputs[i]];
    if (compare(g->values[g->outputs[i]].name, v->dtype, &v->shape, v->data, &d->out[i], why, wsize) != 0)
      goto done;
  }
  rc = 0;
done:
  oar_plan_destroy(plan);
  oar_graph_destroy(g);
  return rc;
}

static result_kind run_test(const char *dir, char *why, size_t wsize) {
  char model[4096];
  snprintf(model, sizeof model, "%s/model.onnx", dir);
  oar_config *c = NULL;
  oar_predictor *p = NULL;
  result_kind kind = R_PASS;
  oar_config_create(&c);
  oar_config_set_model(c, model, NULL);
  oar_status st = oar_predictor_create(c, &p);
  if (st != OAR_OK) {
    snprintf(why, wsize, "%s", oar_config_last_error(c));
    oar_config_destroy(c);
    return st == OAR_ERR_UNSUPPORTED ? R_UNSUPPORTED : R_FAIL;
  }
  struct dirent **sets = NULL;
  int nsets = scandir(dir, &sets, NULL, alphasort);
  int ran = 0;
  for (int i = 0; i < nsets && (kind == R_PASS || kind == R_PASS_CONST); i++) {
    if (strncmp(sets[i]->d_name, "test_data_set_", 14) != 0) continue;
    char sdir[4096];
    snprintf(sdir, sizeof sdir, "%s/%s", dir, sets[i]->d_name);
    data_set d;
    int unsupported = 0;
    if (load_set(sdir, &d, why, wsize, &unsupported) != 0) {
      kind = unsupported ? R_UNSUPPORTED : R_FAIL;
    } else if (run_public(p, &d, why, wsize, &st) != 0) {
      if (st == OAR_ERR_UNSUPPORTED &&
          (strstr(why, "when the model is planned") || strstr(why, "at plan time"))) {
        char first[1024];
        snprintf(first, sizeof first, "%s", why);
        if (run_const(model, &d, why, wsize, &st) == 0)
          kind = R_PASS_CONST;
        else
          kind = st == OAR_ERR_UNSUPPORTED ? R_UNSUPPORTED : R_FAIL;
      } else {
        kind = st == OAR_ERR_UNSUPPORTED ? R_UNSUPPORTED : R_FAIL;
      }
    }
    ran++;
    free_set(&d);
  }
  for (int i = 0; i < nsets; i++) free(sets[i]);
  free(sets);
  if (!ran && kind == R_PASS) {
    snprintf(why, wsize, "no test_data_set_* directory");
    kind = R_FAIL;
  }
  oar_predictor_destroy(p);
  oar_config_destroy(c);
  return kind;
}

/* ---- driver ------------------------------------------------------------------------ */

/* The op a test exercises: its node's type, or "(several nodes)". */
static void test_op(const char *dir, char *op, size_t size) {
  char model[4096];
  snprintf(model, sizeof model, "%s/model.onnx", dir);
  snprintf(op, size, "(unreadable)");
  oar_bytes b;
  oar_error err;
  if (oar_file_read(model, &b, &err) != OAR_OK) return;
  onnx_model m;
  if (onnx_model_decode(b.data, b.size, &m, &err) == OAR_OK) {
    if (m.graph.num_nodes == 1)
      snprintf(op, size, "%.*s", (int)m.graph.nodes[0].op_type.n, m.graph.nodes[0].op_type.p);
    else
      snprintf(op, size, "(%zu-node graph)", m.graph.num_nodes);
  }
  onnx_model_free(&m);
  oar_bytes_free(&b);
}

typedef struct op_count {
  char op[64];
  int n[4];
} op_count;

static void run_isolated(const char *dir, result_kind *kind, char *why, size_t wsize) {
  int fds[2];
  /* In one process (for leak checkers): OAR_ONNX_CONFORMANCE_INPROCESS=1. */
  if (getenv("OAR_ONNX_CONFORMANCE_INPROCESS") || pipe(fds) != 0) {
    *kind = run_test(dir, why, wsize);
    return;
  }
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    alarm(TEST_TIMEOUT_S);
    char msg[2048];
    result_kind k = run_test(dir, msg, sizeof msg);
    char line[2100];
    int n = snprintf(line, sizeof line, "%d %s", (int)k, msg);
    if (write(fds[1], line, (size_t)(n < (int)sizeof line ? n : (int)sizeof line - 1)) < 0) _exit(2);
    close(fds[1]);
    /* exit, not _exit: a leak checker reports (and sets the status) here. */
    exit(0);
  }
  close(fds[1]);
  char buf[2100];
  size_t got = 0;
  ssize_t r;
  while (got < sizeof buf - 1 && (r = read(fds[0], buf + got, sizeof buf - 1 - got)) > 0) got += (size_t)r;
  buf[got] = 0;
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (got >= 1 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    *kind = (result_kind)atoi(buf);
    snprintf(why, wsize, "%s", strchr(buf, ' ') ? strchr(buf, ' ') + 1 : "");
  } else if (got >= 1) {
    *kind = R_FAIL;
    snprintf(why, wsize, "%s after its result (%.60s); leak or sanitizer report?",
             WIFSIGNALED(status) ? "child killed by a signal" : "child exited non-zero", buf);
  } else {
    *kind = R_FAIL;
    if (WIFSIGNALED(status))
      snprintf(why, wsize, "crashed (signal %d%s)", WTERMSIG(status),
               WTERMSIG(status) == SIGALRM ? ": timeout" : "");
    else
      snprintf(why, wsize, "child exited with status %d and no result", WEXITSTATUS(status));
  }
}

/* ---- the baseline ------------------------------------------------------------------ */

typedef struct baseline_entry {
  char *test;
  result_kind kind;
  char *detail;
  bool seen;
} baseline_entry;

typedef struct baseline {
  baseline_entry *e;
  int n;
} baseline;

static int kind_from_name(const char *s) {
  for (int k = 0; k < 4; k++)
    if (!strcmp(s, kind_names[k])) return k;
  return -1;
}

/* Reads "test<TAB>op<TAB>result<TAB>detail" lines ('#' lines are comments). */
static int baseline_read(const char *path, baseline *b) {
  memset(b, 0, sizeof *b);
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "cannot read the baseline %s: %s\n", path, strerror(errno));
    return -1;
  }
  char *line = NULL;
  size_t cap = 0;
  int lineno = 0, rc = 0;
  while (getline(&line, &cap, f) > 0) {
    lineno++;
    if (line[0] == '#' || line[0] == '\n') continue;
    line[strcspn(line, "\n")] = 0;
    char *test = line, *op = strchr(test, '\t'), *res = op ? strchr(op + 1, '\t') : NULL;
    char *detail = res ? strchr(res + 1, '\t') : NULL;
    if (!res) {
      fprintf(stderr, "%s:%d: expected test, op, result and detail separated by tabs\n", path, lineno);
      rc = -1;
      break;
    }
    *op = *res = 0;
    if (detail) *detail++ = 0;
    int kind = kind_from_name(res + 1);
    if (kind < 0) {
      fprintf(stderr, "%s:%d: unknown result '%s'\n", path, lineno, res + 1);
      rc = -1;
      break;
    }
    baseline_entry *e = realloc(b->e, ((size_t)b->n + 1) * sizeof *e);
    if (!e) {
      rc = -1;
      break;
    }
    b->e = e;
    b->e[b->n++] = (baseline_entry){strdup(test), (result_kind)kind, strdup(detail ? detail : ""), false};
  }
  free(line);
  fclose(f);
  return rc;
}

static baseline_entry *baseline_find(baseline *b, const char *test) {
  for (int i = 0; i < b->n; i++)
    if (!strcmp(b->e[i].test, test)) return &b->e[i];
  return NULL;
}

static void baseline_free(baseline *b) {
  for (int i = 0; i < b->n; i++) {
    free(b->e[i].test);
    free(b->e[i].detail);
  }
  free(b->e);
}

/* Replaces every occurrence of `root` in `s` with "$NODE_DIR" (the table
 * and the baseline do not depend on where the data is installed). */
static void relative_paths(char *s, size_t size, const char *root) {
  const size_t rn = strlen(root);
  char *at;
  while (rn && (at = strstr(s, root)) != NULL) {
    char rest[2048];
    snprintf(rest, sizeof rest, "%s", at + rn);
    snprintf(at, size - (size_t)(at - s), "$NODE_DIR%s", rest);
  }
}

static int copy_file(const char *from, const char *to) {
  FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
  char buf[65536];
  size_t n;
  int rc = in && out ? 0 : -1;
  while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
    if (fwrite(buf, 1, n, out) != n) rc = -1;
  if (in) fclose(in);
  if (out && fclose(out) != 0) rc = -1;
  return rc;
}

/* Compares one result with the baseline; prints and counts a change. */
static void check_against(baseline *b, const char *test, result_kind kind, const char *why, int *changes) {
  baseline_entry *e = baseline_find(b, test);
  if (!e) {
    if (kind == R_FAIL) {
      printf("NEW FAILURE %s (not in the baseline): %s\n", test, why);
      (*changes)++;
    } else {
      printf("new test %s: %s (not in the baseline; --update-baseline records it)\n", test, kind_names[kind]);
    }
    return;
  }
  e->seen = true;
  if (e->kind == kind) return;
  const bool was_passing = e->kind == R_PASS || e->kind == R_PASS_CONST;
  const bool passing = kind == R_PASS || kind == R_PASS_CONST;
  (*changes)++;
  if (was_passing)
    printf("REGRESSION %s: %s in the baseline, now %s: %s\n", test, kind_names[e->kind], kind_names[kind],
           why);
  else if (passing)
    printf("IMPROVED %s: %s in the baseline, now %s: record it (--update-baseline) in this commit\n", test,
           kind_names[e->kind], kind_names[kind]);
  else
    printf("CHANGED %s: %s in the baseline, now %s: %s\n", test, kind_names[e->kind], kind_names[kind], why);
}

int main(int argc, char **argv) {
  const char *usage =
      "usage: %s NODE_DIR TABLE_OUT [--baseline FILE] [--update-baseline] [--filter SUBSTR]\n";
  if (argc < 3) {
    fprintf(stderr, usage, argv[0]);
    return 2;
  }
  const char *root = argv[1], *table_path = argv[2], *filter = NULL, *baseline_path = NULL;
  bool update = false;
  for (int i = 3; i < argc; i++) {
    if (!strcmp(argv[i], "--update-baseline")) {
      update = true;
    } else if (i + 1 < argc && !strcmp(argv[i], "--baseline")) {
      baseline_path = argv[++i];
    } else if (i + 1 < argc && !strcmp(argv[i], "--filter")) {
      filter = argv[++i];
    } else {
      fprintf(stderr, usage, argv[0]);
      return 2;
    }
  }
  if (update && (!baseline_path || filter)) {
    fprintf(stderr, "--update-baseline needs --baseline FILE and no --filter\n");
    return 2;
  }
  baseline base = {0};
  if (baseline_path && !update && baseline_read(baseline_path, &base) != 0) return 2;
  struct dirent **tests = NULL;
  int ntests = scandir(root, &tests, NULL, alphasort);
  if (ntests < 0) {
    fprintf(stderr, "cannot list %s: %s\n", root, strerror(errno));
    return 2;
  }
  FILE *table = fopen(table_path, "w");
  if (!table) {
    fprintf(stderr, "cannot write %s: %s\n", table_path, strerror(errno));
    return 2;
  }
  fprintf(table, "# test\top\tresult\tdetail (rtol %g, atol %g)\n", RTOL, ATOL);
  op_count *ops = calloc((size_t)ntests + 1, sizeof *ops);
  int nops = 0, total[4] = {0}, changes = 0;
  for (int i = 0; i < ntests; i++) {
    const char *name = tests[i]->d_name;
    if (strncmp(name, "test_", 5) != 0 || (filter && !strstr(name, filter))) continue;
    char dir[4096], op[64], why[2048] = "";
    snprintf(dir, sizeof dir, "%s/%s", root, name);
    test_op(dir, op, sizeof op);
    result_kind kind;
    run_isolated(dir, &kind, why, sizeof why);
    for (char *c = why; *c; c++)
      if (*c == '\n' || *c == '\t') *c = ' ';
    relative_paths(why, sizeof why, root);
    fprintf(table, "%s\t%s\t%s\t%s\n", name, op, kind_names[kind], why);
    if (baseline_path && !update) check_against(&base, name, kind, why, &changes);
    int k = 0;
    while (k < nops && strcmp(ops[k].op, op) != 0) k++;
    if (k == nops) snprintf(ops[nops++].op, sizeof ops[0].op, "%s", op);
    ops[k].n[kind]++;
    total[kind]++;
  }
  int missing = 0;
  for (int i = 0; i < base.n && !filter; i++)
    if (!base.e[i].seen) {
      printf("MISSING %s: %s in the baseline, not in %s (the data set changed?)\n", base.e[i].test,
             kind_names[base.e[i].kind], root);
      missing++;
    }
  printf("%-28s %6s %6s %6s %6s\n", "op", "pass", "const", "fail", "unsup");
  for (int k = 0; k < nops; k++)
    printf("%-28s %6d %6d %6d %6d\n", ops[k].op, ops[k].n[R_PASS], ops[k].n[R_PASS_CONST], ops[k].n[R_FAIL],
           ops[k].n[R_UNSUPPORTED]);
  const int passing = total[R_PASS] + total[R_PASS_CONST], supported = passing + total[R_FAIL];
  printf(
      "\nONNX node tests: %d run, %d pass (%d with inputs bound as constants), %d fail, %d unsupported; "
      "table in %s\n",
      supported + total[R_UNSUPPORTED], passing, total[R_PASS_CONST], total[R_FAIL], total[R_UNSUPPORTED],
      table_path);
  fprintf(table, "# total: %d pass (%d pass-const), %d fail, %d unsupported\n", passing, total[R_PASS_CONST],
          total[R_FAIL], total[R_UNSUPPORTED]);
  fclose(table);
  for (int i = 0; i < ntests; i++) free(tests[i]);
  free(tests);
  free(ops);
  baseline_free(&base);
  if (update) {
    if (copy_file(table_path, baseline_path) != 0) {
      fprintf(stderr, "cannot write the baseline %s\n", baseline_path);
      return 1;
    }
    printf("baseline written: %s\n", baseline_path);
    return 0;
  }
  if (!baseline_path) {
    printf("no baseline given: results not checked (--baseline FILE)\n");
    return 0;
  }
  printf("baseline %s: %d change(s), %d missing test(s)\n", baseline_path, changes, missing);
  return changes || missing ? 1 : 0;
}
