/* Transformer ops on the reference kernels (see ir/ops/nlp.h), and the
 * prepared path of multihead_attention on the plan's GEMM microkernel. */
#include "runtime/ops/nlp.h"

#include "ir/ops/nlp.h"

#include <math.h>
#include <stdio.h>

#include "base/alloc.h"
#include "base/threadpool.h"
#include "kernels/generic/gemm.h"
#include "kernels/ref/elementwise.h"
#include "kernels/ref/nlp.h"
#include "runtime/kernel_state.h"
#include "runtime/ops/run_util.h"
#include "runtime/parallel_rows.h"

/* Scale or Bias of a layer norm: NULL when absent; float32 with `cols`
 * values otherwise. */
static oar_status affine_input(const oar_node *n, const oar_tensor_view *const *in, int slot, int64_t cols,
                               const float **data, oar_error *err) {
  const oar_tensor_view *v = oar_op_input(n, in, slot);
  *data = NULL;
  if (!v) return OAR_OK;
  OAR_TRY(oar_run_expect_dtype(n, slot, v, OAR_DTYPE_FLOAT32, err));
  if (oar_view_numel(v) != cols)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input '%s' has %lld values, expected %lld",
                         n->schema->inputs[slot].name, (long long)oar_view_numel(v), (long long)cols);
  *data = v->data;
  return OAR_OK;
}

/* ---- layer_norm ------------------------------------------------------------------ */

oar_status oar_run_layer_norm(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_LN_IN_X, &x, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_LN_IN_X, x, OAR_DTYPE_FLOAT32, err));
  OAR_TRY(oar_run_output(n, out, OAR_LN_OUT_Y, &y, err));
  oar_layer_norm_geom g;
  OAR_TRY(oar_layer_norm_geometry(n, OAR_LN_ATTR_BEGIN_NORM_AXIS, &x->shape, &g, err));
  const float *scale, *bias;
  OAR_TRY(affine_input(n, in, OAR_LN_IN_SCALE, g.cols, &scale, err));
  OAR_TRY(affine_input(n, in, OAR_LN_IN_BIAS, g.cols, &bias, err));
  oar_tensor_view *mean = oar_op_output(n, out, OAR_LN_OUT_MEAN);
  oar_tensor_view *var = oar_op_output(n, out, OAR_LN_OUT_VARIANCE);
  if ((mean && oar_view_numel(mean) != g.rows) || (var && oar_view_numel(var) != g.rows))
    return oar_error_set(err, OAR_ERR_INTERNAL, "outputs 'Mean'/'Variance' do not hold %lld values",
                         (long long)g.rows);
  oar_ref_layer_norm_f32(g.rows, g.cols, x->data, scale, bias, (float)oar_node_attr_f(n, OAR_LN_ATTR_EPSILON),
                         y->data, mean ? mean->data : NULL, var ? var->data : NULL);
  return OAR_OK;
}

/* ---- prepared layer_norm and skip_layernorm: the rows split over threads ----------
 * The row kernel is the reference's own (its sums run in 8 float lanes,
 * vectorized by the compiler), so the results are bit for bit the same;
 * what the state adds is the split over the pool. */
typedef struct ln_state {
  oar_simple_state s;
  bool skip; /* skip_layernorm: y = layer_norm(x + r) */
  size_t rows, cols;
  float eps;
} ln_state;

typedef struct ln_job {
  const ln_state *st;
  const float *x, *r, *scale, *bias;
  float *y, *mean, *var;
} ln_job;

static void ln_range(void *ctx, size_t begin, size_t end) {
  const ln_job *j = ctx;
  const size_t c = j->st->cols, at = begin * c, n = end - begin;
  if (j->st->skip) {
    oar_ref_skip_layer_norm_f32((int64_t)n, (int64_t)c, j->x + at, j->r + at, j->scale, j->bias, j->st->eps,
                                j->y + at);
  } else {
    oar_ref_layer_norm_f32((int64_t)n, (int64_t)c, j->x + at, j->scale, j->bias, j->st->eps, j->y + at,
                           j->mean ? j->mean + begin : NULL, j->var ? j->var + begin : NULL);
  }
}

