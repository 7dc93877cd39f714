/* fuse_fc with the transformer feed-forward: matmul_v2 on a [batch, seq,
 * hidden] input with a constant weight, bias add and GELU (erf or tanh
 * form) become one fc with activation_type gelu / gelu_tanh, with the
 * same outputs on random inputs. */
#include "test_pass_util.h"

static int approximate;

static void build(tp_graph *t) {
  tp_input(t, "x", OAR_DTYPE_FLOAT32, "-1x-1x16");
  tp_const(t, "w", "16x24", 0.5f);
  tp_const(t, "b", "24", 0.5f);
  tp_node(t, "matmul_v2", "X=x Y=w", "Out=mm:-1x-1x24");
  tp_node(t, "elementwise_add", "X=mm Y=b", "Out=h:-1x-1x24");
  tp_node(t, "gelu", "X=h", "Out=y:-1x-1x24");
  tp_set_i(t, "approximate", approximate);
  tp_output(t, "y");
}

int main(void) {
  static const char *const shapes[] = {"2x5x16"};
  approximate = 0;
  tp_check_pass("matmul_v2 + bias + gelu (erf)", build, "fuse_fc", 1, shapes, 0, 1e-5f, 1e-6f);
  approximate = 1;
  tp_check_pass("matmul_v2 + bias + gelu (tanh)", build, "fuse_fc", 1, shapes, 0, 1e-5f, 1e-6f);
  tp_graph *t = tp_new();
  build(t);
  tp_optimize(t, "fuse_fc", NULL, 0);
  TP_CHECK(t->g->num_nodes == 1 && tp_count(t, "fc") == 1, "expected one fc, got %d nodes", t->g->num_nodes);
  tp_free(t);
  return tp_finish();
}
