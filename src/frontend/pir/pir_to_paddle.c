#include "frontend/pir/pir_to_paddle.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "frontend/paddle/paddle_lower.h"
#include "frontend/pir/pir_attr.h"
#include "frontend/pir/pir_convert.h"
#include "ir/schema.h"

/* Paddle's name for "no variable" in a slot, which the Paddle frontend skips. */
#define PIR_EMPTY_VAR "@EMPTY@"

/* ---- planning: names, vectors, which constants are read as tensors ------------ */

static oar_status fix_name(pirc_ctx *c, pirc_value *v, const char *name) {
  if (oar_name_map_get(&c->names, name) >= 0)
    return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL,
                         "name '%s' is already given to another parameter, input or output", name);
  if (!(v->name = oar_strdup(name))) return oar_pirc_oom(c);
  v->fixed = true;
  return oar_name_map_put(&c->names, v->name, 1, c->err);
}

static oar_status string_attr(pirc_ctx *c, const oar_pir_op *op, const char *name, const char **s) {
  const oar_pir_attr *a = oar_pir_op_attr(op, name);
  if (!a) return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "has no attribute '%s'", name);
  oar_error e;
  if (oar_pir_attr_string(a->at, s, &e) != OAR_OK)
    return oar_pirc_fail(c, e.code, "attribute '%s' %s", name, e.msg);
  return OAR_OK;
}

static oar_status int_attr(pirc_ctx *c, const oar_pir_op *op, const char *name, int64_t *out) {
  const oar_pir_attr *a = oar_pir_op_attr(op, name);
  if (!a) return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "has no attribute '%s'", name);
  oar_error e;
  double d;
  bool is_int;
  if (oar_pir_attr_number(a->at, &d, &is_int, out, &e) != OAR_OK)
    return oar_pirc_fail(c, e.code, "attribute '%s' %s", name, e.msg);
  if (!is_int)
    return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "attribute '%s' is a %s, expected an integer", name,
                         oar_pir_attr_type(a->at));
  return OAR_OK;
}

static bool is_input_op(const oar_pir_op *op) {
  return oar_pirc_is_op(op, "pd_op.data") || oar_pirc_is_op(op, "pd_op.feed");
}
static bool is_fetch_op(const oar_pir_op *op) { return oar_pirc_is_op(op, "pd_op.fetch"); }

/* Results of builtin.split (all elements) and builtin.slice (element
 * `index`) name the elements of the vector they take apart. */
static oar_status plan_unpack(pirc_ctx *c, const oar_pir_op *op) {
  pirc_value *vec = oar_pirc_operand(c, op, 0);
  if (!vec || oar_pirc_vector_size(vec) == 0)
    return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "takes apart a value that is not a vector");
  size_t n = oar_pirc_vector_size(vec);
  bool from_combine = oar_pirc_is_op(oar_pirc_producer(c, vec), "builtin.combine");
  if (!from_combine && !vec->elems && !(vec->elems = oar_calloc(n, sizeof *vec->elems)))
    return oar_pirc_oom(c);
  size_t first = 0, count = op->num_results;
  if (oar_pirc_is_op(op, "builtin.slice")) {
    int64_t index;
    OAR_TRY(int_attr(c, op, "index", &index));
    if (index < 0 || (size_t)index >= n || op->num_results != 1)
      return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "takes element %" PRId64 " of a vector of %zu", index,
                           n);
    first = (size_t)index;
  } else if (count != n) {
    return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "has %zu results for a vector of %zu", count, n);
  }
  for (size_t k = 0; k < count; k++) {
    pirc_value *r = oar_pirc_find(c, op->results[k].id);
    pirc_value **slot = from_combine ? NULL : &vec->elems[first + k];
    pirc_value *target = from_combine ? oar_pirc_operand(c, oar_pirc_producer(c, vec), first + k) : *slot;
    if (from_combine && !target)
      return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "takes apart element %zu of a vector, which is absent",
                           first + k);
    if (target)
      r->alias = target;
    else
      *slot = r;
  }
  return OAR_OK;
}

/* Marks what an emitted op reads as tensors (constants it folds are not). */
static oar_status plan_reads(pirc_ctx *c, const oar_pir_op *op, const oar_pir_op_map *m) {
  for (size_t k = 0; k < op->num_operands; k++) {
    pirc_value *v = oar_pirc_operand(c, op, k);
    if (!v) continue;
    const oar_pir_arg *arg = k < OAR_PIR_MAX_ARGS ? &m->args[k] : NULL;
    if (!arg || arg->kind == OAR_PIR_ARG_NONE) {
      oar_pirc_mark_tensor(c, v);
      continue;
    }
    pirc_binding b;
    OAR_TRY(oar_pirc_bind(c, arg, v, &b));
    if (b.kind == BIND_TENSOR) oar_pirc_mark_tensor(c, b.tensor);
    for (size_t j = 0; b.kind == BIND_LIST && j < b.list->num_operands; j++)
      oar_pirc_mark_tensor(c, oar_pirc_operand(c, b.list, j));
  }
  return OAR_OK;
}

