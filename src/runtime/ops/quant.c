/* one_hot_axis, eye_like, quantize_linear, dequantize_linear: element
 * loops simple enough to live here, on the generic load/store of
 * kernels/ref/quant.h. */
#include <math.h>
#include <string.h>

#include "ir/ops/op_ext.h"
#include "kernels/generic/qgemm.h"
#include "kernels/ref/quant.h"
#include "runtime/kernel_state.h"
#include "runtime/ops/run_util.h"
#include "runtime/parallel_rows.h"

oar_status oar_run_one_hot_axis(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                                oar_error *err) {
  const oar_tensor_view *idx = in[0], *values = in[2];
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  if (!oar_ref_q_supported(idx->dtype) || !oar_ref_q_supported(values->dtype))
    return oar_run_unsupported_dtype(node, 0, idx->dtype, err);
  int64_t axis = oar_node_attr_i(node, OAR_ONE_HOT_ATTR_AXIS);
  if (axis < 0) axis += y->shape.rank;
  const int64_t depth = y->shape.dims[axis];
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < axis; i++) outer *= y->shape.dims[i];
  for (int i = (int)axis + 1; i < y->shape.rank; i++) inner *= y->shape.dims[i];
  const double off = oar_ref_q_load(values->dtype, values->data, 0),
               on = oar_ref_q_load(values->dtype, values->data, 1);
  for (int64_t o = 0; o < outer; o++)
    for (int64_t k = 0; k < depth; k++)
      for (int64_t i = 0; i < inner; i++) {
        double v = oar_ref_q_load(idx->dtype, idx->data, o * inner + i);
        int64_t c = (int64_t)v;
        if (c < 0) c += depth;
        oar_ref_q_store(y->dtype, y->data, (o * depth + k) * inner + i, c == k ? on : off);
      }
  return OAR_OK;
}

oar_status oar_run_eye_like(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  if (!oar_ref_q_supported(y->dtype)) return oar_run_unsupported_dtype(node, 0, y->dtype, err);
  const int64_t rows = y->shape.dims[0], cols = y->shape.dims[1], k = oar_node_attr_i(node, OAR_EYE_ATTR_K);
  for (int64_t i = 0; i < rows; i++)
    for (int64_t j = 0; j < cols; j++)
      oar_ref_q_store(y->dtype, y->data, i * cols + j, j - i == k ? 1.0 : 0.0);
  return OAR_OK;
}

/* Index of the scale for flat element e of X. */
static int64_t scale_index(const oar_shape *x, int64_t count, int axis, int64_t block, int64_t e) {
  if (count == 1 && block == 0) return 0;
  int64_t inner = 1;
  for (int i = axis + 1; i < x->rank; i++) inner *= x->dims[i];
  const int64_t a = (e / inner) % x->dims[axis];
  if (block == 0) return a;
  const int64_t outer_i = e / (inner * x->dims[axis]), nblocks = (x->dims[axis] + block - 1) / block;
  return (outer_i * nblocks + a / block) * inner + e % inner;
}

static oar_status quant(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out, bool q,
                        oar_error *err) {
  const oar_tensor_view *x = in[0], *s = in[1], *z = oar_op_input(node, in, OAR_QUANT_IN_ZERO_POINT);
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  if (!oar_ref_q_supported(x->dtype)) return oar_run_unsupported_dtype(node, 0, x->dtype, err);
  if (!oar_ref_q_supported(s->dtype)) return oar_run_unsupported_dtype(node, 1, s->dtype, err);
  if (!oar_ref_q_supported(y->dtype))
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "output dtype %s is not supported",
                         oar_dtype_str(y->dtype));
  int64_t axis = oar_node_attr_i(node, OAR_QUANT_ATTR_AXIS);
  if (axis < 0) axis += x->shape.rank;
  const int64_t block = oar_node_attr_i(node, OAR_QUANT_ATTR_BLOCK_SIZE), count = oar_view_numel(s);
  const int64_t n = oar_view_numel(x);
  for (int64_t e = 0; e < n; e++) {
    const int64_t si = scale_index(&x->shape, count, (int)axis, block, e);
    const double scale = oar_ref_q_load(s->dtype, s->data, si),
                 zp = z ? oar_ref_q_load(z->dtype, z->data, si) : 0.0;
    const double v = oar_ref_q_load(x->dtype, x->data, e);
    /* float32 data divides in float32, as ONNX's reference does: the
     * rounding of an exact half depends on it. */
    const double ratio = x->dtype == OAR_DTYPE_FLOAT32 ? (double)((float)v / (float)scale) : v / scale;
    if (q)
      oar_ref_q_store_saturated(y->dtype, y->data, e, nearbyint(ratio) + zp);
    else
      oar_ref_q_store(y->dtype, y->data, e, (v - zp) * scale);
  }
  return OAR_OK;
}

