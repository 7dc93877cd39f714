/* grid_sampler, roi_align: Paddle's sampling ops (float32), schemas and
 * shapes. */
#include <string.h>

#include "ir/ops/infer_util.h"
#include "ir/ops/pd_ops.h"

static oar_status grid_sampler_infer(const oar_node *n, const oar_tensor_view *const *in,
                                     oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x, *grid;
  OAR_TRY(oar_op_require_input(n, in, OAR_GRID_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_GRID_IN_GRID, &grid, err));
  OAR_TRY(oar_op_check_rank(n, OAR_GRID_IN_X, x, 4, 5, err));
  const int r = x->shape.rank;
  OAR_TRY(oar_op_check_rank(n, OAR_GRID_IN_GRID, grid, r, r, err));
  OAR_TRY(oar_op_check_same_dtype(n, OAR_GRID_IN_X, x, OAR_GRID_IN_GRID, grid, err));
  if (grid->shape.dims[r - 1] >= 0 && grid->shape.dims[r - 1] != r - 2)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'Grid' has %lld values per point, expected %d",
                         (long long)grid->shape.dims[r - 1], r - 2);
  const char *mode = oar_op_attr_str(n, OAR_GRID_ATTR_MODE),
             *pad = oar_op_attr_str(n, OAR_GRID_ATTR_PADDING_MODE);
  if (strcmp(mode, "bilinear") != 0 && strcmp(mode, "nearest") != 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "attribute 'mode' is \"%s\", expected bilinear or nearest",
                         mode);
  if (strcmp(pad, "zeros") != 0 && strcmp(pad, "border") != 0 && strcmp(pad, "reflection") != 0)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "attribute 'padding_mode' is \"%s\", expected zeros, border or reflection", pad);
  const int64_t dims[5] = {x->shape.dims[0], x->shape.dims[1], grid->shape.dims[1], grid->shape.dims[2],
                           grid->shape.dims[3]};
  const oar_shape y = oar_shape_make(r, dims);
  oar_op_set_output(n, out, 0, x->dtype, &y);
  return OAR_OK;
}

static oar_status roi_align_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                  oar_error *err) {
  const oar_tensor_view *x, *rois;
  OAR_TRY(oar_op_require_input(n, in, OAR_ROI_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_ROI_IN_ROIS, &rois, err));
  OAR_TRY(oar_op_check_rank(n, OAR_ROI_IN_X, x, 4, 4, err));
  OAR_TRY(oar_op_check_rank(n, OAR_ROI_IN_ROIS, rois, 2, 2, err));
  OAR_TRY(oar_op_check_same_dtype(n, OAR_ROI_IN_X, x, OAR_ROI_IN_ROIS, rois, err));
  if (rois->shape.dims[1] >= 0 && rois->shape.dims[1] != 4)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'ROIs' has %lld values per box, expected 4",
                         (long long)rois->shape.dims[1]);
  const oar_tensor_view *num = oar_op_input(n, in, OAR_ROI_IN_ROIS_NUM);
  if (num && num->dtype != OAR_DTYPE_INT32 && num->dtype != OAR_DTYPE_INT64)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'RoisNum' is %s, expected int32 or int64",
                         oar_dtype_str(num->dtype));
  int64_t ph, pw;
  OAR_TRY(oar_op_attr_int(n, OAR_ROI_ATTR_POOLED_HEIGHT, 1, OAR_ATTR_SIZE_MAX, &ph, err));
  OAR_TRY(oar_op_attr_int(n, OAR_ROI_ATTR_POOLED_WIDTH, 1, OAR_ATTR_SIZE_MAX, &pw, err));
  const int64_t dims[4] = {rois->shape.dims[0], x->shape.dims[1], ph, pw};
  const oar_shape y = oar_shape_make(4, dims);
  oar_op_set_output(n, out, 0, x->dtype, &y);
  return OAR_OK;
}

