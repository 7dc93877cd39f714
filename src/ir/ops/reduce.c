/* reduce, arg_reduce, softmax_ext, cumulative_sum, topk: ops along axes
 * with numpy conventions (negative axes count from the end). */
#include <string.h>

#include "ir/ops/infer_util.h"
#include "ir/ops/op_ext.h"

oar_status oar_ext_read_ints(const oar_tensor_view *t, const char *what, int64_t *dst, int64_t cap,
                             int64_t *n, oar_error *err) {
  if (!t->data)
    return oar_error_needs_value(
        err, "%s must be known when the model is planned (a constant, or computed from shapes)", what);
  if (t->dtype != OAR_DTYPE_INT64 && t->dtype != OAR_DTYPE_INT32)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "%s must be int32 or int64, got %s", what,
                         oar_dtype_str(t->dtype));
  int64_t count = oar_view_numel(t);
  if (count < 0 || count > cap)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "%s has %lld values (at most %lld supported)", what,
                         (long long)count, (long long)cap);
  for (int64_t i = 0; i < count; i++)
    dst[i] = t->dtype == OAR_DTYPE_INT64 ? ((const int64_t *)t->data)[i] : ((const int32_t *)t->data)[i];
  *n = count;
  return OAR_OK;
}

static oar_status norm_axis(int64_t axis, int rank, const char *what, int *out, oar_error *err) {
  if (axis < -rank || axis >= rank || (rank == 0 && axis != 0 && axis != -1))
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "%s %lld is out of range for rank %d", what,
                         (long long)axis, rank);
  *out = (int)(axis < 0 ? axis + rank : axis);
  if (rank == 0) *out = 0;
  return OAR_OK;
}

/* ---- reduce ------------------------------------------------------------------ */

oar_status oar_reduce_resolve(const oar_node *n, const oar_tensor_view *const *in, const oar_shape *x,
                              oar_reduce_plan *p, oar_error *err) {
  memset(p, 0, sizeof *p);
  int64_t axes[OAR_MAX_RANK * 2], count = 0;
  const int64_t from = oar_node_attr_i(n, OAR_REDUCE_ATTR_AXES_FROM);
  const oar_tensor_view *axes_t = oar_op_input(n, in, OAR_REDUCE_IN_AXES);
  if (from >= 0) {
    for (int i = (int)from; i < x->rank; i++) axes[count++] = i;
    if (count == 0) p->noop = true;
  } else if (axes_t) {
    OAR_TRY(oar_ext_read_ints(axes_t, "input 'Axes'", axes, OAR_MAX_RANK * 2, &count, err));
  } else {
    const oar_attr *a = oar_node_attr(n, OAR_REDUCE_ATTR_AXES);
    if (a->n > OAR_MAX_RANK * 2) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "too many axes");
    for (size_t i = 0; i < a->n; i++) axes[count++] = a->ints[i];
  }
  if (count == 0 && from < 0) {
    if (oar_node_attr_i(n, OAR_REDUCE_ATTR_NOOP_WITH_EMPTY_AXES)) p->noop = true;
    for (int i = 0; i < x->rank; i++) p->reduce[i] = true;
  }
  for (int64_t i = 0; i < count; i++) {
    int a = 0;
    OAR_TRY(norm_axis(axes[i], x->rank, "axis", &a, err));
    if (x->rank) p->reduce[a] = true;
  }
  if (p->noop) {
    memset(p->reduce, 0, sizeof p->reduce);
    p->out = *x;
    return OAR_OK;
  }
  const bool keep = oar_node_attr_i(n, OAR_REDUCE_ATTR_KEEPDIMS) != 0;
  p->out.rank = 0;
  for (int i = 0; i < x->rank; i++) {
    if (!p->reduce[i])
      p->out.dims[p->out.rank++] = x->dims[i];
    else if (keep)
      p->out.dims[p->out.rank++] = 1;
  }
  return OAR_OK;
}

static oar_status reduce_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_REDUCE_IN_X, &x, err));
  oar_reduce_plan p;
  OAR_TRY(oar_reduce_resolve(n, in, &x->shape, &p, err));
  oar_op_set_output(n, out, OAR_REDUCE_OUT_OUT, x->dtype, &p.out);
  return OAR_OK;
}

