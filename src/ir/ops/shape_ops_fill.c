/* Schema of `fill_constant` (Paddle legacy op; phi `full`). */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ir/ops/shape_ops.h"

enum { FILL_IN_VALUE_TENSOR, FILL_IN_SHAPE_TENSOR, FILL_IN_SHAPE_TENSOR_LIST };
enum { FILL_ATTR_DTYPE, FILL_ATTR_SHAPE, FILL_ATTR_VALUE, FILL_ATTR_STR_VALUE };

oar_status oar_shapeops_fill_dtype(const oar_node *node, oar_dtype *dtype, oar_error *err) {
  int64_t v = oar_node_attr_i(node, FILL_ATTR_DTYPE);
  /* Paddle VarType.Type numbers. */
  switch (v) {
    case 0: *dtype = OAR_DTYPE_BOOL; return OAR_OK;
    case 1: *dtype = OAR_DTYPE_INT16; return OAR_OK;
    case 2: *dtype = OAR_DTYPE_INT32; return OAR_OK;
    case 3: *dtype = OAR_DTYPE_INT64; return OAR_OK;
    case 4: *dtype = OAR_DTYPE_FLOAT16; return OAR_OK;
    case 5: *dtype = OAR_DTYPE_FLOAT32; return OAR_OK;
    case 6: *dtype = OAR_DTYPE_FLOAT64; return OAR_OK;
    case 20: *dtype = OAR_DTYPE_UINT8; return OAR_OK;
    case 21: *dtype = OAR_DTYPE_INT8; return OAR_OK;
    default:
      return oar_shapeops_fail(node, err, OAR_ERR_UNSUPPORTED,
                               "attribute 'dtype' = %lld is not a dtype oar supports", (long long)v);
  }
}

/* A value as Paddle carries it before casting to the output dtype: an
 * integer when it came from an integer source (keeps int64 exact). */
typedef struct fill_scalar {
  bool is_int;
  int64_t i;
  double f;
} fill_scalar;

static float half_to_float(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu, bits;
  if (exp == 0) {
    float v = ldexpf((float)mant, -24);
    return sign ? -v : v;
  }
  if (exp == 31)
    bits = sign | 0x7f800000u | (mant << 13);
  else
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

/* IEEE half from float, rounding to nearest even. */
static uint16_t float_to_half(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000u, exp = (x >> 23) & 0xffu, mant = x & 0x7fffffu;
  if (exp == 0xff) return (uint16_t)(sign | 0x7c00u | (mant ? 0x200u : 0));
  int32_t e = (int32_t)exp - 127 + 15;
  if (e >= 31) return (uint16_t)(sign | 0x7c00u);
  if (e <= 0) {
    if (e < -10) return (uint16_t)sign;
    mant |= 0x800000u;
    uint32_t shift = (uint32_t)(14 - e), half = mant >> shift, rem = mant & ((1u << shift) - 1);
    uint32_t halfway = 1u << (shift - 1);
    if (rem > halfway || (rem == halfway && (half & 1u))) half++;
    return (uint16_t)(sign | half);
  }
  uint32_t half = ((uint32_t)e << 10) | (mant >> 13), rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1u))) half++; /* a carry rounds up into the exponent */
  return (uint16_t)(sign | half);
}

static oar_status scalar_from_tensor(const oar_node *node, const oar_tensor_view *t, fill_scalar *v,
                                     oar_error *err) {
  char buf[128];
  if (oar_shape_numel(&t->shape) != 1)
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL,
                             "input 'ValueTensor' must hold one value, its shape is %s",
                             oar_shape_str(&t->shape, buf, sizeof buf));
  if (!t->data)
    return oar_shapeops_fail(node, err, OAR_ERR_UNSUPPORTED,
                             "needs the value of input 'ValueTensor' at plan time");
  const void *p = t->data;
  *v = (fill_scalar){.is_int = true};
  switch (t->dtype) {
    case OAR_DTYPE_FLOAT32: {
      float f;
      memcpy(&f, p, 4);
      v->is_int = false;
      v->f = f;
      break;
    }
    case OAR_DTYPE_FLOAT64: {
      memcpy(&v->f, p, 8);
      v->is_int = false;
      break;
    }
    case OAR_DTYPE_FLOAT16: {
      uint16_t h;
      memcpy(&h, p, 2);
      v->is_int = false;
      v->f = half_to_float(h);
      break;
    }
    case OAR_DTYPE_INT32: {
      int32_t i;
      memcpy(&i, p, 4);
      v->i = i;
      break;
    }
    case OAR_DTYPE_INT64: {
      memcpy(&v->i, p, 8);
      break;
    }
    case OAR_DTYPE_INT16: {
      int16_t i;
      memcpy(&i, p, 2);
      v->i = i;
      break;
    }
    case OAR_DTYPE_INT8: {
      int8_t i;
      memcpy(&i, p, 1);
      v->i = i;
      break;
    }
    case OAR_DTYPE_UINT8: {
      uint8_t i;
      memcpy(&i, p, 1);
      v->i = i;
      break;
    }
    case OAR_DTYPE_BOOL: {
      uint8_t i;
      memcpy(&i, p, 1);
      v->i = i != 0;
      break;
    }
    case OAR_DTYPE_UNKNOWN:
    default:
      return oar_shapeops_fail(node, err, OAR_ERR_UNSUPPORTED, "input 'ValueTensor' has unsupported dtype %s",
                               oar_dtype_str(t->dtype));
  }
  return OAR_OK;
}

