#include "frontend/paddle/paddle_to_graph.h"

#include "frontend/paddle/paddle_lower.h"
#include "ir/graph_edit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "frontend/paddle/name_map.h"
#include "ir/ops/control_flow.h"

/* Schemas have a handful of slots; a fixed bound keeps slot matching free
 * of allocation. */
#define MAX_SCHEMA_SLOTS 64

/* Paddle's name for "no variable" (kEmptyVarName) in optional slots. */
#define PADDLE_EMPTY_VAR "@EMPTY@"

typedef struct build_ctx {
  const oar_pd_program *prog;
  const struct build_ctx *parent; /* the block holding the control flow op of this sub-block */
  int depth;
  size_t *block_visits; /* program-wide count of sub-block reads (bounded: MAX_BLOCK_VISITS) */
  const oar_pd_block *block;
  const char *source;
  oar_graph *g;
  oar_name_map vars;   /* VarDesc name -> index in block->vars */
  oar_name_map values; /* variable name -> id of its latest value */
} build_ctx;

/* ---- messages ----------------------------------------------------------- */

static const char *first_output(const oar_pd_op *op) {
  for (size_t i = 0; i < op->num_outputs; i++)
    if (op->outputs[i].args.n) return op->outputs[i].args.v[0];
  return "";
}

/* "op 'conv2d' (op #5 in block 0, first output 'x') in model.pdmodel" */
static const char *describe(const build_ctx *c, size_t index, char *buf, size_t size) {
  const oar_pd_op *op = &c->block->ops[index];
  snprintf(buf, size, "op '%s' (op #%zu in block %d, first output '%s') in %s", op->type, index,
           (int)c->block->idx, first_output(op), c->source);
  return buf;
}

#define DESC_MAX 512

/* ---- variables and values ----------------------------------------------- */

static const oar_pd_var *find_var(const build_ctx *c, const char *name) {
  for (; c; c = c->parent) {
    int i = oar_name_map_get(&c->vars, name);
    if (i >= 0) return &c->block->vars[i];
  }
  return NULL;
}

/* The declared dtype and shape of a variable; UNKNOWN and rank 0 when it
 * has no VarDesc or no tensor description. */
static oar_status declared_type(const oar_pd_var *var, const char *role, oar_dtype *dtype, oar_shape *shape,
                                oar_error *err) {
  *dtype = OAR_DTYPE_UNKNOWN;
  memset(shape, 0, sizeof *shape);
  if (var && var->kind == OAR_PD_LOD_TENSOR_ARRAY) {
    /* Tensor arrays are blobs (ir/ops/control_flow.h). */
    *dtype = OAR_DTYPE_UINT8;
    *shape = (oar_shape){.rank = 1, .dims = {-1}};
    return OAR_OK;
  }
  if (!var || !var->has_tensor) return OAR_OK;
  if (var->tensor.dims.n > OAR_MAX_RANK)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "%s '%s' has rank %zu, above oar's maximum of %d", role,
                         var->name, var->tensor.dims.n, OAR_MAX_RANK);
  *dtype = oar_pd_dtype_to_oar(var->tensor.dtype);
  if (*dtype == OAR_DTYPE_UNKNOWN)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "%s '%s' has element type %s (%d), which oar does not support", role, var->name,
                         oar_pd_vartype_name(var->tensor.dtype), var->tensor.dtype);
  shape->rank = (int)var->tensor.dims.n;
  for (size_t i = 0; i < var->tensor.dims.n; i++) shape->dims[i] = var->tensor.dims.v[i];
  return OAR_OK;
}

/* Gives value `id` a name "base@N" that no other value has. */
static oar_status rename_value(oar_graph *g, int id, const char *base, oar_error *err) {
  size_t len = strlen(base) + 24;
  char *name = oar_malloc(len);
  if (!name) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory renaming '%s'", base);
  for (int k = 1;; k++) {
    snprintf(name, len, "%s@%d", base, k);
    if (oar_graph_find_value(g, name) < 0) break;
  }
  oar_free(g->values[id].name);
  g->values[id].name = name;
  return OAR_OK;
}

/* Creates the value a variable takes when an op writes it. Paddle programs
 * may write a variable twice (in-place ops, batch_norm's MeanOut aliasing
 * its Mean parameter); the IR wants one producer per value, so each write
 * makes a new value and later readers see the newest. The newest keeps the
 * plain name (fetch targets are looked up by it) unless the older one is an
 * input or a parameter, whose names the caller and the weights rely on. */
static oar_status define_value(build_ctx *c, const char *name, int *id, oar_error *err) {
  oar_dtype dtype;
  oar_shape shape;
  OAR_TRY(declared_type(find_var(c, name), "variable", &dtype, &shape, err));
  int old = oar_name_map_get(&c->values, name);
  OAR_TRY(oar_graph_add_value(c->g, name, dtype, &shape, id, err));
  if (old >= 0) {
    if (c->g->values[old].kind == OAR_VALUE_INTERMEDIATE)
      OAR_TRY(rename_value(c->g, old, name, err));
    else
      OAR_TRY(rename_value(c->g, *id, name, err));
  }
  return oar_name_map_put(&c->values, name, *id, err);
}

/* ---- parameters, feeds, fetches ----------------------------------------- */

static oar_status add_params(build_ctx *c, const oar_pd_params *params, oar_error *err) {
  for (size_t i = 0; params && i < params->count; i++) {
    const oar_pd_param *p = &params->items[i];
    oar_dtype dtype = oar_pd_dtype_to_oar(p->rec.dtype);
    if (dtype == OAR_DTYPE_UNKNOWN)
      return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                           "parameter '%s' has element type %s (%d), which oar does not support (in %s)",
                           p->var->name, oar_pd_vartype_name(p->rec.dtype), p->rec.dtype, c->source);
    int id;
    OAR_TRY(oar_graph_add_value(c->g, p->var->name, dtype, &p->rec.shape, &id, err));
    OAR_TRY(oar_graph_set_constant(c->g, id, dtype, &p->rec.shape, p->rec.data, p->rec.bytes, err));
    /* Copied: the mapped file's pages for it can go (weights are never held
     * twice). Only pages of the file: constants a PIR program adds live on
     * the heap. */
    const oar_bytes *src = params->source;
    const uintptr_t at = (uintptr_t)p->rec.data, base = (uintptr_t)(src ? src->data : NULL);
    if (src && at >= base && p->rec.bytes <= src->size && at - base <= src->size - p->rec.bytes)
      oar_bytes_release(src, p->rec.data, p->rec.bytes);
    OAR_TRY(oar_name_map_put(&c->values, p->var->name, id, err));
  }
  return OAR_OK;
}

