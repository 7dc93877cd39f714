#include "frontend/onnx/onnx_proto.h"

#include <string.h>

#include "base/alloc.h"

/* ---- helpers ------------------------------------------------------------ */

/* Appends a zeroed element to *arr (of *n elements, capacity in *cap). */
static oar_status push(void **arr, size_t *n, size_t *cap, size_t elem, void **out, oar_error *err) {
  if (*n == *cap) {
    size_t c = *cap ? *cap * 2 : 4, bytes;
    if (c < *cap || !oar_mul_size(c, elem, &bytes))
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "too many repeated elements");
    void *p = oar_realloc(*arr, bytes);
    if (!p) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory decoding the ONNX model");
    *arr = p;
    *cap = c;
  }
  *out = (char *)*arr + *n * elem;
  memset(*out, 0, elem);
  (*n)++;
  return OAR_OK;
}

typedef struct fld {
  uint32_t num;
  oar_pb_wire wire;
  size_t pos;
  const char *msg;
} fld;

static oar_status want(const fld *f, const char *name, oar_pb_wire w, oar_error *err) {
  OAR_TRY(oar_pb_check_wire(f->num, name, f->pos, f->wire, w, err));
  return OAR_OK;
}

static oar_status rd_str(oar_pb_reader *r, const fld *f, const char *name, onnx_str *s, oar_error *err) {
  OAR_TRY(want(f, name, OAR_PB_LEN, err));
  const uint8_t *d;
  size_t n;
  OAR_TRY(oar_pb_read_bytes(r, &d, &n, err));
  s->p = (const char *)d;
  s->n = n;
  return OAR_OK;
}

static oar_status rd_i64(oar_pb_reader *r, const fld *f, const char *name, int64_t *v, oar_error *err) {
  OAR_TRY(want(f, name, OAR_PB_VARINT, err));
  uint64_t u;
  OAR_TRY(oar_pb_read_varint(r, &u, err));
  *v = (int64_t)u;
  return OAR_OK;
}

static oar_status rd_i32(oar_pb_reader *r, const fld *f, const char *name, int32_t *v, oar_error *err) {
  int64_t x;
  OAR_TRY(rd_i64(r, f, name, &x, err));
  *v = (int32_t)(uint32_t)(uint64_t)x;
  return OAR_OK;
}

static oar_status rd_msg(oar_pb_reader *r, const fld *f, const char *name, oar_pb_reader *sub,
                         oar_error *err) {
  OAR_TRY(want(f, name, OAR_PB_LEN, err));
  return oar_pb_read_message(r, sub, err);
}

static oar_status next(oar_pb_reader *r, fld *f, oar_error *err) {
  f->pos = r->pos;
  return oar_pb_read_tag(r, &f->num, &f->wire, err);
}

static oar_status push_str(onnx_str **arr, size_t *n, size_t *cap, onnx_str s, oar_error *err) {
  void *slot;
  OAR_TRY(push((void **)arr, n, cap, sizeof **arr, &slot, err));
  *(onnx_str *)slot = s;
  return OAR_OK;
}

/* ---- TensorProto -------------------------------------------------------- */

static oar_status decode_ss_entry(oar_pb_reader *r, onnx_str *key, onnx_str *val, oar_error *err) {
  while (!oar_pb_at_end(r)) {
    fld f;
    OAR_TRY(next(r, &f, err));
    if (f.num == 1)
      OAR_TRY(rd_str(r, &f, "key", key, err));
    else if (f.num == 2)
      OAR_TRY(rd_str(r, &f, "value", val, err));
    else
      OAR_TRY(oar_pb_skip(r, f.num, f.wire, err));
  }
  return OAR_OK;
}

static oar_status parse_decimal(onnx_str s, const char *what, int64_t *v, oar_error *err) {
  int64_t x = 0;
  if (s.n == 0 || s.n > 19) goto bad;
  for (size_t i = 0; i < s.n; i++) {
    if (s.p[i] < '0' || s.p[i] > '9') goto bad;
    x = x * 10 + (s.p[i] - '0');
  }
  *v = x;
  return OAR_OK;
bad:
  return oar_error_set(err, OAR_ERR_INVALID_MODEL, "external data %s '%.*s' is not a non-negative integer",
                       what, (int)(s.n > 40 ? 40 : s.n), s.p);
}

