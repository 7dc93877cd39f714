/* Paddle ops that run as several IR nodes (issue 11, batch A): each
 * function emits them through the emitter of paddle_lower.h. Their table
 * rows are in paddle_lower.c (lowerings[] with .expand). */
#include "frontend/paddle/paddle_expand.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/alloc.h"

#include "frontend/paddle/paddle_attrs.h"
#include "frontend/paddle/params.h"
#include "ir/ops/elementwise.h"
#include "ir/ops/math.h"
#include "ir/ops/nlp.h"
#include "ir/ops/op_ext.h"

/* ---- one node --------------------------------------------------------------------- */

typedef struct vals {
  const int *v;
  int n;
} vals;
#define ONE(id) ((vals){(const int[]){(id)}, 1})
#define NONE ((vals){NULL, 0})

typedef struct node_attr {
  int index;
  oar_attr a;
} node_attr;
#define AI(k, v)                            \
  {                                         \
    (k), { .type = OAR_ATTR_INT, .i = (v) } \
  }
#define AF(k, v)                              \
  {                                           \
    (k), { .type = OAR_ATTR_FLOAT, .f = (v) } \
  }
#define AS(k, p, cnt)                                                          \
  {                                                                            \
    (k), { .type = OAR_ATTR_INTS, .ints = (int64_t *)(p), .n = (size_t)(cnt) } \
  }

/* A node of `op` with the values of each input and output slot (in schema
 * order) and the attributes. */
static oar_status emit_node(oar_pd_emitter *e, oar_op_id op, const vals *ins, int nin, const vals *outs,
                            int nout, const node_attr *attrs, int nattrs, oar_error *err) {
  oar_node_builder b;
  OAR_TRY(oar_pd_emit_begin(e, op, &b, err));
  oar_status st = OAR_OK;
  for (int k = 0; k < nin && st == OAR_OK; k++)
    for (int j = 0; j < ins[k].n && st == OAR_OK; j++) st = oar_node_add_input(&b, k, ins[k].v[j], err);
  for (int k = 0; k < nout && st == OAR_OK; k++)
    for (int j = 0; j < outs[k].n && st == OAR_OK; j++) st = oar_node_add_output(&b, k, outs[k].v[j], err);
  for (int k = 0; k < nattrs && st == OAR_OK; k++) {
    oar_attr a = attrs[k].a;
    if (a.type == OAR_ATTR_INT && b.node.schema->attrs[attrs[k].index].type == OAR_ATTR_BOOL)
      a.type = OAR_ATTR_BOOL;
    st = oar_node_set_attr(&b, attrs[k].index, &a, err);
  }
  if (st != OAR_OK) {
    oar_node_abort(&b);
    return st;
  }
  return oar_node_finish(&b, err);
}

/* out = op(x) with attributes, out a new temporary when *out < 0. */
static oar_status unary_node(oar_pd_emitter *e, oar_op_id op, int x, int *out, const node_attr *attrs,
                             int nattrs, oar_error *err) {
  if (*out < 0) OAR_TRY(oar_pd_emit_temp(e, out, err));
  const vals in = ONE(x), o = ONE(*out);
  return emit_node(e, op, &in, 1, &o, 1, attrs, nattrs, err);
}

static oar_status const_i64(oar_pd_emitter *e, const int64_t *v, int n, int *id, oar_error *err) {
  const oar_shape s = {.rank = 1, .dims = {n}};
  return oar_pd_emit_const(e, OAR_DTYPE_INT64, &s, v, id, err);
}

/* y = x[start:end] along `axis` (slice_steps). */
static oar_status slice_node(oar_pd_emitter *e, int x, int64_t axis, int64_t start, int64_t end, int *out,
                             oar_error *err) {
  int st, en, ax;
  OAR_TRY(const_i64(e, &start, 1, &st, err));
  OAR_TRY(const_i64(e, &end, 1, &en, err));
  OAR_TRY(const_i64(e, &axis, 1, &ax, err));
  if (*out < 0) OAR_TRY(oar_pd_emit_temp(e, out, err));
  const vals in[4] = {ONE(x), ONE(st), ONE(en), ONE(ax)}, o = ONE(*out);
  return emit_node(e, OAR_OP_slice_steps, in, 4, &o, 1, NULL, 0, err);
}

