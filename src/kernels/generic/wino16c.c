#include "kernels/generic/wino16c.h"

#include <math.h>
#include <string.h>

#include "base/threadpool.h"
#include "kernels/generic/conv16c.h"

/* V and M of a chunk together stay within L2 (1 MiB per core here, with
 * the filter slice of one product beside them). */
#define WINO_CHUNK_BYTES (512 * 1024)
#define XI 16 /* transformed positions of a 4x4 window */

static size_t min_sz(size_t a, size_t b) { return a < b ? a : b; }
static size_t round_up16(size_t a) { return (a + 15) & ~(size_t)15; }

bool oar_wino16c_supported(const oar_conv2d_params *p, const oar_f32_kernels *kr) {
  return kr->wino23_in && kr->wino23_out && kr->conv16c && !p->nhwc && p->groups == 1 && p->batch >= 1 &&
         p->in_c >= 1 && p->out_c >= 1 && p->kernel_h == 3 && p->kernel_w == 3 && p->stride_h == 1 &&
         p->stride_w == 1 && p->dilation_h == 1 && p->dilation_w == 1 && p->out_h >= 1 && p->out_w >= 1;
}

/* Filter floats of one output-channel group of one transformed position,
 * laid out as conv16c's 1x1 filter: [input block][lane][group's outputs]. */
static size_t group_floats(const oar_wino16c *c) { return OAR_CONV16C_FC * 16 * c->icb * 16; }

void oar_wino16c_init(oar_wino16c *c, const oar_conv2d_params *p, const oar_f32_kernels *kr, int threads) {
  memset(c, 0, sizeof *c);
  c->p = *p;
  c->kr = kr;
  c->icb = oar_blocks16((size_t)p->in_c);
  c->ocb = oar_blocks16((size_t)p->out_c);
  c->groups = (c->ocb + OAR_CONV16C_FC - 1) / OAR_CONV16C_FC;
  /* An odd output size ends in half tiles: computed whole, half written. */
  c->tiles_w = ((size_t)p->out_w + 1) / 2;
  c->tiles = ((size_t)p->out_h + 1) / 2 * c->tiles_w;
  /* Every 4x4 window reads rows 2 * ty - pad_top .. + 3 of the input
   * (zeros past it under the half tiles of an odd size). */
  oar_blocked_planes_init(&c->bp, p, ((size_t)p->out_h + 1) / 2 * 2 + 2, c->tiles_w * 2 + 2);
  /* As in conv16c: below ~2 us of products per slot the work is not split. */
  const double flops = 2.0 * XI * (double)c->tiles * (double)(c->icb * 16) * (double)(c->ocb * 16);
  c->slots = threads < 1 ? 1 : threads;
  while (c->slots > 1 && (flops / c->slots < 0.4 * 1024 * 1024 || (size_t)c->slots > c->tiles)) c->slots--;
  /* Chunks of tiles whose V and M fit the L2 budget. Each chunk reads the
   * whole transformed filter U: past twice L2 that comes from L3 or
   * memory every time, so then chunks grow until V and M weigh as much as
   * U (ResNet-50, 14x14x256: one chunk, -60 us a layer against L2-sized
   * ones; 28x28x128, U of 1 MiB, stays L2-sized: +50 us otherwise). */
  const size_t per_tile = XI * 16 * (c->icb + c->ocb) * sizeof(float);
  const double u_bytes = (double)XI * (double)(c->icb * 16) * (double)(c->ocb * 16) * sizeof(float);
  const bool big_filter = u_bytes > 2.0 * 1024 * 1024;
  size_t max_chunk = WINO_CHUNK_BYTES / per_tile;
  if (big_filter && u_bytes / (double)per_tile > (double)max_chunk)
    max_chunk =
        u_bytes / (double)per_tile < (double)c->tiles ? (size_t)(u_bytes / (double)per_tile) : c->tiles;
  if (max_chunk < OAR_CONV16C_PX) max_chunk = OAR_CONV16C_PX;
  size_t chunks = (c->tiles + max_chunk - 1) / max_chunk;
  /* Slots split the chunks, each reading all of U per chunk; with a big U
   * they split the output-channel groups instead, each transforming the
   * whole input (cheap) and reading its share of U (ResNet-50, 7x7x512 at
   * 2 threads: split by tiles was 0.2 ms slower than the direct kernel).
   * Split by chunks, a multiple of the slots, of near-equal sizes. */
  c->split_groups = big_filter && c->slots > 1 && c->groups >= (size_t)c->slots;
  if (!c->split_groups) chunks = (chunks + (size_t)c->slots - 1) / (size_t)c->slots * (size_t)c->slots;
  c->chunk = (c->tiles + chunks - 1) / chunks;
  c->chunks = (c->tiles + c->chunk - 1) / c->chunk;
  size_t pad = 0, region, total;
  const bool overflow = __builtin_mul_overflow(XI * 16 * c->icb, c->chunk, &c->v_floats) ||
                        __builtin_mul_overflow(XI * 16 * c->ocb, c->chunk, &c->m_floats) ||
                        __builtin_add_overflow(c->v_floats, c->m_floats, &region) ||
                        __builtin_mul_overflow(region, (size_t)c->slots, &region) ||
                        (c->bp.pad_copy && (__builtin_mul_overflow(c->icb * 16, c->bp.hp, &pad) ||
                                            __builtin_mul_overflow(pad, c->bp.wp, &pad))) ||
                        __builtin_add_overflow(round_up16(pad) + c->ocb * 16, region, &total) ||
                        __builtin_mul_overflow(total, sizeof(float), &c->workspace_bytes);
  if (overflow) c->workspace_bytes = SIZE_MAX;
}

