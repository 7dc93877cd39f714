/* Transformer ops: layer_norm, lookup_table_v2, fill_any_like, cumsum, the
 * comparisons, and the fused multihead_attention and skip_layernorm (see
 * nlp.h for what each computes). */
#include "ir/ops/nlp.h"

#include "ir/ops/infer_util.h"
#include "ir/ops/math.h"

static const oar_slot_spec x_input[] = {{"X", OAR_SLOT_REQUIRED}};
static const oar_slot_spec xy_inputs[] = {{"X", OAR_SLOT_REQUIRED}, {"Y", OAR_SLOT_REQUIRED}};
static const oar_slot_spec out_output[] = {{"Out", OAR_SLOT_REQUIRED}};

/* ---- layer_norm ------------------------------------------------------------ */

oar_status oar_layer_norm_geometry(const oar_node *n, int ln_axis_attr, const oar_shape *x,
                                   oar_layer_norm_geom *g, oar_error *err) {
  const int64_t axis = oar_node_attr_i(n, ln_axis_attr);
  char buf[128];
  const int64_t a = axis < 0 ? axis + x->rank : axis;
  if (a < 1 || a >= x->rank)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "attribute 'begin_norm_axis' is %lld, expected 1 to %d for X of shape %s",
                         (long long)axis, x->rank - 1, oar_shape_str(x, buf, sizeof buf));
  g->axis = (int)a;
  g->rows = 1;
  g->cols = 1;
  for (int d = 0; d < x->rank; d++) {
    int64_t *p = d < a ? &g->rows : &g->cols;
    if (*p < 0) continue;
    if (x->dims[d] < 0)
      *p = -1;
    else if (__builtin_mul_overflow(*p, x->dims[d], p))
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "X of shape %s is too large",
                           oar_shape_str(x, buf, sizeof buf));
  }
  return OAR_OK;
}

/* Scale and Bias, when bound: float32 with `cols` values. */
static oar_status check_affine(const oar_node *n, const oar_tensor_view *const *in, int slot, int64_t cols,
                               oar_error *err) {
  const oar_tensor_view *p = oar_op_input(n, in, slot);
  if (!p) return OAR_OK;
  const int64_t count = oar_shape_numel(&p->shape);
  char buf[128];
  if (p->dtype != OAR_DTYPE_FLOAT32 || (cols >= 0 && count >= 0 && count != cols))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input '%s' is %s %s, expected float32 with %lld values",
                         n->schema->inputs[slot].name, oar_dtype_str(p->dtype),
                         oar_shape_str(&p->shape, buf, sizeof buf), (long long)cols);
  return OAR_OK;
}

static oar_status layer_norm_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                   oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_LN_IN_X, &x, err));
  oar_layer_norm_geom g;
  OAR_TRY(oar_layer_norm_geometry(n, OAR_LN_ATTR_BEGIN_NORM_AXIS, &x->shape, &g, err));
  OAR_TRY(check_affine(n, in, OAR_LN_IN_SCALE, g.cols, err));
  OAR_TRY(check_affine(n, in, OAR_LN_IN_BIAS, g.cols, err));
  /* Paddle's LayerNormInferMeta: Mean and Variance are [rows]. */
  const oar_shape stats = oar_shape_make(1, &g.rows);
  oar_op_set_output(n, out, OAR_LN_OUT_Y, x->dtype, &x->shape);
  oar_op_set_output(n, out, OAR_LN_OUT_MEAN, OAR_DTYPE_FLOAT32, &stats);
  oar_op_set_output(n, out, OAR_LN_OUT_VARIANCE, OAR_DTYPE_FLOAT32, &stats);
  return OAR_OK;
}

static const oar_slot_spec ln_inputs[] = {
    {"X", OAR_SLOT_REQUIRED}, {"Scale", OAR_SLOT_OPTIONAL}, {"Bias", OAR_SLOT_OPTIONAL}};
