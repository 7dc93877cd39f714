#include "kernels/ref/pd_sample.h"

#include <math.h>
#include <stddef.h>

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

static float at3(const float *vol, int64_t d, int64_t h, int64_t w, float zz, float yy, float xx) {
  if (!(xx >= 0.0f && xx <= (float)(w - 1) && yy >= 0.0f && yy <= (float)(h - 1) && zz >= 0.0f &&
        zz <= (float)(d - 1)))
    return 0.0f;
  return vol[((int64_t)zz * h + (int64_t)yy) * w + (int64_t)xx];
}

static float pad_coord(float v, int64_t size, int padding, bool align_corners) {
  if (padding == OAR_REF_GRID_BORDER) return clip(v, size);
  if (padding == OAR_REF_GRID_REFLECTION) return reflect(v, size, align_corners);
  return v;
}

void oar_ref_grid_sample3d_f32(const float *x, const float *grid, float *y, int64_t n, int64_t c, int64_t d,
                               int64_t h, int64_t w, int64_t dout, int64_t ho, int64_t wo, bool nearest,
                               int padding, bool align_corners) {
  const int64_t vol = d * h * w, out_vol = dout * ho * wo;
  for (int64_t b = 0; b < n; b++)
    for (int64_t o = 0; o < out_vol; o++) {
      const float *g = grid + (b * out_vol + o) * 3;
      const float gx = pad_coord(unnormalize(g[0], w, align_corners), w, padding, align_corners),
                  gy = pad_coord(unnormalize(g[1], h, align_corners), h, padding, align_corners),
                  gz = pad_coord(unnormalize(g[2], d, align_corners), d, padding, align_corners);
      for (int64_t ch = 0; ch < c; ch++) {
        const float *v = x + (b * c + ch) * vol;
        float r;
        if (nearest) {
          r = at3(v, d, h, w, roundf(gz), roundf(gy), roundf(gx));
        } else {
          const float xw = floorf(gx), xe = xw + 1.0f, yn = floorf(gy), ys = yn + 1.0f, zt = floorf(gz),
                      zb = zt + 1.0f;
          const float dw = gx - xw, de = xe - gx, dn = gy - yn, ds = ys - gy, dt = gz - zt, db = zb - gz;
          r = at3(v, d, h, w, zt, yn, xw) * de * ds * db + at3(v, d, h, w, zt, yn, xe) * dw * ds * db +
              at3(v, d, h, w, zt, ys, xw) * de * dn * db + at3(v, d, h, w, zt, ys, xe) * dw * dn * db +
              at3(v, d, h, w, zb, yn, xw) * de * ds * dt + at3(v, d, h, w, zb, yn, xe) * dw * ds * dt +
              at3(v, d, h, w, zb, ys, xw) * de * dn * dt + at3(v, d, h, w, zb, ys, xe) * dw * dn * dt;
        }
        y[(b * c + ch) * out_vol + o] = r;
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

/* Paddle's DmcnIm2colBilinear: corners outside the plane count 0. */
static float dmcn_bilinear(const float *plane, int64_t h, int64_t w, float yy, float xx) {
  const int64_t h_low = (int64_t)floorf(yy), w_low = (int64_t)floorf(xx), h_high = h_low + 1,
                w_high = w_low + 1;
  const float lh = yy - (float)h_low, lw = xx - (float)w_low, hh = 1 - lh, hw = 1 - lw;
  const float v1 = h_low >= 0 && w_low >= 0 ? plane[h_low * w + w_low] : 0;
  const float v2 = h_low >= 0 && w_high <= w - 1 ? plane[h_low * w + w_high] : 0;
  const float v3 = h_high <= h - 1 && w_low >= 0 ? plane[h_high * w + w_low] : 0;
  const float v4 = h_high <= h - 1 && w_high <= w - 1 ? plane[h_high * w + w_high] : 0;
  return hh * hw * v1 + hh * lw * v2 + lh * hw * v3 + lh * lw * v4;
}

void oar_ref_deformable_conv_f32(const float *x, const float *offset, const float *filter, const float *mask,
                                 float *out, const oar_ref_dconv_geom *g) {
  const int64_t taps = g->kh * g->kw, plane = g->oh * g->ow, cpg = g->c / g->groups, mpg = g->m / g->groups,
                cpdg = g->c / g->dgroups;
  for (int64_t b = 0; b < g->n; b++)
    for (int64_t o = 0; o < g->m; o++) {
      const int64_t grp = o / mpg;
      for (int64_t oy = 0; oy < g->oh; oy++)
        for (int64_t ox = 0; ox < g->ow; ox++) {
          double acc = 0;
          for (int64_t cl = 0; cl < cpg; cl++) {
            const int64_t c = grp * cpg + cl, dg = c / cpdg;
            const float *xp = x + (b * g->c + c) * g->h * g->w;
            const float *op = offset + (b * g->dgroups + dg) * 2 * taps * plane;
            const float *mp = mask ? mask + (b * g->dgroups + dg) * taps * plane : NULL;
            for (int64_t i = 0; i < g->kh; i++)
              for (int64_t j = 0; j < g->kw; j++) {
                const int64_t t = i * g->kw + j, at = oy * g->ow + ox;
                const float yy =
                    (float)(oy * g->stride[0] - g->pad[0] + i * g->dilation[0]) + op[2 * t * plane + at];
                const float xx = (float)(ox * g->stride[1] - g->pad[1] + j * g->dilation[1]) +
                                 op[(2 * t + 1) * plane + at];
                float v = 0;
                if (yy > -1 && xx > -1 && yy < (float)g->h && xx < (float)g->w)
                  v = dmcn_bilinear(xp, g->h, g->w, yy, xx);
                if (mp) v *= mp[t * plane + at];
                acc += (double)v * filter[((o * cpg) + cl) * taps + t];
              }
          }
          out[((b * g->m + o) * g->oh + oy) * g->ow + ox] = (float)acc;
        }
    }
}
