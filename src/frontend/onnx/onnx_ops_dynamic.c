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
