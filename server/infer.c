/* v2 infer requests and responses: JSON tensors and the binary tensor data
 * extension (serving-protocol.md §4, §5). Parsing uses cJSON on the JSON
 * part only; every declared size is checked against the limits and the
 * bytes actually present before anything is allocated or copied. */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "serve.h"

/* ---- buffer --------------------------------------------------------------- */

static int buf_reserve(serve_buf *b, size_t extra) {
  if (b->oom) return -1;
  if (extra > SIZE_MAX / 2 - b->len) {
    b->oom = 1;
    return -1;
  }
  size_t need = b->len + extra + 1;
  if (need <= b->cap) return 0;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need) cap *= 2;
  char *p = realloc(b->p, cap);
  if (p == NULL) {
    b->oom = 1;
    return -1;
  }
  b->p = p;
  b->cap = cap;
  return 0;
}

void serve_buf_put(serve_buf *b, const void *data, size_t n) {
  if (buf_reserve(b, n) != 0) return;
  if (n) memcpy(b->p + b->len, data, n);
  b->len += n;
  b->p[b->len] = '\0';
}

void serve_buf_puts(serve_buf *b, const char *s) { serve_buf_put(b, s, strlen(s)); }

void serve_buf_printf(serve_buf *b, const char *fmt, ...) {
  char small[128];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    serve_buf_put(b, small, (size_t)n);
    return;
  }
  if (buf_reserve(b, (size_t)n) != 0) return;
  va_start(ap, fmt);
  vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void serve_buf_json_str(serve_buf *b, const char *s) {
  serve_buf_put(b, "\"", 1);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') {
      char esc[2] = {'\\', (char)*p};
      serve_buf_put(b, esc, 2);
    } else if (*p < 0x20) {
      serve_buf_printf(b, "\\u%04x", *p);
    } else {
      serve_buf_put(b, p, 1);
    }
  }
  serve_buf_put(b, "\"", 1);
}

void serve_buf_free(serve_buf *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}

void serve_write_error(serve_buf *out, const char *msg) {
  serve_buf_puts(out, "{\"error\":");
  serve_buf_json_str(out, msg);
  serve_buf_puts(out, "}");
}

/* ---- dtypes ---------------------------------------------------------------- */

static const struct {
  oar_dtype dtype;
  const char *name;
} kDtypes[] = {
    {OAR_DTYPE_FLOAT32, "FP32"}, {OAR_DTYPE_FLOAT64, "FP64"}, {OAR_DTYPE_FLOAT16, "FP16"},
    {OAR_DTYPE_INT64, "INT64"},  {OAR_DTYPE_INT32, "INT32"},  {OAR_DTYPE_INT16, "INT16"},
    {OAR_DTYPE_INT8, "INT8"},    {OAR_DTYPE_UINT8, "UINT8"},  {OAR_DTYPE_BOOL, "BOOL"},
};

const char *serve_dtype_name(oar_dtype dtype) {
  for (size_t i = 0; i < sizeof kDtypes / sizeof kDtypes[0]; i++) {
    if (kDtypes[i].dtype == dtype) return kDtypes[i].name;
  }
  return NULL;
}

oar_dtype serve_dtype_from_name(const char *name) {
  for (size_t i = 0; i < sizeof kDtypes / sizeof kDtypes[0]; i++) {
    if (strcmp(kDtypes[i].name, name) == 0) return kDtypes[i].dtype;
  }
  return OAR_DTYPE_UNKNOWN;
}

/* ---- parsing --------------------------------------------------------------- */

typedef struct parse_ctx {
  char *err;
  size_t err_size;
} parse_ctx;

static int fail(parse_ctx *c, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(parse_ctx *c, int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->err, c->err_size, fmt, ap);
  va_end(ap);
  return status;
}

void serve_tensor_free(serve_tensor *t) {
  if (t == NULL) return;
  free(t->data);
  t->data = NULL;
  t->bytes = 0;
}

void serve_request_free(serve_request *req) {
  if (req == NULL) return;
  free(req->id);
  if (req->inputs) {
    for (size_t i = 0; i < req->n_inputs; i++) serve_tensor_free(&req->inputs[i]);
  }
  free(req->inputs);
  free(req->out_mode);
  free(req->out_order);
  memset(req, 0, sizeof *req);
}

