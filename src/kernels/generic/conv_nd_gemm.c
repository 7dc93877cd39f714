#include "kernels/generic/conv_nd_gemm.h"

#include <string.h>

static size_t prod(int n, const int64_t *dims) {
  size_t p = 1;
  for (int i = 0; i < n; i++) p *= (size_t)dims[i];
  return p;
}

/* One image (of one group) as the B side: column j is output pixel j,
 * depth k = c * taps + tap (taps in row-major kernel order). */
typedef struct im2col_nd {
  const oar_window_params *p;
  const float *x; /* the group's first input channel */
} im2col_nd;

static void pack_im2col_nd(const void *ctx, size_t j0, size_t count, size_t k0, size_t kc, size_t r,
                           float *dst) {
  const im2col_nd *s = ctx;
  const oar_window_params *p = s->p;
  const int n = p->nsp, last = n - 1;
  const size_t taps = prod(n, p->kernel), in_sp = prod(n, p->in);
  const int64_t S = p->stride[last], IN = p->in[last], OUT = p->out[last];
  for (size_t kk = 0; kk < kc; kk++) {
    const size_t k = k0 + kk;
    /* Where tap (k % taps) of output pixel o reads: o*stride + base. */
    int64_t base[OAR_REF_WIN_MAX];
    size_t rem = k % taps;
    for (int d = last; d >= 0; d--) {
      base[d] = (int64_t)(rem % (size_t)p->kernel[d]) * p->dilation[d] - p->pad_begin[d];
      rem /= (size_t)p->kernel[d];
    }
    const float *plane = s->x + k / taps * in_sp;
    int64_t o[OAR_REF_WIN_MAX];
    size_t jr = j0;
    for (int d = last; d >= 0; d--) {
      o[d] = (int64_t)(jr % (size_t)p->out[d]);
      jr /= (size_t)p->out[d];
    }
    /* Runs of pixels along the last dimension: the other dimensions'
     * part of the source offset is fixed within a run. */
    float *panel = dst + kk * r;
    size_t lane = 0;
    for (size_t q = 0; q < count;) {
      const size_t run = (size_t)(OUT - o[last]) < count - q ? (size_t)(OUT - o[last]) : count - q;
      bool inside = true;
      int64_t off = 0;
      for (int d = 0; d < last; d++) {
        const int64_t pos = o[d] * p->stride[d] + base[d];
        inside &= pos >= 0 && pos < p->in[d];
        off = off * p->in[d] + pos;
      }
      /* Pixels i of the run read row[(o[last] + i)*S + base[last]], inside
       * the row for i in [lo, hi). */
      const float *row = plane + (inside ? off * IN : 0);
      const int64_t first = o[last] * S + base[last];
      int64_t lo = first >= 0 ? 0 : (-first + S - 1) / S, hi = IN - first <= 0 ? 0 : (IN - first + S - 1) / S;
      if (!inside) lo = hi = 0;
      if (hi > (int64_t)run) hi = (int64_t)run;
      if (lo > hi) lo = hi;
      for (size_t i = 0; i < run;) {
        /* A stretch inside one panel. */
        const size_t end = i + (r - lane) < run ? i + (r - lane) : run;
        for (; i < end; i++, lane++) {
          const int64_t ii = (int64_t)i;
          panel[lane] = ii >= lo && ii < hi ? row[first + ii * S] : 0.0f;
        }
        if (lane == r) {
          lane = 0;
          panel += r * kc;
        }
      }
      q += run;
      o[last] += (int64_t)run;
      for (int d = last; d > 0 && o[d] == p->out[d]; d--) {
        o[d] = 0;
        o[d - 1]++;
      }
    }
    /* Zeros past `count` in the last panel. */
    while (lane != 0 && lane < r) panel[lane++] = 0.0f;
  }
}

static void gemm_shape(const oar_conv_nd_gemm *c, oar_gemm_problem *g) {
  const oar_window_params *p = &c->p;
  memset(g, 0, sizeof *g);
  g->m = (size_t)(p->out_c / p->group);
  g->n = prod(p->nsp, p->out);
  g->k = (size_t)(p->in_c / p->group) * prod(p->nsp, p->kernel);
  g->a.pack = c->kr->pack_rows;
  g->b.pack = pack_im2col_nd;
  oar_gemm_epilogue_none(&g->epi);
}

void oar_conv_nd_gemm_init(oar_conv_nd_gemm *c, const oar_window_params *p, const oar_f32_kernels *kr,
                           int threads) {
  memset(c, 0, sizeof *c);
  c->p = *p;
  c->kr = kr;
  oar_gemm_problem g;
  gemm_shape(c, &g);
  c->group_panel_floats = oar_gemm_packed_floats(g.m, g.k, kr->mr);
  c->slots = oar_gemm_slots(kr, &g, threads);
  /* Sized as if the filter were packed on the fly: it may not be. */
  c->workspace_bytes = oar_gemm_workspace_bytes(kr, &g, c->slots);
}

size_t oar_conv_nd_packed_filter_floats(const oar_conv_nd_gemm *c) {
  size_t total;
  if (c->group_panel_floats == SIZE_MAX ||
      __builtin_mul_overflow(c->group_panel_floats, (size_t)c->p.group, &total))
    return SIZE_MAX;
  return total;
}

void oar_conv_nd_pack_filter(const oar_conv_nd_gemm *c, const float *filter, float *dst) {
  oar_gemm_problem g;
  gemm_shape(c, &g);
  for (int64_t gi = 0; gi < c->p.group; gi++) {
    const oar_gemm_matrix w = {
        .data = filter + (size_t)gi * g.m * g.k, .ld = g.k, .trans = false, .scale = 1.0f};
    oar_gemm_prepack(c->kr, c->kr->pack_rows, &w, g.m, g.k, c->kr->mr,
                     dst + (size_t)gi * c->group_panel_floats);
  }
}

void oar_conv_nd_gemm_run(const oar_conv_nd_gemm *c, const float *x, const float *filter, const float *bias,
                          float *y, void *workspace) {
  const oar_window_params *p = &c->p;
  const size_t cpg = (size_t)(p->in_c / p->group), in_sp = prod(p->nsp, p->in);
  for (int64_t nb = 0; nb < p->batch; nb++) {
    for (int64_t gi = 0; gi < p->group; gi++) {
      oar_gemm_problem g;
      gemm_shape(c, &g);
      const oar_gemm_matrix wm = {
          .data = filter + (size_t)gi * g.m * g.k, .ld = g.k, .trans = false, .scale = 1.0f};
      if (c->packed_filter)
        g.a.packed = c->packed_filter + (size_t)gi * c->group_panel_floats;
      else
        g.a.ctx = &wm;
      const im2col_nd src = {p, x + ((size_t)nb * (size_t)p->in_c + (size_t)gi * cpg) * in_sp};
      g.b.ctx = &src;
      g.c = y + ((size_t)nb * (size_t)p->out_c + (size_t)gi * g.m) * g.n;
      g.ldc = g.n;
      g.epi.bias_row = bias ? bias + (size_t)gi * g.m : NULL;
      oar_gemm_run(c->kr, &g, c->slots, workspace);
    }
  }
}
