/* Plain-C body of the 8-bit depthwise convolution (one channel plane),
 * written so that compilers vectorize it: kernels/generic/qgemm.c and the
 * AVX-512 folder include it once each and compile it with their own flags.
 * Never include it from elsewhere.
 *
 * The plane is copied once into int16 as x - zero point, zero in the
 * padding (the real 0), so the taps need no bounds checks and no zero
 * point correction; each output row sums its taps in int32, exactly, and
 * goes through the same epilogue as the GEMM tiles (qgemm.h). */
#ifndef OAR_KERNELS_GENERIC_QS8_DWCONV_IMPL_H
#define OAR_KERNELS_GENERIC_QS8_DWCONV_IMPL_H

#include <stdint.h>
#include <string.h>

#include "kernels/generic/qgemm.h"

/* The padded int16 plane at the start of scratch (x - zero point, 0 in
 * the padding); returns its row length. The plane is followed by 64
 * spare bytes, so that vector loads may run past a row's last tap. */
static inline int64_t qs8_dw_fill_plane(const oar_q8_dw_geometry *g, const uint8_t *src, int16_t *plane) {
  const int64_t ph = g->in_h + g->pad_top + g->pad_bottom, pw = g->in_w + g->pad_left + g->pad_right;
  memset(plane, 0, (size_t)(ph * pw) * sizeof *plane);
  /* Locals, not g's fields: the stores could alias them (src is bytes),
   * which would keep the loop from vectorizing. */
  const uint8_t flip = g->flip;
  const int16_t zero = g->zero;
  const int64_t in_h = g->in_h, in_w = g->in_w;
  for (int64_t y = 0; y < in_h; y++) {
    int16_t *restrict row = plane + (y + g->pad_top) * pw + g->pad_left;
    const uint8_t *restrict s = src + y * in_w;
    for (int64_t x = 0; x < in_w; x++) row[x] = (int16_t)((int16_t)(uint8_t)(s[x] ^ flip) - zero);
  }
  return pw;
}

/* Where the int32 and float rows start in scratch, after the plane. */
static inline int32_t *qs8_dw_acc_row(const oar_q8_dw_geometry *g, int16_t *plane) {
  const int64_t ph = g->in_h + g->pad_top + g->pad_bottom, pw = g->in_w + g->pad_left + g->pad_right;
  return (int32_t *)(void *)(plane + ((ph * pw + 63) & ~(int64_t)31));
}

static inline void qs8_dwconv_plane_impl(const oar_q8_dw_geometry *g, const uint8_t *src, const int8_t *w,
                                         const oar_q8_dw_channel *ch, void *dst, void *scratch) {
  int16_t *plane = scratch;
  const int64_t pw = qs8_dw_fill_plane(g, src, plane);
  int32_t *acc = qs8_dw_acc_row(g, plane);
  float *rowf = (float *)(void *)(acc + ((g->out_w + 15) & ~(int64_t)15));
  const float scale = ch->scale, bias = ch->bias, lo = ch->lo, hi = ch->hi, inv = ch->out_inv_scale;
  for (int64_t oy = 0; oy < g->out_h; oy++) {
    int32_t *restrict a = acc;
    for (int64_t ox = 0; ox < g->out_w; ox++) a[ox] = 0;
    for (int64_t ky = 0; ky < g->kernel_h; ky++) {
      const int16_t *in = plane + (oy * g->stride_h + ky * g->dilation_h) * pw;
      for (int64_t kx = 0; kx < g->kernel_w; kx++) {
        const int32_t wv = w[ky * g->kernel_w + kx];
        const int16_t *restrict t = in + kx * g->dilation_w;
        if (g->stride_w == 1)
          for (int64_t ox = 0; ox < g->out_w; ox++) a[ox] += (int32_t)t[ox] * wv;
        else
          for (int64_t ox = 0; ox < g->out_w; ox++) a[ox] += (int32_t)t[ox * g->stride_w] * wv;
      }
    }
    const float *res = ch->residual ? ch->residual + oy * g->out_w : NULL;
    float *restrict f = rowf;
    for (int64_t ox = 0; ox < g->out_w; ox++) f[ox] = (float)a[ox] * scale + bias;
    if (res)
      for (int64_t ox = 0; ox < g->out_w; ox++) f[ox] += res[ox];
    for (int64_t ox = 0; ox < g->out_w; ox++) f[ox] = f[ox] < lo ? lo : f[ox] > hi ? hi : f[ox];
    if (inv > 0) {
      /* oar_q8_round_saturate, spelled out so that the loop vectorizes. */
      const int32_t zero = ch->out_zero, qlo = ch->out_signed ? -128 : 0, qhi = ch->out_signed ? 127 : 255;
      uint8_t *restrict o = (uint8_t *)dst + oy * g->out_w;
      for (int64_t ox = 0; ox < g->out_w; ox++) {
        float t = f[ox] * inv;
        t = t < -1024.0f ? -1024.0f : t;
        t = t > 1024.0f ? 1024.0f : t;
        t = (t + 12582912.0f) - 12582912.0f;
        int32_t q = (int32_t)t + zero;
        q = q < qlo ? qlo : q;
        q = q > qhi ? qhi : q;
        o[ox] = (uint8_t)q;
      }
    } else {
      memcpy((float *)dst + oy * g->out_w, f, (size_t)g->out_w * sizeof *f);
    }
  }
}

#endif