/* Paddle writes str_value as Python's str(int(v)) for integer dtypes and
 * str(float(v)) otherwise; "inf", "-inf" and "nan" are special-cased. An
 * integer literal is parsed exactly (large int64 values survive). Note:
 * strtod follows LC_NUMERIC; hosts that change it may misread decimals. */
static oar_status scalar_from_string(const oar_node *node, const char *s, fill_scalar *v, oar_error *err) {
  *v = (fill_scalar){0};
  if (strcmp(s, "inf") == 0) {
    v->f = INFINITY;
    return OAR_OK;
  }
  if (strcmp(s, "-inf") == 0) {
    v->f = -INFINITY;
    return OAR_OK;
  }
  if (strcmp(s, "nan") == 0) {
    v->f = NAN;
    return OAR_OK;
  }
  const char *p = s;
  while (*p == ' ') p++;
  const char *digits = p + (*p == '+' || *p == '-');
  const char *q = digits;
  while (*q >= '0' && *q <= '9') q++;
  if (q > digits && *q == '\0') {
    errno = 0;
    long long i = strtoll(p, NULL, 10);
    if (errno == 0) {
      v->is_int = true;
      v->i = i;
      return OAR_OK;
    }
  }
  char *end;
  v->f = strtod(p, &end);
  if (end == p)
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL,
                             "attribute 'str_value' = \"%s\" is not a number", s);
  return OAR_OK;
}

/* Float to an integer range: NaN gives 0, out-of-range values saturate
 * (a C cast would be undefined there). */
static int64_t clamp_to_range(double f, double lo, double hi) {
  if (isnan(f)) return 0;
  if (f <= lo) return (int64_t)lo;
  if (f >= hi) return hi >= 9.2e18 ? INT64_MAX : (int64_t)hi;
  return (int64_t)f;
}

static void scalar_to_bytes(const fill_scalar *v, oar_dtype dtype, unsigned char out[8]) {
  double f = v->is_int ? (double)v->i : v->f;
  memset(out, 0, 8);
  /* Integer sources wrap to the width like Paddle's static_cast. Float
   * sources truncate toward zero into int32 (int64 for int64) and then wrap,
   * which is what the C++ cast does on x86 for every value in range; beyond
   * the range the cast is undefined and we saturate instead. */
#define OAR_FILL_INT(type, lo, hi)                                           \
  {                                                                          \
    type x = (type)(uint64_t)(v->is_int ? v->i : clamp_to_range(f, lo, hi)); \
    memcpy(out, &x, sizeof x);                                               \
    return;                                                                  \
  }
  switch (dtype) {
    case OAR_DTYPE_FLOAT64: memcpy(out, &f, 8); return;
    case OAR_DTYPE_FLOAT32:
    case OAR_DTYPE_FLOAT16: {
      float x = isfinite(f) && fabs(f) > FLT_MAX ? (f > 0 ? INFINITY : -INFINITY) : (float)f;
      if (dtype == OAR_DTYPE_FLOAT32) {
        memcpy(out, &x, 4);
      } else {
        uint16_t h = float_to_half(x);
        memcpy(out, &h, 2);
      }
      return;
    }
    case OAR_DTYPE_INT64: OAR_FILL_INT(int64_t, -9223372036854775808.0, 9223372036854775807.0)
    case OAR_DTYPE_INT32: OAR_FILL_INT(int32_t, -2147483648.0, 2147483647.0)
    case OAR_DTYPE_INT16: OAR_FILL_INT(int16_t, -2147483648.0, 2147483647.0)
    case OAR_DTYPE_INT8: OAR_FILL_INT(int8_t, -2147483648.0, 2147483647.0)
    case OAR_DTYPE_UINT8: OAR_FILL_INT(uint8_t, -2147483648.0, 2147483647.0)
    case OAR_DTYPE_BOOL: out[0] = v->is_int ? v->i != 0 : f != 0; return;
    case OAR_DTYPE_UNKNOWN: return;
  }
#undef OAR_FILL_INT
}

