/* Data-movement ops with numpy / ONNX conventions: split_chunks,
 * shape_of, slice_steps, take, take_along_axis, scatter_along_axis,
 * gather_nd_batch, scatter_nd_update, pad_nd, broadcast_to, tile_repeats,
 * fill_shape, arange, trilu, depth_space. Integer inputs that determine a
 * shape (starts, pads, shape, repeats, ...) must be known at plan time. */
#include <math.h>
#include <string.h>

#include "ir/ops/infer_util.h"
#include "ir/ops/op_ext.h"

static oar_status axis_of(int64_t axis, int rank, int *out, oar_error *err) {
  if (axis < -rank || axis >= rank)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "axis %lld is out of range for rank %d",
                         (long long)axis, rank);
  *out = (int)(axis < 0 ? axis + rank : axis);
  return OAR_OK;
}

static oar_status need(const oar_node *n, const oar_tensor_view *const *in, int slot,
                       const oar_tensor_view **v, oar_error *err) {
  return oar_op_require_input(n, in, slot, v, err);
}

/* ---- split_chunks ------------------------------------------------------------------ */

static oar_status split_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(need(n, in, 0, &x, err));
  int axis = 0;
  OAR_TRY(axis_of(oar_node_attr_i(n, OAR_SPLIT_CHUNKS_ATTR_AXIS), x->shape.rank, &axis, err));
  const int nout = oar_node_output_count(n, 0);
  oar_attr sizes_in = {.type = OAR_ATTR_INTS};
  int64_t from_input[64];
  const oar_attr *sizes = oar_node_attr(n, OAR_SPLIT_CHUNKS_ATTR_SIZES);
  const oar_tensor_view *st = oar_op_input(n, in, 1);
  if (st) {
    int64_t cnt;
    OAR_TRY(oar_ext_read_ints(st, "input 'Split'", from_input, 64, &cnt, err));
    sizes_in.ints = from_input;
    sizes_in.n = (size_t)cnt;
    sizes = &sizes_in;
  }
  const int64_t dim = x->shape.dims[axis];
  if (sizes->n && (int)sizes->n != nout)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "%zu sizes for %d outputs", sizes->n, nout);
  int64_t total = 0, chunk = dim < 0 ? -1 : (dim + nout - 1) / nout;
  for (int i = 0; i < nout; i++) {
    int64_t s;
    if (sizes->n) {
      s = sizes->ints[i];
      if (s < 0)
        return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "split size %lld is negative", (long long)s);
    } else {
      s = chunk < 0 ? -1 : (i < nout - 1 ? chunk : dim - chunk * (nout - 1));
      if (chunk >= 0 && s < 0) s = 0;
    }
    total += s;
    oar_shape sh = x->shape;
    sh.dims[axis] = s;
    out[n->out_start[0] + i].dtype = x->dtype;
    out[n->out_start[0] + i].shape = sh;
  }
  if (sizes->n && dim >= 0 && total != dim)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "split sizes add up to %lld, the axis has %lld",
                         (long long)total, (long long)dim);
  return OAR_OK;
}

/* ---- squeeze_axes / unsqueeze_axes ------------------------------------------------------- */

static oar_status read_axes_in(const oar_node *n, const oar_tensor_view *const *in, int64_t *axes,
                               int64_t *cnt, oar_error *err) {
  const oar_tensor_view *t = oar_op_input(n, in, 1);
  if (t) return oar_ext_read_ints(t, "input 'Axes'", axes, OAR_MAX_RANK, cnt, err);
  const oar_attr *a = oar_node_attr(n, 0);
  if (a->n > OAR_MAX_RANK) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "too many axes");
  for (size_t i = 0; i < a->n; i++) axes[i] = a->ints[i];
  *cnt = (int64_t)a->n;
  return OAR_OK;
}

