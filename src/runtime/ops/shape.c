/* Run functions of the shape and data-movement ops. The parameters come
 * from the same resolvers the infer functions use (ir/ops/shape_ops.h);
 * here we only check that the views we were handed agree with them, so a
 * planner bug cannot turn into an out-of-bounds copy. */
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/shape_ops.h"
#include "kernels/ref/shape.h"
#include "kernels/generic/f32_transpose.h"
#include "runtime/kernel_state.h"
#include "runtime/op_run.h"
#include "runtime/parallel_rows.h"

/* Bytes of a view; false when the dtype is unknown or the size overflows. */
static bool view_bytes(const oar_tensor_view *t, size_t *bytes) {
  int64_t numel = oar_shape_numel(&t->shape);
  size_t elem = oar_dtype_bytes(t->dtype);
  return numel >= 0 && elem > 0 && oar_mul_size((size_t)numel, elem, bytes);
}

static oar_status mismatch(const oar_node *node, const char *what, const oar_tensor_view *got,
                           const oar_shape *want, oar_error *err) {
  char a[160], b[160];
  return oar_shapeops_fail(node, err, OAR_ERR_INTERNAL, "%s has shape %s (%s), expected %s", what,
                           oar_shape_str(&got->shape, a, sizeof a), oar_dtype_str(got->dtype),
                           oar_shape_str(want, b, sizeof b));
}

/* An input at run time: present, and every dim known. */
static oar_status run_input(const oar_node *node, const oar_tensor_view *const *in, int slot,
                            const oar_tensor_view **x, oar_error *err) {
  OAR_TRY(oar_shapeops_require_input(node, in, slot, x, err));
  if (oar_shape_numel(&(*x)->shape) < 0) {
    char buf[160];
    return oar_shapeops_fail(node, err, OAR_ERR_INTERNAL, "input '%s' has shape %s at run time",
                             node->schema->inputs[slot].name, oar_shape_str(&(*x)->shape, buf, sizeof buf));
  }
  return OAR_OK;
}

static oar_status first_out(const oar_node *node, oar_tensor_view *out, oar_tensor_view **o, oar_error *err) {
  int pos = oar_node_out_pos(node, 0, 0);
  if (pos < 0) return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "output 'Out' is missing");
  *o = &out[pos];
  return OAR_OK;
}

/* Reshape-like ops: Out holds X's bytes unchanged. XShape has no data. */
static oar_status copy_first_input(const oar_node *node, const oar_tensor_view *const *in,
                                   oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x = NULL;
  oar_tensor_view *o = NULL;
  OAR_TRY(run_input(node, in, 0, &x, err));
  OAR_TRY(first_out(node, out, &o, err));
  size_t in_bytes, out_bytes;
  if (!view_bytes(x, &in_bytes) || !view_bytes(o, &out_bytes) || in_bytes != out_bytes ||
      oar_dtype_bytes(x->dtype) != oar_dtype_bytes(o->dtype)) {
    char a[160], b[160];
    return oar_shapeops_fail(node, err, OAR_ERR_INTERNAL,
                             "output shape %s (%s) does not hold input shape %s (%s)",
                             oar_shape_str(&o->shape, a, sizeof a), oar_dtype_str(o->dtype),
                             oar_shape_str(&x->shape, b, sizeof b), oar_dtype_str(x->dtype));
  }
  /* The runtime may have aliased Out to X (OAR_OP_VIEW): nothing to move. */
  if (in_bytes > 0 && o->data != x->data) memmove(o->data, x->data, in_bytes);
  return OAR_OK;
}

oar_status oar_run_reshape2(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  return copy_first_input(node, in, out, err);
}

oar_status oar_run_reshape(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                           oar_error *err) {
  return copy_first_input(node, in, out, err);
}

oar_status oar_run_flatten_contiguous_range(const oar_node *node, const oar_tensor_view *const *in,
                                            oar_tensor_view *out, oar_error *err) {
  return copy_first_input(node, in, out, err);
}

