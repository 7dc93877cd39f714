/* conv_nd, conv_transpose_nd, pool_nd on the reference kernels (float32),
 * and the prepared fast paths, filters pre-packed: 1-D and 2-D conv_nd on
 * conv2d's GEMM paths (kernels/generic/conv_gemm.h), 3-D and up on an N-d
 * im2col GEMM (kernels/generic/conv_nd_gemm.h), 1-D and 2-D
 * conv_transpose_nd on GEMM + col2im (kernels/generic/deconv_gemm.h). */
#include <math.h>
#include <stdio.h>

#include "ir/ops/op_ext.h"
#include "kernels/generic/conv_gemm.h"
#include "kernels/generic/conv_nd_gemm.h"
#include "kernels/generic/deconv_gemm.h"
#include "kernels/ref/window_nd.h"
#include "runtime/kernel_state.h"
#include "runtime/ops/run_util.h"

static void to_params(const oar_window_geom *g, oar_window_params *p) {
  p->nsp = g->nsp;
  p->batch = g->batch;
  p->in_c = g->in_c;
  p->out_c = g->out_c;
  p->group = g->group;
  for (int i = 0; i < g->nsp; i++) {
    p->in[i] = g->in[i];
    p->out[i] = g->out[i];
    p->kernel[i] = g->kernel[i];
    p->stride[i] = g->stride[i];
    p->dilation[i] = g->dilation[i];
    p->pad_begin[i] = g->pad_begin[i];
    p->pad_end[i] = g->pad_end[i];
  }
}

/* The tensors of a conv_nd / conv_transpose_nd node (b NULL when absent),
 * dtypes and the bias checked, and its geometry. */
typedef struct win_conv_io {
  const oar_tensor_view *x, *w, *b;
  oar_tensor_view *y;
  oar_window_geom g;
} win_conv_io;

static oar_status read_conv(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                            win_conv_io *io, oar_error *err) {
  OAR_TRY(oar_op_require_input(n, in, OAR_WIN_IN_X, &io->x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_WIN_IN_W, &io->w, err));
  OAR_TRY(oar_run_output(n, out, OAR_WIN_OUT_Y, &io->y, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_WIN_IN_X, io->x, OAR_DTYPE_FLOAT32, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_WIN_IN_W, io->w, OAR_DTYPE_FLOAT32, err));
  io->b = oar_op_input(n, in, OAR_WIN_IN_B);
  OAR_TRY(oar_window_geometry(n, &io->x->shape, &io->w->shape, &io->g, err));
  if (io->b) {
    OAR_TRY(oar_run_expect_dtype(n, OAR_WIN_IN_B, io->b, OAR_DTYPE_FLOAT32, err));
    if (oar_view_numel(io->b) != io->g.out_c)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "bias B has %lld values for %lld output channels",
                           (long long)oar_view_numel(io->b), (long long)io->g.out_c);
  }
  return OAR_OK;
}

static oar_status run_conv(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                           bool transpose, oar_error *err) {
  win_conv_io io;
  OAR_TRY(read_conv(n, in, out, &io, err));
  oar_window_params p;
  to_params(&io.g, &p);
  const float *b = io.b ? io.b->data : NULL;
  if (transpose)
    oar_ref_conv_transpose_nd_f32(&p, io.x->data, io.w->data, b, io.y->data);
  else
    oar_ref_conv_nd_f32(&p, io.x->data, io.w->data, b, io.y->data);
  return OAR_OK;
}

oar_status oar_run_conv_nd(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                           oar_error *err) {
  return run_conv(node, in, out, false, err);
}

oar_status oar_run_conv_transpose_nd(const oar_node *node, const oar_tensor_view *const *in,
                                     oar_tensor_view *out, oar_error *err) {
  return run_conv(node, in, out, true, err);
}

oar_status oar_run_pool_nd(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                           oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, OAR_WIN_IN_X, &x, err));
  OAR_TRY(oar_run_output(node, out, OAR_WIN_OUT_Y, &y, err));
  OAR_TRY(oar_run_expect_dtype(node, OAR_WIN_IN_X, x, OAR_DTYPE_FLOAT32, err));
  oar_window_geom g;
  OAR_TRY(oar_window_geometry(node, &x->shape, NULL, &g, err));
  oar_window_params p;
  to_params(&g, &p);
  oar_ref_pool_nd_f32(&p, g.mode, g.count_include_pad, g.p, x->data, y->data);
  return OAR_OK;
}

/* ---- prepared fast path ------------------------------------------------------ */