typedef struct io_op {
  int64_t col;
  size_t op;       /* index in the block */
  const char *var; /* fed (Out) or fetched (X) variable */
} io_op;

static int by_col(const void *a, const void *b) {
  const io_op *x = a, *y = b;
  return x->col < y->col ? -1 : x->col > y->col;
}

/* Reads a feed/fetch op's `col` and its variable (slot `slot`). */
static oar_status read_io_op(const build_ctx *c, size_t index, bool is_feed, io_op *out, oar_error *err) {
  const oar_pd_op *op = &c->block->ops[index];
  char desc[DESC_MAX];
  const oar_pd_attr *col = oar_pd_op_find_attr(op, "col");
  if (!col || (col->type != OAR_PD_ATTR_INT && col->type != OAR_PD_ATTR_LONG))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s has no integer attribute 'col'",
                         describe(c, index, desc, sizeof desc));
  out->col = col->type == OAR_PD_ATTR_INT ? col->i : col->l;
  out->op = index;
  const oar_pd_slot *slot = is_feed ? oar_pd_op_find_output(op, "Out") : oar_pd_op_find_input(op, "X");
  if (!slot || slot->args.n != 1)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "%s must have exactly one variable in %s '%s', found %zu",
                         describe(c, index, desc, sizeof desc), is_feed ? "output" : "input",
                         is_feed ? "Out" : "X", slot ? slot->args.n : (size_t)0);
  out->var = slot->args.v[0];
  if (out->col < 0)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s has col %lld, expected >= 0",
                         describe(c, index, desc, sizeof desc), (long long)out->col);
  return OAR_OK;
}

/* Collects the feed or fetch ops in col order; duplicate cols are an error. */
static oar_status collect_io(const build_ctx *c, bool is_feed, io_op **out, size_t *count, oar_error *err) {
  const char *type = is_feed ? "feed" : "fetch";
  size_t n = 0;
  for (size_t i = 0; i < c->block->num_ops; i++) n += strcmp(c->block->ops[i].type, type) == 0;
  *out = NULL;
  *count = 0;
  if (!n) return OAR_OK;
  io_op *list = oar_calloc(n, sizeof *list);
  if (!list) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory listing %zu %s ops", n, type);
  size_t k = 0;
  oar_status st = OAR_OK;
  for (size_t i = 0; i < c->block->num_ops && st == OAR_OK; i++)
    if (strcmp(c->block->ops[i].type, type) == 0) st = read_io_op(c, i, is_feed, &list[k++], err);
  if (st == OAR_OK) {
    qsort(list, n, sizeof *list, by_col);
    for (size_t i = 1; i < n && st == OAR_OK; i++)
      if (list[i].col == list[i - 1].col)
        st = oar_error_set(
            err, OAR_ERR_INVALID_MODEL, "%s ops #%zu ('%s') and #%zu ('%s') both have col %lld in %s", type,
            list[i - 1].op, list[i - 1].var, list[i].op, list[i].var, (long long)list[i].col, c->source);
  }
  if (st != OAR_OK) {
    oar_free(list);
    return st;
  }
  *out = list;
  *count = n;
  return OAR_OK;
}

static oar_status add_inputs(build_ctx *c, const io_op *feeds, size_t n, oar_error *err) {
  for (size_t i = 0; i < n; i++) {
    char desc[DESC_MAX];
    const oar_pd_var *var = find_var(c, feeds[i].var);
    if (!var || !var->has_tensor)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                           "%s feeds '%s', which has no tensor declaration in block 0",
                           describe(c, feeds[i].op, desc, sizeof desc), feeds[i].var);
    if (oar_name_map_get(&c->values, var->name) >= 0)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                           "%s feeds '%s', which is already a parameter or an input",
                           describe(c, feeds[i].op, desc, sizeof desc), var->name);
    oar_dtype dtype;
    oar_shape shape;
    if (declared_type(var, "input", &dtype, &shape, err) != OAR_OK)
      return oar_error_prefix(err, "%s: ", c->source);
    int id;
    OAR_TRY(oar_graph_add_value(c->g, var->name, dtype, &shape, &id, err));
    OAR_TRY(oar_graph_add_input(c->g, id, err));
    OAR_TRY(oar_name_map_put(&c->values, var->name, id, err));
  }
  return OAR_OK;
}

static oar_status add_outputs(build_ctx *c, const io_op *fetches, size_t n, oar_error *err) {
  for (size_t i = 0; i < n; i++) {
    int id = oar_name_map_get(&c->values, fetches[i].var);
    if (id < 0) {
      char desc[DESC_MAX];
      return oar_error_set(
          err, OAR_ERR_INVALID_MODEL,
          "%s (col %lld) fetches '%s', which no op produces and which is neither an input nor a "
          "parameter",
          describe(c, fetches[i].op, desc, sizeof desc), (long long)fetches[i].col, fetches[i].var);
    }
    OAR_TRY(oar_graph_add_output(c->g, id, err));
  }
  return OAR_OK;
}

/* ---- attributes ---------------------------------------------------------- */

