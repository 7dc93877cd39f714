/* The blocked-layout ops (ir/ops/blocked_layout.h).
 *
 * Plain run functions are the reference: they change the layout to NCHW,
 * run the reference kernel and change it back (they allocate, and are
 * slow; they run when the plan's ISA level has no blocked kernel, e.g.
 * under OAR_ISA=generic). Prepared, conv2d_blocked and pool2d_blocked run
 * the blocked kernels of kernels/generic/conv16c.h, dwconv16c.h and
 * pool16c.h, and the layout changes tiled transposes (f32_transpose.h). */
#include "ir/ops/blocked_layout.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/conv.h"
#include "ir/ops/infer_util.h"
#include "ir/ops/pool.h"
#include "kernels/generic/conv16c.h"
#include "kernels/generic/dwconv16c.h"
#include "kernels/generic/f32_transpose.h"
#include "kernels/generic/pool16c.h"
#include "kernels/generic/wino16c.h"
#include "kernels/ref/conv.h"
#include "kernels/ref/pool.h"
#include "runtime/kernel_state.h"
#include "runtime/ops/conv_io.h"
#include "runtime/ops/geom_params.h"
#include "runtime/ops/run_util.h"
#include "runtime/parallel_rows.h"

static size_t numel_sz(const oar_tensor_view *v) { return (size_t)oar_view_numel(v); }

/* ---- layout changes --------------------------------------------------------- */

static oar_status layout_io(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                            const oar_tensor_view **x, oar_tensor_view **y, oar_error *err) {
  OAR_TRY(oar_op_require_input(n, in, OAR_LAYOUT_IN_X, x, err));
  OAR_TRY(oar_run_output(n, out, OAR_LAYOUT_OUT_OUT, y, err));
  return oar_run_expect_dtype(n, OAR_LAYOUT_IN_X, *x, OAR_DTYPE_FLOAT32, err);
}

oar_status oar_run_layout_to_blocked(const oar_node *n, const oar_tensor_view *const *in,
                                     oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(layout_io(n, in, out, &x, &y, err));
  const oar_shape *s = &x->shape;
  oar_nchw_to_nchw16c(x->data, (size_t)s->dims[0], (size_t)s->dims[1], (size_t)(s->dims[2] * s->dims[3]),
                      y->data);
  return OAR_OK;
}

oar_status oar_run_layout_from_blocked(const oar_node *n, const oar_tensor_view *const *in,
                                       oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(layout_io(n, in, out, &x, &y, err));
  const oar_shape *s = &y->shape;
  oar_nchw16c_to_nchw(x->data, (size_t)s->dims[0], (size_t)s->dims[1], (size_t)(s->dims[2] * s->dims[3]),
                      y->data);
  return OAR_OK;
}

/* Prepared: cache-tiled transposes (kernels/generic/f32_transpose.h) of
 * chunks of pixels of each 16-channel block, split over the pool. */
enum { LAYOUT_CHUNK = 512 }; /* pixels per unit of work */

typedef struct layout_state {
  oar_simple_state s;
  bool to_blocked;
  size_t n, c, hw, blocks, chunks;
} layout_state;

typedef struct layout_job {
  const layout_state *st;
  const float *x;
  float *y;
} layout_job;

static void layout_range(void *ctx, size_t begin, size_t end) {
  const layout_job *j = ctx;
  const layout_state *st = j->st;
  for (size_t u = begin; u < end; u++) {
    const size_t chunk = u % st->chunks, nb = u / st->chunks, b = nb / st->blocks, cb = nb % st->blocks;
    const size_t lanes = st->c - cb * 16 < 16 ? st->c - cb * 16 : 16;
    const size_t p0 = chunk * LAYOUT_CHUNK, p1 = p0 + LAYOUT_CHUNK < st->hw ? p0 + LAYOUT_CHUNK : st->hw;
    const size_t plain = (b * st->c + cb * 16) * st->hw, blocked = nb * st->hw * 16;
    if (st->to_blocked)
      oar_f32_to_blocked16(j->x + plain, st->hw, lanes, j->y + blocked, p0, p1);
    else
      oar_f32_from_blocked16(j->x + blocked, st->hw, lanes, j->y + plain, p0, p1);
  }
}

