#include "kernels/generic/dwconv16c.h"

#include <stdint.h>
#include <string.h>

#include "base/threadpool.h"
#include "kernels/generic/conv16c.h"

/* As in conv16c.c: below ~2 us of work per slot the work is not split. */
#define MIN_FLOPS_PER_SLOT (0.4 * 1024 * 1024)
/* Work units per slot when there are few channel blocks: row bands even
 * out the slots' shares (3 blocks on 2 slots would be 2:1). */
#define UNITS_PER_SLOT 4

bool oar_dwconv16c_supported(const oar_conv2d_params *p, const oar_f32_kernels *kr) {
  return kr->dwconv16c && !p->nhwc && p->groups >= 1 && p->groups == p->in_c && p->groups == p->out_c &&
         p->batch >= 1 && p->in_h >= 1 && p->in_w >= 1 && p->out_h >= 1 && p->out_w >= 1 &&
         p->kernel_h >= 1 && p->kernel_w >= 1 && p->stride_h >= 1 && p->stride_w >= 1 && p->dilation_h >= 1 &&
         p->dilation_w >= 1 && p->pad_top >= 0 && p->pad_left >= 0;
}

void oar_dwconv16c_init(oar_dwconv16c *c, const oar_conv2d_params *p, const oar_f32_kernels *kr,
                        int threads) {
  memset(c, 0, sizeof *c);
  c->p = *p;
  c->kr = kr;
  c->cb = oar_blocks16((size_t)p->in_c);
  const double flops = 2.0 * (double)p->batch * (double)(p->out_h * p->out_w) * (double)(c->cb * 16) *
                       (double)(p->kernel_h * p->kernel_w);
  int slots = threads < 1 ? 1 : threads;
  while (slots > 1 && flops / slots < MIN_FLOPS_PER_SLOT) slots--;
  c->slots = slots;
  /* The bias, padded to whole blocks. */
  if (__builtin_mul_overflow(c->cb * 16, sizeof(float), &c->workspace_bytes)) c->workspace_bytes = SIZE_MAX;
}

static size_t taps_of(const oar_dwconv16c *c) { return (size_t)(c->p.kernel_h * c->p.kernel_w); }

size_t oar_dwconv16c_packed_floats(const oar_dwconv16c *c) {
  size_t n;
  if (__builtin_mul_overflow(c->cb * 16, taps_of(c), &n)) return SIZE_MAX;
  return n;
}

void oar_dwconv16c_pack_filter(const oar_dwconv16c *c, const float *filter, float *dst) {
  const size_t channels = (size_t)c->p.in_c, taps = taps_of(c);
  for (size_t b = 0; b < c->cb; b++)
    for (size_t t = 0; t < taps; t++)
      for (size_t l = 0; l < 16; l++) {
        const size_t ch = b * 16 + l;
        *dst++ = ch < channels ? filter[ch * taps + t] : 0.0f;
      }
}

/* ---- run ------------------------------------------------------------------ */

/* The filter taps along one dim that output index o reaches inside the
 * image: [*first, *first + *count). */
static void tap_range(int64_t o, int64_t stride, int64_t pad, int64_t k, int64_t dil, int64_t in,
                      int64_t *first, int64_t *count) {
  const int64_t start = o * stride - pad;
  const int64_t lo = start >= 0 ? 0 : (-start + dil - 1) / dil;
  const int64_t hi = start > in - 1 ? 0 : (in - 1 - start) / dil + 1;
  const int64_t end = hi < k ? hi : k;
  *first = lo;
  *count = end > lo ? end - lo : 0;
}

typedef struct dw_job {
  const oar_dwconv16c *c;
  const float *src, *packed, *bias, *res;
  float lo, hi;
  const oar_act_params *act;
  float *dst;
  size_t bands;     /* row bands per plane */
  int64_t ix0, ix1; /* output columns whose window the image holds whole */
} dw_job;