oar_status oar_pd_attr_to_ir(const oar_pd_attr *a, oar_attr *out, void **owned, oar_error *err) {
  memset(out, 0, sizeof *out);
  *owned = NULL;
  switch (a->type) {
    case OAR_PD_ATTR_INT:
      out->type = OAR_ATTR_INT;
      out->i = a->i;
      return OAR_OK;
    case OAR_PD_ATTR_LONG:
      out->type = OAR_ATTR_INT;
      out->i = a->l;
      return OAR_OK;
    case OAR_PD_ATTR_FLOAT:
      out->type = OAR_ATTR_FLOAT;
      out->f = a->f;
      return OAR_OK;
    case OAR_PD_ATTR_FLOAT64:
      out->type = OAR_ATTR_FLOAT;
      out->f = a->float64;
      return OAR_OK;
    case OAR_PD_ATTR_BOOLEAN:
      out->type = OAR_ATTR_BOOL;
      out->i = a->b;
      return OAR_OK;
    case OAR_PD_ATTR_STRING:
      out->type = OAR_ATTR_STRING;
      out->s = a->s ? a->s : "";
      return OAR_OK;
    case OAR_PD_ATTR_INTS:
    case OAR_PD_ATTR_LONGS:
    case OAR_PD_ATTR_BOOLEANS: {
      const oar_pd_ints *v = a->type == OAR_PD_ATTR_INTS    ? &a->ints
                             : a->type == OAR_PD_ATTR_LONGS ? &a->longs
                                                            : &a->bools;
      out->type = OAR_ATTR_INTS;
      out->ints = v->v;
      out->n = v->n;
      return OAR_OK;
    }
    case OAR_PD_ATTR_FLOATS:
    case OAR_PD_ATTR_FLOAT64S: {
      const oar_pd_floats *v = a->type == OAR_PD_ATTR_FLOATS ? &a->floats : &a->float64s;
      out->type = OAR_ATTR_FLOATS;
      out->floats = v->v;
      out->n = v->n;
      return OAR_OK;
    }
    case OAR_PD_ATTR_STRINGS:
      out->type = OAR_ATTR_STRINGS;
      out->strings = a->strings.v;
      out->n = a->strings.n;
      return OAR_OK;
    case OAR_PD_ATTR_SCALAR:
      switch (a->scalar.type) {
        case OAR_PD_SCALAR_BOOLEAN:
          out->type = OAR_ATTR_BOOL;
          out->i = a->scalar.b;
          return OAR_OK;
        case OAR_PD_SCALAR_LONG:
          out->type = OAR_ATTR_INT;
          out->i = a->scalar.i;
          return OAR_OK;
        case OAR_PD_SCALAR_FLOAT64:
          out->type = OAR_ATTR_FLOAT;
          out->f = a->scalar.r;
          return OAR_OK;
      }
      return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                           "is a scalar of kind %d (complex or unknown), not supported", a->scalar.type);
    case OAR_PD_ATTR_SCALARS: {
      /* All integral (bool/long) -> INTS; any float -> FLOATS. */
      bool any_float = false;
      for (size_t i = 0; i < a->num_scalars; i++) {
        int t = a->scalars[i].type;
        if (t == OAR_PD_SCALAR_FLOAT64)
          any_float = true;
        else if (t != OAR_PD_SCALAR_BOOLEAN && t != OAR_PD_SCALAR_LONG)
          return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                               "element %zu is a scalar of kind %d (complex or unknown)", i, t);
      }
      size_t n = a->num_scalars ? a->num_scalars : 1;
      if (any_float) {
        double *v = oar_malloc(n * sizeof *v);
        if (!v) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory converting scalars");
        for (size_t i = 0; i < a->num_scalars; i++) {
          const oar_pd_scalar *s = &a->scalars[i];
          v[i] = s->type == OAR_PD_SCALAR_FLOAT64 ? s->r
                 : s->type == OAR_PD_SCALAR_LONG  ? (double)s->i
                                                  : s->b;
        }
        out->type = OAR_ATTR_FLOATS;
        out->floats = v;
        *owned = v;
      } else {
        int64_t *v = oar_malloc(n * sizeof *v);
        if (!v) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory converting scalars");
        for (size_t i = 0; i < a->num_scalars; i++)
          v[i] = a->scalars[i].type == OAR_PD_SCALAR_LONG ? a->scalars[i].i : a->scalars[i].b;
        out->type = OAR_ATTR_INTS;
        out->ints = v;
        *owned = v;
      }
      out->n = a->num_scalars;
      return OAR_OK;
    }
    case OAR_PD_ATTR_VAR:
    case OAR_PD_ATTR_VARS:
      return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                           "takes its value from variable '%s' at run time, which oar does not support",
                           a->type == OAR_PD_ATTR_VAR ? (a->var_name ? a->var_name : "")
                                                      : (a->vars_name.n ? a->vars_name.v[0] : ""));
    case OAR_PD_ATTR_BLOCK:
    case OAR_PD_ATTR_BLOCKS:
      return oar_error_set(err, OAR_ERR_UNSUPPORTED, "refers to a sub-block, which oar does not support");
  }
  return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has unknown attribute type %d", a->type);
}

static oar_status set_attrs(build_ctx *c, size_t index, oar_node_builder *b, oar_error *err) {
  const oar_pd_op *op = &c->block->ops[index];
  for (size_t i = 0; i < op->num_attrs; i++) {
    const oar_pd_attr *a = &op->attrs[i];
    int k = oar_schema_attr_index(b->node.schema, a->name);
    if (k < 0) continue; /* framework bookkeeping and attributes oar does not use */
    oar_attr v;
    void *owned;
    oar_status st = oar_pd_attr_to_ir(a, &v, &owned, err);
    if (st == OAR_OK) {
      st = oar_node_set_attr(b, k, &v, err);
      oar_free(owned);
      if (st != OAR_OK) {
        char desc[DESC_MAX];
        return oar_error_prefix(err, "%s: ", describe(c, index, desc, sizeof desc));
      }
    } else {
      char desc[DESC_MAX];
      return oar_error_prefix(err, "%s: attribute '%s' (%s) ", describe(c, index, desc, sizeof desc), a->name,
                              oar_pd_attr_type_name(a->type));
    }
  }
  return OAR_OK;
}

/* ---- ops ------------------------------------------------------------------ */

/* Matches the op's slots to the schema's slots by name. An unknown slot is
 * ignored when empty; `strict` makes an unknown non-empty slot an error
 * (inputs: the op would lose data; outputs: nothing can read what oar does
 * not compute, and a later reader fails on its own). */
/* An input slot the lowering of `type` says the op does not read. */
static bool ignored_slot(const char *type, const char *slot) {
  const oar_pd_lowering *low = oar_pd_lowering_find(type);
  for (const char *const *n = low ? low->ignored_inputs : NULL; n && *n; n++)
    if (strcmp(*n, slot) == 0) return true;
  return false;
}

static oar_status match_slots(build_ctx *c, size_t index, const oar_pd_slot *slots, size_t num_slots,
                              const oar_slot_spec *specs, int num_specs, const char *const *names,
                              bool is_input, const oar_pd_slot **matched, oar_error *err) {
  char desc[DESC_MAX];
  const char *kind = is_input ? "input" : "output";
  if (num_specs > MAX_SCHEMA_SLOTS)
    return oar_error_set(err, OAR_ERR_INTERNAL, "schema of '%s' has %d %s slots, above %d",
                         c->block->ops[index].type, num_specs, kind, MAX_SCHEMA_SLOTS);
  for (int k = 0; k < num_specs; k++) matched[k] = NULL;
  for (size_t i = 0; i < num_slots; i++) {
    const oar_pd_slot *s = &slots[i];
    int k = -1;
    for (int j = 0; j < num_specs; j++)
      if (strcmp(names && names[j] ? names[j] : specs[j].name, s->name) == 0) k = j;
    if (k < 0) {
      if (is_input && ignored_slot(c->block->ops[index].type, s->name)) continue;
      if (is_input && s->args.n)
        return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                             "%s has input slot '%s' (bound to '%s'), which oar's '%s' op does not have",
                             describe(c, index, desc, sizeof desc), s->name, s->args.v[0],
                             c->block->ops[index].type);
      continue;
    }
    if (matched[k])
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s lists %s slot '%s' twice",
                           describe(c, index, desc, sizeof desc), kind, s->name);
    matched[k] = s;
  }
  for (int k = 0; k < num_specs; k++) {
    size_t n = 0;
    if (matched[k])
      for (size_t j = 0; j < matched[k]->args.n; j++)
        n += strcmp(matched[k]->args.v[j], PADDLE_EMPTY_VAR) != 0;
    /* A lowered op's empty required input may be a constant (checked when
     * the node is filled). */
    if (n == 0 && !(specs[k].flags & OAR_SLOT_OPTIONAL) && !(names && is_input))
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s lacks required %s '%s'",
                           describe(c, index, desc, sizeof desc), kind, specs[k].name);
    if (n > 1 && !(specs[k].flags & OAR_SLOT_VARIADIC))
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s binds %zu variables to %s '%s', which takes one",
                           describe(c, index, desc, sizeof desc), n, kind, specs[k].name);
  }
  return OAR_OK;
}

