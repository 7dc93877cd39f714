/* Plain-C bodies of the simpler float32 kernels (affine, binary, depthwise
 * plane, GEMV), written so that compilers vectorize them: each ISA folder
 * includes this file once and compiles it with its own flags (and
 * -ffp-contract=fast), giving one copy per level with nothing but the
 * ISA flags changed. Never include it from a file outside those folders
 * and the generic table. */
#ifndef OAR_KERNELS_GENERIC_F32_SIMPLE_IMPL_H
#define OAR_KERNELS_GENERIC_F32_SIMPLE_IMPL_H

#include <math.h>
#include <string.h>

#include "kernels/generic/f32_kernels.h"

static inline size_t simple_min(size_t a, size_t b) { return a < b ? a : b; }

static inline float simple_clamp(float v, float lo, float hi) {
  v = v > lo ? v : lo;
  return v < hi ? v : hi;
}

static inline void simple_affine(const float *restrict src, float s, float b, float *restrict dst, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] = src[i] * s + b;
}

/* src and dst may alias exactly (same pointer): each element is read before
 * it is written, so restrict is not used. */
static inline void simple_binary(oar_fast_binary op, const float *x, const float *y, int y_scalar, float *dst,
                                 size_t n) {
#define SIMPLE_LOOP(expr)               \
  do {                                  \
    if (y_scalar) {                     \
      const float yv = y[0];            \
      for (size_t i = 0; i < n; i++) {  \
        const float a = x[i], b = yv;   \
        dst[i] = (expr);                \
      }                                 \
    } else {                            \
      for (size_t i = 0; i < n; i++) {  \
        const float a = x[i], b = y[i]; \
        dst[i] = (expr);                \
      }                                 \
    }                                   \
  } while (0)
  switch (op) {
    case OAR_FAST_ADD: SIMPLE_LOOP(a + b); break;
    case OAR_FAST_SUB: SIMPLE_LOOP(a - b); break;
    case OAR_FAST_MUL: SIMPLE_LOOP(a * b); break;
    case OAR_FAST_DIV: SIMPLE_LOOP(a / b); break;
    case OAR_FAST_MAX: SIMPLE_LOOP(a > b ? a : b); break;
    case OAR_FAST_MIN: SIMPLE_LOOP(a < b ? a : b); break;
    case OAR_FAST_RSUB: SIMPLE_LOOP(b - a); break;
    case OAR_FAST_RDIV: SIMPLE_LOOP(b / a); break;
    case OAR_FAST_RMAX: SIMPLE_LOOP(b > a ? b : a); break;
    case OAR_FAST_RMIN: SIMPLE_LOOP(b < a ? b : a); break;
  }
#undef SIMPLE_LOOP
}

static inline __attribute__((always_inline)) void simple_copy_strided(float *restrict d,
                                                                      const float *restrict src, size_t n,
                                                                      size_t stride) {
  for (size_t i = 0; i < n; i++) d[i] = src[i * stride];
}

/* ---- depthwise planes -------------------------------------------------
 * The plane is first copied into scratch with its zero padding, split by
 * column phase: with stride s, padded column x goes to phase x % s at
 * position x / s. Tap (y, x) of output (oh, ow) then reads phase
 * (x*dw) % s at position ow + (x*dw) / s of padded row oh*sh + y*dh: unit
 * stride in ow for every stride, so the per-ISA kernels load whole vectors
 * of outputs' inputs. */
typedef struct simple_dw_layout {
  size_t ph, pw, s, pwq; /* padded rows, padded columns, phases, columns per phase */
} simple_dw_layout;

/* Copies (src) or zeroes (src NULL) n floats in fixed-size pieces, which
 * the compiler inlines: the rows of small planes (7x7, 14x14) are a few
 * floats long, and a call to memcpy / memset per piece of a row cost more
 * than the depthwise arithmetic of such a plane. */
