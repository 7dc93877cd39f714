/* conv2d_int8: the quantized convolution (ir/ops/conv.h). The plain run is
 * the reference kernel; the prepared one packs the int8 filter once and
 * runs each image as an int8 GEMM (kernels/generic/qgemm.h): filter rows
 * by im2col columns of the uint8 input, on VNNI where the CPU has it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/threadpool.h"
#include "ir/ops/conv.h"
#include "kernels/generic/qgemm.h"
#include "kernels/ref/activation.h"
#include "kernels/ref/conv.h"
#include "runtime/kernel_state.h"
#include "runtime/ops/fused_act.h"
#include "runtime/ops/geom_params.h"
#include "runtime/ops/run_util.h"

typedef struct qconv_io {
  const oar_tensor_view *x, *w, *bias, *res, *xs, *xz, *ws, *os, *oz;
  oar_tensor_view *y;
  bool has_act, x_signed, per_channel;
  oar_act_params act;
  oar_conv2d_params p;
} qconv_io;

/* Inputs, geometry and fused activation; views may lack data (prepare). */
static oar_status read_io(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                          qconv_io *io, oar_error *err) {
  OAR_TRY(oar_op_require_input(n, in, OAR_CONV_IN_INPUT, &io->x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_CONV_IN_FILTER, &io->w, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_CONV_INT8_IN_INPUT_SCALE, &io->xs, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_CONV_INT8_IN_FILTER_SCALE, &io->ws, err));
  OAR_TRY(oar_run_output(n, out, OAR_CONV_OUT_OUTPUT, &io->y, err));
  io->xz = oar_op_input(n, in, OAR_CONV_INT8_IN_INPUT_ZERO_POINT);
  io->bias = oar_op_input(n, in, OAR_CONV_IN_BIAS);
  io->res = oar_op_input(n, in, OAR_CONV_IN_RESIDUAL);
  io->os = oar_op_input(n, in, OAR_CONV_INT8_IN_OUTPUT_SCALE);
  io->oz = oar_op_input(n, in, OAR_CONV_INT8_IN_OUTPUT_ZERO_POINT);
  if (io->os) OAR_TRY(oar_run_expect_dtype(n, OAR_CONV_INT8_IN_OUTPUT_SCALE, io->os, OAR_DTYPE_FLOAT32, err));
  io->x_signed = io->x->dtype == OAR_DTYPE_INT8;
  if (!io->x_signed) OAR_TRY(oar_run_expect_dtype(n, OAR_CONV_IN_INPUT, io->x, OAR_DTYPE_UINT8, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_CONV_IN_FILTER, io->w, OAR_DTYPE_INT8, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_CONV_INT8_IN_INPUT_SCALE, io->xs, OAR_DTYPE_FLOAT32, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_CONV_INT8_IN_FILTER_SCALE, io->ws, OAR_DTYPE_FLOAT32, err));
  if (io->xz) OAR_TRY(oar_run_expect_dtype(n, OAR_CONV_INT8_IN_INPUT_ZERO_POINT, io->xz, io->x->dtype, err));
  OAR_TRY(oar_fused_act_parse(oar_op_attr_str(n, OAR_CONV_ATTR_FUSE_ACTIVATION),
                              oar_node_attr_f(n, OAR_CONV_ATTR_FUSE_ALPHA),
                              oar_node_attr_f(n, OAR_CONV_ATTR_FUSE_BETA), &io->has_act, &io->act, err));
  oar_conv2d_geom g;
  OAR_TRY(oar_conv2d_geometry(n, &io->x->shape, &io->w->shape, &g, err));
  io->p = oar_conv_params_of(&g);
  io->per_channel = oar_view_numel(io->ws) > 1;
  return OAR_OK;
}

oar_status oar_run_conv2d_int8(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  qconv_io io;
  OAR_TRY(read_io(n, in, out, &io, err));
  const size_t count = (size_t)oar_view_numel(io.y);
  /* A requantized output is computed in float first. */
  float *y = io.os ? oar_aligned_alloc((count ? count : 1) * sizeof *y) : io.y->data;
  if (!y) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory running the convolution");
  oar_ref_conv2d_q8(&io.p, io.x->data, io.x_signed, oar_run_q8_zero(io.xz), *(const float *)io.xs->data,
                    io.w->data, io.ws->data, io.per_channel, io.bias ? io.bias->data : NULL,
                    io.res ? io.res->data : NULL, y);
  if (io.has_act) oar_ref_activation_f32(&io.act, y, y, count);
  if (io.os) {
    oar_q8_quantize_generic(y, count, *(const float *)io.os->data, oar_run_q8_zero(io.oz),
                            io.y->dtype == OAR_DTYPE_INT8, io.y->data);
    oar_aligned_free(y);
  }
  return OAR_OK;
}

