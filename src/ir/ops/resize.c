/* resize_nd: ONNX Resize (opsets 10 to 19) on any rank: nearest, linear
 * or cubic interpolation per resized dim, with ONNX's coordinate
 * transforms, from Scales or Sizes (with keep_aspect_ratio_policy) on all
 * dims or on `axes`. Scales, Sizes and Roi must be known at plan time. */
#include <math.h>
#include <string.h>

#include "ir/ops/infer_util.h"
#include "ir/ops/op_ext.h"

static oar_status read_floats(const oar_tensor_view *t, const char *what, double *v, int64_t cap, int64_t *n,
                              oar_error *err) {
  if (!t->data) return oar_error_needs_value(err, "%s must be known when the model is planned", what);
  const int64_t count = oar_view_numel(t);
  if (count > cap)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "%s has %lld values", what, (long long)count);
  for (int64_t i = 0; i < count; i++) {
    if (t->dtype == OAR_DTYPE_FLOAT32)
      v[i] = ((const float *)t->data)[i];
    else if (t->dtype == OAR_DTYPE_FLOAT64)
      v[i] = ((const double *)t->data)[i];
    else
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "%s must be float32 or float64", what);
  }
  *n = count;
  return OAR_OK;
}

oar_status oar_resize_resolve(const oar_node *n, const oar_tensor_view *const *in, const oar_shape *x,
                              oar_resize_plan *p, oar_error *err) {
  const int r = x->rank;
  memset(p, 0, sizeof *p);
  p->out = *x;
  int axes[OAR_MAX_RANK], na = 0;
  const oar_attr *aa = oar_node_attr(n, OAR_RESIZE_ATTR_AXES);
  if (aa->n) {
    if (aa->n > (size_t)r) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "too many axes");
    for (size_t i = 0; i < aa->n; i++) {
      int64_t a = aa->ints[i];
      if (a < -r || a >= r)
        return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "axis %lld is out of range", (long long)a);
      axes[na++] = (int)(a < 0 ? a + r : a);
    }
  } else {
    for (int i = 0; i < r; i++) axes[na++] = i;
  }
  for (int i = 0; i < r; i++) {
    p->scale[i] = 1.0;
    p->roi_start[i] = 0.0;
    p->roi_end[i] = 1.0;
  }
  const oar_tensor_view *roi = oar_op_input(n, in, OAR_RESIZE_IN_ROI);
  if (roi && oar_view_numel(roi) > 0 &&
      oar_node_attr_i(n, OAR_RESIZE_ATTR_COORD) == OAR_RESIZE_TF_CROP_AND_RESIZE) {
    double v[2 * OAR_MAX_RANK];
    int64_t cnt;
    OAR_TRY(read_floats(roi, "input 'Roi'", v, 2 * OAR_MAX_RANK, &cnt, err));
    if (cnt != 2 * na)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "roi has %lld values for %d axes", (long long)cnt,
                           na);
    for (int i = 0; i < na; i++) {
      p->roi_start[axes[i]] = v[i];
      p->roi_end[axes[i]] = v[na + i];
    }
  }
  const oar_tensor_view *scales = oar_op_input(n, in, OAR_RESIZE_IN_SCALES);
  const oar_tensor_view *sizes = oar_op_input(n, in, OAR_RESIZE_IN_SIZES);
  if (scales && oar_view_numel(scales) == 0) scales = NULL;
  if (sizes && oar_view_numel(sizes) == 0) sizes = NULL;
  if (!scales == !sizes)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "exactly one of scales and sizes must be given");
  if (scales) {
    double v[OAR_MAX_RANK];
    int64_t cnt;
    OAR_TRY(read_floats(scales, "input 'Scales'", v, OAR_MAX_RANK, &cnt, err));
    if (cnt != na)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "%lld scales for %d axes", (long long)cnt, na);
    for (int i = 0; i < na; i++) {
      const int a = axes[i];
      if (!(v[i] > 0)) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "scale %g is not positive", v[i]);
      p->scale[a] = v[i];
      if (x->dims[a] >= 0) {
        /* ONNX's reference truncates in * scale (roi does not enter). */
        const double o = floor((double)x->dims[a] * v[i]);
        if (!(o >= 0 && o < 1e12))
          return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "resized dim is too large");
        p->out.dims[a] = (int64_t)o;
      }
    }
    return OAR_OK;
  }
  int64_t v[OAR_MAX_RANK], cnt;
  OAR_TRY(oar_ext_read_ints(sizes, "input 'Sizes'", v, OAR_MAX_RANK, &cnt, err));
  if (cnt != na)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "%lld sizes for %d axes", (long long)cnt, na);
  const int64_t policy = oar_node_attr_i(n, OAR_RESIZE_ATTR_KEEP_ASPECT);
  double common = policy == 1 ? INFINITY : 0.0;
  for (int i = 0; i < na; i++) {
    const int a = axes[i];
    if (v[i] < 0)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "size %lld is negative", (long long)v[i]);
    if (x->dims[a] <= 0) {
      p->out.dims[a] = x->dims[a] < 0 ? -1 : v[i];
      continue;
    }
    const double s = (double)v[i] / (double)x->dims[a];
    p->scale[a] = s;
    p->out.dims[a] = v[i];
    if (policy == 1 && s < common) common = s;
    if (policy == 2 && s > common) common = s;
  }
  if (policy != 0) {
    for (int i = 0; i < na; i++) {
      const int a = axes[i];
      p->scale[a] = common;
      if (x->dims[a] >= 0) p->out.dims[a] = (int64_t)(common * (double)x->dims[a] + 0.5);
    }
  }
  return OAR_OK;
}

