#include "kernels/ref/reduce.h"

#include <math.h>
#include <string.h>

/* Function numbers as in ir/ops/op_ext.h (kernels do not include the IR). */
enum { SUM, MEAN, MAX, MIN, PROD, L1, L2, LOG_SUM, LOG_SUM_EXP, SUM_SQUARE, LP };

static double load(oar_dtype t, const void *p, int64_t i) {
  switch (t) {
    case OAR_DTYPE_FLOAT32: return ((const float *)p)[i];
    case OAR_DTYPE_INT32: return ((const int32_t *)p)[i];
    case OAR_DTYPE_INT64: return (double)((const int64_t *)p)[i];
    case OAR_DTYPE_FLOAT64: return ((const double *)p)[i];
    case OAR_DTYPE_BOOL: return ((const uint8_t *)p)[i] != 0;
    default: return 0.0;
  }
}

/* A double into an integer type without undefined behaviour: NaN (the mean
 * of nothing) is 0, values past the type's range saturate (the max of
 * nothing is -inf). */
static int64_t to_integer(double v, double lo, double hi) {
  if (isnan(v)) return 0;
  if (v <= lo) return (int64_t)lo;
  if (v >= hi) return hi >= 9223372036854775807.0 ? INT64_MAX : (int64_t)hi;
  return (int64_t)v;
}

static void store(oar_dtype t, void *p, int64_t i, double v) {
  switch (t) {
    case OAR_DTYPE_FLOAT32: ((float *)p)[i] = (float)v; break;
    case OAR_DTYPE_INT32: ((int32_t *)p)[i] = (int32_t)to_integer(v, INT32_MIN, INT32_MAX); break;
    case OAR_DTYPE_INT64: ((int64_t *)p)[i] = to_integer(v, (double)INT64_MIN, 9223372036854775807.0); break;
    case OAR_DTYPE_FLOAT64: ((double *)p)[i] = v; break;
    case OAR_DTYPE_BOOL: ((uint8_t *)p)[i] = v != 0.0; break; /* all = min, any = max */
    default: break;
  }
}

void oar_ref_reduce(const oar_reduce_params *p, oar_dtype dtype, const void *src, void *dst, double *acc) {
  int64_t out_strides[OAR_MAX_RANK], out_count = 1, in_count = 1, reduced = 1;
  for (int d = p->rank - 1; d >= 0; d--) {
    out_strides[d] = p->reduce[d] ? 0 : out_count;
    if (!p->reduce[d])
      out_count *= p->dims[d];
    else
      reduced *= p->dims[d];
    in_count *= p->dims[d];
  }
  const double init = p->func == MAX ? -INFINITY : p->func == MIN ? INFINITY : p->func == PROD ? 1.0 : 0.0;
  for (int64_t i = 0; i < out_count; i++) acc[i] = init;
  int64_t idx[OAR_MAX_RANK] = {0}, o = 0;
  for (int64_t i = 0; i < in_count; i++) {
    const double v = load(dtype, src, i);
    double *a = &acc[o];
    switch (p->func) {
      case SUM:
      case MEAN:
      case LOG_SUM: *a += v; break;
      case MAX:
        if (v > *a || isnan(v)) *a = v;
        break;
      case MIN:
        if (v < *a || isnan(v)) *a = v;
        break;
      case PROD: *a *= v; break;
      case L1: *a += fabs(v); break;
      case L2:
      case SUM_SQUARE: *a += v * v; break;
      case LOG_SUM_EXP: *a += exp(v); break;
      case LP: *a += pow(fabs(v), (double)p->p); break;
    }
    for (int d = p->rank - 1; d >= 0; d--) {
      o += out_strides[d];
      if (++idx[d] < p->dims[d]) break;
      o -= out_strides[d] * p->dims[d];
      idx[d] = 0;
    }
  }
  for (int64_t i = 0; i < out_count; i++) {
    double v = acc[i];
    switch (p->func) {
      case MEAN: v = reduced ? v / (double)reduced : NAN; break;
      case L2: v = sqrt(v); break;
      case LOG_SUM:
      case LOG_SUM_EXP: v = log(v); break;
      case LP: v = pow(v, 1.0 / (double)p->p); break;
      default: break;
    }
    if (dtype == OAR_DTYPE_INT32 || dtype == OAR_DTYPE_INT64) {
      if (p->func == MEAN) v = trunc(v);
    }
    store(dtype, dst, i, v);
  }
}