static inline __attribute__((always_inline)) void simple_fill_row(float *restrict d,
                                                                  const float *restrict src, size_t n) {
  static const float zeros[8] = {0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) memcpy(d + i, src ? src + i : zeros, 8 * sizeof *d);
  if (n - i >= 4) {
    memcpy(d + i, src ? src + i : zeros, 4 * sizeof *d);
    i += 4;
  }
  if (n - i >= 2) {
    memcpy(d + i, src ? src + i : zeros, 2 * sizeof *d);
    i += 2;
  }
  if (i < n) d[i] = src ? src[i] : 0.0f;
}

static inline simple_dw_layout simple_dw_layout_of(const oar_dwconv_plane *p) {
  simple_dw_layout l;
  l.ph = (p->out_h - 1) * p->stride_h + (p->kernel_h - 1) * p->dilation_h + 1;
  l.pw = (p->out_w - 1) * p->stride_w + (p->kernel_w - 1) * p->dilation_w + 1;
  l.s = p->stride_w;
  l.pwq = (l.pw + l.s - 1) / l.s + 1;
  return l;
}

static inline void simple_dw_pad(const oar_dwconv_plane *p, const simple_dw_layout *l,
                                 const float *restrict src, float *restrict scratch) {
  for (size_t y = 0; y < l->ph; y++) {
    const size_t iy = y - p->pad_top; /* wraps when above the plane */
    const int inside = y >= p->pad_top && iy < p->in_h;
    const float *row = inside ? src + iy * p->in_w : NULL;
    if (l->s == 1) {
      float *d = scratch + y * l->pwq;
      if (!inside) {
        simple_fill_row(d, NULL, l->pwq);
        continue;
      }
      const size_t left = p->pad_left < l->pw ? p->pad_left : l->pw;
      const size_t copy = p->in_w < l->pw - left ? p->in_w : l->pw - left;
      simple_fill_row(d, NULL, left);
      simple_fill_row(d + left, row, copy);
      simple_fill_row(d + left + copy, NULL, l->pwq - left - copy);
      continue;
    }
    for (size_t q = 0; q < l->s; q++) {
      float *d = scratch + (q * l->ph + y) * l->pwq;
      if (!inside) {
        simple_fill_row(d, NULL, l->pwq);
        continue;
      }
      /* Positions t whose column x = t*s + q lies in the image:
       * pad_left <= x < pad_left + in_w, and x < pw. */
      const size_t x_end = p->pad_left + p->in_w < l->pw ? p->pad_left + p->in_w : l->pw;
      size_t t_lo = p->pad_left > q ? (p->pad_left - q + l->s - 1) / l->s : 0;
      size_t t_hi = x_end > q ? (x_end - q + l->s - 1) / l->s : 0;
      if (t_lo > l->pwq) t_lo = l->pwq;
      if (t_hi > l->pwq) t_hi = l->pwq;
      if (t_hi < t_lo) t_hi = t_lo;
      simple_fill_row(d, NULL, t_lo);
      const float *from = row + (t_lo * l->s + q - p->pad_left);
      if (l->s == 2)
        simple_copy_strided(d + t_lo, from, t_hi - t_lo, 2);
      else
        simple_copy_strided(d + t_lo, from, t_hi - t_lo, l->s);
      simple_fill_row(d + t_hi, NULL, l->pwq - t_hi);
    }
  }
}

