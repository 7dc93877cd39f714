/* yolo_box, box_coder, prior_box: Paddle's dense detection ops (float32),
 * schemas and shapes. */
#include <math.h>
#include <string.h>

#include "ir/ops/infer_util.h"
#include "ir/ops/pd_ops.h"

static oar_status yolo_box_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                 oar_error *err) {
  const oar_tensor_view *x, *img;
  OAR_TRY(oar_op_require_input(n, in, OAR_YOLO_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_YOLO_IN_IMG_SIZE, &img, err));
  OAR_TRY(oar_op_check_rank(n, OAR_YOLO_IN_X, x, 4, 4, err));
  if (img->dtype != OAR_DTYPE_INT32)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "input 'ImgSize' is %s, expected int32",
                         oar_dtype_str(img->dtype));
  const oar_attr *anchors = oar_node_attr(n, OAR_YOLO_ATTR_ANCHORS);
  if (anchors->n == 0 || anchors->n % 2)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute 'anchors' has %zu values, expected pairs",
                         anchors->n);
  int64_t classes;
  OAR_TRY(oar_op_attr_int(n, OAR_YOLO_ATTR_CLASS_NUM, 1, OAR_ATTR_SIZE_MAX, &classes, err));
  const int64_t an = (int64_t)anchors->n / 2,
                want = an * (5 + classes) + (oar_node_attr_i(n, OAR_YOLO_ATTR_IOU_AWARE) ? an : 0);
  if (x->shape.dims[1] >= 0 && x->shape.dims[1] != want)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'X' has %lld channels, expected %lld",
                         (long long)x->shape.dims[1], (long long)want);
  const int64_t h = x->shape.dims[2], w = x->shape.dims[3], boxes = h < 0 || w < 0 ? -1 : an * h * w;
  const int64_t bd[3] = {x->shape.dims[0], boxes, 4}, sd[3] = {x->shape.dims[0], boxes, classes};
  const oar_shape bs = oar_shape_make(3, bd), ss = oar_shape_make(3, sd);
  oar_op_set_output(n, out, OAR_YOLO_OUT_BOXES, x->dtype, &bs);
  oar_op_set_output(n, out, OAR_YOLO_OUT_SCORES, x->dtype, &ss);
  return OAR_OK;
}

static oar_status box_coder_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                  oar_error *err) {
  const oar_tensor_view *prior, *target;
  OAR_TRY(oar_op_require_input(n, in, OAR_BOXC_IN_PRIOR, &prior, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_BOXC_IN_TARGET, &target, err));
  OAR_TRY(oar_op_check_rank(n, OAR_BOXC_IN_PRIOR, prior, 2, 2, err));
  const oar_tensor_view *var = oar_op_input(n, in, OAR_BOXC_IN_PRIOR_VAR);
  if (var && oar_shape_numel(&var->shape) >= 0 && oar_shape_numel(&prior->shape) >= 0 &&
      oar_shape_numel(&var->shape) != oar_shape_numel(&prior->shape))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'PriorBoxVar' has %lld values, 'PriorBox' %lld",
                         (long long)oar_shape_numel(&var->shape), (long long)oar_shape_numel(&prior->shape));
  const size_t nvar = oar_node_attr(n, OAR_BOXC_ATTR_VARIANCE)->n;
  if (nvar != 0 && nvar != 4)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute 'variance' has %zu values, expected 0 or 4",
                         nvar);
  const char *code = oar_op_attr_str(n, OAR_BOXC_ATTR_CODE_TYPE);
  if (strcmp(code, "encode_center_size") == 0) {
    OAR_TRY(oar_op_check_rank(n, OAR_BOXC_IN_TARGET, target, 2, 2, err));
    const int64_t dims[3] = {target->shape.dims[0], prior->shape.dims[0], 4};
    const oar_shape y = oar_shape_make(3, dims);
    oar_op_set_output(n, out, 0, target->dtype, &y);
    return OAR_OK;
  }
  if (strcmp(code, "decode_center_size") != 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "attribute 'code_type' is \"%s\", expected encode_center_size or decode_center_size",
                         code);
  OAR_TRY(oar_op_check_rank(n, OAR_BOXC_IN_TARGET, target, 3, 3, err));
  const int64_t axis = oar_node_attr_i(n, OAR_BOXC_ATTR_AXIS);
  if (axis != 0 && axis != 1)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute 'axis' is %lld, expected 0 or 1",
                         (long long)axis);
  const int64_t along = target->shape.dims[axis == 0 ? 1 : 0];
  if (along >= 0 && prior->shape.dims[0] >= 0 && along != prior->shape.dims[0])
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "input 'TargetBox' has %lld boxes along dim %d, 'PriorBox' %lld", (long long)along,
                         axis == 0 ? 1 : 0, (long long)prior->shape.dims[0]);
  oar_op_set_output(n, out, 0, target->dtype, &target->shape);
  return OAR_OK;
}

