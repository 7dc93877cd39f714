/* Packed, cache-blocked GEMM with bfloat16 operands and float32
 * accumulation, on the microkernel of an oar_bf16_kernels table:
 *
 *   C[m, n] = epilogue(bf16(A)[m, k] * bf16(B)[k, n])
 *
 * The float32 driver's scheme (gemm.h) with operands in the pair layout
 * (bf16_kernels.h): a packed panel of R rows (A) or columns (B) and kc
 * steps of k holds ceil(kc/2) steps of R words. An operand is either
 * pre-packed once (weights: oar_bf16_gemm_prepack; blocks of the table's
 * kc one after another, the block at depth d at dst + d/2*R*panels, as in
 * gemm.h) or packed block by block while the product runs: the float32
 * pack function of the kr table (pack_rows, pack_cols, pack_im2col, ...)
 * fills one panel in float32, the table's pair_panel converts it. The
 * epilogue (bias, residual, clamp, activation) is float32 on the float32
 * accumulators. The bf16 table's mr and nr must equal kr's: the thread
 * split is the float32 driver's. */
#ifndef OAR_KERNELS_GENERIC_BF16_GEMM_H
#define OAR_KERNELS_GENERIC_BF16_GEMM_H

#include "kernels/generic/bf16_kernels.h"
#include "kernels/generic/gemm.h"

typedef struct oar_bf16_operand {
  const uint32_t *packed; /* from oar_bf16_gemm_prepack, or NULL */
  oar_gemm_pack_fn pack;  /* float32 pack function, used when packed is NULL */
  const void *ctx;
} oar_bf16_operand;

typedef struct oar_bf16_gemm_problem {
  size_t m, n, k;
  oar_bf16_operand a, b;
  float *c;
  size_t ldc;
  oar_gemm_epilogue epi;
} oar_bf16_gemm_problem;

/* Words (4 bytes, the size of a float) of a full-depth packing of `count`
 * rows or columns into panels of r (SIZE_MAX on overflow). */
size_t oar_bf16_gemm_packed_words(size_t count, size_t k, size_t r);

/* Pre-packs `count` rows (r = bk->mr, for A) or columns (r = bk->nr, for
 * B) of depth k from the float32 `pack`/`ctx` into dst
 * (oar_bf16_gemm_packed_words(count, k, r) words). */
void oar_bf16_gemm_prepack(const oar_bf16_kernels *bk, oar_gemm_pack_fn pack, const void *ctx, size_t count,
                           size_t k, size_t r, uint32_t *dst);

/* Slots (threads) the product uses with `threads` available. */
int oar_bf16_gemm_slots(const oar_f32_kernels *kr, const oar_bf16_kernels *bk, const oar_bf16_gemm_problem *p,
                        int threads);

/* Workspace bytes oar_bf16_gemm_run needs for `slots` slots (SIZE_MAX on
 * overflow). */
size_t oar_bf16_gemm_workspace_bytes(const oar_f32_kernels *kr, const oar_bf16_kernels *bk,
                                     const oar_bf16_gemm_problem *p, int slots);

/* Runs the product on `slots` slots over the current thread pool;
 * workspace: oar_bf16_gemm_workspace_bytes bytes, 64-byte aligned. kr
 * gives the float32 pack functions' panels their blocking (mc, nc) and
 * the activation of the epilogue. */
void oar_bf16_gemm_run(const oar_f32_kernels *kr, const oar_bf16_kernels *bk, const oar_bf16_gemm_problem *p,
                       int slots, void *workspace);

#endif
