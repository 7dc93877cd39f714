/* Issue 11, batch B: the index math of the Paddle-only kernels on odd
 * sizes, against naive formulas written independently of the kernels
 * (integer window bounds, direct convolution, identity samplings), and
 * the infer errors of their schemas. The op fixtures (tests/data/ops)
 * hold the same kernels to Paddle's outputs. Returns nonzero when a check
 * fails. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ir/graph.h"
#include "ir/ops/pd_ops.h"
#include "kernels/ref/pd_pool.h"
#include "kernels/ref/pd_sample.h"
#include "test_check.h"

#define OAR_OP(id) extern const oar_op_schema oar_schema_##id;
#include "ir/op_list.h"
#undef OAR_OP

static uint32_t rng_state = 2024u;
static float frand(void) {
  rng_state = rng_state * 1664525u + 1013904223u;
  return (float)((rng_state >> 8) % 2001) / 1000.0f - 1.0f;
}

static float *randv(int64_t n) {
  float *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
  for (int64_t i = 0; i < n; i++) v[i] = frand();
  return v;
}

/* ---- unfold: im2col times a weight matrix equals a direct convolution ---- */

static void test_unfold(void) {
  const int64_t b = 2, c = 3, h = 7, w = 9, k[2] = {3, 2}, s[2] = {2, 3}, d[2] = {2, 1}, pb[2] = {1, 2},
                pe[2] = {0, 1}, m = 4;
  int64_t out[2];
  for (int i = 0; i < 2; i++) out[i] = ((i ? w : h) + pb[i] + pe[i] - (d[i] * (k[i] - 1) + 1)) / s[i] + 1;
  const int64_t rows = c * k[0] * k[1], cols = out[0] * out[1];
  float *x = randv(b * c * h * w), *wt = randv(m * rows), *y = randv(b * rows * cols);
  oar_ref_unfold_f32(x, y, b, c, h, w, k, s, d, pb, out);
  double worst = 0;
  for (int64_t n = 0; n < b; n++)
    for (int64_t o = 0; o < m; o++)
      for (int64_t r = 0; r < out[0]; r++)
        for (int64_t q = 0; q < out[1]; q++) {
          double via = 0, direct = 0;
          for (int64_t row = 0; row < rows; row++)
            via += (double)wt[o * rows + row] * y[(n * rows + row) * cols + r * out[1] + q];
          for (int64_t ch = 0; ch < c; ch++)
            for (int64_t i = 0; i < k[0]; i++)
              for (int64_t j = 0; j < k[1]; j++) {
                const int64_t yy = r * s[0] + i * d[0] - pb[0], xx = q * s[1] + j * d[1] - pb[1];
                if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                direct +=
                    (double)wt[o * rows + (ch * k[0] + i) * k[1] + j] * x[((n * c + ch) * h + yy) * w + xx];
              }
          worst = fmax(worst, fabs(via - direct));
        }
  CHECK(worst < 1e-4, "unfold: conv through im2col differs from the direct conv by %g", worst);
  free(x), free(wt), free(y);
}

/* ---- max pool with index: every window, on every small size ---------------- */

static void test_max_pool_index(void) {
  int bad = 0, cases = 0;
  for (int64_t h = 1; h <= 7; h++)
    for (int64_t w = 1; w <= 6; w++)
      for (int64_t kk = 1; kk <= 3; kk++)
        for (int64_t st = 1; st <= 2; st++)
          for (int64_t p = 0; p < kk; p++)
            for (int adaptive = 0; adaptive < 2; adaptive++) {
              const int64_t in[2] = {h, w}, kernel[2] = {kk, kk + 1 <= w ? kk + 1 : kk}, stride[2] = {st, st},
                            pad[2] = {p, p};
              int64_t out[2];
              for (int i = 0; i < 2; i++)
                out[i] = adaptive ? kernel[i] : (in[i] + 2 * pad[i] - kernel[i]) / stride[i] + 1;
              if (out[0] < 1 || out[1] < 1) continue;
              if (!adaptive && ((out[0] - 1) * st - p >= h || (out[1] - 1) * st - p >= w)) continue;
              cases++;
              float *x = randv(h * w), *y = randv(out[0] * out[1]);
              int32_t *mask = malloc((size_t)(out[0] * out[1]) * sizeof *mask);
              oar_ref_max_pool_index_f32(x, y, mask, 1, 2, in, out, kernel, stride, pad, adaptive);
              for (int64_t oy = 0; oy < out[0]; oy++)
                for (int64_t ox = 0; ox < out[1]; ox++) {
                  int64_t lo[2], hi[2];
                  const int64_t o2[2] = {oy, ox};
                  for (int i = 0; i < 2; i++) {
                    if (adaptive) { /* integer floor / ceil */
                      lo[i] = o2[i] * in[i] / out[i];
                      hi[i] = ((o2[i] + 1) * in[i] + out[i] - 1) / out[i];
                    } else {
                      lo[i] = o2[i] * stride[i] - pad[i];
                      hi[i] = lo[i] + kernel[i];
                      if (lo[i] < 0) lo[i] = 0;
                      if (hi[i] > in[i]) hi[i] = in[i];
                    }
                  }
                  float best = -INFINITY;
                  for (int64_t yy = lo[0]; yy < hi[0]; yy++)
                    for (int64_t xx = lo[1]; xx < hi[1]; xx++) best = fmaxf(best, x[yy * w + xx]);
                  const int32_t at = mask[oy * out[1] + ox];
                  const bool inside =
                      at >= 0 && at / w >= lo[0] && at / w < hi[0] && at % w >= lo[1] && at % w < hi[1];
                  if (!inside || x[at] != y[oy * out[1] + ox] || y[oy * out[1] + ox] != best) bad++;
                }
              free(x), free(y), free(mask);
            }
  CHECK(cases > 200 && bad == 0, "max_pool_index: %d wrong outputs over %d size cases", bad, cases);
}

