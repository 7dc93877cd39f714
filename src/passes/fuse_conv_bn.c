/* conv2d -> batch_norm (inference statistics, all constant) becomes one
 * conv2d: filter[oc] *= s[oc], bias = (bias - mean) * s + beta, with
 * s = scale / sqrt(variance + epsilon). Computed in double, stored float.
 * For conv2d_int8 the filter scale takes s instead of the filter. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/conv.h"
#include "ir/ops/infer_util.h"
#include "ir/ops/norm.h"
#include "passes/conv_match.h"

static bool bn_params_ok(const oar_pass_ctx *ctx, int bn, int64_t channels) {
  static const int slots[] = {OAR_BN_IN_SCALE, OAR_BN_IN_BIAS, OAR_BN_IN_MEAN, OAR_BN_IN_VARIANCE};
  for (int k = 0; k < 4; k++) {
    int v = oar_pass_input(ctx, bn, slots[k]);
    if (v < 0 || !oar_pass_is_const(ctx, v)) return false;
    const oar_value *val = &ctx->graph->values[v];
    if (val->dtype != OAR_DTYPE_FLOAT32 || oar_shape_numel(&val->shape) != channels) return false;
  }
  const char *layout = oar_op_attr_str(&ctx->graph->nodes[bn], OAR_BN_ATTR_DATA_LAYOUT);
  return strcmp(layout, "NCHW") == 0 || strcmp(layout, "AnyLayout") == 0;
}

/* Y is the only output anyone reads. */
static bool only_y_used(const oar_pass_ctx *ctx, int bn) {
  const oar_node *n = &ctx->graph->nodes[bn];
  for (int i = 0; i < oar_node_num_out(n); i++)
    if (i != n->out_start[OAR_BN_OUT_Y] && ctx->uses[n->out[i]] > 0) return false;
  for (int i = 0; i < ctx->graph->num_outputs; i++)
    for (int k = 0; k < oar_node_num_out(n); k++)
      if (k != n->out_start[OAR_BN_OUT_Y] && ctx->graph->outputs[i] == n->out[k]) return false;
  return true;
}

/* conv2d_int8: the batch norm's factors go to the per-channel filter
 * scale (the int8 filter stays as it is; a negative factor is a negative
 * scale). */
static oar_status fold_int8_scale(oar_pass_ctx *ctx, int ni, const double *factor, int64_t channels,
                                  oar_error *err) {
  oar_graph *g = ctx->graph;
  const oar_value *ws = &g->values[oar_pass_input(ctx, ni, OAR_CONV_INT8_IN_FILTER_SCALE)];
  const bool per_channel = oar_shape_numel(&ws->shape) > 1;
  float *nws = oar_malloc((size_t)channels * sizeof *nws);
  if (!nws) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory folding batch_norm");
  const float *src = ws->data;
  for (int64_t c = 0; c < channels; c++) nws[c] = (float)((double)src[per_channel ? c : 0] * factor[c]);
  char base[256];
  snprintf(base, sizeof base, "%s", ws->name);
  const oar_shape shape = oar_shape_make(1, &channels);
  int id;
  oar_status st = oar_pass_add_constant(ctx, base, OAR_DTYPE_FLOAT32, &shape, nws,
                                        (size_t)channels * sizeof *nws, &id, err);
  oar_free(nws);
  OAR_TRY(st);
  return oar_pass_set_input(ctx, ni, OAR_CONV_INT8_IN_FILTER_SCALE, id, err);
}

/* conv2d: the filter's output channels scaled. A filter only this conv
 * reads is scaled in place (weights are never held twice); a shared one
 * is copied. */
static oar_status fold_filter(oar_pass_ctx *ctx, int ni, const double *factor, int64_t channels,
                              oar_error *err) {
  oar_graph *g = ctx->graph;
  int w_id = oar_pass_input(ctx, ni, OAR_CONV_IN_FILTER);
  const oar_value *w = &g->values[w_id];
  const int64_t per_channel = oar_shape_numel(&w->shape) / (channels ? channels : 1);
  const bool in_place = ctx->uses[w_id] == 1;
  size_t w_bytes = w->bytes;
  float *nw = in_place ? (float *)w->data : oar_malloc(w_bytes);
  if (!nw) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory folding batch_norm");
  const float *src = w->data;
  for (int64_t c = 0; c < channels; c++)
    for (int64_t k = 0; k < per_channel; k++)
      nw[c * per_channel + k] = (float)(src[c * per_channel + k] * factor[c]);
  if (in_place) return OAR_OK;
  oar_shape w_shape = w->shape;
  char base[256];
  snprintf(base, sizeof base, "%s", w->name);
  int nw_id;
  oar_status st = oar_pass_add_constant(ctx, base, OAR_DTYPE_FLOAT32, &w_shape, nw, w_bytes, &nw_id, err);
  oar_free(nw);
  OAR_TRY(st);
  return oar_pass_set_input(ctx, ni, OAR_CONV_IN_FILTER, nw_id, err);
}