static oar_status plan(pirc_ctx *c) {
  const oar_pir_program *p = c->pir;
  static const oar_pir_op_map kFetch = {
      "pd_op.fetch", "fetch", {{OAR_PIR_ARG_TENSOR, "X", NULL, NULL}}, {NULL}, {{NULL, NULL}}};
  static const oar_pir_op_map kAll = {"", "", {{OAR_PIR_ARG_NONE, NULL, NULL, NULL}}, {NULL}, {{NULL, NULL}}};
  for (c->index = 0; c->index < p->num_ops; c->index++) {
    const oar_pir_op *op = &p->ops[c->index];
    if (op->has_regions && !oar_pirc_is_op(op, "pd_op.while") && !oar_pirc_is_op(op, "pd_op.if"))
      return oar_pirc_fail(c, OAR_ERR_UNSUPPORTED,
                           "has regions, and oar reads only pd_op.if and pd_op.while");
    if (oar_pirc_is_op(op, "pd_op.while") || oar_pirc_is_op(op, "pd_op.if") ||
        oar_pirc_is_op(op, "cf.yield") || oar_pirc_is_op(op, "pd_op.assign_out_") ||
        oar_pirc_is_op(op, "pd_op.array_write_")) {
      OAR_TRY(plan_reads(c, op, &kAll));
    } else if (oar_pirc_is_op(op, "oar.block_args")) {
      continue;
    } else if (oar_pirc_is_op(op, "builtin.parameter") && !op->persistable) {
      /* No data in the params file: paddle.jit.save writes nn.LSTM / nn.GRU's
       * dropout state so (pd_op.rnn's dropout_state_in, which inference does
       * not read; Paddle Inference creates it empty). Its readers get
       * Paddle's name for no variable, which leaves an optional slot empty
       * and fails a required one when the graph is built. */
      pirc_value *v = oar_pirc_find(c, op->results[0].id);
      if (!(v->name = oar_strdup(PIR_EMPTY_VAR))) return oar_pirc_oom(c);
      v->fixed = true;
    } else if (oar_pirc_is_op(op, "builtin.parameter")) {
      OAR_TRY(fix_name(c, oar_pirc_find(c, op->results[0].id), op->param_name));
    } else if (is_input_op(op)) {
      const char *name;
      OAR_TRY(string_attr(c, op, "name", &name));
      if (op->num_results != 1)
        return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "has %zu results, expected 1", op->num_results);
      OAR_TRY(fix_name(c, oar_pirc_find(c, op->results[0].id), name));
    } else if (oar_pirc_is_op(op, "builtin.split") || oar_pirc_is_op(op, "builtin.slice")) {
      OAR_TRY(plan_unpack(c, op));
    } else if (is_fetch_op(op)) {
      OAR_TRY(plan_reads(c, op, &kFetch));
    } else if (!oar_pirc_is_op(op, "builtin.combine") && !oar_pirc_is_op(op, "pd_op.full") &&
               !oar_pirc_is_op(op, "pd_op.full_int_array") && !oar_pirc_is_op(op, "pd_op.stack")) {
      const oar_pir_op_map *m = oar_pir_op_map_find(op->name);
      if (!m)
        return oar_pirc_fail(c, OAR_ERR_UNSUPPORTED, "unsupported op: oar maps no IR op to '%s'", op->name);
      OAR_TRY(plan_reads(c, op, m));
    }
  }
  /* A pd_op.stack read as a tensor is emitted (a stack folded into a shape
   * list is not): what it reads is read too. Last first, for stacks of
   * stacks. */
  for (size_t i = p->num_ops; i-- > 0;) {
    const oar_pir_op *op = &p->ops[i];
    c->index = i;
    if (oar_pirc_is_op(op, "pd_op.stack") && op->num_results == 1 &&
        oar_pirc_find(c, op->results[0].id)->tensor)
      OAR_TRY(plan_reads(c, op, oar_pir_op_map_find(op->name)));
  }
  /* Fetched values take the fetch's name, unless they have one already. */
  for (c->index = 0; c->index < p->num_ops; c->index++) {
    const oar_pir_op *op = &p->ops[c->index];
    if (!is_fetch_op(op)) continue;
    pirc_value *v = oar_pirc_resolve(oar_pirc_operand(c, op, 0));
    if (!v) return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "has no operand to fetch");
    const char *name;
    OAR_TRY(string_attr(c, op, "name", &name));
    if (v->fixed || v->name) {
      if (oar_name_map_get(&c->names, name) >= 0)
        return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL,
                             "output name '%s' is already given to another parameter, input or output", name);
      OAR_TRY(oar_name_map_put(&c->names, name, 1, c->err));
      c->needs_assign[c->index] = true;
    } else {
      OAR_TRY(fix_name(c, v, name));
    }
  }
  return OAR_OK;
}

/* ---- emitting legacy ops ------------------------------------------------------- */

static oar_status emit_io(pirc_ctx *c, const char *type, const char *var, int64_t col) {
  oar_pd_op *op = oar_pirc_new_op(c, type);
  if (!op) return oar_pirc_oom(c);
  bool feed = strcmp(type, "feed") == 0;
  const char *holder = type; /* the legacy "feed" / "fetch" holder variable */
  OAR_TRY(oar_pirc_add_slot(c, &op->inputs, &op->num_inputs, "X", feed ? &holder : &var, 1));
  OAR_TRY(oar_pirc_add_slot(c, &op->outputs, &op->num_outputs, "Out", feed ? &var : &holder, 1));
  if (col < 0 || col > INT32_MAX)
    return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "has col %" PRId64 ", expected 0 or more", col);
  return oar_pirc_add_int_attr(c, op, "col", (int32_t)col);
}