static oar_status run_ln_rows(const oar_op_state *state, const oar_node *n, const oar_tensor_view *const *in,
                              oar_tensor_view *out, void *workspace, oar_error *err) {
  const ln_state *st = (const ln_state *)state;
  ln_job j = {.st = st};
  oar_tensor_view *y;
  if (st->skip) {
    j.x = oar_op_input(n, in, OAR_SKIP_LN_IN_X)->data;
    j.r = oar_op_input(n, in, OAR_SKIP_LN_IN_Y)->data;
    OAR_TRY(affine_input(n, in, OAR_SKIP_LN_IN_SCALE, (int64_t)st->cols, &j.scale, err));
    OAR_TRY(affine_input(n, in, OAR_SKIP_LN_IN_BIAS, (int64_t)st->cols, &j.bias, err));
    OAR_TRY(oar_run_output(n, out, OAR_SKIP_LN_OUT_OUT, &y, err));
  } else {
    j.x = oar_op_input(n, in, OAR_LN_IN_X)->data;
    OAR_TRY(affine_input(n, in, OAR_LN_IN_SCALE, (int64_t)st->cols, &j.scale, err));
    OAR_TRY(affine_input(n, in, OAR_LN_IN_BIAS, (int64_t)st->cols, &j.bias, err));
    OAR_TRY(oar_run_output(n, out, OAR_LN_OUT_Y, &y, err));
    oar_tensor_view *mean = oar_op_output(n, out, OAR_LN_OUT_MEAN),
                    *var = oar_op_output(n, out, OAR_LN_OUT_VARIANCE);
    j.mean = mean ? mean->data : NULL;
    j.var = var ? var->data : NULL;
  }
  j.y = y->data;
  oar_parallel_rows(st->rows, st->cols, ln_range, &j);
  return OAR_OK;
}

/* Declines (the reference runs and reports any error) unless the run
 * function would succeed on these shapes. */
static oar_status prepare_ln(const oar_prepare_ctx *ctx, bool skip, oar_op_state **state, oar_error *err) {
  const oar_node *n = ctx->node;
  oar_error ignored;
  const oar_tensor_view *x, *r = NULL;
  const int x_slot = skip ? OAR_SKIP_LN_IN_X : OAR_LN_IN_X;
  if (oar_op_require_input(n, ctx->in, x_slot, &x, &ignored) != OAR_OK || x->dtype != OAR_DTYPE_FLOAT32)
    return OAR_OK;
  if (skip) {
    r = oar_op_input(n, ctx->in, OAR_SKIP_LN_IN_Y);
    if (!r || r->dtype != OAR_DTYPE_FLOAT32 || !oar_shape_equal(&r->shape, &x->shape) ||
        !oar_shape_equal(&ctx->out[0].shape, &x->shape))
      return OAR_OK;
  }
  oar_layer_norm_geom g;
  const float *scale, *bias;
  if (oar_layer_norm_geometry(n, skip ? OAR_SKIP_LN_ATTR_BEGIN_NORM_AXIS : OAR_LN_ATTR_BEGIN_NORM_AXIS,
                              &x->shape, &g, &ignored) != OAR_OK ||
      g.rows < 0 || g.cols < 0 ||
      affine_input(n, ctx->in, skip ? OAR_SKIP_LN_IN_SCALE : OAR_LN_IN_SCALE, g.cols, &scale, &ignored) !=
          OAR_OK ||
      affine_input(n, ctx->in, skip ? OAR_SKIP_LN_IN_BIAS : OAR_LN_IN_BIAS, g.cols, &bias, &ignored) !=
          OAR_OK)
    return OAR_OK;
  if (!skip) {
    const oar_tensor_view *mean = oar_op_output(n, (oar_tensor_view *)ctx->out, OAR_LN_OUT_MEAN),
                          *var = oar_op_output(n, (oar_tensor_view *)ctx->out, OAR_LN_OUT_VARIANCE);
    if ((mean && oar_view_numel(mean) != g.rows) || (var && oar_view_numel(var) != g.rows)) return OAR_OK;
  }
  ln_state *st = oar_state_new(sizeof *st, run_ln_rows, skip ? "skip_layernorm rows" : "layer_norm rows");
  if (!st) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing a layer norm");
  st->skip = skip;
  st->rows = (size_t)g.rows;
  st->cols = (size_t)g.cols;
  st->eps = (float)oar_node_attr_f(n, skip ? OAR_SKIP_LN_ATTR_EPSILON : OAR_LN_ATTR_EPSILON);
  *state = &st->s.base;
  return OAR_OK;
}

