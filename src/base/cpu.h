/* CPU feature detection for kernel dispatch.
 *
 * A level counts only when the CPU has the instructions (CPUID) *and* the
 * operating system saves the registers they use across context switches
 * (XGETBV): a CPU with AVX-512 under an OS that does not save ZMM state must
 * not run AVX-512 code. Detection runs once per process and is thread-safe.
 *
 * OAR_ISA=generic|avx2|avx512 caps the level (to test the slower paths on a
 * fast machine); it never raises it above what the host supports. The
 * runtime reads it when it plans a model, never inside kernels. */
#ifndef OAR_BASE_CPU_H
#define OAR_BASE_CPU_H

#include "base/error.h"

/* Ordered: a higher level implies every lower one. */
typedef enum oar_isa {
  OAR_ISA_GENERIC = 0, /* portable C only */
  OAR_ISA_AVX2 = 1,    /* AVX2 + FMA + F16C, OS saves YMM */
  OAR_ISA_AVX512 = 2,  /* AVX-512 F/DQ/BW/VL + the above, OS saves ZMM and opmask */
  OAR_ISA_COUNT
} oar_isa;

/* The highest level this host supports (GENERIC off x86). */
oar_isa oar_cpu_isa_detected(void);

/* "generic", "avx2", "avx512" (or "?" when out of range). */
const char *oar_isa_name(oar_isa isa);

/* Parses one of the names above; returns 0 when `name` is not one. */
int oar_isa_parse(const char *name, oar_isa *out);

/* The level to plan with: the detected one, capped by OAR_ISA when set.
 * OAR_ERR_INVALID_ARGUMENT naming the value when OAR_ISA is set to
 * something that is not a level name. */
oar_status oar_cpu_isa_active(oar_isa *out, oar_error *err);

#endif
