/* Activations (float32): the reference kernel (plain run), and the
 * vectorized kernel of the plan's ISA level (prepared). */
#include "ir/ops/activation.h"

#include "kernels/ref/activation.h"
#include "runtime/kernel_state.h"
#include "runtime/ops/run_util.h"
#include "runtime/parallel_rows.h"

static oar_status run_act(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                          const oar_act_params *p, oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_ACT_IN_X, &x, err));
  OAR_TRY(oar_run_output(n, out, OAR_ACT_OUT_OUT, &y, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_ACT_IN_X, x, OAR_DTYPE_FLOAT32, err));
  oar_ref_activation_f32(p, x->data, y->data, oar_view_numel(x));
  return OAR_OK;
}

static float attr_f(const oar_node *n, int index) { return (float)oar_node_attr_f(n, index); }

typedef struct act_state {
  oar_simple_state s;
  const oar_f32_kernels *kr;
  oar_act_params p;
} act_state;

typedef struct act_job {
  const act_state *st;
  const float *x;
  float *y;
} act_job;

enum { ACT_ROW = 4096 };

static void act_rows(void *ctx, size_t begin, size_t end) {
  const act_job *j = ctx;
  j->st->kr->act(&j->st->p, j->x + begin * ACT_ROW, j->y + begin * ACT_ROW, (end - begin) * ACT_ROW);
}

static oar_status run_act_fast(const oar_op_state *state, const oar_node *n, const oar_tensor_view *const *in,
                               oar_tensor_view *out, void *workspace, oar_error *err) {
  const act_state *st = (const act_state *)state;
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_ACT_IN_X, &x, err));
  OAR_TRY(oar_run_output(n, out, OAR_ACT_OUT_OUT, &y, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_ACT_IN_X, x, OAR_DTYPE_FLOAT32, err));
  const size_t count = (size_t)oar_view_numel(x), rows = count / ACT_ROW, tail = count % ACT_ROW;
  act_job j = {st, x->data, y->data};
  oar_parallel_rows(rows, ACT_ROW, act_rows, &j);
  if (tail) st->kr->act(&st->p, j.x + rows * ACT_ROW, j.y + rows * ACT_ROW, tail);
  return OAR_OK;
}

static oar_status prepare_act(const oar_prepare_ctx *ctx, const oar_act_params *p, oar_op_state **state,
                              oar_error *err) {
  const int pos = oar_node_in_pos(ctx->node, OAR_ACT_IN_X, 0);
  if (pos < 0 || ctx->in[pos]->dtype != OAR_DTYPE_FLOAT32) return OAR_OK;
  act_state *st = oar_state_new(sizeof *st, run_act_fast, "activation vector");
  if (!st) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing the activation");
  st->kr = ctx->kernels;
  st->p = *p;
  *state = &st->s.base;
  return OAR_OK;
}

#define RUN_ACT(op, ...)                                                                                \
  oar_status oar_run_##op(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out, \
                          oar_error *err) {                                                             \
    const oar_act_params p = {__VA_ARGS__};                                                             \
    return run_act(node, in, out, &p, err);                                                             \
  }                                                                                                     \
  oar_status oar_prepare_##op(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {       \
    const oar_node *node = ctx->node;                                                                   \
    (void)node;                                                                                         \
    const oar_act_params p = {__VA_ARGS__};                                                             \
    return prepare_act(ctx, &p, state, err);                                                            \
  }

RUN_ACT(relu, .kind = OAR_ACT_RELU)
RUN_ACT(relu6, .kind = OAR_ACT_RELU6, .threshold = attr_f(node, OAR_RELU6_ATTR_THRESHOLD))
RUN_ACT(sigmoid, .kind = OAR_ACT_SIGMOID)
RUN_ACT(swish, .kind = OAR_ACT_SWISH, .beta = attr_f(node, OAR_SWISH_ATTR_BETA))
RUN_ACT(silu, .kind = OAR_ACT_SILU)
/* Paddle >= 2.5 computes hard_swish with threshold 6, scale 6, offset 3
 * whatever the attributes say (its phi kernel has none); oar matches it. */
RUN_ACT(hard_swish, .kind = OAR_ACT_HARD_SWISH, .threshold = 6.0f, .scale = 6.0f, .offset = 3.0f)
RUN_ACT(hard_sigmoid, .kind = OAR_ACT_HARD_SIGMOID, .slope = attr_f(node, OAR_HARD_SIGMOID_ATTR_SLOPE),
        .offset = attr_f(node, OAR_HARD_SIGMOID_ATTR_OFFSET))
RUN_ACT(leaky_relu, .kind = OAR_ACT_LEAKY_RELU, .alpha = attr_f(node, OAR_LEAKY_RELU_ATTR_ALPHA))
RUN_ACT(tanh, .kind = OAR_ACT_TANH)
RUN_ACT(gelu, .kind = oar_node_attr_i(node, OAR_GELU_ATTR_APPROXIMATE) ? OAR_ACT_GELU_TANH : OAR_ACT_GELU)
RUN_ACT(exp, .kind = OAR_ACT_EXP)
RUN_ACT(sqrt, .kind = OAR_ACT_SQRT)