int oar_pd_prior_ratios(const oar_node *n, float *ratios) {
  const oar_attr *a = oar_node_attr(n, OAR_PRIOR_ATTR_ASPECT_RATIOS);
  const bool flip = oar_node_attr_i(n, OAR_PRIOR_ATTR_FLIP) != 0;
  int count = 0;
  ratios[count++] = 1.0f;
  for (size_t i = 0; i < a->n; i++) {
    const float ar = (float)a->floats[i];
    bool seen = false;
    for (int k = 0; k < count; k++) seen |= fabsf(ar - ratios[k]) < 1e-6f;
    if (seen) continue;
    if (count + 2 > OAR_PRIOR_MAX_RATIOS) return -1;
    ratios[count++] = ar;
    if (flip) ratios[count++] = 1.0f / ar;
  }
  return count;
}

static oar_status prior_box_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                  oar_error *err) {
  const oar_tensor_view *x, *img;
  OAR_TRY(oar_op_require_input(n, in, OAR_PRIOR_IN_INPUT, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_PRIOR_IN_IMAGE, &img, err));
  OAR_TRY(oar_op_check_rank(n, OAR_PRIOR_IN_INPUT, x, 4, 4, err));
  OAR_TRY(oar_op_check_rank(n, OAR_PRIOR_IN_IMAGE, img, 4, 4, err));
  const size_t mins = oar_node_attr(n, OAR_PRIOR_ATTR_MIN_SIZES)->n,
               maxs = oar_node_attr(n, OAR_PRIOR_ATTR_MAX_SIZES)->n;
  if (mins == 0) return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute 'min_sizes' is empty");
  if (maxs != 0 && maxs != mins)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has %zu max_sizes for %zu min_sizes", maxs, mins);
  if (oar_node_attr(n, OAR_PRIOR_ATTR_VARIANCES)->n != 4)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute 'variances' has %zu values, expected 4",
                         oar_node_attr(n, OAR_PRIOR_ATTR_VARIANCES)->n);
  float ratios[OAR_PRIOR_MAX_RATIOS];
  const int nr = oar_pd_prior_ratios(n, ratios);
  if (nr < 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "has more than %d aspect ratios", OAR_PRIOR_MAX_RATIOS);
  const int64_t dims[4] = {x->shape.dims[2], x->shape.dims[3], (int64_t)(nr * mins + maxs), 4};
  const oar_shape y = oar_shape_make(4, dims);
  oar_op_set_output(n, out, OAR_PRIOR_OUT_BOXES, x->dtype, &y);
  oar_op_set_output(n, out, OAR_PRIOR_OUT_VARIANCES, x->dtype, &y);
  return OAR_OK;
}

static const oar_slot_spec yolo_inputs[] = {{"X", OAR_SLOT_REQUIRED}, {"ImgSize", OAR_SLOT_REQUIRED}};
static const oar_slot_spec yolo_outputs[] = {{"Boxes", OAR_SLOT_REQUIRED}, {"Scores", OAR_SLOT_REQUIRED}};
static const oar_attr_spec yolo_attrs[] = {
    [OAR_YOLO_ATTR_ANCHORS] = OAR_ATTR_REQUIRED("anchors", OAR_ATTR_INTS),
    [OAR_YOLO_ATTR_CLASS_NUM] = OAR_ATTR_REQUIRED("class_num", OAR_ATTR_INT),
    [OAR_YOLO_ATTR_CONF_THRESH] = OAR_ATTR_F("conf_thresh", 0.01),
    [OAR_YOLO_ATTR_DOWNSAMPLE_RATIO] = OAR_ATTR_I("downsample_ratio", 32),
    [OAR_YOLO_ATTR_CLIP_BBOX] = OAR_ATTR_B("clip_bbox", 1),
    [OAR_YOLO_ATTR_SCALE_X_Y] = OAR_ATTR_F("scale_x_y", 1.0),
    [OAR_YOLO_ATTR_IOU_AWARE] = OAR_ATTR_B("iou_aware", 0),
    [OAR_YOLO_ATTR_IOU_AWARE_FACTOR] = OAR_ATTR_F("iou_aware_factor", 0.5),
};

