/* matmul_int8 (ir/ops/matmul.h): the plain run is the reference kernel;
 * the prepared one packs W once (column sums kept for the zero point) and
 * runs the rows of X against it as an int8 GEMM with the weights on the
 * columns (kernels/generic/qgemm.h), on VNNI where the CPU has it. The
 * activation scale and zero point are read at each run: they may come
 * from a DynamicQuantizeLinear. */
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/matmul.h"
#include "kernels/generic/qgemm.h"
#include "kernels/ref/matmul.h"
#include "runtime/kernel_state.h"
#include "runtime/ops/run_util.h"

typedef struct qmm_io {
  const oar_tensor_view *x, *w, *xs, *xz, *ws, *bias;
  oar_tensor_view *y;
  int64_t m, n, k;
  bool x_signed, per_column;
} qmm_io;

static oar_status read_io(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                          qmm_io *io, oar_error *err) {
  OAR_TRY(oar_op_require_input(node, in, OAR_QMATMUL_IN_X, &io->x, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_QMATMUL_IN_W, &io->w, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_QMATMUL_IN_X_SCALE, &io->xs, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_QMATMUL_IN_W_SCALE, &io->ws, err));
  OAR_TRY(oar_run_output(node, out, 0, &io->y, err));
  io->xz = oar_op_input(node, in, OAR_QMATMUL_IN_X_ZERO_POINT);
  io->bias = oar_op_input(node, in, OAR_QMATMUL_IN_BIAS);
  io->x_signed = io->x->dtype == OAR_DTYPE_INT8;
  if (!io->x_signed) OAR_TRY(oar_run_expect_dtype(node, OAR_QMATMUL_IN_X, io->x, OAR_DTYPE_UINT8, err));
  OAR_TRY(oar_run_expect_dtype(node, OAR_QMATMUL_IN_W, io->w, OAR_DTYPE_INT8, err));
  OAR_TRY(oar_run_expect_dtype(node, OAR_QMATMUL_IN_X_SCALE, io->xs, OAR_DTYPE_FLOAT32, err));
  OAR_TRY(oar_run_expect_dtype(node, OAR_QMATMUL_IN_W_SCALE, io->ws, OAR_DTYPE_FLOAT32, err));
  io->k = io->w->shape.dims[0];
  io->n = io->w->shape.dims[1];
  io->m = io->k > 0 ? oar_view_numel(io->x) / io->k : 0;
  io->per_column = oar_view_numel(io->ws) > 1;
  return OAR_OK;
}

oar_status oar_run_matmul_int8(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  qmm_io io;
  OAR_TRY(read_io(node, in, out, &io, err));
  oar_ref_matmul_q8(io.m, io.n, io.k, io.x->data, io.x_signed, oar_run_q8_zero(io.xz),
                    *(const float *)io.xs->data, io.w->data, io.ws->data, io.per_column,
                    io.bias ? io.bias->data : NULL, io.y->data);
  return OAR_OK;
}

/* ---- prepared --------------------------------------------------------------------- */

typedef struct qmm_state {
  oar_simple_state s; /* owned: the packed W, when not in the weight cache */
  const oar_qs8_kernels *kr;
  size_t m, n, k, a_bytes;
  const int32_t *colsum; /* [n], at the start of the packed W */
  const int8_t *packed;
  char kernel[80];
} qmm_state;

typedef struct pack_args {
  const oar_qs8_kernels *kr;
  const int8_t *w;
  size_t n, k, colsum_bytes;
} pack_args;

static size_t align64(size_t b) { return (b + 63) & ~(size_t)63; }

static void pack_w_cb(void *ctx, float *dst) {
  const pack_args *a = ctx;
  int32_t *colsum = (int32_t *)(void *)dst;
  int8_t *packed = (int8_t *)dst + a->colsum_bytes;
  for (size_t j = 0; j < a->n; j++) colsum[j] = 0;
  for (size_t t = 0; t < a->k; t++)
    for (size_t j = 0; j < a->n; j++) colsum[j] += a->w[t * a->n + j];
  oar_qgemm_pack_b_all(a->kr, (const uint8_t *)a->w, a->n, a->k, a->n, 0, (uint8_t *)packed);
}