/* True when the slot binds at least one variable. */
static bool slot_bound(const oar_pd_slot *slot) {
  for (size_t j = 0; slot && j < slot->args.n; j++)
    if (strcmp(slot->args.v[j], PADDLE_EMPTY_VAR) != 0) return true;
  return false;
}

/* Input slot k of a lowered op that the Paddle op leaves empty: a constant
 * the lowering makes from the op's attributes, nothing (optional), or an
 * error (required). */
static oar_status lowered_constant(build_ctx *c, size_t index, const oar_pd_lowering *low, int k,
                                   oar_node_builder *b, oar_error *err) {
  const oar_op_schema *s = b->node.schema;
  char desc[DESC_MAX];
  oar_pd_const value = {.x_rank = -1};
  if (b->num_in > 0) value.x_rank = c->g->values[b->node.in[0]].shape.rank;
  if (low->constant && low->constant(low, &c->block->ops[index], k, &value, err) != OAR_OK)
    return oar_error_prefix(err, "%s ", describe(c, index, desc, sizeof desc));
  if (!value.present) {
    if (s->inputs[k].flags & OAR_SLOT_OPTIONAL) return OAR_OK;
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s lacks required input '%s'",
                         describe(c, index, desc, sizeof desc),
                         low->inputs[k] ? low->inputs[k] : s->inputs[k].name);
  }
  char name[DESC_MAX + 64];
  snprintf(name, sizeof name, "%s.%s", c->block->ops[index].type, s->inputs[k].name);
  const oar_shape shape = oar_shape_make(value.rank, value.dims);
  const size_t bytes = value.count * oar_dtype_bytes(value.dtype);
  int id;
  OAR_TRY(oar_graph_add_constant(
      c->g, name, value.dtype, &shape,
      value.dtype == OAR_DTYPE_FLOAT32 ? (const void *)value.f : (const void *)value.i, bytes, &id, err));
  return oar_node_add_input(b, k, id, err);
}

/* The attributes of a Paddle op that runs as a generic IR op (paddle_lower.h). */
static oar_status lower_attrs(build_ctx *c, size_t index, const oar_pd_lowering *low, oar_node_builder *b,
                              oar_error *err) {
  if (low->attrs(low, &c->block->ops[index], b, err) == OAR_OK) return OAR_OK;
  char desc[DESC_MAX];
  return oar_error_prefix(err, "%s ", describe(c, index, desc, sizeof desc));
}

static oar_status fill_node(build_ctx *c, size_t index, const oar_pd_lowering *low, oar_node_builder *b,
                            oar_error *err) {
  const oar_pd_op *op = &c->block->ops[index];
  const oar_op_schema *s = b->node.schema;
  const oar_pd_slot *ins[MAX_SCHEMA_SLOTS], *outs[MAX_SCHEMA_SLOTS];
  char desc[DESC_MAX];
  if (low && (s->num_inputs > OAR_PD_LOWER_SLOTS || s->num_outputs > OAR_PD_LOWER_SLOTS))
    return oar_error_set(err, OAR_ERR_INTERNAL, "'%s' lowers to '%s', which has more than %d slots", op->type,
                         s->name, OAR_PD_LOWER_SLOTS);
  const char *const *in_names = low ? low->inputs : NULL;
  const char *const *out_names = low ? low->outputs : NULL;
  OAR_TRY(
      match_slots(c, index, op->inputs, op->num_inputs, s->inputs, s->num_inputs, in_names, true, ins, err));
  OAR_TRY(match_slots(c, index, op->outputs, op->num_outputs, s->outputs, s->num_outputs, out_names, false,
                      outs, err));
  /* Inputs first: an op that writes a variable it reads sees the old value. */
  for (int k = 0; k < s->num_inputs; k++) {
    if (low && !slot_bound(ins[k])) {
      OAR_TRY(lowered_constant(c, index, low, k, b, err));
      continue;
    }
    for (size_t j = 0; ins[k] && j < ins[k]->args.n; j++) {
      const char *name = ins[k]->args.v[j];
      if (strcmp(name, PADDLE_EMPTY_VAR) == 0) continue;
      int id = oar_name_map_get(&c->values, name);
      if (id < 0)
        return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                             "%s reads variable '%s' (input '%s'), which no earlier op produces and which is "
                             "neither an input nor a parameter",
                             describe(c, index, desc, sizeof desc), name, s->inputs[k].name);
      OAR_TRY(oar_node_add_input(b, k, id, err));
    }
  }
  for (int k = 0; k < s->num_outputs; k++) {
    for (size_t j = 0; outs[k] && j < outs[k]->args.n; j++) {
      const char *name = outs[k]->args.v[j];
      if (strcmp(name, PADDLE_EMPTY_VAR) == 0) continue;
      int id;
      if (define_value(c, name, &id, err) != OAR_OK)
        return oar_error_prefix(err, "%s: output '%s': ", describe(c, index, desc, sizeof desc),
                                s->outputs[k].name);
      OAR_TRY(oar_node_add_output(b, k, id, err));
    }
  }
  return low && low->attrs ? lower_attrs(c, index, low, b, err) : set_attrs(c, index, b, err);
}

/* ---- ops emitted as several nodes (paddle_lower.h) -------------------------------- */

struct oar_pd_emitter {
  build_ctx *c;
  size_t index; /* the Paddle op */
  int temps;    /* intermediate values made so far */
};

oar_graph *oar_pd_emit_graph(oar_pd_emitter *e) { return e->c->g; }

static const oar_pd_slot *emit_slot(const oar_pd_emitter *e, bool input, const char *slot) {
  const oar_pd_op *op = &e->c->block->ops[e->index];
  return input ? oar_pd_op_find_input(op, slot) : oar_pd_op_find_output(op, slot);
}

