/* bf16 GEMM microkernel, 12 rows x 32 columns, AVX512-BF16, float32
 * accumulation (contract in kernels/generic/bf16_kernels.h).
 *
 * The float32 kernel's shape (f32_gemm_12x32__avx512.c) with vdpbf16ps in
 * place of vfmadd: 24 accumulators + 2 B vectors; each step is one pair of
 * k, 2 loads of B (16 columns x 2 k each) and 12 broadcasts of a row's
 * pair word, for 24 vdpbf16ps: twice the multiply-adds per instruction.
 * Both panels are packed and zero-padded, so B loads need no mask; C is
 * loaded and stored with masks at column tails. Tiles of 1-3 rows split
 * the pairs over two accumulator sets (latency, as in the float32 kernel). */
#include <immintrin.h>
#include <math.h>

#include "kernels/x86/avx512bf16/avx512bf16_kernels.h"

enum { MR = 12, NR = 32 };

#define FOR_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

static inline __attribute__((always_inline)) void tile(const int rows, const int nv, const int ksplit,
                                                       size_t nr, size_t kp, const uint32_t *restrict a,
                                                       const uint32_t *restrict b, float *restrict c,
                                                       size_t ldc, unsigned flags,
                                                       const oar_gemm_tile_epi *e) {
  const __mmask16 m0 = nr >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << nr) - 1u);
  const __mmask16 m1 = nr >= 32   ? (__mmask16)0xffff
                       : nr <= 16 ? (__mmask16)0
                                  : (__mmask16)((1u << (nr - 16)) - 1u);
  const __m512 zero = _mm512_setzero_ps();
#define DECL(r) __m512 c##r##0 = zero, c##r##1 = zero, d##r##0 = zero, d##r##1 = zero;
  FOR_ROWS(DECL)
#undef DECL
  if (flags & OAR_GEMM_FIRST) {
    __m512 col0 = zero, col1 = zero;
    if (e->bias_col) {
      col0 = _mm512_maskz_loadu_ps(m0, e->bias_col);
      if (nv > 1) col1 = _mm512_maskz_loadu_ps(m1, e->bias_col + 16);
    }
#define INIT(r)                                                            \
  if (rows > r) {                                                          \
    const __m512 br = e->bias_row ? _mm512_set1_ps(e->bias_row[r]) : zero; \
    c##r##0 = _mm512_add_ps(col0, br);                                     \
    if (nv > 1) c##r##1 = _mm512_add_ps(col1, br);                         \
  }
    FOR_ROWS(INIT)
#undef INIT
  } else {
#define LOADC(r)                                                       \
  if (rows > r) {                                                      \
    c##r##0 = _mm512_maskz_loadu_ps(m0, c + r * ldc);                  \
    if (nv > 1) c##r##1 = _mm512_maskz_loadu_ps(m1, c + r * ldc + 16); \
  }
    FOR_ROWS(LOADC)
#undef LOADC
  }

#define DOT(set, r, off)                                                \
  if (rows > r) {                                                       \
    const __m512bh ar = (__m512bh)_mm512_set1_epi32((int)a[(off) + r]); \
    set##r##0 = _mm512_dpbf16_ps(set##r##0, ar, b0);                    \
    if (nv > 1) set##r##1 = _mm512_dpbf16_ps(set##r##1, ar, b1);        \
  }
#define STEP_C(r) DOT(c, r, 0)
#define STEP_D(r) DOT(d, r, MR)
  size_t q = 0;
  if (ksplit) {
    for (; q + 2 <= kp; q += 2) {
      {
        const __m512bh b0 = (__m512bh)_mm512_loadu_si512(b);
        const __m512bh b1 = nv > 1 ? (__m512bh)_mm512_loadu_si512(b + 16) : b0;
        FOR_ROWS(STEP_C)
      }
      {
        const __m512bh b0 = (__m512bh)_mm512_loadu_si512(b + NR);
        const __m512bh b1 = nv > 1 ? (__m512bh)_mm512_loadu_si512(b + NR + 16) : b0;
        FOR_ROWS(STEP_D)
      }
      a += 2 * MR;
      b += 2 * NR;
    }
  }
  for (; q < kp; q++) {
    const __m512bh b0 = (__m512bh)_mm512_loadu_si512(b);
    const __m512bh b1 = nv > 1 ? (__m512bh)_mm512_loadu_si512(b + 16) : b0;
    FOR_ROWS(STEP_C)
    a += MR;
    b += NR;
  }
