/* Schemas of the ops that move elements around: transpose, transpose2,
 * concat, split. Semantics follow Paddle's legacy ops and phi's
 * TransposeInferMeta, ConcatInferMeta and SplitInferMeta. */
#include <string.h>

#include "ir/ops/shape_ops.h"

static const oar_slot_spec x_only[] = {{"X", OAR_SLOT_REQUIRED}};
static const oar_slot_spec out_only[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_slot_spec out_xshape[] = {{"Out", OAR_SLOT_REQUIRED}, {"XShape", OAR_SLOT_OPTIONAL}};

/* ---- transpose / transpose2 --------------------------------------------- */

enum { TRANSPOSE_ATTR_AXIS };

oar_status oar_shapeops_transpose_perm(const oar_node *node, int rank, int perm[OAR_MAX_RANK],
                                       oar_error *err) {
  int64_t axis[OAR_MAX_RANK], n = 0;
  OAR_TRY(oar_shapeops_attr_ints(node, TRANSPOSE_ATTR_AXIS, axis, OAR_MAX_RANK, &n, err));
  if (n != rank)
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_ARGUMENT,
                             "attribute 'axis' has %lld entries, input rank is %d", (long long)n, rank);
  bool seen[OAR_MAX_RANK] = {false};
  for (int i = 0; i < rank; i++) {
    /* Negative entries count from the end (phi accepts them). */
    OAR_TRY(oar_shapeops_norm_axis(node, "attribute 'axis' entry", axis[i], rank, &perm[i], err));
    if (seen[perm[i]]) {
      oar_shape s = oar_shape_make(rank, axis);
      char buf[160];
      return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "attribute 'axis' %s is not a permutation",
                               oar_shape_str(&s, buf, sizeof buf));
    }
    seen[perm[i]] = true;
  }
  return OAR_OK;
}

static oar_status infer_transpose(const oar_node *node, const oar_tensor_view *const *in,
                                  oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x = NULL;
  OAR_TRY(oar_shapeops_require_input(node, in, 0, &x, err));
  int perm[OAR_MAX_RANK] = {0};
  OAR_TRY(oar_shapeops_transpose_perm(node, x->shape.rank, perm, err));
  int pos = oar_node_out_pos(node, 0, 0);
  if (pos < 0) return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "output 'Out' is missing");
  out[pos].dtype = x->dtype;
  out[pos].shape.rank = x->shape.rank;
  for (int i = 0; i < x->shape.rank; i++) out[pos].shape.dims[i] = x->shape.dims[perm[i]];
  if (node->schema->num_outputs > 1) oar_shapeops_set_xshape(out, oar_node_out_pos(node, 1, 0), x);
  return OAR_OK;
}

/* data_format only steers oneDNN layouts in Paddle; it does not change the
 * result, so it is not declared. */
static const oar_attr_spec transpose_attrs[] = {OAR_ATTR_REQUIRED("axis", OAR_ATTR_INTS)};

const oar_op_schema oar_schema_transpose2 = {
    .name = "transpose2",
    .id = OAR_OP_transpose2,
    .inputs = x_only,
    .num_inputs = OAR_COUNT_OF(x_only),
    .outputs = out_xshape,
    .num_outputs = OAR_COUNT_OF(out_xshape),
    .attrs = transpose_attrs,
    .num_attrs = OAR_COUNT_OF(transpose_attrs),
    .infer = infer_transpose,
};

const oar_op_schema oar_schema_transpose = {
    .name = "transpose",
    .id = OAR_OP_transpose,
    .inputs = x_only,
    .num_inputs = OAR_COUNT_OF(x_only),
    .outputs = out_only,
    .num_outputs = OAR_COUNT_OF(out_only),
    .attrs = transpose_attrs,
    .num_attrs = OAR_COUNT_OF(transpose_attrs),
    .infer = infer_transpose,
};

/* ---- axis from AxisTensor or attribute (concat, split) ------------------ */

/* Both ops have AxisTensor as input slot 1 and `axis` as attribute 0.
 * *negative tells whether the value given was negative. */
static oar_status resolve_axis(const oar_node *node, const oar_tensor_view *const *in, int rank, int *axis,
                               bool *negative, oar_error *err) {
  const oar_tensor_view *t = oar_shapeops_input(node, in, 1, 0);
  int64_t value = oar_node_attr_i(node, 0);
  if (t) {
    int64_t n = 0;
    OAR_TRY(oar_shapeops_read_tensor_ints(node, 1, t, &value, 1, &n, err));
    if (n != 1) return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "input 'AxisTensor' is empty");
  }
  *negative = value < 0;
  return oar_shapeops_norm_axis(node, "axis", value, rank, axis, err);
}

