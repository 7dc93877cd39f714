/* yolo_box, box_coder, prior_box on the reference kernels. */
#include <string.h>

#include "ir/ops/pd_ops.h"
#include "kernels/ref/pd_detect.h"
#include "runtime/ops/run_util.h"

oar_status oar_run_yolo_box(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  const oar_tensor_view *x, *img;
  oar_tensor_view *boxes, *scores;
  OAR_TRY(oar_op_require_input(node, in, OAR_YOLO_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_YOLO_IN_IMG_SIZE, &img, err));
  OAR_TRY(oar_run_output(node, out, OAR_YOLO_OUT_BOXES, &boxes, err));
  OAR_TRY(oar_run_output(node, out, OAR_YOLO_OUT_SCORES, &scores, err));
  OAR_TRY(oar_run_expect_dtype(node, OAR_YOLO_IN_X, x, OAR_DTYPE_FLOAT32, err));
  if (oar_view_numel(img) != 2 * x->shape.dims[0])
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input 'ImgSize' has %lld values for a batch of %lld",
                         (long long)oar_view_numel(img), (long long)x->shape.dims[0]);
  const oar_attr *anchors = oar_node_attr(node, OAR_YOLO_ATTR_ANCHORS);
  const oar_ref_yolo_params p = {
      .anchors_n = (int64_t)anchors->n / 2,
      .anchors = anchors->ints,
      .classes = oar_node_attr_i(node, OAR_YOLO_ATTR_CLASS_NUM),
      .downsample = oar_node_attr_i(node, OAR_YOLO_ATTR_DOWNSAMPLE_RATIO),
      .conf_thresh = (float)oar_node_attr_f(node, OAR_YOLO_ATTR_CONF_THRESH),
      .scale_x_y = (float)oar_node_attr_f(node, OAR_YOLO_ATTR_SCALE_X_Y),
      .iou_aware_factor = (float)oar_node_attr_f(node, OAR_YOLO_ATTR_IOU_AWARE_FACTOR),
      .clip_bbox = oar_node_attr_i(node, OAR_YOLO_ATTR_CLIP_BBOX) != 0,
      .iou_aware = oar_node_attr_i(node, OAR_YOLO_ATTR_IOU_AWARE) != 0,
  };
  oar_ref_yolo_box_f32(x->data, img->data, boxes->data, scores->data, x->shape.dims[0], x->shape.dims[2],
                       x->shape.dims[3], &p);
  return OAR_OK;
}

oar_status oar_run_box_coder(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  const oar_tensor_view *prior, *target;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, OAR_BOXC_IN_PRIOR, &prior, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_BOXC_IN_TARGET, &target, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  OAR_TRY(oar_run_expect_dtype(node, OAR_BOXC_IN_PRIOR, prior, OAR_DTYPE_FLOAT32, err));
  OAR_TRY(oar_run_expect_dtype(node, OAR_BOXC_IN_TARGET, target, OAR_DTYPE_FLOAT32, err));
  const oar_tensor_view *var = oar_op_input(node, in, OAR_BOXC_IN_PRIOR_VAR);
  if (var) OAR_TRY(oar_run_expect_dtype(node, OAR_BOXC_IN_PRIOR_VAR, var, OAR_DTYPE_FLOAT32, err));
  const oar_attr *av = oar_node_attr(node, OAR_BOXC_ATTR_VARIANCE);
  float attr_var[4];
  for (size_t k = 0; k < 4 && k < av->n; k++) attr_var[k] = (float)av->floats[k];
  const bool encode = strcmp(oar_op_attr_str(node, OAR_BOXC_ATTR_CODE_TYPE), "encode_center_size") == 0;
  oar_ref_box_coder_f32(prior->data, var ? var->data : NULL, av->n == 4 ? attr_var : NULL, target->data,
                        y->data, y->shape.dims[0], y->shape.dims[1], encode,
                        oar_node_attr_i(node, OAR_BOXC_ATTR_BOX_NORMALIZED) != 0,
                        (int)oar_node_attr_i(node, OAR_BOXC_ATTR_AXIS));
  return OAR_OK;
}

oar_status oar_run_prior_box(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  const oar_tensor_view *x, *img;
  oar_tensor_view *boxes;
  OAR_TRY(oar_op_require_input(node, in, OAR_PRIOR_IN_INPUT, &x, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_PRIOR_IN_IMAGE, &img, err));
  OAR_TRY(oar_run_output(node, out, OAR_PRIOR_OUT_BOXES, &boxes, err));
  if (boxes->dtype != OAR_DTYPE_FLOAT32)
    return oar_run_unsupported_dtype(node, OAR_PRIOR_IN_INPUT, x->dtype, err);
  const oar_attr *mins = oar_node_attr(node, OAR_PRIOR_ATTR_MIN_SIZES),
                 *maxs = oar_node_attr(node, OAR_PRIOR_ATTR_MAX_SIZES),
                 *vars = oar_node_attr(node, OAR_PRIOR_ATTR_VARIANCES);
  enum { MAX_SIZES = 64 };
  if (mins->n > MAX_SIZES)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has %zu min_sizes, above %d", mins->n, MAX_SIZES);
  float mn[MAX_SIZES], mx[MAX_SIZES], ratios[OAR_PRIOR_MAX_RATIOS];
  for (size_t i = 0; i < mins->n; i++) mn[i] = (float)mins->floats[i];
  for (size_t i = 0; i < maxs->n && i < MAX_SIZES; i++) mx[i] = (float)maxs->floats[i];
  oar_ref_prior_params p = {
      .min_sizes = mn,
      .max_sizes = maxs->n ? mx : NULL,
      .ratios = ratios,
      .num_sizes = (int64_t)mins->n,
      .num_ratios = oar_pd_prior_ratios(node, ratios),
      .clip = oar_node_attr_i(node, OAR_PRIOR_ATTR_CLIP) != 0,
      .min_max_order = oar_node_attr_i(node, OAR_PRIOR_ATTR_MIN_MAX_ORDER) != 0,
      .step_w = (float)oar_node_attr_f(node, OAR_PRIOR_ATTR_STEP_W),
      .step_h = (float)oar_node_attr_f(node, OAR_PRIOR_ATTR_STEP_H),
      .offset = (float)oar_node_attr_f(node, OAR_PRIOR_ATTR_OFFSET),
  };
  for (int k = 0; k < 4; k++) p.variances[k] = (float)vars->floats[k];
  oar_tensor_view *var = oar_op_output(node, out, OAR_PRIOR_OUT_VARIANCES);
  oar_ref_prior_box_f32(boxes->data, var ? var->data : NULL, x->shape.dims[2], x->shape.dims[3],
                        img->shape.dims[2], img->shape.dims[3], &p);
  return OAR_OK;
}
