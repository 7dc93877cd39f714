/* resize_nd (float32): the reference kernel, and a prepared fast path for
 * nearest and linear resizes of the last two dims (NCHW images, NCW rows)
 * in every coordinate mode: per-axis tap tables computed once per plan
 * with the reference's own tap function, then separable row passes
 * (horizontal taps into row buffers, a vertical blend of two rows),
 * threaded over blocks of output rows. */
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/op_ext.h"
#include "kernels/ref/resize.h"
#include "runtime/kernel_state.h"
#include "runtime/ops/run_util.h"
#include "runtime/parallel_rows.h"

static oar_status resize_setup(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                               const oar_tensor_view **x, oar_tensor_view **y, oar_resize_params *p,
                               oar_error *err) {
  OAR_TRY(oar_op_require_input(node, in, OAR_RESIZE_IN_X, x, err));
  OAR_TRY(oar_run_output(node, out, 0, y, err));
  OAR_TRY(oar_run_expect_dtype(node, OAR_RESIZE_IN_X, *x, OAR_DTYPE_FLOAT32, err));
  oar_resize_plan plan;
  OAR_TRY(oar_resize_resolve(node, in, &(*x)->shape, &plan, err));
  *p = (oar_resize_params){
      .rank = (*x)->shape.rank,
      .mode = (int)oar_node_attr_i(node, OAR_RESIZE_ATTR_MODE),
      .coord = (int)oar_node_attr_i(node, OAR_RESIZE_ATTR_COORD),
      .nearest_mode = (int)oar_node_attr_i(node, OAR_RESIZE_ATTR_NEAREST_MODE),
      .cubic_a = oar_node_attr_f(node, OAR_RESIZE_ATTR_CUBIC_A),
      .extrapolation = oar_node_attr_f(node, OAR_RESIZE_ATTR_EXTRAPOLATION),
      .exclude_outside = oar_node_attr_i(node, OAR_RESIZE_ATTR_EXCLUDE_OUTSIDE) != 0,
  };
  for (int d = 0; d < p->rank; d++) {
    p->in[d] = (*x)->shape.dims[d];
    p->out[d] = plan.out.dims[d];
    p->scale[d] = plan.scale[d];
    p->roi_start[d] = plan.roi_start[d];
    p->roi_end[d] = plan.roi_end[d];
    if (p->in[d] == 0 && p->out[d] > 0)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "cannot resize an empty dim %d to %lld", d,
                           (long long)p->out[d]);
  }
  return OAR_OK;
}

oar_status oar_run_resize_nd(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  oar_resize_params p;
  OAR_TRY(resize_setup(node, in, out, &x, &y, &p, err));
  const size_t n = oar_ref_resize_scratch_taps(&p) + 1;
  int64_t *idx = oar_malloc(n * 4 * sizeof *idx);
  double *w = oar_malloc(n * 4 * sizeof *w);
  unsigned char *cnt = oar_malloc(n * 2);
  oar_status st = OAR_OK;
  if (!idx || !w || !cnt)
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for resize taps");
  else
    oar_ref_resize_f32(&p, x->data, y->data, idx, w, cnt, cnt + n);
  oar_free(idx);
  oar_free(w);
  oar_free(cnt);
  return st;
}

/* ---- prepared fast path ---------------------------------------------------
 * The tensor is [planes, H, W] with only H and W resized (the leading dims
 * map each index to itself). Per output index of an axis: two taps
 * (i0, w0), (i1, w1) (one tap: w1 = 0, i1 = i0) and an outside flag. An
 * axis is "single" when every index has one tap of weight 1 (nearest, or
 * an axis left as it is): its values are copied, bit for bit. */
typedef struct rz_axis {
  int32_t *i0, *i1;
  float *w0, *w1;
  unsigned char *outside;
  bool single, identity, any_outside;
} rz_axis;

typedef struct rz_state {
  oar_simple_state s;
  size_t planes, in_h, in_w, out_h, out_w;
  rz_axis h, w;
  float extrapolation;
  size_t tasks; /* row blocks run in parallel, each with 2 * out_w floats of workspace */
} rz_state;

typedef struct rz_job {
  const rz_state *st;
  const float *x;
  float *y;
  float *work;
} rz_job;