static oar_status squeeze_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(need(n, in, 0, &x, err));
  int64_t axes[OAR_MAX_RANK], cnt;
  OAR_TRY(read_axes_in(n, in, axes, &cnt, err));
  bool drop[OAR_MAX_RANK] = {false};
  for (int64_t i = 0; i < cnt; i++) {
    int a = 0;
    OAR_TRY(axis_of(axes[i], x->shape.rank, &a, err));
    if (x->shape.dims[a] >= 0 && x->shape.dims[a] != 1)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "cannot squeeze axis %d of size %lld", a,
                           (long long)x->shape.dims[a]);
    drop[a] = true;
  }
  if (cnt == 0)
    for (int i = 0; i < x->shape.rank; i++) drop[i] = x->shape.dims[i] == 1;
  oar_shape s = {0};
  for (int i = 0; i < x->shape.rank; i++)
    if (!drop[i]) s.dims[s.rank++] = x->shape.dims[i];
  oar_op_set_output(n, out, 0, x->dtype, &s);
  return OAR_OK;
}

static oar_status unsqueeze_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                  oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(need(n, in, 0, &x, err));
  int64_t axes[OAR_MAX_RANK], cnt;
  OAR_TRY(read_axes_in(n, in, axes, &cnt, err));
  const int r = x->shape.rank + (int)cnt;
  if (r > OAR_MAX_RANK)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "output rank %d exceeds %d", r, OAR_MAX_RANK);
  bool ins[OAR_MAX_RANK] = {false};
  for (int64_t i = 0; i < cnt; i++) {
    int a = 0;
    OAR_TRY(axis_of(axes[i], r, &a, err));
    if (ins[a]) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "axis %d is repeated", a);
    ins[a] = true;
  }
  oar_shape s = {.rank = r};
  for (int i = 0, k = 0; i < r; i++) s.dims[i] = ins[i] ? 1 : x->shape.dims[k++];
  oar_op_set_output(n, out, 0, x->dtype, &s);
  return OAR_OK;
}

/* ---- shape_of ------------------------------------------------------------------------ */

static oar_status shape_of_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                 oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(need(n, in, 0, &x, err));
  oar_shape s = {0};
  if (!oar_node_attr_i(n, OAR_SHAPE_OF_ATTR_SIZE)) {
    const int r = x->shape.rank;
    int64_t a = oar_node_attr_i(n, OAR_SHAPE_OF_ATTR_START), b = oar_node_attr_i(n, OAR_SHAPE_OF_ATTR_END);
    if (a < 0) a += r;
    if (b < 0) b += r;
    a = a < 0 ? 0 : a > r ? r : a;
    b = b < 0 ? 0 : b > r ? r : b;
    s.rank = 1;
    s.dims[0] = b > a ? b - a : 0;
  }
  oar_op_set_output(n, out, 0, OAR_DTYPE_INT64, &s);
  return OAR_OK;
}

/* ---- slice_steps --------------------------------------------------------------------- */

static int64_t clampi(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

oar_status oar_slice_steps_resolve(const oar_node *n, const oar_tensor_view *const *in, const oar_shape *x,
                                   oar_slice_plan *p, oar_error *err) {
  const int r = x->rank;
  int64_t starts[OAR_MAX_RANK], ends[OAR_MAX_RANK], axes[OAR_MAX_RANK], steps[OAR_MAX_RANK], ns, ne, na, nst;
  const oar_tensor_view *t;
  OAR_TRY(need(n, in, OAR_SLICE_IN_STARTS, &t, err));
  OAR_TRY(oar_ext_read_ints(t, "input 'Starts'", starts, OAR_MAX_RANK, &ns, err));
  OAR_TRY(need(n, in, OAR_SLICE_IN_ENDS, &t, err));
  OAR_TRY(oar_ext_read_ints(t, "input 'Ends'", ends, OAR_MAX_RANK, &ne, err));
  if (ns != ne)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "%lld starts but %lld ends", (long long)ns,
                         (long long)ne);
  if ((t = oar_op_input(n, in, OAR_SLICE_IN_AXES))) {
    OAR_TRY(oar_ext_read_ints(t, "input 'Axes'", axes, OAR_MAX_RANK, &na, err));
    if (na != ns)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "%lld axes for %lld starts", (long long)na,
                           (long long)ns);
  } else {
    for (int64_t i = 0; i < ns; i++) axes[i] = i;
  }
  if ((t = oar_op_input(n, in, OAR_SLICE_IN_STEPS))) {
    OAR_TRY(oar_ext_read_ints(t, "input 'Steps'", steps, OAR_MAX_RANK, &nst, err));
    if (nst != ns)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "%lld steps for %lld starts", (long long)nst,
                           (long long)ns);
  } else {
    for (int64_t i = 0; i < ns; i++) steps[i] = 1;
  }
  p->out = *x;
  bool seen[OAR_MAX_RANK] = {false};
  for (int i = 0; i < r; i++) {
    p->start[i] = 0;
    p->step[i] = 1;
  }
  for (int64_t i = 0; i < ns; i++) {
    int a = 0;
    OAR_TRY(axis_of(axes[i], r, &a, err));
    if (seen[a]) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "axis %d is sliced twice", a);
    seen[a] = true;
    const int64_t dim = x->dims[a], step = steps[i];
    if (step == 0) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "step of axis %d is 0", a);
    if (dim < 0) {
      p->out.dims[a] = -1;
      continue;
    }
    int64_t s = starts[i], e = ends[i];
    if (s < 0) s = s < -dim ? -1 : s + dim;
    if (e < 0) e = e < -dim ? -1 : e + dim;
    if (step > 0) {
      s = clampi(s, 0, dim);
      e = clampi(e, 0, dim);
    } else {
      s = clampi(s, 0, dim - 1);
      e = clampi(e, -1, dim - 1);
    }
    int64_t len = step > 0 ? (e - s + step - 1) / step : (s - e + (-step) - 1) / (-step);
    if (len < 0) len = 0;
    p->start[a] = len ? s : 0;
    p->step[a] = step;
    p->out.dims[a] = len;
  }
  return OAR_OK;
}