oar_status oar_run_flatten2(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  return copy_first_input(node, in, out, err);
}

oar_status oar_run_squeeze2(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  return copy_first_input(node, in, out, err);
}

oar_status oar_run_unsqueeze2(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  return copy_first_input(node, in, out, err);
}

oar_status oar_run_assign(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                          oar_error *err) {
  return copy_first_input(node, in, out, err);
}

static oar_status run_transpose(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                                oar_error *err) {
  const oar_tensor_view *x = NULL;
  oar_tensor_view *o = NULL;
  OAR_TRY(run_input(node, in, 0, &x, err));
  OAR_TRY(first_out(node, out, &o, err));
  int perm[OAR_MAX_RANK] = {0};
  OAR_TRY(oar_shapeops_transpose_perm(node, x->shape.rank, perm, err));
  oar_shape want = {.rank = x->shape.rank};
  for (int i = 0; i < want.rank; i++) want.dims[i] = x->shape.dims[perm[i]];
  if (o->dtype != x->dtype || !oar_shape_equal(&o->shape, &want))
    return mismatch(node, "output 'Out'", o, &want, err);
  oar_ref_transpose(x->data, o->data, oar_dtype_bytes(x->dtype), x->shape.rank, x->shape.dims, perm);
  return OAR_OK;
}

oar_status oar_run_transpose2(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  return run_transpose(node, in, out, err);
}

oar_status oar_run_transpose(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  return run_transpose(node, in, out, err);
}

/* ---- prepared transpose ----------------------------------------------------------
 * The reference's walk (dims merged where they stay adjacent, size-1 dims
 * dropped), split over the pool: rows copied whole when the output's last
 * dim is contiguous in the input too, else (float32) 2-D blocks between
 * the output's last dim and the dim contiguous in the input, transposed
 * in cache tiles (kernels/generic/f32_transpose.h). */
enum { TR_ROWS = 64 }; /* rows of a tiled block per unit of work */

typedef struct tr_state {
  oar_simple_state s;
  size_t elem;
  int m;                            /* merged dims */
  int64_t dims[OAR_MAX_RANK];       /* merged output dims */
  int64_t src_stride[OAR_MAX_RANK]; /* their strides in the input (elements) */
  int64_t dst_stride[OAR_MAX_RANK]; /* and in the output */
  int k;                            /* tiled: the dim contiguous in the input; -1: rows */
  int outer[OAR_MAX_RANK], n_outer; /* the dims walked per unit */
  size_t units, chunks, unit_elems;
  size_t units_rows; /* rows: the rows in all (a unit is `chunks` of them) */
} tr_state;

typedef struct tr_job {
  const tr_state *st;
  const char *x;
  char *y;
} tr_job;

/* Offsets of outer index u (over the dims walked per unit) in the input
 * and the output; idx gets its digits. */
static void tr_locate(const tr_state *st, size_t u, int64_t *idx, int64_t *so, int64_t *dof) {
  *so = *dof = 0;
  for (int i = st->n_outer - 1; i >= 0; i--) {
    const int d = st->outer[i];
    idx[i] = (int64_t)(u % (size_t)st->dims[d]);
    u /= (size_t)st->dims[d];
    *so += idx[i] * st->src_stride[d];
    *dof += idx[i] * st->dst_stride[d];
  }
}

