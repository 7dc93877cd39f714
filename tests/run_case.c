/* run_case: runs one fixture case directory and compares oar's outputs with
 * Paddle Inference's.
 *
 *   run_case [--threads N] [--no-ir-optim] [--no-memory-optim] [--plan-isa ISA] [--delete-pass NAME]
 *            CASE_DIR
 *
 * --plan-isa sets OAR_ISA=ISA after the model is loaded: the graph keeps
 * the layout chosen for the host's kernels while the plans run a lower
 * level (the blocked-layout ops then take their reference fallbacks).
 * --delete-pass skips one graph pass (oar_config_delete_pass).
 * --outputs-from DIR runs nothing: it checks the .npy files `oar run
 * --output-dir DIR` wrote (tests/cli_test.sh) against the expected outputs.
 *
 * CASE_DIR/case.txt (written by scripts/gen_fixtures.py):
 *   # comment
 *   model <path>              a directory or a program file, relative to CASE_DIR
 *   params <path>             optional params file
 *   input <name> <file.npy>   feed order
 *   output <name> <file.npy>  fetch order
 *   tolerance <rtol> <atol>   optional; default 1e-4 1e-5
 *
 * Checks, in order: the model's input and output names equal the manifest's;
 * every output has the reference's dtype and exact shape; every element
 * satisfies |got - want| <= atol + rtol * |want| (integers and bools exactly;
 * NaN only where the reference has NaN, infinities equal); an output is not
 * all zeros where the reference is not. Then a clone of the predictor runs
 * the same inputs and must give bit-identical outputs, without disturbing the
 * original's. Prints one line per output and per check; exit 0 when all pass,
 * 1 when any fails, 2 for a bad command line. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "npy.h"
#include "oar/oar.h"
#include "portable.h"

typedef struct case_tensor {
  char *name;
  char *path; /* resolved against the case directory */
  oar_npy npy;
} case_tensor;

typedef struct case_manifest {
  char *model;
  char *params;
  case_tensor *inputs;
  size_t input_count;
  case_tensor *outputs;
  size_t output_count;
  double rtol, atol;
} case_manifest;

/* A host copy of one output of one run. */
typedef struct host_output {
  oar_dtype dtype;
  size_t rank;
  int64_t dims[OAR_MAX_RANK];
  void *data;
  size_t bytes;
} host_output;

static const char *g_case = ""; /* for messages */

static void fail_line(const char *fmt, ...) OAR_PRINTF_FMT(1, 2);
static void fail_line(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("FAIL %s: ", g_case);
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
}

static double now_ms(void) { return portable_now_seconds() * 1e3; }

static char *dup_string(const char *s, size_t len) {
  char *d = malloc(len + 1);
  if (d == NULL) return NULL;
  memcpy(d, s, len);
  d[len] = '\0';
  return d;
}

/* dir/rel, or rel itself when absolute. */
static char *join_path(const char *dir, const char *rel) {
  if (rel[0] == '/') return dup_string(rel, strlen(rel));
  size_t a = strlen(dir), b = strlen(rel);
  char *p = malloc(a + b + 2);
  if (p == NULL) return NULL;
  memcpy(p, dir, a);
  p[a] = '/';
  memcpy(p + a + 1, rel, b + 1);
  return p;
}

static void free_tensors(case_tensor *t, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(t[i].name);
    free(t[i].path);
    oar_npy_free(&t[i].npy);
  }
  free(t);
}

static void free_manifest(case_manifest *m) {
  free(m->model);
  free(m->params);
  free_tensors(m->inputs, m->input_count);
  free_tensors(m->outputs, m->output_count);
  memset(m, 0, sizeof(*m));
}

static char *read_text(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fail_line("cannot open %s: %s", path, strerror(errno));
    return NULL;
  }
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  while (buf != NULL) {
    size_t got = fread(buf + len, 1, cap - len - 1, f);
    len += got;
    if (len + 1 < cap) break;
    char *grown = realloc(buf, cap * 2);
    if (grown == NULL) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = grown;
    cap *= 2;
  }
  fclose(f);
  if (buf == NULL) {
    fail_line("out of memory reading %s", path);
    return NULL;
  }
  buf[len] = '\0';
  return buf;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Next whitespace-separated token of *p, or NULL. */
