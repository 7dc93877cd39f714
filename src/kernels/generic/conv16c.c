#include "kernels/generic/conv16c.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/threadpool.h"

/* Bytes of filter per group and chunk pass: the slice every pixel tile of
 * the pass reads, kept within L1/L2. Tuned with bench/conv16c_bench. */
#ifndef CONV16C_CHUNK_BYTES
#define CONV16C_CHUNK_BYTES (40 * 1024)
#endif
/* As in gemm.c: below ~2 us of work per slot a product is not split. */
#define MIN_FLOPS_PER_SLOT (0.4 * 1024 * 1024)

static size_t round_up16(size_t a) { return (a + 15) & ~(size_t)15; }
static size_t min_sz(size_t a, size_t b) { return a < b ? a : b; }

bool oar_conv16c_supported(const oar_conv2d_params *p, const oar_f32_kernels *kr) {
  return kr->conv16c && !p->nhwc && p->groups == 1 && p->batch >= 1 && p->in_c >= 1 && p->out_c >= 1 &&
         p->out_h >= 1 && p->out_w >= 1 && p->kernel_h >= 1 && p->kernel_w >= 1 &&
         p->kernel_h * p->kernel_w <= OAR_CONV16C_MAX_TAPS && p->stride_h >= 1 && p->stride_w >= 1 &&
         p->dilation_h >= 1 && p->dilation_w >= 1;
}

/* Elements (floats, or bf16 values with bfloat16 operands) of one
 * output-channel group's packed filter. */
static size_t group_floats(const oar_conv16c *c) { return OAR_CONV16C_FC * 16 * c->icb * c->taps * c->lanes; }

/* Floats of the workspace before the bias copy: the zero-bordered copy of
 * the image (float32, when padded), or its bfloat16 copy (always). */
static size_t image_floats(const oar_conv16c *c) {
  const size_t n = c->icb * c->lanes * c->bp.hp * c->bp.wp;
  if (c->bk) return round_up16((n + 1) / 2);
  return c->bp.pad_copy ? round_up16(n) : 0;
}

static void init(oar_conv16c *c, const oar_conv2d_params *p, const oar_f32_kernels *kr, int threads,
                 bool plain_input) {
  memset(c, 0, sizeof *c);
  c->p = *p;
  c->kr = kr;
  c->plain_input = plain_input;
  c->lanes = plain_input ? (size_t)p->in_c : 16;
  c->icb = plain_input ? 1 : oar_blocks16((size_t)p->in_c);
  const size_t px = plain_input ? 1 : 16; /* floats per pixel of one block */
  c->ocb = oar_blocks16((size_t)p->out_c);
  c->groups = (c->ocb + OAR_CONV16C_FC - 1) / OAR_CONV16C_FC;
  c->taps = (size_t)(p->kernel_h * p->kernel_w);
  /* Rows and columns the tiles reach, from the padded origin. */
  oar_blocked_planes_init(&c->bp, p,
                          (size_t)((p->out_h - 1) * p->stride_h + (p->kernel_h - 1) * p->dilation_h + 1),
                          (size_t)((p->out_w - 1) * p->stride_w + (p->kernel_w - 1) * p->dilation_w + 1));
  for (int64_t y = 0; y < p->kernel_h; y++)
    for (int64_t x = 0; x < p->kernel_w; x++)
      c->tap_off[y * p->kernel_w + x] =
          (ptrdiff_t)(((size_t)(y * p->dilation_h) * c->bp.wp + (size_t)(x * p->dilation_w)) * px);
  const size_t per_block = c->taps * c->lanes * OAR_CONV16C_FC * 16 * sizeof(float);
  c->chunk = CONV16C_CHUNK_BYTES / per_block;
  if (c->chunk < 1) c->chunk = 1;
  if (c->chunk > c->icb) c->chunk = c->icb;
  /* Even chunks: 5 blocks in chunks of 4 would be 4 + 1. */
  const size_t passes = (c->icb + c->chunk - 1) / c->chunk;
  c->chunk = (c->icb + passes - 1) / passes;

  const double flops =
      2.0 * (double)(p->out_h * p->out_w) * (double)(c->ocb * 16) * (double)(c->icb * c->lanes * c->taps);
  int slots = threads < 1 ? 1 : threads;
  while (slots > 1 && flops / slots < MIN_FLOPS_PER_SLOT) slots--;
  c->slots = slots;
  /* Splitting output-channel groups shares the image and splits the
   * filter; splitting tiles the other way round: split the larger one
   * (or groups when there are too few tiles), if the groups divide. */
  const size_t tiles = ((size_t)(p->out_h * p->out_w) + OAR_CONV16C_PX - 1) / OAR_CONV16C_PX;
  const double image_floats =
      (double)(plain_input ? (size_t)p->in_c : c->icb * 16) * (double)(p->in_h * p->in_w);
  const bool by_groups = (double)(c->groups * group_floats(c)) > image_floats || tiles < (size_t)slots;
  c->split_groups = slots > 1 && by_groups && c->groups % (size_t)slots == 0 ? (size_t)slots : 1;
  size_t pad_floats = 0, total;
  if (c->bp.pad_copy && (__builtin_mul_overflow(c->icb * c->lanes, c->bp.hp, &pad_floats) ||
                         __builtin_mul_overflow(pad_floats, c->bp.wp, &pad_floats))) {
    c->workspace_bytes = SIZE_MAX;
    return;
  }
  if (__builtin_add_overflow(round_up16(pad_floats), c->ocb * 16, &total) ||
      __builtin_mul_overflow(total, sizeof(float), &c->workspace_bytes))
    c->workspace_bytes = SIZE_MAX;
}

