/* Reference kernels of Paddle's yolo_box, box_coder and prior_box
 * (float32; Paddle's CPU kernels compute in float, so do these). */
#ifndef OAR_KERNELS_REF_PD_DETECT_H
#define OAR_KERNELS_REF_PD_DETECT_H

#include <stdbool.h>
#include <stdint.h>

typedef struct oar_ref_yolo_params {
  int64_t anchors_n; /* anchor pairs */
  const int64_t *anchors;
  int64_t classes, downsample;
  float conf_thresh, scale_x_y, iou_aware_factor;
  bool clip_bbox, iou_aware;
} oar_ref_yolo_params;

/* x [n, channels, h, w], img_size [n, 2] (h, w) -> boxes [n, anchors h w,
 * 4] and scores [n, anchors h w, classes]; boxes under conf_thresh stay 0. */
void oar_ref_yolo_box_f32(const float *x, const int32_t *img_size, float *boxes, float *scores, int64_t n,
                          int64_t h, int64_t w, const oar_ref_yolo_params *p);

/* encode: target [rows, 4] against prior [cols, 4] -> out [rows, cols, 4];
 * decode: target [rows, cols, 4], prior indexed by col (axis 0) or row
 * (axis 1). var: [cols or rows, 4] per prior, or NULL; attr_var: 4 values
 * or NULL. */
void oar_ref_box_coder_f32(const float *prior, const float *var, const float *attr_var, const float *target,
                           float *out, int64_t rows, int64_t cols, bool encode, bool normalized, int axis);

typedef struct oar_ref_prior_params {
  const float *min_sizes, *max_sizes, *ratios; /* max_sizes NULL: none */
  int64_t num_sizes, num_ratios;
  float variances[4];
  bool clip, min_max_order;
  float step_w, step_h, offset;
} oar_ref_prior_params;

/* boxes and var [h, w, priors, 4] over a feature map h x w of an image
 * img_h x img_w. */
void oar_ref_prior_box_f32(float *boxes, float *var, int64_t h, int64_t w, int64_t img_h, int64_t img_w,
                           const oar_ref_prior_params *p);

#endif