/* Scalar compute on the padded phases (the generic level). */
static inline void simple_dwconv(const oar_dwconv_plane *p, const float *restrict src,
                                 const float *restrict w, float bias, const float *restrict residual,
                                 float *restrict dst, float *restrict scratch) {
  if (p->out_h == 0 || p->out_w == 0) return;
  const simple_dw_layout l = simple_dw_layout_of(p);
  simple_dw_pad(p, &l, src, scratch);
  for (size_t oh = 0; oh < p->out_h; oh++) {
    for (size_t ow = 0; ow < p->out_w; ow++) {
      float acc = bias;
      for (size_t y = 0; y < p->kernel_h; y++) {
        const size_t row = oh * p->stride_h + y * p->dilation_h;
        for (size_t x = 0; x < p->kernel_w; x++) {
          const size_t cx = x * p->dilation_w, q = cx % l.s;
          acc += w[y * p->kernel_w + x] * scratch[(q * l.ph + row) * l.pwq + cx / l.s + ow];
        }
      }
      if (residual) acc += residual[oh * p->out_w + ow];
      dst[oh * p->out_w + ow] = simple_clamp(acc, p->lo, p->hi);
    }
  }
}

/* Rows four at a time, 16 independent partial sums per row (vectorizable
 * without reassociating a single sum). */
static inline void simple_gemv(size_t m, size_t k, const float *restrict a, size_t lda,
                               const float *restrict x, const float *restrict bias,
                               const float *restrict residual, float lo, float hi, float *restrict y) {
  enum { L = 16 };
  const size_t kv = k - k % L;
  size_t i = 0;
  for (; i + 4 <= m; i += 4) {
    float s[4][L];
    memset(s, 0, sizeof s);
    const float *restrict a0 = a + i * lda, *restrict a1 = a0 + lda, *restrict a2 = a1 + lda,
                          *restrict a3 = a2 + lda;
    for (size_t kk = 0; kk < kv; kk += L) {
      for (size_t l = 0; l < L; l++) {
        const float xv = x[kk + l];
        s[0][l] += a0[kk + l] * xv;
        s[1][l] += a1[kk + l] * xv;
        s[2][l] += a2[kk + l] * xv;
        s[3][l] += a3[kk + l] * xv;
      }
    }
    for (int r = 0; r < 4; r++) {
      const float *restrict ar = a + (i + (size_t)r) * lda;
      float t = 0.0f;
      for (size_t l = 0; l < L; l++) t += s[r][l];
      for (size_t kk = kv; kk < k; kk++) t += ar[kk] * x[kk];
      if (bias) t += bias[i + (size_t)r];
      if (residual) t += residual[i + (size_t)r];
      y[i + (size_t)r] = simple_clamp(t, lo, hi);
    }
  }
  for (; i < m; i++) {
    const float *restrict ar = a + i * lda;
    float s[L];
    memset(s, 0, sizeof s);
    for (size_t kk = 0; kk < kv; kk += L)
      for (size_t l = 0; l < L; l++) s[l] += ar[kk + l] * x[kk + l];
    float t = 0.0f;
    for (size_t l = 0; l < L; l++) t += s[l];
    for (size_t kk = kv; kk < k; kk++) t += ar[kk] * x[kk];
    if (bias) t += bias[i];
    if (residual) t += residual[i];
    y[i] = simple_clamp(t, lo, hi);
  }
}

/* ---- GEMM packing (contract: f32_kernels.h) ---------------------------- */

static inline void simple_pack_rows(const void *ctx, size_t idx0, size_t count, size_t k0, size_t kc,
                                    size_t r, float *dst) {
  const oar_gemm_matrix *m = ctx;
  for (size_t p0 = 0; p0 < count; p0 += r, dst += r * kc) {
    const size_t rows = simple_min(r, count - p0);
    if (m->trans) {
      /* A(i, k) = data[k*ld + i]: each step is a contiguous run. */
      for (size_t k = 0; k < kc; k++) {
        const float *src = m->data + (k0 + k) * m->ld + idx0 + p0;
        float *d = dst + k * r;
        for (size_t i = 0; i < rows; i++) d[i] = src[i] * m->scale;
        for (size_t i = rows; i < r; i++) d[i] = 0.0f;
      }
    } else {
      for (size_t i = 0; i < rows; i++) {
        const float *src = m->data + (idx0 + p0 + i) * m->ld + k0;
        for (size_t k = 0; k < kc; k++) dst[k * r + i] = src[k] * m->scale;
      }
      for (size_t i = rows; i < r; i++)
        for (size_t k = 0; k < kc; k++) dst[k * r + i] = 0.0f;
    }
  }
}