static oar_status fold(oar_pass_ctx *ctx, int ni, int bn, oar_error *err) {
  oar_graph *g = ctx->graph;
  const int64_t channels = oar_pass_conv_out_channels(ctx, ni);
  const float *scale = g->values[oar_pass_input(ctx, bn, OAR_BN_IN_SCALE)].data;
  const float *beta = g->values[oar_pass_input(ctx, bn, OAR_BN_IN_BIAS)].data;
  const float *mean = g->values[oar_pass_input(ctx, bn, OAR_BN_IN_MEAN)].data;
  const float *var = g->values[oar_pass_input(ctx, bn, OAR_BN_IN_VARIANCE)].data;
  const double eps = oar_node_attr_f(&g->nodes[bn], OAR_BN_ATTR_EPSILON);
  int old_bias = oar_pass_input(ctx, ni, OAR_CONV_IN_BIAS);
  const float *ob = old_bias >= 0 ? g->values[old_bias].data : NULL;
  double *factor = oar_malloc((size_t)channels * sizeof *factor);
  float *nb = oar_malloc((size_t)channels * sizeof *nb);
  if (!factor || !nb) {
    oar_free(factor);
    oar_free(nb);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory folding batch_norm");
  }
  for (int64_t c = 0; c < channels; c++) {
    factor[c] = (double)scale[c] / sqrt((double)var[c] + eps);
    nb[c] = (float)(((ob ? (double)ob[c] : 0.0) - (double)mean[c]) * factor[c] + (double)beta[c]);
  }
  oar_status st = g->nodes[ni].schema->id == OAR_OP_conv2d_int8
                      ? fold_int8_scale(ctx, ni, factor, channels, err)
                      : fold_filter(ctx, ni, factor, channels, err);
  int nb_id = -1;
  if (st == OAR_OK) {
    char base[256];
    snprintf(base, sizeof base, "%s.bias", g->values[oar_pass_output(ctx, bn, OAR_BN_OUT_Y)].name);
    const oar_shape b_shape = oar_shape_make(1, &channels);
    st = oar_pass_add_constant(ctx, base, OAR_DTYPE_FLOAT32, &b_shape, nb, (size_t)channels * sizeof *nb,
                               &nb_id, err);
  }
  oar_free(factor);
  oar_free(nb);
  OAR_TRY(st);
  OAR_TRY(oar_pass_set_input(ctx, ni, OAR_CONV_IN_BIAS, nb_id, err));
  oar_pass_conv_take_output(ctx, ni, bn, oar_pass_output(ctx, bn, OAR_BN_OUT_Y));
  return OAR_OK;
}

oar_status oar_pass_fuse_conv_bn(oar_pass_ctx *ctx, oar_error *err) {
  oar_graph *g = ctx->graph;
  for (int ni = 0; ni < g->num_nodes; ni++) {
    if (!oar_pass_is_plain_conv(ctx, ni) || oar_pass_conv_has_activation(ctx, ni) ||
        oar_pass_conv_has_residual(ctx, ni))
      continue;
    int bn = oar_pass_sole_consumer(ctx, oar_pass_output(ctx, ni, 0));
    if (bn < 0 || g->nodes[bn].schema->id != OAR_OP_batch_norm) continue;
    if (!bn_params_ok(ctx, bn, oar_pass_conv_out_channels(ctx, ni))) {
      oar_pass_note(ctx, "%s: batch_norm parameters are not constant per-channel NCHW",
                    oar_pass_node_name(ctx, bn));
      continue;
    }
    if (!only_y_used(ctx, bn)) {
      oar_pass_note(ctx, "%s: batch_norm statistics outputs are read", oar_pass_node_name(ctx, bn));
      continue;
    }
    OAR_TRY(fold(ctx, ni, bn, err));
    ctx->report->fired++;
  }
  return OAR_OK;
}