static void tr_range(void *ctx, size_t begin, size_t end) {
  const tr_job *j = ctx;
  const tr_state *st = j->st;
  const int m = st->m;
  int64_t idx[OAR_MAX_RANK], so, dof;
  if (st->k < 0) {
    /* Units of `chunks` rows: locate the first, then step like an odometer. */
    const size_t r0 = begin * st->chunks,
                 r1 = end * st->chunks < st->units_rows ? end * st->chunks : st->units_rows;
    const size_t bytes = (size_t)st->dims[m - 1] * st->elem;
    tr_locate(st, r0, idx, &so, &dof);
    for (size_t r = r0; r < r1; r++) {
      memcpy(j->y + (size_t)dof * st->elem, j->x + (size_t)so * st->elem, bytes);
      for (int i = st->n_outer - 1; i >= 0; i--) {
        const int d = st->outer[i];
        so += st->src_stride[d];
        dof += st->dst_stride[d];
        if (++idx[i] < st->dims[d]) break;
        so -= st->src_stride[d] * st->dims[d];
        dof -= st->dst_stride[d] * st->dims[d];
        idx[i] = 0;
      }
    }
    return;
  }
  for (size_t u = begin; u < end; u++) {
    const size_t chunk = u % st->chunks;
    tr_locate(st, u / st->chunks, idx, &so, &dof);
    const size_t rows = (size_t)st->dims[m - 1], r0 = chunk * TR_ROWS;
    const size_t nr = rows - r0 < TR_ROWS ? rows - r0 : TR_ROWS;
    const float *src = (const float *)j->x + so + (int64_t)r0 * st->src_stride[m - 1];
    float *dst = (float *)j->y + dof + r0;
    oar_f32_transpose_2d(src, (size_t)st->src_stride[m - 1], nr, (size_t)st->dims[st->k], dst,
                         (size_t)st->dst_stride[st->k]);
  }
}

static oar_status run_transpose_fast(const oar_op_state *state, const oar_node *node,
                                     const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                                     oar_error *err) {
  const tr_state *st = (const tr_state *)state;
  const oar_tensor_view *x = NULL;
  oar_tensor_view *o = NULL;
  OAR_TRY(run_input(node, in, 0, &x, err));
  OAR_TRY(first_out(node, out, &o, err));
  tr_job j = {st, x->data, o->data};
  oar_parallel_rows(st->units, st->unit_elems, tr_range, &j);
  return OAR_OK;
}

static oar_status prepare_transpose(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  const oar_node *node = ctx->node;
  const oar_tensor_view *x = NULL;
  oar_tensor_view *o = NULL;
  oar_error ignored;
  if (run_input(node, ctx->in, 0, &x, &ignored) != OAR_OK ||
      first_out(node, (oar_tensor_view *)ctx->out, &o, &ignored) != OAR_OK)
    return OAR_OK;
  const int rank = x->shape.rank;
  int perm[OAR_MAX_RANK] = {0};
  if (oar_shapeops_transpose_perm(node, rank, perm, &ignored) != OAR_OK) return OAR_OK;
  oar_shape want = {.rank = rank};
  for (int i = 0; i < rank; i++) want.dims[i] = x->shape.dims[perm[i]];
  const size_t elem = oar_dtype_bytes(x->dtype);
  if (o->dtype != x->dtype || !oar_shape_equal(&o->shape, &want) || elem == 0 ||
      oar_shape_numel(&x->shape) <= 0)
    return OAR_OK;
  /* The reference's merge (kernels/ref/shape.c). */
  int64_t stride[OAR_MAX_RANK], numel = 1;
  for (int d = rank - 1; d >= 0; d--) {
    stride[d] = numel;
    numel *= x->shape.dims[d];
  }
  tr_state t = {.elem = elem, .k = -1};
  for (int i = 0; i < rank; i++) {
    const int d = perm[i];
    if (x->shape.dims[d] == 1) continue;
    if (t.m > 0 && t.src_stride[t.m - 1] == stride[d] * x->shape.dims[d]) {
      t.dims[t.m - 1] *= x->shape.dims[d];
      t.src_stride[t.m - 1] = stride[d];
    } else {
      t.dims[t.m] = x->shape.dims[d];
      t.src_stride[t.m] = stride[d];
      t.m++;
    }
  }
  if (t.m < 2) return OAR_OK; /* a plain copy: the reference's memcpy */
  /* Whole rows: the reference's own loop, worth a state only when it can
   * be split over threads. */
  if (t.src_stride[t.m - 1] == 1 && (ctx->threads < 2 || (size_t)numel < 4 * OAR_ELEMENTWISE_MIN_CHUNK))
    return OAR_OK;
  int64_t s = 1;
  for (int i = t.m - 1; i >= 0; i--) {
    t.dst_stride[i] = s;
    s *= t.dims[i];
  }
  if (t.src_stride[t.m - 1] != 1) {
    if (x->dtype != OAR_DTYPE_FLOAT32) return OAR_OK;
    for (int i = 0; i < t.m - 1; i++)
      if (t.src_stride[i] == 1) t.k = i;
    if (t.k < 0) return OAR_OK;
  }
  size_t outer = 1;
  for (int i = 0; i < t.m - 1; i++) {
    if (i == t.k) continue;
    t.outer[t.n_outer++] = i;
    outer *= (size_t)t.dims[i];
  }
  const size_t rows = (size_t)t.dims[t.m - 1];
  if (t.k < 0) {
    /* Rows copied whole, about 4096 elements per unit. */
    t.chunks = rows >= 4096 ? 1 : 4096 / rows;
    t.units_rows = outer;
    t.units = (outer + t.chunks - 1) / t.chunks;
    t.unit_elems = t.chunks * rows;
  } else {
    t.chunks = (rows + TR_ROWS - 1) / TR_ROWS;
    t.units = outer * t.chunks;
    t.unit_elems = (rows < TR_ROWS ? rows : TR_ROWS) * (size_t)t.dims[t.k];
  }
  tr_state *st =
      oar_state_new(sizeof *st, run_transpose_fast, t.k < 0 ? "transpose rows" : "transpose f32 16x16 tiles");
  if (!st) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing a transpose");
  t.s = st->s;
  *st = t;
  *state = &st->s.base;
  return OAR_OK;
}

