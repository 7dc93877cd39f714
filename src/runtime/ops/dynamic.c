/* Run functions of the ops whose output shapes depend on input values
 * (ir/ops/dynamic.h): each allocates its outputs through
 * oar_run_alloc_output (op_run.h). */
#include <math.h>
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/dynamic.h"
#include "runtime/ops/run_util.h"

/* Element i of a numeric or bool tensor is not zero. Returns -1 for a
 * dtype it does not read. */
static int nonzero_at(oar_dtype dt, const void *data, int64_t i) {
  switch (dt) {
    case OAR_DTYPE_FLOAT32: return ((const float *)data)[i] != 0.0f;
    case OAR_DTYPE_FLOAT64: return ((const double *)data)[i] != 0.0;
    case OAR_DTYPE_INT32: return ((const int32_t *)data)[i] != 0;
    case OAR_DTYPE_INT64: return ((const int64_t *)data)[i] != 0;
    case OAR_DTYPE_INT16: return ((const int16_t *)data)[i] != 0;
    case OAR_DTYPE_INT8: return ((const int8_t *)data)[i] != 0;
    case OAR_DTYPE_UINT8:
    case OAR_DTYPE_BOOL: return ((const uint8_t *)data)[i] != 0;
    default: return -1;
  }
}

static int readable(oar_dtype dt) {
  static const uint8_t one[8] = {1};
  return nonzero_at(dt, one, 0) >= 0;
}

static oar_status out_slot(const oar_node *node, oar_tensor_view *out, int slot, oar_dtype dt,
                           const oar_shape *shape, oar_tensor_view **view, oar_error *err) {
  *view = oar_op_output(node, out, slot);
  if (!*view) return OAR_OK;
  return oar_run_alloc_output(*view, dt, shape, node->schema->outputs[slot].name, err);
}

/* ---- where_index ------------------------------------------------------------------------- */

oar_status oar_run_where_index(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  const oar_tensor_view *c;
  OAR_TRY(oar_op_require_input(node, in, OAR_WHERE_INDEX_IN_CONDITION, &c, err));
  const int64_t n = oar_shape_numel(&c->shape);
  const int rank = c->shape.rank;
  if (!readable(c->dtype)) return oar_run_unsupported_dtype(node, 0, c->dtype, err);
  int64_t count = 0;
  for (int64_t i = 0; i < n; i++) count += nonzero_at(c->dtype, c->data, i);
  const int t = oar_node_attr_i(node, OAR_WHERE_INDEX_ATTR_TRANSPOSED) != 0;
  oar_shape s = {.rank = 2};
  s.dims[t] = count;
  s.dims[!t] = rank;
  oar_tensor_view *o;
  OAR_TRY(out_slot(node, out, OAR_WHERE_INDEX_OUT, OAR_DTYPE_INT64, &s, &o, err));
  int64_t *dst = o->data, k = 0, idx[OAR_MAX_RANK] = {0};
  for (int64_t i = 0; i < n; i++) {
    if (nonzero_at(c->dtype, c->data, i)) {
      for (int d = 0; d < rank; d++) dst[t ? d * count + k : k * rank + d] = idx[d];
      k++;
    }
    for (int d = rank - 1; d >= 0; d--) {
      if (++idx[d] < c->shape.dims[d]) break;
      idx[d] = 0;
    }
  }
  return OAR_OK;
}

/* ---- masked_select ----------------------------------------------------------------------- */