/* ---- deformable conv: integer offsets are a shifted direct convolution ---- */

static void test_deformable_conv(void) {
  oar_ref_dconv_geom g = {.n = 2,
                          .c = 4,
                          .h = 5,
                          .w = 7,
                          .m = 6,
                          .kh = 3,
                          .kw = 2,
                          .groups = 2,
                          .dgroups = 2,
                          .stride = {2, 1},
                          .pad = {1, 0},
                          .dilation = {1, 2}};
  g.oh = (g.h + 2 * g.pad[0] - (g.dilation[0] * (g.kh - 1) + 1)) / g.stride[0] + 1;
  g.ow = (g.w + 2 * g.pad[1] - (g.dilation[1] * (g.kw - 1) + 1)) / g.stride[1] + 1;
  const int64_t taps = g.kh * g.kw, plane = g.oh * g.ow, offn = g.n * g.dgroups * 2 * taps * plane;
  float *x = randv(g.n * g.c * g.h * g.w), *f = randv(g.m * (g.c / g.groups) * taps), *off = randv(offn),
        *mask = randv(g.n * g.dgroups * taps * plane), *y = randv(g.n * g.m * plane);
  for (int64_t i = 0; i < g.n * g.dgroups * taps * plane; i++) mask[i] = 1.0f;
  /* shift (dy, dx) = (0, 0), (1, 0), (0, -1): the offset channels are (h, w) per tap */
  const int shifts[3][2] = {{0, 0}, {1, 0}, {0, -1}};
  for (int sft = 0; sft < 3; sft++) {
    for (int64_t i = 0; i < offn; i++) off[i] = (float)shifts[sft][(i / plane) % 2];
    oar_ref_deformable_conv_f32(x, off, f, sft == 2 ? NULL : mask, y, &g);
    double worst = 0;
    const int64_t cpg = g.c / g.groups, mpg = g.m / g.groups;
    for (int64_t n = 0; n < g.n; n++)
      for (int64_t o = 0; o < g.m; o++)
        for (int64_t oy = 0; oy < g.oh; oy++)
          for (int64_t ox = 0; ox < g.ow; ox++) {
            double want = 0;
            for (int64_t cl = 0; cl < cpg; cl++)
              for (int64_t i = 0; i < g.kh; i++)
                for (int64_t j = 0; j < g.kw; j++) {
                  const int64_t ch = (o / mpg) * cpg + cl;
                  const int64_t yy = oy * g.stride[0] - g.pad[0] + i * g.dilation[0] + shifts[sft][0],
                                xx = ox * g.stride[1] - g.pad[1] + j * g.dilation[1] + shifts[sft][1];
                  if (yy < 0 || yy >= g.h || xx < 0 || xx >= g.w) continue;
                  want += (double)f[((o * cpg) + cl) * taps + i * g.kw + j] *
                          x[((n * g.c + ch) * g.h + yy) * g.w + xx];
                }
            worst = fmax(worst, fabs(want - y[((n * g.m + o) * g.oh + oy) * g.ow + ox]));
          }
    CHECK(worst < 1e-4, "deformable_conv shift (%d, %d): differs from the direct conv by %g", shifts[sft][0],
          shifts[sft][1], worst);
  }
  free(x), free(f), free(off), free(mask), free(y);
}

/* ---- grid sample: a grid on the pixel centers gives the input back -------- */

static void test_grid_sample_identity(void) {
  const int64_t n = 2, c = 3, h = 5, w = 7;
  float *x = randv(n * c * h * w), *grid = randv(n * h * w * 2), *y = randv(n * c * h * w);
  for (int align = 0; align < 2; align++)
    for (int nearest = 0; nearest < 2; nearest++)
      for (int pad = OAR_REF_GRID_ZEROS; pad <= OAR_REF_GRID_REFLECTION; pad++) {
        for (int64_t b = 0; b < n; b++)
          for (int64_t i = 0; i < h; i++)
            for (int64_t j = 0; j < w; j++) {
              float *g = grid + ((b * h + i) * w + j) * 2;
              g[0] = align ? -1.0f + 2.0f * (float)j / (float)(w - 1)
                           : (2.0f * (float)j + 1.0f) / (float)w - 1.0f;
              g[1] = align ? -1.0f + 2.0f * (float)i / (float)(h - 1)
                           : (2.0f * (float)i + 1.0f) / (float)h - 1.0f;
            }
        oar_ref_grid_sample_f32(x, grid, y, n, c, h, w, h, w, nearest, pad, align);
        double worst = 0;
        for (int64_t i = 0; i < n * c * h * w; i++) worst = fmax(worst, fabs(x[i] - y[i]));
        CHECK(worst < 1e-5, "grid_sample align %d nearest %d padding %d: identity grid off by %g", align,
              nearest, pad, worst);
      }
  free(x), free(grid), free(y);
}

