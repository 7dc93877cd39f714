/* nll_loss on the reference kernel (float32). */
#include "base/alloc.h"
#include "ir/ops/op_ext.h"
#include "kernels/ref/loss.h"
#include "runtime/ops/run_util.h"

oar_status oar_run_nll_loss(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  const oar_tensor_view *x, *t;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, OAR_NLL_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_NLL_IN_TARGET, &t, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  OAR_TRY(oar_run_expect_dtype(node, OAR_NLL_IN_X, x, OAR_DTYPE_FLOAT32, err));
  const oar_tensor_view *w = oar_op_input(node, in, OAR_NLL_IN_WEIGHT);
  if (w) OAR_TRY(oar_run_expect_dtype(node, OAR_NLL_IN_WEIGHT, w, OAR_DTYPE_FLOAT32, err));
  const int64_t n = x->shape.dims[0], c = x->shape.dims[1], count = oar_view_numel(t);
  const int64_t inner = n ? count / n : 0;
  if (w && oar_view_numel(w) != c)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "Weight has %lld values for %lld classes",
                         (long long)oar_view_numel(w), (long long)c);
  const bool has_ignore = oar_node_attr_i(node, OAR_NLL_ATTR_HAS_IGNORE_INDEX) != 0;
  const int64_t ignore = oar_node_attr_i(node, OAR_NLL_ATTR_IGNORE_INDEX);
  int64_t *tv = oar_malloc((size_t)(count > 0 ? count : 1) * sizeof *tv);
  if (!tv) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for nll_loss");
  for (int64_t i = 0; i < count; i++) {
    tv[i] = t->dtype == OAR_DTYPE_INT64 ? ((const int64_t *)t->data)[i] : ((const int32_t *)t->data)[i];
    if (!(has_ignore && tv[i] == ignore) && (tv[i] < 0 || tv[i] >= c)) {
      oar_status st = oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "target %lld is out of range [0, %lld)",
                                    (long long)tv[i], (long long)c);
      oar_free(tv);
      return st;
    }
  }
  const int64_t red = oar_node_attr_i(node, OAR_NLL_ATTR_REDUCTION);
  double wsum;
  double sum = oar_ref_nll_f32(x->data, tv, w ? w->data : NULL, n, c, inner, has_ignore, ignore,
                               red == 0 ? y->data : NULL, &wsum);
  if (red == 1) *(float *)y->data = (float)sum;
  if (red == 2) *(float *)y->data = (float)(sum / wsum);
  oar_free(tv);
  return OAR_OK;
}
