/* matmul (v1), matmul_v2, mul and fc. */
#include "ir/ops/matmul.h"

#include <string.h>

#include "ir/ops/infer_util.h"

static const oar_slot_spec mm_inputs[] = {{"X", OAR_SLOT_REQUIRED}, {"Y", OAR_SLOT_REQUIRED}};
static const oar_slot_spec mm_outputs[] = {{"Out", OAR_SLOT_REQUIRED}};

static const oar_attr_spec matmul_attrs[] = {
    [OAR_MATMUL_ATTR_TRANSPOSE_X] = OAR_ATTR_B("transpose_X", false),
    [OAR_MATMUL_ATTR_TRANSPOSE_Y] = OAR_ATTR_B("transpose_Y", false),
    [OAR_MATMUL_ATTR_ALPHA] = OAR_ATTR_F("alpha", 1.0),
    /* > 1 only from Paddle's multi-head fusion (MKL builds); rejected. */
    [OAR_MATMUL_ATTR_HEAD_NUMBER] = OAR_ATTR_I("head_number", 1),
};
static const oar_attr_spec matmul_v2_attrs[] = {
    [OAR_MATMUL_V2_ATTR_TRANS_X] = OAR_ATTR_B("trans_x", false),
    [OAR_MATMUL_V2_ATTR_TRANS_Y] = OAR_ATTR_B("trans_y", false),
};
static const oar_attr_spec mul_attrs[] = {
    [OAR_MUL_ATTR_X_NUM_COL_DIMS] = OAR_ATTR_I("x_num_col_dims", 1),
    [OAR_MUL_ATTR_Y_NUM_COL_DIMS] = OAR_ATTR_I("y_num_col_dims", 1),
};

static const oar_slot_spec fc_inputs[] = {
    {"Input", OAR_SLOT_REQUIRED}, {"W", OAR_SLOT_REQUIRED}, {"Bias", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec fc_outputs[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_attr_spec fc_attrs[] = {
    [OAR_FC_ATTR_IN_NUM_COL_DIMS] = OAR_ATTR_I("in_num_col_dims", 1),
    [OAR_FC_ATTR_ACTIVATION_TYPE] = OAR_ATTR_S("activation_type", ""),
    [OAR_FC_ATTR_FUSE_ALPHA] = OAR_ATTR_F("fuse_alpha", 0.0),
    [OAR_FC_ATTR_FUSE_BETA] = OAR_ATTR_F("fuse_beta", 0.0),
    [OAR_FC_ATTR_PADDING_WEIGHTS] = OAR_ATTR_B("padding_weights", false),
};

/* Product of dims[0..count): -1 if one is unknown; fails on overflow. */
static oar_status dims_product(const int64_t *dims, int count, const char *what, int64_t *out,
                               oar_error *err) {
  int64_t p = 1;
  bool unknown = false;
  for (int i = 0; i < count; i++) {
    if (dims[i] < 0) {
      unknown = true;
      continue;
    }
    if (__builtin_mul_overflow(p, dims[i], &p))
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "%s: element count overflows", what);
  }
  *out = unknown ? -1 : p;
  return OAR_OK;
}

static oar_status mismatch_k(const oar_shape *x, const oar_shape *y, int64_t kx, int64_t ky, const char *rule,
                             oar_error *err) {
  char xs[128], ys[128];
  return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                       "inputs 'X' %s and 'Y' %s do not multiply: X gives K = %lld, Y gives K = %lld (%s)",
                       oar_shape_str(x, xs, sizeof xs), oar_shape_str(y, ys, sizeof ys), (long long)kx,
                       (long long)ky, rule);
}

static bool attr_flag(const oar_node *n, int index) {
  const oar_attr *a = oar_node_attr(n, index);
  return (a->type == OAR_ATTR_BOOL || a->type == OAR_ATTR_INT) && a->i != 0;
}

static oar_status check_numel(const oar_shape *s, const char *slot, oar_error *err) {
  char buf[128];
  if (oar_shape_numel(s) >= 0) return OAR_OK;
  return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input '%s' %s: element count overflows", slot,
                       oar_shape_str(s, buf, sizeof buf));
}

