#include "frontend/paddle/program.h"

#include <string.h>

#include "base/alloc.h"

/* ---- arrays ------------------------------------------------------------
 * Arrays hold no capacity field: an array of n elements always has room for
 * pow2ceil(n), so appending stays amortized O(1) (a file with a million
 * unpacked floats must not cost a million reallocs). */

static size_t pow2ceil(size_t x) {
  size_t p = 1;
  while (p < x) {
    if (p > SIZE_MAX / 2) return 0;
    p *= 2;
  }
  return p;
}

/* Makes room for `add` more elements after n in *arr. New room is zeroed. */
static oar_status reserve(void **arr, size_t n, size_t add, size_t elem, oar_error *err) {
  size_t need;
  if (!oar_add_size(n, add, &need))
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "array of %zu + %zu elements is too large", n, add);
  size_t have = n ? pow2ceil(n) : 0;
  if (need <= have) return OAR_OK;
  size_t cap = pow2ceil(need), bytes;
  if (!cap || !oar_mul_size(cap, elem, &bytes))
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "array of %zu elements is too large", need);
  void *p = oar_realloc(*arr, bytes);
  if (!p)
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for an array of %zu elements", need);
  memset((char *)p + n * elem, 0, bytes - n * elem);
  *arr = p;
  return OAR_OK;
}

/* ---- scalar fields ------------------------------------------------------ */

typedef struct field_ctx {
  uint32_t field;
  oar_pb_wire wire;
  size_t tag_pos;
  const char *name;
} field_ctx;

static oar_status want(const field_ctx *f, oar_pb_wire w, oar_error *err) {
  return oar_pb_check_wire(f->field, f->name, f->tag_pos, f->wire, w, err);
}

static oar_status read_u64(oar_pb_reader *r, const field_ctx *f, uint64_t *v, oar_error *err) {
  OAR_TRY(want(f, OAR_PB_VARINT, err));
  return oar_pb_read_varint(r, v, err);
}

/* int32 on the wire is a sign-extended varint; like protobuf, keep the low
 * 32 bits. */
static oar_status read_i32(oar_pb_reader *r, const field_ctx *f, int32_t *v, oar_error *err) {
  uint64_t u;
  OAR_TRY(read_u64(r, f, &u, err));
  *v = (int32_t)(uint32_t)u;
  return OAR_OK;
}

static oar_status read_i64(oar_pb_reader *r, const field_ctx *f, int64_t *v, oar_error *err) {
  uint64_t u;
  OAR_TRY(read_u64(r, f, &u, err));
  *v = (int64_t)u;
  return OAR_OK;
}

static oar_status read_bool(oar_pb_reader *r, const field_ctx *f, bool *v, oar_error *err) {
  uint64_t u;
  OAR_TRY(read_u64(r, f, &u, err));
  *v = u != 0;
  return OAR_OK;
}

static float bits_to_float(uint32_t u) {
  float x;
  memcpy(&x, &u, sizeof x);
  return x;
}

static double bits_to_double(uint64_t u) {
  double x;
  memcpy(&x, &u, sizeof x);
  return x;
}

static oar_status read_float(oar_pb_reader *r, const field_ctx *f, float *v, oar_error *err) {
  uint32_t u;
  OAR_TRY(want(f, OAR_PB_I32, err));
  OAR_TRY(oar_pb_read_fixed32(r, &u, err));
  *v = bits_to_float(u);
  return OAR_OK;
}

static oar_status read_double(oar_pb_reader *r, const field_ctx *f, double *v, oar_error *err) {
  uint64_t u;
  OAR_TRY(want(f, OAR_PB_I64, err));
  OAR_TRY(oar_pb_read_fixed64(r, &u, err));
  *v = bits_to_double(u);
  return OAR_OK;
}

/* Copies a string field. Names (of vars, ops, slots, attributes) must not
 * hold NUL bytes: two different names would then look alike in C. */
static oar_status read_string(oar_pb_reader *r, const field_ctx *f, bool is_name, char **out,
                              oar_error *err) {
  const uint8_t *data;
  size_t len;
  OAR_TRY(want(f, OAR_PB_LEN, err));
  OAR_TRY(oar_pb_read_bytes(r, &data, &len, err));
  if (is_name && memchr(data, 0, len))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s at byte offset %zu contains a NUL byte", f->name,
                         f->tag_pos);
  char *s = oar_strndup((const char *)data, len);
  if (!s) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for a %zu-byte string", len);
  oar_free(*out); /* proto2: the last occurrence wins */
  *out = s;
  return OAR_OK;
}

