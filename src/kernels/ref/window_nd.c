#include "kernels/ref/window_nd.h"

#include <math.h>
#include <string.h>

/* Advances an N-d index over dims; returns false after the last one. */
static bool next_index(int n, const int64_t *dims, int64_t *idx) {
  for (int d = n - 1; d >= 0; d--) {
    if (++idx[d] < dims[d]) return true;
    idx[d] = 0;
  }
  return false;
}

static int64_t prod(int n, const int64_t *dims) {
  int64_t p = 1;
  for (int i = 0; i < n; i++) p *= dims[i];
  return p;
}

void oar_ref_conv_nd_f32(const oar_window_params *p, const float *x, const float *w, const float *b,
                         float *y) {
  const int n = p->nsp;
  const int64_t in_sp = prod(n, p->in), out_sp = prod(n, p->out), k_sp = prod(n, p->kernel);
  const int64_t cpg = p->in_c / p->group, mpg = p->out_c / p->group;
  if (out_sp == 0 || p->batch == 0 || p->out_c == 0) return;
  for (int64_t nb = 0; nb < p->batch; nb++) {
    for (int64_t m = 0; m < p->out_c; m++) {
      const int64_t gi = m / mpg;
      float *yo = y + (nb * p->out_c + m) * out_sp;
      int64_t o[OAR_REF_WIN_MAX] = {0};
      int64_t oi = 0;
      do {
        double acc = b ? b[m] : 0.0;
        for (int64_t c = 0; c < cpg; c++) {
          const float *xc = x + (nb * p->in_c + gi * cpg + c) * in_sp;
          const float *wc = w + (m * cpg + c) * k_sp;
          int64_t k[OAR_REF_WIN_MAX] = {0};
          int64_t ki = 0;
          do {
            int64_t xo = 0;
            bool inside = true;
            for (int d = 0; d < n && inside; d++) {
              int64_t pos = o[d] * p->stride[d] - p->pad_begin[d] + k[d] * p->dilation[d];
              inside = pos >= 0 && pos < p->in[d];
              xo = xo * p->in[d] + pos;
            }
            if (inside) acc += (double)xc[xo] * wc[ki];
            ki++;
          } while (next_index(n, p->kernel, k));
        }
        yo[oi++] = (float)acc;
      } while (next_index(n, p->out, o));
    }
  }
}

void oar_ref_conv_transpose_nd_f32(const oar_window_params *p, const float *x, const float *w, const float *b,
                                   float *y) {
  const int n = p->nsp;
  const int64_t in_sp = prod(n, p->in), out_sp = prod(n, p->out), k_sp = prod(n, p->kernel);
  const int64_t cpg = p->in_c / p->group, mpg = p->out_c / p->group;
  for (int64_t nb = 0; nb < p->batch; nb++)
    for (int64_t m = 0; m < p->out_c; m++) {
      float *yo = y + (nb * p->out_c + m) * out_sp;
      for (int64_t i = 0; i < out_sp; i++) yo[i] = b ? b[m] : 0.0f;
    }
  if (in_sp == 0 || out_sp == 0) return;
  for (int64_t nb = 0; nb < p->batch; nb++) {
    for (int64_t c = 0; c < p->in_c; c++) {
      const int64_t gi = c / cpg;
      const float *xc = x + (nb * p->in_c + c) * in_sp;
      int64_t i[OAR_REF_WIN_MAX] = {0};
      int64_t ii = 0;
      do {
        const float xv = xc[ii++];
        for (int64_t mm = 0; mm < mpg; mm++) {
          const int64_t m = gi * mpg + mm;
          const float *wc = w + (c * mpg + mm) * k_sp;
          float *yo = y + (nb * p->out_c + m) * out_sp;
          int64_t k[OAR_REF_WIN_MAX] = {0};
          int64_t ki = 0;
          do {
            int64_t yoff = 0;
            bool inside = true;
            for (int d = 0; d < n && inside; d++) {
              int64_t pos = i[d] * p->stride[d] - p->pad_begin[d] + k[d] * p->dilation[d];
              inside = pos >= 0 && pos < p->out[d];
              yoff = yoff * p->out[d] + pos;
            }
            if (inside) yo[yoff] += xv * wc[ki];
            ki++;
          } while (next_index(n, p->kernel, k));
        }
      } while (next_index(n, p->in, i));
    }
  }
}

void oar_ref_pool_nd_f32(const oar_window_params *p, int mode, bool count_include_pad, int64_t lp_p,
                         const float *x, float *y) {
  const int n = p->nsp;
  const int64_t in_sp = prod(n, p->in), out_sp = prod(n, p->out);
  if (out_sp == 0) return;
  for (int64_t nc = 0; nc < p->batch * p->in_c; nc++) {
    const float *xc = x + nc * in_sp;
    float *yc = y + nc * out_sp;
    int64_t o[OAR_REF_WIN_MAX] = {0};
    int64_t oi = 0;
    do {
      double acc = mode == 0 ? -INFINITY : 0.0;
      int64_t count = 0, padded_count = 0;
      int64_t k[OAR_REF_WIN_MAX] = {0};
      do {
        int64_t xo = 0;
        bool inside = true;
        for (int d = 0; d < n; d++) {
          int64_t pos = o[d] * p->stride[d] - p->pad_begin[d] + k[d] * p->dilation[d];
          inside &= pos >= 0 && pos < p->in[d];
          xo = xo * p->in[d] + pos;
        }
        padded_count++;
        if (!inside) continue;
        const float v = xc[xo];
        count++;
        if (mode == 0) {
          if (v > acc || isnan(v)) acc = v;
        } else if (mode == 1) {
          acc += v;
        } else {
          acc += pow(fabs((double)v), (double)lp_p);
        }
      } while (next_index(n, p->kernel, k));
      if (mode == 1) {
        int64_t div = count_include_pad ? padded_count : count;
        acc = div ? acc / (double)div : 0.0;
      } else if (mode == 2) {
        acc = pow(acc, 1.0 / (double)lp_p);
      }
      yc[oi++] = (float)acc;
    } while (next_index(n, p->out, o));
  }
}