static oar_status decode_tensor(oar_pb_reader *r, onnx_tensor *t, oar_error *err) {
  t->pos = r->pos;
  t->offset = t->length = -1;
  oar_pb_u64s dims = {0};
  oar_status st = OAR_OK;
  while (st == OAR_OK && !oar_pb_at_end(r)) {
    fld f;
    if ((st = next(r, &f, err)) != OAR_OK) break;
    switch (f.num) {
      case 1: st = oar_pb_read_repeated(r, 1, "dims", f.pos, f.wire, OAR_PB_VARINT, &dims, err); break;
      case 2: st = rd_i32(r, &f, "data_type", &t->data_type, err); break;
      case 3:
        t->has_segment = true;
        st = oar_pb_skip(r, f.num, f.wire, err);
        break;
      case 4:
      case 5:
      case 7:
      case 10:
      case 11: {
        static const char *names[] = {[4] = "float_data",
                                      [5] = "int32_data",
                                      [7] = "int64_data",
                                      [10] = "double_data",
                                      [11] = "uint64_data"};
        oar_pb_wire elem = f.num == 4 ? OAR_PB_I32 : f.num == 10 ? OAR_PB_I64 : OAR_PB_VARINT;
        if (t->typed_field && t->typed_field != f.num) {
          st = oar_error_set(err, OAR_ERR_INVALID_MODEL, "tensor at byte offset %zu has both %s and %s",
                             t->pos, names[t->typed_field], names[f.num]);
          break;
        }
        t->typed_field = f.num;
        st = oar_pb_read_repeated(r, f.num, names[f.num], f.pos, f.wire, elem, &t->typed, err);
        break;
      }
      case 6:
        t->num_strings++;
        st = oar_pb_skip(r, f.num, f.wire, err);
        break;
      case 8: st = rd_str(r, &f, "name", &t->name, err); break;
      case 9: {
        onnx_str s;
        if ((st = rd_str(r, &f, "raw_data", &s, err)) != OAR_OK) break;
        t->has_raw = true;
        t->raw = (const uint8_t *)s.p;
        t->raw_len = s.n;
        t->raw_pos = (size_t)((const uint8_t *)s.p - r->base);
        break;
      }
      case 13: {
        oar_pb_reader sub;
        onnx_str key = {0}, val = {0};
        if ((st = rd_msg(r, &f, "external_data", &sub, err)) != OAR_OK) break;
        if ((st = decode_ss_entry(&sub, &key, &val, err)) != OAR_OK) break;
        if (onnx_str_eq(key, "location"))
          t->location = val;
        else if (onnx_str_eq(key, "offset"))
          st = parse_decimal(val, "offset", &t->offset, err);
        else if (onnx_str_eq(key, "length"))
          st = parse_decimal(val, "length", &t->length, err);
        break;
      }
      case 14: {
        int32_t loc;
        if ((st = rd_i32(r, &f, "data_location", &loc, err)) != OAR_OK) break;
        t->external = loc == 1;
        break;
      }
      default: st = oar_pb_skip(r, f.num, f.wire, err); break;
    }
  }
  if (st == OAR_OK) {
    if (dims.n > ONNX_MAX_DIMS) {
      st = oar_error_set(err, OAR_ERR_UNSUPPORTED, "tensor at byte offset %zu has rank %zu", t->pos, dims.n);
    } else {
      t->rank = (int)dims.n;
      for (size_t i = 0; i < dims.n; i++) t->dims[i] = (int64_t)dims.v[i];
    }
  }
  oar_pb_u64s_free(&dims);
  return st;
}

void onnx_tensor_free(onnx_tensor *t) {
  if (!t) return;
  oar_pb_u64s_free(&t->typed);
}

