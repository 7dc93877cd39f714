/* Run functions of the shape and data-movement ops. The parameters come
 * from the same resolvers the infer functions use (ir/ops/shape_ops.h);
 * here we only check that the views we were handed agree with them, so a
 * planner bug cannot turn into an out-of-bounds copy. */
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/shape_ops.h"
#include "kernels/ref/shape.h"
#include "runtime/op_run.h"

/* Bytes of a view; false when the dtype is unknown or the size overflows. */
static bool view_bytes(const oar_tensor_view *t, size_t *bytes) {
  int64_t numel = oar_shape_numel(&t->shape);
  size_t elem = oar_dtype_bytes(t->dtype);
  return numel >= 0 && elem > 0 && oar_mul_size((size_t)numel, elem, bytes);
}

static oar_status mismatch(const oar_node *node, const char *what, const oar_tensor_view *got,
                           const oar_shape *want, oar_error *err) {
  char a[160], b[160];
  return oar_shapeops_fail(node, err, OAR_ERR_INTERNAL, "%s has shape %s (%s), expected %s", what,
                           oar_shape_str(&got->shape, a, sizeof a), oar_dtype_str(got->dtype),
                           oar_shape_str(want, b, sizeof b));
}

/* An input at run time: present, and every dim known. */
static oar_status run_input(const oar_node *node, const oar_tensor_view *const *in, int slot,
                            const oar_tensor_view **x, oar_error *err) {
  OAR_TRY(oar_shapeops_require_input(node, in, slot, x, err));
  if (oar_shape_numel(&(*x)->shape) < 0) {
    char buf[160];
    return oar_shapeops_fail(node, err, OAR_ERR_INTERNAL, "input '%s' has shape %s at run time",
                             node->schema->inputs[slot].name, oar_shape_str(&(*x)->shape, buf, sizeof buf));
  }
  return OAR_OK;
}

static oar_status first_out(const oar_node *node, oar_tensor_view *out, oar_tensor_view **o, oar_error *err) {
  int pos = oar_node_out_pos(node, 0, 0);
  if (pos < 0) return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "output 'Out' is missing");
  *o = &out[pos];
  return OAR_OK;
}

/* Reshape-like ops: Out holds X's bytes unchanged. XShape has no data. */
static oar_status copy_first_input(const oar_node *node, const oar_tensor_view *const *in,
                                   oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *x = NULL;
  oar_tensor_view *o = NULL;
  OAR_TRY(run_input(node, in, 0, &x, err));
  OAR_TRY(first_out(node, out, &o, err));
  size_t in_bytes, out_bytes;
  if (!view_bytes(x, &in_bytes) || !view_bytes(o, &out_bytes) || in_bytes != out_bytes ||
      oar_dtype_bytes(x->dtype) != oar_dtype_bytes(o->dtype)) {
    char a[160], b[160];
    return oar_shapeops_fail(node, err, OAR_ERR_INTERNAL,
                             "output shape %s (%s) does not hold input shape %s (%s)",
                             oar_shape_str(&o->shape, a, sizeof a), oar_dtype_str(o->dtype),
                             oar_shape_str(&x->shape, b, sizeof b), oar_dtype_str(x->dtype));
  }
  /* The runtime may have aliased Out to X (OAR_OP_VIEW): nothing to move. */
  if (in_bytes > 0 && o->data != x->data) memmove(o->data, x->data, in_bytes);
  return OAR_OK;
}

oar_status oar_run_reshape2(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  return copy_first_input(node, in, out, err);
}

oar_status oar_run_reshape(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                           oar_error *err) {
  return copy_first_input(node, in, out, err);
}

oar_status oar_run_flatten_contiguous_range(const oar_node *node, const oar_tensor_view *const *in,
                                            oar_tensor_view *out, oar_error *err) {
  return copy_first_input(node, in, out, err);
}

oar_status oar_run_flatten2(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  return copy_first_input(node, in, out, err);
}

