/* Element-wise binary ops on the reference kernel: float32, int32, int64. */
#include "ir/ops/elementwise.h"

#include <string.h>

#include "kernels/ref/elementwise.h"
#include "runtime/kernel_state.h"
#include "runtime/ops/run_util.h"
#include "runtime/parallel_rows.h"

/* Integer division by zero is an error in Paddle ("Integer division by
 * zero encountered"); check the divisor before dividing. */
static bool has_zero(const oar_tensor_view *v) {
  const int64_t count = oar_view_numel(v);
  for (int64_t i = 0; i < count; i++) {
    if (v->dtype == OAR_DTYPE_INT32 && ((const int32_t *)v->data)[i] == 0) return true;
    if (v->dtype == OAR_DTYPE_INT64 && ((const int64_t *)v->data)[i] == 0) return true;
  }
  return false;
}

/* Operands, dtypes and the broadcast strides: shared by run and prepare. */
static oar_status binary_setup(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_binary_op op, const oar_tensor_view **x, const oar_tensor_view **y,
                               oar_tensor_view **z, oar_binary_params *p, oar_error *err) {
  OAR_TRY(oar_op_require_input(n, in, OAR_EW_IN_X, x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_EW_IN_Y, y, err));
  OAR_TRY(oar_run_output(n, out, OAR_EW_OUT_OUT, z, err));
  if ((*x)->dtype != OAR_DTYPE_FLOAT32 && (*x)->dtype != OAR_DTYPE_INT32 && (*x)->dtype != OAR_DTYPE_INT64)
    return oar_run_unsupported_dtype(n, OAR_EW_IN_X, (*x)->dtype, err);
  OAR_TRY(oar_run_expect_dtype(n, OAR_EW_IN_Y, *y, (*x)->dtype, err));
  oar_shape shape, xa, ya;
  OAR_TRY(oar_broadcast_axis(&(*x)->shape, &(*y)->shape, oar_node_attr_i(n, OAR_EW_ATTR_AXIS), &shape, &xa,
                             &ya, "X", "Y", err));
  *p = (oar_binary_params){.op = op, .rank = shape.rank};
  for (int i = 0; i < shape.rank; i++) p->dims[i] = shape.dims[i];
  oar_broadcast_strides(&xa, &shape, p->x_strides);
  oar_broadcast_strides(&ya, &shape, p->y_strides);
  return OAR_OK;
}

static oar_status run_binary(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_binary_op op, oar_error *err) {
  const oar_tensor_view *x, *y;
  oar_tensor_view *z;
  oar_binary_params p;
  OAR_TRY(binary_setup(n, in, out, op, &x, &y, &z, &p, err));

  switch (x->dtype) {
    case OAR_DTYPE_FLOAT32: oar_ref_binary_f32(&p, x->data, y->data, z->data); return OAR_OK;
    case OAR_DTYPE_INT32:
    case OAR_DTYPE_INT64:
      if (op == OAR_BINARY_DIV && oar_view_numel(z) > 0 && has_zero(y))
        return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "integer division by zero (input 'Y' holds a 0)");
      if (x->dtype == OAR_DTYPE_INT32)
        oar_ref_binary_i32(&p, x->data, y->data, z->data);
      else
        oar_ref_binary_i64(&p, x->data, y->data, z->data);
      return OAR_OK;
    default: return oar_run_unsupported_dtype(n, OAR_EW_IN_X, x->dtype, err);
  }
}

/* ---- prepared fast path (float32) ----------------------------------------
 * The output is walked as [outer, mid, inner]. The full operand (read
 * like the output) is `a`; the other, `b`, varies only over `mid` (its
 * dims there contiguous): per (outer, mid) row of `inner` elements, b is
 * one scalar (inner > 1) or b is a row of mid values read once per outer
 * index (inner == 1). Same-shape operands are mid = all, inner = 1. */