static oar_status resize_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_RESIZE_IN_X, &x, err));
  oar_resize_plan p;
  OAR_TRY(oar_resize_resolve(n, in, &x->shape, &p, err));
  oar_op_set_output(n, out, 0, x->dtype, &p.out);
  return OAR_OK;
}

static const oar_slot_spec resize_inputs[] = {{"X", OAR_SLOT_REQUIRED},
                                              {"Roi", OAR_SLOT_OPTIONAL},
                                              {"Scales", OAR_SLOT_OPTIONAL},
                                              {"Sizes", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec resize_outputs[] = {{"Y", OAR_SLOT_REQUIRED}};
static const oar_attr_spec resize_attrs[] = {
    [OAR_RESIZE_ATTR_MODE] = OAR_ATTR_I("mode", 0),
    [OAR_RESIZE_ATTR_COORD] = OAR_ATTR_I("coordinate_transformation_mode", OAR_RESIZE_HALF_PIXEL),
    [OAR_RESIZE_ATTR_NEAREST_MODE] = OAR_ATTR_I("nearest_mode", 0),
    [OAR_RESIZE_ATTR_CUBIC_A] = OAR_ATTR_F("cubic_coeff_a", -0.75),
    [OAR_RESIZE_ATTR_EXCLUDE_OUTSIDE] = OAR_ATTR_B("exclude_outside", false),
    [OAR_RESIZE_ATTR_EXTRAPOLATION] = OAR_ATTR_F("extrapolation_value", 0.0),
    [OAR_RESIZE_ATTR_KEEP_ASPECT] = OAR_ATTR_I("keep_aspect_ratio_policy", 0),
    [OAR_RESIZE_ATTR_AXES] = OAR_ATTR_IS_EMPTY("axes"),
};

const oar_op_schema oar_schema_resize_nd = {
    .name = "resize_nd",
    .id = OAR_OP_resize_nd,
    .inputs = resize_inputs,
    .num_inputs = 4,
    .outputs = resize_outputs,
    .num_outputs = 1,
    .attrs = resize_attrs,
    .num_attrs = OAR_COUNT_OF(resize_attrs),
    .infer = resize_infer,
};
