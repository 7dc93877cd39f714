#include "frontend/pir/pir_program.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "frontend/paddle/program.h"
#include "base/platform.h"

/* ---- dtypes ------------------------------------------------------------------ */

typedef struct dtype_name {
  const char *elem;  /* element type name without "0." */
  const char *dtype; /* DataType attribute string */
  int32_t vartype;
} dtype_name;

static const dtype_name kDtypes[] = {
    {"t_bool", "bool", OAR_PD_BOOL},          {"t_i8", "int8", OAR_PD_INT8},
    {"t_ui8", "uint8", OAR_PD_UINT8},         {"t_i16", "int16", OAR_PD_INT16},
    {"t_i32", "int32", OAR_PD_INT32},         {"t_i64", "int64", OAR_PD_INT64},
    {"t_f16", "float16", OAR_PD_FP16},        {"t_bf16", "bfloat16", OAR_PD_BF16},
    {"t_f32", "float32", OAR_PD_FP32},        {"t_f64", "float64", OAR_PD_FP64},
    {"t_c64", "complex64", OAR_PD_COMPLEX64}, {"t_c128", "complex128", OAR_PD_COMPLEX128},
};

int32_t oar_pir_elem_vartype(const char *elem) {
  if (strncmp(elem, "0.", 2) != 0) return -1;
  for (size_t k = 0; k < sizeof kDtypes / sizeof kDtypes[0]; k++)
    if (strcmp(elem + 2, kDtypes[k].elem) == 0) return kDtypes[k].vartype;
  return -1;
}

int32_t oar_pir_dtype_vartype(const char *dtype) {
  for (size_t k = 0; k < sizeof kDtypes / sizeof kDtypes[0]; k++)
    if (strcmp(dtype, kDtypes[k].dtype) == 0) return kDtypes[k].vartype;
  if (strncmp(dtype, "Undefined", 9) == 0 || strcmp(dtype, "undefined") == 0) return -2;
  return -1;
}

/* ---- messages ---------------------------------------------------------------- */

typedef struct reader {
  const char *file;
  const oar_pir_op *op; /* being read, for messages; NULL outside ops */
  size_t op_index;
  oar_error *err;
} reader;

const char *oar_pir_op_describe(const oar_pir_op *op, size_t index, char *buf, size_t size) {
  snprintf(buf, size, "op #%zu '%s' (byte %zu)", index, op->name ? op->name : "?", op->offset);
  return buf;
}

