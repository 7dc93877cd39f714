/* Reading a Paddle op's attributes and writing an IR node's: shared by the
 * one-node lowerings (paddle_lower.c) and the expansions into several
 * nodes (paddle_expand.c). */
#ifndef OAR_FRONTEND_PADDLE_PADDLE_ATTRS_H
#define OAR_FRONTEND_PADDLE_PADDLE_ATTRS_H

#include <string.h>

#include "frontend/paddle/program.h"
#include "ir/graph.h"

/* ---- reading the Paddle op's attributes -------------------------------------------- */

static inline const oar_pd_attr *find_attr(const oar_pd_op *op, const char *name) {
  for (size_t i = 0; i < op->num_attrs; i++)
    if (strcmp(op->attrs[i].name, name) == 0) return &op->attrs[i];
  return NULL;
}

/* An integer attribute written as INT, LONG, BOOLEAN or an integral SCALAR
 * (Paddle changed several from one to another across versions). */
static inline bool attr_int(const oar_pd_op *op, const char *name, int64_t *v) {
  const oar_pd_attr *a = find_attr(op, name);
  if (!a) return false;
  switch (a->type) {
    case OAR_PD_ATTR_INT: *v = a->i; return true;
    case OAR_PD_ATTR_LONG: *v = a->l; return true;
    case OAR_PD_ATTR_BOOLEAN: *v = a->b; return true;
    case OAR_PD_ATTR_SCALAR:
      if (a->scalar.type == OAR_PD_SCALAR_LONG) *v = a->scalar.i;
      if (a->scalar.type == OAR_PD_SCALAR_BOOLEAN) *v = a->scalar.b;
      return a->scalar.type == OAR_PD_SCALAR_LONG || a->scalar.type == OAR_PD_SCALAR_BOOLEAN;
    default: return false;
  }
}

static inline int64_t int_or(const oar_pd_op *op, const char *name, int64_t dflt) {
  int64_t v;
  return attr_int(op, name, &v) ? v : dflt;
}

static inline double float_or(const oar_pd_op *op, const char *name, double dflt) {
  const oar_pd_attr *a = find_attr(op, name);
  if (!a) return dflt;
  switch (a->type) {
    case OAR_PD_ATTR_FLOAT: return a->f;
    case OAR_PD_ATTR_FLOAT64: return a->float64;
    case OAR_PD_ATTR_INT: return a->i;
    case OAR_PD_ATTR_LONG: return (double)a->l;
    case OAR_PD_ATTR_SCALAR:
      return a->scalar.type == OAR_PD_SCALAR_FLOAT64 ? a->scalar.r
             : a->scalar.type == OAR_PD_SCALAR_LONG  ? (double)a->scalar.i
                                                     : dflt;
    default: return dflt;
  }
}

/* ---- writing the IR op's ------------------------------------------------------------ */

static inline oar_status set_i(oar_node_builder *b, int index, int64_t v, oar_error *err) {
  const oar_attr a = {
      .type = b->node.schema->attrs[index].type == OAR_ATTR_BOOL ? OAR_ATTR_BOOL : OAR_ATTR_INT, .i = v};
  return oar_node_set_attr(b, index, &a, err);
}

static inline oar_status set_f(oar_node_builder *b, int index, double v, oar_error *err) {
  const oar_attr a = {.type = OAR_ATTR_FLOAT, .f = v};
  return oar_node_set_attr(b, index, &a, err);
}

/* An INTS / LONGS attribute into v (at most cap values); -1 when absent or
 * too long. */
static inline int attr_ints(const oar_pd_op *op, const char *name, int64_t *v, int cap) {
  const oar_pd_attr *a = find_attr(op, name);
  if (!a || (a->type != OAR_PD_ATTR_INTS && a->type != OAR_PD_ATTR_LONGS)) return -1;
  const oar_pd_ints *x = a->type == OAR_PD_ATTR_LONGS ? &a->longs : &a->ints;
  if (x->n > (size_t)cap) return -1;
  for (size_t i = 0; i < x->n; i++) v[i] = x->v[i];
  return (int)x->n;
}

static inline int attr_floats(const oar_pd_op *op, const char *name, double *v, int cap) {
  const oar_pd_attr *a = find_attr(op, name);
  if (!a || (a->type != OAR_PD_ATTR_FLOATS && a->type != OAR_PD_ATTR_FLOAT64S)) return -1;
  const oar_pd_floats *x = a->type == OAR_PD_ATTR_FLOAT64S ? &a->float64s : &a->floats;
  if (x->n > (size_t)cap) return -1;
  for (size_t i = 0; i < x->n; i++) v[i] = x->v[i];
  return (int)x->n;
}

static inline const char *attr_str(const oar_pd_op *op, const char *name, const char *dflt) {
  const oar_pd_attr *a = find_attr(op, name);
  return a && a->type == OAR_PD_ATTR_STRING && a->s ? a->s : dflt;
}

static inline oar_status set_ints(oar_node_builder *b, int index, const int64_t *v, int n, oar_error *err) {
  /* oar_node_set_attr copies the values. */
  const oar_attr a = {.type = OAR_ATTR_INTS, .ints = (int64_t *)v, .n = n > 0 ? (size_t)n : 0};
  return oar_node_set_attr(b, index, &a, err);
}

#endif
