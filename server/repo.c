/* The model repository, Triton's layout: DIR/<model>/<version>/ holds any
 * model oar loads (a Paddle model directory, legacy or Paddle 3 PIR, or one
 * .onnx file); the highest numbered version is served. An optional
 * DIR/<model>/config.json uses Triton's model-config field names:
 *   {"max_batch_size": 8,
 *    "dynamic_batching": {"max_queue_delay_microseconds": 2000, "max_queue_size": 64},
 *    "instance_group": [{"count": 2}],
 *    "threads": 1}
 * Without "dynamic_batching" each request runs alone (still through the
 * bounded queue); with it, queued requests are merged up to max_batch_size. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "serve.h"

static int repo_fail(char *err, size_t err_size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int repo_fail(char *err, size_t err_size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, err_size, fmt, ap);
  va_end(ap);
  return -1;
}

static char *path_join(const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 2;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%s", a, b);
  return p;
}

static int is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int all_digits(const char *s) {
  if (!*s || strlen(s) > 18) return 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return 0;
  }
  return 1;
}

/* The highest numbered version directory of a model, or NULL. */
static char *pick_version(const char *model_dir) {
  DIR *d = opendir(model_dir);
  if (!d) return NULL;
  char *best = NULL;
  long long best_v = -1;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!all_digits(e->d_name)) continue;
    char *p = path_join(model_dir, e->d_name);
    int ok = p && is_dir(p);
    free(p);
    long long v = atoll(e->d_name);
    if (ok && v > best_v) {
      free(best);
      best = strdup(e->d_name);
      best_v = v;
    }
  }
  closedir(d);
  return best;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n > k && strcmp(s + n - k, suffix) == 0;
}

/* A version directory holding one .onnx file and no Paddle program is
 * served from that file, one holding one Paddle 3 *.json program and no
 * *.pdmodel from that program (its *.pdiparams beside it, if any);
 * anything else (a Paddle program beside an exported .onnx included) is
 * handed to oar as a Paddle model directory. */
static char *model_path(const char *version_dir, int *onnx) {
  DIR *d = opendir(version_dir);
  char *onnx_file = NULL, *json_file = NULL;
  int n_onnx = 0, n_json = 0, n_pdmodel = 0;
  *onnx = 0;
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (ends_with(e->d_name, ".onnx")) {
        n_onnx++;
        free(onnx_file);
        onnx_file = path_join(version_dir, e->d_name);
      } else if (ends_with(e->d_name, ".json")) {
        n_json++;
        free(json_file);
        json_file = path_join(version_dir, e->d_name);
      } else if (ends_with(e->d_name, ".pdmodel") || strcmp(e->d_name, "__model__") == 0) {
        n_pdmodel++;
      }
    }
    closedir(d);
  }
  char *pick = NULL;
  if (n_onnx == 1 && n_pdmodel == 0 && n_json == 0) {
    *onnx = 1;
    pick = onnx_file;
    onnx_file = NULL;
  } else if (n_json == 1 && n_pdmodel == 0) {
    pick = json_file;
    json_file = NULL;
  }
  free(onnx_file);
  free(json_file);
  return pick ? pick : strdup(version_dir);
}

static int read_file(const char *path, char **out, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  serve_buf b = {0};
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < (1u << 20)) serve_buf_put(&b, chunk, n);
  fclose(f);
  if (b.oom) {
    serve_buf_free(&b);
    return -1;
  }
  *out = b.p ? b.p : strdup("");
  *len = b.len;
  return 0;
}

static int json_int(const cJSON *obj, const char *key, long long min, long long max, long long *out,
                    char *err, size_t err_size, const char *file) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (j == NULL) return 0;
  if (!cJSON_IsNumber(j) || j->valuedouble != (double)(long long)j->valuedouble ||
      j->valuedouble < (double)min || j->valuedouble > (double)max) {
    return repo_fail(err, err_size, "%s: '%s' must be an integer in %lld..%lld", file, key, min, max);
  }
  *out = (long long)j->valuedouble;
  return 0;
}