oar_status oar_prepare_layer_norm(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  return prepare_ln(ctx, false, state, err);
}

oar_status oar_prepare_skip_layernorm(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  return prepare_ln(ctx, true, state, err);
}

/* ---- skip_layernorm ---------------------------------------------------------------- */

oar_status oar_run_skip_layernorm(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                  oar_error *err) {
  const oar_tensor_view *x, *r;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_SKIP_LN_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_SKIP_LN_IN_Y, &r, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_SKIP_LN_IN_X, x, OAR_DTYPE_FLOAT32, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_SKIP_LN_IN_Y, r, OAR_DTYPE_FLOAT32, err));
  OAR_TRY(oar_run_output(n, out, OAR_SKIP_LN_OUT_OUT, &y, err));
  oar_layer_norm_geom g;
  OAR_TRY(oar_layer_norm_geometry(n, OAR_SKIP_LN_ATTR_BEGIN_NORM_AXIS, &y->shape, &g, err));
  const float *scale, *bias;
  OAR_TRY(affine_input(n, in, OAR_SKIP_LN_IN_SCALE, g.cols, &scale, err));
  OAR_TRY(affine_input(n, in, OAR_SKIP_LN_IN_BIAS, g.cols, &bias, err));
  const float eps = (float)oar_node_attr_f(n, OAR_SKIP_LN_ATTR_EPSILON);
  if (oar_shape_equal(&x->shape, &y->shape) && oar_shape_equal(&r->shape, &y->shape)) {
    oar_ref_skip_layer_norm_f32(g.rows, g.cols, x->data, r->data, scale, bias, eps, y->data);
    return OAR_OK;
  }
  /* A broadcasting add (never what the fusion pass makes from a residual,
   * but the op allows it): the sum first, then the norm in place. */
  oar_shape shape, xa, ra;
  OAR_TRY(oar_broadcast_axis(&x->shape, &r->shape, -1, &shape, &xa, &ra, "X", "Y", err));
  oar_binary_params p = {.op = OAR_BINARY_ADD, .rank = shape.rank};
  for (int i = 0; i < shape.rank; i++) p.dims[i] = shape.dims[i];
  oar_broadcast_strides(&xa, &shape, p.x_strides);
  oar_broadcast_strides(&ra, &shape, p.y_strides);
  oar_ref_binary_f32(&p, x->data, r->data, y->data);
  oar_ref_layer_norm_f32(g.rows, g.cols, y->data, scale, bias, eps, y->data, NULL, NULL);
  return OAR_OK;
}

/* ---- lookup_table_v2 ---------------------------------------------------------------- */

oar_status oar_run_lookup_table_v2(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                   oar_error *err) {
  const oar_tensor_view *w, *ids;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_EMB_IN_W, &w, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_EMB_IN_IDS, &ids, err));
  OAR_TRY(oar_run_output(n, out, OAR_EMB_OUT_OUT, &y, err));
  if (w->shape.rank != 2 || oar_dtype_bytes(w->dtype) == 0)
    return oar_run_unsupported_dtype(n, OAR_EMB_IN_W, w->dtype, err);
  const int64_t rows = w->shape.dims[0], count = oar_view_numel(ids);
  const size_t row_bytes = (size_t)w->shape.dims[1] * oar_dtype_bytes(w->dtype);
  const int64_t padding_idx = oar_node_attr_i(n, OAR_EMB_ATTR_PADDING_IDX);
  int64_t bad;
  switch (ids->dtype) {
    case OAR_DTYPE_INT64:
      bad = oar_ref_embedding_i64(w->data, rows, row_bytes, ids->data, count, padding_idx, y->data);
      break;
    case OAR_DTYPE_INT32:
      bad = oar_ref_embedding_i32(w->data, rows, row_bytes, ids->data, count, padding_idx, y->data);
      break;
    default: return oar_run_unsupported_dtype(n, OAR_EMB_IN_IDS, ids->dtype, err);
  }
  if (bad >= 0) {
    const long long id = ids->dtype == OAR_DTYPE_INT64 ? (long long)((const int64_t *)ids->data)[bad]
                                                       : (long long)((const int32_t *)ids->data)[bad];
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                         "input 'Ids' holds %lld at position %lld, expected 0 to %lld (the rows of 'W')", id,
                         (long long)bad, (long long)rows - 1);
  }
  return OAR_OK;
}