oar_status oar_shapeops_concat_axis(const oar_node *node, const oar_tensor_view *const *in, int rank,
                                    int *axis, oar_error *err) {
  bool negative = false; /* concat normalises a negative axis in every kernel */
  return resolve_axis(node, in, rank, axis, &negative, err);
}

oar_status oar_shapeops_split_axis(const oar_node *node, const oar_tensor_view *const *in, int rank,
                                   int *axis, bool *flat, oar_error *err) {
  return resolve_axis(node, in, rank, axis, flat, err);
}

/* ---- concat ------------------------------------------------------------- */

enum { CONCAT_IN_X, CONCAT_IN_AXIS_TENSOR };

static oar_status infer_concat(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  int n = oar_node_input_count(node, CONCAT_IN_X);
  if (n < 1) return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "input 'X' has no tensors");
  const oar_tensor_view *first = NULL;
  OAR_TRY(oar_shapeops_require_input(node, in, CONCAT_IN_X, &first, err));
  int axis = 0;
  OAR_TRY(oar_shapeops_concat_axis(node, in, first->shape.rank, &axis, err));
  oar_shape res = first->shape;
  for (int k = 1; k < n; k++) {
    const oar_tensor_view *t = oar_shapeops_input(node, in, CONCAT_IN_X, k);
    char a[160], b[160];
    if (!t) return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "input 'X' #%d is missing", k);
    if (t->dtype != first->dtype)
      return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "input 'X' #%d is %s, #0 is %s", k,
                               oar_dtype_str(t->dtype), oar_dtype_str(first->dtype));
    /* Unknown (-1) dims match anything; a known one fills them in. */
    bool ok = t->shape.rank == first->shape.rank;
    for (int i = 0; ok && i < t->shape.rank; i++) {
      int64_t d = t->shape.dims[i];
      if (i == axis || d < 0) continue;
      if (res.dims[i] < 0) res.dims[i] = d;
      ok = res.dims[i] == d;
    }
    if (!ok)
      return oar_shapeops_fail(node, err, OAR_ERR_INVALID_ARGUMENT,
                               "input 'X' #%d has shape %s, #0 has %s: they must match except on axis %d", k,
                               oar_shape_str(&t->shape, a, sizeof a),
                               oar_shape_str(&first->shape, b, sizeof b), axis);
    if (res.dims[axis] < 0 || t->shape.dims[axis] < 0)
      res.dims[axis] = -1;
    else if (__builtin_add_overflow(res.dims[axis], t->shape.dims[axis], &res.dims[axis]))
      return oar_shapeops_fail(node, err, OAR_ERR_INVALID_ARGUMENT, "output dim %d overflows", axis);
  }
  if (oar_shape_is_known(&res) && oar_shape_numel(&res) < 0)
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_ARGUMENT, "output has too many elements");
  int pos = oar_node_out_pos(node, 0, 0);
  if (pos < 0) return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "output 'Out' is missing");
  out[pos].dtype = first->dtype;
  out[pos].shape = res;
  return OAR_OK;
}

static const oar_slot_spec concat_inputs[] = {
    {"X", OAR_SLOT_REQUIRED | OAR_SLOT_VARIADIC},
    {"AxisTensor", OAR_SLOT_OPTIONAL},
};
static const oar_attr_spec concat_attrs[] = {OAR_ATTR_I("axis", 0)};

const oar_op_schema oar_schema_concat = {
    .name = "concat",
    .id = OAR_OP_concat,
    .inputs = concat_inputs,
    .num_inputs = OAR_COUNT_OF(concat_inputs),
    .outputs = out_only,
    .num_outputs = OAR_COUNT_OF(out_only),
    .attrs = concat_attrs,
    .num_attrs = OAR_COUNT_OF(concat_attrs),
    .infer = infer_concat,
};

/* ---- split -------------------------------------------------------------- */

enum { SPLIT_IN_X, SPLIT_IN_AXIS_TENSOR, SPLIT_IN_SECTIONS_TENSOR_LIST };
enum { SPLIT_ATTR_AXIS, SPLIT_ATTR_NUM, SPLIT_ATTR_SECTIONS };

/* Section sizes are written straight into each output's dim `axis` (the
 * outputs already hold X's shape), so any number of outputs needs no
 * allocation. Priority: num > 0, else SectionsTensorList, else sections.
 * An unknown (-1) input dim leaves the sizes that depend on it -1. */