static const char *next_token(const char **p, size_t *len) {
  const char *s = *p;
  while (is_space(*s)) s++;
  if (*s == '\0') return NULL;
  const char *e = s;
  while (*e != '\0' && !is_space(*e)) e++;
  *len = (size_t)(e - s);
  *p = e;
  return s;
}

/* The rest of the line, trimmed (paths may hold spaces). */
static char *rest_of_line(const char *p) {
  while (is_space(*p)) p++;
  size_t len = strlen(p);
  while (len > 0 && is_space(p[len - 1])) len--;
  return len ? dup_string(p, len) : NULL;
}

static int add_tensor(case_tensor **list, size_t *count, const char *dir, const char *rest, const char *file,
                      int line_no, const char *keyword) {
  size_t len;
  const char *name = next_token(&rest, &len);
  char *rel = name ? rest_of_line(rest) : NULL;
  if (name == NULL || rel == NULL) {
    fail_line("%s line %d: '%s' needs a tensor name and a .npy file", file, line_no, keyword);
    free(rel);
    return -1;
  }
  case_tensor *grown = realloc(*list, (*count + 1) * sizeof(**list));
  if (grown == NULL) {
    free(rel);
    fail_line("out of memory");
    return -1;
  }
  *list = grown;
  case_tensor *t = &grown[*count];
  memset(t, 0, sizeof(*t));
  (*count)++;
  t->name = dup_string(name, len);
  t->path = join_path(dir, rel);
  free(rel);
  if (t->name == NULL || t->path == NULL) {
    fail_line("out of memory");
    return -1;
  }
  return 0;
}

static int parse_manifest(const char *dir, case_manifest *m) {
  char *file = join_path(dir, "case.txt");
  if (file == NULL) return -1;
  char *text = read_text(file);
  int rc = text ? 0 : -1;
  m->rtol = 1e-4;
  m->atol = 1e-5;
  int line_no = 0;
  for (char *line = text; rc == 0 && line != NULL;) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = '\0';
    line_no++;
    const char *p = line;
    size_t len;
    const char *kw = next_token(&p, &len);
    if (kw == NULL || kw[0] == '#') {
      /* blank or comment */
    } else if (len == 5 && strncmp(kw, "model", 5) == 0) {
      char *rel = rest_of_line(p);
      if (rel == NULL || m->model != NULL) {
        fail_line("%s line %d: 'model' needs one path and appears once", file, line_no);
        rc = -1;
      } else {
        m->model = join_path(dir, rel);
        if (m->model == NULL) rc = -1;
      }
      free(rel);
    } else if (len == 6 && strncmp(kw, "params", 6) == 0) {
      char *rel = rest_of_line(p);
      if (rel == NULL || m->params != NULL) {
        fail_line("%s line %d: 'params' needs one path and appears once", file, line_no);
        rc = -1;
      } else {
        m->params = join_path(dir, rel);
        if (m->params == NULL) rc = -1;
      }
      free(rel);
    } else if (len == 5 && strncmp(kw, "input", 5) == 0) {
      rc = add_tensor(&m->inputs, &m->input_count, dir, p, file, line_no, "input");
    } else if (len == 6 && strncmp(kw, "output", 6) == 0) {
      rc = add_tensor(&m->outputs, &m->output_count, dir, p, file, line_no, "output");
    } else if (len == 9 && strncmp(kw, "tolerance", 9) == 0) {
      char *end1, *end2;
      m->rtol = strtod(p, &end1);
      m->atol = strtod(end1, &end2);
      while (is_space(*end2)) end2++;
      if (end1 == p || end2 == end1 || *end2 != '\0' || !(m->rtol >= 0) || !(m->atol >= 0) ||
          !isfinite(m->rtol) || !isfinite(m->atol)) {
        fail_line("%s line %d: 'tolerance' needs two non-negative numbers <rtol> <atol>", file, line_no);
        rc = -1;
      }
    } else {
      fail_line("%s line %d: unknown keyword '%.*s'", file, line_no, (int)len, kw);
      rc = -1;
    }
    line = nl ? nl + 1 : NULL;
  }
  if (rc == 0 && m->model == NULL) {
    fail_line("%s has no 'model' line", file);
    rc = -1;
  }
  if (rc == 0 && m->output_count == 0) {
    fail_line("%s has no 'output' line", file);
    rc = -1;
  }
  free(text);
  free(file);
  return rc;
}