oar_status oar_shapeops_fill_value(const oar_node *node, const oar_tensor_view *const *in, oar_dtype dtype,
                                   unsigned char value[8], oar_error *err) {
  fill_scalar v = {0};
  const oar_tensor_view *t = oar_shapeops_input(node, in, FILL_IN_VALUE_TENSOR, 0);
  const oar_attr *str = oar_node_attr(node, FILL_ATTR_STR_VALUE);
  if (t) {
    OAR_TRY(scalar_from_tensor(node, t, &v, err));
  } else if (str->type == OAR_ATTR_STRING && str->s && str->s[0]) {
    OAR_TRY(scalar_from_string(node, str->s, &v, err));
  } else {
    v.f = oar_node_attr_f(node, FILL_ATTR_VALUE);
  }
  scalar_to_bytes(&v, dtype, value);
  return OAR_OK;
}

static oar_status infer_fill_constant(const oar_node *node, const oar_tensor_view *const *in,
                                      oar_tensor_view *out, oar_error *err) {
  oar_dtype dtype = OAR_DTYPE_UNKNOWN;
  OAR_TRY(oar_shapeops_fill_dtype(node, &dtype, err));
  int64_t dims[OAR_MAX_RANK], n = 0;
  const oar_tensor_view *shape_t = oar_shapeops_input(node, in, FILL_IN_SHAPE_TENSOR, 0);
  /* Paddle's priority: ShapeTensor > ShapeTensorList > attribute. */
  if (shape_t)
    OAR_TRY(oar_shapeops_read_tensor_ints(node, FILL_IN_SHAPE_TENSOR, shape_t, dims, OAR_MAX_RANK, &n, err));
  else if (oar_node_input_count(node, FILL_IN_SHAPE_TENSOR_LIST) > 0)
    OAR_TRY(oar_shapeops_read_list_ints(node, in, FILL_IN_SHAPE_TENSOR_LIST, dims, OAR_MAX_RANK, &n, err));
  else
    OAR_TRY(oar_shapeops_attr_ints(node, FILL_ATTR_SHAPE, dims, OAR_MAX_RANK, &n, err));
  oar_shape res = oar_shape_make((int)n, dims);
  if (oar_shape_numel(&res) < 0) {
    char buf[160];
    return oar_shapeops_fail(node, err, OAR_ERR_INVALID_ARGUMENT,
                             "shape %s has a negative dim or too many elements",
                             oar_shape_str(&res, buf, sizeof buf));
  }
  /* Parse str_value now so a bad one fails at plan time, not mid-run. */
  if (!oar_shapeops_input(node, in, FILL_IN_VALUE_TENSOR, 0)) {
    unsigned char value[8];
    OAR_TRY(oar_shapeops_fill_value(node, in, dtype, value, err));
  }
  int pos = oar_node_out_pos(node, 0, 0);
  if (pos < 0) return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "output 'Out' is missing");
  out[pos].dtype = dtype;
  out[pos].shape = res;
  return OAR_OK;
}

static const oar_slot_spec fill_inputs[] = {
    {"ValueTensor", OAR_SLOT_OPTIONAL},
    {"ShapeTensor", OAR_SLOT_OPTIONAL},
    {"ShapeTensorList", OAR_SLOT_OPTIONAL | OAR_SLOT_VARIADIC},
};
static const oar_slot_spec fill_outputs[] = {{"Out", OAR_SLOT_REQUIRED}};
/* force_cpu and place_type only pick a device in Paddle: not declared. */
static const oar_attr_spec fill_attrs[] = {
    OAR_ATTR_I("dtype", 5),
    OAR_ATTR_IS_EMPTY("shape"),
    OAR_ATTR_F("value", 0.0),
    OAR_ATTR_S("str_value", ""),
};

const oar_op_schema oar_schema_fill_constant = {
    .name = "fill_constant",
    .id = OAR_OP_fill_constant,
    .inputs = fill_inputs,
    .num_inputs = OAR_COUNT_OF(fill_inputs),
    .outputs = fill_outputs,
    .num_outputs = OAR_COUNT_OF(fill_outputs),
    .attrs = fill_attrs,
    .num_attrs = OAR_COUNT_OF(fill_attrs),
    .infer = infer_fill_constant,
};
