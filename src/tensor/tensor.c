#include "tensor/tensor.h"

#include <stdio.h>
#include <string.h>

size_t oar_dtype_bytes(oar_dtype dtype) {
  switch (dtype) {
    case OAR_DTYPE_FLOAT32: return 4;
    case OAR_DTYPE_INT32: return 4;
    case OAR_DTYPE_INT64: return 8;
    case OAR_DTYPE_UINT8: return 1;
    case OAR_DTYPE_INT8: return 1;
    case OAR_DTYPE_FLOAT16: return 2;
    case OAR_DTYPE_BOOL: return 1;
    case OAR_DTYPE_FLOAT64: return 8;
    case OAR_DTYPE_INT16: return 2;
    case OAR_DTYPE_UNKNOWN: return 0;
  }
  return 0;
}

const char *oar_dtype_str(oar_dtype dtype) {
  switch (dtype) {
    case OAR_DTYPE_FLOAT32: return "float32";
    case OAR_DTYPE_INT32: return "int32";
    case OAR_DTYPE_INT64: return "int64";
    case OAR_DTYPE_UINT8: return "uint8";
    case OAR_DTYPE_INT8: return "int8";
    case OAR_DTYPE_FLOAT16: return "float16";
    case OAR_DTYPE_BOOL: return "bool";
    case OAR_DTYPE_FLOAT64: return "float64";
    case OAR_DTYPE_INT16: return "int16";
    case OAR_DTYPE_UNKNOWN: return "unknown";
  }
  return "unknown";
}

int64_t oar_shape_numel(const oar_shape *s) {
  int64_t n = 1;
  for (int i = 0; i < s->rank; i++) {
    if (s->dims[i] < 0) return -1;
    if (__builtin_mul_overflow(n, s->dims[i], &n)) return -1;
  }
  return n;
}

bool oar_shape_equal(const oar_shape *a, const oar_shape *b) {
  if (a->rank != b->rank) return false;
  for (int i = 0; i < a->rank; i++)
    if (a->dims[i] != b->dims[i]) return false;
  return true;
}

bool oar_shape_is_known(const oar_shape *s) {
  for (int i = 0; i < s->rank; i++)
    if (s->dims[i] < 0) return false;
  return true;
}

char *oar_shape_str(const oar_shape *s, char *buf, size_t size) {
  size_t at = 0;
  if (size == 0) return buf;
  buf[0] = '\0';
  at += (size_t)snprintf(buf + at, size - at, "[");
  for (int i = 0; i < s->rank && at < size; i++)
    at += (size_t)snprintf(buf + at, size - at, i ? ", %lld" : "%lld", (long long)s->dims[i]);
  if (at < size) snprintf(buf + at, size - at, "]");
  return buf;
}

oar_shape oar_shape_make(int rank, const int64_t *dims) {
  oar_shape s;
  memset(&s, 0, sizeof s);
  s.rank = rank;
  for (int i = 0; i < rank; i++) s.dims[i] = dims[i];
  return s;
}
