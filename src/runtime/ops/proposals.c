/* issue 12, proposals: the run function of generate_proposals_v2
 * (ir/ops/proposals.h), after Paddle's CPU kernel: per image, boxes in
 * (h, w, anchor) order sorted by score, the best pre_nms_topN decoded
 * against their anchors and variances (log-size deltas clipped at
 * log(1000 / 16)), clipped to the image, filtered by min_size (at least 1)
 * and, with pixel_offset, by their centre lying in the image, then greedy
 * NMS (adaptive threshold with eta < 1) and the best post_nms_topN kept.
 *
 * Order of equal scores: Paddle sorts with std::sort, which leaves it
 * unspecified (libstdc++ keeps index order below 17 boxes, as this kernel
 * always does); its NMS then visits equal scores last index first, as
 * here. With nms_thresh <= 0 and pre_nms_topN < the box count Paddle's
 * output order is nth_element's, unspecified; here it is by score. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/proposals.h"
#include "runtime/ops/run_util.h"

typedef struct {
  float score;
  int32_t index;
} genprop_pair;

/* Score descending, then index ascending. */
static int by_score(const void *a, const void *b) {
  const genprop_pair *x = a, *y = b;
  if (x->score != y->score) return x->score > y->score ? -1 : 1;
  return (x->index > y->index) - (x->index < y->index);
}

/* The order Paddle's NMS visits boxes in: score descending, then the later
 * position first. */
static int by_score_last_first(const void *a, const void *b) {
  const genprop_pair *x = a, *y = b;
  if (x->score != y->score) return x->score > y->score ? -1 : 1;
  return (x->index < y->index) - (x->index > y->index);
}

static float box_area(const float *b, int normalized) {
  if (b[2] < b[0] || b[3] < b[1]) return 0.0f;
  const float w = b[2] - b[0], h = b[3] - b[1];
  return normalized ? w * h : (w + 1) * (h + 1);
}

static float jaccard(const float *a, const float *b, int normalized) {
  if (b[0] > a[2] || b[2] < a[0] || b[1] > a[3] || b[3] < a[1]) return 0.0f;
  const float norm = normalized ? 0.0f : 1.0f;
  const float iw = fminf(a[2], b[2]) - fmaxf(a[0], b[0]) + norm;
  const float ih = fminf(a[3], b[3]) - fmaxf(a[1], b[1]) + norm;
  const float inter = iw * ih;
  return inter / (box_area(a, normalized) + box_area(b, normalized) - inter);
}

/* One image: writes at most M boxes (at least one) to rois / probs and
 * returns their count. pairs has room for M, boxes for 4 * M floats. */