oar_status oar_run_quantize_linear(const oar_node *node, const oar_tensor_view *const *in,
                                   oar_tensor_view *out, oar_error *err) {
  return quant(node, in, out, true, err);
}

oar_status oar_run_dequantize_linear(const oar_node *node, const oar_tensor_view *const *in,
                                     oar_tensor_view *out, oar_error *err) {
  return quant(node, in, out, false, err);
}

/* One scale per slice of X along axis (or one for all), each slice a run of
 * `inner` contiguous elements repeated over the outer dims. */
oar_status oar_run_paddle_fake_quant(const oar_node *node, const oar_tensor_view *const *in,
                                     oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x = in[OAR_QUANT_IN_X], *s = in[OAR_QUANT_IN_SCALE];
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  const int64_t n = oar_view_numel(x), axis = oar_node_attr_i(node, OAR_FAKE_QUANT_ATTR_AXIS);
  const int qmin = (int)oar_node_attr_i(node, OAR_FAKE_QUANT_ATTR_QMIN),
            qmax = (int)oar_node_attr_i(node, OAR_FAKE_QUANT_ATTR_QMAX),
            round_type = (int)oar_node_attr_i(node, OAR_FAKE_QUANT_ATTR_ROUND_TYPE);
  const bool dequantize = oar_node_attr_i(node, OAR_FAKE_QUANT_ATTR_DEQUANTIZE) != 0,
             observer = oar_node_attr_i(node, OAR_FAKE_QUANT_ATTR_ONLY_OBSERVER) != 0;
  const float *scales = s->data;
  float *dst = y->data;
  /* int8 weights: widen into the output first, then work in place. */
  const float *src = x->data;
  if (x->dtype == OAR_DTYPE_INT8) {
    for (int64_t i = 0; i < n; i++) dst[i] = ((const int8_t *)x->data)[i];
    src = dst;
  }
  if (observer) {
    if (src != dst && n) memcpy(dst, src, (size_t)n * sizeof *dst);
    return OAR_OK;
  }
  int64_t channels = 1, inner = n;
  if (axis >= 0) {
    channels = x->shape.dims[axis];
    inner = 1;
    for (int i = (int)axis + 1; i < x->shape.rank; i++) inner *= x->shape.dims[i];
  }
  for (int64_t start = 0; channels && inner && start < n; start += inner) {
    const float scale = scales[(start / inner) % channels];
    if (dequantize)
      oar_ref_paddle_dequantize_f32(src + start, dst + start, inner, scale, qmax);
    else
      oar_ref_paddle_quantize_f32(src + start, dst + start, inner, scale, qmin, qmax, round_type);
  }
  return OAR_OK;
}

/* ONNX DynamicQuantizeLinear, in float32 as ONNX's reference: the range
 * [min(0, min x), max(0, max x)] onto [0, 255], zero point rounded to even. */
oar_status oar_run_dynamic_quantize_linear(const oar_node *node, const oar_tensor_view *const *in,
                                           oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x = in[0];
  oar_tensor_view *y, *ys, *yz;
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  OAR_TRY(oar_run_output(node, out, 1, &ys, err));
  OAR_TRY(oar_run_output(node, out, 2, &yz, err));
  const float *src = x->data;
  const int64_t n = oar_view_numel(x);
  float lo = 0.0f, hi = 0.0f;
  for (int64_t i = 0; i < n; i++) {
    lo = fminf(lo, src[i]);
    hi = fmaxf(hi, src[i]);
  }
  const float scale = (hi == lo ? 1.0f : hi - lo) / 255.0f;
  const float zp = nearbyintf(fminf(255.0f, fmaxf(0.0f, 0.0f - lo / scale)));
  uint8_t *dst = y->data;
  for (int64_t i = 0; i < n; i++)
    dst[i] = (uint8_t)fminf(255.0f, fmaxf(0.0f, nearbyintf(src[i] / scale) + zp));
  *(float *)ys->data = scale;
  *(uint8_t *)yz->data = (uint8_t)zp;
  return OAR_OK;
}