static const oar_slot_spec ln_outputs[] = {
    {"Y", OAR_SLOT_REQUIRED}, {"Mean", OAR_SLOT_OPTIONAL}, {"Variance", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec ln_attrs[] = {
    [OAR_LN_ATTR_EPSILON] = OAR_ATTR_F("epsilon", 1e-5),
    [OAR_LN_ATTR_BEGIN_NORM_AXIS] = OAR_ATTR_I("begin_norm_axis", 1),
};

const oar_op_schema oar_schema_layer_norm = {
    .name = "layer_norm",
    .id = OAR_OP_layer_norm,
    .inputs = ln_inputs,
    .num_inputs = OAR_COUNT_OF(ln_inputs),
    .outputs = ln_outputs,
    .num_outputs = OAR_COUNT_OF(ln_outputs),
    .attrs = ln_attrs,
    .num_attrs = OAR_COUNT_OF(ln_attrs),
    .infer = layer_norm_infer,
    /* Each row is read whole (statistics) before it is written. */
    .flags = OAR_OP_INPLACE,
};

/* ---- lookup_table_v2 --------------------------------------------------------- */

static oar_status embedding_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                  oar_error *err) {
  const oar_tensor_view *w, *ids;
  OAR_TRY(oar_op_require_input(n, in, OAR_EMB_IN_W, &w, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_EMB_IN_IDS, &ids, err));
  OAR_TRY(oar_op_check_rank(n, OAR_EMB_IN_W, w, 2, 2, err));
  OAR_TRY(oar_op_check_rank(n, OAR_EMB_IN_IDS, ids, 0, OAR_MAX_RANK - 1, err));
  if (ids->dtype != OAR_DTYPE_INT64 && ids->dtype != OAR_DTYPE_INT32)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input 'Ids' is %s, expected int64 or int32",
                         oar_dtype_str(ids->dtype));
  oar_shape shape = ids->shape;
  shape.dims[shape.rank++] = w->shape.dims[1];
  oar_op_set_output(n, out, OAR_EMB_OUT_OUT, w->dtype, &shape);
  return OAR_OK;
}

static const oar_slot_spec emb_inputs[] = {{"W", OAR_SLOT_REQUIRED}, {"Ids", OAR_SLOT_REQUIRED}};
static const oar_attr_spec emb_attrs[] = {[OAR_EMB_ATTR_PADDING_IDX] = OAR_ATTR_I("padding_idx", -1)};

const oar_op_schema oar_schema_lookup_table_v2 = {
    .name = "lookup_table_v2",
    .id = OAR_OP_lookup_table_v2,
    .inputs = emb_inputs,
    .num_inputs = OAR_COUNT_OF(emb_inputs),
    .outputs = out_output,
    .num_outputs = OAR_COUNT_OF(out_output),
    .attrs = emb_attrs,
    .num_attrs = OAR_COUNT_OF(emb_attrs),
    .infer = embedding_infer,
};

/* ---- fill_any_like ------------------------------------------------------------ */

/* dtype -1 keeps X's dtype; otherwise a Paddle VarType number. */
static oar_status fill_like_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                  oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_FILL_LIKE_IN_X, &x, err));
  const int64_t code = oar_node_attr_i(n, OAR_FILL_LIKE_ATTR_DTYPE);
  oar_dtype dtype = x->dtype;
  if (code != -1 && !oar_cast_dtype_from_var_type(code, &dtype))
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "attribute 'dtype' is %lld, not a supported Paddle dtype",
                         (long long)code);
  oar_op_set_output(n, out, OAR_FILL_LIKE_OUT_OUT, dtype, &x->shape);
  return OAR_OK;
}

static const oar_attr_spec fill_like_attrs[] = {
    [OAR_FILL_LIKE_ATTR_VALUE] = OAR_ATTR_F("value", 0.0),
    [OAR_FILL_LIKE_ATTR_DTYPE] = OAR_ATTR_I("dtype", -1),
};

const oar_op_schema oar_schema_fill_any_like = {
    .name = "fill_any_like",
    .id = OAR_OP_fill_any_like,
    .inputs = x_input,
    .num_inputs = OAR_COUNT_OF(x_input),
    .outputs = out_output,
    .num_outputs = OAR_COUNT_OF(out_output),
    .attrs = fill_like_attrs,
    .num_attrs = OAR_COUNT_OF(fill_like_attrs),
    .infer = fill_like_infer,
    /* Reads only X's shape: computed once per plan. */
    .flags = OAR_OP_SHAPE_ONLY,
};