static oar_status slice_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(need(n, in, 0, &x, err));
  oar_slice_plan p;
  OAR_TRY(oar_slice_steps_resolve(n, in, &x->shape, &p, err));
  oar_op_set_output(n, out, 0, x->dtype, &p.out);
  return OAR_OK;
}

/* ---- take / take_along_axis / scatter_along_axis ------------------------------------- */

static bool int_dtype(oar_dtype t) { return t == OAR_DTYPE_INT32 || t == OAR_DTYPE_INT64; }

static oar_status take_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  const oar_tensor_view *x, *idx;
  OAR_TRY(need(n, in, OAR_TAKE_IN_X, &x, err));
  OAR_TRY(need(n, in, OAR_TAKE_IN_INDICES, &idx, err));
  if (!int_dtype(idx->dtype))
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "indices must be int32 or int64");
  int axis = 0;
  OAR_TRY(axis_of(oar_node_attr_i(n, OAR_TAKE_ATTR_AXIS), x->shape.rank, &axis, err));
  oar_shape s = {0};
  const oar_op_id id = n->schema->id;
  if (id == OAR_OP_take) {
    if (x->shape.rank - 1 + idx->shape.rank > OAR_MAX_RANK)
      return oar_error_set(err, OAR_ERR_UNSUPPORTED, "output rank above %d", OAR_MAX_RANK);
    for (int i = 0; i < axis; i++) s.dims[s.rank++] = x->shape.dims[i];
    for (int i = 0; i < idx->shape.rank; i++) s.dims[s.rank++] = idx->shape.dims[i];
    for (int i = axis + 1; i < x->shape.rank; i++) s.dims[s.rank++] = x->shape.dims[i];
  } else if (id == OAR_OP_take_along_axis) {
    if (idx->shape.rank != x->shape.rank)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "indices rank %d differs from data rank %d",
                           idx->shape.rank, x->shape.rank);
    s = idx->shape;
  } else {
    const oar_tensor_view *u;
    OAR_TRY(need(n, in, OAR_TAKE_IN_UPDATES, &u, err));
    if (!oar_shape_equal(&u->shape, &idx->shape) || idx->shape.rank != x->shape.rank || u->dtype != x->dtype)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                           "updates must match indices' shape and data's dtype");
    s = x->shape;
  }
  oar_op_set_output(n, out, 0, x->dtype, &s);
  return OAR_OK;
}

/* ---- gather_nd_batch / scatter_nd_update ------------------------------------------------ */

