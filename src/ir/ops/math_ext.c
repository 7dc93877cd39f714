/* unary_math, binary_math, select, clamp: element-wise ops with numpy
 * broadcasting. `func` picks the function (oar_unary_func /
 * oar_bmath_func in op_ext.h); comparisons, logic, isnan and isinf give
 * bool. */
#include "ir/ops/infer_util.h"
#include "ir/ops/op_ext.h"

oar_status oar_broadcast_numpy(const oar_shape *a, const oar_shape *b, oar_shape *out, oar_error *err) {
  const int r = a->rank > b->rank ? a->rank : b->rank;
  out->rank = r;
  for (int i = 0; i < r; i++) {
    const int ia = i - (r - a->rank), ib = i - (r - b->rank);
    const int64_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
    int64_t d;
    if (da == db)
      d = da;
    else if (da == 1)
      d = db;
    else if (db == 1)
      d = da;
    else if (da < 0 || db < 0)
      d = da < 0 ? db : da;
    else {
      char sa[128], sb[128];
      return oar_error_set(
          err, OAR_ERR_INVALID_ARGUMENT, "shapes %s and %s do not broadcast (dim %d: %lld vs %lld)",
          oar_shape_str(a, sa, sizeof sa), oar_shape_str(b, sb, sizeof sb), i, (long long)da, (long long)db);
    }
    out->dims[i] = d;
  }
  return OAR_OK;
}

static oar_status unary_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, 0, &x, err));
  int64_t f;
  OAR_TRY(oar_op_attr_int(n, OAR_UNARY_ATTR_FUNC, 0, OAR_UNARY_COUNT - 1, &f, err));
  const bool to_bool = f == OAR_UNARY_ISNAN || f == OAR_UNARY_ISINF;
  oar_op_set_output(n, out, 0, to_bool ? OAR_DTYPE_BOOL : x->dtype, &x->shape);
  return OAR_OK;
}

bool oar_bmath_gives_bool(int64_t f);
bool oar_bmath_gives_bool(int64_t f) {
  return (f >= OAR_BMATH_EQUAL && f <= OAR_BMATH_GREATER_EQUAL) || f == OAR_BMATH_AND || f == OAR_BMATH_OR ||
         f == OAR_BMATH_XOR;
}

static oar_status binary_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  const oar_tensor_view *x, *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_BMATH_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_BMATH_IN_Y, &y, err));
  int64_t f;
  OAR_TRY(oar_op_attr_int(n, OAR_BMATH_ATTR_FUNC, 0, OAR_BMATH_COUNT - 1, &f, err));
  if (f != OAR_BMATH_POW && (f < OAR_BMATH_BITSHIFT_LEFT || f > OAR_BMATH_BITWISE_XOR))
    OAR_TRY(oar_op_check_same_dtype(n, 0, x, 1, y, err));
  oar_shape s;
  OAR_TRY(oar_broadcast_numpy(&x->shape, &y->shape, &s, err));
  oar_op_set_output(n, out, 0, oar_bmath_gives_bool(f) ? OAR_DTYPE_BOOL : x->dtype, &s);
  return OAR_OK;
}

static oar_status select_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  const oar_tensor_view *c, *x, *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_SELECT_IN_COND, &c, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_SELECT_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_SELECT_IN_Y, &y, err));
  if (c->dtype != OAR_DTYPE_BOOL)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "condition must be bool, got %s",
                         oar_dtype_str(c->dtype));
  OAR_TRY(oar_op_check_same_dtype(n, 1, x, 2, y, err));
  oar_shape s, t;
  OAR_TRY(oar_broadcast_numpy(&c->shape, &x->shape, &s, err));
  OAR_TRY(oar_broadcast_numpy(&s, &y->shape, &t, err));
  oar_op_set_output(n, out, 0, x->dtype, &t);
  return OAR_OK;
}

