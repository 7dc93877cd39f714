/* Schemas of the ops that only relabel a tensor's dims (the data stays the
 * same bytes in the same order): reshape, reshape2, flatten_contiguous_range,
 * flatten2, squeeze2, unsqueeze2, assign; and `shape`, which reads dims
 * only. Semantics follow Paddle's legacy ops and phi infer-meta functions
 * (ValidateShape, GetOutputSqueezeShape, GetUnsqueezeShape). */
#include "ir/ops/shape_ops.h"

/* Flat output position of slot's first value, or -1 (absent, or a slot the
 * schema does not have). */
static int out_pos(const oar_node *node, int slot) {
  if (slot >= node->schema->num_outputs) return -1;
  return oar_node_out_pos(node, slot, 0);
}

/* Writes Out (output slot 0) and, for schemas that have one, XShape (slot 1). */
static oar_status set_out(const oar_node *node, oar_tensor_view *out, oar_dtype dtype, const oar_shape *shape,
                          const oar_tensor_view *x, oar_error *err) {
  int pos = out_pos(node, 0);
  if (pos < 0)
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "output '%s' is missing",
                             node->schema->outputs[0].name);
  out[pos].dtype = dtype;
  out[pos].shape = *shape;
  if (x) oar_shapeops_set_xshape(out, out_pos(node, 1), x);
  return OAR_OK;
}

/* ---- reshape / reshape2 ------------------------------------------------ */

enum { RESHAPE_IN_X, RESHAPE_IN_SHAPE, RESHAPE_IN_SHAPE_TENSOR };
enum { RESHAPE_ATTR_SHAPE };

/* Paddle's ValidateShape: 0 copies the input dim at that index (0 for a
 * zero-size input), one -1 takes what is left of numel. With unknown input
 * dims the -1 stays -1 and element counts are not checked. */
static oar_status reshape_target(const oar_node *node, const oar_shape *in, const int64_t *req, int64_t n,
                                 oar_shape *res, oar_error *err) {
  char a[160], b[160];
  oar_shape req_shape = oar_shape_make((int)n, req);
  int64_t in_size = oar_shape_numel(in); /* -1 when a dim is unknown */
  bool known = in_size >= 0;
  int64_t capacity = 1;
  int unknown = -1;
  res->rank = (int)n;
  for (int i = 0; i < (int)n; i++) {
    int64_t d = req[i];
    if (d == -1) {
      if (unknown >= 0)
        return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "shape %s has more than one -1",
                                 oar_shape_str(&req_shape, a, sizeof a));
      unknown = i;
      res->dims[i] = -1;
      continue;
    }
    if (d == 0) {
      if (i < in->rank) {
        d = in_size == 0 ? 0 : in->dims[i];
      } else if (in_size != 0) {
        return oar_shapeops_fail(node, err, OAR_ERR_INVALID_ARGUMENT,
                                 "shape %s has 0 at index %d, beyond the rank of input shape %s",
                                 oar_shape_str(&req_shape, a, sizeof a), i, oar_shape_str(in, b, sizeof b));
      }
    } else if (d < 0) {
      return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "shape %s has negative dim %lld at index %d",
                               oar_shape_str(&req_shape, a, sizeof a), (long long)d, i);
    }
    res->dims[i] = d;
    if (d < 0) continue; /* an unknown input dim copied by 0 */
    if (__builtin_mul_overflow(capacity, d, &capacity))
      return oar_shapeops_fail(node, err, OAR_ERR_INVALID_ARGUMENT, "shape %s has too many elements",
                               oar_shape_str(&req_shape, a, sizeof a));
  }
  if (!known) return OAR_OK;
  if (capacity == 0 && unknown >= 0)
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_ARGUMENT,
                             "cannot reshape %s to %s: the -1 dim is ambiguous next to a 0 dim",
                             oar_shape_str(in, a, sizeof a), oar_shape_str(&req_shape, b, sizeof b));
  if (unknown >= 0) {
    res->dims[unknown] = in_size / capacity;
    if (res->dims[unknown] * capacity == in_size) return OAR_OK;
  } else if (capacity == in_size) {
    return OAR_OK;
  }
  return oar_shapeops_fail(node, err, OAR_ERR_INVALID_ARGUMENT,
                           "cannot reshape input of shape %s (%lld elements) to shape %s (%s%lld elements)",
                           oar_shape_str(in, a, sizeof a), (long long)in_size,
                           oar_shape_str(&req_shape, b, sizeof b), unknown >= 0 ? "a multiple of " : "",
                           (long long)capacity);
}