/* ---- cumsum ------------------------------------------------------------------- */

static oar_status cumsum_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_PD_CUMSUM_IN_X, &x, err));
  if (x->dtype != OAR_DTYPE_FLOAT32 && x->dtype != OAR_DTYPE_INT32 && x->dtype != OAR_DTYPE_INT64)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "dtype %s not supported (input 'X')",
                         oar_dtype_str(x->dtype));
  if (oar_node_attr_i(n, OAR_PD_CUMSUM_ATTR_FLATTEN)) {
    const int64_t numel = oar_shape_numel(&x->shape);
    const oar_shape flat = oar_shape_make(1, &numel);
    oar_op_set_output(n, out, OAR_PD_CUMSUM_OUT_OUT, x->dtype, &flat);
    return OAR_OK;
  }
  int axis;
  OAR_TRY(oar_op_norm_axis(n, OAR_PD_CUMSUM_ATTR_AXIS, oar_node_attr_i(n, OAR_PD_CUMSUM_ATTR_AXIS),
                           x->shape.rank > 0 ? x->shape.rank : 1, &axis, err));
  oar_op_set_output(n, out, OAR_PD_CUMSUM_OUT_OUT, x->dtype, &x->shape);
  return OAR_OK;
}

static const oar_attr_spec cumsum_attrs[] = {
    [OAR_PD_CUMSUM_ATTR_AXIS] = OAR_ATTR_I("axis", -1),
    [OAR_PD_CUMSUM_ATTR_FLATTEN] = OAR_ATTR_B("flatten", false),
    [OAR_PD_CUMSUM_ATTR_EXCLUSIVE] = OAR_ATTR_B("exclusive", false),
    [OAR_PD_CUMSUM_ATTR_REVERSE] = OAR_ATTR_B("reverse", false),
};

const oar_op_schema oar_schema_cumsum = {
    .name = "cumsum",
    .id = OAR_OP_cumsum,
    .inputs = x_input,
    .num_inputs = OAR_COUNT_OF(x_input),
    .outputs = out_output,
    .num_outputs = OAR_COUNT_OF(out_output),
    .attrs = cumsum_attrs,
    .num_attrs = OAR_COUNT_OF(cumsum_attrs),
    .infer = cumsum_infer,
};

/* ---- comparisons ---------------------------------------------------------------- */

/* X and Y of one dtype, broadcast with Paddle's axis rule; Out is bool. */
static oar_status compare_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                oar_error *err) {
  const oar_tensor_view *x, *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_CMP_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_CMP_IN_Y, &y, err));
  OAR_TRY(oar_op_check_same_dtype(n, OAR_CMP_IN_X, x, OAR_CMP_IN_Y, y, err));
  int64_t axis;
  OAR_TRY(oar_op_attr_int(n, OAR_CMP_ATTR_AXIS, -OAR_MAX_RANK - 1, OAR_MAX_RANK, &axis, err));
  oar_shape shape;
  OAR_TRY(oar_broadcast_axis(&x->shape, &y->shape, axis, &shape, NULL, NULL, "X", "Y", err));
  oar_op_set_output(n, out, OAR_CMP_OUT_OUT, OAR_DTYPE_BOOL, &shape);
  return OAR_OK;
}

static const oar_attr_spec compare_attrs[] = {[OAR_CMP_ATTR_AXIS] = OAR_ATTR_I("axis", -1)};

#define COMPARE_SCHEMA(op)                      \
  const oar_op_schema oar_schema_##op = {       \
      .name = #op,                              \
      .id = OAR_OP_##op,                        \
      .inputs = xy_inputs,                      \
      .num_inputs = OAR_COUNT_OF(xy_inputs),    \
      .outputs = out_output,                    \
      .num_outputs = OAR_COUNT_OF(out_output),  \
      .attrs = compare_attrs,                   \
      .num_attrs = OAR_COUNT_OF(compare_attrs), \
      .infer = compare_infer,                   \
  }