oar_status oar_run_squeeze2(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  return copy_first_input(node, in, out, err);
}

oar_status oar_run_unsqueeze2(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  return copy_first_input(node, in, out, err);
}

oar_status oar_run_assign(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                          oar_error *err) {
  return copy_first_input(node, in, out, err);
}

static oar_status run_transpose(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                                oar_error *err) {
  const oar_tensor_view *x = NULL;
  oar_tensor_view *o = NULL;
  OAR_TRY(run_input(node, in, 0, &x, err));
  OAR_TRY(first_out(node, out, &o, err));
  int perm[OAR_MAX_RANK] = {0};
  OAR_TRY(oar_shapeops_transpose_perm(node, x->shape.rank, perm, err));
  oar_shape want = {.rank = x->shape.rank};
  for (int i = 0; i < want.rank; i++) want.dims[i] = x->shape.dims[perm[i]];
  if (o->dtype != x->dtype || !oar_shape_equal(&o->shape, &want))
    return mismatch(node, "output 'Out'", o, &want, err);
  oar_ref_transpose(x->data, o->data, oar_dtype_bytes(x->dtype), x->shape.rank, x->shape.dims, perm);
  return OAR_OK;
}

oar_status oar_run_transpose2(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  return run_transpose(node, in, out, err);
}

oar_status oar_run_transpose(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                             oar_error *err) {
  return run_transpose(node, in, out, err);
}

/* Checks that `part` matches `whole` in dtype, rank and every dim but axis. */
static bool same_but_axis(const oar_tensor_view *part, const oar_tensor_view *whole, int axis) {
  if (!part || part->dtype != whole->dtype || part->shape.rank != whole->shape.rank) return false;
  for (int i = 0; i < part->shape.rank; i++)
    if (i != axis && part->shape.dims[i] != whole->shape.dims[i]) return false;
  return part->shape.dims[axis] >= 0;
}

oar_status oar_run_concat(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                          oar_error *err) {
  const oar_tensor_view *x0 = NULL;
  oar_tensor_view *o = NULL;
  OAR_TRY(run_input(node, in, 0, &x0, err));
  OAR_TRY(first_out(node, out, &o, err));
  int axis = 0;
  OAR_TRY(oar_shapeops_concat_axis(node, in, o->shape.rank, &axis, err));
  int n = oar_node_input_count(node, 0);
  int64_t sum = 0;
  for (int k = 0; k < n; k++) {
    const oar_tensor_view *t = in[oar_node_in_pos(node, 0, k)];
    if (!same_but_axis(t, o, axis) || __builtin_add_overflow(sum, t->shape.dims[axis], &sum))
      return oar_shapeops_fail(node, err, OAR_ERR_INTERNAL,
                               "input 'X' #%d does not fit output 'Out' on axis %d", k, axis);
  }
  if (sum != o->shape.dims[axis] || oar_shape_numel(&o->shape) < 0)
    return oar_shapeops_fail(node, err, OAR_ERR_INTERNAL,
                             "inputs sum to %lld on axis %d, output 'Out' has %lld", (long long)sum, axis,
                             (long long)o->shape.dims[axis]);
  oar_ref_concat(in + oar_node_in_pos(node, 0, 0), n, axis, o);
  return OAR_OK;
}