static const oar_slot_spec grid_inputs[] = {{"X", OAR_SLOT_REQUIRED}, {"Grid", OAR_SLOT_REQUIRED}};
static const oar_slot_spec output_output[] = {{"Output", OAR_SLOT_REQUIRED}};
static const oar_attr_spec grid_attrs[] = {
    [OAR_GRID_ATTR_MODE] = OAR_ATTR_S("mode", "bilinear"),
    [OAR_GRID_ATTR_PADDING_MODE] = OAR_ATTR_S("padding_mode", "zeros"),
    [OAR_GRID_ATTR_ALIGN_CORNERS] = OAR_ATTR_B("align_corners", 1),
};

static const oar_slot_spec roi_inputs[] = {
    {"X", OAR_SLOT_REQUIRED}, {"ROIs", OAR_SLOT_REQUIRED}, {"RoisNum", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec out_output[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_attr_spec roi_attrs[] = {
    [OAR_ROI_ATTR_POOLED_HEIGHT] = OAR_ATTR_I("pooled_height", 1),
    [OAR_ROI_ATTR_POOLED_WIDTH] = OAR_ATTR_I("pooled_width", 1),
    [OAR_ROI_ATTR_SPATIAL_SCALE] = OAR_ATTR_F("spatial_scale", 1.0),
    [OAR_ROI_ATTR_SAMPLING_RATIO] = OAR_ATTR_I("sampling_ratio", -1),
    [OAR_ROI_ATTR_ALIGNED] = OAR_ATTR_B("aligned", 0),
};

const oar_op_schema oar_schema_grid_sampler = {
    .name = "grid_sampler",
    .id = OAR_OP_grid_sampler,
    .inputs = grid_inputs,
    .num_inputs = OAR_COUNT_OF(grid_inputs),
    .outputs = output_output,
    .num_outputs = 1,
    .attrs = grid_attrs,
    .num_attrs = OAR_COUNT_OF(grid_attrs),
    .infer = grid_sampler_infer,
};

const oar_op_schema oar_schema_roi_align = {
    .name = "roi_align",
    .id = OAR_OP_roi_align,
    .inputs = roi_inputs,
    .num_inputs = OAR_COUNT_OF(roi_inputs),
    .outputs = out_output,
    .num_outputs = 1,
    .attrs = roi_attrs,
    .num_attrs = OAR_COUNT_OF(roi_attrs),
    .infer = roi_align_infer,
};

/* ---- deformable_conv ------------------------------------------------------- */

static oar_status dconv_dims(const oar_node *n, int slot, const oar_tensor_view *v, int64_t c, int64_t h,
                             int64_t w, oar_error *err) {
  OAR_TRY(oar_op_check_rank(n, slot, v, 4, 4, err));
  const int64_t want[3] = {c, h, w};
  for (int i = 0; i < 3; i++)
    if (want[i] >= 0 && v->shape.dims[i + 1] >= 0 && v->shape.dims[i + 1] != want[i])
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input '%s' has dim %d of %lld, expected %lld",
                           n->schema->inputs[slot].name, i + 1, (long long)v->shape.dims[i + 1],
                           (long long)want[i]);
  return OAR_OK;
}

oar_status oar_pd_dconv_geometry(const oar_node *n, const oar_tensor_view *const *in, oar_pd_dconv_geom *g,
                                 oar_error *err) {
  const oar_tensor_view *x, *off, *f;
  OAR_TRY(oar_op_require_input(n, in, OAR_DCONV_IN_INPUT, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_DCONV_IN_OFFSET, &off, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_DCONV_IN_FILTER, &f, err));
  OAR_TRY(oar_op_check_rank(n, OAR_DCONV_IN_INPUT, x, 4, 4, err));
  OAR_TRY(oar_op_check_rank(n, OAR_DCONV_IN_FILTER, f, 4, 4, err));
  OAR_TRY(oar_op_attr_ints_n(n, OAR_DCONV_ATTR_STRIDES, 2, 1, OAR_ATTR_SIZE_MAX, g->stride, err));
  OAR_TRY(oar_op_attr_ints_n(n, OAR_DCONV_ATTR_PADDINGS, 2, 0, OAR_ATTR_SIZE_MAX, g->pad, err));
  OAR_TRY(oar_op_attr_ints_n(n, OAR_DCONV_ATTR_DILATIONS, 2, 1, OAR_ATTR_SIZE_MAX, g->dilation, err));
  OAR_TRY(oar_op_attr_int(n, OAR_DCONV_ATTR_GROUPS, 1, OAR_ATTR_SIZE_MAX, &g->groups, err));
  OAR_TRY(oar_op_attr_int(n, OAR_DCONV_ATTR_DEFORMABLE_GROUPS, 1, OAR_ATTR_SIZE_MAX, &g->dgroups, err));
  g->n = x->shape.dims[0], g->c = x->shape.dims[1], g->h = x->shape.dims[2], g->w = x->shape.dims[3];
  g->m = f->shape.dims[0], g->kh = f->shape.dims[2], g->kw = f->shape.dims[3];
  if (g->c >= 0 && (g->c % g->groups || g->c % g->dgroups || f->shape.dims[1] * g->groups != g->c))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "has %lld input channels, filter channels %lld, groups %lld, deformable_groups %lld",
                         (long long)g->c, (long long)f->shape.dims[1], (long long)g->groups,
                         (long long)g->dgroups);
  if (g->m % g->groups)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has %lld filters, which groups %lld do not divide",
                         (long long)g->m, (long long)g->groups);
  OAR_TRY(oar_window_out_size(g->h, g->kh, g->dilation[0], g->pad[0], g->pad[0], g->stride[0], false,
                              "height", &g->oh, err));
  OAR_TRY(oar_window_out_size(g->w, g->kw, g->dilation[1], g->pad[1], g->pad[1], g->stride[1], false, "width",
                              &g->ow, err));
  OAR_TRY(dconv_dims(n, OAR_DCONV_IN_OFFSET, off, 2 * g->dgroups * g->kh * g->kw, g->oh, g->ow, err));
  const oar_tensor_view *mask =
      n->schema->num_inputs > OAR_DCONV_IN_MASK ? oar_op_input(n, in, OAR_DCONV_IN_MASK) : NULL;
  if (mask) OAR_TRY(dconv_dims(n, OAR_DCONV_IN_MASK, mask, g->dgroups * g->kh * g->kw, g->oh, g->ow, err));
  return OAR_OK;
}