/* The j-th variable of a slot, the empty variable skipped; NULL past the end. */
static const char *emit_arg(const oar_pd_emitter *e, bool input, const char *slot, size_t j) {
  const oar_pd_slot *s = emit_slot(e, input, slot);
  for (size_t k = 0; s && k < s->args.n; k++)
    if (strcmp(s->args.v[k], PADDLE_EMPTY_VAR) != 0 && j-- == 0) return s->args.v[k];
  return NULL;
}

size_t oar_pd_emit_count(const oar_pd_emitter *e, bool input, const char *slot) {
  size_t n = 0;
  while (emit_arg(e, input, slot, n)) n++;
  return n;
}

oar_status oar_pd_emit_input(oar_pd_emitter *e, const char *slot, size_t j, int *id, oar_error *err) {
  const char *name = emit_arg(e, true, slot, j);
  if (!name) return oar_error_set(err, OAR_ERR_INVALID_MODEL, "lacks input '%s' #%zu", slot, j);
  *id = oar_name_map_get(&e->c->values, name);
  if (*id < 0)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "reads variable '%s' (input '%s'), which no earlier op produces and which is "
                         "neither an input nor a parameter",
                         name, slot);
  return OAR_OK;
}

oar_status oar_pd_emit_output(oar_pd_emitter *e, const char *slot, size_t j, int *id, oar_error *err) {
  const char *name = emit_arg(e, false, slot, j);
  if (!name) return oar_error_set(err, OAR_ERR_INVALID_MODEL, "lacks output '%s' #%zu", slot, j);
  if (define_value(e->c, name, id, err) != OAR_OK) return oar_error_prefix(err, "output '%s': ", slot);
  return OAR_OK;
}

oar_status oar_pd_emit_temp(oar_pd_emitter *e, int *id, oar_error *err) {
  char name[DESC_MAX];
  do snprintf(name, sizeof name, "%s.oar_t%d", first_output(&e->c->block->ops[e->index]), ++e->temps);
  while (oar_graph_find_value(e->c->g, name) >= 0);
  const oar_shape none = {0};
  return oar_graph_add_value(e->c->g, name, OAR_DTYPE_UNKNOWN, &none, id, err);
}

oar_status oar_pd_emit_const(oar_pd_emitter *e, oar_dtype dtype, const oar_shape *shape, const void *data,
                             int *id, oar_error *err) {
  char name[DESC_MAX + 32];
  snprintf(name, sizeof name, "%s.oar_c", first_output(&e->c->block->ops[e->index]));
  return oar_graph_add_constant(e->c->g, name, dtype, shape, data,
                                (size_t)oar_shape_numel(shape) * oar_dtype_bytes(dtype), id, err);
}

oar_status oar_pd_emit_begin(oar_pd_emitter *e, oar_op_id op, oar_node_builder *b, oar_error *err) {
  return oar_node_begin(b, e->c->g, oar_schema_by_id(op), (int)e->index, err);
}

/* A Paddle op that its lowering emits as several nodes. */
static oar_status expand_op(build_ctx *c, size_t index, const oar_pd_lowering *low, oar_error *err) {
  oar_pd_emitter e = {.c = c, .index = index};
  if (low->expand(low, &c->block->ops[index], &e, err) == OAR_OK) return OAR_OK;
  char desc[DESC_MAX];
  return oar_error_prefix(err, "%s ", describe(c, index, desc, sizeof desc));
}

/* ---- control flow: sub-blocks become bodies (ir/ops/control_flow.h) -------------------- */

static oar_status build_block(build_ctx *c, oar_error *err);
static oar_status index_vars(build_ctx *c, oar_error *err);
static oar_status check_op_types(build_ctx *c, oar_error *err);

/* Sub-blocks nest at most this deep (a cycle of block references in a
 * malformed file ends here too). */
#define MAX_BLOCK_DEPTH 32
/* Sub-blocks read while building, in all: a malformed file whose ops share
 * sub-blocks would otherwise take time exponential in its nesting. */
#define MAX_BLOCK_VISITS 65536

static oar_status count_block_visit(const build_ctx *c, oar_error *err) {
  if (++*c->block_visits > MAX_BLOCK_VISITS)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "%s: its control flow reads sub-blocks more than %d times (ops sharing sub-blocks?)",
                         c->source, MAX_BLOCK_VISITS);
  return OAR_OK;
}

typedef struct name_list {
  const char **v;
  int n, cap;
} name_list;

static int name_list_find(const name_list *l, const char *name) {
  for (int i = 0; i < l->n; i++)
    if (strcmp(l->v[i], name) == 0) return i;
  return -1;
}

static oar_status name_list_add(name_list *l, const char *name, oar_error *err) {
  if (strcmp(name, PADDLE_EMPTY_VAR) == 0 || name_list_find(l, name) >= 0) return OAR_OK;
  if (l->n == l->cap) {
    int cap = l->cap ? l->cap * 2 : 16;
    const char **v = oar_realloc(l->v, (size_t)cap * sizeof *v);
    if (!v) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory reading a sub-block");
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = name;
  return OAR_OK;
}

static bool is_control_flow(const char *type) {
  return strcmp(type, "while") == 0 || strcmp(type, "conditional_block") == 0;
}

/* The sub-block an op runs, checked. */
static oar_status sub_block_of(const build_ctx *c, size_t index, const oar_pd_block **out, oar_error *err) {
  const oar_pd_op *op = &c->block->ops[index];
  char desc[DESC_MAX];
  const oar_pd_attr *a = oar_pd_op_find_attr(op, "sub_block");
  if (!a || a->type != OAR_PD_ATTR_BLOCK)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s has no attribute 'sub_block'",
                         describe(c, index, desc, sizeof desc));
  const int32_t idx = a->block_idx;
  if (idx <= 0 || (size_t)idx >= c->prog->num_blocks)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s runs block %d, which the program (%zu blocks) lacks",
                         describe(c, index, desc, sizeof desc), (int)idx, c->prog->num_blocks);
  for (const build_ctx *p = c; p; p = p->parent)
    if (p->block->idx == idx || p->depth >= MAX_BLOCK_DEPTH)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                           "%s runs block %d, which contains it (or nests deeper than %d)",
                           describe(c, index, desc, sizeof desc), (int)idx, MAX_BLOCK_DEPTH);
  *out = &c->prog->blocks[idx];
  return OAR_OK;
}

static oar_status slot_names(const oar_pd_slot *slots, size_t n, name_list *l, oar_error *err) {
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < slots[i].args.n; j++) OAR_TRY(name_list_add(l, slots[i].args.v[j], err));
  return OAR_OK;
}