/* ---- fill_any_like ---------------------------------------------------------------------- */

oar_status oar_run_fill_any_like(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                 oar_error *err) {
  (void)in;
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(n, out, OAR_FILL_LIKE_OUT_OUT, &y, err));
  if (!oar_ref_fill_value(y->dtype, oar_node_attr_f(n, OAR_FILL_LIKE_ATTR_VALUE), oar_view_numel(y), y->data))
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "output dtype %s not supported", oar_dtype_str(y->dtype));
  return OAR_OK;
}

/* ---- cumsum ----------------------------------------------------------------------------------- */

oar_status oar_run_cumsum(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                          oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_PD_CUMSUM_IN_X, &x, err));
  OAR_TRY(oar_run_output(n, out, OAR_PD_CUMSUM_OUT_OUT, &y, err));
  oar_cumsum_params p = {.outer = 1, .len = oar_view_numel(x), .inner = 1};
  p.exclusive = oar_node_attr_i(n, OAR_PD_CUMSUM_ATTR_EXCLUSIVE) != 0;
  p.reverse = oar_node_attr_i(n, OAR_PD_CUMSUM_ATTR_REVERSE) != 0;
  const oar_shape *s = &x->shape;
  if (!oar_node_attr_i(n, OAR_PD_CUMSUM_ATTR_FLATTEN) && s->rank > 0) {
    int axis;
    OAR_TRY(oar_op_norm_axis(n, OAR_PD_CUMSUM_ATTR_AXIS, oar_node_attr_i(n, OAR_PD_CUMSUM_ATTR_AXIS), s->rank,
                             &axis, err));
    p.outer = 1;
    p.inner = 1;
    for (int d = 0; d < axis; d++) p.outer *= s->dims[d];
    p.len = s->dims[axis];
    for (int d = axis + 1; d < s->rank; d++) p.inner *= s->dims[d];
  }
  switch (x->dtype) {
    case OAR_DTYPE_FLOAT32: oar_ref_cumsum_f32(&p, x->data, y->data); return OAR_OK;
    case OAR_DTYPE_INT32: oar_ref_cumsum_i32(&p, x->data, y->data); return OAR_OK;
    case OAR_DTYPE_INT64: oar_ref_cumsum_i64(&p, x->data, y->data); return OAR_OK;
    default: return oar_run_unsupported_dtype(n, OAR_PD_CUMSUM_IN_X, x->dtype, err);
  }
}

/* ---- comparisons ---------------------------------------------------------------------------------- */

static oar_status run_compare(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_compare_op op, oar_error *err) {
  const oar_tensor_view *x, *y;
  oar_tensor_view *z;
  OAR_TRY(oar_op_require_input(n, in, OAR_CMP_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_CMP_IN_Y, &y, err));
  OAR_TRY(oar_run_output(n, out, OAR_CMP_OUT_OUT, &z, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_CMP_IN_Y, y, x->dtype, err));
  oar_shape shape, xa, ya;
  OAR_TRY(oar_broadcast_axis(&x->shape, &y->shape, oar_node_attr_i(n, OAR_CMP_ATTR_AXIS), &shape, &xa, &ya,
                             "X", "Y", err));
  oar_compare_params p = {.op = op, .dtype = x->dtype, .rank = shape.rank};
  for (int i = 0; i < shape.rank; i++) p.dims[i] = shape.dims[i];
  oar_broadcast_strides(&xa, &shape, p.x_strides);
  oar_broadcast_strides(&ya, &shape, p.y_strides);
  if (!oar_ref_compare(&p, x->data, y->data, z->data))
    return oar_run_unsupported_dtype(n, OAR_CMP_IN_X, x->dtype, err);
  return OAR_OK;
}