static oar_status run_layout_fast(const oar_op_state *state, const oar_node *n,
                                  const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                                  oar_error *err) {
  const layout_state *st = (const layout_state *)state;
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(layout_io(n, in, out, &x, &y, err));
  layout_job j = {st, x->data, y->data};
  oar_parallel_rows(st->n * st->blocks * st->chunks, LAYOUT_CHUNK * 16, layout_range, &j);
  return OAR_OK;
}

static oar_status prepare_layout(const oar_prepare_ctx *ctx, bool to_blocked, oar_op_state **state,
                                 oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  oar_error ignored;
  if (layout_io(ctx->node, ctx->in, (oar_tensor_view *)ctx->out, &x, &y, &ignored) != OAR_OK) return OAR_OK;
  const oar_shape *s = to_blocked ? &x->shape : &y->shape;
  if (s->rank != 4) return OAR_OK;
  for (int d = 0; d < 4; d++)
    if (s->dims[d] < 0) return OAR_OK;
  const size_t n = (size_t)s->dims[0], c = (size_t)s->dims[1], hw = (size_t)(s->dims[2] * s->dims[3]);
  if (n == 0 || c == 0 || hw == 0) return OAR_OK;
  layout_state *st = oar_state_new(sizeof *st, run_layout_fast,
                                   to_blocked ? "nchw -> nchw16c tiles" : "nchw16c -> nchw tiles");
  if (!st) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing a layout change");
  st->to_blocked = to_blocked;
  st->n = n;
  st->c = c;
  st->hw = hw;
  st->blocks = oar_blocks16(c);
  st->chunks = (hw + LAYOUT_CHUNK - 1) / LAYOUT_CHUNK;
  *state = &st->s.base;
  return OAR_OK;
}

oar_status oar_prepare_layout_to_blocked(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  return prepare_layout(ctx, true, state, err);
}

oar_status oar_prepare_layout_from_blocked(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  return prepare_layout(ctx, false, state, err);
}

/* ---- conv2d_blocked ------------------------------------------------------------ */

oar_status oar_run_conv2d_blocked(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                  oar_error *err) {
  oar_conv_io io;
  OAR_TRY(oar_conv_read_io(n, in, out, &io, err));
  const oar_conv2d_params *p = &io.p;
  const size_t hw_in = (size_t)(p->in_h * p->in_w), hw_out = (size_t)(p->out_h * p->out_w);
  const size_t n_in = (size_t)(p->batch * p->in_c) * hw_in, n_out = (size_t)(p->batch * p->out_c) * hw_out;
  float *x = io.blocked_input ? oar_malloc((n_in ? n_in : 1) * sizeof *x) : NULL;
  float *y = oar_malloc((n_out ? n_out : 1) * sizeof *y);
  float *r = io.res ? oar_malloc((n_out ? n_out : 1) * sizeof *r) : NULL;
  if ((io.blocked_input && !x) || !y || (io.res && !r)) {
    oar_free(x);
    oar_free(y);
    oar_free(r);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory changing the layout (%zu bytes)",
                         (n_in + 2 * n_out) * sizeof(float));
  }
  if (io.blocked_input) oar_nchw16c_to_nchw(io.x->data, (size_t)p->batch, (size_t)p->in_c, hw_in, x);
  if (r) oar_nchw16c_to_nchw(io.res->data, (size_t)p->batch, (size_t)p->out_c, hw_out, r);
  oar_ref_conv2d_f32(p, io.blocked_input ? x : io.x->data, io.w->data, io.bias ? io.bias->data : NULL, r, y);
  if (io.has_act) oar_ref_activation_f32(&io.act, y, y, n_out);
  oar_status st = OAR_OK;
  const int64_t *pad = io.pad_out;
  if (!pad[0] && !pad[1] && !pad[2] && !pad[3]) {
    oar_nchw_to_nchw16c(y, (size_t)p->batch, (size_t)p->out_c, hw_out, io.y->data);
  } else {
    const size_t planes = (size_t)p->batch * oar_blocks16((size_t)p->out_c);
    float *yb = oar_malloc((planes ? planes : 1) * hw_out * 16 * sizeof *yb);
    if (!yb) {
      st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory changing the layout (%zu bytes)",
                         planes * hw_out * 16 * sizeof *yb);
    } else {
      oar_nchw_to_nchw16c(y, (size_t)p->batch, (size_t)p->out_c, hw_out, yb);
      oar_pad_planes(yb, planes, (size_t)p->out_h, (size_t)p->out_w, 16, (size_t)pad[0], (size_t)pad[2],
                     (size_t)(p->out_h + pad[0] + pad[1]), (size_t)(p->out_w + pad[2] + pad[3]), io.y->data,
                     false);
      oar_free(yb);
    }
  }
  oar_free(x);
  oar_free(y);
  oar_free(r);
  return st;
}

