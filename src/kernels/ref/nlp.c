#include "kernels/ref/nlp.h"

#include <math.h>
#include <string.h>

/* ---- layer normalization ---------------------------------------------------- */

/* Sum of n floats in 8 interleaved partial sums (vectorizable, and more
 * accurate than one running sum), combined in double. */
static double sum8(const float *x, int64_t n) {
  float s[8] = {0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; l++) s[l] += x[i + l];
  double acc = 0.0;
  for (int l = 0; l < 8; l++) acc += s[l];
  for (; i < n; i++) acc += x[i];
  return acc;
}

/* Sum of (x - m)^2, likewise. */
static double sq_dev8(const float *x, int64_t n, float m) {
  float s[8] = {0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; l++) {
      const float d = x[i + l] - m;
      s[l] += d * d;
    }
  double acc = 0.0;
  for (int l = 0; l < 8; l++) acc += s[l];
  for (; i < n; i++) acc += (double)(x[i] - m) * (x[i] - m);
  return acc;
}

/* Normalizes one row of `cols` values of src into dst (may alias): the
 * mean first, then the variance of the centered values (two passes, as
 * Paddle's kernel does, so no cancellation). */
static void norm_row(int64_t cols, const float *src, const float *scale, const float *bias, float epsilon,
                     float *dst, float *mean_out, float *var_out) {
  const double mean = cols > 0 ? sum8(src, cols) / (double)cols : 0.0;
  const float m = (float)mean;
  const double var = cols > 0 ? sq_dev8(src, cols, m) / (double)cols : 0.0;
  const float inv = (float)(1.0 / sqrt(var + (double)epsilon));
  if (mean_out) *mean_out = m;
  if (var_out) *var_out = (float)var;
  if (scale && bias)
    for (int64_t c = 0; c < cols; c++) dst[c] = (src[c] - m) * inv * scale[c] + bias[c];
  else
    for (int64_t c = 0; c < cols; c++) {
      float y = (src[c] - m) * inv;
      if (scale) y *= scale[c];
      if (bias) y += bias[c];
      dst[c] = y;
    }
}

void oar_ref_layer_norm_f32(int64_t rows, int64_t cols, const float *x, const float *scale, const float *bias,
                            float epsilon, float *y, float *mean_out, float *var_out) {
  for (int64_t r = 0; r < rows; r++)
    norm_row(cols, x + r * cols, scale, bias, epsilon, y + r * cols, mean_out ? mean_out + r : NULL,
             var_out ? var_out + r : NULL);
}

void oar_ref_skip_layer_norm_f32(int64_t rows, int64_t cols, const float *x, const float *r,
                                 const float *scale, const float *bias, float epsilon, float *y) {
  for (int64_t i = 0; i < rows; i++) {
    float *row = y + i * cols;
    const float *a = x + i * cols, *b = r + i * cols;
    for (int64_t c = 0; c < cols; c++) row[c] = a[c] + b[c];
    norm_row(cols, row, scale, bias, epsilon, row, NULL, NULL);
  }
}

/* ---- embedding ------------------------------------------------------------------ */

#define EMBEDDING(suffix, T)                                                                              \
  int64_t oar_ref_embedding_##suffix(const void *table, int64_t num_rows, size_t row_bytes, const T *ids, \
                                     int64_t n, int64_t padding_idx, void *dst) {                         \
    unsigned char *out = dst;                                                                             \
    for (int64_t i = 0; i < n; i++, out += row_bytes) {                                                   \
      const int64_t id = ids[i];                                                                          \
      if (padding_idx != -1 && id == padding_idx) {                                                       \
        memset(out, 0, row_bytes);                                                                        \
        continue;                                                                                         \
      }                                                                                                   \
      if (id < 0 || id >= num_rows) return i;                                                             \
      memcpy(out, (const unsigned char *)table + (size_t)id * row_bytes, row_bytes);                      \
    }                                                                                                     \
    return -1;                                                                                            \
  }

EMBEDDING(i64, int64_t)
EMBEDDING(i32, int32_t)

/* ---- cumsum ------------------------------------------------------------------------- */

