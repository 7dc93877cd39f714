/* matmul, matmul_v2, mul and fc (float32): the reference kernels (plain
 * run), and the fast path prepared at plan time on the packed GEMM, with
 * a constant Y / W packed into panels once. */
#include "ir/ops/matmul.h"

#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "kernels/generic/bf16_gemm.h"
#include "kernels/generic/gemm.h"
#include "kernels/ref/matmul.h"
#include "runtime/kernel_state.h"
#include "runtime/ops/fused_act.h"
#include "runtime/ops/run_util.h"

typedef oar_status (*geometry_fn)(const oar_node *, const oar_shape *, const oar_shape *, oar_matmul_geom *,
                                  oar_error *);

static oar_status run_product(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                              geometry_fn geometry, float alpha, oar_error *err) {
  const oar_tensor_view *x, *y;
  oar_tensor_view *z;
  OAR_TRY(oar_op_require_input(n, in, OAR_MATMUL_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_MATMUL_IN_Y, &y, err));
  OAR_TRY(oar_run_output(n, out, OAR_MATMUL_OUT_OUT, &z, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_MATMUL_IN_X, x, OAR_DTYPE_FLOAT32, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_MATMUL_IN_Y, y, OAR_DTYPE_FLOAT32, err));
  oar_matmul_geom g;
  OAR_TRY(geometry(n, &x->shape, &y->shape, &g, err));
  oar_matmul_params p = {
      .m = g.m,
      .n = g.n,
      .k = g.k,
      .trans_x = g.trans_x,
      .trans_y = g.trans_y,
      .alpha = alpha,
      .batch_rank = g.batch_rank,
  };
  memcpy(p.batch_dims, g.batch_dims, sizeof p.batch_dims);
  memcpy(p.x_batch_strides, g.x_batch_strides, sizeof p.x_batch_strides);
  memcpy(p.y_batch_strides, g.y_batch_strides, sizeof p.y_batch_strides);
  oar_ref_matmul_f32(&p, x->data, y->data, z->data);
  return OAR_OK;
}

oar_status oar_run_matmul(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                          oar_error *err) {
  const float alpha = (float)oar_node_attr_f(node, OAR_MATMUL_ATTR_ALPHA);
  return run_product(node, in, out, oar_matmul_v1_geometry, alpha, err);
}

oar_status oar_run_matmul_v2(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  return run_product(node, in, out, oar_matmul_v2_geometry, 1.0f, err);
}

oar_status oar_run_mul(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                       oar_error *err) {
  return run_product(node, in, out, oar_mul_geometry, 1.0f, err);
}

oar_status oar_run_fc(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                      oar_error *err) {
  const oar_tensor_view *x, *w;
  oar_tensor_view *z;
  OAR_TRY(oar_op_require_input(n, in, OAR_FC_IN_INPUT, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_FC_IN_W, &w, err));
  OAR_TRY(oar_run_output(n, out, OAR_FC_OUT_OUT, &z, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_FC_IN_INPUT, x, OAR_DTYPE_FLOAT32, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_FC_IN_W, w, OAR_DTYPE_FLOAT32, err));
  const oar_tensor_view *bias = oar_op_input(n, in, OAR_FC_IN_BIAS);
  if (bias) OAR_TRY(oar_run_expect_dtype(n, OAR_FC_IN_BIAS, bias, OAR_DTYPE_FLOAT32, err));
  bool has_act;
  oar_act_params act;
  OAR_TRY(oar_fused_act_parse(oar_op_attr_str(n, OAR_FC_ATTR_ACTIVATION_TYPE),
                              oar_node_attr_f(n, OAR_FC_ATTR_FUSE_ALPHA),
                              oar_node_attr_f(n, OAR_FC_ATTR_FUSE_BETA), &has_act, &act, err));
  const bool relu = has_act && act.kind == OAR_ACT_RELU;
  oar_matmul_geom g;
  int64_t ldw;
  OAR_TRY(oar_fc_geometry(n, &x->shape, &w->shape, &g, &ldw, err));
  if (bias && oar_view_numel(bias) != g.n)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input 'Bias' has %lld values, expected %lld",
                         (long long)oar_view_numel(bias), (long long)g.n);
  oar_ref_fc_f32(g.m, g.n, g.k, x->data, w->data, ldw, bias ? bias->data : NULL, relu, z->data);
  if (has_act && !relu) oar_ref_activation_f32(&act, z->data, z->data, oar_view_numel(z));
  return OAR_OK;
}