static oar_status bad(reader *r, oar_status code, const char *fmt, ...) OAR_PRINTF_FMT(3, 4);
static oar_status bad(reader *r, oar_status code, const char *fmt, ...) {
  char what[OAR_ERROR_MSG_MAX], where[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (r->op)
    return oar_error_set(r->err, code, "PIR program '%s': %s: %s", r->file,
                         oar_pir_op_describe(r->op, r->op_index, where, sizeof where), what);
  return oar_error_set(r->err, code, "PIR program '%s': %s", r->file, what);
}

static oar_status oom(reader *r) {
  return oar_error_set(r->err, OAR_ERR_OUT_OF_MEMORY, "out of memory reading PIR program '%s'", r->file);
}

/* The member `key` of obj with JSON type `type`; `what` says where, for
 * the message. A missing member is an error unless optional. */
static oar_status member(reader *r, const oar_json *obj, const char *key, oar_json_type type,
                         const char *what, bool optional, const oar_json **out) {
  const oar_json *v = oar_json_get(obj, key);
  *out = NULL;
  if (!v) {
    if (optional) return OAR_OK;
    return bad(r, OAR_ERR_INVALID_MODEL, "%s (byte %zu) has no \"%s\"", what, obj->offset, key);
  }
  if (v->type != type)
    return bad(r, OAR_ERR_INVALID_MODEL, "\"%s\" of %s (byte %zu) is a JSON %s, expected %s %s", key, what,
               v->offset, oar_json_type_name(v->type),
               type == OAR_JSON_ARRAY || type == OAR_JSON_INT || type == OAR_JSON_OBJECT ? "an" : "a",
               oar_json_type_name(type));
  *out = v;
  return OAR_OK;
}

/* A C string without NULs (names become C strings downstream). */
static oar_status plain_string(reader *r, const oar_json *v, const char *what) {
  if (v->type != OAR_JSON_STRING)
    return bad(r, OAR_ERR_INVALID_MODEL, "%s (byte %zu) is a JSON %s, expected a string", what, v->offset,
               oar_json_type_name(v->type));
  if (strlen(v->u.str.s) != v->u.str.len)
    return bad(r, OAR_ERR_INVALID_MODEL, "%s (byte %zu) holds a NUL character", what, v->offset);
  return OAR_OK;
}

/* ---- value ids ------------------------------------------------------------------ */

/* Result ids already seen: an open-addressing set, so that checking every
 * operand of a large program stays linear. */
typedef struct id_set {
  int64_t *keys; /* 0 = empty slot (ids are > 0) */
  size_t cap, count;
} id_set;

static size_t id_hash(int64_t id) { return (size_t)((uint64_t)id * 0x9e3779b97f4a7c15ull >> 17); }

static bool id_set_has(const id_set *s, int64_t id) {
  if (!s->cap) return false;
  for (size_t i = id_hash(id) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
    if (s->keys[i] == id) return true;
    if (s->keys[i] == 0) return false;
  }
}

static bool id_set_add(id_set *s, int64_t id) {
  if ((s->count + 1) * 2 > s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 256;
    int64_t *keys = oar_calloc(cap, sizeof *keys);
    if (!keys) return false;
    for (size_t i = 0; i < s->cap; i++) {
      if (!s->keys[i]) continue;
      size_t j = id_hash(s->keys[i]) & (cap - 1);
      while (keys[j]) j = (j + 1) & (cap - 1);
      keys[j] = s->keys[i];
    }
    oar_free(s->keys);
    s->keys = keys;
    s->cap = cap;
  }
  size_t i = id_hash(id) & (s->cap - 1);
  while (s->keys[i]) i = (i + 1) & (s->cap - 1);
  s->keys[i] = id;
  s->count++;
  return true;
}

/* ---- types ---------------------------------------------------------------------- */

static void type_free(oar_pir_type *t) {
  oar_free(t->dims);
  for (size_t i = 0; i < t->num_elems; i++) type_free(&t->elems[i]);
  oar_free(t->elems);
  memset(t, 0, sizeof *t);
}

static oar_status read_type(reader *r, const oar_json *tt, oar_pir_type *out, int depth) {
  memset(out, 0, sizeof *out);
  if (tt->type != OAR_JSON_OBJECT)
    return bad(r, OAR_ERR_INVALID_MODEL, "type (byte %zu) is a JSON %s, expected an object {\"#\": ...}",
               tt->offset, oar_json_type_name(tt->type));
  const oar_json *id;
  OAR_TRY(member(r, tt, "#", OAR_JSON_STRING, "type", false, &id));
  OAR_TRY(plain_string(r, id, "type name"));
  out->name = id->u.str.s;
  if (strcmp(out->name, "NULL") == 0) {
    out->kind = OAR_PIR_TYPE_NULL;
    return OAR_OK;
  }
  if (strcmp(out->name, "0.t_vec") == 0) {
    const oar_json *d;
    OAR_TRY(member(r, tt, "D", OAR_JSON_ARRAY, "vector type", false, &d));
    if (depth > 8) return bad(r, OAR_ERR_UNSUPPORTED, "vector type (byte %zu) nested too deep", tt->offset);
    out->kind = OAR_PIR_TYPE_VEC;
    if (d->u.arr.n && !(out->elems = oar_calloc(d->u.arr.n, sizeof *out->elems))) return oom(r);
    for (size_t i = 0; i < d->u.arr.n; i++) {
      out->num_elems = i + 1;
      OAR_TRY(read_type(r, &d->u.arr.items[i], &out->elems[i], depth + 1));
    }
    return OAR_OK;
  }
  if (strcmp(out->name, "0.t_dtensor") != 0) {
    out->kind = OAR_PIR_TYPE_OTHER;
    return OAR_OK;
  }
  /* [elem, dims, layout, lod, offset] */
  const oar_json *d, *elem;
  OAR_TRY(member(r, tt, "D", OAR_JSON_ARRAY, "dense tensor type", false, &d));
  if (d->u.arr.n < 2 || d->u.arr.items[1].type != OAR_JSON_ARRAY)
    return bad(r, OAR_ERR_INVALID_MODEL,
               "dense tensor type (byte %zu) must hold [element type, dims, layout, lod, offset]",
               tt->offset);
  OAR_TRY(member(r, &d->u.arr.items[0], "#", OAR_JSON_STRING, "element type", false, &elem));
  OAR_TRY(plain_string(r, elem, "element type name"));
  out->kind = OAR_PIR_TYPE_DENSE;
  out->elem = elem->u.str.s;
  out->dtype = oar_pir_elem_vartype(out->elem);
  const oar_json *dims = &d->u.arr.items[1];
  out->rank = dims->u.arr.n;
  if (out->rank && !(out->dims = oar_malloc(out->rank * sizeof *out->dims))) return oom(r);
  for (size_t i = 0; i < out->rank; i++) {
    const oar_json *v = &dims->u.arr.items[i];
    if (v->type != OAR_JSON_INT || v->u.i < -1)
      return bad(r, OAR_ERR_INVALID_MODEL, "dim %zu of the tensor type at byte %zu is not an integer >= -1",
                 i, tt->offset);
    out->dims[i] = v->u.i;
  }
  return OAR_OK;
}

/* ---- ops ------------------------------------------------------------------------ */

/* "0.x" -> "builtin.x" and the other dialect ids of spec 4.3. */
static char *expand_name(const char *name) {
  static const char *const dialects[] = {"builtin.", "pd_op.", "cf.", "custom_op.", "dist_op."};
  if (strcmp(name, "p") == 0) return oar_strdup("builtin.parameter");
  if (name[0] >= '0' && name[0] <= '4' && name[1] == '.') {
    const char *prefix = dialects[name[0] - '0'];
    size_t a = strlen(prefix), b = strlen(name + 2);
    char *s = oar_malloc(a + b + 1);
    if (!s) return NULL;
    memcpy(s, prefix, a);
    memcpy(s + a, name + 2, b + 1);
    return s;
  }
  return oar_strdup(name);
}

static oar_status read_result(reader *r, const oar_json *v, oar_pir_result *out, id_set *ids) {
  const oar_json *id, *tt;
  OAR_TRY(member(r, v, "%", OAR_JSON_INT, "result", false, &id));
  OAR_TRY(member(r, v, "TT", OAR_JSON_OBJECT, "result", false, &tt));
  if (id->u.i <= 0)
    return bad(r, OAR_ERR_INVALID_MODEL, "result id %lld (byte %zu) must be > 0", (long long)id->u.i,
               id->offset);
  if (id_set_has(ids, id->u.i))
    return bad(r, OAR_ERR_INVALID_MODEL, "result id %lld (byte %zu) is already defined by an earlier op",
               (long long)id->u.i, id->offset);
  if (!id_set_add(ids, id->u.i)) return oom(r);
  out->id = id->u.i;
  return read_type(r, tt, &out->type, 0);
}

/* "A":[is_distributed, is_parameter, need_clip, name], "OA":[persistable, stop_gradient, trainable] */
static oar_status read_parameter(reader *r, const oar_json *v, oar_pir_op *op, id_set *ids) {
  const oar_json *a, *o, *oa;
  OAR_TRY(member(r, v, "A", OAR_JSON_ARRAY, "parameter op", false, &a));
  if (a->u.arr.n != 4)
    return bad(r, OAR_ERR_INVALID_MODEL,
               "\"A\" (byte %zu) has %zu entries, expected 4 [is_distributed, is_parameter, need_clip, name]",
               a->offset, a->u.arr.n);
  OAR_TRY(plain_string(r, &a->u.arr.items[3], "parameter name"));
  op->param_name = a->u.arr.items[3].u.str.s;
  if (!op->param_name[0])
    return bad(r, OAR_ERR_INVALID_MODEL, "parameter name (byte %zu) is empty", a->offset);
  OAR_TRY(member(r, v, "O", OAR_JSON_OBJECT, "parameter op", false, &o));
  if (!(op->results = oar_calloc(1, sizeof *op->results))) return oom(r);
  op->num_results = 1;
  OAR_TRY(read_result(r, o, &op->results[0], ids));
  OAR_TRY(member(r, v, "OA", OAR_JSON_ARRAY, "parameter op", true, &oa));
  op->persistable = true;
  if (oa) {
    if (oa->u.arr.n != 3 || oa->u.arr.items[0].type != OAR_JSON_INT)
      return bad(r, OAR_ERR_INVALID_MODEL,
                 "\"OA\" (byte %zu) must hold 3 integers [persistable, stop_gradient, trainable]",
                 oa->offset);
    op->persistable = oa->u.arr.items[0].u.i != 0;
  }
  return OAR_OK;
}

static oar_status read_op(reader *r, const oar_json *v, oar_pir_op *op, id_set *ids) {
  const oar_json *name, *in, *out, *attrs, *regions;
  OAR_TRY(member(r, v, "#", OAR_JSON_STRING, "op", false, &name));
  OAR_TRY(plain_string(r, name, "op name"));
  if (!(op->name = expand_name(name->u.str.s))) return oom(r);
  if (strcmp(name->u.str.s, "p") == 0) return read_parameter(r, v, op, ids);

  OAR_TRY(member(r, v, "I", OAR_JSON_ARRAY, "op", true, &in));
  OAR_TRY(member(r, v, "O", OAR_JSON_ARRAY, "op", true, &out));
  OAR_TRY(member(r, v, "A", OAR_JSON_ARRAY, "op", true, &attrs));
  OAR_TRY(member(r, v, "regions", OAR_JSON_ARRAY, "op", true, &regions));
  op->has_regions = regions && regions->u.arr.n;
  /* Operands refer to results of earlier ops only: check before this op's
   * own results are added. */
  size_t n = in ? in->u.arr.n : 0;
  if (n && !(op->operands = oar_calloc(n, sizeof *op->operands))) return oom(r);
  for (size_t i = 0; i < n; i++) {
    const oar_json *id;
    OAR_TRY(member(r, &in->u.arr.items[i], "%", OAR_JSON_INT, "operand", false, &id));
    op->num_operands = i + 1;
    op->operands[i] = id->u.i;
    if (id->u.i != 0 && !id_set_has(ids, id->u.i))
      return bad(r, OAR_ERR_INVALID_MODEL,
                 "operand %zu (byte %zu) is value %lld, which no earlier op defines", i, id->offset,
                 (long long)id->u.i);
  }
  n = out ? out->u.arr.n : 0;
  if (n && !(op->results = oar_calloc(n, sizeof *op->results))) return oom(r);
  for (size_t i = 0; i < n; i++) {
    op->num_results = i + 1;
    OAR_TRY(read_result(r, &out->u.arr.items[i], &op->results[i], ids));
  }
  n = attrs ? attrs->u.arr.n : 0;
  if (n && !(op->attrs = oar_calloc(n, sizeof *op->attrs))) return oom(r);
  for (size_t i = 0; i < n; i++) {
    const oar_json *a = &attrs->u.arr.items[i], *nm, *at;
    OAR_TRY(member(r, a, "N", OAR_JSON_STRING, "attribute", false, &nm));
    OAR_TRY(plain_string(r, nm, "attribute name"));
    OAR_TRY(member(r, a, "AT", OAR_JSON_OBJECT, "attribute", false, &at));
    for (size_t k = 0; k < i; k++)
      if (strcmp(op->attrs[k].name, nm->u.str.s) == 0)
        return bad(r, OAR_ERR_INVALID_MODEL, "attribute '%s' (byte %zu) is given twice", nm->u.str.s,
                   a->offset);
    op->attrs[i].name = nm->u.str.s;
    op->attrs[i].at = at;
    op->num_attrs = i + 1;
  }
  return OAR_OK;
}

/* program.regions[0].blocks[0].ops, checking there is nothing else. */
static oar_status top_block_ops(reader *r, const oar_json *root, const oar_json **ops) {
  const oar_json *program, *regions, *blocks, *args;
  OAR_TRY(member(r, root, "program", OAR_JSON_OBJECT, "the top-level object", false, &program));
  OAR_TRY(member(r, program, "regions", OAR_JSON_ARRAY, "\"program\"", false, &regions));
  if (regions->u.arr.n != 1)
    return bad(r, regions->u.arr.n ? OAR_ERR_UNSUPPORTED : OAR_ERR_INVALID_MODEL,
               "\"program\" has %zu regions (byte %zu), expected 1", regions->u.arr.n, regions->offset);
  OAR_TRY(member(r, &regions->u.arr.items[0], "blocks", OAR_JSON_ARRAY, "region 0", false, &blocks));
  if (blocks->u.arr.n != 1)
    return bad(r, blocks->u.arr.n ? OAR_ERR_UNSUPPORTED : OAR_ERR_INVALID_MODEL,
               "region 0 has %zu blocks (byte %zu), expected 1", blocks->u.arr.n, blocks->offset);
  const oar_json *block = &blocks->u.arr.items[0];
  OAR_TRY(member(r, block, "args", OAR_JSON_ARRAY, "block 0", true, &args));
  if (args && args->u.arr.n)
    return bad(r, OAR_ERR_UNSUPPORTED, "block 0 has %zu block arguments (byte %zu); oar reads none",
               args->u.arr.n, args->offset);
  return member(r, block, "ops", OAR_JSON_ARRAY, "block 0", false, ops);
}

static oar_status check_base_code(reader *r, const oar_json *root, int64_t *version) {
  if (root->type != OAR_JSON_OBJECT)
    return bad(r, OAR_ERR_INVALID_MODEL, "the document is a JSON %s, expected an object",
               oar_json_type_name(root->type));
  const oar_json *base, *magic, *v;
  OAR_TRY(member(r, root, "base_code", OAR_JSON_OBJECT, "the top-level object", false, &base));
  OAR_TRY(member(r, base, "magic", OAR_JSON_STRING, "\"base_code\"", false, &magic));
  if (strcmp(magic->u.str.s, "pir") != 0)
    return bad(r, OAR_ERR_INVALID_MODEL, "\"magic\" (byte %zu) is \"%.32s\", expected \"pir\"", magic->offset,
               magic->u.str.s);
  OAR_TRY(member(r, base, "version", OAR_JSON_INT, "\"base_code\"", false, &v));
  if (v->u.i < 1 || v->u.i > OAR_PIR_MAX_VERSION)
    return bad(r, OAR_ERR_UNSUPPORTED,
               "serialization version %lld (byte %zu) is not one oar reads (1 to %d; Paddle 3.3 writes 4)",
               (long long)v->u.i, v->offset, OAR_PIR_MAX_VERSION);
  *version = v->u.i;
  return OAR_OK;
}

static void op_free(oar_pir_op *op) {
  oar_free(op->name);
  oar_free(op->operands);
  for (size_t i = 0; i < op->num_results; i++) type_free(&op->results[i].type);
  oar_free(op->results);
  oar_free(op->attrs);
}

void oar_pir_program_free(oar_pir_program *p) {
  if (!p) return;
  for (size_t i = 0; i < p->num_ops; i++) op_free(&p->ops[i]);
  oar_free(p->ops);
  oar_json_doc_free(&p->doc);
  memset(p, 0, sizeof *p);
}

#define MAX_REGION_DEPTH 16

typedef struct op_list {
  oar_pir_op *ops;
  size_t n, cap;
} op_list;

static oar_pir_op *push_op(reader *r, op_list *l) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 64;
    oar_pir_op *ops = oar_realloc(l->ops, cap * sizeof *ops);
    if (!ops) return NULL;
    memset(ops + l->cap, 0, (cap - l->cap) * sizeof *ops);
    l->ops = ops;
    l->cap = cap;
  }
  (void)r;
  return &l->ops[l->n++];
}

