/* Schemas of the ops whose output shapes depend on input values
 * (ir/ops/dynamic.h). Their infer functions check the inputs and give
 * dtypes and ranks; dims that depend on values are -1. */
#include "ir/ops/dynamic.h"

#include "ir/ops/infer_util.h"
#include "ir/schema.h"

static const oar_slot_spec out_only[] = {{"Out", OAR_SLOT_REQUIRED}};

static oar_status where_index_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                    oar_error *err) {
  const oar_tensor_view *c;
  OAR_TRY(oar_op_require_input(n, in, OAR_WHERE_INDEX_IN_CONDITION, &c, err));
  const int t = oar_node_attr_i(n, OAR_WHERE_INDEX_ATTR_TRANSPOSED) != 0;
  oar_shape s = {.rank = 2};
  s.dims[t] = -1;
  s.dims[!t] = c->shape.rank;
  oar_op_set_output(n, out, OAR_WHERE_INDEX_OUT, OAR_DTYPE_INT64, &s);
  return OAR_OK;
}

static const oar_slot_spec where_index_inputs[] = {{"Condition", OAR_SLOT_REQUIRED}};
static const oar_attr_spec where_index_attrs[] = {
    [OAR_WHERE_INDEX_ATTR_TRANSPOSED] = OAR_ATTR_B("transposed", false),
};

const oar_op_schema oar_schema_where_index = {
    .name = "where_index",
    .id = OAR_OP_where_index,
    .inputs = where_index_inputs,
    .num_inputs = 1,
    .outputs = out_only,
    .num_outputs = 1,
    .attrs = where_index_attrs,
    .num_attrs = OAR_COUNT_OF(where_index_attrs),
    .infer = where_index_infer,
    .flags = OAR_OP_DYNAMIC_SHAPE,
};

static oar_status masked_select_infer(const oar_node *n, const oar_tensor_view *const *in,
                                      oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x, *m;
  OAR_TRY(oar_op_require_input(n, in, OAR_MASKED_SELECT_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_MASKED_SELECT_IN_MASK, &m, err));
  if (m->dtype != OAR_DTYPE_BOOL)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "Mask must be bool, got %s", oar_dtype_str(m->dtype));
  oar_shape b;
  OAR_TRY(oar_broadcast_axis(&x->shape, &m->shape, -1, &b, NULL, NULL, "X", "Mask", err));
  const oar_shape s = {.rank = 1, .dims = {-1}};
  oar_op_set_output(n, out, OAR_MASKED_SELECT_OUT_Y, x->dtype, &s);
  return OAR_OK;
}

static const oar_slot_spec masked_select_inputs[] = {{"X", OAR_SLOT_REQUIRED}, {"Mask", OAR_SLOT_REQUIRED}};
static const oar_slot_spec masked_select_outputs[] = {{"Y", OAR_SLOT_REQUIRED}};

const oar_op_schema oar_schema_masked_select = {
    .name = "masked_select",
    .id = OAR_OP_masked_select,
    .inputs = masked_select_inputs,
    .num_inputs = 2,
    .outputs = masked_select_outputs,
    .num_outputs = 1,
    .infer = masked_select_infer,
    .flags = OAR_OP_DYNAMIC_SHAPE,
};

static oar_status unique_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_UNIQUE_IN_X, &x, err));
  const int64_t dt = oar_node_attr_i(n, OAR_UNIQUE_ATTR_DTYPE);
  if (dt != OAR_DTYPE_INT32 && dt != OAR_DTYPE_INT64)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "dtype %lld (index outputs must be int32 or int64)",
                         (long long)dt);
  const oar_attr *axes = oar_node_attr(n, OAR_UNIQUE_ATTR_AXIS);
  oar_shape s = {.rank = 1, .dims = {-1}}, inv = {.rank = 1, .dims = {oar_shape_numel(&x->shape)}};
  if (axes->n > 1) return oar_error_set(err, OAR_ERR_UNSUPPORTED, "axis with more than one value");
  if (axes->n == 1) {
    int ax;
    OAR_TRY(oar_op_norm_axis(n, OAR_UNIQUE_ATTR_AXIS, axes->ints[0], x->shape.rank, &ax, err));
    s = x->shape;
    s.dims[ax] = -1;
    inv.dims[0] = x->shape.dims[ax];
  }
  const oar_shape u = {.rank = 1, .dims = {-1}};
  oar_op_set_output(n, out, OAR_UNIQUE_OUT, x->dtype, &s);
  oar_op_set_output(n, out, OAR_UNIQUE_OUT_INDICES, (oar_dtype)dt, &u);
  oar_op_set_output(n, out, OAR_UNIQUE_OUT_INDEX, (oar_dtype)dt, &inv);
  oar_op_set_output(n, out, OAR_UNIQUE_OUT_COUNTS, (oar_dtype)dt, &u);
  return OAR_OK;
}