oar_status oar_run_masked_select(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                                 oar_error *err) {
  const oar_tensor_view *x, *m;
  OAR_TRY(oar_op_require_input(node, in, OAR_MASKED_SELECT_IN_X, &x, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_MASKED_SELECT_IN_MASK, &m, err));
  oar_shape b, xa, ma;
  OAR_TRY(oar_broadcast_axis(&x->shape, &m->shape, -1, &b, &xa, &ma, "X", "Mask", err));
  int64_t xs[OAR_MAX_RANK], ms[OAR_MAX_RANK], idx[OAR_MAX_RANK] = {0};
  oar_broadcast_strides(&xa, &b, xs);
  oar_broadcast_strides(&ma, &b, ms);
  const int64_t n = oar_shape_numel(&b);
  const uint8_t *mask = m->data;
  const size_t es = oar_dtype_bytes(x->dtype);
  int64_t count = 0;
  for (int pass = 0; pass < 2; pass++) {
    oar_tensor_view *y = NULL;
    if (pass == 1) {
      const oar_shape s = {.rank = 1, .dims = {count}};
      OAR_TRY(out_slot(node, out, OAR_MASKED_SELECT_OUT_Y, x->dtype, &s, &y, err));
    }
    int64_t xo = 0, mo = 0, k = 0;
    memset(idx, 0, sizeof idx);
    for (int64_t i = 0; i < n; i++) {
      if (mask[mo]) {
        if (y) memcpy((char *)y->data + (size_t)k * es, (const char *)x->data + (size_t)xo * es, es);
        k++;
      }
      for (int d = b.rank - 1; d >= 0; d--) {
        xo += xs[d];
        mo += ms[d];
        if (++idx[d] < b.dims[d]) break;
        xo -= xs[d] * b.dims[d];
        mo -= ms[d] * b.dims[d];
        idx[d] = 0;
      }
    }
    count = k;
  }
  return OAR_OK;
}

/* ---- unique ------------------------------------------------------------------------------ */

typedef struct unique_ctx {
  oar_dtype dt;
  const char *data;
  int64_t outer, n, inner; /* slices k of [outer, n, inner] along the axis */
} unique_ctx;

static int cmp_elem(oar_dtype dt, const char *data, int64_t a, int64_t b) {
#define CMP(T)                                                    \
  do {                                                            \
    const T va = ((const T *)data)[a], vb = ((const T *)data)[b]; \
    return (va > vb) - (va < vb);                                 \
  } while (0)
  switch (dt) {
    case OAR_DTYPE_FLOAT32: CMP(float);
    case OAR_DTYPE_FLOAT64: CMP(double);
    case OAR_DTYPE_INT32: CMP(int32_t);
    case OAR_DTYPE_INT64: CMP(int64_t);
    case OAR_DTYPE_INT16: CMP(int16_t);
    case OAR_DTYPE_INT8: CMP(int8_t);
    default: CMP(uint8_t);
  }
#undef CMP
}

/* Lexicographic order of slices a and b (numpy's unique with an axis). */
static int cmp_slice(const unique_ctx *u, int64_t a, int64_t b) {
  for (int64_t o = 0; o < u->outer; o++)
    for (int64_t i = 0; i < u->inner; i++) {
      const int64_t base = o * u->n * u->inner + i;
      int c = cmp_elem(u->dt, u->data, base + a * u->inner, base + b * u->inner);
      if (c) return c;
    }
  return 0;
}

/* Stable merge sort of slice ids by value (ties keep the first
 * occurrence first). */
static void sort_slices(const unique_ctx *u, int64_t *ids, int64_t *tmp, int64_t n) {
  if (n < 2) return;
  const int64_t h = n / 2;
  sort_slices(u, ids, tmp, h);
  sort_slices(u, ids + h, tmp, n - h);
  int64_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = cmp_slice(u, ids[j], ids[i]) < 0 ? ids[j++] : ids[i++];
  while (i < h) tmp[k++] = ids[i++];
  while (j < n) tmp[k++] = ids[j++];
  memcpy(ids, tmp, (size_t)n * sizeof *ids);
}

static void put_index(oar_tensor_view *v, int64_t i, int64_t value) {
  if (!v) return;
  if (v->dtype == OAR_DTYPE_INT32)
    ((int32_t *)v->data)[i] = (int32_t)value;
  else
    ((int64_t *)v->data)[i] = value;
}