static oar_status push_string(oar_pb_reader *r, const field_ctx *f, bool is_name, oar_pd_strings *list,
                              oar_error *err) {
  OAR_TRY(reserve((void **)&list->v, list->n, 1, sizeof *list->v, err));
  OAR_TRY(read_string(r, f, is_name, &list->v[list->n], err));
  list->n++;
  return OAR_OK;
}

/* How a repeated scalar's raw 64-bit values become C values. */
typedef enum repeated_kind { REP_INT32, REP_INT64, REP_BOOL, REP_FLOAT, REP_DOUBLE } repeated_kind;

static oar_status read_repeated(oar_pb_reader *r, const field_ctx *f, repeated_kind kind, oar_pd_ints *ints,
                                oar_pd_floats *floats, oar_error *err) {
  oar_pb_wire elem = kind == REP_FLOAT ? OAR_PB_I32 : kind == REP_DOUBLE ? OAR_PB_I64 : OAR_PB_VARINT;
  oar_pb_u64s raw = {0};
  oar_status st = oar_pb_read_repeated(r, f->field, f->name, f->tag_pos, f->wire, elem, &raw, err);
  if (st == OAR_OK) {
    if (ints)
      st = reserve((void **)&ints->v, ints->n, raw.n, sizeof *ints->v, err);
    else
      st = reserve((void **)&floats->v, floats->n, raw.n, sizeof *floats->v, err);
  }
  if (st == OAR_OK) {
    for (size_t k = 0; k < raw.n; k++) {
      uint64_t u = raw.v[k];
      switch (kind) {
        case REP_INT32: ints->v[ints->n++] = (int32_t)(uint32_t)u; break;
        case REP_INT64: ints->v[ints->n++] = (int64_t)u; break;
        case REP_BOOL: ints->v[ints->n++] = u != 0; break;
        case REP_FLOAT: floats->v[floats->n++] = bits_to_float((uint32_t)u); break;
        case REP_DOUBLE: floats->v[floats->n++] = bits_to_double(u); break;
      }
    }
  }
  oar_pb_u64s_free(&raw);
  return st;
}

/* Reads the next key into *f, naming it from `names` (indexed by field
 * number; NULL or out of range: "field #N"). */
static oar_status next_field(oar_pb_reader *r, field_ctx *f, const char *const *names, size_t num_names,
                             oar_error *err) {
  f->tag_pos = r->pos;
  OAR_TRY(oar_pb_read_tag(r, &f->field, &f->wire, err));
  f->name = f->field < num_names && names[f->field] ? names[f->field] : "unknown";
  return OAR_OK;
}

static oar_status missing(const char *message, const char *field, size_t start, oar_error *err) {
  return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s starting at byte offset %zu lacks required field '%s'",
                       message, start, field);
}

#define NAMES(...) static const char *const names[] = {__VA_ARGS__}
#define NEXT_FIELD(r, f) next_field((r), (f), names, sizeof names / sizeof names[0], err)

/* ---- TensorDesc, VarType, VarDesc -------------------------------------- */

oar_status oar_pd_tensor_desc_decode(oar_pb_reader *r, oar_pd_tensor_desc *out, oar_error *err) {
  NAMES(NULL, "data_type", "dims");
  size_t start = r->pos;
  bool has_dtype = false;
  while (!oar_pb_at_end(r)) {
    field_ctx f;
    OAR_TRY(NEXT_FIELD(r, &f));
    switch (f.field) {
      case 1:
        OAR_TRY(read_i32(r, &f, &out->dtype, err));
        has_dtype = true;
        break;
      case 2: OAR_TRY(read_repeated(r, &f, REP_INT64, &out->dims, NULL, err)); break;
      default: OAR_TRY(oar_pb_skip(r, f.field, f.wire, err));
    }
  }
  if (!has_dtype) return missing("TensorDesc", "data_type", start, err);
  return OAR_OK;
}

void oar_pd_tensor_desc_free(oar_pd_tensor_desc *t) {
  if (!t) return;
  oar_free(t->dims.v);
  memset(t, 0, sizeof *t);
}

