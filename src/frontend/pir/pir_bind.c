/* Operands of mapped ops: constants folded into legacy attributes, or
 * tensors bound to legacy slots. */
#include <inttypes.h>
#include <math.h>

#include "frontend/pir/pir_attr.h"
#include "frontend/pir/pir_convert.h"

/* The element count of a pd_op.full's "shape"; false when unreadable. */
static bool full_numel(const oar_pir_op *full, size_t *numel) {
  const oar_pir_attr *shape = oar_pir_op_attr(full, "shape");
  *numel = 1;
  if (!shape) return true;
  int64_t dims[OAR_MAX_RANK];
  size_t n;
  oar_error ignored;
  if (oar_pir_attr_ints(shape->at, dims, OAR_MAX_RANK, &n, &ignored) != OAR_OK || n > OAR_MAX_RANK)
    return false;
  for (size_t k = 0; k < n; k++) {
    if (dims[k] < 0 || (dims[k] && *numel > SIZE_MAX / (size_t)dims[k])) return false;
    *numel *= (size_t)dims[k];
  }
  return true;
}

/* The value of a pd_op.full with one element, or of a pd_op.full_int_array
 * with one entry: true and *b filled (BIND_NUM); false otherwise. Reads
 * without allocating, so "not a constant" never hides "out of memory". */
static bool const_scalar(pirc_ctx *c, const pirc_value *v, pirc_binding *b) {
  const oar_pir_op *p = oar_pirc_producer(c, v);
  const oar_pir_attr *val = oar_pir_op_attr(p, "value");
  oar_error ignored;
  if (!val) return false;
  if (oar_pirc_is_op(p, "pd_op.full")) {
    size_t numel;
    if (!full_numel(p, &numel) || numel != 1) return false;
    if (oar_pir_attr_number(val->at, &b->num, &b->num_is_int, &b->num_i, &ignored) != OAR_OK) return false;
    if (!b->num_is_int && b->num == floor(b->num) && fabs(b->num) < 9.0e18) {
      b->num_is_int = true;
      b->num_i = (int64_t)b->num;
    }
    b->kind = BIND_NUM;
    return true;
  }
  if (oar_pirc_is_op(p, "pd_op.full_int_array")) {
    size_t n;
    if (oar_pir_attr_ints(val->at, &b->num_i, 1, &n, &ignored) != OAR_OK || n != 1) return false;
    b->kind = BIND_NUM;
    b->num = (double)b->num_i;
    b->num_is_int = true;
    return true;
  }
  return false;
}

/* The builtin.combine whose elements make an IntArray operand: the
 * operand's producer, or the combine under a pd_op.stack along axis 0
 * (stacking one-element tensors makes the same list). */
static const oar_pir_op *int_list(pirc_ctx *c, const pirc_value *v) {
  const oar_pir_op *p = oar_pirc_producer(c, v);
  if (oar_pirc_is_op(p, "builtin.combine")) return p;
  if (!oar_pirc_is_op(p, "pd_op.stack") || p->num_operands != 1) return NULL;
  const oar_pir_attr *axis = oar_pir_op_attr(p, "axis");
  double d;
  bool is_int;
  int64_t i = 0;
  oar_error ignored;
  if (axis && (oar_pir_attr_number(axis->at, &d, &is_int, &i, &ignored) != OAR_OK || i != 0)) return NULL;
  pirc_value *in = oar_pirc_operand(c, p, 0);
  return in && oar_pirc_is_op(oar_pirc_producer(c, in), "builtin.combine") ? oar_pirc_producer(c, in) : NULL;
}

