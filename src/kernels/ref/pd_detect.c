#include "kernels/ref/pd_detect.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

static float sigmoid(float v) { return 1.0f / (1.0f + expf(-v)); }

/* Paddle's GetEntryIndex: with iou_aware each image holds `an` iou
 * channels before the anchors' (5 + classes) channels. */
static int64_t entry(int64_t b, int64_t a, int64_t hw, int64_t an, int64_t an_stride, int64_t stride,
                     int64_t e, bool iou_aware) {
  if (iou_aware) return (b * an + a) * an_stride + (b * an + an + e) * stride + hw;
  return (b * an + a) * an_stride + e * stride + hw;
}

void oar_ref_yolo_box_f32(const float *x, const int32_t *img_size, float *boxes, float *scores, int64_t n,
                          int64_t h, int64_t w, const oar_ref_yolo_params *p) {
  const int64_t an = p->anchors_n, stride = h * w, an_stride = (5 + p->classes) * stride,
                box_num = an * stride;
  const int64_t in_h = p->downsample * h, in_w = p->downsample * w;
  const float bias = -0.5f * (p->scale_x_y - 1.0f);
  memset(boxes, 0, (size_t)(n * box_num * 4) * sizeof *boxes);
  memset(scores, 0, (size_t)(n * box_num * p->classes) * sizeof *scores);
  for (int64_t b = 0; b < n; b++) {
    const int32_t img_h = img_size[2 * b], img_w = img_size[2 * b + 1];
    for (int64_t a = 0; a < an; a++)
      for (int64_t k = 0; k < h; k++)
        for (int64_t l = 0; l < w; l++) {
          const int64_t hw = k * w + l;
          float conf = sigmoid(x[entry(b, a, hw, an, an_stride, stride, 4, p->iou_aware)]);
          if (p->iou_aware) {
            const float iou = sigmoid(x[b * an * an_stride + (b * an + a) * stride + hw]);
            conf = powf(conf, 1.0f - p->iou_aware_factor) * powf(iou, p->iou_aware_factor);
          }
          if (conf < p->conf_thresh) continue;
          const int64_t bi = entry(b, a, hw, an, an_stride, stride, 0, p->iou_aware);
          const float cx = ((float)l + sigmoid(x[bi]) * p->scale_x_y + bias) * (float)img_w / (float)w;
          const float cy =
              ((float)k + sigmoid(x[bi + stride]) * p->scale_x_y + bias) * (float)img_h / (float)h;
          const float bw = expf(x[bi + 2 * stride]) * (float)p->anchors[2 * a] * (float)img_w / (float)in_w;
          const float bh =
              expf(x[bi + 3 * stride]) * (float)p->anchors[2 * a + 1] * (float)img_h / (float)in_h;
          float *o = boxes + (b * box_num + a * stride + hw) * 4;
          o[0] = cx - bw / 2;
          o[1] = cy - bh / 2;
          o[2] = cx + bw / 2;
          o[3] = cy + bh / 2;
          if (p->clip_bbox) {
            o[0] = o[0] > 0 ? o[0] : 0;
            o[1] = o[1] > 0 ? o[1] : 0;
            o[2] = o[2] < (float)(img_w - 1) ? o[2] : (float)(img_w - 1);
            o[3] = o[3] < (float)(img_h - 1) ? o[3] : (float)(img_h - 1);
          }
          const int64_t li = entry(b, a, hw, an, an_stride, stride, 5, p->iou_aware);
          float *s = scores + (b * box_num + a * stride + hw) * p->classes;
          for (int64_t c = 0; c < p->classes; c++) s[c] = conf * sigmoid(x[li + c * stride]);
        }
  }
}

