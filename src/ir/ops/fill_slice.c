/* linspace, set_slice and roll (issue 11, batch A): see ir/ops/op_ext.h. */
#include <math.h>

#include "ir/ops/infer_util.h"
#include "ir/ops/math.h"
#include "ir/ops/op_ext.h"

/* ---- linspace ------------------------------------------------------------------------ */

static oar_status linspace_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                 oar_error *err) {
  const oar_tensor_view *num;
  for (int i = 0; i < 3; i++) {
    const oar_tensor_view *v;
    OAR_TRY(oar_op_require_input(n, in, i, &v, err));
  }
  OAR_TRY(oar_op_require_input(n, in, OAR_LINSPACE_IN_NUM, &num, err));
  int64_t count, cnt;
  OAR_TRY(oar_ext_read_ints(num, "input 'Num'", &count, 1, &cnt, err));
  if (cnt != 1 || count <= 0)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "Num must be one value above 0, got %lld",
                         (long long)count);
  oar_dtype t;
  const int64_t code = oar_node_attr_i(n, OAR_LINSPACE_ATTR_DTYPE);
  if (!oar_cast_dtype_from_var_type(code, &t))
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "attribute 'dtype' is %lld, not a supported Paddle dtype",
                         (long long)code);
  const oar_shape s = {.rank = 1, .dims = {count}};
  oar_op_set_output(n, out, 0, t, &s);
  return OAR_OK;
}

static const oar_slot_spec linspace_in[] = {
    {"Start", OAR_SLOT_REQUIRED}, {"Stop", OAR_SLOT_REQUIRED}, {"Num", OAR_SLOT_REQUIRED}};
