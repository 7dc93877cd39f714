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