/* One input row through the horizontal taps into dst[out_w]. */
static void rz_row(const rz_state *st, const float *src, float *dst) {
  const rz_axis *a = &st->w;
  const size_t n = st->out_w;
  if (a->identity) {
    memcpy(dst, src, n * sizeof *dst);
  } else if (a->single) {
    const int32_t *i0 = a->i0;
    for (size_t j = 0; j < n; j++) dst[j] = src[i0[j]];
  } else {
    const int32_t *i0 = a->i0, *i1 = a->i1;
    const float *w0 = a->w0, *w1 = a->w1;
    for (size_t j = 0; j < n; j++) dst[j] = src[i0[j]] * w0[j] + src[i1[j]] * w1[j];
  }
}

static void rz_blend(const float *a, float wa, const float *b, float wb, float *dst, size_t n) {
  for (size_t j = 0; j < n; j++) dst[j] = a[j] * wa + b[j] * wb;
}

static void rz_rows(void *ctx, size_t begin, size_t end) {
  const rz_job *j = ctx;
  const rz_state *st = j->st;
  const size_t rows = st->planes * st->out_h, ow = st->out_w, in_plane = st->in_h * st->in_w;
  const float fill = st->extrapolation;
  for (size_t t = begin; t < end; t++) {
    const size_t r0 = rows * t / st->tasks, r1 = rows * (t + 1) / st->tasks;
    float *buf[2] = {j->work + t * 2 * ow, j->work + t * 2 * ow + ow};
    size_t tag[2] = {SIZE_MAX, SIZE_MAX}; /* the input row (plane * in_h + row) each buffer holds */
    size_t prev = SIZE_MAX;               /* the input row of output row r - 1 (single H) */
    for (size_t r = r0; r < r1; r++) {
      const size_t plane = r / st->out_h, oh = r % st->out_h;
      float *dst = j->y + r * ow;
      if (st->h.outside[oh]) {
        for (size_t k = 0; k < ow; k++) dst[k] = fill;
        prev = SIZE_MAX;
        continue;
      }
      const size_t a = plane * st->in_h + (size_t)st->h.i0[oh];
      if (st->h.single) {
        if (a == prev)
          memcpy(dst, dst - ow, ow * sizeof *dst);
        else
          rz_row(st, j->x + plane * in_plane + (size_t)st->h.i0[oh] * st->in_w, dst);
        prev = a;
      } else {
        const size_t b = plane * st->in_h + (size_t)st->h.i1[oh];
        const size_t want[2] = {a, b};
        float *src[2];
        for (int k = 0; k < 2; k++) {
          int slot = tag[0] == want[k] ? 0 : tag[1] == want[k] ? 1 : -1;
          if (slot < 0) {
            /* Replace the buffer that does not hold the other tap's row. */
            slot = tag[0] == want[1 - k] ? 1 : 0;
            rz_row(st, j->x + want[k] / st->in_h * in_plane + want[k] % st->in_h * st->in_w, buf[slot]);
            tag[slot] = want[k];
          }
          src[k] = buf[slot];
        }
        rz_blend(src[0], st->h.w0[oh], src[1], st->h.w1[oh], dst, ow);
      }
      if (st->w.any_outside)
        for (size_t k = 0; k < ow; k++)
          if (st->w.outside[k]) dst[k] = fill;
    }
  }
}

static oar_status run_resize_fast(const oar_op_state *state, const oar_node *n,
                                  const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                                  oar_error *err) {
  const rz_state *st = (const rz_state *)state;
  const oar_tensor_view *x = oar_op_input(n, in, OAR_RESIZE_IN_X);
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(n, out, 0, &y, err));
  rz_job j = {st, x->data, y->data, workspace};
  oar_parallel_for(st->tasks, 1, rz_rows, &j);
  return OAR_OK;
}

/* The reference's taps of output index o along dim d, with taps that
 * read the same index merged (an edge-clamped pair: their weights sum to
 * 1, and x * w0 + x * w1 rounds back to x). */
static int rz_taps(const oar_resize_params *p, int d, int64_t o, int64_t *idx, double *w, bool *outside) {
  int k = oar_ref_resize_taps(p, d, o, idx, w, outside);
  if (k == 2 && idx[0] == idx[1]) {
    w[0] += w[1];
    k = 1;
    if (w[0] > 1 - 1e-12 && w[0] < 1 + 1e-12) w[0] = 1.0;
  }
  return k;
}

/* Fills axis d's table (out entries); false when some index has more than
 * two taps (cubic) or none. */