void oar_ref_arg_reduce(int func, bool select_last, oar_dtype dtype, const void *src, int64_t outer,
                        int64_t n, int64_t inner, int64_t *dst) {
  for (int64_t o = 0; o < outer; o++)
    for (int64_t in = 0; in < inner; in++) {
      int64_t best = 0;
      double bv = load(dtype, src, o * n * inner + in);
      for (int64_t k = 1; k < n; k++) {
        double v = load(dtype, src, (o * n + k) * inner + in);
        bool better = func == 0 ? (v > bv || (select_last && v == bv)) : (v < bv || (select_last && v == bv));
        if (better) {
          bv = v;
          best = k;
        }
      }
      dst[o * inner + in] = best;
    }
}

void oar_ref_softmax_ext_f32(int func, const float *src, float *dst, int64_t outer, int64_t n,
                             int64_t inner) {
  for (int64_t o = 0; o < outer; o++)
    for (int64_t in = 0; in < inner; in++) {
      const float *x = src + o * n * inner + in;
      float *y = dst + o * n * inner + in;
      if (n == 0) continue;
      float mx = x[0];
      int64_t arg = 0;
      for (int64_t k = 1; k < n; k++)
        if (x[k * inner] > mx) {
          mx = x[k * inner];
          arg = k;
        }
      if (func == 2) {
        for (int64_t k = 0; k < n; k++) y[k * inner] = k == arg ? 1.0f : 0.0f;
        continue;
      }
      double sum = 0.0;
      for (int64_t k = 0; k < n; k++) sum += exp((double)x[k * inner] - mx);
      for (int64_t k = 0; k < n; k++) {
        double d = (double)x[k * inner] - mx;
        y[k * inner] = func == 1 ? (float)(d - log(sum)) : (float)(exp(d) / sum);
      }
    }
}

void oar_ref_cumsum(oar_dtype dtype, const void *src, void *dst, int64_t outer, int64_t n, int64_t inner,
                    bool exclusive, bool reverse) {
  for (int64_t o = 0; o < outer; o++)
    for (int64_t in = 0; in < inner; in++) {
      double acc = 0.0;
      int64_t iacc = 0;
      for (int64_t j = 0; j < n; j++) {
        const int64_t k = reverse ? n - 1 - j : j;
        const int64_t at = (o * n + k) * inner + in;
        if (dtype == OAR_DTYPE_INT64) {
          int64_t v = ((const int64_t *)src)[at];
          if (exclusive) {
            ((int64_t *)dst)[at] = iacc;
            iacc = (int64_t)((uint64_t)iacc + (uint64_t)v);
          } else {
            iacc = (int64_t)((uint64_t)iacc + (uint64_t)v);
            ((int64_t *)dst)[at] = iacc;
          }
          continue;
        }
        double v = load(dtype, src, at);
        if (exclusive) {
          store(dtype, dst, at, acc);
          acc += v;
        } else {
          acc += v;
          store(dtype, dst, at, acc);
        }
      }
    }
}

/* Stable merge sort of order[0..n) by key (descending when `desc`). */
static void sort_order(oar_dtype dtype, const void *src, int64_t base, int64_t inner, int64_t *order,
                       int64_t *tmp, int64_t n, bool desc) {
  for (int64_t width = 1; width < n; width *= 2) {
    for (int64_t lo = 0; lo < n; lo += 2 * width) {
      int64_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      int64_t a = lo, b = mid, t = lo;
      while (a < mid && b < hi) {
        double va = load(dtype, src, base + order[a] * inner), vb = load(dtype, src, base + order[b] * inner);
        bool take_b = desc ? vb > va : vb < va;
        tmp[t++] = take_b ? order[b++] : order[a++];
      }
      while (a < mid) tmp[t++] = order[a++];
      while (b < hi) tmp[t++] = order[b++];
    }
    memcpy(order, tmp, (size_t)n * sizeof *order);
  }
}

void oar_ref_topk(oar_dtype dtype, const void *src, void *values, int64_t *indices, int64_t outer, int64_t n,
                  int64_t inner, int64_t k, bool largest, int64_t *order, int64_t *tmp) {
  const size_t esize = oar_dtype_bytes(dtype);
  for (int64_t o = 0; o < outer; o++)
    for (int64_t in = 0; in < inner; in++) {
      const int64_t base = o * n * inner + in;
      for (int64_t j = 0; j < n; j++) order[j] = j;
      sort_order(dtype, src, base, inner, order, tmp, n, largest);
      for (int64_t j = 0; j < k; j++) {
        const int64_t at = (o * k + j) * inner + in;
        indices[at] = order[j];
        memcpy((char *)values + at * esize, (const char *)src + (base + order[j] * inner) * esize, esize);
      }
    }
}
