#include "kernels/generic/conv_gemm.h"

#include <string.h>

#include "base/threadpool.h"

static size_t round_up_sz(size_t a, size_t b) { return (a + b - 1) / b * b; }

oar_conv_algo oar_conv_choose(const oar_conv2d_params *p, const oar_f32_kernels *kr) {
  const bool one_by_one = p->kernel_h == 1 && p->kernel_w == 1;
  const int64_t cin_g = p->in_c / p->groups, cout_g = p->out_c / p->groups;
  if (cin_g == 1 && p->groups > 1 && cout_g >= 1 && p->groups == p->in_c) return OAR_CONV_DEPTHWISE;
  if (one_by_one && p->out_h == 1 && p->out_w == 1 && p->in_h == 1 && p->in_w == 1 && p->pad_top == 0 &&
      p->pad_left == 0)
    return OAR_CONV_GEMV;
  /* Lanes used with pixels across the vectors, and with channels across. */
  const size_t pixels = (size_t)(p->out_h * p->out_w), channels = (size_t)cout_g;
  const double pixel_fill = (double)pixels / (double)round_up_sz(pixels, kr->nr);
  const double channel_fill = (double)channels / (double)round_up_sz(channels, kr->nr);
  if (pixels >= 2 && pixel_fill < 0.85 && channel_fill >= 0.9 && p->batch >= 1) return OAR_CONV_GEMM_PIXELS;
  if (one_by_one && p->stride_h == 1 && p->stride_w == 1 && p->pad_top == 0 && p->pad_left == 0 &&
      p->out_h == p->in_h && p->out_w == p->in_w)
    return OAR_CONV_GEMM_1X1;
  return OAR_CONV_GEMM_IM2COL;
}

/* ---- setup --------------------------------------------------------------- */

static bool is_1x1_s1(const oar_conv2d_params *p) {
  return p->kernel_h == 1 && p->kernel_w == 1 && p->stride_h == 1 && p->stride_w == 1 && p->pad_top == 0 &&
         p->pad_left == 0 && p->out_h == p->in_h && p->out_w == p->in_w;
}

/* The product's shape and which operands are packed how (data pointers
 * are set per image and group by the run). */
static void gemm_shape(const oar_conv_gemm *c, oar_gemm_problem *g) {
  const oar_conv2d_params *p = &c->p;
  const size_t cout_g = (size_t)(p->out_c / p->groups), pixels = (size_t)(p->out_h * p->out_w);
  memset(g, 0, sizeof *g);
  g->k = (size_t)(p->in_c / p->groups * p->kernel_h * p->kernel_w);
  if (c->algo == OAR_CONV_GEMM_PIXELS) {
    g->m = pixels;
    g->n = cout_g;
    g->a.pack = is_1x1_s1(p) ? c->kr->pack_rows : c->kr->pack_rows_im2col;
    g->b.pack = c->kr->pack_cols; /* replaced by the packed filter when there is one */
    return;
  }
  g->m = cout_g;
  g->n = pixels;
  g->a.pack = c->kr->pack_rows;
  if (c->algo == OAR_CONV_GEMM_IM2COL) {
    g->b.pack = c->kr->pack_im2col;
  } else {
    g->b.direct = (const float *)c; /* set per image by the run */
    g->b.ld = (size_t)(p->in_h * p->in_w);
  }
}

/* Floats of the pixel-major path's transposed output, 64-byte rounded. */
static size_t pixels_out_floats(const oar_conv2d_params *p) {
  return round_up_sz((size_t)(p->out_h * p->out_w) * (size_t)(p->out_c / p->groups), 16);
}

static size_t dw_plane_scratch(const oar_conv2d_params *p) {
  const oar_dwconv_plane d = {
      .out_h = (size_t)p->out_h,
      .out_w = (size_t)p->out_w,
      .kernel_h = (size_t)p->kernel_h,
      .kernel_w = (size_t)p->kernel_w,
      .stride_h = (size_t)p->stride_h,
      .stride_w = (size_t)p->stride_w,
      .dilation_h = (size_t)p->dilation_h,
      .dilation_w = (size_t)p->dilation_w,
  };
  const size_t f = oar_dwconv_scratch_floats(&d);
  return f > SIZE_MAX - 16 ? SIZE_MAX : (f + 15) & ~(size_t)15;
}

/* The bfloat16 product of a float32 problem set up by gemm_shape and the
 * run: the pre-packed side's words, the other side's float32 pack
 * function (a matrix read in place becomes pack_cols on it: *direct). */
