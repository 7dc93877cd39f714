/* ONNX ModelProto reader and rewriter of `oar quantize` (oe_edit.h). */
#include "onnx_edit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- protobuf wire reading ---- */

typedef struct pb_field {
  uint32_t num;
  int wire;
  uint64_t v;          /* varint value, or the fixed32 / fixed64 bits */
  const uint8_t *data; /* wire 2: the payload */
  size_t len;
  const uint8_t *start, *end; /* the whole field, tag included */
} pb_field;

typedef struct pb_reader {
  const uint8_t *p, *end, *base; /* base: start of the file, for offsets */
} pb_reader;

static int pb_varint(const uint8_t **p, const uint8_t *end, uint64_t *out) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*p >= end) return -1;
    uint8_t b = *(*p)++;
    if (shift == 63 && (b & 0x7e)) return -1; /* more than 64 bits */
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *out = v;
      return 0;
    }
  }
  return -1;
}

/* 1: a field read into *f; 0: the end; -1: malformed. */
static int pb_next(pb_reader *r, pb_field *f) {
  if (r->p >= r->end) return 0;
  f->start = r->p;
  uint64_t tag;
  if (pb_varint(&r->p, r->end, &tag) != 0) return -1;
  if ((tag >> 3) == 0 || (tag >> 3) > 0x1fffffff) return -1;
  f->num = (uint32_t)(tag >> 3);
  f->wire = (int)(tag & 7);
  f->data = NULL;
  f->len = 0;
  f->v = 0;
  switch (f->wire) {
    case 0:
      if (pb_varint(&r->p, r->end, &f->v) != 0) return -1;
      break;
    case 1:
    case 5: {
      size_t n = f->wire == 1 ? 8 : 4;
      if ((size_t)(r->end - r->p) < n) return -1;
      for (size_t i = 0; i < n; i++) f->v |= (uint64_t)r->p[i] << (8 * i);
      r->p += n;
      break;
    }
    case 2: {
      uint64_t n;
      if (pb_varint(&r->p, r->end, &n) != 0) return -1;
      if (n > (uint64_t)(r->end - r->p)) return -1;
      f->data = r->p;
      f->len = (size_t)n;
      r->p += n;
      break;
    }
    default: return -1; /* groups (3, 4) and 6, 7 are not in ONNX */
  }
  f->end = r->p;
  return 1;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...) {
  if (err == NULL || errlen == 0) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

static char *dup_span(const uint8_t *p, size_t n) {
  if (memchr(p, 0, n) != NULL) return NULL;
  char *s = malloc(n + 1);
  if (s == NULL) return NULL;
  memcpy(s, p, n);
  s[n] = '\0';
  return s;
}

/* Parse context: the file, and the first error. */
typedef struct parse_ctx {
  const uint8_t *base;
  char *err;
  size_t errlen;
} parse_ctx;

static int bad(parse_ctx *c, const uint8_t *at, const char *what) {
  set_err(c->err, c->errlen, "malformed ONNX model: %s (at byte %zu)", what, (size_t)(at - c->base));
  return -1;
}

static int oom(parse_ctx *c) {
  set_err(c->err, c->errlen, "out of memory reading the ONNX model");
  return -1;
}

/* A string field's value as a new C string into *out (replacing it). */
static int take_string(parse_ctx *c, const pb_field *f, char **out, const char *what) {
  if (f->wire != 2) return bad(c, f->start, what);
  char *s = dup_span(f->data, f->len);
  if (s == NULL) return memchr(f->data, 0, f->len) ? bad(c, f->start, "a name holds a NUL byte") : oom(c);
  free(*out);
  *out = s;
  return 0;
}

static int push_string(parse_ctx *c, const pb_field *f, char ***list, size_t *count, const char *what) {
  if (f->wire != 2) return bad(c, f->start, what);
  if (*count >= ((size_t)-1) / sizeof(char *) / 2) return oom(c);
  char **grown = realloc(*list, (*count + 1) * sizeof(char *));
  if (grown == NULL) return oom(c);
  *list = grown;
  grown[*count] = NULL;
  if (take_string(c, f, &grown[*count], what) != 0) return -1;
  (*count)++;
  return 0;
}

static int empty_if_null(parse_ctx *c, char **s) {
  if (*s != NULL) return 0;
  *s = calloc(1, 1);
  return *s ? 0 : oom(c);
}

static void node_free(oe_node *n) {
  for (size_t i = 0; i < n->input_count; i++) free(n->inputs[i]);
  for (size_t i = 0; i < n->output_count; i++) free(n->outputs[i]);
  free(n->inputs);
  free(n->outputs);
  free(n->op_type);
  free(n->domain);
  free(n->name);
}

/* A tensor attribute named "value": its TensorProto span into the node.
 * Malformed attribute bytes are left for whoever reads them. */
static void note_value(oe_node *n, const pb_field *f) {
  pb_reader r = {f->data, f->data + f->len, f->data};
  pb_field a;
  int named = 0;
  const uint8_t *t = NULL;
  size_t tlen = 0;
  while (pb_next(&r, &a) == 1) {
    if (a.num == 1 && a.wire == 2) named = a.len == 5 && memcmp(a.data, "value", 5) == 0;
    if (a.num == 5 && a.wire == 2) t = a.data, tlen = a.len;
  }
  if (r.p == r.end && named && t != NULL) n->value = t, n->value_len = tlen;
}

static int parse_node(parse_ctx *c, const uint8_t *p, size_t len, oe_node *n) {
  memset(n, 0, sizeof *n);
  n->raw = p;
  n->raw_len = len;
  pb_reader r = {p, p + len, c->base};
  pb_field f;
  int got;
  while ((got = pb_next(&r, &f)) == 1) {
    int rc = 0;
    switch (f.num) {
      case 1: rc = push_string(c, &f, &n->inputs, &n->input_count, "a node input is not a string"); break;
      case 2: rc = push_string(c, &f, &n->outputs, &n->output_count, "a node output is not a string"); break;
      case 3: rc = take_string(c, &f, &n->name, "a node name is not a string"); break;
      case 4: rc = take_string(c, &f, &n->op_type, "a node op_type is not a string"); break;
      case 7: rc = take_string(c, &f, &n->domain, "a node domain is not a string"); break;
      case 5:
        if (f.wire == 2) note_value(n, &f);
        break;
      default: break;
    }
    if (rc != 0) return -1;
  }
  if (got < 0) return bad(c, r.p, "a truncated or invalid field in a node");
  if (empty_if_null(c, &n->name) || empty_if_null(c, &n->op_type) || empty_if_null(c, &n->domain)) return -1;
  if (n->op_type[0] == '\0') return bad(c, p, "a node without op_type");
  return 0;
}

static int parse_init(parse_ctx *c, const uint8_t *p, size_t len, oe_init *t) {
  memset(t, 0, sizeof *t);
  t->raw = p;
  t->raw_len = len;
  pb_reader r = {p, p + len, c->base};
  pb_field f;
  int got;
  while ((got = pb_next(&r, &f)) == 1) {
    if (f.num == 1) { /* dims: packed or one varint per field */
      if (f.wire == 0) {
        if (t->rank >= ONNX_EDIT_MAX_RANK) return bad(c, f.start, "an initializer of rank above 8");
        t->dims[t->rank++] = (int64_t)f.v;
      } else if (f.wire == 2) {
        const uint8_t *q = f.data, *e = f.data + f.len;
        while (q < e) {
          uint64_t v;
          if (pb_varint(&q, e, &v) != 0) return bad(c, f.start, "invalid packed initializer dims");
          if (t->rank >= ONNX_EDIT_MAX_RANK) return bad(c, f.start, "an initializer of rank above 8");
          t->dims[t->rank++] = (int64_t)v;
        }
      } else {
        return bad(c, f.start, "initializer dims of the wrong wire type");
      }
    } else if (f.num == 2) {
      if (f.wire != 0) return bad(c, f.start, "an initializer data_type of the wrong wire type");
      t->data_type = (int32_t)f.v;
    } else if (f.num == 8) {
      if (take_string(c, &f, &t->name, "an initializer name is not a string") != 0) return -1;
    } else if (f.num == 13) {
      t->external = 1;
    } else if (f.num == 14) {
      if (f.wire == 0 && f.v == 1) t->external = 1;
    }
  }
  if (got < 0) return bad(c, r.p, "a truncated or invalid field in an initializer");
  for (size_t i = 0; i < t->rank; i++)
    if (t->dims[i] < 0) return bad(c, p, "an initializer with a negative dimension");
  if (t->name == NULL || t->name[0] == '\0') return bad(c, p, "an initializer without a name");
  return 0;
}

static int parse_value(parse_ctx *c, const uint8_t *p, size_t len, oe_value *v) {
  v->name = NULL;
  pb_reader r = {p, p + len, c->base};
  pb_field f;
  int got;
  while ((got = pb_next(&r, &f)) == 1) {
    if (f.num == 1 && take_string(c, &f, &v->name, "a value name is not a string") != 0) return -1;
  }
  if (got < 0) return bad(c, r.p, "a truncated or invalid field in a graph input, output or value_info");
  return empty_if_null(c, &v->name);
}

/* Grows an array of `size`-byte items by one; the new item is zeroed. */
static void *grow(void **arr, size_t *count, size_t size) {
  if (*count >= ((size_t)-1) / size / 2) return NULL;
  void *g = realloc(*arr, (*count + 1) * size);
  if (g == NULL) return NULL;
  *arr = g;
  void *item = (uint8_t *)g + *count * size;
  memset(item, 0, size);
  return item;
}

static int parse_graph(parse_ctx *c, oe_model *m) {
  const uint8_t *g = m->buf + m->graph_off;
  pb_reader r = {g, g + m->graph_len, c->base};
  pb_field f;
  int got;
  while ((got = pb_next(&r, &f)) == 1) {
    int rc = 0;
    if ((f.num == 1 || f.num == 5 || (f.num >= 11 && f.num <= 13)) && f.wire != 2)
      return bad(c, f.start, "a graph field of the wrong wire type");
    if (f.num == 1) {
      oe_node *n = grow((void **)&m->nodes, &m->node_count, sizeof *n);
      if (n == NULL) return oom(c);
      rc = parse_node(c, f.data, f.len, n);
      m->node_count++;
    } else if (f.num == 5) {
      oe_init *t = grow((void **)&m->inits, &m->init_count, sizeof *t);
      if (t == NULL) return oom(c);
      rc = parse_init(c, f.data, f.len, t);
      m->init_count++; /* counted even when it failed: freed with the model */
    } else if (f.num >= 11 && f.num <= 13) {
      oe_value **arr = f.num == 11 ? &m->inputs : f.num == 12 ? &m->outputs : &m->value_infos;
      size_t *cnt = f.num == 11 ? &m->input_count : f.num == 12 ? &m->output_count : &m->value_info_count;
      oe_value *v = grow((void **)arr, cnt, sizeof *v);
      if (v == NULL) return oom(c);
      rc = parse_value(c, f.data, f.len, v);
      (*cnt)++;
    }
    if (rc != 0) return -1;
  }
  if (got < 0) return bad(c, r.p, "a truncated or invalid field in the graph");
  return 0;
}

static int parse_opset(parse_ctx *c, const pb_field *of, oe_model *m) {
  pb_reader r = {of->data, of->data + of->len, c->base};
  pb_field f;
  int got, is_default = 1;
  int64_t version = 0;
  while ((got = pb_next(&r, &f)) == 1) {
    if (f.num == 1) {
      if (f.wire != 2) return bad(c, f.start, "an opset domain is not a string");
      is_default = f.len == 0 || (f.len == 7 && memcmp(f.data, "ai.onnx", 7) == 0);
    } else if (f.num == 2) {
      if (f.wire != 0) return bad(c, f.start, "an opset version is not an integer");
      version = (int64_t)f.v;
    }
  }
  if (got < 0) return bad(c, r.p, "a truncated or invalid opset_import");
  if (is_default) m->opset = version;
  return 0;
}

int oe_model_parse(const void *buf, size_t len, oe_model *m, char *err, size_t errlen) {
  memset(m, 0, sizeof *m);
  m->buf = buf;
  m->len = len;
  parse_ctx c = {buf, err, errlen};
  pb_reader r = {buf, (const uint8_t *)buf + len, buf};
  pb_field f;
  int got, graphs = 0;
  if (len == 0) {
    set_err(err, errlen, "malformed ONNX model: the file is empty");
    return -1;
  }
  while ((got = pb_next(&r, &f)) == 1) {
    if (f.num == 7) {
      if (f.wire != 2) return bad(&c, f.start, "the graph field is not a message");
      if (++graphs > 1) return bad(&c, f.start, "more than one graph");
      m->graph_off = (size_t)(f.data - m->buf);
      m->graph_len = f.len;
    } else if (f.num == 8) {
      if (f.wire != 2) return bad(&c, f.start, "opset_import is not a message");
      if (parse_opset(&c, &f, m) != 0) return -1;
    }
  }
  if (got < 0) return bad(&c, r.p, "a truncated or invalid field in the ModelProto");
  if (graphs == 0) {
    set_err(err, errlen, "malformed ONNX model: no graph (is this an ONNX file?)");
    return -1;
  }
  if (parse_graph(&c, m) != 0) {
    oe_model_free(m);
    return -1;
  }
  return 0;
}

void oe_model_free(oe_model *m) {
  if (m == NULL) return;
  /* A node whose parse failed part way was still counted; its fields are
   * freed here too. */
  for (size_t i = 0; i < m->node_count; i++) node_free(&m->nodes[i]);
  for (size_t i = 0; i < m->init_count; i++) free(m->inits[i].name);
  for (size_t i = 0; i < m->input_count; i++) free(m->inputs[i].name);
  for (size_t i = 0; i < m->output_count; i++) free(m->outputs[i].name);
  for (size_t i = 0; i < m->value_info_count; i++) free(m->value_infos[i].name);
  free(m->nodes);
  free(m->inits);
  free(m->inputs);
  free(m->outputs);
  free(m->value_infos);
  memset(m, 0, sizeof *m);
}

int oe_tensor_parse(const uint8_t *p, size_t len, const char *name, oe_init *t, char *err, size_t errlen) {
  char inner[200];
  parse_ctx c = {p, inner, sizeof inner};
  inner[0] = '\0';
  int rc = parse_init(&c, p, len, t);
  /* A Constant's tensor needs no name of its own. */
  if (rc == 0 || strstr(inner, "without a name") != NULL) {
    free(t->name);
    t->name = dup_span((const uint8_t *)name, strlen(name));
    if (t->name != NULL) return 0;
    set_err(err, errlen, "out of memory");
    return -1;
  }
  free(t->name);
  t->name = NULL;
  set_err(err, errlen, "the value of %s: %s", name, inner);
  return -1;
}

void oe_init_free(oe_init *t) {
  free(t->name);
  t->name = NULL;
}

long oe_model_find_init(const oe_model *m, const char *name) {
  for (size_t i = 0; i < m->init_count; i++)
    if (strcmp(m->inits[i].name, name) == 0) return (long)i;
  return -1;
}

long oe_model_find_input(const oe_model *m, const char *name) {
  for (size_t i = 0; i < m->input_count; i++)
    if (strcmp(m->inputs[i].name, name) == 0) return (long)i;
  return -1;
}

int oe_node_attr_int(const oe_node *node, const char *name, int64_t *value) {
  pb_reader r = {node->raw, node->raw + node->raw_len, node->raw};
  pb_field f;
  int got;
  size_t nlen = strlen(name);
  while ((got = pb_next(&r, &f)) == 1) {
    if (f.num != 5 || f.wire != 2) continue;
    pb_reader a = {f.data, f.data + f.len, node->raw};
    pb_field af;
    int agot, match = 0, has_i = 0;
    int64_t i = 0;
    while ((agot = pb_next(&a, &af)) == 1) {
      if (af.num == 1 && af.wire == 2) match = af.len == nlen && memcmp(af.data, name, nlen) == 0;
      if (af.num == 3 && af.wire == 0) has_i = 1, i = (int64_t)af.v;
    }
    if (agot < 0) return -1;
    if (match && has_i) {
      *value = i;
      return 1;
    }
  }
  return got < 0 ? -1 : 0;
}

int64_t oe_init_elements(const oe_init *t) {
  int64_t n = 1;
  for (size_t i = 0; i < t->rank; i++) {
    if (t->dims[i] != 0 && n > INT64_MAX / t->dims[i]) return -1;
    n *= t->dims[i];
  }
  return n;
}

int oe_init_floats(const oe_init *t, float *dst, size_t count, char *err, size_t errlen) {
  if (t->data_type != ONNX_FLOAT) {
    set_err(err, errlen, "initializer %s is not float32 (data_type %d)", t->name, (int)t->data_type);
    return -1;
  }
  if (t->external) {
    set_err(err, errlen, "initializer %s keeps its data in an external file, which quantize does not read",
            t->name);
    return -1;
  }
  pb_reader r = {t->raw, t->raw + t->raw_len, t->raw};
  pb_field f;
  int got;
  size_t have = 0;
  int raw_seen = 0;
  while ((got = pb_next(&r, &f)) == 1) {
    if (f.num == 9 && f.wire == 2) { /* raw_data, little-endian */
      raw_seen = 1;
      if (f.len != count * 4) {
        set_err(err, errlen, "initializer %s: raw_data holds %zu bytes, its shape needs %zu", t->name, f.len,
                count * 4);
        return -1;
      }
      for (size_t i = 0; i < count; i++) {
        const uint8_t *q = f.data + 4 * i;
        uint32_t bits = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
        memcpy(&dst[i], &bits, 4);
      }
      have = count;
    } else if (f.num == 4 && (f.wire == 2 || f.wire == 5)) { /* float_data, packed or not */
      size_t n = f.wire == 2 ? f.len / 4 : 1;
      if (f.wire == 2 && f.len % 4 != 0) {
        set_err(err, errlen, "initializer %s: float_data is not a whole number of floats", t->name);
        return -1;
      }
      for (size_t i = 0; i < n; i++) {
        uint32_t bits;
        if (f.wire == 2) {
          const uint8_t *q = f.data + 4 * i;
          bits = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
        } else {
          bits = (uint32_t)f.v;
        }
        if (have >= count) {
          set_err(err, errlen, "initializer %s: float_data holds more values than its shape", t->name);
          return -1;
        }
        memcpy(&dst[have++], &bits, 4);
      }
    }
  }
  if (got < 0) {
    set_err(err, errlen, "initializer %s: malformed bytes", t->name);
    return -1;
  }
  if (have != count || (raw_seen && have != count)) {
    set_err(err, errlen, "initializer %s holds %zu values, its shape needs %zu", t->name, have, count);
    return -1;
  }
  return 0;
}

/* ---- writing ---- */

void oe_buf_free(oe_buf *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}

static void buf_put(oe_buf *b, const void *p, size_t n) {
  if (b->failed || n == 0) return;
  if (n > ((size_t)-1) / 2 - b->len) {
    b->failed = 1;
    return;
  }
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n) cap *= 2;
    uint8_t *g = realloc(b->p, cap);
    if (g == NULL) {
      b->failed = 1;
      return;
    }
    b->p = g;
    b->cap = cap;
  }
  memcpy(b->p + b->len, p, n);
  b->len += n;
}