static int load_arrays(case_tensor *t, size_t n) {
  char err[1024];
  for (size_t i = 0; i < n; i++) {
    if (oar_npy_read(t[i].path, &t[i].npy, err, sizeof(err)) != 0) {
      fail_line("%s", err);
      return -1;
    }
  }
  return 0;
}

static const char *dtype_name(oar_dtype d) {
  const char *s = oar_dtype_name(d);
  return s ? s : "?";
}

static void print_index(size_t flat, size_t rank, const int64_t *dims) {
  size_t idx[OAR_MAX_RANK];
  for (size_t d = rank; d-- > 0;) {
    size_t n = dims[d] > 0 ? (size_t)dims[d] : 1;
    idx[d] = flat % n;
    flat /= n;
  }
  printf("[");
  for (size_t d = 0; d < rank; d++) printf("%s%zu", d ? ", " : "", idx[d]);
  printf("]");
}

static int is_float_dtype(oar_dtype d) { return d == OAR_DTYPE_FLOAT32 || d == OAR_DTYPE_FLOAT64; }

static double float_at(const void *data, oar_dtype d, size_t i) {
  if (d == OAR_DTYPE_FLOAT32) {
    float v;
    memcpy(&v, (const char *)data + i * 4, 4);
    return v;
  }
  double v;
  memcpy(&v, (const char *)data + i * 8, 8);
  return v;
}

static int64_t int_at(const void *data, oar_dtype d, size_t i) {
  const char *p = (const char *)data;
  switch (d) {
    case OAR_DTYPE_INT64: {
      int64_t v;
      memcpy(&v, p + i * 8, 8);
      return v;
    }
    case OAR_DTYPE_INT32: {
      int32_t v;
      memcpy(&v, p + i * 4, 4);
      return v;
    }
    case OAR_DTYPE_INT16: {
      int16_t v;
      memcpy(&v, p + i * 2, 2);
      return v;
    }
    case OAR_DTYPE_INT8: return ((const int8_t *)data)[i];
    case OAR_DTYPE_UINT8: return ((const uint8_t *)data)[i];
    case OAR_DTYPE_BOOL: return ((const uint8_t *)data)[i] != 0;
    default: return 0;
  }
}

static int all_zero(const void *data, size_t bytes, oar_dtype d, size_t count) {
  if (is_float_dtype(d)) {
    for (size_t i = 0; i < count; i++) {
      if (float_at(data, d, i) != 0.0) return 0;
    }
    return 1;
  }
  for (size_t i = 0; i < bytes; i++) {
    if (((const uint8_t *)data)[i] != 0) return 0;
  }
  return 1;
}