void oar_conv16c_init(oar_conv16c *c, const oar_conv2d_params *p, const oar_f32_kernels *kr, int threads) {
  init(c, p, kr, threads, false);
}

bool oar_conv16c_supported_bf16(const oar_conv2d_params *p, const oar_f32_kernels *kr,
                                const oar_bf16_kernels *bk) {
  return bk && bk->conv16c && bk->convert && oar_conv16c_supported(p, kr);
}

void oar_conv16c_init_bf16(oar_conv16c *c, const oar_conv2d_params *p, const oar_f32_kernels *kr,
                           const oar_bf16_kernels *bk, int threads, bool plain_input) {
  init(c, p, kr, threads, plain_input);
  if (c->workspace_bytes == SIZE_MAX) return;
  c->bk = bk;
  if (plain_input) {
    /* The NCHW image becomes one block of pixel-interleaved channels,
     * padded to pairs: element (y, x, ch) at (y*wp + x)*lanes + ch. */
    c->lanes = ((size_t)p->in_c + 1) & ~(size_t)1;
    for (int64_t y = 0; y < p->kernel_h; y++)
      for (int64_t x = 0; x < p->kernel_w; x++)
        c->tap_off[y * p->kernel_w + x] =
            (ptrdiff_t)(((size_t)(y * p->dilation_h) * c->bp.wp + (size_t)(x * p->dilation_w)) * c->lanes);
  }
  /* Half the filter bytes per block: twice the blocks per pass. */
  const size_t per_block = c->taps * c->lanes * OAR_CONV16C_FC * 16 * sizeof(uint16_t);
  c->chunk = CONV16C_CHUNK_BYTES / per_block;
  if (c->chunk < 1) c->chunk = 1;
  if (c->chunk > c->icb) c->chunk = c->icb;
  const size_t passes = (c->icb + c->chunk - 1) / c->chunk;
  c->chunk = (c->icb + passes - 1) / passes;
  /* The image converted to bfloat16 (zero-bordered when padded) always. */
  size_t n, total;
  if (__builtin_mul_overflow(c->icb * c->lanes, c->bp.hp, &n) || __builtin_mul_overflow(n, c->bp.wp, &n) ||
      n > SIZE_MAX / 4 || __builtin_add_overflow(image_floats(c), c->ocb * 16, &total) ||
      __builtin_mul_overflow(total, sizeof(float), &c->workspace_bytes))
    c->workspace_bytes = SIZE_MAX;
}

void oar_conv16c_init_plain_input(oar_conv16c *c, const oar_conv2d_params *p, const oar_f32_kernels *kr,
                                  int threads) {
  init(c, p, kr, threads, true);
}