static const oar_slot_spec out_one[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_attr_spec linspace_attrs[] = {[OAR_LINSPACE_ATTR_DTYPE] = OAR_ATTR_I("dtype", 5)};

const oar_op_schema oar_schema_linspace = {
    .name = "linspace",
    .id = OAR_OP_linspace,
    .inputs = linspace_in,
    .num_inputs = OAR_COUNT_OF(linspace_in),
    .outputs = out_one,
    .num_outputs = 1,
    .attrs = linspace_attrs,
    .num_attrs = OAR_COUNT_OF(linspace_attrs),
    .infer = linspace_infer,
};

/* ---- set_slice ------------------------------------------------------------------------ */

/* Python's rules for a slice of a dim of size `dim` (as Paddle's
 * CheckAndUpdateSliceAttrs). */
static int64_t slice_count(int64_t dim, int64_t *start, int64_t end, int64_t step) {
  int64_t s = *start, e = end;
  if (step > 0) {
    s = s < 0 ? (s + dim < 0 ? 0 : s + dim) : (s > dim ? dim : s);
    e = e < 0 ? (e + dim < 0 ? 0 : e + dim) : (e > dim ? dim : e);
    *start = s;
    return e > s ? (e - s + step - 1) / step : 0;
  }
  s = s < 0 ? (s + dim < 0 ? -1 : s + dim) : (s > dim - 1 ? dim - 1 : s);
  e = e < 0 ? (e + dim < 0 ? -1 : e + dim) : (e > dim - 1 ? dim - 1 : e);
  *start = s;
  return s > e ? (s - e + (-step) - 1) / (-step) : 0;
}

/* Bounds from input `slot` when it is there (read when the model is
 * planned), else the attribute of its name. */
static oar_status slice_bounds(const oar_node *n, const oar_tensor_view *const *in, int slot, int attr,
                               int64_t *v, size_t *count, oar_error *err) {
  static const char *const names[] = {"input 'Starts'", "input 'Ends'", "input 'Steps'"};
  const oar_tensor_view *t = oar_op_input(n, in, slot);
  if (t) {
    int64_t cnt;
    OAR_TRY(oar_ext_read_ints(t, names[slot - OAR_SET_SLICE_IN_STARTS], v, OAR_MAX_RANK, &cnt, err));
    *count = (size_t)cnt;
    return OAR_OK;
  }
  const oar_attr *a = oar_node_attr(n, attr);
  if (a->n > OAR_MAX_RANK) return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has %zu slice bounds", a->n);
  for (size_t k = 0; k < a->n; k++) v[k] = a->ints[k];
  *count = a->n;
  return OAR_OK;
}

oar_status oar_set_slice_resolve(const oar_node *n, const oar_tensor_view *const *in, const oar_shape *x,
                                 const oar_shape *value, oar_set_slice_plan *p, oar_error *err) {
  const oar_attr *axes = oar_node_attr(n, OAR_SET_SLICE_ATTR_AXES),
                 *dec = oar_node_attr(n, OAR_SET_SLICE_ATTR_DECREASE_AXES),
                 *none = oar_node_attr(n, OAR_SET_SLICE_ATTR_NONE_AXES);
  int64_t starts[OAR_MAX_RANK], ends[OAR_MAX_RANK], steps[OAR_MAX_RANK];
  size_t num_starts = 0, num_ends = 0, num_steps = 0;
  OAR_TRY(slice_bounds(n, in, OAR_SET_SLICE_IN_STARTS, OAR_SET_SLICE_ATTR_STARTS, starts, &num_starts, err));
  OAR_TRY(slice_bounds(n, in, OAR_SET_SLICE_IN_ENDS, OAR_SET_SLICE_ATTR_ENDS, ends, &num_ends, err));
  OAR_TRY(slice_bounds(n, in, OAR_SET_SLICE_IN_STEPS, OAR_SET_SLICE_ATTR_STEPS, steps, &num_steps, err));
  if (num_starts != axes->n || num_ends != axes->n || (num_steps && num_steps != axes->n))
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "has %zu axes, %zu starts, %zu ends and %zu steps",
                         axes->n, num_starts, num_ends, num_steps);
  p->slice = *x;
  bool decreased[OAR_MAX_RANK] = {false};
  for (int d = 0; d < x->rank; d++) p->start[d] = 0, p->step[d] = 1;
  for (size_t k = 0; k < axes->n; k++) {
    int64_t a = axes->ints[k] < 0 ? axes->ints[k] + x->rank : axes->ints[k];
    const int64_t step = num_steps ? steps[k] : 1;
    if (a < 0 || a >= x->rank || step == 0)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "has axis %lld (rank %d) with step %lld",
                           (long long)axes->ints[k], x->rank, (long long)step);
    p->start[a] = starts[k];
    p->step[a] = step;
    p->slice.dims[a] = x->dims[a] < 0 ? -1 : slice_count(x->dims[a], &p->start[a], ends[k], step);
  }
  /* Value broadcasts to the slice's shape without its decreased dims. */
  oar_shape kept = {0};
  for (size_t k = 0; k < dec->n; k++) {
    const int64_t a = dec->ints[k] < 0 ? dec->ints[k] + x->rank : dec->ints[k];
    if (a < 0 || a >= x->rank)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "has decrease axis %lld", (long long)dec->ints[k]);
    decreased[a] = true;
  }
  /* Paddle's none_axes: a dim of 1 before slice dim i for each none axis
   * <= i (the rest after the last); of_dim: the X dim of each kept dim (-1
   * for an inserted one). */
  int of_dim[OAR_MAX_RANK];
  size_t none_at = 0;
  for (int d = 0; d <= x->rank; d++) {
    while (none_at < none->n && (d == x->rank || none->ints[none_at] <= d)) {
      if (kept.rank == OAR_MAX_RANK)
        return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has %zu none axes for rank %d", none->n, x->rank);
      of_dim[kept.rank] = -1;
      kept.dims[kept.rank++] = 1;
      none_at++;
    }
    if (d < x->rank && !decreased[d]) {
      if (kept.rank == OAR_MAX_RANK)
        return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has %zu none axes for rank %d", none->n, x->rank);
      of_dim[kept.rank] = d;
      kept.dims[kept.rank++] = p->slice.dims[d];
    }
  }
  if (value->rank > kept.rank)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "value of rank %d for a slice of rank %d",
                         value->rank, kept.rank);
  int64_t stride = 1, kept_strides[OAR_MAX_RANK];
  for (int i = kept.rank - 1; i >= 0; i--) {
    const int j = i - (kept.rank - value->rank);
    if (j < 0) {
      kept_strides[i] = 0;
      continue;
    }
    const int64_t vd = value->dims[j], sd = kept.dims[i];
    if (vd != 1 && sd >= 0 && vd >= 0 && vd != sd)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "value dim %d is %lld, the slice's is %lld", j,
                           (long long)vd, (long long)sd);
    kept_strides[i] = vd == 1 ? 0 : stride;
    stride *= vd;
  }
  for (int d = 0; d < x->rank; d++) p->value_strides[d] = 0;
  for (int i = 0; i < kept.rank; i++)
    if (of_dim[i] >= 0) p->value_strides[of_dim[i]] = kept_strides[i];
  return OAR_OK;
}

static oar_status set_slice_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                  oar_error *err) {
  const oar_tensor_view *x, *v;
  OAR_TRY(oar_op_require_input(n, in, OAR_SET_SLICE_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_SET_SLICE_IN_VALUE, &v, err));
  OAR_TRY(oar_op_check_same_dtype(n, 0, x, 1, v, err));
  oar_set_slice_plan p;
  OAR_TRY(oar_set_slice_resolve(n, in, &x->shape, &v->shape, &p, err));
  oar_op_set_output(n, out, 0, x->dtype, &x->shape);
  return OAR_OK;
}