static int64_t one_image(const oar_node *node, const float *scores, const float *deltas, const float *im,
                         const float *anchors, const float *vars, int64_t A, int64_t HW, genprop_pair *pairs,
                         float *boxes, float *rois, float *probs) {
  const int64_t M = A * HW;
  const int64_t pre = oar_node_attr_i(node, OAR_GENPROP_ATTR_PRE_NMS_TOP_N);
  const int64_t post = oar_node_attr_i(node, OAR_GENPROP_ATTR_POST_NMS_TOP_N);
  const float nms_thresh = (float)oar_node_attr_f(node, OAR_GENPROP_ATTR_NMS_THRESH);
  const float min_size = fmaxf((float)oar_node_attr_f(node, OAR_GENPROP_ATTR_MIN_SIZE), 1.0f);
  const float eta = (float)oar_node_attr_f(node, OAR_GENPROP_ATTR_ETA);
  const int pixel = oar_node_attr_i(node, OAR_GENPROP_ATTR_PIXEL_OFFSET) != 0;
  const float offset = pixel ? 1.0f : 0.0f;
  const float clip = (float)log(1000.0 / 16.0);
  /* Box k = (h * W + w) * A + a reads Scores[a, h, w] and BboxDeltas[4a + j, h, w]. */
  for (int64_t k = 0; k < M; k++) pairs[k] = (genprop_pair){scores[(k % A) * HW + k / A], (int32_t)k};
  qsort(pairs, (size_t)M, sizeof *pairs, by_score);
  const int64_t n = pre <= 0 || pre >= M ? M : pre;
  /* Decode, clip, filter: the kept boxes in boxes, their scores in pairs. */
  int64_t kept = 0;
  for (int64_t s = 0; s < n; s++) {
    const int64_t k = pairs[s].index, a = k % A, p = k / A;
    const float *an = anchors + 4 * k, *v = vars + 4 * k;
    float d[4];
    for (int j = 0; j < 4; j++) d[j] = deltas[(4 * a + j) * HW + p];
    const float aw = an[2] - an[0] + offset, ah = an[3] - an[1] + offset;
    const float acx = (float)(an[0] + 0.5 * aw), acy = (float)(an[1] + 0.5 * ah);
    const float cx = v[0] * d[0] * aw + acx, cy = v[1] * d[1] * ah + acy;
    const float bw = expf(fminf(v[2] * d[2], clip)) * aw;
    const float bh = expf(fminf(v[3] * d[3], clip)) * ah;
    float b[4] = {cx - bw / 2, cy - bh / 2, cx + bw / 2 - offset, cy + bh / 2 - offset};
    for (int j = 0; j < 4; j++) b[j] = fmaxf(fminf(b[j], (j % 2 ? im[0] : im[1]) - offset), 0.0f);
    const float ws = b[2] - b[0] + offset, hs = b[3] - b[1] + offset;
    int keep = ws >= min_size && hs >= min_size;
    if (pixel) keep = keep && b[0] + ws / 2 <= im[1] && b[1] + hs / 2 <= im[0];
    if (!keep) continue;
    memcpy(boxes + 4 * kept, b, sizeof b);
    pairs[kept] = (genprop_pair){pairs[s].score, (int32_t)kept};
    kept++;
  }
  if (kept == 0) {
    memset(rois, 0, 4 * sizeof *rois);
    probs[0] = 0.0f;
    return 1;
  }
  if (nms_thresh <= 0) {
    memcpy(rois, boxes, (size_t)kept * 4 * sizeof *rois);
    for (int64_t s = 0; s < kept; s++) probs[s] = pairs[s].score;
    return kept;
  }
  qsort(pairs, (size_t)kept, sizeof *pairs, by_score_last_first);
  float thr = nms_thresh;
  int64_t out = 0;
  for (int64_t s = 0; s < kept; s++) {
    const float *b = boxes + 4 * pairs[s].index;
    int ok = 1;
    for (int64_t t = 0; t < out && ok; t++) ok = jaccard(b, rois + 4 * t, !pixel) <= thr;
    if (!ok) continue;
    memcpy(rois + 4 * out, b, 4 * sizeof *rois);
    probs[out++] = pairs[s].score;
    if (eta < 1 && thr > 0.5f) thr *= eta;
  }
  return post > 0 && post < out ? post : out;
}

static oar_status alloc_out(const oar_node *node, oar_tensor_view *out, int slot, oar_dtype dt,
                            const oar_shape *shape, oar_tensor_view **view, oar_error *err) {
  *view = oar_op_output(node, out, slot);
  if (!*view) return OAR_OK;
  return oar_run_alloc_output(*view, dt, shape, node->schema->outputs[slot].name, err);
}