/* The variables a block reads before writing them: what its body takes
 * from outside. A control flow op or write_to_array reads its outputs too
 * (their values carry over or grow), and a control flow op reads what its
 * own sub-block reads from outside (its Input / X slots may not list it all:
 * PIR's converted programs leave them empty). */
static oar_status free_reads(const build_ctx *c, const oar_pd_block *b, name_list *reads, int depth,
                             oar_error *err) {
  const oar_pd_program *prog = c->prog;
  OAR_TRY(count_block_visit(c, err));
  if (depth > MAX_BLOCK_DEPTH)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "sub-blocks nest deeper than %d (or refer to each other)", MAX_BLOCK_DEPTH);
  name_list written = {0};
  oar_status st = OAR_OK;
  for (size_t i = 0; i < b->num_ops && st == OAR_OK; i++) {
    const oar_pd_op *op = &b->ops[i];
    name_list here = {0};
    st = slot_names(op->inputs, op->num_inputs, &here, err);
    if (st == OAR_OK && (is_control_flow(op->type) || strcmp(op->type, "write_to_array") == 0))
      st = slot_names(op->outputs, op->num_outputs, &here, err);
    const oar_pd_attr *sb = is_control_flow(op->type) ? oar_pd_op_find_attr(op, "sub_block") : NULL;
    if (st == OAR_OK && sb && sb->type == OAR_PD_ATTR_BLOCK && sb->block_idx > 0 &&
        (size_t)sb->block_idx < prog->num_blocks)
      st = free_reads(c, &prog->blocks[sb->block_idx], &here, depth + 1, err);
    for (int k = 0; st == OAR_OK && k < here.n; k++)
      if (name_list_find(&written, here.v[k]) < 0) st = name_list_add(reads, here.v[k], err);
    oar_free(here.v);
    if (st == OAR_OK) st = slot_names(op->outputs, op->num_outputs, &written, err);
  }
  oar_free(written.v);
  return st;
}

/* The current value of `name` in c, made when it has none: an empty array
 * for a tensor array variable, an empty tensor of its declared dtype for a
 * variable a loop writes before reading. -1 (no error) when `name` is no
 * variable of c or its ancestors and make is false. */
static oar_status value_or_empty(build_ctx *c, const char *name, bool make, int *id, oar_error *err) {
  *id = oar_name_map_get(&c->values, name);
  if (*id >= 0) return OAR_OK;
  const oar_pd_var *var = find_var(c, name);
  if (!var || !(make || var->kind == OAR_PD_LOD_TENSOR_ARRAY)) return OAR_OK;
  if (var->kind == OAR_PD_LOD_TENSOR_ARRAY) {
    oar_node_builder b;
    OAR_TRY(oar_node_begin(&b, c->g, oar_schema_by_id(OAR_OP_create_array), -1, err));
    oar_status st = define_value(c, name, id, err);
    if (st == OAR_OK) st = oar_node_add_output(&b, 0, *id, err);
    if (st != OAR_OK) {
      oar_node_abort(&b);
      return st;
    }
    return oar_node_finish(&b, err);
  }
  oar_dtype dtype;
  oar_shape shape;
  OAR_TRY(declared_type(var, "variable", &dtype, &shape, err));
  if (dtype == OAR_DTYPE_UNKNOWN) dtype = OAR_DTYPE_FLOAT32;
  const oar_shape empty = {.rank = 1, .dims = {0}};
  OAR_TRY(define_value(c, name, id, err));
  return oar_graph_set_constant(c->g, *id, dtype, &empty, NULL, 0, err);
}

/* Builds block `b` as a body graph: inputs are the outer values of `ins`
 * (same names), outputs the values of `outs` at its end. */
static oar_status build_body(build_ctx *c, size_t index, const oar_pd_block *b, const name_list *ins,
                             const int *in_ids, const name_list *outs, oar_graph **out, oar_error *err) {
  build_ctx bc;
  memset(&bc, 0, sizeof bc);
  bc.prog = c->prog;
  bc.parent = c;
  bc.depth = c->depth + 1;
  bc.block_visits = c->block_visits;
  bc.block = b;
  bc.source = c->source;
  oar_name_map_init(&bc.vars);
  oar_name_map_init(&bc.values);
  char desc[DESC_MAX];
  oar_status st = count_block_visit(c, err);
  if (st == OAR_OK) st = oar_graph_create(&bc.g, err);
  if (st == OAR_OK && !(bc.g->source = oar_strdup(c->source)))
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for the source name");
  if (st == OAR_OK) st = index_vars(&bc, err);
  if (st == OAR_OK) st = check_op_types(&bc, err);
  for (int i = 0; st == OAR_OK && i < ins->n; i++) {
    const oar_value *ov = &c->g->values[in_ids[i]];
    int id;
    st = oar_graph_add_value(bc.g, ins->v[i], ov->dtype, &ov->shape, &id, err);
    if (st == OAR_OK) st = oar_graph_add_input(bc.g, id, err);
    if (st == OAR_OK) st = oar_name_map_put(&bc.values, ins->v[i], id, err);
  }
  if (st == OAR_OK) st = build_block(&bc, err);
  for (int k = 0; st == OAR_OK && k < outs->n; k++) {
    int id = oar_name_map_get(&bc.values, outs->v[k]);
    if (id < 0)
      st = oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s: its block %d never writes its output '%s'",
                         describe(c, index, desc, sizeof desc), (int)b->idx, outs->v[k]);
    else
      st = oar_graph_add_output(bc.g, id, err);
  }
  oar_name_map_free(&bc.vars);
  oar_name_map_free(&bc.values);
  if (st != OAR_OK) {
    oar_graph_destroy(bc.g);
    return st;
  }
  *out = bc.g;
  return OAR_OK;
}

/* Paddle while (X, Condition -> Out over sub_block) and conditional_block
 * (Cond, Input -> Out over sub_block): one IR node owning the body. */