oar_status oar_prepare_transpose(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  return prepare_transpose(ctx, state, err);
}

oar_status oar_prepare_transpose2(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  return prepare_transpose(ctx, state, err);
}

/* Checks that `part` matches `whole` in dtype, rank and every dim but axis. */
static bool same_but_axis(const oar_tensor_view *part, const oar_tensor_view *whole, int axis) {
  if (!part || part->dtype != whole->dtype || part->shape.rank != whole->shape.rank) return false;
  for (int i = 0; i < part->shape.rank; i++)
    if (i != axis && part->shape.dims[i] != whole->shape.dims[i]) return false;
  return part->shape.dims[axis] >= 0;
}

oar_status oar_run_concat(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                          oar_error *err) {
  const oar_tensor_view *x0 = NULL;
  oar_tensor_view *o = NULL;
  OAR_TRY(run_input(node, in, 0, &x0, err));
  OAR_TRY(first_out(node, out, &o, err));
  int axis = 0;
  OAR_TRY(oar_shapeops_concat_axis(node, in, o->shape.rank, &axis, err));
  int n = oar_node_input_count(node, 0);
  int64_t sum = 0;
  for (int k = 0; k < n; k++) {
    const oar_tensor_view *t = in[oar_node_in_pos(node, 0, k)];
    if (!same_but_axis(t, o, axis) || __builtin_add_overflow(sum, t->shape.dims[axis], &sum))
      return oar_shapeops_fail(node, err, OAR_ERR_INTERNAL,
                               "input 'X' #%d does not fit output 'Out' on axis %d", k, axis);
  }
  if (sum != o->shape.dims[axis] || oar_shape_numel(&o->shape) < 0)
    return oar_shapeops_fail(node, err, OAR_ERR_INTERNAL,
                             "inputs sum to %lld on axis %d, output 'Out' has %lld", (long long)sum, axis,
                             (long long)o->shape.dims[axis]);
  oar_ref_concat(in + oar_node_in_pos(node, 0, 0), n, axis, o);
  return OAR_OK;
}

/* ---- prepared concat ------------------------------------------------------------------
 * The reference's copies (one memcpy per outer index and input) split over
 * the pool: only where there are threads to split them over and enough
 * bytes to pay for it (on one thread the reference is the same loop). */