/* Weight-cache keys of the blocked packings (the NCHW convolution's use 0
 * and 1: conv.c). */
enum {
  PACKING_BLOCKED = 16,
  PACKING_PLAIN_INPUT = 17,
  PACKING_WINOGRAD = 18,
  PACKING_BLOCKED_BF16 = 48,
  PACKING_PLAIN_INPUT_BF16 = 49
};

typedef struct pack_args {
  const oar_conv16c *c;
  const float *filter;
} pack_args;

static void pack_cb(void *ctx, float *dst) {
  const pack_args *a = ctx;
  oar_conv16c_pack_filter(a->c, a->filter, dst);
}

/* The filter packed by pack(pack_ctx, dst) into `floats` floats: from the
 * weight cache (shared by every plan and clone) when the filter is a
 * constant, the key telling this packing from the others of the same
 * filter; else into *owned, which the caller frees. */
static oar_status packed_filter(const oar_prepare_ctx *ctx, const oar_conv_io *io, int64_t packing,
                                size_t floats, oar_weight_pack_fn pack, void *pack_ctx, const float **packed,
                                float **owned, oar_error *err) {
  const oar_conv2d_params *p = &io->p;
  const int filter_pos = oar_node_in_pos(ctx->node, OAR_CONV_IN_FILTER, 0);
  *owned = NULL;
  if (ctx->weights && filter_pos >= 0 && ctx->in_constant[filter_pos]) {
    const int64_t key[4] = {packing, p->out_c, p->in_c * p->kernel_h * p->kernel_w, p->groups};
    return oar_weight_cache_get(ctx->weights, io->w->data, ctx->kernels, key, floats, pack, pack_ctx, packed,
                                err);
  }
  float *buf = oar_aligned_alloc((floats ? floats : 1) * sizeof *buf);
  if (!buf)
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory packing the filter (%zu bytes)",
                         floats * sizeof *buf);
  pack(pack_ctx, buf);
  *packed = *owned = buf;
  return OAR_OK;
}

/* The tensors a prepared blocked convolution runs on (bias and res NULL
 * when absent), the Bias checked against out_c. */
typedef struct bconv_tensors {
  const float *x, *bias, *res;
  float *y;
} bconv_tensors;

static oar_status bconv_tensors_of(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                   int64_t out_c, bconv_tensors *t, oar_error *err) {
  const oar_tensor_view *x = oar_op_input(n, in, OAR_CONV_IN_INPUT);
  const oar_tensor_view *bias = oar_op_input(n, in, OAR_CONV_IN_BIAS),
                        *res = oar_op_input(n, in, OAR_CONV_IN_RESIDUAL);
  oar_tensor_view *y = oar_op_output(n, out, OAR_CONV_OUT_OUTPUT);
  if (!x || !y) return oar_error_set(err, OAR_ERR_INTERNAL, "input 'Input' or output 'Output' is not bound");
  if (bias && oar_view_numel(bias) != out_c)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input 'Bias' has %lld values, expected %lld",
                         (long long)oar_view_numel(bias), (long long)out_c);
  *t = (bconv_tensors){x->data, bias ? bias->data : NULL, res ? res->data : NULL, y->data};
  return OAR_OK;
}

typedef struct bconv_state {
  oar_simple_state s; /* owned: the packed filter when not cached */
  oar_conv16c c;
  const float *packed;
  oar_fused_epilogue epi;
  char kernel[96];
} bconv_state;

