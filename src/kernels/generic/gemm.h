/* Packed, cache-blocked float32 GEMM on the microkernel of an
 * oar_f32_kernels table:
 *
 *   C[m, n] = epilogue(A[m, k] * B[k, n])
 *
 * Each operand is either pre-packed once (weights: oar_gemm_prepack) or
 * packed block by block while the product runs, by a pack function (the
 * table's pack_rows / pack_cols / pack_im2col, f32_kernels.h). Packed
 * layout of one block of depth kc, R = the table's mr (A) or nr (B):
 * panel p holds rows (A) or columns (B) p*R .. p*R+R-1, zero past the end,
 * at dst + p*R*kc; step k of panel p is R floats at offset k*R. A
 * pre-packed operand is its kc-deep blocks (kc = the table's kc, the last
 * one shorter) one after another: block starting at depth d at
 * dst + d*R*panels, so that the block a product walks is contiguous (no
 * power-of-two strides between panels to alias in the caches).
 *
 * Blocking (Goto): for each nc-column block, for each kc-deep slice, the B
 * block is packed once and walked by nr-wide strips that stay in L1 while
 * mr-row panels of an mc-row A block stream from L2. Threads split C into
 * one rectangle per slot (whole tiles), each slot with its own pack
 * buffers in the caller's workspace; small products are not split. */
#ifndef OAR_KERNELS_GENERIC_GEMM_H
#define OAR_KERNELS_GENERIC_GEMM_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/generic/f32_kernels.h"

typedef struct oar_gemm_operand {
  const float *packed; /* from oar_gemm_prepack, or NULL */
  const float *direct; /* B only: element (k, j) at direct[k*ld + j], read in place; or NULL */
  size_t ld;
  oar_gemm_pack_fn pack; /* used when packed and direct are NULL */
  const void *ctx;
} oar_gemm_operand;

/* Floats of a full-depth packing of `count` rows or columns into panels
 * of r (SIZE_MAX on overflow). */
size_t oar_gemm_packed_floats(size_t count, size_t k, size_t r);

/* Pre-packs `count` rows (r = kr->mr, for A) or columns (r = kr->nr, for
 * B) of depth k from `pack`/`ctx` into dst
 * (oar_gemm_packed_floats(count, k, r) floats), in kr->kc blocks. */
void oar_gemm_prepack(const oar_f32_kernels *kr, oar_gemm_pack_fn pack, const void *ctx, size_t count,
                      size_t k, size_t r, float *dst);

typedef struct oar_gemm_epilogue {
  const float *bias_row; /* [m] or NULL */
  const float *bias_col; /* [n] or NULL */
  const float *residual; /* [m, n] with row stride ldr, or NULL */
  size_t ldr;
  float lo, hi;              /* clamp (relu, relu6); -inf/+inf for none */
  const oar_act_params *act; /* any other activation, after the clamp; or NULL */
} oar_gemm_epilogue;

/* Sets an epilogue with no bias, residual or activation. */
void oar_gemm_epilogue_none(oar_gemm_epilogue *e);

typedef struct oar_gemm_problem {
  size_t m, n, k;
  oar_gemm_operand a, b;
  float *c;
  size_t ldc;
  oar_gemm_epilogue epi;
} oar_gemm_problem;

/* Slots (threads) the product uses with `threads` available. */
int oar_gemm_slots(const oar_f32_kernels *kr, const oar_gemm_problem *p, int threads);

/* Workspace bytes oar_gemm_run needs for `slots` slots (SIZE_MAX on
 * overflow). */
size_t oar_gemm_workspace_bytes(const oar_f32_kernels *kr, const oar_gemm_problem *p, int slots);

/* Runs the product on `slots` slots over the current thread pool.
 * workspace: oar_gemm_workspace_bytes(kr, p, slots) bytes, 64-byte
 * aligned (NULL if that is 0). */
void oar_gemm_run(const oar_f32_kernels *kr, const oar_gemm_problem *p, int slots, void *workspace);

#endif
