/* The reference kernels added for issue 11, batch A, where their semantics
 * are Paddle's and not obvious: integer floor division (every sign pair,
 * the INT64_MIN / -1 corner without undefined behaviour), linspace (the
 * second half counted back from stop, then cast), set_slice (negative
 * steps, broadcast values), roll (every shift of every dim of a small
 * tensor against the index formula), and bool all / any as min / max. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ir/ops/op_ext.h"
#include "kernels/ref/fill_slice.h"
#include "kernels/ref/math_ext.h"
#include "kernels/ref/reduce.h"

#include "test_check.h"

static int64_t floordiv1(oar_dtype t, int64_t a, int64_t b) {
  oar_bcast bc = {.rank = 1, .dims = {1}};
  int64_t out = 0;
  oar_ref_binary_math(OAR_BMATH_FLOORDIV, &bc, t, &a, t, &b, t, &out);
  return out;
}

static void test_floordiv(void) {
  for (int64_t a = -9; a <= 9; a++)
    for (int64_t b = -4; b <= 4; b++) {
      if (b == 0) continue;
      const int64_t want = (int64_t)floor((double)a / (double)b);
      CHECK(floordiv1(OAR_DTYPE_INT64, a, b) == want, "%lld // %lld = %lld, want %lld", (long long)a,
            (long long)b, (long long)floordiv1(OAR_DTYPE_INT64, a, b), (long long)want);
    }
  CHECK(floordiv1(OAR_DTYPE_INT64, INT64_MIN, -1) == INT64_MIN, "INT64_MIN // -1 wraps to INT64_MIN");
  CHECK(floordiv1(OAR_DTYPE_INT64, 5, 0) == 0,
        "division by zero gives 0 (the run function refuses it first)");
  float x = -7.0f, y = 2.0f, z = 0.0f;
  oar_bcast bc = {.rank = 1, .dims = {1}};
  oar_ref_binary_math(OAR_BMATH_FLOORDIV, &bc, OAR_DTYPE_FLOAT32, &x, OAR_DTYPE_FLOAT32, &y,
                      OAR_DTYPE_FLOAT32, &z);
  CHECK(z == -4.0f, "-7.0 // 2.0 = %g, want -4", z);
}

static void test_linspace(void) {
  float f[5];
  CHECK(oar_ref_linspace(OAR_DTYPE_FLOAT32, 0.0, 1.0, 5, f), "float32 linspace");
  const float want_f[5] = {0.0f, 0.25f, 0.5f, 0.75f, 1.0f};
  CHECK(memcmp(f, want_f, sizeof f) == 0, "0..1 in 5: got %g %g %g %g %g", f[0], f[1], f[2], f[3], f[4]);
  /* step 10/3: the first half 0, 3.33 -> 0, 3; the second 10 - 3.33 = 6.67, 10 -> 6, 10 */
  int32_t i[4];
  CHECK(oar_ref_linspace(OAR_DTYPE_INT32, 0.0, 10.0, 4, i), "int32 linspace");
  CHECK(i[0] == 0 && i[1] == 3 && i[2] == 6 && i[3] == 10, "0..10 in 4 as int32: got %d %d %d %d", i[0], i[1],
        i[2], i[3]);
  /* start and stop are cast first: 0.9 -> 0 */
  int64_t l[2];
  CHECK(oar_ref_linspace(OAR_DTYPE_INT64, 0.9, 4.9, 2, l) && l[0] == 0 && l[1] == 4, "cast first: %lld %lld",
        (long long)l[0], (long long)l[1]);
  uint8_t u[2];
  CHECK(!oar_ref_linspace(OAR_DTYPE_UINT8, 0, 1, 2, u), "uint8 is refused");
}

static void test_set_slice(void) {
  /* x [2, 5]; dim 1 from 4 with step -2 (4, 2, 0); value [2, 1] broadcast along dim 1 */
  float x[10] = {0};
  const float value[2] = {1.0f, 2.0f};
  const oar_shape xs = {.rank = 2, .dims = {2, 5}}, slice = {.rank = 2, .dims = {2, 3}};
  const int64_t start[2] = {0, 4}, step[2] = {1, -2}, vstrides[2] = {1, 0};
  oar_ref_set_slice(sizeof(float), &xs, start, step, &slice, vstrides, value, x);
  const float want[10] = {1, 0, 1, 0, 1, 2, 0, 2, 0, 2};
  CHECK(memcmp(x, want, sizeof x) == 0, "row 0: %g %g %g %g %g", x[0], x[1], x[2], x[3], x[4]);
}

static void test_roll(void) {
  const oar_shape shape = {.rank = 3, .dims = {2, 3, 4}};
  int32_t src[24], dst[24];
  for (int i = 0; i < 24; i++) src[i] = i;
  for (int64_t s0 = 0; s0 < 2; s0++)
    for (int64_t s1 = 0; s1 < 3; s1++)
      for (int64_t s2 = 0; s2 < 4; s2++) {
        const int64_t shift[3] = {s0, s1, s2};
        oar_ref_roll(sizeof(int32_t), &shape, shift, src, dst);
        int bad = 0;
        for (int a = 0; a < 2; a++)
          for (int b = 0; b < 3; b++)
            for (int c = 0; c < 4; c++) {
              const int from =
                  ((a - (int)s0 + 2) % 2) * 12 + ((b - (int)s1 + 3) % 3) * 4 + (c - (int)s2 + 4) % 4;
              bad += dst[a * 12 + b * 4 + c] != src[from];
            }
        CHECK(bad == 0, "roll by %lld %lld %lld: %d elements wrong", (long long)s0, (long long)s1,
              (long long)s2, bad);
      }
}

static void test_bool_all_any(void) {
  /* [2, 3] bool reduced over dim 1: all = min, any = max */
  const uint8_t x[6] = {1, 1, 1, 0, 1, 0};
  for (int func = OAR_REDUCE_MAX; func <= OAR_REDUCE_MIN; func++) {
    oar_reduce_params p = {.func = func, .rank = 2, .dims = {2, 3}, .reduce = {false, true}};
    uint8_t y[2] = {9, 9};
    double acc[2];
    oar_ref_reduce(&p, OAR_DTYPE_BOOL, x, y, acc);
    if (func == OAR_REDUCE_MIN)
      CHECK(y[0] == 1 && y[1] == 0, "all: %d %d", y[0], y[1]);
    else
      CHECK(y[0] == 1 && y[1] == 1, "any: %d %d", y[0], y[1]);
  }
}

int main(void) {
  test_floordiv();
  test_linspace();
  test_set_slice();
  test_roll();
  test_bool_all_any();
  printf("%d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
