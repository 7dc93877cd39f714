/* The fast 1-D / 2-D paths of conv_transpose_nd and conv_nd against their
 * reference twins (kernels/ref/window_nd.c), on every ISA level the host
 * supports, 1 and 2 threads:
 *   - transposed convolution (kernels/generic/deconv_gemm.c), GEMM +
 *     col2im and direct scatter both forced on every case: groups
 *     (depthwise included), strides, dilations, begin paddings (negative
 *     too, as ONNX's output_shape gives), output padding, bias, odd sizes
 *     and slices of the input plane smaller than the plane;
 *   - convolutions as conv_nd maps them onto conv2d's GEMM
 *     (kernels/generic/conv_gemm.c), 1-D as one row, with long kernels and
 *     large strides (an STFT: 400 taps, stride 160);
 *   - 3-D convolutions on the N-d im2col GEMM (kernels/generic/
 *     conv_nd_gemm.c): random sizes, kernels, strides, dilations,
 *     asymmetric paddings, groups, bias, the filter packed or not.
 *
 * Tolerance policy: small-integer inputs make every sum exact, so outputs
 * must equal the reference bit for bit. Outputs carry guard words; inputs
 * sit against an inaccessible page. */
#include "test_gemm_harness.h"

#include "kernels/generic/conv_gemm.h"
#include "kernels/generic/conv_nd_gemm.h"
#include "kernels/generic/deconv_gemm.h"
#include "kernels/ref/window_nd.h"

typedef struct win_case {
  int nsp;
  int64_t batch, c, oc, groups;
  int64_t in[2], k[2], s[2], d[2], pad[2], opad[2];
  int bias;
} win_case;

/* Reference geometry (window_params) and conv2d params for the case;
 * false when the output would be empty. */
static bool geometry(const win_case *wc, bool transpose, oar_window_params *wp, oar_conv2d_params *p) {
  memset(wp, 0, sizeof *wp);
  wp->nsp = wc->nsp;
  wp->batch = wc->batch;
  wp->in_c = wc->c;
  wp->out_c = wc->oc;
  wp->group = wc->groups;
  for (int i = 0; i < wc->nsp; i++) {
    const int64_t ek = wc->d[i] * (wc->k[i] - 1) + 1;
    wp->in[i] = wc->in[i];
    wp->kernel[i] = wc->k[i];
    wp->stride[i] = wc->s[i];
    wp->dilation[i] = wc->d[i];
    wp->pad_begin[i] = wp->pad_end[i] = wc->pad[i];
    wp->out[i] = transpose ? (wc->in[i] - 1) * wc->s[i] + ek - 2 * wc->pad[i] + wc->opad[i]
                           : (wc->in[i] + 2 * wc->pad[i] - ek) / wc->s[i] + 1;
    if (wp->out[i] <= 0 || (!transpose && wc->in[i] + 2 * wc->pad[i] < ek)) return false;
  }
  const int h = wc->nsp - 2, w = wc->nsp - 1;
  *p = (oar_conv2d_params){.batch = wc->batch,
                           .in_c = wc->c,
                           .in_h = h >= 0 ? wp->in[h] : 1,
                           .in_w = wp->in[w],
                           .out_c = wc->oc,
                           .out_h = h >= 0 ? wp->out[h] : 1,
                           .out_w = wp->out[w],
                           .kernel_h = h >= 0 ? wc->k[h] : 1,
                           .kernel_w = wc->k[w],
                           .stride_h = h >= 0 ? wc->s[h] : 1,
                           .stride_w = wc->s[w],
                           .pad_top = h >= 0 ? wc->pad[h] : 0,
                           .pad_left = wc->pad[w],
                           .dilation_h = h >= 0 ? wc->d[h] : 1,
                           .dilation_w = wc->d[w],
                           .groups = wc->groups};
  return true;
}

static void describe(const win_case *wc, char *buf, size_t n) {
  snprintf(buf, n,
           "%dd b%lld c%lld->%lld g%lld in %lldx%lld k%lldx%lld s%lld,%lld d%lld,%lld p%lld,%lld op%lld,%lld "
           "bias %d",
           wc->nsp, (long long)wc->batch, (long long)wc->c, (long long)wc->oc, (long long)wc->groups,
           (long long)wc->in[0], (long long)wc->in[1], (long long)wc->k[0], (long long)wc->k[1],
           (long long)wc->s[0], (long long)wc->s[1], (long long)wc->d[0], (long long)wc->d[1],
           (long long)wc->pad[0], (long long)wc->pad[1], (long long)wc->opad[0], (long long)wc->opad[1],
           wc->bias);
}