static const oar_slot_spec unique_inputs[] = {{"X", OAR_SLOT_REQUIRED}};
static const oar_slot_spec unique_outputs[] = {{"Out", OAR_SLOT_REQUIRED},
                                               {"Indices", OAR_SLOT_OPTIONAL},
                                               {"Index", OAR_SLOT_OPTIONAL},
                                               {"Counts", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec unique_attrs[] = {
    [OAR_UNIQUE_ATTR_DTYPE] = OAR_ATTR_I("dtype", OAR_DTYPE_INT64),
    [OAR_UNIQUE_ATTR_RETURN_INDEX] = OAR_ATTR_B("return_index", false),
    [OAR_UNIQUE_ATTR_RETURN_INVERSE] = OAR_ATTR_B("return_inverse", false),
    [OAR_UNIQUE_ATTR_RETURN_COUNTS] = OAR_ATTR_B("return_counts", false),
    [OAR_UNIQUE_ATTR_AXIS] = OAR_ATTR_IS_EMPTY("axis"),
    [OAR_UNIQUE_ATTR_IS_SORTED] = OAR_ATTR_B("is_sorted", false),
};

const oar_op_schema oar_schema_unique = {
    .name = "unique",
    .id = OAR_OP_unique,
    .inputs = unique_inputs,
    .num_inputs = 1,
    .outputs = unique_outputs,
    .num_outputs = 4,
    .attrs = unique_attrs,
    .num_attrs = OAR_COUNT_OF(unique_attrs),
    .infer = unique_infer,
    .flags = OAR_OP_DYNAMIC_SHAPE,
};

/* The boxes [N, M, 4] and scores [N, C, M] (float32) of the NMS ops, in
 * input slots 0 and 1. */
static oar_status boxes_and_scores(const oar_node *n, const oar_tensor_view *const *in,
                                   const oar_tensor_view **b, const oar_tensor_view **s, oar_error *err) {
  OAR_TRY(oar_op_require_input(n, in, 0, b, err));
  OAR_TRY(oar_op_require_input(n, in, 1, s, err));
  const char *bn = n->schema->inputs[0].name, *sn = n->schema->inputs[1].name;
  if ((*b)->dtype != OAR_DTYPE_FLOAT32 || (*s)->dtype != OAR_DTYPE_FLOAT32)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "%s and %s must be float32, got %s and %s", bn, sn,
                         oar_dtype_str((*b)->dtype), oar_dtype_str((*s)->dtype));
  const oar_shape *bs = &(*b)->shape, *ss = &(*s)->shape;
  if (bs->rank != 3 || ss->rank != 3 || bs->dims[2] != 4 ||
      (bs->dims[0] >= 0 && ss->dims[0] >= 0 && bs->dims[0] != ss->dims[0]) ||
      (bs->dims[1] >= 0 && ss->dims[2] >= 0 && bs->dims[1] != ss->dims[2])) {
    char a[96], c[96];
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                         "%s must be [N, M, 4] and %s [N, C, M], got %s and %s", bn, sn,
                         oar_shape_str(bs, a, sizeof a), oar_shape_str(ss, c, sizeof c));
  }
  return OAR_OK;
}

