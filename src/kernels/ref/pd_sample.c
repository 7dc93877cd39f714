#include "kernels/ref/pd_sample.h"

#include <math.h>

/* Paddle's grid_sample CPU kernel computes in float: so does this one. */
static float unnormalize(float g, int64_t size, bool align_corners) {
  const float max_val = (float)(size - 1);
  return align_corners ? (g + 1.0f) * (max_val * 0.5f) : (g + 1.0f) * ((max_val + 1.0f) * 0.5f) - 0.5f;
}

static float clip(float v, int64_t size) {
  const float hi = (float)(size - 1);
  return v < 0.0f ? 0.0f : v > hi ? hi : v;
}

/* Reflects v into [0, max] (align_corners) or [-0.5, max + 0.5], then clips
 * (Paddle's Reflect). */
static float reflect(float v, int64_t size, bool align_corners) {
  const float max_val = (float)(size - 1);
  if (align_corners) {
    const float range = 2.0f * max_val;
    if (range <= 0.0f) return 0.0f;
    const float a = fabsf(v), extra = a - floorf(a / range) * range;
    return fminf(extra, range - extra);
  }
  const float range = 2.0f * (max_val + 1.0f), a = fabsf(v + 0.5f), extra = a - floorf(a / range) * range;
  return clip(fminf(extra, range - extra) - 0.5f, size);
}

static float at(const float *plane, int64_t h, int64_t w, float yy, float xx) {
  if (!(xx >= 0.0f && xx <= (float)(w - 1) && yy >= 0.0f && yy <= (float)(h - 1))) return 0.0f;
  return plane[(int64_t)yy * w + (int64_t)xx];
}

void oar_ref_grid_sample_f32(const float *x, const float *grid, float *y, int64_t n, int64_t c, int64_t h,
                             int64_t w, int64_t ho, int64_t wo, bool nearest, int padding,
                             bool align_corners) {
  for (int64_t b = 0; b < n; b++)
    for (int64_t i = 0; i < ho; i++)
      for (int64_t j = 0; j < wo; j++) {
        const float *g = grid + ((b * ho + i) * wo + j) * 2;
        float gx = unnormalize(g[0], w, align_corners), gy = unnormalize(g[1], h, align_corners);
        if (padding == OAR_REF_GRID_BORDER) {
          gx = clip(gx, w);
          gy = clip(gy, h);
        } else if (padding == OAR_REF_GRID_REFLECTION) {
          gx = reflect(gx, w, align_corners);
          gy = reflect(gy, h, align_corners);
        }
        for (int64_t ch = 0; ch < c; ch++) {
          const float *plane = x + (b * c + ch) * h * w;
          float v;
          if (nearest) {
            v = at(plane, h, w, roundf(gy), roundf(gx));
          } else {
            const float xw = floorf(gx), xe = xw + 1.0f, yn = floorf(gy), ys = yn + 1.0f;
            const float dw = gx - xw, de = xe - gx, dn = gy - yn, ds = ys - gy;
            v = at(plane, h, w, yn, xw) * de * ds + at(plane, h, w, yn, xe) * dw * ds +
                at(plane, h, w, ys, xw) * de * dn + at(plane, h, w, ys, xe) * dw * dn;
          }
          y[((b * c + ch) * ho + i) * wo + j] = v;
        }
      }
}

/* One bilinear sample of a plane (Paddle's PreCalcForBilinearInterpolate). */
static float roi_sample(const float *plane, int64_t h, int64_t w, float yy, float xx) {
  if (yy < -1.0f || yy > (float)h || xx < -1.0f || xx > (float)w) return 0.0f;
  if (yy <= 0) yy = 0;
  if (xx <= 0) xx = 0;
  int64_t y_low = (int64_t)yy, x_low = (int64_t)xx, y_high, x_high;
  if (y_low >= h - 1) {
    y_high = y_low = h - 1;
    yy = (float)y_low;
  } else {
    y_high = y_low + 1;
  }
  if (x_low >= w - 1) {
    x_high = x_low = w - 1;
    xx = (float)x_low;
  } else {
    x_high = x_low + 1;
  }
  const float ly = yy - (float)y_low, lx = xx - (float)x_low, hy = 1.0f - ly, hx = 1.0f - lx;
  return hy * hx * plane[y_low * w + x_low] + hy * lx * plane[y_low * w + x_high] +
         ly * hx * plane[y_high * w + x_low] + ly * lx * plane[y_high * w + x_high];
}

void oar_ref_roi_align_f32(const float *x, const float *rois, const int64_t *batch, float *out, int64_t r,
                           int64_t c, int64_t h, int64_t w, int64_t ph, int64_t pw, float spatial_scale,
                           int64_t sampling_ratio, bool aligned) {
  const float offset = aligned ? 0.5f : 0.0f;
  for (int64_t k = 0; k < r; k++) {
    const float *box = rois + k * 4;
    const float x0 = box[0] * spatial_scale - offset, y0 = box[1] * spatial_scale - offset;
    float rw = box[2] * spatial_scale - offset - x0, rh = box[3] * spatial_scale - offset - y0;
    if (!aligned) { /* Paddle: ROIs at least 1x1 unless aligned */
      rw = fmaxf(rw, 1.0f);
      rh = fmaxf(rh, 1.0f);
    }
    const float bin_h = rh / (float)ph, bin_w = rw / (float)pw;
    const int64_t gh = sampling_ratio > 0 ? sampling_ratio : (int64_t)ceilf(rh / (float)ph),
                  gw = sampling_ratio > 0 ? sampling_ratio : (int64_t)ceilf(rw / (float)pw);
    const float count = (float)(gh * gw > 1 ? gh * gw : 1);
    for (int64_t ch = 0; ch < c; ch++) {
      const float *plane = x + (batch[k] * c + ch) * h * w;
      for (int64_t i = 0; i < ph; i++)
        for (int64_t j = 0; j < pw; j++) {
          float sum = 0.0f;
          for (int64_t iy = 0; iy < gh; iy++) {
            const float yy = y0 + (float)i * bin_h + ((float)iy + 0.5f) * bin_h / (float)gh;
            for (int64_t ix = 0; ix < gw; ix++) {
              const float xx = x0 + (float)j * bin_w + ((float)ix + 0.5f) * bin_w / (float)gw;
              sum += roi_sample(plane, h, w, yy, xx);
            }
          }
          out[((k * c + ch) * ph + i) * pw + j] = sum / count;
        }
    }
  }
}
