#include "kernels/generic/deconv_gemm.h"

#include <string.h>

#include "base/threadpool.h"

/* Floats of one slice of cols: ~1 MiB, so that the GEMM writes it and the
 * col2im pass reads it back while it is still in L2. */
#define DECONV_CHUNK_FLOATS ((size_t)1 << 18)

static size_t min_sz(size_t a, size_t b) { return a < b ? a : b; }

static size_t taps_of(const oar_conv2d_params *p) { return (size_t)(p->kernel_h * p->kernel_w); }

/* The product of one slice (data pointers set by the run). */
static void gemm_shape(const oar_deconv_gemm *c, size_t n, oar_gemm_problem *g) {
  const oar_conv2d_params *p = &c->p;
  memset(g, 0, sizeof *g);
  g->m = (size_t)(p->out_c / p->groups) * taps_of(p);
  g->n = n;
  g->k = (size_t)(p->in_c / p->groups);
  g->a.pack = c->kr->pack_rows;
  g->b.direct = (const float *)c; /* set per slice by the run */
  g->b.ld = (size_t)(p->in_h * p->in_w);
  oar_gemm_epilogue_none(&g->epi);
}

void oar_deconv_gemm_init(oar_deconv_gemm *c, const oar_conv2d_params *p, const oar_f32_kernels *kr,
                          int threads, int direct) {
  memset(c, 0, sizeof *c);
  c->p = *p;
  c->kr = kr;
  const size_t cin_g = (size_t)(p->in_c / p->groups), plane = (size_t)(p->in_h * p->in_w);
  c->direct = direct < 0 ? cin_g == 1 : direct != 0;
  c->slots = 1;
  c->chunk = plane;
  if (c->direct) return;
  size_t m;
  if (__builtin_mul_overflow((size_t)(p->out_c / p->groups), taps_of(p), &m)) {
    c->workspace_bytes = c->group_panel_floats = SIZE_MAX;
    return;
  }
  size_t chunk = DECONV_CHUNK_FLOATS / (m ? m : 1);
  chunk = chunk < kr->nr ? kr->nr : chunk / kr->nr * kr->nr;
  c->chunk = min_sz(chunk, plane);
  c->group_panel_floats = oar_gemm_packed_floats(m, cin_g, kr->mr);
  oar_gemm_problem g;
  gemm_shape(c, c->chunk, &g);
  c->slots = oar_gemm_slots(kr, &g, threads);
  /* Sized as if the filter were packed on the fly: it may not be. */
  size_t gemm_bytes = oar_gemm_workspace_bytes(kr, &g, c->slots), cols;
  if (gemm_bytes == SIZE_MAX || __builtin_mul_overflow(m, c->chunk, &cols) || cols > SIZE_MAX / 8 - 16 ||
      __builtin_add_overflow(gemm_bytes, (cols + 15) / 16 * 16 * sizeof(float), &c->workspace_bytes))
    c->workspace_bytes = SIZE_MAX;
}

size_t oar_deconv_packed_filter_floats(const oar_deconv_gemm *c) {
  if (c->direct) return 0;
  size_t total;
  if (c->group_panel_floats == SIZE_MAX ||
      __builtin_mul_overflow(c->group_panel_floats, (size_t)c->p.groups, &total))
    return SIZE_MAX;
  return total;
}

void oar_deconv_pack_filter(const oar_deconv_gemm *c, const float *filter, float *dst) {
  const oar_conv2d_params *p = &c->p;
  const size_t cin_g = (size_t)(p->in_c / p->groups), m = (size_t)(p->out_c / p->groups) * taps_of(p);
  for (int64_t g = 0; g < p->groups; g++) {
    /* A = W_g^T: element (i, k) at filter[(g*cin_g + k)*m + i]. */
    const oar_gemm_matrix w = {.data = filter + (size_t)g * cin_g * m, .ld = m, .trans = true, .scale = 1.0f};
    oar_gemm_prepack(c->kr, c->kr->pack_rows, &w, m, cin_g, c->kr->mr,
                     dst + (size_t)g * c->group_panel_floats);
  }
}

/* ---- col2im / direct scatter ------------------------------------------------ */

