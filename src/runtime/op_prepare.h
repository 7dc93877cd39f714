/* Plan-time kernel preparation: the optional second half of an op's run
 * contract (op_run.h).
 *
 * When the planner keeps a node as a step, it asks the op's prepare
 * function (if the op has one) for an oar_op_state: the kernel chosen for
 * this node at these shapes on this CPU (ISA level, thread count), with
 * whatever it can compute once: weights packed into GEMM panels, folded
 * batch-norm coefficients, a broadcast pattern. The executor then calls
 * state->run instead of the op's plain run function, passing the plan's
 * shared scratch workspace. A prepare function may decline (*state = NULL,
 * OAR_OK), and the plain run function (reference kernels) runs the node.
 *
 * States belong to the plan and are destroyed with it. Inputs known at
 * plan time (graph constants and values folded by the planner) have data
 * that outlives the plan, so a state may keep pointers into them. */
#ifndef OAR_RUNTIME_OP_PREPARE_H
#define OAR_RUNTIME_OP_PREPARE_H

#include "kernels/generic/bf16_kernels.h"
#include "kernels/generic/f32_kernels.h"
#include "runtime/op_run.h"
#include "runtime/weight_cache.h"

typedef struct oar_op_state oar_op_state;

/* Runs the node with its prepared state. `in`/`out` are as in op_run.h;
 * workspace holds at least state->workspace_bytes bytes (64-byte aligned),
 * shared by every step of the plan (nothing survives between steps). */
typedef oar_status (*oar_run_state_fn)(const oar_op_state *state, const oar_node *node,
                                       const oar_tensor_view *const *in, oar_tensor_view *out,
                                       void *workspace, oar_error *err);

struct oar_op_state {
  oar_run_state_fn run;
  void (*destroy)(oar_op_state *state); /* frees the state and what it owns */
  size_t workspace_bytes;
  const char *kernel; /* what runs, e.g. "conv2d 3x3 im2col+f32_gemm_12x32__avx512" */
};

/* What a prepare function sees. */
typedef struct oar_prepare_ctx {
  const oar_node *node;
  const oar_tensor_view *const *in; /* planned inputs (flat, like op_run.h) */
  const unsigned char *in_known;    /* per flat input: data is known now and for the plan's life */
  const oar_tensor_view *out;       /* planned outputs (dtype, shape; no data yet) */
  const oar_f32_kernels *kernels;   /* the table of the plan's ISA level */
  /* bfloat16 kernels when the plan runs in bfloat16 (OAR_PRECISION_BFLOAT16 on a host with AVX512-BF16):
   * products on constant weights use them; NULL: float32 everywhere. */
  const oar_bf16_kernels *bf16;
  int threads; /* threads of the pool the plan runs on */
  /* Per flat input: its data is a model constant, so packed forms of it may
   * go to `weights` (shared by every plan and clone; may be NULL). */
  const unsigned char *in_constant;
  struct oar_weight_cache *weights;
} oar_prepare_ctx;

typedef oar_status (*oar_prepare_fn)(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err);

/* The op's prepare function, or NULL when it has none. */
oar_prepare_fn oar_prepare_fn_for(oar_op_id id);

/* Per-plan preparation: the kernel table and thread count picked once,
 * and the shared workspace sized to the largest step's need. */
typedef struct oar_prepare_session {
  const struct oar_graph *graph;    /* set by the planner: to tell model constants */
  struct oar_weight_cache *weights; /* set by the planner; may be NULL */
  int bf16_wanted;                  /* set by the planner: the plan asks for bfloat16 */
  const oar_f32_kernels *kernels;
  const oar_bf16_kernels *bf16; /* NULL unless wanted and the host runs it */
  int threads;
  size_t workspace_bytes;
  void *workspace;
} oar_prepare_session;

/* Reads the ISA level (OAR_ISA caps it), whether bfloat16 kernels run
 * (bf16_wanted and oar_cpu_bf16_active) and the current pool's threads. */
oar_status oar_prepare_begin(oar_prepare_session *s, oar_error *err);

/* Prepares node `n` of a plan: *state is NULL when the op has no prepare
 * function or declines. views/known are the plan's per-value tables. */
oar_status oar_prepare_node(oar_prepare_session *s, const oar_node *n, const oar_tensor_view *views,
                            const unsigned char *known, oar_op_state **state, oar_error *err);

/* NULL when plans can run bfloat16 kernels now (the build has them, the
 * host has AVX512-BF16, OAR_ISA does not cap below avx512); else why not,
 * in words. OAR_ISA set to a bad name counts as not. */
const char *oar_prepare_bf16_unavailable(void);

/* Allocates the shared workspace once every step is prepared. */
oar_status oar_prepare_finish(oar_prepare_session *s, oar_error *err);

/* Destroys `count` states (NULL entries skipped) and the workspace. */
void oar_prepare_end(oar_prepare_session *s, oar_op_state **states, int count);

/* Declarations of the prepare functions (defined next to the run
 * functions in runtime/ops/<family>.c). */
#define OAR_PREPARE_OPS(X)   \
  X(conv2d)                  \
  X(depthwise_conv2d)        \
  X(fc)                      \
  X(mul)                     \
  X(matmul)                  \
  X(matmul_v2)               \
  X(batch_norm)              \
  X(relu)                    \
  X(relu6)                   \
  X(sigmoid)                 \
  X(swish)                   \
  X(silu)                    \
  X(hard_swish)              \
  X(hard_sigmoid)            \
  X(leaky_relu)              \
  X(tanh)                    \
  X(gelu)                    \
  X(exp)                     \
  X(sqrt)                    \
  X(elementwise_add)         \
  X(elementwise_sub)         \
  X(elementwise_mul)         \
  X(elementwise_div)         \
  X(elementwise_max)         \
  X(elementwise_min)         \
  X(multihead_attention)     \
  X(pool2d)                  \
  X(conv2d_blocked)          \
  X(conv2d_int8)             \
  X(matmul_int8)             \
  X(quantize_linear)         \
  X(dequantize_linear)       \
  X(dynamic_quantize_linear) \
  X(add_int8)                \
  X(conv_nd)                 \
  X(conv_transpose_nd)       \
  X(softmax)                 \
  X(softmax_ext)             \
  X(pool2d_blocked)          \
  X(resize_nd)               \
  X(instance_norm_nd)        \
  X(layer_norm_axis)         \
  X(group_norm)              \
  X(layer_norm)              \
  X(skip_layernorm)          \
  X(layout_to_blocked)       \
  X(layout_from_blocked)     \
  X(transpose)               \
  X(transpose2)              \
  X(reduce)                  \
  X(pad_nd)                  \
  X(concat)                  \
  X(split)                   \
  X(rnn_seq)                 \
  X(rnn)

#define OAR_DECLARE_PREPARE(id) \
  oar_status oar_prepare_##id(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err);
OAR_PREPARE_OPS(OAR_DECLARE_PREPARE)
#undef OAR_DECLARE_PREPARE

#endif