/* ---- prepared fast path ---------------------------------------------------- */

/* Packs a constant Y (the weight) for the model's weight cache. */
typedef struct pack_y_args {
  const oar_f32_kernels *kr;
  oar_gemm_matrix y;
  size_t n, k;
} pack_y_args;

static void pack_y_cb(void *ctx, float *dst) {
  const pack_y_args *a = ctx;
  oar_gemm_prepack(a->kr, a->kr->pack_cols, &a->y, a->n, a->k, a->kr->nr, dst);
}

/* The same in bfloat16 pair panels (bf16_gemm.h). */
typedef struct pack_y_bf16_args {
  pack_y_args f;
  const oar_bf16_kernels *bk;
} pack_y_bf16_args;

static void pack_y_bf16_cb(void *ctx, float *dst) {
  const pack_y_bf16_args *a = ctx;
  oar_bf16_gemm_prepack(a->bk, a->f.kr->pack_cols, &a->f.y, a->f.n, a->f.k, a->bk->nr,
                        (uint32_t *)(void *)dst);
}

typedef struct mm_state {
  oar_simple_state s;    /* owned: packed Y (W for fc) when packed per plan */
  const float *packed_y; /* packed Y: s.owned, or the model's weight cache */
  const oar_f32_kernels *kr;
  const oar_bf16_kernels *bk; /* bfloat16 products: packed_y holds pair panels (bf16_gemm.h); or NULL */
  oar_matmul_geom g;
  int64_t batches;
  size_t ldx, ldy;
  float alpha;
  bool fold;     /* one product: batches folded into M (Y shared, X contiguous) */
  bool gemv;     /* n == 1: dot products on X's rows */
  bool has_bias; /* fc */
  oar_fused_epilogue epi;
  int slots;
  char kernel[64];
} mm_state;

/* Offsets of batch b's X and Y matrices. */
static void batch_offsets(const oar_matmul_geom *g, int64_t b, int64_t *xo, int64_t *yo) {
  *xo = *yo = 0;
  for (int d = g->batch_rank - 1; d >= 0; d--) {
    const int64_t i = b % g->batch_dims[d];
    b /= g->batch_dims[d];
    *xo += i * g->x_batch_strides[d];
    *yo += i * g->y_batch_strides[d];
  }
}

static void problem_for(const mm_state *ms, const float *x, const float *y, const float *bias, float *z,
                        oar_gemm_matrix *xm, oar_gemm_matrix *ym, oar_gemm_problem *p) {
  const oar_matmul_geom *g = &ms->g;
  memset(p, 0, sizeof *p);
  p->m = (size_t)(ms->fold ? g->m * ms->batches : g->m);
  p->n = (size_t)g->n;
  p->k = (size_t)g->k;
  *xm = (oar_gemm_matrix){.data = x, .ld = ms->ldx, .trans = g->trans_x, .scale = ms->alpha};
  *ym = (oar_gemm_matrix){.data = y, .ld = ms->ldy, .trans = g->trans_y, .scale = 1.0f};
  p->a.pack = ms->kr->pack_rows;
  p->a.ctx = xm;
  if (ms->packed_y) {
    p->b.packed = ms->packed_y;
  } else {
    p->b.pack = ms->kr->pack_cols;
    p->b.ctx = ym;
  }
  p->c = z;
  p->ldc = (size_t)g->n;
  oar_gemm_epilogue_none(&p->epi);
  p->epi.bias_col = bias;
  p->epi.lo = ms->epi.lo;
  p->epi.hi = ms->epi.hi;
  p->epi.act = ms->epi.post ? &ms->epi.act : NULL;
}

/* The bfloat16 form of a problem_for problem (X packed on the fly, Y
 * pre-packed). */
static void bf16_problem(const mm_state *ms, const oar_gemm_problem *g, oar_bf16_gemm_problem *b) {
  memset(b, 0, sizeof *b);
  b->m = g->m;
  b->n = g->n;
  b->k = g->k;
  b->a = (oar_bf16_operand){NULL, g->a.pack, g->a.ctx};
  b->b = (oar_bf16_operand){(const uint32_t *)(const void *)ms->packed_y, NULL, NULL};
  b->c = g->c;
  b->ldc = g->ldc;
  b->epi = g->epi;
}

static void gemm_run(const mm_state *ms, const oar_gemm_problem *p, void *workspace) {
  if (!ms->bk) {
    oar_gemm_run(ms->kr, p, ms->slots, workspace);
    return;
  }
  oar_bf16_gemm_problem b;
  bf16_problem(ms, p, &b);
  oar_bf16_gemm_run(ms->kr, ms->bk, &b, ms->slots, workspace);
}