oar_status onnx_tensor_decode(const void *data, size_t size, onnx_tensor *t, oar_error *err) {
  memset(t, 0, sizeof *t);
  oar_pb_reader r;
  oar_pb_reader_init(&r, data, size);
  oar_status st = decode_tensor(&r, t, err);
  if (st != OAR_OK) oar_error_prefix(err, "TensorProto: ");
  return st;
}

/* ---- ValueInfoProto ----------------------------------------------------- */

static oar_status decode_shape(oar_pb_reader *r, onnx_value_info *v, oar_error *err) {
  v->has_shape = true;
  while (!oar_pb_at_end(r)) {
    fld f;
    OAR_TRY(next(r, &f, err));
    if (f.num != 1) {
      OAR_TRY(oar_pb_skip(r, f.num, f.wire, err));
      continue;
    }
    oar_pb_reader dim;
    OAR_TRY(rd_msg(r, &f, "dim", &dim, err));
    if (v->rank >= ONNX_MAX_DIMS)
      return oar_error_set(err, OAR_ERR_UNSUPPORTED, "value '%.*s' has more than %d dims", (int)v->name.n,
                           onnx_str_p(v->name), ONNX_MAX_DIMS);
    int64_t d = -1;
    while (!oar_pb_at_end(&dim)) {
      fld g;
      OAR_TRY(next(&dim, &g, err));
      if (g.num == 1)
        OAR_TRY(rd_i64(&dim, &g, "dim_value", &d, err));
      else
        OAR_TRY(oar_pb_skip(&dim, g.num, g.wire, err));
    }
    v->dims[v->rank++] = d < 0 ? -1 : d;
  }
  return OAR_OK;
}

static oar_status decode_type(oar_pb_reader *r, onnx_value_info *v, oar_error *err) {
  while (!oar_pb_at_end(r)) {
    fld f;
    OAR_TRY(next(r, &f, err));
    if (f.num == 1) {
      oar_pb_reader tt;
      OAR_TRY(rd_msg(r, &f, "tensor_type", &tt, err));
      v->kind = 1;
      while (!oar_pb_at_end(&tt)) {
        fld g;
        OAR_TRY(next(&tt, &g, err));
        if (g.num == 1) {
          OAR_TRY(rd_i32(&tt, &g, "elem_type", &v->elem_type, err));
        } else if (g.num == 2) {
          oar_pb_reader sh;
          OAR_TRY(rd_msg(&tt, &g, "shape", &sh, err));
          v->rank = 0;
          OAR_TRY(decode_shape(&sh, v, err));
        } else {
          OAR_TRY(oar_pb_skip(&tt, g.num, g.wire, err));
        }
      }
    } else if (f.num == 4 || f.num == 5 || f.num == 8 || f.num == 9) {
      v->kind = 2;
      OAR_TRY(oar_pb_skip(r, f.num, f.wire, err));
    } else {
      OAR_TRY(oar_pb_skip(r, f.num, f.wire, err));
    }
  }
  return OAR_OK;
}

static oar_status decode_value_info(oar_pb_reader *r, onnx_value_info *v, oar_error *err) {
  while (!oar_pb_at_end(r)) {
    fld f;
    OAR_TRY(next(r, &f, err));
    if (f.num == 1) {
      OAR_TRY(rd_str(r, &f, "name", &v->name, err));
    } else if (f.num == 2) {
      oar_pb_reader t;
      OAR_TRY(rd_msg(r, &f, "type", &t, err));
      OAR_TRY(decode_type(&t, v, err));
    } else {
      OAR_TRY(oar_pb_skip(r, f.num, f.wire, err));
    }
  }
  return OAR_OK;
}

/* ---- AttributeProto ----------------------------------------------------- */

static void graph_free(onnx_graph *g);
static oar_status decode_graph(oar_pb_reader *r, onnx_graph *g, int depth, oar_error *err);

