/* f32 GEMM microkernel, 6 rows x 16 columns (two ymm per row), AVX2 + FMA.
 *
 * 12 accumulators + 2 B vectors + 1 broadcast of the 16 ymm registers.
 * Column tails load (B, C, bias, residual) and store through vmaskmov with
 * a lane mask, so B may be an unpadded matrix row (ldb > nr); the row
 * count and vectors per row are compile-time constants per instantiation.
 * Tiles of 1-2 rows (and of one vector) split k over two accumulator sets
 * (FMA latency). */
#include <immintrin.h>
#include <math.h>

#include "kernels/x86/avx2/avx2_kernels.h"

enum { MR = 6, NR = 16 };

/* Lane masks for 0..8 valid lanes: an 8-lane window into this table. */
static const int32_t mask_table[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

static inline __m256i lanes(size_t n) {
  return _mm256_loadu_si256((const __m256i *)(mask_table + 8 - (n > 8 ? 8 : n)));
}

static inline __attribute__((always_inline)) __m256 load_part(const float *p, size_t n, __m256i m, int full) {
  (void)n;
  return full ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, m);
}
static inline __attribute__((always_inline)) void store_part(float *p, __m256 v, __m256i m, int full) {
  if (full)
    _mm256_storeu_ps(p, v);
  else
    _mm256_maskstore_ps(p, m, v);
}

#define FOR_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5)

/* full: nr == NR (no masking). nv: vectors per row (nr <= 8 uses one).
 * Every accumulator is a named variable, not an array element: GCC kept
 * an array of them in registers but also stored each one back to the
 * stack on every k step (12 stores per 12 FMAs), which held this kernel
 * to a third of the FMA peak. */