/* A JSON number that is a non-negative integer below 2^53 (exact in a
 * double), into *out. */
static int json_uint(const cJSON *j, uint64_t *out) {
  if (!cJSON_IsNumber(j)) return -1;
  double v = j->valuedouble;
  if (!(v >= 0) || v > 9007199254740992.0 || v != floor(v)) return -1;
  *out = (uint64_t)v;
  return 0;
}

/* Counts the scalars of a (possibly nested) JSON data array; -1 if it holds
 * something other than arrays and scalars or nests deeper than 64. */
static int64_t count_scalars(const cJSON *a, int depth) {
  if (depth > 64) return -1;
  if (!cJSON_IsArray(a)) return (cJSON_IsNumber(a) || cJSON_IsBool(a)) ? 1 : -1;
  int64_t n = 0;
  for (const cJSON *e = a->child; e; e = e->next) {
    int64_t k = count_scalars(e, depth + 1);
    if (k < 0) return -1;
    n += k;
  }
  return n;
}

/* Writes one JSON scalar as element i of dtype. Returns 0 or -1 (wrong
 * kind or out of range). */
static int store_scalar(const cJSON *e, oar_dtype dtype, void *data, size_t i) {
  if (dtype == OAR_DTYPE_BOOL) {
    if (!cJSON_IsBool(e)) return -1;
    ((uint8_t *)data)[i] = cJSON_IsTrue(e) ? 1 : 0;
    return 0;
  }
  if (!cJSON_IsNumber(e)) return -1;
  double v = e->valuedouble;
  switch (dtype) {
    case OAR_DTYPE_FLOAT32:
      if (fabs(v) > FLT_MAX) return -1;
      ((float *)data)[i] = (float)v;
      return 0;
    case OAR_DTYPE_FLOAT64: ((double *)data)[i] = v; return 0;
    default: break;
  }
  if (v != floor(v)) return -1;
  switch (dtype) {
    case OAR_DTYPE_INT64:
      if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) return -1;
      ((int64_t *)data)[i] = (int64_t)v;
      return 0;
    case OAR_DTYPE_INT32:
      if (!(v >= -2147483648.0 && v <= 2147483647.0)) return -1;
      ((int32_t *)data)[i] = (int32_t)v;
      return 0;
    case OAR_DTYPE_INT16:
      if (!(v >= -32768.0 && v <= 32767.0)) return -1;
      ((int16_t *)data)[i] = (int16_t)v;
      return 0;
    case OAR_DTYPE_INT8:
      if (!(v >= -128.0 && v <= 127.0)) return -1;
      ((int8_t *)data)[i] = (int8_t)v;
      return 0;
    case OAR_DTYPE_UINT8:
      if (!(v >= 0.0 && v <= 255.0)) return -1;
      ((uint8_t *)data)[i] = (uint8_t)v;
      return 0;
    default: return -1;
  }
}

static int store_array(const cJSON *a, oar_dtype dtype, void *data, size_t *i, size_t n) {
  if (!cJSON_IsArray(a)) {
    if (*i >= n) return -1;
    return store_scalar(a, dtype, data, (*i)++);
  }
  for (const cJSON *e = a->child; e; e = e->next) {
    if (store_array(e, dtype, data, i, n) != 0) return -1;
  }
  return 0;
}

static int has_only_whitespace(const char *p, const char *end) {
  for (; p < end; p++) {
    if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') return 0;
  }
  return 1;
}

