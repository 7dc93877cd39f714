/* The fast path of the recurrent ops (rnn_seq, Paddle rnn), the twin of
 * the reference cell oar_ref_rnn_dir_f32 (kernels/ref/rnn.h), with the
 * same oar_rnn_params:
 *
 *   1. the input projection of every time step and batch row of a layer,
 *      one packed GEMM per direction: xw[(t, b)] = W x[t, b] + the biases
 *      that can be folded (all but GRU's candidate recurrent bias);
 *   2. the recurrence, per batch row and step: the hidden projection R h
 *      (the table's GEMV) and the gates (the table's rnn_cell kernel,
 *      sigmoid and tanh fused); the (direction, batch row) pairs are
 *      independent and split over the pool's threads (a bidirectional
 *      layer's two directions on two threads at batch 1); a lone row
 *      (one direction, batch 1) of at least OAR_RNN_FAST_SPLIT_MIN_HIDDEN
 *      hidden units splits each step's units over two threads instead.
 *
 * Runs what oar_rnn_fast_supported accepts: the default activations of
 * LSTM (sigmoid, tanh, tanh) and GRU (sigmoid, tanh), tanh / relu /
 * sigmoid for the simple RNN; clip, peepholes, input_forget, both GRU
 * forms (linear_before_reset or not), sequence lengths, initial states
 * given or absent, either layout. */
#ifndef OAR_RUNTIME_OPS_RNN_FAST_H
#define OAR_RUNTIME_OPS_RNN_FAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels/generic/f32_kernels.h"
#include "kernels/ref/rnn.h"

/* One direction of a layer: what oar_ref_rnn_dir_f32 takes, plus W packed
 * as the GEMM's B side (oar_rnn_fast_pack_w; NULL: packed during the run). */
enum { OAR_RNN_FAST_SPLIT_MIN_HIDDEN = 64 };

typedef struct oar_rnn_fast_dir {
  oar_rnn_params p;
  const float *w, *w_packed, *r, *wb, *rb, *peep, *h0, *c0;
  float *y, *yh, *yc; /* y may be NULL; yh and yc are required (yc: LSTM) */
} oar_rnn_fast_dir;

/* True when the fast path computes this cell (activations, sizes, x's
 * strides: the rows (t, b) of x tile a [seq * batch, input] matrix). */
bool oar_rnn_fast_supported(const oar_rnn_params *p);

/* Floats of oar_rnn_fast_pack_w's output for p (SIZE_MAX on overflow). */
size_t oar_rnn_fast_packed_w_floats(const oar_f32_kernels *kr, const oar_rnn_params *p);

/* Packs W [G*H, input] (row-major) as the B side of the input GEMM. */
void oar_rnn_fast_pack_w(const oar_f32_kernels *kr, const oar_rnn_params *p, const float *w, float *dst);

/* GEMM slots (threads) of the input projection with `threads` available. */
int oar_rnn_fast_slots(const oar_f32_kernels *kr, const oar_rnn_params *p, int threads);

/* Workspace bytes of oar_rnn_fast_layer for `dirs` directions of p on
 * `slots` GEMM slots (SIZE_MAX on overflow). */
size_t oar_rnn_fast_workspace_bytes(const oar_f32_kernels *kr, const oar_rnn_params *p, int dirs, int slots);

/* Runs `ndirs` (1 or 2) directions of one layer over input x, each
 * direction's params as dirs[d].p (same sizes, strides and cell).
 * seq_lens: [batch] (each <= seq) or NULL. Writes y steps t < len (the
 * caller zeroes the rest), yh, yc. workspace: oar_rnn_fast_workspace_bytes
 * bytes, 64-byte aligned. */
void oar_rnn_fast_layer(const oar_f32_kernels *kr, const float *x, const oar_rnn_fast_dir *dirs, int ndirs,
                        const int64_t *seq_lens, int slots, void *workspace);

/* ---- plan-time state shared by rnn_seq and Paddle rnn ------------------- */

#include "runtime/op_prepare.h"

enum { OAR_RNN_FAST_MAX_DIRS = 16 }; /* layers x directions */

typedef struct oar_rnn_fast_state {
  oar_op_state base;
  const oar_f32_kernels *kr;
  int slots;
  const float *w_packed[OAR_RNN_FAST_MAX_DIRS]; /* per layer and direction, or NULL */
  float *owned[OAR_RNN_FAST_MAX_DIRS];          /* packed here (not in the weight cache) */
  char kernel[112];
} oar_rnn_fast_state;

/* A zeroed state running `run`, its kernel name telling the cell and the
 * table's GEMM and cell kernels; NULL when out of memory. */
oar_rnn_fast_state *oar_rnn_fast_state_new(const oar_f32_kernels *kr, int cell, oar_run_state_fn run);

/* Packs W of layer-direction `k` (flat input `pos`, data w) once: in the
 * model's weight cache when it is a model constant, into the state when
 * it is known at plan time; else leaves it to the run. */
oar_status oar_rnn_fast_state_pack(oar_rnn_fast_state *st, const oar_prepare_ctx *ctx, int pos, int k,
                                   const oar_rnn_params *p, const float *w, oar_error *err);

#endif