/* out = concat(parts, axis). */
static oar_status concat_node(oar_pd_emitter *e, const int *parts, int n, int64_t axis, int out,
                              oar_error *err) {
  const vals in = {parts, n}, o = ONE(out);
  const node_attr a[] = {AI(0, axis)};
  return emit_node(e, OAR_OP_concat, &in, 1, &o, 1, a, 1, err);
}

/* out = a + b (Paddle's elementwise_add with `axis`). */
static oar_status add_node(oar_pd_emitter *e, oar_op_id op, int a, int b, int64_t axis, int out,
                           oar_error *err) {
  const vals in[2] = {ONE(a), ONE(b)}, o = ONE(out);
  const node_attr at[] = {AI(OAR_EW_ATTR_AXIS, axis)};
  return emit_node(e, op, in, 2, &o, 1, at, 1, err);
}

/* out = parts[0] + parts[1] + ... (a copy of the one part when n is 1). */
static oar_status add_chain(oar_pd_emitter *e, const int *parts, int n, int out, oar_error *err) {
  if (n == 1) return unary_node(e, OAR_OP_assign, parts[0], &out, NULL, 0, err);
  int acc = parts[0];
  for (int i = 1; i < n; i++) {
    int t = out;
    if (i < n - 1) OAR_TRY(oar_pd_emit_temp(e, &t, err));
    OAR_TRY(add_node(e, OAR_OP_elementwise_add, acc, parts[i], -1, t, err));
    acc = t;
  }
  return OAR_OK;
}

/* Every input of variadic slot `slot` (at most cap). */
static oar_status inputs_of(oar_pd_emitter *e, const char *slot, int *ids, int cap, int *n, oar_error *err) {
  const size_t count = oar_pd_emit_count(e, true, slot);
  if (count == 0 || count > (size_t)cap)
    return oar_error_set(err, count ? OAR_ERR_UNSUPPORTED : OAR_ERR_INVALID_MODEL,
                         "has %zu inputs in '%s' (oar takes 1 to %d)", count, slot, cap);
  for (size_t j = 0; j < count; j++) OAR_TRY(oar_pd_emit_input(e, slot, j, &ids[j], err));
  *n = (int)count;
  return OAR_OK;
}

enum { MAX_PARTS = 64 };

/* ---- the expansions ------------------------------------------------------------------ */

/* stack: each input unsqueezed at `axis`, then concatenated there. */
oar_status oar_pd_expand_stack(const oar_pd_lowering *l, const oar_pd_op *op, oar_pd_emitter *e,
                               oar_error *err) {
  (void)l;
  int xs[MAX_PARTS], ts[MAX_PARTS], n = 0, y;
  const int64_t axis = int_or(op, "axis", 0);
  OAR_TRY(inputs_of(e, "X", xs, MAX_PARTS, &n, err));
  const node_attr a[] = {AS(0, &axis, 1)};
  for (int i = 0; i < n; i++) {
    ts[i] = -1;
    OAR_TRY(unary_node(e, OAR_OP_unsqueeze_axes, xs[i], &ts[i], a, 1, err));
  }
  OAR_TRY(oar_pd_emit_output(e, "Y", 0, &y, err));
  return concat_node(e, ts, n, axis, y, err);
}

/* unstack (Y) / unbind (Out): split into one-wide chunks, each squeezed. */
oar_status oar_pd_expand_unstack(const oar_pd_lowering *l, const oar_pd_op *op, oar_pd_emitter *e,
                                 oar_error *err) {
  const char *slot = l->func ? "Out" : "Y";
  const size_t count = oar_pd_emit_count(e, false, slot);
  if (count == 0 || count > MAX_PARTS)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has %zu outputs (oar takes 1 to %d)", count, MAX_PARTS);
  int x, ts[MAX_PARTS];
  const int64_t axis = int_or(op, "axis", 0);
  OAR_TRY(oar_pd_emit_input(e, "X", 0, &x, err));
  for (size_t i = 0; i < count; i++) OAR_TRY(oar_pd_emit_temp(e, &ts[i], err));
  const vals in = ONE(x), o = {ts, (int)count};
  const node_attr sa[] = {AI(OAR_SPLIT_CHUNKS_ATTR_AXIS, axis)};
  OAR_TRY(emit_node(e, OAR_OP_split_chunks, &in, 1, &o, 1, sa, 1, err));
  const node_attr qa[] = {AS(0, &axis, 1)};
  for (size_t i = 0; i < count; i++) {
    int y;
    OAR_TRY(oar_pd_emit_output(e, slot, i, &y, err));
    OAR_TRY(unary_node(e, OAR_OP_squeeze_axes, ts[i], &y, qa, 1, err));
  }
  return OAR_OK;
}