oar_status oar_run_unique(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                          oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(node, in, OAR_UNIQUE_IN_X, &x, err));
  if (!readable(x->dtype) || x->dtype == OAR_DTYPE_BOOL)
    return oar_run_unsupported_dtype(node, 0, x->dtype, err);
  unique_ctx u = {.dt = x->dtype, .data = x->data, .outer = 1, .n = oar_shape_numel(&x->shape), .inner = 1};
  const oar_attr *axes = oar_node_attr(node, OAR_UNIQUE_ATTR_AXIS);
  int ax = -1;
  if (axes->n == 1) {
    OAR_TRY(oar_op_norm_axis(node, OAR_UNIQUE_ATTR_AXIS, axes->ints[0], x->shape.rank, &ax, err));
    u.n = x->shape.dims[ax];
    for (int d = 0; d < ax; d++) u.outer *= x->shape.dims[d];
    for (int d = ax + 1; d < x->shape.rank; d++) u.inner *= x->shape.dims[d];
  }
  const bool sorted = oar_node_attr_i(node, OAR_UNIQUE_ATTR_IS_SORTED) != 0;
  const oar_dtype it = (oar_dtype)oar_node_attr_i(node, OAR_UNIQUE_ATTR_DTYPE);
  int64_t *ids = oar_malloc((size_t)(3 * u.n + 1) * sizeof *ids);
  if (!ids) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for unique");
  int64_t *tmp = ids + u.n, *first = ids + 2 * u.n; /* first: per unique, the slice it starts with */
  for (int64_t i = 0; i < u.n; i++) ids[i] = i;
  int64_t nu = 0;
  if (sorted) {
    sort_slices(&u, ids, tmp, u.n);
    for (int64_t i = 0; i < u.n; i++)
      if (i == 0 || cmp_slice(&u, ids[i - 1], ids[i]) != 0) first[nu++] = i; /* position in ids */
  } else {
    /* First occurrences in order (quadratic: fine for the sizes models use). */
    for (int64_t i = 0; i < u.n; i++) {
      int64_t j = 0;
      while (j < nu && cmp_slice(&u, first[j], i) != 0) j++;
      if (j == nu) first[nu++] = i;
    }
  }
  oar_status st = OAR_OK;
  oar_tensor_view *o, *oi, *inv, *cnt;
  oar_shape s = {.rank = 1, .dims = {nu}};
  if (ax >= 0) {
    s = x->shape;
    s.dims[ax] = nu;
  }
  const oar_shape us = {.rank = 1, .dims = {nu}}, is = {.rank = 1, .dims = {u.n}};
  st = out_slot(node, out, OAR_UNIQUE_OUT, x->dtype, &s, &o, err);
  if (st == OAR_OK) st = out_slot(node, out, OAR_UNIQUE_OUT_INDICES, it, &us, &oi, err);
  if (st == OAR_OK) st = out_slot(node, out, OAR_UNIQUE_OUT_INDEX, it, &is, &inv, err);
  if (st == OAR_OK) st = out_slot(node, out, OAR_UNIQUE_OUT_COUNTS, it, &us, &cnt, err);
  if (st != OAR_OK) {
    oar_free(ids);
    return st;
  }
  const size_t es = oar_dtype_bytes(x->dtype);
  for (int64_t k = 0; k < nu; k++) {
    /* The slice standing for unique k, its first index, its count; the
     * inverse of every slice equal to it. */
    int64_t rep, count = 0;
    if (sorted) {
      const int64_t end = k + 1 < nu ? first[k + 1] : u.n;
      rep = ids[first[k]]; /* the stable sort put the first occurrence first */
      for (int64_t p = first[k]; p < end; p++) put_index(inv, ids[p], k);
      count = end - first[k];
    } else {
      rep = first[k];
      for (int64_t i = 0; i < u.n; i++)
        if (cmp_slice(&u, rep, i) == 0) {
          put_index(inv, i, k);
          count++;
        }
    }
    put_index(oi, k, rep);
    put_index(cnt, k, count);
    for (int64_t oo = 0; oo < u.outer; oo++)
      memcpy((char *)o->data + (size_t)((oo * nu + k) * u.inner) * es,
             u.data + (size_t)((oo * u.n + rep) * u.inner) * es, (size_t)u.inner * es);
  }
  oar_free(ids);
  return OAR_OK;
}

