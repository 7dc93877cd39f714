/* softmax (Paddle's) and softmax_ext (ONNX Softmax / LogSoftmax) on the
 * table's vectorized kernel, prepared at plan time and split over the
 * thread pool; hardmax and empty tensors stay on the reference kernels
 * (runtime/ops/math.c, runtime/ops/reduce.c); kernels/generic/softmax.h
 * splits the work. */
#include <stdio.h>

#include "ir/ops/math.h"
#include "ir/ops/infer_util.h"
#include "ir/ops/op_ext.h"
#include "kernels/generic/softmax.h"
#include "runtime/kernel_state.h"
#include "runtime/ops/run_util.h"

typedef struct softmax_state {
  oar_simple_state s; /* owns nothing */
  const oar_f32_kernels *kr;
  size_t outer, n, inner;
  bool take_log;
  char kernel[64];
} softmax_state;

static oar_status run_softmax_fast(const oar_op_state *state, const oar_node *n,
                                   const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                                   oar_error *err) {
  (void)workspace;
  const softmax_state *s = (const softmax_state *)state;
  const oar_tensor_view *x = oar_op_input(n, in, 0);
  oar_tensor_view *y = oar_op_output(n, out, 0);
  if (!x || !y) return oar_error_set(err, OAR_ERR_INTERNAL, "input X or output Out is not bound");
  oar_softmax_f32(s->kr, x->data, y->data, s->outer, s->n, s->inner, s->take_log);
  return OAR_OK;
}

/* A state for a softmax over [outer, n, inner] (declines empty tensors). */
static oar_status prepare_softmax(const oar_prepare_ctx *ctx, int64_t outer, int64_t n, int64_t inner,
                                  bool take_log, oar_op_state **state, oar_error *err) {
  if (outer <= 0 || n <= 0 || inner <= 0 || !ctx->kernels->softmax) return OAR_OK;
  softmax_state *s = oar_state_new(sizeof *s, run_softmax_fast, NULL);
  if (!s) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing the softmax");
  s->kr = ctx->kernels;
  s->outer = (size_t)outer;
  s->n = (size_t)n;
  s->inner = (size_t)inner;
  s->take_log = take_log;
  snprintf(s->kernel, sizeof s->kernel, "f32_%ssoftmax__%s%s", take_log ? "log_" : "",
           oar_isa_name(ctx->kernels->isa), inner == 1 ? "" : " (inner axis)");
  s->s.base.kernel = s->kernel;
  *state = &s->s.base;
  return OAR_OK;
}

/* The float32 input and output of a one-input softmax node. */
static oar_status read_io(const oar_prepare_ctx *ctx, const oar_tensor_view **x, oar_error *err) {
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(ctx->node, ctx->in, 0, x, err));
  OAR_TRY(oar_run_output(ctx->node, (oar_tensor_view *)ctx->out, 0, &y, err));
  OAR_TRY(oar_run_expect_dtype(ctx->node, 0, *x, OAR_DTYPE_FLOAT32, err));
  if (oar_view_numel(y) != oar_view_numel(*x))
    return oar_error_set(err, OAR_ERR_INTERNAL, "output holds %lld elements, expected %lld",
                         (long long)oar_view_numel(y), (long long)oar_view_numel(*x));
  return OAR_OK;
}

static void split_at(const oar_shape *s, int axis, int64_t *outer, int64_t *n, int64_t *inner) {
  *outer = *inner = 1;
  *n = s->rank ? s->dims[axis] : 1;
  for (int i = 0; i < axis; i++) *outer *= s->dims[i];
  for (int i = axis + 1; i < s->rank; i++) *inner *= s->dims[i];
}

oar_status oar_prepare_softmax(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(read_io(ctx, &x, err));
  const oar_shape *s = &x->shape;
  int axis;
  OAR_TRY(oar_op_norm_axis(ctx->node, OAR_SOFTMAX_ATTR_AXIS,
                           oar_node_attr_i(ctx->node, OAR_SOFTMAX_ATTR_AXIS), s->rank > 0 ? s->rank : 1,
                           &axis, err));
  int64_t outer, n, inner;
  split_at(s, s->rank > 0 ? axis : 0, &outer, &n, &inner);
  return prepare_softmax(ctx, outer, n, inner, false, state, err);
}

oar_status oar_prepare_softmax_ext(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(read_io(ctx, &x, err));
  const int func = (int)oar_node_attr_i(ctx->node, OAR_SOFTMAX_EXT_ATTR_FUNC);
  if (func != OAR_SOFTMAX_EXT_SOFTMAX && func != OAR_SOFTMAX_EXT_LOG_SOFTMAX) return OAR_OK;
  const int rank = x->shape.rank;
  int64_t axis = oar_node_attr_i(ctx->node, OAR_SOFTMAX_EXT_ATTR_AXIS);
  if (rank == 0) axis = 0;
  if (axis < 0) axis += rank;
  if (rank > 0 && (axis < 0 || axis >= rank)) return OAR_OK; /* the reference reports it */
  int64_t outer, n, inner;
  split_at(&x->shape, (int)axis, &outer, &n, &inner);
  if (oar_node_attr_i(ctx->node, OAR_SOFTMAX_EXT_ATTR_FLAT)) {
    n *= inner;
    inner = 1;
  }
  return prepare_softmax(ctx, outer, n, inner, func == OAR_SOFTMAX_EXT_LOG_SOFTMAX, state, err);
}