/* Checks the request's shape of input `io` and computes its element count. */
static int check_shape(parse_ctx *c, const serve_sig *sig, const serve_limits *lim, const serve_io *io,
                       const cJSON *shape, serve_tensor *t, uint64_t *elements) {
  if (!cJSON_IsArray(shape))
    return fail(c, 400, "input '%s': 'shape' must be an array of integers", io->name);
  size_t rank = 0;
  uint64_t n = 1;
  for (const cJSON *d = shape->child; d; d = d->next) {
    uint64_t v;
    if (json_uint(d, &v) != 0) {
      return fail(c, 400, "input '%s': shape dimensions must be non-negative integers", io->name);
    }
    if (rank == OAR_MAX_RANK)
      return fail(c, 400, "input '%s': shape has more than %d dimensions", io->name, OAR_MAX_RANK);
    t->dims[rank++] = (int64_t)v;
    if (v != 0 && n > lim->max_tensor_elements / v)
      n = lim->max_tensor_elements + 1;
    else
      n *= v;
  }
  t->rank = rank;
  if (n > lim->max_tensor_elements) {
    return fail(c, 400, "input '%s': shape holds more than %llu elements (the server's limit)", io->name,
                (unsigned long long)lim->max_tensor_elements);
  }
  if (rank != io->rank) {
    return fail(c, 400, "input '%s': shape has %zu dimensions, the model expects %zu", io->name, rank,
                io->rank);
  }
  for (size_t k = 0; k < rank; k++) {
    if (k == 0 && sig->max_batch_size > 0) {
      if (t->dims[0] < 1 || t->dims[0] > sig->max_batch_size) {
        return fail(c, 400, "input '%s': batch size %lld is outside 1..%d (max_batch_size)", io->name,
                    (long long)t->dims[0], sig->max_batch_size);
      }
      continue;
    }
    if (io->dims[k] >= 0 && io->dims[k] != t->dims[k]) {
      return fail(c, 400, "input '%s': dimension %zu is %lld, the model expects %lld", io->name, k,
                  (long long)t->dims[k], (long long)io->dims[k]);
    }
  }
  *elements = n;
  return 200;
}

static int parse_input(parse_ctx *c, const serve_sig *sig, const serve_limits *lim, const cJSON *in,
                       serve_request *req, const char *binary, size_t binary_len, size_t *binary_off) {
  const cJSON *name = cJSON_GetObjectItemCaseSensitive(in, "name");
  if (!cJSON_IsObject(in) || !cJSON_IsString(name)) return fail(c, 400, "each input needs a string 'name'");
  size_t idx = 0;
  while (idx < sig->n_inputs && strcmp(sig->inputs[idx].name, name->valuestring) != 0) idx++;
  if (idx == sig->n_inputs) return fail(c, 400, "unexpected inference input '%s'", name->valuestring);
  const serve_io *io = &sig->inputs[idx];
  serve_tensor *t = &req->inputs[idx];
  if (t->data != NULL || t->rank != 0) return fail(c, 400, "input '%s' is given twice", io->name);

  const cJSON *dt = cJSON_GetObjectItemCaseSensitive(in, "datatype");
  if (!cJSON_IsString(dt)) return fail(c, 400, "input '%s' needs a string 'datatype'", io->name);
  oar_dtype dtype = serve_dtype_from_name(dt->valuestring);
  if (dtype != io->dtype) {
    return fail(c, 400, "input '%s': datatype %s, the model expects %s", io->name, dt->valuestring,
                serve_dtype_name(io->dtype) ? serve_dtype_name(io->dtype) : "an unsupported type");
  }
  t->dtype = dtype;
  uint64_t elements = 0;
  int rc = check_shape(c, sig, lim, io, cJSON_GetObjectItemCaseSensitive(in, "shape"), t, &elements);
  if (rc != 200) return rc;
  size_t bytes = (size_t)elements * oar_dtype_size(dtype);

  const cJSON *params = cJSON_GetObjectItemCaseSensitive(in, "parameters");
  const cJSON *bsize = NULL;
  if (params != NULL) {
    if (!cJSON_IsObject(params)) return fail(c, 400, "input '%s': 'parameters' must be an object", io->name);
    if (cJSON_GetObjectItemCaseSensitive(params, "shared_memory_region") != NULL) {
      return fail(c, 400, "input '%s': shared memory is not supported by this server", io->name);
    }
    bsize = cJSON_GetObjectItemCaseSensitive(params, "binary_data_size");
  }
  const cJSON *data = cJSON_GetObjectItemCaseSensitive(in, "data");
  if ((data != NULL) == (bsize != NULL)) {
    return fail(
        c, 400,
        "Input must set only one of the following fields: 'data', 'binary_data_size' in 'parameters', "
        "'shared_memory_region' in 'parameters'. But %s",
        data ? "set 'data' 'binary_data_size'" : "no field is set");
  }
  if (bsize != NULL) {
    uint64_t size;
    if (json_uint(bsize, &size) != 0) {
      return fail(c, 400, "input '%s': 'binary_data_size' must be a non-negative integer", io->name);
    }
    if (size != bytes) {
      return fail(c, 400, "input '%s': binary_data_size %llu does not match shape and datatype (%zu bytes)",
                  io->name, (unsigned long long)size, bytes);
    }
    if (bytes > binary_len - *binary_off) {
      return fail(c, 400, "unexpected size for input '%s', expecting %zu additional bytes", io->name,
                  bytes - (binary_len - *binary_off));
    }
    t->data = malloc(bytes ? bytes : 1);
    if (t->data == NULL) return fail(c, 500, "out of memory");
    if (bytes) memcpy(t->data, binary + *binary_off, bytes);
    *binary_off += bytes;
    t->bytes = bytes;
    return 200;
  }
  if (dtype == OAR_DTYPE_FLOAT16) {
    return fail(c, 400, "input '%s': FP16 data is only accepted as binary data", io->name);
  }
  int64_t count = count_scalars(data, 0);
  if (count < 0) return fail(c, 400, "input '%s': 'data' must be an array of numbers or booleans", io->name);
  if ((uint64_t)count != elements) {
    return fail(c, 400, "unexpected number of elements for input '%s': shape holds %llu, 'data' has %lld",
                io->name, (unsigned long long)elements, (long long)count);
  }
  t->data = malloc(bytes ? bytes : 1);
  if (t->data == NULL) return fail(c, 500, "out of memory");
  t->bytes = bytes;
  size_t i = 0;
  if (store_array(data, dtype, t->data, &i, (size_t)elements) != 0) {
    return fail(c, 400, "input '%s': a 'data' element is not a valid %s value", io->name, dt->valuestring);
  }
  return 200;
}