/* ---- multiclass_nms3 --------------------------------------------------------------------- */
/* Paddle's CPU kernel (phi multiclass_nms3, 3-D Scores), in float as it
 * computes: per class but the background, boxes scoring above
 * score_threshold sorted by score (stable, descending), the first
 * nms_top_k, then greedy NMS keeping a box whose IoU with every kept one
 * is <= the threshold (which nms_eta < 1 lowers while above 0.5); then the
 * keep_top_k best over the classes; written class by class. */

typedef struct nms_pair {
  float score;
  int label, idx;
} nms_pair;

static float bbox_area(const float *b, bool normalized) {
  if (b[2] < b[0] || b[3] < b[1]) return 0.0f;
  const float w = b[2] - b[0], h = b[3] - b[1];
  return normalized ? w * h : (w + 1) * (h + 1);
}

static float jaccard(const float *a, const float *b, bool normalized) {
  if (b[0] > a[2] || b[2] < a[0] || b[1] > a[3] || b[3] < a[1]) return 0.0f;
  const float ixmin = a[0] > b[0] ? a[0] : b[0], iymin = a[1] > b[1] ? a[1] : b[1];
  const float ixmax = a[2] < b[2] ? a[2] : b[2], iymax = a[3] < b[3] ? a[3] : b[3];
  const float norm = normalized ? 0.0f : 1.0f;
  const float iw = ixmax - ixmin + norm, ih = iymax - iymin + norm;
  const float inter = iw * ih;
  return inter / (bbox_area(a, normalized) + bbox_area(b, normalized) - inter);
}

/* Stable insertion of pairs by descending score (merge sort). */
static void sort_pairs(nms_pair *p, nms_pair *tmp, int64_t n) {
  if (n < 2) return;
  const int64_t h = n / 2;
  sort_pairs(p, tmp, h);
  sort_pairs(p + h, tmp, n - h);
  int64_t i = 0, j = h, k = 0;
  while (i < h && j < n) tmp[k++] = p[j].score > p[i].score ? p[j++] : p[i++];
  while (i < h) tmp[k++] = p[i++];
  while (j < n) tmp[k++] = p[j++];
  memcpy(p, tmp, (size_t)n * sizeof *p);
}

/* One image: the kept (label, idx) pairs in output order into keep; returns
 * their count. cand / tmp hold C * M pairs. */
static int64_t nms_image(const oar_node *node, const float *boxes, const float *scores, int64_t C, int64_t M,
                         nms_pair *keep, nms_pair *cand, nms_pair *tmp) {
  const float score_thr = (float)oar_node_attr_f(node, OAR_NMS3_ATTR_SCORE_THRESHOLD);
  const float nms_thr = (float)oar_node_attr_f(node, OAR_NMS3_ATTR_NMS_THRESHOLD);
  const float eta = (float)oar_node_attr_f(node, OAR_NMS3_ATTR_NMS_ETA);
  const int64_t top_k = (int)oar_node_attr_i(node, OAR_NMS3_ATTR_NMS_TOP_K);
  const int64_t keep_top_k = (int)oar_node_attr_i(node, OAR_NMS3_ATTR_KEEP_TOP_K);
  const int64_t background = oar_node_attr_i(node, OAR_NMS3_ATTR_BACKGROUND_LABEL);
  const bool normalized = oar_node_attr_i(node, OAR_NMS3_ATTR_NORMALIZED) != 0;
  int64_t nk = 0;
  for (int64_t c = 0; c < C; c++) {
    if (c == background) continue;
    const float *sc = scores + c * M;
    int64_t nc = 0;
    for (int64_t m = 0; m < M; m++)
      if (sc[m] > score_thr) cand[nc++] = (nms_pair){sc[m], (int)c, (int)m};
    sort_pairs(cand, tmp, nc);
    if (top_k > -1 && top_k < nc) nc = top_k;
    float thr = nms_thr;
    const int64_t class_start = nk;
    for (int64_t i = 0; i < nc; i++) {
      const float *cur = boxes + (int64_t)cand[i].idx * 4;
      bool ok = true;
      for (int64_t j = class_start; j < nk && ok; j++)
        ok = jaccard(cur, boxes + (int64_t)keep[j].idx * 4, normalized) <= thr;
      if (ok) {
        keep[nk++] = cand[i];
        if (eta < 1 && thr > 0.5f) thr *= eta;
      }
    }
  }
  if (keep_top_k > -1 && nk > keep_top_k) {
    /* The best keep_top_k over the classes, then back in class order
     * (each class's in score order). */
    sort_pairs(keep, tmp, nk);
    nk = keep_top_k;
    int64_t k = 0;
    for (int64_t c = 0; c < C; c++)
      for (int64_t i = 0; i < nk; i++)
        if (keep[i].label == c) tmp[k++] = keep[i];
    memcpy(keep, tmp, (size_t)nk * sizeof *keep);
  }
  return nk;
}

