/* The AVX-512 table; the simple kernels are the plain-C bodies compiled
 * with this folder's flags. */
#include "kernels/generic/f32_simple_impl.h"
#include "kernels/x86/avx512/avx512_kernels.h"

void oar_f32_affine__avx512(const float *src, float s, float b, float *dst, size_t n) {
  simple_affine(src, s, b, dst, n);
}

void oar_f32_binary__avx512(oar_fast_binary op, const float *x, const float *y, int y_scalar, float *dst,
                            size_t n) {
  simple_binary(op, x, y, y_scalar, dst, n);
}

/* kc: a 32-column B strip of kc rows (32 KiB at 256) stays in the 48 KiB
 * L1; mc: a 12-row-panel block of A (mc x kc) stays in L2; nc bounds the
 * packed B block. Measured by tests/unit/bench_gemm on Zen 5. */
static void pack_rows(const void *ctx, size_t idx0, size_t count, size_t k0, size_t kc, size_t r,
                      float *dst) {
  simple_pack_rows(ctx, idx0, count, k0, kc, r, dst);
}
static void pack_cols(const void *ctx, size_t idx0, size_t count, size_t k0, size_t kc, size_t r,
                      float *dst) {
  simple_pack_cols(ctx, idx0, count, k0, kc, r, dst);
}
static void pack_im2col(const void *ctx, size_t idx0, size_t count, size_t k0, size_t kc, size_t r,
                        float *dst) {
  simple_pack_im2col(ctx, idx0, count, k0, kc, r, dst);
}
static void pack_rows_im2col(const void *ctx, size_t idx0, size_t count, size_t k0, size_t kc, size_t r,
                             float *dst) {
  simple_pack_rows_im2col(ctx, idx0, count, k0, kc, r, dst);
}

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
    .maxpool2d = oar_f32_maxpool2d__avx512,
    .pack_rows = pack_rows,
    .pack_cols = pack_cols,
    .pack_im2col = pack_im2col,
    .pack_rows_im2col = pack_rows_im2col,
};
