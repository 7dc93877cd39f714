/* dtype conversion of input data for `oar run`. */
#include "convert.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_float(oar_dtype d) { return d == OAR_DTYPE_FLOAT32 || d == OAR_DTYPE_FLOAT64; }

static int is_integer(oar_dtype d) {
  return d == OAR_DTYPE_INT64 || d == OAR_DTYPE_INT32 || d == OAR_DTYPE_INT16 || d == OAR_DTYPE_INT8 ||
         d == OAR_DTYPE_UINT8 || d == OAR_DTYPE_BOOL;
}

static float half_to_float(uint16_t h) {
  uint32_t sign = (uint32_t)(h >> 15) & 1u, exp = (uint32_t)(h >> 10) & 0x1fu, mant = h & 0x3ffu;
  float v;
  if (exp == 0) {
    v = ldexpf((float)mant, -24); /* zero or subnormal */
  } else if (exp == 31) {
    v = mant ? NAN : INFINITY;
  } else {
    v = ldexpf((float)(mant | 0x400u), (int)exp - 25);
  }
  return sign ? -v : v;
}

static int64_t read_int(const void *data, oar_dtype d, size_t i) {
  switch (d) {
    case OAR_DTYPE_INT64: {
      int64_t v;
      memcpy(&v, (const char *)data + i * 8, 8);
      return v;
    }
    case OAR_DTYPE_INT32: {
      int32_t v;
      memcpy(&v, (const char *)data + i * 4, 4);
      return v;
    }
    case OAR_DTYPE_INT16: {
      int16_t v;
      memcpy(&v, (const char *)data + i * 2, 2);
      return v;
    }
    case OAR_DTYPE_INT8: return ((const int8_t *)data)[i];
    case OAR_DTYPE_UINT8: return ((const uint8_t *)data)[i];
    case OAR_DTYPE_BOOL: return ((const uint8_t *)data)[i] != 0;
    default: return 0;
  }
}

double cli_element_as_double(const void *data, oar_dtype dtype, size_t i) {
  switch (dtype) {
    case OAR_DTYPE_FLOAT32: {
      float v;
      memcpy(&v, (const char *)data + i * 4, 4);
      return v;
    }
    case OAR_DTYPE_FLOAT64: {
      double v;
      memcpy(&v, (const char *)data + i * 8, 8);
      return v;
    }
    case OAR_DTYPE_FLOAT16: {
      uint16_t v;
      memcpy(&v, (const char *)data + i * 2, 2);
      return half_to_float(v);
    }
    default: return is_integer(dtype) ? (double)read_int(data, dtype, i) : 0.0;
  }
}

static void int_range(oar_dtype d, int64_t *lo, int64_t *hi) {
  switch (d) {
    case OAR_DTYPE_INT32:
      *lo = INT32_MIN;
      *hi = INT32_MAX;
      break;
    case OAR_DTYPE_INT16:
      *lo = INT16_MIN;
      *hi = INT16_MAX;
      break;
    case OAR_DTYPE_INT8:
      *lo = INT8_MIN;
      *hi = INT8_MAX;
      break;
    case OAR_DTYPE_UINT8:
      *lo = 0;
      *hi = UINT8_MAX;
      break;
    case OAR_DTYPE_BOOL:
      *lo = 0;
      *hi = 1;
      break;
    default:
      *lo = INT64_MIN;
      *hi = INT64_MAX;
      break;
  }
}

static void write_int(void *data, oar_dtype d, size_t i, int64_t v) {
  switch (d) {
    case OAR_DTYPE_INT64: memcpy((char *)data + i * 8, &v, 8); break;
    case OAR_DTYPE_INT32: {
      int32_t x = (int32_t)v;
      memcpy((char *)data + i * 4, &x, 4);
      break;
    }
    case OAR_DTYPE_INT16: {
      int16_t x = (int16_t)v;
      memcpy((char *)data + i * 2, &x, 2);
      break;
    }
    case OAR_DTYPE_INT8: ((int8_t *)data)[i] = (int8_t)v; break;
    case OAR_DTYPE_UINT8:
    case OAR_DTYPE_BOOL: ((uint8_t *)data)[i] = (uint8_t)v; break;
    default: break;
  }
}

int cli_convert(const oar_npy *src, oar_dtype dst, void **out, size_t *out_bytes, char *err, size_t errlen) {
  size_t src_size = oar_npy_dtype_size(src->dtype), dst_size = oar_npy_dtype_size(dst);
  int ok_pair = (is_float(dst) && (is_float(src->dtype) || is_integer(src->dtype))) ||
                (is_integer(dst) && is_integer(src->dtype));
  if (src_size == 0 || dst_size == 0 || !ok_pair) {
    snprintf(err, errlen, "the file holds %s data but the input takes %s; save it as %s",
             oar_dtype_name(src->dtype), oar_dtype_name(dst), oar_dtype_name(dst));
    return -1;
  }
  size_t count = src->bytes / src_size;
  if (count > SIZE_MAX / dst_size) {
    snprintf(err, errlen, "too many elements");
    return -1;
  }
  void *buf = malloc(count * dst_size != 0 ? count * dst_size : 1);
  if (buf == NULL) {
    snprintf(err, errlen, "out of memory converting %zu elements", count);
    return -1;
  }
  if (is_float(dst)) {
    for (size_t i = 0; i < count; i++) {
      double v = cli_element_as_double(src->data, src->dtype, i);
      if (dst == OAR_DTYPE_FLOAT32) {
        float f = (float)v;
        memcpy((char *)buf + i * 4, &f, 4);
      } else {
        memcpy((char *)buf + i * 8, &v, 8);
      }
    }
  } else {
    int64_t lo, hi;
    int_range(dst, &lo, &hi);
    for (size_t i = 0; i < count; i++) {
      int64_t v = read_int(src->data, src->dtype, i);
      if (v < lo || v > hi) {
        snprintf(err, errlen, "element %zu (%" PRId64 ") does not fit the input's %s", i, v,
                 oar_dtype_name(dst));
        free(buf);
        return -1;
      }
      write_int(buf, dst, i, v);
    }
  }
  *out = buf;
  *out_bytes = count * dst_size;
  return 0;
}
