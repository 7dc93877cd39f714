/* batch_norm (inference) on the reference kernel. */
#include "ir/ops/norm.h"

#include <string.h>

#include "kernels/ref/norm.h"
#include "runtime/ops/run_util.h"

/* MeanOut / VarianceOut, when bound, receive copies of Mean / Variance. */
static void copy_stat(const oar_node *n, oar_tensor_view *out, int slot, const oar_tensor_view *src) {
  oar_tensor_view *dst = oar_op_output(n, out, slot);
  /* Paddle programs name Mean itself as MeanOut: then there is nothing to copy. */
  if (!dst || !dst->data || !src->data || dst->data == src->data) return;
  const int64_t count = oar_view_numel(dst);
  if (dst->dtype == src->dtype && count == oar_view_numel(src) && count > 0)
    memcpy(dst->data, src->data, (size_t)count * oar_dtype_bytes(dst->dtype));
}

oar_status oar_run_batch_norm(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  const oar_tensor_view *v[5];
  for (int slot = OAR_BN_IN_X; slot <= OAR_BN_IN_VARIANCE; slot++) {
    OAR_TRY(oar_op_require_input(n, in, slot, &v[slot], err));
    OAR_TRY(oar_run_expect_dtype(n, slot, v[slot], OAR_DTYPE_FLOAT32, err));
  }
  const oar_tensor_view *x = v[OAR_BN_IN_X];
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(n, out, OAR_BN_OUT_Y, &y, err));
  OAR_TRY(oar_op_check_rank(n, OAR_BN_IN_X, x, 2, 5, err));
  int axis;
  OAR_TRY(oar_batch_norm_channel_axis(n, &x->shape, &axis, err));
  const int64_t c = x->shape.dims[axis];
  for (int slot = OAR_BN_IN_SCALE; slot <= OAR_BN_IN_VARIANCE; slot++)
    if (oar_view_numel(v[slot]) != c)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input '%s' has %lld values, expected %lld",
                           n->schema->inputs[slot].name, (long long)oar_view_numel(v[slot]), (long long)c);
  oar_batch_norm_params p = {.channels = c, .outer = 1, .inner = 1};
  for (int i = 0; i < axis; i++) p.outer *= x->shape.dims[i];
  for (int i = axis + 1; i < x->shape.rank; i++) p.inner *= x->shape.dims[i];
  p.epsilon = (float)oar_node_attr_f(n, OAR_BN_ATTR_EPSILON);
  oar_ref_batch_norm_f32(&p, x->data, v[OAR_BN_IN_SCALE]->data, v[OAR_BN_IN_BIAS]->data,
                         v[OAR_BN_IN_MEAN]->data, v[OAR_BN_IN_VARIANCE]->data, y->data);
  copy_stat(n, out, OAR_BN_OUT_MEAN_OUT, v[OAR_BN_IN_MEAN]);
  copy_stat(n, out, OAR_BN_OUT_VARIANCE_OUT, v[OAR_BN_IN_VARIANCE]);
  return OAR_OK;
}
