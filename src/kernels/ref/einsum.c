#include "kernels/ref/einsum.h"

#include <string.h>

static double ld(oar_dtype t, const void *p, int64_t i) {
  switch (t) {
    case OAR_DTYPE_FLOAT32: return ((const float *)p)[i];
    case OAR_DTYPE_FLOAT64: return ((const double *)p)[i];
    case OAR_DTYPE_INT32: return ((const int32_t *)p)[i];
    default: return (double)((const int64_t *)p)[i];
  }
}

static void st(oar_dtype t, void *p, int64_t i, double v) {
  switch (t) {
    case OAR_DTYPE_FLOAT32: ((float *)p)[i] = (float)v; break;
    case OAR_DTYPE_FLOAT64: ((double *)p)[i] = v; break;
    case OAR_DTYPE_INT32: ((int32_t *)p)[i] = (int32_t)v; break;
    default: ((int64_t *)p)[i] = (int64_t)v; break;
  }
}

void oar_ref_einsum(const oar_einsum_params *p, oar_dtype t, const void *const *in, void *out) {
  int order[OAR_REF_EINSUM_LABELS], n = 0;
  bool active[OAR_REF_EINSUM_LABELS] = {false};
  for (int i = 0; i < p->out_rank; i++)
    if (!active[p->out_label[i]]) active[p->out_label[i]] = true, order[n++] = p->out_label[i];
  for (int k = 0; k < p->num_inputs; k++)
    for (int d = 0; d < p->in_rank[k]; d++)
      if (!active[p->in_label[k][d]]) active[p->in_label[k][d]] = true, order[n++] = p->in_label[k][d];
  /* strides per active label, per input and for the output */
  int64_t in_stride[8][OAR_REF_EINSUM_LABELS], out_stride[OAR_REF_EINSUM_LABELS], dims[OAR_REF_EINSUM_LABELS];
  memset(in_stride, 0, sizeof in_stride);
  memset(out_stride, 0, sizeof out_stride);
  int64_t out_count = 1;
  for (int j = 0; j < n; j++) dims[j] = p->size[order[j]];
  for (int k = 0; k < p->num_inputs; k++) {
    int64_t s = 1;
    for (int d = p->in_rank[k] - 1; d >= 0; d--) {
      for (int j = 0; j < n; j++)
        if (order[j] == p->in_label[k][d] && p->in_dims[k][d] != 1) in_stride[k][j] += s;
      s *= p->in_dims[k][d];
    }
  }
  {
    int64_t s = 1;
    for (int d = p->out_rank - 1; d >= 0; d--) {
      for (int j = 0; j < n; j++)
        if (order[j] == p->out_label[d]) out_stride[j] += s;
      s *= p->size[p->out_label[d]];
    }
    out_count = s;
  }
  for (int64_t i = 0; i < out_count; i++) st(t, out, i, 0.0);
  for (int j = 0; j < n; j++)
    if (dims[j] == 0) return;
  int64_t idx[OAR_REF_EINSUM_LABELS] = {0}, off[9] = {0};
  for (;;) {
    double prod = 1.0;
    for (int k = 0; k < p->num_inputs; k++) prod *= ld(t, in[k], off[k]);
    st(t, out, off[8], ld(t, out, off[8]) + prod);
    int j = n - 1;
    for (; j >= 0; j--) {
      for (int k = 0; k < p->num_inputs; k++) off[k] += in_stride[k][j];
      off[8] += out_stride[j];
      if (++idx[j] < dims[j]) break;
      for (int k = 0; k < p->num_inputs; k++) off[k] -= in_stride[k][j] * dims[j];
      off[8] -= out_stride[j] * dims[j];
      idx[j] = 0;
    }
    if (j < 0) break;
  }
}
