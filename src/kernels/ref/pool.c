#include "kernels/ref/pool.h"

#include <float.h>
#include <math.h>

oar_pool_window oar_pool_window_at(int64_t o, int64_t in, int64_t out, int64_t k, int64_t stride, int64_t pad,
                                   bool adaptive) {
  oar_pool_window w;
  if (adaptive) {
    /* floor(o*in/out) and ceil((o+1)*in/out), exactly, in integers. */
    w.start = (o * in) / out;
    w.end = ((o + 1) * in + out - 1) / out;
    w.span = w.end - w.start;
    return w;
  }
  int64_t start = o * stride - pad;
  int64_t end = start + k < in + pad ? start + k : in + pad;
  w.span = end - start;
  w.start = start < 0 ? 0 : start;
  w.end = end > in ? in : end;
  return w;
}

void oar_ref_pool2d_f32(const oar_pool2d_params *p, const float *src, float *dst) {
  const int64_t s_c = p->nhwc ? 1 : p->in_h * p->in_w;
  const int64_t s_h = p->nhwc ? p->in_w * p->channels : p->in_w;
  const int64_t s_w = p->nhwc ? p->channels : 1;
  const int64_t d_c = p->nhwc ? 1 : p->out_h * p->out_w;
  const int64_t d_h = p->nhwc ? p->out_w * p->channels : p->out_w;
  const int64_t d_w = p->nhwc ? p->channels : 1;
  const int64_t in_n = p->channels * p->in_h * p->in_w;
  const int64_t out_n = p->channels * p->out_h * p->out_w;

  for (int64_t n = 0; n < p->batch; n++) {
    for (int64_t c = 0; c < p->channels; c++) {
      const float *x = src + n * in_n + c * s_c;
      float *y = dst + n * out_n + c * d_c;
      for (int64_t oh = 0; oh < p->out_h; oh++) {
        const oar_pool_window wh =
            oar_pool_window_at(oh, p->in_h, p->out_h, p->kernel_h, p->stride_h, p->pad_top, p->adaptive);
        for (int64_t ow = 0; ow < p->out_w; ow++) {
          const oar_pool_window ww =
              oar_pool_window_at(ow, p->in_w, p->out_w, p->kernel_w, p->stride_w, p->pad_left, p->adaptive);
          float acc;
          if (p->is_max) {
            acc = -FLT_MAX;
            for (int64_t h = wh.start; h < wh.end; h++)
              for (int64_t w = ww.start; w < ww.end; w++) {
                const float v = x[h * s_h + w * s_w];
                acc = acc > v ? acc : v; /* Paddle's MaxPool::compute, NaN handling included */
              }
          } else {
            acc = 0.0f;
            for (int64_t h = wh.start; h < wh.end; h++)
              for (int64_t w = ww.start; w < ww.end; w++) acc += x[h * s_h + w * s_w];
            int64_t divisor;
            if (p->exclusive || p->adaptive)
              divisor = (wh.end - wh.start) * (ww.end - ww.start);
            else
              divisor = wh.span * ww.span;
            acc /= (float)divisor;
          }
          y[oh * d_h + ow * d_w] = acc;
        }
      }
    }
  }
}
