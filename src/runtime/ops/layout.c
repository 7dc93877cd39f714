/* Run functions of the data-movement ops of ir/ops/layout.c. Indices are
 * checked against their axis (negative ones count from the end). */
#include <math.h>
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/op_ext.h"
#include "kernels/ref/layout.h"
#include "runtime/kernel_state.h"
#include "runtime/ops/run_util.h"
#include "runtime/parallel_rows.h"

#define RUN_FN(op)                                                                                      \
  oar_status oar_run_##op(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out, \
                          oar_error *err)

static size_t esize_of(const oar_tensor_view *v) { return oar_dtype_bytes(v->dtype); }

static void split3(const oar_shape *s, int axis, int64_t *outer, int64_t *dim, int64_t *inner) {
  *outer = *inner = 1;
  *dim = s->dims[axis];
  for (int i = 0; i < axis; i++) *outer *= s->dims[i];
  for (int i = axis + 1; i < s->rank; i++) *inner *= s->dims[i];
}

static int norm_axis(int64_t a, int rank) { return (int)(a < 0 ? a + rank : a); }

static oar_status index_in(int64_t v, int64_t dim, int64_t *out, oar_error *err) {
  if (v < -dim || v >= dim)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "index %lld is out of range for a dim of %lld",
                         (long long)v, (long long)dim);
  *out = v < 0 ? v + dim : v;
  return OAR_OK;
}

RUN_FN(split_chunks) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(node, in, 0, &x, err));
  const int axis = norm_axis(oar_node_attr_i(node, OAR_SPLIT_CHUNKS_ATTR_AXIS), x->shape.rank);
  int64_t outer, dim, inner, at = 0;
  split3(&x->shape, axis, &outer, &dim, &inner);
  for (int i = 0; i < oar_node_output_count(node, 0); i++) {
    oar_tensor_view *o = &out[node->out_start[0] + i];
    const int64_t len = o->shape.dims[axis];
    oar_ref_copy_range(esize_of(x), outer, dim, inner, at, len, x->data, o->data);
    at += len;
  }
  return OAR_OK;
}

static oar_status copy_all(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                           oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, 0, &x, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  const size_t bytes = (size_t)oar_view_numel(x) * esize_of(x);
  if (bytes && y->data != x->data) memcpy(y->data, x->data, bytes);
  return OAR_OK;
}

RUN_FN(squeeze_axes) { return copy_all(node, in, out, err); }
RUN_FN(unsqueeze_axes) { return copy_all(node, in, out, err); }

RUN_FN(shape_of) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, 0, &x, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  int64_t *d = y->data;
  if (oar_node_attr_i(node, OAR_SHAPE_OF_ATTR_SIZE)) {
    d[0] = oar_view_numel(x);
    return OAR_OK;
  }
  const int r = x->shape.rank;
  int64_t a = oar_node_attr_i(node, OAR_SHAPE_OF_ATTR_START);
  if (a < 0) a += r;
  a = a < 0 ? 0 : a > r ? r : a;
  for (int64_t i = 0; i < y->shape.dims[0]; i++) d[i] = x->shape.dims[a + i];
  return OAR_OK;
}

RUN_FN(slice_steps) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, 0, &x, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  oar_slice_plan p;
  OAR_TRY(oar_slice_steps_resolve(node, in, &x->shape, &p, err));
  int64_t strides[OAR_MAX_RANK], s = 1, offset = 0;
  for (int i = x->shape.rank - 1; i >= 0; i--) {
    strides[i] = s * p.step[i];
    offset += p.start[i] * s;
    s *= x->shape.dims[i];
  }
  if (oar_view_numel(y) == 0) return OAR_OK;
  oar_ref_strided_copy(esize_of(x), x->shape.rank, p.out.dims, strides, offset, x->data, y->data);
  return OAR_OK;
}