#undef STEP_C
#undef STEP_D
#undef DOT
  if (ksplit) {
#define SUM(r)                                             \
  if (rows > r) {                                          \
    c##r##0 = _mm512_add_ps(c##r##0, d##r##0);             \
    if (nv > 1) c##r##1 = _mm512_add_ps(c##r##1, d##r##1); \
  }
    FOR_ROWS(SUM)
#undef SUM
  }

  if (flags & OAR_GEMM_LAST) {
    if (e->residual) {
      const float *res = e->residual;
      const size_t ldr = e->ldr;
#define RES(r)                                                                                   \
  if (rows > r) {                                                                                \
    c##r##0 = _mm512_add_ps(c##r##0, _mm512_maskz_loadu_ps(m0, res + r * ldr));                  \
    if (nv > 1) c##r##1 = _mm512_add_ps(c##r##1, _mm512_maskz_loadu_ps(m1, res + r * ldr + 16)); \
  }
      FOR_ROWS(RES)
#undef RES
    }
    if (e->lo != -INFINITY || e->hi != INFINITY) {
      const __m512 lo = _mm512_set1_ps(e->lo), hi = _mm512_set1_ps(e->hi);
#define CLAMP(r)                                                         \
  if (rows > r) {                                                        \
    c##r##0 = _mm512_min_ps(_mm512_max_ps(c##r##0, lo), hi);             \
    if (nv > 1) c##r##1 = _mm512_min_ps(_mm512_max_ps(c##r##1, lo), hi); \
  }
      FOR_ROWS(CLAMP)
#undef CLAMP
    }
  }
#define STORE(r)                                                      \
  if (rows > r) {                                                     \
    _mm512_mask_storeu_ps(c + r * ldc, m0, c##r##0);                  \
    if (nv > 1) _mm512_mask_storeu_ps(c + r * ldc + 16, m1, c##r##1); \
  }
  FOR_ROWS(STORE)
#undef STORE
}

#define ROWS(n)                                                                                          \
  static void rows_##n(size_t nr, size_t kp, const uint32_t *a, const uint32_t *b, float *c, size_t ldc, \
                       unsigned flags, const oar_gemm_tile_epi *e) {                                     \
    if (nr > 16)                                                                                         \
      tile(n, 2, (n) <= 3, nr, kp, a, b, c, ldc, flags, e);                                              \
    else                                                                                                 \
      tile(n, 1, (n) <= 7, nr, kp, a, b, c, ldc, flags, e);                                              \
  }
ROWS(1)
ROWS(2)
ROWS(3)
ROWS(4)
ROWS(5)
ROWS(6)
ROWS(7)
ROWS(8)
ROWS(9)
ROWS(10)
ROWS(11)
ROWS(12)
#undef ROWS

void oar_bf16_gemm_12x32__avx512bf16(size_t mr, size_t nr, size_t kp, const uint32_t *a, const uint32_t *b,
                                     float *c, size_t ldc, unsigned flags, const oar_gemm_tile_epi *e) {
  typedef void (*rows_fn)(size_t, size_t, const uint32_t *, const uint32_t *, float *, size_t, unsigned,
                          const oar_gemm_tile_epi *);
  static const rows_fn by_rows[MR + 1] = {NULL,   rows_1, rows_2, rows_3,  rows_4,  rows_5, rows_6,
                                          rows_7, rows_8, rows_9, rows_10, rows_11, rows_12};
  if (mr == 0 || nr == 0 || mr > MR || nr > NR) return;
  by_rows[mr](nr, kp, a, b, c, ldc, flags, e);
}
