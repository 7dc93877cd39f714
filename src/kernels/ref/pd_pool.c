#include "kernels/ref/pd_pool.h"

#include <float.h>
#include <math.h>
#include <stddef.h>

/* Window [*lo, *hi) of output position o along one dim (Paddle's
 * AdaptStartIndex / AdaptEndIndex, or the strided window clipped). */
static void window(int64_t o, int64_t in, int64_t out, int64_t k, int64_t s, int64_t p, bool adaptive,
                   int64_t *lo, int64_t *hi) {
  if (adaptive) {
    *lo = (int64_t)floor((double)(o * in) / (double)out);
    *hi = (int64_t)ceil((double)((o + 1) * in) / (double)out);
  } else {
    *lo = o * s - p;
    *hi = *lo + k < in ? *lo + k : in;
    if (*lo < 0) *lo = 0;
  }
}

/* One dim of a pool3d window: [*lo, *hi) in the input and the unclipped size. */
static int64_t pool3d_window(int64_t o, int64_t in, int64_t out, int64_t k, int64_t s, int64_t p,
                             bool adaptive, int64_t *lo, int64_t *hi) {
  if (adaptive) {
    *lo = o * in / out;
    *hi = ((o + 1) * in + out - 1) / out;
    return *hi - *lo;
  }
  int64_t a = o * s - p, b = a + k < in + p ? a + k : in + p;
  const int64_t size = b - a;
  *lo = a > 0 ? a : 0;
  *hi = b < in ? b : in;
  return size;
}

void oar_ref_pool3d_f32(const float *x, float *y, int64_t batch, int64_t channels, bool nhwc, bool is_max,
                        bool exclusive, bool adaptive, const int64_t in[3], const int64_t out[3],
                        const int64_t kernel[3], const int64_t stride[3], const int64_t pad[3]) {
  const int64_t in_size = in[0] * in[1] * in[2], out_size = out[0] * out[1] * out[2];
  /* element (n, c, spatial s) at n in_size channels + c cs + s ss */
  const int64_t cs = nhwc ? 1 : in_size, ss = nhwc ? channels : 1, ocs = nhwc ? 1 : out_size,
                oss = nhwc ? channels : 1;
  for (int64_t n = 0; n < batch; n++)
    for (int64_t c = 0; c < channels; c++) {
      const float *xp = x + n * in_size * channels + c * cs;
      float *yp = y + n * out_size * channels + c * ocs;
      for (int64_t od = 0; od < out[0]; od++) {
        int64_t d0, d1, h0, h1, w0, w1;
        const int64_t sd = pool3d_window(od, in[0], out[0], kernel[0], stride[0], pad[0], adaptive, &d0, &d1);
        for (int64_t oh = 0; oh < out[1]; oh++) {
          const int64_t sh =
              pool3d_window(oh, in[1], out[1], kernel[1], stride[1], pad[1], adaptive, &h0, &h1);
          for (int64_t ow = 0; ow < out[2]; ow++) {
            const int64_t sw =
                pool3d_window(ow, in[2], out[2], kernel[2], stride[2], pad[2], adaptive, &w0, &w1);
            float acc = is_max ? -FLT_MAX : 0.0f;
            for (int64_t d = d0; d < d1; d++)
              for (int64_t h = h0; h < h1; h++)
                for (int64_t w = w0; w < w1; w++) {
                  const float v = xp[((d * in[1] + h) * in[2] + w) * ss];
                  if (is_max)
                    acc = acc > v ? acc : v;
                  else
                    acc += v;
                }
            if (!is_max) {
              const int64_t count = exclusive || adaptive ? (d1 - d0) * (h1 - h0) * (w1 - w0) : sd * sh * sw;
              acc /= (float)count;
            }
            yp[((od * out[1] + oh) * out[2] + ow) * oss] = acc;
          }
        }
      }
    }
}