typedef enum ew_mode {
  EW_SAME,   /* b read like a */
  EW_SCALAR, /* b is one value */
  EW_INNER,  /* b[mid] broadcast over inner */
  EW_ROW,    /* b[mid] repeated for each outer index (inner == 1) */
  EW_OUTER   /* b[outer][inner] broadcast over mid (an SE scale on NCHW16c: [N, C/16, 1, 1, 16]):
                b's row of each outer index is tiled `reps` times into the workspace first, so
                that the kernel runs over reps * inner values per call, not inner */
} ew_mode;

typedef struct ew_state {
  oar_simple_state s;
  const oar_f32_kernels *kr;
  oar_fast_binary op;
  bool swapped; /* a is Y, and op the reversed form */
  ew_mode mode;
  size_t outer, mid, inner, total;
  size_t reps; /* EW_OUTER: rows of mid per call */
} ew_state;

typedef struct ew_job {
  const ew_state *st;
  const float *a, *b;
  float *dst;
  const float *tile; /* EW_OUTER: outer rows of reps * inner values (b itself when reps is 1) */
} ew_job;

enum { EW_CHUNK = 4096 };

static void ew_rows(void *ctx, size_t begin, size_t end) {
  const ew_job *j = ctx;
  const ew_state *st = j->st;
  for (size_t r = begin; r < end; r++) {
    size_t at, len;
    switch (st->mode) {
      case EW_SAME:
      case EW_SCALAR:
        at = r * EW_CHUNK;
        len = st->total - at < EW_CHUNK ? st->total - at : EW_CHUNK;
        st->kr->binary(st->op, j->a + at, st->mode == EW_SAME ? j->b + at : j->b, st->mode == EW_SCALAR,
                       j->dst + at, len);
        break;
      case EW_INNER:
        at = r * st->inner;
        st->kr->binary(st->op, j->a + at, j->b + r % st->mid, 1, j->dst + at, st->inner);
        break;
      case EW_ROW:
        at = r * st->mid;
        st->kr->binary(st->op, j->a + at, j->b, 0, j->dst + at, st->mid);
        break;
      case EW_OUTER: {
        /* Unit r: reps rows of mid (fewer at the end) of outer index o. */
        const size_t units = (st->mid + st->reps - 1) / st->reps, o = r / units, m0 = r % units * st->reps;
        const size_t rows = st->mid - m0 < st->reps ? st->mid - m0 : st->reps;
        at = (o * st->mid + m0) * st->inner;
        st->kr->binary(st->op, j->a + at, j->tile + o * st->reps * st->inner, 0, j->dst + at,
                       rows * st->inner);
        break;
      }
    }
  }
}

static oar_status run_binary_fast(const oar_op_state *state, const oar_node *n,
                                  const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                                  oar_error *err) {
  const ew_state *st = (const ew_state *)state;
  const oar_tensor_view *x = oar_op_input(n, in, OAR_EW_IN_X), *y = oar_op_input(n, in, OAR_EW_IN_Y);
  oar_tensor_view *z;
  OAR_TRY(oar_run_output(n, out, OAR_EW_OUT_OUT, &z, err));
  ew_job j = {st, st->swapped ? y->data : x->data, st->swapped ? x->data : y->data, z->data, workspace};
  switch (st->mode) {
    case EW_SAME:
    case EW_SCALAR: oar_parallel_rows((st->total + EW_CHUNK - 1) / EW_CHUNK, EW_CHUNK, ew_rows, &j); break;
    case EW_INNER: oar_parallel_rows(st->outer * st->mid, st->inner, ew_rows, &j); break;
    case EW_OUTER:
      if (st->reps == 1) {
        j.tile = j.b;
      } else {
        float *tile = workspace;
        for (size_t o = 0; o < st->outer; o++)
          for (size_t k = 0; k < st->reps; k++)
            memcpy(tile + (o * st->reps + k) * st->inner, j.b + o * st->inner, st->inner * sizeof *tile);
      }
      oar_parallel_rows(st->outer * ((st->mid + st->reps - 1) / st->reps), st->reps * st->inner, ew_rows, &j);
      break;
    case EW_ROW: oar_parallel_rows(st->outer, st->mid, ew_rows, &j); break;
  }
  return OAR_OK;
}