typedef struct cc_state {
  oar_simple_state s;
  int n;
  size_t outer, row_bytes; /* row_bytes: one outer index of the output */
  size_t *bytes;           /* per input, one outer index of it (owned) */
  size_t *start;           /* n + 1 prefix sums of bytes: input i's place in an output row */
} cc_state;

typedef struct cc_job {
  const cc_state *st;
  const oar_tensor_view *const *in; /* concat: the n inputs */
  oar_tensor_view *outs;            /* split: the n outputs */
  char *y;                          /* concat: the output; split: the input */
} cc_job;

enum { CC_CHUNK = 65536 }; /* output bytes per unit of work */

/* Output bytes [begin * CC_CHUNK, end * CC_CHUNK): the pieces of the
 * copies (one per outer index and input) that fall in them. */
static void cc_range(void *ctx, size_t begin, size_t end) {
  const cc_job *j = ctx;
  const cc_state *st = j->st;
  const size_t total = st->outer * st->row_bytes;
  size_t at = begin * CC_CHUNK;
  const size_t stop = end * CC_CHUNK < total ? end * CC_CHUNK : total;
  size_t o = at / st->row_bytes, within = at % st->row_bytes;
  int i = 0;
  while (within >= st->start[i + 1]) i++;
  while (at < stop) {
    const size_t off = within - st->start[i], left = st->bytes[i] - off;
    const size_t len = left < stop - at ? left : stop - at;
    if (j->outs)
      memcpy((char *)j->outs[i].data + o * st->bytes[i] + off, j->y + at, len);
    else
      memcpy(j->y + at, (const char *)j->in[i]->data + o * st->bytes[i] + off, len);
    at += len;
    within += len;
    while (i < st->n && within >= st->start[i + 1]) i++;
    if (i == st->n) {
      o++;
      within = 0;
      i = 0;
      while (i < st->n && st->start[i + 1] == 0) i++;
    }
  }
}

static oar_status run_concat_fast(const oar_op_state *state, const oar_node *node,
                                  const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                                  oar_error *err) {
  const cc_state *st = (const cc_state *)state;
  oar_tensor_view *o = NULL;
  OAR_TRY(first_out(node, out, &o, err));
  cc_job j = {st, in + oar_node_in_pos(node, 0, 0), NULL, o->data};
  const size_t total = st->outer * st->row_bytes;
  oar_parallel_rows((total + CC_CHUNK - 1) / CC_CHUNK, CC_CHUNK / 4, cc_range, &j);
  return OAR_OK;
}

/* A state for the copies between `whole` and its n parts along axis
 * (parts as views, or pointers to views). */
static oar_status cc_prepare(const oar_tensor_view *whole, int axis, const oar_tensor_view *const *part_ptrs,
                             const oar_tensor_view *parts, int n, oar_run_state_fn run, const char *kernel,
                             oar_op_state **state, oar_error *err) {
  size_t outer = 1, inner = oar_dtype_bytes(whole->dtype);
  for (int d = 0; d < axis; d++) outer *= (size_t)whole->shape.dims[d];
  for (int d = axis + 1; d < whole->shape.rank; d++) inner *= (size_t)whole->shape.dims[d];
  size_t *bytes = oar_aligned_alloc((2 * (size_t)n + 1) * sizeof *bytes);
  cc_state *st = oar_state_new(sizeof *st, run, kernel);
  if (!bytes || !st) {
    oar_aligned_free(bytes);
    oar_free(st);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing a %s", kernel);
  }
  st->s.owned = bytes;
  st->start = bytes + n;
  st->start[0] = 0;
  for (int k = 0; k < n; k++) {
    const oar_tensor_view *t = parts ? &parts[k] : part_ptrs[k];
    bytes[k] = (size_t)t->shape.dims[axis] * inner;
    st->start[k + 1] = st->start[k] + bytes[k];
  }
  st->n = n;
  st->outer = outer;
  st->bytes = bytes;
  st->row_bytes = (size_t)whole->shape.dims[axis] * inner;
  *state = &st->s.base;
  return OAR_OK;
}

