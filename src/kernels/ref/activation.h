/* Reference element-wise activations (Paddle formulas, computed in float). */
#ifndef OAR_KERNELS_REF_ACTIVATION_H
#define OAR_KERNELS_REF_ACTIVATION_H

#include <stdint.h>

typedef enum oar_act_kind {
  OAR_ACT_RELU,         /* max(x, 0) */
  OAR_ACT_RELU6,        /* min(max(x, 0), threshold) */
  OAR_ACT_SIGMOID,      /* 1 / (1 + exp(-x)) */
  OAR_ACT_SWISH,        /* x / (1 + exp(-beta x)) */
  OAR_ACT_SILU,         /* x / (1 + exp(-x)) */
  OAR_ACT_HARD_SWISH,   /* min(max(x + offset, 0), threshold) * x / scale */
  OAR_ACT_HARD_SIGMOID, /* min(max(slope x + offset, 0), 1) */
  OAR_ACT_LEAKY_RELU,   /* alpha < 1 ? max(x, alpha x) : min(x, alpha x) */
  OAR_ACT_TANH,
  OAR_ACT_GELU,      /* 0.5 x (1 + erf(x / sqrt 2)) */
  OAR_ACT_GELU_TANH, /* 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) */
  OAR_ACT_EXP,
  OAR_ACT_SQRT
} oar_act_kind;

/* Parameters by name; each kind reads the ones its formula uses. */
typedef struct oar_act_params {
  oar_act_kind kind;
  float alpha;     /* leaky_relu */
  float beta;      /* swish */
  float threshold; /* relu6, hard_swish */
  float scale;     /* hard_swish */
  float offset;    /* hard_swish, hard_sigmoid */
  float slope;     /* hard_sigmoid */
} oar_act_params;

/* dst[i] = f(src[i]) for i < n. src and dst may be the same buffer. */
void oar_ref_activation_f32(const oar_act_params *p, const float *src, float *dst, int64_t n);

#endif