/* Reads and normalizes all indices of `idx` against dim. */
static oar_status load_indices(const oar_tensor_view *idx, int64_t dim, int64_t **out_idx, oar_error *err) {
  const int64_t n = oar_view_numel(idx);
  int64_t *v = oar_malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
  if (!v) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for indices");
  for (int64_t i = 0; i < n; i++) {
    oar_status st = index_in(oar_ref_index_at(idx->dtype, idx->data, i), dim, &v[i], err);
    if (st != OAR_OK) {
      oar_free(v);
      return st;
    }
  }
  *out_idx = v;
  return OAR_OK;
}

RUN_FN(take) {
  const oar_tensor_view *x, *ix;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, OAR_TAKE_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_TAKE_IN_INDICES, &ix, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  const int axis = norm_axis(oar_node_attr_i(node, OAR_TAKE_ATTR_AXIS), x->shape.rank);
  int64_t outer, dim, inner, *idx = NULL;
  split3(&x->shape, axis, &outer, &dim, &inner);
  OAR_TRY(load_indices(ix, dim, &idx, err));
  oar_ref_take(esize_of(x), outer, dim, inner, idx, oar_view_numel(ix), x->data, y->data);
  oar_free(idx);
  return OAR_OK;
}

/* take_along_axis and scatter_along_axis: walk every index position. */
static oar_status along_axis(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                             bool scatter, oar_error *err) {
  const oar_tensor_view *x, *ix, *u = NULL;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, OAR_TAKE_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_TAKE_IN_INDICES, &ix, err));
  if (scatter) OAR_TRY(oar_op_require_input(node, in, OAR_TAKE_IN_UPDATES, &u, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  const int r = x->shape.rank, axis = norm_axis(oar_node_attr_i(node, OAR_TAKE_ATTR_AXIS), r);
  const size_t es = esize_of(x);
  const int reduction = scatter ? (int)oar_node_attr_i(node, OAR_TAKE_ATTR_REDUCTION) : 0;
  if (scatter) memcpy(y->data, x->data, (size_t)oar_view_numel(x) * es);
  int64_t xs[OAR_MAX_RANK], s = 1;
  for (int i = r - 1; i >= 0; i--) {
    xs[i] = s;
    s *= x->shape.dims[i];
  }
  for (int i = 0; i < r; i++)
    if (i != axis && ix->shape.dims[i] > x->shape.dims[i])
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "indices dim %d (%lld) exceeds data's (%lld)", i,
                           (long long)ix->shape.dims[i], (long long)x->shape.dims[i]);
  const int64_t total = oar_view_numel(ix);
  int64_t idx[OAR_MAX_RANK] = {0};
  for (int64_t i = 0; i < total; i++) {
    int64_t k = 0;
    OAR_TRY(index_in(oar_ref_index_at(ix->dtype, ix->data, i), x->shape.dims[axis], &k, err));
    int64_t off = 0;
    for (int d = 0; d < r; d++) off += (d == axis ? k : idx[d]) * xs[d];
    if (scatter)
      oar_ref_scatter_combine(x->dtype, reduction, (char *)y->data + (size_t)off * es,
                              (const char *)u->data + (size_t)i * es);
    else
      memcpy((char *)y->data + (size_t)i * es, (const char *)x->data + (size_t)off * es, es);
    for (int d = r - 1; d >= 0; d--) {
      if (++idx[d] < ix->shape.dims[d]) break;
      idx[d] = 0;
    }
  }
  return OAR_OK;
}

RUN_FN(take_along_axis) { return along_axis(node, in, out, false, err); }
RUN_FN(scatter_along_axis) { return along_axis(node, in, out, true, err); }

/* gather_nd_batch / scatter_nd_update: indices [..., K] address the first
 * K dims after batch_dims of X; each addresses a slab of the rest. */