static inline void simple_pack_cols(const void *ctx, size_t idx0, size_t count, size_t k0, size_t kc,
                                    size_t r, float *dst) {
  const oar_gemm_matrix *m = ctx;
  for (size_t p0 = 0; p0 < count; p0 += r, dst += r * kc) {
    const size_t cols = simple_min(r, count - p0);
    if (!m->trans) {
      for (size_t k = 0; k < kc; k++) {
        const float *src = m->data + (k0 + k) * m->ld + idx0 + p0;
        float *d = dst + k * r;
        if (m->scale == 1.0f) {
          memcpy(d, src, cols * sizeof *d);
        } else {
          for (size_t j = 0; j < cols; j++) d[j] = src[j] * m->scale;
        }
        for (size_t j = cols; j < r; j++) d[j] = 0.0f;
      }
    } else {
      /* B(k, j) = data[j*ld + k]. */
      for (size_t j = 0; j < cols; j++) {
        const float *src = m->data + (idx0 + p0 + j) * m->ld + k0;
        for (size_t k = 0; k < kc; k++) dst[k * r + j] = src[k] * m->scale;
      }
      for (size_t j = cols; j < r; j++)
        for (size_t k = 0; k < kc; k++) dst[k * r + j] = 0.0f;
    }
  }
}

/* Panels of r output pixels [j0, j0 + count) over depth [k0, k0 + kc),
 * depth index k = (c * kh + y) * kw + x. Each panel row is written as runs
 * along output rows: zeros where the tap falls in the padding, a copy (or
 * a strided gather) where it falls in the image. The columns of an output
 * row that read inside the image depend only on the tap's x, so they are
 * worked out once per k, not per run. */
static inline void simple_pack_im2col(const void *ctx, size_t j0, size_t count, size_t k0, size_t kc,
                                      size_t r, float *dst) {
  const oar_im2col_src *s = ctx;
  const oar_conv2d_params *p = s->p;
  const size_t KH = (size_t)p->kernel_h, KW = (size_t)p->kernel_w, OW = (size_t)p->out_w;
  const int64_t IH = p->in_h, IW = p->in_w, SH = p->stride_h, SW = p->stride_w;
  const size_t panels = (count + r - 1) / r;
  for (size_t kk = 0; kk < kc; kk++) {
    const size_t k = k0 + kk;
    const size_t c = k / (KH * KW), ky = (k / KW) % KH, kx = k % KW;
    const float *plane = s->x + c * (size_t)(IH * IW);
    const int64_t dy = (int64_t)ky * p->dilation_h - p->pad_top,
                  dx = (int64_t)kx * p->dilation_w - p->pad_left;
    /* ix = ox*SW + dx lies in [0, IW) for ox in [lo, hi). */
    int64_t lo = dx >= 0 ? 0 : (-dx + SW - 1) / SW;
    int64_t hi = IW - dx <= 0 ? 0 : (IW - dx + SW - 1) / SW;
    if (lo > (int64_t)OW) lo = (int64_t)OW;
    if (hi > (int64_t)OW) hi = (int64_t)OW;
    if (hi < lo) hi = lo;
    for (size_t pi = 0; pi < panels; pi++) {
      float *d = dst + pi * r * kc + kk * r;
      size_t j = j0 + pi * r;
      const size_t jend = simple_min(j0 + count, j + r);
      size_t oy = j / OW, ox = j % OW;
      while (j < jend) {
        const size_t run = simple_min(OW - ox, jend - j); /* pixels left on this output row */
        const int64_t iy = (int64_t)oy * SH + dy;
        const int64_t o0 = (int64_t)ox, o1 = (int64_t)(ox + run);
        if (iy < 0 || iy >= IH) {
          for (int64_t o = o0; o < o1; o++) *d++ = 0.0f;
        } else {
          const float *row = plane + iy * IW + dx;
          const int64_t a = lo < o0 ? o0 : lo > o1 ? o1 : lo;
          const int64_t b = hi < a ? a : hi > o1 ? o1 : hi;
          for (int64_t o = o0; o < a; o++) *d++ = 0.0f;
          /* Constant strides so that the copy vectorizes. */
          if (SW == 1) {
            simple_copy_strided(d, row + a, (size_t)(b - a), 1);
          } else if (SW == 2) {
            simple_copy_strided(d, row + a * 2, (size_t)(b - a), 2);
          } else {
            simple_copy_strided(d, row + a * SW, (size_t)(b - a), (size_t)SW);
          }
          d += b - a;
          for (int64_t o = b; o < o1; o++) *d++ = 0.0f;
        }
        j += run;
        ox = 0;
        oy++;
      }
      const size_t filled = jend - (j0 + pi * r);
      for (size_t t = filled; t < r; t++) d[t - filled] = 0.0f;
    }
  }
}