static int load_config(serve_model *m, const char *model_dir, char *err, size_t err_size) {
  char *file = path_join(model_dir, "config.json");
  char *text = NULL;
  size_t len = 0;
  int rc = 0;
  if (file == NULL) return repo_fail(err, err_size, "out of memory");
  if (read_file(file, &text, &len) != 0) {
    rc = errno == ENOENT ? 0 : repo_fail(err, err_size, "%s: cannot read: %s", file, strerror(errno));
    free(file);
    return rc;
  }
  cJSON *root = cJSON_ParseWithLength(text, len);
  free(text);
  long long v;
  if (!cJSON_IsObject(root)) {
    rc = repo_fail(err, err_size, "%s: not a JSON object", file);
    goto out;
  }
  v = m->sig.max_batch_size;
  if (json_int(root, "max_batch_size", 0, 1 << 20, &v, err, err_size, file) != 0) goto bad;
  m->sig.max_batch_size = (int)v;
  v = m->threads;
  if (json_int(root, "threads", 1, 256, &v, err, err_size, file) != 0) goto bad;
  m->threads = (int)v;
  const cJSON *db = cJSON_GetObjectItemCaseSensitive(root, "dynamic_batching");
  if (db != NULL) {
    if (!cJSON_IsObject(db)) {
      rc = repo_fail(err, err_size, "%s: 'dynamic_batching' must be an object", file);
      goto out;
    }
    if (m->sig.max_batch_size < 1) {
      rc = repo_fail(err, err_size, "%s: 'dynamic_batching' needs 'max_batch_size' >= 1", file);
      goto out;
    }
    m->dynamic_batching = 1;
    v = m->max_delay_us;
    if (json_int(db, "max_queue_delay_microseconds", 0, 10000000, &v, err, err_size, file) != 0) goto bad;
    m->max_delay_us = v;
    v = m->max_queue_size;
    if (json_int(db, "max_queue_size", 1, 1 << 20, &v, err, err_size, file) != 0) goto bad;
    m->max_queue_size = (int)v;
  }
  const cJSON *ig = cJSON_GetObjectItemCaseSensitive(root, "instance_group");
  if (ig != NULL) {
    if (!cJSON_IsArray(ig) || cJSON_GetArraySize(ig) != 1 || !cJSON_IsObject(ig->child)) {
      rc = repo_fail(err, err_size, "%s: 'instance_group' must be an array of one object", file);
      goto out;
    }
    v = m->instances;
    if (json_int(ig->child, "count", 1, 256, &v, err, err_size, file) != 0) goto bad;
    m->instances = (int)v;
  }
  goto out;
bad:
  rc = -1;
out:
  cJSON_Delete(root);
  free(file);
  return rc;
}

static void destroy_predictors(serve_model *m) {
  for (int i = 0; m->predictors && i < m->instances; i++) {
    oar_predictor_destroy(m->predictors[i]);
    m->predictors[i] = NULL;
  }
}

static int create_predictors(serve_model *m, char *err, size_t err_size);

int serve_model_unload(serve_model *m) {
  if (!atomic_load(&m->available)) return 0;
  atomic_store(&m->available, 0);
  serve_batcher_stop(m); /* the queue drains first */
  destroy_predictors(m);
  return 0;
}

int serve_model_load(serve_model *m, char *err, size_t err_size) {
  if (atomic_load(&m->available)) return 0;
  if (create_predictors(m, err, err_size) != 0) return -1;
  pthread_mutex_lock(&m->mu);
  m->stop = 0;
  pthread_mutex_unlock(&m->mu);
  if (serve_batcher_start(m) != 0) {
    serve_batcher_stop(m);
    destroy_predictors(m);
    return repo_fail(err, err_size, "model '%s': cannot start its workers", m->name);
  }
  atomic_store(&m->available, 1);
  return 0;
}

static int fill_io(oar_predictor *p, int output, serve_io **out, size_t *n, char *err, size_t err_size) {
  size_t count = 0;
  oar_status st = output ? oar_predictor_output_count(p, &count) : oar_predictor_input_count(p, &count);
  if (st != OAR_OK) return repo_fail(err, err_size, "%s", oar_predictor_last_error(p));
  serve_io *ios = calloc(count ? count : 1, sizeof *ios);
  if (ios == NULL) return repo_fail(err, err_size, "out of memory");
  *out = ios;
  *n = count;
  for (size_t i = 0; i < count; i++) {
    const char *name = NULL;
    oar_tensor *t = NULL;
    st = output ? oar_predictor_output_name(p, i, &name) : oar_predictor_input_name(p, i, &name);
    if (st == OAR_OK)
      st = output ? oar_predictor_get_output(p, name, &t) : oar_predictor_get_input(p, name, &t);
    if (st == OAR_OK) st = oar_tensor_dtype(t, &ios[i].dtype);
    if (st == OAR_OK) st = oar_tensor_shape(t, &ios[i].rank, ios[i].dims, OAR_MAX_RANK);
    if (st != OAR_OK) return repo_fail(err, err_size, "%s", oar_predictor_last_error(p));
    ios[i].name = strdup(name);
    if (ios[i].name == NULL) return repo_fail(err, err_size, "out of memory");
  }
  return 0;
}

