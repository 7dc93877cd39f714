/* Private to the PIR -> legacy program conversion (pir_convert.c,
 * pir_bind.c, pir_to_paddle.c): the values of a PIR program, the
 * conversion state, and the helpers the three files share. */
#ifndef OAR_FRONTEND_PIR_PIR_CONVERT_H
#define OAR_FRONTEND_PIR_PIR_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "frontend/paddle/name_map.h"
#include "frontend/paddle/program.h"
#include "frontend/pir/pir_op_table.h"
#include "frontend/pir/pir_program.h"
#include "frontend/pir/pir_to_paddle.h"
#include "base/platform.h"

/* Longest constant IntArray folded into an attribute (shapes, axes, starts
 * and ends are at most a rank long; this is generous). */
#define MAX_CONST_INTS 64

/* ---- types ---------------------------------------------------------------------- */

typedef struct pirc_value pirc_value;
struct pirc_value {
  int64_t id;
  size_t op, result; /* producer and its result index */
  const oar_pir_type *type;
  pirc_value *alias;  /* a builtin.split / slice result names this value */
  char *name;         /* legacy variable name (owned); NULL until needed */
  pirc_value **elems; /* vector results of mapped ops: the value of each element, or NULL */
  size_t uses;        /* operand uses */
  bool tensor;        /* read as a tensor by an op that is emitted */
  bool declared;      /* has its VarDesc */
  bool fixed;         /* named by a parameter, data or fetch op */
};

typedef struct pirc_ctx {
  const oar_pir_program *pir;
  const char *file;
  pirc_value *values;
  size_t num_values;
  pirc_value **by_id; /* sorted by id */
  bool *needs_assign; /* per op: a fetch whose value has another name */
  char **pool;        /* names of vector elements nothing takes out (owned) */
  size_t pool_count, pool_cap;
  oar_name_map names;      /* fixed names, to find duplicates */
  oar_pd_block *block;     /* ops go here (a control flow body's block while one is emitted) */
  oar_pd_block *var_block; /* every VarDesc goes to block 0, which sub-blocks see */
  oar_pd_program *prog;
  size_t next_block; /* blocks of control flow bodies: prog->blocks is sized for all of them */
  size_t cap_vars, cap_ops;
  oar_pir_constants consts;
  size_t cap_consts;
  size_t index; /* op being converted, for messages */
  oar_error *err;
} pirc_ctx;

typedef enum pirc_bind_kind {
  BIND_ABSENT, /* operand id 0 */
  BIND_INTS,   /* constant IntArray */
  BIND_NUM,    /* constant Scalar */
  BIND_TENSOR, /* one value (all its elements when it is a vector) */
  BIND_LIST    /* the operands of `list`: one-element tensors */
} pirc_bind_kind;

typedef struct pirc_binding {
  pirc_bind_kind kind;
  int64_t ints[MAX_CONST_INTS];
  size_t n;
  double num;
  bool num_is_int;
  int64_t num_i;
  pirc_value *tensor;
  const oar_pir_op *list;
} pirc_binding;

/* ---- values (pir_convert.c) ---------------------------------------------------- */

/* "PIR program 'file': op #i 'name' (byte N): <message>" for op c->index. */
oar_status oar_pirc_fail(pirc_ctx *c, oar_status code, const char *fmt, ...) OAR_PRINTF_FMT(3, 4);
oar_status oar_pirc_oom(pirc_ctx *c);
/* Every result of the program as a value, sorted by id, with its uses. */
oar_status oar_pirc_index_values(pirc_ctx *c);
pirc_value *oar_pirc_find(const pirc_ctx *c, int64_t id);
/* Operand k of op, or NULL when absent (id 0 or past the end). */
pirc_value *oar_pirc_operand(const pirc_ctx *c, const oar_pir_op *op, size_t k);
/* The legacy variable name of v: "%<id>" unless it was given one; NULL
 * when out of memory. */
const char *oar_pirc_name_of(pirc_ctx *c, pirc_value *v);

static inline pirc_value *oar_pirc_resolve(pirc_value *v) {
  while (v && v->alias) v = v->alias;
  return v;
}
static inline const oar_pir_op *oar_pirc_producer(const pirc_ctx *c, const pirc_value *v) {
  return &c->pir->ops[v->op];
}

static inline bool oar_pirc_is_op(const oar_pir_op *op, const char *name) {
  return strcmp(op->name, name) == 0;
}

/* The values a vector stands for: a combine's operands, or the elements of
 * a mapped op's vector result. *n is 0 for other values. */
static inline size_t oar_pirc_vector_size(const pirc_value *v) {
  return v->type->kind == OAR_PIR_TYPE_VEC ? v->type->num_elems : 0;
}

/* ---- the legacy block (pir_convert.c) ------------------------------------------ */

bool oar_pirc_grow(void **p, size_t *cap, size_t need, size_t elem);
/* A VarDesc named `name` of PIR type t (none for absent results). */
oar_status oar_pirc_declare_named(pirc_ctx *c, const char *name, const oar_pir_type *t, bool persistable);
/* v's VarDesc, once. */
oar_status oar_pirc_declare(pirc_ctx *c, pirc_value *v);
/* A new op of block 0; NULL when out of memory. */
oar_pd_op *oar_pirc_new_op(pirc_ctx *c, const char *type);
/* Appends slot `name` bound to names[0 .. n). */
oar_status oar_pirc_add_slot(pirc_ctx *c, oar_pd_slot **slots, size_t *count, const char *name,
                             const char *const *names, size_t n);
/* A zeroed attribute appended to op, to fill in place; NULL when out of memory. */
oar_pd_attr *oar_pirc_new_attr(oar_pd_op *op);
oar_status oar_pirc_add_int_attr(pirc_ctx *c, oar_pd_op *op, const char *name, int32_t v);

/* ---- operands (pir_bind.c) ------------------------------------------------------ */

/* How operand v reaches the legacy op under arg: absent, a constant that
 * becomes an attribute, a tensor, or a list of one-element tensors. */
oar_status oar_pirc_bind(pirc_ctx *c, const oar_pir_arg *arg, pirc_value *v, pirc_binding *b);
/* Element k of vector v: a combine's operand, or what takes the element
 * out of a mapped op's vector result (NULL when nothing does). */
pirc_value *oar_pirc_vector_elem(pirc_ctx *c, pirc_value *v, size_t k);
/* v (and, for a combine, its operands) is read as a tensor: its producer
 * must be emitted. */
void oar_pirc_mark_tensor(pirc_ctx *c, pirc_value *v);

#endif