/* Integers sum through unsigned types so that overflow wraps. */
#define CUMSUM(suffix, T, ACC)                                                     \
  void oar_ref_cumsum_##suffix(const oar_cumsum_params *p, const T *src, T *dst) { \
    for (int64_t o = 0; o < p->outer; o++) {                                       \
      for (int64_t i = 0; i < p->inner; i++) {                                     \
        const int64_t base = o * p->len * p->inner + i;                            \
        ACC acc = 0;                                                               \
        for (int64_t a = 0; a < p->len; a++) {                                     \
          const int64_t at = base + (p->reverse ? p->len - 1 - a : a) * p->inner;  \
          const ACC x = (ACC)src[at];                                              \
          if (p->exclusive) {                                                      \
            dst[at] = (T)acc;                                                      \
            acc += x;                                                              \
          } else {                                                                 \
            acc += x;                                                              \
            dst[at] = (T)acc;                                                      \
          }                                                                        \
        }                                                                          \
      }                                                                            \
    }                                                                              \
  }

CUMSUM(f32, float, float)
CUMSUM(i32, int32_t, uint32_t)
CUMSUM(i64, int64_t, uint64_t)

/* ---- comparisons ------------------------------------------------------------------------ */

static inline uint8_t compare(oar_compare_op op, double a, double b) {
  switch (op) {
    case OAR_CMP_EQ: return a == b;
    case OAR_CMP_NE: return a != b;
    case OAR_CMP_LT: return a < b;
    case OAR_CMP_LE: return a <= b;
    case OAR_CMP_GT: return a > b;
    case OAR_CMP_GE: return a >= b;
  }
  return 0;
}

/* int64 compared exactly (a double would merge values above 2^53). */
static inline uint8_t compare_i64(oar_compare_op op, int64_t a, int64_t b) {
  switch (op) {
    case OAR_CMP_EQ: return a == b;
    case OAR_CMP_NE: return a != b;
    case OAR_CMP_LT: return a < b;
    case OAR_CMP_LE: return a <= b;
    case OAR_CMP_GT: return a > b;
    case OAR_CMP_GE: return a >= b;
  }
  return 0;
}

static double load(oar_dtype t, const void *base, int64_t i) {
  switch (t) {
    case OAR_DTYPE_FLOAT32: return ((const float *)base)[i];
    case OAR_DTYPE_FLOAT64: return ((const double *)base)[i];
    case OAR_DTYPE_INT32: return ((const int32_t *)base)[i];
    case OAR_DTYPE_BOOL:
    case OAR_DTYPE_UINT8: return ((const uint8_t *)base)[i];
    case OAR_DTYPE_INT8: return ((const int8_t *)base)[i];
    default: return 0.0;
  }
}

bool oar_ref_compare(const oar_compare_params *p, const void *x, const void *y, uint8_t *dst) {
  switch (p->dtype) {
    case OAR_DTYPE_FLOAT32:
    case OAR_DTYPE_FLOAT64:
    case OAR_DTYPE_INT32:
    case OAR_DTYPE_INT64:
    case OAR_DTYPE_BOOL:
    case OAR_DTYPE_UINT8:
    case OAR_DTYPE_INT8: break;
    default: return false;
  }
  int64_t total = 1;
  for (int d = 0; d < p->rank; d++) total *= p->dims[d];
  int64_t idx[OAR_MAX_RANK] = {0}, xo = 0, yo = 0;
  for (int64_t i = 0; i < total; i++) {
    if (p->dtype == OAR_DTYPE_INT64)
      dst[i] = compare_i64(p->op, ((const int64_t *)x)[xo], ((const int64_t *)y)[yo]);
    else
      dst[i] = compare(p->op, load(p->dtype, x, xo), load(p->dtype, y, yo));
    /* Next index, odometer style, keeping the operand offsets current. */
    for (int d = p->rank - 1; d >= 0; d--) {
      xo += p->x_strides[d];
      yo += p->y_strides[d];
      if (++idx[d] < p->dims[d]) break;
      xo -= p->x_strides[d] * p->dims[d];
      yo -= p->y_strides[d] * p->dims[d];
      idx[d] = 0;
    }
  }
  return true;
}

/* ---- fill -------------------------------------------------------------------------------- */

static int64_t saturate(double v, double lo, double hi) {
  if (v != v) return 0;
  if (v <= lo) return (int64_t)lo;
  if (v >= hi) return (int64_t)hi;
  return (int64_t)v;
}

