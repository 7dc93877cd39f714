/* The AVX2 table; the simple kernels are the plain-C bodies compiled with
 * this folder's flags. */
#include "kernels/generic/f32_simple_impl.h"
#include "kernels/x86/avx2/avx2_kernels.h"

OAR_F32_SIMPLE_KERNELS(avx2)

const oar_f32_kernels oar_f32_kernels_avx2 = {
    .isa = OAR_ISA_AVX2,
    .gemm_name = "f32_gemm_6x16__avx2",
    .mr = 6,
    .nr = 16,
    .kc = 256,
    .mc = 72,
    .nc = 512,
    .gemm = oar_f32_gemm_6x16__avx2,
    .gemv = oar_f32_gemv__avx2,
    .act = oar_f32_act__avx2,
    .dwconv = oar_f32_dwconv__avx2,
    .affine = oar_f32_affine__avx2,
    .binary = oar_f32_binary__avx2,
    .softmax = oar_f32_softmax__avx2,
    .rnn_cell = oar_f32_rnn_cell__avx2,
    .rnn_cell_name = "f32_rnn_cell__avx2",
    .maxpool2d = oar_f32_maxpool2d__avx2,
    .pack_rows = pack_rows,
    .pack_cols = pack_cols,
    .pack_im2col = pack_im2col,
    .pack_rows_im2col = pack_rows_im2col,
};