size_t oar_wino16c_packed_floats(const oar_wino16c *c) {
  size_t n;
  if (__builtin_mul_overflow(group_floats(c), c->groups * XI, &n)) return SIZE_MAX;
  return n;
}

/* G of F(2, 3): U = G g G^T. */
static const float G[4][3] = {
    {1.0f, 0.0f, 0.0f}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0.0f, 0.0f, 1.0f}};

void oar_wino16c_pack_filter(const oar_wino16c *c, const float *filter, float *dst) {
  const size_t in_c = (size_t)c->p.in_c, out_c = (size_t)c->p.out_c;
  memset(dst, 0, oar_wino16c_packed_floats(c) * sizeof *dst);
  for (size_t oc = 0; oc < out_c; oc++)
    for (size_t ic = 0; ic < in_c; ic++) {
      const float *g = filter + (oc * in_c + ic) * 9;
      float gt[4][3]; /* G g */
      for (int a = 0; a < 4; a++)
        for (int j = 0; j < 3; j++) gt[a][j] = G[a][0] * g[j] + G[a][1] * g[3 + j] + G[a][2] * g[6 + j];
      const size_t grp = oc / (OAR_CONV16C_FC * 16), o = oc % (OAR_CONV16C_FC * 16);
      const size_t width = min_sz(OAR_CONV16C_FC, c->ocb - grp * OAR_CONV16C_FC) * 16;
      for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++) {
          const float u = gt[a][0] * G[b][0] + gt[a][1] * G[b][1] + gt[a][2] * G[b][2];
          float *to = dst + ((size_t)(4 * a + b) * c->groups + grp) * group_floats(c);
          to[ic * width + o] = u; /* [input block][lane] is the input channel */
        }
    }
}

/* ---- run ------------------------------------------------------------------ */

typedef struct wino_job {
  const oar_wino16c *c;
  const float *x; /* the plane set the transforms read */
  const float *packed, *bias, *res;
  float lo, hi;
  const oar_act_params *act;
  float *y;
  float *buffers; /* slot s's V and M at buffers + s * (v_floats + m_floats) */
} wino_job;

/* One tile at the bottom or right edge of an odd-sized output (output
 * pixel (y, x) its top left; res and dst there, NULL res for none):
 * through 2x2 scratch, so that neither the residual nor the output is
 * touched past the edge. */