/* Compares one output with its reference; prints its line; 0 on pass. */
static int compare_output(const case_tensor *ref, const host_output *got, double rtol, double atol) {
  char gs[200], ws[200];
  const oar_npy *want = &ref->npy;
  oar_npy_shape_string(got->rank, got->dims, gs, sizeof(gs));
  oar_npy_shape_string(want->rank, want->dims, ws, sizeof(ws));
  if (got->dtype != want->dtype) {
    fail_line("output %s: dtype %s, reference %s", ref->name, dtype_name(got->dtype),
              dtype_name(want->dtype));
    return -1;
  }
  int same_shape = got->rank == want->rank;
  for (size_t d = 0; same_shape && d < got->rank; d++) same_shape = got->dims[d] == want->dims[d];
  if (!same_shape || got->bytes != want->bytes) {
    fail_line("output %s: shape %s, reference %s", ref->name, gs, ws);
    return -1;
  }
  size_t esize = oar_npy_dtype_size(want->dtype);
  size_t count = esize ? want->bytes / esize : 0;
  double max_abs = 0, max_rel = 0, worst_ratio = -1, worst_got = 0, worst_want = 0;
  size_t worst = 0, bad = 0;
  int floating = is_float_dtype(want->dtype);
  if (!floating &&
      !(want->dtype == OAR_DTYPE_INT64 || want->dtype == OAR_DTYPE_INT32 || want->dtype == OAR_DTYPE_INT16 ||
        want->dtype == OAR_DTYPE_INT8 || want->dtype == OAR_DTYPE_UINT8 || want->dtype == OAR_DTYPE_BOOL)) {
    /* float16: compare bytes only. */
    if (memcmp(got->data, want->data, want->bytes) != 0) {
      fail_line("output %s %s %s: differs bytewise (no numeric compare for this dtype)", ref->name, ws,
                dtype_name(want->dtype));
      return -1;
    }
    printf("PASS %s: output %s %s %s: identical bytes\n", g_case, ref->name, ws, dtype_name(want->dtype));
    return 0;
  }
  for (size_t i = 0; i < count; i++) {
    double g, w, diff, ratio;
    int ok;
    if (floating) {
      g = float_at(got->data, want->dtype, i);
      w = float_at(want->data, want->dtype, i);
      double bound = atol + rtol * fabs(w);
      if (isnan(w)) {
        ok = isnan(g);
        diff = ok ? 0 : INFINITY;
      } else if (isinf(w) || !isfinite(g)) {
        ok = g == w;
        diff = ok ? 0 : INFINITY;
      } else {
        diff = fabs(g - w);
        ok = diff <= bound;
      }
      ratio = diff == 0 ? 0 : bound > 0 ? diff / bound : INFINITY;
      if (isfinite(diff)) {
        if (diff > max_abs) max_abs = diff;
        if (w != 0 && diff / fabs(w) > max_rel) max_rel = diff / fabs(w);
      }
    } else {
      int64_t gi = int_at(got->data, want->dtype, i), wi = int_at(want->data, want->dtype, i);
      g = (double)gi;
      w = (double)wi;
      ok = gi == wi;
      diff = fabs(g - w);
      ratio = ok ? 0 : diff;
      if (diff > max_abs) max_abs = diff;
      if (wi != 0 && diff / fabs(w) > max_rel) max_rel = diff / fabs(w);
    }
    if (!ok) bad++;
    if (ratio > worst_ratio) {
      worst_ratio = ratio;
      worst = i;
      worst_got = g;
      worst_want = w;
    }
  }
  int zero_fail = !all_zero(want->data, want->bytes, want->dtype, count) &&
                  all_zero(got->data, got->bytes, got->dtype, count);
  int pass = bad == 0 && !zero_fail;
  printf("%s %s: output %s %s %s: max_abs %.3g max_rel %.3g", pass ? "PASS" : "FAIL", g_case, ref->name, ws,
         dtype_name(want->dtype), max_abs, max_rel);
  if (count > 0) {
    printf(" worst ");
    print_index(worst, want->rank, want->dims);
    printf(" got %.9g want %.9g", worst_got, worst_want);
    if (floating) printf(" (%.3g of tolerance)", worst_ratio);
  }
  if (bad) {
    if (floating) {
      printf("; %zu of %zu elements outside rtol %g atol %g", bad, count, rtol, atol);
    } else {
      printf("; %zu of %zu elements differ (integers compare exactly)", bad, count);
    }
  }
  if (zero_fail) printf("; output is all zeros but the reference is not");
  printf("\n");
  return pass ? 0 : -1;
}

static int predictor_fail(const oar_predictor *p, oar_status st, const char *what, const char *name) {
  const char *msg = p ? oar_predictor_last_error(p) : NULL;
  if (msg == NULL || msg[0] == '\0') msg = oar_last_error();
  fail_line("%s%s%s: %s (%s)", what, name ? " " : "", name ? name : "", msg, oar_status_string(st));
  return -1;
}

static void print_name_list(const char *label, const char *const *names, size_t n) {
  printf("  %s:", label);
  for (size_t i = 0; i < n; i++) printf(" %s", names[i]);
  printf("\n");
}