static oar_status emit_fetch(pirc_ctx *c, const oar_pir_op *op) {
  pirc_value *v = oar_pirc_resolve(oar_pirc_operand(c, op, 0));
  if (v->type->kind != OAR_PIR_TYPE_DENSE)
    return oar_pirc_fail(c, OAR_ERR_UNSUPPORTED,
                         "fetches value %%%" PRId64 " of type %s; oar fetches dense tensors only", v->id,
                         v->type->name);
  const char *name, *src = oar_pirc_name_of(c, v);
  int64_t col;
  if (!src) return oar_pirc_oom(c);
  OAR_TRY(string_attr(c, op, "name", &name));
  OAR_TRY(int_attr(c, op, "col", &col));
  if (c->needs_assign[c->index]) {
    oar_pd_op *assign = oar_pirc_new_op(c, "assign");
    if (!assign) return oar_pirc_oom(c);
    OAR_TRY(oar_pirc_add_slot(c, &assign->inputs, &assign->num_inputs, "X", &src, 1));
    OAR_TRY(oar_pirc_add_slot(c, &assign->outputs, &assign->num_outputs, "Out", &name, 1));
    OAR_TRY(oar_pirc_declare_named(c, name, v->type, false));
    src = name;
  }
  return emit_io(c, "fetch", src, col);
}

/* A pd_op.full_int_array read as a tensor: a constant of its values. */
static oar_status emit_constant(pirc_ctx *c, const oar_pir_op *op) {
  pirc_value *v = oar_pirc_find(c, op->results[0].id);
  const oar_pir_type *t = v->type;
  if (t->kind != OAR_PIR_TYPE_DENSE || (t->dtype != OAR_PD_INT64 && t->dtype != OAR_PD_INT32))
    return oar_pirc_fail(c, OAR_ERR_UNSUPPORTED,
                         "is read as a tensor of type %s; oar makes int32 and int64 ones only",
                         t->kind == OAR_PIR_TYPE_DENSE ? t->elem : t->name);
  const oar_pir_attr *val = oar_pir_op_attr(op, "value");
  if (!val) return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "has no attribute 'value'");
  size_t n;
  oar_error e;
  if (oar_pir_attr_ints(val->at, NULL, 0, &n, &e) != OAR_OK)
    return oar_pirc_fail(c, e.code, "attribute 'value' %s", e.msg);
  int64_t *ints = oar_malloc(n ? n * sizeof *ints : 1);
  if (!ints) return oar_pirc_oom(c);
  oar_pir_attr_ints(val->at, ints, n, &n, &e);
  if (!oar_pirc_grow((void **)&c->consts.items, &c->cap_consts, c->consts.count + 1,
                     sizeof *c->consts.items)) {
    oar_free(ints);
    return oar_pirc_oom(c);
  }
  oar_pir_constant *k = &c->consts.items[c->consts.count];
  memset(k, 0, sizeof *k);
  size_t elem = t->dtype == OAR_PD_INT64 ? 8 : 4;
  if (!(k->data = oar_malloc(n ? n * elem : 1))) {
    oar_free(ints);
    return oar_pirc_oom(c);
  }
  c->consts.count++;
  for (size_t i = 0; i < n; i++) {
    if (elem == 8) {
      ((int64_t *)k->data)[i] = ints[i];
    } else if (ints[i] < INT32_MIN || ints[i] > INT32_MAX) {
      oar_free(ints);
      return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "value %" PRId64 " does not fit its int32 type",
                           ints[i]);
    } else {
      ((int32_t *)k->data)[i] = (int32_t)ints[i];
    }
  }
  oar_free(ints);
  k->dtype = t->dtype;
  k->shape.rank = 1;
  k->shape.dims[0] = (int64_t)n;
  k->bytes = n * elem;
  OAR_TRY(oar_pirc_declare(c, v));
  k->var = c->block->num_vars - 1;
  return OAR_OK;
}