static oar_status run_bconv_fast(const oar_op_state *state, const oar_node *n,
                                 const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                                 oar_error *err) {
  const bconv_state *cs = (const bconv_state *)state;
  bconv_tensors t = {0};
  OAR_TRY(bconv_tensors_of(n, in, out, cs->c.p.out_c, &t, err));
  oar_conv16c_run(&cs->c, t.x, cs->packed, t.bias, t.res, cs->epi.lo, cs->epi.hi,
                  cs->epi.post ? &cs->epi.act : NULL, t.y, workspace);
  return OAR_OK;
}

/* Depthwise: the filter is small (taps x channels), packed per plan. */
typedef struct bdw_state {
  oar_simple_state s; /* owned: the packed filter */
  oar_dwconv16c c;
  oar_fused_epilogue epi;
  char kernel[96];
} bdw_state;

static oar_status run_bdw_fast(const oar_op_state *state, const oar_node *n, const oar_tensor_view *const *in,
                               oar_tensor_view *out, void *workspace, oar_error *err) {
  const bdw_state *cs = (const bdw_state *)state;
  bconv_tensors t = {0};
  OAR_TRY(bconv_tensors_of(n, in, out, cs->c.p.out_c, &t, err));
  oar_dwconv16c_run(&cs->c, t.x, cs->s.owned, t.bias, t.res, cs->epi.lo, cs->epi.hi,
                    cs->epi.post ? &cs->epi.act : NULL, t.y, workspace);
  return OAR_OK;
}

static oar_status prepare_depthwise(const oar_prepare_ctx *ctx, const oar_conv_io *io, oar_op_state **state,
                                    oar_error *err) {
  const oar_conv2d_params *p = &io->p;
  bdw_state *cs = oar_state_new(sizeof *cs, run_bdw_fast, NULL);
  if (!cs) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing the convolution");
  oar_dwconv16c_init(&cs->c, p, ctx->kernels, ctx->threads);
  oar_fused_epilogue_from(io->has_act, &io->act, &cs->epi);
  const size_t floats = oar_dwconv16c_packed_floats(&cs->c);
  float *packed = floats == SIZE_MAX || cs->c.workspace_bytes == SIZE_MAX
                      ? NULL
                      : oar_aligned_alloc((floats ? floats : 1) * sizeof *packed);
  if (!packed) {
    cs->s.base.destroy(&cs->s.base);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory packing the depthwise filter");
  }
  oar_dwconv16c_pack_filter(&cs->c, io->w->data, packed);
  cs->s.owned = packed;
  cs->s.base.workspace_bytes = cs->c.workspace_bytes;
  snprintf(cs->kernel, sizeof cs->kernel, "depthwise %lldx%lld nchw16c x%d", (long long)p->kernel_h,
           (long long)p->kernel_w, cs->c.slots);
  cs->s.base.kernel = cs->kernel;
  *state = &cs->s.base;
  return OAR_OK;
}

/* Winograd F(2x2, 3x3): the filter transformed (16/9 its size) and packed. */
typedef struct wino_pack_args {
  const oar_wino16c *c;
  const float *filter;
} wino_pack_args;

static void wino_pack_cb(void *ctx, float *dst) {
  const wino_pack_args *a = ctx;
  oar_wino16c_pack_filter(a->c, a->filter, dst);
}

typedef struct bwino_state {
  oar_simple_state s; /* owned: the packed filter when not cached */
  oar_wino16c c;
  const float *packed;
  oar_fused_epilogue epi;
  char kernel[96];
} bwino_state;

static oar_status run_bwino_fast(const oar_op_state *state, const oar_node *n,
                                 const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                                 oar_error *err) {
  const bwino_state *cs = (const bwino_state *)state;
  bconv_tensors t = {0};
  OAR_TRY(bconv_tensors_of(n, in, out, cs->c.p.out_c, &t, err));
  oar_wino16c_run(&cs->c, t.x, cs->packed, t.bias, t.res, cs->epi.lo, cs->epi.hi,
                  cs->epi.post ? &cs->epi.act : NULL, t.y, workspace);
  return OAR_OK;
}