#define RUN_COMPARE(id, kind)                                                                           \
  oar_status oar_run_##id(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out, \
                          oar_error *err) {                                                             \
    return run_compare(node, in, out, kind, err);                                                       \
  }

RUN_COMPARE(equal, OAR_CMP_EQ)
RUN_COMPARE(not_equal, OAR_CMP_NE)
RUN_COMPARE(less_than, OAR_CMP_LT)
RUN_COMPARE(less_equal, OAR_CMP_LE)
RUN_COMPARE(greater_than, OAR_CMP_GT)
RUN_COMPARE(greater_equal, OAR_CMP_GE)

/* ---- multihead_attention ------------------------------------------------------------------------------ */

/* Inputs, output and the kernel parameters of a multihead_attention node:
 * shared by the reference run and the prepared path. */
static oar_status mha_setup(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                            const oar_tensor_view **q, const oar_tensor_view **k, const oar_tensor_view **v,
                            const oar_tensor_view **mask, oar_tensor_view **o, oar_mha_params *p,
                            oar_error *err) {
  OAR_TRY(oar_op_require_input(n, in, OAR_MHA_IN_Q, q, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_MHA_IN_K, k, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_MHA_IN_V, v, err));
  OAR_TRY(oar_run_output(n, out, OAR_MHA_OUT_OUT, o, err));
  *mask = oar_op_input(n, in, OAR_MHA_IN_MASK);
  OAR_TRY(oar_run_expect_dtype(n, OAR_MHA_IN_Q, *q, OAR_DTYPE_FLOAT32, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_MHA_IN_K, *k, OAR_DTYPE_FLOAT32, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_MHA_IN_V, *v, OAR_DTYPE_FLOAT32, err));
  if (*mask) OAR_TRY(oar_run_expect_dtype(n, OAR_MHA_IN_MASK, *mask, OAR_DTYPE_FLOAT32, err));
  oar_mha_geom g;
  OAR_TRY(
      oar_mha_geometry(n, &(*q)->shape, &(*k)->shape, &(*v)->shape, *mask ? &(*mask)->shape : NULL, &g, err));
  *p = (oar_mha_params){
      .batch = g.batch,
      .heads = g.heads,
      .seq_q = g.seq_q,
      .seq_k = g.seq_k,
      .head_dim = g.head_dim,
      .head_dim_v = g.head_dim_v,
      .ldq = (*q)->shape.dims[2],
      .ldk = (*k)->shape.dims[2],
      .ldv = (*v)->shape.dims[2],
      .ldo = (*o)->shape.dims[2],
      .alpha = (float)oar_node_attr_f(n, OAR_MHA_ATTR_ALPHA),
  };
  if (*mask) {
    /* The mask right-aligned to [B, heads, Sq, Sk]; broadcast dims read
     * with stride 0. */
    const oar_shape *ms = &(*mask)->shape;
    const int64_t full_dims[4] = {g.batch, g.heads, g.seq_q, g.seq_k};
    const oar_shape full = oar_shape_make(4, full_dims);
    oar_shape aligned = oar_shape_make(4, (const int64_t[4]){1, 1, 1, 1});
    for (int d = 0; d < ms->rank; d++) aligned.dims[4 - ms->rank + d] = ms->dims[d];
    oar_broadcast_strides(&aligned, &full, p->mask_strides);
  }
  return OAR_OK;
}

oar_status oar_run_multihead_attention(const oar_node *n, const oar_tensor_view *const *in,
                                       oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *q, *k, *v, *mask;
  oar_tensor_view *o;
  oar_mha_params p;
  OAR_TRY(mha_setup(n, in, out, &q, &k, &v, &mask, &o, &p, err));
  if (oar_view_numel(o) == 0) return OAR_OK;
  float *scratch = oar_malloc(((size_t)p.seq_k + 1) * sizeof *scratch);
  if (!scratch) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for attention scores");
  oar_ref_mha_f32(&p, q->data, k->data, v->data, mask ? mask->data : NULL, scratch, o->data);
  oar_free(scratch);
  return OAR_OK;
}