static void out_half_tile(const wino_job *job, const float *m, size_t xi_stride, size_t bias_at,
                          const float *res, float *dst, size_t y, size_t x) {
  const oar_wino16c *c = job->c;
  const size_t ow = (size_t)c->p.out_w, rows = min_sz(2, (size_t)c->p.out_h - y), cols = min_sz(2, ow - x);
  float res2[4 * 16] = {0}, dst2[4 * 16];
  for (size_t r = 0; r < rows && res; r++) memcpy(res2 + r * 32, res + r * ow * 16, cols * 16 * sizeof *res2);
  c->kr->wino23_out(m, xi_stride, 1, job->bias ? job->bias + bias_at : NULL, res ? res2 : NULL, 32, job->lo,
                    job->hi, dst2, 32);
  for (size_t r = 0; r < rows; r++) {
    float *row = dst + r * c->bp.out_wp * 16;
    memcpy(row, dst2 + r * 32, cols * 16 * sizeof *row);
    if (job->act) c->kr->act(job->act, row, row, cols * 16);
  }
}

static void run_chunk(const wino_job *job, size_t t0, size_t t1, size_t g0, size_t g1, float *v, float *m) {
  const oar_wino16c *c = job->c;
  const oar_conv2d_params *p = &c->p;
  const size_t nt = c->chunk, tw = c->tiles_w;
  const oar_blocked_planes *bp = &c->bp;
  const size_t plane_in = bp->hp * bp->wp * 16, vxs = c->icb * nt * 16, mxs = c->ocb * nt * 16;
  const size_t plane_out = bp->out_hp * bp->out_wp * 16, plane_res = (size_t)(p->out_h * p->out_w) * 16;
  /* Input transform, a run of tiles along a tile row at a time (j: the
   * run's first tile in the chunk). */
  for (size_t cb = 0; cb < c->icb; cb++)
    for (size_t t = t0, j = 0, run; t < t1; t += run, j += run) {
      const size_t ty = t / tw, tx = t % tw;
      run = min_sz(t1 - t, tw - tx);
      c->kr->wino23_in(job->x + cb * plane_in + (2 * ty * bp->wp + 2 * tx) * 16, bp->wp * 16, run,
                       v + cb * nt * 16 + j * 16, vxs);
    }
  /* The 16 products, each a 1x1 convolution of the chunk's tiles. */
  static const ptrdiff_t tap0[1] = {0};
  oar_conv16c_tile tile = {
      .in_cb_stride = nt * 16,
      .tap_off = tap0,
      .taps = 1,
      .cbs = c->icb,
      .lanes = 16,
      .lane_stride = 1,
      .out_ob_stride = nt * 16,
      .lo = -INFINITY,
      .hi = INFINITY,
      .flags = OAR_GEMM_FIRST | OAR_GEMM_LAST,
  };
  const size_t n = t1 - t0;
  for (size_t x = 0; x < XI; x++)
    for (size_t g = g0; g < g1; g++) {
      const size_t fcg = min_sz(OAR_CONV16C_FC, c->ocb - g * OAR_CONV16C_FC);
      tile.w = job->packed + (x * c->groups + g) * group_floats(c);
      tile.out = m + x * mxs + g * OAR_CONV16C_FC * nt * 16;
      for (size_t j0 = 0; j0 < n; j0 += OAR_CONV16C_PX) {
        const size_t npx = min_sz(OAR_CONV16C_PX, n - j0);
        for (size_t k = 0; k < npx; k++) {
          tile.in[k] = v + x * vxs + (j0 + k) * 16;
          tile.out_px[k] = (j0 + k) * 16;
        }
        c->kr->conv16c(fcg, npx, &tile);
      }
    }
  /* Output transform, then the activation on the rows just written; the
   * half tiles of an odd size one by one. */
  const bool half_row = p->out_h % 2 != 0, half_col = p->out_w % 2 != 0;
  const size_t last_ty = (size_t)(p->out_h - 1) / 2;
  for (size_t ob = g0 * OAR_CONV16C_FC; ob < min_sz(g1 * OAR_CONV16C_FC, c->ocb); ob++)
    for (size_t t = t0, j = 0, run; t < t1; t += run, j += run) {
      const size_t ty = t / tw, tx = t % tw;
      run = min_sz(t1 - t, tw - tx);
      const float *mj = m + ob * nt * 16 + j * 16;
      const size_t whole = half_row && ty == last_ty ? 0 : run - (half_col && tx + run == tw);
      float *dst =
          job->y + ob * plane_out + ((2 * ty + bp->out_top) * bp->out_wp + 2 * tx + bp->out_left) * 16;
      const float *res =
          job->res ? job->res + ob * plane_res + (2 * ty * (size_t)p->out_w + 2 * tx) * 16 : NULL;
      if (whole) {
        c->kr->wino23_out(mj, mxs, whole, job->bias ? job->bias + ob * 16 : NULL, res, (size_t)p->out_w * 16,
                          job->lo, job->hi, dst, bp->out_wp * 16);
        if (job->act)
          for (size_t r = 0; r < 2; r++) {
            float *row = dst + r * bp->out_wp * 16;
            c->kr->act(job->act, row, row, 2 * whole * 16);
          }
      }
      for (size_t e = whole; e < run; e++)
        out_half_tile(job, mj + e * 16, mxs, ob * 16, res ? res + e * 32 : NULL, dst + e * 32, 2 * ty,
                      2 * (tx + e));
    }
}

