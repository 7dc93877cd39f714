/* gaussian_random (issue 11, op gaps) on the reference kernel. */
#include "ir/ops/pd_ops.h"
#include "kernels/ref/random.h"
#include "runtime/ops/run_util.h"

oar_status oar_run_gaussian_random(const oar_node *node, const oar_tensor_view *const *in,
                                   oar_tensor_view *out, oar_error *err) {
  (void)in;
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  if (!oar_ref_gaussian_random(y->dtype, oar_node_attr_f(node, OAR_GAUSS_ATTR_MEAN),
                               oar_node_attr_f(node, OAR_GAUSS_ATTR_STD),
                               oar_node_attr_i(node, OAR_GAUSS_ATTR_SEED), oar_view_numel(y), y->data))
    return oar_run_unsupported_dtype(node, 0, y->dtype, err);
  return OAR_OK;
}
