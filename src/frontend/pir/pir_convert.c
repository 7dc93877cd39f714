#include "frontend/pir/pir_convert.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/alloc.h"

oar_status oar_pirc_fail(pirc_ctx *c, oar_status code, const char *fmt, ...) {
  char what[OAR_ERROR_MSG_MAX], where[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return oar_error_set(c->err, code, "PIR program '%s': %s: %s", c->file,
                       oar_pir_op_describe(&c->pir->ops[c->index], c->index, where, sizeof where), what);
}

oar_status oar_pirc_oom(pirc_ctx *c) {
  return oar_error_set(c->err, OAR_ERR_OUT_OF_MEMORY, "out of memory converting PIR program '%s'", c->file);
}

static int by_id(const void *a, const void *b) {
  int64_t x = (*(pirc_value *const *)a)->id, y = (*(pirc_value *const *)b)->id;
  return x < y ? -1 : x > y;
}

pirc_value *oar_pirc_find(const pirc_ctx *c, int64_t id) {
  size_t lo = 0, hi = c->num_values;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (c->by_id[mid]->id == id) return c->by_id[mid];
    if (c->by_id[mid]->id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL; /* the reader checked every operand: unreachable */
}

oar_status oar_pirc_index_values(pirc_ctx *c) {
  const oar_pir_program *p = c->pir;
  size_t n = 0;
  for (size_t i = 0; i < p->num_ops; i++) n += p->ops[i].num_results;
  if (n &&
      (!(c->values = oar_calloc(n, sizeof *c->values)) || !(c->by_id = oar_malloc(n * sizeof *c->by_id))))
    return oar_pirc_oom(c);
  if (!(c->needs_assign = oar_calloc(p->num_ops ? p->num_ops : 1, sizeof *c->needs_assign)))
    return oar_pirc_oom(c);
  for (size_t i = 0; i < p->num_ops; i++)
    for (size_t k = 0; k < p->ops[i].num_results; k++) {
      pirc_value *v = &c->values[c->num_values];
      v->id = p->ops[i].results[k].id;
      v->op = i;
      v->result = k;
      v->type = &p->ops[i].results[k].type;
      c->by_id[c->num_values++] = v;
    }
  if (c->num_values) qsort(c->by_id, c->num_values, sizeof *c->by_id, by_id); /* NULL with 0: UB */
  for (size_t i = 0; i < p->num_ops; i++)
    for (size_t k = 0; k < p->ops[i].num_operands; k++)
      if (p->ops[i].operands[k]) oar_pirc_find(c, p->ops[i].operands[k])->uses++;
  return OAR_OK;
}

pirc_value *oar_pirc_operand(const pirc_ctx *c, const oar_pir_op *op, size_t k) {
  return k < op->num_operands && op->operands[k] ? oar_pirc_find(c, op->operands[k]) : NULL;
}

/* "%<id>" unless the value was given a name. */
const char *oar_pirc_name_of(pirc_ctx *c, pirc_value *v) {
  v = oar_pirc_resolve(v);
  if (!v->name) {
    char buf[32];
    snprintf(buf, sizeof buf, "%%%" PRId64, v->id);
    v->name = oar_strdup(buf);
  }
  return v->name;
}

/* ---- the legacy block ---------------------------------------------------------- */

bool oar_pirc_grow(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return true;
  size_t n = *cap ? *cap * 2 : 16;
  if (n < need) n = need;
  if (n > SIZE_MAX / elem) return false;
  void *q = oar_realloc(*p, n * elem);
  if (!q) return false;
  memset((char *)q + *cap * elem, 0, (n - *cap) * elem);
  *p = q;
  *cap = n;
  return true;
}

/* A VarDesc named `name` of PIR type `t` (nothing for absent results). */
oar_status oar_pirc_declare_named(pirc_ctx *c, const char *name, const oar_pir_type *t, bool persistable) {
  if (t->kind == OAR_PIR_TYPE_NULL) return OAR_OK;
  const bool array = t->kind == OAR_PIR_TYPE_OTHER && strcmp(t->name, "1.t_dense_tensor_array") == 0;
  if (t->kind != OAR_PIR_TYPE_DENSE && !array)
    return oar_pirc_fail(c, OAR_ERR_UNSUPPORTED, "value '%s' has type %s; oar reads dense tensors only", name,
                         t->name);
  if (!array && t->dtype < 0)
    return oar_pirc_fail(c, OAR_ERR_UNSUPPORTED, "value '%s' has element type %s, which oar does not support",
                         name, t->elem);
  oar_pd_block *b = c->var_block ? c->var_block : c->block;
  if (!oar_pirc_grow((void **)&b->vars, &c->cap_vars, b->num_vars + 1, sizeof *b->vars))
    return oar_pirc_oom(c);
  oar_pd_var *var = &b->vars[b->num_vars];
  memset(var, 0, sizeof *var);
  if (!(var->name = oar_strdup(name))) return oar_pirc_oom(c);
  b->num_vars++;
  if (array) {
    var->kind = OAR_PD_LOD_TENSOR_ARRAY; /* a blob (ir/ops/control_flow.h): no element type read here */
    return OAR_OK;
  }
  var->kind = OAR_PD_LOD_TENSOR;
  var->has_tensor = true;
  var->persistable = persistable;
  var->is_parameter = persistable;
  var->tensor.dtype = t->dtype;
  if (t->rank) {
    if (!(var->tensor.dims.v = oar_malloc(t->rank * sizeof *var->tensor.dims.v))) return oar_pirc_oom(c);
    memcpy(var->tensor.dims.v, t->dims, t->rank * sizeof *t->dims);
  }
  var->tensor.dims.n = t->rank;
  return OAR_OK;
}

oar_status oar_pirc_declare(pirc_ctx *c, pirc_value *v) {
  v = oar_pirc_resolve(v);
  if (v->declared) return OAR_OK;
  v->declared = true;
  const char *name = oar_pirc_name_of(c, v);
  if (!name) return oar_pirc_oom(c);
  return oar_pirc_declare_named(c, name, v->type, false);
}

oar_pd_op *oar_pirc_new_op(pirc_ctx *c, const char *type) {
  oar_pd_block *b = c->block;
  if (!oar_pirc_grow((void **)&b->ops, &c->cap_ops, b->num_ops + 1, sizeof *b->ops)) return NULL;
  oar_pd_op *op = &b->ops[b->num_ops];
  memset(op, 0, sizeof *op);
  if (!(op->type = oar_strdup(type))) return NULL;
  b->num_ops++;
  return op;
}

/* Appends slot `name` bound to names[0 .. n). */
oar_status oar_pirc_add_slot(pirc_ctx *c, oar_pd_slot **slots, size_t *count, const char *name,
                             const char *const *names, size_t n) {
  oar_pd_slot *s = oar_realloc(*slots, (*count + 1) * sizeof *s);
  if (!s) return oar_pirc_oom(c);
  *slots = s;
  s = &s[(*count)++];
  memset(s, 0, sizeof *s);
  if (!(s->name = oar_strdup(name))) return oar_pirc_oom(c);
  if (n && !(s->args.v = oar_calloc(n, sizeof *s->args.v))) return oar_pirc_oom(c);
  for (size_t k = 0; k < n; k++) {
    if (!names[k] || !(s->args.v[k] = oar_strdup(names[k]))) return oar_pirc_oom(c);
    s->args.n = k + 1;
  }
  return OAR_OK;
}

/* A zeroed attribute appended to op, to fill in place: whatever it holds
 * is freed with the program, also when filling it fails half way. */
oar_pd_attr *oar_pirc_new_attr(oar_pd_op *op) {
  oar_pd_attr *attrs = oar_realloc(op->attrs, (op->num_attrs + 1) * sizeof *attrs);
  if (!attrs) return NULL;
  op->attrs = attrs;
  memset(&attrs[op->num_attrs], 0, sizeof *attrs);
  return &attrs[op->num_attrs++];
}

oar_status oar_pirc_add_int_attr(pirc_ctx *c, oar_pd_op *op, const char *name, int32_t v) {
  oar_pd_attr *a = oar_pirc_new_attr(op);
  if (!a || !(a->name = oar_strdup(name))) return oar_pirc_oom(c);
  a->type = OAR_PD_ATTR_INT;
  a->i = v;
  return OAR_OK;
}