/* Binds operand k of a mapped op (its binding b) to the legacy op. */
static oar_status apply(pirc_ctx *c, oar_pd_op *lop, const oar_pir_op_map *m, size_t k,
                        const pirc_binding *b) {
  const oar_pir_arg *arg = &m->args[k];
  const char *names[MAX_CONST_INTS];
  size_t n = 0;
  switch (b->kind) {
    case BIND_ABSENT: return OAR_OK;
    case BIND_INTS:
    case BIND_NUM: {
      if (!arg->attr)
        return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "operand %zu is a constant, expected a tensor", k);
      oar_pd_attr *a = oar_pirc_new_attr(lop);
      if (!a || !(a->name = oar_strdup(arg->attr))) return oar_pirc_oom(c);
      if (b->kind == BIND_INTS) {
        a->type = OAR_PD_ATTR_LONGS;
        if (b->n && !(a->longs.v = oar_malloc(b->n * sizeof *a->longs.v))) return oar_pirc_oom(c);
        if (b->n) memcpy(a->longs.v, b->ints, b->n * sizeof *b->ints);
        a->longs.n = b->n;
      } else if (arg->kind == OAR_PIR_ARG_INT) {
        if (!b->num_is_int)
          return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "operand %zu ('%s') is %g, expected an integer", k,
                               arg->attr, b->num);
        a->type = OAR_PD_ATTR_LONG;
        a->l = b->num_i;
      } else {
        a->type = OAR_PD_ATTR_FLOAT64;
        a->float64 = b->num;
      }
      return OAR_OK;
    }
    case BIND_TENSOR: {
      pirc_value *v = b->tensor;
      const oar_pir_op *from = oar_pirc_producer(c, v);
      if (!arg->slot && (oar_pirc_is_op(from, "pd_op.full") || oar_pirc_is_op(from, "pd_op.full_int_array")))
        return oar_pirc_fail(c, OAR_ERR_UNSUPPORTED,
                             "operand %zu ('%s') is value %%%" PRId64
                             " from '%s', not a single constant; oar's '%s' takes "
                             "'%s' only as a constant",
                             k, arg->attr ? arg->attr : "?", v->id, from->name, m->legacy,
                             arg->attr ? arg->attr : "?");
      if (!arg->slot)
        return oar_pirc_fail(c, OAR_ERR_UNSUPPORTED,
                             "operand %zu ('%s') is value %%%" PRId64
                             ", computed at run time by '%s'; oar's '%s' takes '%s' "
                             "only as a constant",
                             k, arg->attr ? arg->attr : "?", v->id, oar_pirc_producer(c, v)->name, m->legacy,
                             arg->attr ? arg->attr : "?");
      size_t count = oar_pirc_vector_size(oar_pirc_resolve(v));
      if (count > MAX_CONST_INTS)
        return oar_pirc_fail(c, OAR_ERR_UNSUPPORTED, "operand %zu is a vector of %zu values, above %d", k,
                             count, MAX_CONST_INTS);
      if (!count) names[n++] = oar_pirc_name_of(c, v);
      for (size_t j = 0; j < count; j++) {
        pirc_value *e = oar_pirc_vector_elem(c, oar_pirc_resolve(v), j);
        if (!e)
          return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL,
                               "operand %zu: element %zu of vector %%%" PRId64 " has no value", k, j, v->id);
        names[n++] = oar_pirc_name_of(c, e);
      }
      return oar_pirc_add_slot(c, &lop->inputs, &lop->num_inputs, arg->slot, names, n);
    }
    case BIND_LIST:
      if (!arg->list_slot)
        return oar_pirc_fail(
            c, OAR_ERR_UNSUPPORTED,
            "operand %zu ('%s') is a list of values computed at run time; oar's '%s' takes it only as a "
            "constant",
            k, arg->attr ? arg->attr : "?", m->legacy);
      for (size_t j = 0; j < b->list->num_operands; j++) {
        pirc_value *e = oar_pirc_operand(c, b->list, j);
        if (!e)
          return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "operand %zu: list element %zu is absent", k, j);
        names[n++] = oar_pirc_name_of(c, e);
      }
      return oar_pirc_add_slot(c, &lop->inputs, &lop->num_inputs, arg->list_slot, names, n);
  }
  return OAR_OK;
}

static oar_status emit_results(pirc_ctx *c, const oar_pir_op *op, const oar_pir_op_map *m, oar_pd_op *lop) {
  for (size_t k = 0; k < op->num_results; k++) {
    pirc_value *v = oar_pirc_find(c, op->results[k].id);
    const char *slot = k < OAR_PIR_MAX_RESULTS ? m->results[k] : NULL;
    if (!slot) {
      if (v->uses)
        return oar_pirc_fail(c, OAR_ERR_UNSUPPORTED,
                             "result %zu (value %%%" PRId64 ") is used, but oar's '%s' has no such output", k,
                             v->id, m->legacy);
      continue;
    }
    size_t count = oar_pirc_vector_size(v);
    const char *names[MAX_CONST_INTS];
    if (count > MAX_CONST_INTS)
      return oar_pirc_fail(c, OAR_ERR_UNSUPPORTED, "result %zu is a vector of %zu values, above %d", k, count,
                           MAX_CONST_INTS);
    if (!count) {
      if (!(names[0] = oar_pirc_name_of(c, v))) return oar_pirc_oom(c);
      OAR_TRY(oar_pirc_declare(c, v));
    }
    for (size_t j = 0; j < count; j++) {
      pirc_value *e = v->elems ? v->elems[j] : NULL;
      char buf[48];
      if (e) {
        names[j] = oar_pirc_name_of(c, e);
        OAR_TRY(oar_pirc_declare(c, e));
      } else {
        /* An element nothing takes out: a name of its own. */
        snprintf(buf, sizeof buf, "%%%" PRId64 ".%zu", v->id, j);
        if (!oar_pirc_grow((void **)&c->pool, &c->pool_cap, c->pool_count + 1, sizeof *c->pool) ||
            !(c->pool[c->pool_count] = oar_strdup(buf)))
          return oar_pirc_oom(c);
        names[j] = c->pool[c->pool_count++];
        OAR_TRY(oar_pirc_declare_named(c, names[j], &v->type->elems[j], false));
      }
      if (!names[j]) return oar_pirc_oom(c);
    }
    OAR_TRY(oar_pirc_add_slot(c, &lop->outputs, &lop->num_outputs, slot, names, count ? count : 1));
  }
  return OAR_OK;
}

/* A legacy op of an IR op of its own name keeps the attributes its schema
 * has; one the Paddle frontend lowers (paddle_lower.c) keeps them all, for
 * the lowering reads what it knows by name, but places (arange's, full's):
 * oar runs on the CPU and cannot convert them. */