/* Out [K, 6] (label, score, box), Index [K, 1] (image * M + box) and the
 * per-image counts (slots 0, 1, 2 of both Paddle NMS ops) from the kept
 * pairs of every image (image i's are keep[starts[i] .. starts[i + 1])).
 * legacy_empty: nothing kept and no Index bound gives Paddle's [[-1]]. */
static oar_status write_detections(const oar_node *node, oar_tensor_view *out, const oar_tensor_view *bx,
                                   const nms_pair *keep, const int64_t *starts, int64_t N, int64_t M,
                                   bool legacy_empty, oar_error *err) {
  const int64_t kept = starts[N];
  oar_tensor_view *o, *ix, *rn;
  const bool with_index = oar_op_output(node, out, 1) != NULL;
  legacy_empty = legacy_empty && kept == 0 && !with_index;
  const oar_shape os = {.rank = 2, .dims = {legacy_empty ? 1 : kept, legacy_empty ? 1 : 6}},
                  is = {.rank = 2, .dims = {kept, 1}}, rs = {.rank = 1, .dims = {N}};
  OAR_TRY(out_slot(node, out, 0, OAR_DTYPE_FLOAT32, &os, &o, err));
  OAR_TRY(out_slot(node, out, 1, OAR_DTYPE_INT32, &is, &ix, err));
  OAR_TRY(out_slot(node, out, 2, OAR_DTYPE_INT32, &rs, &rn, err));
  float *od = o->data;
  if (legacy_empty) od[0] = -1;
  for (int64_t i = 0; i < N; i++) {
    const float *boxes = (const float *)bx->data + i * M * 4;
    for (int64_t k = starts[i]; k < starts[i + 1]; k++) {
      float *row = od + k * 6;
      row[0] = (float)keep[k].label;
      row[1] = keep[k].score;
      memcpy(row + 2, boxes + (int64_t)keep[k].idx * 4, 4 * sizeof(float));
      if (ix) ((int32_t *)ix->data)[k] = (int32_t)(i * M + keep[k].idx);
    }
    if (rn) ((int32_t *)rn->data)[i] = (int32_t)(legacy_empty && i == 0 ? 1 : starts[i + 1] - starts[i]);
  }
  return OAR_OK;
}

oar_status oar_run_multiclass_nms3(const oar_node *node, const oar_tensor_view *const *in,
                                   oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *bx, *sc;
  OAR_TRY(oar_op_require_input(node, in, OAR_NMS3_IN_BBOXES, &bx, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_NMS3_IN_SCORES, &sc, err));
  const int64_t N = sc->shape.dims[0], C = sc->shape.dims[1], M = sc->shape.dims[2];
  size_t per, total;
  if (!oar_mul_size((size_t)C, (size_t)M, &per) || !oar_mul_size(per, (size_t)N, &total) || M > INT32_MAX ||
      total > (size_t)INT32_MAX)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "too many boxes (%lld x %lld x %lld)", (long long)N,
                         (long long)C, (long long)M);
  /* keep: every image's kept pairs; cand, tmp: one image's scratch. */
  nms_pair *keep = oar_malloc((total + 2 * per + 1) * sizeof *keep);
  int64_t *starts = oar_malloc(((size_t)N + 1) * sizeof *starts);
  if (!keep || !starts) {
    oar_free(keep);
    oar_free(starts);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for multiclass_nms3");
  }
  nms_pair *cand = keep + total, *tmp = cand + per;
  starts[0] = 0;
  for (int64_t i = 0; i < N; i++)
    starts[i + 1] =
        starts[i] + nms_image(node, (const float *)bx->data + i * M * 4, (const float *)sc->data + i * C * M,
                              C, M, keep + starts[i], cand, tmp);
  oar_status st = write_detections(node, out, bx, keep, starts, N, M, true, err);
  oar_free(keep);
  oar_free(starts);
  return st;
}