/* True when `s` are the row-major strides of dims (ignoring size-1 dims). */
static bool is_full(const oar_binary_params *p, const int64_t *s) {
  int64_t expect = 1;
  for (int d = p->rank - 1; d >= 0; d--) {
    if (p->dims[d] != 1 && s[d] != expect) return false;
    expect *= p->dims[d];
  }
  return true;
}

/* The [outer, mid, inner] split for a full `a` and broadcast `b`. */
static bool split_for(const oar_binary_params *p, const int64_t *bs, size_t *outer, size_t *mid,
                      size_t *inner) {
  int d0 = -1, d1 = -1;
  for (int d = 0; d < p->rank; d++) {
    if (p->dims[d] == 1) continue;
    if (bs[d] != 0) {
      if (d0 < 0)
        d0 = d;
      else if (d1 != d - 1 && d1 >= 0) {
        /* A gap of size-1 dims is fine; a broadcast dim in between is not. */
        for (int e = d1 + 1; e < d; e++)
          if (p->dims[e] != 1) return false;
      }
      d1 = d;
    }
  }
  *outer = *mid = *inner = 1;
  if (d0 < 0) {
    /* b is one value: all of the output is "inner". */
    for (int d = 0; d < p->rank; d++) *inner *= (size_t)p->dims[d];
    return true;
  }
  int64_t expect = 1;
  for (int d = d1; d >= d0; d--) {
    if (p->dims[d] == 1) continue;
    if (bs[d] != expect) return false;
    expect *= p->dims[d];
  }
  for (int d = 0; d < d0; d++) *outer *= (size_t)p->dims[d];
  for (int d = d0; d <= d1; d++) *mid *= (size_t)p->dims[d];
  for (int d = d1 + 1; d < p->rank; d++) *inner *= (size_t)p->dims[d];
  return true;
}

/* The [outer, mid, inner] split for a full `a` and a `b` that keeps the
 * leading dims (outer) and the trailing dims (inner), row-major, and is
 * broadcast over the dims between (mid, at least one > 1). */
static bool split_outer_for(const oar_binary_params *p, const int64_t *bs, size_t *outer, size_t *mid,
                            size_t *inner) {
  int r = p->rank;
  /* Dims > 1 only: kept-run, broadcast-run, kept-run. */
  int phase = 0; /* 0 outer, 1 mid, 2 inner */
  size_t o = 1, m = 1, in = 1;
  int64_t expect = 1;
  for (int d = r - 1; d >= 0; d--) {
    if (p->dims[d] == 1) continue;
    const bool kept = bs[d] != 0;
    if (kept && bs[d] != expect) return false;
    if (kept) expect *= p->dims[d];
    if (phase == 0 && !kept) phase = 1;
    if (phase == 1 && kept) phase = 2;
    if (phase == 2 && !kept) return false;
    *(phase == 0 ? &in : phase == 1 ? &m : &o) *= (size_t)p->dims[d];
  }
  if (phase != 2 || in == 1) return false;
  *outer = o;
  *mid = m;
  *inner = in;
  return true;
}