static oar_status bind_ints(pirc_ctx *c, const oar_pir_arg *arg, pirc_value *v, pirc_binding *b) {
  const oar_pir_op *p = oar_pirc_producer(c, v);
  oar_error e;
  if (oar_pirc_is_op(p, "pd_op.full_int_array")) {
    const oar_pir_attr *val = oar_pir_op_attr(p, "value");
    if (!val)
      return oar_pirc_fail(c, OAR_ERR_INVALID_MODEL,
                           "its constant operand %%%" PRId64 " has no attribute 'value'", v->id);
    size_t n;
    if (oar_pir_attr_ints(val->at, b->ints, MAX_CONST_INTS, &n, &e) != OAR_OK)
      return oar_pirc_fail(c, e.code, "the 'value' of its constant operand %%%" PRId64 " %s", v->id, e.msg);
    if (n > MAX_CONST_INTS)
      return oar_pirc_fail(c, OAR_ERR_UNSUPPORTED, "constant operand %%%" PRId64 " has %zu values, above %d",
                           v->id, n, MAX_CONST_INTS);
    b->kind = BIND_INTS;
    b->n = n;
    return OAR_OK;
  }
  if (oar_pirc_is_op(p, "pd_op.full")) {
    size_t numel;
    pirc_binding one = {0};
    if (full_numel(p, &numel) && numel <= MAX_CONST_INTS && numel >= 1) {
      const oar_pir_attr *val = oar_pir_op_attr(p, "value");
      bool ok = val && oar_pir_attr_number(val->at, &one.num, &one.num_is_int, &one.num_i, &e) == OAR_OK &&
                one.num == floor(one.num) && fabs(one.num) < 9.0e18;
      if (ok) {
        for (size_t k = 0; k < numel; k++) b->ints[k] = (int64_t)one.num;
        b->kind = BIND_INTS;
        b->n = numel;
        return OAR_OK;
      }
    }
  }
  const oar_pir_op *list = int_list(c, v);
  if (list) {
    if (list->num_operands > MAX_CONST_INTS)
      return oar_pirc_fail(c, OAR_ERR_UNSUPPORTED, "operand list %%%" PRId64 " has %zu values, above %d",
                           v->id, list->num_operands, MAX_CONST_INTS);
    bool all_const = true;
    for (size_t k = 0; k < list->num_operands && all_const; k++) {
      pirc_value *e_v = oar_pirc_operand(c, list, k);
      pirc_binding one = {0};
      all_const = e_v && const_scalar(c, e_v, &one) && one.num_is_int;
      b->ints[k] = one.num_i;
    }
    if (all_const) {
      b->kind = BIND_INTS;
      b->n = list->num_operands;
      return OAR_OK;
    }
    pirc_value *only = list->num_operands == 1 ? oar_pirc_operand(c, list, 0) : NULL;
    if (list == p && only && arg->slot) {
      b->kind = BIND_TENSOR;
      b->tensor = only;
      return OAR_OK;
    }
    b->kind = BIND_LIST;
    b->list = list;
    return OAR_OK;
  }
  b->kind = BIND_TENSOR;
  b->tensor = v;
  return OAR_OK;
}

oar_status oar_pirc_bind(pirc_ctx *c, const oar_pir_arg *arg, pirc_value *v, pirc_binding *b) {
  memset(b, 0, sizeof *b);
  if (!v) return OAR_OK; /* BIND_ABSENT */
  switch (arg->kind) {
    case OAR_PIR_ARG_INTS: return bind_ints(c, arg, v, b);
    case OAR_PIR_ARG_INT:
    case OAR_PIR_ARG_FLOAT:
      if (const_scalar(c, v, b)) return OAR_OK;
      break;
    case OAR_PIR_ARG_TENSOR:
    case OAR_PIR_ARG_NONE: break;
  }
  b->kind = BIND_TENSOR;
  b->tensor = v;
  return OAR_OK;
}

pirc_value *oar_pirc_vector_elem(pirc_ctx *c, pirc_value *v, size_t k) {
  const oar_pir_op *p = oar_pirc_producer(c, v);
  if (oar_pirc_is_op(p, "builtin.combine")) return oar_pirc_operand(c, p, k);
  return v->elems ? v->elems[k] : NULL;
}

void oar_pirc_mark_tensor(pirc_ctx *c, pirc_value *v) {
  v = oar_pirc_resolve(v);
  if (!v) return;
  v->tensor = true;
  if (oar_pirc_is_op(oar_pirc_producer(c, v), "builtin.combine"))
    for (size_t k = 0; k < oar_pirc_producer(c, v)->num_operands; k++)
      oar_pirc_mark_tensor(c, oar_pirc_operand(c, oar_pirc_producer(c, v), k));
}