static oar_status add_control_flow(build_ctx *c, size_t index, oar_error *err) {
  const oar_pd_op *op = &c->block->ops[index];
  const bool is_while = strcmp(op->type, "while") == 0;
  char desc[DESC_MAX];
  const oar_pd_block *b = NULL;
  OAR_TRY(sub_block_of(c, index, &b, err));
  const oar_pd_slot *cond = oar_pd_op_find_input(op, is_while ? "Condition" : "Cond");
  const oar_pd_slot *outs_slot = oar_pd_op_find_output(op, "Out");
  if (!cond || cond->args.n != 1)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s must have one variable in '%s'",
                         describe(c, index, desc, sizeof desc), is_while ? "Condition" : "Cond");
  name_list reads = {0}, ins = {0}, outs = {0};
  int *in_ids = NULL;
  oar_graph *body = NULL;
  oar_node_builder nb;
  memset(&nb, 0, sizeof nb);
  oar_status st = free_reads(c, b, &reads, c->depth, err);
  for (size_t j = 0; st == OAR_OK && outs_slot && j < outs_slot->args.n; j++)
    st = name_list_add(&outs, outs_slot->args.v[j], err);
  if (st == OAR_OK && is_while) {
    st = name_list_add(&reads, cond->args.v[0], err);
    for (int k = 0; st == OAR_OK && k < outs.n; k++) st = name_list_add(&reads, outs.v[k], err);
  } else {
    /* A branch's outputs that have a value already pass through when the
     * block does not write them. */
    for (int k = 0; st == OAR_OK && k < outs.n; k++)
      if (oar_name_map_get(&c->values, outs.v[k]) >= 0) st = name_list_add(&reads, outs.v[k], err);
  }
  if (st == OAR_OK && !(in_ids = oar_malloc(((size_t)reads.n + 1) * sizeof *in_ids)))
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory reading a sub-block");
  for (int i = 0; st == OAR_OK && i < reads.n; i++) {
    const bool carried =
        is_while && (name_list_find(&outs, reads.v[i]) >= 0 || strcmp(reads.v[i], cond->args.v[0]) == 0);
    int id;
    st = value_or_empty(c, reads.v[i], carried, &id, err);
    if (st != OAR_OK || id < 0) continue; /* not a variable here: the body's op says so */
    in_ids[ins.n] = id;
    st = name_list_add(&ins, reads.v[i], err);
  }
  if (st == OAR_OK) st = build_body(c, index, b, &ins, in_ids, &outs, &body, err);
  const oar_op_schema *schema = oar_schema_by_id(is_while ? OAR_OP_while : OAR_OP_conditional_block);
  if (st == OAR_OK) st = oar_node_begin(&nb, c->g, schema, (int)index, err);
  if (st == OAR_OK) {
    oar_graph *bodies[1] = {body};
    body = NULL;
    st = oar_node_set_bodies(&nb, bodies, 1, err);
  }
  if (st == OAR_OK && !is_while) {
    int id = oar_name_map_get(&c->values, cond->args.v[0]);
    if (id < 0)
      st = oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s reads condition '%s', which no earlier op produces",
                         describe(c, index, desc, sizeof desc), cond->args.v[0]);
    else
      st = oar_node_add_input(&nb, OAR_COND_BLOCK_IN_COND, id, err);
  }
  for (int i = 0; st == OAR_OK && i < ins.n; i++)
    st = oar_node_add_input(&nb, is_while ? OAR_WHILE_IN_X : OAR_COND_BLOCK_IN_INPUT, in_ids[i], err);
  oar_attr carried = {.type = OAR_ATTR_INTS};
  if (st == OAR_OK && is_while) {
    carried.n = (size_t)outs.n;
    if (!(carried.ints = oar_calloc((size_t)outs.n + 1, sizeof *carried.ints)))
      st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory reading a loop");
    for (int k = 0; st == OAR_OK && k < outs.n; k++) carried.ints[k] = name_list_find(&ins, outs.v[k]);
    const oar_attr ci = {.type = OAR_ATTR_INT, .i = name_list_find(&ins, cond->args.v[0])};
    if (st == OAR_OK && ci.i < 0)
      st = oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s: loop condition '%s' has no value before the loop",
                         describe(c, index, desc, sizeof desc), cond->args.v[0]);
    if (st == OAR_OK) st = oar_node_set_attr(&nb, OAR_WHILE_ATTR_COND, &ci, err);
    if (st == OAR_OK) st = oar_node_set_attr(&nb, OAR_WHILE_ATTR_CARRIED, &carried, err);
  } else if (st == OAR_OK) {
    const oar_pd_attr *sc = oar_pd_op_find_attr(op, "is_scalar_condition");
    const oar_attr a = {.type = OAR_ATTR_BOOL, .i = sc && sc->type == OAR_PD_ATTR_BOOLEAN && sc->b};
    st = oar_node_set_attr(&nb, OAR_COND_BLOCK_ATTR_IS_SCALAR, &a, err);
  }
  oar_free(carried.ints);
  for (int k = 0; st == OAR_OK && k < outs.n; k++) {
    int id;
    st = define_value(c, outs.v[k], &id, err);
    if (st == OAR_OK) st = oar_node_add_output(&nb, 0, id, err);
  }
  if (st == OAR_OK) {
    st = oar_node_finish(&nb, err);
  } else if (nb.graph) {
    oar_node_abort(&nb);
  }
  oar_graph_destroy(body);
  oar_free(reads.v);
  oar_free(ins.v);
  oar_free(outs.v);
  oar_free(in_ids);
  return st;
}

/* write_to_array (X, I -> Out): Out is the array it grows, so the node
 * reads the array's current value too (none: a new array). */
static oar_status add_write_to_array(build_ctx *c, size_t index, oar_error *err) {
  const oar_pd_op *op = &c->block->ops[index];
  char desc[DESC_MAX];
  const oar_pd_slot *x = oar_pd_op_find_input(op, "X"), *i = oar_pd_op_find_input(op, "I");
  const oar_pd_slot *o = oar_pd_op_find_output(op, "Out");
  if (!x || x->args.n != 1 || !i || i->args.n != 1 || !o || o->args.n != 1)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s must have one variable in each of X, I and Out",
                         describe(c, index, desc, sizeof desc));
  const int xid = oar_name_map_get(&c->values, x->args.v[0]),
            iid = oar_name_map_get(&c->values, i->args.v[0]);
  if (xid < 0 || iid < 0)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s reads variable '%s', which no earlier op produces",
                         describe(c, index, desc, sizeof desc), xid < 0 ? x->args.v[0] : i->args.v[0]);
  const int aid = oar_name_map_get(&c->values, o->args.v[0]);
  oar_node_builder nb;
  OAR_TRY(oar_node_begin(&nb, c->g, oar_schema_by_id(OAR_OP_write_to_array), (int)index, err));
  oar_status st = oar_node_add_input(&nb, OAR_WRITE_ARRAY_IN_X, xid, err);
  if (st == OAR_OK) st = oar_node_add_input(&nb, OAR_WRITE_ARRAY_IN_I, iid, err);
  if (st == OAR_OK && aid >= 0) st = oar_node_add_input(&nb, OAR_WRITE_ARRAY_IN_ARRAY, aid, err);
  int id;
  if (st == OAR_OK) st = define_value(c, o->args.v[0], &id, err);
  if (st == OAR_OK) st = oar_node_add_output(&nb, OAR_WRITE_ARRAY_OUT, id, err);
  if (st != OAR_OK) {
    oar_node_abort(&nb);
    return st;
  }
  return oar_node_finish(&nb, err);
}