bool oar_ref_fill_value(oar_dtype dtype, double value, int64_t n, void *dst) {
  switch (dtype) {
    case OAR_DTYPE_FLOAT32:
      for (int64_t i = 0; i < n; i++) ((float *)dst)[i] = (float)value;
      return true;
    case OAR_DTYPE_FLOAT64:
      for (int64_t i = 0; i < n; i++) ((double *)dst)[i] = value;
      return true;
    case OAR_DTYPE_INT32: {
      const int32_t v = (int32_t)saturate(value, -2147483648.0, 2147483647.0);
      for (int64_t i = 0; i < n; i++) ((int32_t *)dst)[i] = v;
      return true;
    }
    case OAR_DTYPE_INT64: {
      const int64_t v = value != value                    ? 0
                        : value >= 9223372036854775807.0  ? INT64_MAX
                        : value <= -9223372036854775808.0 ? INT64_MIN
                                                          : (int64_t)value;
      for (int64_t i = 0; i < n; i++) ((int64_t *)dst)[i] = v;
      return true;
    }
    case OAR_DTYPE_BOOL: memset(dst, value != 0.0, (size_t)n); return true;
    case OAR_DTYPE_UINT8: memset(dst, (int)saturate(value, 0.0, 255.0), (size_t)n); return true;
    case OAR_DTYPE_INT8: memset(dst, (int)(int8_t)saturate(value, -128.0, 127.0), (size_t)n); return true;
    default: return false;
  }
}

/* ---- multi-head attention ------------------------------------------------------------------ */

/* Dot product with 8 partial sums, so that the compiler can vectorize it
 * (the order of a float reduction is otherwise fixed). */
static float dot(const float *a, const float *b, int64_t n) {
  float s[8] = {0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; l++) s[l] += a[i + l] * b[i + l];
  float acc = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
  for (; i < n; i++) acc += a[i] * b[i];
  return acc;
}

/* One query row of one head: scores against every key, softmax, and the
 * weighted sum of the value rows. */
static void attend_row(const oar_mha_params *p, const float *qi, const float *kb, const float *vb,
                       const float *mask_row, float *scores, float *oi) {
  const int64_t sk = p->seq_k;
  float max = -INFINITY;
  for (int64_t j = 0; j < sk; j++) {
    float s = p->alpha * dot(qi, kb + j * p->ldk, p->head_dim);
    if (mask_row) s += mask_row[j * p->mask_strides[3]];
    scores[j] = s;
    max = s > max ? s : max;
  }
  float sum = 0.0f;
  for (int64_t j = 0; j < sk; j++) {
    scores[j] = expf(scores[j] - max);
    sum += scores[j];
  }
  const float inv = 1.0f / sum;
  const int64_t dv = p->head_dim_v;
  for (int64_t d = 0; d < dv; d++) oi[d] = 0.0f;
  for (int64_t j = 0; j < sk; j++) {
    const float w = scores[j] * inv;
    const float *vj = vb + j * p->ldv;
    for (int64_t d = 0; d < dv; d++) oi[d] += w * vj[d];
  }
}

void oar_ref_mha_f32(const oar_mha_params *p, const float *q, const float *k, const float *v,
                     const float *mask, float *scratch, float *out) {
  for (int64_t b = 0; b < p->batch; b++) {
    for (int64_t h = 0; h < p->heads; h++) {
      const float *qb = q + b * p->seq_q * p->ldq + h * p->head_dim;
      const float *kb = k + b * p->seq_k * p->ldk + h * p->head_dim;
      const float *vb = v + b * p->seq_k * p->ldv + h * p->head_dim_v;
      float *ob = out + b * p->seq_q * p->ldo + h * p->head_dim_v;
      for (int64_t i = 0; i < p->seq_q; i++) {
        float *oi = ob + i * p->ldo;
        if (p->seq_k == 0) {
          for (int64_t d = 0; d < p->head_dim_v; d++) oi[d] = 0.0f;
          continue;
        }
        const float *mask_row =
            mask ? mask + b * p->mask_strides[0] + h * p->mask_strides[1] + i * p->mask_strides[2] : NULL;
        attend_row(p, qb + i * p->ldq, kb, vb, mask_row, scratch, oi);
      }
    }
  }
}

int64_t oar_ref_embedding_sum_f32(int tables, const float *const *w, const int64_t *w_rows,
                                  const void *const *ids, const bool *ids_is_i64, const int64_t *padding_idx,
                                  int64_t n, int64_t dim, float *dst, int *bad_table) {
  for (int64_t t = 0; t < n; t++) {
    float *row = dst + t * dim;
    for (int64_t d = 0; d < dim; d++) row[d] = 0.0f;
    for (int k = 0; k < tables; k++) {
      const int64_t id = ids_is_i64[k] ? ((const int64_t *)ids[k])[t] : (int64_t)((const int32_t *)ids[k])[t];
      if (id == padding_idx[k]) continue;
      if (id < 0 || id >= w_rows[k]) {
        *bad_table = k;
        return t;
      }
      const float *src = w[k] + id * dim;
      for (int64_t d = 0; d < dim; d++) row[d] += src[d];
    }
  }
  return -1;
}