static bool rz_fill_axis(const oar_resize_params *p, int d, rz_axis *a) {
  a->single = a->identity = true;
  a->any_outside = false;
  for (int64_t o = 0; o < p->out[d]; o++) {
    int64_t idx[4];
    double w[4];
    bool outside;
    const int k = rz_taps(p, d, o, idx, w, &outside);
    if (k < 1 || k > 2) return false;
    a->i0[o] = (int32_t)idx[0];
    a->w0[o] = (float)w[0];
    a->i1[o] = (int32_t)(k == 2 ? idx[1] : idx[0]);
    a->w1[o] = k == 2 ? (float)w[1] : 0.0f;
    a->outside[o] = outside;
    a->any_outside |= outside;
    if (k != 1 || w[0] != 1.0 || outside) a->single = false;
    if (k != 1 || w[0] != 1.0 || outside || idx[0] != o) a->identity = false;
  }
  if (p->out[d] != p->in[d]) a->identity = false;
  return true;
}

/* Bytes of one axis table of n entries, 16-byte aligned pieces. */
static size_t rz_axis_bytes(size_t n) { return (n * 4 * 4 + n + 64) & ~(size_t)15; }

static void rz_axis_at(unsigned char *mem, size_t n, rz_axis *a) {
  a->i0 = (int32_t *)mem;
  a->i1 = a->i0 + n;
  a->w0 = (float *)(a->i1 + n);
  a->w1 = a->w0 + n;
  a->outside = (unsigned char *)(a->w1 + n);
}

oar_status oar_prepare_resize_nd(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  oar_resize_params p;
  OAR_TRY(resize_setup(ctx->node, ctx->in, (oar_tensor_view *)ctx->out, &x, &y, &p, err));
  /* The taps depend on the Roi, Scales and Sizes values: they must be
   * known now. */
  for (int slot = OAR_RESIZE_IN_ROI; slot <= OAR_RESIZE_IN_SIZES; slot++)
    if (oar_op_input(ctx->node, ctx->in, slot) && !oar_prepare_input_known(ctx, slot)) return OAR_OK;
  if (p.rank < 2 || (p.mode != 0 && p.mode != 1)) return OAR_OK;
  const int r = p.rank;
  size_t planes = 1;
  for (int d = 0; d < r - 2; d++) {
    if (p.in[d] != p.out[d]) return OAR_OK;
    for (int64_t o = 0; o < p.out[d]; o++) {
      int64_t idx[4];
      double w[4];
      bool outside;
      if (rz_taps(&p, d, o, idx, w, &outside) != 1 || idx[0] != o || w[0] != 1.0 || outside) return OAR_OK;
    }
    planes *= (size_t)p.out[d];
  }
  const size_t in_h = (size_t)p.in[r - 2], in_w = (size_t)p.in[r - 1];
  const size_t out_h = (size_t)p.out[r - 2], out_w = (size_t)p.out[r - 1];
  if (planes == 0 || out_h == 0 || out_w == 0 || in_h * in_w > INT32_MAX || in_h > INT32_MAX ||
      in_w > INT32_MAX)
    return OAR_OK;
  const size_t hb = rz_axis_bytes(out_h), wb = rz_axis_bytes(out_w);
  unsigned char *mem = oar_aligned_alloc(hb + wb);
  rz_state *st = oar_state_new(sizeof *st, run_resize_fast, "resize rows");
  if (!mem || !st) {
    oar_aligned_free(mem);
    oar_free(st);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing the resize");
  }
  st->s.owned = mem;
  rz_axis_at(mem, out_h, &st->h);
  rz_axis_at(mem + hb, out_w, &st->w);
  if (!rz_fill_axis(&p, r - 2, &st->h) || !rz_fill_axis(&p, r - 1, &st->w)) {
    st->s.base.destroy(&st->s.base);
    return OAR_OK;
  }
  st->s.base.kernel = st->h.single && st->w.single ? "resize rows, nearest taps" : "resize rows, linear taps";
  st->planes = planes;
  st->in_h = in_h;
  st->in_w = in_w;
  st->out_h = out_h;
  st->out_w = out_w;
  st->extrapolation = (float)p.extrapolation;
  /* Row blocks: one when the output is small, else a few per thread (the
   * rows of a block share their horizontal passes). */
  const size_t rows = planes * out_h, total = rows * out_w;
  size_t tasks = 1;
  if (ctx->threads > 1 && total >= 4 * OAR_ELEMENTWISE_MIN_CHUNK) tasks = (size_t)ctx->threads * 4;
  if (tasks > rows) tasks = rows;
  st->tasks = tasks;
  st->s.base.workspace_bytes = tasks * 2 * out_w * sizeof(float);
  *state = &st->s.base;
  return OAR_OK;
}
