#include "runtime/ops/fused_act.h"

#include <string.h>

oar_status oar_fused_act_parse(const char *name, double alpha, double beta, bool *has, oar_act_params *p,
                               oar_error *err) {
  memset(p, 0, sizeof *p);
  *has = name && name[0];
  if (!*has) return OAR_OK;
  const float a = (float)alpha, b = (float)beta;
  if (!strcmp(name, "relu"))
    p->kind = OAR_ACT_RELU;
  else if (!strcmp(name, "relu6"))
    *p = (oar_act_params){.kind = OAR_ACT_RELU6, .threshold = a};
  else if (!strcmp(name, "sigmoid"))
    p->kind = OAR_ACT_SIGMOID;
  else if (!strcmp(name, "silu"))
    p->kind = OAR_ACT_SILU;
  else if (!strcmp(name, "tanh"))
    p->kind = OAR_ACT_TANH;
  else if (!strcmp(name, "gelu"))
    p->kind = OAR_ACT_GELU;
  else if (!strcmp(name, "gelu_tanh"))
    p->kind = OAR_ACT_GELU_TANH;
  else if (!strcmp(name, "hard_swish"))
    *p = (oar_act_params){.kind = OAR_ACT_HARD_SWISH, .threshold = 6.0f, .scale = 6.0f, .offset = 3.0f};
  else if (!strcmp(name, "swish"))
    *p = (oar_act_params){.kind = OAR_ACT_SWISH, .beta = a};
  else if (!strcmp(name, "hard_sigmoid"))
    *p = (oar_act_params){.kind = OAR_ACT_HARD_SIGMOID, .slope = a, .offset = b};
  else if (!strcmp(name, "leaky_relu"))
    *p = (oar_act_params){.kind = OAR_ACT_LEAKY_RELU, .alpha = a};
  else
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "fused activation \"%s\" not supported", name);
  return OAR_OK;
}