static void attr_free(onnx_attr *a) {
  if (a->g) {
    graph_free(a->g);
    oar_free(a->g);
  }
  if (a->t) {
    onnx_tensor_free(a->t);
    oar_free(a->t);
  }
  oar_pb_u64s_free(&a->floats);
  oar_pb_u64s_free(&a->ints);
  oar_free(a->strings);
  memset(a, 0, sizeof *a);
}

static oar_status decode_attr(oar_pb_reader *r, onnx_attr *a, int depth, oar_error *err) {
  size_t cap_strings = 0;
  while (!oar_pb_at_end(r)) {
    fld f;
    OAR_TRY(next(r, &f, err));
    switch (f.num) {
      case 1: OAR_TRY(rd_str(r, &f, "name", &a->name, err)); break;
      case 21: OAR_TRY(rd_str(r, &f, "ref_attr_name", &a->ref_attr_name, err)); break;
      case 20: OAR_TRY(rd_i32(r, &f, "type", &a->type, err)); break;
      case 2: {
        OAR_TRY(want(&f, "f", OAR_PB_I32, err));
        uint32_t bits;
        OAR_TRY(oar_pb_read_fixed32(r, &bits, err));
        memcpy(&a->f, &bits, sizeof a->f);
        break;
      }
      case 3: OAR_TRY(rd_i64(r, &f, "i", &a->i, err)); break;
      case 4: OAR_TRY(rd_str(r, &f, "s", &a->s, err)); break;
      case 5: {
        oar_pb_reader sub;
        OAR_TRY(rd_msg(r, &f, "t", &sub, err));
        if (a->t) {
          onnx_tensor_free(a->t);
        } else if (!(a->t = oar_calloc(1, sizeof *a->t))) {
          return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory decoding an attribute tensor");
        }
        memset(a->t, 0, sizeof *a->t);
        OAR_TRY(decode_tensor(&sub, a->t, err));
        break;
      }
      case 6: {
        a->has_graph = true;
        oar_pb_reader sub;
        OAR_TRY(rd_msg(r, &f, "g", &sub, err));
        if (a->g || depth >= ONNX_MAX_GRAPH_DEPTH)
          return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                               "attribute graph given twice or nested deeper than %d", ONNX_MAX_GRAPH_DEPTH);
        if (!(a->g = oar_calloc(1, sizeof *a->g)))
          return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory decoding a subgraph");
        OAR_TRY(decode_graph(&sub, a->g, depth + 1, err));
        break;
      }
      case 11:
        a->has_graph = true;
        OAR_TRY(oar_pb_skip(r, f.num, f.wire, err));
        break;
      case 7:
        OAR_TRY(oar_pb_read_repeated(r, 7, "floats", f.pos, f.wire, OAR_PB_I32, &a->floats, err));
        break;
      case 8: OAR_TRY(oar_pb_read_repeated(r, 8, "ints", f.pos, f.wire, OAR_PB_VARINT, &a->ints, err)); break;
      case 9: {
        onnx_str s;
        OAR_TRY(rd_str(r, &f, "strings", &s, err));
        OAR_TRY(push_str(&a->strings, &a->num_strings, &cap_strings, s, err));
        break;
      }
      case 10:
        a->num_tensors++;
        OAR_TRY(oar_pb_skip(r, f.num, f.wire, err));
        break;
      default: OAR_TRY(oar_pb_skip(r, f.num, f.wire, err)); break;
    }
  }
  return OAR_OK;
}

/* ---- NodeProto ---------------------------------------------------------- */

static void node_free(onnx_node *n) {
  oar_free(n->inputs);
  oar_free(n->outputs);
  for (size_t i = 0; i < n->num_attrs; i++) attr_free(&n->attrs[i]);
  oar_free(n->attrs);
}