/* mode: 0 conv_nd, 1 transpose on the GEMM, 2 transpose direct. */
static void run_case(const oar_f32_kernels *kr, int threads, const win_case *wc, int mode, int prepack) {
  const bool transpose = mode > 0;
  oar_window_params wp;
  oar_conv2d_params p;
  if (!geometry(wc, transpose, &wp, &p)) return;
  size_t in_sp = 1, out_sp = 1, k_sp = 1;
  for (int i = 0; i < wc->nsp; i++) {
    in_sp *= (size_t)wp.in[i];
    out_sp *= (size_t)wp.out[i];
    k_sp *= (size_t)wp.kernel[i];
  }
  const size_t xs = (size_t)(wc->batch * wc->c) * in_sp, ys = (size_t)(wc->batch * wc->oc) * out_sp;
  const size_t ws =
      (size_t)(transpose ? wc->c * (wc->oc / wc->groups) : wc->oc * (wc->c / wc->groups)) * k_sp;
  page_buf px, pw, pb;
  float *x = page_alloc(&px, xs), *w = page_alloc(&pw, ws), *b = page_alloc(&pb, (size_t)wc->oc);
  for (size_t i = 0; i < xs; i++) x[i] = rnd_small();
  for (size_t i = 0; i < ws; i++) w[i] = rnd_small();
  for (int64_t i = 0; i < wc->oc; i++) b[i] = rnd_small();
  float *want = malloc(ys * sizeof *want);
  guard_buf gy;
  float *y = guard_alloc(&gy, ys);
  for (size_t i = 0; i < ys; i++) y[i] = NAN; /* every output must be written */
  float *packed = NULL;
  void *work = NULL;
  if (transpose) {
    oar_ref_conv_transpose_nd_f32(&wp, x, w, wc->bias ? b : NULL, want);
    oar_deconv_gemm c;
    oar_deconv_gemm_init(&c, &p, kr, threads, mode == 2);
    /* Slices smaller than the plane on some cases (several GEMMs). */
    if (!c.direct && prepack == 0 && c.chunk > 7) c.chunk = 7;
    const size_t pf = oar_deconv_packed_filter_floats(&c);
    if (prepack && pf > 0) {
      packed = malloc(pf * sizeof *packed);
      oar_deconv_pack_filter(&c, w, packed);
      c.packed_filter = packed;
    }
    work = c.workspace_bytes ? harness_aligned_alloc((c.workspace_bytes + 63) / 64 * 64) : NULL;
    oar_deconv_gemm_run(&c, x, w, wc->bias ? b : NULL, y, work);
  } else {
    oar_ref_conv_nd_f32(&wp, x, w, wc->bias ? b : NULL, want);
    oar_conv_gemm c;
    oar_conv_gemm_init(&c, &p, kr, threads);
    const size_t pf = oar_conv_packed_filter_floats(&c);
    if (prepack && pf > 0) {
      packed = malloc(pf * sizeof *packed);
      oar_conv_pack_filter(&c, w, packed);
      c.packed_filter = packed;
    }
    work = c.workspace_bytes ? harness_aligned_alloc((c.workspace_bytes + 63) / 64 * 64) : NULL;
    oar_conv_gemm_run(&c, x, w, wc->bias ? b : NULL, NULL, -INFINITY, INFINITY, NULL, y, work);
  }
  size_t at;
  const size_t bad = count_bit_mismatches(y, want, ys, &at);
  char what[256];
  describe(wc, what, sizeof what);
  CHECK(bad == 0, "%s threads %d %s %s: %s: %zu of %zu bad, first [%zu] got %.9g want %.9g",
        oar_isa_name(kr->isa), threads,
        mode == 0   ? "conv"
        : mode == 1 ? "transpose gemm"
                    : "transpose direct",
        prepack ? "packed" : "unpacked", what, bad, ys, at, (double)y[at], (double)want[at]);
  CHECK(guard_intact(&gy), "%s: %s wrote outside its output", oar_isa_name(kr->isa), what);
  harness_aligned_free(work);
  free(packed);
  free(want);
  guard_free(&gy);
  page_free(&px);
  page_free(&pw);
  page_free(&pb);
}

