/* issue 12, proposals: the schema of generate_proposals_v2
 * (ir/ops/proposals.h). */
#include "ir/ops/proposals.h"

#include "ir/ops/infer_util.h"
#include "ir/schema.h"

static oar_status genprop_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                oar_error *err) {
  const oar_tensor_view *v[5];
  for (int i = 0; i < 5; i++) {
    OAR_TRY(oar_op_require_input(n, in, i, &v[i], err));
    if (v[i]->dtype != OAR_DTYPE_FLOAT32)
      return oar_error_set(err, OAR_ERR_UNSUPPORTED, "%s must be float32, got %s", n->schema->inputs[i].name,
                           oar_dtype_str(v[i]->dtype));
  }
  const oar_tensor_view *s = v[OAR_GENPROP_IN_SCORES], *d = v[OAR_GENPROP_IN_DELTAS],
                        *im = v[OAR_GENPROP_IN_IM_SHAPE];
  OAR_TRY(oar_op_check_rank(n, OAR_GENPROP_IN_SCORES, s, 4, 4, err));
  OAR_TRY(oar_op_check_rank(n, OAR_GENPROP_IN_DELTAS, d, 4, 4, err));
  OAR_TRY(oar_op_check_rank(n, OAR_GENPROP_IN_IM_SHAPE, im, 2, 2, err));
  const int64_t N = s->shape.dims[0], A = s->shape.dims[1], H = s->shape.dims[2], W = s->shape.dims[3];
  if (d->shape.dims[0] != N || d->shape.dims[1] != 4 * A || d->shape.dims[2] != H || d->shape.dims[3] != W)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                         "BboxDeltas must be [%lld, %lld, %lld, %lld] for Scores [%lld, %lld, %lld, %lld]",
                         (long long)N, (long long)(4 * A), (long long)H, (long long)W, (long long)N,
                         (long long)A, (long long)H, (long long)W);
  if (im->shape.dims[0] != N || im->shape.dims[1] < 2)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "ImShape must be [%lld, 2], got [%lld, %lld]",
                         (long long)N, (long long)im->shape.dims[0], (long long)im->shape.dims[1]);
  for (int i = OAR_GENPROP_IN_ANCHORS; i <= OAR_GENPROP_IN_VARIANCES; i++)
    if (oar_shape_numel(&v[i]->shape) != 4 * A * H * W)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                           "%s must have %lld elements (H * W * A * 4), got %lld", n->schema->inputs[i].name,
                           (long long)(4 * A * H * W), (long long)oar_shape_numel(&v[i]->shape));
  const oar_shape r = {.rank = 2, .dims = {-1, 4}}, p = {.rank = 2, .dims = {-1, 1}},
                  c = {.rank = 1, .dims = {N}};
  oar_op_set_output(n, out, OAR_GENPROP_OUT_ROIS, OAR_DTYPE_FLOAT32, &r);
  oar_op_set_output(n, out, OAR_GENPROP_OUT_PROBS, OAR_DTYPE_FLOAT32, &p);
  oar_op_set_output(n, out, OAR_GENPROP_OUT_NUM, OAR_DTYPE_INT32, &c);
  return OAR_OK;
}

static const oar_slot_spec genprop_inputs[] = {{"Scores", OAR_SLOT_REQUIRED},
                                               {"BboxDeltas", OAR_SLOT_REQUIRED},
                                               {"ImShape", OAR_SLOT_REQUIRED},
                                               {"Anchors", OAR_SLOT_REQUIRED},
                                               {"Variances", OAR_SLOT_REQUIRED}};
