#include "frontend/oarfile/oarfile.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/hash.h"

/* Header layout (little-endian), OAR_OARFILE_HEADER_BYTES long:
 *   0 magic[8]  8 version u32  12 header_bytes u32  16 isa u32  20 target u32
 *  24 file_bytes u64  32 meta_offset u64  40 meta_bytes u64
 *  48 data_offset u64  56 data_bytes u64  64 meta_hash u64
 *  72 header_hash u64 (XXH64 of bytes 0..72)  80.. zero */
static const uint8_t magic[8] = {0x89, 'O', 'A', 'R', '\r', '\n', 0x1a, '\n'};
enum { HEADER_HASHED = 72 };

int oar_oarfile_matches(const void *data, size_t size) {
  return data && size >= sizeof magic && memcmp(data, magic, sizeof magic) == 0;
}

static void put64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static void put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static uint64_t get64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}
static uint32_t get32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) & ~(a - 1); }

/* ---- writing ------------------------------------------------------------ */

typedef struct buf {
  uint8_t *p;
  size_t n, cap;
  int oom;
} buf;

static void put(buf *b, const void *src, size_t n) {
  if (b->oom) return;
  if (b->n + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + n) cap *= 2;
    uint8_t *p = oar_realloc(b->p, cap);
    if (!p) {
      b->oom = 1;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, src, n);
  b->n += n;
}
static void put_u8(buf *b, uint8_t v) { put(b, &v, 1); }
static void put_u32(buf *b, uint32_t v) {
  uint8_t t[4];
  put32(t, v);
  put(b, t, 4);
}
static void put_u64(buf *b, uint64_t v) {
  uint8_t t[8];
  put64(t, v);
  put(b, t, 8);
}
static void put_f64(buf *b, double v) {
  uint64_t u;
  memcpy(&u, &v, 8);
  put_u64(b, u);
}
static void put_str(buf *b, const char *s) {
  size_t n = s ? strlen(s) : 0;
  put_u32(b, (uint32_t)n);
  put(b, s, n);
}

static void put_attr(buf *b, const oar_attr *a) {
  put_u8(b, (uint8_t)a->type);
  switch (a->type) {
    case OAR_ATTR_INT:
    case OAR_ATTR_BOOL: put_u64(b, (uint64_t)a->i); break;
    case OAR_ATTR_FLOAT: put_f64(b, a->f); break;
    case OAR_ATTR_STRING: put_str(b, a->s); break;
    case OAR_ATTR_INTS:
      put_u32(b, (uint32_t)a->n);
      for (size_t k = 0; k < a->n; k++) put_u64(b, (uint64_t)a->ints[k]);
      break;
    case OAR_ATTR_FLOATS:
      put_u32(b, (uint32_t)a->n);
      for (size_t k = 0; k < a->n; k++) put_f64(b, a->floats[k]);
      break;
    case OAR_ATTR_STRINGS:
      put_u32(b, (uint32_t)a->n);
      for (size_t k = 0; k < a->n; k++) put_str(b, a->strings[k]);
      break;
    default: break;
  }
}

static int has_data(const oar_value *v) { return v->kind == OAR_VALUE_CONSTANT && v->data; }