static oar_status dconv_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  oar_pd_dconv_geom g;
  OAR_TRY(oar_pd_dconv_geometry(n, in, &g, err));
  const int64_t dims[4] = {g.n, g.m, g.oh, g.ow};
  const oar_shape y = oar_shape_make(4, dims);
  oar_op_set_output(n, out, 0, in[0]->dtype, &y);
  return OAR_OK;
}

static const oar_slot_spec dconv_inputs[] = {{"Input", OAR_SLOT_REQUIRED},
                                             {"Offset", OAR_SLOT_REQUIRED},
                                             {"Filter", OAR_SLOT_REQUIRED},
                                             {"Mask", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec dconv_attrs[] = {
    [OAR_DCONV_ATTR_STRIDES] = OAR_ATTR_IS("strides", 1, 1),
    [OAR_DCONV_ATTR_PADDINGS] = OAR_ATTR_IS("paddings", 0, 0),
    [OAR_DCONV_ATTR_DILATIONS] = OAR_ATTR_IS("dilations", 1, 1),
    [OAR_DCONV_ATTR_DEFORMABLE_GROUPS] = OAR_ATTR_I("deformable_groups", 1),
    [OAR_DCONV_ATTR_GROUPS] = OAR_ATTR_I("groups", 1),
    [OAR_DCONV_ATTR_IM2COL_STEP] = OAR_ATTR_I("im2col_step", 64),
};

/* v2 (Mask modulates each sample) and v1 (no Mask slot). */
#define DCONV_SCHEMA(op, ninputs)             \
  const oar_op_schema oar_schema_##op = {     \
      .name = #op,                            \
      .id = OAR_OP_##op,                      \
      .inputs = dconv_inputs,                 \
      .num_inputs = ninputs,                  \
      .outputs = output_output,               \
      .num_outputs = 1,                       \
      .attrs = dconv_attrs,                   \
      .num_attrs = OAR_COUNT_OF(dconv_attrs), \
      .infer = dconv_infer,                   \
  };
DCONV_SCHEMA(deformable_conv, 4)
DCONV_SCHEMA(deformable_conv_v1, 3)