static void run_products(const mm_state *ms, const float *x, const float *y, const float *bias, float *z,
                         void *workspace) {
  const oar_matmul_geom *g = &ms->g;
  if (ms->gemv) {
    for (int64_t b = 0; b < ms->batches; b++) {
      int64_t xo, yo;
      batch_offsets(g, b, &xo, &yo);
      float *zb = z + b * g->m;
      ms->kr->gemv((size_t)g->m, (size_t)g->k, x + xo, ms->ldx, y + yo, bias, NULL, ms->epi.lo, ms->epi.hi,
                   zb);
      if (ms->epi.post) ms->kr->act(&ms->epi.act, zb, zb, (size_t)g->m);
    }
    return;
  }
  oar_gemm_matrix xm, ym;
  oar_gemm_problem p;
  if (ms->fold) {
    problem_for(ms, x, y, bias, z, &xm, &ym, &p);
    gemm_run(ms, &p, workspace);
    return;
  }
  for (int64_t b = 0; b < ms->batches; b++) {
    int64_t xo, yo;
    batch_offsets(g, b, &xo, &yo);
    problem_for(ms, x + xo, y + yo, bias, z + b * g->m * g->n, &xm, &ym, &p);
    gemm_run(ms, &p, workspace);
  }
}

typedef oar_status (*io_fn)(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                            const oar_tensor_view **x, const oar_tensor_view **y,
                            const oar_tensor_view **bias, oar_tensor_view **z, oar_error *err);

static oar_status product_io(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                             const oar_tensor_view **x, const oar_tensor_view **y,
                             const oar_tensor_view **bias, oar_tensor_view **z, oar_error *err) {
  OAR_TRY(oar_op_require_input(n, in, OAR_MATMUL_IN_X, x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_MATMUL_IN_Y, y, err));
  OAR_TRY(oar_run_output(n, out, OAR_MATMUL_OUT_OUT, z, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_MATMUL_IN_X, *x, OAR_DTYPE_FLOAT32, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_MATMUL_IN_Y, *y, OAR_DTYPE_FLOAT32, err));
  *bias = NULL;
  return OAR_OK;
}

static oar_status fc_io(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                        const oar_tensor_view **x, const oar_tensor_view **y, const oar_tensor_view **bias,
                        oar_tensor_view **z, oar_error *err) {
  OAR_TRY(oar_op_require_input(n, in, OAR_FC_IN_INPUT, x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_FC_IN_W, y, err));
  OAR_TRY(oar_run_output(n, out, OAR_FC_OUT_OUT, z, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_FC_IN_INPUT, *x, OAR_DTYPE_FLOAT32, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_FC_IN_W, *y, OAR_DTYPE_FLOAT32, err));
  *bias = oar_op_input(n, in, OAR_FC_IN_BIAS);
  if (*bias) OAR_TRY(oar_run_expect_dtype(n, OAR_FC_IN_BIAS, *bias, OAR_DTYPE_FLOAT32, err));
  return OAR_OK;
}

static oar_status run_fast(const oar_op_state *state, const oar_node *n, const oar_tensor_view *const *in,
                           oar_tensor_view *out, void *workspace, oar_error *err) {
  const mm_state *ms = (const mm_state *)state;
  const oar_tensor_view *x, *y, *bias;
  oar_tensor_view *z;
  OAR_TRY((n->schema->id == OAR_OP_fc ? fc_io : product_io)(n, in, out, &x, &y, &bias, &z, err));
  if (bias && oar_view_numel(bias) != ms->g.n)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input 'Bias' has %lld values, expected %lld",
                         (long long)oar_view_numel(bias), (long long)ms->g.n);
  run_products(ms, x->data, y->data, bias ? bias->data : NULL, z->data, workspace);
  return OAR_OK;
}

/* X's matrices lie one after another (the layout that lets the batches
 * fold into M). */
static bool x_contiguous(const oar_matmul_geom *g) {
  int64_t expect = g->m * g->k;
  for (int d = g->batch_rank - 1; d >= 0; d--) {
    if (g->batch_dims[d] != 1 && g->x_batch_strides[d] != expect) return false;
    expect *= g->batch_dims[d];
  }
  return true;
}

static bool y_shared(const oar_matmul_geom *g) {
  for (int d = 0; d < g->batch_rank; d++)
    if (g->batch_dims[d] != 1 && g->y_batch_strides[d] != 0) return false;
  return true;
}