static oar_status nd(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                     bool scatter, oar_error *err) {
  const oar_tensor_view *x, *ix, *u = NULL;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, OAR_TAKE_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_TAKE_IN_INDICES, &ix, err));
  if (scatter) OAR_TRY(oar_op_require_input(node, in, OAR_TAKE_IN_UPDATES, &u, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  const size_t es = esize_of(x);
  const int r = x->shape.rank, ir = ix->shape.rank;
  const int64_t bd = oar_node_attr_i(node, OAR_TAKE_ATTR_AXIS), k = ix->shape.dims[ir - 1];
  int64_t batch = 1, per_batch = 1, slab = 1;
  for (int i = 0; i < bd; i++) batch *= x->shape.dims[i];
  for (int i = (int)bd; i < ir - 1; i++) per_batch *= ix->shape.dims[i];
  for (int i = (int)(bd + k); i < r; i++) slab *= x->shape.dims[i];
  int64_t x_batch = 1;
  for (int i = (int)bd; i < r; i++) x_batch *= x->shape.dims[i];
  if (scatter) {
    int64_t want = oar_view_numel(ix) / (k ? k : 1) * slab;
    if (oar_view_numel(u) != want || u->dtype != x->dtype)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "updates have %lld values, expected %lld",
                           (long long)oar_view_numel(u), (long long)want);
    memcpy(y->data, x->data, (size_t)oar_view_numel(x) * es);
  }
  const int reduction = scatter ? (int)oar_node_attr_i(node, OAR_TAKE_ATTR_REDUCTION) : 0;
  for (int64_t b = 0; b < batch; b++)
    for (int64_t j = 0; j < per_batch; j++) {
      const int64_t row = b * per_batch + j;
      int64_t off = 0;
      for (int64_t q = 0; q < k; q++) {
        const int64_t dim = x->shape.dims[bd + q];
        int64_t v = 0;
        OAR_TRY(index_in(oar_ref_index_at(ix->dtype, ix->data, row * k + q), dim, &v, err));
        off = off * dim + v;
      }
      const size_t src_off = (size_t)(b * x_batch + off * slab) * es;
      if (scatter) {
        for (int64_t e = 0; e < slab; e++)
          oar_ref_scatter_combine(x->dtype, reduction, (char *)y->data + src_off + (size_t)e * es,
                                  (const char *)u->data + (size_t)(row * slab + e) * es);
      } else {
        memcpy((char *)y->data + (size_t)(row * slab) * es, (const char *)x->data + src_off,
               (size_t)slab * es);
      }
    }
  return OAR_OK;
}

RUN_FN(gather_nd_batch) { return nd(node, in, out, false, err); }
RUN_FN(scatter_nd_update) { return nd(node, in, out, true, err); }

RUN_FN(pad_nd) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, OAR_PAD_IN_X, &x, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  oar_pad_plan p;
  OAR_TRY(oar_pad_nd_resolve(node, in, &x->shape, &p, err));
  unsigned char value[16] = {0};
  const oar_tensor_view *v = oar_op_input(node, in, OAR_PAD_IN_VALUE);
  if (v && oar_view_numel(v) >= 1) {
    if (v->dtype != x->dtype)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "pad value dtype differs from X");
    memcpy(value, v->data, esize_of(x));
  }
  const int mode = (int)oar_node_attr_i(node, OAR_PAD_ATTR_MODE);
  if (mode != OAR_PAD_CONSTANT && oar_view_numel(x) == 0 && oar_view_numel(y) > 0)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "cannot pad an empty tensor in this mode");
  oar_ref_pad(esize_of(x), x->shape.rank, x->shape.dims, y->shape.dims, p.before, mode, value, x->data,
              y->data);
  return OAR_OK;
}

/* ---- prepared pad_nd (float32) -----------------------------------------------------
 * Per dim, a table from output index to input index (-1: the constant),
 * built once with the reference's rules (ir mode, negative pads crop);
 * then rows of the last dim: the constant, one memcpy between two fills
 * (constant mode), or a gather through the last dim's table; split over
 * the pool by blocks of rows. */
typedef struct pad_state {
  oar_simple_state s;
  int rank;
  int64_t out_dims[OAR_MAX_RANK], in_stride[OAR_MAX_RANK];
  int64_t *map[OAR_MAX_RANK]; /* into owned */
  bool constant;
  int64_t lo, hi; /* constant mode: the last dim's columns [lo, hi) read input lo - before on */
  size_t rows, rows_per_unit;
} pad_state;