static void run_all(const oar_f32_kernels *kr, int threads, const win_case *wc) {
  for (int prepack = 0; prepack < 2; prepack++) {
    run_case(kr, threads, wc, 0, prepack);
    run_case(kr, threads, wc, 1, prepack);
    run_case(kr, threads, wc, 2, prepack);
  }
}

/* One random 3-D convolution, fast against reference. */
static void run_3d_case(const oar_f32_kernels *kr, int threads) {
  oar_window_params p = {.nsp = 3, .batch = 1 + rnd() % 2, .group = 1 + rnd() % 3};
  p.in_c = p.group * (1 + rnd() % 4);
  p.out_c = p.group * (1 + rnd() % (unsigned)(kr->mr + 3));
  size_t in_sp = 1, out_sp = 1, k_sp = 1;
  for (int i = 0; i < 3; i++) {
    p.in[i] = 1 + rnd() % 9;
    p.kernel[i] = 1 + rnd() % 3;
    p.stride[i] = 1 + rnd() % 2;
    p.dilation[i] = 1 + rnd() % 2;
    p.pad_begin[i] = rnd() % 2;
    p.pad_end[i] = rnd() % 3;
    const int64_t span = p.in[i] + p.pad_begin[i] + p.pad_end[i] - (p.dilation[i] * (p.kernel[i] - 1) + 1);
    if (span < 0) return;
    p.out[i] = span / p.stride[i] + 1;
    in_sp *= (size_t)p.in[i];
    out_sp *= (size_t)p.out[i];
    k_sp *= (size_t)p.kernel[i];
  }
  const size_t xs = (size_t)(p.batch * p.in_c) * in_sp, ys = (size_t)(p.batch * p.out_c) * out_sp;
  const size_t ws = (size_t)(p.out_c * (p.in_c / p.group)) * k_sp;
  const int bias = (int)(rnd() % 2), prepack = (int)(rnd() % 2);
  page_buf px, pw, pb;
  float *x = page_alloc(&px, xs), *w = page_alloc(&pw, ws), *b = page_alloc(&pb, (size_t)p.out_c);
  for (size_t i = 0; i < xs; i++) x[i] = rnd_small();
  for (size_t i = 0; i < ws; i++) w[i] = rnd_small();
  for (int64_t i = 0; i < p.out_c; i++) b[i] = rnd_small();
  float *want = malloc(ys * sizeof *want);
  guard_buf gy;
  float *y = guard_alloc(&gy, ys);
  oar_ref_conv_nd_f32(&p, x, w, bias ? b : NULL, want);
  oar_conv_nd_gemm c;
  oar_conv_nd_gemm_init(&c, &p, kr, threads);
  float *packed = NULL;
  if (prepack) {
    packed = malloc(oar_conv_nd_packed_filter_floats(&c) * sizeof *packed);
    oar_conv_nd_pack_filter(&c, w, packed);
    c.packed_filter = packed;
  }
  void *work = c.workspace_bytes ? harness_aligned_alloc((c.workspace_bytes + 63) / 64 * 64) : NULL;
  oar_conv_nd_gemm_run(&c, x, w, bias ? b : NULL, y, work);
  size_t at;
  const size_t bad = count_bit_mismatches(y, want, ys, &at);
  CHECK(bad == 0 && guard_intact(&gy),
        "%s threads %d conv 3d b%lld c%lld->%lld g%lld in %lldx%lldx%lld k%lldx%lldx%lld s%lld,%lld,%lld "
        "d%lld,%lld,%lld p%lld,%lld,%lld bias %d packed %d: %zu of %zu bad (or guard), first [%zu] got %.9g "
        "want %.9g",
        oar_isa_name(kr->isa), threads, (long long)p.batch, (long long)p.in_c, (long long)p.out_c,
        (long long)p.group, (long long)p.in[0], (long long)p.in[1], (long long)p.in[2],
        (long long)p.kernel[0], (long long)p.kernel[1], (long long)p.kernel[2], (long long)p.stride[0],
        (long long)p.stride[1], (long long)p.stride[2], (long long)p.dilation[0], (long long)p.dilation[1],
        (long long)p.dilation[2], (long long)p.pad_begin[0], (long long)p.pad_begin[1],
        (long long)p.pad_begin[2], bias, prepack, bad, ys, at, (double)y[at], (double)want[at]);
  harness_aligned_free(work);
  free(packed);
  free(want);
  guard_free(&gy);
  page_free(&px);
  page_free(&pw);
  page_free(&pb);
}