static oar_status decode_node(oar_pb_reader *r, onnx_node *n, int depth, oar_error *err) {
  size_t cap_in = 0, cap_out = 0, cap_attrs = 0;
  n->pos = r->pos;
  while (!oar_pb_at_end(r)) {
    fld f;
    OAR_TRY(next(r, &f, err));
    switch (f.num) {
      case 1: {
        onnx_str s;
        OAR_TRY(rd_str(r, &f, "input", &s, err));
        OAR_TRY(push_str(&n->inputs, &n->num_inputs, &cap_in, s, err));
        break;
      }
      case 2: {
        onnx_str s;
        OAR_TRY(rd_str(r, &f, "output", &s, err));
        OAR_TRY(push_str(&n->outputs, &n->num_outputs, &cap_out, s, err));
        break;
      }
      case 3: OAR_TRY(rd_str(r, &f, "name", &n->name, err)); break;
      case 4: OAR_TRY(rd_str(r, &f, "op_type", &n->op_type, err)); break;
      case 7: OAR_TRY(rd_str(r, &f, "domain", &n->domain, err)); break;
      case 5: {
        oar_pb_reader sub;
        void *slot;
        OAR_TRY(rd_msg(r, &f, "attribute", &sub, err));
        OAR_TRY(push((void **)&n->attrs, &n->num_attrs, &cap_attrs, sizeof *n->attrs, &slot, err));
        OAR_TRY(decode_attr(&sub, slot, depth, err));
        break;
      }
      default: OAR_TRY(oar_pb_skip(r, f.num, f.wire, err)); break;
    }
  }
  return OAR_OK;
}

/* ---- GraphProto / ModelProto -------------------------------------------- */

static void graph_free(onnx_graph *g) {
  if (!g) return;
  for (size_t i = 0; i < g->num_nodes; i++) node_free(&g->nodes[i]);
  oar_free(g->nodes);
  for (size_t i = 0; i < g->num_inits; i++) onnx_tensor_free(&g->inits[i]);
  oar_free(g->inits);
  oar_free(g->inputs);
  oar_free(g->outputs);
  memset(g, 0, sizeof *g);
}

static oar_status decode_graph(oar_pb_reader *r, onnx_graph *g, int depth, oar_error *err) {
  size_t cap_nodes = 0, cap_inits = 0, cap_in = 0, cap_out = 0;
  while (!oar_pb_at_end(r)) {
    fld f;
    oar_pb_reader sub;
    void *slot;
    OAR_TRY(next(r, &f, err));
    switch (f.num) {
      case 1:
        OAR_TRY(rd_msg(r, &f, "node", &sub, err));
        OAR_TRY(push((void **)&g->nodes, &g->num_nodes, &cap_nodes, sizeof *g->nodes, &slot, err));
        OAR_TRY(decode_node(&sub, slot, depth, err));
        break;
      case 5:
        OAR_TRY(rd_msg(r, &f, "initializer", &sub, err));
        OAR_TRY(push((void **)&g->inits, &g->num_inits, &cap_inits, sizeof *g->inits, &slot, err));
        OAR_TRY(decode_tensor(&sub, slot, err));
        break;
      case 15:
        g->num_sparse_inits++;
        OAR_TRY(oar_pb_skip(r, f.num, f.wire, err));
        break;
      case 11:
        OAR_TRY(rd_msg(r, &f, "input", &sub, err));
        OAR_TRY(push((void **)&g->inputs, &g->num_inputs, &cap_in, sizeof *g->inputs, &slot, err));
        OAR_TRY(decode_value_info(&sub, slot, err));
        break;
      case 12:
        OAR_TRY(rd_msg(r, &f, "output", &sub, err));
        OAR_TRY(push((void **)&g->outputs, &g->num_outputs, &cap_out, sizeof *g->outputs, &slot, err));
        OAR_TRY(decode_value_info(&sub, slot, err));
        break;
      default: OAR_TRY(oar_pb_skip(r, f.num, f.wire, err)); break;
    }
  }
  return OAR_OK;
}

void onnx_model_free(onnx_model *m) {
  if (!m) return;
  oar_free(m->opsets);
  graph_free(&m->graph);
  memset(m, 0, sizeof *m);
}