typedef struct pad_job {
  const pad_state *st;
  const float *x;
  float *y;
  float value;
} pad_job;

static void pad_range(void *ctx, size_t begin, size_t end) {
  const pad_job *j = ctx;
  const pad_state *st = j->st;
  const int r = st->rank;
  const size_t w = (size_t)st->out_dims[r - 1];
  const int64_t *last = st->map[r - 1];
  const size_t r0 = begin * st->rows_per_unit,
               r1 = end * st->rows_per_unit < st->rows ? end * st->rows_per_unit : st->rows;
  for (size_t row = r0; row < r1; row++) {
    float *dst = j->y + row * w;
    size_t rest = row;
    int64_t off = 0;
    bool inside = true;
    for (int d = r - 2; d >= 0; d--) {
      const int64_t i = st->map[d][rest % (size_t)st->out_dims[d]];
      rest /= (size_t)st->out_dims[d];
      if (i < 0) inside = false;
      off += i * st->in_stride[d];
    }
    if (!inside) {
      for (size_t k = 0; k < w; k++) dst[k] = j->value;
      continue;
    }
    const float *src = j->x + off;
    if (st->constant) {
      for (int64_t k = 0; k < st->lo; k++) dst[k] = j->value;
      if (st->hi > st->lo) memcpy(dst + st->lo, src + last[st->lo], (size_t)(st->hi - st->lo) * sizeof *dst);
      for (size_t k = (size_t)(st->hi > st->lo ? st->hi : st->lo); k < w; k++) dst[k] = j->value;
    } else {
      for (size_t k = 0; k < w; k++) dst[k] = src[last[k]];
    }
  }
}

static oar_status run_pad_fast(const oar_op_state *state, const oar_node *node,
                               const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                               oar_error *err) {
  const pad_state *st = (const pad_state *)state;
  const oar_tensor_view *x = oar_op_input(node, in, OAR_PAD_IN_X),
                        *v = oar_op_input(node, in, OAR_PAD_IN_VALUE);
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  pad_job j = {st, x->data, y->data, 0.0f};
  if (v && oar_view_numel(v) >= 1) {
    if (v->dtype != x->dtype)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "pad value dtype differs from X");
    j.value = *(const float *)v->data;
  }
  oar_parallel_rows((st->rows + st->rows_per_unit - 1) / st->rows_per_unit,
                    st->rows_per_unit * (size_t)st->out_dims[st->rank - 1], pad_range, &j);
  return OAR_OK;
}

