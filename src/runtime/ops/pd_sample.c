/* grid_sampler, roi_align on the reference kernels. */
#include <string.h>

#include "ir/ops/pd_ops.h"
#include "kernels/ref/pd_sample.h"
#include "runtime/ops/run_util.h"

oar_status oar_run_grid_sampler(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                                oar_error *err) {
  const oar_tensor_view *x, *grid;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, OAR_GRID_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_GRID_IN_GRID, &grid, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  OAR_TRY(oar_run_expect_dtype(node, OAR_GRID_IN_X, x, OAR_DTYPE_FLOAT32, err));
  if (grid->shape.dims[0] != x->shape.dims[0])
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input 'Grid' has batch %lld, input 'X' %lld",
                         (long long)grid->shape.dims[0], (long long)x->shape.dims[0]);
  const char *pad = oar_op_attr_str(node, OAR_GRID_ATTR_PADDING_MODE);
  const int padding = strcmp(pad, "border") == 0       ? OAR_REF_GRID_BORDER
                      : strcmp(pad, "reflection") == 0 ? OAR_REF_GRID_REFLECTION
                                                       : OAR_REF_GRID_ZEROS;
  const int64_t *d = x->shape.dims, *g = grid->shape.dims;
  const bool nearest = strcmp(oar_op_attr_str(node, OAR_GRID_ATTR_MODE), "nearest") == 0,
             corners = oar_node_attr_i(node, OAR_GRID_ATTR_ALIGN_CORNERS) != 0;
  if (x->shape.rank == 5)
    oar_ref_grid_sample3d_f32(x->data, grid->data, y->data, d[0], d[1], d[2], d[3], d[4], g[1], g[2], g[3],
                              nearest, padding, corners);
  else
    oar_ref_grid_sample_f32(x->data, grid->data, y->data, d[0], d[1], d[2], d[3], g[1], g[2], nearest,
                            padding, corners);
  return OAR_OK;
}

/* The image ROI k belongs to, from RoisNum (counts per image, checked
 * to add up to the ROIs given); absent: one image holds them all, which
 * only a batch of 1 can mean. (Paddle's CPU kernel without RoisNum reads
 * the LoD of ROIs instead and fails on ROIs without one, "does not
 * contain LoD information", at any batch size; oar's feeds carry no LoD,
 * so batch 1 runs as the LoD [0, R] would and a larger batch is refused.) */
static int64_t roi_count(const oar_tensor_view *num, int64_t b) {
  return num->dtype == OAR_DTYPE_INT32 ? ((const int32_t *)num->data)[b] : ((const int64_t *)num->data)[b];
}

static oar_status check_rois_num(const oar_tensor_view *num, int64_t images, int64_t rois, oar_error *err) {
  if (!num) {
    if (images != 1)
      return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                           "has no RoisNum and a batch of %lld images; oar needs RoisNum to assign ROIs",
                           (long long)images);
    return OAR_OK;
  }
  if (oar_view_numel(num) != images)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "input 'RoisNum' has %lld values for %lld images",
                         (long long)oar_view_numel(num), (long long)images);
  int64_t k = 0;
  for (int64_t b = 0; b < images; b++) {
    const int64_t cnt = roi_count(num, b);
    if (cnt < 0 || cnt > rois - k)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                           "input 'RoisNum' counts %lld ROIs for image %lld, past the %lld ROIs given",
                           (long long)cnt, (long long)b, (long long)rois);
    k += cnt;
  }
  if (k != rois)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                         "input 'RoisNum' counts %lld ROIs, input 'ROIs' has %lld", (long long)k,
                         (long long)rois);
  return OAR_OK;
}

oar_status oar_run_roi_align(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  const oar_tensor_view *x, *rois;
  oar_tensor_view *y;
  OAR_TRY(oar_op_require_input(node, in, OAR_ROI_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_ROI_IN_ROIS, &rois, err));
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  OAR_TRY(oar_run_expect_dtype(node, OAR_ROI_IN_X, x, OAR_DTYPE_FLOAT32, err));
  const oar_tensor_view *num = oar_op_input(node, in, OAR_ROI_IN_ROIS_NUM);
  const int64_t r = rois->shape.dims[0], *d = x->shape.dims;
  OAR_TRY(check_rois_num(num, d[0], r, err));
  const int64_t ph = oar_node_attr_i(node, OAR_ROI_ATTR_POOLED_HEIGHT),
                pw = oar_node_attr_i(node, OAR_ROI_ATTR_POOLED_WIDTH);
  int64_t image = 0, left = !num ? r : d[0] > 0 ? roi_count(num, 0) : 0;
  for (int64_t k = 0; k < r; k++, left--) {
    while (left == 0) left = roi_count(num, ++image); /* counts add up to r: ends within RoisNum */
    oar_ref_roi_align_f32(
        x->data, (const float *)rois->data + k * 4, &image, (float *)y->data + k * d[1] * ph * pw, 1, d[1],
        d[2], d[3], ph, pw, (float)oar_node_attr_f(node, OAR_ROI_ATTR_SPATIAL_SCALE),
        oar_node_attr_i(node, OAR_ROI_ATTR_SAMPLING_RATIO), oar_node_attr_i(node, OAR_ROI_ATTR_ALIGNED) != 0);
  }
  return OAR_OK;
}

static oar_status run_dconv(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(node, out, 0, &y, err));
  oar_pd_dconv_geom pg;
  OAR_TRY(oar_pd_dconv_geometry(node, in, &pg, err));
  for (int s = 0; s < node->schema->num_inputs; s++) {
    const oar_tensor_view *v = oar_op_input(node, in, s);
    if (v) OAR_TRY(oar_run_expect_dtype(node, s, v, OAR_DTYPE_FLOAT32, err));
  }
  oar_ref_dconv_geom g = {.n = pg.n,
                          .c = pg.c,
                          .h = pg.h,
                          .w = pg.w,
                          .m = pg.m,
                          .kh = pg.kh,
                          .kw = pg.kw,
                          .oh = pg.oh,
                          .ow = pg.ow,
                          .groups = pg.groups,
                          .dgroups = pg.dgroups};
  for (int k = 0; k < 2; k++) {
    g.stride[k] = pg.stride[k];
    g.pad[k] = pg.pad[k];
    g.dilation[k] = pg.dilation[k];
  }
  const oar_tensor_view *mask =
      node->schema->num_inputs > OAR_DCONV_IN_MASK ? oar_op_input(node, in, OAR_DCONV_IN_MASK) : NULL;
  oar_ref_deformable_conv_f32(in[oar_node_in_pos(node, OAR_DCONV_IN_INPUT, 0)]->data,
                              in[oar_node_in_pos(node, OAR_DCONV_IN_OFFSET, 0)]->data,
                              in[oar_node_in_pos(node, OAR_DCONV_IN_FILTER, 0)]->data,
                              mask ? mask->data : NULL, y->data, &g);
  return OAR_OK;
}

oar_status oar_run_deformable_conv(const oar_node *node, const oar_tensor_view *const *in,
                                   oar_tensor_view *out, oar_error *err) {
  return run_dconv(node, in, out, err);
}

oar_status oar_run_deformable_conv_v1(const oar_node *node, const oar_tensor_view *const *in,
                                      oar_tensor_view *out, oar_error *err) {
  return run_dconv(node, in, out, err);
}