static oar_status emit_attrs(pirc_ctx *c, const oar_pir_op *op, const oar_pir_op_map *m, oar_pd_op *lop) {
  const bool lowered = oar_pd_lowering_find(m->legacy) != NULL; /* wins, as in paddle_to_graph.c */
  const oar_op_schema *schema = lowered ? NULL : oar_schema_find(m->legacy);
  if (!schema && !lowered)
    return oar_error_set(c->err, OAR_ERR_INTERNAL,
                         "the PIR table maps to '%s', which has neither a schema nor a lowering", m->legacy);
  for (size_t i = 0; i < op->num_attrs; i++) {
    const char *name = op->attrs[i].name;
    for (size_t r = 0; r < OAR_PIR_MAX_RENAMES && m->renames[r].pir; r++)
      if (strcmp(m->renames[r].pir, name) == 0) name = m->renames[r].legacy;
    if (schema && oar_schema_attr_index(schema, name) < 0) continue; /* bookkeeping oar does not use */
    if (!schema && strcmp(oar_pir_attr_type(op->attrs[i].at), "1.a_place") == 0) continue;
    oar_pd_attr *a = oar_pirc_new_attr(lop);
    if (!a) return oar_pirc_oom(c);
    oar_error e;
    if (oar_pir_attr_to_pd(op->attrs[i].at, name, a, &e) != OAR_OK)
      return oar_pirc_fail(c, e.code, "attribute '%s' %s", op->attrs[i].name, e.msg);
  }
  int32_t value;
  const char *fixed = oar_pir_op_fixed_attr(m, &value);
  return fixed ? oar_pirc_add_int_attr(c, lop, fixed, value) : OAR_OK;
}

static oar_status emit_mapped(pirc_ctx *c, const oar_pir_op *op, const oar_pir_op_map *m) {
  size_t nargs = 0;
  while (nargs < OAR_PIR_MAX_ARGS && m->args[nargs].kind != OAR_PIR_ARG_NONE) nargs++;
  for (size_t k = nargs; k < op->num_operands; k++)
    if (op->operands[k])
      return oar_pirc_fail(c, OAR_ERR_UNSUPPORTED, "has %zu operands; oar knows the first %zu of '%s'",
                           op->num_operands, nargs, op->name);
  oar_pd_op *lop = oar_pirc_new_op(c, m->legacy);
  if (!lop) return oar_pirc_oom(c);
  for (size_t k = 0; k < nargs; k++) {
    pirc_binding b;
    OAR_TRY(oar_pirc_bind(c, &m->args[k], oar_pirc_operand(c, op, k), &b));
    OAR_TRY(apply(c, lop, m, k, &b));
  }
  OAR_TRY(emit_results(c, op, m, lop));
  return emit_attrs(c, op, m, lop);
}

/* ---- control flow (issue 12) ------------------------------------------------------
 *
 * pd_op.while and pd_op.if become the legacy form Paddle 2 wrote, which the
 * Paddle frontend turns into IR nodes owning bodies: a while over a
 * sub-block whose loop variables are the block arguments' names (their
 * initial values assigned before the loop, the yielded ones at the end of
 * the body, through temporaries so that a yield that swaps values stays
 * right), and for an if one conditional_block per branch (the second on
 * logical_not of the condition) with select_input picking the branch that
 * ran. Array writes become an assign of the array then write_to_array. */

static bool is_op(const oar_pir_op *op, const char *name) { return oar_pirc_is_op(op, name); }

/* A name of the converter's own (owned by c->pool). */
static const char *own_name(pirc_ctx *c, const char *kind, size_t a, size_t b) {
  char buf[64];
  snprintf(buf, sizeof buf, "oar.%s%zu.%zu", kind, a, b);
  if (!oar_pirc_grow((void **)&c->pool, &c->pool_cap, c->pool_count + 1, sizeof *c->pool) ||
      !(c->pool[c->pool_count] = oar_strdup(buf)))
    return NULL;
  return c->pool[c->pool_count++];
}

static oar_status emit_unary(pirc_ctx *c, const char *type, const char *x, const char *out) {
  if (!x || !out) return oar_pirc_oom(c);
  oar_pd_op *lop = oar_pirc_new_op(c, type);
  if (!lop) return oar_pirc_oom(c);
  OAR_TRY(oar_pirc_add_slot(c, &lop->inputs, &lop->num_inputs, "X", &x, 1));
  return oar_pirc_add_slot(c, &lop->outputs, &lop->num_outputs, "Out", &out, 1);
}

static const char *operand_name(pirc_ctx *c, const oar_pir_op *op, size_t k) {
  pirc_value *v = oar_pirc_operand(c, op, k);
  return v ? oar_pirc_name_of(c, v) : NULL;
}

static oar_status block_attr(pirc_ctx *c, oar_pd_op *lop, int32_t idx) {
  oar_pd_attr *a = oar_pirc_new_attr(lop);
  if (!a || !(a->name = oar_strdup("sub_block"))) return oar_pirc_oom(c);
  a->type = OAR_PD_ATTR_BLOCK;
  a->block_idx = idx;
  return OAR_OK;
}

static oar_status emit(pirc_ctx *c, const oar_pir_op *op, int64_t *next_col);

/* Emits region ops [first, first + count) into a new block (*block_idx);
 * the region's cf.yield assigns its operands to targets[] (n of them). */
