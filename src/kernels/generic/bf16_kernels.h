/* The bfloat16 kernels of one ISA level (AVX512-BF16 only, for now), and
 * their contracts. Used when a plan runs with OAR_PRECISION_BFLOAT16: the
 * heavy float products (convolutions, fc / matmul on constant weights)
 * convert their operands to bfloat16 (round to nearest even, as
 * vcvtne2ps2bf16 does) and accumulate in float32; every tensor between
 * ops stays float32, and so do bias, residual and activation.
 *
 * Pair layout. vdpbf16ps multiplies pairs of bf16 lanes and adds both
 * products to one float32 lane, so operands are packed as 32-bit words
 * each holding two consecutive k (the even k in the low half, k + 1 in
 * the high half; an odd k count is padded with a zero). */
#ifndef OAR_KERNELS_GENERIC_BF16_KERNELS_H
#define OAR_KERNELS_GENERIC_BF16_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/generic/f32_kernels.h"

/* float32 -> bfloat16 as vcvtne2ps2bf16 converts: round to nearest even,
 * denormal inputs read as (signed) zero, NaN stays NaN (quiet). */
static inline uint16_t oar_bf16_from_f32(float f) {
  union {
    float f;
    uint32_t u;
  } v = {f};
  if ((v.u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((v.u >> 16) | 0x40u);
  if ((v.u & 0x7f800000u) == 0) return (uint16_t)((v.u >> 16) & 0x8000u);
  return (uint16_t)((v.u + 0x7fffu + ((v.u >> 16) & 1u)) >> 16);
}
static inline float oar_bf16_to_f32(uint16_t h) {
  union {
    uint32_t u;
    float f;
  } v = {(uint32_t)h << 16};
  return v.f;
}

/* ---- GEMM microkernel ---------------------------------------------------
 * One mr x nr tile of C (mr <= MR, nr <= NR of the table) over kp pairs of
 * k: a is a packed panel, kp groups of MR words (row r of pair q at
 * a[q*MR + r]); b is a packed panel, kp groups of NR words (column j at
 * b[q*NR + j]); padding rows and columns hold zeros. flags and epilogue as
 * for the float32 microkernel (f32_kernels.h). */
typedef void (*oar_bf16_gemm_ukernel_fn)(size_t mr, size_t nr, size_t kp, const uint32_t *a,
                                         const uint32_t *b, float *c, size_t ldc, unsigned flags,
                                         const oar_gemm_tile_epi *e);

/* Converts a float32 panel (kc steps of r floats, step k at src + k*r) to
 * the pair layout: ceil(kc/2) steps of r words, step q at dst + q*r. */
typedef void (*oar_bf16_pair_panel_fn)(const float *src, size_t kc, size_t r, uint32_t *dst);

/* dst[i] = bf16(src[i]) for i < n (round to nearest even). */
typedef void (*oar_bf16_convert_fn)(const float *src, uint16_t *dst, size_t n);

/* Blocked (NCHW16c) direct convolution tile with bfloat16 operands: the
 * contract of oar_f32_conv16c_fn (f32_kernels.h) where t->in[p] and t->w
 * point at bfloat16 data (cast to const float *; every offset and stride
 * counts bfloat16 elements, as they counted floats): the input an NCHW16c
 * image of bf16 (a pixel's 16 channels = 8 pair words; lanes 16), or one
 * block of t->lanes (even) channels interleaved per pixel (a plain input's
 * copy; lane_stride 1); the filter per (block, tap) lanes/2 channel pairs
 * x fc*16 output channels of pair words. Accumulation, bias, residual and
 * clamp float32. */
typedef void (*oar_bf16_conv16c_fn)(size_t fc, size_t npx, const oar_conv16c_tile *t);

typedef struct oar_bf16_kernels {
  const char *gemm_name; /* e.g. "bf16_gemm_12x32__avx512bf16" */
  size_t mr, nr;         /* register tile (the float32 avx512 table's, so that splits agree) */
  size_t kc;             /* k depth of a block (even) */
  oar_bf16_gemm_ukernel_fn gemm;
  oar_bf16_pair_panel_fn pair_panel;
  oar_bf16_convert_fn convert;
  oar_bf16_conv16c_fn conv16c;
} oar_bf16_kernels;

#if defined(OAR_X86_KERNELS)
extern const oar_bf16_kernels oar_bf16_kernels_avx512bf16;
#endif

/* The bfloat16 table to plan with when `enabled` (the plan asked for
 * bfloat16 and oar_cpu_bf16_active said yes); NULL when off or when this
 * build has none. */
const oar_bf16_kernels *oar_bf16_kernels_for(int enabled);

#endif
