/* fuse_skip_layernorm: elementwise_add + layer_norm gives the same outputs
 * as skip_layernorm on random inputs (norm over the last dim or the last
 * two, with and without Scale/Bias), and is left alone when the sum or the
 * statistics are read elsewhere or the add broadcasts. */
#include "test_pass_util.h"

static struct {
  int begin_norm_axis;
  bool affine;
  int extra; /* 0 none, 1 the sum is also an output, 2 Mean is read, 3 the add broadcasts a [16] bias */
} cfg;

static void build(tp_graph *t) {
  tp_input(t, "x", OAR_DTYPE_FLOAT32, "-1x-1x16");
  if (cfg.extra == 3)
    tp_const(t, "r", "16", 1.0f);
  else
    tp_input(t, "r", OAR_DTYPE_FLOAT32, "-1x-1x16");
  tp_node(t, "elementwise_add", "X=x Y=r", "Out=sum:-1x-1x16");
  if (cfg.affine) {
    tp_const(t, "scale", cfg.begin_norm_axis == 1 ? "48" : "16", 1.0f);
    tp_const(t, "bias", cfg.begin_norm_axis == 1 ? "48" : "16", 0.5f);
    tp_node(t, "layer_norm", "X=sum Scale=scale Bias=bias", "Y=y:-1x-1x16 Mean=mean:-1 Variance=var:-1");
  } else {
    tp_node(t, "layer_norm", "X=sum", "Y=y:-1x-1x16 Mean=mean:-1 Variance=var:-1");
  }
  tp_set_i(t, "begin_norm_axis", cfg.begin_norm_axis);
  tp_set_f(t, "epsilon", 1e-5);
  tp_output(t, "y");
  if (cfg.extra == 1) tp_output(t, "sum");
  if (cfg.extra == 2) {
    tp_node(t, "scale", "X=mean", "Out=mean2:-1");
    tp_output(t, "mean2");
  }
}

int main(void) {
  static const char *const shapes[] = {"2x3x16", "2x3x16"};
  static const char *const shapes_x[] = {"2x3x16"};
  cfg = (__typeof__(cfg)){.begin_norm_axis = 2, .affine = true};
  tp_check_pass("norm over the last dim, scale and bias", build, "fuse_skip_layernorm", 1, shapes, 0, 1e-5f,
                1e-5f);
  cfg.affine = false;
  tp_check_pass("norm over the last dim, no scale or bias", build, "fuse_skip_layernorm", 1, shapes, 0, 1e-5f,
                1e-5f);
  cfg = (__typeof__(cfg)){.begin_norm_axis = 1, .affine = true};
  tp_check_pass("norm over the last two dims", build, "fuse_skip_layernorm", 1, shapes, 0, 1e-5f, 1e-5f);
  cfg = (__typeof__(cfg)){.begin_norm_axis = 2, .affine = true, .extra = 1};
  tp_check_pass("the sum is a graph output (no fusion)", build, "fuse_skip_layernorm", 0, shapes, 0, 1e-5f,
                1e-5f);
  cfg.extra = 2;
  tp_check_pass("Mean is read (no fusion)", build, "fuse_skip_layernorm", 0, shapes, 0, 1e-5f, 1e-5f);
  cfg.extra = 3;
  tp_check_pass("the add broadcasts a bias (no fusion)", build, "fuse_skip_layernorm", 0, shapes_x, 0, 1e-5f,
                1e-5f);
  return tp_finish();
}
