/* linspace, set_slice and roll (issue 11, batch A) on the reference kernels. */
#include <string.h>

#include "ir/ops/op_ext.h"
#include "kernels/ref/fill_slice.h"
#include "runtime/ops/run_util.h"

oar_status oar_run_linspace(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  const oar_tensor_view *start, *stop;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, OAR_LINSPACE_IN_START, &start, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_LINSPACE_IN_STOP, &stop, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  if (oar_view_numel(start) != 1 || oar_view_numel(stop) != 1)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "Start and Stop must hold one value each");
  if (!oar_ref_linspace(y->dtype, oar_ext_scalar(start), oar_ext_scalar(stop), oar_view_numel(y), y->data))
    return oar_run_unsupported_dtype(node, 0, y->dtype, err);
  return OAR_OK;
}

oar_status oar_run_set_slice(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  const oar_tensor_view *x, *v;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, OAR_SET_SLICE_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_SET_SLICE_IN_VALUE, &v, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  oar_set_slice_plan p;
  OAR_TRY(oar_set_slice_resolve(node, in, &x->shape, &v->shape, &p, err));
  const size_t es = oar_dtype_bytes(x->dtype);
  if (!es) return oar_run_unsupported_dtype(node, 0, x->dtype, err);
  if (y->data != x->data) memmove(y->data, x->data, (size_t)oar_view_numel(x) * es);
  oar_ref_set_slice(es, &x->shape, p.start, p.step, &p.slice, p.value_strides, v->data, y->data);
  return OAR_OK;
}

oar_status oar_run_roll(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                        oar_error *err) {
  const oar_tensor_view *x;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, OAR_ROLL_IN_X, &x, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  oar_roll_plan p;
  OAR_TRY(oar_roll_resolve(node, in, &x->shape, &p, err));
  const size_t es = oar_dtype_bytes(x->dtype);
  if (!es) return oar_run_unsupported_dtype(node, 0, x->dtype, err);
  const oar_shape flat = {.rank = 1, .dims = {oar_view_numel(x)}};
  oar_ref_roll(es, p.flat ? &flat : &x->shape, p.shift, x->data, y->data);
  return OAR_OK;
}