static oar_status check_rank_at_least_1(const oar_shape *s, const char *slot, oar_error *err) {
  if (s->rank >= 1) return OAR_OK;
  return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input '%s' is 0-D, expected rank >= 1", slot);
}

/* numpy matmul rules (matmul_v2). */
static oar_status numpy_geometry(const oar_shape *x, const oar_shape *y, bool trans_x, bool trans_y,
                                 oar_matmul_geom *g, oar_error *err) {
  memset(g, 0, sizeof *g);
  OAR_TRY(check_rank_at_least_1(x, "X", err));
  OAR_TRY(check_rank_at_least_1(y, "Y", err));
  const int rx = x->rank, ry = y->rank;
  g->trans_x = rx >= 2 && trans_x;
  g->trans_y = ry >= 2 && trans_y;
  int64_t kx = -1, ky = -1;
  if (rx == 1) {
    g->m = 1;
    kx = x->dims[0];
  } else {
    g->m = x->dims[rx - (g->trans_x ? 1 : 2)];
    kx = x->dims[rx - (g->trans_x ? 2 : 1)];
  }
  if (ry == 1) {
    g->n = 1;
    ky = y->dims[0];
  } else {
    ky = y->dims[ry - (g->trans_y ? 1 : 2)];
    g->n = y->dims[ry - (g->trans_y ? 2 : 1)];
  }
  if (kx >= 0 && ky >= 0 && kx != ky) return mismatch_k(x, y, kx, ky, "matmul_v2", err);
  g->k = kx >= 0 ? kx : ky;

  /* Batch dims broadcast like numpy (right-aligned). */
  const oar_shape xb = oar_shape_make(rx > 2 ? rx - 2 : 0, x->dims);
  const oar_shape yb = oar_shape_make(ry > 2 ? ry - 2 : 0, y->dims);
  oar_shape ob, xa, ya;
  OAR_TRY(oar_broadcast_axis(&xb, &yb, -1, &ob, &xa, &ya, "X batch dims", "Y batch dims", err));
  g->batch_rank = ob.rank;
  for (int i = 0; i < ob.rank; i++) g->batch_dims[i] = ob.dims[i];
  if (oar_shape_is_known(x) && oar_shape_is_known(y)) {
    /* Every stride below is at most the operand's element count. */
    OAR_TRY(check_numel(x, "X", err));
    OAR_TRY(check_numel(y, "Y", err));
    const int64_t x_mat = rx == 1 ? x->dims[0] : x->dims[rx - 2] * x->dims[rx - 1];
    const int64_t y_mat = ry == 1 ? y->dims[0] : y->dims[ry - 2] * y->dims[ry - 1];
    oar_broadcast_strides(&xa, &ob, g->x_batch_strides);
    oar_broadcast_strides(&ya, &ob, g->y_batch_strides);
    for (int i = 0; i < ob.rank; i++) {
      g->x_batch_strides[i] *= x_mat;
      g->y_batch_strides[i] *= y_mat;
    }
  }
  g->out = ob;
  if (rx >= 2) g->out.dims[g->out.rank++] = g->m;
  if (ry >= 2) g->out.dims[g->out.rank++] = g->n;
  return OAR_OK;
}

oar_status oar_matmul_v2_geometry(const oar_node *n, const oar_shape *x, const oar_shape *y,
                                  oar_matmul_geom *g, oar_error *err) {
  return numpy_geometry(x, y, attr_flag(n, OAR_MATMUL_V2_ATTR_TRANS_X),
                        attr_flag(n, OAR_MATMUL_V2_ATTR_TRANS_Y), g, err);
}

/* Paddle's MatDescriptor of a (1-D-expanded) operand. */
typedef struct mat_desc {
  bool has_batch;
  int64_t batch, height, width; /* as stored, before transposition */
} mat_desc;

static oar_status describe(const oar_shape *s, bool is_x, mat_desc *d, oar_error *err) {
  if (s->rank == 1) {
    /* RowMatrixFromVector / ColumnMatrixFromVector. */
    d->has_batch = false;
    d->batch = 1;
    d->height = is_x ? 1 : s->dims[0];
    d->width = is_x ? s->dims[0] : 1;
    return OAR_OK;
  }
  d->has_batch = s->rank >= 3;
  OAR_TRY(dims_product(s->dims, s->rank - 2, is_x ? "input 'X'" : "input 'Y'", &d->batch, err));
  d->height = s->dims[s->rank - 2];
  d->width = s->dims[s->rank - 1];
  return OAR_OK;
}