/* LoDTensorDesc and LoDTensorArrayDesc: {tensor, lod_level}. */
static oar_status decode_lod_tensor_desc(oar_pb_reader *r, oar_pd_var *var, oar_error *err) {
  NAMES(NULL, "tensor", "lod_level");
  size_t start = r->pos;
  bool has_tensor = false;
  while (!oar_pb_at_end(r)) {
    field_ctx f;
    OAR_TRY(NEXT_FIELD(r, &f));
    switch (f.field) {
      case 1: {
        oar_pb_reader sub;
        OAR_TRY(want(&f, OAR_PB_LEN, err));
        OAR_TRY(oar_pb_read_message(r, &sub, err));
        oar_pd_tensor_desc_free(&var->tensor);
        OAR_TRY(oar_pd_tensor_desc_decode(&sub, &var->tensor, err));
        has_tensor = true;
        break;
      }
      case 2: OAR_TRY(read_i32(r, &f, &var->lod_level, err)); break;
      default: OAR_TRY(oar_pb_skip(r, f.field, f.wire, err));
    }
  }
  if (!has_tensor) return missing("LoDTensorDesc", "tensor", start, err);
  var->has_tensor = true;
  return OAR_OK;
}

static oar_status decode_var_type(oar_pb_reader *r, oar_pd_var *var, oar_error *err) {
  NAMES(NULL, "type", "selected_rows", "lod_tensor", "tensor_array");
  size_t start = r->pos;
  bool has_type = false;
  while (!oar_pb_at_end(r)) {
    field_ctx f;
    oar_pb_reader sub;
    OAR_TRY(NEXT_FIELD(r, &f));
    switch (f.field) {
      case 1:
        OAR_TRY(read_i32(r, &f, &var->kind, err));
        has_type = true;
        break;
      case 2: /* selected_rows: a bare TensorDesc */
        OAR_TRY(want(&f, OAR_PB_LEN, err));
        OAR_TRY(oar_pb_read_message(r, &sub, err));
        oar_pd_tensor_desc_free(&var->tensor);
        OAR_TRY(oar_pd_tensor_desc_decode(&sub, &var->tensor, err));
        var->has_tensor = true;
        break;
      case 3: /* lod_tensor */
      case 4: /* tensor_array */
        OAR_TRY(want(&f, OAR_PB_LEN, err));
        OAR_TRY(oar_pb_read_message(r, &sub, err));
        OAR_TRY(decode_lod_tensor_desc(&sub, var, err));
        break;
      default: OAR_TRY(oar_pb_skip(r, f.field, f.wire, err)); /* reader, tuple, string kinds */
    }
  }
  if (!has_type) return missing("VarType", "type", start, err);
  return OAR_OK;
}

static oar_status decode_var(oar_pb_reader *r, oar_pd_var *var, oar_error *err) {
  NAMES(NULL, "name", "type", "persistable", "need_check_feed", "is_parameter", "stop_gradient");
  size_t start = r->pos;
  bool has_type = false;
  while (!oar_pb_at_end(r)) {
    field_ctx f;
    oar_pb_reader sub;
    OAR_TRY(NEXT_FIELD(r, &f));
    switch (f.field) {
      case 1: OAR_TRY(read_string(r, &f, true, &var->name, err)); break;
      case 2:
        OAR_TRY(want(&f, OAR_PB_LEN, err));
        OAR_TRY(oar_pb_read_message(r, &sub, err));
        OAR_TRY(decode_var_type(&sub, var, err));
        has_type = true;
        break;
      case 3: OAR_TRY(read_bool(r, &f, &var->persistable, err)); break;
      case 4: OAR_TRY(read_bool(r, &f, &var->need_check_feed, err)); break;
      case 5: OAR_TRY(read_bool(r, &f, &var->is_parameter, err)); break;
      case 6: OAR_TRY(read_bool(r, &f, &var->stop_gradient, err)); break;
      default: OAR_TRY(oar_pb_skip(r, f.field, f.wire, err)); /* attrs (dist attributes) */
    }
  }
  if (!var->name) return missing("VarDesc", "name", start, err);
  if (!has_type) return missing("VarDesc", "type", start, err);
  return OAR_OK;
}

/* ---- OpDesc ------------------------------------------------------------- */

