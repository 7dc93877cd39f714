/* Keeps the convolutional part of a network in the blocked layout NCHW16c
 * (ir/ops/blocked_layout.h) on machines whose kernels prefer it
 * (ctx->target): each eligible conv2d becomes conv2d_blocked, reading the
 * blocked twin of its input (made by layout_to_blocked the first time a
 * value is needed blocked) and writing a blocked output; pool2d nodes
 * whose input is already blocked follow, and so do elementwise add, sub,
 * mul, max and min whose two inputs are blocked with the same channels (an
 * SE block's channel scale). Every converted node's original
 * output is still produced, by layout_from_blocked right after it, so
 * that other readers and graph outputs see NCHW unchanged;
 * eliminate_dead_code drops the ones nobody reads.
 *
 * Not converted: NHWC, non-float32 or unknown channel counts, filters that
 * are not constants, grouped convolutions other than depthwise
 * (multiplier 1), more than 64 taps, and convolutions whose output would
 * waste over a third of the work on padding channels. An input with few
 * channels (a first layer's 3) is read as NCHW rather than padded. */
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/blocked_layout.h"
#include "ir/ops/conv.h"
#include "ir/ops/elementwise.h"
#include "ir/ops/infer_util.h"
#include "ir/ops/pool.h"
#include "passes/pass_util.h"

typedef struct rewrite {
  oar_pass_ctx *ctx;
  int *blocked; /* per value: its blocked twin, or -1 */
  int cap_blocked;
  int *order; /* the new schedule */
  int n_order, cap_order;
} rewrite;

static oar_status push_order(rewrite *r, int ni, oar_error *err) {
  if (r->n_order == r->cap_order) {
    const int cap = r->cap_order ? 2 * r->cap_order : 64;
    int *o = oar_realloc(r->order, (size_t)cap * sizeof *o);
    if (!o) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory changing layouts");
    r->order = o;
    r->cap_order = cap;
  }
  r->order[r->n_order++] = ni;
  return OAR_OK;
}

static int twin(const rewrite *r, int value) { return value < r->cap_blocked ? r->blocked[value] : -1; }

static oar_status set_twin(rewrite *r, int value, int blocked, oar_error *err) {
  const int need = r->ctx->graph->num_values;
  if (need > r->cap_blocked) {
    int *b = oar_realloc(r->blocked, (size_t)need * 2 * sizeof *b);
    if (!b) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory changing layouts");
    for (int i = r->cap_blocked; i < need * 2; i++) b[i] = -1;
    r->blocked = b;
    r->cap_blocked = need * 2;
  }
  r->blocked[value] = blocked;
  return OAR_OK;
}

/* A new blocked value for NCHW value v. */
static oar_status new_blocked_value(rewrite *r, int v, int *id, oar_error *err) {
  const oar_value *val = &r->ctx->graph->values[v];
  char name[512];
  snprintf(name, sizeof name, "%s@nchw16c", val->name);
  const oar_shape shape = oar_blocked_shape(&val->shape);
  return oar_pass_add_value(r->ctx, name, OAR_DTYPE_FLOAT32, &shape, id, err);
}

/* The blocked twin of v, made by a layout_to_blocked scheduled now. */
static oar_status blocked_input(rewrite *r, int v, int source_index, int *out, oar_error *err) {
  if ((*out = twin(r, v)) >= 0) return OAR_OK;
  oar_graph *g = r->ctx->graph;
  int vb, ni;
  OAR_TRY(new_blocked_value(r, v, &vb, err));
  oar_node_builder b;
  OAR_TRY(oar_node_begin(&b, g, oar_schema_by_id(OAR_OP_layout_to_blocked), source_index, err));
  oar_status st = oar_node_add_input(&b, OAR_LAYOUT_IN_X, v, err);
  if (st == OAR_OK) st = oar_node_add_output(&b, OAR_LAYOUT_OUT_OUT, vb, err);
  if (st != OAR_OK) {
    oar_node_abort(&b);
    return st;
  }
  OAR_TRY(oar_pass_append_node(r->ctx, &b, &ni, err));
  OAR_TRY(push_order(r, ni, err));
  OAR_TRY(set_twin(r, v, vb, err));
  *out = vb;
  return OAR_OK;
}

/* Replaces node ni by `schema` on blocked values: inputs as ni's with the
 * blocked ones swapped in (in_blocked[slot] >= 0), same attributes, output
 * slot 0 a new blocked value; ni's output then comes from a
 * layout_from_blocked with `channels` channels. */