static void bf16_problem(const oar_conv_gemm *c, const oar_gemm_problem *g, oar_gemm_matrix *direct,
                         oar_bf16_gemm_problem *b) {
  memset(b, 0, sizeof *b);
  b->m = g->m;
  b->n = g->n;
  b->k = g->k;
  b->a = (oar_bf16_operand){(const uint32_t *)(const void *)g->a.packed, g->a.pack, g->a.ctx};
  if (g->b.direct) {
    *direct = (oar_gemm_matrix){.data = g->b.direct, .ld = g->b.ld, .trans = false, .scale = 1.0f};
    b->b = (oar_bf16_operand){NULL, c->kr->pack_cols, direct};
  } else {
    b->b = (oar_bf16_operand){(const uint32_t *)(const void *)g->b.packed, g->b.pack, g->b.ctx};
  }
  b->c = g->c;
  b->ldc = g->ldc;
  b->epi = g->epi;
}

static void sizing(oar_conv_gemm *c, int threads) {
  c->workspace_bytes = 0;
  c->slots = 1;
  const oar_conv2d_params *p = &c->p;
  if (c->algo == OAR_CONV_DEPTHWISE) {
    const size_t planes = (size_t)(p->batch * p->out_c);
    const double flops = 2.0 * (double)planes * (double)(p->out_h * p->out_w * p->kernel_h * p->kernel_w);
    int slots = threads < 1 ? 1 : threads;
    /* ~10 us of depthwise work per slot at least (see gemm.c). */
    while (slots > 1 && (flops / slots < 0.2 * 1024 * 1024 || (size_t)slots > planes)) slots--;
    c->slots = slots;
    const size_t per = dw_plane_scratch(p);
    if (per == SIZE_MAX || __builtin_mul_overflow(per, (size_t)slots * sizeof(float), &c->workspace_bytes))
      c->workspace_bytes = SIZE_MAX;
    return;
  }
  if (c->algo == OAR_CONV_GEMV) return;
  oar_gemm_problem g;
  gemm_shape(c, &g);
  c->slots = oar_gemm_slots(c->kr, &g, threads);
  /* Sized as if the filter were packed on the fly: it may not be. */
  c->workspace_bytes = oar_gemm_workspace_bytes(c->kr, &g, c->slots);
  if (c->bk) {
    oar_gemm_matrix direct;
    oar_bf16_gemm_problem b;
    bf16_problem(c, &g, &direct, &b);
    c->slots = oar_bf16_gemm_slots(c->kr, c->bk, &b, threads);
    c->workspace_bytes = oar_bf16_gemm_workspace_bytes(c->kr, c->bk, &b, c->slots);
  }
  if (c->algo == OAR_CONV_GEMM_PIXELS && c->workspace_bytes != SIZE_MAX &&
      __builtin_add_overflow(c->workspace_bytes, pixels_out_floats(p) * sizeof(float), &c->workspace_bytes))
    c->workspace_bytes = SIZE_MAX;
}

void oar_conv_gemm_init(oar_conv_gemm *c, const oar_conv2d_params *p, const oar_f32_kernels *kr,
                        int threads) {
  memset(c, 0, sizeof *c);
  c->p = *p;
  c->kr = kr;
  c->algo = oar_conv_choose(p, kr);
  const size_t m = (size_t)(p->out_c / p->groups),
               k = (size_t)(p->in_c / p->groups * p->kernel_h * p->kernel_w);
  /* The filter is A (rows of mr), or B (columns of nr) when pixel-major. */
  c->group_panel_floats = c->algo == OAR_CONV_GEMM_PIXELS ? oar_gemm_packed_floats(m, k, kr->nr)
                                                          : oar_gemm_packed_floats(m, k, kr->mr);
  sizing(c, threads);
}

void oar_conv_gemm_init_bf16(oar_conv_gemm *c, const oar_conv2d_params *p, const oar_f32_kernels *kr,
                             const oar_bf16_kernels *bk, int threads) {
  oar_conv_gemm_init(c, p, kr, threads);
  if (!bk || bk->mr != kr->mr || bk->nr != kr->nr ||
      (c->algo != OAR_CONV_GEMM_1X1 && c->algo != OAR_CONV_GEMM_IM2COL && c->algo != OAR_CONV_GEMM_PIXELS))
    return;
  c->bk = bk;
  const size_t m = (size_t)(p->out_c / p->groups),
               k = (size_t)(p->in_c / p->groups * p->kernel_h * p->kernel_w);
  c->group_panel_floats = c->algo == OAR_CONV_GEMM_PIXELS ? oar_bf16_gemm_packed_words(m, k, bk->nr)
                                                          : oar_bf16_gemm_packed_words(m, k, bk->mr);
  sizing(c, threads);
}