/* ---- non_max_suppression (ONNX) ---------------------------------------------------------- */
/* ONNX Runtime's CPU kernel: per batch and class, boxes scoring above the
 * threshold (all, without one) by descending score, the lower index first
 * on ties; a box is dropped when its IoU with a selected one exceeds
 * iou_threshold; at most max_output_boxes_per_class per class. */

typedef struct nms_rect {
  float x0, y0, x1, y1;
} nms_rect;

static nms_rect onnx_rect(const float *b, int center) {
  nms_rect r;
  if (center) {
    r.x0 = b[0] - b[2] / 2;
    r.x1 = b[0] + b[2] / 2;
    r.y0 = b[1] - b[3] / 2;
    r.y1 = b[1] + b[3] / 2;
  } else {
    r.x0 = b[1] < b[3] ? b[1] : b[3];
    r.x1 = b[1] < b[3] ? b[3] : b[1];
    r.y0 = b[0] < b[2] ? b[0] : b[2];
    r.y1 = b[0] < b[2] ? b[2] : b[0];
  }
  return r;
}

static bool onnx_suppress(const float *a, const float *b, int center, float iou_threshold) {
  const nms_rect r = onnx_rect(a, center), q = onnx_rect(b, center);
  const float ix0 = r.x0 > q.x0 ? r.x0 : q.x0, ix1 = r.x1 < q.x1 ? r.x1 : q.x1;
  if (ix1 <= ix0) return false;
  const float iy0 = r.y0 > q.y0 ? r.y0 : q.y0, iy1 = r.y1 < q.y1 ? r.y1 : q.y1;
  if (iy1 <= iy0) return false;
  const float inter = (ix1 - ix0) * (iy1 - iy0);
  if (inter <= 0.0f) return false;
  const float a1 = (r.x1 - r.x0) * (r.y1 - r.y0), a2 = (q.x1 - q.x0) * (q.y1 - q.y0);
  const float uni = a1 + a2 - inter;
  if (a1 <= 0.0f || a2 <= 0.0f || uni <= 0.0f) return false;
  return inter / uni > iou_threshold;
}

