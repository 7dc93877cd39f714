/* conv2d / depthwise_conv2d: the reference kernel (plain run), and the
 * fast path prepared at plan time (NCHW float32): filter packed into GEMM
 * panels once, algorithm picked per shape (kernels/generic/conv_gemm.h). */
#include "ir/ops/conv.h"

#include <stdio.h>

#include "base/alloc.h"
#include "kernels/generic/conv_gemm.h"
#include "kernels/ref/conv.h"
#include "runtime/kernel_state.h"
#include "runtime/ops/conv_io.h"
#include "runtime/ops/run_util.h"

static oar_status run_conv(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                           oar_error *err) {
  oar_conv_io io;
  OAR_TRY(oar_conv_read_io(n, in, out, &io, err));
  oar_ref_conv2d_f32(&io.p, io.x->data, io.w->data, io.bias ? io.bias->data : NULL,
                     io.res ? io.res->data : NULL, io.y->data);
  if (io.has_act) oar_ref_activation_f32(&io.act, io.y->data, io.y->data, oar_view_numel(io.y));
  return OAR_OK;
}

oar_status oar_run_conv2d(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                          oar_error *err) {
  return run_conv(node, in, out, err);
}

oar_status oar_run_depthwise_conv2d(const oar_node *node, const oar_tensor_view *const *in,
                                    oar_tensor_view *out, oar_error *err) {
  return run_conv(node, in, out, err);
}

/* ---- prepared fast path ---------------------------------------------------- */

/* Packs a filter for the weight cache. */
typedef struct pack_filter_args {
  const oar_conv_gemm *cg;
  const float *filter;
} pack_filter_args;

static void pack_filter_cb(void *ctx, float *dst) {
  const pack_filter_args *a = ctx;
  oar_conv_pack_filter(a->cg, a->filter, dst);
}

typedef struct conv_state {
  oar_simple_state s; /* owned: the packed filter */
  oar_conv_gemm cg;
  oar_fused_epilogue epi;
  char kernel[96];
} conv_state;

static oar_status run_conv_fast(const oar_op_state *state, const oar_node *n,
                                const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                                oar_error *err) {
  const conv_state *cs = (const conv_state *)state;
  /* Shapes, dtypes and attributes were checked when the plan was made (it
   * is made for exactly these shapes); only the data pointers are new. */
  const oar_tensor_view *x = oar_op_input(n, in, OAR_CONV_IN_INPUT),
                        *w = oar_op_input(n, in, OAR_CONV_IN_FILTER);
  const oar_tensor_view *bias = oar_op_input(n, in, OAR_CONV_IN_BIAS),
                        *res = oar_op_input(n, in, OAR_CONV_IN_RESIDUAL);
  oar_tensor_view *y = oar_op_output(n, out, OAR_CONV_OUT_OUTPUT);
  if (!x || !w || !y)
    return oar_error_set(err, OAR_ERR_INTERNAL, "input 'Input', 'Filter' or output 'Output' is not bound");
  if (bias && oar_view_numel(bias) != cs->cg.p.out_c)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input 'Bias' has %lld values, expected %lld",
                         (long long)oar_view_numel(bias), (long long)cs->cg.p.out_c);
  oar_conv_gemm_run(&cs->cg, x->data, w->data, bias ? bias->data : NULL, res ? res->data : NULL, cs->epi.lo,
                    cs->epi.hi, cs->epi.post ? &cs->epi.act : NULL, y->data, workspace);
  return OAR_OK;
}

static const char *algo_name(oar_conv_algo a) {
  switch (a) {
    case OAR_CONV_GEMM_1X1: return "1x1 gemm";
    case OAR_CONV_GEMM_IM2COL: return "im2col gemm";
    case OAR_CONV_GEMM_PIXELS: return "pixel-major gemm";
    case OAR_CONV_GEMV: return "gemv";
    case OAR_CONV_DEPTHWISE: return "depthwise";
  }
  return "?";
}

static oar_status prepare_conv(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  oar_conv_io io;
  OAR_TRY(oar_conv_read_io(ctx->node, ctx->in, (oar_tensor_view *)ctx->out, &io, err));
  const oar_conv2d_params *p = &io.p;
  /* NHWC and empty tensors stay on the reference kernel. */
  if (p->nhwc || p->batch <= 0 || p->in_c <= 0 || p->out_c <= 0 || p->out_h <= 0 || p->out_w <= 0 ||
      p->in_h <= 0 || p->in_w <= 0 || p->kernel_h <= 0 || p->kernel_w <= 0)
    return OAR_OK;
  conv_state *cs = oar_state_new(sizeof *cs, run_conv_fast, NULL);
  if (!cs) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing the convolution");
  /* bfloat16 needs the filter pre-packed: known now. */
  if (ctx->bf16 && oar_prepare_input_known(ctx, OAR_CONV_IN_FILTER))
    oar_conv_gemm_init_bf16(&cs->cg, p, ctx->kernels, ctx->bf16, ctx->threads);
  else
    oar_conv_gemm_init(&cs->cg, p, ctx->kernels, ctx->threads);
  oar_fused_epilogue_from(io.has_act, &io.act, &cs->epi);
  const size_t floats = oar_conv_packed_filter_floats(&cs->cg);
  if (floats == SIZE_MAX || cs->cg.workspace_bytes == SIZE_MAX) {
    cs->s.base.destroy(&cs->s.base);
    return oar_error_set(
        err, OAR_ERR_INVALID_ARGUMENT,
        "convolution too large to run (filter panels or scratch overflow the address space)");
  }
  /* A model constant is packed once for the model, shared by every plan. */
  /* Keys 0 and 1: float32 panels; 40 and 41: bfloat16 pair panels. */
  const int64_t key[4] = {(cs->cg.bk ? 40 : 0) + (cs->cg.algo == OAR_CONV_GEMM_PIXELS), p->out_c / p->groups,
                          p->in_c / p->groups * p->kernel_h * p->kernel_w, p->groups};
  oar_status st =
      oar_prepare_pack_weight(ctx, OAR_CONV_IN_FILTER, io.w->data, key, floats, pack_filter_cb,
                              &(pack_filter_args){&cs->cg, io.w->data}, &cs->s, &cs->cg.packed_filter, err);
  if (st != OAR_OK) {
    cs->s.base.destroy(&cs->s.base);
    return st;
  }
  cs->s.base.workspace_bytes = cs->cg.workspace_bytes;
  snprintf(cs->kernel, sizeof cs->kernel, "conv2d %lldx%lld %s%s, %s x%d", (long long)p->kernel_h,
           (long long)p->kernel_w, algo_name(cs->cg.algo), cs->cg.packed_filter ? " (packed filter)" : "",
           cs->cg.bk ? cs->cg.bk->gemm_name : ctx->kernels->gemm_name, cs->cg.slots);
  cs->s.base.kernel = cs->kernel;
  *state = &cs->s.base;
  return OAR_OK;
}

oar_status oar_prepare_conv2d(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  return prepare_conv(ctx, state, err);
}

oar_status oar_prepare_depthwise_conv2d(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  return prepare_conv(ctx, state, err);
}