static void wino_slots(void *ctx, size_t begin, size_t end) {
  const wino_job *job = ctx;
  const oar_wino16c *c = job->c;
  for (size_t s = begin; s < end; s++) {
    float *v = job->buffers + s * (c->v_floats + c->m_floats), *m = v + c->v_floats;
    if (c->split_groups) {
      const size_t slots = (size_t)c->slots, g0 = c->groups * s / slots, g1 = c->groups * (s + 1) / slots;
      for (size_t k = 0; k < c->chunks; k++)
        run_chunk(job, k * c->chunk, min_sz((k + 1) * c->chunk, c->tiles), g0, g1, v, m);
      continue;
    }
    const size_t k0 = c->chunks * s / (size_t)c->slots, k1 = c->chunks * (s + 1) / (size_t)c->slots;
    for (size_t k = k0; k < k1; k++)
      run_chunk(job, k * c->chunk, min_sz((k + 1) * c->chunk, c->tiles), 0, c->groups, v, m);
  }
}

void oar_wino16c_run(const oar_wino16c *c, const float *src, const float *packed_filter, const float *bias,
                     const float *residual, float lo, float hi, const oar_act_params *act, float *dst,
                     void *workspace) {
  const oar_conv2d_params *p = &c->p;
  const size_t in_img = c->icb * (size_t)(p->in_h * p->in_w) * 16;
  const size_t out_img = c->ocb * c->bp.out_hp * c->bp.out_wp * 16,
               res_img = c->ocb * (size_t)(p->out_h * p->out_w) * 16;
  const size_t pad_floats = c->bp.pad_copy ? round_up16(c->icb * 16 * c->bp.hp * c->bp.wp) : 0;
  float *padded = workspace, *bias_at = (float *)workspace + pad_floats, *buffers = bias_at + c->ocb * 16;
  const float *bias16 = oar_bias16(bias, (size_t)p->out_c, c->ocb, bias_at);
  for (int64_t n = 0; n < p->batch; n++) {
    const float *x = oar_blocked_image(&c->bp, p, src + (size_t)n * in_img, c->icb, 16, padded,
                                       dst + (size_t)n * out_img, c->ocb, c->slots > 1);
    wino_job job = {
        .c = c,
        .x = x,
        .packed = packed_filter,
        .bias = bias16,
        .res = residual ? residual + (size_t)n * res_img : NULL,
        .lo = lo,
        .hi = hi,
        .act = act,
        .y = dst + (size_t)n * out_img,
        .buffers = buffers,
    };
    if (c->slots > 1)
      oar_parallel_for((size_t)c->slots, 1, wino_slots, &job);
    else
      wino_slots(&job, 0, 1);
  }
}