typedef struct scatter_job {
  const oar_deconv_gemm *c;
  const float *x;      /* the group's first input channel */
  const float *cols;   /* GEMM path: [m, ncols] */
  const float *filter; /* direct path: the stored filter */
  const float *bias;   /* the group's bias, or NULL */
  float *y;            /* the group's first output channel */
  int64_t g;
  size_t j0, j1; /* input pixels of this slice */
} scatter_job;

/* o[ix*sw + off] += s[ix] * w for ix in [lo, hi) (off may be negative:
 * the padding cropped from the row's start). */
static inline void add_row(float *restrict o, int64_t off, const float *restrict s, float w, int64_t lo,
                           int64_t hi, int64_t sw) {
  if (sw == 1) {
    for (int64_t ix = lo; ix < hi; ix++) o[ix + off] += s[ix] * w;
  } else {
    for (int64_t ix = lo; ix < hi; ix++) o[ix * sw + off] += s[ix] * w;
  }
}

/* o[2*ix + off] += a[ix] * wa and o[2*ix + off + 1] += b[ix] * wb for ix
 * in [lo, hi). */
static inline void add_pair2(float *restrict o, int64_t off, const float *restrict a, const float *restrict b,
                             float wa, float wb, int64_t lo, int64_t hi) {
  for (int64_t ix = lo; ix < hi; ix++) {
    o[2 * ix + off] += a[ix] * wa;
    o[2 * ix + off + 1] += b[ix] * wb;
  }
}

static void scatter_rows(void *ctx, size_t begin, size_t end) {
  const scatter_job *job = ctx;
  const oar_conv2d_params *p = &job->c->p;
  const int64_t OH = p->out_h, OW = p->out_w, IH = p->in_h, IW = p->in_w;
  const int64_t KH = p->kernel_h, KW = p->kernel_w, SH = p->stride_h, SW = p->stride_w;
  const int64_t cin_g = p->in_c / p->groups, cout_g = p->out_c / p->groups;
  const size_t plane = (size_t)(IH * IW), ncols = job->j1 - job->j0, taps = taps_of(p);
  const bool pair2 = KW == 2 && SW == 2 && p->dilation_w == 1;
  for (size_t r = begin; r < end; r++) {
    const int64_t oc = (int64_t)r / OH, oy = (int64_t)r % OH;
    float *out = job->y + (size_t)oc * (size_t)(OH * OW) + (size_t)(oy * OW);
    if (job->j0 == 0) {
      const float b = job->bias ? job->bias[oc] : 0.0f;
      for (int64_t i = 0; i < OW; i++) out[i] = b;
    }
    for (int64_t ky = 0; ky < KH; ky++) {
      const int64_t t = oy + p->pad_top - ky * p->dilation_h;
      if (t < 0 || t % SH != 0 || t / SH >= IH) continue;
      const int64_t iy = t / SH, jrow = iy * IW;
      /* Pixels of this input row inside the slice. */
      const int64_t row_lo = (int64_t)job->j0 > jrow ? (int64_t)job->j0 - jrow : 0;
      const int64_t row_hi = (int64_t)job->j1 - jrow < IW ? (int64_t)job->j1 - jrow : IW;
      if (row_lo >= row_hi) continue;
      /* The sources of tap (ky, kx) for input channel ic of the group
       * (the GEMM path has one "channel": its column row, weight 1). */
      const int64_t chans = job->cols ? 1 : cin_g;
      for (int64_t ic = 0; ic < chans; ic++) {
        const float *src[2];
        float w[2];
        int64_t lo[2], hi[2];
        for (int64_t kx = 0; kx < KW; kx++) {
          const size_t tap = (size_t)(ky * KW + kx);
          const int64_t off = kx * p->dilation_w - p->pad_left;
          const float *s = job->cols ? job->cols + ((size_t)oc * taps + tap) * ncols + (size_t)jrow - job->j0
                                     : job->x + (size_t)ic * plane + (size_t)jrow;
          const float wv =
              job->cols
                  ? 1.0f
                  : job->filter[((size_t)(job->g * cin_g + ic) * (size_t)cout_g + (size_t)oc) * taps + tap];
          /* ox = ix*SW + off lies in [0, OW) for ix in [l, h). */
          int64_t l = off >= 0 ? 0 : (-off + SW - 1) / SW;
          int64_t h = OW - off <= 0 ? 0 : (OW - off + SW - 1) / SW;
          l = l > row_lo ? l : row_lo;
          h = h < row_hi ? h : row_hi;
          if (pair2) {
            /* Kept for the pass below that writes both taps at once. */
            src[kx] = s;
            w[kx] = wv;
            lo[kx] = l;
            hi[kx] = h;
          } else if (l < h) {
            add_row(out, off, s, wv, l, h, SW);
          }
        }
        if (!pair2) continue;
        /* A 2-wide, stride-2 kernel (upsampling by 2): the two taps of an
         * input pixel fill two adjacent outputs, written in one pass where
         * both are inside the row, tap by tap at the edges. */
        const int64_t both_lo = lo[0] > lo[1] ? lo[0] : lo[1], both_hi = hi[0] < hi[1] ? hi[0] : hi[1];
        const int64_t off = -p->pad_left;
        if (both_lo < both_hi) {
          add_pair2(out, off, src[0], src[1], w[0], w[1], both_lo, both_hi);
          for (int kx = 0; kx < 2; kx++) {
            if (lo[kx] < both_lo) add_row(out, off + kx, src[kx], w[kx], lo[kx], both_lo, 2);
            if (both_hi < hi[kx]) add_row(out, off + kx, src[kx], w[kx], both_hi, hi[kx], 2);
          }
        } else {
          for (int kx = 0; kx < 2; kx++)
            if (lo[kx] < hi[kx]) add_row(out, off + kx, src[kx], w[kx], lo[kx], hi[kx], 2);
        }
      }
    }
  }
}

