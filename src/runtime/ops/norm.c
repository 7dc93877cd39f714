/* batch_norm (inference): the reference kernel (plain run), and when the
 * statistics are constants, one multiply-add per element with the folded
 * coefficients on the plan's vector kernel (prepared). */
#include "ir/ops/norm.h"

#include <math.h>
#include <string.h>

#include "base/alloc.h"
#include "kernels/ref/norm.h"
#include "runtime/kernel_state.h"
#include "runtime/ops/run_util.h"
#include "runtime/parallel_rows.h"

/* MeanOut / VarianceOut, when bound, receive copies of Mean / Variance. */
static void copy_stat(const oar_node *n, oar_tensor_view *out, int slot, const oar_tensor_view *src) {
  oar_tensor_view *dst = oar_op_output(n, out, slot);
  /* Paddle programs name Mean itself as MeanOut: then there is nothing to copy. */
  if (!dst || !dst->data || !src->data || dst->data == src->data) return;
  const int64_t count = oar_view_numel(dst);
  if (dst->dtype == src->dtype && count == oar_view_numel(src) && count > 0)
    memcpy(dst->data, src->data, (size_t)count * oar_dtype_bytes(dst->dtype));
}

oar_status oar_run_batch_norm(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  const oar_tensor_view *v[5];
  for (int slot = OAR_BN_IN_X; slot <= OAR_BN_IN_VARIANCE; slot++) {
    OAR_TRY(oar_op_require_input(n, in, slot, &v[slot], err));
    OAR_TRY(oar_run_expect_dtype(n, slot, v[slot], OAR_DTYPE_FLOAT32, err));
  }
  const oar_tensor_view *x = v[OAR_BN_IN_X];
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(n, out, OAR_BN_OUT_Y, &y, err));
  OAR_TRY(oar_op_check_rank(n, OAR_BN_IN_X, x, 2, 5, err));
  int axis;
  OAR_TRY(oar_batch_norm_channel_axis(n, &x->shape, &axis, err));
  const int64_t c = x->shape.dims[axis];
  for (int slot = OAR_BN_IN_SCALE; slot <= OAR_BN_IN_VARIANCE; slot++)
    if (oar_view_numel(v[slot]) != c)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input '%s' has %lld values, expected %lld",
                           n->schema->inputs[slot].name, (long long)oar_view_numel(v[slot]), (long long)c);
  oar_batch_norm_params p = {.channels = c, .outer = 1, .inner = 1};
  for (int i = 0; i < axis; i++) p.outer *= x->shape.dims[i];
  for (int i = axis + 1; i < x->shape.rank; i++) p.inner *= x->shape.dims[i];
  p.epsilon = (float)oar_node_attr_f(n, OAR_BN_ATTR_EPSILON);
  oar_ref_batch_norm_f32(&p, x->data, v[OAR_BN_IN_SCALE]->data, v[OAR_BN_IN_BIAS]->data,
                         v[OAR_BN_IN_MEAN]->data, v[OAR_BN_IN_VARIANCE]->data, y->data);
  copy_stat(n, out, OAR_BN_OUT_MEAN_OUT, v[OAR_BN_IN_MEAN]);
  copy_stat(n, out, OAR_BN_OUT_VARIANCE_OUT, v[OAR_BN_IN_VARIANCE]);
  return OAR_OK;
}

/* ---- prepared fast path ---------------------------------------------------- */

typedef struct bn_state {
  oar_simple_state s; /* owned: scale[c] then shift[c] */
  const oar_f32_kernels *kr;
  int64_t channels, outer, inner;
} bn_state;

typedef struct bn_job {
  const bn_state *st;
  const float *x;
  float *y;
} bn_job;

static void bn_rows(void *ctx, size_t begin, size_t end) {
  const bn_job *j = ctx;
  const bn_state *st = j->st;
  const float *scale = st->s.owned, *shift = scale + st->channels;
  for (size_t r = begin; r < end; r++) {
    const size_t c = r % (size_t)st->channels, at = r * (size_t)st->inner;
    st->kr->affine(j->x + at, scale[c], shift[c], j->y + at, (size_t)st->inner);
  }
}

static oar_status run_bn_fast(const oar_op_state *state, const oar_node *n, const oar_tensor_view *const *in,
                              oar_tensor_view *out, void *workspace, oar_error *err) {
  const bn_state *st = (const bn_state *)state;
  const oar_tensor_view *x = oar_op_input(n, in, OAR_BN_IN_X);
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(n, out, OAR_BN_OUT_Y, &y, err));
  bn_job j = {st, x->data, y->data};
  oar_parallel_rows((size_t)(st->outer * st->channels), (size_t)st->inner, bn_rows, &j);
  copy_stat(n, out, OAR_BN_OUT_MEAN_OUT, oar_op_input(n, in, OAR_BN_IN_MEAN));
  copy_stat(n, out, OAR_BN_OUT_VARIANCE_OUT, oar_op_input(n, in, OAR_BN_IN_VARIANCE));
  return OAR_OK;
}

oar_status oar_prepare_batch_norm(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  const oar_node *n = ctx->node;
  const oar_tensor_view *v[5];
  for (int slot = OAR_BN_IN_X; slot <= OAR_BN_IN_VARIANCE; slot++) {
    OAR_TRY(oar_op_require_input(n, ctx->in, slot, &v[slot], err));
    if (v[slot]->dtype != OAR_DTYPE_FLOAT32) return OAR_OK;
    if (slot != OAR_BN_IN_X && !oar_prepare_input_known(ctx, slot)) return OAR_OK;
  }
  const oar_tensor_view *x = v[OAR_BN_IN_X];
  if (x->shape.rank < 2 || x->shape.rank > 5) return OAR_OK;
  int axis;
  OAR_TRY(oar_batch_norm_channel_axis(n, &x->shape, &axis, err));
  const int64_t c = x->shape.dims[axis];
  for (int slot = OAR_BN_IN_SCALE; slot <= OAR_BN_IN_VARIANCE; slot++)
    if (oar_view_numel(v[slot]) != c) return OAR_OK; /* the plain run reports it */
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < axis; i++) outer *= x->shape.dims[i];
  for (int i = axis + 1; i < x->shape.rank; i++) inner *= x->shape.dims[i];
  if (c <= 0 || outer <= 0 || inner <= 0) return OAR_OK;
  bn_state *st = oar_state_new(sizeof *st, run_bn_fast, "batch_norm folded affine");
  float *coef = st ? oar_aligned_alloc(2 * (size_t)c * sizeof *coef) : NULL;
  if (!coef) {
    if (st) st->s.base.destroy(&st->s.base);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing batch_norm");
  }
  st->s.owned = coef;
  st->kr = ctx->kernels;
  st->channels = c;
  st->outer = outer;
  st->inner = inner;
  const float eps = (float)oar_node_attr_f(n, OAR_BN_ATTR_EPSILON);
  const float *scale = v[OAR_BN_IN_SCALE]->data, *bias = v[OAR_BN_IN_BIAS]->data,
              *mean = v[OAR_BN_IN_MEAN]->data, *var = v[OAR_BN_IN_VARIANCE]->data;
  for (int64_t i = 0; i < c; i++) {
    /* The reference kernel's formula and order (see kernels/ref/norm.c). */
    const float inv_std = 1.0f / sqrtf(var[i] + eps);
    coef[i] = inv_std * scale[i];
    coef[c + i] = bias[i] - mean[i] * inv_std * scale[i];
  }
  *state = &st->s.base;
  return OAR_OK;
}
