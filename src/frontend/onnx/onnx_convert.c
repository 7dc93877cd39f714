/* The converter helpers declared in onnx_convert.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "frontend/onnx/onnx_state.h"

int cx_in(const onnx_cx *cx, int i) { return i >= 0 && i < cx->num_in ? cx->in[i] : -1; }
int cx_out(const onnx_cx *cx, int i) { return i >= 0 && i < cx->num_out ? cx->out[i] : -1; }

const onnx_attr *cx_attr(const onnx_cx *cx, const char *name) {
  for (size_t i = 0; i < cx->node->num_attrs; i++)
    if (onnx_str_eq(cx->node->attrs[i].name, name)) return &cx->node->attrs[i];
  return NULL;
}

int64_t cx_attr_i(const onnx_cx *cx, const char *name, int64_t def) {
  const onnx_attr *a = cx_attr(cx, name);
  return a ? a->i : def;
}

float cx_attr_f(const onnx_cx *cx, const char *name, float def) {
  const onnx_attr *a = cx_attr(cx, name);
  return a ? a->f : def;
}

const char *cx_attr_s(const onnx_cx *cx, const char *name, const char *def, char *buf, size_t size) {
  const onnx_attr *a = cx_attr(cx, name);
  if (!a) return def;
  snprintf(buf, size, "%.*s", (int)(a->s.n > 4096 ? 4096 : a->s.n), a->s.n ? a->s.p : "");
  return buf;
}

bool cx_attr_ints(onnx_cx *cx, const char *name, int64_t *v, int cap, int *n) {
  const onnx_attr *a = cx_attr(cx, name);
  *n = 0;
  if (!a) return false;
  if (a->ints.n > (size_t)cap) {
    cx_unsupported(cx, "attribute '%s' has %zu values (at most %d supported)", name, a->ints.n, cap);
    return false;
  }
  for (size_t i = 0; i < a->ints.n; i++) v[i] = (int64_t)a->ints.v[i];
  *n = (int)a->ints.n;
  return true;
}

bool cx_attr_floats(onnx_cx *cx, const char *name, double *v, int cap, int *n) {
  const onnx_attr *a = cx_attr(cx, name);
  *n = 0;
  if (!a) return false;
  if (a->floats.n > (size_t)cap) {
    cx_unsupported(cx, "attribute '%s' has %zu values (at most %d supported)", name, a->floats.n, cap);
    return false;
  }
  for (size_t i = 0; i < a->floats.n; i++) {
    uint32_t bits = (uint32_t)a->floats.v[i];
    float f;
    memcpy(&f, &bits, sizeof f);
    v[i] = f;
  }
  *n = (int)a->floats.n;
  return true;
}

bool cx_info(const onnx_cx *cx, int v, oar_dtype *dtype, oar_shape *shape) {
  if (v < 0 || !onnx_ld_known(cx->ld, v)) return false;
  if (dtype) *dtype = cx->g->values[v].dtype;
  if (shape) *shape = cx->g->values[v].shape;
  return true;
}

int cx_rank(const onnx_cx *cx, int v) {
  oar_shape s;
  return cx_info(cx, v, NULL, &s) ? s.rank : -1;
}

const oar_value *cx_const(const onnx_cx *cx, int v) {
  if (v < 0 || cx->g->values[v].kind != OAR_VALUE_CONSTANT) return NULL;
  return &cx->g->values[v];
}

bool cx_const_ints(onnx_cx *cx, int v, int64_t *dst, int cap, int *n) {
  const oar_value *c = cx_const(cx, v);
  *n = 0;
  if (!c) return false;
  int64_t count = oar_shape_numel(&c->shape);
  if (c->dtype != OAR_DTYPE_INT64 && c->dtype != OAR_DTYPE_INT32) {
    cx_invalid(cx, "input '%s' must be int32 or int64, found %s", c->name, oar_dtype_str(c->dtype));
    return false;
  }
  if (count < 0 || count > cap) {
    cx_unsupported(cx, "input '%s' has %lld values (at most %d supported)", c->name, (long long)count, cap);
    return false;
  }
  for (int64_t i = 0; i < count; i++)
    dst[i] = c->dtype == OAR_DTYPE_INT64 ? ((const int64_t *)c->data)[i] : ((const int32_t *)c->data)[i];
  *n = (int)count;
  return true;
}

/* ---- emitting ------------------------------------------------------------ */

oar_status cx_begin(onnx_cx *cx, oar_op_id op, oar_node_builder *b) {
  memset(b, 0, sizeof *b);
  if (cx->st != OAR_OK) return cx->st;
  const oar_op_schema *s = oar_schema_by_id(op);
  if (!s) return cx->st = oar_error_set(cx->err, OAR_ERR_INTERNAL, "no schema for op id %d", (int)op);
  return cx->st = oar_node_begin(b, cx->g, s, cx->node_index, cx->err);
}

void cx_add_in(onnx_cx *cx, oar_node_builder *b, int slot, int v) {
  if (cx->st != OAR_OK || v < 0) return;
  cx->st = oar_node_add_input(b, slot, v, cx->err);
}

void cx_add_out(onnx_cx *cx, oar_node_builder *b, int slot, int v) {
  if (cx->st != OAR_OK || v < 0) return;
  cx->st = oar_node_add_output(b, slot, v, cx->err);
}