static inline __attribute__((always_inline)) void tile(const int rows, const int nv, const int full,
                                                       const int ksplit, size_t nr, size_t kc,
                                                       const float *restrict a, const float *restrict b,
                                                       size_t ldb, float *restrict c, size_t ldc,
                                                       unsigned flags, const oar_gemm_tile_epi *e) {
  const __m256i m0 = lanes(nr), m1 = lanes(nr > 8 ? nr - 8 : 0);
  const __m256 zero = _mm256_setzero_ps();
#define DECL(r) __m256 c##r##0 = zero, c##r##1 = zero, d##r##0 = zero, d##r##1 = zero;
  FOR_ROWS(DECL)
#undef DECL
  if (flags & OAR_GEMM_FIRST) {
    __m256 col0 = zero, col1 = zero;
    if (e->bias_col) {
      col0 = load_part(e->bias_col, nr, m0, full);
      if (nv > 1) col1 = load_part(e->bias_col + 8, nr, m1, full);
    }
#define INIT(r)                                                            \
  if (rows > r) {                                                          \
    const __m256 br = e->bias_row ? _mm256_set1_ps(e->bias_row[r]) : zero; \
    c##r##0 = _mm256_add_ps(col0, br);                                     \
    if (nv > 1) c##r##1 = _mm256_add_ps(col1, br);                         \
  }
    FOR_ROWS(INIT)
#undef INIT
  } else {
#define LOADC(r)                                                    \
  if (rows > r) {                                                   \
    c##r##0 = load_part(c + r * ldc, nr, m0, full);                 \
    if (nv > 1) c##r##1 = load_part(c + r * ldc + 8, nr, m1, full); \
  }
    FOR_ROWS(LOADC)
#undef LOADC
  }

#define FMA(set, r, off)                                        \
  if (rows > r) {                                               \
    const __m256 ar = _mm256_broadcast_ss(a + (off) + r);       \
    set##r##0 = _mm256_fmadd_ps(ar, b0, set##r##0);             \
    if (nv > 1) set##r##1 = _mm256_fmadd_ps(ar, b1, set##r##1); \
  }
#define STEP_C(r) FMA(c, r, 0)
#define STEP_D(r) FMA(d, r, MR)
  size_t k = 0;
  if (ksplit) {
    for (; k + 2 <= kc; k += 2) {
      {
        const __m256 b0 = load_part(b, nr, m0, full);
        const __m256 b1 = nv > 1 ? load_part(b + 8, nr, m1, full) : b0;
        FOR_ROWS(STEP_C)
      }
      {
        const __m256 b0 = load_part(b + ldb, nr, m0, full);
        const __m256 b1 = nv > 1 ? load_part(b + ldb + 8, nr, m1, full) : b0;
        FOR_ROWS(STEP_D)
      }
      a += 2 * MR;
      b += 2 * ldb;
    }
  }
  for (; k < kc; k++) {
    const __m256 b0 = load_part(b, nr, m0, full);
    const __m256 b1 = nv > 1 ? load_part(b + 8, nr, m1, full) : b0;
    FOR_ROWS(STEP_C)
    a += MR;
    b += ldb;
  }
#undef STEP_C
#undef STEP_D
#undef FMA
  if (ksplit) {
#define SUM(r)                                             \
  if (rows > r) {                                          \
    c##r##0 = _mm256_add_ps(c##r##0, d##r##0);             \
    if (nv > 1) c##r##1 = _mm256_add_ps(c##r##1, d##r##1); \
  }
    FOR_ROWS(SUM)
#undef SUM
  }

  if (flags & OAR_GEMM_LAST) {
    if (e->residual) {
      const float *res = e->residual;
      const size_t ldr = e->ldr;
#define RES(r)                                                                                \
  if (rows > r) {                                                                             \
    c##r##0 = _mm256_add_ps(c##r##0, load_part(res + r * ldr, nr, m0, full));                 \
    if (nv > 1) c##r##1 = _mm256_add_ps(c##r##1, load_part(res + r * ldr + 8, nr, m1, full)); \
  }
      FOR_ROWS(RES)
#undef RES
    }
    if (e->lo != -INFINITY || e->hi != INFINITY) {
      const __m256 lo = _mm256_set1_ps(e->lo), hi = _mm256_set1_ps(e->hi);
#define CLAMP(r)                                                         \
  if (rows > r) {                                                        \
    c##r##0 = _mm256_min_ps(_mm256_max_ps(c##r##0, lo), hi);             \
    if (nv > 1) c##r##1 = _mm256_min_ps(_mm256_max_ps(c##r##1, lo), hi); \
  }
      FOR_ROWS(CLAMP)
#undef CLAMP
    }
  }
#define STORE(r)                                                \
  if (rows > r) {                                               \
    store_part(c + r * ldc, c##r##0, m0, full);                 \
    if (nv > 1) store_part(c + r * ldc + 8, c##r##1, m1, full); \
  }
  FOR_ROWS(STORE)
#undef STORE
}

/* Two accumulator sets hide the FMA latency where one set has fewer than
 * 8 independent chains: 1-2 rows of two vectors, any rows of one. */
#define ROWS(n)                                                                                    \
  static void rows_##n(size_t nr, size_t kc, const float *a, const float *b, size_t ldb, float *c, \
                       size_t ldc, unsigned flags, const oar_gemm_tile_epi *e) {                   \
    if (nr == NR)                                                                                  \
      tile(n, 2, 1, (n) <= 2, nr, kc, a, b, ldb, c, ldc, flags, e);                                \
    else if (nr > 8)                                                                               \
      tile(n, 2, 0, (n) <= 2, nr, kc, a, b, ldb, c, ldc, flags, e);                                \
    else                                                                                           \
      tile(n, 1, 0, 1, nr, kc, a, b, ldb, c, ldc, flags, e);                                       \
  }
ROWS(1)
ROWS(2)
ROWS(3)
ROWS(4)
ROWS(5)
ROWS(6)
#undef ROWS

void oar_f32_gemm_6x16__avx2(size_t mr, size_t nr, size_t kc, const float *a, const float *b, size_t ldb,
                             float *c, size_t ldc, unsigned flags, const oar_gemm_tile_epi *e) {
  typedef void (*rows_fn)(size_t, size_t, const float *, const float *, size_t, float *, size_t, unsigned,
                          const oar_gemm_tile_epi *);
  static const rows_fn by_rows[MR + 1] = {NULL, rows_1, rows_2, rows_3, rows_4, rows_5, rows_6};
  if (mr == 0 || nr == 0) return;
  by_rows[mr](nr, kc, a, b, ldb, c, ldc, flags, e);
}
