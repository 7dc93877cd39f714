/* Blocked-layout (NCHW16c) depthwise convolution segment, AVX-512
 * (contract in kernels/generic/f32_kernels.h).
 *
 * One zmm is one pixel's 16 channels, so a tap is one FMA per pixel with a
 * per-lane filter vector: no broadcasts, no shuffles. Output pixels go in
 * blocks of 8 accumulators; with the tap count and the strides known at
 * compile time the loops unroll fully and an input vector that several
 * (pixel, tap) pairs share (stride 1: 8 pixels x 3 taps read 10 vectors)
 * is loaded once per filter row. The common shapes (3 and 5 taps, stride
 * 1 and 2, no dilation) are instantiated; anything else, and the border
 * pixels whose window the image clips, take the runtime-strided body. */
#include <immintrin.h>
#include <math.h>

#include "kernels/x86/avx512/avx512_kernels.h"

#define BLOCK 16
/* Full unrolling of the compile-time loops (clang ignores a GCC count). */
#if defined(__clang__)
#define UNROLL _Pragma("unroll")
#define UNROLL_RUNTIME /* a runtime trip count: clang would warn that it cannot fully unroll */
#define KEEP_IN_REGISTER(x) (void)0
#else
/* GCC would fold the load of an input vector into every FMA that uses it
 * (the loads, not the FMAs, then bound the loop): an empty asm keeps the
 * loaded vector in a register. */
#define KEEP_IN_REGISTER(x) __asm__("" : "+v"(x))
#define UNROLL _Pragma("GCC unroll 16")
#define UNROLL_RUNTIME _Pragma("GCC unroll 8")
#endif
#define MAX_TAPS 5
#ifndef NB_S1
#define NB_S1 16
#endif
#ifndef NB_S2
#define NB_S2 8
#endif

/* Pixels [j0, j0 + nb) of the segment; nb, taps and the strides are
 * compile-time constants in the fast instantiations. */
static inline __attribute__((always_inline)) void block(const size_t nb, const size_t taps, const size_t ps,
                                                        const size_t ts, const oar_dwconv16c_seg *s,
                                                        size_t j0) {
  __m512 acc[BLOCK];
  const __m512 init = s->bias ? _mm512_loadu_ps(s->bias) : _mm512_setzero_ps();
  UNROLL
  for (size_t b = 0; b < nb; b++) acc[b] = init;
  const float *in = s->in + j0 * ps;
  for (size_t r = 0; r < s->rows; r++) {
    const float *ir = in + r * s->in_row_stride;
    const float *wr = s->w + r * s->w_row_stride;
    UNROLL_RUNTIME
    for (size_t t = 0; t < taps; t++) {
      const __m512 w = _mm512_loadu_ps(wr + t * 16);
      UNROLL
      for (size_t b = 0; b < nb; b++)
        acc[b] = _mm512_fmadd_ps(_mm512_loadu_ps(ir + b * ps + t * ts), w, acc[b]);
    }
  }
  float *out = s->out + j0 * 16;
  if (s->res) {
    const float *res = s->res + j0 * 16;
    UNROLL
    for (size_t b = 0; b < nb; b++) acc[b] = _mm512_add_ps(acc[b], _mm512_loadu_ps(res + b * 16));
  }
  if (s->lo != -INFINITY || s->hi != INFINITY) {
    const __m512 lo = _mm512_set1_ps(s->lo), hi = _mm512_set1_ps(s->hi);
    UNROLL
    for (size_t b = 0; b < nb; b++) acc[b] = _mm512_min_ps(_mm512_max_ps(acc[b], lo), hi);
  }
  UNROLL
  for (size_t b = 0; b < nb; b++) _mm512_storeu_ps(out + b * 16, acc[b]);
}

/* As block, for taps along a row one vector apart (no dilation) and
 * output pixels sw vectors apart: each distinct input vector of a filter
 * row is loaded once into a register, where the compiler would otherwise
 * fold a load into every FMA (the loads, not the FMAs, then bound the
 * loop). Pixels outer, taps inner: the live vectors are the filter row,
 * the accumulators and a window of the row. */
