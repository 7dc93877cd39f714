#include "runtime/ops/run_util.h"

oar_status oar_run_unsupported_dtype(const oar_node *n, int in_slot, oar_dtype dtype, oar_error *err) {
  return oar_error_set(err, OAR_ERR_UNSUPPORTED, "dtype %s not supported (input '%s')", oar_dtype_str(dtype),
                       n->schema->inputs[in_slot].name);
}

oar_status oar_run_expect_dtype(const oar_node *n, int in_slot, const oar_tensor_view *v, oar_dtype want,
                                oar_error *err) {
  if (v->dtype == want) return OAR_OK;
  return oar_run_unsupported_dtype(n, in_slot, v->dtype, err);
}

oar_status oar_run_output(const oar_node *n, oar_tensor_view *out, int slot, oar_tensor_view **view,
                          oar_error *err) {
  oar_tensor_view *v = oar_op_output(n, out, slot);
  if (!v)
    return oar_error_set(err, OAR_ERR_INTERNAL, "output '%s' is not bound", n->schema->outputs[slot].name);
  *view = v;
  return OAR_OK;
}

oar_status oar_run_seq_lens(const oar_node *n, int in_slot, const oar_tensor_view *v, int64_t batch,
                            int64_t seq, int64_t *lens, oar_error *err) {
  if (oar_view_numel(v) != batch || (v->dtype != OAR_DTYPE_INT32 && v->dtype != OAR_DTYPE_INT64))
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input '%s' must hold %lld int32 or int64 values",
                         n->schema->inputs[in_slot].name, (long long)batch);
  for (int64_t b = 0; b < batch; b++) {
    lens[b] = v->dtype == OAR_DTYPE_INT32 ? ((const int32_t *)v->data)[b] : ((const int64_t *)v->data)[b];
    if (lens[b] < 0 || lens[b] > seq)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "sequence length %lld is out of [0, %lld]",
                           (long long)lens[b], (long long)seq);
  }
  return OAR_OK;
}

int32_t oar_run_q8_zero(const oar_tensor_view *z) {
  if (!z) return 0;
  return z->dtype == OAR_DTYPE_INT8 ? (int32_t) * (const int8_t *)z->data
                                    : (int32_t) * (const uint8_t *)z->data;
}