oar_status oar_run_non_max_suppression(const oar_node *node, const oar_tensor_view *const *in,
                                       oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *bx, *sc;
  OAR_TRY(oar_op_require_input(node, in, OAR_NMS_IN_BOXES, &bx, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_NMS_IN_SCORES, &sc, err));
  const oar_tensor_view *mo = oar_op_input(node, in, OAR_NMS_IN_MAX_OUTPUT),
                        *iou = oar_op_input(node, in, OAR_NMS_IN_IOU),
                        *st = oar_op_input(node, in, OAR_NMS_IN_SCORE_THRESHOLD);
  const int64_t B = sc->shape.dims[0], C = sc->shape.dims[1], N = sc->shape.dims[2];
  int64_t max_out = mo ? *(const int64_t *)mo->data : 0;
  if (max_out < 0) max_out = 0;
  if (max_out > N) max_out = N;
  const float iou_thr = iou ? *(const float *)iou->data : 0.0f;
  const int center = oar_node_attr_i(node, OAR_NMS_ATTR_CENTER_POINT_BOX) != 0;
  size_t total;
  if (!oar_mul_size((size_t)B * (size_t)C, (size_t)(max_out ? max_out : 1), &total) || N > INT32_MAX)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "too many boxes");
  /* sel: (batch, class, box) triples; cand: one class's candidates. */
  int64_t *sel = oar_malloc((3 * total + 1) * sizeof *sel);
  nms_pair *cand = oar_malloc((2 * (size_t)N + 1) * sizeof *cand);
  if (!sel || !cand) {
    oar_free(sel);
    oar_free(cand);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for non_max_suppression");
  }
  int64_t k = 0;
  for (int64_t b = 0; b < B && max_out > 0; b++) {
    const float *boxes = (const float *)bx->data + b * N * 4;
    for (int64_t c = 0; c < C; c++) {
      const float *s = (const float *)sc->data + (b * C + c) * N;
      int64_t nc = 0;
      for (int64_t i = 0; i < N; i++)
        if (!st || s[i] > *(const float *)st->data) cand[nc++] = (nms_pair){s[i], (int)c, (int)i};
      sort_pairs(cand, cand + N, nc); /* stable: the lower index first on ties */
      const int64_t first = k;
      for (int64_t i = 0; i < nc && k - first < max_out; i++) {
        bool keep = true;
        for (int64_t j = first; j < k && keep; j++)
          keep =
              !onnx_suppress(boxes + (int64_t)cand[i].idx * 4, boxes + sel[3 * j + 2] * 4, center, iou_thr);
        if (keep) {
          sel[3 * k] = b;
          sel[3 * k + 1] = c;
          sel[3 * k + 2] = cand[i].idx;
          k++;
        }
      }
    }
  }
  oar_tensor_view *o;
  const oar_shape os = {.rank = 2, .dims = {k, 3}};
  oar_status s = out_slot(node, out, OAR_NMS_OUT_SELECTED, OAR_DTYPE_INT64, &os, &o, err);
  if (s == OAR_OK) memcpy(o->data, sel, (size_t)k * 3 * sizeof *sel);
  oar_free(sel);
  oar_free(cand);
  return s;
}

/* ---- matrix_nms -------------------------------------------------------------------------- */
/* Paddle's CPU kernel: per class but the background, the boxes scoring above
 * score_threshold, the best nms_top_k by score; each box's score decays by
 * the smallest factor over the better boxes j of (1 - iou) / (1 - max_iou_j)
 * (or exp((max_iou_j^2 - iou^2) sigma) with use_gaussian), max_iou_j being
 * box j's largest IoU with a box better than it; boxes whose decayed score
 * is above post_threshold stay; then the best keep_top_k over the classes
 * by decayed score. Paddle sorts with std::partial_sort, so equal scores
 * may come out in another order than here (stable: lower index first). */

/* One class's boxes: appends the kept (decayed score, class, box) pairs to
 * dst; cand, tmp, iou hold M pairs, M pairs and M * M floats. */