oar_status oar_run_generate_proposals_v2(const oar_node *node, const oar_tensor_view *const *in,
                                         oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *v[5];
  for (int i = 0; i < 5; i++) OAR_TRY(oar_op_require_input(node, in, i, &v[i], err));
  const oar_shape *ss = &v[OAR_GENPROP_IN_SCORES]->shape;
  const int64_t N = ss->dims[0], A = ss->dims[1], HW = ss->dims[2] * ss->dims[3], M = A * HW;
  const int64_t im_cols = v[OAR_GENPROP_IN_IM_SHAPE]->shape.dims[1];
  size_t per, total;
  const size_t room = (size_t)(M > 0 ? M : 1);
  if (M > INT32_MAX || !oar_mul_size(room, (size_t)N, &total) ||
      !oar_mul_size(total, 5 * sizeof(float), &per))
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "too many boxes (%lld x %lld)", (long long)N,
                         (long long)M);
  /* rois (4 floats) and probs per image, each image's at i * room. */
  float *rois = oar_malloc(per + 1), *boxes = oar_malloc(room * 4 * sizeof(float));
  genprop_pair *pairs = oar_malloc(room * sizeof *pairs);
  int64_t *counts = oar_malloc(((size_t)N + 1) * sizeof *counts);
  oar_status st = OAR_OK;
  if (!rois || !boxes || !pairs || !counts) {
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for generate_proposals_v2");
    goto done;
  }
  float *probs = rois + 4 * total;
  int64_t R = 0;
  for (int64_t i = 0; i < N; i++) {
    counts[i] = M == 0 ? 0
                       : one_image(node, (const float *)v[OAR_GENPROP_IN_SCORES]->data + i * M,
                                   (const float *)v[OAR_GENPROP_IN_DELTAS]->data + i * 4 * M,
                                   (const float *)v[OAR_GENPROP_IN_IM_SHAPE]->data + i * im_cols,
                                   v[OAR_GENPROP_IN_ANCHORS]->data, v[OAR_GENPROP_IN_VARIANCES]->data, A, HW,
                                   pairs, boxes, rois + 4 * (size_t)i * room, probs + (size_t)i * room);
    R += counts[i];
  }
  const oar_shape rs = {.rank = 2, .dims = {R, 4}}, ps = {.rank = 2, .dims = {R, 1}},
                  ns = {.rank = 1, .dims = {N}};
  oar_tensor_view *o_rois, *o_probs, *o_num;
  st = alloc_out(node, out, OAR_GENPROP_OUT_ROIS, OAR_DTYPE_FLOAT32, &rs, &o_rois, err);
  if (st == OAR_OK) st = alloc_out(node, out, OAR_GENPROP_OUT_PROBS, OAR_DTYPE_FLOAT32, &ps, &o_probs, err);
  if (st == OAR_OK) st = alloc_out(node, out, OAR_GENPROP_OUT_NUM, OAR_DTYPE_INT32, &ns, &o_num, err);
  if (st != OAR_OK) goto done;
  for (int64_t i = 0, r = 0; i < N; r += counts[i++]) {
    if (o_rois) memcpy((float *)o_rois->data + 4 * r, rois + 4 * (size_t)i * room, (size_t)counts[i] * 16);
    if (o_probs) memcpy((float *)o_probs->data + r, probs + (size_t)i * room, (size_t)counts[i] * 4);
    if (o_num) ((int32_t *)o_num->data)[i] = (int32_t)counts[i];
  }
done:
  oar_free(rois);
  oar_free(boxes);
  oar_free(pairs);
  oar_free(counts);
  return st;
}

/* distribute_fpn_proposals, after Paddle's CPU kernel: roi level
 * floor(log2(sqrt(area) / refer_scale + 1e-6) + refer_level) clamped to
 * [min_level, max_level], area with +1 on each side under pixel_offset and 0
 * for an inverted box; each level keeps image order, then roi order. */