static void sweep(const oar_f32_kernels *kr, int threads) {
  const int64_t mr = (int64_t)kr->mr, nr = (int64_t)kr->nr;
  const win_case cases[] = {
      /* PP-OCR DB head (smaller planes): 2x2 stride 2. */
      {2, 1, 16, 4, 1, {10, 10}, {2, 2}, {2, 2}, {1, 1}, {0, 0}, {0, 0}, 1},
      {2, 1, 6, 1, 1, {21, 19}, {2, 2}, {2, 2}, {1, 1}, {0, 0}, {0, 0}, 1},
      /* 2-wide, stride-2 kernels (both taps in one pass): paddings and
       * output padding cut one tap at the row edges. */
      {2, 1, 5, 3, 1, {3, 7}, {2, 2}, {2, 2}, {1, 1}, {1, 1}, {1, 1}, 1},
      {2, 1, 2, 4, 2, {5, 9}, {2, 2}, {2, 2}, {1, 1}, {0, 1}, {0, 1}, 0},
      {1, 1, 3, 2, 1, {11, 1}, {2, 1}, {2, 1}, {1, 1}, {1, 0}, {1, 0}, 1},
      {2, 1, 4, 4, 4, {6, 5}, {2, 2}, {2, 2}, {1, 1}, {1, 1}, {0, 1}, 1},
      /* Overlapping windows, paddings, output padding, dilation. */
      {2, 1, 5, mr + 1, 1, {7, 9}, {3, 3}, {2, 2}, {1, 1}, {1, 1}, {1, 1}, 1},
      {2, 2, 3, 7, 1, {5, 6}, {4, 3}, {3, 2}, {2, 1}, {2, 0}, {2, 1}, 0},
      {2, 1, 8, 2 * mr + 3, 1, {4, 33}, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {0, 0}, 1},
      {2, 1, 4, 6, 1, {6, 6}, {3, 3}, {2, 2}, {1, 1}, {-1, 2}, {0, 0}, 1},
      /* Groups and depthwise (multiplier 1 and 2). */
      {2, 1, 8, 12, 2, {6, 7}, {3, 3}, {2, 2}, {1, 1}, {1, 1}, {1, 0}, 1},
      {2, 2, 6, 6, 6, {9, 8}, {4, 4}, {2, 2}, {1, 1}, {1, 1}, {0, 0}, 1},
      {2, 1, 4, 8, 4, {5, 11}, {3, 3}, {1, 1}, {2, 2}, {2, 2}, {0, 0}, 0},
      /* 1-D: long kernels, large strides (an STFT), groups. */
      {1, 1, 1, nr + 5, 1, {1600, 1}, {40, 1}, {16, 1}, {1, 1}, {0, 0}, {0, 0}, 1},
      {1, 1, 1, 40, 1, {2000, 1}, {400, 1}, {160, 1}, {1, 1}, {0, 0}, {0, 0}, 0},
      {1, 2, 6, 9, 3, {37, 1}, {5, 1}, {3, 1}, {2, 1}, {4, 0}, {2, 0}, 1},
      {1, 1, 3, 5, 1, {50, 1}, {7, 1}, {1, 1}, {1, 1}, {3, 0}, {0, 0}, 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) run_all(kr, threads, &cases[i]);
  for (int t = 0; t < 120; t++) {
    win_case c = {.nsp = 1 + (int)(rnd() % 2), .batch = 1 + rnd() % 2, .bias = (int)(rnd() % 2)};
    for (int i = 0; i < c.nsp; i++) {
      c.in[i] = 1 + rnd() % (c.nsp == 1 ? 40 : 12);
      c.k[i] = 1 + rnd() % (c.nsp == 1 ? 9 : 4);
      c.s[i] = 1 + rnd() % 3;
      c.d[i] = 1 + rnd() % 2;
      c.pad[i] = rnd() % c.k[i];
      c.opad[i] = rnd() % c.s[i];
    }
    for (int i = c.nsp; i < 2; i++) c.in[i] = c.k[i] = c.s[i] = c.d[i] = 1;
    c.groups = 1 + rnd() % 3;
    c.c = c.groups * (1 + rnd() % 5);
    c.oc = c.groups * (1 + rnd() % (2 * (unsigned)mr + 2));
    run_all(kr, threads, &c);
  }
  for (int t = 0; t < 60; t++) run_3d_case(kr, threads);
}

int main(void) {
  if (harness_each_table_and_threads("test_window_fast", sweep)) return 1;
  return harness_finish("test_window_fast");
}