static void set_attr(onnx_cx *cx, oar_node_builder *b, const char *name, const oar_attr *a) {
  if (cx->st != OAR_OK) return;
  int idx = oar_schema_attr_index(b->node.schema, name);
  if (idx < 0) {
    cx->st =
        oar_error_set(cx->err, OAR_ERR_INTERNAL, "op %s has no attribute '%s'", b->node.schema->name, name);
    return;
  }
  cx->st = oar_node_set_attr(b, idx, a, cx->err);
}

void cx_set_i(onnx_cx *cx, oar_node_builder *b, const char *name, int64_t v) {
  oar_attr a = {.type = OAR_ATTR_INT, .i = v};
  set_attr(cx, b, name, &a);
}

void cx_set_f(onnx_cx *cx, oar_node_builder *b, const char *name, double v) {
  oar_attr a = {.type = OAR_ATTR_FLOAT, .f = v};
  set_attr(cx, b, name, &a);
}

void cx_set_s(onnx_cx *cx, oar_node_builder *b, const char *name, const char *v) {
  oar_attr a = {.type = OAR_ATTR_STRING, .s = (char *)v};
  set_attr(cx, b, name, &a);
}

void cx_set_ints(onnx_cx *cx, oar_node_builder *b, const char *name, const int64_t *v, int n) {
  oar_attr a = {.type = OAR_ATTR_INTS, .ints = (int64_t *)v, .n = (size_t)n};
  if (n == 0) a.ints = NULL;
  set_attr(cx, b, name, &a);
}

void cx_set_floats(onnx_cx *cx, oar_node_builder *b, const char *name, const double *v, int n) {
  oar_attr a = {.type = OAR_ATTR_FLOATS, .floats = (double *)v, .n = (size_t)n};
  if (n == 0) a.floats = NULL;
  set_attr(cx, b, name, &a);
}

oar_status cx_end(onnx_cx *cx, oar_node_builder *b) {
  if (!b->node.schema) return cx->st;
  if (cx->st != OAR_OK) {
    oar_node_abort(b);
    return cx->st;
  }
  if ((cx->st = oar_node_finish(b, cx->err)) != OAR_OK) return cx->st;
  return cx->st = onnx_ld_track_last_node(cx->ld, cx->err);
}

oar_status cx_unary(onnx_cx *cx, oar_op_id op, int x, int y) {
  oar_node_builder b;
  cx_begin(cx, op, &b);
  cx_add_in(cx, &b, 0, x);
  cx_add_out(cx, &b, 0, y);
  return cx_end(cx, &b);
}

oar_status cx_binary(onnx_cx *cx, oar_op_id op, int x, int y, int z) {
  oar_node_builder b;
  cx_begin(cx, op, &b);
  cx_add_in(cx, &b, 0, x);
  cx_add_in(cx, &b, 1, y);
  cx_add_out(cx, &b, 0, z);
  return cx_end(cx, &b);
}

int cx_temp(onnx_cx *cx) {
  if (cx->st != OAR_OK) return -1;
  const char *base = "tmp";
  for (int i = 0; i < cx->num_out; i++)
    if (cx->out[i] >= 0) {
      base = cx->g->values[cx->out[i]].name;
      break;
    }
  char name[320];
  for (;;) {
    snprintf(name, sizeof name, "%.250s/oar.%d", base, cx->ld->temps++);
    if (onnx_ld_find(cx->ld, name, strlen(name)) < 0) break;
  }
  int id = -1;
  oar_shape none = {0};
  cx->st = onnx_ld_add(cx->ld, name, strlen(name), OAR_DTYPE_UNKNOWN, &none, &id, cx->err);
  return cx->st == OAR_OK ? id : -1;
}

static int make_const(onnx_cx *cx, oar_dtype dtype, const void *v, int n, int rank) {
  int id = cx_temp(cx);
  if (id < 0) return -1;
  oar_shape s = {.rank = rank};
  if (rank == 1) s.dims[0] = n;
  cx->st = oar_graph_set_constant(cx->g, id, dtype, &s, v, (size_t)n * oar_dtype_bytes(dtype), cx->err);
  if (cx->st == OAR_OK) cx->st = onnx_ld_set_known(cx->ld, id, true, cx->err);
  return cx->st == OAR_OK ? id : -1;
}

int cx_const_i64(onnx_cx *cx, const int64_t *v, int n, int rank) {
  return make_const(cx, OAR_DTYPE_INT64, v, n, rank);
}
int cx_const_f32(onnx_cx *cx, const float *v, int n, int rank) {
  return make_const(cx, OAR_DTYPE_FLOAT32, v, n, rank);
}

oar_status cx_unsupported(onnx_cx *cx, const char *fmt, ...) {
  char msg[OAR_ERROR_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (cx->st != OAR_OK) return cx->st;
  return cx->st = oar_error_set(cx->err, OAR_ERR_UNSUPPORTED, "%s", msg);
}

oar_status cx_invalid(onnx_cx *cx, const char *fmt, ...) {
  char msg[OAR_ERROR_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (cx->st != OAR_OK) return cx->st;
  return cx->st = oar_error_set(cx->err, OAR_ERR_INVALID_MODEL, "%s", msg);
}

int cx_var_type(oar_dtype dtype) {
  switch (dtype) {
    case OAR_DTYPE_BOOL: return 0;
    case OAR_DTYPE_INT16: return 1;
    case OAR_DTYPE_INT32: return 2;
    case OAR_DTYPE_INT64: return 3;
    case OAR_DTYPE_FLOAT16: return 4;
    case OAR_DTYPE_FLOAT32: return 5;
    case OAR_DTYPE_FLOAT64: return 6;
    case OAR_DTYPE_UINT8: return 20;
    case OAR_DTYPE_INT8: return 21;
    default: return -1;
  }
}
