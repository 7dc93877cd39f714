#include "runtime/op_run.h"

static const oar_run_fn run_fns[OAR_OP_COUNT] = {
#define OAR_OP(id) [OAR_OP_##id] = oar_run_##id,
#include "ir/op_list.h"
#undef OAR_OP
};

oar_run_fn oar_run_fn_for(oar_op_id id) {
  if ((int)id < 0 || id >= OAR_OP_COUNT) return 0;
  return run_fns[id];
}