static oar_status emit_region(pirc_ctx *c, size_t first, size_t count, const char *const *targets, size_t n,
                              int32_t *block_idx, int64_t *next_col) {
  const oar_pir_program *p = c->pir;
  if (c->next_block >= c->prog->num_blocks || first + count > p->num_ops || count < 1)
    return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "has a malformed region");
  oar_pd_block *saved = c->block;
  const size_t saved_cap = c->cap_ops;
  const size_t idx = c->next_block++;
  oar_pd_block *b = &c->prog->blocks[idx];
  b->idx = (int32_t)idx;
  b->parent_idx = saved->idx;
  b->forward_block_idx = -1;
  c->block = b;
  c->cap_ops = 0;
  const size_t owner = c->index;
  oar_status st = OAR_OK;
  bool yielded = false;
  for (size_t i = first; st == OAR_OK && i < first + count; i++) {
    c->index = i;
    const oar_pir_op *op = &p->ops[i];
    if (!is_op(op, "cf.yield")) {
      st = emit(c, op, next_col);
      i = c->index; /* past a nested region */
      continue;
    }
    if (op->num_operands != n) {
      st = oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "yields %zu values, expected %zu", op->num_operands, n);
      break;
    }
    yielded = true;
    const char *tmp[64];
    if (n > 64) st = oar_pirc_fail(c, OAR_ERR_UNSUPPORTED, "yields %zu values, above 64", n);
    for (size_t j = 0; st == OAR_OK && j < n; j++) {
      pirc_value *v = oar_pirc_operand(c, op, j);
      if (!v) {
        st = oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "yields no value #%zu", j);
        break;
      }
      tmp[j] = own_name(c, "y", owner, j);
      if (!tmp[j]) st = oar_pirc_oom(c);
      if (st == OAR_OK) st = oar_pirc_declare_named(c, tmp[j], oar_pirc_resolve(v)->type, false);
      if (st == OAR_OK) st = emit_unary(c, "assign", oar_pirc_name_of(c, v), tmp[j]);
    }
    for (size_t j = 0; st == OAR_OK && j < n; j++) st = emit_unary(c, "assign", tmp[j], targets[j]);
  }
  c->block = saved;
  c->cap_ops = saved_cap;
  c->index = first + count - 1;
  if (st == OAR_OK && !yielded) st = oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "has a region without cf.yield");
  *block_idx = (int32_t)idx;
  return st;
}

/* pd_op.while(cond, v...) -> results; region: block_args (a...), ops, yield(cond', v'...). */
static oar_status emit_while(pirc_ctx *c, const oar_pir_op *op, int64_t *next_col) {
  const oar_pir_program *p = c->pir;
  const size_t w = c->index;
  if (op->num_regions != 1 || w + 1 >= p->num_ops)
    return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "has %zu regions, expected 1", op->num_regions);
  const oar_pir_op *args = &p->ops[w + 1];
  const size_t n = args->num_results;
  if (op->num_operands != n + 1 || op->num_results != n || n > 63)
    return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "has %zu operands, %zu results and %zu loop variables",
                         op->num_operands, op->num_results, n);
  const char *names[64];
  names[0] = own_name(c, "cond", w, 0);
  pirc_value *cond = oar_pirc_operand(c, op, 0);
  if (!names[0] || !cond)
    return names[0] ? oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "has no condition") : oar_pirc_oom(c);
  OAR_TRY(oar_pirc_declare_named(c, names[0], oar_pirc_resolve(cond)->type, false));
  OAR_TRY(emit_unary(c, "assign", oar_pirc_name_of(c, cond), names[0]));
  for (size_t k = 0; k < n; k++) {
    pirc_value *a = oar_pirc_find(c, args->results[k].id);
    if (!(names[k + 1] = oar_pirc_name_of(c, a))) return oar_pirc_oom(c);
    OAR_TRY(oar_pirc_declare(c, a));
    a->declared = true;
    const char *init = operand_name(c, op, k + 1);
    if (!init)
      return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "has no initial value for loop variable %zu", k);
    OAR_TRY(emit_unary(c, "assign", init, names[k + 1]));
  }
  int32_t idx;
  OAR_TRY(emit_region(c, w + 1, op->region_ops[0], names, n + 1, &idx, next_col));
  oar_pd_op *lop = oar_pirc_new_op(c, "while");
  if (!lop) return oar_pirc_oom(c);
  OAR_TRY(oar_pirc_add_slot(c, &lop->inputs, &lop->num_inputs, "X", names, n + 1));
  OAR_TRY(oar_pirc_add_slot(c, &lop->inputs, &lop->num_inputs, "Condition", names, 1));
  OAR_TRY(oar_pirc_add_slot(c, &lop->outputs, &lop->num_outputs, "Out", names, n + 1));
  OAR_TRY(block_attr(c, lop, idx));
  for (size_t k = 0; k < n; k++) {
    pirc_value *r = oar_pirc_find(c, op->results[k].id);
    OAR_TRY(oar_pirc_declare(c, r));
    OAR_TRY(emit_unary(c, "assign", names[k + 1], oar_pirc_name_of(c, r)));
  }
  return OAR_OK;
}