static oar_status clamp_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_CLAMP_IN_X, &x, err));
  for (int s = 1; s <= 2; s++) {
    const oar_tensor_view *b = oar_op_input(n, in, s);
    if (b && (b->dtype != x->dtype || oar_view_numel(b) > 1))
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "bound %s must be a scalar of X's dtype",
                           n->schema->inputs[s].name);
  }
  oar_op_set_output(n, out, 0, x->dtype, &x->shape);
  return OAR_OK;
}

static const oar_slot_spec x_input[] = {{"X", OAR_SLOT_REQUIRED}};
static const oar_slot_spec xy_inputs[] = {{"X", OAR_SLOT_REQUIRED}, {"Y", OAR_SLOT_REQUIRED}};
static const oar_slot_spec select_inputs[] = {
    {"Condition", OAR_SLOT_REQUIRED}, {"X", OAR_SLOT_REQUIRED}, {"Y", OAR_SLOT_REQUIRED}};
static const oar_slot_spec clamp_inputs[] = {
    {"X", OAR_SLOT_REQUIRED}, {"Min", OAR_SLOT_OPTIONAL}, {"Max", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec out_only[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_attr_spec unary_attrs[] = {
    [OAR_UNARY_ATTR_FUNC] = OAR_ATTR_REQUIRED("func", OAR_ATTR_INT),
    [OAR_UNARY_ATTR_ALPHA] = OAR_ATTR_F("alpha", 0.0),
    [OAR_UNARY_ATTR_BETA] = OAR_ATTR_F("beta", 0.0),
};
static const oar_attr_spec binary_attrs[] = {[OAR_BMATH_ATTR_FUNC] = OAR_ATTR_REQUIRED("func", OAR_ATTR_INT)};

const oar_op_schema oar_schema_unary_math = {
    .name = "unary_math",
    .id = OAR_OP_unary_math,
    .inputs = x_input,
    .num_inputs = 1,
    .outputs = out_only,
    .num_outputs = 1,
    .attrs = unary_attrs,
    .num_attrs = OAR_COUNT_OF(unary_attrs),
    .infer = unary_infer,
};
const oar_op_schema oar_schema_binary_math = {
    .name = "binary_math",
    .id = OAR_OP_binary_math,
    .inputs = xy_inputs,
    .num_inputs = 2,
    .outputs = out_only,
    .num_outputs = 1,
    .attrs = binary_attrs,
    .num_attrs = 1,
    .infer = binary_infer,
};
const oar_op_schema oar_schema_select = {
    .name = "select",
    .id = OAR_OP_select,
    .inputs = select_inputs,
    .num_inputs = 3,
    .outputs = out_only,
    .num_outputs = 1,
    .infer = select_infer,
};
const oar_op_schema oar_schema_clamp = {
    .name = "clamp",
    .id = OAR_OP_clamp,
    .inputs = clamp_inputs,
    .num_inputs = 3,
    .outputs = out_only,
    .num_outputs = 1,
    .infer = clamp_infer,
};

/* ---- cast_f16: float16 <-> float32 ------------------------------------------------- */

static oar_status cast_f16_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                 oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, 0, &x, err));
  const oar_dtype to = x->dtype == OAR_DTYPE_FLOAT16 ? OAR_DTYPE_FLOAT32 : OAR_DTYPE_FLOAT16;
  if (x->dtype != OAR_DTYPE_FLOAT16 && x->dtype != OAR_DTYPE_FLOAT32)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "cast_f16 converts float16 <-> float32, not %s",
                         oar_dtype_str(x->dtype));
  oar_op_set_output(n, out, 0, to, &x->shape);
  return OAR_OK;
}

const oar_op_schema oar_schema_cast_f16 = {
    .name = "cast_f16",
    .id = OAR_OP_cast_f16,
    .inputs = x_input,
    .num_inputs = 1,
    .outputs = out_only,
    .num_outputs = 1,
    .infer = cast_f16_infer,
};