static oar_status infer_reshape(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                                oar_error *err) {
  const oar_tensor_view *x = NULL;
  OAR_TRY(oar_shapeops_require_input(node, in, RESHAPE_IN_X, &x, err));
  int64_t req[OAR_MAX_RANK], n = 0;
  const oar_tensor_view *shape_t = oar_shapeops_input(node, in, RESHAPE_IN_SHAPE, 0);
  /* Paddle's priority: ShapeTensor > Shape > attribute. */
  if (oar_node_input_count(node, RESHAPE_IN_SHAPE_TENSOR) > 0)
    OAR_TRY(oar_shapeops_read_list_ints(node, in, RESHAPE_IN_SHAPE_TENSOR, req, OAR_MAX_RANK, &n, err));
  else if (shape_t)
    OAR_TRY(oar_shapeops_read_tensor_ints(node, RESHAPE_IN_SHAPE, shape_t, req, OAR_MAX_RANK, &n, err));
  else
    OAR_TRY(oar_shapeops_attr_ints(node, RESHAPE_ATTR_SHAPE, req, OAR_MAX_RANK, &n, err));
  oar_shape res = {0};
  OAR_TRY(reshape_target(node, &x->shape, req, n, &res, err));
  return set_out(node, out, x->dtype, &res, x, err);
}

