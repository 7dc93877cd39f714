/* Plain-C body of the 8-bit im2col (the convolutions' GEMM input), with
 * the strided row copy given by the caller: kernels/generic/qgemm.c and
 * the AVX-512 folder include it once each. Never include it from
 * elsewhere. */
#ifndef OAR_KERNELS_GENERIC_QS8_IM2COL_IMPL_H
#define OAR_KERNELS_GENERIC_QS8_IM2COL_IMPL_H

#include <stdint.h>
#include <string.h>

#include "kernels/ref/conv.h"

/* dst[i] = src[i * stride] for i < n. */
typedef void (*qs8_strided_copy_fn)(uint8_t *dst, const uint8_t *src, int64_t n, int64_t stride);

static inline void qs8_strided_copy_plain(uint8_t *dst, const uint8_t *src, int64_t n, int64_t stride) {
  for (int64_t i = 0; i < n; i++) dst[i] = src[i * stride];
}

/* im2col of one group of one image into rows of out_h * out_w bytes: row
 * (c, kh, kw) holds the input pixel each output pixel reads there, or the
 * zero point (the real 0) in the padding. */
static inline void qs8_im2col_impl(const oar_conv2d_params *p, const uint8_t *src, size_t channels,
                                   uint8_t pad, uint8_t *dst, qs8_strided_copy_fn strided) {
  const int64_t oh_n = p->out_h, ow_n = p->out_w, plane = p->in_h * p->in_w;
  for (size_t c = 0; c < channels; c++)
    for (int64_t kh = 0; kh < p->kernel_h; kh++)
      for (int64_t kw = 0; kw < p->kernel_w; kw++) {
        const uint8_t *sc = src + (int64_t)c * plane;
        const int64_t off_w = kw * p->dilation_w - p->pad_left;
        /* Output columns whose input column is inside the row. */
        int64_t lo = off_w < 0 ? (-off_w + p->stride_w - 1) / p->stride_w : 0;
        int64_t hi = p->in_w > off_w ? (p->in_w - off_w + p->stride_w - 1) / p->stride_w : 0;
        if (hi > ow_n) hi = ow_n;
        if (lo > ow_n) lo = ow_n;
        if (hi < lo) hi = lo;
        for (int64_t oh = 0; oh < oh_n; oh++, dst += ow_n) {
          const int64_t ih = oh * p->stride_h - p->pad_top + kh * p->dilation_h;
          if (ih < 0 || ih >= p->in_h) {
            memset(dst, pad, (size_t)ow_n);
            continue;
          }
          const uint8_t *row = sc + ih * p->in_w + off_w;
          /* The borders are a few bytes: loops, not calls. */
          for (int64_t i = 0; i < lo; i++) dst[i] = pad;
          if (p->stride_w == 1)
            memcpy(dst + lo, row + lo, (size_t)(hi - lo));
          else
            strided(dst + lo, row + lo * p->stride_w, hi - lo, p->stride_w);
          for (int64_t i = hi; i < ow_n; i++) dst[i] = pad;
        }
      }
}

#endif