void oar_blocked_planes_init(oar_blocked_planes *bp, const oar_conv2d_params *p, size_t need_h,
                             size_t need_w) {
  memset(bp, 0, sizeof *bp);
  bp->out_hp = (size_t)p->out_h;
  bp->out_wp = (size_t)p->out_w;
  bp->pad_copy = p->pad_top > 0 || p->pad_left > 0 || need_h > (size_t)p->in_h || need_w > (size_t)p->in_w;
  const size_t ih = (size_t)(p->in_h + (bp->pad_copy ? p->pad_top : 0));
  const size_t iw = (size_t)(p->in_w + (bp->pad_copy ? p->pad_left : 0));
  bp->hp = bp->pad_copy && need_h > ih ? need_h : ih;
  bp->wp = bp->pad_copy && need_w > iw ? need_w : iw;
}

void oar_blocked_planes_pad_output(oar_blocked_planes *bp, const oar_conv2d_params *p, size_t top,
                                   size_t bottom, size_t left, size_t right) {
  bp->out_top = top;
  bp->out_left = left;
  bp->out_hp = (size_t)p->out_h + top + bottom;
  bp->out_wp = (size_t)p->out_w + left + right;
}

const float *oar_bias16(const float *bias, size_t out_c, size_t ocb, float *dst) {
  if (!bias) return NULL;
  memcpy(dst, bias, out_c * sizeof *dst);
  memset(dst + out_c, 0, (ocb * 16 - out_c) * sizeof *dst);
  return dst;
}

size_t oar_conv16c_packed_floats(const oar_conv16c *c) {
  size_t n;
  if (__builtin_mul_overflow(group_floats(c), c->groups, &n)) return SIZE_MAX;
  return c->bk ? n / 2 : n; /* group_floats is a multiple of 64 */
}

/* bfloat16 packing: per group, input block and tap, lanes/2 pairs of
 * input channels (8, or a plain input's channels rounded up to pairs),
 * each the group's output channels side by side, a pair word (even
 * channel low, odd high) per output channel. */
static void pack_filter_bf16(const oar_conv16c *c, const float *filter, uint16_t *dst) {
  const oar_conv2d_params *p = &c->p;
  const size_t in_c = (size_t)p->in_c, out_c = (size_t)p->out_c;
  for (size_t g = 0; g < c->groups; g++) {
    const size_t fcg = min_sz(OAR_CONV16C_FC, c->ocb - g * OAR_CONV16C_FC), width = fcg * 16;
    uint16_t *to = dst + g * group_floats(c);
    for (size_t cb = 0; cb < c->icb; cb++)
      for (size_t t = 0; t < c->taps; t++)
        for (size_t i = 0; i < c->lanes / 2; i++)
          for (size_t o = 0; o < width; o++)
            for (size_t h = 0; h < 2; h++) {
              const size_t ic = cb * c->lanes + 2 * i + h, oc = g * OAR_CONV16C_FC * 16 + o;
              *to++ = ic < in_c && oc < out_c ? oar_bf16_from_f32(filter[(oc * in_c + ic) * c->taps + t]) : 0;
            }
  }
}

void oar_conv16c_pack_filter(const oar_conv16c *c, const float *filter, float *dst) {
  if (c->bk) {
    pack_filter_bf16(c, filter, (uint16_t *)(void *)dst);
    return;
  }
  const oar_conv2d_params *p = &c->p;
  const size_t in_c = (size_t)p->in_c, out_c = (size_t)p->out_c;
  for (size_t g = 0; g < c->groups; g++) {
    const size_t fcg = min_sz(OAR_CONV16C_FC, c->ocb - g * OAR_CONV16C_FC), width = fcg * 16;
    float *to = dst + g * group_floats(c);
    for (size_t cb = 0; cb < c->icb; cb++)
      for (size_t t = 0; t < c->taps; t++)
        for (size_t i = 0; i < c->lanes; i++) {
          const size_t ic = cb * c->lanes + i;
          for (size_t o = 0; o < width; o++) {
            const size_t oc = g * OAR_CONV16C_FC * 16 + o;
            *to++ = ic < in_c && oc < out_c ? filter[(oc * in_c + ic) * c->taps + t] : 0.0f;
          }
        }
  }
}