static oar_status prepare_winograd(const oar_prepare_ctx *ctx, const oar_conv_io *io, oar_op_state **state,
                                   oar_error *err) {
  const oar_conv2d_params *p = &io->p;
  bwino_state *cs = oar_state_new(sizeof *cs, run_bwino_fast, NULL);
  if (!cs) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing the convolution");
  oar_wino16c_init(&cs->c, p, ctx->kernels, ctx->threads);
  oar_blocked_planes_pad_output(&cs->c.bp, &cs->c.p, (size_t)io->pad_out[0], (size_t)io->pad_out[1],
                                (size_t)io->pad_out[2], (size_t)io->pad_out[3]);
  oar_fused_epilogue_from(io->has_act, &io->act, &cs->epi);
  const size_t floats = oar_wino16c_packed_floats(&cs->c);
  if (floats == SIZE_MAX || cs->c.workspace_bytes == SIZE_MAX) {
    cs->s.base.destroy(&cs->s.base);
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                         "convolution too large to run (filter or scratch overflow the address space)");
  }
  float *owned;
  oar_status st = packed_filter(ctx, io, PACKING_WINOGRAD, floats, wino_pack_cb,
                                &(wino_pack_args){&cs->c, io->w->data}, &cs->packed, &owned, err);
  if (st != OAR_OK) {
    cs->s.base.destroy(&cs->s.base);
    return st;
  }
  cs->s.owned = owned;
  cs->s.base.workspace_bytes = cs->c.workspace_bytes;
  snprintf(cs->kernel, sizeof cs->kernel, "conv2d 3x3 nchw16c winograd F(2x2,3x3) x%d", cs->c.slots);
  cs->s.base.kernel = cs->kernel;
  *state = &cs->s.base;
  return OAR_OK;
}

oar_status oar_prepare_conv2d_blocked(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  oar_conv_io io;
  OAR_TRY(oar_conv_read_io(ctx->node, ctx->in, (oar_tensor_view *)ctx->out, &io, err));
  const oar_conv2d_params *p = &io.p;
  const bool pad_out = io.pad_out[0] || io.pad_out[1] || io.pad_out[2] || io.pad_out[3];
  if (io.blocked_input && !pad_out && oar_dwconv16c_supported(p, ctx->kernels) &&
      oar_prepare_input_known(ctx, OAR_CONV_IN_FILTER))
    return prepare_depthwise(ctx, &io, state, err);
  if (!oar_prepare_input_known(ctx, OAR_CONV_IN_FILTER)) return OAR_OK;
  /* bfloat16: the direct bf16 tile, Winograd layers included (measured
   * faster than Winograd in float32: README, bf16), and a plain NCHW
   * input (a first layer, few channels) too. */
  const bool bf16 = oar_conv16c_supported_bf16(p, ctx->kernels, ctx->bf16);
  if (!bf16 && io.blocked_input &&
      strcmp(oar_op_attr_str(ctx->node, OAR_CONV_ATTR_ALGORITHM), "winograd") == 0 &&
      oar_wino16c_supported(p, ctx->kernels))
    return prepare_winograd(ctx, &io, state, err);
  if (!oar_conv16c_supported(p, ctx->kernels)) return OAR_OK;
  bconv_state *cs = oar_state_new(sizeof *cs, run_bconv_fast, NULL);
  if (!cs) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing the convolution");
  if (bf16)
    oar_conv16c_init_bf16(&cs->c, p, ctx->kernels, ctx->bf16, ctx->threads, !io.blocked_input);
  else if (!io.blocked_input)
    oar_conv16c_init_plain_input(&cs->c, p, ctx->kernels, ctx->threads);
  else
    oar_conv16c_init(&cs->c, p, ctx->kernels, ctx->threads);
  oar_blocked_planes_pad_output(&cs->c.bp, &cs->c.p, (size_t)io.pad_out[0], (size_t)io.pad_out[1],
                                (size_t)io.pad_out[2], (size_t)io.pad_out[3]);
  oar_fused_epilogue_from(io.has_act, &io.act, &cs->epi);
  const size_t floats = oar_conv16c_packed_floats(&cs->c);
  if (floats == SIZE_MAX || cs->c.workspace_bytes == SIZE_MAX) {
    cs->s.base.destroy(&cs->s.base);
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                         "convolution too large to run (filter or scratch overflow the address space)");
  }
  float *owned;
  const int64_t packing = bf16 ? (io.blocked_input ? PACKING_BLOCKED_BF16 : PACKING_PLAIN_INPUT_BF16)
                          : io.blocked_input ? PACKING_BLOCKED
                                             : PACKING_PLAIN_INPUT;
  oar_status st = packed_filter(ctx, &io, packing, floats, pack_cb, &(pack_args){&cs->c, io.w->data},
                                &cs->packed, &owned, err);
  if (st != OAR_OK) {
    cs->s.base.destroy(&cs->s.base);
    return st;
  }
  cs->s.owned = owned;
  cs->s.base.workspace_bytes = cs->c.workspace_bytes;
  snprintf(cs->kernel, sizeof cs->kernel, "conv2d %lldx%lld %snchw16c direct%s x%d", (long long)p->kernel_h,
           (long long)p->kernel_w, !io.blocked_input ? "nchw -> " : "", bf16 ? " bf16__avx512bf16" : "",
           cs->c.slots);
  cs->s.base.kernel = cs->kernel;
  *state = &cs->s.base;
  return OAR_OK;
}