void oar_ref_box_coder_f32(const float *prior, const float *var, const float *attr_var, const float *target,
                           float *out, int64_t rows, int64_t cols, bool encode, bool normalized, int axis) {
  const float one = normalized ? 0.0f : 1.0f; /* pixel boxes count both ends */
  for (int64_t i = 0; i < rows; i++)
    for (int64_t j = 0; j < cols; j++) {
      const int64_t pi = encode || axis == 0 ? j : i;
      const float *pb = prior + pi * 4;
      const float pw = pb[2] - pb[0] + one, ph = pb[3] - pb[1] + one;
      const float pcx = pb[0] + pw / 2, pcy = pb[1] + ph / 2;
      float v[4] = {1, 1, 1, 1};
      for (int k = 0; k < 4; k++) v[k] = var ? var[pi * 4 + k] : attr_var ? attr_var[k] : 1.0f;
      float *o = out + (i * cols + j) * 4;
      if (encode) {
        const float *t = target + i * 4;
        const float tcx = (t[2] + t[0]) / 2, tcy = (t[3] + t[1]) / 2;
        const float tw = t[2] - t[0] + one, th = t[3] - t[1] + one;
        o[0] = (tcx - pcx) / pw;
        o[1] = (tcy - pcy) / ph;
        o[2] = logf(fabsf(tw / pw));
        o[3] = logf(fabsf(th / ph));
        if (var || attr_var)
          for (int k = 0; k < 4; k++) o[k] /= v[k];
      } else {
        const float *t = target + (i * cols + j) * 4;
        const float tcx = v[0] * t[0] * pw + pcx, tcy = v[1] * t[1] * ph + pcy;
        const float tw = expf(v[2] * t[2]) * pw, th = expf(v[3] * t[3]) * ph;
        o[0] = tcx - tw / 2;
        o[1] = tcy - th / 2;
        o[2] = tcx + tw / 2 - one;
        o[3] = tcy + th / 2 - one;
      }
    }
}

static float *put_box(float *o, float cx, float cy, float bw, float bh, float img_w, float img_h) {
  o[0] = (cx - bw) / img_w;
  o[1] = (cy - bh) / img_h;
  o[2] = (cx + bw) / img_w;
  o[3] = (cy + bh) / img_h;
  return o + 4;
}

void oar_ref_prior_box_f32(float *boxes, float *var, int64_t h, int64_t w, int64_t img_h, int64_t img_w,
                           const oar_ref_prior_params *p) {
  const float iw = (float)img_w, ih = (float)img_h;
  float step_w = p->step_w, step_h = p->step_h;
  if (step_w == 0 || step_h == 0) {
    step_w = iw / (float)w;
    step_h = ih / (float)h;
  }
  const int64_t priors = p->num_ratios * p->num_sizes + (p->max_sizes ? p->num_sizes : 0);
  float *o = boxes;
  for (int64_t r = 0; r < h; r++)
    for (int64_t c = 0; c < w; c++) {
      const float cx = ((float)c + p->offset) * step_w, cy = ((float)r + p->offset) * step_h;
      for (int64_t s = 0; s < p->num_sizes; s++) {
        const float mn = p->min_sizes[s];
        if (p->min_max_order) {
          o = put_box(o, cx, cy, mn / 2, mn / 2, iw, ih);
          if (p->max_sizes) {
            const float side = sqrtf(mn * p->max_sizes[s]) / 2;
            o = put_box(o, cx, cy, side, side, iw, ih);
          }
          for (int64_t k = 0; k < p->num_ratios; k++) {
            const float ar = p->ratios[k];
            if (fabsf(ar - 1.0f) < 1e-6f) continue;
            o = put_box(o, cx, cy, mn * sqrtf(ar) / 2, mn / sqrtf(ar) / 2, iw, ih);
          }
        } else {
          for (int64_t k = 0; k < p->num_ratios; k++) {
            const float ar = p->ratios[k];
            o = put_box(o, cx, cy, mn * sqrtf(ar) / 2, mn / sqrtf(ar) / 2, iw, ih);
          }
          if (p->max_sizes) {
            const float side = sqrtf(mn * p->max_sizes[s]) / 2;
            o = put_box(o, cx, cy, side, side, iw, ih);
          }
        }
      }
    }
  const int64_t total = h * w * priors * 4;
  if (p->clip)
    for (int64_t i = 0; i < total; i++) boxes[i] = boxes[i] < 0 ? 0 : boxes[i] > 1 ? 1 : boxes[i];
  for (int64_t i = 0; var && i < total; i++) var[i] = p->variances[i % 4];
}
