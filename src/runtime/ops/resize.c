/* resize_nd on the reference kernel (float32). */
#include "base/alloc.h"
#include "ir/ops/op_ext.h"
#include "kernels/ref/resize.h"
#include "runtime/ops/run_util.h"

oar_status oar_run_resize_nd(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, OAR_RESIZE_IN_X, &x, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  OAR_TRY(oar_run_expect_dtype(node, OAR_RESIZE_IN_X, x, OAR_DTYPE_FLOAT32, err));
  oar_resize_plan plan;
  OAR_TRY(oar_resize_resolve(node, in, &x->shape, &plan, err));
  oar_resize_params p = {
      .rank = x->shape.rank,
      .mode = (int)oar_node_attr_i(node, OAR_RESIZE_ATTR_MODE),
      .coord = (int)oar_node_attr_i(node, OAR_RESIZE_ATTR_COORD),
      .nearest_mode = (int)oar_node_attr_i(node, OAR_RESIZE_ATTR_NEAREST_MODE),
      .cubic_a = oar_node_attr_f(node, OAR_RESIZE_ATTR_CUBIC_A),
      .extrapolation = oar_node_attr_f(node, OAR_RESIZE_ATTR_EXTRAPOLATION),
      .exclude_outside = oar_node_attr_i(node, OAR_RESIZE_ATTR_EXCLUDE_OUTSIDE) != 0,
  };
  for (int d = 0; d < p.rank; d++) {
    p.in[d] = x->shape.dims[d];
    p.out[d] = plan.out.dims[d];
    p.scale[d] = plan.scale[d];
    p.roi_start[d] = plan.roi_start[d];
    p.roi_end[d] = plan.roi_end[d];
    if (p.in[d] == 0 && p.out[d] > 0)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "cannot resize an empty dim %d to %lld", d,
                           (long long)p.out[d]);
  }
  const size_t n = oar_ref_resize_scratch_taps(&p) + 1;
  int64_t *idx = oar_malloc(n * 4 * sizeof *idx);
  double *w = oar_malloc(n * 4 * sizeof *w);
  unsigned char *cnt = oar_malloc(n * 2);
  oar_status st = OAR_OK;
  if (!idx || !w || !cnt)
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for resize taps");
  else
    oar_ref_resize_f32(&p, x->data, y->data, idx, w, cnt, cnt + n);
  oar_free(idx);
  oar_free(w);
  oar_free(cnt);
  return st;
}