static const oar_slot_spec reshape_inputs[] = {
    {"X", OAR_SLOT_REQUIRED},
    {"Shape", OAR_SLOT_OPTIONAL},
    {"ShapeTensor", OAR_SLOT_OPTIONAL | OAR_SLOT_VARIADIC},
};
static const oar_slot_spec out_only[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_slot_spec out_xshape[] = {{"Out", OAR_SLOT_REQUIRED}, {"XShape", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec reshape_attrs[] = {OAR_ATTR_IS_EMPTY("shape")};

const oar_op_schema oar_schema_reshape2 = {
    .name = "reshape2",
    .id = OAR_OP_reshape2,
    .inputs = reshape_inputs,
    .num_inputs = OAR_COUNT_OF(reshape_inputs),
    .outputs = out_xshape,
    .num_outputs = OAR_COUNT_OF(out_xshape),
    .attrs = reshape_attrs,
    .num_attrs = OAR_COUNT_OF(reshape_attrs),
    .infer = infer_reshape,
    .flags = OAR_OP_VIEW,
};

const oar_op_schema oar_schema_reshape = {
    .name = "reshape",
    .id = OAR_OP_reshape,
    .inputs = reshape_inputs,
    .num_inputs = OAR_COUNT_OF(reshape_inputs),
    .outputs = out_only,
    .num_outputs = OAR_COUNT_OF(out_only),
    .attrs = reshape_attrs,
    .num_attrs = OAR_COUNT_OF(reshape_attrs),
    .infer = infer_reshape,
    .flags = OAR_OP_VIEW,
};

/* ---- flatten_contiguous_range / flatten2 ------------------------------- */

static const oar_slot_spec x_only[] = {{"X", OAR_SLOT_REQUIRED}};

/* A zero-size input may have dims whose partial products overflow. */
static oar_status too_big(const oar_node *node, const oar_shape *s, oar_error *err) {
  char buf[160];
  return oar_shapeops_fail(node, err, OAR_ERR_INVALID_ARGUMENT, "flattening input shape %s overflows int64",
                           oar_shape_str(s, buf, sizeof buf));
}

enum { FLATTEN_RANGE_ATTR_START, FLATTEN_RANGE_ATTR_STOP };

static oar_status infer_flatten_range(const oar_node *node, const oar_tensor_view *const *in,
                                      oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x = NULL;
  OAR_TRY(oar_shapeops_require_input(node, in, 0, &x, err));
  int64_t start_attr = oar_node_attr_i(node, FLATTEN_RANGE_ATTR_START);
  int64_t stop_attr = oar_node_attr_i(node, FLATTEN_RANGE_ATTR_STOP);
  const oar_shape *s = &x->shape;
  oar_shape res = {0};
  if (s->rank == 0) {
    /* A 0-D input becomes [1]; only axes 0 and -1 make sense for it. */
    if ((start_attr != 0 && start_attr != -1) || (stop_attr != 0 && stop_attr != -1))
      return oar_shapeops_fail(node, err, OAR_ERR_INVALID_ARGUMENT,
                               "start_axis %lld and stop_axis %lld must be 0 or -1 for a 0-D input",
                               (long long)start_attr, (long long)stop_attr);
    res.rank = 1;
    res.dims[0] = 1;
    return set_out(node, out, x->dtype, &res, x, err);
  }
  int start = 0, stop = 0;
  OAR_TRY(oar_shapeops_norm_axis(node, "start_axis", start_attr, s->rank, &start, err));
  OAR_TRY(oar_shapeops_norm_axis(node, "stop_axis", stop_attr, s->rank, &stop, err));
  if (stop < start)
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "stop_axis %lld comes before start_axis %lld",
                             (long long)stop_attr, (long long)start_attr);
  int64_t merged = 1;
  for (int i = start; i <= stop && merged >= 0; i++) {
    if (s->dims[i] < 0)
      merged = -1; /* unknown stays unknown */
    else if (__builtin_mul_overflow(merged, s->dims[i], &merged))
      return too_big(node, s, err);
  }
  for (int i = 0; i < start; i++) res.dims[res.rank++] = s->dims[i];
  res.dims[res.rank++] = merged;
  for (int i = stop + 1; i < s->rank; i++) res.dims[res.rank++] = s->dims[i];
  return set_out(node, out, x->dtype, &res, x, err);
}

static const oar_attr_spec flatten_range_attrs[] = {OAR_ATTR_I("start_axis", 1), OAR_ATTR_I("stop_axis", 1)};

const oar_op_schema oar_schema_flatten_contiguous_range = {
    .name = "flatten_contiguous_range",
    .id = OAR_OP_flatten_contiguous_range,
    .inputs = x_only,
    .num_inputs = OAR_COUNT_OF(x_only),
    .outputs = out_xshape,
    .num_outputs = OAR_COUNT_OF(out_xshape),
    .attrs = flatten_range_attrs,
    .num_attrs = OAR_COUNT_OF(flatten_range_attrs),
    .infer = infer_flatten_range,
    .flags = OAR_OP_VIEW,
};

/* flatten2: [prod(dims[:axis]), prod(dims[axis:])], axis in [0, rank]. */
static oar_status infer_flatten2(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                                 oar_error *err) {
  const oar_tensor_view *x = NULL;
  OAR_TRY(oar_shapeops_require_input(node, in, 0, &x, err));
  int64_t axis = oar_node_attr_i(node, 0);
  const oar_shape *s = &x->shape;
  if (axis < 0 || axis > s->rank)
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_ARGUMENT, "axis %lld is out of range [0, %d]",
                             (long long)axis, s->rank);
  oar_shape res = {.rank = 2, .dims = {1, 1}};
  for (int i = 0; i < s->rank; i++) {
    int64_t *d = &res.dims[i < axis ? 0 : 1];
    if (*d < 0) continue;
    if (s->dims[i] < 0)
      *d = -1; /* unknown stays unknown */
    else if (__builtin_mul_overflow(*d, s->dims[i], d))
      return too_big(node, s, err);
  }
  return set_out(node, out, x->dtype, &res, x, err);
}

static const oar_attr_spec flatten2_attrs[] = {OAR_ATTR_I("axis", 1)};

const oar_op_schema oar_schema_flatten2 = {
    .name = "flatten2",
    .id = OAR_OP_flatten2,
    .inputs = x_only,
    .num_inputs = OAR_COUNT_OF(x_only),
    .outputs = out_xshape,
    .num_outputs = OAR_COUNT_OF(out_xshape),
    .attrs = flatten2_attrs,
    .num_attrs = OAR_COUNT_OF(flatten2_attrs),
    .infer = infer_flatten2,
    .flags = OAR_OP_VIEW,
};

/* ---- squeeze2 ----------------------------------------------------------- */

/* Listed axes are removed when their dim is 1 and silently kept otherwise
 * (phi's GetOutputSqueezeShape); an unknown listed dim is taken to be 1,
 * as Paddle's compile-time inference does. No axes: every known 1 goes. */
static oar_status infer_squeeze2(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                                 oar_error *err) {
  const oar_tensor_view *x = NULL;
  OAR_TRY(oar_shapeops_require_input(node, in, 0, &x, err));
  const oar_shape *s = &x->shape;
  const oar_attr *axes = oar_node_attr(node, 0);
  if (axes->type != OAR_ATTR_INTS)
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "attribute 'axes' is %s, ints expected",
                             oar_attr_type_name(axes->type));
  bool drop[OAR_MAX_RANK] = {false};
  if (axes->n == 0) {
    for (int i = 0; i < s->rank; i++) drop[i] = s->dims[i] == 1;
  }
  for (size_t k = 0; k < axes->n; k++) {
    int64_t a = axes->ints[k];
    if (s->rank == 0) {
      if (a != 0 && a != -1)
        return oar_shapeops_fail(node, err, OAR_ERR_INVALID_ARGUMENT,
                                 "axes[%zu] = %lld must be 0 or -1 for a 0-D input", k, (long long)a);
      continue;
    }
    int axis = 0;
    OAR_TRY(oar_shapeops_norm_axis(node, "axes entry", a, s->rank, &axis, err));
    if (s->dims[axis] == 1 || s->dims[axis] == -1) drop[axis] = true;
  }
  oar_shape res = {0};
  for (int i = 0; i < s->rank; i++)
    if (!drop[i]) res.dims[res.rank++] = s->dims[i];
  return set_out(node, out, x->dtype, &res, x, err);
}

