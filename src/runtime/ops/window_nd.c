/* conv_nd, conv_transpose_nd, pool_nd on the reference kernels (float32). */
#include "ir/ops/op_ext.h"
#include "kernels/ref/window_nd.h"
#include "runtime/ops/run_util.h"

static void to_params(const oar_window_geom *g, oar_window_params *p) {
  p->nsp = g->nsp;
  p->batch = g->batch;
  p->in_c = g->in_c;
  p->out_c = g->out_c;
  p->group = g->group;
  for (int i = 0; i < g->nsp; i++) {
    p->in[i] = g->in[i];
    p->out[i] = g->out[i];
    p->kernel[i] = g->kernel[i];
    p->stride[i] = g->stride[i];
    p->dilation[i] = g->dilation[i];
    p->pad_begin[i] = g->pad_begin[i];
    p->pad_end[i] = g->pad_end[i];
  }
}

static oar_status run_conv(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                           bool transpose, oar_error *err) {
  const oar_tensor_view *x, *w;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_WIN_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_WIN_IN_W, &w, err));
  OAR_TRY(oar_run_output(n, out, OAR_WIN_OUT_Y, &y, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_WIN_IN_X, x, OAR_DTYPE_FLOAT32, err));
  OAR_TRY(oar_run_expect_dtype(n, OAR_WIN_IN_W, w, OAR_DTYPE_FLOAT32, err));
  const oar_tensor_view *b = oar_op_input(n, in, OAR_WIN_IN_B);
  oar_window_geom g;
  OAR_TRY(oar_window_geometry(n, &x->shape, &w->shape, &g, err));
  if (b) {
    OAR_TRY(oar_run_expect_dtype(n, OAR_WIN_IN_B, b, OAR_DTYPE_FLOAT32, err));
    if (oar_view_numel(b) != g.out_c)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "bias B has %lld values for %lld output channels",
                           (long long)oar_view_numel(b), (long long)g.out_c);
  }
  oar_window_params p;
  to_params(&g, &p);
  if (transpose)
    oar_ref_conv_transpose_nd_f32(&p, x->data, w->data, b ? b->data : NULL, y->data);
  else
    oar_ref_conv_nd_f32(&p, x->data, w->data, b ? b->data : NULL, y->data);
  return OAR_OK;
}

oar_status oar_run_conv_nd(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                           oar_error *err) {
  return run_conv(node, in, out, false, err);
}

oar_status oar_run_conv_transpose_nd(const oar_node *node, const oar_tensor_view *const *in,
                                     oar_tensor_view *out, oar_error *err) {
  return run_conv(node, in, out, true, err);
}

oar_status oar_run_pool_nd(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                           oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, OAR_WIN_IN_X, &x, err));
  OAR_TRY(oar_run_output(node, out, OAR_WIN_OUT_Y, &y, err));
  OAR_TRY(oar_run_expect_dtype(node, OAR_WIN_IN_X, x, OAR_DTYPE_FLOAT32, err));
  oar_window_geom g;
  OAR_TRY(oar_window_geometry(node, &x->shape, NULL, &g, err));
  oar_window_params p;
  to_params(&g, &p);
  oar_ref_pool_nd_f32(&p, g.mode, g.count_include_pad, g.p, x->data, y->data);
  return OAR_OK;
}
