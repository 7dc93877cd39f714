#include "kernels/ref/conv.h"

/* Direct convolution: one output element at a time, taps outside the
 * padded input contribute nothing. */
void oar_ref_conv2d_f32(const oar_conv2d_params *p, const float *src, const float *filter, const float *bias,
                        const float *residual, float *dst) {
  const int64_t cin_g = p->in_c / p->groups;
  const int64_t cout_g = p->out_c / p->groups;
  /* Element strides of src and dst for (n, c, h, w) in either layout. */
  const int64_t s_n = p->in_c * p->in_h * p->in_w;
  const int64_t s_c = p->nhwc ? 1 : p->in_h * p->in_w;
  const int64_t s_h = p->nhwc ? p->in_w * p->in_c : p->in_w;
  const int64_t s_w = p->nhwc ? p->in_c : 1;
  const int64_t d_n = p->out_c * p->out_h * p->out_w;
  const int64_t d_c = p->nhwc ? 1 : p->out_h * p->out_w;
  const int64_t d_h = p->nhwc ? p->out_w * p->out_c : p->out_w;
  const int64_t d_w = p->nhwc ? p->out_c : 1;

  for (int64_t n = 0; n < p->batch; n++) {
    for (int64_t oc = 0; oc < p->out_c; oc++) {
      const int64_t g = oc / cout_g;
      const float *w_oc = filter + oc * cin_g * p->kernel_h * p->kernel_w;
      for (int64_t oh = 0; oh < p->out_h; oh++) {
        for (int64_t ow = 0; ow < p->out_w; ow++) {
          float acc = 0.0f;
          for (int64_t ic = 0; ic < cin_g; ic++) {
            const float *x_c = src + n * s_n + (g * cin_g + ic) * s_c;
            const float *w_c = w_oc + ic * p->kernel_h * p->kernel_w;
            for (int64_t kh = 0; kh < p->kernel_h; kh++) {
              const int64_t ih = oh * p->stride_h - p->pad_top + kh * p->dilation_h;
              if (ih < 0 || ih >= p->in_h) continue;
              for (int64_t kw = 0; kw < p->kernel_w; kw++) {
                const int64_t iw = ow * p->stride_w - p->pad_left + kw * p->dilation_w;
                if (iw < 0 || iw >= p->in_w) continue;
                acc += x_c[ih * s_h + iw * s_w] * w_c[kh * p->kernel_w + kw];
              }
            }
          }
          const int64_t at = n * d_n + oc * d_c + oh * d_h + ow * d_w;
          if (bias) acc += bias[oc];
          if (residual) acc += residual[at];
          dst[at] = acc;
        }
      }
    }
  }
}

void oar_ref_conv2d_q8(const oar_conv2d_params *p, const void *src, bool src_signed, int32_t src_zero,
                       float src_scale, const int8_t *filter, const float *filter_scale, bool per_channel,
                       const float *bias, const float *residual, float *dst) {
  const int64_t cin_g = p->in_c / p->groups, cout_g = p->out_c / p->groups;
  const int64_t plane = p->in_h * p->in_w, out_plane = p->out_h * p->out_w;
  const uint8_t *su = src;
  const int8_t *ss = src;
  for (int64_t n = 0; n < p->batch; n++)
    for (int64_t oc = 0; oc < p->out_c; oc++) {
      const int64_t g = oc / cout_g;
      const int8_t *w_oc = filter + oc * cin_g * p->kernel_h * p->kernel_w;
      const float scale = src_scale * filter_scale[per_channel ? oc : 0];
      for (int64_t oh = 0; oh < p->out_h; oh++)
        for (int64_t ow = 0; ow < p->out_w; ow++) {
          int64_t acc = 0;
          for (int64_t ic = 0; ic < cin_g; ic++) {
            const int64_t base = (n * p->in_c + g * cin_g + ic) * plane;
            const int8_t *w_c = w_oc + ic * p->kernel_h * p->kernel_w;
            for (int64_t kh = 0; kh < p->kernel_h; kh++) {
              const int64_t ih = oh * p->stride_h - p->pad_top + kh * p->dilation_h;
              if (ih < 0 || ih >= p->in_h) continue; /* padding is the real 0: the zero point */
              for (int64_t kw = 0; kw < p->kernel_w; kw++) {
                const int64_t iw = ow * p->stride_w - p->pad_left + kw * p->dilation_w;
                if (iw < 0 || iw >= p->in_w) continue;
                const int64_t at = base + ih * p->in_w + iw;
                const int32_t x = src_signed ? (int32_t)ss[at] : (int32_t)su[at];
                acc += (int64_t)(x - src_zero) * w_c[kh * p->kernel_w + kw];
              }
            }
          }
          const int64_t at = (n * p->out_c + oc) * out_plane + oh * p->out_w + ow;
          float y = (float)acc * scale;
          if (bias) y += bias[oc];
          if (residual) y += residual[at];
          dst[at] = y;
        }
    }
}