/* pd_op.if(cond) -> results; regions: true, false, each ending in yield. */
static oar_status emit_if(pirc_ctx *c, const oar_pir_op *op, int64_t *next_col) {
  const size_t w = c->index, n = op->num_results;
  if (op->num_regions != 2 || op->num_operands != 1 || n > 64)
    return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "has %zu regions and %zu operands, expected 2 and 1",
                         op->num_regions, op->num_operands);
  pirc_value *cond = oar_pirc_operand(c, op, 0);
  if (!cond) return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "has no condition");
  const char *cname = oar_pirc_name_of(c, cond);
  const char *branch[2][64];
  for (int b = 0; b < 2; b++)
    for (size_t k = 0; k < n; k++) {
      if (!(branch[b][k] = own_name(c, b ? "else" : "then", w, k))) return oar_pirc_oom(c);
      OAR_TRY(oar_pirc_declare_named(c, branch[b][k], &op->results[k].type, false));
    }
  const char *notc = own_name(c, "not", w, 0), *mask = own_name(c, "mask", w, 0);
  if (!cname || !notc || !mask) return oar_pirc_oom(c);
  OAR_TRY(oar_pirc_declare_named(c, notc, oar_pirc_resolve(cond)->type, false));
  OAR_TRY(emit_unary(c, "logical_not", cname, notc));
  size_t first = w + 1;
  for (int b = 0; b < 2; b++) {
    int32_t idx;
    const size_t count = op->region_ops[b];
    OAR_TRY(emit_region(c, first, count, branch[b], n, &idx, next_col));
    first += count;
    oar_pd_op *lop = oar_pirc_new_op(c, "conditional_block");
    if (!lop) return oar_pirc_oom(c);
    const char *cn = b ? notc : cname;
    OAR_TRY(oar_pirc_add_slot(c, &lop->inputs, &lop->num_inputs, "Cond", &cn, 1));
    OAR_TRY(oar_pirc_add_slot(c, &lop->outputs, &lop->num_outputs, "Out", branch[b], n));
    OAR_TRY(block_attr(c, lop, idx));
    oar_pd_attr *a = oar_pirc_new_attr(lop);
    if (!a || !(a->name = oar_strdup("is_scalar_condition"))) return oar_pirc_oom(c);
    a->type = OAR_PD_ATTR_BOOLEAN;
    a->b = true;
  }
  c->index = first - 1;
  oar_pd_op *cast = oar_pirc_new_op(c, "cast");
  if (!cast) return oar_pirc_oom(c);
  OAR_TRY(oar_pirc_add_slot(c, &cast->inputs, &cast->num_inputs, "X", &cname, 1));
  OAR_TRY(oar_pirc_add_slot(c, &cast->outputs, &cast->num_outputs, "Out", &mask, 1));
  OAR_TRY(oar_pirc_add_int_attr(c, cast, "out_dtype", 2));
  for (size_t k = 0; k < n; k++) {
    pirc_value *r = oar_pirc_find(c, op->results[k].id);
    const char *out = oar_pirc_name_of(c, r);
    const char *xs[2] = {branch[1][k], branch[0][k]};
    OAR_TRY(oar_pirc_declare(c, r));
    oar_pd_op *sel = oar_pirc_new_op(c, "select_input");
    if (!sel || !out) return oar_pirc_oom(c);
    OAR_TRY(oar_pirc_add_slot(c, &sel->inputs, &sel->num_inputs, "X", xs, 2));
    OAR_TRY(oar_pirc_add_slot(c, &sel->inputs, &sel->num_inputs, "Mask", &mask, 1));
    OAR_TRY(oar_pirc_add_slot(c, &sel->outputs, &sel->num_outputs, "Out", &out, 1));
  }
  return OAR_OK;
}

/* pd_op.assign_out_(x, out): the result is x. pd_op.array_write_(array, x, i):
 * the result is the array with x at i. */
static oar_status emit_inplace(pirc_ctx *c, const oar_pir_op *op) {
  const bool write = is_op(op, "pd_op.array_write_");
  if (op->num_results != 1 || op->num_operands != (write ? 3u : 2u))
    return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "has %zu operands and %zu results", op->num_operands,
                         op->num_results);
  pirc_value *r = oar_pirc_find(c, op->results[0].id);
  const char *out = oar_pirc_name_of(c, r);
  OAR_TRY(oar_pirc_declare(c, r));
  OAR_TRY(emit_unary(c, "assign", operand_name(c, op, write ? 0 : 0), out));
  if (!write) return OAR_OK;
  const char *x = operand_name(c, op, 1), *i = operand_name(c, op, 2);
  if (!x || !i) return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "has no value or index to write");
  oar_pd_op *lop = oar_pirc_new_op(c, "write_to_array");
  if (!lop) return oar_pirc_oom(c);
  OAR_TRY(oar_pirc_add_slot(c, &lop->inputs, &lop->num_inputs, "X", &x, 1));
  OAR_TRY(oar_pirc_add_slot(c, &lop->inputs, &lop->num_inputs, "I", &i, 1));
  return oar_pirc_add_slot(c, &lop->outputs, &lop->num_outputs, "Out", &out, 1);
}