oar_status onnx_model_decode(const void *data, size_t size, onnx_model *m, oar_error *err) {
  memset(m, 0, sizeof *m);
  oar_pb_reader r;
  oar_pb_reader_init(&r, data, size);
  size_t cap_opsets = 0;
  while (!oar_pb_at_end(&r)) {
    fld f;
    oar_pb_reader sub;
    OAR_TRY(next(&r, &f, err));
    switch (f.num) {
      case 1: OAR_TRY(rd_i64(&r, &f, "ir_version", &m->ir_version, err)); break;
      case 8: {
        void *slot;
        OAR_TRY(rd_msg(&r, &f, "opset_import", &sub, err));
        OAR_TRY(push((void **)&m->opsets, &m->num_opsets, &cap_opsets, sizeof *m->opsets, &slot, err));
        onnx_opset *o = slot;
        while (!oar_pb_at_end(&sub)) {
          fld g;
          OAR_TRY(next(&sub, &g, err));
          if (g.num == 1)
            OAR_TRY(rd_str(&sub, &g, "domain", &o->domain, err));
          else if (g.num == 2)
            OAR_TRY(rd_i64(&sub, &g, "version", &o->version, err));
          else
            OAR_TRY(oar_pb_skip(&sub, g.num, g.wire, err));
        }
        break;
      }
      case 7:
        OAR_TRY(rd_msg(&r, &f, "graph", &sub, err));
        graph_free(&m->graph);
        m->has_graph = true;
        OAR_TRY(decode_graph(&sub, &m->graph, 0, err));
        break;
      case 25:
        m->num_functions++;
        OAR_TRY(oar_pb_skip(&r, f.num, f.wire, err));
        break;
      default: OAR_TRY(oar_pb_skip(&r, f.num, f.wire, err)); break;
    }
  }
  return OAR_OK;
}

/* ---- strings, dtypes, data ---------------------------------------------- */

bool onnx_str_eq(onnx_str s, const char *c) {
  size_t n = strlen(c);
  return s.n == n && (n == 0 || memcmp(s.p, c, n) == 0);
}

char *onnx_str_dup(onnx_str s) { return oar_strndup(s.n ? s.p : "", s.n); }

oar_dtype onnx_dtype_to_oar(int32_t t) {
  switch (t) {
    case ONNX_FLOAT: return OAR_DTYPE_FLOAT32;
    case ONNX_UINT8: return OAR_DTYPE_UINT8;
    case ONNX_INT8: return OAR_DTYPE_INT8;
    case ONNX_INT16: return OAR_DTYPE_INT16;
    case ONNX_INT32: return OAR_DTYPE_INT32;
    case ONNX_INT64: return OAR_DTYPE_INT64;
    case ONNX_BOOL: return OAR_DTYPE_BOOL;
    case ONNX_FLOAT16: return OAR_DTYPE_FLOAT16;
    case ONNX_DOUBLE: return OAR_DTYPE_FLOAT64;
    default: return OAR_DTYPE_UNKNOWN;
  }
}

const char *onnx_dtype_name(int32_t t) {
  static const char *names[] = {"UNDEFINED",      "FLOAT",    "UINT8",        "INT8",           "UINT16",
                                "INT16",          "INT32",    "INT64",        "STRING",         "BOOL",
                                "FLOAT16",        "DOUBLE",   "UINT32",       "UINT64",         "COMPLEX64",
                                "COMPLEX128",     "BFLOAT16", "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2",
                                "FLOAT8E5M2FNUZ", "UINT4",    "INT4",         "FLOAT4E2M1"};
  if (t >= 0 && t < (int32_t)(sizeof names / sizeof names[0])) return names[t];
  return "unknown data type";
}

oar_status onnx_tensor_shape(const onnx_tensor *t, oar_shape *shape, oar_error *err) {
  if (t->rank > OAR_MAX_RANK)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "tensor '%.*s' has rank %d, above oar's limit of %d",
                         (int)t->name.n, onnx_str_p(t->name), t->rank, OAR_MAX_RANK);
  shape->rank = t->rank;
  for (int i = 0; i < t->rank; i++) {
    if (t->dims[i] < 0)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "tensor '%.*s' has negative dim %lld", (int)t->name.n,
                           onnx_str_p(t->name), (long long)t->dims[i]);
    shape->dims[i] = t->dims[i];
  }
  if (oar_shape_numel(shape) < 0)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "tensor '%.*s' has too many elements", (int)t->name.n,
                         onnx_str_p(t->name));
  return OAR_OK;
}