static const oar_slot_spec reduce_inputs[] = {{"X", OAR_SLOT_REQUIRED}, {"Axes", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec x_only[] = {{"X", OAR_SLOT_REQUIRED}};
static const oar_slot_spec out_only[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_attr_spec reduce_attrs[] = {
    [OAR_REDUCE_ATTR_FUNC] = OAR_ATTR_REQUIRED("func", OAR_ATTR_INT),
    [OAR_REDUCE_ATTR_AXES] = OAR_ATTR_IS_EMPTY("axes"),
    [OAR_REDUCE_ATTR_KEEPDIMS] = OAR_ATTR_B("keepdims", true),
    [OAR_REDUCE_ATTR_NOOP_WITH_EMPTY_AXES] = OAR_ATTR_B("noop_with_empty_axes", false),
    [OAR_REDUCE_ATTR_AXES_FROM] = OAR_ATTR_I("axes_from", -1),
    [OAR_REDUCE_ATTR_P] = OAR_ATTR_I("p", 2),
};

const oar_op_schema oar_schema_reduce = {
    .name = "reduce",
    .id = OAR_OP_reduce,
    .inputs = reduce_inputs,
    .num_inputs = 2,
    .outputs = out_only,
    .num_outputs = 1,
    .attrs = reduce_attrs,
    .num_attrs = OAR_COUNT_OF(reduce_attrs),
    .infer = reduce_infer,
};

/* ---- arg_reduce ------------------------------------------------------------------- */

static oar_status arg_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, 0, &x, err));
  int axis = 0;
  OAR_TRY(norm_axis(oar_node_attr_i(n, OAR_ARG_REDUCE_ATTR_AXIS), x->shape.rank, "axis", &axis, err));
  const bool keep = oar_node_attr_i(n, OAR_ARG_REDUCE_ATTR_KEEPDIMS) != 0;
  oar_shape s = {0};
  for (int i = 0; i < x->shape.rank; i++) {
    if (i != axis)
      s.dims[s.rank++] = x->shape.dims[i];
    else if (keep)
      s.dims[s.rank++] = 1;
  }
  oar_op_set_output(n, out, 0, OAR_DTYPE_INT64, &s);
  return OAR_OK;
}

static const oar_attr_spec arg_attrs[] = {
    [OAR_ARG_REDUCE_ATTR_FUNC] = OAR_ATTR_I("func", OAR_ARG_MAX),
    [OAR_ARG_REDUCE_ATTR_AXIS] = OAR_ATTR_I("axis", 0),
    [OAR_ARG_REDUCE_ATTR_KEEPDIMS] = OAR_ATTR_B("keepdims", true),
    [OAR_ARG_REDUCE_ATTR_LAST] = OAR_ATTR_B("select_last_index", false),
};

const oar_op_schema oar_schema_arg_reduce = {
    .name = "arg_reduce",
    .id = OAR_OP_arg_reduce,
    .inputs = x_only,
    .num_inputs = 1,
    .outputs = out_only,
    .num_outputs = 1,
    .attrs = arg_attrs,
    .num_attrs = OAR_COUNT_OF(arg_attrs),
    .infer = arg_infer,
};

/* ---- softmax_ext -------------------------------------------------------------------- */

static oar_status same_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, 0, &x, err));
  oar_op_set_output(n, out, 0, x->dtype, &x->shape);
  return OAR_OK;
}

static oar_status softmax_ext_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                    oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, 0, &x, err));
  int axis = 0;
  OAR_TRY(norm_axis(oar_node_attr_i(n, OAR_SOFTMAX_EXT_ATTR_AXIS), x->shape.rank, "axis", &axis, err));
  return same_infer(n, in, out, err);
}

static const oar_attr_spec softmax_ext_attrs[] = {
    [OAR_SOFTMAX_EXT_ATTR_FUNC] = OAR_ATTR_I("func", OAR_SOFTMAX_EXT_SOFTMAX),
    [OAR_SOFTMAX_EXT_ATTR_AXIS] = OAR_ATTR_I("axis", -1),
    [OAR_SOFTMAX_EXT_ATTR_FLAT] = OAR_ATTR_B("flat", false),
};