/* ---- run ------------------------------------------------------------------ */

typedef struct conv16c_job {
  const oar_conv16c *c;
  const float *x; /* the plane set the tiles read (padded copy or input) */
  const float *packed, *bias, *res;
  float lo, hi;
  const oar_act_params *act;
  float *y;
  size_t tiles;
} conv16c_job;

/* base + off elements of esz bytes, as a float pointer (bfloat16 data
 * travels in the float pointers of the tile). */
static inline const float *elem(const float *base, size_t off, size_t esz) {
  return (const float *)(const void *)((const char *)base + off * esz);
}

static void run_block(const conv16c_job *job, size_t g0, size_t g1, size_t t0, size_t t1) {
  const oar_conv16c *c = job->c;
  const size_t esz = c->bk ? sizeof(uint16_t) : sizeof(float);
  const oar_f32_conv16c_fn kernel = c->bk ? c->bk->conv16c : c->kr->conv16c;
  const oar_conv2d_params *p = &c->p;
  const size_t pixels = (size_t)(p->out_h * p->out_w), ow = (size_t)p->out_w;
  /* Elements per pixel of the image the tiles read: a plain input's
   * bfloat16 copy interleaves its channels (convert_image). */
  const size_t px = c->plain_input ? (c->bk ? c->lanes : 1) : 16;
  const oar_blocked_planes *bp = &c->bp;
  const size_t plane_in = bp->hp * bp->wp * px, plane_out = bp->out_hp * bp->out_wp * 16,
               plane_res = pixels * 16;
  const size_t sh = (size_t)p->stride_h, sw = (size_t)p->stride_w;
  const bool padded_out = bp->out_hp != (size_t)p->out_h || bp->out_wp != ow;
  oar_conv16c_tile t = {
      .in_cb_stride = plane_in,
      .tap_off = c->tap_off,
      .taps = c->taps,
      .lanes = c->plain_input ? c->lanes : 16,
      .lane_stride = c->plain_input && !c->bk ? plane_in : 1,
      .out_ob_stride = plane_out,
      .res_ob_stride = plane_res,
  };
  for (size_t g = g0; g < g1; g++) {
    const size_t fcg = min_sz(OAR_CONV16C_FC, c->ocb - g * OAR_CONV16C_FC);
    const size_t ob0 = g * OAR_CONV16C_FC;
    const float *wg = elem(job->packed, g * group_floats(c), esz);
    for (size_t cb0 = 0; cb0 < c->icb; cb0 += c->chunk) {
      const size_t cbs = min_sz(c->chunk, c->icb - cb0);
      const bool last = cb0 + cbs >= c->icb;
      t.cbs = cbs;
      t.w = elem(wg, cb0 * c->taps * c->lanes * fcg * 16, esz);
      t.flags = (cb0 == 0 ? OAR_GEMM_FIRST : 0u) | (last ? OAR_GEMM_LAST : 0u);
      t.bias = job->bias ? job->bias + ob0 * 16 : NULL;
      t.lo = last ? job->lo : -INFINITY;
      t.hi = last ? job->hi : INFINITY;
      const float *xc = elem(job->x, cb0 * plane_in, esz);
      /* The filter slice of this block's next pass, prefetched into L2 a
       * share per tile: in a network the filters come from memory (ResNet-50
       * has 100 MB of them), and the hardware prefetcher alone left each
       * pass starting on cache misses. ResNet-50, one thread: the 3x3
       * layers on 7x7 images 1.16 -> 1.06 ms, on 14x14 -25 to -50 us, the
       * network -0.7 ms (2 threads -0.4). Not for 1x1 layers with few
       * tiles per pass (7x7 images), which ran 30-110 us slower with it. */
      const char *next = NULL;
      size_t next_bytes = 0;
      if (c->taps == 1 && t1 - t0 < 16) {
        /* no prefetch, see above */
      } else if (!last) {
        next = (const char *)elem(t.w, cbs * c->taps * c->lanes * fcg * 16, esz);
        next_bytes = min_sz(c->chunk, c->icb - cb0 - cbs) * c->taps * c->lanes * fcg * 16 * esz;
      } else if (g + 1 < g1) {
        next = (const char *)elem(wg, group_floats(c), esz);
        next_bytes = min_sz(c->chunk, c->icb) * c->taps * c->lanes *
                     min_sz(OAR_CONV16C_FC, c->ocb - (g + 1) * OAR_CONV16C_FC) * 16 * esz;
      }
      const size_t pf_step = ((next_bytes + 63) / 64 + (t1 - t0) - 1) / (t1 - t0) * 64;
      for (size_t tile = t0; tile < t1; tile++) {
        if (next_bytes) {
          const size_t from = (tile - t0) * pf_step, to = min_sz(from + pf_step, next_bytes);
          for (size_t off = from; off < to; off += 64) __builtin_prefetch(next + off, 0, 2);
        }
        const size_t p0 = tile * OAR_CONV16C_PX, npx = min_sz(OAR_CONV16C_PX, pixels - p0);
        size_t oh = p0 / ow, ox = p0 % ow;
        for (size_t k = 0; k < npx; k++) {
          t.in[k] = elem(xc, (oh * sh * bp->wp + ox * sw) * px, esz);
          t.out_px[k] = ((oh + bp->out_top) * bp->out_wp + ox + bp->out_left) * 16;
          if (++ox == ow) ox = 0, oh++;
        }
        t.out = job->y + ob0 * plane_out;
        t.res = job->res && last ? job->res + ob0 * plane_res + p0 * 16 : NULL;
        kernel(fcg, npx, &t);
        if (last && job->act)
          for (size_t f = 0; f < fcg; f++) {
            float *o = t.out + f * plane_out;
            if (!padded_out)
              c->kr->act(job->act, o + t.out_px[0], o + t.out_px[0], npx * 16);
            else
              for (size_t k = 0; k < npx; k++) c->kr->act(job->act, o + t.out_px[k], o + t.out_px[k], 16);
          }
      }
    }
  }
}