/* ---- prepared: int8 GEMM ------------------------------------------------------------ */

typedef struct qconv_state {
  oar_simple_state s; /* owned: the packed filter, when not in the weight cache */
  const oar_qs8_kernels *kr;
  const oar_f32_kernels *f32;
  oar_conv2d_params p;
  size_t k, n, m_g;     /* GEMM depth, columns (output pixels), rows per group */
  size_t a_group_bytes; /* packed filter bytes per group */
  bool direct;          /* 1x1, stride 1, no padding: the input rows are the GEMM's B */
  bool depthwise;       /* one input channel per output channel: the plane kernel */
  bool packs_im2col;    /* stride 1: B panels packed straight from the input */
  int slots;            /* depthwise: threads, each with its own scratch */
  size_t dw_scratch;    /* depthwise: scratch bytes per slot */
  oar_q8_dw_geometry dw;
  uint8_t flip, pad_byte; /* int8 input -> uint8; the zero point's raw byte */
  oar_fused_epilogue epi;
  const int8_t *packed_dw; /* depthwise: the filter as it is, [out_c, kh * kw] */
  const int8_t *packed;    /* groups x a_group_bytes after the row sums */
  float *scale;            /* [out_c]: input scale * filter scale */
  float out_inv_scale;     /* > 0: requantized output, 1 / OutputScale */
  int32_t out_zero;
  bool out_signed;
  size_t out_elem; /* bytes per output element */
  int32_t *corr;   /* [out_c]: uint8 zero point * row sum */
  char kernel[96];
} qconv_state;

static void destroy_qconv(oar_op_state *st) {
  qconv_state *qs = (qconv_state *)st;
  oar_aligned_free(qs->scale);
  oar_state_destroy_simple(st);
}

typedef struct pack_args {
  const int8_t *w;
  size_t out_c, m_g, k, mr, groups, a_group_bytes, rowsum_bytes;
} pack_args;

static void pack_filter_cb(void *ctx, float *dst) {
  const pack_args *a = ctx;
  int32_t *rowsum = (int32_t *)(void *)dst;
  int8_t *packed = (int8_t *)dst + a->rowsum_bytes;
  for (size_t g = 0; g < a->groups; g++)
    oar_qgemm_pack_a(a->w + g * a->m_g * a->k, a->k, a->m_g, a->k, a->mr, packed + g * a->a_group_bytes,
                     rowsum + g * a->m_g);
}

static size_t align64(size_t b) { return (b + 63) & ~(size_t)63; }

typedef struct dw_job {
  const qconv_state *qs;
  const uint8_t *x;
  const float *bias, *res;
  char *y;
  char *scratch;
} dw_job;

/* Slot s: its share of the (image, channel) planes, with its own scratch. */
static void dw_slots(void *ctx, size_t begin, size_t end) {
  const dw_job *j = ctx;
  const qconv_state *qs = j->qs;
  const oar_conv2d_params *p = &qs->p;
  const size_t planes = (size_t)(p->batch * p->out_c), in_plane = (size_t)(p->in_h * p->in_w);
  for (size_t s = begin; s < end; s++) {
    void *scratch = j->scratch + s * qs->dw_scratch;
    const size_t from = planes * s / (size_t)qs->slots, to = planes * (s + 1) / (size_t)qs->slots;
    for (size_t i = from; i < to; i++) {
      const size_t c = i % (size_t)p->out_c;
      const oar_q8_dw_channel ch = {
          .scale = qs->scale[c],
          .bias = j->bias ? j->bias[c] : 0.0f,
          .lo = qs->epi.lo,
          .hi = qs->epi.hi,
          .out_inv_scale = qs->out_inv_scale,
          .out_zero = qs->out_zero,
          .out_signed = qs->out_signed,
          .residual = j->res ? j->res + i * qs->n : NULL,
      };
      qs->kr->dwconv(&qs->dw, j->x + i * in_plane, qs->packed_dw + c * qs->k, &ch,
                     j->y + i * qs->n * qs->out_elem, scratch);
    }
  }
}