/* Paddle's MatMulOp::InferShape rules (the op's own kernel up to 2.x). */
static oar_status v1_geometry(const oar_node *n, const oar_shape *x, const oar_shape *y, oar_matmul_geom *g,
                              oar_error *err) {
  memset(g, 0, sizeof *g);
  if (oar_shape_is_known(x)) OAR_TRY(check_numel(x, "X", err));
  if (oar_shape_is_known(y)) OAR_TRY(check_numel(y, "Y", err));
  mat_desc dx = {0}, dy = {0};
  OAR_TRY(describe(x, true, &dx, err));
  OAR_TRY(describe(y, false, &dy, err));
  /* Transposition applies to the 1-D-expanded matrices too. */
  g->trans_x = attr_flag(n, OAR_MATMUL_ATTR_TRANSPOSE_X);
  g->trans_y = attr_flag(n, OAR_MATMUL_ATTR_TRANSPOSE_Y);
  g->m = g->trans_x ? dx.width : dx.height;
  const int64_t kx = g->trans_x ? dx.height : dx.width;
  const int64_t ky = g->trans_y ? dy.width : dy.height;
  g->n = g->trans_y ? dy.height : dy.width;
  if (kx >= 0 && ky >= 0 && kx != ky) return mismatch_k(x, y, kx, ky, "matmul", err);
  g->k = kx >= 0 ? kx : ky;
  if (dx.has_batch && dy.has_batch && dx.batch >= 0 && dy.batch >= 0 && dx.batch != dy.batch) {
    char xs[128], ys[128];
    return oar_error_set(
        err, OAR_ERR_INVALID_MODEL,
        "inputs 'X' %s and 'Y' %s have %lld and %lld matrices; matmul needs the same number (or "
        "one operand 2-D)",
        oar_shape_str(x, xs, sizeof xs), oar_shape_str(y, ys, sizeof ys), (long long)dx.batch,
        (long long)dy.batch);
  }
  /* One flattened batch dim; an operand without batch dims is shared. */
  if (dx.has_batch || dy.has_batch) {
    g->batch_rank = 1;
    g->batch_dims[0] = dx.has_batch ? dx.batch : dy.batch;
    if (dx.has_batch) g->x_batch_strides[0] = dx.height * dx.width;
    if (dy.has_batch) g->y_batch_strides[0] = dy.height * dy.width;
  }
  /* Output dims, as Paddle's MatMulOp::InferShape builds them. */
  oar_shape o;
  if (dx.has_batch) {
    o = *x;
  } else if (dy.has_batch) {
    o = *y;
  } else {
    o.rank = 2;
  }
  o.dims[o.rank - 2] = g->m;
  o.dims[o.rank - 1] = g->n;
  if (x->rank == 1 && o.dims[o.rank - 2] == 1) {
    o.dims[o.rank - 2] = o.dims[o.rank - 1];
    o.rank--;
  }
  if (y->rank == 1 && o.rank > 0 && o.dims[o.rank - 1] == 1) o.rank--;
  g->out = o;
  return OAR_OK;
}

oar_status oar_matmul_v1_geometry(const oar_node *n, const oar_shape *x, const oar_shape *y,
                                  oar_matmul_geom *g, oar_error *err) {
  OAR_TRY(check_rank_at_least_1(x, "X", err));
  OAR_TRY(check_rank_at_least_1(y, "Y", err));
  int64_t heads;
  OAR_TRY(oar_op_attr_int(n, OAR_MATMUL_ATTR_HEAD_NUMBER, INT64_MIN, INT64_MAX, &heads, err));
  if (heads > 1)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "attribute 'head_number' is %lld; only 1 is supported",
                         (long long)heads);
  return v1_geometry(n, x, y, g, err);
}