COMPARE_SCHEMA(equal);
COMPARE_SCHEMA(not_equal);
COMPARE_SCHEMA(less_than);
COMPARE_SCHEMA(less_equal);
COMPARE_SCHEMA(greater_than);
COMPARE_SCHEMA(greater_equal);

/* ---- multihead_attention ------------------------------------------------------------ */

static bool dims_agree(int64_t a, int64_t b) { return a < 0 || b < 0 || a == b; }

oar_status oar_mha_geometry(const oar_node *n, const oar_shape *q, const oar_shape *k, const oar_shape *v,
                            const oar_shape *mask, oar_mha_geom *g, oar_error *err) {
  char qs[96], ks[96], vs[96];
  oar_shape_str(q, qs, sizeof qs);
  oar_shape_str(k, ks, sizeof ks);
  oar_shape_str(v, vs, sizeof vs);
  if (q->rank != 3 || k->rank != 3 || v->rank != 3)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "Q %s, K %s and V %s must be [batch, seq, hidden]", qs,
                         ks, vs);
  const int64_t heads = oar_node_attr_i(n, OAR_MHA_ATTR_HEAD_NUMBER);
  if (heads < 1 || heads > INT32_MAX)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute 'head_number' is %lld, expected >= 1",
                         (long long)heads);
  if (!dims_agree(q->dims[0], k->dims[0]) || !dims_agree(q->dims[0], v->dims[0]) ||
      !dims_agree(k->dims[1], v->dims[1]) || !dims_agree(q->dims[2], k->dims[2]))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "Q %s, K %s and V %s disagree (expected Q [B, Sq, H], K [B, Sk, H], V [B, Sk, Hv])",
                         qs, ks, vs);
  if ((q->dims[2] >= 0 && q->dims[2] % heads) || (v->dims[2] >= 0 && v->dims[2] % heads))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "hidden sizes of Q %s and V %s are not multiples of %lld heads", qs, vs,
                         (long long)heads);
  g->batch = q->dims[0] >= 0 ? q->dims[0] : k->dims[0] >= 0 ? k->dims[0] : v->dims[0];
  g->heads = heads;
  g->seq_q = q->dims[1];
  g->seq_k = k->dims[1] >= 0 ? k->dims[1] : v->dims[1];
  g->head_dim = q->dims[2] >= 0 ? q->dims[2] / heads : k->dims[2] >= 0 ? k->dims[2] / heads : -1;
  g->head_dim_v = v->dims[2] >= 0 ? v->dims[2] / heads : -1;
  if (!mask) return OAR_OK;
  const int64_t full[4] = {g->batch, heads, g->seq_q, g->seq_k};
  bool ok = mask->rank <= 4;
  for (int d = 0; ok && d < mask->rank; d++) {
    const int64_t m = mask->dims[mask->rank - 1 - d], f = full[3 - d];
    ok = m == 1 || dims_agree(m, f);
  }
  if (!ok) {
    char ms[96];
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "input 'Mask' %s does not broadcast to [batch %lld, heads %lld, seq %lld, seq %lld]",
                         oar_shape_str(mask, ms, sizeof ms), (long long)full[0], (long long)full[1],
                         (long long)full[2], (long long)full[3]);
  }
  return OAR_OK;
}

static oar_status mha_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_error *err) {
  const oar_tensor_view *q, *k, *v;
  OAR_TRY(oar_op_require_input(n, in, OAR_MHA_IN_Q, &q, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_MHA_IN_K, &k, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_MHA_IN_V, &v, err));
  const oar_tensor_view *mask = oar_op_input(n, in, OAR_MHA_IN_MASK);
  OAR_TRY(oar_op_check_same_dtype(n, OAR_MHA_IN_Q, q, OAR_MHA_IN_K, k, err));
  OAR_TRY(oar_op_check_same_dtype(n, OAR_MHA_IN_Q, q, OAR_MHA_IN_V, v, err));
  if (mask) OAR_TRY(oar_op_check_same_dtype(n, OAR_MHA_IN_Q, q, OAR_MHA_IN_MASK, mask, err));
  oar_mha_geom g;
  OAR_TRY(oar_mha_geometry(n, &q->shape, &k->shape, &v->shape, mask ? &mask->shape : NULL, &g, err));
  const int64_t dims[3] = {g.batch, g.seq_q, v->shape.dims[2]};
  const oar_shape shape = oar_shape_make(3, dims);
  oar_op_set_output(n, out, OAR_MHA_OUT_OUT, q->dtype, &shape);
  return OAR_OK;
}