static const oar_slot_spec boxc_inputs[] = {
    {"PriorBox", OAR_SLOT_REQUIRED}, {"PriorBoxVar", OAR_SLOT_OPTIONAL}, {"TargetBox", OAR_SLOT_REQUIRED}};
static const oar_slot_spec boxc_outputs[] = {{"OutputBox", OAR_SLOT_REQUIRED}};
static const oar_attr_spec boxc_attrs[] = {
    [OAR_BOXC_ATTR_CODE_TYPE] = OAR_ATTR_S("code_type", "encode_center_size"),
    [OAR_BOXC_ATTR_BOX_NORMALIZED] = OAR_ATTR_B("box_normalized", 1),
    [OAR_BOXC_ATTR_AXIS] = OAR_ATTR_I("axis", 0),
    [OAR_BOXC_ATTR_VARIANCE] = OAR_ATTR_FS_EMPTY("variance"),
};

static const oar_slot_spec prior_inputs[] = {{"Input", OAR_SLOT_REQUIRED}, {"Image", OAR_SLOT_REQUIRED}};
static const oar_slot_spec prior_outputs[] = {{"Boxes", OAR_SLOT_REQUIRED}, {"Variances", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec prior_attrs[] = {
    [OAR_PRIOR_ATTR_MIN_SIZES] = OAR_ATTR_REQUIRED("min_sizes", OAR_ATTR_FLOATS),
    [OAR_PRIOR_ATTR_MAX_SIZES] = OAR_ATTR_FS_EMPTY("max_sizes"),
    [OAR_PRIOR_ATTR_ASPECT_RATIOS] = OAR_ATTR_FS_EMPTY("aspect_ratios"),
    [OAR_PRIOR_ATTR_VARIANCES] = OAR_ATTR_FS_EMPTY("variances"),
    [OAR_PRIOR_ATTR_FLIP] = OAR_ATTR_B("flip", 1),
    [OAR_PRIOR_ATTR_CLIP] = OAR_ATTR_B("clip", 1),
    [OAR_PRIOR_ATTR_STEP_W] = OAR_ATTR_F("step_w", 0.0),
    [OAR_PRIOR_ATTR_STEP_H] = OAR_ATTR_F("step_h", 0.0),
    [OAR_PRIOR_ATTR_OFFSET] = OAR_ATTR_F("offset", 0.5),
    [OAR_PRIOR_ATTR_MIN_MAX_ORDER] = OAR_ATTR_B("min_max_aspect_ratios_order", 0),
};

const oar_op_schema oar_schema_yolo_box = {
    .name = "yolo_box",
    .id = OAR_OP_yolo_box,
    .inputs = yolo_inputs,
    .num_inputs = OAR_COUNT_OF(yolo_inputs),
    .outputs = yolo_outputs,
    .num_outputs = OAR_COUNT_OF(yolo_outputs),
    .attrs = yolo_attrs,
    .num_attrs = OAR_COUNT_OF(yolo_attrs),
    .infer = yolo_box_infer,
};

const oar_op_schema oar_schema_box_coder = {
    .name = "box_coder",
    .id = OAR_OP_box_coder,
    .inputs = boxc_inputs,
    .num_inputs = OAR_COUNT_OF(boxc_inputs),
    .outputs = boxc_outputs,
    .num_outputs = 1,
    .attrs = boxc_attrs,
    .num_attrs = OAR_COUNT_OF(boxc_attrs),
    .infer = box_coder_infer,
};

const oar_op_schema oar_schema_prior_box = {
    .name = "prior_box",
    .id = OAR_OP_prior_box,
    .inputs = prior_inputs,
    .num_inputs = OAR_COUNT_OF(prior_inputs),
    .outputs = prior_outputs,
    .num_outputs = OAR_COUNT_OF(prior_outputs),
    .attrs = prior_attrs,
    .num_attrs = OAR_COUNT_OF(prior_attrs),
    .infer = prior_box_infer,
    .flags = OAR_OP_SHAPE_ONLY, /* the boxes depend on the two shapes only */
};