const oar_op_schema oar_schema_softmax_ext = {
    .name = "softmax_ext",
    .id = OAR_OP_softmax_ext,
    .inputs = x_only,
    .num_inputs = 1,
    .outputs = out_only,
    .num_outputs = 1,
    .attrs = softmax_ext_attrs,
    .num_attrs = OAR_COUNT_OF(softmax_ext_attrs),
    .infer = softmax_ext_infer,
};

/* ---- cumulative_sum ------------------------------------------------------------------ */

static oar_status cumsum_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  const oar_tensor_view *x, *a;
  OAR_TRY(oar_op_require_input(n, in, OAR_CUMSUM_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_CUMSUM_IN_AXIS, &a, err));
  int64_t axis, cnt;
  OAR_TRY(oar_ext_read_ints(a, "input 'Axis'", &axis, 1, &cnt, err));
  int ax = 0;
  OAR_TRY(norm_axis(axis, x->shape.rank, "axis", &ax, err));
  oar_op_set_output(n, out, 0, x->dtype, &x->shape);
  return OAR_OK;
}

static const oar_slot_spec cumsum_inputs[] = {{"X", OAR_SLOT_REQUIRED}, {"Axis", OAR_SLOT_REQUIRED}};
static const oar_attr_spec cumsum_attrs[] = {
    [OAR_CUMSUM_ATTR_EXCLUSIVE] = OAR_ATTR_B("exclusive", false),
    [OAR_CUMSUM_ATTR_REVERSE] = OAR_ATTR_B("reverse", false),
};

const oar_op_schema oar_schema_cumulative_sum = {
    .name = "cumulative_sum",
    .id = OAR_OP_cumulative_sum,
    .inputs = cumsum_inputs,
    .num_inputs = 2,
    .outputs = out_only,
    .num_outputs = 1,
    .attrs = cumsum_attrs,
    .num_attrs = OAR_COUNT_OF(cumsum_attrs),
    .infer = cumsum_infer,
};

/* ---- topk --------------------------------------------------------------------------------- */

static oar_status topk_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  const oar_tensor_view *x, *k = oar_op_input(n, in, OAR_TOPK_IN_K);
  OAR_TRY(oar_op_require_input(n, in, OAR_TOPK_IN_X, &x, err));
  int ax = 0;
  OAR_TRY(norm_axis(oar_node_attr_i(n, OAR_TOPK_ATTR_AXIS), x->shape.rank, "axis", &ax, err));
  if (x->shape.rank == 0) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "X must have rank >= 1");
  const int64_t dim = x->shape.dims[ax];
  /* No K: the whole axis, a full sort (Paddle's argsort). */
  int64_t kv = dim, cnt = 1;
  if (k) OAR_TRY(oar_ext_read_ints(k, "input 'K'", &kv, 1, &cnt, err));
  if (cnt != 1 || kv < 0 || (dim >= 0 && kv > dim))
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "K = %lld is out of range [0, %lld]", (long long)kv,
                         (long long)dim);
  oar_shape s = x->shape;
  s.dims[ax] = kv;
  oar_op_set_output(n, out, OAR_TOPK_OUT_VALUES, x->dtype, &s);
  oar_op_set_output(n, out, OAR_TOPK_OUT_INDICES, OAR_DTYPE_INT64, &s);
  return OAR_OK;
}

static const oar_slot_spec topk_inputs[] = {{"X", OAR_SLOT_REQUIRED}, {"K", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec topk_outputs[] = {{"Values", OAR_SLOT_REQUIRED}, {"Indices", OAR_SLOT_REQUIRED}};
static const oar_attr_spec topk_attrs[] = {
    [OAR_TOPK_ATTR_AXIS] = OAR_ATTR_I("axis", -1),
    [OAR_TOPK_ATTR_LARGEST] = OAR_ATTR_B("largest", true),
    [OAR_TOPK_ATTR_SORTED] = OAR_ATTR_B("sorted", true),
};

const oar_op_schema oar_schema_topk = {
    .name = "topk",
    .id = OAR_OP_topk,
    .inputs = topk_inputs,
    .num_inputs = 2,
    .outputs = topk_outputs,
    .num_outputs = 2,
    .attrs = topk_attrs,
    .num_attrs = OAR_COUNT_OF(topk_attrs),
    .infer = topk_infer,
};