void oar_ref_max_pool_index_f32(const float *x, float *y, int32_t *mask, int64_t planes, int nsp,
                                const int64_t *in, const int64_t *out, const int64_t *kernel,
                                const int64_t *stride, const int64_t *pad, bool adaptive) {
  /* 2-D as 3-D with depth 1 */
  int64_t i3[3] = {1, 1, 1}, o3[3] = {1, 1, 1}, k3[3] = {1, 1, 1}, s3[3] = {1, 1, 1}, p3[3] = {0, 0, 0};
  for (int d = 0; d < nsp; d++) {
    i3[d + 3 - nsp] = in[d];
    o3[d + 3 - nsp] = out[d];
    k3[d + 3 - nsp] = kernel[d];
    s3[d + 3 - nsp] = stride[d];
    p3[d + 3 - nsp] = pad[d];
  }
  const int64_t in_size = i3[0] * i3[1] * i3[2], out_size = o3[0] * o3[1] * o3[2];
  for (int64_t pl = 0; pl < planes; pl++) {
    const float *xp = x + pl * in_size;
    float *yp = y + pl * out_size;
    int32_t *mp = mask ? mask + pl * out_size : NULL;
    for (int64_t od = 0; od < o3[0]; od++) {
      int64_t d0, d1;
      window(od, i3[0], o3[0], k3[0], s3[0], p3[0], adaptive, &d0, &d1);
      for (int64_t oh = 0; oh < o3[1]; oh++) {
        int64_t h0, h1;
        window(oh, i3[1], o3[1], k3[1], s3[1], p3[1], adaptive, &h0, &h1);
        for (int64_t ow = 0; ow < o3[2]; ow++) {
          int64_t w0, w1;
          window(ow, i3[2], o3[2], k3[2], s3[2], p3[2], adaptive, &w0, &w1);
          float best = -FLT_MAX;
          int64_t at = -1;
          for (int64_t d = d0; d < d1; d++)
            for (int64_t h = h0; h < h1; h++)
              for (int64_t w = w0; w < w1; w++) {
                const int64_t idx = (d * i3[1] + h) * i3[2] + w;
                if (xp[idx] > best) {
                  best = xp[idx];
                  at = idx;
                }
              }
          const int64_t o = (od * o3[1] + oh) * o3[2] + ow;
          yp[o] = best;
          if (mp) mp[o] = (int32_t)at;
        }
      }
    }
  }
}

void oar_ref_unfold_f32(const float *x, float *y, int64_t batch, int64_t channels, int64_t h, int64_t w,
                        const int64_t kernel[2], const int64_t stride[2], const int64_t dilation[2],
                        const int64_t pad_begin[2], const int64_t out[2]) {
  const int64_t cols = out[0] * out[1];
  for (int64_t b = 0; b < batch; b++)
    for (int64_t c = 0; c < channels; c++) {
      const float *xp = x + (b * channels + c) * h * w;
      for (int64_t i = 0; i < kernel[0]; i++)
        for (int64_t j = 0; j < kernel[1]; j++) {
          float *yp = y + ((b * channels + c) * kernel[0] * kernel[1] + i * kernel[1] + j) * cols;
          for (int64_t r = 0; r < out[0]; r++) {
            const int64_t hh = r * stride[0] - pad_begin[0] + i * dilation[0];
            for (int64_t s = 0; s < out[1]; s++) {
              const int64_t ww = s * stride[1] - pad_begin[1] + j * dilation[1];
              yp[r * out[1] + s] = hh >= 0 && hh < h && ww >= 0 && ww < w ? xp[hh * w + ww] : 0.0f;
            }
          }
        }
    }
}

void oar_ref_temporal_shift_f32(const float *x, float *y, int64_t batch, int64_t seg, int64_t channels,
                                int64_t inner, bool nhwc, double ratio) {
  const int64_t c1 = (int64_t)(channels * ratio), c2 = (int64_t)(channels * 2 * ratio);
  const int64_t frame = channels * inner;
  for (int64_t n = 0; n < batch; n++)
    for (int64_t c = 0; c < channels; c++) {
      const int64_t shift = c < c1 ? -1 : c < c2 ? 1 : 0;
      const int64_t src_t = n % seg + shift;
      const bool zero = src_t < 0 || src_t >= seg;
      for (int64_t s = 0; s < inner; s++) {
        const int64_t i = n * frame + (nhwc ? s * channels + c : c * inner + s);
        y[i] = zero ? 0.0f : x[i + shift * frame];
      }
    }
}
