/* fuse_embedding_layernorm: lookup + lookup (+ lookup) summed and
 * normalized over the last axis gives the same outputs as the fused op on
 * random ids (with a padding row), and is left alone when the sum is read
 * elsewhere or the norm is not over the last axis. */
#include "test_pass_util.h"

static struct {
  int tables;
  int extra; /* 0 none, 1 the sum is also an output, 2 norm over the last two axes */
} cfg;

static void build(tp_graph *t) {
  static const char *const ids[] = {"ids0", "ids1", "ids2"};
  static const char *const w[] = {"w0", "w1", "w2"};
  static const char *const e[] = {"Out=e0:-1x-1x16", "Out=e1:-1x-1x16", "Out=e2:-1x-1x16"};
  for (int k = 0; k < cfg.tables; k++) tp_input(t, ids[k], OAR_DTYPE_INT64, "-1x-1");
  for (int k = 0; k < cfg.tables; k++) {
    char wshape[16];
    snprintf(wshape, sizeof wshape, "%dx16", 10 + 3 * k);
    tp_const(t, w[k], wshape, 1.0f);
    char ins[64];
    snprintf(ins, sizeof ins, "W=%s Ids=%s", w[k], ids[k]);
    tp_node(t, "lookup_table_v2", ins, e[k]);
    tp_set_i(t, "padding_idx", k == 1 ? 2 : -1);
  }
  tp_node(t, "elementwise_add", "X=e0 Y=e1", "Out=s1:-1x-1x16");
  const char *sum = "s1";
  if (cfg.tables == 3) {
    tp_node(t, "elementwise_add", "X=s1 Y=e2", "Out=s2:-1x-1x16");
    sum = "s2";
  }
  tp_const(t, "scale", cfg.extra == 2 ? "48" : "16", 1.0f);
  tp_const(t, "bias", cfg.extra == 2 ? "48" : "16", 0.5f);
  char ins[64];
  snprintf(ins, sizeof ins, "X=%s Scale=scale Bias=bias", sum);
  tp_node(t, "layer_norm", ins, "Y=y:-1x-1x16 Mean=mean:-1 Variance=var:-1");
  tp_set_i(t, "begin_norm_axis", cfg.extra == 2 ? 1 : 2);
  tp_set_f(t, "epsilon", 1e-5);
  tp_output(t, "y");
  if (cfg.extra == 1) tp_output(t, sum);
}

int main(void) {
  static const char *const shapes2[] = {"2x3", "2x3"};
  static const char *const shapes3[] = {"2x3", "2x3", "2x3"};
  cfg = (__typeof__(cfg)){.tables = 3};
  tp_check_pass("three tables, padding row in one", build, "fuse_embedding_layernorm", 1, shapes3, 10, 1e-5f,
                1e-5f);
  cfg = (__typeof__(cfg)){.tables = 2};
  tp_check_pass("two tables", build, "fuse_embedding_layernorm", 1, shapes2, 10, 1e-5f, 1e-5f);
  cfg = (__typeof__(cfg)){.tables = 2, .extra = 1};
  tp_check_pass("the sum is a graph output (no fusion)", build, "fuse_embedding_layernorm", 0, shapes2, 10,
                1e-5f, 1e-5f);
  cfg = (__typeof__(cfg)){.tables = 2, .extra = 2};
  tp_check_pass("norm over the last two axes (no fusion)", build, "fuse_embedding_layernorm", 0, shapes2, 10,
                1e-5f, 1e-5f);
  return tp_finish();
}