static const oar_attr_spec squeeze_attrs[] = {OAR_ATTR_IS_EMPTY("axes")};

const oar_op_schema oar_schema_squeeze2 = {
    .name = "squeeze2",
    .id = OAR_OP_squeeze2,
    .inputs = x_only,
    .num_inputs = OAR_COUNT_OF(x_only),
    .outputs = out_xshape,
    .num_outputs = OAR_COUNT_OF(out_xshape),
    .attrs = squeeze_attrs,
    .num_attrs = OAR_COUNT_OF(squeeze_attrs),
    .infer = infer_squeeze2,
    .flags = OAR_OP_VIEW,
};

/* ---- unsqueeze2 --------------------------------------------------------- */

enum { UNSQUEEZE_IN_X, UNSQUEEZE_IN_AXES_TENSOR, UNSQUEEZE_IN_AXES_TENSOR_LIST };

/* Each axis is taken against the rank grown by the axes before it; a
 * negative one counts from the end of that grown rank plus one. */
static oar_status infer_unsqueeze2(const oar_node *node, const oar_tensor_view *const *in,
                                   oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x = NULL;
  OAR_TRY(oar_shapeops_require_input(node, in, UNSQUEEZE_IN_X, &x, err));
  int64_t axes[OAR_MAX_RANK], n = 0;
  const oar_tensor_view *axes_t = oar_shapeops_input(node, in, UNSQUEEZE_IN_AXES_TENSOR, 0);
  /* Paddle's priority: AxesTensorList > AxesTensor > attribute. */
  if (oar_node_input_count(node, UNSQUEEZE_IN_AXES_TENSOR_LIST) > 0)
    OAR_TRY(
        oar_shapeops_read_list_ints(node, in, UNSQUEEZE_IN_AXES_TENSOR_LIST, axes, OAR_MAX_RANK, &n, err));
  else if (axes_t)
    OAR_TRY(
        oar_shapeops_read_tensor_ints(node, UNSQUEEZE_IN_AXES_TENSOR, axes_t, axes, OAR_MAX_RANK, &n, err));
  else
    OAR_TRY(oar_shapeops_attr_ints(node, 0, axes, OAR_MAX_RANK, &n, err));
  const oar_shape *s = &x->shape;
  if (s->rank + n > OAR_MAX_RANK)
    return oar_shapeops_fail(node, err, OAR_ERR_UNSUPPORTED, "output rank %d + %lld exceeds the maximum %d",
                             s->rank, (long long)n, OAR_MAX_RANK);
  /* Mark inserted positions, shifting earlier marks right as Paddle does. */
  bool inserted[OAR_MAX_RANK + 1] = {false};
  int cur_rank = s->rank;
  for (int64_t k = 0; k < n; k++) {
    int64_t cur = axes[k] < 0 ? axes[k] + cur_rank + 1 : axes[k];
    if (cur < 0 || cur > cur_rank)
      return oar_shapeops_fail(node, err, OAR_ERR_INVALID_ARGUMENT,
                               "axes[%lld] = %lld is out of range [%d, %d] at that point", (long long)k,
                               (long long)axes[k], -cur_rank - 1, cur_rank);
    for (int i = cur_rank; i >= (int)cur; i--) {
      if (inserted[i]) {
        inserted[i + 1] = true;
        inserted[i] = false;
      }
    }
    inserted[cur] = true;
    cur_rank++;
  }
  oar_shape res = {.rank = cur_rank};
  for (int i = 0, src = 0; i < cur_rank; i++) res.dims[i] = inserted[i] ? 1 : s->dims[src++];
  return set_out(node, out, x->dtype, &res, x, err);
}