static oar_status decode_slot(oar_pb_reader *r, oar_pd_slot *slot, oar_error *err) {
  NAMES(NULL, "parameter", "arguments");
  size_t start = r->pos;
  while (!oar_pb_at_end(r)) {
    field_ctx f;
    OAR_TRY(NEXT_FIELD(r, &f));
    switch (f.field) {
      case 1: OAR_TRY(read_string(r, &f, true, &slot->name, err)); break;
      case 2: OAR_TRY(push_string(r, &f, true, &slot->args, err)); break;
      default: OAR_TRY(oar_pb_skip(r, f.field, f.wire, err));
    }
  }
  if (!slot->name) return missing("OpDesc.Var", "parameter", start, err);
  return OAR_OK;
}

static oar_status decode_complex(oar_pb_reader *r, oar_pd_scalar *s, oar_error *err) {
  NAMES(NULL, "r", "i");
  while (!oar_pb_at_end(r)) {
    field_ctx f;
    OAR_TRY(NEXT_FIELD(r, &f));
    switch (f.field) {
      case 1: OAR_TRY(read_double(r, &f, &s->c_real, err)); break;
      case 2: OAR_TRY(read_double(r, &f, &s->c_imag, err)); break;
      default: OAR_TRY(oar_pb_skip(r, f.field, f.wire, err));
    }
  }
  return OAR_OK;
}

static oar_status decode_scalar(oar_pb_reader *r, oar_pd_scalar *s, oar_error *err) {
  NAMES(NULL, "type", "b", "i", "r", "c");
  size_t start = r->pos;
  memset(s, 0, sizeof *s);
  while (!oar_pb_at_end(r)) {
    field_ctx f;
    oar_pb_reader sub;
    OAR_TRY(NEXT_FIELD(r, &f));
    switch (f.field) {
      case 1: OAR_TRY(read_i32(r, &f, &s->type, err)); break;
      case 2: OAR_TRY(read_bool(r, &f, &s->b, err)); break;
      case 3: OAR_TRY(read_i64(r, &f, &s->i, err)); break;
      case 4: OAR_TRY(read_double(r, &f, &s->r, err)); break;
      case 5:
        OAR_TRY(want(&f, OAR_PB_LEN, err));
        OAR_TRY(oar_pb_read_message(r, &sub, err));
        OAR_TRY(decode_complex(&sub, s, err));
        break;
      default: OAR_TRY(oar_pb_skip(r, f.field, f.wire, err));
    }
  }
  if (s->type == 0) return missing("Scalar", "type", start, err);
  return OAR_OK;
}

static oar_status decode_attr(oar_pb_reader *r, oar_pd_attr *a, oar_error *err) {
  NAMES(NULL, "name", "type", "i", "f", "s", "ints", "floats", "strings", NULL, "b", "bools", "block_idx",
        "l", "blocks_idx", "longs", "float64s", "var_name", "vars_name", "float64", "scalar", "scalars");
  size_t start = r->pos;
  bool has_type = false;
  while (!oar_pb_at_end(r)) {
    field_ctx f;
    oar_pb_reader sub;
    OAR_TRY(NEXT_FIELD(r, &f));
    switch (f.field) {
      case 1: OAR_TRY(read_string(r, &f, true, &a->name, err)); break;
      case 2:
        OAR_TRY(read_i32(r, &f, &a->type, err));
        has_type = true;
        break;
      case 3: OAR_TRY(read_i32(r, &f, &a->i, err)); break;
      case 4: OAR_TRY(read_float(r, &f, &a->f, err)); break;
      case 5: OAR_TRY(read_string(r, &f, false, &a->s, err)); break;
      case 6: OAR_TRY(read_repeated(r, &f, REP_INT32, &a->ints, NULL, err)); break;
      case 7: OAR_TRY(read_repeated(r, &f, REP_FLOAT, NULL, &a->floats, err)); break;
      case 8: OAR_TRY(push_string(r, &f, false, &a->strings, err)); break;
      case 10: OAR_TRY(read_bool(r, &f, &a->b, err)); break;
      case 11: OAR_TRY(read_repeated(r, &f, REP_BOOL, &a->bools, NULL, err)); break;
      case 12: OAR_TRY(read_i32(r, &f, &a->block_idx, err)); break;
      case 13: OAR_TRY(read_i64(r, &f, &a->l, err)); break;
      case 14: OAR_TRY(read_repeated(r, &f, REP_INT32, &a->blocks_idx, NULL, err)); break;
      case 15: OAR_TRY(read_repeated(r, &f, REP_INT64, &a->longs, NULL, err)); break;
      case 16: OAR_TRY(read_repeated(r, &f, REP_DOUBLE, NULL, &a->float64s, err)); break;
      case 17: OAR_TRY(read_string(r, &f, true, &a->var_name, err)); break;
      case 18: OAR_TRY(push_string(r, &f, true, &a->vars_name, err)); break;
      case 19: OAR_TRY(read_double(r, &f, &a->float64, err)); break;
      case 20:
        OAR_TRY(want(&f, OAR_PB_LEN, err));
        OAR_TRY(oar_pb_read_message(r, &sub, err));
        OAR_TRY(decode_scalar(&sub, &a->scalar, err));
        break;
      case 21:
        OAR_TRY(want(&f, OAR_PB_LEN, err));
        OAR_TRY(oar_pb_read_message(r, &sub, err));
        OAR_TRY(reserve((void **)&a->scalars, a->num_scalars, 1, sizeof *a->scalars, err));
        OAR_TRY(decode_scalar(&sub, &a->scalars[a->num_scalars], err));
        a->num_scalars++;
        break;
      default: OAR_TRY(oar_pb_skip(r, f.field, f.wire, err));
    }
  }
  if (!a->name) return missing("OpDesc.Attr", "name", start, err);
  if (!has_type) return missing("OpDesc.Attr", "type", start, err);
  return OAR_OK;
}