typedef enum win_conv_kind {
  WIN_CONV_2D,        /* conv_nd, 1-D or 2-D: conv2d's GEMM paths */
  WIN_CONV_ND,        /* conv_nd, 3-D and up: N-d im2col GEMM */
  WIN_CONV_TRANSPOSE, /* conv_transpose_nd, 1-D or 2-D */
} win_conv_kind;

typedef struct win_conv_state {
  oar_simple_state s; /* owned: the packed filter */
  win_conv_kind kind;
  oar_conv_gemm cg;    /* WIN_CONV_2D */
  oar_conv_nd_gemm ng; /* WIN_CONV_ND */
  oar_deconv_gemm dg;  /* WIN_CONV_TRANSPOSE */
  char kernel[96];
} win_conv_state;

static oar_status run_conv_fast(const oar_op_state *state, const oar_node *n,
                                const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                                oar_error *err) {
  const win_conv_state *cs = (const win_conv_state *)state;
  /* Shapes, dtypes and the bias were checked when the plan was made (it
   * is made for exactly these shapes); only the data pointers are new. */
  const oar_tensor_view *x = oar_op_input(n, in, OAR_WIN_IN_X), *w = oar_op_input(n, in, OAR_WIN_IN_W),
                        *b = oar_op_input(n, in, OAR_WIN_IN_B);
  oar_tensor_view *y = oar_op_output(n, out, OAR_WIN_OUT_Y);
  if (!x || !w || !y) return oar_error_set(err, OAR_ERR_INTERNAL, "input X, W or output Y is not bound");
  const float *bias = b ? b->data : NULL;
  switch (cs->kind) {
    case WIN_CONV_2D:
      oar_conv_gemm_run(&cs->cg, x->data, w->data, bias, NULL, -INFINITY, INFINITY, NULL, y->data, workspace);
      break;
    case WIN_CONV_ND: oar_conv_nd_gemm_run(&cs->ng, x->data, w->data, bias, y->data, workspace); break;
    case WIN_CONV_TRANSPOSE: oar_deconv_gemm_run(&cs->dg, x->data, w->data, bias, y->data, workspace); break;
  }
  return OAR_OK;
}

typedef struct pack_args {
  const win_conv_state *cs;
  const float *filter;
} pack_args;

static void pack_cb(void *ctx, float *dst) {
  const pack_args *a = ctx;
  switch (a->cs->kind) {
    case WIN_CONV_2D: oar_conv_pack_filter(&a->cs->cg, a->filter, dst); break;
    case WIN_CONV_ND: oar_conv_nd_pack_filter(&a->cs->ng, a->filter, dst); break;
    case WIN_CONV_TRANSPOSE: oar_deconv_pack_filter(&a->cs->dg, a->filter, dst); break;
  }
}

/* 1-D and 2-D geometry as conv2d parameters (1-D: one row); false when
 * the fast path does not cover it (3-D and up, empty tensors, a negative
 * convolution padding). */
static bool as_conv2d(const oar_window_geom *g, bool transpose, oar_conv2d_params *p) {
  if (g->nsp < 1 || g->nsp > 2 || g->batch <= 0 || g->in_c <= 0 || g->out_c <= 0 || g->group <= 0)
    return false;
  const int h = g->nsp - 2; /* -1: no H dimension */
  for (int i = 0; i < g->nsp; i++)
    if (g->in[i] <= 0 || g->out[i] <= 0 || g->kernel[i] <= 0 || g->stride[i] <= 0 || g->dilation[i] <= 0 ||
        (!transpose && g->pad_begin[i] < 0))
      return false;
  const int w = g->nsp - 1;
  *p = (oar_conv2d_params){
      .batch = g->batch,
      .in_c = g->in_c,
      .in_h = h >= 0 ? g->in[h] : 1,
      .in_w = g->in[w],
      .out_c = g->out_c,
      .out_h = h >= 0 ? g->out[h] : 1,
      .out_w = g->out[w],
      .kernel_h = h >= 0 ? g->kernel[h] : 1,
      .kernel_w = g->kernel[w],
      .stride_h = h >= 0 ? g->stride[h] : 1,
      .stride_w = g->stride[w],
      .pad_top = h >= 0 ? g->pad_begin[h] : 0,
      .pad_left = g->pad_begin[w],
      .dilation_h = h >= 0 ? g->dilation[h] : 1,
      .dilation_w = g->dilation[w],
      .groups = g->group,
  };
  return true;
}

/* 3-D and up: every size >= 1, no negative padding. */
static bool nd_ok(const oar_window_geom *g) {
  if (g->nsp < 3 || g->batch <= 0 || g->in_c <= 0 || g->out_c <= 0 || g->group <= 0) return false;
  for (int i = 0; i < g->nsp; i++)
    if (g->in[i] <= 0 || g->out[i] <= 0 || g->kernel[i] <= 0 || g->stride[i] <= 0 || g->dilation[i] <= 0 ||
        g->pad_begin[i] < 0)
      return false;
  return true;
}