static const oar_slot_spec mha_inputs[] = {{"Q", OAR_SLOT_REQUIRED},
                                           {"K", OAR_SLOT_REQUIRED},
                                           {"V", OAR_SLOT_REQUIRED},
                                           {"Mask", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec mha_attrs[] = {
    [OAR_MHA_ATTR_HEAD_NUMBER] = OAR_ATTR_REQUIRED("head_number", OAR_ATTR_INT),
    [OAR_MHA_ATTR_ALPHA] = OAR_ATTR_F("alpha", 1.0),
};

const oar_op_schema oar_schema_multihead_attention = {
    .name = "multihead_attention",
    .id = OAR_OP_multihead_attention,
    .inputs = mha_inputs,
    .num_inputs = OAR_COUNT_OF(mha_inputs),
    .outputs = out_output,
    .num_outputs = OAR_COUNT_OF(out_output),
    .attrs = mha_attrs,
    .num_attrs = OAR_COUNT_OF(mha_attrs),
    .infer = mha_infer,
};

/* ---- skip_layernorm --------------------------------------------------------------- */

static oar_status skip_ln_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                oar_error *err) {
  const oar_tensor_view *x, *y;
  OAR_TRY(oar_op_require_input(n, in, OAR_SKIP_LN_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(n, in, OAR_SKIP_LN_IN_Y, &y, err));
  OAR_TRY(oar_op_check_same_dtype(n, OAR_SKIP_LN_IN_X, x, OAR_SKIP_LN_IN_Y, y, err));
  oar_shape shape;
  OAR_TRY(oar_broadcast_axis(&x->shape, &y->shape, -1, &shape, NULL, NULL, "X", "Y", err));
  oar_layer_norm_geom g;
  OAR_TRY(oar_layer_norm_geometry(n, OAR_SKIP_LN_ATTR_BEGIN_NORM_AXIS, &shape, &g, err));
  OAR_TRY(check_affine(n, in, OAR_SKIP_LN_IN_SCALE, g.cols, err));
  OAR_TRY(check_affine(n, in, OAR_SKIP_LN_IN_BIAS, g.cols, err));
  oar_op_set_output(n, out, OAR_SKIP_LN_OUT_OUT, x->dtype, &shape);
  return OAR_OK;
}

static const oar_slot_spec skip_ln_inputs[] = {{"X", OAR_SLOT_REQUIRED},
                                               {"Y", OAR_SLOT_REQUIRED},
                                               {"Scale", OAR_SLOT_OPTIONAL},
                                               {"Bias", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec skip_ln_attrs[] = {
    [OAR_SKIP_LN_ATTR_EPSILON] = OAR_ATTR_F("epsilon", 1e-5),
    [OAR_SKIP_LN_ATTR_BEGIN_NORM_AXIS] = OAR_ATTR_I("begin_norm_axis", 1),
};

const oar_op_schema oar_schema_skip_layernorm = {
    .name = "skip_layernorm",
    .id = OAR_OP_skip_layernorm,
    .inputs = skip_ln_inputs,
    .num_inputs = OAR_COUNT_OF(skip_ln_inputs),
    .outputs = out_output,
    .num_outputs = OAR_COUNT_OF(out_output),
    .attrs = skip_ln_attrs,
    .num_attrs = OAR_COUNT_OF(skip_ln_attrs),
    .infer = skip_ln_infer,
    /* Out[i] = X[i] + Y[..] is written where X[i] was read, then each row
     * is normalized in place: X's buffer can hold Out when shapes match. */
    .flags = OAR_OP_INPLACE,
};

/* ---- embedding_layernorm ------------------------------------------------------------ */

static oar_status emb_ln_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  const int tables = oar_node_input_count(n, OAR_EMB_LN_IN_IDS);
  char a[128], b[128];
  if (tables < 1 || tables != oar_node_input_count(n, OAR_EMB_LN_IN_W))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "%d Ids inputs but %d W inputs, expected as many, at least 1", tables,
                         oar_node_input_count(n, OAR_EMB_LN_IN_W));
  const oar_attr *pad = oar_node_attr(n, OAR_EMB_LN_ATTR_PADDING_IDX);
  if (pad->n != (size_t)tables)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute 'padding_idx' has %zu entries, expected %d",
                         pad->n, tables);
  const oar_tensor_view *ids0 = in[oar_node_in_pos(n, OAR_EMB_LN_IN_IDS, 0)];
  int64_t dim = -1;
  for (int k = 0; k < tables; k++) {
    const oar_tensor_view *ids = in[oar_node_in_pos(n, OAR_EMB_LN_IN_IDS, k)];
    const oar_tensor_view *w = in[oar_node_in_pos(n, OAR_EMB_LN_IN_W, k)];
    if (ids->dtype != OAR_DTYPE_INT64 && ids->dtype != OAR_DTYPE_INT32)
      return oar_error_set(err, OAR_ERR_UNSUPPORTED, "input 'Ids' #%d is %s, expected int64 or int32", k,
                           oar_dtype_str(ids->dtype));
    if (!oar_shape_equal(&ids->shape, &ids0->shape))
      return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                           "input 'Ids' #%d has shape %s, expected %s like 'Ids' #0", k,
                           oar_shape_str(&ids->shape, a, sizeof a), oar_shape_str(&ids0->shape, b, sizeof b));
    if (w->dtype != OAR_DTYPE_FLOAT32 || w->shape.rank != 2 || (dim >= 0 && w->shape.dims[1] != dim))
      return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                           "input 'W' #%d is %s %s, expected float32 [rows, %lld]", k,
                           oar_dtype_str(w->dtype), oar_shape_str(&w->shape, a, sizeof a), (long long)dim);
    dim = w->shape.dims[1];
  }
  if (ids0->shape.rank + 1 > OAR_MAX_RANK)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "input 'Ids' has rank %d, too high", ids0->shape.rank);
  OAR_TRY(check_affine(n, in, OAR_EMB_LN_IN_SCALE, dim, err));
  OAR_TRY(check_affine(n, in, OAR_EMB_LN_IN_BIAS, dim, err));
  oar_shape shape = ids0->shape;
  shape.dims[shape.rank++] = dim;
  oar_op_set_output(n, out, OAR_EMB_LN_OUT_OUT, OAR_DTYPE_FLOAT32, &shape);
  return OAR_OK;
}

static const oar_slot_spec emb_ln_inputs[] = {{"Ids", OAR_SLOT_VARIADIC},
                                              {"W", OAR_SLOT_VARIADIC},
                                              {"Scale", OAR_SLOT_OPTIONAL},
                                              {"Bias", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec emb_ln_attrs[] = {
    [OAR_EMB_LN_ATTR_EPSILON] = OAR_ATTR_F("epsilon", 1e-5),
    [OAR_EMB_LN_ATTR_PADDING_IDX] = OAR_ATTR_REQUIRED("padding_idx", OAR_ATTR_INTS),
};

const oar_op_schema oar_schema_embedding_layernorm = {
    .name = "embedding_layernorm",
    .id = OAR_OP_embedding_layernorm,
    .inputs = emb_ln_inputs,
    .num_inputs = OAR_COUNT_OF(emb_ln_inputs),
    .outputs = out_output,
    .num_outputs = OAR_COUNT_OF(out_output),
    .attrs = emb_ln_attrs,
    .num_attrs = OAR_COUNT_OF(emb_ln_attrs),
    .infer = emb_ln_infer,
};
