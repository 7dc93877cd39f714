/* remove_transpose_reshape_pairs: transpose chains compose (or vanish
 * when they cancel) and reshape chains keep their last reshape, with the
 * same outputs on random inputs; a reshape copying a dim (0) of the
 * middle shape is kept. */
#include "test_pass_util.h"

static int form;

static void build(tp_graph *t) {
  tp_input(t, "x", OAR_DTYPE_FLOAT32, "-1x3x4x5");
  switch (form) {
    case 0: /* inverse transposes, then exp so the result is not the input itself */
      tp_node(t, "transpose2", "X=x", "Out=a:-1x4x5x3");
      TP_INTS(t, "axis", 0, 2, 3, 1);
      tp_node(t, "transpose2", "X=a", "Out=b:-1x3x4x5");
      TP_INTS(t, "axis", 0, 3, 1, 2);
      tp_node(t, "exp", "X=b", "Out=y:-1x3x4x5");
      break;
    case 1: /* three transposes into one */
      tp_node(t, "transpose2", "X=x", "Out=a:-1x4x5x3");
      TP_INTS(t, "axis", 0, 2, 3, 1);
      tp_node(t, "transpose2", "X=a", "Out=b:-1x5x4x3");
      TP_INTS(t, "axis", 0, 2, 1, 3);
      tp_node(t, "transpose2", "X=b", "Out=y:3x-1x4x5");
      TP_INTS(t, "axis", 3, 0, 2, 1);
      break;
    case 2: /* reshape chain */
      tp_node(t, "reshape2", "X=x", "Out=a:-1x12x5");
      TP_INTS(t, "shape", 0, 12, 5);
      tp_node(t, "reshape2", "X=a", "Out=y:-1x20x3");
      TP_INTS(t, "shape", -1, 20, 3);
      break;
    default: /* the second reshape copies dim 1 of the first's output: kept */
      tp_node(t, "reshape2", "X=x", "Out=a:-1x12x5");
      TP_INTS(t, "shape", 0, 12, 5);
      tp_node(t, "reshape2", "X=a", "Out=y:-1x-1");
      TP_INTS(t, "shape", -1, 0);
      break;
  }
  tp_output(t, "y");
}

int main(void) {
  static const char *const shapes[] = {"2x3x4x5"};
  for (form = 0; form < 4; form++) {
    static const char *const what[] = {"inverse transposes vanish", "three transposes become one",
                                       "reshape of a reshape", "reshape copying a middle dim (kept)"};
    static const int fired[] = {1, 2, 1, 0};
    tp_check_pass(what[form], build, "remove_transpose_reshape_pairs", fired[form], shapes, 0, 0.0f, 0.0f);
  }
  return tp_finish();
}