static oar_status prepare_conv(const oar_prepare_ctx *ctx, bool transpose, oar_op_state **state,
                               oar_error *err) {
  win_conv_io io;
  OAR_TRY(read_conv(ctx->node, ctx->in, (oar_tensor_view *)ctx->out, &io, err));
  oar_conv2d_params p;
  win_conv_kind kind;
  if (as_conv2d(&io.g, transpose, &p))
    kind = transpose ? WIN_CONV_TRANSPOSE : WIN_CONV_2D;
  else if (!transpose && nd_ok(&io.g))
    kind = WIN_CONV_ND;
  else
    return OAR_OK;
  win_conv_state *cs = oar_state_new(sizeof *cs, run_conv_fast, NULL);
  if (!cs) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing the convolution");
  cs->kind = kind;
  size_t floats = 0, workspace = 0;
  const char *algo = "";
  /* The weight-cache key tells the packings of one filter apart: conv2d's
   * (0: rows, which the N-d path shares; 1: pixel-major columns; conv_nd
   * packs exactly as conv2d does, and plans for other shapes may pick the
   * other one) and the transposed convolution's (2). */
  int64_t key[4] = {0, io.g.out_c / io.g.group, 0, io.g.group};
  switch (kind) {
    case WIN_CONV_2D:
      oar_conv_gemm_init(&cs->cg, &p, ctx->kernels, ctx->threads);
      floats = oar_conv_packed_filter_floats(&cs->cg);
      workspace = cs->cg.workspace_bytes;
      algo = cs->cg.algo == OAR_CONV_DEPTHWISE ? "depthwise" : cs->cg.algo == OAR_CONV_GEMV ? "gemv" : "gemm";
      key[0] = cs->cg.algo == OAR_CONV_GEMM_PIXELS;
      key[2] = p.in_c / p.groups * p.kernel_h * p.kernel_w;
      break;
    case WIN_CONV_ND: {
      oar_window_params wp;
      to_params(&io.g, &wp);
      oar_conv_nd_gemm_init(&cs->ng, &wp, ctx->kernels, ctx->threads);
      floats = oar_conv_nd_packed_filter_floats(&cs->ng);
      workspace = cs->ng.workspace_bytes;
      algo = "im2col gemm";
      key[2] = io.g.in_c / io.g.group;
      for (int i = 0; i < io.g.nsp; i++) key[2] *= io.g.kernel[i];
      break;
    }
    case WIN_CONV_TRANSPOSE:
      oar_deconv_gemm_init(&cs->dg, &p, ctx->kernels, ctx->threads, -1);
      floats = oar_deconv_packed_filter_floats(&cs->dg);
      workspace = cs->dg.workspace_bytes;
      algo = cs->dg.direct ? "direct scatter" : "gemm+col2im";
      key[0] = 2;
      key[2] = p.in_c / p.groups * p.kernel_h * p.kernel_w;
      break;
  }
  if (floats == SIZE_MAX || workspace == SIZE_MAX) {
    cs->s.base.destroy(&cs->s.base);
    return oar_error_set(
        err, OAR_ERR_INVALID_ARGUMENT,
        "convolution too large to run (filter panels or scratch overflow the address space)");
  }
  const float *packed;
  oar_status st = oar_prepare_pack_weight(ctx, OAR_WIN_IN_W, io.w->data, key, floats, pack_cb,
                                          &(pack_args){cs, io.w->data}, &cs->s, &packed, err);
  if (st != OAR_OK) {
    cs->s.base.destroy(&cs->s.base);
    return st;
  }
  cs->cg.packed_filter = cs->ng.packed_filter = cs->dg.packed_filter = packed;
  cs->s.base.workspace_bytes = workspace;
  const bool no_gemm = kind == WIN_CONV_TRANSPOSE && cs->dg.direct;
  snprintf(cs->kernel, sizeof cs->kernel, "%s %dd %s%s%s%s", transpose ? "conv_transpose" : "conv", io.g.nsp,
           algo, packed ? " (packed filter)" : "", no_gemm ? "" : ", ",
           no_gemm ? "" : ctx->kernels->gemm_name);
  cs->s.base.kernel = cs->kernel;
  *state = &cs->s.base;
  return OAR_OK;
}

oar_status oar_prepare_conv_nd(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  return prepare_conv(ctx, false, state, err);
}

oar_status oar_prepare_conv_transpose_nd(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  return prepare_conv(ctx, true, state, err);
}