/* ---- multihead_attention, prepared ----------------------------------------------------------------------
 * Per (batch, head), on the plan's GEMM microkernel: the scores
 * alpha * q k^T (+ mask through the GEMM epilogue where its layout
 * allows) into a [Sq, Sk] block of the workspace, softmax over its rows
 * with the table's vector exp, then p v straight into the output columns
 * of the head. The (batch, head) pairs are split over the threads, each
 * slot with its own scores block and packing buffers. */

typedef struct mha_state {
  oar_simple_state s;
  const oar_f32_kernels *kr;
  oar_mha_params p;
  int slots;
  size_t slot_bytes, scores_floats, gemm_bytes;
  char kernel[96];
} mha_state;

typedef struct mha_job {
  const mha_state *st;
  const float *q, *k, *v, *mask;
  float *out;
  unsigned char *workspace;
} mha_job;

enum { MHA_MASK_NONE, MHA_MASK_ROW, MHA_MASK_BLOCK, MHA_MASK_OTHER };

/* How the mask of one (b, h) reads: one row over j for every i (bias_col),
 * a [Sq, Sk] block with rows ldr apart (residual), or anything else. */
static int mask_form(const oar_mha_params *p) {
  if (p->mask_strides[3] != 1 && p->seq_k > 1) return MHA_MASK_OTHER;
  if (p->mask_strides[2] == 0 || p->seq_q == 1) return MHA_MASK_ROW;
  return p->mask_strides[2] >= p->seq_k ? MHA_MASK_BLOCK : MHA_MASK_OTHER;
}

static void mha_head(const mha_job *j, int64_t bh, float *scores, void *gemm_ws) {
  const mha_state *st = j->st;
  const oar_mha_params *p = &st->p;
  const oar_f32_kernels *kr = st->kr;
  const int64_t b = bh / p->heads, h = bh % p->heads;
  const size_t sq = (size_t)p->seq_q, sk = (size_t)p->seq_k;
  const float *mask = j->mask ? j->mask + b * p->mask_strides[0] + h * p->mask_strides[1] : NULL;
  const int form = mask ? mask_form(p) : MHA_MASK_NONE;

  /* scores = alpha q_h k_h^T (+ mask) */
  const oar_gemm_matrix qm = {
      .data = j->q + b * p->seq_q * p->ldq + h * p->head_dim, .ld = (size_t)p->ldq, .scale = p->alpha};
  const oar_gemm_matrix km = {.data = j->k + b * p->seq_k * p->ldk + h * p->head_dim,
                              .ld = (size_t)p->ldk,
                              .trans = true,
                              .scale = 1.0f};
  oar_gemm_problem qk = {.m = sq, .n = sk, .k = (size_t)p->head_dim, .c = scores, .ldc = sk};
  qk.a.pack = kr->pack_rows;
  qk.a.ctx = &qm;
  qk.b.pack = kr->pack_cols;
  qk.b.ctx = &km;
  oar_gemm_epilogue_none(&qk.epi);
  if (form == MHA_MASK_ROW) qk.epi.bias_col = mask;
  if (form == MHA_MASK_BLOCK) {
    qk.epi.residual = mask;
    qk.epi.ldr = (size_t)p->mask_strides[2];
  }
  oar_gemm_run(kr, &qk, 1, gemm_ws);
  if (form == MHA_MASK_OTHER)
    for (size_t i = 0; i < sq; i++)
      for (size_t c = 0; c < sk; c++)
        scores[i * sk + c] += mask[(int64_t)i * p->mask_strides[2] + (int64_t)c * p->mask_strides[3]];

  /* softmax over each row */
  const oar_act_params exp_act = {.kind = OAR_ACT_EXP};
  for (size_t i = 0; i < sq; i++) {
    float *row = scores + i * sk;
    float max = -INFINITY;
    for (size_t c = 0; c < sk; c++) max = row[c] > max ? row[c] : max;
    kr->affine(row, 1.0f, -max, row, sk);
    kr->act(&exp_act, row, row, sk);
    float sum = 0.0f;
    for (size_t c = 0; c < sk; c++) sum += row[c];
    kr->affine(row, 1.0f / sum, 0.0f, row, sk);
  }

  /* out_h = p v_h, written in place in the output's head columns */
  const oar_gemm_matrix pm = {.data = scores, .ld = sk, .scale = 1.0f};
  oar_gemm_problem pv = {.m = sq,
                         .n = (size_t)p->head_dim_v,
                         .k = sk,
                         .c = j->out + b * p->seq_q * p->ldo + h * p->head_dim_v,
                         .ldc = (size_t)p->ldo};
  pv.a.pack = kr->pack_rows;
  pv.a.ctx = &pm;
  pv.b.direct = j->v + b * p->seq_k * p->ldv + h * p->head_dim_v;
  pv.b.ld = (size_t)p->ldv;
  oar_gemm_epilogue_none(&pv.epi);
  oar_gemm_run(kr, &pv, 1, gemm_ws);
}