/* Appends a zeroed slot and decodes it in place; the count covers it before
 * decoding so a failure leaves it freeable. */
static oar_status append_slot(oar_pb_reader *r, const field_ctx *f, oar_pd_slot **slots, size_t *count,
                              oar_error *err) {
  oar_pb_reader sub;
  OAR_TRY(want(f, OAR_PB_LEN, err));
  OAR_TRY(oar_pb_read_message(r, &sub, err));
  OAR_TRY(reserve((void **)slots, *count, 1, sizeof **slots, err));
  oar_pd_slot *slot = &(*slots)[(*count)++];
  if (decode_slot(&sub, slot, err) != OAR_OK)
    return oar_error_prefix(err, "%s slot #%zu: ", f->field == 1 ? "input" : "output", *count - 1);
  return OAR_OK;
}

static oar_status decode_op(oar_pb_reader *r, oar_pd_op *op, oar_error *err) {
  NAMES(NULL, "inputs", "outputs", "type", "attrs", "is_target");
  size_t start = r->pos;
  while (!oar_pb_at_end(r)) {
    field_ctx f;
    oar_pb_reader sub;
    OAR_TRY(NEXT_FIELD(r, &f));
    switch (f.field) {
      case 1: OAR_TRY(append_slot(r, &f, &op->inputs, &op->num_inputs, err)); break;
      case 2: OAR_TRY(append_slot(r, &f, &op->outputs, &op->num_outputs, err)); break;
      case 3: OAR_TRY(read_string(r, &f, true, &op->type, err)); break;
      case 4: {
        OAR_TRY(want(&f, OAR_PB_LEN, err));
        OAR_TRY(oar_pb_read_message(r, &sub, err));
        OAR_TRY(reserve((void **)&op->attrs, op->num_attrs, 1, sizeof *op->attrs, err));
        oar_pd_attr *a = &op->attrs[op->num_attrs++];
        if (decode_attr(&sub, a, err) != OAR_OK) {
          if (a->name) return oar_error_prefix(err, "attr '%s': ", a->name);
          return oar_error_prefix(err, "attr #%zu: ", op->num_attrs - 1);
        }
        break;
      }
      case 5: OAR_TRY(read_bool(r, &f, &op->is_target, err)); break;
      default: OAR_TRY(oar_pb_skip(r, f.field, f.wire, err));
    }
  }
  if (!op->type) return missing("OpDesc", "type", start, err);
  return OAR_OK;
}

/* ---- BlockDesc, ProgramDesc --------------------------------------------- */

