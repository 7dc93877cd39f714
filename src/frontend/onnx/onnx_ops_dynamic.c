/* ONNX ops whose output shapes depend on input values (issue 12): IR ops
 * of ir/ops/dynamic.h. */
#include "frontend/onnx/onnx_convert.h"
#include "frontend/onnx/onnx_ops.h"
#include "ir/ops/dynamic.h"

/* NonZero: where_index with the [rank, N] layout. */
oar_status onnx_convert_nonzero(onnx_cx *cx) {
  oar_node_builder b;
  cx_begin(cx, OAR_OP_where_index, &b);
  cx_add_in(cx, &b, OAR_WHERE_INDEX_IN_CONDITION, cx_need_in(cx, 0));
  cx_add_out(cx, &b, OAR_WHERE_INDEX_OUT, cx_need_out(cx, 0));
  cx_set_i(cx, &b, "transposed", 1);
  return cx_end(cx, &b);
}

/* Unique: Y, indices, inverse_indices, counts (int64), sorted or in order
 * of first occurrence, flattened or along `axis`. */
oar_status onnx_convert_unique(onnx_cx *cx) {
  oar_node_builder b;
  cx_begin(cx, OAR_OP_unique, &b);
  cx_add_in(cx, &b, OAR_UNIQUE_IN_X, cx_need_in(cx, 0));
  cx_add_out(cx, &b, OAR_UNIQUE_OUT, cx_need_out(cx, 0));
  cx_add_out(cx, &b, OAR_UNIQUE_OUT_INDICES, cx_out(cx, 1));
  cx_add_out(cx, &b, OAR_UNIQUE_OUT_INDEX, cx_out(cx, 2));
  cx_add_out(cx, &b, OAR_UNIQUE_OUT_COUNTS, cx_out(cx, 3));
  cx_set_i(cx, &b, "dtype", OAR_DTYPE_INT64);
  cx_set_i(cx, &b, "is_sorted", cx_attr_i(cx, "sorted", 1) != 0);
  if (cx_attr(cx, "axis")) {
    const int64_t axis = cx_attr_i(cx, "axis", 0);
    cx_set_ints(cx, &b, "axis", &axis, 1);
  }
  return cx_end(cx, &b);
}

/* A reshape of v to 1-D (the loader tracks the new temporary). */
static int flatten_1d(onnx_cx *cx, int v) {
  const int64_t minus_one = -1;
  int shape = cx_const_i64(cx, &minus_one, 1, 1), y = cx_temp(cx);
  oar_node_builder b;
  cx_begin(cx, OAR_OP_reshape2, &b);
  cx_add_in(cx, &b, 0, v);
  cx_add_in(cx, &b, 1, shape);
  cx_add_out(cx, &b, 0, y);
  cx_end(cx, &b);
  return y;
}

/* Compress: the indices of condition's true elements (where_index, known
 * only when it runs), then a gather along `axis` (of the flattened input
 * without one). */
oar_status onnx_convert_compress(onnx_cx *cx) {
  int x = cx_need_in(cx, 0), cond = cx_need_in(cx, 1), y = cx_need_out(cx, 0);
  const bool has_axis = cx_attr(cx, "axis") != NULL;
  int nz = cx_temp(cx);
  oar_node_builder b;
  cx_begin(cx, OAR_OP_where_index, &b);
  cx_add_in(cx, &b, OAR_WHERE_INDEX_IN_CONDITION, cond);
  cx_add_out(cx, &b, OAR_WHERE_INDEX_OUT, nz);
  OAR_TRY(cx_end(cx, &b));
  const int idx = flatten_1d(cx, nz);
  if (!has_axis) x = flatten_1d(cx, x);
  OAR_TRY(cx->st);
  cx_begin(cx, OAR_OP_take, &b);
  cx_add_in(cx, &b, 0, x);
  cx_add_in(cx, &b, 1, idx);
  cx_add_out(cx, &b, 0, y);
  cx_set_i(cx, &b, "axis", has_axis ? cx_attr_i(cx, "axis", 0) : 0);
  return cx_end(cx, &b);
}

/* NonMaxSuppression: inputs and attribute as ONNX has them. */
oar_status onnx_convert_non_max_suppression(onnx_cx *cx) {
  oar_node_builder b;
  cx_begin(cx, OAR_OP_non_max_suppression, &b);
  cx_add_in(cx, &b, OAR_NMS_IN_BOXES, cx_need_in(cx, 0));
  cx_add_in(cx, &b, OAR_NMS_IN_SCORES, cx_need_in(cx, 1));
  cx_add_in(cx, &b, OAR_NMS_IN_MAX_OUTPUT, cx_in(cx, 2));
  cx_add_in(cx, &b, OAR_NMS_IN_IOU, cx_in(cx, 3));
  cx_add_in(cx, &b, OAR_NMS_IN_SCORE_THRESHOLD, cx_in(cx, 4));
  cx_add_out(cx, &b, OAR_NMS_OUT_SELECTED, cx_need_out(cx, 0));
  const int64_t center = cx_attr_i(cx, "center_point_box", 0);
  if (center != 0 && center != 1)
    return cx_invalid(cx, "center_point_box %lld is not 0 or 1", (long long)center);
  cx_set_i(cx, &b, "center_point_box", center);
  return cx_end(cx, &b);
}