static oar_status read_ops(reader *r, const oar_json *ops, op_list *l, id_set *ids, int depth);

/* The regions of control flow op #index: each one block, its arguments as
 * the results of an "oar.block_args" op, then its ops. */
static oar_status read_regions(reader *r, const oar_json *v, op_list *l, size_t index, id_set *ids,
                               int depth) {
  const oar_json *regions;
  OAR_TRY(member(r, v, "regions", OAR_JSON_ARRAY, "op", false, &regions));
  if (regions->u.arr.n > 2)
    return bad(r, OAR_ERR_UNSUPPORTED, "has %zu regions (byte %zu); oar reads at most 2", regions->u.arr.n,
               regions->offset);
  if (depth >= MAX_REGION_DEPTH)
    return bad(r, OAR_ERR_UNSUPPORTED, "regions nest deeper than %d", MAX_REGION_DEPTH);
  l->ops[index].num_regions = regions->u.arr.n;
  for (size_t g = 0; g < regions->u.arr.n; g++) {
    const oar_json *blocks, *args, *ops;
    r->op = &l->ops[index]; /* messages name the control flow op */
    r->op_index = index;
    OAR_TRY(member(r, &regions->u.arr.items[g], "blocks", OAR_JSON_ARRAY, "region", false, &blocks));
    if (blocks->u.arr.n != 1)
      return bad(r, OAR_ERR_UNSUPPORTED, "region %zu has %zu blocks (byte %zu), expected 1", g,
                 blocks->u.arr.n, blocks->offset);
    const oar_json *block = &blocks->u.arr.items[0];
    OAR_TRY(member(r, block, "args", OAR_JSON_ARRAY, "block", true, &args));
    OAR_TRY(member(r, block, "ops", OAR_JSON_ARRAY, "block", false, &ops));
    const size_t first = l->n;
    oar_pir_op *a = push_op(r, l);
    if (!a) return oom(r);
    a->offset = block->offset;
    if (!(a->name = oar_strdup("oar.block_args"))) return oom(r);
    const size_t nargs = args ? args->u.arr.n : 0;
    if (nargs && !(a->results = oar_calloc(nargs, sizeof *a->results))) return oom(r);
    for (size_t i = 0; i < nargs; i++) {
      const oar_json *id, *tt;
      OAR_TRY(member(r, &args->u.arr.items[i], "#", OAR_JSON_INT, "block argument", false, &id));
      OAR_TRY(member(r, &args->u.arr.items[i], "TT", OAR_JSON_OBJECT, "block argument", false, &tt));
      if (id->u.i >= 0 || id_set_has(ids, id->u.i))
        return bad(r, OAR_ERR_INVALID_MODEL, "block argument id %lld (byte %zu) must be < 0 and new",
                   (long long)id->u.i, id->offset);
      if (!id_set_add(ids, id->u.i)) return oom(r);
      l->ops[first].num_results = i + 1;
      l->ops[first].results[i].id = id->u.i;
      OAR_TRY(read_type(r, tt, &l->ops[first].results[i].type, 0));
    }
    OAR_TRY(read_ops(r, ops, l, ids, depth + 1));
    l->ops[index].region_ops[g] = l->n - first;
    r->op = NULL;
  }
  return OAR_OK;
}

