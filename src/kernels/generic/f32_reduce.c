#include "kernels/generic/f32_reduce.h"

#include <math.h>

enum { LANES = 16, BLOCK = 1024 };

static double sum_block(oar_f32_reduce_op op, const float *x, size_t n) {
  float s[LANES] = {0};
  size_t i = 0;
  switch (op) {
    case OAR_F32_RED_SUM_SQ:
      for (; i + LANES <= n; i += LANES)
        for (int l = 0; l < LANES; l++) s[l] += x[i + l] * x[i + l];
      break;
    case OAR_F32_RED_SUM_ABS:
      for (; i + LANES <= n; i += LANES)
        for (int l = 0; l < LANES; l++) s[l] += fabsf(x[i + l]);
      break;
    default:
      for (; i + LANES <= n; i += LANES)
        for (int l = 0; l < LANES; l++) s[l] += x[i + l];
      break;
  }
  double acc = 0.0;
  for (int l = 0; l < LANES; l++) acc += s[l];
  for (; i < n; i++) {
    const double v = x[i];
    acc += op == OAR_F32_RED_SUM_SQ ? v * v : op == OAR_F32_RED_SUM_ABS ? fabs(v) : v;
  }
  return acc;
}

static double extreme(bool is_max, const float *x, size_t n) {
  float m[LANES];
  int nan[LANES] = {0};
  size_t i = 0;
  for (int l = 0; l < LANES; l++) m[l] = is_max ? -INFINITY : INFINITY;
  if (is_max) {
    for (; i + LANES <= n; i += LANES)
      for (int l = 0; l < LANES; l++) {
        const float v = x[i + l];
        nan[l] |= v != v;
        m[l] = v > m[l] ? v : m[l];
      }
  } else {
    for (; i + LANES <= n; i += LANES)
      for (int l = 0; l < LANES; l++) {
        const float v = x[i + l];
        nan[l] |= v != v;
        m[l] = v < m[l] ? v : m[l];
      }
  }
  float r = is_max ? -INFINITY : INFINITY;
  int any_nan = 0;
  for (int l = 0; l < LANES; l++) {
    any_nan |= nan[l];
    r = is_max ? (m[l] > r ? m[l] : r) : (m[l] < r ? m[l] : r);
  }
  for (; i < n; i++) {
    any_nan |= x[i] != x[i];
    r = is_max ? (x[i] > r ? x[i] : r) : (x[i] < r ? x[i] : r);
  }
  return any_nan ? NAN : r;
}

double oar_f32_reduce_row(oar_f32_reduce_op op, const float *x, size_t n) {
  if (op == OAR_F32_RED_MAX || op == OAR_F32_RED_MIN) return extreme(op == OAR_F32_RED_MAX, x, n);
  double acc = 0.0;
  for (size_t i = 0; i < n; i += BLOCK) acc += sum_block(op, x + i, n - i < BLOCK ? n - i : BLOCK);
  return acc;
}

void oar_f32_reduce_cols(oar_f32_reduce_op op, const float *x, size_t rows, size_t stride, size_t n,
                         double *acc) {
  for (size_t j = 0; j < n; j++) acc[j] = x[j];
  if (op == OAR_F32_RED_SUM_SQ)
    for (size_t j = 0; j < n; j++) acc[j] *= acc[j];
  if (op == OAR_F32_RED_SUM_ABS)
    for (size_t j = 0; j < n; j++) acc[j] = fabs(acc[j]);
  for (size_t i = 1; i < rows; i++) {
    const float *r = x + i * stride;
    switch (op) {
      case OAR_F32_RED_SUM:
        for (size_t j = 0; j < n; j++) acc[j] += r[j];
        break;
      case OAR_F32_RED_SUM_SQ:
        for (size_t j = 0; j < n; j++) acc[j] += (double)r[j] * r[j];
        break;
      case OAR_F32_RED_SUM_ABS:
        for (size_t j = 0; j < n; j++) acc[j] += fabs((double)r[j]);
        break;
      case OAR_F32_RED_MAX:
        /* The reference's rule, in its order: NaN sticks. */
        for (size_t j = 0; j < n; j++) acc[j] = (r[j] > acc[j] || r[j] != r[j]) ? r[j] : acc[j];
        break;
      case OAR_F32_RED_MIN:
        for (size_t j = 0; j < n; j++) acc[j] = (r[j] < acc[j] || r[j] != r[j]) ? r[j] : acc[j];
        break;
    }
  }
}