static oar_status split_sections(const oar_node *node, const oar_tensor_view *const *in,
                                 const oar_tensor_view *x, int axis, oar_tensor_view *out, oar_error *err) {
  int nout = oar_node_output_count(node, 0);
  int64_t dim = x->shape.dims[axis];
  char buf[160];
  int64_t num = oar_node_attr_i(node, SPLIT_ATTR_NUM);
  if (num > 0) {
    if (num != nout)
      return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "num = %lld but the op has %d outputs",
                               (long long)num, nout);
    if (dim >= 0 && dim % num != 0)
      return oar_shapeops_fail(node, err, OAR_ERR_INVALID_ARGUMENT,
                               "input shape %s cannot be split evenly into %lld parts along axis %d",
                               oar_shape_str(&x->shape, buf, sizeof buf), (long long)num, axis);
    for (int k = 0; k < nout; k++)
      out[oar_node_out_pos(node, 0, k)].shape.dims[axis] = dim < 0 ? -1 : dim / num;
    return OAR_OK;
  }

  int list_count = oar_node_input_count(node, SPLIT_IN_SECTIONS_TENSOR_LIST);
  const oar_attr *attr = oar_node_attr(node, SPLIT_ATTR_SECTIONS);
  int64_t count = list_count > 0 ? list_count : (attr->type == OAR_ATTR_INTS ? (int64_t)attr->n : 0);
  if (count == 0)
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "needs num > 0 or non-empty sections");
  if (count != nout)
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "%lld sections but the op has %d outputs",
                             (long long)count, nout);
  int unknown = -1;
  int64_t sum = 0;
  for (int k = 0; k < nout; k++) {
    int64_t v = 0;
    if (list_count > 0) {
      const oar_tensor_view *t = oar_shapeops_input(node, in, SPLIT_IN_SECTIONS_TENSOR_LIST, k);
      int64_t n = 0;
      if (!t || oar_shape_numel(&t->shape) != 1)
        return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL,
                                 "input 'SectionsTensorList' #%d must be one value", k);
      OAR_TRY(oar_shapeops_read_tensor_ints(node, SPLIT_IN_SECTIONS_TENSOR_LIST, t, &v, 1, &n, err));
    } else {
      v = attr->ints[k];
    }
    if (v == -1) {
      if (unknown >= 0)
        return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "sections have more than one -1");
      unknown = k;
    } else if (v < 0) {
      return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "section %d is %lld", k, (long long)v);
    } else if (__builtin_add_overflow(sum, v, &sum)) {
      return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "sections overflow int64");
    }
    out[oar_node_out_pos(node, 0, k)].shape.dims[axis] = v;
  }
  if (dim < 0) return OAR_OK; /* unknown input dim: the -1 section stays -1 */
  if (unknown >= 0) {
    /* Paddle insists the inferred section be at least 1. */
    if (sum >= dim)
      return oar_shapeops_fail(
          node, err, OAR_ERR_INVALID_ARGUMENT,
          "known sections sum to %lld, leaving nothing for the -1 of input shape %s on axis %d",
          (long long)sum, oar_shape_str(&x->shape, buf, sizeof buf), axis);
    out[oar_node_out_pos(node, 0, unknown)].shape.dims[axis] = dim - sum;
  } else if (sum != dim) {
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_ARGUMENT,
                             "sections sum to %lld but input shape %s has %lld on axis %d", (long long)sum,
                             oar_shape_str(&x->shape, buf, sizeof buf), (long long)dim, axis);
  }
  return OAR_OK;
}

static oar_status infer_split(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  const oar_tensor_view *x = NULL;
  OAR_TRY(oar_shapeops_require_input(node, in, SPLIT_IN_X, &x, err));
  int axis = 0;
  bool flat = false;
  OAR_TRY(oar_shapeops_split_axis(node, in, x->shape.rank, &axis, &flat, err));
  int nout = oar_node_output_count(node, 0);
  if (nout < 1) return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "output 'Out' has no tensors");
  for (int k = 0; k < nout; k++) {
    oar_tensor_view *o = &out[oar_node_out_pos(node, 0, k)];
    o->dtype = x->dtype;
    o->shape = x->shape;
  }
  return split_sections(node, in, x, axis, out, err);
}

static const oar_slot_spec split_inputs[] = {
    {"X", OAR_SLOT_REQUIRED},
    {"AxisTensor", OAR_SLOT_OPTIONAL},
    {"SectionsTensorList", OAR_SLOT_OPTIONAL | OAR_SLOT_VARIADIC},
};
static const oar_slot_spec split_outputs[] = {{"Out", OAR_SLOT_REQUIRED | OAR_SLOT_VARIADIC}};
static const oar_attr_spec split_attrs[] = {
    OAR_ATTR_I("axis", 0),
    OAR_ATTR_I("num", 0),
    OAR_ATTR_IS_EMPTY("sections"),
};

const oar_op_schema oar_schema_split = {
    .name = "split",
    .id = OAR_OP_split,
    .inputs = split_inputs,
    .num_inputs = OAR_COUNT_OF(split_inputs),
    .outputs = split_outputs,
    .num_outputs = OAR_COUNT_OF(split_outputs),
    .attrs = split_attrs,
    .num_attrs = OAR_COUNT_OF(split_attrs),
    .infer = infer_split,
};