/* meshgrid: output i is input i (1-D) reshaped to [1, .., n_i, .., 1] and
 * broadcast to the sizes of all inputs (their shapes concatenated). */
oar_status oar_pd_expand_meshgrid(const oar_pd_lowering *l, const oar_pd_op *op, oar_pd_emitter *e,
                                  oar_error *err) {
  (void)l, (void)op;
  int xs[OAR_MAX_RANK], shapes[OAR_MAX_RANK], n = 0, sizes;
  OAR_TRY(inputs_of(e, "X", xs, OAR_MAX_RANK, &n, err));
  if ((int)oar_pd_emit_count(e, false, "Out") != n)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has %zu outputs for %d inputs",
                         oar_pd_emit_count(e, false, "Out"), n);
  for (int i = 0; i < n; i++) {
    shapes[i] = -1;
    OAR_TRY(unary_node(e, OAR_OP_shape_of, xs[i], &shapes[i], NULL, 0, err));
  }
  OAR_TRY(oar_pd_emit_temp(e, &sizes, err));
  OAR_TRY(concat_node(e, shapes, n, 0, sizes, err));
  for (int i = 0; i < n; i++) {
    int64_t dims[OAR_MAX_RANK];
    for (int k = 0; k < n; k++) dims[k] = k == i ? -1 : 1;
    int r = -1, y;
    const node_attr ra[] = {AS(0, dims, n)};
    OAR_TRY(unary_node(e, OAR_OP_reshape2, xs[i], &r, ra, 1, err));
    OAR_TRY(oar_pd_emit_output(e, "Out", (size_t)i, &y, err));
    const vals in[2] = {ONE(r), ONE(sizes)}, o = ONE(y);
    OAR_TRY(emit_node(e, OAR_OP_broadcast_to, in, 2, &o, 1, NULL, 0, err));
  }
  return OAR_OK;
}

/* sum (n-ary add): a chain of adds; one input is a copy. */
oar_status oar_pd_expand_sum(const oar_pd_lowering *l, const oar_pd_op *op, oar_pd_emitter *e,
                             oar_error *err) {
  (void)l, (void)op;
  int xs[MAX_PARTS], n = 0, y;
  OAR_TRY(inputs_of(e, "X", xs, MAX_PARTS, &n, err));
  OAR_TRY(oar_pd_emit_output(e, "Out", 0, &y, err));
  return add_chain(e, xs, n, y, err);
}

/* lookup_table (v1): its ids end in a dim of 1, which lookup_table_v2's
 * do not have. */
oar_status oar_pd_expand_lookup_table(const oar_pd_lowering *l, const oar_pd_op *op, oar_pd_emitter *e,
                                      oar_error *err) {
  (void)l;
  int w, ids, sq = -1, y;
  OAR_TRY(oar_pd_emit_input(e, "W", 0, &w, err));
  OAR_TRY(oar_pd_emit_input(e, "Ids", 0, &ids, err));
  const int64_t last = -1;
  const node_attr qa[] = {AS(0, &last, 1)};
  OAR_TRY(unary_node(e, OAR_OP_squeeze_axes, ids, &sq, qa, 1, err));
  OAR_TRY(oar_pd_emit_output(e, "Out", 0, &y, err));
  const vals in[2] = {ONE(w), ONE(sq)}, o = ONE(y);
  const node_attr ea[] = {AI(OAR_EMB_ATTR_PADDING_IDX, int_or(op, "padding_idx", -1))};
  return emit_node(e, OAR_OP_lookup_table_v2, in, 2, &o, 1, ea, 1, err);
}

/* affine_channel: x * scale + bias per channel (axis 1, or the last for
 * NHWC). */
oar_status oar_pd_expand_affine_channel(const oar_pd_lowering *l, const oar_pd_op *op, oar_pd_emitter *e,
                                        oar_error *err) {
  (void)l;
  int x, s, bias, t, y;
  const char *fmt = attr_str(op, "data_layout", "NCHW");
  const int64_t axis = strcmp(fmt, "NHWC") == 0 ? -1 : 1;
  OAR_TRY(oar_pd_emit_input(e, "X", 0, &x, err));
  OAR_TRY(oar_pd_emit_input(e, "Scale", 0, &s, err));
  OAR_TRY(oar_pd_emit_input(e, "Bias", 0, &bias, err));
  OAR_TRY(oar_pd_emit_temp(e, &t, err));
  OAR_TRY(add_node(e, OAR_OP_elementwise_mul, x, s, axis, t, err));
  OAR_TRY(oar_pd_emit_output(e, "Out", 0, &y, err));
  return add_node(e, OAR_OP_elementwise_add, t, bias, axis, y, err);
}