/* Rows (A side) of the transposed im2col: row j is output pixel j, depth
 * k = (c * kernel_h + y) * kernel_w + x. For the pixel-major convolution
 * of small images (conv_gemm.c), where the channels, not the pixels, fill
 * the vectors. */
static inline void simple_pack_rows_im2col(const void *ctx, size_t j0, size_t count, size_t k0, size_t kc,
                                           size_t r, float *dst) {
  const oar_im2col_src *s = ctx;
  const oar_conv2d_params *p = s->p;
  const size_t KH = (size_t)p->kernel_h, KW = (size_t)p->kernel_w, OW = (size_t)p->out_w;
  const size_t IH = (size_t)p->in_h, IW = (size_t)p->in_w;
  enum { MAXR = 64 };
  for (size_t p0 = 0; p0 < count; p0 += r, dst += r * kc) {
    const size_t rows = simple_min(r, count - p0);
    /* Top-left input corner of each pixel's window (may be negative:
     * unsigned wrap-around fails the bounds test below). */
    size_t iy0[MAXR], ix0[MAXR];
    for (size_t i = 0; i < rows && i < MAXR; i++) {
      const size_t j = j0 + p0 + i;
      iy0[i] = (j / OW) * (size_t)p->stride_h - (size_t)p->pad_top;
      ix0[i] = (j % OW) * (size_t)p->stride_w - (size_t)p->pad_left;
    }
    for (size_t kk = 0; kk < kc; kk++) {
      const size_t k = k0 + kk;
      const size_t c = k / (KH * KW), ky = (k / KW) % KH, kx = k % KW;
      const float *plane = s->x + c * IH * IW;
      const size_t dy = ky * (size_t)p->dilation_h, dx = kx * (size_t)p->dilation_w;
      float *d = dst + kk * r;
      for (size_t i = 0; i < rows; i++) {
        const size_t iy = iy0[i] + dy, ix = ix0[i] + dx;
        d[i] = iy < IH && ix < IW ? plane[iy * IW + ix] : 0.0f;
      }
      for (size_t i = rows; i < r; i++) d[i] = 0.0f;
    }
  }
}

/* The thin per-ISA wrappers around the bodies above: each ISA folder's
 * table file expands this once, so the same C is compiled with that
 * folder's flags (and auto-vectorized for it). Defines
 * oar_f32_affine__<isa>, oar_f32_binary__<isa> and the static pack_*
 * functions the table points at. */
/* ---- softmax ----------------------------------------------------------- */

/* exp(x) for x <= 0: Cephes' degree-6 polynomial on [-ln2/2, ln2/2] with
 * 2^n built in the exponent bits (<= 2 ulp); 0 below -87.34 (where expf is
 * subnormal), NaN for NaN. Written so that loops over it vectorize. */