static oar_status nms3_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  const oar_tensor_view *b, *s;
  OAR_TRY(boxes_and_scores(n, in, &b, &s, err));
  if (oar_op_input(n, in, OAR_NMS3_IN_ROISNUM))
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "input RoisNum (the LoD form of two-stage detectors)");
  const oar_shape *bs = &b->shape;
  const oar_shape o = {.rank = 2, .dims = {-1, 6}}, ix = {.rank = 2, .dims = {-1, 1}},
                  rn = {.rank = 1, .dims = {bs->dims[0]}};
  oar_op_set_output(n, out, OAR_NMS3_OUT, OAR_DTYPE_FLOAT32, &o);
  oar_op_set_output(n, out, OAR_NMS3_OUT_INDEX, OAR_DTYPE_INT32, &ix);
  oar_op_set_output(n, out, OAR_NMS3_OUT_ROISNUM, OAR_DTYPE_INT32, &rn);
  return OAR_OK;
}

static const oar_slot_spec nms3_inputs[] = {
    {"BBoxes", OAR_SLOT_REQUIRED}, {"Scores", OAR_SLOT_REQUIRED}, {"RoisNum", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec nms3_outputs[] = {
    {"Out", OAR_SLOT_REQUIRED}, {"Index", OAR_SLOT_OPTIONAL}, {"NmsRoisNum", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec nms3_attrs[] = {
    [OAR_NMS3_ATTR_BACKGROUND_LABEL] = OAR_ATTR_I("background_label", 0),
    [OAR_NMS3_ATTR_SCORE_THRESHOLD] = OAR_ATTR_REQUIRED("score_threshold", OAR_ATTR_FLOAT),
    [OAR_NMS3_ATTR_NMS_TOP_K] = OAR_ATTR_REQUIRED("nms_top_k", OAR_ATTR_INT),
    [OAR_NMS3_ATTR_NMS_THRESHOLD] = OAR_ATTR_F("nms_threshold", 0.3),
    [OAR_NMS3_ATTR_NMS_ETA] = OAR_ATTR_F("nms_eta", 1.0),
    [OAR_NMS3_ATTR_KEEP_TOP_K] = OAR_ATTR_REQUIRED("keep_top_k", OAR_ATTR_INT),
    [OAR_NMS3_ATTR_NORMALIZED] = OAR_ATTR_B("normalized", true),
};

const oar_op_schema oar_schema_multiclass_nms3 = {
    .name = "multiclass_nms3",
    .id = OAR_OP_multiclass_nms3,
    .inputs = nms3_inputs,
    .num_inputs = 3,
    .outputs = nms3_outputs,
    .num_outputs = 3,
    .attrs = nms3_attrs,
    .num_attrs = OAR_COUNT_OF(nms3_attrs),
    .infer = nms3_infer,
    .flags = OAR_OP_DYNAMIC_SHAPE,
};

static oar_status matrix_nms_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                   oar_error *err) {
  const oar_tensor_view *b, *s;
  OAR_TRY(boxes_and_scores(n, in, &b, &s, err));
  const oar_shape o = {.rank = 2, .dims = {-1, 6}}, ix = {.rank = 2, .dims = {-1, 1}},
                  rn = {.rank = 1, .dims = {b->shape.dims[0]}};
  oar_op_set_output(n, out, OAR_MATRIX_NMS_OUT, OAR_DTYPE_FLOAT32, &o);
  oar_op_set_output(n, out, OAR_MATRIX_NMS_OUT_INDEX, OAR_DTYPE_INT32, &ix);
  oar_op_set_output(n, out, OAR_MATRIX_NMS_OUT_ROISNUM, OAR_DTYPE_INT32, &rn);
  return OAR_OK;
}

static const oar_slot_spec matrix_nms_inputs[] = {{"BBoxes", OAR_SLOT_REQUIRED},
                                                  {"Scores", OAR_SLOT_REQUIRED}};
static const oar_slot_spec matrix_nms_outputs[] = {
    {"Out", OAR_SLOT_REQUIRED}, {"Index", OAR_SLOT_OPTIONAL}, {"RoisNum", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec matrix_nms_attrs[] = {
    [OAR_MATRIX_NMS_ATTR_BACKGROUND_LABEL] = OAR_ATTR_I("background_label", 0),
    [OAR_MATRIX_NMS_ATTR_SCORE_THRESHOLD] = OAR_ATTR_REQUIRED("score_threshold", OAR_ATTR_FLOAT),
    [OAR_MATRIX_NMS_ATTR_POST_THRESHOLD] = OAR_ATTR_F("post_threshold", 0.0),
    [OAR_MATRIX_NMS_ATTR_NMS_TOP_K] = OAR_ATTR_REQUIRED("nms_top_k", OAR_ATTR_INT),
    [OAR_MATRIX_NMS_ATTR_KEEP_TOP_K] = OAR_ATTR_REQUIRED("keep_top_k", OAR_ATTR_INT),
    [OAR_MATRIX_NMS_ATTR_NORMALIZED] = OAR_ATTR_B("normalized", true),
    [OAR_MATRIX_NMS_ATTR_USE_GAUSSIAN] = OAR_ATTR_B("use_gaussian", false),
    [OAR_MATRIX_NMS_ATTR_GAUSSIAN_SIGMA] = OAR_ATTR_F("gaussian_sigma", 2.0),
};

const oar_op_schema oar_schema_matrix_nms = {
    .name = "matrix_nms",
    .id = OAR_OP_matrix_nms,
    .inputs = matrix_nms_inputs,
    .num_inputs = 2,
    .outputs = matrix_nms_outputs,
    .num_outputs = 3,
    .attrs = matrix_nms_attrs,
    .num_attrs = OAR_COUNT_OF(matrix_nms_attrs),
    .infer = matrix_nms_infer,
    .flags = OAR_OP_DYNAMIC_SHAPE,
};

static oar_status nms_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  const oar_tensor_view *b, *s;
  OAR_TRY(boxes_and_scores(n, in, &b, &s, err));
  static const struct {
    int slot;
    oar_dtype dt;
  } scalars[] = {{OAR_NMS_IN_MAX_OUTPUT, OAR_DTYPE_INT64},
                 {OAR_NMS_IN_IOU, OAR_DTYPE_FLOAT32},
                 {OAR_NMS_IN_SCORE_THRESHOLD, OAR_DTYPE_FLOAT32}};
  for (int i = 0; i < 3; i++) {
    const oar_tensor_view *v = oar_op_input(n, in, scalars[i].slot);
    if (v && (v->dtype != scalars[i].dt || oar_shape_numel(&v->shape) != 1))
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "%s must be one %s, got %s with %lld elements",
                           n->schema->inputs[scalars[i].slot].name, oar_dtype_str(scalars[i].dt),
                           oar_dtype_str(v->dtype), (long long)oar_shape_numel(&v->shape));
  }
  const oar_shape o = {.rank = 2, .dims = {-1, 3}};
  oar_op_set_output(n, out, OAR_NMS_OUT_SELECTED, OAR_DTYPE_INT64, &o);
  return OAR_OK;
}

static const oar_slot_spec nms_inputs[] = {{"Boxes", OAR_SLOT_REQUIRED},
                                           {"Scores", OAR_SLOT_REQUIRED},
                                           {"MaxOutputBoxesPerClass", OAR_SLOT_OPTIONAL},
                                           {"IouThreshold", OAR_SLOT_OPTIONAL},
                                           {"ScoreThreshold", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec nms_outputs[] = {{"SelectedIndices", OAR_SLOT_REQUIRED}};
static const oar_attr_spec nms_attrs[] = {
    [OAR_NMS_ATTR_CENTER_POINT_BOX] = OAR_ATTR_I("center_point_box", 0),
};

const oar_op_schema oar_schema_non_max_suppression = {
    .name = "non_max_suppression",
    .id = OAR_OP_non_max_suppression,
    .inputs = nms_inputs,
    .num_inputs = 5,
    .outputs = nms_outputs,
    .num_outputs = 1,
    .attrs = nms_attrs,
    .num_attrs = OAR_COUNT_OF(nms_attrs),
    .infer = nms_infer,
    .flags = OAR_OP_DYNAMIC_SHAPE,
};