static oar_status run_qmm_fast(const oar_op_state *state, const oar_node *node,
                               const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                               oar_error *err) {
  const qmm_state *qs = (const qmm_state *)state;
  qmm_io io;
  OAR_TRY(read_io(node, in, out, &io, err));
  const float xs = *(const float *)io.xs->data, *ws = io.ws->data;
  const int32_t zb = io.x_signed ? oar_run_q8_zero(io.xz) + 128 : oar_run_q8_zero(io.xz);
  uint8_t *a = workspace;
  float *scale = (float *)(void *)(a + qs->a_bytes);
  int32_t *corr = (int32_t *)(void *)(scale + align64(qs->n * sizeof(float)) / sizeof(float));
  for (size_t j = 0; j < qs->n; j++) {
    scale[j] = xs * ws[io.per_column ? j : 0];
    corr[j] = zb * qs->colsum[j];
  }
  qs->kr->pack_rows(io.x->data, qs->k, qs->m, qs->k, io.x_signed ? 0x80 : 0, a);
  const oar_qgemm_col_epilogue e = {scale, corr, io.bias ? io.bias->data : NULL};
  oar_qgemm_run_cols(qs->kr, qs->m, qs->n, qs->k, a, qs->packed, io.y->data, qs->n, &e);
  return OAR_OK;
}

static oar_status prepare_qmm(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  qmm_io io;
  OAR_TRY(read_io(ctx->node, ctx->in, (oar_tensor_view *)ctx->out, &io, err));
  if (io.m <= 0 || io.n <= 0 || io.k <= 0 || (size_t)io.k > OAR_QGEMM_MAX_K ||
      !oar_prepare_input_known(ctx, OAR_QMATMUL_IN_W) ||
      !oar_prepare_input_known(ctx, OAR_QMATMUL_IN_W_SCALE))
    return OAR_OK;
  const oar_qs8_kernels *kr = oar_qs8_kernels_for(ctx->kernels->isa);
  qmm_state *qs = oar_state_new(sizeof *qs, run_qmm_fast, NULL);
  if (!qs) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing the product");
  qs->kr = kr;
  qs->m = (size_t)io.m;
  qs->n = (size_t)io.n;
  qs->k = (size_t)io.k;
  const size_t colsum_bytes = align64(qs->n * sizeof(int32_t));
  const size_t bytes = colsum_bytes + oar_qgemm_packed_b_bytes(qs->n, qs->k, kr->nr);
  pack_args pa = {kr, io.w->data, qs->n, qs->k, colsum_bytes};
  const int64_t key[4] = {-9, (int64_t)kr->nr, io.k, io.n};
  const float *packed = NULL;
  oar_status st = oar_prepare_pack_weight(ctx, OAR_QMATMUL_IN_W, io.w->data, key, (bytes + 3) / 4, pack_w_cb,
                                          &pa, &qs->s, &packed, err);
  if (st != OAR_OK || !packed) {
    qs->s.base.destroy(&qs->s.base);
    return st;
  }
  qs->colsum = (const int32_t *)(const void *)packed;
  qs->packed = (const int8_t *)packed + colsum_bytes;
  qs->a_bytes = align64(oar_qgemm_packed_a_bytes(qs->m, qs->k, kr->mr));
  qs->s.base.workspace_bytes =
      qs->a_bytes + align64(qs->n * sizeof(float)) + align64(qs->n * sizeof(int32_t));
  snprintf(qs->kernel, sizeof qs->kernel, "matmul_int8 %zux%zux%zu, %s", qs->m, qs->n, qs->k, kr->name);
  qs->s.base.kernel = qs->kernel;
  *state = &qs->s.base;
  return OAR_OK;
}

oar_status oar_prepare_matmul_int8(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  return prepare_qmm(ctx, state, err);
}
