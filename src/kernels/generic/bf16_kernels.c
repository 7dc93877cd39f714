#include "kernels/generic/bf16_kernels.h"

const oar_bf16_kernels *oar_bf16_kernels_for(int enabled) {
  if (!enabled) return NULL;
#if defined(OAR_X86_KERNELS)
  return &oar_bf16_kernels_avx512bf16;
#else
  return NULL;
#endif
}
