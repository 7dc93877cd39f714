/* A blocked convolution that pads its input, reading the output of another
 * blocked convolution that nobody else reads, gets that input already
 * padded: the producer writes its output inside zero rows and columns
 * (conv2d_blocked's pad_output) and the reader pads nothing. Without this
 * the reader's kernel copies its whole input into a zero-bordered buffer
 * every run (kernels/generic/conv16c.h): 35 us of a 0.93 ms 3x3 layer on
 * a 56x56x64 image, about 0.2 ms of ResNet-50.
 *
 * Only zero padding moves this way (pooling pads with -inf, and keeps its
 * own), only between groups == 1 convolutions (the depthwise kernel reads
 * its borders in place), and only where the image size is known. */
#include "ir/ops/blocked_layout.h"
#include "ir/ops/conv.h"
#include "passes/pass_util.h"

/* The resolved paddings of blocked convolution ni, or false when they are
 * unknown or ni is not a candidate reader. */
static bool reader_pads(const oar_pass_ctx *ctx, int ni, int64_t pads[4]) {
  const oar_graph *g = ctx->graph;
  const oar_node *n = &g->nodes[ni];
  const int x = oar_pass_input(ctx, ni, OAR_CONV_IN_INPUT), w = oar_pass_input(ctx, ni, OAR_CONV_IN_FILTER);
  if (x < 0 || w < 0 || g->values[x].shape.rank != 5 || oar_node_attr_i(n, OAR_CONV_ATTR_GROUPS) != 1)
    return false;
  const oar_shape *ws = &g->values[w].shape;
  if (ws->rank != 4) return false;
  oar_error e = {0};
  oar_shape nchw;
  oar_conv2d_geom geo;
  if (oar_blocked_as_nchw(&g->values[x].shape, "Input", ws->dims[1], &nchw, &e) != OAR_OK ||
      nchw.dims[2] <= 0 || nchw.dims[3] <= 0 || oar_conv2d_geometry(n, &nchw, ws, &geo, &e) != OAR_OK)
    return false;
  pads[0] = geo.pad_top;
  pads[1] = geo.pad_bottom;
  pads[2] = geo.pad_left;
  pads[3] = geo.pad_right;
  return pads[0] || pads[1] || pads[2] || pads[3];
}

/* Whether node pi can write its output zero-bordered. */
static bool producer_ok(const oar_pass_ctx *ctx, int pi) {
  if (pi < 0 || ctx->dead[pi]) return false;
  const oar_node *p = &ctx->graph->nodes[pi];
  if (p->schema->id != OAR_OP_conv2d_blocked || oar_node_attr_i(p, OAR_CONV_ATTR_GROUPS) != 1) return false;
  int64_t pads[4];
  oar_error e = {0};
  return oar_conv2d_pad_output(p, pads, &e) == OAR_OK && !pads[0] && !pads[1] && !pads[2] && !pads[3];
}

oar_status oar_pass_pad_into_producer(oar_pass_ctx *ctx, oar_error *err) {
  if (!ctx->target.blocked_conv) return OAR_OK;
  oar_graph *g = ctx->graph;
  for (int ni = 0; ni < g->num_nodes; ni++) {
    if (ctx->dead[ni] || g->nodes[ni].schema->id != OAR_OP_conv2d_blocked) continue;
    int64_t pads[4];
    if (!reader_pads(ctx, ni, pads)) continue;
    const int x = oar_pass_input(ctx, ni, OAR_CONV_IN_INPUT), pi = g->values[x].producer;
    if (!producer_ok(ctx, pi) || oar_pass_output(ctx, pi, OAR_CONV_OUT_OUTPUT) != x ||
        oar_pass_sole_consumer(ctx, x) != ni) {
      oar_pass_note(ctx, "%s: its input is not a blocked convolution's output read only here",
                    oar_pass_node_name(ctx, ni));
      continue;
    }
    oar_shape *s = &g->values[x].shape;
    int64_t h, w;
    if (__builtin_add_overflow(s->dims[2], pads[0] + pads[1], &h) ||
        __builtin_add_overflow(s->dims[3], pads[2] + pads[3], &w))
      continue;
    const int64_t none[2] = {0, 0};
    OAR_TRY(oar_pass_set_attr_ints(ctx, pi, OAR_CONV_ATTR_PAD_OUTPUT, pads, 4, err));
    OAR_TRY(oar_pass_set_attr_ints(ctx, ni, OAR_CONV_ATTR_PADDINGS, none, 2, err));
    OAR_TRY(oar_pass_set_attr_str(ctx, ni, OAR_CONV_ATTR_PADDING_ALGORITHM, "EXPLICIT", err));
    s->dims[2] = h;
    s->dims[3] = w;
    ctx->report->fired++;
  }
  return OAR_OK;
}