size_t oar_conv_packed_filter_floats(const oar_conv_gemm *c) {
  if (c->algo == OAR_CONV_DEPTHWISE || c->algo == OAR_CONV_GEMV) return 0;
  size_t total;
  if (c->group_panel_floats == SIZE_MAX ||
      __builtin_mul_overflow(c->group_panel_floats, (size_t)c->p.groups, &total))
    return SIZE_MAX;
  return total;
}

void oar_conv_pack_filter(const oar_conv_gemm *c, const float *filter, float *dst) {
  const oar_conv2d_params *p = &c->p;
  const size_t m = (size_t)(p->out_c / p->groups),
               k = (size_t)(p->in_c / p->groups * p->kernel_h * p->kernel_w);
  for (int64_t g = 0; g < p->groups; g++) {
    float *to = dst + (size_t)g * c->group_panel_floats;
    if (c->bk) {
      const bool pixels = c->algo == OAR_CONV_GEMM_PIXELS;
      const oar_gemm_matrix w = {.data = filter + (size_t)g * m * k, .ld = k, .trans = pixels, .scale = 1.0f};
      oar_bf16_gemm_prepack(c->bk, pixels ? c->kr->pack_cols : c->kr->pack_rows, &w, m, k,
                            pixels ? c->bk->nr : c->bk->mr, (uint32_t *)(void *)to);
    } else if (c->algo == OAR_CONV_GEMM_PIXELS) {
      /* B = W^T: element (k, oc) at filter[oc*k_total + k]. */
      const oar_gemm_matrix w = {.data = filter + (size_t)g * m * k, .ld = k, .trans = true, .scale = 1.0f};
      oar_gemm_prepack(c->kr, c->kr->pack_cols, &w, m, k, c->kr->nr, to);
    } else {
      const oar_gemm_matrix w = {.data = filter + (size_t)g * m * k, .ld = k, .trans = false, .scale = 1.0f};
      oar_gemm_prepack(c->kr, c->kr->pack_rows, &w, m, k, c->kr->mr, to);
    }
  }
}

/* ---- depthwise ------------------------------------------------------------ */

typedef struct dw_job {
  const oar_conv_gemm *c;
  const float *src, *filter, *bias, *residual;
  float lo, hi;
  const oar_act_params *act;
  float *dst;
  float *workspace;
  size_t scratch_floats;
} dw_job;

static void dw_slots(void *ctx, size_t begin, size_t end) {
  const dw_job *job = ctx;
  const oar_conv2d_params *p = &job->c->p;
  const size_t planes = (size_t)(p->batch * p->out_c), slots = (size_t)job->c->slots;
  const size_t mult = (size_t)(p->out_c / p->in_c), in_plane = (size_t)(p->in_h * p->in_w),
               out_plane = (size_t)(p->out_h * p->out_w), taps = (size_t)(p->kernel_h * p->kernel_w);
  const oar_dwconv_plane d = {
      .in_h = (size_t)p->in_h,
      .in_w = (size_t)p->in_w,
      .out_h = (size_t)p->out_h,
      .out_w = (size_t)p->out_w,
      .kernel_h = (size_t)p->kernel_h,
      .kernel_w = (size_t)p->kernel_w,
      .stride_h = (size_t)p->stride_h,
      .stride_w = (size_t)p->stride_w,
      .dilation_h = (size_t)p->dilation_h,
      .dilation_w = (size_t)p->dilation_w,
      .pad_top = (size_t)p->pad_top,
      .pad_left = (size_t)p->pad_left,
      .lo = job->lo,
      .hi = job->hi,
  };
  for (size_t slot = begin; slot < end; slot++) {
    float *scratch = job->workspace + slot * job->scratch_floats;
    for (size_t q = planes * slot / slots; q < planes * (slot + 1) / slots; q++) {
      const size_t n = q / (size_t)p->out_c, oc = q % (size_t)p->out_c, ic = oc / mult;
      const float *src = job->src + (n * (size_t)p->in_c + ic) * in_plane;
      const float *res = job->residual ? job->residual + q * out_plane : NULL;
      float *dst = job->dst + q * out_plane;
      job->c->kr->dwconv(&d, src, job->filter + oc * taps, job->bias ? job->bias[oc] : 0.0f, res, dst,
                         scratch);
      if (job->act) job->c->kr->act(job->act, dst, dst, out_plane);
    }
  }
}

/* ---- run ------------------------------------------------------------------ */

static void run_product(const oar_conv_gemm *c, const oar_gemm_problem *g, void *workspace) {
  if (!c->bk) {
    oar_gemm_run(c->kr, g, c->slots, workspace);
    return;
  }
  oar_gemm_matrix direct;
  oar_bf16_gemm_problem b;
  bf16_problem(c, g, &direct, &b);
  oar_bf16_gemm_run(c->kr, c->bk, &b, c->slots, workspace);
}

