/* gaussian_random, bit for bit as Paddle's CPU kernel (random.h). */
#include "kernels/ref/random.h"

#include <math.h>
#include <stdatomic.h>
#include <time.h>

/* ---- std::mt19937_64 ----------------------------------------------------------------- */

enum { MT_N = 312, MT_M = 156 };

typedef struct mt64 {
  uint64_t s[MT_N];
  int i;
} mt64;

static void mt64_seed(mt64 *m, uint64_t seed) {
  m->s[0] = seed;
  for (int i = 1; i < MT_N; i++)
    m->s[i] = 6364136223846793005u * (m->s[i - 1] ^ (m->s[i - 1] >> 62)) + (uint64_t)i;
  m->i = MT_N;
}

static uint64_t mt64_next(mt64 *m) {
  if (m->i >= MT_N) {
    for (int k = 0; k < MT_N; k++) {
      const uint64_t y = (m->s[k] & 0xFFFFFFFF80000000u) | (m->s[(k + 1) % MT_N] & 0x7FFFFFFFu);
      m->s[k] = m->s[(k + MT_M) % MT_N] ^ (y >> 1) ^ ((y & 1) ? 0xB5026F5AA96619E9u : 0);
    }
    m->i = 0;
  }
  uint64_t x = m->s[m->i++];
  x ^= (x >> 29) & 0x5555555555555555u;
  x ^= (x << 17) & 0x71D67FFFEDA60000u;
  x ^= (x << 37) & 0xFFF7EEE000000000u;
  return x ^ (x >> 43);
}

/* ---- libstdc++'s generate_canonical and normal_distribution ----------------------------- */

/* One engine output covers float's and double's digits: (T)u / 2^64, kept
 * below 1. */
static float canonical_f(mt64 *m) {
  const float r = (float)mt64_next(m) / 18446744073709551616.0f;
  return r >= 1.0f ? nextafterf(1.0f, 0.0f) : r;
}

static double canonical_d(mt64 *m) {
  const double r = (double)mt64_next(m) / 18446744073709551616.0;
  return r >= 1.0 ? nextafter(1.0, 0.0) : r;
}

/* normal_distribution<T>::operator() over n values: Marsaglia's polar
 * method in T, the second value of each pair kept for the next call. */
#define NORMAL_FN(name, T, canonical, LOG, SQRT)                \
  static void name(mt64 *m, T mean, T std, int64_t n, T *dst) { \
    T saved = 0;                                                \
    bool have = false;                                          \
    for (int64_t i = 0; i < n; i++) {                           \
      T r;                                                      \
      if (have) {                                               \
        r = saved;                                              \
        have = false;                                           \
      } else {                                                  \
        T x, y, r2;                                             \
        do {                                                    \
          x = (T)2 * canonical(m) - (T)1;                       \
          y = (T)2 * canonical(m) - (T)1;                       \
          r2 = x * x + y * y;                                   \
        } while (r2 > (T)1 || r2 == (T)0);                      \
        const T mult = SQRT((T)-2 * LOG(r2) / r2);              \
        saved = x * mult;                                       \
        have = true;                                            \
        r = y * mult;                                           \
      }                                                         \
      dst[i] = r * std + mean;                                  \
    }                                                           \
  }
NORMAL_FN(normal_f32, float, canonical_f, logf, sqrtf)
NORMAL_FN(normal_f64, double, canonical_d, log, sqrt)

static uint64_t own_seed(void) {
  static atomic_uint_fast64_t calls;
  const uint64_t k = (uint64_t)atomic_fetch_add(&calls, 1) + 1;
  return ((uint64_t)time(NULL) * 0x9E3779B97F4A7C15u) ^ (k * 0xBF58476D1CE4E5B9u) ^ (uint64_t)clock();
}

bool oar_ref_gaussian_random(oar_dtype t, double mean, double std, int64_t seed, int64_t n, void *dst) {
  if (t != OAR_DTYPE_FLOAT32 && t != OAR_DTYPE_FLOAT64) return false;
  mt64 m;
  /* Paddle: engine->seed(int seed), the int converted to uint64 */
  mt64_seed(&m, seed ? (uint64_t)(int64_t)(int32_t)seed : own_seed());
  if (t == OAR_DTYPE_FLOAT32)
    normal_f32(&m, (float)mean, (float)std, n, dst);
  else
    normal_f64(&m, (float)mean, (float)std, n, dst);
  return true;
}