static oar_status fill_dtype(const oar_pd_op *op, oar_dtype *t, oar_error *err) {
  const int64_t dtype = int_or(op, "dtype", 5);
  *t = oar_pd_dtype_to_oar((int32_t)dtype);
  if (*t == OAR_DTYPE_UNKNOWN)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has dtype %lld, which oar does not support",
                         (long long)dtype);
  return OAR_OK;
}

/* fill_constant_batch_size_like: `shape` with dim output_dim_idx taken
 * from the input's dim input_dim_idx, filled with value (str_value when
 * set, as Paddle reads it first). */
oar_status oar_pd_expand_fill_batch_like(const oar_pd_lowering *l, const oar_pd_op *op, oar_pd_emitter *e,
                                         oar_error *err) {
  (void)l;
  int64_t shape[OAR_MAX_RANK];
  const int n = attr_ints(op, "shape", shape, OAR_MAX_RANK);
  const int64_t in_idx = int_or(op, "input_dim_idx", 0), out_idx = int_or(op, "output_dim_idx", 0);
  if (n <= 0 || out_idx < 0 || out_idx >= n || in_idx < 0)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has shape of %d dims and output_dim_idx %lld", n,
                         (long long)out_idx);
  oar_dtype t;
  OAR_TRY(fill_dtype(op, &t, err));
  const char *str = attr_str(op, "str_value", "");
  const double value = str[0] ? strtod(str, NULL) : float_or(op, "value", 0.0);
  int x, parts[3], np = 0, dim = -1, sizes, y;
  OAR_TRY(oar_pd_emit_input(e, "Input", 0, &x, err));
  const node_attr sa[] = {AI(OAR_SHAPE_OF_ATTR_START, in_idx), AI(OAR_SHAPE_OF_ATTR_END, in_idx + 1)};
  OAR_TRY(unary_node(e, OAR_OP_shape_of, x, &dim, sa, 2, err));
  if (out_idx > 0) OAR_TRY(const_i64(e, shape, (int)out_idx, &parts[np++], err));
  parts[np++] = dim;
  if (out_idx < n - 1) OAR_TRY(const_i64(e, shape + out_idx + 1, n - 1 - (int)out_idx, &parts[np++], err));
  OAR_TRY(oar_pd_emit_temp(e, &sizes, err));
  OAR_TRY(concat_node(e, parts, np, 0, sizes, err));
  OAR_TRY(oar_pd_emit_output(e, "Out", 0, &y, err));
  const node_attr fa[] = {AI(OAR_FILL_ATTR_DTYPE, t), AF(OAR_FILL_ATTR_VALUE, value)};
  return unary_node(e, OAR_OP_fill_shape, sizes, &y, fa, 2, err);
}

/* eye: eye_like of a [rows, columns] fill (columns -1: rows). */
oar_status oar_pd_expand_eye(const oar_pd_lowering *l, const oar_pd_op *op, oar_pd_emitter *e,
                             oar_error *err) {
  (void)l;
  const int64_t rows = int_or(op, "num_rows", -1), cols0 = int_or(op, "num_columns", -1);
  const int64_t dims[2] = {rows, cols0 < 0 ? rows : cols0};
  if (rows < 0) return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has num_rows %lld", (long long)rows);
  oar_dtype t;
  OAR_TRY(fill_dtype(op, &t, err));
  int sizes, z = -1, y;
  OAR_TRY(const_i64(e, dims, 2, &sizes, err));
  const node_attr fa[] = {AI(OAR_FILL_ATTR_DTYPE, t), AF(OAR_FILL_ATTR_VALUE, 0.0)};
  OAR_TRY(unary_node(e, OAR_OP_fill_shape, sizes, &z, fa, 2, err));
  OAR_TRY(oar_pd_emit_output(e, "Out", 0, &y, err));
  return unary_node(e, OAR_OP_eye_like, z, &y, NULL, 0, err);
}