oar_status oar_prepare_pad_nd(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  const oar_node *node = ctx->node;
  const oar_tensor_view *x = oar_op_input(node, ctx->in, OAR_PAD_IN_X);
  if (!x || x->dtype != OAR_DTYPE_FLOAT32 || x->shape.rank < 1) return OAR_OK;
  /* The tables need Pads and Axes now; Value is read at each run. */
  static const int plan_slots[] = {OAR_PAD_IN_PADS, OAR_PAD_IN_AXES};
  for (int k = 0; k < 2; k++)
    if (oar_op_input(node, ctx->in, plan_slots[k]) && !oar_prepare_input_known(ctx, plan_slots[k]))
      return OAR_OK;
  oar_pad_plan p;
  oar_error ignored;
  if (oar_pad_nd_resolve(node, ctx->in, &x->shape, &p, &ignored) != OAR_OK) return OAR_OK;
  const int mode = (int)oar_node_attr_i(node, OAR_PAD_ATTR_MODE);
  const int r = x->shape.rank;
  size_t total = 0, rows = 1;
  for (int d = 0; d < r; d++) {
    /* An empty input dim (any mode) or output: the reference. */
    if (x->shape.dims[d] <= 0 || p.out.dims[d] <= 0 || p.out.dims[d] != ctx->out[0].shape.dims[d])
      return OAR_OK;
    total += (size_t)p.out.dims[d];
    if (d < r - 1) rows *= (size_t)p.out.dims[d];
  }
  if (ctx->out[0].shape.rank != r) return OAR_OK;
  int64_t *maps = oar_aligned_alloc(total * sizeof *maps);
  pad_state *st = oar_state_new(sizeof *st, run_pad_fast,
                                mode == OAR_PAD_CONSTANT ? "pad rows, constant" : "pad rows, gather");
  if (!maps || !st) {
    oar_aligned_free(maps);
    oar_free(st);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing a pad");
  }
  st->s.owned = maps;
  st->rank = r;
  st->constant = mode == OAR_PAD_CONSTANT;
  int64_t stride = 1;
  for (int d = r - 1; d >= 0; d--) {
    st->in_stride[d] = stride;
    stride *= x->shape.dims[d];
  }
  size_t at = 0;
  for (int d = 0; d < r; d++) {
    const int64_t n = x->shape.dims[d];
    st->out_dims[d] = p.out.dims[d];
    st->map[d] = maps + at;
    for (int64_t o = 0; o < p.out.dims[d]; o++) {
      /* kernels/ref/layout.c's rules */
      const int64_t q = oar_ref_pad_source(mode, o - p.before[d], n);
      st->map[d][o] = q;
    }
    at += (size_t)p.out.dims[d];
  }
  const int64_t w = p.out.dims[r - 1];
  st->lo = 0;
  while (st->lo < w && st->map[r - 1][st->lo] < 0) st->lo++;
  st->hi = st->lo;
  while (st->hi < w && st->map[r - 1][st->hi] >= 0) st->hi++;
  st->rows = rows;
  st->rows_per_unit = (size_t)w >= 4096 ? 1 : 4096 / (size_t)w;
  *state = &st->s.base;
  return OAR_OK;
}

RUN_FN(broadcast_to) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, 0, &x, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  int64_t strides[OAR_MAX_RANK], s = 1;
  for (int i = y->shape.rank - 1; i >= 0; i--) {
    const int j = i - (y->shape.rank - x->shape.rank);
    if (j < 0) {
      strides[i] = 0;
      continue;
    }
    strides[i] = x->shape.dims[j] == 1 ? 0 : s;
    s *= x->shape.dims[j];
  }
  if (oar_view_numel(y) == 0) return OAR_OK;
  oar_ref_strided_copy(esize_of(x), y->shape.rank, y->shape.dims, strides, 0, x->data, y->data);
  return OAR_OK;
}

RUN_FN(tile_repeats) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, 0, &x, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  if (oar_view_numel(y) == 0) return OAR_OK;
  oar_ref_tile(esize_of(x), x->shape.rank, x->shape.dims, y->shape.dims, x->data, y->data);
  return OAR_OK;
}

RUN_FN(fill_shape) {
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  const double v = oar_node_attr_f(node, OAR_FILL_ATTR_VALUE);
  const int64_t n = oar_view_numel(y);
  for (int64_t i = 0; i < n; i++) {
    switch (y->dtype) {
      case OAR_DTYPE_FLOAT32: ((float *)y->data)[i] = (float)v; break;
      case OAR_DTYPE_FLOAT64: ((double *)y->data)[i] = v; break;
      case OAR_DTYPE_INT32: ((int32_t *)y->data)[i] = (int32_t)v; break;
      case OAR_DTYPE_INT64: ((int64_t *)y->data)[i] = (int64_t)v; break;
      case OAR_DTYPE_BOOL:
      case OAR_DTYPE_UINT8: ((uint8_t *)y->data)[i] = (uint8_t)v; break;
      case OAR_DTYPE_INT8: ((int8_t *)y->data)[i] = (int8_t)v; break;
      case OAR_DTYPE_INT16: ((int16_t *)y->data)[i] = (int16_t)v; break;
      default:
        return oar_error_set(err, OAR_ERR_UNSUPPORTED, "fill dtype %s is not supported",
                             oar_dtype_str(y->dtype));
    }
  }
  return OAR_OK;
}

oar_status oar_arange_count(const oar_tensor_view *const *in, int64_t *count, oar_error *err);