/* ---- prepared: one scale, 8 bits ------------------------------------------------ */

/* quantize_linear float32 -> uint8/int8 and dequantize_linear back, with one
 * scale and zero point: the vectorized loops of the int8 kernel table,
 * split over the pool. The scale and zero point are known at plan time for
 * every activation of a static QDQ model; after a dynamic_quantize_linear
 * (ONNX Runtime's dynamic quantization, run in float where the int8 passes
 * do not fire) they are computed per run and read then. */
typedef struct q8_state {
  oar_simple_state base; /* owns nothing */
  const oar_qs8_kernels *kr;
  float scale;
  int32_t zero;
  bool is_signed, quantize;
  bool per_run; /* scale and zero point read from the inputs at each run */
} q8_state;

typedef struct q8_job {
  const q8_state *qs;
  const void *x;
  void *y;
} q8_job;

static void q8_rows(void *ctx, size_t begin, size_t end) {
  const q8_job *j = ctx;
  const q8_state *qs = j->qs;
  if (qs->quantize)
    qs->kr->quantize((const float *)j->x + begin, end - begin, qs->scale, qs->zero, qs->is_signed,
                     (uint8_t *)j->y + begin);
  else
    qs->kr->dequantize((const uint8_t *)j->x + begin, end - begin, qs->scale, qs->zero, qs->is_signed,
                       (float *)j->y + begin);
}

static oar_status run_q8(const oar_op_state *state, const oar_node *n, const oar_tensor_view *const *in,
                         oar_tensor_view *out, void *workspace, oar_error *err) {
  (void)workspace;
  const oar_tensor_view *x = oar_op_input(n, in, OAR_QUANT_IN_X);
  oar_tensor_view *y = oar_op_output(n, out, 0);
  if (!x || !y) return oar_error_set(err, OAR_ERR_INTERNAL, "input 'X' or output 'Y' is not bound");
  q8_state now = *(const q8_state *)state;
  if (now.per_run) {
    const oar_tensor_view *s = oar_op_input(n, in, OAR_QUANT_IN_SCALE);
    now.scale = s && s->data ? *(const float *)s->data : 0.0f;
    /* A bad scale: the reference kernel reports it, naming the node. */
    if (!(now.scale > 0) || !isfinite(now.scale))
      return now.quantize ? oar_run_quantize_linear(n, in, out, err)
                          : oar_run_dequantize_linear(n, in, out, err);
    now.zero = oar_run_q8_zero(oar_op_input(n, in, OAR_QUANT_IN_ZERO_POINT));
  }
  q8_job j = {&now, x->data, y->data};
  oar_parallel_rows((size_t)oar_view_numel(x), 1, q8_rows, &j);
  return OAR_OK;
}

static oar_status prepare_q8(const oar_prepare_ctx *ctx, bool quantize, oar_op_state **state,
                             oar_error *err) {
  (void)err;
  const oar_node *n = ctx->node;
  const oar_tensor_view *x = oar_op_input(n, ctx->in, OAR_QUANT_IN_X),
                        *s = oar_op_input(n, ctx->in, OAR_QUANT_IN_SCALE),
                        *z = oar_op_input(n, ctx->in, OAR_QUANT_IN_ZERO_POINT);
  const oar_tensor_view *y = oar_op_output(n, (oar_tensor_view *)ctx->out, 0);
  if (!x || !s || !y || oar_node_attr_i(n, OAR_QUANT_ATTR_BLOCK_SIZE) != 0 || oar_view_numel(s) != 1 ||
      s->dtype != OAR_DTYPE_FLOAT32 || (z && oar_view_numel(z) != 1))
    return OAR_OK;
  const bool per_run = !oar_prepare_input_known(ctx, OAR_QUANT_IN_SCALE) ||
                       (z && !oar_prepare_input_known(ctx, OAR_QUANT_IN_ZERO_POINT));
  const oar_tensor_view *ints = quantize ? y : x, *floats = quantize ? x : y;
  if (floats->dtype != OAR_DTYPE_FLOAT32 ||
      (ints->dtype != OAR_DTYPE_UINT8 && ints->dtype != OAR_DTYPE_INT8) || (z && z->dtype != ints->dtype))
    return OAR_OK;
  const float scale = per_run ? 1.0f : *(const float *)s->data;
  if (!(scale > 0) || !isfinite(scale)) return OAR_OK; /* the reference reports it */
  q8_state *qs = oar_state_new(sizeof *qs, run_q8, NULL);
  if (!qs) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing %s", n->schema->name);
  qs->kr = oar_qs8_kernels_for(ctx->kernels->isa);
  qs->scale = scale;
  qs->is_signed = ints->dtype == OAR_DTYPE_INT8;
  qs->zero = per_run ? 0 : oar_run_q8_zero(z);
  qs->quantize = quantize;
  qs->per_run = per_run;
  static const char *const names[2][2] = {
      {"dequantize_linear 8 bit -> f32, one scale", "dequantize_linear 8 bit -> f32, one scale per run"},
      {"quantize_linear f32 -> 8 bit, one scale", "quantize_linear f32 -> 8 bit, one scale per run"}};
  qs->base.base.kernel = names[quantize][per_run];
  *state = &qs->base.base;
  return OAR_OK;
}