static oar_status nd_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                           oar_error *err) {
  const oar_tensor_view *x, *idx;
  OAR_TRY(need(n, in, OAR_TAKE_IN_X, &x, err));
  OAR_TRY(need(n, in, OAR_TAKE_IN_INDICES, &idx, err));
  if (!int_dtype(idx->dtype) || idx->shape.rank < 1)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "indices must be int32/int64 of rank >= 1");
  const int64_t last = idx->shape.dims[idx->shape.rank - 1];
  const int64_t b = oar_node_attr_i(n, OAR_TAKE_ATTR_AXIS); /* batch_dims */
  if (last < 0 || b < 0 || b + last > x->shape.rank || b >= idx->shape.rank)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                         "indices' last dim %lld (batch_dims %lld) does not fit data rank %d",
                         (long long)last, (long long)b, x->shape.rank);
  oar_shape s = {0};
  if (n->schema->id == OAR_OP_gather_nd_batch) {
    for (int i = 0; i < idx->shape.rank - 1; i++) s.dims[s.rank++] = idx->shape.dims[i];
    for (int i = (int)(b + last); i < x->shape.rank; i++) {
      if (s.rank >= OAR_MAX_RANK) return oar_error_set(err, OAR_ERR_UNSUPPORTED, "output rank too large");
      s.dims[s.rank++] = x->shape.dims[i];
    }
  } else {
    s = x->shape;
  }
  oar_op_set_output(n, out, 0, x->dtype, &s);
  return OAR_OK;
}

/* ---- pad_nd --------------------------------------------------------------------------------- */

oar_status oar_pad_nd_resolve(const oar_node *n, const oar_tensor_view *const *in, const oar_shape *x,
                              oar_pad_plan *p, oar_error *err) {
  const int r = x->rank;
  const oar_tensor_view *t;
  int64_t pads[2 * OAR_MAX_RANK], np, axes[OAR_MAX_RANK], na;
  OAR_TRY(need(n, in, OAR_PAD_IN_PADS, &t, err));
  OAR_TRY(oar_ext_read_ints(t, "input 'Pads'", pads, 2 * OAR_MAX_RANK, &np, err));
  if ((t = oar_op_input(n, in, OAR_PAD_IN_AXES))) {
    OAR_TRY(oar_ext_read_ints(t, "input 'Axes'", axes, OAR_MAX_RANK, &na, err));
  } else {
    na = r;
    for (int i = 0; i < r; i++) axes[i] = i;
  }
  if (np != 2 * na)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "%lld pads for %lld axes", (long long)np,
                         (long long)na);
  memset(p, 0, sizeof *p);
  p->out = *x;
  for (int64_t i = 0; i < na; i++) {
    int a = 0;
    OAR_TRY(axis_of(axes[i], r, &a, err));
    p->before[a] = pads[i];
    p->after[a] = pads[na + i];
    if (x->dims[a] < 0) continue;
    p->out.dims[a] = x->dims[a] + pads[i] + pads[na + i];
    if (p->out.dims[a] < 0)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "pads crop axis %d below zero", a);
  }
  return OAR_OK;
}

static oar_status pad_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(need(n, in, 0, &x, err));
  oar_pad_plan p;
  OAR_TRY(oar_pad_nd_resolve(n, in, &x->shape, &p, err));
  oar_op_set_output(n, out, 0, x->dtype, &p.out);
  return OAR_OK;
}

/* ---- broadcast_to / tile_repeats / fill_shape ------------------------------------------------------ */

/* keep_minus_one: Paddle's expand_v2, where -1 keeps X's dim (read as 1,
 * which numpy broadcasting then widens to X's dim). */
static oar_status read_shape_input_keep(const oar_tensor_view *t, const char *what, bool keep_minus_one,
                                        oar_shape *s, oar_error *err) {
  int64_t v[OAR_MAX_RANK], cnt;
  OAR_TRY(oar_ext_read_ints(t, what, v, OAR_MAX_RANK, &cnt, err));
  s->rank = (int)cnt;
  for (int i = 0; i < s->rank; i++) {
    if (keep_minus_one && v[i] == -1) v[i] = 1;
    if (v[i] < 0)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "%s has negative dim %lld", what, (long long)v[i]);
    s->dims[i] = v[i];
  }
  if (oar_shape_numel(s) < 0) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "%s is too large", what);
  return OAR_OK;
}

static oar_status read_shape_input(const oar_tensor_view *t, const char *what, oar_shape *s, oar_error *err) {
  return read_shape_input_keep(t, what, false, s, err);
}

