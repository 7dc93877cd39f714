#include "runtime/op_run.h"

#include <string.h>

#include "base/alloc.h"
#include "runtime/op_select.h"

/* An op this build leaves out (-DOAR_OP_LIST): planning it fails. */
static oar_status run_not_built(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                                oar_error *err) {
  (void)in;
  (void)out;
  return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                       "op '%s' is not in this build (configured with -DOAR_OP_LIST: add it to the list)",
                       node->schema->name);
}

static const oar_run_fn run_fns[OAR_OP_COUNT] = {
#define OAR_OP(id) [OAR_OP_##id] = OAR_OP_BUILT(id) ? oar_run_##id : run_not_built,
#include "ir/op_list.h"
#undef OAR_OP
};

int oar_op_built(oar_op_id id) {
  if ((int)id < 0 || id >= OAR_OP_COUNT) return 0;
  return run_fns[id] != run_not_built;
}

oar_run_fn oar_run_fn_for(oar_op_id id) {
  if ((int)id < 0 || id >= OAR_OP_COUNT) return 0;
  return run_fns[id];
}

oar_status oar_run_alloc_output(oar_tensor_view *out, oar_dtype dtype, const oar_shape *shape,
                                const char *what, oar_error *err) {
  if (out->data) return oar_error_set(err, OAR_ERR_INTERNAL, "output '%s' allocated twice", what);
  int64_t n = oar_shape_numel(shape);
  size_t bytes;
  if (n < 0 || !oar_mul_size((size_t)n, oar_dtype_bytes(dtype), &bytes) ||
      bytes > OAR_RUN_DYNAMIC_OUTPUT_MAX_BYTES)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                         "output '%s' would have %lld elements, more than the %zu bytes an output may take",
                         what, (long long)n, (size_t)OAR_RUN_DYNAMIC_OUTPUT_MAX_BYTES);
  void *d = oar_aligned_alloc(bytes ? bytes : 64);
  if (!d)
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for output '%s' (%zu bytes)", what,
                         bytes);
  memset(d, 0, bytes);
  out->dtype = dtype;
  out->shape = *shape;
  out->data = d;
  return OAR_OK;
}