/* partial_concat / partial_sum (func 1): columns [start, start + length)
 * of each 2-D input (length -1: to the end), concatenated or added. */
oar_status oar_pd_expand_partial(const oar_pd_lowering *l, const oar_pd_op *op, oar_pd_emitter *e,
                                 oar_error *err) {
  int xs[MAX_PARTS], ts[MAX_PARTS], n = 0, y;
  OAR_TRY(inputs_of(e, "X", xs, MAX_PARTS, &n, err));
  const int64_t start = int_or(op, "start_index", 0), length = int_or(op, "length", -1);
  const int64_t end = length < 0 || (start < 0 && start + length >= 0) ? INT64_MAX : start + length;
  for (int i = 0; i < n; i++) {
    ts[i] = -1;
    OAR_TRY(slice_node(e, xs[i], 1, start, end, &ts[i], err));
  }
  OAR_TRY(oar_pd_emit_output(e, "Out", 0, &y, err));
  return l->func ? add_chain(e, ts, n, y, err) : concat_node(e, ts, n, 1, y, err);
}

/* scatter: rows Ids of X replaced by Updates (overwrite; the last of
 * repeated ids wins, as Paddle's loop), or, without overwrite, zeroed and
 * then given the sum of their updates (Paddle's kernel). */
oar_status oar_pd_expand_scatter(const oar_pd_lowering *l, const oar_pd_op *op, oar_pd_emitter *e,
                                 oar_error *err) {
  (void)l;
  int x, ids, upd, idx = -1, y;
  OAR_TRY(oar_pd_emit_input(e, "X", 0, &x, err));
  OAR_TRY(oar_pd_emit_input(e, "Ids", 0, &ids, err));
  OAR_TRY(oar_pd_emit_input(e, "Updates", 0, &upd, err));
  const int64_t last = -1;
  const node_attr ua[] = {AS(0, &last, 1)};
  OAR_TRY(unary_node(e, OAR_OP_unsqueeze_axes, ids, &idx, ua, 1, err));
  OAR_TRY(oar_pd_emit_output(e, "Out", 0, &y, err));
  const node_attr set[] = {AI(OAR_TAKE_ATTR_REDUCTION, 0)}, add[] = {AI(OAR_TAKE_ATTR_REDUCTION, 1)};
  if (int_or(op, "overwrite", 1)) {
    const vals in[3] = {ONE(x), ONE(idx), ONE(upd)}, o = ONE(y);
    return emit_node(e, OAR_OP_scatter_nd_update, in, 3, &o, 1, set, 1, err);
  }
  int zeros = -1, cleared;
  const node_attr za[] = {AF(OAR_FILL_LIKE_ATTR_VALUE, 0.0)};
  OAR_TRY(unary_node(e, OAR_OP_fill_any_like, upd, &zeros, za, 1, err));
  OAR_TRY(oar_pd_emit_temp(e, &cleared, err));
  const vals in1[3] = {ONE(x), ONE(idx), ONE(zeros)}, o1 = ONE(cleared);
  OAR_TRY(emit_node(e, OAR_OP_scatter_nd_update, in1, 3, &o1, 1, set, 1, err));
  const vals in2[3] = {ONE(cleared), ONE(idx), ONE(upd)}, o2 = ONE(y);
  return emit_node(e, OAR_OP_scatter_nd_update, in2, 3, &o2, 1, add, 1, err);
}

/* A constant of type t and the op's `shape` from its `values` (Paddle 3)
 * or the older fp32_values / int32_values / int64_values / bool_values. */
