/* fuse_decomposed_layer_norm: layer normalization written out as ONNX
 * exports do (ReduceMean, Sub, Pow, ReduceMean, Add eps, Sqrt, Div, Mul,
 * Add) becomes one layer_norm with the same outputs on random inputs, for
 * the usual variants; a mean over a leading axis is left alone. */
#define _POSIX_C_SOURCE 200809L /* setenv, in test_pass_util.h */

#include "ir/ops/op_ext.h"
#include "test_pass_util.h"

static struct {
  int form; /* 0 pow + affine, 1 d*d and positive axis, 2 no affine, 3 last two axes, 4 mean over axis 1 */
} cfg;

static void mean(tp_graph *t, const char *in, const char *out) {
  char ins[64];
  snprintf(ins, sizeof ins, "X=%s", in);
  tp_node(t, "reduce", ins, out);
  tp_set_i(t, "func", OAR_REDUCE_MEAN);
  if (cfg.form == 1)
    TP_INTS(t, "axes", 2);
  else if (cfg.form == 3)
    TP_INTS(t, "axes", -2, -1);
  else if (cfg.form == 4)
    TP_INTS(t, "axes", 1);
  else
    TP_INTS(t, "axes", -1);
  tp_set_i(t, "keepdims", 1);
}

static void build(tp_graph *t) {
  tp_input(t, "x", OAR_DTYPE_FLOAT32, cfg.form == 3 ? "-1x4x16" : "-1x-1x16");
  mean(t, "x", cfg.form == 3 ? "Out=m:-1x1x1" : "Out=m:-1x-1x1");
  tp_node(t, "elementwise_sub", "X=x Y=m", "Out=d:-1x-1x16");
  if (cfg.form == 1) {
    tp_node(t, "elementwise_mul", "X=d Y=d", "Out=p:-1x-1x16");
  } else {
    tp_const_scalar(t, "two", 2.0f);
    tp_node(t, "binary_math", "X=d Y=two", "Out=p:-1x-1x16");
    tp_set_i(t, "func", OAR_BMATH_POW);
  }
  mean(t, "p", "Out=v:-1x-1x1");
  tp_const_scalar(t, "eps", 1e-5f);
  tp_node(t, "elementwise_add", "X=v Y=eps", "Out=ve:-1x-1x1");
  tp_node(t, "unary_math", "X=ve", "Out=s:-1x-1x1");
  tp_set_i(t, "func", OAR_UNARY_SQRT);
  tp_node(t, "elementwise_div", "X=d Y=s", "Out=n:-1x-1x16");
  if (cfg.form == 2) {
    tp_output(t, "n");
    return;
  }
  tp_const(t, "gamma", cfg.form == 3 ? "4x16" : "16", 1.0f);
  tp_const(t, "beta", cfg.form == 3 ? "4x16" : "16", 1.0f);
  tp_node(t, "elementwise_mul", cfg.form == 1 ? "X=gamma Y=n" : "X=n Y=gamma", "Out=y1:-1x-1x16");
  tp_node(t, "elementwise_add", "X=y1 Y=beta", "Out=y:-1x-1x16");
  tp_output(t, "y");
}

int main(void) {
  static const char *const shapes[] = {"2x5x16"};
  static const char *const shapes4[] = {"3x4x16"};
  static const char *const what[] = {"pow, scale and shift", "d * d, positive axis, gamma first",
                                     "no scale or shift", "last two axes", "mean over axis 1 (no fusion)"};
  static const int fired[] = {1, 1, 1, 1, 0};
  for (cfg.form = 0; cfg.form < 5; cfg.form++)
    tp_check_pass(what[cfg.form], build, "fuse_decomposed_layer_norm", fired[cfg.form],
                  cfg.form == 3 ? shapes4 : shapes, 0, 1e-4f, 1e-5f);
  /* What is left after the pass: one layer_norm. */
  cfg.form = 0;
  tp_graph *t = tp_new();
  build(t);
  tp_optimize(t, "fuse_decomposed_layer_norm", NULL, 0);
  TP_CHECK(t->g->num_nodes == 1 && tp_count(t, "layer_norm") == 1, "expected one layer_norm, got %d nodes",
           t->g->num_nodes);
  tp_free(t);
  return tp_finish();
}