oar_status oar_prepare_concat(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  const oar_node *node = ctx->node;
  const oar_tensor_view *x0 = NULL;
  oar_tensor_view *o = NULL;
  oar_error ignored;
  if (ctx->threads < 2 || run_input(node, ctx->in, 0, &x0, &ignored) != OAR_OK ||
      first_out(node, (oar_tensor_view *)ctx->out, &o, &ignored) != OAR_OK)
    return OAR_OK;
  int axis = 0;
  if (oar_shapeops_concat_axis(node, ctx->in, o->shape.rank, &axis, &ignored) != OAR_OK) return OAR_OK;
  const int n = oar_node_input_count(node, 0);
  int64_t sum = 0;
  for (int k = 0; k < n; k++) {
    const oar_tensor_view *t = ctx->in[oar_node_in_pos(node, 0, k)];
    if (!same_but_axis(t, o, axis) || __builtin_add_overflow(sum, t->shape.dims[axis], &sum)) return OAR_OK;
  }
  size_t total;
  if (sum != o->shape.dims[axis] || !view_bytes(o, &total) || total < 16 * OAR_ELEMENTWISE_MIN_CHUNK)
    return OAR_OK;
  return cc_prepare(o, axis, ctx->in + oar_node_in_pos(node, 0, 0), NULL, n, run_concat_fast,
                    "concat rows, threaded", state, err);
}

oar_status oar_run_split(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                         oar_error *err) {
  const oar_tensor_view *x = NULL;
  OAR_TRY(run_input(node, in, 0, &x, err));
  int axis = 0;
  bool flat = false;
  OAR_TRY(oar_shapeops_split_axis(node, in, x->shape.rank, &axis, &flat, err));
  int n = oar_node_output_count(node, 0);
  if (n < 1) return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "output 'Out' has no tensors");
  oar_tensor_view *dst = &out[oar_node_out_pos(node, 0, 0)];
  int64_t sum = 0;
  for (int k = 0; k < n; k++) {
    if (!same_but_axis(&dst[k], x, axis) || __builtin_add_overflow(sum, dst[k].shape.dims[axis], &sum))
      return oar_shapeops_fail(node, err, OAR_ERR_INTERNAL,
                               "output 'Out' #%d does not fit input 'X' on axis %d", k, axis);
  }
  if (sum != x->shape.dims[axis])
    return oar_shapeops_fail(node, err, OAR_ERR_INTERNAL,
                             "outputs sum to %lld on axis %d, input 'X' has %lld", (long long)sum, axis,
                             (long long)x->shape.dims[axis]);
  if (flat) {
    /* Paddle's negative-axis quirk (see oar_shapeops_split_axis): consecutive
     * chunks of the input, one per output. The sizes were checked above. */
    const char *src = x->data;
    for (int k = 0; k < n; k++) {
      size_t bytes = (size_t)oar_shape_numel(&dst[k].shape) * oar_dtype_bytes(x->dtype);
      if (bytes) memcpy(dst[k].data, src, bytes);
      src += bytes;
    }
    return OAR_OK;
  }
  oar_ref_split(x, axis, dst, n);
  return OAR_OK;
}

static oar_status run_split_fast(const oar_op_state *state, const oar_node *node,
                                 const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                                 oar_error *err) {
  const cc_state *st = (const cc_state *)state;
  const oar_tensor_view *x = NULL;
  OAR_TRY(run_input(node, in, 0, &x, err));
  cc_job j = {st, NULL, &out[oar_node_out_pos(node, 0, 0)], (char *)x->data};
  const size_t total = st->outer * st->row_bytes;
  oar_parallel_rows((total + CC_CHUNK - 1) / CC_CHUNK, CC_CHUNK / 4, cc_range, &j);
  return OAR_OK;
}

/* As concat's: only on 2+ threads for 256 KiB or more (not Paddle's flat
 * negative-axis form). */