static oar_status replace_blocked(rewrite *r, int ni, oar_op_id op, const int *in_blocked, int64_t channels,
                                  oar_error *err) {
  oar_pass_ctx *ctx = r->ctx;
  oar_graph *g = ctx->graph;
  const int y = oar_pass_output(ctx, ni, 0), source = g->nodes[ni].source_index;
  int yb, nb, nf;
  OAR_TRY(new_blocked_value(r, y, &yb, err));
  oar_pass_kill(ctx, ni);
  oar_node_builder b;
  OAR_TRY(oar_node_begin(&b, g, oar_schema_by_id(op), source, err));
  oar_status st = OAR_OK;
  const oar_node *n = &g->nodes[ni];
  for (int slot = 0; slot < n->schema->num_inputs && st == OAR_OK; slot++) {
    const int v = oar_pass_input(ctx, ni, slot);
    if (v >= 0) st = oar_node_add_input(&b, slot, in_blocked[slot] >= 0 ? in_blocked[slot] : v, err);
  }
  for (int a = 0; a < n->schema->num_attrs && st == OAR_OK; a++)
    st = oar_node_set_attr(&b, a, &n->attrs[a], err);
  if (st == OAR_OK) st = oar_node_add_output(&b, 0, yb, err);
  if (st != OAR_OK) {
    oar_node_abort(&b);
    return st;
  }
  OAR_TRY(oar_pass_append_node(ctx, &b, &nb, err));
  OAR_TRY(push_order(r, nb, err));
  OAR_TRY(set_twin(r, y, yb, err));

  OAR_TRY(oar_node_begin(&b, g, oar_schema_by_id(OAR_OP_layout_from_blocked), source, err));
  const oar_attr c = {.type = OAR_ATTR_INT, .i = channels};
  st = oar_node_add_input(&b, OAR_LAYOUT_IN_X, yb, err);
  if (st == OAR_OK) st = oar_node_set_attr(&b, OAR_LAYOUT_ATTR_CHANNELS, &c, err);
  if (st == OAR_OK) st = oar_node_add_output(&b, OAR_LAYOUT_OUT_OUT, y, err);
  if (st != OAR_OK) {
    oar_node_abort(&b);
    return st;
  }
  OAR_TRY(oar_pass_append_node(ctx, &b, &nf, err));
  OAR_TRY(push_order(r, nf, err));
  ctx->report->fired++;
  return OAR_OK;
}

static bool nchw_float(const oar_pass_ctx *ctx, int v) {
  const oar_value *val = &ctx->graph->values[v];
  return val->dtype == OAR_DTYPE_FLOAT32 && val->shape.rank == 4 && val->shape.dims[1] > 0;
}

/* Padding channels cost at most a third more work. */
static bool little_waste(int64_t c) { return c >= 16 && oar_blocked_channels(c) * OAR_BLOCK_C * 3 <= c * 4; }

static oar_status try_conv(rewrite *r, int ni, bool *done, oar_error *err) {
  oar_pass_ctx *ctx = r->ctx;
  const oar_node *n = &ctx->graph->nodes[ni];
  *done = false;
  const int x = oar_pass_input(ctx, ni, OAR_CONV_IN_INPUT), w = oar_pass_input(ctx, ni, OAR_CONV_IN_FILTER);
  const int res = oar_pass_input(ctx, ni, OAR_CONV_IN_RESIDUAL);
  if (x < 0 || w < 0 || !oar_pass_is_const(ctx, w) || !nchw_float(ctx, x)) return OAR_OK;
  if (strcmp(oar_op_attr_str(n, OAR_CONV_ATTR_DATA_FORMAT), "NHWC") == 0) return OAR_OK;
  const oar_shape *ws = &ctx->graph->values[w].shape;
  if (ws->rank != 4 || ws->dims[2] * ws->dims[3] > 64) return OAR_OK;
  const int64_t groups = oar_node_attr_i(n, OAR_CONV_ATTR_GROUPS);
  const int64_t in_c = ctx->graph->values[x].shape.dims[1], out_c = ws->dims[0];
  const bool depthwise = groups > 1 && groups == in_c && out_c == in_c && ws->dims[1] == 1;
  if (depthwise ? !ctx->target.blocked_depthwise : groups != 1) return OAR_OK;
  /* Few input channels: read NCHW as it is (a first layer). */
  const bool plain_input = twin(r, x) < 0 && !depthwise && !little_waste(in_c);
  if (!little_waste(out_c)) {
    oar_pass_note(ctx, "%s: %lld output channels stay NCHW (padding to 16 would waste work)",
                  oar_pass_node_name(ctx, ni), (long long)out_c);
    return OAR_OK;
  }
  if (res >= 0 && !nchw_float(ctx, res)) return OAR_OK;
  int in_blocked[4] = {-1, -1, -1, -1};
  /* Appending nodes may move g->nodes: n is not read past this point. */
  const int source = n->source_index;
  if (!plain_input) OAR_TRY(blocked_input(r, x, source, &in_blocked[OAR_CONV_IN_INPUT], err));
  if (res >= 0) OAR_TRY(blocked_input(r, res, source, &in_blocked[OAR_CONV_IN_RESIDUAL], err));
  *done = true;
  return replace_blocked(r, ni, OAR_OP_conv2d_blocked, in_blocked, out_c, err);
}

