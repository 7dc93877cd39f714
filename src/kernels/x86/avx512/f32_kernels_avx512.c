/* The AVX-512 table; the simple kernels are the plain-C bodies compiled
 * with this folder's flags. */
#include "kernels/generic/f32_simple_impl.h"
#include "kernels/x86/avx512/avx512_kernels.h"

OAR_F32_SIMPLE_KERNELS(avx512)

/* Contiguous vectors on the intrinsics kernel (its horizontal max and sum
 * cost little on short rows); interleaved ones on the plain-C kernel. */
static void softmax(const float *src, float *dst, size_t n, size_t stride, size_t cols, bool take_log) {
  if (cols == 1 && stride == 1)
    oar_f32_softmax_row__avx512(src, dst, n, take_log);
  else
    oar_f32_softmax__avx512(src, dst, n, stride, cols, take_log);
}

/* kc: a 32-column B strip of kc rows (32 KiB at 256) stays in the 48 KiB
 * L1; mc: a 12-row-panel block of A (mc x kc) stays in L2; nc bounds the
 * packed B block. Measured by tests/unit/bench_gemm on Zen 5. */
const oar_f32_kernels oar_f32_kernels_avx512 = {
    .isa = OAR_ISA_AVX512,
    .gemm_name = "f32_gemm_12x32__avx512",
    .mr = 12,
    .nr = 32,
    .kc = 256,
    .mc = 144,
    .nc = 512,
    .gemm = oar_f32_gemm_12x32__avx512,
    .gemv = oar_f32_gemv__avx512,
    .act = oar_f32_act__avx512,
    .dwconv = oar_f32_dwconv__avx512,
    .affine = oar_f32_affine__avx512,
    .binary = oar_f32_binary__avx512,
    .softmax = softmax,
    .rnn_cell = oar_f32_rnn_cell__avx512,
    .rnn_cell_name = "f32_rnn_cell__avx512",
    .maxpool2d = oar_f32_maxpool2d__avx512,
    .conv16c = oar_f32_conv16c__avx512,
    .dwconv16c = oar_f32_dwconv16c__avx512,
    .pool16c = oar_f32_pool16c__avx512,
    .wino23_in = oar_f32_wino23_in__avx512,
    .wino23_out = oar_f32_wino23_out__avx512,
    .pack_rows = pack_rows,
    .pack_cols = pack_cols,
    .pack_im2col = pack_im2col,
    .pack_rows_im2col = pack_rows_im2col,
};