static oar_status broadcast_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                  oar_error *err) {
  const oar_tensor_view *x, *t;
  OAR_TRY(need(n, in, 0, &x, err));
  OAR_TRY(need(n, in, 1, &t, err));
  oar_shape s, o;
  const bool keep = oar_node_attr_i(n, OAR_BROADCAST_TO_ATTR_KEEP_MINUS_ONE) != 0;
  OAR_TRY(read_shape_input_keep(t, "input 'Shape'", keep, &s, err));
  OAR_TRY(oar_broadcast_numpy(&x->shape, &s, &o, err));
  oar_op_set_output(n, out, 0, x->dtype, &o);
  return OAR_OK;
}

static oar_status tile_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  const oar_tensor_view *x, *t;
  OAR_TRY(need(n, in, 0, &x, err));
  OAR_TRY(need(n, in, 1, &t, err));
  int64_t rep[OAR_MAX_RANK], cnt;
  OAR_TRY(oar_ext_read_ints(t, "input 'Repeats'", rep, OAR_MAX_RANK, &cnt, err));
  if (cnt != x->shape.rank)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "%lld repeats for rank %d", (long long)cnt,
                         x->shape.rank);
  oar_shape s = x->shape;
  for (int i = 0; i < s.rank; i++) {
    if (rep[i] < 0) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "negative repeat");
    if (s.dims[i] >= 0 && __builtin_mul_overflow(s.dims[i], rep[i], &s.dims[i]))
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "tiled shape overflows");
  }
  oar_op_set_output(n, out, 0, x->dtype, &s);
  return OAR_OK;
}

static oar_status fill_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  const oar_tensor_view *t;
  OAR_TRY(need(n, in, 0, &t, err));
  oar_shape s;
  OAR_TRY(read_shape_input(t, "input 'Shape'", &s, err));
  const oar_dtype dt = (oar_dtype)oar_node_attr_i(n, OAR_FILL_ATTR_DTYPE);
  if (oar_dtype_bytes(dt) == 0) return oar_error_set(err, OAR_ERR_UNSUPPORTED, "unsupported fill dtype");
  oar_op_set_output(n, out, 0, dt, &s);
  return OAR_OK;
}

/* ---- arange ------------------------------------------------------------------------------------------ */

double oar_ext_scalar(const oar_tensor_view *t) {
  switch (t->dtype) {
    case OAR_DTYPE_FLOAT32: return *(const float *)t->data;
    case OAR_DTYPE_FLOAT64: return *(const double *)t->data;
    case OAR_DTYPE_INT32: return *(const int32_t *)t->data;
    case OAR_DTYPE_INT64: return (double)*(const int64_t *)t->data;
    default: return 0.0;
  }
}

oar_status oar_arange_count(const oar_tensor_view *const *in, int64_t *count, oar_error *err);
oar_status oar_arange_count(const oar_tensor_view *const *in, int64_t *count, oar_error *err) {
  for (int i = 0; i < 3; i++) {
    if (!in[i]->data)
      return oar_error_needs_value(err, "start, limit and delta must be known when the model is planned");
    if (oar_view_numel(in[i]) != 1 || in[i]->dtype != in[0]->dtype)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                           "start, limit and delta must be scalars of one dtype");
  }
  const double start = oar_ext_scalar(in[0]), limit = oar_ext_scalar(in[1]), delta = oar_ext_scalar(in[2]);
  if (delta == 0) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "delta is 0");
  double c = ceil((limit - start) / delta);
  if (!(c >= 0)) c = 0;
  if (c > 1e12) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "range is too long");
  *count = (int64_t)c;
  return OAR_OK;
}

static oar_status arange_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  for (int i = 0; i < 3; i++) {
    const oar_tensor_view *v;
    OAR_TRY(need(n, in, i, &v, err));
  }
  int64_t c;
  OAR_TRY(oar_arange_count(in, &c, err));
  oar_shape s = {.rank = 1};
  s.dims[0] = c;
  oar_op_set_output(n, out, 0, in[0]->dtype, &s);
  return OAR_OK;
}

/* ---- trilu / depth_space ----------------------------------------------------------------------------- */

static oar_status trilu_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(need(n, in, 0, &x, err));
  if (x->shape.rank < 2) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input must have rank >= 2");
  const oar_tensor_view *k = oar_op_input(n, in, 1);
  if (k) {
    int64_t v, c;
    OAR_TRY(oar_ext_read_ints(k, "input 'K'", &v, 1, &c, err));
  }
  oar_op_set_output(n, out, 0, x->dtype, &x->shape);
  return OAR_OK;
}

