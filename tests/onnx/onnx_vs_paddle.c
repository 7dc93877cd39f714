/* onnx_vs_paddle: runs one network from its Paddle form and from its ONNX
 * form (exported by paddle2onnx, scripts/gen_onnx_fixtures.py) and checks
 * that oar gives the same outputs for both: same dtype, same shape, values
 * within the case's tolerance.
 *
 *   onnx_vs_paddle CASE_DIR
 *
 * CASE_DIR holds case.txt (scripts/gen_fixtures.py: `model`, `params`,
 * `input NAME FILE.npy`, `output NAME FILE.npy`, `tolerance RTOL ATOL`) and
 * model.onnx. Both forms are fed the case's inputs in order; output k of
 * the ONNX form is compared with output k of the Paddle form and with the
 * reference file, within |a - b| <= atol + rtol * |b| (the case's
 * tolerance). Exit 0 when all agree, 1 otherwise, 2 for a bad setup. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"
#include "oar/oar.h"

#define MAX_IO 16

typedef struct manifest {
  char model[1024], params[1024];
  char in_names[MAX_IO][256], in_files[MAX_IO][1024];
  char out_files[MAX_IO][1024];
  int nin, nout;
  double rtol, atol;
} manifest;

static int read_manifest(const char *dir, manifest *m) {
  char path[2048], line[2048];
  memset(m, 0, sizeof *m);
  m->rtol = 1e-4;
  m->atol = 1e-5;
  snprintf(path, sizeof path, "%s/case.txt", dir);
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    return -1;
  }
  while (fgets(line, sizeof line, f)) {
    char key[64], a[1024], b[1024];
    int n = sscanf(line, "%63s %1023s %1023s", key, a, b);
    if (n < 2 || key[0] == '#') continue;
    if (!strcmp(key, "model"))
      snprintf(m->model, sizeof m->model, "%s/%s", dir, a);
    else if (!strcmp(key, "params"))
      snprintf(m->params, sizeof m->params, "%s/%s", dir, a);
    else if (!strcmp(key, "input") && n == 3 && m->nin < MAX_IO) {
      snprintf(m->in_names[m->nin], sizeof m->in_names[0], "%s", a);
      snprintf(m->in_files[m->nin++], sizeof m->in_files[0], "%s/%s", dir, b);
    } else if (!strcmp(key, "output") && n == 3 && m->nout < MAX_IO) {
      snprintf(m->out_files[m->nout++], sizeof m->out_files[0], "%s/%s", dir, b);
    } else if (!strcmp(key, "tolerance") && n == 3) {
      m->rtol = atof(a);
      m->atol = atof(b);
    }
  }
  fclose(f);
  return m->model[0] && m->nin && m->nout ? 0 : -1;
}

typedef struct outputs {
  oar_npy t[MAX_IO];
  int n;
} outputs;

/* Runs `model` on the inputs and copies the outputs into *o. Inputs are
 * fed by name (exporters may reorder them), by position when a name is not
 * among the case's. */
static int run_model(const char *model, const char *params, const oar_npy *in, char (*names)[256], int nin,
                     outputs *o) {
  oar_config *c = NULL;
  oar_predictor *p = NULL;
  int rc = -1;
  memset(o, 0, sizeof *o);
  if (oar_config_create(&c) != OAR_OK ||
      oar_config_set_model(c, model, params && *params ? params : NULL) != OAR_OK ||
      oar_predictor_create(c, &p) != OAR_OK) {
    printf("FAIL loading %s: %s\n", model, oar_last_error());
    goto done;
  }
  size_t count;
  oar_predictor_input_count(p, &count);
  if ((int)count != nin) {
    printf("FAIL %s has %zu inputs, the case %d\n", model, count, nin);
    goto done;
  }
  for (int i = 0; i < nin; i++) {
    const char *name;
    oar_tensor *t;
    oar_predictor_input_name(p, (size_t)i, &name);
    oar_predictor_get_input(p, name, &t);
    int k = i;
    for (int j = 0; j < nin; j++)
      if (!strcmp(names[j], name)) k = j;
    if (oar_tensor_reshape(t, in[k].rank, in[k].dims) != OAR_OK ||
        oar_tensor_copy_from_host(t, in[k].dtype, in[k].data, in[k].bytes) != OAR_OK) {
      printf("FAIL feeding %s of %s: %s\n", name, model, oar_last_error());
      goto done;
    }
  }
  if (oar_predictor_run(p) != OAR_OK) {
    printf("FAIL running %s: %s\n", model, oar_last_error());
    goto done;
  }
  oar_predictor_output_count(p, &count);
  for (size_t i = 0; i < count && i < MAX_IO; i++) {
    const char *name;
    oar_tensor *t;
    oar_npy *x = &o->t[o->n++];
    oar_predictor_output_name(p, i, &name);
    oar_predictor_get_output(p, name, &t);
    oar_tensor_dtype(t, &x->dtype);
    oar_tensor_shape(t, &x->rank, x->dims, OAR_MAX_RANK);
    size_t n = 1;
    for (size_t d = 0; d < x->rank; d++) n *= (size_t)x->dims[d];
    x->bytes = n * oar_dtype_size(x->dtype);
    x->data = malloc(x->bytes ? x->bytes : 1);
    if (!x->data || oar_tensor_copy_to_host(t, x->data, x->bytes) != OAR_OK) {
      printf("FAIL reading output %s of %s\n", name, model);
      goto done;
    }
  }
  rc = 0;
done:
  oar_predictor_destroy(p);
  oar_config_destroy(c);
  return rc;
}