static void buf_varint(oe_buf *b, uint64_t v) {
  uint8_t tmp[10];
  size_t n = 0;
  do {
    tmp[n] = (uint8_t)(v & 0x7f);
    v >>= 7;
    if (v) tmp[n] |= 0x80;
    n++;
  } while (v);
  buf_put(b, tmp, n);
}

static void buf_tag(oe_buf *b, uint32_t num, int wire) {
  buf_varint(b, ((uint64_t)num << 3) | (uint64_t)wire);
}

static void buf_bytes(oe_buf *b, uint32_t num, const void *p, size_t n) {
  buf_tag(b, num, 2);
  buf_varint(b, n);
  buf_put(b, p, n);
}

static void buf_str(oe_buf *b, uint32_t num, const char *s) { buf_bytes(b, num, s, strlen(s)); }

static void buf_int(oe_buf *b, uint32_t num, int64_t v) {
  buf_tag(b, num, 0);
  buf_varint(b, (uint64_t)v);
}

/* A message field whose body is in `body`. */
static void buf_msg(oe_buf *b, uint32_t num, oe_buf *body) {
  if (body->failed) b->failed = 1;
  buf_bytes(b, num, body->p, body->len);
}

void oe_buf_node(oe_buf *b, const char *op_type, const char *name, const char *const *inputs,
                 size_t input_count, const char *const *outputs, size_t output_count, int has_axis,
                 int64_t axis) {
  oe_buf n = {0};
  for (size_t i = 0; i < input_count; i++) buf_str(&n, 1, inputs[i]);
  for (size_t i = 0; i < output_count; i++) buf_str(&n, 2, outputs[i]);
  if (name) buf_str(&n, 3, name);
  buf_str(&n, 4, op_type);
  if (has_axis) {
    oe_buf a = {0};
    buf_str(&a, 1, "axis");
    buf_int(&a, 3, axis);
    buf_int(&a, 20, 2); /* AttributeProto.INT */
    buf_msg(&n, 5, &a);
    oe_buf_free(&a);
  }
  buf_msg(b, 1, &n);
  oe_buf_free(&n);
}