static oar_status values_const(oar_pd_emitter *e, const oar_pd_op *op, oar_dtype t, int *id, oar_error *err) {
  int64_t dims[OAR_MAX_RANK];
  const int rank = attr_ints(op, "shape", dims, OAR_MAX_RANK);
  if (rank < 0) return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has no usable 'shape' attribute");
  oar_shape shape = {.rank = rank};
  int64_t count = 1;
  for (int i = 0; i < rank; i++) {
    if (dims[i] < 0 || (dims[i] && count > INT64_MAX / 8 / dims[i]))
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has shape dim %lld", (long long)dims[i]);
    shape.dims[i] = dims[i];
    count *= dims[i];
  }
  const oar_pd_attr *a = NULL;
  static const char *const names[] = {"values", "fp32_values", "int32_values", "int64_values", "bool_values"};
  size_t have = 0;
  for (size_t k = 0; k < sizeof names / sizeof names[0] && !have; k++) {
    a = find_attr(op, names[k]);
    if (!a) continue;
    switch (a->type) {
      case OAR_PD_ATTR_SCALARS: have = a->num_scalars; break;
      case OAR_PD_ATTR_FLOATS: have = a->floats.n; break;
      case OAR_PD_ATTR_FLOAT64S: have = a->float64s.n; break;
      case OAR_PD_ATTR_INTS: have = a->ints.n; break;
      case OAR_PD_ATTR_LONGS: have = a->longs.n; break;
      case OAR_PD_ATTR_BOOLEANS: have = a->bools.n; break;
      default: break;
    }
  }
  if (!a || have != (size_t)count)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has %zu values for a shape of %lld elements", have,
                         (long long)count);
  const size_t es = oar_dtype_bytes(t);
  unsigned char *data = oar_calloc((size_t)(count ? count : 1), es ? es : 1);
  if (!data)
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for %lld values", (long long)count);
  for (int64_t i = 0; i < count; i++) {
    double v = 0.0;
    switch (a->type) {
      case OAR_PD_ATTR_SCALARS: {
        const oar_pd_scalar *s = &a->scalars[i];
        v = s->type == OAR_PD_SCALAR_FLOAT64 ? s->r : s->type == OAR_PD_SCALAR_LONG ? (double)s->i : s->b;
        break;
      }
      case OAR_PD_ATTR_FLOATS: v = a->floats.v[i]; break;
      case OAR_PD_ATTR_FLOAT64S: v = a->float64s.v[i]; break;
      case OAR_PD_ATTR_INTS: v = (double)a->ints.v[i]; break;
      case OAR_PD_ATTR_LONGS: v = (double)a->longs.v[i]; break;
      default: v = (double)a->bools.v[i]; break;
    }
    switch (t) {
      case OAR_DTYPE_FLOAT32: ((float *)data)[i] = (float)v; break;
      case OAR_DTYPE_FLOAT64: ((double *)data)[i] = v; break;
      case OAR_DTYPE_INT32: ((int32_t *)data)[i] = (int32_t)v; break;
      case OAR_DTYPE_INT64: ((int64_t *)data)[i] = (int64_t)v; break;
      case OAR_DTYPE_BOOL: data[i] = v != 0.0; break;
      case OAR_DTYPE_UINT8: data[i] = (unsigned char)v; break;
      default:
        oar_free(data);
        return oar_error_set(err, OAR_ERR_UNSUPPORTED, "makes %s values, which oar does not",
                             oar_dtype_str(t));
    }
  }
  const oar_status st = oar_pd_emit_const(e, t, &shape, data, id, err);
  oar_free(data);
  return st;
}

/* assign_value: its values copied to the output. */
oar_status oar_pd_expand_assign_value(const oar_pd_lowering *l, const oar_pd_op *op, oar_pd_emitter *e,
                                      oar_error *err) {
  (void)l;
  oar_dtype t;
  int c, y;
  OAR_TRY(fill_dtype(op, &t, err));
  OAR_TRY(values_const(e, op, t, &c, err));
  OAR_TRY(oar_pd_emit_output(e, "Out", 0, &y, err));
  return unary_node(e, OAR_OP_assign, c, &y, NULL, 0, err);
}

/* set_value: set_slice of Input with ValueTensor, or a constant of the
 * op's values (of its dtype, else Input's: PIR's pd_op.set_value has no
 * dtype). Slice bounds from StartsTensorList / EndsTensorList /
 * StepsTensorList (1-element tensors, concatenated) replace the
 * attributes; none_axes (x[None, ...] = v) is set_slice's own. */
