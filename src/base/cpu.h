/* CPU feature detection for kernel dispatch.
 *
 * A level counts only when the CPU has the instructions (CPUID) *and* the
 * operating system saves the registers they use across context switches
 * (XGETBV): a CPU with AVX-512 under an OS that does not save ZMM state must
 * not run AVX-512 code. Detection runs once per process and is thread-safe.
 *
 * OAR_ISA=generic|avx2|avx512|neon caps the level (to test the slower paths
 * on a fast machine); it never raises it above what the host supports. The
 * runtime reads it when it plans a model, never inside kernels.
 *
 * The levels of one architecture are ordered (x86-64: generic < avx2 <
 * avx512; aarch64: generic < neon). On aarch64 NEON is part of the base
 * ISA (no OS state to check), so it is always detected there. */
#ifndef OAR_BASE_CPU_H
#define OAR_BASE_CPU_H

#include "base/error.h"

/* Ordered within an architecture: a higher x86 level implies every lower
 * one. NEON comes last so that no x86 level compares above it; an x86 cap
 * (OAR_ISA=avx2) on aarch64 selects the generic kernels. */
typedef enum oar_isa {
  OAR_ISA_GENERIC = 0, /* portable C only */
  OAR_ISA_AVX2 = 1,    /* AVX2 + FMA + F16C, OS saves YMM */
  OAR_ISA_AVX512 = 2,  /* AVX-512 F/DQ/BW/VL + the above, OS saves ZMM and opmask */
  OAR_ISA_NEON = 3,    /* aarch64 Advanced SIMD (always present on aarch64) */
  OAR_ISA_COUNT
} oar_isa;

/* The highest level this host supports (NEON on aarch64, GENERIC on other
 * non-x86 hosts). */
oar_isa oar_cpu_isa_detected(void);

/* "generic", "avx2", "avx512", "neon" (or "?" when out of range). */
const char *oar_isa_name(oar_isa isa);

/* Parses one of the names above; returns 0 when `name` is not one. */
int oar_isa_parse(const char *name, oar_isa *out);

/* The level to plan with: the detected one, capped by OAR_ISA when set.
 * OAR_ERR_INVALID_ARGUMENT naming the value when OAR_ISA is set to
 * something that is not a level name. */
oar_status oar_cpu_isa_active(oar_isa *out, oar_error *err);

/* 1 when the host's AVX-512 level has AVX512_VNNI (the int8 kernels'
 * vpdpbusd), else 0. */
int oar_cpu_has_avx512_vnni(void);

/* 1 when the host's AVX-512 level has AVX512_VBMI (vpermb), else 0. */
int oar_cpu_has_avx512_vbmi(void);

/* Whether this host runs AVX512-BF16 (vcvtne2ps2bf16, vdpbf16ps): the
 * AVX-512 level (with the OS saving ZMM state) plus CPUID.(7,1):EAX[5].
 * Independent of OAR_ISA; see oar_cpu_bf16_active. */
int oar_cpu_has_avx512_bf16(void);

/* Whether bfloat16 kernels may run now: the host has AVX512-BF16 and
 * OAR_ISA (when set) does not cap the level below avx512. On failure
 * (OAR_ISA not a level name) the status of oar_cpu_isa_active. */
oar_status oar_cpu_bf16_active(int *out, oar_error *err);

#endif
