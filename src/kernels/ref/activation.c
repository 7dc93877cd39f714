#include "kernels/ref/activation.h"

#include <math.h>

/* Each formula is written the way Paddle's Eigen functor writes it, so that
 * rounding matches as closely as a scalar loop allows. */
void oar_ref_activation_f32(const oar_act_params *p, const float *src, float *dst, int64_t n) {
  switch (p->kind) {
    case OAR_ACT_RELU:
      for (int64_t i = 0; i < n; i++) dst[i] = src[i] > 0.0f ? src[i] : 0.0f;
      return;
    case OAR_ACT_RELU6:
      for (int64_t i = 0; i < n; i++) {
        const float v = src[i] > 0.0f ? src[i] : 0.0f;
        dst[i] = v < p->threshold ? v : p->threshold;
      }
      return;
    case OAR_ACT_SIGMOID:
      for (int64_t i = 0; i < n; i++) dst[i] = 1.0f / (1.0f + expf(-src[i]));
      return;
    case OAR_ACT_SWISH:
      for (int64_t i = 0; i < n; i++) dst[i] = src[i] / (1.0f + expf(-p->beta * src[i]));
      return;
    case OAR_ACT_SILU:
      for (int64_t i = 0; i < n; i++) dst[i] = src[i] / (1.0f + expf(-src[i]));
      return;
    case OAR_ACT_HARD_SWISH:
      for (int64_t i = 0; i < n; i++) {
        float v = src[i] + p->offset;
        v = v > 0.0f ? v : 0.0f;
        v = v < p->threshold ? v : p->threshold;
        dst[i] = v * src[i] / p->scale;
      }
      return;
    case OAR_ACT_HARD_SIGMOID:
      for (int64_t i = 0; i < n; i++) {
        float v = src[i] * p->slope + p->offset;
        v = v > 0.0f ? v : 0.0f;
        dst[i] = v < 1.0f ? v : 1.0f;
      }
      return;
    case OAR_ACT_LEAKY_RELU:
      for (int64_t i = 0; i < n; i++) {
        const float x = src[i], ax = p->alpha * src[i];
        if (p->alpha < 1.0f)
          dst[i] = x > ax ? x : ax;
        else
          dst[i] = x < ax ? x : ax;
      }
      return;
    case OAR_ACT_TANH:
      for (int64_t i = 0; i < n; i++) dst[i] = tanhf(src[i]);
      return;
    case OAR_ACT_GELU: {
      const float rsqrt2 = (float)0.70710678118654752440; /* M_SQRT1_2 */
      for (int64_t i = 0; i < n; i++) dst[i] = src[i] * 0.5f * (1.0f + erff(src[i] * rsqrt2));
      return;
    }
    case OAR_ACT_GELU_TANH: {
      const float k = (float)0.79788456080286535588; /* sqrt(2/pi) = M_2_SQRTPI * M_SQRT1_2 */
      for (int64_t i = 0; i < n; i++) {
        const float x = src[i];
        const float t = tanhf(k * (x + 0.044715f * (x * x * x)));
        dst[i] = x * 0.5f * (1.0f + t);
      }
      return;
    }
    case OAR_ACT_EXP:
      for (int64_t i = 0; i < n; i++) dst[i] = expf(src[i]);
      return;
    case OAR_ACT_SQRT:
      for (int64_t i = 0; i < n; i++) dst[i] = sqrtf(src[i]);
      return;
  }
}