oar_status oar_prepare_quantize_linear(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  return prepare_q8(ctx, true, state, err);
}

oar_status oar_prepare_dequantize_linear(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  return prepare_q8(ctx, false, state, err);
}

/* dynamic_quantize_linear on float32: the range in one vectorizable pass,
 * then the 8-bit table's quantize loop (the same arithmetic as the
 * reference: the division in float32, ties to even). */
typedef struct dql_state {
  oar_simple_state base; /* owns nothing */
  const oar_qs8_kernels *kr;
} dql_state;

static oar_status run_dql(const oar_op_state *state, const oar_node *node, const oar_tensor_view *const *in,
                          oar_tensor_view *out, void *workspace, oar_error *err) {
  (void)workspace;
  const dql_state *ds = (const dql_state *)state;
  const oar_tensor_view *x = in[0];
  oar_tensor_view *y, *ys, *yz;
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  OAR_TRY(oar_run_output(node, out, 1, &ys, err));
  OAR_TRY(oar_run_output(node, out, 2, &yz, err));
  const size_t n = (size_t)oar_view_numel(x);
  float lo, hi;
  ds->kr->range(x->data, n, &lo, &hi);
  /* NaN in the input: the reference's fminf/fmaxf skip it, the vector
   * loop may not; leave such inputs to it. */
  if (isnan(lo) || isnan(hi)) return oar_run_dynamic_quantize_linear(node, in, out, err);
  const float scale = (hi == lo ? 1.0f : hi - lo) / 255.0f;
  const float zp = nearbyintf(fminf(255.0f, fmaxf(0.0f, 0.0f - lo / scale)));
  q8_job j = {NULL, x->data, y->data};
  q8_state qs = {.kr = ds->kr, .scale = scale, .zero = (int32_t)zp, .is_signed = false, .quantize = true};
  j.qs = &qs;
  oar_parallel_rows(n, 1, q8_rows, &j);
  *(float *)ys->data = scale;
  *(uint8_t *)yz->data = (uint8_t)zp;
  return OAR_OK;
}

oar_status oar_prepare_dynamic_quantize_linear(const oar_prepare_ctx *ctx, oar_op_state **state,
                                               oar_error *err) {
  const oar_tensor_view *x = ctx->in[0];
  if (!x || x->dtype != OAR_DTYPE_FLOAT32) return OAR_OK;
  dql_state *ds = oar_state_new(sizeof *ds, run_dql, "dynamic_quantize_linear f32 -> uint8, vector");
  if (!ds)
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing dynamic_quantize_linear");
  ds->kr = oar_qs8_kernels_for(ctx->kernels->isa);
  *state = &ds->base.base;
  return OAR_OK;
}

/* ---- add_int8 ----------------------------------------------------------------------- */

