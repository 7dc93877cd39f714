/* gaussian_random (issue 11, op gaps): schema and shape. */
#include "ir/ops/infer_util.h"
#include "ir/ops/math.h"
#include "ir/ops/op_ext.h"
#include "ir/ops/pd_ops.h"

static oar_status gaussian_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                 oar_error *err) {
  oar_shape s = {0};
  const oar_tensor_view *t = oar_op_input(n, in, OAR_GAUSS_IN_SHAPE_TENSOR);
  int64_t cnt = 0;
  if (t) {
    OAR_TRY(oar_ext_read_ints(t, "input 'ShapeTensor'", s.dims, OAR_MAX_RANK, &cnt, err));
  } else {
    const oar_attr *a = oar_node_attr(n, OAR_GAUSS_ATTR_SHAPE);
    if (a->n > OAR_MAX_RANK)
      return oar_error_set(err, OAR_ERR_UNSUPPORTED, "attribute 'shape' has %zu dims (oar takes %d)", a->n,
                           OAR_MAX_RANK);
    for (size_t i = 0; i < a->n; i++) s.dims[i] = a->ints[i];
    cnt = (int64_t)a->n;
  }
  s.rank = (int)cnt;
  for (int i = 0; i < s.rank; i++)
    if (s.dims[i] < 0)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "shape has negative dim %lld",
                           (long long)s.dims[i]);
  if (oar_shape_numel(&s) < 0) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "shape is too large");
  oar_dtype dt;
  const int64_t code = oar_node_attr_i(n, OAR_GAUSS_ATTR_DTYPE);
  if (!oar_cast_dtype_from_var_type(code, &dt) || (dt != OAR_DTYPE_FLOAT32 && dt != OAR_DTYPE_FLOAT64))
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "attribute 'dtype' is %lld; oar draws float32 (5) or float64 (6)", (long long)code);
  oar_op_set_output(n, out, 0, dt, &s);
  return OAR_OK;
}

static const oar_slot_spec gaussian_in[] = {{"ShapeTensor", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec out_one[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_attr_spec gaussian_attrs[] = {
    [OAR_GAUSS_ATTR_SHAPE] = OAR_ATTR_IS_EMPTY("shape"), [OAR_GAUSS_ATTR_MEAN] = OAR_ATTR_F("mean", 0.0),
    [OAR_GAUSS_ATTR_STD] = OAR_ATTR_F("std", 1.0),       [OAR_GAUSS_ATTR_SEED] = OAR_ATTR_I("seed", 0),
    [OAR_GAUSS_ATTR_DTYPE] = OAR_ATTR_I("dtype", 5),
};

const oar_op_schema oar_schema_gaussian_random = {
    .name = "gaussian_random",
    .id = OAR_OP_gaussian_random,
    .inputs = gaussian_in,
    .num_inputs = OAR_COUNT_OF(gaussian_in),
    .outputs = out_one,
    .num_outputs = 1,
    .attrs = gaussian_attrs,
    .num_attrs = OAR_COUNT_OF(gaussian_attrs),
    .infer = gaussian_infer,
};