static const oar_slot_spec genprop_outputs[] = {
    {"RpnRois", OAR_SLOT_REQUIRED}, {"RpnRoiProbs", OAR_SLOT_REQUIRED}, {"RpnRoisNum", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec genprop_attrs[] = {
    [OAR_GENPROP_ATTR_PRE_NMS_TOP_N] = OAR_ATTR_I("pre_nms_topN", 6000),
    [OAR_GENPROP_ATTR_POST_NMS_TOP_N] = OAR_ATTR_I("post_nms_topN", 1000),
    [OAR_GENPROP_ATTR_NMS_THRESH] = OAR_ATTR_F("nms_thresh", 0.5),
    [OAR_GENPROP_ATTR_MIN_SIZE] = OAR_ATTR_F("min_size", 0.1),
    [OAR_GENPROP_ATTR_ETA] = OAR_ATTR_F("eta", 1.0),
    [OAR_GENPROP_ATTR_PIXEL_OFFSET] = OAR_ATTR_B("pixel_offset", true),
};

const oar_op_schema oar_schema_generate_proposals_v2 = {
    .name = "generate_proposals_v2",
    .id = OAR_OP_generate_proposals_v2,
    .inputs = genprop_inputs,
    .num_inputs = 5,
    .outputs = genprop_outputs,
    .num_outputs = 3,
    .attrs = genprop_attrs,
    .num_attrs = OAR_COUNT_OF(genprop_attrs),
    .infer = genprop_infer,
    .flags = OAR_OP_DYNAMIC_SHAPE,
};

static oar_status fpn_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  const oar_tensor_view *r, *num = oar_op_input(n, in, OAR_FPN_IN_ROISNUM);
  OAR_TRY(oar_op_require_input(n, in, OAR_FPN_IN_ROIS, &r, err));
  if (r->dtype != OAR_DTYPE_FLOAT32)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "FpnRois must be float32, got %s",
                         oar_dtype_str(r->dtype));
  OAR_TRY(oar_op_check_rank(n, OAR_FPN_IN_ROIS, r, 2, 2, err));
  if (r->shape.dims[1] != 4)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "FpnRois must be [R, 4], got [%lld, %lld]",
                         (long long)r->shape.dims[0], (long long)r->shape.dims[1]);
  if (num && ((num->dtype != OAR_DTYPE_INT32 && num->dtype != OAR_DTYPE_INT64) || num->shape.rank != 1))
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "RoisNum must be 1-D int32 or int64");
  const int64_t lo = oar_node_attr_i(n, OAR_FPN_ATTR_MIN_LEVEL),
                hi = oar_node_attr_i(n, OAR_FPN_ATTR_MAX_LEVEL);
  const int levels = oar_node_output_count(n, OAR_FPN_OUT_ROIS),
            nums = oar_node_output_count(n, OAR_FPN_OUT_ROISNUM);
  if (hi < lo || hi - lo + 1 != levels || nums > levels)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                         "levels %lld..%lld need %lld MultiFpnRois (and at most as many MultiLevelRoIsNum), "
                         "got %d and %d",
                         (long long)lo, (long long)hi, (long long)(hi - lo + 1), levels, nums);
  if (oar_node_attr_i(n, OAR_FPN_ATTR_REFER_SCALE) <= 0)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "refer_scale must be positive");
  const oar_shape rs = {.rank = 2, .dims = {-1, 4}}, ri = {.rank = 2, .dims = {r->shape.dims[0], 1}},
                  ns = {.rank = 1, .dims = {num ? num->shape.dims[0] : 1}};
  for (int i = 0; i < levels; i++) {
    oar_op_set_output(n, out + i, OAR_FPN_OUT_ROIS, OAR_DTYPE_FLOAT32, &rs);
    if (i < nums) oar_op_set_output(n, out + i, OAR_FPN_OUT_ROISNUM, OAR_DTYPE_INT32, &ns);
  }
  oar_op_set_output(n, out, OAR_FPN_OUT_RESTORE, OAR_DTYPE_INT32, &ri);
  return OAR_OK;
}

static const oar_slot_spec fpn_inputs[] = {{"FpnRois", OAR_SLOT_REQUIRED}, {"RoisNum", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec fpn_outputs[] = {{"MultiFpnRois", OAR_SLOT_VARIADIC},
                                            {"RestoreIndex", OAR_SLOT_REQUIRED},
                                            {"MultiLevelRoIsNum", OAR_SLOT_VARIADIC | OAR_SLOT_OPTIONAL}};
static const oar_attr_spec fpn_attrs[] = {
    [OAR_FPN_ATTR_MIN_LEVEL] = OAR_ATTR_REQUIRED("min_level", OAR_ATTR_INT),
    [OAR_FPN_ATTR_MAX_LEVEL] = OAR_ATTR_REQUIRED("max_level", OAR_ATTR_INT),
    [OAR_FPN_ATTR_REFER_LEVEL] = OAR_ATTR_REQUIRED("refer_level", OAR_ATTR_INT),
    [OAR_FPN_ATTR_REFER_SCALE] = OAR_ATTR_REQUIRED("refer_scale", OAR_ATTR_INT),
    [OAR_FPN_ATTR_PIXEL_OFFSET] = OAR_ATTR_B("pixel_offset", true),
};

const oar_op_schema oar_schema_distribute_fpn_proposals = {
    .name = "distribute_fpn_proposals",
    .id = OAR_OP_distribute_fpn_proposals,
    .inputs = fpn_inputs,
    .num_inputs = 2,
    .outputs = fpn_outputs,
    .num_outputs = 3,
    .attrs = fpn_attrs,
    .num_attrs = OAR_COUNT_OF(fpn_attrs),
    .infer = fpn_infer,
    .flags = OAR_OP_DYNAMIC_SHAPE,
};