static oar_status prepare_product(const oar_prepare_ctx *ctx, const oar_matmul_geom *g, size_t ldy,
                                  float alpha, int y_slot, bool has_act, const oar_act_params *act,
                                  oar_op_state **state, oar_error *err) {
  const oar_matmul_geom *gg = g;
  if (gg->m <= 0 || gg->n <= 0 || gg->k < 0) return OAR_OK;
  mm_state *ms = oar_state_new(sizeof *ms, run_fast, NULL);
  if (!ms) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing the product");
  ms->kr = ctx->kernels;
  ms->g = *g;
  ms->batches = 1;
  for (int d = 0; d < g->batch_rank; d++) ms->batches *= g->batch_dims[d];
  ms->ldx = (size_t)(g->trans_x ? g->m : g->k);
  ms->ldy = ldy;
  ms->alpha = alpha;
  oar_fused_epilogue_from(has_act, act, &ms->epi);
  const bool shared = y_shared(g);
  ms->fold = shared && !g->trans_x && x_contiguous(g);
  ms->gemv = g->n == 1 && !g->trans_x && alpha == 1.0f && g->k > 0;
  const int y_pos = oar_node_in_pos(ctx->node, y_slot, 0);
  const oar_bf16_kernels *bk = ctx->bf16;
  if (bk && !ms->gemv && shared && y_pos >= 0 && oar_prepare_input_known(ctx, y_slot) &&
      bk->mr == ms->kr->mr && bk->nr == ms->kr->nr) {
    /* bfloat16: Y (the weight) pre-packed in pair panels, X converted
     * while packed. */
    const size_t words = oar_bf16_gemm_packed_words((size_t)g->n, (size_t)g->k, bk->nr);
    if (words == SIZE_MAX) {
      ms->s.base.destroy(&ms->s.base);
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input '%s' too large to pack (%lld x %lld)",
                           ctx->node->schema->inputs[y_slot].name, (long long)g->k, (long long)g->n);
    }
    pack_y_bf16_args args = {
        .f = {.kr = ms->kr,
              .y = {.data = ctx->in[y_pos]->data, .ld = ldy, .trans = g->trans_y, .scale = 1.0f},
              .n = (size_t)g->n,
              .k = (size_t)g->k},
        .bk = bk};
    /* key[3] 16 + trans_y: the bfloat16 packing (float32: 0 or 1). */
    const int64_t key[4] = {g->n, g->k, (int64_t)ldy, 16 + g->trans_y};
    oar_status st = oar_prepare_pack_weight(ctx, y_slot, args.f.y.data, key, words, pack_y_bf16_cb, &args,
                                            &ms->s, &ms->packed_y, err);
    if (st != OAR_OK) {
      ms->s.base.destroy(&ms->s.base);
      return st;
    }
    if (ms->packed_y) ms->bk = bk;
  } else if (!ms->gemv && shared && ctx->weights && y_pos >= 0 && ctx->in_constant[y_pos]) {
    /* A model constant: packed once for the model, shared by every plan. */
    const size_t floats = oar_gemm_packed_floats((size_t)g->n, (size_t)g->k, ms->kr->nr);
    if (floats == SIZE_MAX) {
      ms->s.base.destroy(&ms->s.base);
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input '%s' too large to pack (%lld x %lld)",
                           ctx->node->schema->inputs[y_slot].name, (long long)g->k, (long long)g->n);
    }
    pack_y_args args = {.kr = ms->kr,
                        .y = {.data = ctx->in[y_pos]->data, .ld = ldy, .trans = g->trans_y, .scale = 1.0f},
                        .n = (size_t)g->n,
                        .k = (size_t)g->k};
    const int64_t key[4] = {g->n, g->k, (int64_t)ldy, g->trans_y};
    const float *packed;
    oar_status st =
        oar_weight_cache_get(ctx->weights, args.y.data, ms->kr, key, floats, pack_y_cb, &args, &packed, err);
    if (st != OAR_OK) {
      ms->s.base.destroy(&ms->s.base);
      return st;
    }
    ms->packed_y = packed;
  } else if (!ms->gemv && shared && oar_prepare_input_known(ctx, y_slot)) {
    const size_t floats = oar_gemm_packed_floats((size_t)g->n, (size_t)g->k, ms->kr->nr);
    float *packed = floats == SIZE_MAX ? NULL : oar_aligned_alloc((floats ? floats : 1) * sizeof *packed);
    if (!packed) {
      ms->s.base.destroy(&ms->s.base);
      return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory packing input '%s' (%lld x %lld)",
                           ctx->node->schema->inputs[y_slot].name, (long long)g->k, (long long)g->n);
    }
    const oar_gemm_matrix ym = {.data = ctx->in[oar_node_in_pos(ctx->node, y_slot, 0)]->data,
                                .ld = ldy,
                                .trans = g->trans_y,
                                .scale = 1.0f};
    oar_gemm_prepack(ms->kr, ms->kr->pack_cols, &ym, (size_t)g->n, (size_t)g->k, ms->kr->nr, packed);
    ms->s.owned = packed;
    ms->packed_y = packed;
  }
  if (!ms->gemv) {
    oar_gemm_matrix xm, ym;
    oar_gemm_problem p;
    problem_for(ms, NULL, NULL, NULL, NULL, &xm, &ym, &p);
    ms->slots = oar_gemm_slots(ms->kr, &p, ctx->threads);
    size_t ws = oar_gemm_workspace_bytes(ms->kr, &p, ms->slots);
    if (ms->bk) {
      oar_bf16_gemm_problem b;
      bf16_problem(ms, &p, &b);
      ms->slots = oar_bf16_gemm_slots(ms->kr, ms->bk, &b, ctx->threads);
      ws = oar_bf16_gemm_workspace_bytes(ms->kr, ms->bk, &b, ms->slots);
    }
    if (ws == SIZE_MAX) {
      ms->s.base.destroy(&ms->s.base);
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "product too large (%lld x %lld x %lld)",
                           (long long)g->m, (long long)g->n, (long long)g->k);
    }
    ms->s.base.workspace_bytes = ws;
  }
  snprintf(ms->kernel, sizeof ms->kernel, "%s%s", ms->gemv ? "gemv, " : "",
           ms->bk ? ms->bk->gemm_name : ms->kr->gemm_name);
  ms->s.base.kernel = ms->kernel;
  *state = &ms->s.base;
  return OAR_OK;
}