static oar_status write_all(FILE *f, const void *p, size_t n, const char *path, oar_error *err) {
  if (n && fwrite(p, 1, n, f) != n)
    return oar_error_set(err, OAR_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
  return OAR_OK;
}

static oar_status write_pad(FILE *f, uint64_t *at, uint64_t to, const char *path, oar_error *err) {
  static const uint8_t zeros[4096];
  while (*at < to) {
    size_t n = (size_t)(to - *at < sizeof zeros ? to - *at : sizeof zeros);
    OAR_TRY(write_all(f, zeros, n, path, err));
    *at += n;
  }
  return OAR_OK;
}

/* Control flow (while, conditional_block) owns body graphs, which format
 * version 1 does not hold. */
static int is_control_flow(const oar_op_schema *s) {
  return s->id == OAR_OP_while || s->id == OAR_OP_conditional_block;
}

oar_status oar_oarfile_write(const char *path, const oar_graph *g, uint32_t isa, uint32_t target,
                             const oar_oarfile_packed *packed, size_t num_packed, oar_error *err) {
  for (int ni = 0; ni < g->num_nodes; ni++)
    if (g->nodes[ni].num_bodies > 0 || is_control_flow(g->nodes[ni].schema))
      return oar_error_set(
          err, OAR_ERR_UNSUPPORTED,
          "cannot write '%s': op %s owns control-flow bodies, which optimized model files do not "
          "hold yet (format version %u); run the source model instead",
          path, g->nodes[ni].schema->name, OAR_OARFILE_VERSION);
  /* Data layout first: offsets from the start of the data section. */
  uint64_t data_bytes = 0;
  uint64_t *value_off = oar_calloc((size_t)g->num_values + 1, sizeof *value_off);
  uint64_t *packed_off = oar_calloc(num_packed + 1, sizeof *packed_off);
  buf m = {0};
  oar_status st = OAR_OK;
  FILE *f = NULL;
  if (!value_off || !packed_off) {
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory writing '%s'", path);
    goto done;
  }
  for (int i = 0; i < g->num_values; i++) {
    if (!has_data(&g->values[i])) continue;
    data_bytes = align_up(data_bytes, OAR_OARFILE_ALIGN);
    value_off[i] = data_bytes;
    data_bytes += g->values[i].bytes;
  }
  for (size_t k = 0; k < num_packed; k++) {
    data_bytes = align_up(data_bytes, OAR_OARFILE_ALIGN);
    packed_off[k] = data_bytes;
    data_bytes += (uint64_t)packed[k].floats * sizeof(float);
  }

  put_str(&m, g->source);
  put_u32(&m, (uint32_t)g->num_values);
  for (int i = 0; i < g->num_values; i++) {
    const oar_value *v = &g->values[i];
    put_str(&m, v->name);
    put_u8(&m, (uint8_t)v->kind);
    put_u8(&m, (uint8_t)v->dtype);
    put_u8(&m, (uint8_t)v->shape.rank);
    for (int d = 0; d < v->shape.rank; d++) put_u64(&m, (uint64_t)v->shape.dims[d]);
    put_u8(&m, (uint8_t)has_data(v));
    if (has_data(v)) {
      put_u64(&m, value_off[i]);
      put_u64(&m, v->bytes);
      put_u64(&m, oar_xxh64(v->data, v->bytes, 0));
    }
  }
  put_u32(&m, (uint32_t)g->num_nodes);
  for (int ni = 0; ni < g->num_nodes; ni++) {
    const oar_node *n = &g->nodes[ni];
    put_str(&m, n->schema->name);
    put_u32(&m, (uint32_t)n->source_index);
    for (int s = 0; s < n->schema->num_inputs; s++) {
      put_u32(&m, (uint32_t)oar_node_input_count(n, s));
      for (int k = n->in_start[s]; k < n->in_start[s + 1]; k++) put_u32(&m, (uint32_t)n->in[k]);
    }
    for (int s = 0; s < n->schema->num_outputs; s++) {
      put_u32(&m, (uint32_t)oar_node_output_count(n, s));
      for (int k = n->out_start[s]; k < n->out_start[s + 1]; k++) put_u32(&m, (uint32_t)n->out[k]);
    }
    put_u32(&m, (uint32_t)n->schema->num_attrs);
    for (int a = 0; a < n->schema->num_attrs; a++) put_attr(&m, &n->attrs[a]);
  }
  put_u32(&m, (uint32_t)g->num_inputs);
  for (int i = 0; i < g->num_inputs; i++) put_u32(&m, (uint32_t)g->inputs[i]);
  put_u32(&m, (uint32_t)g->num_outputs);
  for (int i = 0; i < g->num_outputs; i++) put_u32(&m, (uint32_t)g->outputs[i]);
  put_u32(&m, (uint32_t)num_packed);
  for (size_t k = 0; k < num_packed; k++) {
    put_u32(&m, (uint32_t)packed[k].value);
    for (int j = 0; j < 4; j++) put_u64(&m, (uint64_t)packed[k].key[j]);
    put_u64(&m, (uint64_t)packed[k].floats);
    put_u64(&m, packed_off[k]);
    put_u64(&m, oar_xxh64(packed[k].data, packed[k].floats * sizeof(float), 0));
  }
  if (m.oom) {
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory writing '%s'", path);
    goto done;
  }

  const uint64_t meta_offset = OAR_OARFILE_HEADER_BYTES;
  /* Page-aligned weights: a mapping's pages hold weights only. */
  const uint64_t data_offset = align_up(meta_offset + m.n, 4096);
  uint8_t h[OAR_OARFILE_HEADER_BYTES] = {0};
  memcpy(h, magic, sizeof magic);
  put32(h + 8, OAR_OARFILE_VERSION);
  put32(h + 12, OAR_OARFILE_HEADER_BYTES);
  put32(h + 16, isa);
  put32(h + 20, target);
  put64(h + 24, data_offset + data_bytes);
  put64(h + 32, meta_offset);
  put64(h + 40, m.n);
  put64(h + 48, data_offset);
  put64(h + 56, data_bytes);
  put64(h + 64, oar_xxh64(m.p, m.n, 0));
  put64(h + 72, oar_xxh64(h, HEADER_HASHED, 0));

  f = fopen(path, "wb");
  if (!f) {
    st = oar_error_set(err, OAR_ERR_IO, "cannot create '%s': %s", path, strerror(errno));
    goto done;
  }
  uint64_t at = 0;
  st = write_all(f, h, sizeof h, path, err);
  at += sizeof h;
  if (st == OAR_OK) st = write_all(f, m.p, m.n, path, err);
  at += m.n;
  if (st == OAR_OK) st = write_pad(f, &at, data_offset, path, err);
  for (int i = 0; st == OAR_OK && i < g->num_values; i++) {
    if (!has_data(&g->values[i])) continue;
    st = write_pad(f, &at, data_offset + value_off[i], path, err);
    if (st == OAR_OK) st = write_all(f, g->values[i].data, g->values[i].bytes, path, err);
    at += g->values[i].bytes;
  }
  for (size_t k = 0; st == OAR_OK && k < num_packed; k++) {
    st = write_pad(f, &at, data_offset + packed_off[k], path, err);
    size_t bytes = packed[k].floats * sizeof(float);
    if (st == OAR_OK) st = write_all(f, packed[k].data, bytes, path, err);
    at += bytes;
  }
  if (fclose(f) != 0 && st == OAR_OK)
    st = oar_error_set(err, OAR_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
  f = NULL;
  if (st != OAR_OK) remove(path);
done:
  if (f) fclose(f);
  oar_free(m.p);
  oar_free(value_off);
  oar_free(packed_off);
  return st;
}

/* ---- reading ------------------------------------------------------------ */

typedef struct rd {
  const uint8_t *p;
  size_t n, at;
  int bad; /* ran past the end */
} rd;

static int take(rd *r, size_t n) {
  if (r->bad || n > r->n - r->at) {
    r->bad = 1;
    return 0;
  }
  return 1;
}
static uint8_t rd_u8(rd *r) { return take(r, 1) ? r->p[r->at++] : 0; }
static uint32_t rd_u32(rd *r) {
  if (!take(r, 4)) return 0;
  uint32_t v = get32(r->p + r->at);
  r->at += 4;
  return v;
}
static uint64_t rd_u64(rd *r) {
  if (!take(r, 8)) return 0;
  uint64_t v = get64(r->p + r->at);
  r->at += 8;
  return v;
}
static double rd_f64(rd *r) {
  uint64_t u = rd_u64(r);
  double d;
  memcpy(&d, &u, 8);
  return d;
}
/* A length-prefixed string into a new NUL-terminated copy (NULL when
 * truncated or out of memory: *oom tells which). */
static char *rd_str(rd *r, int *oom) {
  uint32_t n = rd_u32(r);
  if (!take(r, n)) return NULL;
  char *s = oar_strndup((const char *)r->p + r->at, n);
  if (!s) *oom = 1;
  r->at += n;
  return s;
}
/* A count of items at least `min_bytes` long each: never more than what is
 * left can hold (so allocations stay bounded by the file). */
static uint32_t rd_count(rd *r, size_t min_bytes) {
  uint32_t n = rd_u32(r);
  if (!r->bad && (uint64_t)n * min_bytes > r->n - r->at) r->bad = 1;
  return r->bad ? 0 : n;
}

typedef struct ctx {
  rd r;
  const char *src;
  uint64_t data_offset, data_bytes;
  const uint8_t *base;
  oar_error *err;
  int oom;
} ctx;

static oar_status truncated_meta(ctx *c) {
  return oar_error_set(c->err, OAR_ERR_INVALID_MODEL, "%s: truncated metadata at byte %zu", c->src, c->r.at);
}

static oar_status bad(ctx *c, const char *what) {
  if (c->oom)
    return oar_error_set(c->err, OAR_ERR_OUT_OF_MEMORY, "%s: out of memory reading the model", c->src);
  if (c->r.bad) return truncated_meta(c);
  return oar_error_set(c->err, OAR_ERR_INVALID_MODEL, "%s: %s", c->src, what);
}

/* offset + bytes within the data section, aligned. */
static int data_range_ok(const ctx *c, uint64_t off, uint64_t bytes) {
  return off % OAR_OARFILE_ALIGN == 0 && off <= c->data_bytes && bytes <= c->data_bytes - off;
}

static oar_status read_values(ctx *c, oar_oarfile *f) {
  oar_graph *g = f->graph;
  uint32_t nv = rd_count(&c->r, 8);
  if (c->r.bad) return truncated_meta(c);
  if (nv > INT32_MAX / 2) return bad(c, "too many values");
  f->value_hash = oar_calloc((size_t)nv + 1, sizeof *f->value_hash);
  if (!f->value_hash) return oar_error_set(c->err, OAR_ERR_OUT_OF_MEMORY, "%s: out of memory", c->src);
  for (uint32_t i = 0; i < nv; i++) {
    char *name = rd_str(&c->r, &c->oom);
    if (!name) return bad(c, "bad value name");
    uint8_t kind = rd_u8(&c->r), dtype = rd_u8(&c->r), rank = rd_u8(&c->r);
    oar_shape shape = {0};
    if (rank > OAR_MAX_RANK) {
      oar_free(name);
      return c->r.bad ? truncated_meta(c)
                      : oar_error_set(c->err, OAR_ERR_INVALID_MODEL, "%s: value #%u has rank %u (at most %d)",
                                      c->src, i, rank, OAR_MAX_RANK);
    }
    shape.rank = rank;
    for (int d = 0; d < rank; d++) shape.dims[d] = (int64_t)rd_u64(&c->r);
    uint8_t with_data = rd_u8(&c->r);
    uint64_t off = 0, bytes = 0, hash = 0;
    if (with_data) {
      off = rd_u64(&c->r);
      bytes = rd_u64(&c->r);
      hash = rd_u64(&c->r);
    }
    if (c->r.bad) {
      oar_free(name);
      return truncated_meta(c);
    }
    int id = 0;
    oar_status st = oar_graph_add_value(g, name, (oar_dtype)dtype, &shape, &id, c->err);
    oar_free(name);
    OAR_TRY(st);
    oar_value *v = &g->values[id];
    if (kind > OAR_VALUE_CONSTANT || dtype > OAR_DTYPE_INT16 || (with_data && kind != OAR_VALUE_CONSTANT))
      return oar_error_set(c->err, OAR_ERR_INVALID_MODEL, "%s: value '%s' has a bad kind or dtype", c->src,
                           v->name);
    for (int d = 0; d < rank; d++)
      if (shape.dims[d] < -1)
        return oar_error_set(c->err, OAR_ERR_INVALID_MODEL, "%s: value '%s' has dimension %" PRId64, c->src,
                             v->name, shape.dims[d]);
    /* Inputs become inputs when the input list names them. */
    v->kind = kind == OAR_VALUE_INPUT ? OAR_VALUE_INTERMEDIATE : (oar_value_kind)kind;
    if (!with_data) continue;
    int64_t numel = oar_shape_numel(&shape);
    size_t esize = oar_dtype_bytes((oar_dtype)dtype);
    if (numel < 0 || esize == 0 || (uint64_t)numel > UINT64_MAX / esize || (uint64_t)numel * esize != bytes)
      return oar_error_set(c->err, OAR_ERR_INVALID_MODEL,
                           "%s: constant '%s' holds %" PRIu64 " bytes, its shape and dtype need another size",
                           c->src, v->name, bytes);
    if (!data_range_ok(c, off, bytes))
      return oar_error_set(c->err, OAR_ERR_INVALID_MODEL,
                           "%s: offset out of range: constant '%s' at %" PRIu64 " (+%" PRIu64
                           " bytes), the weights hold %" PRIu64,
                           c->src, v->name, off, bytes, c->data_bytes);
    v->data = (void *)(c->base + c->data_offset + off);
    v->bytes = (size_t)bytes;
    v->borrowed = 1;
    f->value_hash[id] = hash;
  }
  return OAR_OK;
}

static oar_status read_id(ctx *c, const oar_graph *g, int *id) {
  uint32_t v = rd_u32(&c->r);
  if (c->r.bad) return truncated_meta(c);
  if (v >= (uint32_t)g->num_values)
    return oar_error_set(c->err, OAR_ERR_INVALID_MODEL, "%s: value id %u out of range (%d values)", c->src, v,
                         g->num_values);
  *id = (int)v;
  return OAR_OK;
}

static oar_status read_attr(ctx *c, oar_attr *a) {
  memset(a, 0, sizeof *a);
  uint8_t type = rd_u8(&c->r);
  if (type > OAR_ATTR_STRINGS) return bad(c, "bad attribute type");
  a->type = (oar_attr_type)type;
  switch (a->type) {
    case OAR_ATTR_INT:
    case OAR_ATTR_BOOL: a->i = (int64_t)rd_u64(&c->r); break;
    case OAR_ATTR_FLOAT: a->f = rd_f64(&c->r); break;
    case OAR_ATTR_STRING: a->s = rd_str(&c->r, &c->oom); break;
    case OAR_ATTR_INTS:
      a->n = rd_count(&c->r, 8);
      a->ints = oar_malloc((a->n ? a->n : 1) * sizeof *a->ints);
      if (!a->ints) c->oom = 1;
      for (size_t k = 0; a->ints && k < a->n; k++) a->ints[k] = (int64_t)rd_u64(&c->r);
      break;
    case OAR_ATTR_FLOATS:
      a->n = rd_count(&c->r, 8);
      a->floats = oar_malloc((a->n ? a->n : 1) * sizeof *a->floats);
      if (!a->floats) c->oom = 1;
      for (size_t k = 0; a->floats && k < a->n; k++) a->floats[k] = rd_f64(&c->r);
      break;
    case OAR_ATTR_STRINGS:
      a->n = rd_count(&c->r, 4);
      a->strings = oar_calloc(a->n ? a->n : 1, sizeof *a->strings);
      if (!a->strings) c->oom = 1;
      for (size_t k = 0; a->strings && k < a->n && !c->r.bad && !c->oom; k++)
        a->strings[k] = rd_str(&c->r, &c->oom);
      break;
    default: break;
  }
  if (c->r.bad || c->oom || (a->type == OAR_ATTR_STRING && !a->s)) {
    oar_attr_free(a);
    memset(a, 0, sizeof *a);
    return bad(c, "bad attribute");
  }
  return OAR_OK;
}

static oar_status read_node(ctx *c, oar_graph *g) {
  char *op = rd_str(&c->r, &c->oom);
  if (!op) return bad(c, "bad op name");
  const oar_op_schema *schema = oar_schema_find(op);
  uint32_t source_index = rd_u32(&c->r);
  if (!schema) {
    oar_status st = oar_error_set(c->err, OAR_ERR_INVALID_MODEL,
                                  "%s: unknown op '%.64s' (a file from another oar?)", c->src, op);
    oar_free(op);
    return st;
  }
  oar_free(op);
  if (is_control_flow(schema))
    return oar_error_set(c->err, OAR_ERR_INVALID_MODEL,
                         "%s: op %s needs control-flow bodies, which format version %u does not hold", c->src,
                         schema->name, OAR_OARFILE_VERSION);
  oar_node_builder b;
  OAR_TRY(oar_node_begin(&b, g, schema, (int)(source_index & INT32_MAX), c->err));
  oar_status st = OAR_OK;
  for (int s = 0; st == OAR_OK && s < schema->num_inputs; s++) {
    uint32_t n = rd_count(&c->r, 4);
    for (uint32_t k = 0; st == OAR_OK && k < n; k++) {
      int id = 0;
      st = read_id(c, g, &id);
      if (st == OAR_OK) st = oar_node_add_input(&b, s, id, c->err);
    }
  }
  for (int s = 0; st == OAR_OK && s < schema->num_outputs; s++) {
    uint32_t n = rd_count(&c->r, 4);
    for (uint32_t k = 0; st == OAR_OK && k < n; k++) {
      int id = 0;
      st = read_id(c, g, &id);
      if (st == OAR_OK) st = oar_node_add_output(&b, s, id, c->err);
    }
  }
  if (st == OAR_OK && c->r.bad) st = truncated_meta(c);
  if (st == OAR_OK && rd_u32(&c->r) != (uint32_t)schema->num_attrs)
    st = c->r.bad
             ? truncated_meta(c)
             : oar_error_set(c->err, OAR_ERR_INVALID_MODEL,
                             "%s: op %s: attribute count differs from this build's", c->src, schema->name);
  for (int a = 0; st == OAR_OK && a < schema->num_attrs; a++) {
    oar_attr attr;
    st = read_attr(c, &attr);
    if (st == OAR_OK) {
      oar_attr_free(&b.node.attrs[a]);
      b.node.attrs[a] = attr;
    }
  }
  if (st != OAR_OK) {
    oar_node_abort(&b);
    return st;
  }
  return oar_node_finish(&b, c->err);
}

static oar_status read_io(ctx *c, oar_graph *g, int inputs) {
  uint32_t n = rd_count(&c->r, 4);
  if (c->r.bad) return truncated_meta(c);
  for (uint32_t i = 0; i < n; i++) {
    int id = 0;
    OAR_TRY(read_id(c, g, &id));
    if (inputs) {
      if (g->values[id].kind == OAR_VALUE_CONSTANT)
        return oar_error_set(c->err, OAR_ERR_INVALID_MODEL, "%s: input '%s' is a constant", c->src,
                             g->values[id].name);
      OAR_TRY(oar_graph_add_input(g, id, c->err));
    } else {
      OAR_TRY(oar_graph_add_output(g, id, c->err));
    }
  }
  return OAR_OK;
}

static oar_status read_packed(ctx *c, oar_oarfile *f) {
  const oar_graph *g = f->graph;
  uint32_t n = rd_count(&c->r, 60);
  if (c->r.bad) return truncated_meta(c);
  f->packed = oar_calloc((size_t)n + 1, sizeof *f->packed);
  if (!f->packed) return oar_error_set(c->err, OAR_ERR_OUT_OF_MEMORY, "%s: out of memory", c->src);
  for (uint32_t k = 0; k < n; k++) {
    oar_oarfile_packed *p = &f->packed[k];
    OAR_TRY(read_id(c, g, &p->value));
    for (int j = 0; j < 4; j++) p->key[j] = (int64_t)rd_u64(&c->r);
    uint64_t floats = rd_u64(&c->r), off = rd_u64(&c->r);
    p->hash = rd_u64(&c->r);
    if (c->r.bad) return truncated_meta(c);
    const oar_value *v = &g->values[p->value];
    if (v->kind != OAR_VALUE_CONSTANT || !v->data || v->dtype != OAR_DTYPE_FLOAT32)
      return oar_error_set(c->err, OAR_ERR_INVALID_MODEL,
                           "%s: packed weight #%u is of '%s', not a float constant", c->src, k, v->name);
    if (floats > c->data_bytes / sizeof(float) || !data_range_ok(c, off, floats * sizeof(float)))
      return oar_error_set(c->err, OAR_ERR_INVALID_MODEL,
                           "%s: offset out of range: packed weight of '%s' at %" PRIu64 " (+%" PRIu64
                           " floats), the weights hold %" PRIu64 " bytes",
                           c->src, v->name, off, floats, c->data_bytes);
    p->floats = (size_t)floats;
    p->data = (const float *)(c->base + c->data_offset + off);
    f->num_packed++;
  }
  return OAR_OK;
}

oar_status oar_oarfile_read(const uint8_t *data, size_t size, const char *source, oar_oarfile *out,
                            oar_error *err) {
  const char *src = source ? source : "model";
  memset(out, 0, sizeof *out);
  if (size < OAR_OARFILE_HEADER_BYTES)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s: truncated: %zu bytes, the header alone needs %u",
                         src, size, OAR_OARFILE_HEADER_BYTES);
  if (!oar_oarfile_matches(data, size))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s: bad magic: not an optimized oar model", src);
  const uint32_t version = get32(data + 8);
  if (version != OAR_OARFILE_VERSION)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "%s: wrong format version %u: this build reads optimized models of version %u (run "
                         "`oar opt` again)",
                         src, version, OAR_OARFILE_VERSION);
  if (get64(data + 72) != oar_xxh64(data, HEADER_HASHED, 0))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s: checksum mismatch in the header", src);
  const uint64_t file_bytes = get64(data + 24), meta_offset = get64(data + 32), meta_bytes = get64(data + 40),
                 data_offset = get64(data + 48), data_bytes = get64(data + 56);
  if (get32(data + 12) != OAR_OARFILE_HEADER_BYTES)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s: header length %u, expected %u", src,
                         get32(data + 12), OAR_OARFILE_HEADER_BYTES);
  if (file_bytes != size)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "%s: truncated: the header says %" PRIu64 " bytes, the file has %zu", src,
                         file_bytes, size);
  if (meta_offset < OAR_OARFILE_HEADER_BYTES || meta_offset > size || meta_bytes > size - meta_offset)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "%s: offset out of range: metadata at %" PRIu64 " (+%" PRIu64
                         " bytes) in a %zu-byte file",
                         src, meta_offset, meta_bytes, size);
  if (data_offset % OAR_OARFILE_ALIGN || data_offset > size || data_bytes > size - data_offset)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "%s: offset out of range: weights at %" PRIu64 " (+%" PRIu64
                         " bytes) in a %zu-byte file",
                         src, data_offset, data_bytes, size);
  if ((uintptr_t)data % OAR_OARFILE_ALIGN)
    return oar_error_set(err, OAR_ERR_INTERNAL, "%s: the model's bytes are not %u-byte aligned", src,
                         OAR_OARFILE_ALIGN);
  if (get64(data + 64) != oar_xxh64(data + meta_offset, (size_t)meta_bytes, 0))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s: checksum mismatch in the metadata", src);

  ctx c = {.r = {.p = data + meta_offset, .n = (size_t)meta_bytes},
           .src = src,
           .data_offset = data_offset,
           .data_bytes = data_bytes,
           .base = data,
           .err = err};
  out->isa = get32(data + 16);
  out->target = get32(data + 20);
  oar_status st = oar_graph_create(&out->graph, err);
  if (st != OAR_OK) return st;
  char *name = rd_str(&c.r, &c.oom);
  if (!name) {
    st = bad(&c, "bad source name");
    goto fail;
  }
  oar_free(out->graph->source);
  out->graph->source = oar_strdup(source ? source : name);
  oar_free(name);
  if (!out->graph->source) {
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "%s: out of memory", src);
    goto fail;
  }
  st = read_values(&c, out);
  if (st != OAR_OK) goto fail;
  uint32_t nn = rd_count(&c.r, 8);
  if (c.r.bad) {
    st = truncated_meta(&c);
    goto fail;
  }
  for (uint32_t i = 0; st == OAR_OK && i < nn; i++) st = read_node(&c, out->graph);
  if (st == OAR_OK) st = read_io(&c, out->graph, 1);
  if (st == OAR_OK) st = read_io(&c, out->graph, 0);
  if (st == OAR_OK) st = read_packed(&c, out);
  if (st == OAR_OK && c.r.at != c.r.n)
    st =
        oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s: %zu bytes of metadata left over", src, c.r.n - c.r.at);
  if (st == OAR_OK) {
    st = oar_graph_verify(out->graph, err);
    if (st != OAR_OK) oar_error_prefix(err, "%s: ", src);
  }
  if (st != OAR_OK) goto fail;
  return OAR_OK;
fail:
  oar_oarfile_free(out);
  return st;
}

void oar_oarfile_free(oar_oarfile *f) {
  if (!f) return;
  oar_graph_destroy(f->graph);
  oar_free(f->packed);
  oar_free(f->value_hash);
  memset(f, 0, sizeof *f);
}
