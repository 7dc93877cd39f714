/* pool2d on the reference kernel, or, prepared, on the plan's ISA level's
 * max pooling (NCHW float32 max pooling; the kernel hands geometries it
 * does not speed up back to the reference). */
#include "ir/ops/pool.h"

#include "kernels/ref/pool.h"
#include "runtime/kernel_state.h"
#include "runtime/ops/geom_params.h"
#include "runtime/ops/run_util.h"

static oar_status pool_params(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                              const oar_tensor_view **xp, oar_tensor_view **yp, oar_pool2d_params *pp,
                              oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_POOL_IN_X, &x, err));
  OAR_TRY(oar_run_output(n, out, OAR_POOL_OUT_OUT, &y, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_POOL_IN_X, x, OAR_DTYPE_FLOAT32, err));
  oar_pool2d_geom g;
  OAR_TRY(oar_pool2d_geometry(n, &x->shape, &g, err));
  const oar_pool2d_params p = oar_pool_params_of(&g);
  *xp = x;
  *yp = y;
  *pp = p;
  return OAR_OK;
}

oar_status oar_run_pool2d(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                          oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  oar_pool2d_params p;
  OAR_TRY(pool_params(n, in, out, &x, &y, &p, err));
  oar_ref_pool2d_f32(&p, x->data, y->data);
  return OAR_OK;
}

typedef struct pool_state {
  oar_simple_state s;
  oar_f32_pool2d_fn maxpool2d;
} pool_state;

static oar_status run_pool_fast(const oar_op_state *state, const oar_node *n,
                                const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                                oar_error *err) {
  (void)workspace;
  const pool_state *st = (const pool_state *)state;
  const oar_tensor_view *x;
  oar_tensor_view *y;
  oar_pool2d_params p;
  OAR_TRY(pool_params(n, in, out, &x, &y, &p, err));
  if (p.is_max)
    st->maxpool2d(&p, x->data, y->data);
  else
    oar_ref_pool2d_f32(&p, x->data, y->data);
  return OAR_OK;
}

oar_status oar_prepare_pool2d(const oar_prepare_ctx *ctx, oar_op_state **state, oar_error *err) {
  const int pos = oar_node_in_pos(ctx->node, OAR_POOL_IN_X, 0);
  if (!ctx->kernels->maxpool2d || pos < 0 || ctx->in[pos]->dtype != OAR_DTYPE_FLOAT32) return OAR_OK;
  pool_state *st = oar_state_new(sizeof *st, run_pool_fast, "max pool2d (vector)");
  if (!st) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing pool2d");
  st->maxpool2d = ctx->kernels->maxpool2d;
  *state = &st->s.base;
  return OAR_OK;
}
