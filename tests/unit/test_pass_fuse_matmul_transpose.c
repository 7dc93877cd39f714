/* fuse_matmul_transpose: a transpose of the last two dims feeding a
 * matmul is folded into its trans flag (the transpose goes, or keeps only
 * its other moves), with the same outputs on random inputs. */
#include "test_pass_util.h"

static int form;

static void build(tp_graph *t) {
  switch (form) {
    case 0: /* matmul_v2(transpose(a, [1, 0]), b): the transpose goes */
      tp_input(t, "a", OAR_DTYPE_FLOAT32, "5x3");
      tp_input(t, "b", OAR_DTYPE_FLOAT32, "5x4");
      tp_node(t, "transpose2", "X=a", "Out=at:3x5");
      TP_INTS(t, "axis", 1, 0);
      tp_node(t, "matmul_v2", "X=at Y=b", "Out=y:3x4");
      break;
    case 1: /* batched, y already trans_y: [0, 2, 3, 1] -> [0, 2, 1, 3] and trans_y back off */
      tp_input(t, "a", OAR_DTYPE_FLOAT32, "-1x-1x2x4");
      tp_input(t, "b", OAR_DTYPE_FLOAT32, "-1x-1x2x4");
      tp_node(t, "transpose2", "X=a", "Out=at:-1x2x-1x4");
      TP_INTS(t, "axis", 0, 2, 1, 3);
      tp_node(t, "transpose2", "X=b", "Out=bt:-1x2x4x-1");
      TP_INTS(t, "axis", 0, 2, 3, 1);
      tp_node(t, "matmul_v2", "X=at Y=bt", "Out=y:-1x2x-1x-1");
      break;
    default: /* matmul (v1) with alpha, Y transposed twice over: trans flag flips to 0 */
      tp_input(t, "a", OAR_DTYPE_FLOAT32, "2x3x5");
      tp_input(t, "b", OAR_DTYPE_FLOAT32, "2x5x4");
      tp_node(t, "transpose2", "X=b", "Out=bt:2x4x5");
      TP_INTS(t, "axis", 0, -1, -2);
      tp_node(t, "matmul", "X=a Y=bt", "Out=y:2x3x4");
      tp_set_i(t, "transpose_Y", 1);
      tp_set_f(t, "alpha", 0.5);
      break;
  }
  tp_output(t, "y");
}

int main(void) {
  static const char *const s0[] = {"5x3", "5x4"};
  static const char *const s1[] = {"2x3x2x4", "2x6x2x4"};
  static const char *const s2[] = {"2x3x5", "2x5x4"};
  form = 0;
  tp_check_pass("transpose [1, 0] into trans_x", build, "fuse_matmul_transpose", 1, s0, 0, 1e-5f, 1e-6f);
  form = 1;
  tp_check_pass("key transpose [0, 2, 3, 1] into trans_y", build, "fuse_matmul_transpose", 1, s1, 0, 1e-5f,
                1e-6f);
  form = 2;
  tp_check_pass("matmul v1 transpose_Y flipped back", build, "fuse_matmul_transpose", 1, s2, 0, 1e-5f, 1e-6f);
  return tp_finish();
}
