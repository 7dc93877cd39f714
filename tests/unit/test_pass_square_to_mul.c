/* square_to_mul: pow(x, 2) in each form the frontends write (binary_math
 * pow from Paddle's square / pow, elementwise_pow, a [1] or rank-0
 * exponent) becomes one elementwise_mul(x, x) with the same outputs on
 * random inputs (negative ones included); exponents other than 2, an
 * exponent that is not a constant and an integer x are left alone. */
#define _POSIX_C_SOURCE 200809L /* setenv, in test_pass_util.h */

#include "ir/ops/op_ext.h"
#include "test_pass_util.h"

static struct {
  bool ew_pow;    /* elementwise_pow instead of binary_math pow */
  float exponent; /* the constant */
  bool rank0;     /* a rank-0 exponent instead of [1] */
  bool fed;       /* the exponent is a graph input, not a constant */
} cfg;

static void build(tp_graph *t) {
  tp_input(t, "x", OAR_DTYPE_FLOAT32, "-1x5x7");
  if (cfg.fed)
    tp_input(t, "e", OAR_DTYPE_FLOAT32, "1");
  else if (cfg.rank0)
    tp_const_scalar(t, "e", cfg.exponent);
  else
    tp_const_data(t, "e", OAR_DTYPE_FLOAT32, "1", &cfg.exponent);
  tp_node(t, cfg.ew_pow ? "elementwise_pow" : "binary_math", "X=x Y=e", "Out=y:-1x5x7");
  if (!cfg.ew_pow) tp_set_i(t, "func", OAR_BMATH_POW);
  tp_output(t, "y");
}

int main(void) {
  static const char *const shapes[] = {"3x5x7"};
  cfg = (__typeof__(cfg)){.exponent = 2.0f};
  tp_check_pass("binary_math pow, exponent [1] = 2", build, "square_to_mul", 1, shapes, 0, 0.0f, 0.0f);
  cfg.rank0 = true;
  tp_check_pass("binary_math pow, rank-0 exponent 2", build, "square_to_mul", 1, shapes, 0, 0.0f, 0.0f);
  cfg.ew_pow = true;
  tp_check_pass("elementwise_pow, exponent 2", build, "square_to_mul", 1, shapes, 0, 0.0f, 0.0f);
  cfg = (__typeof__(cfg)){.exponent = 3.0f};
  tp_check_pass("exponent 3 (left alone)", build, "square_to_mul", 0, shapes, 0, 1e-6f, 0.0f);
  /* A fed exponent: only the count (random exponents of negative bases are NaN). */
  tp_graph *fed = tp_new();
  cfg = (__typeof__(cfg)){.exponent = 2.0f, .fed = true};
  build(fed);
  TP_CHECK(tp_optimize(fed, "square_to_mul", NULL, 0) == 0, "a fed exponent: square_to_mul fired");
  tp_free(fed);

  tp_graph *t = tp_new();
  cfg = (__typeof__(cfg)){.exponent = 2.0f};
  build(t);
  tp_optimize(t, "square_to_mul", NULL, 0);
  TP_CHECK(tp_count(t, "elementwise_mul") == 1 && tp_count(t, "binary_math") == 0,
           "expected pow replaced by one elementwise_mul, got %d mul and %d binary_math",
           tp_count(t, "elementwise_mul"), tp_count(t, "binary_math"));
  tp_free(t);
  return tp_finish();
}