static oar_status depth_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(need(n, in, 0, &x, err));
  if (x->shape.rank != 4) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input must have rank 4");
  int64_t b;
  OAR_TRY(oar_op_attr_int(n, OAR_DEPTH_ATTR_BLOCKSIZE, 1, 4096, &b, err));
  oar_shape s = x->shape;
  if (oar_node_attr_i(n, OAR_DEPTH_ATTR_MODE) == OAR_SPACE_TO_DEPTH) {
    if ((s.dims[2] >= 0 && s.dims[2] % b) || (s.dims[3] >= 0 && s.dims[3] % b))
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "spatial dims are not multiples of the block size");
    if (s.dims[1] >= 0) s.dims[1] *= b * b;
    if (s.dims[2] >= 0) s.dims[2] /= b;
    if (s.dims[3] >= 0) s.dims[3] /= b;
  } else {
    if (s.dims[1] >= 0 && s.dims[1] % (b * b))
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "channels are not a multiple of blocksize^2");
    if (s.dims[1] >= 0) s.dims[1] /= b * b;
    if (s.dims[2] >= 0) s.dims[2] *= b;
    if (s.dims[3] >= 0) s.dims[3] *= b;
  }
  oar_op_set_output(n, out, 0, x->dtype, &s);
  return OAR_OK;
}

/* ---- schemas ------------------------------------------------------------------------------------------ */