typedef struct panel_job {
  const qconv_state *qs;
  const uint8_t *src;
  size_t channels;
  uint8_t *packed;
} panel_job;

static void pack_im2col_panels(void *ctx, size_t begin, size_t end) {
  const panel_job *j = ctx;
  const qconv_state *qs = j->qs;
  const size_t nr = qs->kr->nr, panel_bytes = (qs->k + 3) / 4 * 4 * nr;
  for (size_t q = begin; q < end; q++) {
    const size_t n0 = q * nr, cols = qs->n - n0 < nr ? qs->n - n0 : nr;
    qs->kr->pack_im2col(&qs->p, j->src, j->channels, qs->pad_byte, qs->flip, n0, cols,
                        j->packed + q * panel_bytes);
  }
}

static oar_status run_qconv_fast(const oar_op_state *state, const oar_node *n,
                                 const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                                 oar_error *err) {
  const qconv_state *qs = (const qconv_state *)state;
  const oar_tensor_view *x = oar_op_input(n, in, OAR_CONV_IN_INPUT);
  const oar_tensor_view *bias = oar_op_input(n, in, OAR_CONV_IN_BIAS),
                        *res = oar_op_input(n, in, OAR_CONV_IN_RESIDUAL);
  oar_tensor_view *y = oar_op_output(n, out, OAR_CONV_OUT_OUTPUT);
  if (!x || !y) return oar_error_set(err, OAR_ERR_INTERNAL, "input 'Input' or output 'Output' is not bound");
  const oar_conv2d_params *p = &qs->p;
  if (qs->depthwise) {
    dw_job j = {qs, x->data, bias ? bias->data : NULL, res ? res->data : NULL, y->data, workspace};
    oar_parallel_for((size_t)qs->slots, 1, dw_slots, &j);
    if (qs->epi.post) qs->f32->act(&qs->epi.act, y->data, y->data, (size_t)oar_view_numel(y));
    return OAR_OK;
  }
  const size_t groups = (size_t)p->groups, c_g = (size_t)(p->in_c / p->groups);
  const size_t plane = (size_t)(p->in_h * p->in_w), m = (size_t)p->out_c;
  uint8_t *col = workspace;
  uint8_t *packed_b = col + (qs->direct || qs->packs_im2col ? 0 : align64(qs->k * qs->n));
  for (int64_t b = 0; b < p->batch; b++) {
    char *yb = (char *)y->data + (size_t)b * m * qs->n * qs->out_elem;
    for (size_t g = 0; g < groups; g++) {
      const uint8_t *src = (const uint8_t *)x->data + ((size_t)b * (size_t)p->in_c + g * c_g) * plane;
      if (qs->direct) {
        oar_qgemm_pack_b_all(qs->kr, src, qs->n, qs->k, qs->n, qs->flip, packed_b);
      } else if (qs->packs_im2col) {
        panel_job j = {qs, src, c_g, packed_b};
        oar_parallel_for((qs->n + qs->kr->nr - 1) / qs->kr->nr, 1, pack_im2col_panels, &j);
      } else {
        qs->kr->im2col(p, src, c_g, qs->pad_byte, col);
        oar_qgemm_pack_b_all(qs->kr, col, qs->n, qs->k, qs->n, qs->flip, packed_b);
      }
      const size_t m0 = g * qs->m_g;
      const oar_qgemm_tile_epilogue e = {
          .scale = qs->scale + m0,
          .corr = qs->corr + m0,
          .bias = bias ? (const float *)bias->data + m0 : NULL,
          .residual = res ? (const float *)res->data + ((size_t)b * m + m0) * qs->n : NULL,
          .ldr = qs->n,
          .lo = qs->epi.lo,
          .hi = qs->epi.hi,
      };
      oar_qgemm_tile_epilogue eq = e;
      eq.out_inv_scale = qs->out_inv_scale;
      eq.out_zero = qs->out_zero;
      eq.out_signed = qs->out_signed;
      oar_qgemm_run(qs->kr, qs->m_g, qs->n, qs->k, qs->packed + g * qs->a_group_bytes, packed_b,
                    (char *)yb + m0 * qs->n * qs->out_elem, qs->n, &eq);
    }
    if (qs->epi.post) qs->f32->act(&qs->epi.act, (float *)yb, (float *)yb, m * qs->n);
  }
  return OAR_OK;
}