void oe_buf_init(oe_buf *b, const char *name, int32_t data_type, size_t rank, const int64_t *dims,
                 const void *data, size_t bytes) {
  oe_buf t = {0};
  for (size_t i = 0; i < rank; i++) buf_int(&t, 1, dims[i]);
  buf_int(&t, 2, data_type);
  buf_str(&t, 8, name);
  buf_bytes(&t, 9, data, bytes);
  buf_msg(b, 5, &t);
  oe_buf_free(&t);
}

void oe_buf_output(oe_buf *b, const char *name, int32_t elem_type) {
  oe_buf tensor = {0}, type = {0}, v = {0};
  buf_int(&tensor, 1, elem_type);
  buf_msg(&type, 1, &tensor);
  buf_str(&v, 1, name);
  buf_msg(&v, 2, &type);
  buf_msg(b, 12, &v);
  oe_buf_free(&tensor);
  oe_buf_free(&type);
  oe_buf_free(&v);
}

static int dropped_name(const oe_model *m, const oe_edit *e, const char *name) {
  if (e->drop == NULL) return 0;
  for (size_t i = 0; i < m->init_count; i++)
    if (e->drop[i] && strcmp(m->inits[i].name, name) == 0) return 1;
  return 0;
}

/* A node with some inputs renamed; every other field as it was. */
static void write_node(oe_buf *b, const oe_node *n, char *const *rename) {
  oe_buf body = {0};
  pb_reader r = {n->raw, n->raw + n->raw_len, n->raw};
  pb_field f;
  size_t k = 0;
  while (pb_next(&r, &f) == 1) {
    if (f.num == 1 && f.wire == 2 && k < n->input_count) {
      if (rename[k] != NULL)
        buf_str(&body, 1, rename[k]);
      else
        buf_put(&body, f.start, (size_t)(f.end - f.start));
      k++;
    } else {
      buf_put(&body, f.start, (size_t)(f.end - f.start));
    }
  }
  buf_msg(b, 1, &body);
  oe_buf_free(&body);
}

