/* The NEON table (aarch64): the 8x8 GEMM microkernel and the GEMV in
 * intrinsics, and the simple kernels as the plain-C bodies compiled for
 * aarch64 (where the compiler vectorizes them with Advanced SIMD). Entries
 * of blocked-layout kernels stay NULL: the planner keeps NCHW. */
#include "kernels/arm/neon/neon_kernels.h"
#include "kernels/generic/f32_simple_impl.h"
#include "kernels/generic/generic_kernels.h"

OAR_F32_SIMPLE_KERNELS(neon)

static void neon_act(const oar_act_params *p, const float *src, float *dst, size_t n) {
  oar_ref_activation_f32(p, src, dst, (int64_t)n);
}

const oar_f32_kernels oar_f32_kernels_neon = {
    .isa = OAR_ISA_NEON,
    .gemm_name = "f32_gemm_8x8__neon",
    .mr = 8,
    .nr = 8,
    .kc = 256,
    .mc = 64,
    .nc = 256,
    .gemm = oar_f32_gemm_8x8__neon,
    .gemv = oar_f32_gemv__neon,
    .act = neon_act,
    .dwconv = simple_dwconv,
    .affine = oar_f32_affine__neon,
    .binary = oar_f32_binary__neon,
    .softmax = oar_f32_softmax__neon,
    .rnn_cell = oar_f32_rnn_cell__generic,
    .rnn_cell_name = "f32_rnn_cell__generic",
    .pack_rows = pack_rows,
    .pack_cols = pack_cols,
    .pack_im2col = pack_im2col,
    .pack_rows_im2col = pack_rows_im2col,
};