/* Loads the model file into predictors[0] and clones it for the other
 * instances. Returns 0, or -1 with a message (predictors left NULL). */
static int create_predictors(serve_model *m, char *err, size_t err_size) {
  oar_config *cfg = NULL;
  int rc = 0;
  if (oar_config_create(&cfg) != OAR_OK || oar_config_set_model(cfg, m->path, NULL) != OAR_OK ||
      oar_config_set_num_threads(cfg, m->threads) != OAR_OK) {
    rc = repo_fail(err, err_size, "model '%s': out of memory", m->name);
  } else if (oar_predictor_create(cfg, &m->predictors[0]) != OAR_OK) {
    rc = repo_fail(err, err_size, "model '%s': %s", m->name, oar_config_last_error(cfg));
  }
  for (int i = 1; i < m->instances && rc == 0; i++) {
    if (oar_predictor_clone(m->predictors[0], &m->predictors[i]) != OAR_OK) {
      rc = repo_fail(err, err_size, "model '%s': out of memory", m->name);
    }
  }
  oar_config_destroy(cfg);
  if (rc != 0) destroy_predictors(m);
  return rc;
}

static serve_model *load_model(const char *dir, const char *name, const serve_options *opt, char *err,
                               size_t err_size) {
  serve_model *m = calloc(1, sizeof *m);
  char *model_dir = path_join(dir, name);
  char *vdir = NULL;
  int onnx = 0;
  if (m == NULL || model_dir == NULL) goto oom;
  pthread_mutex_init(&m->mu, NULL);
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC); /* the batcher's timed waits */
  pthread_cond_init(&m->queue_cv, &attr);
  pthread_condattr_destroy(&attr);
  pthread_mutex_init(&m->metrics.mu, NULL);
  m->name = strdup(name);
  m->instances = 1;
  m->threads = opt->default_threads;
  m->max_queue_size = 1024;
  if (m->name == NULL) goto oom;
  m->version = pick_version(model_dir);
  if (m->version == NULL) {
    repo_fail(err, err_size, "model '%s': no numbered version directory in %s", name, model_dir);
    goto fail;
  }
  if (load_config(m, model_dir, err, err_size) != 0) goto fail;
  vdir = path_join(model_dir, m->version);
  if (vdir == NULL || (m->path = model_path(vdir, &onnx)) == NULL) goto oom;
  m->platform = strdup(onnx ? "oar_onnx" : "oar_paddle");
  m->predictors = calloc((size_t)m->instances, sizeof *m->predictors);
  if (m->platform == NULL || m->predictors == NULL) goto oom;
  if (create_predictors(m, err, err_size) != 0) goto fail;
  if (fill_io(m->predictors[0], 0, &m->sig.inputs, &m->sig.n_inputs, err, err_size) != 0 ||
      fill_io(m->predictors[0], 1, &m->sig.outputs, &m->sig.n_outputs, err, err_size) != 0) {
    goto fail;
  }
  for (size_t i = 0; i < m->sig.n_inputs; i++) {
    const serve_io *io = &m->sig.inputs[i];
    if (serve_dtype_name(io->dtype) == NULL) {
      repo_fail(err, err_size, "model '%s': input '%s' has a datatype the protocol cannot carry", name,
                io->name);
      goto fail;
    }
    if (m->sig.max_batch_size > 0 && io->rank == 0) {
      repo_fail(err, err_size, "model '%s': max_batch_size needs a batch dimension, input '%s' is a scalar",
                name, io->name);
      goto fail;
    }
  }
  atomic_store(&m->available, 1);
  free(model_dir);
  free(vdir);
  return m;
oom:
  repo_fail(err, err_size, "model '%s': out of memory", name);
fail:
  free(model_dir);
  free(vdir);
  serve_model_destroy(m);
  return NULL;
}