static oar_status decode_block(oar_pb_reader *r, oar_pd_block *b, oar_error *err) {
  NAMES(NULL, "idx", "parent_idx", "vars", "ops", "forward_block_idx");
  b->forward_block_idx = -1;
  b->parent_idx = -1;
  while (!oar_pb_at_end(r)) {
    field_ctx f;
    oar_pb_reader sub;
    OAR_TRY(NEXT_FIELD(r, &f));
    oar_status st;
    switch (f.field) {
      case 1: OAR_TRY(read_i32(r, &f, &b->idx, err)); break;
      case 2: OAR_TRY(read_i32(r, &f, &b->parent_idx, err)); break;
      case 3: {
        OAR_TRY(want(&f, OAR_PB_LEN, err));
        OAR_TRY(oar_pb_read_message(r, &sub, err));
        OAR_TRY(reserve((void **)&b->vars, b->num_vars, 1, sizeof *b->vars, err));
        oar_pd_var *v = &b->vars[b->num_vars++];
        if ((st = decode_var(&sub, v, err)) != OAR_OK) {
          if (v->name) return oar_error_prefix(err, "var #%zu ('%s'): ", b->num_vars - 1, v->name);
          return oar_error_prefix(err, "var #%zu: ", b->num_vars - 1);
        }
        break;
      }
      case 4: {
        OAR_TRY(want(&f, OAR_PB_LEN, err));
        OAR_TRY(oar_pb_read_message(r, &sub, err));
        OAR_TRY(reserve((void **)&b->ops, b->num_ops, 1, sizeof *b->ops, err));
        oar_pd_op *op = &b->ops[b->num_ops++];
        if ((st = decode_op(&sub, op, err)) != OAR_OK) {
          if (op->type) return oar_error_prefix(err, "op #%zu ('%s'): ", b->num_ops - 1, op->type);
          return oar_error_prefix(err, "op #%zu: ", b->num_ops - 1);
        }
        break;
      }
      case 5: OAR_TRY(read_i32(r, &f, &b->forward_block_idx, err)); break;
      default: OAR_TRY(oar_pb_skip(r, f.field, f.wire, err));
    }
  }
  return OAR_OK;
}

static oar_status decode_version(oar_pb_reader *r, int64_t *version, oar_error *err) {
  NAMES(NULL, "version");
  while (!oar_pb_at_end(r)) {
    field_ctx f;
    OAR_TRY(NEXT_FIELD(r, &f));
    if (f.field == 1)
      OAR_TRY(read_i64(r, &f, version, err));
    else
      OAR_TRY(oar_pb_skip(r, f.field, f.wire, err));
  }
  return OAR_OK;
}

static oar_status decode_program(oar_pb_reader *r, oar_pd_program *p, oar_error *err) {
  NAMES(NULL, "blocks", NULL, NULL, "version", "op_version_map");
  while (!oar_pb_at_end(r)) {
    field_ctx f;
    oar_pb_reader sub;
    OAR_TRY(NEXT_FIELD(r, &f));
    switch (f.field) {
      case 1: {
        OAR_TRY(want(&f, OAR_PB_LEN, err));
        OAR_TRY(oar_pb_read_message(r, &sub, err));
        OAR_TRY(reserve((void **)&p->blocks, p->num_blocks, 1, sizeof *p->blocks, err));
        p->num_blocks++;
        if (decode_block(&sub, &p->blocks[p->num_blocks - 1], err) != OAR_OK)
          return oar_error_prefix(err, "block #%zu: ", p->num_blocks - 1);
        break;
      }
      case 4:
        OAR_TRY(want(&f, OAR_PB_LEN, err));
        OAR_TRY(oar_pb_read_message(r, &sub, err));
        OAR_TRY(decode_version(&sub, &p->version, err));
        break;
      default: OAR_TRY(oar_pb_skip(r, f.field, f.wire, err)); /* op_version_map, 1.x op_compatible_map */
    }
  }
  return OAR_OK;
}

oar_status oar_pd_program_decode(const void *data, size_t size, oar_pd_program *out, oar_error *err) {
  oar_pb_reader r;
  oar_pb_reader_init(&r, data, size);
  oar_pd_program p;
  memset(&p, 0, sizeof p);
  oar_status st = decode_program(&r, &p, err);
  if (st != OAR_OK) {
    oar_pd_program_free(&p);
    return st;
  }
  *out = p;
  return OAR_OK;
}

/* ---- freeing ------------------------------------------------------------ */

static void strings_free(oar_pd_strings *s) {
  for (size_t i = 0; i < s->n; i++) oar_free(s->v[i]);
  oar_free(s->v);
}

static void slot_free(oar_pd_slot *s) {
  oar_free(s->name);
  strings_free(&s->args);
}

