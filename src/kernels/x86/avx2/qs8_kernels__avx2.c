/* The int8 kernels for AVX2 hosts (and AVX-512 ones without VNNI): the
 * plain-C bodies of kernels/generic/qs8_plain_impl.h, compiled with this
 * folder's AVX2 flags so that the column loops vectorize (8 int32 lanes).
 * No hand-written VPMADDUBSW tile yet. */
#include "kernels/generic/qs8_plain_impl.h"

QS8_PLAIN_TABLE(oar_qs8_kernels_avx2, "qs8_gemm_4x16__avx2");