static oar_status prepare_binary(const oar_prepare_ctx *ctx, oar_binary_op op, oar_op_state **state,
                                 oar_error *err) {
  const oar_tensor_view *x, *y;
  oar_tensor_view *z;
  oar_binary_params p;
  OAR_TRY(binary_setup(ctx->node, ctx->in, (oar_tensor_view *)ctx->out, op, &x, &y, &z, &p, err));
  if (x->dtype != OAR_DTYPE_FLOAT32) return OAR_OK;
  static const oar_fast_binary fast[] = {
      [OAR_BINARY_ADD] = OAR_FAST_ADD, [OAR_BINARY_SUB] = OAR_FAST_SUB, [OAR_BINARY_MUL] = OAR_FAST_MUL,
      [OAR_BINARY_DIV] = OAR_FAST_DIV, [OAR_BINARY_MAX] = OAR_FAST_MAX, [OAR_BINARY_MIN] = OAR_FAST_MIN};
  /* With X the broadcast operand, a is Y and the op runs reversed (y op x
   * computed as x op' y): same bits for every op, max and min included. */
  static const oar_fast_binary reversed[] = {
      [OAR_BINARY_ADD] = OAR_FAST_ADD,  [OAR_BINARY_SUB] = OAR_FAST_RSUB, [OAR_BINARY_MUL] = OAR_FAST_MUL,
      [OAR_BINARY_DIV] = OAR_FAST_RDIV, [OAR_BINARY_MAX] = OAR_FAST_RMAX, [OAR_BINARY_MIN] = OAR_FAST_RMIN};
  size_t outer, mid, inner;
  bool swapped = false, split_outer = false;
  if (is_full(&p, p.x_strides) && split_for(&p, p.y_strides, &outer, &mid, &inner)) {
    swapped = false;
  } else if (is_full(&p, p.y_strides) && split_for(&p, p.x_strides, &outer, &mid, &inner)) {
    swapped = true;
  } else if (is_full(&p, p.x_strides) && split_outer_for(&p, p.y_strides, &outer, &mid, &inner)) {
    swapped = false;
    split_outer = true;
  } else if (is_full(&p, p.y_strides) && split_outer_for(&p, p.x_strides, &outer, &mid, &inner)) {
    swapped = true;
    split_outer = true;
  } else {
    return OAR_OK;
  }
  const size_t total = outer * mid * inner;
  if (total == 0) return OAR_OK;
  ew_mode mode = split_outer  ? EW_OUTER
                 : mid == 1   ? EW_SCALAR
                 : inner > 1  ? EW_INNER
                 : outer == 1 ? EW_SAME
                              : EW_ROW;
  ew_state *st = oar_state_new(sizeof *st, run_binary_fast, "elementwise vector");
  if (!st) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing the element-wise op");
  st->kr = ctx->kernels;
  st->op = swapped ? reversed[op] : fast[op];
  st->swapped = swapped;
  st->mode = mode;
  st->outer = outer;
  st->mid = mid;
  st->inner = inner;
  st->total = total;
  if (mode == EW_OUTER) {
    /* About 1024 values per call, the tiles within 1 MiB; reps 1 reads b
     * itself. */
    size_t reps = inner >= 1024 ? 1 : 1024 / inner;
    if (reps > mid) reps = mid;
    if (reps > 1 && outer * reps * inner > ((size_t)1 << 18)) reps = ((size_t)1 << 18) / (outer * inner);
    st->reps = reps > 1 ? reps : 1;
    st->s.base.workspace_bytes = st->reps > 1 ? outer * st->reps * inner * sizeof(float) : 0;
  }
  *state = &st->s.base;
  return OAR_OK;
}

#define RUN_BINARY(op, kind)                                                                            \
  oar_status oar_run_##op(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out, \
                          oar_error *err) {                                                             \
    return run_binary(node, in, out, kind, err);                                                        \
  }
#define PREPARE_BINARY(op, kind)                                                                  \
  oar_status oar_prepare_##op(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) { \
    return prepare_binary(ctx, kind, state, err);                                                 \
  }
PREPARE_BINARY(elementwise_add, OAR_BINARY_ADD)
PREPARE_BINARY(elementwise_sub, OAR_BINARY_SUB)
PREPARE_BINARY(elementwise_mul, OAR_BINARY_MUL)
PREPARE_BINARY(elementwise_div, OAR_BINARY_DIV)
PREPARE_BINARY(elementwise_max, OAR_BINARY_MAX)
PREPARE_BINARY(elementwise_min, OAR_BINARY_MIN)

RUN_BINARY(elementwise_add, OAR_BINARY_ADD)
RUN_BINARY(elementwise_sub, OAR_BINARY_SUB)
RUN_BINARY(elementwise_mul, OAR_BINARY_MUL)
RUN_BINARY(elementwise_div, OAR_BINARY_DIV)
RUN_BINARY(elementwise_max, OAR_BINARY_MAX)
RUN_BINARY(elementwise_min, OAR_BINARY_MIN)
RUN_BINARY(elementwise_pow, OAR_BINARY_POW)
