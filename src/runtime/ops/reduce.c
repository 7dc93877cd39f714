/* reduce, arg_reduce, softmax_ext, cumulative_sum, topk on the reference
 * kernels, and reduce's prepared float32 path. */
#include <math.h>
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/op_ext.h"
#include "kernels/generic/f32_reduce.h"
#include "kernels/ref/reduce.h"
#include "runtime/kernel_state.h"
#include "runtime/ops/run_util.h"
#include "runtime/parallel_rows.h"

static bool numeric(oar_dtype t) {
  return t == OAR_DTYPE_FLOAT32 || t == OAR_DTYPE_INT32 || t == OAR_DTYPE_INT64 || t == OAR_DTYPE_FLOAT64;
}

/* outer, n, inner of a shape split at axis. */
static void split_at(const oar_shape *s, int axis, int64_t *outer, int64_t *n, int64_t *inner) {
  *outer = *inner = 1;
  *n = s->rank ? s->dims[axis] : 1;
  for (int i = 0; i < axis; i++) *outer *= s->dims[i];
  for (int i = axis + 1; i < s->rank; i++) *inner *= s->dims[i];
}

static int norm(int64_t axis, int rank) { return rank == 0 ? 0 : (int)(axis < 0 ? axis + rank : axis); }

oar_status oar_run_reduce(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                          oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, OAR_REDUCE_IN_X, &x, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  const int64_t func = oar_node_attr_i(node, OAR_REDUCE_ATTR_FUNC);
  /* bool: min is `all`, max is `any` (Paddle's reduce_all / reduce_any) */
  const bool logic = x->dtype == OAR_DTYPE_BOOL && (func == OAR_REDUCE_MIN || func == OAR_REDUCE_MAX);
  if (!numeric(x->dtype) && !logic) return oar_run_unsupported_dtype(node, OAR_REDUCE_IN_X, x->dtype, err);
  oar_reduce_plan plan;
  OAR_TRY(oar_reduce_resolve(node, in, &x->shape, &plan, err));
  if (plan.noop) {
    memcpy(y->data, x->data, (size_t)oar_view_numel(x) * oar_dtype_bytes(x->dtype));
    return OAR_OK;
  }
  oar_reduce_params p = {
      .func = (int)func, .p = oar_node_attr_i(node, OAR_REDUCE_ATTR_P), .rank = x->shape.rank};
  for (int i = 0; i < p.rank; i++) {
    p.dims[i] = x->shape.dims[i];
    p.reduce[i] = plan.reduce[i];
  }
  const int64_t count = oar_view_numel(y);
  double *acc = oar_malloc((size_t)(count > 0 ? count : 1) * sizeof *acc);
  if (!acc) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for a reduction");
  oar_ref_reduce(&p, x->dtype, x->data, y->data, acc);
  oar_free(acc);
  return OAR_OK;
}

/* ---- prepared float32 reduce --------------------------------------------------------
 * The dims merged into [outer, r, inner] (the reduced ones one run between
 * kept ones): rows of r contiguous values when inner == 1, else column
 * slices of [r, inner] blocks; sum, mean, max, min, L1, L2 and
 * sum_square; split over the pool by output rows or column blocks. */
enum { RED_COLS = 256 }; /* columns of one unit (doubles on the stack) */

typedef struct red_state {
  oar_simple_state s;
  oar_f32_reduce_op op;
  int func;
  size_t outer, r, inner, col_blocks;
} red_state;

typedef struct red_job {
  const red_state *st;
  const float *x;
  float *y;
} red_job;

static float red_finish(const red_state *st, double v) {
  if (st->func == OAR_REDUCE_MEAN) v /= (double)st->r;
  if (st->func == OAR_REDUCE_L2) v = sqrt(v);
  return (float)v;
}

