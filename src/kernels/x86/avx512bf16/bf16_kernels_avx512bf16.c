#include "kernels/x86/avx512bf16/avx512bf16_kernels.h"

/* Same register tile as f32_gemm_12x32__avx512 (so that the products
 * split over threads alike); kc twice its depth, the operands being half
 * the bytes: a 32-column B strip of 512 k is still 32 KiB. */
const oar_bf16_kernels oar_bf16_kernels_avx512bf16 = {
    .gemm_name = "bf16_gemm_12x32__avx512bf16",
    .mr = 12,
    .nr = 32,
    .kc = 512,
    .gemm = oar_bf16_gemm_12x32__avx512bf16,
    .pair_panel = oar_bf16_pair_panel__avx512bf16,
    .convert = oar_bf16_convert__avx512bf16,
    .conv16c = oar_bf16_conv16c__avx512bf16,
};
