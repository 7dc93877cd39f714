/* The generic table, and the choice of a table for an ISA level. */
#include "kernels/generic/f32_simple_impl.h"
#include "kernels/generic/generic_kernels.h"

#include <math.h>

static void generic_act(const oar_act_params *p, const float *src, float *dst, size_t n) {
  oar_ref_activation_f32(p, src, dst, (int64_t)n);
}

/* The recurrent cell gates in plain C, with libm's expf and tanhf. */
static float cell_clip(const oar_rnn_cell_args *a, float v) {
  return a->clip > 0 ? fminf(fmaxf(v, -a->clip), a->clip) : v;
}

static float cell_sigmoid(float v) { return 1.0f / (1.0f + expf(-v)); }

void oar_f32_rnn_cell__generic(const oar_rnn_cell_args *a) {
  const size_t n = a->n;
  for (size_t k = 0; k < n; k++) {
    if (a->cell == OAR_RNN_CELL_LSTM) {
      const float c = a->c[k];
      float pi = a->x[0][k] + a->r[0][k], pf = a->x[2][k] + a->r[2][k];
      if (a->peep[0]) {
        pi += a->peep[0][k] * c;
        pf += a->peep[2][k] * c;
      }
      const float ig = cell_sigmoid(cell_clip(a, pi));
      const float fg = a->input_forget ? 1.0f - ig : cell_sigmoid(cell_clip(a, pf));
      const float cn = fg * c + ig * tanhf(cell_clip(a, a->x[3][k] + a->r[3][k]));
      float po = a->x[1][k] + a->r[1][k];
      if (a->peep[0]) po += a->peep[1][k] * cn;
      a->c[k] = cn;
      a->h[k] = cell_sigmoid(cell_clip(a, po)) * tanhf(cn);
    } else if (a->cell == OAR_RNN_CELL_GRU) {
      const float h = a->h_prev[k];
      const float rg = cell_sigmoid(cell_clip(a, a->x[1][k] + a->r[1][k]));
      if (a->gru_mode == OAR_RNN_GRU_RESET_ONLY) {
        a->rh[k] = rg * h;
        continue;
      }
      const float z = cell_sigmoid(cell_clip(a, a->x[0][k] + a->r[0][k]));
      const float pre = a->gru_mode == OAR_RNN_GRU_LINEAR_BEFORE_RESET ? a->x[2][k] + rg * a->r[2][k]
                                                                       : a->x[2][k] + a->r[2][k];
      const float cand = tanhf(cell_clip(a, pre));
      a->h[k] = (1.0f - z) * cand + z * h;
    } else {
      const float v = cell_clip(a, a->x[0][k] + a->r[0][k]);
      a->h[k] = a->rnn_act == OAR_RNN_CELL_RELU      ? (v > 0 ? v : 0.0f)
                : a->rnn_act == OAR_RNN_CELL_SIGMOID ? cell_sigmoid(v)
                                                     : tanhf(v);
    }
  }
}

const oar_f32_kernels oar_f32_kernels_generic = {
    .isa = OAR_ISA_GENERIC,
    .gemm_name = "f32_gemm_4x8__generic",
    .mr = 4,
    .nr = 8,
    .kc = 256,
    .mc = 64,
    .nc = 256,
    .gemm = oar_f32_gemm_4x8__generic,
    .gemv = simple_gemv,
    .act = generic_act,
    .dwconv = simple_dwconv,
    .affine = simple_affine,
    .binary = simple_binary,
    .softmax = simple_softmax,
    .rnn_cell = oar_f32_rnn_cell__generic,
    .rnn_cell_name = "f32_rnn_cell__generic",
    .pack_rows = simple_pack_rows,
    .pack_cols = simple_pack_cols,
    .pack_im2col = simple_pack_im2col,
    .pack_rows_im2col = simple_pack_rows_im2col,
};

const oar_f32_kernels *oar_f32_kernels_for(oar_isa isa) {
#if defined(OAR_X86_KERNELS)
  if (isa >= OAR_ISA_AVX512) return &oar_f32_kernels_avx512;
  if (isa >= OAR_ISA_AVX2) return &oar_f32_kernels_avx2;
#elif defined(OAR_ARM_KERNELS)
  if (isa == OAR_ISA_NEON) return &oar_f32_kernels_neon;
#else
  (void)isa;
#endif
  return &oar_f32_kernels_generic;
}

size_t oar_dwconv_scratch_floats(const oar_dwconv_plane *p) {
  if (p->out_h == 0 || p->out_w == 0) return 0;
  /* Strides, dilations and paddings come from model files: every product
   * is checked (SIZE_MAX when the copy could not exist). */
  size_t ph, pw, t;
  if (__builtin_mul_overflow(p->out_h - 1, p->stride_h, &ph) ||
      __builtin_mul_overflow(p->kernel_h - 1, p->dilation_h, &t) || __builtin_add_overflow(ph, t + 1, &ph) ||
      __builtin_mul_overflow(p->out_w - 1, p->stride_w, &pw) ||
      __builtin_mul_overflow(p->kernel_w - 1, p->dilation_w, &t) || __builtin_add_overflow(pw, t + 1, &pw) ||
      p->stride_w == 0)
    return SIZE_MAX;
  const size_t pwq = pw / p->stride_w + 2;
  size_t total;
  if (__builtin_mul_overflow(ph, pwq, &total) || __builtin_mul_overflow(total, p->stride_w, &total) ||
      total > SIZE_MAX / 8)
    return SIZE_MAX;
  return total;
}