static inline float simple_exp_nonpos(float x) {
  const float xc = x < -87.33654f ? -87.33654f : x;
  /* t = round(x / ln2) + 1.5 * 2^23: the integer sits in t's low bits. */
  const float magic = 12582912.0f;
  const float t = xc * 1.44269504088896341f + magic;
  const float n = t - magic;
  float r = xc - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float q = 1.9875691500E-4f;
  q = q * r + 1.3981999507E-3f;
  q = q * r + 8.3334519073E-3f;
  q = q * r + 4.1665795894E-2f;
  q = q * r + 1.6666665459E-1f;
  q = q * r + 5.0000001201E-1f;
  q = q * (r * r) + r + 1.0f;
  uint32_t tb;
  memcpy(&tb, &t, sizeof tb);
  const uint32_t sb = (tb - 0x4B400000u + 127u) << 23; /* 2^n, n in [-126, 0] */
  float scale;
  memcpy(&scale, &sb, sizeof scale);
  const float v = q * scale;
  return x < -87.33654f ? 0.0f : v;
}

#define SIMPLE_SM_LANES 16
#define SIMPLE_SM_COLS 64

/* One contiguous vector. */
static inline void simple_softmax_row(const float *restrict src, float *restrict dst, size_t n,
                                      bool take_log) {
  const size_t nv = n / SIMPLE_SM_LANES * SIMPLE_SM_LANES;
  float mx = src[0];
  if (nv) {
    float m[SIMPLE_SM_LANES];
    for (size_t j = 0; j < SIMPLE_SM_LANES; j++) m[j] = src[j];
    for (size_t i = SIMPLE_SM_LANES; i < nv; i += SIMPLE_SM_LANES)
      for (size_t j = 0; j < SIMPLE_SM_LANES; j++) m[j] = src[i + j] > m[j] ? src[i + j] : m[j];
    for (size_t j = 0; j < SIMPLE_SM_LANES; j++) mx = m[j] > mx || m[j] != m[j] ? m[j] : mx;
  }
  for (size_t i = nv; i < n; i++) mx = src[i] > mx || src[i] != src[i] ? src[i] : mx;
  /* Lane sums in float over 256 elements at most, then in double. */
  double sum = 0.0;
  for (size_t i0 = 0; i0 < nv; i0 += 16 * SIMPLE_SM_LANES) {
    const size_t i1 = simple_min(nv, i0 + 16 * SIMPLE_SM_LANES);
    float acc[SIMPLE_SM_LANES] = {0};
    for (size_t i = i0; i < i1; i += SIMPLE_SM_LANES)
      for (size_t j = 0; j < SIMPLE_SM_LANES; j++) {
        const float e = simple_exp_nonpos(src[i + j] - mx);
        acc[j] += e;
        dst[i + j] = e; /* log_softmax rewrites it from src below */
      }
    for (size_t j = 0; j < SIMPLE_SM_LANES; j++) sum += acc[j];
  }
  for (size_t i = nv; i < n; i++) {
    const float e = simple_exp_nonpos(src[i] - mx);
    sum += e;
    dst[i] = e;
  }
  if (take_log) {
    const float lse = (float)log(sum);
    for (size_t i = 0; i < n; i++) dst[i] = (src[i] - mx) - lse;
  } else {
    const float inv = (float)(1.0 / sum);
    for (size_t i = 0; i < n; i++) dst[i] *= inv;
  }
}