oar_status oar_mul_geometry(const oar_node *n, const oar_shape *x, const oar_shape *y, oar_matmul_geom *g,
                            oar_error *err) {
  memset(g, 0, sizeof *g);
  char xs[128], ys[128];
  int64_t xnc, ync;
  OAR_TRY(oar_op_attr_int(n, OAR_MUL_ATTR_X_NUM_COL_DIMS, 1, OAR_MAX_RANK, &xnc, err));
  OAR_TRY(oar_op_attr_int(n, OAR_MUL_ATTR_Y_NUM_COL_DIMS, 1, OAR_MAX_RANK, &ync, err));
  if (xnc >= x->rank)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "input 'X' %s has rank %d, expected > x_num_col_dims (%lld)",
                         oar_shape_str(x, xs, sizeof xs), x->rank, (long long)xnc);
  if (ync >= y->rank)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "input 'Y' %s has rank %d, expected > y_num_col_dims (%lld)",
                         oar_shape_str(y, ys, sizeof ys), y->rank, (long long)ync);
  int64_t kx = -1, ky = -1;
  OAR_TRY(dims_product(x->dims, (int)xnc, "input 'X'", &g->m, err));
  OAR_TRY(dims_product(x->dims + xnc, x->rank - (int)xnc, "input 'X'", &kx, err));
  OAR_TRY(dims_product(y->dims, (int)ync, "input 'Y'", &ky, err));
  OAR_TRY(dims_product(y->dims + ync, y->rank - (int)ync, "input 'Y'", &g->n, err));
  if (kx >= 0 && ky >= 0 && kx != ky)
    return mismatch_k(x, y, kx, ky, "mul, flattened at x/y_num_col_dims", err);
  g->k = kx >= 0 ? kx : ky;
  const int rank = (int)xnc + y->rank - (int)ync;
  if (rank > OAR_MAX_RANK)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "output rank %d exceeds the maximum %d", rank,
                         OAR_MAX_RANK);
  g->out.rank = rank;
  for (int i = 0; i < xnc; i++) g->out.dims[i] = x->dims[i];
  for (int i = (int)ync; i < y->rank; i++) g->out.dims[xnc + i - ync] = y->dims[i];
  return OAR_OK;
}

oar_status oar_fc_geometry(const oar_node *n, const oar_shape *input, const oar_shape *w, oar_matmul_geom *g,
                           int64_t *ldw, oar_error *err) {
  memset(g, 0, sizeof *g);
  char is[128], ws[128];
  int64_t innc;
  OAR_TRY(oar_op_attr_int(n, OAR_FC_ATTR_IN_NUM_COL_DIMS, 1, OAR_MAX_RANK, &innc, err));
  if (innc >= input->rank)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "input 'Input' %s has rank %d, expected > in_num_col_dims (%lld)",
                         oar_shape_str(input, is, sizeof is), input->rank, (long long)innc);
  const int64_t pad = attr_flag(n, OAR_FC_ATTR_PADDING_WEIGHTS) ? 4 : 0;
  if (w->rank != 2 || w->dims[0] < pad || w->dims[1] < pad)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'W' is %s, expected a known 2-D shape%s",
                         oar_shape_str(w, ws, sizeof ws), pad ? " of at least [4, 4] (padding_weights)" : "");
  int64_t k = -1;
  OAR_TRY(dims_product(input->dims, (int)innc, "input 'Input'", &g->m, err));
  OAR_TRY(dims_product(input->dims + innc, input->rank - (int)innc, "input 'Input'", &k, err));
  g->k = w->dims[0] - pad;
  g->n = w->dims[1] - pad;
  if (k >= 0 && k != g->k)
    return oar_error_set(
        err, OAR_ERR_INVALID_MODEL,
        "input 'Input' %s flattened at in_num_col_dims %lld has %lld columns, but 'W' %s has %lld "
        "rows%s",
        oar_shape_str(input, is, sizeof is), (long long)innc, (long long)k, oar_shape_str(w, ws, sizeof ws),
        (long long)g->k, pad ? " (padding_weights)" : "");
  *ldw = w->dims[1];
  g->out.rank = (int)innc + 1;
  for (int i = 0; i < innc; i++) g->out.dims[i] = input->dims[i];
  g->out.dims[innc] = g->n;
  return OAR_OK;
}