/* Which typed field holds each data type (onnx.proto's comments). */
static uint32_t typed_field_of(int32_t t) {
  switch (t) {
    case ONNX_FLOAT: return 4;
    case ONNX_UINT8:
    case ONNX_INT8:
    case ONNX_UINT16:
    case ONNX_INT16:
    case ONNX_INT32:
    case ONNX_BOOL:
    case ONNX_FLOAT16:
    case ONNX_BFLOAT16: return 5;
    case ONNX_INT64: return 7;
    case ONNX_DOUBLE: return 10;
    case ONNX_UINT32:
    case ONNX_UINT64: return 11;
    default: return 0;
  }
}

oar_status onnx_tensor_copy_inline(const onnx_tensor *t, oar_dtype dtype, void *dst, size_t bytes,
                                   oar_error *err) {
  const int nlen = (int)(t->name.n > 200 ? 200 : t->name.n);
  if (t->external)
    return oar_error_set(err, OAR_ERR_INTERNAL, "tensor '%.*s' is external", nlen, onnx_str_p(t->name));
  size_t esize = oar_dtype_bytes(dtype);
  if (esize == 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "tensor '%.*s': unsupported dtype", nlen,
                         onnx_str_p(t->name));
  size_t count = bytes / esize;
  if (t->has_raw) {
    if (t->raw_len != bytes)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                           "tensor '%.*s': raw_data holds %zu bytes, its dims and type need %zu", nlen,
                           onnx_str_p(t->name), t->raw_len, bytes);
    if (bytes) memcpy(dst, t->raw, bytes);
    /* ONNX stores bools as bytes; keep them 0/1. */
    if (dtype == OAR_DTYPE_BOOL)
      for (size_t i = 0; i < count; i++) ((uint8_t *)dst)[i] = ((uint8_t *)dst)[i] != 0;
    return OAR_OK;
  }
  if (count == 0) return OAR_OK;
  if (t->num_strings)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "tensor '%.*s' holds strings", nlen, onnx_str_p(t->name));
  if (t->typed.n != count || t->typed_field != typed_field_of(t->data_type))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "tensor '%.*s' of type %s: found %zu values (field #%u), its dims need %zu", nlen,
                         onnx_str_p(t->name), onnx_dtype_name(t->data_type), t->typed.n, t->typed_field,
                         count);
  const uint64_t *v = t->typed.v;
  for (size_t i = 0; i < count; i++) {
    switch (dtype) {
      case OAR_DTYPE_FLOAT32: {
        uint32_t b = (uint32_t)v[i];
        memcpy((char *)dst + 4 * i, &b, 4);
        break;
      }
      case OAR_DTYPE_FLOAT64: memcpy((char *)dst + 8 * i, &v[i], 8); break;
      case OAR_DTYPE_INT64: ((int64_t *)dst)[i] = (int64_t)v[i]; break;
      case OAR_DTYPE_INT32: ((int32_t *)dst)[i] = (int32_t)(uint32_t)v[i]; break;
      case OAR_DTYPE_INT16:
      case OAR_DTYPE_FLOAT16: ((uint16_t *)dst)[i] = (uint16_t)v[i]; break;
      case OAR_DTYPE_INT8:
      case OAR_DTYPE_UINT8: ((uint8_t *)dst)[i] = (uint8_t)v[i]; break;
      case OAR_DTYPE_BOOL: ((uint8_t *)dst)[i] = v[i] != 0; break;
      default:
        return oar_error_set(err, OAR_ERR_UNSUPPORTED, "tensor '%.*s': unsupported dtype", nlen,
                             onnx_str_p(t->name));
    }
  }
  return OAR_OK;
}