oar_status oar_run_split(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                         oar_error *err) {
  const oar_tensor_view *x = NULL;
  OAR_TRY(run_input(node, in, 0, &x, err));
  int axis = 0;
  bool flat = false;
  OAR_TRY(oar_shapeops_split_axis(node, in, x->shape.rank, &axis, &flat, err));
  int n = oar_node_output_count(node, 0);
  if (n < 1) return oar_shapeops_fail(node, err, OAR_ERR_INVALID_MODEL, "output 'Out' has no tensors");
  oar_tensor_view *dst = &out[oar_node_out_pos(node, 0, 0)];
  int64_t sum = 0;
  for (int k = 0; k < n; k++) {
    if (!same_but_axis(&dst[k], x, axis) || __builtin_add_overflow(sum, dst[k].shape.dims[axis], &sum))
      return oar_shapeops_fail(node, err, OAR_ERR_INTERNAL,
                               "output 'Out' #%d does not fit input 'X' on axis %d", k, axis);
  }
  if (sum != x->shape.dims[axis])
    return oar_shapeops_fail(node, err, OAR_ERR_INTERNAL,
                             "outputs sum to %lld on axis %d, input 'X' has %lld", (long long)sum, axis,
                             (long long)x->shape.dims[axis]);
  if (flat) {
    /* Paddle's negative-axis quirk (see oar_shapeops_split_axis): consecutive
     * chunks of the input, one per output. The sizes were checked above. */
    const char *src = x->data;
    for (int k = 0; k < n; k++) {
      size_t bytes = (size_t)oar_shape_numel(&dst[k].shape) * oar_dtype_bytes(x->dtype);
      if (bytes) memcpy(dst[k].data, src, bytes);
      src += bytes;
    }
    return OAR_OK;
  }
  oar_ref_split(x, axis, dst, n);
  return OAR_OK;
}

oar_status oar_run_slice(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                         oar_error *err) {
  oar_shapeops_slice p = {0};
  oar_tensor_view *o = NULL;
  const oar_tensor_view *x = NULL;
  OAR_TRY(run_input(node, in, 0, &x, err));
  OAR_TRY(oar_shapeops_slice_resolve(node, in, &p, err));
  OAR_TRY(first_out(node, out, &o, err));
  if (o->dtype != x->dtype || !oar_shape_equal(&o->shape, &p.out))
    return mismatch(node, "output 'Out'", o, &p.out, err);
  oar_ref_slice(x->data, o->data, oar_dtype_bytes(x->dtype), p.rank, x->shape.dims, p.starts, p.steps,
                p.sliced.dims);
  return OAR_OK;
}

/* Reads only the input's shape: its data may be absent (OAR_OP_SHAPE_ONLY). */
oar_status oar_run_shape(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                         oar_error *err) {
  const oar_tensor_view *x = NULL;
  oar_tensor_view *o = NULL;
  OAR_TRY(run_input(node, in, 0, &x, err));
  OAR_TRY(first_out(node, out, &o, err));
  oar_shape want = {.rank = 1, .dims = {x->shape.rank}};
  if (o->dtype != OAR_DTYPE_INT32 || !oar_shape_equal(&o->shape, &want))
    return mismatch(node, "output 'Out'", o, &want, err);
  for (int i = 0; i < x->shape.rank; i++) {
    int64_t d = x->shape.dims[i];
    if (d > INT32_MAX)
      return oar_shapeops_fail(node, err, OAR_ERR_UNSUPPORTED,
                               "dim %d of input 'Input' (%lld) does not fit int32", i, (long long)d);
    int32_t v = (int32_t)d;
    memcpy((char *)o->data + (size_t)i * 4, &v, 4);
  }
  return OAR_OK;
}

oar_status oar_run_fill_constant(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                                 oar_error *err) {
  oar_tensor_view *o = NULL;
  oar_dtype dtype = OAR_DTYPE_UNKNOWN;
  OAR_TRY(first_out(node, out, &o, err));
  OAR_TRY(oar_shapeops_fill_dtype(node, &dtype, err));
  int64_t numel = oar_shape_numel(&o->shape);
  if (o->dtype != dtype || numel < 0)
    return oar_shapeops_fail(node, err, OAR_ERR_INTERNAL, "output 'Out' is %s, expected %s",
                             oar_dtype_str(o->dtype), oar_dtype_str(dtype));
  unsigned char value[8];
  OAR_TRY(oar_shapeops_fill_value(node, in, dtype, value, err));
  oar_ref_fill(o->data, oar_dtype_bytes(dtype), (size_t)numel, value);
  return OAR_OK;
}