/* scale[m] = input scale * filter scale[m]; with the filter's row sums
 * (the GEMM), corr[m] = the input's uint8 zero point * row sum as well
 * (the depthwise plane takes its zero point off itself). */
static bool fill_scales(qconv_state *qs, const qconv_io *io, int32_t zb, const int32_t *rowsum) {
  const size_t m = (size_t)qs->p.out_c;
  qs->scale = oar_aligned_alloc(m * (sizeof(float) + (rowsum ? sizeof(int32_t) : 0)));
  if (!qs->scale) return false;
  qs->corr = rowsum ? (int32_t *)(void *)(qs->scale + m) : NULL;
  const float xs = *(const float *)io->xs->data, *ws = io->ws->data;
  for (size_t i = 0; i < m; i++) {
    qs->scale[i] = xs * ws[io->per_channel ? i : 0];
    if (rowsum) qs->corr[i] = zb * rowsum[i];
  }
  return true;
}

/* Depthwise: the filter is read as it is; scales per channel; a scratch
 * (padded plane) per thread. */
static oar_status prepare_depthwise(const oar_prepare_ctx *ctx, const qconv_io *io, qconv_state *qs,
                                    int32_t zb, oar_op_state **state, oar_error *err) {
  const oar_conv2d_params *p = &qs->p;
  qs->packed_dw = io->w->data;
  if (!fill_scales(qs, io, zb, NULL)) {
    qs->s.base.destroy(&qs->s.base);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing the convolution");
  }
  /* The bottom and right padding the output size needs, beyond the input. */
  const int64_t need_h = (p->out_h - 1) * p->stride_h + (p->kernel_h - 1) * p->dilation_h + 1,
                need_w = (p->out_w - 1) * p->stride_w + (p->kernel_w - 1) * p->dilation_w + 1;
  qs->dw = (oar_q8_dw_geometry){
      .in_h = p->in_h,
      .in_w = p->in_w,
      .out_h = p->out_h,
      .out_w = p->out_w,
      .kernel_h = p->kernel_h,
      .kernel_w = p->kernel_w,
      .stride_h = p->stride_h,
      .stride_w = p->stride_w,
      .dilation_h = p->dilation_h,
      .dilation_w = p->dilation_w,
      .pad_top = p->pad_top,
      .pad_left = p->pad_left,
      .pad_bottom = need_h > p->pad_top + p->in_h ? need_h - p->pad_top - p->in_h : 0,
      .pad_right = need_w > p->pad_left + p->in_w ? need_w - p->pad_left - p->in_w : 0,
      .flip = qs->flip,
      .zero = (int16_t)zb,
  };
  qs->slots = ctx->threads > 1 ? ctx->threads : 1;
  qs->dw_scratch = align64(oar_q8_dwconv_scratch_bytes(&qs->dw));
  qs->s.base.workspace_bytes = qs->dw_scratch * (size_t)qs->slots;
  snprintf(qs->kernel, sizeof qs->kernel, "conv2d_int8 %lldx%lld depthwise, %s", (long long)p->kernel_h,
           (long long)p->kernel_w, qs->kr->name);
  qs->s.base.kernel = qs->kernel;
  *state = &qs->s.base;
  return OAR_OK;
}

