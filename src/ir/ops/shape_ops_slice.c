/* Schema of `slice` (Paddle legacy op; phi SliceRawInferMeta and
 * SliceKernel). */
#include "ir/ops/shape_ops.h"

enum {
  SLICE_IN_INPUT,
  SLICE_IN_STARTS_TENSOR,
  SLICE_IN_ENDS_TENSOR,
  SLICE_IN_STARTS_LIST,
  SLICE_IN_ENDS_LIST
};
enum {
  SLICE_ATTR_AXES,
  SLICE_ATTR_STARTS,
  SLICE_ATTR_ENDS,
  SLICE_ATTR_INFER_FLAGS,
  SLICE_ATTR_DECREASE_AXIS
};

/* Axes may repeat (the last entry for an axis wins, as in Paddle), so a
 * node may list more entries than the rank; this bounds the buffers. */
#define SLICE_MAX_ENTRIES 64

/* starts or ends: the 1-D tensor, else the list of 1-element tensors, else
 * the attribute (Paddle's priority); exactly one value per axes entry. */
static oar_status slice_bounds(const oar_node *node, const oar_tensor_view *const *in, int tensor_slot,
                               int list_slot, int attr, int64_t naxes, int64_t *dst, oar_error *err) {
  int64_t n = 0;
  const oar_tensor_view *t = oar_shapeops_input(node, in, tensor_slot, 0);
  const char *what;
  if (t) {
    OAR_TRY(oar_shapeops_read_tensor_ints(node, tensor_slot, t, dst, SLICE_MAX_ENTRIES, &n, err));
    what = node->schema->inputs[tensor_slot].name;
  } else if (oar_node_input_count(node, list_slot) > 0) {
    OAR_TRY(oar_shapeops_read_list_ints(node, in, list_slot, dst, SLICE_MAX_ENTRIES, &n, err));
    what = node->schema->inputs[list_slot].name;
  } else {
    OAR_TRY(oar_shapeops_attr_ints(node, attr, dst, SLICE_MAX_ENTRIES, &n, err));
    what = node->schema->attrs[attr].name;
  }
  if (n != naxes)
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "'%s' has %lld values but 'axes' has %lld",
                             what, (long long)n, (long long)naxes);
  return OAR_OK;
}