/* The model's input (which=0) or output names must equal the manifest's. */
static int check_names(oar_predictor *p, int which, const case_tensor *t, size_t n) {
  size_t count = 0;
  oar_status st = which ? oar_predictor_output_count(p, &count) : oar_predictor_input_count(p, &count);
  if (st != OAR_OK) return predictor_fail(p, st, which ? "output count" : "input count", NULL);
  const char **names = calloc(count ? count : 1, sizeof(*names));
  if (names == NULL) return -1;
  int same = count == n;
  for (size_t i = 0; i < count; i++) {
    st = which ? oar_predictor_output_name(p, i, &names[i]) : oar_predictor_input_name(p, i, &names[i]);
    if (st != OAR_OK) {
      free(names);
      return predictor_fail(p, st, which ? "output name" : "input name", NULL);
    }
    if (same && strcmp(names[i], t[i].name) != 0) same = 0;
  }
  if (!same) {
    fail_line("the model's %s names differ from case.txt", which ? "output" : "input");
    print_name_list("model", names, count);
    const char **want = calloc(n ? n : 1, sizeof(*want));
    if (want != NULL) {
      for (size_t i = 0; i < n; i++) want[i] = t[i].name;
      print_name_list("case.txt", want, n);
    }
    free(want);
  }
  free(names);
  return same ? 0 : -1;
}

static int feed(oar_predictor *p, const case_manifest *m) {
  for (size_t i = 0; i < m->input_count; i++) {
    const case_tensor *t = &m->inputs[i];
    oar_tensor *h = NULL;
    oar_status st = oar_predictor_get_input(p, t->name, &h);
    if (st == OAR_OK) st = oar_tensor_reshape(h, t->npy.rank, t->npy.dims);
    if (st == OAR_OK) st = oar_tensor_copy_from_host(h, t->npy.dtype, t->npy.data, t->npy.bytes);
    if (st != OAR_OK) return predictor_fail(p, st, "feeding input", t->name);
  }
  return 0;
}

static void free_outputs(host_output *o, size_t n) {
  if (o == NULL) return;
  for (size_t i = 0; i < n; i++) free(o[i].data);
  free(o);
}

/* Fetches a host copy of every output, through oar_tensor_copy_to_host or,
 * with borrow, by copying from the pointer oar_tensor_data lends (so both
 * paths of the API are exercised). */
static host_output *fetch(oar_predictor *p, const case_manifest *m, int borrow) {
  host_output *out = calloc(m->output_count, sizeof(*out));
  if (out == NULL) return NULL;
  for (size_t i = 0; i < m->output_count; i++) {
    const char *name = m->outputs[i].name;
    oar_tensor *h = NULL;
    host_output *o = &out[i];
    size_t count;
    oar_status st = oar_predictor_get_output(p, name, &h);
    if (st == OAR_OK) st = oar_tensor_dtype(h, &o->dtype);
    if (st == OAR_OK) st = oar_tensor_shape(h, &o->rank, o->dims, OAR_MAX_RANK);
    if (st != OAR_OK) {
      predictor_fail(p, st, "fetching output", name);
      goto fail;
    }
    size_t esize = oar_dtype_size(o->dtype);
    if (o->rank > OAR_MAX_RANK || esize == 0 || oar_npy_element_count(o->rank, o->dims, &count) != 0 ||
        count > SIZE_MAX / esize) {
      fail_line("output %s: impossible rank %zu or dtype %d from the library", name, o->rank, (int)o->dtype);
      goto fail;
    }
    o->bytes = count * esize;
    if (borrow) {
      const void *data = NULL;
      st = oar_tensor_data(h, &data);
      if (st != OAR_OK) {
        predictor_fail(p, st, "oar_tensor_data of output", name);
        goto fail;
      }
      o->data = malloc(o->bytes ? o->bytes : 1);
      if (o->data == NULL) goto fail;
      if (o->bytes) memcpy(o->data, data, o->bytes);
    } else {
      o->data = malloc(o->bytes ? o->bytes : 1);
      if (o->data == NULL) goto fail;
      st = oar_tensor_copy_to_host(h, o->data, o->bytes);
      if (st != OAR_OK) {
        predictor_fail(p, st, "copying output", name);
        goto fail;
      }
    }
  }
  return out;
fail:
  free_outputs(out, m->output_count);
  return NULL;
}