oar_status oar_run_distribute_fpn_proposals(const oar_node *node, const oar_tensor_view *const *in,
                                            oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *r, *num = oar_op_input(node, in, OAR_FPN_IN_ROISNUM);
  OAR_TRY(oar_op_require_input(node, in, OAR_FPN_IN_ROIS, &r, err));
  const int64_t R = r->shape.dims[0], B = num ? num->shape.dims[0] : 1;
  const int lo = (int)oar_node_attr_i(node, OAR_FPN_ATTR_MIN_LEVEL),
            hi = (int)oar_node_attr_i(node, OAR_FPN_ATTR_MAX_LEVEL);
  const int refer_level = (int)oar_node_attr_i(node, OAR_FPN_ATTR_REFER_LEVEL);
  const float refer_scale = (float)oar_node_attr_i(node, OAR_FPN_ATTR_REFER_SCALE);
  const int pixel = oar_node_attr_i(node, OAR_FPN_ATTR_PIXEL_OFFSET) != 0, L = hi - lo + 1;
  int64_t sum = 0;
  for (int64_t b = 0; num && b < B; b++) {
    const int64_t c =
        num->dtype == OAR_DTYPE_INT64 ? ((const int64_t *)num->data)[b] : ((const int32_t *)num->data)[b];
    if (c < 0) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "RoisNum[%lld] is negative", (long long)b);
    sum += c;
  }
  if (num && sum != R)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "RoisNum sums to %lld, FpnRois has %lld rois",
                         (long long)sum, (long long)R);
  int *level = oar_malloc(((size_t)R + 1) * sizeof *level);
  int64_t *count =
      oar_calloc((size_t)L * ((size_t)B + 1), sizeof *count); /* per level, then per level and image */
  oar_status st = OAR_OK;
  if (!level || !count) {
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for distribute_fpn_proposals");
    goto done;
  }
  const float *rois = r->data;
  for (int64_t b = 0, k = 0; b < B; b++) {
    const int64_t end = !num ? R
                             : k + (num->dtype == OAR_DTYPE_INT64 ? ((const int64_t *)num->data)[b]
                                                                  : ((const int32_t *)num->data)[b]);
    for (; k < end; k++) {
      const float *x = rois + 4 * k;
      float area = 0.0f;
      if (!(x[2] < x[0] || x[3] < x[1])) {
        const float w = x[2] - x[0], h = x[3] - x[1];
        area = pixel ? (w + 1) * (h + 1) : w * h;
      }
      int l = (int)floorf(log2f(sqrtf(area) / refer_scale + 1e-6f) + (float)refer_level);
      l = l < lo ? lo : l > hi ? hi : l;
      level[k] = l - lo;
      count[level[k]]++;
      count[L + (int64_t)level[k] * B + b]++;
    }
  }
  oar_tensor_view *restore;
  const oar_shape ri = {.rank = 2, .dims = {R, 1}}, ns = {.rank = 1, .dims = {B}};
  st = oar_run_alloc_output(oar_op_output(node, out, OAR_FPN_OUT_RESTORE), OAR_DTYPE_INT32, &ri,
                            "RestoreIndex", err);
  restore = oar_op_output(node, out, OAR_FPN_OUT_RESTORE);
  for (int l = 0, pos = 0; st == OAR_OK && l < L; l++) {
    oar_tensor_view *o = &out[oar_node_out_pos(node, OAR_FPN_OUT_ROIS, l)];
    const oar_shape rs = {.rank = 2, .dims = {count[l], 4}};
    st = oar_run_alloc_output(o, OAR_DTYPE_FLOAT32, &rs, "MultiFpnRois", err);
    for (int64_t k = 0, j = 0; st == OAR_OK && k < R; k++)
      if (level[k] == l) {
        memcpy((float *)o->data + 4 * j++, rois + 4 * k, 4 * sizeof(float));
        ((int32_t *)restore->data)[k] = pos++;
      }
    const int p = oar_node_out_pos(node, OAR_FPN_OUT_ROISNUM, l);
    if (st == OAR_OK && p >= 0)
      st = oar_run_alloc_output(&out[p], OAR_DTYPE_INT32, &ns, "MultiLevelRoIsNum", err);
    for (int64_t b = 0; st == OAR_OK && p >= 0 && b < B; b++)
      ((int32_t *)out[p].data)[b] = (int32_t)count[L + (int64_t)l * B + b];
  }
done:
  oar_free(level);
  oar_free(count);
  return st;
}