oar_status oar_pd_expand_set_value(const oar_pd_lowering *l, const oar_pd_op *op, oar_pd_emitter *e,
                                   oar_error *err) {
  (void)l;
  int x, value, y, bounds[3] = {-1, -1, -1};
  static const char *const lists[] = {"StartsTensorList", "EndsTensorList", "StepsTensorList"};
  for (int k = 0; k < 3; k++) {
    if (!oar_pd_emit_count(e, true, lists[k])) continue;
    int ids[OAR_MAX_RANK], n = 0;
    OAR_TRY(inputs_of(e, lists[k], ids, OAR_MAX_RANK, &n, err));
    if (n == 1) {
      bounds[k] = ids[0];
    } else {
      OAR_TRY(oar_pd_emit_temp(e, &bounds[k], err));
      OAR_TRY(concat_node(e, ids, n, 0, bounds[k], err));
    }
  }
  OAR_TRY(oar_pd_emit_input(e, "Input", 0, &x, err));
  if (oar_pd_emit_count(e, true, "ValueTensor")) {
    OAR_TRY(oar_pd_emit_input(e, "ValueTensor", 0, &value, err));
  } else {
    oar_dtype t = oar_pd_emit_graph(e)->values[x].dtype;
    if (find_attr(op, "dtype")) OAR_TRY(fill_dtype(op, &t, err));
    OAR_TRY(values_const(e, op, t, &value, err));
  }
  static const char *const names[] = {"axes", "starts", "ends", "steps", "decrease_axes", "none_axes"};
  static const int index[] = {OAR_SET_SLICE_ATTR_AXES,          OAR_SET_SLICE_ATTR_STARTS,
                              OAR_SET_SLICE_ATTR_ENDS,          OAR_SET_SLICE_ATTR_STEPS,
                              OAR_SET_SLICE_ATTR_DECREASE_AXES, OAR_SET_SLICE_ATTR_NONE_AXES};
  int64_t lists_v[6][OAR_MAX_RANK];
  node_attr attrs[6];
  for (int k = 0; k < 6; k++) {
    const int n = attr_ints(op, names[k], lists_v[k], OAR_MAX_RANK);
    attrs[k] = (node_attr)AS(index[k], lists_v[k], n < 0 ? 0 : n);
  }
  OAR_TRY(oar_pd_emit_output(e, "Out", 0, &y, err));
  const vals in[5] = {ONE(x), ONE(value), bounds[0] >= 0 ? ONE(bounds[0]) : NONE,
                      bounds[1] >= 0 ? ONE(bounds[1]) : NONE, bounds[2] >= 0 ? ONE(bounds[2]) : NONE};
  const vals o = ONE(y);
  return emit_node(e, OAR_OP_set_slice, in, 5, &o, 1, attrs, 6, err);
}

/* expand_v2: broadcast_to with Paddle's -1 (keep X's dim). The shape is the
 * Shape tensor, or the expand_shapes_tensor list (one value per dim, 0-D
 * or [1], int32 or int64: ViTs' cls_token.expand((B, -1, -1)) with B read
 * from the input's shape at run time) joined into one int64 vector, or the
 * `shape` attribute. */
OAR_PD_EXPAND(expand_v2) {
  (void)l;
  int x, y, shape = -1;
  OAR_TRY(oar_pd_emit_input(e, "X", 0, &x, err));
  if (oar_pd_emit_count(e, true, "Shape") > 0) {
    OAR_TRY(oar_pd_emit_input(e, "Shape", 0, &shape, err));
  } else if (oar_pd_emit_count(e, true, "expand_shapes_tensor") > 0) {
    int parts[MAX_PARTS], n = 0;
    OAR_TRY(inputs_of(e, "expand_shapes_tensor", parts, MAX_PARTS, &n, err));
    const int64_t one = 1;
    const node_attr to_i64[] = {AI(OAR_CAST_ATTR_OUT_DTYPE, 3 /* Paddle's INT64 */)},
                    to_1[] = {AS(0, &one, 1)};
    for (int i = 0; i < n; i++) {
      int wide = -1, flat = -1;
      OAR_TRY(unary_node(e, OAR_OP_cast, parts[i], &wide, to_i64, 1, err));
      OAR_TRY(unary_node(e, OAR_OP_reshape2, wide, &flat, to_1, 1, err));
      parts[i] = flat;
    }
    OAR_TRY(oar_pd_emit_temp(e, &shape, err));
    OAR_TRY(concat_node(e, parts, n, 0, shape, err));
  } else {
    int64_t v[OAR_MAX_RANK];
    const int n = attr_ints(op, "shape", v, OAR_MAX_RANK);
    if (n < 0) return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has no usable 'shape' attribute");
    OAR_TRY(const_i64(e, v, n, &shape, err));
  }
  OAR_TRY(oar_pd_emit_output(e, "Out", 0, &y, err));
  const vals in[2] = {ONE(x), ONE(shape)}, o = ONE(y);
  const node_attr keep[] = {AI(OAR_BROADCAST_TO_ATTR_KEEP_MINUS_ONE, 1)};
  return emit_node(e, OAR_OP_broadcast_to, in, 2, &o, 1, keep, 1, err);
}