/* Bit-identical results of two runs. */
static int same_outputs(const case_manifest *m, const host_output *a, const host_output *b,
                        const char *what) {
  int rc = 0;
  for (size_t i = 0; i < m->output_count; i++) {
    int same = a[i].dtype == b[i].dtype && a[i].rank == b[i].rank && a[i].bytes == b[i].bytes;
    for (size_t d = 0; same && d < a[i].rank; d++) same = a[i].dims[d] == b[i].dims[d];
    if (!same) {
      fail_line("%s: output %s changed dtype or shape", what, m->outputs[i].name);
      rc = -1;
      continue;
    }
    size_t esize = oar_dtype_size(a[i].dtype);
    for (size_t k = 0; k < a[i].bytes; k++) {
      if (((const uint8_t *)a[i].data)[k] != ((const uint8_t *)b[i].data)[k]) {
        fail_line("%s: output %s differs first at element %zu", what, m->outputs[i].name,
                  esize ? k / esize : k);
        rc = -1;
        break;
      }
    }
  }
  return rc;
}

static int run_clone_check(oar_predictor *p, const case_manifest *m, const host_output *first) {
  oar_predictor *clone = NULL;
  oar_status st = oar_predictor_clone(p, &clone);
  if (st != OAR_OK) return predictor_fail(p, st, "oar_predictor_clone", NULL);
  int rc = feed(clone, m);
  if (rc == 0) {
    st = oar_predictor_run(clone);
    if (st != OAR_OK) rc = predictor_fail(clone, st, "running the clone", NULL);
  }
  host_output *second = rc == 0 ? fetch(clone, m, 1) : NULL;
  if (rc == 0 && second == NULL) rc = -1;
  if (rc == 0) rc = same_outputs(m, first, second, "clone run");
  free_outputs(second, m->output_count);
  oar_predictor_destroy(clone);
  /* The clone must not have written into the original's buffers. */
  host_output *again = rc == 0 ? fetch(p, m, 1) : NULL;
  if (rc == 0 && again == NULL) rc = -1;
  if (rc == 0) rc = same_outputs(m, first, again, "original after the clone ran");
  free_outputs(again, m->output_count);
  if (rc == 0) printf("PASS %s: clone gives identical outputs\n", g_case);
  return rc;
}

/* Engine switches: compare with passes or memory reuse off too. */
static int no_ir_optim, no_memory_optim;
static const char *plan_isa, *deleted_pass;

/* --outputs-from DIR: the outputs `oar run --output-dir DIR` wrote (one
 * DIR/<name>.npy per output, unsafe characters of the name as '_') are
 * checked against the case's expected outputs like the engine's own. */
static const char *outputs_from;

static int check_written_outputs(const case_manifest *m) {
  int rc = 0;
  for (size_t i = 0; i < m->output_count; i++) {
    const char *name = m->outputs[i].name;
    char *file = malloc(strlen(name) + 8);
    if (file == NULL) return -1;
    size_t k = 0;
    for (; name[k]; k++) {
      char c = name[k];
      int safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                 c == '_' || c == '-';
      file[k] = safe ? c : '_';
    }
    memcpy(file + k, ".npy", 5);
    char *path = join_path(outputs_from, file);
    free(file);
    oar_npy npy;
    char err[512];
    if (path == NULL || oar_npy_read(path, &npy, err, sizeof err) != 0) {
      fail_line("output %s: %s", name, path ? err : "out of memory");
      free(path);
      rc = -1;
      continue;
    }
    host_output got = {npy.dtype, npy.rank, {0}, npy.data, npy.bytes};
    memcpy(got.dims, npy.dims, sizeof got.dims);
    if (compare_output(&m->outputs[i], &got, m->rtol, m->atol) != 0) rc = -1;
    oar_npy_free(&npy);
    free(path);
  }
  printf("%s %s: outputs written to %s\n", rc == 0 ? "PASS" : "FAIL", g_case, outputs_from);
  return rc;
}

