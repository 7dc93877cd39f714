/* Converters of the shape and data-movement ops. */
#include <stdlib.h>
#include <string.h>

#include "frontend/onnx/onnx_ops.h"
#include "ir/ops/op_ext.h"

/* Axes from the `axes` attribute (opset < since) or the second input
 * (opset >= since), which must then be a constant. *present is false when
 * neither is given. */
static oar_status read_axes(onnx_cx *cx, int64_t since, int input, int64_t *axes, int *n, bool *present) {
  *present = false;
  if (cx->opset < since) {
    *present = cx_attr_ints(cx, "axes", axes, OAR_MAX_RANK, n);
    return cx->st;
  }
  int v = cx_in(cx, input);
  if (v < 0) return OAR_OK;
  if (!cx_const_ints(cx, v, axes, OAR_MAX_RANK, n)) return cx->st;
  *present = true;
  return OAR_OK;
}

/* Squeeze / Unsqueeze whose axes come from a computed input. */
static oar_status axes_op(onnx_cx *cx, oar_op_id op) {
  oar_node_builder b;
  cx_begin(cx, op, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_in(cx, &b, 1, cx_in(cx, 1));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  return cx_end(cx, &b);
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

oar_status onnx_convert_reshape(onnx_cx *cx) {
  int x = cx_need_in(cx, 0), shape = cx_need_in(cx, 1), y = cx_need_out(cx, 0);
  if (cx_attr_i(cx, "allowzero", 0)) {
    int64_t dims[OAR_MAX_RANK];
    int n;
    bool zero = true; /* assume the worst when the shape is not constant */
    if (cx_const_ints(cx, shape, dims, OAR_MAX_RANK, &n)) {
      zero = false;
      for (int i = 0; i < n; i++) zero |= dims[i] == 0;
    }
    OAR_TRY(cx->st);
    if (zero) return cx_unsupported(cx, "allowzero 1 with a 0 in the shape is not supported");
  }
  oar_node_builder b;
  cx_begin(cx, OAR_OP_reshape2, &b);
  cx_add_in(cx, &b, 0, x);
  cx_add_in(cx, &b, 1, shape);
  cx_add_out(cx, &b, 0, y);
  return cx_end(cx, &b);
}

oar_status onnx_convert_transpose(onnx_cx *cx) {
  int x = cx_need_in(cx, 0), y = cx_need_out(cx, 0);
  int64_t perm[OAR_MAX_RANK];
  int n;
  if (!cx_attr_ints(cx, "perm", perm, OAR_MAX_RANK, &n)) {
    OAR_TRY(cx->st);
    n = cx_rank(cx, x);
    if (n < 0) return cx_unsupported(cx, "no perm and the rank of the input is not known at load time");
    for (int i = 0; i < n; i++) perm[i] = n - 1 - i;
  }
  oar_node_builder b;
  cx_begin(cx, OAR_OP_transpose2, &b);
  cx_add_in(cx, &b, 0, x);
  cx_add_out(cx, &b, 0, y);
  cx_set_ints(cx, &b, "axis", perm, n);
  return cx_end(cx, &b);
}

oar_status onnx_convert_concat(onnx_cx *cx) {
  const onnx_attr *a = cx_attr(cx, "axis");
  if (!a) return cx_invalid(cx, "attribute 'axis' is required");
  oar_node_builder b;
  cx_begin(cx, OAR_OP_concat, &b);
  int count = 0;
  for (int i = 0; i < cx->num_in; i++)
    if (cx_in(cx, i) >= 0) {
      cx_add_in(cx, &b, 0, cx_in(cx, i));
      count++;
    }
  if (!count) {
    oar_node_abort(&b);
    return cx_invalid(cx, "needs at least one input");
  }
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_i(cx, &b, "axis", a->i);
  return cx_end(cx, &b);
}

oar_status onnx_convert_flatten(onnx_cx *cx) {
  int x = cx_need_in(cx, 0), y = cx_need_out(cx, 0);
  int64_t axis = cx_attr_i(cx, "axis", 1);
  if (axis < 0) {
    int rank = cx_rank(cx, x);
    if (rank < 0)
      return cx_unsupported(cx, "negative axis and the rank of the input is not known at load time");
    axis += rank;
    if (axis < 0)
      return cx_invalid(cx, "axis %lld is out of range for rank %d", (long long)(axis - rank), rank);
  }
  oar_node_builder b;
  cx_begin(cx, OAR_OP_flatten2, &b);
  cx_add_in(cx, &b, 0, x);
  cx_add_out(cx, &b, 0, y);
  cx_set_i(cx, &b, "axis", axis);
  return cx_end(cx, &b);
}

oar_status onnx_convert_squeeze(onnx_cx *cx) {
  int64_t axes[OAR_MAX_RANK];
  int n = 0;
  bool present;
  OAR_TRY(read_axes(cx, 13, 1, axes, &n, &present));
  if (cx->opset >= 13 && cx_in(cx, 1) >= 0 && !present) return axes_op(cx, OAR_OP_squeeze_axes);
  oar_node_builder b;
  cx_begin(cx, OAR_OP_squeeze2, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_ints(cx, &b, "axes", axes, n);
  return cx_end(cx, &b);
}

/* ONNX numbers axes in the output; Paddle inserts one by one, which gives
 * the same result for non-negative axes in ascending order. */
oar_status onnx_convert_unsqueeze(onnx_cx *cx) {
  int x = cx_need_in(cx, 0);
  int64_t axes[OAR_MAX_RANK];
  int n = 0;
  bool present;
  OAR_TRY(read_axes(cx, 13, 1, axes, &n, &present));
  if (cx->opset >= 13 && cx_in(cx, 1) >= 0 && !present) return axes_op(cx, OAR_OP_unsqueeze_axes);
  if (!present) return cx_invalid(cx, "axes are required");
  int rank = cx_rank(cx, x);
  for (int i = 0; i < n; i++) {
    if (axes[i] >= 0) continue;
    if (rank < 0)
      return cx_unsupported(cx, "negative axes and the rank of the input is not known at load time");
    axes[i] += rank + n;
    if (axes[i] < 0) return cx_invalid(cx, "axis %lld is out of range", (long long)(axes[i] - rank - n));
  }
  qsort(axes, (size_t)n, sizeof *axes, cmp_i64);
  for (int i = 1; i < n; i++)
    if (axes[i] == axes[i - 1]) return cx_invalid(cx, "axis %lld is repeated", (long long)axes[i]);
  oar_node_builder b;
  cx_begin(cx, OAR_OP_unsqueeze2, &b);
  cx_add_in(cx, &b, 0, x);
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_ints(cx, &b, "axes", axes, n);
  return cx_end(cx, &b);
}

/* Split: sizes from the `split` attribute (< 13) or input, else equal
 * parts (opset 18: num_outputs parts of ceil(dim / n), the last smaller). */
oar_status onnx_convert_split(onnx_cx *cx) {
  int x = cx_need_in(cx, 0);
  int64_t sizes[64];
  int n = 0, split_input = -1;
  bool has_sizes;
  if (cx->opset < 13) {
    has_sizes = cx_attr_ints(cx, "split", sizes, 64, &n);
  } else {
    int v = cx_in(cx, 1);
    has_sizes = v >= 0;
    if (has_sizes && !cx_const_ints(cx, v, sizes, 64, &n)) {
      OAR_TRY(cx->st);
      split_input = v; /* read when the model is planned */
      has_sizes = false;
    }
  }
  OAR_TRY(cx->st);
  if (cx->num_out < 1 || cx->num_out > 64)
    return cx_unsupported(cx, "%d outputs are not supported", cx->num_out);
  if (has_sizes && n != cx->num_out)
    return cx_invalid(cx, "split has %d sizes for %d outputs", n, cx->num_out);
  oar_node_builder b;
  cx_begin(cx, OAR_OP_split_chunks, &b);
  cx_add_in(cx, &b, 0, x);
  cx_add_in(cx, &b, 1, split_input);
  for (int i = 0; i < cx->num_out; i++) cx_add_out(cx, &b, 0, cx_need_out(cx, i));
  cx_set_i(cx, &b, "axis", cx_attr_i(cx, "axis", 0));
  cx_set_ints(cx, &b, "sizes", sizes, has_sizes ? n : 0);
  return cx_end(cx, &b);
}

/* Shape (opset 15 adds start/end). */
oar_status onnx_convert_shape(onnx_cx *cx) {
  oar_node_builder b;
  cx_begin(cx, OAR_OP_shape_of, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  const onnx_attr *start = cx_attr(cx, "start"), *end = cx_attr(cx, "end");
  cx_set_i(cx, &b, "start", start ? start->i : 0);
  cx_set_i(cx, &b, "end", end ? end->i : INT64_MAX);
  cx_set_i(cx, &b, "size", 0);
  return cx_end(cx, &b);
}

oar_status onnx_convert_size(onnx_cx *cx) {
  oar_node_builder b;
  cx_begin(cx, OAR_OP_shape_of, &b);
  cx_add_in(cx, &b, 0, cx_need_in(cx, 0));
  cx_add_out(cx, &b, 0, cx_need_out(cx, 0));
  cx_set_i(cx, &b, "size", 1);
  return cx_end(cx, &b);
}
