/* einsum on the reference kernel. */
#include "ir/ops/op_ext.h"
#include "kernels/ref/einsum.h"
#include "runtime/ops/run_util.h"

_Static_assert(OAR_EINSUM_MAX_LABELS == OAR_REF_EINSUM_LABELS, "einsum label counts of IR and kernel differ");

oar_status oar_run_einsum(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                          oar_error *err) {
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  const int nin = oar_node_input_count(node, 0);
  const oar_dtype t = in[0]->dtype;
  if (t != OAR_DTYPE_FLOAT32 && t != OAR_DTYPE_FLOAT64 && t != OAR_DTYPE_INT32 && t != OAR_DTYPE_INT64)
    return oar_run_unsupported_dtype(node, 0, t, err);
  oar_einsum_plan plan;
  OAR_TRY(oar_einsum_resolve(node, in, nin, &plan, err));
  oar_einsum_params p = {.num_inputs = nin, .out_rank = plan.out_rank};
  const void *ptrs[8];
  for (int k = 0; k < nin; k++) {
    p.in_rank[k] = plan.in_rank[k];
    for (int d = 0; d < plan.in_rank[k]; d++) {
      p.in_label[k][d] = plan.in_label[k][d];
      p.in_dims[k][d] = in[k]->shape.dims[d];
    }
    ptrs[k] = in[k]->data;
  }
  for (int d = 0; d < plan.out_rank; d++) p.out_label[d] = plan.out_label[d];
  for (int l = 0; l < OAR_EINSUM_MAX_LABELS; l++) p.size[l] = plan.size[l];
  oar_ref_einsum(&p, t, ptrs, y->data);
  return OAR_OK;
}