static int parse_outputs(parse_ctx *c, const serve_sig *sig, const cJSON *outputs, int binary_default,
                         serve_request *req) {
  req->out_mode = calloc(sig->n_outputs ? sig->n_outputs : 1, sizeof *req->out_mode);
  req->out_order = calloc(sig->n_outputs ? sig->n_outputs : 1, sizeof *req->out_order);
  if (req->out_mode == NULL || req->out_order == NULL) return fail(c, 500, "out of memory");
  int dflt = binary_default ? SERVE_OUT_BINARY : SERVE_OUT_JSON;
  if (outputs == NULL) {
    for (size_t i = 0; i < sig->n_outputs; i++) {
      req->out_mode[i] = dflt;
      req->out_order[i] = i;
    }
    req->n_out = sig->n_outputs;
    return 200;
  }
  if (!cJSON_IsArray(outputs)) return fail(c, 400, "'outputs' must be an array");
  for (const cJSON *o = outputs->child; o; o = o->next) {
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
    if (!cJSON_IsObject(o) || !cJSON_IsString(name))
      return fail(c, 400, "each requested output needs a 'name'");
    size_t idx = 0;
    while (idx < sig->n_outputs && strcmp(sig->outputs[idx].name, name->valuestring) != 0) idx++;
    if (idx == sig->n_outputs) return fail(c, 400, "unexpected inference output '%s'", name->valuestring);
    if (req->out_mode[idx] != SERVE_OUT_NONE)
      return fail(c, 400, "output '%s' is requested twice", name->valuestring);
    int mode = dflt;
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(o, "parameters");
    if (params != NULL) {
      if (!cJSON_IsObject(params))
        return fail(c, 400, "output '%s': 'parameters' must be an object", name->valuestring);
      if (cJSON_GetObjectItemCaseSensitive(params, "classification") != NULL) {
        return fail(c, 501, "output '%s': the classification extension is not supported", name->valuestring);
      }
      if (cJSON_GetObjectItemCaseSensitive(params, "shared_memory_region") != NULL) {
        return fail(c, 400, "output '%s': shared memory is not supported by this server", name->valuestring);
      }
      const cJSON *b = cJSON_GetObjectItemCaseSensitive(params, "binary_data");
      if (b != NULL) {
        if (!cJSON_IsBool(b))
          return fail(c, 400, "output '%s': 'binary_data' must be a boolean", name->valuestring);
        mode = cJSON_IsTrue(b) ? SERVE_OUT_BINARY : SERVE_OUT_JSON;
      }
    }
    req->out_mode[idx] = mode;
    req->out_order[req->n_out++] = idx;
  }
  return 200;
}

