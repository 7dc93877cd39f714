#include "kernels/ref/rnn.h"

#include <math.h>
#include <string.h>

enum {
  RELU,
  TANH,
  SIGMOID,
  AFFINE,
  LEAKY_RELU,
  THRESHOLDED_RELU,
  SCALED_TANH,
  HARD_SIGMOID,
  ELU,
  SOFTSIGN,
  SOFTPLUS
};

static float act(const oar_rnn_act *a, float x) {
  switch (a->kind) {
    case RELU: return x > 0 ? x : 0;
    case TANH: return tanhf(x);
    case SIGMOID: return 1.0f / (1.0f + expf(-x));
    case AFFINE: return a->alpha * x + a->beta;
    case LEAKY_RELU: return x >= 0 ? x : a->alpha * x;
    case THRESHOLDED_RELU: return x > a->alpha ? x : 0;
    case SCALED_TANH: return a->alpha * tanhf(a->beta * x);
    case HARD_SIGMOID: return fmaxf(0.0f, fminf(1.0f, a->alpha * x + a->beta));
    case ELU: return x >= 0 ? x : a->alpha * (expf(x) - 1);
    case SOFTSIGN: return x / (1 + fabsf(x));
    case SOFTPLUS: return logf(1 + expf(x));
    default: return x;
  }
}

static float clipped(const oar_rnn_params *p, float v) {
  if (p->clip > 0) v = v < -p->clip ? -p->clip : v > p->clip ? p->clip : v;
  return v;
}

void oar_ref_rnn_dir_f32(const oar_rnn_params *p, const float *x, const float *w, const float *r,
                         const float *wb, const float *rb, const float *peep, const int64_t *seq_lens,
                         const float *h0, const float *c0, float *y, float *yh, float *yc, float *scratch) {
  const int64_t H = p->hidden, I = p->input, G = p->cell == 0 ? 1 : p->cell == 1 ? 3 : 4;
  float *xa = scratch, *ha = scratch + G * H, *hn = scratch + 2 * G * H;
  for (int64_t b = 0; b < p->batch; b++) {
    float *h = yh + b * p->s_sb, *c = yc + b * p->s_sb;
    for (int64_t k = 0; k < H; k++) {
      h[k] = h0 ? h0[b * p->s_sb + k] : 0.0f;
      c[k] = c0 ? c0[b * p->s_sb + k] : 0.0f;
    }
    int64_t len = seq_lens ? seq_lens[b] : p->seq;
    if (len > p->seq) len = p->seq;
    for (int64_t s = 0; s < len; s++) {
      const int64_t t = p->reverse ? len - 1 - s : s;
      const float *xt = x + t * p->x_st + b * p->x_sb;
      for (int64_t g = 0; g < G * H; g++) {
        double a = wb ? wb[g] : 0.0, q = rb ? rb[g] : 0.0;
        for (int64_t i = 0; i < I; i++) a += (double)xt[i] * w[g * I + i];
        for (int64_t j = 0; j < H; j++) q += (double)h[j] * r[g * H + j];
        xa[g] = (float)a;
        ha[g] = (float)q;
      }
      if (p->cell == 0) {
        for (int64_t k = 0; k < H; k++) hn[k] = act(&p->act[0], clipped(p, xa[k] + ha[k]));
      } else if (p->cell == 1) {
        const int64_t zo = p->paddle_gates ? H : 0, ro = p->paddle_gates ? 0 : H;
        for (int64_t k = 0; k < H; k++) {
          const float z = act(&p->act[0], clipped(p, xa[zo + k] + ha[zo + k]));
          const float rr = act(&p->act[0], clipped(p, xa[ro + k] + ha[ro + k]));
          float pre;
          if (p->linear_before_reset) {
            pre = xa[2 * H + k] + rr * ha[2 * H + k];
          } else {
            double q = rb ? rb[2 * H + k] : 0.0;
            for (int64_t j = 0; j < H; j++) {
              const float rj = act(&p->act[0], clipped(p, xa[ro + j] + ha[ro + j]));
              q += (double)(rj * h[j]) * r[(2 * H + k) * H + j];
            }
            pre = xa[2 * H + k] + (float)q;
          }
          const float hh = act(&p->act[1], clipped(p, pre));
          hn[k] = (1 - z) * hh + z * h[k];
        }
      } else {
        const int64_t oo = p->paddle_gates ? 3 * H : H, fo = p->paddle_gates ? H : 2 * H,
                      co = p->paddle_gates ? 2 * H : 3 * H;
        for (int64_t k = 0; k < H; k++) {
          const float pi = peep ? peep[k] : 0, po = peep ? peep[H + k] : 0, pf = peep ? peep[2 * H + k] : 0;
          const float ig = act(&p->act[0], clipped(p, xa[k] + ha[k] + pi * c[k]));
          float fg = act(&p->act[0], clipped(p, xa[fo + k] + ha[fo + k] + pf * c[k]));
          if (p->input_forget) fg = 1 - ig;
          const float cc = act(&p->act[1], clipped(p, xa[co + k] + ha[co + k]));
          const float cn = fg * c[k] + ig * cc;
          const float og = act(&p->act[0], clipped(p, xa[oo + k] + ha[oo + k] + po * cn));
          hn[k] = og * act(&p->act[2], cn);
          xa[k] = cn; /* the new cell state; gate i is no longer needed */
        }
        for (int64_t k = 0; k < H; k++) c[k] = xa[k];
      }
      memcpy(h, hn, (size_t)H * sizeof *h);
      if (y) memcpy(y + t * p->y_st + b * p->y_sb, h, (size_t)H * sizeof *h);
    }
  }
}
