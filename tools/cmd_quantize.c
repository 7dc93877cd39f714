/* oar quantize: post-training static quantization of an ONNX model into a
 * QDQ ONNX model (the format of ONNX Runtime's quantize_static with
 * QuantFormat.QDQ): int8 weights per output channel with a
 * DequantizeLinear each, and a QuantizeLinear -> DequantizeLinear pair of
 * uint8 on every activation input of Conv, MatMul and Gemm, its range
 * measured by running the model (through the public API) on calibration
 * samples. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "convert.h"
#include "npy.h"
#include "quantize/calib.h"
#include "quantize/onnx_edit.h"

typedef struct quant_args {
  const char *model, *calibration, *out;
  calib_method method;
  double percentile;
  int per_tensor;
  long threads;
} quant_args;

/* A node to quantize: its index, the activation (input 0) and weight
 * (input 1) it reads. */
typedef struct qnode {
  size_t node;
  size_t act;    /* index into the activation list */
  size_t weight; /* index into the weight list */
  int axis;      /* the weight's output-channel axis; -1: per tensor */
} qnode;

/* A constant weight: an initializer, or the value of a Constant node. */
typedef struct weight {
  oe_init t;      /* the initializer's fields (name borrowed), or the Constant's tensor (name owned) */
  long init;      /* initializer index, or -1 */
  long node;      /* Constant node index, or -1 */
  const char *dq; /* the DequantizeLinear output once made */
} weight;

typedef struct activation {
  const char *name; /* the model's string */
  long input;       /* graph input index, or -1 (measured as an added output) */
  calib_stats stats;
  float scale;
  uint8_t zero_point;
} activation;

static int is_default_domain(const char *d) { return d[0] == '\0' || strcmp(d, "ai.onnx") == 0; }

static int read_file(const char *path, uint8_t **out, size_t *len) {
  struct stat sb;
  if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
    return cli_fail(
        "%s is a directory: quantize takes an ONNX model file (paddle2onnx converts a Paddle model)", path);
  FILE *f = fopen(path, "rb");
  if (f == NULL) return cli_fail("cannot open %s: %s", path, strerror(errno));
  uint8_t *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n == cap) {
      cap = cap ? cap * 2 : 1 << 16;
      uint8_t *g = realloc(buf, cap);
      if (g == NULL) {
        free(buf);
        fclose(f);
        return cli_fail("out of memory reading %s", path);
      }
      buf = g;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  int err = ferror(f);
  fclose(f);
  if (err) {
    free(buf);
    return cli_fail("cannot read %s", path);
  }
  *out = buf;
  *len = n;
  return CLI_EXIT_OK;
}

static int parse_args(int argc, char **argv, quant_args *a) {
  const char *value;
  cli_opt_scan scan = {argc, argv, 0, "quantize", 0};
  a->method = CALIB_MINMAX;
  a->percentile = 99.99;
  int percentile_given = 0;
  while (scan.i < argc) {
    const char *word = argv[scan.i];
    if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0) {
      cmd_print_help("quantize");
      return -1;
    }
    if (cli_opt_value(&scan, "--calibration", &value)) {
      a->calibration = value;
      continue;
    }
    if (!scan.bad && (cli_opt_value(&scan, "-o", &value) || cli_opt_value(&scan, "--output", &value))) {
      a->out = value;
      continue;
    }
    if (!scan.bad && cli_opt_value(&scan, "--method", &value)) {
      if (strcmp(value, "minmax") == 0) {
        a->method = CALIB_MINMAX;
      } else if (strcmp(value, "percentile") == 0) {
        a->method = CALIB_PERCENTILE;
      } else if (strcmp(value, "kl") == 0 || strcmp(value, "entropy") == 0) {
        a->method = CALIB_KL;
      } else {
        return cli_usage("quantize", "--method must be minmax, percentile or kl, not '%s'", value);
      }
      continue;
    }
    if (!scan.bad && cli_opt_value(&scan, "--percentile", &value)) {
      char *end;
      errno = 0;
      double p = strtod(value, &end);
      if (errno != 0 || *end != '\0' || end == value || !(p > 0 && p <= 100))
        return cli_usage("quantize", "--percentile must be a number in (0, 100], not '%s'", value);
      a->percentile = p;
      percentile_given = 1;
      continue;
    }
    if (!scan.bad && cli_opt_value(&scan, "--threads", &value)) {
      if (cli_parse_long(value, 1, 1024, &a->threads) != 0)
        return cli_usage("quantize", "--threads must be an integer in [1, 1024], not '%s'", value);
      continue;
    }
    if (scan.bad) return CLI_EXIT_USAGE;
    if (strcmp(word, "--per-tensor-weights") == 0) {
      a->per_tensor = 1;
      scan.i++;
      continue;
    }
    if (word[0] == '-' && word[1] != '\0') return cli_usage("quantize", "unknown option '%s'", word);
    if (a->model != NULL) return cli_usage("quantize", "unexpected argument '%s'", word);
    a->model = word;
    scan.i++;
  }
  if (scan.bad) return CLI_EXIT_USAGE;
  if (a->model == NULL) return cli_usage("quantize", "quantize needs a MODEL (an .onnx file)");
  if (a->calibration == NULL) return cli_usage("quantize", "quantize needs --calibration DIR");
  if (a->out == NULL) return cli_usage("quantize", "quantize needs -o FILE.onnx");
  if (percentile_given && a->method != CALIB_PERCENTILE)
    return cli_usage("quantize", "--percentile goes with --method percentile");
  return CLI_EXIT_OK;
}