/* ---- infer ---------------------------------------------------------------- */

typedef oar_status (*geometry_fn)(const oar_node *, const oar_shape *, const oar_shape *, oar_matmul_geom *,
                                  oar_error *);

static oar_status infer_xy(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                           geometry_fn geometry, oar_error *err) {
  const oar_tensor_view *x, *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_MATMUL_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_MATMUL_IN_Y, &y, err));
  OAR_TRY(oar_op_check_same_dtype(n, OAR_MATMUL_IN_X, x, OAR_MATMUL_IN_Y, y, err));
  oar_matmul_geom g;
  OAR_TRY(geometry(n, &x->shape, &y->shape, &g, err));
  oar_op_set_output(n, out, OAR_MATMUL_OUT_OUT, x->dtype, &g.out);
  return OAR_OK;
}

static oar_status matmul_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  return infer_xy(n, in, out, oar_matmul_v1_geometry, err);
}
static oar_status matmul_v2_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                  oar_error *err) {
  return infer_xy(n, in, out, oar_matmul_v2_geometry, err);
}
static oar_status mul_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  return infer_xy(n, in, out, oar_mul_geometry, err);
}

static oar_status fc_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                           oar_error *err) {
  const oar_tensor_view *x, *w;
  OAR_TRY(oar_op_require_input(n, in, OAR_FC_IN_INPUT, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_FC_IN_W, &w, err));
  OAR_TRY(oar_op_check_same_dtype(n, OAR_FC_IN_INPUT, x, OAR_FC_IN_W, w, err));
  oar_matmul_geom g;
  int64_t ldw;
  OAR_TRY(oar_fc_geometry(n, &x->shape, &w->shape, &g, &ldw, err));
  const oar_tensor_view *bias = oar_op_input(n, in, OAR_FC_IN_BIAS);
  if (bias) {
    /* Paddle accepts [N] or [1, N]. */
    const oar_shape *b = &bias->shape;
    const bool ok = bias->dtype == x->dtype && ((b->rank == 1 && b->dims[0] == g.n) ||
                                                (b->rank == 2 && b->dims[0] == 1 && b->dims[1] == g.n));
    char bs[128];
    if (!ok)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                           "input 'Bias' is %s %s, expected %s [%lld] or [1, %lld]",
                           oar_dtype_str(bias->dtype), oar_shape_str(b, bs, sizeof bs),
                           oar_dtype_str(x->dtype), (long long)g.n, (long long)g.n);
  }
  oar_op_set_output(n, out, OAR_FC_OUT_OUT, x->dtype, &g.out);
  return OAR_OK;
}

const oar_op_schema oar_schema_matmul = {
    .name = "matmul",
    .id = OAR_OP_matmul,
    .inputs = mm_inputs,
    .num_inputs = OAR_COUNT_OF(mm_inputs),
    .outputs = mm_outputs,
    .num_outputs = OAR_COUNT_OF(mm_outputs),
    .attrs = matmul_attrs,
    .num_attrs = OAR_COUNT_OF(matmul_attrs),
    .infer = matmul_infer,
};

const oar_op_schema oar_schema_matmul_v2 = {
    .name = "matmul_v2",
    .id = OAR_OP_matmul_v2,
    .inputs = mm_inputs,
    .num_inputs = OAR_COUNT_OF(mm_inputs),
    .outputs = mm_outputs,
    .num_outputs = OAR_COUNT_OF(mm_outputs),
    .attrs = matmul_v2_attrs,
    .num_attrs = OAR_COUNT_OF(matmul_v2_attrs),
    .infer = matmul_v2_infer,
};

const oar_op_schema oar_schema_mul = {
    .name = "mul",
    .id = OAR_OP_mul,
    .inputs = mm_inputs,
    .num_inputs = OAR_COUNT_OF(mm_inputs),
    .outputs = mm_outputs,
    .num_outputs = OAR_COUNT_OF(mm_outputs),
    .attrs = mul_attrs,
    .num_attrs = OAR_COUNT_OF(mul_attrs),
    .infer = mul_infer,
};