static void attr_free(oar_pd_attr *a) {
  oar_free(a->name);
  oar_free(a->s);
  oar_free(a->ints.v);
  oar_free(a->floats.v);
  strings_free(&a->strings);
  oar_free(a->bools.v);
  oar_free(a->blocks_idx.v);
  oar_free(a->longs.v);
  oar_free(a->float64s.v);
  oar_free(a->var_name);
  strings_free(&a->vars_name);
  oar_free(a->scalars);
}

static void op_free(oar_pd_op *op) {
  oar_free(op->type);
  for (size_t i = 0; i < op->num_inputs; i++) slot_free(&op->inputs[i]);
  for (size_t i = 0; i < op->num_outputs; i++) slot_free(&op->outputs[i]);
  for (size_t i = 0; i < op->num_attrs; i++) attr_free(&op->attrs[i]);
  oar_free(op->inputs);
  oar_free(op->outputs);
  oar_free(op->attrs);
}

static void block_free(oar_pd_block *b) {
  for (size_t i = 0; i < b->num_vars; i++) {
    oar_free(b->vars[i].name);
    oar_pd_tensor_desc_free(&b->vars[i].tensor);
  }
  for (size_t i = 0; i < b->num_ops; i++) op_free(&b->ops[i]);
  oar_free(b->vars);
  oar_free(b->ops);
}

void oar_pd_program_free(oar_pd_program *p) {
  if (!p) return;
  for (size_t i = 0; i < p->num_blocks; i++) block_free(&p->blocks[i]);
  oar_free(p->blocks);
  memset(p, 0, sizeof *p);
}

/* ---- lookups and names -------------------------------------------------- */

const oar_pd_var *oar_pd_block_find_var(const oar_pd_block *b, const char *name) {
  for (size_t i = 0; i < b->num_vars; i++)
    if (strcmp(b->vars[i].name, name) == 0) return &b->vars[i];
  return NULL;
}

static const oar_pd_slot *find_slot(const oar_pd_slot *slots, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(slots[i].name, name) == 0) return &slots[i];
  return NULL;
}

const oar_pd_slot *oar_pd_op_find_input(const oar_pd_op *op, const char *slot) {
  return find_slot(op->inputs, op->num_inputs, slot);
}

const oar_pd_slot *oar_pd_op_find_output(const oar_pd_op *op, const char *slot) {
  return find_slot(op->outputs, op->num_outputs, slot);
}

const oar_pd_attr *oar_pd_op_find_attr(const oar_pd_op *op, const char *name) {
  for (size_t i = 0; i < op->num_attrs; i++)
    if (strcmp(op->attrs[i].name, name) == 0) return &op->attrs[i];
  return NULL;
}

const char *oar_pd_vartype_name(int32_t t) {
  static const char *const names[] = {"BOOL",           "INT16",
                                      "INT32",          "INT64",
                                      "FP16",           "FP32",
                                      "FP64",           "LOD_TENSOR",
                                      "SELECTED_ROWS",  "FEED_MINIBATCH",
                                      "FETCH_LIST",     "STEP_SCOPES",
                                      "LOD_RANK_TABLE", "LOD_TENSOR_ARRAY",
                                      "PLACE_LIST",     "READER",
                                      "FETCH_VAR_LIST", "RAW",
                                      "TUPLE",          "SIZE_T",
                                      "UINT8",          "INT8",
                                      "BF16",           "COMPLEX64",
                                      "COMPLEX128",     "STRING",
                                      "STRINGS",        "VOCAB",
                                      "FEED_LIST",      "PSTRING",
                                      "SPARSE_COO",     "SPARSE_CSR"};
  if (t < 0 || (size_t)t >= sizeof names / sizeof names[0]) return "unknown";
  return names[t];
}

const char *oar_pd_attr_type_name(int32_t t) {
  static const char *const names[] = {"INT",      "FLOAT",    "STRING", "INTS",    "FLOATS", "STRINGS",
                                      "BOOLEAN",  "BOOLEANS", "BLOCK",  "LONG",    "BLOCKS", "LONGS",
                                      "FLOAT64S", "VAR",      "VARS",   "FLOAT64", "SCALAR", "SCALARS"};
  if (t < 0 || (size_t)t >= sizeof names / sizeof names[0]) return "unknown";
  return names[t];
}