static void red_range(void *ctx, size_t begin, size_t end) {
  const red_job *j = ctx;
  const red_state *st = j->st;
  if (st->inner == 1) {
    for (size_t o = begin; o < end; o++)
      j->y[o] = red_finish(st, oar_f32_reduce_row(st->op, j->x + o * st->r, st->r));
    return;
  }
  double acc[RED_COLS];
  for (size_t u = begin; u < end; u++) {
    const size_t o = u / st->col_blocks, c0 = u % st->col_blocks * RED_COLS;
    const size_t n = st->inner - c0 < RED_COLS ? st->inner - c0 : RED_COLS;
    oar_f32_reduce_cols(st->op, j->x + o * st->r * st->inner + c0, st->r, st->inner, n, acc);
    float *dst = j->y + o * st->inner + c0;
    for (size_t k = 0; k < n; k++) dst[k] = red_finish(st, acc[k]);
  }
}

static oar_status run_reduce_fast(const oar_op_state *state, const oar_node *node,
                                  const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                                  oar_error *err) {
  const red_state *st = (const red_state *)state;
  const oar_tensor_view *x = oar_op_input(node, in, OAR_REDUCE_IN_X);
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  red_job j = {st, x->data, y->data};
  if (st->inner == 1)
    oar_parallel_rows(st->outer, st->r, red_range, &j);
  else
    oar_parallel_rows(st->outer * st->col_blocks, st->r * RED_COLS, red_range, &j);
  return OAR_OK;
}

oar_status oar_prepare_reduce(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  const oar_node *node = ctx->node;
  const oar_tensor_view *x = oar_op_input(node, ctx->in, OAR_REDUCE_IN_X);
  if (!x || x->dtype != OAR_DTYPE_FLOAT32) return OAR_OK;
  if (oar_op_input(node, ctx->in, OAR_REDUCE_IN_AXES) && !oar_prepare_input_known(ctx, OAR_REDUCE_IN_AXES))
    return OAR_OK;
  oar_reduce_plan plan;
  oar_error ignored;
  if (oar_reduce_resolve(node, ctx->in, &x->shape, &plan, &ignored) != OAR_OK || plan.noop) return OAR_OK;
  const int func = (int)oar_node_attr_i(node, OAR_REDUCE_ATTR_FUNC);
  oar_f32_reduce_op op;
  switch (func) {
    case OAR_REDUCE_SUM:
    case OAR_REDUCE_MEAN: op = OAR_F32_RED_SUM; break;
    case OAR_REDUCE_MAX: op = OAR_F32_RED_MAX; break;
    case OAR_REDUCE_MIN: op = OAR_F32_RED_MIN; break;
    case OAR_REDUCE_L1: op = OAR_F32_RED_SUM_ABS; break;
    case OAR_REDUCE_L2:
    case OAR_REDUCE_SUM_SQUARE: op = OAR_F32_RED_SUM_SQ; break;
    default: return OAR_OK;
  }
  /* [outer, r, inner]: size-1 dims ignored, the reduced dims one run. */
  size_t outer = 1, r = 1, inner = 1;
  int phase = 0; /* 0 before the run, 1 in it, 2 after */
  for (int d = 0; d < x->shape.rank; d++) {
    const int64_t n = x->shape.dims[d];
    if (n < 0) return OAR_OK;
    if (n == 1) continue;
    if (plan.reduce[d]) {
      if (phase == 2) return OAR_OK;
      phase = 1;
      r *= (size_t)n;
    } else {
      if (phase == 1) phase = 2;
      *(phase == 0 ? &outer : &inner) *= (size_t)n;
    }
  }
  if (outer * r * inner == 0 || r == 1) return OAR_OK; /* empty, or nothing reduced: the reference */
  red_state *st = oar_state_new(sizeof *st, run_reduce_fast, inner == 1 ? "reduce rows" : "reduce columns");
  if (!st) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing a reduction");
  st->op = op;
  st->func = func;
  st->outer = outer;
  st->r = r;
  st->inner = inner;
  st->col_blocks = (inner + RED_COLS - 1) / RED_COLS;
  *state = &st->s.base;
  return OAR_OK;
}