/* Output rows [r0, r1) of plane `plane` (image * cb + block). */
static void run_rows(const dw_job *job, size_t plane, int64_t r0, int64_t r1) {
  const oar_dwconv16c *c = job->c;
  const oar_conv2d_params *p = &c->p;
  const size_t block = plane % c->cb;
  const int64_t in_w = p->in_w, out_w = p->out_w, kw = p->kernel_w;
  const float *x = job->src + plane * (size_t)(p->in_h * in_w) * 16;
  float *y = job->dst + plane * (size_t)(p->out_h * out_w) * 16;
  const float *res = job->res ? job->res + plane * (size_t)(p->out_h * out_w) * 16 : NULL;
  const float *wb = job->packed + block * taps_of(c) * 16;
  oar_dwconv16c_seg s = {
      .in_row_stride = (size_t)(p->dilation_h * in_w) * 16,
      .in_px_stride = (size_t)p->stride_w * 16,
      .in_tap_stride = (size_t)p->dilation_w * 16,
      .w_row_stride = (size_t)kw * 16,
      .bias = job->bias ? job->bias + block * 16 : NULL,
      .lo = job->lo,
      .hi = job->hi,
  };
  for (int64_t oh = r0; oh < r1; oh++) {
    int64_t ky0, rows;
    tap_range(oh, p->stride_h, p->pad_top, p->kernel_h, p->dilation_h, p->in_h, &ky0, &rows);
    s.rows = (size_t)rows;
    const int64_t iy = oh * p->stride_h - p->pad_top + ky0 * p->dilation_h; /* first row read */
    const float *xrow = rows ? x + (size_t)(iy * in_w) * 16 : x;
    const float *wrow = wb + (size_t)(ky0 * kw) * 16;
    float *yrow = y + (size_t)(oh * out_w) * 16;
    const float *rrow = res ? res + (size_t)(oh * out_w) * 16 : NULL;
    for (int64_t ox = 0; ox < out_w;) {
      int64_t kx0, taps, n;
      if (ox >= job->ix0 && ox < job->ix1) {
        kx0 = 0, taps = kw, n = job->ix1 - ox;
      } else {
        tap_range(ox, p->stride_w, p->pad_left, kw, p->dilation_w, in_w, &kx0, &taps);
        n = 1;
      }
      const int64_t ix = ox * p->stride_w - p->pad_left + kx0 * p->dilation_w; /* first column read */
      s.in = rows && taps ? xrow + (size_t)ix * 16 : x;
      s.taps = (size_t)taps;
      s.w = wrow + (size_t)kx0 * 16;
      s.res = rrow ? rrow + (size_t)ox * 16 : NULL;
      s.out = yrow + (size_t)ox * 16;
      s.n = (size_t)n;
      c->kr->dwconv16c(&s);
      ox += n;
    }
    if (job->act) c->kr->act(job->act, yrow, yrow, (size_t)out_w * 16);
  }
}

static void run_units(void *ctx, size_t begin, size_t end) {
  const dw_job *job = ctx;
  const int64_t out_h = job->c->p.out_h;
  for (size_t u = begin; u < end; u++) {
    const size_t plane = u / job->bands, band = u % job->bands;
    const int64_t r0 = out_h * (int64_t)band / (int64_t)job->bands;
    const int64_t r1 = out_h * (int64_t)(band + 1) / (int64_t)job->bands;
    if (r0 < r1) run_rows(job, plane, r0, r1);
  }
}

void oar_dwconv16c_run(const oar_dwconv16c *c, const float *src, const float *packed_filter,
                       const float *bias, const float *residual, float lo, float hi,
                       const oar_act_params *act, float *dst, void *workspace) {
  const oar_conv2d_params *p = &c->p;
  float *bias16 = workspace;
  if (bias) {
    memcpy(bias16, bias, (size_t)p->in_c * sizeof *bias16);
    memset(bias16 + p->in_c, 0, (c->cb * 16 - (size_t)p->in_c) * sizeof *bias16);
  }
  /* Interior columns: ox * sw - pl >= 0 and ox * sw - pl + (kw - 1) * dw <= in_w - 1. */
  int64_t ix0 = (p->pad_left + p->stride_w - 1) / p->stride_w, ix1 = ix0;
  const int64_t last = p->in_w - 1 + p->pad_left - (p->kernel_w - 1) * p->dilation_w;
  if (last >= 0) ix1 = last / p->stride_w + 1;
  if (ix0 > p->out_w) ix0 = p->out_w;
  if (ix1 > p->out_w) ix1 = p->out_w;
  if (ix1 < ix0) ix1 = ix0;
  const size_t planes = (size_t)p->batch * c->cb;
  size_t bands = 1;
  if (c->slots > 1 && planes < (size_t)c->slots * UNITS_PER_SLOT) {
    bands = ((size_t)c->slots * UNITS_PER_SLOT + planes - 1) / planes;
    if (bands > (size_t)p->out_h) bands = (size_t)p->out_h;
  }
  dw_job job = {
      .c = c,
      .src = src,
      .packed = packed_filter,
      .bias = bias ? bias16 : NULL,
      .res = residual,
      .lo = lo,
      .hi = hi,
      .act = act,
      .dst = dst,
      .bands = bands,
      .ix0 = ix0,
      .ix1 = ix1,
  };
  if (c->slots > 1)
    oar_parallel_for(planes * bands, 1, run_units, &job);
  else
    run_units(&job, 0, planes * bands);
}