static int run_case(const char *dir, int threads) {
  case_manifest m;
  memset(&m, 0, sizeof(m));
  oar_config *config = NULL;
  oar_predictor *p = NULL;
  host_output *first = NULL;
  int rc = parse_manifest(dir, &m);
  if (rc == 0) rc = load_arrays(m.inputs, m.input_count);
  if (rc == 0) rc = load_arrays(m.outputs, m.output_count);
  if (rc != 0) goto done;
  if (outputs_from) {
    rc = check_written_outputs(&m);
    goto done;
  }

  double t0 = now_ms();
  oar_status st = oar_config_create(&config);
  if (st == OAR_OK) st = oar_config_set_model(config, m.model, m.params);
  if (st == OAR_OK && threads > 0) st = oar_config_set_num_threads(config, threads);
  if (st == OAR_OK && no_ir_optim) st = oar_config_set_ir_optim(config, 0);
  if (st == OAR_OK && no_memory_optim) st = oar_config_set_memory_optim(config, 0);
  if (st == OAR_OK && deleted_pass) st = oar_config_delete_pass(config, deleted_pass);
  if (st == OAR_OK) st = oar_predictor_create(config, &p);
  if (st != OAR_OK) {
    const char *msg = config ? oar_config_last_error(config) : NULL;
    if (msg == NULL || msg[0] == '\0') msg = oar_last_error();
    fail_line("loading %s: %s (%s)", m.model, msg, oar_status_string(st));
    rc = -1;
    goto done;
  }
  if (plan_isa) portable_setenv("OAR_ISA", plan_isa);
  double t1 = now_ms();
  rc = check_names(p, 0, m.inputs, m.input_count);
  if (check_names(p, 1, m.outputs, m.output_count) != 0) rc = -1;
  if (rc == 0) rc = feed(p, &m);
  if (rc != 0) goto done;
  double t2 = now_ms();
  st = oar_predictor_run(p);
  double t3 = now_ms();
  if (st != OAR_OK) {
    rc = predictor_fail(p, st, "run", NULL);
    goto done;
  }
  first = fetch(p, &m, 0);
  if (first == NULL) {
    rc = -1;
    goto done;
  }
  for (size_t i = 0; i < m.output_count; i++) {
    if (compare_output(&m.outputs[i], &first[i], m.rtol, m.atol) != 0) rc = -1;
  }
  if (run_clone_check(p, &m, first) != 0) rc = -1;
  printf("%s %s: load %.1f ms, run %.2f ms\n", rc == 0 ? "PASS" : "FAIL", g_case, t1 - t0, t3 - t2);
done:
  free_outputs(first, m.output_count);
  oar_predictor_destroy(p);
  oar_config_destroy(config);
  free_manifest(&m);
  return rc;
}

int main(int argc, char **argv) {
  int threads = 0;
  const char *dir = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      char *end;
      long n = strtol(argv[++i], &end, 10);
      if (*end != '\0' || n < 1 || n > 1024) {
        fprintf(stderr, "run_case: --threads takes 1..1024\n");
        return 2;
      }
      threads = (int)n;
    } else if (strcmp(argv[i], "--no-ir-optim") == 0) {
      no_ir_optim = 1;
    } else if (strcmp(argv[i], "--no-memory-optim") == 0) {
      no_memory_optim = 1;
    } else if (strcmp(argv[i], "--plan-isa") == 0 && i + 1 < argc) {
      plan_isa = argv[++i];
    } else if (strcmp(argv[i], "--delete-pass") == 0 && i + 1 < argc) {
      deleted_pass = argv[++i];
    } else if (strcmp(argv[i], "--outputs-from") == 0 && i + 1 < argc) {
      outputs_from = argv[++i];
    } else if (dir == NULL && argv[i][0] != '-') {
      dir = argv[i];
    } else {
      fprintf(stderr,
              "usage: run_case [--threads N] [--no-ir-optim] [--no-memory-optim] [--plan-isa ISA] "
              "[--delete-pass NAME] "
              "[--outputs-from DIR] CASE_DIR\n");
      return 2;
    }
  }
  if (dir == NULL) {
    fprintf(stderr,
            "usage: run_case [--threads N] [--no-ir-optim] [--no-memory-optim] [--plan-isa ISA] "
            "[--delete-pass NAME] "
            "[--outputs-from DIR] CASE_DIR\n");
    return 2;
  }
  g_case = dir;
  return run_case(dir, threads) == 0 ? 0 : 1;
}
