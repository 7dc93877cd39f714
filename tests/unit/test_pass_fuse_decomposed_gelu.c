/* fuse_decomposed_gelu: GELU written out as ONNX exports do (Div by
 * sqrt 2, Erf, Add 1, Mul x, Mul 0.5, in each of the orders exporters use)
 * becomes one gelu with the same outputs on random inputs, which fuse_fc
 * then folds into the fc before it; a wrong constant is left alone. */
#define _POSIX_C_SOURCE 200809L /* setenv, in test_pass_util.h */

#include "ir/ops/op_ext.h"
#include "test_pass_util.h"

static struct {
  int form;     /* 0 (x (e+1)) 0.5, 1 ((e+1) 0.5) x, 2 (e+1) (x 0.5); 3: 0.6 instead of 0.5 */
  bool mul_inv; /* x * 0.7071 instead of x / 1.4142 */
  bool fc;      /* x comes from matmul_v2 + bias */
} cfg;

static void build(tp_graph *t) {
  if (cfg.fc) {
    tp_input(t, "in", OAR_DTYPE_FLOAT32, "-1x-1x8");
    tp_const(t, "w", "8x16", 1.0f);
    tp_const(t, "b", "16", 0.5f);
    tp_node(t, "matmul_v2", "X=in Y=w", "Out=mm:-1x-1x16");
    tp_node(t, "elementwise_add", "X=mm Y=b", "Out=x:-1x-1x16");
  } else {
    tp_input(t, "x", OAR_DTYPE_FLOAT32, "-1x-1x16");
  }
  if (cfg.mul_inv) {
    tp_const_scalar(t, "c", 0.70710678f);
    tp_node(t, "elementwise_mul", "X=x Y=c", "Out=a:-1x-1x16");
  } else {
    tp_const_scalar(t, "c", 1.41421356f);
    tp_node(t, "elementwise_div", "X=x Y=c", "Out=a:-1x-1x16");
  }
  tp_node(t, "unary_math", "X=a", "Out=e:-1x-1x16");
  tp_set_i(t, "func", OAR_UNARY_ERF);
  tp_const_scalar(t, "one", 1.0f);
  tp_node(t, "elementwise_add", "X=e Y=one", "Out=e1:-1x-1x16");
  tp_const_scalar(t, "half", cfg.form == 3 ? 0.6f : 0.5f);
  switch (cfg.form) {
    case 1:
      tp_node(t, "elementwise_mul", "X=e1 Y=half", "Out=h:-1x-1x16");
      tp_node(t, "elementwise_mul", "X=x Y=h", "Out=y:-1x-1x16");
      break;
    case 2:
      tp_node(t, "elementwise_mul", "X=x Y=half", "Out=h:-1x-1x16");
      tp_node(t, "elementwise_mul", "X=h Y=e1", "Out=y:-1x-1x16");
      break;
    default:
      tp_node(t, "elementwise_mul", "X=x Y=e1", "Out=h:-1x-1x16");
      tp_node(t, "elementwise_mul", "X=h Y=half", "Out=y:-1x-1x16");
      break;
  }
  tp_output(t, "y");
}

int main(void) {
  static const char *const shapes[] = {"2x3x16"};
  static const char *const shapes_fc[] = {"2x3x8"};
  static const char *const what[] = {"(x (e+1)) 0.5", "((e+1) 0.5) x", "(e+1) (x 0.5)",
                                     "0.6 instead of 0.5 (no fusion)"};
  static const int fired[] = {1, 1, 1, 0};
  for (cfg.form = 0; cfg.form < 4; cfg.form++)
    tp_check_pass(what[cfg.form], build, "fuse_decomposed_gelu", fired[cfg.form], shapes, 0, 1e-5f, 1e-6f);
  cfg = (__typeof__(cfg)){.form = 0, .mul_inv = true};
  tp_check_pass("x * 0.7071", build, "fuse_decomposed_gelu", 1, shapes, 0, 1e-5f, 1e-6f);
  cfg.fc = true;
  tp_check_pass("after matmul + bias: then into fc", build, "fuse_fc", 1, shapes_fc, 0, 1e-5f, 1e-6f);
  tp_graph *t = tp_new();
  build(t);
  tp_optimize(t, "fuse_decomposed_gelu", NULL, 0);
  TP_CHECK(t->g->num_nodes == 1 && tp_count(t, "fc") == 1, "expected one fc (with gelu), got %d nodes",
           t->g->num_nodes);
  tp_free(t);
  return tp_finish();
}