static const oar_slot_spec unsqueeze_inputs[] = {
    {"X", OAR_SLOT_REQUIRED},
    {"AxesTensor", OAR_SLOT_OPTIONAL},
    {"AxesTensorList", OAR_SLOT_OPTIONAL | OAR_SLOT_VARIADIC},
};

const oar_op_schema oar_schema_unsqueeze2 = {
    .name = "unsqueeze2",
    .id = OAR_OP_unsqueeze2,
    .inputs = unsqueeze_inputs,
    .num_inputs = OAR_COUNT_OF(unsqueeze_inputs),
    .outputs = out_xshape,
    .num_outputs = OAR_COUNT_OF(out_xshape),
    .attrs = squeeze_attrs,
    .num_attrs = OAR_COUNT_OF(squeeze_attrs),
    .infer = infer_unsqueeze2,
    .flags = OAR_OP_VIEW,
};

/* ---- shape, assign ------------------------------------------------------ */

static oar_status infer_shape(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  const oar_tensor_view *x = NULL;
  OAR_TRY(oar_shapeops_require_input(node, in, 0, &x, err));
  oar_shape res = {.rank = 1, .dims = {x->shape.rank}};
  return set_out(node, out, OAR_DTYPE_INT32, &res, NULL, err);
}

static const oar_slot_spec input_only[] = {{"Input", OAR_SLOT_REQUIRED}};

const oar_op_schema oar_schema_shape = {
    .name = "shape",
    .id = OAR_OP_shape,
    .inputs = input_only,
    .num_inputs = OAR_COUNT_OF(input_only),
    .outputs = out_only,
    .num_outputs = OAR_COUNT_OF(out_only),
    .infer = infer_shape,
    .flags = OAR_OP_SHAPE_ONLY,
};

static oar_status infer_assign(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  const oar_tensor_view *x = NULL;
  OAR_TRY(oar_shapeops_require_input(node, in, 0, &x, err));
  return set_out(node, out, x->dtype, &x->shape, NULL, err);
}

const oar_op_schema oar_schema_assign = {
    .name = "assign",
    .id = OAR_OP_assign,
    .inputs = x_only,
    .num_inputs = OAR_COUNT_OF(x_only),
    .outputs = out_only,
    .num_outputs = OAR_COUNT_OF(out_only),
    .infer = infer_assign,
    .flags = OAR_OP_VIEW,
};