static void conv16c_slots(void *ctx, size_t begin, size_t end) {
  const conv16c_job *job = ctx;
  const size_t slots = (size_t)job->c->slots, sg = job->c->split_groups, st = slots / sg;
  for (size_t s = begin; s < end; s++) {
    const size_t si = s / st, sj = s % st;
    const size_t g0 = job->c->groups * si / sg, g1 = job->c->groups * (si + 1) / sg;
    const size_t t0 = job->tiles * sj / st, t1 = job->tiles * (sj + 1) / st;
    if (g0 < g1 && t0 < t1) run_block(job, g0, g1, t0, t1);
  }
}

/* The planes of an oar_pad_planes call, for oar_parallel_for. */
typedef struct pad_job {
  const float *src;
  size_t h, w, px, top, left, hp, wp;
  float *dst;
} pad_job;

static void pad_range(void *ctx, size_t begin, size_t end) {
  const pad_job *j = ctx;
  for (size_t i = begin; i < end; i++) {
    const float *s = j->src + i * j->h * j->w * j->px;
    float *d = j->dst + i * j->hp * j->wp * j->px;
    for (size_t y = 0; y < j->hp; y++) {
      float *row = d + y * j->wp * j->px;
      if (y < j->top || y >= j->top + j->h) {
        memset(row, 0, j->wp * j->px * sizeof *row);
        continue;
      }
      memset(row, 0, j->left * j->px * sizeof *row);
      memcpy(row + j->left * j->px, s + (y - j->top) * j->w * j->px, j->w * j->px * sizeof *row);
      memset(row + (j->left + j->w) * j->px, 0, (j->wp - j->left - j->w) * j->px * sizeof *row);
    }
  }
}

void oar_pad_planes(const float *src, size_t planes, size_t h, size_t w, size_t px, size_t top, size_t left,
                    size_t hp, size_t wp, float *dst, bool parallel) {
  pad_job j = {src, h, w, px, top, left, hp, wp, dst};
  if (parallel)
    oar_parallel_for(planes, 1, pad_range, &j);
  else
    pad_range(&j, 0, planes);
}