static oar_status emit(pirc_ctx *c, const oar_pir_op *op, int64_t *next_col) {
  if (oar_pirc_is_op(op, "pd_op.while")) return emit_while(c, op, next_col);
  if (oar_pirc_is_op(op, "pd_op.if")) return emit_if(c, op, next_col);
  if (oar_pirc_is_op(op, "pd_op.assign_out_") || oar_pirc_is_op(op, "pd_op.array_write_"))
    return emit_inplace(c, op);
  if (oar_pirc_is_op(op, "oar.block_args")) return OAR_OK; /* declared by the loop */
  if (oar_pirc_is_op(op, "pd_op.assign_value_")) {
    /* In place: its operand is the tensor it overwrites (paddle.assign of
     * an array in a PIR program), which the value does not depend on. */
    oar_pir_op copy = *op;
    copy.num_operands = 0;
    return emit_mapped(c, &copy, oar_pir_op_map_find(op->name));
  }
  if (oar_pirc_is_op(op, "cf.yield"))
    return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL, "yields outside a control flow region");
  if (oar_pirc_is_op(op, "builtin.parameter")) {
    pirc_value *v = oar_pirc_find(c, op->results[0].id);
    v->declared = true;
    if (!op->persistable) return OAR_OK; /* PIR_EMPTY_VAR (plan) */
    return oar_pirc_declare_named(c, op->param_name, v->type, true);
  }
  if (is_input_op(op)) {
    pirc_value *v = oar_pirc_find(c, op->results[0].id);
    int64_t col = (*next_col)++;
    if (oar_pirc_is_op(op, "pd_op.feed")) OAR_TRY(int_attr(c, op, "col", &col));
    OAR_TRY(oar_pirc_declare(c, v));
    return emit_io(c, "feed", v->name, col);
  }
  if (is_fetch_op(op)) return emit_fetch(c, op);
  if (oar_pirc_is_op(op, "builtin.combine") || oar_pirc_is_op(op, "builtin.split") ||
      oar_pirc_is_op(op, "builtin.slice"))
    return OAR_OK;
  bool read = op->num_results == 1 && oar_pirc_find(c, op->results[0].id)->tensor;
  if (oar_pirc_is_op(op, "pd_op.full_int_array")) return read ? emit_constant(c, op) : OAR_OK;
  if (oar_pirc_is_op(op, "pd_op.stack") && !read) return OAR_OK; /* folded into shape lists */
  if (oar_pirc_is_op(op, "pd_op.full") && !read) return OAR_OK;
  return emit_mapped(c, op, oar_pir_op_map_find(op->name));
}

/* ---- entry points ------------------------------------------------------------------ */

void oar_pir_constants_free(oar_pir_constants *c) {
  if (!c) return;
  for (size_t i = 0; i < c->count; i++) oar_free(c->items[i].data);
  oar_free(c->items);
  memset(c, 0, sizeof *c);
}

static void ctx_free(pirc_ctx *c) {
  for (size_t i = 0; i < c->num_values; i++) {
    oar_free(c->values[i].name);
    oar_free(c->values[i].elems);
  }
  oar_free(c->values);
  oar_free(c->by_id);
  oar_free(c->needs_assign);
  for (size_t i = 0; i < c->pool_count; i++) oar_free(c->pool[i]);
  oar_free(c->pool);
  oar_name_map_free(&c->names);
}

oar_status oar_pir_to_paddle(const oar_pir_program *pir, const char *file, oar_pd_program *prog,
                             oar_pir_constants *consts, oar_error *err) {
  pirc_ctx c;
  memset(&c, 0, sizeof c);
  c.pir = pir;
  c.file = file ? file : "<memory>";
  c.err = err;
  oar_name_map_init(&c.names);
  oar_pd_program out;
  memset(&out, 0, sizeof out);
  oar_status st = OAR_OK;
  size_t num_blocks = 1;
  for (size_t i = 0; i < pir->num_ops; i++) num_blocks += pir->ops[i].num_regions;
  if (!(out.blocks = oar_calloc(num_blocks, sizeof *out.blocks))) {
    st = oar_pirc_oom(&c);
  } else {
    out.num_blocks = num_blocks;
    for (size_t b = 0; b < num_blocks; b++) {
      out.blocks[b].idx = (int32_t)b;
      out.blocks[b].parent_idx = b ? 0 : -1;
      out.blocks[b].forward_block_idx = -1;
    }
    c.block = &out.blocks[0];
    c.var_block = &out.blocks[0];
    c.prog = &out;
    c.next_block = 1;
    st = oar_pirc_index_values(&c);
  }
  if (st == OAR_OK) st = plan(&c);
  int64_t next_col = 0;
  for (c.index = 0; st == OAR_OK && c.index < pir->num_ops; c.index++)
    st = emit(&c, &pir->ops[c.index], &next_col);
  ctx_free(&c);
  if (st != OAR_OK) {
    oar_pd_program_free(&out);
    oar_pir_constants_free(&c.consts);
    return st;
  }
  *prog = out;
  *consts = c.consts;
  return OAR_OK;
}

oar_status oar_pir_constants_add(const oar_pir_constants *c, const oar_pd_block *block, oar_pd_params *params,
                                 oar_error *err) {
  if (!c->count) return OAR_OK;
  oar_pd_param *items = oar_realloc(params->items, (params->count + c->count) * sizeof *items);
  if (!items)
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory adding %zu constants", c->count);
  params->items = items;
  for (size_t i = 0; i < c->count; i++) {
    oar_pd_param *p = &items[params->count++];
    memset(p, 0, sizeof *p);
    p->var = &block->vars[c->items[i].var];
    p->rec.dtype = c->items[i].dtype;
    p->rec.shape = c->items[i].shape;
    p->rec.data = c->items[i].data;
    p->rec.bytes = c->items[i].bytes;
  }
  return OAR_OK;
}