RUN_FN(arange) {
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  int64_t n;
  OAR_TRY(oar_arange_count(in, &n, err));
  switch (y->dtype) {
    case OAR_DTYPE_FLOAT32: {
      const float s = *(const float *)in[0]->data, d = *(const float *)in[2]->data;
      for (int64_t i = 0; i < n; i++) ((float *)y->data)[i] = s + (float)i * d;
      return OAR_OK;
    }
    case OAR_DTYPE_FLOAT64: {
      const double s = *(const double *)in[0]->data, d = *(const double *)in[2]->data;
      for (int64_t i = 0; i < n; i++) ((double *)y->data)[i] = s + (double)i * d;
      return OAR_OK;
    }
    case OAR_DTYPE_INT32: {
      const int32_t s = *(const int32_t *)in[0]->data, d = *(const int32_t *)in[2]->data;
      for (int64_t i = 0; i < n; i++) ((int32_t *)y->data)[i] = (int32_t)(s + i * d);
      return OAR_OK;
    }
    case OAR_DTYPE_INT64: {
      const int64_t s = *(const int64_t *)in[0]->data, d = *(const int64_t *)in[2]->data;
      for (int64_t i = 0; i < n; i++) ((int64_t *)y->data)[i] = s + i * d;
      return OAR_OK;
    }
    default: return oar_run_unsupported_dtype(node, 0, y->dtype, err);
  }
}

RUN_FN(trilu) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, 0, &x, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  int64_t k = 0, c;
  const oar_tensor_view *kt = oar_op_input(node, in, 1);
  if (kt) OAR_TRY(oar_ext_read_ints(kt, "input 'K'", &k, 1, &c, err));
  const int r = x->shape.rank;
  const int64_t rows = x->shape.dims[r - 2], cols = x->shape.dims[r - 1];
  const int64_t batch = (rows > 0 && cols > 0) ? oar_view_numel(x) / (rows * cols) : 0;
  oar_ref_trilu(esize_of(x), batch, rows, cols, k, oar_node_attr_i(node, OAR_TRILU_ATTR_UPPER) != 0, x->data,
                y->data);
  return OAR_OK;
}

/* DepthToSpace / SpaceToDepth as one strided read of X (6-d views). */
RUN_FN(depth_space) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, 0, &x, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  const int64_t b = oar_node_attr_i(node, OAR_DEPTH_ATTR_BLOCKSIZE),
                mode = oar_node_attr_i(node, OAR_DEPTH_ATTR_MODE);
  const int64_t N = x->shape.dims[0], C = x->shape.dims[1], H = x->shape.dims[2], W = x->shape.dims[3];
  int64_t dims[6], strides[6];
  if (mode == OAR_SPACE_TO_DEPTH) {
    /* y[n, (i*b + j)*C + c, h, w] = x[n, c, h*b + i, w*b + j]. */
    const int64_t d[6] = {N, b, b, C, H / b, W / b};
    const int64_t s[6] = {C * H * W, W, 1, H * W, b * W, b};
    memcpy(dims, d, sizeof d);
    memcpy(strides, s, sizeof s);
  } else {
    const int64_t c2 = C / (b * b);
    /* y[n, c, h*b + i, w*b + j] reads x[n, (i*b + j)*c2 + c] (DCR) or
     * x[n, (c*b + i)*b + j] (CRD) at [h, w]. */
    const int64_t d[6] = {N, c2, H, b, W, b};
    if (mode == OAR_DEPTH_TO_SPACE_DCR) {
      const int64_t s[6] = {C * H * W, H * W, W, b * c2 * H * W, 1, c2 * H * W};
      memcpy(strides, s, sizeof s);
    } else {
      const int64_t s[6] = {C * H * W, b * b * H * W, W, b * H * W, 1, H * W};
      memcpy(strides, s, sizeof s);
    }
    memcpy(dims, d, sizeof d);
  }
  if (oar_view_numel(y) == 0) return OAR_OK;
  oar_ref_strided_copy(esize_of(x), 6, dims, strides, 0, x->data, y->data);
  return OAR_OK;
}