static void mha_slots(void *ctx, size_t begin, size_t end) {
  const mha_job *j = ctx;
  const mha_state *st = j->st;
  const int64_t total = st->p.batch * st->p.heads;
  for (size_t s = begin; s < end; s++) {
    unsigned char *ws = j->workspace + s * st->slot_bytes;
    float *scores = (float *)ws;
    void *gemm_ws = ws + st->scores_floats * sizeof(float);
    const int64_t first = total * (int64_t)s / st->slots, last = total * (int64_t)(s + 1) / st->slots;
    for (int64_t bh = first; bh < last; bh++) mha_head(j, bh, scores, st->gemm_bytes ? gemm_ws : NULL);
  }
}

static oar_status run_mha_prepared(const oar_op_state *state, const oar_node *n,
                                   const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                                   oar_error *err) {
  const mha_state *st = (const mha_state *)state;
  const oar_tensor_view *q, *k, *v, *mask;
  oar_tensor_view *o;
  oar_mha_params p;
  OAR_TRY(mha_setup(n, in, out, &q, &k, &v, &mask, &o, &p, err));
  mha_job j = {st, q->data, k->data, v->data, mask ? mask->data : NULL, o->data, workspace};
  oar_parallel_for((size_t)st->slots, 1, mha_slots, &j);
  return OAR_OK;
}

static size_t round_up64(size_t bytes) { return (bytes + 63) & ~(size_t)63; }

oar_status oar_prepare_multihead_attention(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  const oar_tensor_view *q, *k, *v, *mask;
  oar_tensor_view *o;
  oar_mha_params p;
  OAR_TRY(mha_setup(ctx->node, ctx->in, (oar_tensor_view *)ctx->out, &q, &k, &v, &mask, &o, &p, err));
  if (p.batch <= 0 || p.heads <= 0 || p.seq_q <= 0 || p.seq_k <= 0 || p.head_dim_v <= 0 || p.head_dim <= 0)
    return OAR_OK; /* empty or degenerate: the reference run handles it */
  const oar_f32_kernels *kr = ctx->kernels;
  /* Workspace bytes of the two products of one head, one slot each. */
  const oar_gemm_matrix dummy = {.ld = 1, .scale = 1.0f};
  oar_gemm_problem qk = {.m = (size_t)p.seq_q, .n = (size_t)p.seq_k, .k = (size_t)p.head_dim};
  qk.a.pack = kr->pack_rows;
  qk.a.ctx = &dummy;
  qk.b.pack = kr->pack_cols;
  qk.b.ctx = &dummy;
  oar_gemm_problem pv = {.m = (size_t)p.seq_q, .n = (size_t)p.head_dim_v, .k = (size_t)p.seq_k};
  pv.a.pack = kr->pack_rows;
  pv.a.ctx = &dummy;
  pv.b.direct = (const float *)&dummy;
  pv.b.ld = (size_t)p.ldv;
  const size_t ws_qk = oar_gemm_workspace_bytes(kr, &qk, 1), ws_pv = oar_gemm_workspace_bytes(kr, &pv, 1);
  size_t scores;
  if (ws_qk == SIZE_MAX || ws_pv == SIZE_MAX || !oar_mul_size((size_t)p.seq_q, (size_t)p.seq_k, &scores))
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "attention too large (seq %lld x %lld)",
                         (long long)p.seq_q, (long long)p.seq_k);
  mha_state *st = oar_state_new(sizeof *st, run_mha_prepared, NULL);
  if (!st) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing attention");
  st->kr = kr;
  st->p = p;
  st->scores_floats = round_up64(scores * sizeof(float)) / sizeof(float);
  st->gemm_bytes = round_up64(ws_qk > ws_pv ? ws_qk : ws_pv);
  st->slot_bytes = st->scores_floats * sizeof(float) + st->gemm_bytes;
  const int64_t heads = p.batch * p.heads;
  st->slots = ctx->threads < 1 ? 1 : heads < ctx->threads ? (int)heads : ctx->threads;
  size_t ws;
  if (!oar_mul_size(st->slot_bytes, (size_t)st->slots, &ws)) {
    st->s.base.destroy(&st->s.base);
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "attention workspace too large");
  }
  st->s.base.workspace_bytes = ws;
  snprintf(st->kernel, sizeof st->kernel, "multihead_attention %s, %d slot%s", kr->gemm_name, st->slots,
           st->slots == 1 ? "" : "s");
  st->s.base.kernel = st->kernel;
  *state = &st->s.base;
  return OAR_OK;
}