static void shape_text(const oar_npy *t, char *buf, size_t size) {
  size_t at = (size_t)snprintf(buf, size, "[");
  for (size_t d = 0; d < t->rank && at < size; d++)
    at += (size_t)snprintf(buf + at, size - at, d ? ", %lld" : "%lld", (long long)t->dims[d]);
  if (at < size) snprintf(buf + at, size - at, "]");
}

/* Same dtype (float32), same shape, every value within the tolerance
 * (a NaN on either side is a difference). */
static int same(const char *what, const oar_npy *a, const oar_npy *b, double rtol, double atol) {
  char sa[160], sb[160];
  shape_text(a, sa, sizeof sa);
  shape_text(b, sb, sizeof sb);
  bool same_shape = a->rank == b->rank && a->bytes == b->bytes;
  for (size_t d = 0; same_shape && d < a->rank; d++) same_shape = a->dims[d] == b->dims[d];
  if (a->dtype != OAR_DTYPE_FLOAT32 || b->dtype != OAR_DTYPE_FLOAT32 || !same_shape) {
    printf("FAIL %s: %s %s vs %s %s (float32 of the same shape expected)\n", what, oar_dtype_name(a->dtype),
           sa, oar_dtype_name(b->dtype), sb);
    return -1;
  }
  const float *x = a->data, *y = b->data;
  size_t n = a->bytes / sizeof(float), bad = 0, worst = 0;
  double worst_err = 0.0;
  for (size_t i = 0; i < n; i++) {
    double e = fabs((double)x[i] - y[i]);
    if (!(e <= atol + rtol * fabs((double)y[i]))) bad++;
    if (e > worst_err || isnan(e)) {
      worst_err = e;
      worst = i;
    }
  }
  printf("%s %s: %zu values, max |diff| %.3g at %zu (%.6g vs %.6g)\n", bad ? "FAIL" : "ok", what, n,
         worst_err, worst, n ? x[worst] : 0.0, n ? y[worst] : 0.0);
  return bad ? -1 : 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s CASE_DIR\n", argv[0]);
    return 2;
  }
  manifest m;
  if (read_manifest(argv[1], &m) != 0) {
    fprintf(stderr, "%s/case.txt: no model, input or output\n", argv[1]);
    return 2;
  }
  char onnx[2048], err[512];
  snprintf(onnx, sizeof onnx, "%s/model.onnx", argv[1]);
  oar_npy in[MAX_IO], ref[MAX_IO];
  for (int i = 0; i < m.nin; i++)
    if (oar_npy_read(m.in_files[i], &in[i], err, sizeof err) != 0) {
      fprintf(stderr, "%s\n", err);
      return 2;
    }
  for (int i = 0; i < m.nout; i++)
    if (oar_npy_read(m.out_files[i], &ref[i], err, sizeof err) != 0) {
      fprintf(stderr, "%s\n", err);
      return 2;
    }
  outputs from_paddle, from_onnx;
  int rc = 0;
  if (run_model(m.model, m.params, in, m.in_names, m.nin, &from_paddle) != 0 ||
      run_model(onnx, NULL, in, m.in_names, m.nin, &from_onnx) != 0)
    return 1;
  if (from_onnx.n != from_paddle.n) {
    printf("FAIL the ONNX form has %d outputs, the Paddle form %d\n", from_onnx.n, from_paddle.n);
    return 1;
  }
  for (int i = 0; i < from_onnx.n; i++) {
    char what[64];
    snprintf(what, sizeof what, "output %d ONNX vs Paddle form", i);
    rc |= same(what, &from_onnx.t[i], &from_paddle.t[i], m.rtol, m.atol);
    if (i < m.nout) {
      snprintf(what, sizeof what, "output %d ONNX form vs reference", i);
      rc |= same(what, &from_onnx.t[i], &ref[i], m.rtol, m.atol);
    }
  }
  for (int i = 0; i < from_onnx.n; i++) oar_npy_free(&from_onnx.t[i]);
  for (int i = 0; i < from_paddle.n; i++) oar_npy_free(&from_paddle.t[i]);
  for (int i = 0; i < m.nin; i++) oar_npy_free(&in[i]);
  for (int i = 0; i < m.nout; i++) oar_npy_free(&ref[i]);
  printf("%s\n", rc ? "FAIL" : "PASS");
  return rc ? 1 : 0;
}