static oar_status read_qadd(const oar_node *node, const oar_tensor_view *const *in, oar_q8_add_params *p,
                            oar_error *err) {
  const oar_tensor_view *v[8];
  for (int i = 0; i < 8; i++) OAR_TRY(oar_op_require_input(node, in, i, &v[i], err));
  const int zeros[3] = {OAR_QADD_IN_A_ZERO_POINT, OAR_QADD_IN_B_ZERO_POINT, OAR_QADD_IN_OUT_ZERO_POINT};
  int32_t z[3];
  bool sg[3];
  for (int k = 0; k < 3; k++) {
    sg[k] = v[zeros[k]]->dtype == OAR_DTYPE_INT8;
    z[k] = oar_run_q8_zero(v[zeros[k]]);
  }
  *p = (oar_q8_add_params){
      .a_scale = *(const float *)v[OAR_QADD_IN_A_SCALE]->data,
      .b_scale = *(const float *)v[OAR_QADD_IN_B_SCALE]->data,
      .out_scale = *(const float *)v[OAR_QADD_IN_OUT_SCALE]->data,
      .a_zero = z[0],
      .b_zero = z[1],
      .out_zero = z[2],
      .a_signed = sg[0],
      .b_signed = sg[1],
      .out_signed = sg[2],
      .relu = oar_node_attr_i(node, OAR_QADD_ATTR_FUSE_RELU) != 0,
  };
  return OAR_OK;
}

/* Flat index into x (numpy-broadcast to out's shape) of out's element e. */
static int64_t broadcast_index(const oar_shape *x, const oar_shape *out, int64_t e) {
  int64_t idx = 0, stride = 1;
  for (int d = out->rank - 1, k = x->rank - 1; d >= 0; d--, k--) {
    const int64_t i = e % out->dims[d];
    e /= out->dims[d];
    if (k < 0) continue;
    if (x->dims[k] != 1) idx += i * stride;
    stride *= x->dims[k];
  }
  return idx;
}

/* Operands of different shapes: element by element through the
 * broadcast (the quantized residual adds of real models have equal
 * shapes and take the vector loop). */
static void add_broadcast(const oar_tensor_view *a, const oar_tensor_view *b, const oar_q8_add_params *p,
                          oar_tensor_view *y) {
  const size_t ea = oar_dtype_bytes(a->dtype), eb = oar_dtype_bytes(b->dtype), ey = oar_dtype_bytes(y->dtype);
  const int64_t n = oar_view_numel(y);
  for (int64_t e = 0; e < n; e++)
    oar_q8_add_generic((const char *)a->data + broadcast_index(&a->shape, &y->shape, e) * (int64_t)ea,
                       (const char *)b->data + broadcast_index(&b->shape, &y->shape, e) * (int64_t)eb, 1, p,
                       (char *)y->data + e * (int64_t)ey);
}

oar_status oar_run_add_int8(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  oar_q8_add_params p;
  OAR_TRY(read_qadd(node, in, &p, err));
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  const oar_tensor_view *a = in[OAR_QADD_IN_A], *b = in[OAR_QADD_IN_B];
  if (!oar_shape_equal(&a->shape, &b->shape))
    add_broadcast(a, b, &p, y);
  else
    oar_q8_add_generic(a->data, b->data, (size_t)oar_view_numel(y), &p, y->data);
  return OAR_OK;
}

typedef struct qadd_state {
  oar_simple_state base; /* owns nothing */
  const oar_qs8_kernels *kr;
} qadd_state;

typedef struct qadd_job {
  const oar_qs8_kernels *kr;
  const oar_q8_add_params *p;
  const uint8_t *a, *b;
  uint8_t *y;
} qadd_job;

static void qadd_rows(void *ctx, size_t begin, size_t end) {
  const qadd_job *j = ctx;
  j->kr->add(j->a + begin, j->b + begin, end - begin, j->p, j->y + begin);
}

static oar_status run_qadd(const oar_op_state *state, const oar_node *node, const oar_tensor_view *const *in,
                           oar_tensor_view *out, void *workspace, oar_error *err) {
  (void)workspace;
  oar_q8_add_params p;
  OAR_TRY(read_qadd(node, in, &p, err));
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  if (!oar_shape_equal(&in[OAR_QADD_IN_A]->shape, &in[OAR_QADD_IN_B]->shape)) {
    add_broadcast(in[OAR_QADD_IN_A], in[OAR_QADD_IN_B], &p, y);
    return OAR_OK;
  }
  qadd_job j = {((const qadd_state *)state)->kr, &p, in[OAR_QADD_IN_A]->data, in[OAR_QADD_IN_B]->data,
                y->data};
  oar_parallel_rows((size_t)oar_view_numel(y), 1, qadd_rows, &j);
  return OAR_OK;
}

oar_status oar_prepare_add_int8(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  qadd_state *qs = oar_state_new(sizeof *qs, run_qadd, "add_int8, vector");
  if (!qs) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing add_int8");
  qs->kr = oar_qs8_kernels_for(ctx->kernels->isa);
  *state = &qs->base.base;
  return OAR_OK;
}