/* Up to SIMPLE_SM_COLS interleaved vectors, vectorized across them. */
static inline void simple_softmax_cols(const float *restrict src, float *restrict dst, size_t n,
                                       size_t stride, size_t cols, bool take_log) {
  float m[SIMPLE_SM_COLS];
  double s[SIMPLE_SM_COLS];
  for (size_t c = 0; c < cols; c++) {
    m[c] = src[c];
    s[c] = 0.0;
  }
  for (size_t k = 1; k < n; k++) {
    const float *x = src + k * stride;
    for (size_t c = 0; c < cols; c++) m[c] = x[c] > m[c] || x[c] != x[c] ? x[c] : m[c];
  }
  /* Sums in float over 64 steps at most, then in double. */
  for (size_t k0 = 0; k0 < n; k0 += 64) {
    float sf[SIMPLE_SM_COLS] = {0};
    for (size_t k = k0; k < simple_min(n, k0 + 64); k++) {
      const float *x = src + k * stride;
      float *y = dst + k * stride;
      for (size_t c = 0; c < cols; c++) {
        const float e = simple_exp_nonpos(x[c] - m[c]);
        sf[c] += e;
        y[c] = e; /* log_softmax rewrites it from x below */
      }
    }
    for (size_t c = 0; c < cols; c++) s[c] += sf[c];
  }
  float f[SIMPLE_SM_COLS];
  for (size_t c = 0; c < cols; c++) f[c] = take_log ? (float)log(s[c]) : (float)(1.0 / s[c]);
  for (size_t k = 0; k < n; k++) {
    const float *x = src + k * stride;
    float *y = dst + k * stride;
    if (take_log)
      for (size_t c = 0; c < cols; c++) y[c] = (x[c] - m[c]) - f[c];
    else
      for (size_t c = 0; c < cols; c++) y[c] *= f[c];
  }
}

static inline void simple_softmax(const float *src, float *dst, size_t n, size_t stride, size_t cols,
                                  bool take_log) {
  if (n == 0) return;
  if (cols == 1 && stride == 1) {
    simple_softmax_row(src, dst, n, take_log);
    return;
  }
  for (size_t c0 = 0; c0 < cols; c0 += SIMPLE_SM_COLS)
    simple_softmax_cols(src + c0, dst + c0, n, stride, simple_min(SIMPLE_SM_COLS, cols - c0), take_log);
}

#define OAR_F32_SIMPLE_KERNELS(isa)                                                                        \
  void oar_f32_affine__##isa(const float *src, float s, float b, float *dst, size_t n) {                   \
    simple_affine(src, s, b, dst, n);                                                                      \
  }                                                                                                        \
  void oar_f32_binary__##isa(oar_fast_binary op, const float *x, const float *y, int y_scalar, float *dst, \
                             size_t n) {                                                                   \
    simple_binary(op, x, y, y_scalar, dst, n);                                                             \
  }                                                                                                        \
  void oar_f32_softmax__##isa(const float *src, float *dst, size_t n, size_t stride, size_t cols,          \
                              bool take_log) {                                                             \
    simple_softmax(src, dst, n, stride, cols, take_log);                                                   \
  }                                                                                                        \
  static void pack_rows(const void *ctx, size_t idx0, size_t count, size_t k0, size_t kc, size_t r,        \
                        float *dst) {                                                                      \
    simple_pack_rows(ctx, idx0, count, k0, kc, r, dst);                                                    \
  }                                                                                                        \
  static void pack_cols(const void *ctx, size_t idx0, size_t count, size_t k0, size_t kc, size_t r,        \
                        float *dst) {                                                                      \
    simple_pack_cols(ctx, idx0, count, k0, kc, r, dst);                                                    \
  }                                                                                                        \
  static void pack_im2col(const void *ctx, size_t idx0, size_t count, size_t k0, size_t kc, size_t r,      \
                          float *dst) {                                                                    \
    simple_pack_im2col(ctx, idx0, count, k0, kc, r, dst);                                                  \
  }                                                                                                        \
  static void pack_rows_im2col(const void *ctx, size_t idx0, size_t count, size_t k0, size_t kc, size_t r, \
                               float *dst) {                                                               \
    simple_pack_rows_im2col(ctx, idx0, count, k0, kc, r, dst);                                             \
  }

#endif