/* ---- run ------------------------------------------------------------------ */

void oar_deconv_gemm_run(const oar_deconv_gemm *c, const float *src, const float *filter, const float *bias,
                         float *dst, void *workspace) {
  const oar_conv2d_params *p = &c->p;
  const size_t cin_g = (size_t)(p->in_c / p->groups), cout_g = (size_t)(p->out_c / p->groups);
  const size_t plane = (size_t)(p->in_h * p->in_w), out_plane = (size_t)(p->out_h * p->out_w);
  const size_t m = cout_g * taps_of(p), rows = cout_g * (size_t)p->out_h;
  /* Rows per task: ~32K multiply-adds at least. */
  const size_t per_row =
      (size_t)p->out_w * (taps_of(p) / (size_t)(p->stride_h * p->stride_w) + 1) * (c->direct ? cin_g : 1);
  const size_t min_rows = per_row >= 32768 ? 1 : 32768 / per_row;
  float *cols = NULL;
  if (!c->direct) {
    oar_gemm_problem g;
    gemm_shape(c, c->chunk, &g);
    cols = (float *)((char *)workspace + oar_gemm_workspace_bytes(c->kr, &g, c->slots));
  }
  for (int64_t n = 0; n < p->batch; n++) {
    for (int64_t g = 0; g < p->groups; g++) {
      const float *x = src + ((size_t)n * (size_t)p->in_c + (size_t)g * cin_g) * plane;
      scatter_job job = {.c = c,
                         .x = x,
                         .filter = filter,
                         .bias = bias ? bias + (size_t)g * cout_g : NULL,
                         .y = dst + ((size_t)n * (size_t)p->out_c + (size_t)g * cout_g) * out_plane,
                         .g = g};
      for (size_t j0 = 0; j0 < plane; j0 += c->chunk) {
        const size_t j1 = min_sz(plane, j0 + c->chunk);
        if (!c->direct) {
          oar_gemm_problem gp;
          gemm_shape(c, j1 - j0, &gp);
          const oar_gemm_matrix wm = {
              .data = filter + (size_t)g * cin_g * m, .ld = m, .trans = true, .scale = 1.0f};
          if (c->packed_filter)
            gp.a.packed = c->packed_filter + (size_t)g * c->group_panel_floats;
          else
            gp.a.ctx = &wm;
          gp.b.direct = x + j0;
          gp.c = cols;
          gp.ldc = j1 - j0;
          oar_gemm_run(c->kr, &gp, c->slots, workspace);
          job.cols = cols;
        }
        job.j0 = j0;
        job.j1 = j1;
        oar_parallel_for(rows, min_rows, scatter_rows, &job);
      }
    }
  }
}