/* ---- pool2d_blocked ------------------------------------------------------------- */

static oar_status bpool_params(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                               const oar_tensor_view **xp, oar_tensor_view **yp, oar_pool2d_params *pp,
                               oar_error *err) {
  OAR_TRY(oar_op_require_input(n, in, OAR_POOL_IN_X, xp, err));
  OAR_TRY(oar_run_output(n, out, OAR_POOL_OUT_OUT, yp, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_POOL_IN_X, *xp, OAR_DTYPE_FLOAT32, err));
  oar_shape nchw;
  OAR_TRY(oar_blocked_as_nchw(&(*xp)->shape, "X", -1, &nchw, err));
  oar_pool2d_geom g;
  OAR_TRY(oar_pool2d_geometry(n, &nchw, &g, err));
  *pp = oar_pool_params_of(&g);
  return OAR_OK;
}

oar_status oar_run_pool2d_blocked(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                  oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  oar_pool2d_params p;
  OAR_TRY(bpool_params(n, in, out, &x, &y, &p, err));
  const size_t hw_in = (size_t)(p.in_h * p.in_w), hw_out = (size_t)(p.out_h * p.out_w);
  float *xn = oar_malloc((numel_sz(x) ? numel_sz(x) : 1) * sizeof *xn);
  float *yn = oar_malloc((numel_sz(y) ? numel_sz(y) : 1) * sizeof *yn);
  if (!xn || !yn) {
    oar_free(xn);
    oar_free(yn);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory changing the layout");
  }
  oar_nchw16c_to_nchw(x->data, (size_t)p.batch, (size_t)p.channels, hw_in, xn);
  oar_ref_pool2d_f32(&p, xn, yn);
  oar_nchw_to_nchw16c(yn, (size_t)p.batch, (size_t)p.channels, hw_out, y->data);
  oar_free(xn);
  oar_free(yn);
  return OAR_OK;
}

typedef struct bpool_state {
  oar_simple_state s;
  const oar_f32_kernels *kr;
  int threads;
} bpool_state;

static oar_status run_bpool_fast(const oar_op_state *state, const oar_node *n,
                                 const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                                 oar_error *err) {
  (void)workspace;
  const bpool_state *st = (const bpool_state *)state;
  const oar_tensor_view *x;
  oar_tensor_view *y;
  oar_pool2d_params p;
  OAR_TRY(bpool_params(n, in, out, &x, &y, &p, err));
  oar_pool16c_run(&p, st->kr, st->threads, x->data, y->data);
  return OAR_OK;
}

oar_status oar_prepare_pool2d_blocked(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  oar_pool2d_params p;
  OAR_TRY(bpool_params(ctx->node, ctx->in, (oar_tensor_view *)ctx->out, &x, &y, &p, err));
  if (!oar_pool16c_supported(&p, ctx->kernels)) return OAR_OK;
  bpool_state *st =
      oar_state_new(sizeof *st, run_bpool_fast, p.is_max ? "max pool2d nchw16c" : "avg pool2d nchw16c");
  if (!st) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing pool2d");
  st->kr = ctx->kernels;
  st->threads = ctx->threads;
  *state = &st->s.base;
  return OAR_OK;
}