const float *oar_blocked_image(const oar_blocked_planes *bp, const oar_conv2d_params *p, const float *x,
                               size_t in_planes, size_t px, float *padded, float *y, size_t out_planes,
                               bool parallel) {
  const size_t oh = (size_t)p->out_h, ow = (size_t)p->out_w;
  if (bp->out_hp != oh || bp->out_wp != ow) {
    const size_t row = bp->out_wp * 16, right = bp->out_wp - bp->out_left - ow;
    for (size_t i = 0; i < out_planes; i++) {
      float *plane = y + i * bp->out_hp * row;
      memset(plane, 0, bp->out_top * row * sizeof *plane);
      for (size_t r = bp->out_top; r < bp->out_top + oh; r++) {
        memset(plane + r * row, 0, bp->out_left * 16 * sizeof *plane);
        memset(plane + r * row + (bp->out_left + ow) * 16, 0, right * 16 * sizeof *plane);
      }
      memset(plane + (bp->out_top + oh) * row, 0, (bp->out_hp - bp->out_top - oh) * row * sizeof *plane);
    }
  }
  if (!bp->pad_copy) return x;
  oar_pad_planes(x, in_planes, (size_t)p->in_h, (size_t)p->in_w, px, (size_t)p->pad_top, (size_t)p->pad_left,
                 bp->hp, bp->wp, padded, parallel);
  return padded;
}

/* Converts one NCHW16c image (icb planes) to bfloat16 into dst, inside
 * the zero border of the padded plane when the convolution pads. */
typedef struct convert_job {
  const oar_conv16c *c;
  const float *x;
  uint16_t *dst;
} convert_job;

static void convert_range(void *ctx, size_t begin, size_t end) {
  const convert_job *j = ctx;
  const oar_conv16c *c = j->c;
  const oar_blocked_planes *bp = &c->bp;
  const size_t h = (size_t)c->p.in_h, w = (size_t)c->p.in_w;
  const size_t top = bp->pad_copy ? (size_t)c->p.pad_top : 0, left = bp->pad_copy ? (size_t)c->p.pad_left : 0;
  for (size_t i = begin; i < end; i++) {
    const float *s = j->x + i * h * w * 16;
    uint16_t *d = j->dst + i * bp->hp * bp->wp * 16;
    if (!bp->pad_copy) {
      c->bk->convert(s, d, h * w * 16);
      continue;
    }
    for (size_t y = 0; y < bp->hp; y++) {
      uint16_t *row = d + y * bp->wp * 16;
      if (y < top || y >= top + h) {
        memset(row, 0, bp->wp * 16 * sizeof *row);
        continue;
      }
      memset(row, 0, left * 16 * sizeof *row);
      c->bk->convert(s + (y - top) * w * 16, row + left * 16, w * 16);
      memset(row + (left + w) * 16, 0, (bp->wp - left - w) * 16 * sizeof *row);
    }
  }
}

/* A plain NCHW input: rows [begin, end) of the interleaved bfloat16
 * plane (channels padded to c->lanes with zeros). */
static void convert_plain_rows(void *ctx, size_t begin, size_t end) {
  const convert_job *j = ctx;
  const oar_conv16c *c = j->c;
  const oar_blocked_planes *bp = &c->bp;
  const size_t h = (size_t)c->p.in_h, w = (size_t)c->p.in_w, in_c = (size_t)c->p.in_c, lanes = c->lanes;
  const size_t top = bp->pad_copy ? (size_t)c->p.pad_top : 0, left = bp->pad_copy ? (size_t)c->p.pad_left : 0;
  for (size_t y = begin; y < end; y++) {
    uint16_t *row = j->dst + y * bp->wp * lanes;
    memset(row, 0, bp->wp * lanes * sizeof *row);
    if (y < top || y >= top + h) continue;
    for (size_t ch = 0; ch < in_c; ch++) {
      const float *s = j->x + (ch * h + (y - top)) * w;
      for (size_t x = 0; x < w; x++) row[(left + x) * lanes + ch] = oar_bf16_from_f32(s[x]);
    }
  }
}