static int64_t matrix_nms_class(const oar_node *node, const float *boxes, const float *sc, int64_t c,
                                int64_t M, nms_pair *dst, nms_pair *cand, nms_pair *tmp, float *iou) {
  const float score_thr = (float)oar_node_attr_f(node, OAR_MATRIX_NMS_ATTR_SCORE_THRESHOLD);
  const float post_thr = (float)oar_node_attr_f(node, OAR_MATRIX_NMS_ATTR_POST_THRESHOLD);
  const float sigma = (float)oar_node_attr_f(node, OAR_MATRIX_NMS_ATTR_GAUSSIAN_SIGMA);
  const int64_t top_k = oar_node_attr_i(node, OAR_MATRIX_NMS_ATTR_NMS_TOP_K);
  const bool normalized = oar_node_attr_i(node, OAR_MATRIX_NMS_ATTR_NORMALIZED) != 0;
  const bool gaussian = oar_node_attr_i(node, OAR_MATRIX_NMS_ATTR_USE_GAUSSIAN) != 0;
  int64_t n = 0, kept = 0;
  for (int64_t m = 0; m < M; m++)
    if (sc[m] > score_thr) cand[n++] = (nms_pair){sc[m], (int)c, (int)m};
  if (n == 0) return 0;
  sort_pairs(cand, tmp, n);
  if (top_k > -1 && n > top_k) n = top_k;
  float *max_iou = iou + n * n;
  max_iou[0] = 0.0f;
  for (int64_t i = 1; i < n; i++) {
    float mx = 0.0f;
    for (int64_t j = 0; j < i; j++) {
      const float v = jaccard(boxes + (int64_t)cand[i].idx * 4, boxes + (int64_t)cand[j].idx * 4, normalized);
      mx = v > mx ? v : mx;
      iou[i * n + j] = v;
    }
    max_iou[i] = mx;
  }
  if (cand[0].score > post_thr) dst[kept++] = cand[0];
  for (int64_t i = 1; i < n; i++) {
    float min_decay = 1.0f;
    for (int64_t j = 0; j < i; j++) {
      const float v = iou[i * n + j], mj = max_iou[j];
      const float decay =
          gaussian ? expf((mj * mj - v * v) * sigma) : (float)((1.0 - (double)v) / (1.0 - (double)mj));
      min_decay = decay < min_decay ? decay : min_decay;
    }
    const float ds = min_decay * cand[i].score;
    if (ds <= post_thr) continue;
    dst[kept] = cand[i];
    dst[kept++].score = ds;
  }
  return kept;
}

oar_status oar_run_matrix_nms(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  const oar_tensor_view *bx, *sc;
  OAR_TRY(oar_op_require_input(node, in, OAR_MATRIX_NMS_IN_BBOXES, &bx, err));
  OAR_TRY(oar_op_require_input(node, in, OAR_MATRIX_NMS_IN_SCORES, &sc, err));
  const int64_t N = sc->shape.dims[0], C = sc->shape.dims[1], M = sc->shape.dims[2];
  const int64_t background = oar_node_attr_i(node, OAR_MATRIX_NMS_ATTR_BACKGROUND_LABEL);
  const int64_t keep_top_k = oar_node_attr_i(node, OAR_MATRIX_NMS_ATTR_KEEP_TOP_K);
  size_t per, total, sq;
  if (!oar_mul_size((size_t)C, (size_t)M, &per) || !oar_mul_size(per, (size_t)N, &total) ||
      !oar_mul_size((size_t)M + 1, (size_t)M, &sq) || M > INT32_MAX || total > (size_t)INT32_MAX)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "too many boxes (%lld x %lld x %lld)", (long long)N,
                         (long long)C, (long long)M);
  /* keep: every image's kept pairs; per image: all (one class after the
   * other), cand and tmp (M each), iou (M * M + M floats). */
  nms_pair *keep = oar_malloc((total + per + 2 * (size_t)M + 1) * sizeof *keep);
  int64_t *starts = oar_malloc(((size_t)N + 1) * sizeof *starts);
  float *iou = oar_malloc((sq + 1) * sizeof *iou);
  oar_status st = OAR_OK;
  if (!keep || !starts || !iou) {
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for matrix_nms");
    goto done;
  }
  nms_pair *all = keep + total, *cand = all + per, *tmp = cand + M;
  starts[0] = 0;
  for (int64_t i = 0; i < N; i++) {
    const float *boxes = (const float *)bx->data + i * M * 4;
    int64_t na = 0;
    for (int64_t c = 0; c < C; c++)
      if (c != background)
        na += matrix_nms_class(node, boxes, (const float *)sc->data + (i * C + c) * M, c, M, all + na, cand,
                               tmp, iou);
    sort_pairs(all, keep + starts[i], na); /* keep + starts[i] has room for na: scratch here */
    if (keep_top_k > -1 && na > keep_top_k) na = keep_top_k;
    memcpy(keep + starts[i], all, (size_t)na * sizeof *keep);
    starts[i + 1] = starts[i] + na;
  }
  st = write_detections(node, out, bx, keep, starts, N, M, false, err);
done:
  oar_free(keep);
  oar_free(starts);
  oar_free(iou);
  return st;
}
