/* Reference recurrent cells (float32): ONNX RNN, GRU and LSTM over one
 * direction of a sequence. */
#ifndef OAR_KERNELS_REF_RNN_H
#define OAR_KERNELS_REF_RNN_H

#include <stdbool.h>
#include <stdint.h>

/* Activation kinds as OAR_RNN_ACT_* of ir/ops/op_ext.h. */
typedef struct oar_rnn_act {
  int kind;
  float alpha, beta;
} oar_rnn_act;

typedef struct oar_rnn_params {
  int cell; /* 0 RNN, 1 GRU, 2 LSTM */
  int64_t seq, batch, input, hidden;
  bool reverse, linear_before_reset, input_forget;
  float clip;         /* <= 0: none */
  oar_rnn_act act[3]; /* f, g, h (RNN uses f; GRU f, g) */
  /* element (t, b, k) of x is at t*x_st + b*x_sb + k; of y at t*y_st + b*y_sb + k */
  int64_t x_st, x_sb, y_st, y_sb;
  /* element (b, k) of initial/final states is at b*s_sb + k */
  int64_t s_sb;
  /* Paddle's gate order in w, r, wb and rb (LSTM i, f, c, o; GRU r, z, c)
   * instead of ONNX's (LSTM i, o, f, c; GRU z, r, h). */
  bool paddle_gates;
} oar_rnn_params;

/* w [G*H, I], r [G*H, H], wb / rb [G*H] (or NULL), peep [3H] (LSTM, or
 * NULL), seq_lens [batch] (or NULL: all seq), h0 / c0 states (or NULL:
 * zeros). Writes y steps t < len (when y is not NULL; the caller zeroes the
 * rest), and the last hidden / cell state into yh / yc (required).
 * scratch: 3 * G * H floats. */
void oar_ref_rnn_dir_f32(const oar_rnn_params *p, const float *x, const float *w, const float *r,
                         const float *wb, const float *rb, const float *peep, const int64_t *seq_lens,
                         const float *h0, const float *c0, float *y, float *yh, float *yc, float *scratch);

#endif