static oar_status prepare_xy(const oar_prepare_ctx *ctx, geometry_fn geometry, float alpha,
                             oar_op_state **state, oar_error *err) {
  const oar_tensor_view *x, *y, *bias;
  oar_tensor_view *z;
  OAR_TRY(product_io(ctx->node, ctx->in, (oar_tensor_view *)ctx->out, &x, &y, &bias, &z, err));
  oar_matmul_geom g;
  OAR_TRY(geometry(ctx->node, &x->shape, &y->shape, &g, err));
  const oar_act_params none = {.kind = OAR_ACT_RELU};
  return prepare_product(ctx, &g, (size_t)(g.trans_y ? g.k : g.n), alpha, OAR_MATMUL_IN_Y, false, &none,
                         state, err);
}

oar_status oar_prepare_matmul(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  return prepare_xy(ctx, oar_matmul_v1_geometry, (float)oar_node_attr_f(ctx->node, OAR_MATMUL_ATTR_ALPHA),
                    state, err);
}

oar_status oar_prepare_matmul_v2(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  return prepare_xy(ctx, oar_matmul_v2_geometry, 1.0f, state, err);
}

oar_status oar_prepare_mul(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  return prepare_xy(ctx, oar_mul_geometry, 1.0f, state, err);
}

oar_status oar_prepare_fc(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  const oar_node *n = ctx->node;
  const oar_tensor_view *x, *w, *bias;
  oar_tensor_view *z;
  OAR_TRY(fc_io(n, ctx->in, (oar_tensor_view *)ctx->out, &x, &w, &bias, &z, err));
  bool has_act;
  oar_act_params act;
  OAR_TRY(oar_fused_act_parse(oar_op_attr_str(n, OAR_FC_ATTR_ACTIVATION_TYPE),
                              oar_node_attr_f(n, OAR_FC_ATTR_FUSE_ALPHA),
                              oar_node_attr_f(n, OAR_FC_ATTR_FUSE_BETA), &has_act, &act, err));
  oar_matmul_geom g;
  int64_t ldw;
  OAR_TRY(oar_fc_geometry(n, &x->shape, &w->shape, &g, &ldw, err));
  /* W is [K, N] with row stride ldw: never the GEMV layout. */
  if (g.n == 1) return OAR_OK;
  return prepare_product(ctx, &g, (size_t)ldw, 1.0f, OAR_FC_IN_W, has_act, &act, state, err);
}