static oar_status prepare_qconv(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  qconv_io io;
  OAR_TRY(read_io(ctx->node, ctx->in, (oar_tensor_view *)ctx->out, &io, err));
  const oar_conv2d_params *p = &io.p;
  if (p->batch <= 0 || p->in_c <= 0 || p->out_c <= 0 || p->out_h <= 0 || p->out_w <= 0 || p->kernel_h <= 0 ||
      p->kernel_w <= 0)
    return OAR_OK;
  /* The scales and zero point are folded into the epilogue: they must be
   * known now (they are constants in every quantized model). */
  if (!oar_prepare_input_known(ctx, OAR_CONV_INT8_IN_INPUT_SCALE) ||
      !oar_prepare_input_known(ctx, OAR_CONV_INT8_IN_FILTER_SCALE) ||
      (io.xz && !oar_prepare_input_known(ctx, OAR_CONV_INT8_IN_INPUT_ZERO_POINT)) ||
      !oar_prepare_input_known(ctx, OAR_CONV_IN_FILTER) ||
      (io.os && !oar_prepare_input_known(ctx, OAR_CONV_INT8_IN_OUTPUT_SCALE)) ||
      (io.oz && !oar_prepare_input_known(ctx, OAR_CONV_INT8_IN_OUTPUT_ZERO_POINT)))
    return OAR_OK;
  const size_t groups = (size_t)p->groups, m = (size_t)p->out_c, m_g = m / groups;
  const size_t k = (size_t)(p->in_c / p->groups * p->kernel_h * p->kernel_w);
  const size_t n = (size_t)(p->out_h * p->out_w);
  if (k == 0 || k > OAR_QGEMM_MAX_K) return OAR_OK;
  const oar_qs8_kernels *kr = oar_qs8_kernels_for(ctx->kernels->isa);
  qconv_state *qs = oar_state_new(sizeof *qs, run_qconv_fast, NULL);
  if (!qs) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing the convolution");
  qs->s.base.destroy = destroy_qconv;
  qs->kr = kr;
  qs->f32 = ctx->kernels;
  qs->p = *p;
  qs->k = k;
  qs->n = n;
  qs->m_g = m_g;
  qs->direct = p->kernel_h == 1 && p->kernel_w == 1 && p->stride_h == 1 && p->stride_w == 1 &&
               p->pad_top == 0 && p->pad_left == 0 && p->in_h == p->out_h && p->in_w == p->out_w;
  const int32_t zp = oar_run_q8_zero(io.xz);
  qs->depthwise = p->groups == p->in_c && p->groups == p->out_c && p->groups > 1;
  qs->flip = io.x_signed ? 0x80 : 0;
  qs->pad_byte = (uint8_t)zp;
  const int32_t zb = io.x_signed ? zp + 128 : zp;
  oar_fused_epilogue_from(io.has_act, &io.act, &qs->epi);
  const float out_scale = io.os ? *(const float *)io.os->data : 0.0f;
  qs->out_inv_scale = out_scale > 0 ? 1.0f / out_scale : 0.0f;
  qs->out_zero = oar_run_q8_zero(io.oz);
  qs->out_signed = io.os && io.y->dtype == OAR_DTYPE_INT8;
  qs->out_elem = io.os ? 1 : sizeof(float);
  if (io.os && (qs->epi.post || !(qs->out_inv_scale > 0) || !isfinite(qs->out_inv_scale))) {
    /* An activation past the clamp cannot run after requantizing. */
    qs->s.base.destroy(&qs->s.base);
    return OAR_OK;
  }
  if (qs->depthwise) return prepare_depthwise(ctx, &io, qs, zb, state, err);
  qs->a_group_bytes = align64(oar_qgemm_packed_a_bytes(m_g, k, kr->mr));
  const size_t rowsum_bytes = align64(m * sizeof(int32_t));
  const size_t bytes = rowsum_bytes + groups * qs->a_group_bytes;
  pack_args pa = {io.w->data, m, m_g, k, kr->mr, groups, qs->a_group_bytes, rowsum_bytes};
  const int64_t key[4] = {-8, (int64_t)kr->mr, (int64_t)k, (int64_t)groups};
  const float *packed = NULL;
  oar_status st = oar_prepare_pack_weight(ctx, OAR_CONV_IN_FILTER, io.w->data, key, (bytes + 3) / 4,
                                          pack_filter_cb, &pa, &qs->s, &packed, err);
  if (st != OAR_OK || !packed) {
    qs->s.base.destroy(&qs->s.base);
    return st;
  }
  qs->packed = (const int8_t *)packed + rowsum_bytes;
  if (!fill_scales(qs, &io, zb, (const int32_t *)(const void *)packed)) {
    qs->s.base.destroy(&qs->s.base);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing the convolution");
  }
  size_t ws_bytes = align64(oar_qgemm_packed_b_bytes(n, k, kr->nr));
  qs->packs_im2col = !qs->direct && kr->pack_im2col && p->stride_w == 1 && p->stride_h == 1;
  if (!qs->direct && !qs->packs_im2col) ws_bytes += align64(k * n);
  qs->s.base.workspace_bytes = ws_bytes;
  snprintf(qs->kernel, sizeof qs->kernel, "conv2d_int8 %lldx%lld %s, %s", (long long)p->kernel_h,
           (long long)p->kernel_w, qs->direct ? "1x1 gemm" : "im2col gemm", kr->name);
  qs->s.base.kernel = qs->kernel;
  *state = &qs->s.base;
  return OAR_OK;
}

oar_status oar_prepare_conv2d_int8(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  return prepare_qconv(ctx, state, err);
}