static int node_renamed(const oe_edit *e, size_t i, const oe_node *n) {
  if (e->rename == NULL || e->rename[i] == NULL) return 0;
  for (size_t k = 0; k < n->input_count; k++)
    if (e->rename[i][k] != NULL) return 1;
  return 0;
}

static void write_graph(oe_buf *b, const oe_model *m, const oe_edit *e) {
  const uint8_t *g = m->buf + m->graph_off;
  pb_reader r = {g, g + m->graph_len, m->buf};
  pb_field f;
  size_t node = 0, init = 0, in = 0, vi = 0;
  while (pb_next(&r, &f) == 1) {
    size_t whole = (size_t)(f.end - f.start);
    if (f.num == 1 && node < m->node_count) {
      if (e->before) {
        oe_buf *pre = &e->before[node];
        if (pre->failed) b->failed = 1;
        buf_put(b, pre->p, pre->len);
      }
      int keep = !(e->drop_nodes && e->drop_nodes[node]);
      if (keep && node_renamed(e, node, &m->nodes[node]))
        write_node(b, &m->nodes[node], e->rename[node]);
      else if (keep)
        buf_put(b, f.start, whole);
      node++;
    } else if (f.num == 5 && init < m->init_count) {
      if (!(e->drop && e->drop[init])) buf_put(b, f.start, whole);
      init++;
    } else if (f.num == 11 && in < m->input_count) {
      if (!dropped_name(m, e, m->inputs[in].name)) buf_put(b, f.start, whole);
      in++;
    } else if (f.num == 13 && vi < m->value_info_count) {
      if (!dropped_name(m, e, m->value_infos[vi].name)) buf_put(b, f.start, whole);
      vi++;
    } else {
      buf_put(b, f.start, whole);
    }
  }
  if (e->append_inits.failed || e->append_outputs.failed) b->failed = 1;
  buf_put(b, e->append_inits.p, e->append_inits.len);
  buf_put(b, e->append_outputs.p, e->append_outputs.len);
}

int oe_model_write(const oe_model *m, const oe_edit *e, uint8_t **out, size_t *out_len) {
  oe_buf b = {0};
  pb_reader r = {m->buf, m->buf + m->len, m->buf};
  pb_field f;
  while (pb_next(&r, &f) == 1) {
    if (f.num == 7) {
      oe_buf graph = {0};
      write_graph(&graph, m, e);
      buf_msg(&b, 7, &graph);
      oe_buf_free(&graph);
    } else {
      buf_put(&b, f.start, (size_t)(f.end - f.start));
    }
  }
  if (b.failed || b.len == 0) {
    oe_buf_free(&b);
    return -1;
  }
  *out = b.p;
  *out_len = b.len;
  return 0;
}