void serve_model_destroy(serve_model *m) {
  if (m == NULL) return;
  destroy_predictors(m);
  free(m->predictors);
  for (size_t i = 0; m->sig.inputs && i < m->sig.n_inputs; i++) free(m->sig.inputs[i].name);
  for (size_t i = 0; m->sig.outputs && i < m->sig.n_outputs; i++) free(m->sig.outputs[i].name);
  free(m->sig.inputs);
  free(m->sig.outputs);
  free(m->workers);
  free(m->name);
  free(m->version);
  free(m->path);
  free(m->platform);
  pthread_mutex_destroy(&m->mu);
  pthread_cond_destroy(&m->queue_cv);
  pthread_mutex_destroy(&m->metrics.mu);
  free(m);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int serve_repo_load(const char *dir, const serve_options *opt, serve_model ***models, size_t *n_models,
                    char *err, size_t err_size) {
  DIR *d = opendir(dir);
  if (d == NULL) return repo_fail(err, err_size, "model repository %s: %s", dir, strerror(errno));
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char *p = path_join(dir, e->d_name);
    int ok = p && is_dir(p);
    free(p);
    if (!ok) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 8;
      char **nn = realloc(names, cap * sizeof *nn);
      if (nn == NULL) break;
      names = nn;
    }
    names[n] = strdup(e->d_name);
    if (names[n]) n++;
  }
  closedir(d);
  if (n == 0) {
    free(names);
    return repo_fail(err, err_size, "model repository %s holds no model directories", dir);
  }
  qsort(names, n, sizeof *names, cmp_str);
  serve_model **ms = calloc(n, sizeof *ms);
  int rc = ms ? 0 : repo_fail(err, err_size, "out of memory");
  for (size_t i = 0; i < n && rc == 0; i++) {
    ms[i] = load_model(dir, names[i], opt, err, err_size);
    if (ms[i] == NULL) rc = -1;
  }
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
  if (rc != 0) {
    for (size_t i = 0; ms && i < n; i++) serve_model_destroy(ms[i]);
    free(ms);
    return -1;
  }
  *models = ms;
  *n_models = n;
  return 0;
}

static void write_ios(serve_buf *b, const serve_io *ios, size_t n, int batching, int config) {
  for (size_t i = 0; i < n; i++) {
    const serve_io *io = &ios[i];
    serve_buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
    serve_buf_json_str(b, io->name);
    const char *dt = serve_dtype_name(io->dtype);
    if (config) {
      serve_buf_printf(b, ",\"data_type\":\"TYPE_%s\",\"dims\":[", dt ? dt : "STRING");
    } else {
      serve_buf_printf(b, ",\"datatype\":\"%s\",\"shape\":[", dt ? dt : "BYTES");
    }
    /* Config dims exclude the batch dimension; metadata shapes show it as -1. */
    size_t first = (batching && config) ? 1 : 0;
    for (size_t d = first; d < io->rank; d++) {
      long long v = (batching && d == 0) ? -1 : (long long)io->dims[d];
      serve_buf_printf(b, d > first ? ",%lld" : "%lld", v);
    }
    serve_buf_puts(b, "]}");
  }
}

/* The model's inputs and outputs: metadata ("inputs", datatype, shape) or
 * config ("input", data_type, dims) form. */
static void write_io_lists(serve_buf *b, const serve_model *m, int config) {
  int batching = m->sig.max_batch_size > 0;
  serve_buf_puts(b, config ? ",\"input\":[" : ",\"inputs\":[");
  write_ios(b, m->sig.inputs, m->sig.n_inputs, batching, config);
  serve_buf_puts(b, config ? "],\"output\":[" : "],\"outputs\":[");
  write_ios(b, m->sig.outputs, m->sig.n_outputs, batching, config);
  serve_buf_puts(b, "]");
}

void serve_model_metadata_json(const serve_model *m, serve_buf *out) {
  serve_buf_puts(out, "{\"name\":");
  serve_buf_json_str(out, m->name);
  serve_buf_puts(out, ",\"versions\":[");
  serve_buf_json_str(out, m->version);
  serve_buf_puts(out, "],\"platform\":");
  serve_buf_json_str(out, m->platform);
  write_io_lists(out, m, 0);
  serve_buf_puts(out, "}");
}

void serve_model_config_json(const serve_model *m, serve_buf *out) {
  serve_buf_puts(out, "{\"name\":");
  serve_buf_json_str(out, m->name);
  serve_buf_puts(out, ",\"platform\":");
  serve_buf_json_str(out, m->platform);
  serve_buf_printf(out, ",\"backend\":\"oar\",\"max_batch_size\":%d", m->sig.max_batch_size);
  write_io_lists(out, m, 1);
  serve_buf_printf(out, ",\"instance_group\":[{\"count\":%d,\"kind\":\"KIND_CPU\"}],\"threads\":%d",
                   m->instances, m->threads);
  if (m->dynamic_batching) {
    serve_buf_printf(out,
                     ",\"dynamic_batching\":{\"max_queue_delay_microseconds\":%lld,\"max_queue_size\":%d}",
                     (long long)m->max_delay_us, m->max_queue_size);
  }
  serve_buf_puts(out, "}");
}
