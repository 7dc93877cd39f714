/* Blocked-layout (NCHW16c) direct convolution tile with bfloat16 operands,
 * AVX512-BF16: up to 6 output pixels by 4 blocks of 16 output channels,
 * float32 accumulation (contract in kernels/generic/bf16_kernels.h).
 *
 * The float32 tile (f32_conv16c__avx512.c) walks 16 input channels per
 * block with one broadcast and 4 FMAs per pixel each; here a step takes a
 * pair of input channels: one 32-bit broadcast of the pixel's pair and 4
 * vdpbf16ps against filter vectors holding 16 output channels x 2 input
 * channels, 8 steps per block. Same 24 accumulators, half the steps. */
#include <immintrin.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "kernels/x86/avx512bf16/avx512bf16_kernels.h"

#define FOR_PX(X) X(0) X(1) X(2) X(3) X(4) X(5)
#define FOR_FC(X, p) X(p, 0) X(p, 1) X(p, 2) X(p, 3)

static inline __attribute__((always_inline)) uint32_t pair_at(const uint16_t *p) {
  uint32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* blocked: 16 channels (8 pairs) per block, compile-time; else t->lanes
 * channels (a plain input's interleaved copy, lanes even). */
static inline __attribute__((always_inline)) void tile(const int fc, const int npx, const bool blocked,
                                                       const oar_conv16c_tile *t) {
  const __m512 zero = _mm512_setzero_ps();
#define DECL_ONE(p, f) __m512 c##p##f = zero;
#define DECL(p) FOR_FC(DECL_ONE, p)
  FOR_PX(DECL)
#undef DECL
#undef DECL_ONE
  float *const out = t->out;
  const size_t os = t->out_ob_stride;
  if (t->flags & OAR_GEMM_FIRST) {
    if (t->bias) {
#define INIT_ONE(p, f) \
  if (npx > p && fc > f) c##p##f = _mm512_loadu_ps(t->bias + f * 16);
#define INIT(p) FOR_FC(INIT_ONE, p)
      FOR_PX(INIT)
#undef INIT
#undef INIT_ONE
    }
  } else {
#define LOAD_ONE(p, f) \
  if (npx > p && fc > f) c##p##f = _mm512_loadu_ps(out + f * os + t->out_px[p]);
#define LOAD(p) FOR_FC(LOAD_ONE, p)
    FOR_PX(LOAD)
#undef LOAD
#undef LOAD_ONE
  }

  const uint16_t *w = (const uint16_t *)t->w;
  const size_t wstep = (size_t)fc * 32; /* one pair step: fc blocks of 16 channels x 2 */
  const size_t pairs = blocked ? 8 : t->lanes / 2;
  for (size_t cb = 0; cb < t->cbs; cb++) {
    const size_t cb_off = cb * t->in_cb_stride;
    for (size_t k = 0; k < t->taps; k++) {
      const ptrdiff_t off = (ptrdiff_t)cb_off + t->tap_off[k];
#define PTR(p) const uint16_t *i##p = npx > p ? (const uint16_t *)t->in[p] + off : NULL;
      FOR_PX(PTR)
#undef PTR
      for (size_t i = 0; i < pairs; i++) {
        const __m512bh w0 = (__m512bh)_mm512_loadu_si512(w);
        const __m512bh w1 = fc > 1 ? (__m512bh)_mm512_loadu_si512(w + 32) : w0;
        const __m512bh w2 = fc > 2 ? (__m512bh)_mm512_loadu_si512(w + 64) : w0;
        const __m512bh w3 = fc > 3 ? (__m512bh)_mm512_loadu_si512(w + 96) : w0;
#define DOT_ONE(p, f) \
  if (fc > f) c##p##f = _mm512_dpbf16_ps(c##p##f, a##p, w##f);
#define DOT(p)                                                                     \
  if (npx > p) {                                                                   \
    const __m512bh a##p = (__m512bh)_mm512_set1_epi32((int)pair_at(i##p + 2 * i)); \
    FOR_FC(DOT_ONE, p)                                                             \
  }
        FOR_PX(DOT)
#undef DOT
#undef DOT_ONE
        w += wstep;
      }
    }
  }

  if (t->flags & OAR_GEMM_LAST) {
    if (t->res) {
      const float *res = t->res;
      const size_t rs = t->res_ob_stride;
#define RES_ONE(p, f) \
  if (npx > p && fc > f) c##p##f = _mm512_add_ps(c##p##f, _mm512_loadu_ps(res + f * rs + p * 16));
#define RES(p) FOR_FC(RES_ONE, p)
      FOR_PX(RES)
#undef RES
#undef RES_ONE
    }
    if (t->lo != -INFINITY || t->hi != INFINITY) {
      const __m512 lo = _mm512_set1_ps(t->lo), hi = _mm512_set1_ps(t->hi);
#define CLAMP_ONE(p, f) \
  if (npx > p && fc > f) c##p##f = _mm512_min_ps(_mm512_max_ps(c##p##f, lo), hi);
#define CLAMP(p) FOR_FC(CLAMP_ONE, p)
      FOR_PX(CLAMP)
#undef CLAMP
#undef CLAMP_ONE
    }
  }
#define STORE_ONE(p, f) \
  if (npx > p && fc > f) _mm512_storeu_ps(out + f * os + t->out_px[p], c##p##f);
#define STORE(p) FOR_FC(STORE_ONE, p)
  FOR_PX(STORE)
#undef STORE
#undef STORE_ONE
}

#define SHAPE(f, p)                                                              \
  static void tile_##f##x##p(const oar_conv16c_tile *t) { tile(f, p, true, t); } \
  static void plain_##f##x##p(const oar_conv16c_tile *t) { tile(f, p, false, t); }
#define SHAPES(f) SHAPE(f, 1) SHAPE(f, 2) SHAPE(f, 3) SHAPE(f, 4) SHAPE(f, 5) SHAPE(f, 6)
SHAPES(1)
SHAPES(2)
SHAPES(3)
SHAPES(4)
#undef SHAPES
#undef SHAPE

void oar_bf16_conv16c__avx512bf16(size_t fc, size_t npx, const oar_conv16c_tile *t) {
  typedef void (*tile_fn)(const oar_conv16c_tile *);
#define ROW(k, f) \
  { k##_##f##x1, k##_##f##x2, k##_##f##x3, k##_##f##x4, k##_##f##x5, k##_##f##x6 }
  static const tile_fn blocked[OAR_CONV16C_FC][OAR_CONV16C_PX] = {ROW(tile, 1), ROW(tile, 2), ROW(tile, 3),
                                                                  ROW(tile, 4)};
  static const tile_fn plain[OAR_CONV16C_FC][OAR_CONV16C_PX] = {ROW(plain, 1), ROW(plain, 2), ROW(plain, 3),
                                                                ROW(plain, 4)};
#undef ROW
  if (fc == 0 || npx == 0 || fc > OAR_CONV16C_FC || npx > OAR_CONV16C_PX) return;
  if (t->lanes == 16)
    blocked[fc - 1][npx - 1](t);
  else
    plain[fc - 1][npx - 1](t);
}