/* ---- calibration samples ---- */

/* The file name of an input in a sample directory: characters other than
 * A-Z a-z 0-9 . _ - become '_' (as `oar run --output-dir` names files). */
static void safe_name(const char *name, char *buf, size_t size) {
  size_t i = 0;
  for (; name[i] && i + 1 < size; i++) {
    char c = name[i];
    int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
             c == '_' || c == '-';
    buf[i] = ok ? c : '_';
  }
  buf[i] = '\0';
}

static int ends_with_npy(const char *s) {
  size_t n = strlen(s);
  return n > 4 && strcmp(s + n - 4, ".npy") == 0;
}

static int by_string(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *join(const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 2;
  char *s = malloc(n);
  if (s) snprintf(s, n, "%s/%s", a, b);
  return s;
}

typedef struct sample_set {
  char **paths; /* [count * inputs]: sample s, input k at s * inputs + k */
  size_t count, inputs;
} sample_set;

static void samples_free(sample_set *s) {
  for (size_t i = 0; i < s->count * s->inputs; i++) free(s->paths[i]);
  free(s->paths);
  memset(s, 0, sizeof *s);
}

/* Lists DIR: its *.npy files (one sample each, for a one-input model) or
 * its subdirectories (one sample each, holding <input>.npy per input). */
static int list_samples(const char *dir, const char *const *inputs, size_t input_count, sample_set *out) {
  memset(out, 0, sizeof *out);
  struct stat sb;
  if (stat(dir, &sb) != 0) return cli_fail("calibration directory %s: %s", dir, strerror(errno));
  if (!S_ISDIR(sb.st_mode)) return cli_fail("calibration directory %s is not a directory", dir);
  DIR *d = opendir(dir);
  if (d == NULL) return cli_fail("calibration directory %s: %s", dir, strerror(errno));
  char **files = NULL, **dirs = NULL;
  size_t nfiles = 0, ndirs = 0;
  int rc = CLI_EXIT_OK;
  struct dirent *e;
  while (rc == CLI_EXIT_OK && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char *path = join(dir, e->d_name);
    if (path == NULL) {
      rc = cli_fail("out of memory");
      break;
    }
    int is_dir = stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
    int is_npy = !is_dir && ends_with_npy(e->d_name);
    char ***list = is_dir ? &dirs : &files;
    size_t *n = is_dir ? &ndirs : &nfiles;
    if (is_dir || is_npy) {
      char **g = realloc(*list, (*n + 1) * sizeof **list);
      if (g == NULL) {
        free(path);
        rc = cli_fail("out of memory");
        break;
      }
      *list = g;
      g[(*n)++] = path;
    } else {
      free(path);
    }
  }
  closedir(d);
  if (rc == CLI_EXIT_OK && nfiles > 0 && input_count != 1) {
    fprintf(stderr, "oar: calibration directory %s holds .npy files, but the model has %zu inputs (", dir,
            input_count);
    for (size_t k = 0; k < input_count; k++) fprintf(stderr, "%s%s", k ? ", " : "", inputs[k]);
    fputs("): put each sample in a subdirectory with one <input name>.npy per input\n", stderr);
    rc = CLI_EXIT_FAIL;
  }
  if (rc == CLI_EXIT_OK && nfiles == 0 && ndirs == 0)
    rc = cli_fail(
        "calibration directory %s holds no .npy files (one per sample, or one subdirectory per sample)", dir);
  if (rc == CLI_EXIT_OK && nfiles > 0) {
    qsort(files, nfiles, sizeof *files, by_string);
    out->paths = files;
    out->count = nfiles;
    out->inputs = 1;
    files = NULL;
    nfiles = 0;
  } else if (rc == CLI_EXIT_OK) {
    qsort(dirs, ndirs, sizeof *dirs, by_string);
    out->paths = calloc(ndirs * input_count + 1, sizeof *out->paths);
    if (out->paths == NULL) rc = cli_fail("out of memory");
    out->inputs = input_count;
    for (size_t s = 0; rc == CLI_EXIT_OK && s < ndirs; s++) {
      out->count = s + 1;
      for (size_t k = 0; rc == CLI_EXIT_OK && k < input_count; k++) {
        char name[512];
        safe_name(inputs[k], name, sizeof name - 4);
        strcat(name, ".npy");
        char *path = join(dirs[s], name);
        if (path == NULL) {
          rc = cli_fail("out of memory");
        } else if (stat(path, &sb) != 0) {
          rc = cli_fail("calibration sample %s lacks %s (input %s)", dirs[s], name, inputs[k]);
          free(path);
        } else {
          out->paths[s * input_count + k] = path;
        }
      }
    }
    if (rc != CLI_EXIT_OK) samples_free(out);
  }
  for (size_t i = 0; i < nfiles; i++) free(files[i]);
  for (size_t i = 0; i < ndirs; i++) free(dirs[i]);
  free(files);
  free(dirs);
  return rc;
}

/* ---- the calibration run ---- */

typedef struct calib_run {
  oar_predictor *predictor;
  const char **inputs; /* the predictor's input names */
  size_t input_count;
  size_t *ranks;
  int64_t (*dims)[OAR_MAX_RANK]; /* declared shapes */
  activation *acts;
  size_t act_count;
} calib_run;

/* Feeds one file to input k, checking its shape against the declared one;
 * float inputs also count towards the activations that are graph inputs. */
static int feed(calib_run *c, size_t k, const char *path, int pass, calib_method method) {
  char err[1024];
  oar_npy npy;
  const char *name = c->inputs[k];
  if (oar_npy_read(path, &npy, err, sizeof err) != 0) return cli_fail("calibration sample: %s", err);
  int fits = npy.rank == c->ranks[k];
  for (size_t i = 0; fits && i < npy.rank; i++) fits = c->dims[k][i] < 0 || c->dims[k][i] == npy.dims[i];
  if (!fits) {
    char got[128], want[128];
    oar_npy_shape_string(npy.rank, npy.dims, got, sizeof got);
    oar_npy_shape_string(c->ranks[k], c->dims[k], want, sizeof want);
    oar_npy_free(&npy);
    return cli_fail("calibration sample %s: shape %s does not fit input %s %s", path, got, name, want);
  }
  oar_tensor *t = NULL;
  oar_dtype want = OAR_DTYPE_UNKNOWN;
  oar_status st = oar_predictor_get_input(c->predictor, name, &t);
  if (st == OAR_OK) st = oar_tensor_dtype(t, &want);
  if (st != OAR_OK) {
    oar_npy_free(&npy);
    return cli_fail_predictor(c->predictor, st, name);
  }
  const void *data = npy.data;
  size_t bytes = npy.bytes;
  void *converted = NULL;
  if (want != npy.dtype && want != OAR_DTYPE_UNKNOWN) {
    if (cli_convert(&npy, want, &converted, &bytes, err, sizeof err) != 0) {
      oar_npy_free(&npy);
      return cli_fail("calibration sample %s for input %s: %s", path, name, err);
    }
    data = converted;
  }
  oar_dtype dtype = want != OAR_DTYPE_UNKNOWN ? want : npy.dtype;
  for (size_t a = 0; a < c->act_count; a++) {
    activation *act = &c->acts[a];
    if (strcmp(act->name, name) != 0) continue;
    if (dtype != OAR_DTYPE_FLOAT32) {
      free(converted);
      oar_npy_free(&npy);
      return cli_fail("input %s is %s: quantize takes float32 activations", name, cli_dtype_name(dtype));
    }
    if (pass == 1)
      calib_observe_range(&act->stats, data, bytes / 4);
    else if (calib_observe_hist(&act->stats, method, data, bytes / 4) != 0)
      st = OAR_ERR_OUT_OF_MEMORY;
  }
  if (st == OAR_OK) st = oar_tensor_reshape(t, npy.rank, npy.dims);
  if (st == OAR_OK) st = oar_tensor_copy_from_host(t, dtype, data, bytes);
  free(converted);
  oar_npy_free(&npy);
  if (st != OAR_OK) {
    char context[1200];
    snprintf(context, sizeof context, "input %s from %s", name, path);
    return cli_fail_predictor(c->predictor, st, context);
  }
  return CLI_EXIT_OK;
}

/* Folds the added outputs of the last run into the activations' stats. */
static int collect(calib_run *c, int pass, calib_method method) {
  for (size_t a = 0; a < c->act_count; a++) {
    activation *act = &c->acts[a];
    if (act->input >= 0) continue;
    oar_tensor *t = NULL;
    oar_dtype dtype = OAR_DTYPE_UNKNOWN;
    size_t rank = 0, n = 0;
    int64_t dims[OAR_MAX_RANK];
    const void *data = NULL;
    oar_status st = oar_predictor_get_output(c->predictor, act->name, &t);
    if (st == OAR_OK) st = oar_tensor_dtype(t, &dtype);
    if (st == OAR_OK) st = oar_tensor_shape(t, &rank, dims, OAR_MAX_RANK);
    if (st == OAR_OK) st = oar_tensor_data(t, &data);
    if (st != OAR_OK) return cli_fail_predictor(c->predictor, st, act->name);
    if (dtype != OAR_DTYPE_FLOAT32)
      return cli_fail("tensor %s is %s: quantize takes float32 activations", act->name,
                      cli_dtype_name(dtype));
    if (rank > OAR_MAX_RANK || oar_npy_element_count(rank, dims, &n) != 0)
      return cli_fail("tensor %s: the library reported an impossible shape", act->name);
    if (pass == 1)
      calib_observe_range(&act->stats, data, n);
    else if (calib_observe_hist(&act->stats, method, data, n) != 0)
      return cli_fail("out of memory");
  }
  return CLI_EXIT_OK;
}

static int calibrate(calib_run *c, const sample_set *samples, calib_method method) {
  int passes = method == CALIB_MINMAX ? 1 : 2;
  for (int pass = 1; pass <= passes; pass++) {
    for (size_t s = 0; s < samples->count; s++) {
      for (size_t k = 0; k < c->input_count; k++) {
        int rc = feed(c, k, samples->paths[s * samples->inputs + k], pass, method);
        if (rc != CLI_EXIT_OK) return rc;
      }
      oar_status st = oar_predictor_run(c->predictor);
      if (st != OAR_OK) {
        char context[1200];
        snprintf(context, sizeof context, "calibration run on %s", samples->paths[s * samples->inputs]);
        return cli_fail_predictor(c->predictor, st, context);
      }
      int rc = collect(c, pass, method);
      if (rc != CLI_EXIT_OK) return rc;
    }
  }
  return CLI_EXIT_OK;
}

/* ---- names ---- */

typedef struct name_set {
  const char **names;
  size_t count, cap;
  char **owned; /* names made here */
  size_t owned_count;
} name_set;

static int names_add(name_set *s, const char *name) {
  if (s->count == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 256;
    const char **g = realloc(s->names, cap * sizeof *g);
    if (g == NULL) return -1;
    s->names = g;
    s->cap = cap;
  }
  s->names[s->count++] = name;
  return 0;
}

static int names_has(const name_set *s, const char *name) {
  for (size_t i = 0; i < s->count; i++)
    if (strcmp(s->names[i], name) == 0) return 1;
  return 0;
}

/* base + suffix, made unique with _1, _2, ... Owned by the set. */
static const char *names_make(name_set *s, const char *base, const char *suffix) {
  size_t n = strlen(base) + strlen(suffix) + 24;
  char *name = malloc(n);
  if (name == NULL) return NULL;
  snprintf(name, n, "%s%s", base, suffix);
  for (unsigned k = 1; names_has(s, name); k++) snprintf(name, n, "%s%s_%u", base, suffix, k);
  char **g = realloc(s->owned, (s->owned_count + 1) * sizeof *g);
  if (g == NULL || names_add(s, name) != 0) {
    if (g) s->owned = g;
    free(name);
    return NULL;
  }
  s->owned = g;
  s->owned[s->owned_count++] = name;
  return name;
}

static void names_free(name_set *s) {
  for (size_t i = 0; i < s->owned_count; i++) free(s->owned[i]);
  free(s->owned);
  free(s->names);
  memset(s, 0, sizeof *s);
}

/* ---- the plan: which nodes, which tensors ---- */

static int find_act(activation *acts, size_t count, const char *name) {
  for (size_t i = 0; i < count; i++)
    if (strcmp(acts[i].name, name) == 0) return (int)i;
  return -1;
}

/* The Constant node (default domain, with a tensor value) whose output is
 * `name`, or -1. */
static long find_constant(const oe_model *m, const char *name) {
  for (size_t i = 0; i < m->node_count; i++) {
    const oe_node *n = &m->nodes[i];
    if (n->value != NULL && n->output_count == 1 && strcmp(n->op_type, "Constant") == 0 &&
        is_default_domain(n->domain) && strcmp(n->outputs[0], name) == 0)
      return (long)i;
  }
  return -1;
}

/* The weight named `name` in w[0..*count), added when new: an initializer
 * or a Constant's value. -1 when it is neither (or its tensor is
 * malformed: then the node is left float, as for any non-constant B). */
static long find_weight(const oe_model *m, const char *name, weight *w, size_t *count) {
  for (size_t i = 0; i < *count; i++)
    if (strcmp(w[i].t.name, name) == 0) return (long)i;
  weight *nw = &w[*count];
  memset(nw, 0, sizeof *nw);
  nw->init = oe_model_find_init(m, name);
  nw->node = nw->init >= 0 ? -1 : find_constant(m, name);
  if (nw->init >= 0) {
    nw->t = m->inits[nw->init];
  } else if (nw->node >= 0) {
    const oe_node *n = &m->nodes[nw->node];
    char err[256];
    if (oe_tensor_parse(n->value, n->value_len, name, &nw->t, err, sizeof err) != 0) return -1;
  } else {
    return -1;
  }
  return (long)(*count)++;
}

static void weights_free(weight *w, size_t count) {
  for (size_t i = 0; w && i < count; i++)
    if (w[i].node >= 0) oe_init_free(&w[i].t);
  free(w);
}

/* The quantizable nodes: Conv, MatMul and Gemm of the default domain whose
 * input 1 is a float constant (initializer or Constant) and input 0 is
 * not a constant. */
static int plan_nodes(const oe_model *m, int per_channel, qnode **out, size_t *count, activation **acts,
                      size_t *act_count, weight **weights, size_t *weight_count) {
  qnode *q = calloc(m->node_count + 1, sizeof *q);
  activation *a = calloc(m->node_count + 1, sizeof *a);
  weight *ws = calloc(m->node_count + 1, sizeof *ws);
  if (q == NULL || a == NULL || ws == NULL) {
    free(q), free(a), free(ws);
    return cli_fail("out of memory");
  }
  size_t nq = 0, na = 0, nw = 0;
  for (size_t i = 0; i < m->node_count; i++) {
    const oe_node *n = &m->nodes[i];
    if (!is_default_domain(n->domain) || n->input_count < 2) continue;
    int conv = strcmp(n->op_type, "Conv") == 0, matmul = strcmp(n->op_type, "MatMul") == 0,
        gemm = strcmp(n->op_type, "Gemm") == 0;
    if (!conv && !matmul && !gemm) continue;
    if (n->inputs[0][0] == '\0' || oe_model_find_init(m, n->inputs[0]) >= 0 ||
        find_constant(m, n->inputs[0]) >= 0)
      continue;
    long w = find_weight(m, n->inputs[1], ws, &nw);
    if (w < 0) continue;
    const oe_init *t = &ws[w].t;
    if (t->data_type != ONNX_FLOAT || t->external) continue;
    int axis = -1;
    if (conv && t->rank >= 3) axis = 0;
    if ((matmul || gemm) && t->rank == 2) {
      int64_t trans_b = 0;
      if (gemm && oe_node_attr_int(n, "transB", &trans_b) < 0) continue;
      axis = trans_b ? 0 : 1;
    }
    if (!per_channel) axis = -1;
    int k = find_act(a, na, n->inputs[0]);
    if (k < 0) {
      k = (int)na++;
      a[k].name = n->inputs[0];
      a[k].input = oe_model_find_input(m, n->inputs[0]);
    }
    q[nq].node = i;
    q[nq].act = (size_t)k;
    q[nq].weight = (size_t)w;
    q[nq].axis = axis;
    nq++;
  }
  *out = q;
  *count = nq;
  *acts = a;
  *act_count = na;
  *weights = ws;
  *weight_count = nw;
  return CLI_EXIT_OK;
}

/* Opens a predictor on the model with every measured activation added as
 * an output, and records the declared input shapes. */
static int open_calibration(const oe_model *m, const quant_args *a, calib_run *c) {
  oe_edit e;
  memset(&e, 0, sizeof e);
  for (size_t i = 0; i < c->act_count; i++) {
    int already = 0;
    for (size_t o = 0; o < m->output_count; o++) already |= strcmp(m->outputs[o].name, c->acts[i].name) == 0;
    if (c->acts[i].input < 0 && !already) oe_buf_output(&e.append_outputs, c->acts[i].name, ONNX_FLOAT);
  }
  uint8_t *bytes = NULL;
  size_t len = 0;
  if (oe_model_write(m, &e, &bytes, &len) != 0) {
    oe_buf_free(&e.append_outputs);
    return cli_fail("out of memory");
  }
  oe_buf_free(&e.append_outputs);
  oar_config *config = NULL;
  oar_status st = oar_config_create(&config);
  if (st == OAR_OK) st = oar_config_set_model_buffer(config, bytes, len, NULL, 0);
  if (st == OAR_OK && a->threads > 0) st = oar_config_set_num_threads(config, (int)a->threads);
  if (st == OAR_OK) st = oar_predictor_create(config, &c->predictor);
  free(bytes);
  if (st != OAR_OK) {
    const char *msg = config ? oar_config_last_error(config) : NULL;
    if (msg == NULL || msg[0] == '\0') msg = oar_last_error();
    if (msg == NULL || msg[0] == '\0') msg = oar_status_string(st);
    cli_fail("%s: cannot load the model for calibration: %s", a->model, msg);
    oar_config_destroy(config);
    return CLI_EXIT_FAIL;
  }
  oar_config_destroy(config);
  int rc = cli_tensor_names(c->predictor, 0, &c->inputs, &c->input_count);
  if (rc != CLI_EXIT_OK) return rc;
  c->ranks = calloc(c->input_count + 1, sizeof *c->ranks);
  c->dims = calloc(c->input_count + 1, sizeof *c->dims);
  if (c->ranks == NULL || c->dims == NULL) return cli_fail("out of memory");
  for (size_t k = 0; k < c->input_count; k++) {
    oar_tensor *t = NULL;
    st = oar_predictor_get_input(c->predictor, c->inputs[k], &t);
    if (st == OAR_OK) st = oar_tensor_shape(t, &c->ranks[k], c->dims[k], OAR_MAX_RANK);
    if (st != OAR_OK) return cli_fail_predictor(c->predictor, st, c->inputs[k]);
    if (c->ranks[k] > OAR_MAX_RANK) return cli_fail("input %s: rank above %d", c->inputs[k], OAR_MAX_RANK);
  }
  return CLI_EXIT_OK;
}

/* ---- writing the QDQ model ---- */

/* Symmetric int8 weights: per channel along `axis` (or one scale when
 * axis < 0), scale = max|w| / 127, values round(w / scale) in [-127, 127]. */
static int quantize_weight(const oe_init *t, int axis, int8_t **q, float **scales, size_t *channels,
                           char *err, size_t errlen) {
  int64_t count = oe_init_elements(t);
  if (count < 0 || (uint64_t)count > ((size_t)-1) / 4) {
    snprintf(err, errlen, "initializer %s is too large", t->name);
    return -1;
  }
  size_t n = (size_t)count;
  size_t ch = axis >= 0 ? (size_t)t->dims[axis] : 1, inner = 1;
  for (size_t d = axis >= 0 ? (size_t)axis + 1 : t->rank; d < t->rank; d++) inner *= (size_t)t->dims[d];
  float *w = malloc(n ? n * sizeof *w : 1);
  *q = malloc(n ? n : 1);
  *scales = calloc(ch ? ch : 1, sizeof **scales);
  if (w == NULL || *q == NULL || *scales == NULL) {
    free(w), free(*q), free(*scales);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  if (oe_init_floats(t, w, n, err, errlen) != 0) {
    free(w), free(*q), free(*scales);
    return -1;
  }
  /* Element i is in channel (i / inner) % ch. */
  for (size_t i = 0; i < n; i++) {
    size_t c = axis >= 0 ? (i / inner) % ch : 0;
    float v = fabsf(w[i]);
    if (v > (*scales)[c]) (*scales)[c] = v;
  }
  for (size_t c = 0; c < ch; c++) (*scales)[c] = (*scales)[c] > 0 ? (*scales)[c] / 127.0f : 1.0f;
  for (size_t i = 0; i < n; i++) {
    size_t c = axis >= 0 ? (i / inner) % ch : 0;
    float v = nearbyintf(w[i] / (*scales)[c]);
    (*q)[i] = (int8_t)(v < -127 ? -127 : v > 127 ? 127 : v);
  }
  free(w);
  *channels = ch;
  return 0;
}

typedef struct qdq_names {
  const char *dq; /* the dequantized tensor the node reads; NULL before made */
} qdq_names;

static int write_qdq(const oe_model *m, const quant_args *a, const qnode *q, size_t nq, activation *acts,
                     size_t na, weight *ws, size_t nw, size_t *weights_per_channel) {
  name_set names;
  memset(&names, 0, sizeof names);
  oe_edit e;
  memset(&e, 0, sizeof e);
  e.before = calloc(m->node_count + 1, sizeof *e.before);
  e.rename = calloc(m->node_count + 1, sizeof *e.rename);
  e.drop = calloc(m->init_count + 1, 1);
  e.drop_nodes = calloc(m->node_count + 1, 1);
  qdq_names *anames = calloc(na + 1, sizeof *anames);
  int rc = CLI_EXIT_OK;
  (void)nw;
  if (!e.before || !e.rename || !e.drop || !e.drop_nodes || !anames) rc = cli_fail("out of memory");
  /* Every name in the graph, so that the new ones are unique. */
  for (size_t i = 0; rc == CLI_EXIT_OK && i < m->node_count; i++) {
    for (size_t k = 0; k < m->nodes[i].input_count; k++)
      if (names_add(&names, m->nodes[i].inputs[k])) rc = cli_fail("out of memory");
    for (size_t k = 0; k < m->nodes[i].output_count; k++)
      if (names_add(&names, m->nodes[i].outputs[k])) rc = cli_fail("out of memory");
    if (names_add(&names, m->nodes[i].name)) rc = cli_fail("out of memory");
  }
  for (size_t i = 0; rc == CLI_EXIT_OK && i < m->init_count; i++)
    if (names_add(&names, m->inits[i].name)) rc = cli_fail("out of memory");
  for (size_t i = 0; rc == CLI_EXIT_OK && i < m->input_count; i++)
    if (names_add(&names, m->inputs[i].name)) rc = cli_fail("out of memory");
  for (size_t i = 0; rc == CLI_EXIT_OK && i < m->output_count; i++)
    if (names_add(&names, m->outputs[i].name)) rc = cli_fail("out of memory");

  /* A weight is dropped when only quantized nodes read it, as their
   * weight; kept when anything else may (a subgraph reads outer names). */
  int has_subgraphs = 0;
  for (size_t i = 0; i < m->node_count; i++) {
    const char *op = m->nodes[i].op_type;
    if (strcmp(op, "If") == 0 || strcmp(op, "Loop") == 0 || strcmp(op, "Scan") == 0) has_subgraphs = 1;
  }
  for (size_t j = 0; rc == CLI_EXIT_OK && j < nq; j++) {
    const oe_init *t = &ws[q[j].weight].t;
    int other = has_subgraphs;
    for (size_t i = 0; !other && i < m->node_count; i++) {
      const oe_node *n = &m->nodes[i];
      int quantized = 0;
      for (size_t jj = 0; jj < nq; jj++) quantized |= q[jj].node == i && q[jj].weight == q[j].weight;
      for (size_t k = 0; !other && k < n->input_count; k++)
        other = strcmp(n->inputs[k], t->name) == 0 && !(quantized && k == 1);
    }
    for (size_t o = 0; !other && o < m->output_count; o++) other = strcmp(m->outputs[o].name, t->name) == 0;
    if (ws[q[j].weight].init >= 0) e.drop[ws[q[j].weight].init] = (unsigned char)!other;
    if (ws[q[j].weight].node >= 0) e.drop_nodes[ws[q[j].weight].node] = (unsigned char)!other;
  }

  *weights_per_channel = 0;
  for (size_t j = 0; rc == CLI_EXIT_OK && j < nq; j++) {
    const qnode *qn = &q[j];
    const oe_node *n = &m->nodes[qn->node];
    oe_buf *pre = &e.before[qn->node];
    const oe_init *t = &ws[qn->weight].t;
    if (ws[qn->weight].dq == NULL) {
      int8_t *wq = NULL;
      float *scales = NULL;
      size_t ch = 0;
      char err[512];
      if (quantize_weight(t, qn->axis, &wq, &scales, &ch, err, sizeof err) != 0) {
        rc = cli_fail("%s: %s", a->model, err);
        break;
      }
      const char *qname = names_make(&names, t->name, "_quantized");
      const char *sname = names_make(&names, t->name, "_scale");
      const char *zname = names_make(&names, t->name, "_zero_point");
      const char *dname = names_make(&names, t->name, "_DequantizeLinear_Output");
      const char *nname = names_make(&names, t->name, "_DequantizeLinear");
      int8_t *zeros = calloc(ch + 1, 1);
      if (!qname || !sname || !zname || !dname || !nname || !zeros) {
        free(wq), free(scales), free(zeros);
        rc = cli_fail("out of memory");
        break;
      }
      int64_t chdim = (int64_t)ch;
      size_t n_el = (size_t)oe_init_elements(t);
      oe_buf_init(&e.append_inits, qname, ONNX_INT8, t->rank, t->dims, wq, n_el);
      oe_buf_init(&e.append_inits, sname, ONNX_FLOAT, qn->axis >= 0, &chdim, scales, ch * 4);
      oe_buf_init(&e.append_inits, zname, ONNX_INT8, qn->axis >= 0, &chdim, zeros, ch);
      const char *ins[3] = {qname, sname, zname};
      oe_buf_node(pre, "DequantizeLinear", nname, ins, 3, &dname, 1, qn->axis >= 0, qn->axis);
      free(wq), free(scales), free(zeros);
      ws[qn->weight].dq = dname;
      if (qn->axis >= 0) (*weights_per_channel)++;
    }
    activation *act = &acts[qn->act];
    if (anames[qn->act].dq == NULL) {
      const char *sname = names_make(&names, act->name, "_scale");
      const char *zname = names_make(&names, act->name, "_zero_point");
      const char *qname = names_make(&names, act->name, "_QuantizeLinear_Output");
      const char *dname = names_make(&names, act->name, "_DequantizeLinear_Output");
      const char *qnode_name = names_make(&names, act->name, "_QuantizeLinear");
      const char *dnode_name = names_make(&names, act->name, "_DequantizeLinear");
      if (!sname || !zname || !qname || !dname || !qnode_name || !dnode_name) {
        rc = cli_fail("out of memory");
        break;
      }
      oe_buf_init(&e.append_inits, sname, ONNX_FLOAT, 0, NULL, &act->scale, 4);
      oe_buf_init(&e.append_inits, zname, ONNX_UINT8, 0, NULL, &act->zero_point, 1);
      const char *qin[3] = {act->name, sname, zname}, *din[3] = {qname, sname, zname};
      oe_buf_node(pre, "QuantizeLinear", qnode_name, qin, 3, &qname, 1, 0, 0);
      oe_buf_node(pre, "DequantizeLinear", dnode_name, din, 3, &dname, 1, 0, 0);
      anames[qn->act].dq = dname;
    }
    if (e.rename[qn->node] == NULL) {
      e.rename[qn->node] = calloc(n->input_count, sizeof(char *));
      if (e.rename[qn->node] == NULL) {
        rc = cli_fail("out of memory");
        break;
      }
    }
    e.rename[qn->node][0] = (char *)anames[qn->act].dq;
    e.rename[qn->node][1] = (char *)ws[qn->weight].dq;
  }

  uint8_t *bytes = NULL;
  size_t len = 0;
  if (rc == CLI_EXIT_OK && oe_model_write(m, &e, &bytes, &len) != 0) rc = cli_fail("out of memory");
  if (rc == CLI_EXIT_OK) {
    FILE *f = fopen(a->out, "wb");
    if (f == NULL) {
      rc = cli_fail("cannot create %s: %s", a->out, strerror(errno));
    } else {
      size_t wrote = fwrite(bytes, 1, len, f);
      if (fclose(f) != 0 || wrote != len) rc = cli_fail("cannot write %s", a->out);
    }
  }
  free(bytes);
  for (size_t i = 0; e.before && i < m->node_count; i++) oe_buf_free(&e.before[i]);
  for (size_t i = 0; e.rename && i < m->node_count; i++) free(e.rename[i]);
  free(e.before);
  free(e.rename);
  free(e.drop);
  oe_buf_free(&e.append_inits);
  oe_buf_free(&e.append_outputs);
  free(e.drop_nodes);
  free(anames);
  names_free(&names);
  return rc;
}

static const char *method_name(calib_method m) {
  return m == CALIB_MINMAX ? "minmax" : m == CALIB_PERCENTILE ? "percentile" : "kl";
}

int cmd_quantize(int argc, char **argv) {
  quant_args a;
  memset(&a, 0, sizeof a);
  int rc = parse_args(argc, argv, &a);
  if (rc != CLI_EXIT_OK) return rc < 0 ? CLI_EXIT_OK : rc; /* -1: help was printed */

  uint8_t *bytes = NULL;
  size_t len = 0;
  rc = read_file(a.model, &bytes, &len);
  if (rc != CLI_EXIT_OK) return rc;
  oe_model m;
  char err[512];
  if (oe_model_parse(bytes, len, &m, err, sizeof err) != 0) {
    free(bytes);
    return cli_fail("%s: %s", a.model, err);
  }
  int per_channel = !a.per_tensor;
  const char *external = NULL;
  for (size_t i = 0; i < m.init_count && external == NULL; i++)
    if (m.inits[i].external) external = m.inits[i].name;
  if (external != NULL) {
    rc = cli_fail(
        "%s: initializer %s keeps its data in an external file; quantize reads models whose "
        "initializers are inline (onnx.save(model, path, save_as_external_data=False) makes one)",
        a.model, external);
  } else if (m.opset < 10) {
    rc = cli_fail("%s: opset %lld: QuantizeLinear / DequantizeLinear need opset 10 or later", a.model,
                  (long long)m.opset);
  } else if (per_channel && m.opset < 13) {
    fprintf(stderr,
            "oar: note: opset %lld has no per-channel DequantizeLinear (opset 13): weights per tensor\n",
            (long long)m.opset);
    per_channel = 0;
  }
  qnode *q = NULL;
  activation *acts = NULL;
  weight *ws = NULL;
  size_t nq = 0, na = 0, nw = 0;
  if (rc == CLI_EXIT_OK) rc = plan_nodes(&m, per_channel, &q, &nq, &acts, &na, &ws, &nw);
  if (rc == CLI_EXIT_OK && nq == 0)
    rc = cli_fail("%s: nothing to quantize: no Conv, MatMul or Gemm node with a constant float32 weight",
                  a.model);

  calib_run c;
  memset(&c, 0, sizeof c);
  c.acts = acts;
  c.act_count = na;
  sample_set samples;
  memset(&samples, 0, sizeof samples);
  if (rc == CLI_EXIT_OK) rc = open_calibration(&m, &a, &c);
  if (rc == CLI_EXIT_OK) rc = list_samples(a.calibration, c.inputs, c.input_count, &samples);
  double start = cli_now();
  if (rc == CLI_EXIT_OK) rc = calibrate(&c, &samples, a.method);
  size_t per_channel_weights = 0;
  if (rc == CLI_EXIT_OK) {
    for (size_t i = 0; i < na; i++) {
      double lo, hi;
      calib_range(&acts[i].stats, a.method, a.percentile, &lo, &hi);
      calib_uint8_params(lo, hi, &acts[i].scale, &acts[i].zero_point);
      if (acts[i].stats.nonfinite > 0)
        fprintf(stderr, "oar: note: tensor %s had %lld NaN or infinite values, left out of its range\n",
                acts[i].name, (long long)acts[i].stats.nonfinite);
    }
    rc = write_qdq(&m, &a, q, nq, acts, na, ws, nw, &per_channel_weights);
  }
  if (rc == CLI_EXIT_OK) {
    size_t conv = 0, mm = 0, gemm = 0;
    for (size_t j = 0; j < nq; j++) {
      const char *op = m.nodes[q[j].node].op_type;
      conv += strcmp(op, "Conv") == 0, mm += strcmp(op, "MatMul") == 0, gemm += strcmp(op, "Gemm") == 0;
    }
    printf("calibrated %zu activations on %zu samples (%s) in %.2f s\n", na, samples.count,
           method_name(a.method), cli_now() - start);
    printf("quantized %zu nodes (Conv %zu, MatMul %zu, Gemm %zu): weights int8 %s, activations uint8\n", nq,
           conv, mm, gemm, per_channel_weights ? "per channel" : "per tensor");
    struct stat sb;
    char size[32];
    if (stat(a.out, &sb) == 0)
      printf("wrote %s (%s)\n", a.out, cli_human_bytes((uint64_t)sb.st_size, size, sizeof size));
  }
  samples_free(&samples);
  for (size_t i = 0; i < na; i++) calib_stats_free(&acts[i].stats);
  free(c.inputs);
  free(c.ranks);
  free(c.dims);
  oar_predictor_destroy(c.predictor);
  free(acts);
  weights_free(ws, nw);
  free(q);
  oe_model_free(&m);
  free(bytes);
  return rc;
}