oar_status oar_shapeops_slice_resolve(const oar_node *node, const oar_tensor_view *const *in,
                                      oar_shapeops_slice *p, oar_error *err) {
  const oar_tensor_view *x = NULL;
  OAR_TRY(oar_shapeops_require_input(node, in, SLICE_IN_INPUT, &x, err));
  const oar_shape *s = &x->shape;
  int rank = s->rank;
  int64_t axes[SLICE_MAX_ENTRIES], starts[SLICE_MAX_ENTRIES], ends[SLICE_MAX_ENTRIES], naxes = 0;
  OAR_TRY(oar_shapeops_attr_ints(node, SLICE_ATTR_AXES, axes, SLICE_MAX_ENTRIES, &naxes, err));
  OAR_TRY(slice_bounds(node, in, SLICE_IN_STARTS_TENSOR, SLICE_IN_STARTS_LIST, SLICE_ATTR_STARTS, naxes,
                       starts, err));
  OAR_TRY(
      slice_bounds(node, in, SLICE_IN_ENDS_TENSOR, SLICE_IN_ENDS_LIST, SLICE_ATTR_ENDS, naxes, ends, err));
  const oar_attr *flags = oar_node_attr(node, SLICE_ATTR_INFER_FLAGS);
  const oar_attr *decrease = oar_node_attr(node, SLICE_ATTR_DECREASE_AXIS);
  if (flags->type != OAR_ATTR_INTS || decrease->type != OAR_ATTR_INTS)
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL,
                             "attributes 'infer_flags' and 'decrease_axis' must be ints");

  bool decreased[OAR_MAX_RANK] = {false};
  for (size_t k = 0; k < decrease->n; k++) {
    int axis = 0;
    OAR_TRY(oar_shapeops_norm_axis(node, "decrease_axis entry", decrease->ints[k], rank, &axis, err));
    decreased[axis] = true;
  }

  p->rank = rank;
  p->sliced = *s;
  for (int d = 0; d < rank; d++) {
    p->starts[d] = 0;
    p->steps[d] = 1;
  }
  for (int64_t i = 0; i < naxes; i++) {
    int axis = 0;
    OAR_TRY(oar_shapeops_norm_axis(node, "axes entry", axes[i], rank, &axis, err));
    int64_t dim = s->dims[axis], start = starts[i], end = ends[i];
    /* Empty infer_flags means all 1. A -1 flag marks a bound that came from
     * a tensor; for x[-1] that gives start -1, end 0 on a decreased axis,
     * which Paddle's kernel reads as "to the end". */
    int64_t flag = (size_t)i < flags->n ? flags->ints[i] : 1;
    if (flag == -1 && start == -1 && end == 0 && decreased[axis]) end = dim;
    if (dim > 0) {
      if (start < 0) start += dim;
      if (start < 0) start = 0;
      if (start > dim) start = dim;
      if (end < 0) end += dim;
      if (end < 0) end = 0;
      if (end > dim) end = dim;
      /* Paddle rejects end < start when the bounds are attributes; an empty
       * slice is the safe reading of it, and of tensor-given bounds. */
      if (end < start) end = start;
    } else if (dim == 0) {
      start = end = 0;
    } else {
      /* Unknown dim (infer only): the sliced size is unknown too. */
      p->sliced.dims[axis] = -1;
      continue;
    }
    p->starts[axis] = start;
    p->sliced.dims[axis] = end - start;
  }

  p->out.rank = 0;
  for (int d = 0; d < rank; d++) {
    if (!decreased[d]) {
      p->out.dims[p->out.rank++] = p->sliced.dims[d];
    } else if (p->sliced.dims[d] != 1 && p->sliced.dims[d] != -1) {
      char a[160], b[160];
      return oar_shapeops_fail(
          node, err, OAR_ERR_INVALID_ARGUMENT,
          "decrease_axis %d has size %lld after slicing input shape %s to %s; it must be 1", d,
          (long long)p->sliced.dims[d], oar_shape_str(s, a, sizeof a),
          oar_shape_str(&p->sliced, b, sizeof b));
    }
  }
  /* With every dim decreased the result is 0-D (Paddle >= 2.5; 2.4 and
   * older gave [1]; both hold one element in the same bytes). */
  return OAR_OK;
}

static oar_status infer_slice(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  oar_shapeops_slice p = {0};
  OAR_TRY(oar_shapeops_slice_resolve(node, in, &p, err));
  int pos = oar_node_out_pos(node, 0, 0);
  if (pos < 0) return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "output 'Out' is missing");
  out[pos].dtype = in[oar_node_in_pos(node, SLICE_IN_INPUT, 0)]->dtype;
  out[pos].shape = p.out;
  return OAR_OK;
}

static const oar_slot_spec slice_inputs[] = {
    {"Input", OAR_SLOT_REQUIRED},
    {"StartsTensor", OAR_SLOT_OPTIONAL},
    {"EndsTensor", OAR_SLOT_OPTIONAL},
    {"StartsTensorList", OAR_SLOT_OPTIONAL | OAR_SLOT_VARIADIC},
    {"EndsTensorList", OAR_SLOT_OPTIONAL | OAR_SLOT_VARIADIC},
};
static const oar_slot_spec slice_outputs[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_attr_spec slice_attrs[] = {
    OAR_ATTR_REQUIRED("axes", OAR_ATTR_INTS), OAR_ATTR_IS_EMPTY("starts"),        OAR_ATTR_IS_EMPTY("ends"),
    OAR_ATTR_IS_EMPTY("infer_flags"),         OAR_ATTR_IS_EMPTY("decrease_axis"),
};

const oar_op_schema oar_schema_slice = {
    .name = "slice",
    .id = OAR_OP_slice,
    .inputs = slice_inputs,
    .num_inputs = OAR_COUNT_OF(slice_inputs),
    .outputs = slice_outputs,
    .num_outputs = OAR_COUNT_OF(slice_outputs),
    .attrs = slice_attrs,
    .num_attrs = OAR_COUNT_OF(slice_attrs),
    .infer = infer_slice,
};