static oar_status add_op(build_ctx *c, size_t index, oar_error *err) {
  const oar_pd_op *op = &c->block->ops[index];
  char desc[DESC_MAX];
  if (is_control_flow(op->type)) return add_control_flow(c, index, err);
  if (strcmp(op->type, "write_to_array") == 0) return add_write_to_array(c, index, err);
  /* A lowering wins over an IR op of the same name: the ONNX-born IR ops
   * (take_along_axis, ...) share Paddle's names but not its slots. */
  const oar_pd_lowering *low = oar_pd_lowering_find(op->type);
  const oar_op_schema *schema =
      low ? (low->expand ? NULL : oar_schema_by_id(low->ir)) : oar_schema_find(op->type);
  if (!schema && !(low && low->expand))
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "unsupported %s", describe(c, index, desc, sizeof desc));
  for (size_t i = 0; i < op->num_attrs; i++) {
    const oar_pd_attr *a = &op->attrs[i];
    if (a->type == OAR_PD_ATTR_BLOCK || a->type == OAR_PD_ATTR_BLOCKS)
      return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                           "%s uses a sub-block (attribute '%s'); control flow is not supported",
                           describe(c, index, desc, sizeof desc), a->name);
  }
  if (low && low->expand) return expand_op(c, index, low, err);
  oar_node_builder b;
  OAR_TRY(oar_node_begin(&b, c->g, schema, (int)index, err));
  oar_status st = fill_node(c, index, low, &b, err);
  if (st != OAR_OK) {
    oar_node_abort(&b);
    return st;
  }
  return oar_node_finish(&b, err);
}

/* ---- the whole block ------------------------------------------------------ */

static oar_status index_vars(build_ctx *c, oar_error *err) {
  const oar_pd_block *b = c->block;
  if (b->num_vars > (size_t)INT32_MAX || b->num_ops > (size_t)INT32_MAX)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "block %d of %s is too large (%zu vars, %zu ops)",
                         (int)b->idx, c->source, b->num_vars, b->num_ops);
  for (size_t i = 0; i < b->num_vars; i++) {
    if (oar_name_map_get(&c->vars, b->vars[i].name) >= 0)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "variable '%s' is declared twice in block %d of %s",
                           b->vars[i].name, (int)b->idx, c->source);
    OAR_TRY(oar_name_map_put(&c->vars, b->vars[i].name, (int)i, err));
  }
  return OAR_OK;
}

/* Every op type of the block that oar has neither an IR op nor a lowering
 * for, in one message: with counts and the first op of each, so that a
 * user sees the whole gap at once, not one op per attempt. */
static oar_status check_op_types(build_ctx *c, oar_error *err) {
  enum { MAX_LISTED = 64 };
  struct missing_type {
    const char *type;
    size_t count, first;
  } missing[MAX_LISTED];
  size_t num_missing = 0, num_ops = 0, more = 0;
  for (size_t i = 0; i < c->block->num_ops; i++) {
    const char *type = c->block->ops[i].type;
    if (!strcmp(type, "feed") || !strcmp(type, "fetch") || oar_schema_find(type) ||
        oar_pd_lowering_find(type))
      continue;
    num_ops++;
    size_t k = 0;
    while (k < num_missing && strcmp(missing[k].type, type) != 0) k++;
    if (k < num_missing) {
      missing[k].count++;
    } else if (num_missing < MAX_LISTED) {
      missing[num_missing++] = (struct missing_type){type, 1, i};
    } else {
      more++;
    }
  }
  if (!num_missing) return OAR_OK;
  char list[OAR_ERROR_MSG_MAX];
  size_t at = 0;
  for (size_t k = 0; k < num_missing && at < sizeof list; k++) {
    const int w = snprintf(list + at, sizeof list - at, "%s'%s' x%zu (first: op #%zu, output '%s')",
                           k ? ", " : "", missing[k].type, missing[k].count, missing[k].first,
                           first_output(&c->block->ops[missing[k].first]));
    if (w < 0) break;
    at += (size_t)w;
  }
  return oar_error_set(err, OAR_ERR_UNSUPPORTED, "%s: %zu op type%s (%zu op%s) not supported: %s%s",
                       c->source, num_missing + more, num_missing + more == 1 ? "" : "s", num_ops,
                       num_ops == 1 ? "" : "s", list, more ? ", and more" : "");
}

/* Every op of the block but feed and fetch, in order. */
static oar_status build_block(build_ctx *c, oar_error *err) {
  for (size_t i = 0; i < c->block->num_ops; i++) {
    const char *type = c->block->ops[i].type;
    if (strcmp(type, "feed") == 0 || strcmp(type, "fetch") == 0) continue;
    OAR_TRY(add_op(c, i, err));
  }
  return OAR_OK;
}

static oar_status build(build_ctx *c, const oar_pd_params *params, oar_error *err) {
  io_op *feeds = NULL, *fetches = NULL;
  size_t num_feeds = 0, num_fetches = 0;
  oar_status st;
  if (!(c->g->source = oar_strdup(c->source)))
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for the source name");
  if ((st = index_vars(c, err)) != OAR_OK) goto done;
  if ((st = check_op_types(c, err)) != OAR_OK) goto done;
  if ((st = add_params(c, params, err)) != OAR_OK) goto done;
  if ((st = collect_io(c, true, &feeds, &num_feeds, err)) != OAR_OK) goto done;
  if ((st = collect_io(c, false, &fetches, &num_fetches, err)) != OAR_OK) goto done;
  if ((st = add_inputs(c, feeds, num_feeds, err)) != OAR_OK) goto done;
  if ((st = build_block(c, err)) != OAR_OK) goto done;
  st = add_outputs(c, fetches, num_fetches, err);
done:
  oar_free(feeds);
  oar_free(fetches);
  return st;
}

oar_status oar_pd_build_graph(const oar_pd_program *prog, const oar_pd_params *params, const char *source,
                              oar_graph **out, oar_error *err) {
  if (!source) source = "<memory>";
  if (prog->num_blocks == 0)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "program %s has no blocks", source);
  build_ctx c;
  memset(&c, 0, sizeof c);
  size_t block_visits = 0;
  c.prog = prog;
  c.block_visits = &block_visits;
  c.block = &prog->blocks[0];
  c.source = source;
  oar_name_map_init(&c.vars);
  oar_name_map_init(&c.values);
  oar_status st = oar_graph_create(&c.g, err);
  if (st == OAR_OK) st = build(&c, params, err);
  oar_name_map_free(&c.vars);
  oar_name_map_free(&c.values);
  if (st != OAR_OK) {
    oar_graph_destroy(c.g);
    return st;
  }
  *out = c.g;
  return OAR_OK;
}