static int parse_root(parse_ctx *c, const serve_sig *sig, const serve_limits *lim, const cJSON *root,
                      const char *binary, size_t binary_len, serve_request *req) {
  if (!cJSON_IsObject(root)) return fail(c, 400, "the request must be a JSON object");
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
  if (id != NULL) {
    if (!cJSON_IsString(id)) return fail(c, 400, "'id' must be a string");
    if (id->valuestring[0] != '\0') {
      req->id = strdup(id->valuestring);
      if (req->id == NULL) return fail(c, 500, "out of memory");
    }
  }
  int binary_default = 0;
  const cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "parameters");
  if (params != NULL) {
    if (!cJSON_IsObject(params)) return fail(c, 400, "'parameters' must be an object");
    for (const cJSON *p = params->child; p; p = p->next) {
      if (strncmp(p->string, "triton_", 7) == 0) {
        return fail(c, 400,
                    "parameter keys starting with 'triton_' are reserved for Triton usage and should not be "
                    "specified.");
      }
      if (cJSON_IsObject(p) || cJSON_IsArray(p)) {
        return fail(c, 400, "parameter '%s' must be a string, number or boolean", p->string);
      }
      if (strcmp(p->string, "binary_data_output") == 0) {
        if (!cJSON_IsBool(p)) return fail(c, 400, "'binary_data_output' must be a boolean");
        binary_default = cJSON_IsTrue(p);
      } else if (strcmp(p->string, "timeout") == 0) {
        uint64_t us;
        if (json_uint(p, &us) != 0)
          return fail(c, 400, "'timeout' must be a non-negative integer (microseconds)");
        req->timeout_us = (int64_t)us;
      }
    }
  }
  const cJSON *inputs = cJSON_GetObjectItemCaseSensitive(root, "inputs");
  if (!cJSON_IsArray(inputs)) return fail(c, 400, "the request needs an 'inputs' array");
  size_t off = 0;
  for (const cJSON *in = inputs->child; in; in = in->next) {
    int rc = parse_input(c, sig, lim, in, req, binary, binary_len, &off);
    if (rc != 200) return rc;
  }
  for (size_t i = 0; i < sig->n_inputs; i++) {
    if (req->inputs[i].data == NULL)
      return fail(c, 400, "expected input '%s' is missing", sig->inputs[i].name);
    if (sig->max_batch_size > 0 && req->inputs[i].dims[0] != req->inputs[0].dims[0]) {
      return fail(c, 400, "inputs '%s' and '%s' have different batch sizes", sig->inputs[0].name,
                  sig->inputs[i].name);
    }
  }
  if (off != binary_len) return fail(c, 400, "unexpected additional input data: %zu bytes", binary_len - off);
  return parse_outputs(c, sig, cJSON_GetObjectItemCaseSensitive(root, "outputs"), binary_default, req);
}

int serve_parse_infer(const serve_sig *sig, const serve_limits *limits, const char *body, size_t len,
                      int64_t header_len, serve_request *req, char *err, size_t err_size) {
  parse_ctx c = {err, err_size};
  memset(req, 0, sizeof *req);
  size_t json_len = len;
  if (header_len >= 0) {
    if ((uint64_t)header_len > len) {
      return fail(&c, 400, "Inference-Header-Content-Length %lld is larger than the body (%zu bytes)",
                  (long long)header_len, len);
    }
    if (header_len == 0)
      return fail(&c, 400, "Inference-Header-Content-Length 0 (raw binary requests) is not supported");
    json_len = (size_t)header_len;
  }
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts(body, json_len, &end, 0);
  if (root == NULL) {
    const char *at = cJSON_GetErrorPtr();
    size_t pos = (at && at >= body && at <= body + json_len) ? (size_t)(at - body) : 0;
    return fail(&c, 400, "failed to parse the request JSON near byte %zu", pos);
  }
  if (!has_only_whitespace(end, body + json_len)) {
    cJSON_Delete(root);
    return fail(&c, 400, "failed to parse the request JSON: unexpected bytes after the JSON value");
  }
  req->n_inputs = sig->n_inputs;
  req->inputs = calloc(sig->n_inputs ? sig->n_inputs : 1, sizeof *req->inputs);
  int rc = req->inputs ? parse_root(&c, sig, limits, root, body + json_len, len - json_len, req)
                       : fail(&c, 500, "out of memory");
  cJSON_Delete(root);
  if (rc != 200) serve_request_free(req);
  return rc;
}