static inline __attribute__((always_inline)) void block_reuse(const size_t nb, const size_t taps,
                                                              const size_t sw, const oar_dwconv16c_seg *s,
                                                              size_t j0) {
  __m512 acc[BLOCK];
  const __m512 init = s->bias ? _mm512_loadu_ps(s->bias) : _mm512_setzero_ps();
  UNROLL
  for (size_t b = 0; b < nb; b++) acc[b] = init;
  const float *in = s->in + j0 * sw * 16;
  for (size_t r = 0; r < s->rows; r++) {
    const float *ir = in + r * s->in_row_stride;
    const float *wr = s->w + r * s->w_row_stride;
    __m512 w[MAX_TAPS], v[2 * BLOCK + MAX_TAPS];
    UNROLL
    for (size_t t = 0; t < taps; t++) w[t] = _mm512_loadu_ps(wr + t * 16);
    UNROLL
    for (size_t b = 0; b < nb; b++) {
      UNROLL
      for (size_t t = 0; t < taps; t++) {
        const size_t k = b * sw + t;
        if (b == 0 || t + sw >= taps) { /* first use of vector k */
          v[k] = _mm512_loadu_ps(ir + k * 16);
          KEEP_IN_REGISTER(v[k]);
        }
        acc[b] = _mm512_fmadd_ps(v[k], w[t], acc[b]);
      }
    }
  }
  float *out = s->out + j0 * 16;
  if (s->res) {
    const float *res = s->res + j0 * 16;
    UNROLL
    for (size_t b = 0; b < nb; b++) acc[b] = _mm512_add_ps(acc[b], _mm512_loadu_ps(res + b * 16));
  }
  if (s->lo != -INFINITY || s->hi != INFINITY) {
    const __m512 lo = _mm512_set1_ps(s->lo), hi = _mm512_set1_ps(s->hi);
    UNROLL
    for (size_t b = 0; b < nb; b++) acc[b] = _mm512_min_ps(_mm512_max_ps(acc[b], lo), hi);
  }
  UNROLL
  for (size_t b = 0; b < nb; b++) _mm512_storeu_ps(out + b * 16, acc[b]);
}

/* The whole segment: blocks of nb, then halves for the tail. */
static inline __attribute__((always_inline)) void segment(const size_t nb, const size_t taps, const size_t sw,
                                                          const oar_dwconv16c_seg *s) {
  size_t j = 0;
  for (; j + nb <= s->n; j += nb) block_reuse(nb, taps, sw, s, j);
  if (nb > 8 && s->n - j >= 8) block_reuse(8, taps, sw, s, j), j += 8;
  if (s->n - j >= 4) block_reuse(4, taps, sw, s, j), j += 4;
  if (s->n - j >= 2) block_reuse(2, taps, sw, s, j), j += 2;
  if (s->n - j >= 1) block_reuse(1, taps, sw, s, j);
}

static void seg_3_s1(const oar_dwconv16c_seg *s) { segment(NB_S1, 3, 1, s); }
static void seg_3_s2(const oar_dwconv16c_seg *s) { segment(NB_S2, 3, 2, s); }
static void seg_5_s1(const oar_dwconv16c_seg *s) { segment(NB_S1, 5, 1, s); }
static void seg_5_s2(const oar_dwconv16c_seg *s) { segment(NB_S2, 5, 2, s); }

/* Any tap count and strides: the taps loop stays a loop. */
static void seg_any(const oar_dwconv16c_seg *s) {
  size_t j = 0;
  const size_t taps = s->taps, ps = s->in_px_stride, ts = s->in_tap_stride;
  for (; j + 8 <= s->n; j += 8) block(8, taps, ps, ts, s, j);
  if (s->n - j >= 4) block(4, taps, ps, ts, s, j), j += 4;
  for (; j < s->n; j++) block(1, taps, ps, ts, s, j);
}

/* One pixel whose window the image clips (the border columns). */
static void px_1(const oar_dwconv16c_seg *s) { block_reuse(1, 1, 1, s, 0); }
static void px_2(const oar_dwconv16c_seg *s) { block_reuse(1, 2, 1, s, 0); }
static void px_3(const oar_dwconv16c_seg *s) { block_reuse(1, 3, 1, s, 0); }
static void px_4(const oar_dwconv16c_seg *s) { block_reuse(1, 4, 1, s, 0); }
static void px_5(const oar_dwconv16c_seg *s) { block_reuse(1, 5, 1, s, 0); }

void oar_f32_dwconv16c__avx512(const oar_dwconv16c_seg *s) {
  if (s->n == 1 && s->in_tap_stride == 16 && s->taps >= 1 && s->taps <= MAX_TAPS) {
    static void (*const px[MAX_TAPS])(const oar_dwconv16c_seg *) = {px_1, px_2, px_3, px_4, px_5};
    px[s->taps - 1](s);
    return;
  }
  if (s->in_tap_stride == 16 && (s->in_px_stride == 16 || s->in_px_stride == 32) && s->n >= 2) {
    const int s2 = s->in_px_stride == 32;
    if (s->taps == 3) {
      (s2 ? seg_3_s2 : seg_3_s1)(s);
      return;
    }
    if (s->taps == 5) {
      (s2 ? seg_5_s2 : seg_5_s1)(s);
      return;
    }
  }
  seg_any(s);
}