oar_status oar_prepare_split(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  const oar_node *node = ctx->node;
  const oar_tensor_view *x = NULL;
  oar_error ignored;
  if (ctx->threads < 2 || run_input(node, ctx->in, 0, &x, &ignored) != OAR_OK) return OAR_OK;
  int axis = 0;
  bool flat = false;
  if (oar_shapeops_split_axis(node, ctx->in, x->shape.rank, &axis, &flat, &ignored) != OAR_OK || flat)
    return OAR_OK;
  const int n = oar_node_output_count(node, 0);
  if (n < 1) return OAR_OK;
  const oar_tensor_view *dst = &ctx->out[oar_node_out_pos(node, 0, 0)];
  int64_t sum = 0;
  for (int k = 0; k < n; k++)
    if (!same_but_axis(&dst[k], x, axis) || __builtin_add_overflow(sum, dst[k].shape.dims[axis], &sum))
      return OAR_OK;
  size_t total;
  if (sum != x->shape.dims[axis] || !view_bytes(x, &total) || total < 16 * OAR_ELEMENTWISE_MIN_CHUNK)
    return OAR_OK;
  return cc_prepare(x, axis, NULL, dst, n, run_split_fast, "split rows, threaded", state, err);
}

oar_status oar_run_slice(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                         oar_error *err) {
  oar_shapeops_slice p = {0};
  oar_tensor_view *o = NULL;
  const oar_tensor_view *x = NULL;
  OAR_TRY(run_input(node, in, 0, &x, err));
  OAR_TRY(oar_shapeops_slice_resolve(node, in, &p, err));
  OAR_TRY(first_out(node, out, &o, err));
  if (o->dtype != x->dtype || !oar_shape_equal(&o->shape, &p.out))
    return mismatch(node, "output 'Out'", o, &p.out, err);
  oar_ref_slice(x->data, o->data, oar_dtype_bytes(x->dtype), p.rank, x->shape.dims, p.starts, p.steps,
                p.sliced.dims);
  return OAR_OK;
}

/* Reads only the input's shape: its data may be absent (OAR_OP_SHAPE_ONLY). */
oar_status oar_run_shape(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                         oar_error *err) {
  const oar_tensor_view *x = NULL;
  oar_tensor_view *o = NULL;
  OAR_TRY(run_input(node, in, 0, &x, err));
  OAR_TRY(first_out(node, out, &o, err));
  oar_shape want = {.rank = 1, .dims = {x->shape.rank}};
  if (o->dtype != OAR_DTYPE_INT32 || !oar_shape_equal(&o->shape, &want))
    return mismatch(node, "output 'Out'", o, &want, err);
  for (int i = 0; i < x->shape.rank; i++) {
    int64_t d = x->shape.dims[i];
    if (d > INT32_MAX)
      return oar_shapeops_fail(node, err, OAR_ERR_UNSUPPORTED,
                               "dim %d of input 'Input' (%lld) does not fit int32", i, (long long)d);
    int32_t v = (int32_t)d;
    memcpy((char *)o->data + (size_t)i * 4, &v, 4);
  }
  return OAR_OK;
}

oar_status oar_run_fill_constant(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                                 oar_error *err) {
  oar_tensor_view *o = NULL;
  oar_dtype dtype = OAR_DTYPE_UNKNOWN;
  OAR_TRY(first_out(node, out, &o, err));
  OAR_TRY(oar_shapeops_fill_dtype(node, &dtype, err));
  int64_t numel = oar_shape_numel(&o->shape);
  if (o->dtype != dtype || numel < 0)
    return oar_shapeops_fail(node, err, OAR_ERR_INTERNAL, "output 'Out' is %s, expected %s",
                             oar_dtype_str(o->dtype), oar_dtype_str(dtype));
  unsigned char value[8];
  OAR_TRY(oar_shapeops_fill_value(node, in, dtype, value, err));
  oar_ref_fill(o->data, oar_dtype_bytes(dtype), (size_t)numel, value);
  return OAR_OK;
}