/* ---- temporal shift: the frame each channel band reads ------------------- */

static void test_temporal_shift(void) {
  const int64_t seg = 3, batch = 2 * seg, c = 9, inner = 5; /* c1 = 2, c2 = 4 with ratio 0.25 */
  float *x = randv(batch * c * inner), *y = randv(batch * c * inner), *yt = randv(batch * c * inner),
        *xt = randv(batch * c * inner);
  oar_ref_temporal_shift_f32(x, y, batch, seg, c, inner, false, 0.25);
  int bad = 0;
  for (int64_t nb = 0; nb < batch; nb++)
    for (int64_t ch = 0; ch < c; ch++)
      for (int64_t s = 0; s < inner; s++) {
        const int64_t t = nb % seg, from = ch < 2 ? t - 1 : ch < 4 ? t + 1 : t;
        const float want = from < 0 || from >= seg ? 0.0f : x[((nb - t + from) * c + ch) * inner + s];
        bad += y[(nb * c + ch) * inner + s] != want;
      }
  CHECK(bad == 0, "temporal_shift NCHW: %d wrong values", bad);
  /* NHWC: the same values transposed */
  for (int64_t nb = 0; nb < batch; nb++)
    for (int64_t ch = 0; ch < c; ch++)
      for (int64_t s = 0; s < inner; s++) xt[(nb * inner + s) * c + ch] = x[(nb * c + ch) * inner + s];
  oar_ref_temporal_shift_f32(xt, yt, batch, seg, c, inner, true, 0.25);
  bad = 0;
  for (int64_t nb = 0; nb < batch; nb++)
    for (int64_t ch = 0; ch < c; ch++)
      for (int64_t s = 0; s < inner; s++)
        bad += yt[(nb * inner + s) * c + ch] != y[(nb * c + ch) * inner + s];
  CHECK(bad == 0, "temporal_shift NHWC: %d values differ from NCHW's", bad);
  free(x), free(y), free(xt), free(yt);
}

/* ---- schema errors ---------------------------------------------------------- */

static void test_group_norm_groups_must_divide(void) {
  oar_graph *g;
  oar_error err = {0};
  if (oar_graph_create(&g, &err) != OAR_OK) {
    CHECK(0, "graph_create: %s", err.msg);
    return;
  }
  oar_node_builder b;
  int xv, yv;
  oar_graph_add_value(g, "x", OAR_DTYPE_FLOAT32, NULL, &xv, &err);
  oar_graph_add_value(g, "y", OAR_DTYPE_FLOAT32, NULL, &yv, &err);
  oar_node_begin(&b, g, &oar_schema_group_norm, 0, &err);
  oar_node_add_input(&b, OAR_GNORM_IN_X, xv, &err);
  oar_node_add_output(&b, OAR_GNORM_OUT_Y, yv, &err);
  const oar_attr groups = {.type = OAR_ATTR_INT, .i = 4};
  oar_node_set_attr(&b, OAR_GNORM_ATTR_GROUPS, &groups, &err);
  CHECK(oar_node_finish(&b, &err) == OAR_OK, "node_finish: %s", err.msg);
  const oar_node *node = &g->nodes[g->num_nodes - 1];
  const int64_t dims[4] = {2, 6, 3, 3};
  oar_tensor_view x = {.dtype = OAR_DTYPE_FLOAT32, .shape = oar_shape_make(4, dims)};
  const oar_tensor_view *in[] = {&x};
  oar_tensor_view out[1];
  memset(out, 0, sizeof out);
  oar_error_clear(&err);
  const oar_status st = node->schema->infer(node, in, out, &err);
  CHECK(st == OAR_ERR_INVALID_MODEL && strcmp(err.msg, "has 6 channels, which 4 groups do not divide") == 0,
        "group_norm with 4 groups of 6 channels: status %d, message '%s'", (int)st, err.msg);
  x.shape.dims[1] = 8;
  oar_error_clear(&err);
  CHECK(node->schema->infer(node, in, out, &err) == OAR_OK && out[0].shape.dims[1] == 8,
        "group_norm with 4 groups of 8 channels: %s", err.msg);
  oar_graph_destroy(g);
}

int main(void) {
  test_unfold();
  test_max_pool_index();
  test_deformable_conv();
  test_grid_sample_identity();
  test_temporal_shift();
  test_group_norm_groups_must_divide();
  printf("%d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