void oar_conv_gemm_run(const oar_conv_gemm *c, const float *src, const float *filter, const float *bias,
                       const float *residual, float lo, float hi, const oar_act_params *act, float *dst,
                       void *workspace) {
  const oar_conv2d_params *p = &c->p;
  if (c->algo == OAR_CONV_DEPTHWISE) {
    dw_job job = {c, src, filter, bias, residual, lo, hi, act, dst, workspace, dw_plane_scratch(p)};
    if (c->slots > 1)
      oar_parallel_for((size_t)c->slots, 1, dw_slots, &job);
    else
      dw_slots(&job, 0, 1);
    return;
  }
  const size_t cin_g = (size_t)(p->in_c / p->groups), cout_g = (size_t)(p->out_c / p->groups);
  const size_t in_plane = (size_t)(p->in_h * p->in_w), out_plane = (size_t)(p->out_h * p->out_w);
  const size_t k = cin_g * (size_t)(p->kernel_h * p->kernel_w);
  for (int64_t n = 0; n < p->batch; n++) {
    for (int64_t g = 0; g < p->groups; g++) {
      const float *x = src + ((size_t)n * (size_t)p->in_c + (size_t)g * cin_g) * in_plane;
      const size_t out_off = ((size_t)n * (size_t)p->out_c + (size_t)g * cout_g) * out_plane;
      const float *gbias = bias ? bias + (size_t)g * cout_g : NULL;
      const float *gres = residual ? residual + out_off : NULL;
      if (c->algo == OAR_CONV_GEMV) {
        c->kr->gemv(cout_g, k, filter + (size_t)g * cout_g * k, k, x, gbias, gres, lo, hi, dst + out_off);
        if (act) c->kr->act(act, dst + out_off, dst + out_off, cout_g);
        continue;
      }
      oar_gemm_problem gp;
      gemm_shape(c, &gp);
      const oar_gemm_matrix wm = {.data = filter + (size_t)g * cout_g * k,
                                  .ld = k,
                                  .trans = c->algo == OAR_CONV_GEMM_PIXELS,
                                  .scale = 1.0f};
      const oar_gemm_matrix xt = {.data = x, .ld = in_plane, .trans = true, .scale = 1.0f};
      const oar_im2col_src xs = {.p = p, .x = x};
      oar_gemm_epilogue_none(&gp.epi);
      if (c->algo == OAR_CONV_GEMM_PIXELS) {
        gp.a.ctx = is_1x1_s1(p) ? (const void *)&xt : (const void *)&xs;
        if (c->packed_filter)
          gp.b.packed = c->packed_filter + (size_t)g * c->group_panel_floats;
        else
          gp.b.ctx = &wm;
        /* out^T into workspace after the GEMM's own buffers. */
        float *t = (float *)((char *)workspace + c->workspace_bytes - pixels_out_floats(p) * sizeof(float));
        gp.c = t;
        gp.ldc = cout_g;
        gp.epi.bias_col = gbias;
        const bool finish_here = !gres && !act;
        if (finish_here) {
          gp.epi.lo = lo;
          gp.epi.hi = hi;
        }
        run_product(c, &gp, workspace);
        /* Back to NCHW, with what the GEMM could not apply. */
        float *out = dst + out_off;
        /* In blocks of 16 channels: each read is one cache line of t. */
        for (size_t oc0 = 0; oc0 < cout_g; oc0 += 16) {
          const size_t oc1 = oc0 + 16 < cout_g ? oc0 + 16 : cout_g;
          for (size_t j = 0; j < out_plane; j++) {
            const float *tj = t + j * cout_g;
            for (size_t oc = oc0; oc < oc1; oc++) {
              float v = tj[oc];
              if (!finish_here) {
                if (gres) v += gres[oc * out_plane + j];
                v = v > lo ? v : lo;
                v = v < hi ? v : hi;
              }
              out[oc * out_plane + j] = v;
            }
          }
        }
        if (act) c->kr->act(act, out, out, cout_g * out_plane);
        continue;
      }
      if (c->packed_filter) {
        gp.a.packed = c->packed_filter + (size_t)g * c->group_panel_floats;
      } else {
        gp.a.ctx = &wm;
      }
      if (c->algo == OAR_CONV_GEMM_1X1) {
        /* The image is B as it stands: [C, H*W], rows H*W apart. */
        gp.b.direct = x;
        gp.b.ld = in_plane;
      } else {
        gp.b.ctx = &xs;
      }
      gp.c = dst + out_off;
      gp.ldc = out_plane;
      gp.epi.bias_row = gbias;
      gp.epi.residual = gres;
      gp.epi.ldr = out_plane;
      gp.epi.lo = lo;
      gp.epi.hi = hi;
      gp.epi.act = act;
      run_product(c, &gp, workspace);
    }
  }
}
