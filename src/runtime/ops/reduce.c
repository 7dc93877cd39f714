/* reduce, arg_reduce, softmax_ext, cumulative_sum, topk on the reference
 * kernels. */
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/op_ext.h"
#include "kernels/ref/reduce.h"
#include "runtime/ops/run_util.h"

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