static oar_status read_ops(reader *r, const oar_json *ops, op_list *l, id_set *ids, int depth) {
  for (size_t i = 0; i < ops->u.arr.n; i++) {
    const oar_json *v = &ops->u.arr.items[i];
    const size_t index = l->n;
    oar_pir_op op;
    memset(&op, 0, sizeof op);
    op.offset = v->offset;
    r->op = &op;
    r->op_index = index;
    oar_status st =
        v->type != OAR_JSON_OBJECT
            ? bad(r, OAR_ERR_INVALID_MODEL, "is a JSON %s, expected an object", oar_json_type_name(v->type))
            : read_op(r, v, &op, ids);
    oar_pir_op *slot = st == OAR_OK ? push_op(r, l) : NULL;
    if (!slot) {
      op_free(&op);
      return st != OAR_OK ? st : oom(r);
    }
    *slot = op;
    r->op = NULL;
    if (op.has_regions) OAR_TRY(read_regions(r, v, l, index, ids, depth));
  }
  return OAR_OK;
}

oar_status oar_pir_program_read(const void *data, size_t size, const char *file, oar_pir_program *out,
                                oar_error *err) {
  reader r = {.file = file ? file : "<memory>", .err = err};
  oar_pir_program p;
  memset(&p, 0, sizeof p);
  if (oar_json_parse(data, size, &p.doc, err) != OAR_OK)
    return oar_error_prefix(err, "PIR program '%s': ", r.file);
  id_set ids = {0};
  const oar_json *ops;
  op_list l = {0};
  oar_status st = check_base_code(&r, &p.doc.root, &p.version);
  if (st == OAR_OK) st = top_block_ops(&r, &p.doc.root, &ops);
  if (st == OAR_OK) st = read_ops(&r, ops, &l, &ids, 0);
  p.ops = l.ops;
  p.num_ops = l.n;
  oar_free(ids.keys);
  if (st != OAR_OK) {
    oar_pir_program_free(&p);
    return st;
  }
  *out = p;
  return OAR_OK;
}

const oar_pir_attr *oar_pir_op_attr(const oar_pir_op *op, const char *name) {
  for (size_t i = 0; i < op->num_attrs; i++)
    if (strcmp(op->attrs[i].name, name) == 0) return &op->attrs[i];
  return NULL;
}