/* ---- response -------------------------------------------------------------- */

static void write_json_data(serve_buf *b, const serve_tensor *t, size_t n) {
  serve_buf_put(b, "[", 1);
  for (size_t i = 0; i < n && !b->oom; i++) {
    if (i) serve_buf_put(b, ",", 1);
    switch (t->dtype) {
      case OAR_DTYPE_FLOAT32: {
        float v = ((const float *)t->data)[i];
        if (isfinite(v))
          serve_buf_printf(b, "%.9g", (double)v);
        else
          serve_buf_puts(b, "null");
        break;
      }
      case OAR_DTYPE_FLOAT64: {
        double v = ((const double *)t->data)[i];
        if (isfinite(v))
          serve_buf_printf(b, "%.17g", v);
        else
          serve_buf_puts(b, "null");
        break;
      }
      case OAR_DTYPE_INT64: serve_buf_printf(b, "%lld", (long long)((const int64_t *)t->data)[i]); break;
      case OAR_DTYPE_INT32: serve_buf_printf(b, "%d", (int)((const int32_t *)t->data)[i]); break;
      case OAR_DTYPE_INT16: serve_buf_printf(b, "%d", (int)((const int16_t *)t->data)[i]); break;
      case OAR_DTYPE_INT8: serve_buf_printf(b, "%d", (int)((const int8_t *)t->data)[i]); break;
      case OAR_DTYPE_UINT8: serve_buf_printf(b, "%u", (unsigned)((const uint8_t *)t->data)[i]); break;
      case OAR_DTYPE_BOOL: serve_buf_puts(b, ((const uint8_t *)t->data)[i] ? "true" : "false"); break;
      default: serve_buf_puts(b, "null"); break;
    }
  }
  serve_buf_put(b, "]", 1);
}

int serve_write_response(const serve_sig *sig, const char *model, const char *version,
                         const serve_request *req, const serve_tensor *outputs, serve_buf *out,
                         size_t *json_len, int *binary) {
  *binary = 0;
  serve_buf_put(out, "{", 1);
  if (req->id) {
    serve_buf_puts(out, "\"id\":");
    serve_buf_json_str(out, req->id);
    serve_buf_put(out, ",", 1);
  }
  serve_buf_puts(out, "\"model_name\":");
  serve_buf_json_str(out, model);
  serve_buf_puts(out, ",\"model_version\":");
  serve_buf_json_str(out, version);
  serve_buf_puts(out, ",\"outputs\":[");
  for (size_t k = 0; k < req->n_out; k++) {
    size_t i = req->out_order[k];
    const serve_tensor *t = &outputs[i];
    const char *dt = serve_dtype_name(t->dtype);
    size_t n = t->bytes / (oar_dtype_size(t->dtype) ? oar_dtype_size(t->dtype) : 1);
    if (k) serve_buf_put(out, ",", 1);
    serve_buf_puts(out, "{\"name\":");
    serve_buf_json_str(out, sig->outputs[i].name);
    serve_buf_puts(out, ",\"datatype\":");
    serve_buf_json_str(out, dt ? dt : "BYTES");
    serve_buf_puts(out, ",\"shape\":[");
    for (size_t d = 0; d < t->rank; d++) serve_buf_printf(out, d ? ",%lld" : "%lld", (long long)t->dims[d]);
    serve_buf_puts(out, "],");
    /* FP16 has no JSON form: such outputs always go binary. */
    if (req->out_mode[i] == SERVE_OUT_BINARY || t->dtype == OAR_DTYPE_FLOAT16) {
      serve_buf_printf(out, "\"parameters\":{\"binary_data_size\":%zu}}", t->bytes);
      *binary = 1;
    } else {
      serve_buf_puts(out, "\"data\":");
      write_json_data(out, t, n);
      serve_buf_put(out, "}", 1);
    }
  }
  serve_buf_puts(out, "]}");
  *json_len = out->len;
  if (*binary) {
    for (size_t k = 0; k < req->n_out; k++) {
      size_t i = req->out_order[k];
      if (req->out_mode[i] == SERVE_OUT_BINARY || outputs[i].dtype == OAR_DTYPE_FLOAT16) {
        serve_buf_put(out, outputs[i].data, outputs[i].bytes);
      }
    }
  }
  return out->oom ? -1 : 0;
}