static const oar_slot_spec x_in[] = {{"X", OAR_SLOT_REQUIRED}};
static const oar_slot_spec split_in[] = {{"X", OAR_SLOT_REQUIRED}, {"Split", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec axes_in[] = {{"X", OAR_SLOT_REQUIRED}, {"Axes", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec axes_attrs[] = {OAR_ATTR_IS_EMPTY("axes")};
static const oar_slot_spec out_one[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_slot_spec out_many[] = {{"Out", OAR_SLOT_REQUIRED | OAR_SLOT_VARIADIC}};
static const oar_slot_spec slice_in[] = {{"X", OAR_SLOT_REQUIRED},
                                         {"Starts", OAR_SLOT_REQUIRED},
                                         {"Ends", OAR_SLOT_REQUIRED},
                                         {"Axes", OAR_SLOT_OPTIONAL},
                                         {"Steps", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec take_in[] = {
    {"X", OAR_SLOT_REQUIRED}, {"Indices", OAR_SLOT_REQUIRED}, {"Updates", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec pad_in[] = {{"X", OAR_SLOT_REQUIRED},
                                       {"Pads", OAR_SLOT_REQUIRED},
                                       {"Value", OAR_SLOT_OPTIONAL},
                                       {"Axes", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec shape_in[] = {{"X", OAR_SLOT_REQUIRED}, {"Shape", OAR_SLOT_REQUIRED}};
static const oar_slot_spec repeats_in[] = {{"X", OAR_SLOT_REQUIRED}, {"Repeats", OAR_SLOT_REQUIRED}};
static const oar_slot_spec fill_in[] = {{"Shape", OAR_SLOT_REQUIRED}};
static const oar_slot_spec arange_in[] = {
    {"Start", OAR_SLOT_REQUIRED}, {"Limit", OAR_SLOT_REQUIRED}, {"Delta", OAR_SLOT_REQUIRED}};
static const oar_slot_spec trilu_in[] = {{"X", OAR_SLOT_REQUIRED}, {"K", OAR_SLOT_OPTIONAL}};

static const oar_attr_spec split_attrs[] = {
    [OAR_SPLIT_CHUNKS_ATTR_AXIS] = OAR_ATTR_I("axis", 0),
    [OAR_SPLIT_CHUNKS_ATTR_SIZES] = OAR_ATTR_IS_EMPTY("sizes"),
};
static const oar_attr_spec shape_of_attrs[] = {
    [OAR_SHAPE_OF_ATTR_START] = OAR_ATTR_I("start", 0),
    [OAR_SHAPE_OF_ATTR_END] = OAR_ATTR_I("end", INT64_MAX),
    [OAR_SHAPE_OF_ATTR_SIZE] = OAR_ATTR_B("size", false),
};
static const oar_attr_spec take_attrs[] = {
    [OAR_TAKE_ATTR_AXIS] = OAR_ATTR_I("axis", 0),
    [OAR_TAKE_ATTR_REDUCTION] = OAR_ATTR_I("reduction", 0),
};
static const oar_attr_spec nd_attrs[] = {
    [OAR_TAKE_ATTR_AXIS] = OAR_ATTR_I("batch_dims", 0),
    [OAR_TAKE_ATTR_REDUCTION] = OAR_ATTR_I("reduction", 0),
};
static const oar_attr_spec pad_attrs[] = {[OAR_PAD_ATTR_MODE] = OAR_ATTR_I("mode", OAR_PAD_CONSTANT)};
static const oar_attr_spec fill_attrs[] = {
    [OAR_FILL_ATTR_DTYPE] = OAR_ATTR_I("dtype", OAR_DTYPE_FLOAT32),
    [OAR_FILL_ATTR_VALUE] = OAR_ATTR_F("value", 0.0),
};
static const oar_attr_spec trilu_attrs[] = {[OAR_TRILU_ATTR_UPPER] = OAR_ATTR_B("upper", true)};
static const oar_attr_spec depth_attrs[] = {
    [OAR_DEPTH_ATTR_BLOCKSIZE] = OAR_ATTR_REQUIRED("blocksize", OAR_ATTR_INT),
    [OAR_DEPTH_ATTR_MODE] = OAR_ATTR_I("mode", OAR_DEPTH_TO_SPACE_DCR),
};

#define SCHEMA(op, ins, outs, attr_arr, nattr, fn, fl) \
  const oar_op_schema oar_schema_##op = {              \
      .name = #op,                                     \
      .id = OAR_OP_##op,                               \
      .inputs = ins,                                   \
      .num_inputs = OAR_COUNT_OF(ins),                 \
      .outputs = outs,                                 \
      .num_outputs = 1,                                \
      .attrs = attr_arr,                               \
      .num_attrs = nattr,                              \
      .infer = fn,                                     \
      .flags = fl,                                     \
  }

SCHEMA(split_chunks, split_in, out_many, split_attrs, OAR_COUNT_OF(split_attrs), split_infer, 0);
SCHEMA(squeeze_axes, axes_in, out_one, axes_attrs, 1, squeeze_infer, OAR_OP_VIEW);
SCHEMA(unsqueeze_axes, axes_in, out_one, axes_attrs, 1, unsqueeze_infer, OAR_OP_VIEW);
SCHEMA(shape_of, x_in, out_one, shape_of_attrs, OAR_COUNT_OF(shape_of_attrs), shape_of_infer,
       OAR_OP_SHAPE_ONLY);
SCHEMA(slice_steps, slice_in, out_one, NULL, 0, slice_infer, 0);
SCHEMA(take, take_in, out_one, take_attrs, 1, take_infer, 0);
SCHEMA(take_along_axis, take_in, out_one, take_attrs, 1, take_infer, 0);
SCHEMA(scatter_along_axis, take_in, out_one, take_attrs, 2, take_infer, 0);
SCHEMA(gather_nd_batch, take_in, out_one, nd_attrs, 1, nd_infer, 0);
SCHEMA(scatter_nd_update, take_in, out_one, nd_attrs, 2, nd_infer, 0);
SCHEMA(pad_nd, pad_in, out_one, pad_attrs, 1, pad_infer, 0);
static const oar_attr_spec broadcast_attrs[] = {[OAR_BROADCAST_TO_ATTR_KEEP_MINUS_ONE] =
                                                    OAR_ATTR_B("keep_minus_one", false)};
SCHEMA(broadcast_to, shape_in, out_one, broadcast_attrs, 1, broadcast_infer, 0);
SCHEMA(tile_repeats, repeats_in, out_one, NULL, 0, tile_infer, 0);
SCHEMA(fill_shape, fill_in, out_one, fill_attrs, 2, fill_infer, 0);
SCHEMA(arange, arange_in, out_one, NULL, 0, arange_infer, 0);
SCHEMA(trilu, trilu_in, out_one, trilu_attrs, 1, trilu_infer, 0);
SCHEMA(depth_space, x_in, out_one, depth_attrs, 2, depth_infer, 0);