static oar_status try_pool(rewrite *r, int ni, bool *done, oar_error *err) {
  oar_pass_ctx *ctx = r->ctx;
  const oar_node *n = &ctx->graph->nodes[ni];
  *done = false;
  const int x = oar_pass_input(ctx, ni, OAR_POOL_IN_X);
  if (!ctx->target.blocked_pool || x < 0 || twin(r, x) < 0 || !nchw_float(ctx, x)) return OAR_OK;
  if (strcmp(oar_op_attr_str(n, OAR_POOL_ATTR_DATA_FORMAT), "NHWC") == 0) return OAR_OK;
  int in_blocked[1] = {twin(r, x)};
  *done = true;
  return replace_blocked(r, ni, OAR_OP_pool2d_blocked, in_blocked, ctx->graph->values[x].shape.dims[1], err);
}

/* An elementwise op whose two inputs are both blocked already, with the
 * same channels (broadcasting over batch, height or width, as an SE
 * block's channel scale [N, C, 1, 1] does), runs on the blocked tensors as
 * it is: both rank 5, the broadcast is the same dim by dim. Only ops that
 * keep the zero padding lanes finite (not div or pow: 0 / 0). */
static oar_status try_elementwise(rewrite *r, int ni, bool *done, oar_error *err) {
  oar_pass_ctx *ctx = r->ctx;
  *done = false;
  const int x = oar_pass_input(ctx, ni, OAR_EW_IN_X), y = oar_pass_input(ctx, ni, OAR_EW_IN_Y);
  if (x < 0 || y < 0 || !nchw_float(ctx, x) || !nchw_float(ctx, y) || twin(r, x) < 0 || twin(r, y) < 0)
    return OAR_OK;
  const int64_t c = ctx->graph->values[x].shape.dims[1];
  if (ctx->graph->values[y].shape.dims[1] != c) return OAR_OK;
  int in_blocked[2];
  in_blocked[OAR_EW_IN_X] = twin(r, x);
  in_blocked[OAR_EW_IN_Y] = twin(r, y);
  *done = true;
  return replace_blocked(r, ni, ctx->graph->nodes[ni].schema->id, in_blocked, c, err);
}

oar_status oar_pass_to_blocked_layout(oar_pass_ctx *ctx, oar_error *err) {
  if (!ctx->target.blocked_conv) return OAR_OK;
  rewrite r = {.ctx = ctx};
  oar_status st = OAR_OK;
  const int count = ctx->graph->num_nodes;
  for (int ni = 0; ni < count && st == OAR_OK; ni++) {
    bool done = false;
    if (!ctx->dead[ni]) {
      const oar_op_id id = ctx->graph->nodes[ni].schema->id;
      if (id == OAR_OP_conv2d || id == OAR_OP_depthwise_conv2d)
        st = try_conv(&r, ni, &done, err);
      else if (id == OAR_OP_pool2d)
        st = try_pool(&r, ni, &done, err);
      else if (id == OAR_OP_elementwise_add || id == OAR_OP_elementwise_sub || id == OAR_OP_elementwise_mul ||
               id == OAR_OP_elementwise_max || id == OAR_OP_elementwise_min)
        st = try_elementwise(&r, ni, &done, err);
    }
    /* A replaced node stays in the schedule, dead, where it was. */
    if (st == OAR_OK) st = push_order(&r, ni, err);
  }
  if (st == OAR_OK && r.n_order != ctx->graph->num_nodes)
    st = oar_error_set(err, OAR_ERR_INTERNAL, "layout change scheduled %d of %d nodes", r.n_order,
                       ctx->graph->num_nodes);
  if (st == OAR_OK && ctx->report->fired > 0) st = oar_pass_reorder(ctx, r.order, err);
  oar_free(r.blocked);
  oar_free(r.order);
  return st;
}