static const float *convert_image(const oar_conv16c *c, const float *x, uint16_t *dst) {
  convert_job j = {c, x, dst};
  if (c->plain_input) {
    if (c->slots > 1)
      oar_parallel_for(c->bp.hp, 1, convert_plain_rows, &j);
    else
      convert_plain_rows(&j, 0, c->bp.hp);
  } else if (c->slots > 1) {
    oar_parallel_for(c->icb, 1, convert_range, &j);
  } else {
    convert_range(&j, 0, c->icb);
  }
  return (const float *)(const void *)dst;
}

void oar_conv16c_run(const oar_conv16c *c, const float *src, const float *packed_filter, const float *bias,
                     const float *residual, float lo, float hi, const oar_act_params *act, float *dst,
                     void *workspace) {
  const oar_conv2d_params *p = &c->p;
  const size_t planes = c->plain_input ? (size_t)p->in_c : c->icb;
  const size_t in_img = planes * (size_t)(p->in_h * p->in_w) * (c->plain_input ? 1 : 16);
  const size_t out_img = c->ocb * c->bp.out_hp * c->bp.out_wp * 16,
               res_img = c->ocb * (size_t)(p->out_h * p->out_w) * 16;
  float *padded = workspace;
  const float *bias16 = oar_bias16(bias, (size_t)p->out_c, c->ocb, (float *)workspace + image_floats(c));
  /* bfloat16: the output's border is zeroed as for float32, the input
   * converted (into its zero border when padded) by convert_image. */
  oar_blocked_planes out_only = c->bp;
  out_only.pad_copy = false;
  const size_t tiles = ((size_t)(p->out_h * p->out_w) + OAR_CONV16C_PX - 1) / OAR_CONV16C_PX;
  for (int64_t n = 0; n < p->batch; n++) {
    const float *x =
        oar_blocked_image(c->bk ? &out_only : &c->bp, p, src + (size_t)n * in_img, planes,
                          c->plain_input ? 1 : 16, padded, dst + (size_t)n * out_img, c->ocb, c->slots > 1);
    if (c->bk) x = convert_image(c, x, (uint16_t *)workspace);
    conv16c_job job = {
        .c = c,
        .x = x,
        .packed = packed_filter,
        .bias = bias16,
        .res = residual ? residual + (size_t)n * res_img : NULL,
        .lo = lo,
        .hi = hi,
        .act = act,
        .y = dst + (size_t)n * out_img,
        .tiles = tiles,
    };
    if (c->slots > 1)
      oar_parallel_for((size_t)c->slots, 1, conv16c_slots, &job);
    else
      conv16c_slots(&job, 0, 1);
  }
}

/* ---- layout --------------------------------------------------------------- */

void oar_nchw_to_nchw16c(const float *src, size_t n, size_t c, size_t hw, float *dst) {
  const size_t cb_count = oar_blocks16(c);
  for (size_t b = 0; b < n; b++)
    for (size_t cb = 0; cb < cb_count; cb++) {
      float *d = dst + (b * cb_count + cb) * hw * 16;
      const size_t lanes = min_sz(16, c - cb * 16);
      const float *s = src + (b * c + cb * 16) * hw;
      for (size_t i = 0; i < hw; i++) {
        size_t l = 0;
        for (; l < lanes; l++) d[i * 16 + l] = s[l * hw + i];
        for (; l < 16; l++) d[i * 16 + l] = 0.0f;
      }
    }
}

void oar_nchw16c_to_nchw(const float *src, size_t n, size_t c, size_t hw, float *dst) {
  const size_t cb_count = oar_blocks16(c);
  for (size_t b = 0; b < n; b++)
    for (size_t cb = 0; cb < cb_count; cb++) {
      const float *s = src + (b * cb_count + cb) * hw * 16;
      const size_t lanes = min_sz(16, c - cb * 16);
      float *d = dst + (b * c + cb * 16) * hw;
      for (size_t l = 0; l < lanes; l++)
        for (size_t i = 0; i < hw; i++) d[l * hw + i] = s[i * 16 + l];
    }
}