static const oar_slot_spec set_slice_in[] = {{"X", OAR_SLOT_REQUIRED},
                                             {"Value", OAR_SLOT_REQUIRED},
                                             {"Starts", OAR_SLOT_OPTIONAL},
                                             {"Ends", OAR_SLOT_OPTIONAL},
                                             {"Steps", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec set_slice_attrs[] = {
    [OAR_SET_SLICE_ATTR_AXES] = OAR_ATTR_IS_EMPTY("axes"),
    [OAR_SET_SLICE_ATTR_STARTS] = OAR_ATTR_IS_EMPTY("starts"),
    [OAR_SET_SLICE_ATTR_ENDS] = OAR_ATTR_IS_EMPTY("ends"),
    [OAR_SET_SLICE_ATTR_STEPS] = OAR_ATTR_IS_EMPTY("steps"),
    [OAR_SET_SLICE_ATTR_DECREASE_AXES] = OAR_ATTR_IS_EMPTY("decrease_axes"),
    [OAR_SET_SLICE_ATTR_NONE_AXES] = OAR_ATTR_IS_EMPTY("none_axes"),
};

const oar_op_schema oar_schema_set_slice = {
    .name = "set_slice",
    .id = OAR_OP_set_slice,
    .inputs = set_slice_in,
    .num_inputs = OAR_COUNT_OF(set_slice_in),
    .outputs = out_one,
    .num_outputs = 1,
    .attrs = set_slice_attrs,
    .num_attrs = OAR_COUNT_OF(set_slice_attrs),
    .infer = set_slice_infer,
};

/* ---- roll ---------------------------------------------------------------------------- */

/* Shifts from ShiftsTensor (read when the model is planned) or the
 * attribute; each normalized into [0, dim) (Paddle's kernel takes them
 * modulo the dim, negative ones too). */
oar_status oar_roll_resolve(const oar_node *n, const oar_tensor_view *const *in, const oar_shape *x,
                            oar_roll_plan *p, oar_error *err) {
  int64_t shifts[OAR_MAX_RANK], ns;
  const oar_tensor_view *st = oar_op_input(n, in, OAR_ROLL_IN_SHIFTS);
  const oar_attr *sa = oar_node_attr(n, OAR_ROLL_ATTR_SHIFTS), *axes = oar_node_attr(n, OAR_ROLL_ATTR_AXIS);
  if (st) {
    OAR_TRY(oar_ext_read_ints(st, "input 'ShiftsTensor'", shifts, OAR_MAX_RANK, &ns, err));
  } else {
    if (sa->n > OAR_MAX_RANK) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "has %zu shifts", sa->n);
    ns = (int64_t)sa->n;
    for (int64_t k = 0; k < ns; k++) shifts[k] = sa->ints[k];
  }
  for (int d = 0; d < OAR_MAX_RANK; d++) p->shift[d] = 0;
  p->flat = axes->n == 0;
  if (p->flat) {
    if (ns != 1)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "has %lld shifts and no axis", (long long)ns);
    const int64_t numel = oar_shape_numel(x);
    p->shift[0] = numel > 0 ? ((shifts[0] % numel) + numel) % numel : 0;
    return OAR_OK;
  }
  if ((int64_t)axes->n != ns)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "has %lld shifts for %zu axes", (long long)ns,
                         axes->n);
  for (size_t k = 0; k < axes->n; k++) {
    const int64_t a = axes->ints[k] < 0 ? axes->ints[k] + x->rank : axes->ints[k];
    if (a < 0 || a >= x->rank)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "axis %lld is out of range for rank %d",
                           (long long)axes->ints[k], x->rank);
    const int64_t dim = x->dims[a];
    if (dim > 0) p->shift[a] = (((p->shift[a] + shifts[k]) % dim) + dim) % dim;
  }
  return OAR_OK;
}

static oar_status roll_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_ROLL_IN_X, &x, err));
  oar_roll_plan p;
  OAR_TRY(oar_roll_resolve(n, in, &x->shape, &p, err));
  oar_op_set_output(n, out, 0, x->dtype, &x->shape);
  return OAR_OK;
}

static const oar_slot_spec roll_in[] = {{"X", OAR_SLOT_REQUIRED}, {"ShiftsTensor", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec roll_attrs[] = {
    [OAR_ROLL_ATTR_SHIFTS] = OAR_ATTR_IS_EMPTY("shifts"),
    [OAR_ROLL_ATTR_AXIS] = OAR_ATTR_IS_EMPTY("axis"),
};

const oar_op_schema oar_schema_roll = {
    .name = "roll",
    .id = OAR_OP_roll,
    .inputs = roll_in,
    .num_inputs = OAR_COUNT_OF(roll_in),
    .outputs = out_one,
    .num_outputs = 1,
    .attrs = roll_attrs,
    .num_attrs = OAR_COUNT_OF(roll_attrs),
    .infer = roll_infer,
};