oar_status oar_run_arg_reduce(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, 0, &x, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  if (!numeric(x->dtype)) return oar_run_unsupported_dtype(node, 0, x->dtype, err);
  int64_t outer, n, inner;
  split_at(&x->shape, norm(oar_node_attr_i(node, OAR_ARG_REDUCE_ATTR_AXIS), x->shape.rank), &outer, &n,
           &inner);
  if (n == 0) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "arg max/min over an empty axis");
  oar_ref_arg_reduce((int)oar_node_attr_i(node, OAR_ARG_REDUCE_ATTR_FUNC),
                     oar_node_attr_i(node, OAR_ARG_REDUCE_ATTR_LAST) != 0, x->dtype, x->data, outer, n, inner,
                     y->data);
  return OAR_OK;
}

oar_status oar_run_softmax_ext(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, 0, &x, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  OAR_TRY(oar_run_expect_dtype(node, 0, x, OAR_DTYPE_FLOAT32, err));
  const int axis = norm(oar_node_attr_i(node, OAR_SOFTMAX_EXT_ATTR_AXIS), x->shape.rank);
  int64_t outer, n, inner;
  split_at(&x->shape, axis, &outer, &n, &inner);
  if (oar_node_attr_i(node, OAR_SOFTMAX_EXT_ATTR_FLAT)) {
    n *= inner;
    inner = 1;
  }
  oar_ref_softmax_ext_f32((int)oar_node_attr_i(node, OAR_SOFTMAX_EXT_ATTR_FUNC), x->data, y->data, outer, n,
                          inner);
  return OAR_OK;
}

oar_status oar_run_cumulative_sum(const oar_node *node, const oar_tensor_view *const *in,
                                  oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x, *a;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, OAR_CUMSUM_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_CUMSUM_IN_AXIS, &a, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  if (!numeric(x->dtype)) return oar_run_unsupported_dtype(node, 0, x->dtype, err);
  int64_t axis, cnt;
  OAR_TRY(oar_ext_read_ints(a, "input 'Axis'", &axis, 1, &cnt, err));
  int64_t outer, n, inner;
  split_at(&x->shape, norm(axis, x->shape.rank), &outer, &n, &inner);
  oar_ref_cumsum(x->dtype, x->data, y->data, outer, n, inner,
                 oar_node_attr_i(node, OAR_CUMSUM_ATTR_EXCLUSIVE) != 0,
                 oar_node_attr_i(node, OAR_CUMSUM_ATTR_REVERSE) != 0);
  return OAR_OK;
}

oar_status oar_run_topk(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                        oar_error *err) {
  const oar_tensor_view *x, *k = oar_op_input(node, in, OAR_TOPK_IN_K);
  oar_tensor_view *v, *ix;
  OAR_TRY(oar_op_require_input(node, in, OAR_TOPK_IN_X, &x, err));
  OAR_TRY(oar_run_output(node, out, OAR_TOPK_OUT_VALUES, &v, err));
  OAR_TRY(oar_run_output(node, out, OAR_TOPK_OUT_INDICES, &ix, err));
  if (!numeric(x->dtype)) return oar_run_unsupported_dtype(node, 0, x->dtype, err);
  int64_t outer, n, inner;
  split_at(&x->shape, norm(oar_node_attr_i(node, OAR_TOPK_ATTR_AXIS), x->shape.rank), &outer, &n, &inner);
  int64_t kv = n, cnt; /* no K: a full sort */
  if (k) OAR_TRY(oar_ext_read_ints(k, "input 'K'", &kv, 1, &cnt, err));
  int64_t *order = oar_malloc((size_t)(2 * n + 1) * sizeof *order);
  if (!order) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for topk");
  oar_ref_topk(x->dtype, x->data, v->data, ix->data, outer, n, inner, kv,
               oar_node_attr_i(node, OAR_TOPK_ATTR_LARGEST) != 0, order, order + n);
  oar_free(order);
  return OAR_OK;
}