const oar_op_schema oar_schema_fc = {
    .name = "fc",
    .id = OAR_OP_fc,
    .inputs = fc_inputs,
    .num_inputs = OAR_COUNT_OF(fc_inputs),
    .outputs = fc_outputs,
    .num_outputs = OAR_COUNT_OF(fc_outputs),
    .attrs = fc_attrs,
    .num_attrs = OAR_COUNT_OF(fc_attrs),
    .infer = fc_infer,
};

/* ---- matmul_int8 ---------------------------------------------------------------- */

static const oar_slot_spec qmatmul_inputs[] = {
    {"X", OAR_SLOT_REQUIRED},          {"W", OAR_SLOT_REQUIRED},      {"XScale", OAR_SLOT_REQUIRED},
    {"XZeroPoint", OAR_SLOT_OPTIONAL}, {"WScale", OAR_SLOT_REQUIRED}, {"Bias", OAR_SLOT_OPTIONAL},
};

static oar_status expect_count(const oar_tensor_view *v, const char *slot, oar_dtype t, int64_t a, int64_t b,
                               oar_error *err) {
  const int64_t n = oar_shape_numel(&v->shape);
  if (v->dtype != t || (n != a && n != b))
    return oar_error_set(
        err, OAR_ERR_INVALID_MODEL, "input '%s' is %s with %lld values, expected %s with %lld%s", slot,
        oar_dtype_str(v->dtype), (long long)n, oar_dtype_str(t), (long long)a, a == b ? "" : " or more");
  return OAR_OK;
}

static oar_status matmul_int8_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                    oar_error *err) {
  const oar_tensor_view *x, *w, *xs, *ws;
  OAR_TRY(oar_op_require_input(n, in, OAR_QMATMUL_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_QMATMUL_IN_W, &w, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_QMATMUL_IN_X_SCALE, &xs, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_QMATMUL_IN_W_SCALE, &ws, err));
  char buf[128];
  if ((x->dtype != OAR_DTYPE_UINT8 && x->dtype != OAR_DTYPE_INT8) || x->shape.rank < 1)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "input 'X' is %s %s, expected uint8 or int8 of rank >= 1", oar_dtype_str(x->dtype),
                         oar_shape_str(&x->shape, buf, sizeof buf));
  if (w->dtype != OAR_DTYPE_INT8 || w->shape.rank != 2)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'W' is %s %s, expected int8 [K, N]",
                         oar_dtype_str(w->dtype), oar_shape_str(&w->shape, buf, sizeof buf));
  const int64_t k = x->shape.dims[x->shape.rank - 1], nn = w->shape.dims[1];
  if (k >= 0 && w->shape.dims[0] >= 0 && k != w->shape.dims[0])
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "X's last dim %lld differs from W's first %lld",
                         (long long)k, (long long)w->shape.dims[0]);
  OAR_TRY(expect_count(xs, "XScale", OAR_DTYPE_FLOAT32, 1, 1, err));
  const oar_tensor_view *xz = oar_op_input(n, in, OAR_QMATMUL_IN_X_ZERO_POINT),
                        *bias = oar_op_input(n, in, OAR_QMATMUL_IN_BIAS);
  if (xz) OAR_TRY(expect_count(xz, "XZeroPoint", x->dtype, 1, 1, err));
  if (nn >= 0) {
    OAR_TRY(expect_count(ws, "WScale", OAR_DTYPE_FLOAT32, 1, nn, err));
    if (bias) OAR_TRY(expect_count(bias, "Bias", OAR_DTYPE_FLOAT32, nn, nn, err));
  }
  oar_shape s = x->shape;
  s.dims[s.rank - 1] = nn;
  oar_op_set_output(n, out, 0, OAR_DTYPE_FLOAT32, &s);
  return OAR_OK;
}

const oar_op_schema oar_schema_matmul_int8 = {
    .name = "matmul_int8",
    .id = OAR_OP_matmul_int8,
    .inputs = qmatmul_inputs,
    .num_inputs = OAR_COUNT_OF(qmatmul_inputs),
    .outputs = mm_outputs,
    .num_outputs = OAR_COUNT_OF(mm_outputs),
    .infer = matmul_int8_infer,
};