/* ---- embedding_layernorm ------------------------------------------------------------------- */

#define EMB_LN_MAX_TABLES 8

oar_status oar_run_embedding_layernorm(const oar_node *n, const oar_tensor_view *const *in,
                                       oar_tensor_view *out, oar_error *err) {
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(n, out, OAR_EMB_LN_OUT_OUT, &y, err));
  const int tables = oar_node_input_count(n, OAR_EMB_LN_IN_IDS);
  if (tables > EMB_LN_MAX_TABLES)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "%d embedding tables, at most %d", tables,
                         EMB_LN_MAX_TABLES);
  const float *w[EMB_LN_MAX_TABLES];
  int64_t rows[EMB_LN_MAX_TABLES], pad[EMB_LN_MAX_TABLES];
  const void *ids[EMB_LN_MAX_TABLES];
  bool i64[EMB_LN_MAX_TABLES];
  const oar_attr *padding = oar_node_attr(n, OAR_EMB_LN_ATTR_PADDING_IDX);
  for (int k = 0; k < tables; k++) {
    const oar_tensor_view *wk = in[oar_node_in_pos(n, OAR_EMB_LN_IN_W, k)];
    const oar_tensor_view *ik = in[oar_node_in_pos(n, OAR_EMB_LN_IN_IDS, k)];
    w[k] = wk->data;
    rows[k] = wk->shape.dims[0];
    ids[k] = ik->data;
    i64[k] = ik->dtype == OAR_DTYPE_INT64;
    /* Paddle normalizes a negative padding_idx by adding the row count. */
    pad[k] = padding->ints[k] < -1 ? padding->ints[k] + rows[k] : padding->ints[k];
  }
  const int64_t dim = y->shape.dims[y->shape.rank - 1];
  const int64_t count = dim ? oar_view_numel(y) / dim : 0;
  int bad_table = 0;
  int64_t bad = oar_ref_embedding_sum_f32(tables, w, rows, ids, i64, pad, count, dim, y->data, &bad_table);
  if (bad >= 0) {
    const long long id = i64[bad_table] ? (long long)((const int64_t *)ids[bad_table])[bad]
                                        : (long long)((const int32_t *)ids[bad_table])[bad];
    return oar_error_set(
        err, OAR_ERR_INVALID_ARGUMENT,
        "input 'Ids' #%d holds %lld at position %lld, expected 0 to %lld (the rows of 'W' #%d)", bad_table,
        id, (long long)bad, (long long)rows[bad_table] - 1, bad_table);
  }
  const float *scale, *bias;
  OAR_TRY(affine_input(n, in, OAR_EMB_LN_IN_SCALE, dim, &scale, err));
  OAR_TRY(affine_input(n, in, OAR_EMB_LN_IN_BIAS, dim, &bias, err));
  oar_ref_layer_norm_f32(count, dim, y->data, scale, bias, (float)oar_node_attr_f(n, OAR_EMB_LN_ATTR_EPSILON),
                         y->data, NULL, NULL);
  return OAR_OK;
}
