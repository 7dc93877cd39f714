#include "base/cpu.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/* XCR0 through XGETBV: written as an instruction so that no ISA flag is
 * needed to compile this file. Only called once CPUID reports OSXSAVE. */
static unsigned long long read_xcr0(void) {
  unsigned int lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((unsigned long long)hi << 32) | lo;
}

static oar_isa detect(void) {
  unsigned int a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return OAR_ISA_GENERIC;
  const int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1, f16c = (c >> 29) & 1;
  if (!osxsave || !avx || !fma || !f16c) return OAR_ISA_GENERIC;
  const unsigned long long xcr0 = read_xcr0();
  /* Bits 1 (SSE) and 2 (AVX upper halves) must both be saved by the OS. */
  if ((xcr0 & 0x6) != 0x6) return OAR_ISA_GENERIC;
  if (__get_cpuid_max(0, NULL) < 7) return OAR_ISA_GENERIC;
  __cpuid_count(7, 0, a, b, c, d);
  const int avx2 = (b >> 5) & 1;
  if (!avx2) return OAR_ISA_GENERIC;
  const int avx512f = (b >> 16) & 1, avx512dq = (b >> 17) & 1, avx512bw = (b >> 30) & 1,
            avx512vl = (b >> 31) & 1;
  /* Bits 5-7: opmask registers, upper halves of ZMM0-15, ZMM16-31. */
  const int os_zmm = (xcr0 & 0xe0) == 0xe0;
  if (avx512f && avx512dq && avx512bw && avx512vl && os_zmm) return OAR_ISA_AVX512;
  return OAR_ISA_AVX2;
}

static int detect_bf16(void) {
  if (detect() != OAR_ISA_AVX512) return 0;
  unsigned int a, b, c, d;
  __cpuid_count(7, 0, a, b, c, d);
  if (a < 1) return 0; /* no subleaf 1 */
  __cpuid_count(7, 1, a, b, c, d);
  return (a >> 5) & 1; /* AVX512_BF16 */
}
#elif defined(__aarch64__)
static oar_isa detect(void) { return OAR_ISA_NEON; }
static int detect_bf16(void) { return 0; }
#else
static oar_isa detect(void) { return OAR_ISA_GENERIC; }
static int detect_bf16(void) { return 0; }
#endif

int oar_cpu_has_avx512_bf16(void) {
  static atomic_int cached = -1;
  int v = atomic_load_explicit(&cached, memory_order_relaxed);
  if (v < 0) {
    v = detect_bf16();
    atomic_store_explicit(&cached, v, memory_order_relaxed);
  }
  return v;
}

oar_status oar_cpu_bf16_active(int *out, oar_error *err) {
  oar_isa isa = OAR_ISA_GENERIC;
  OAR_TRY(oar_cpu_isa_active(&isa, err));
  *out = isa == OAR_ISA_AVX512 && oar_cpu_has_avx512_bf16();
  return OAR_OK;
}

oar_isa oar_cpu_isa_detected(void) {
  /* -1 until detected; racing threads compute the same value. */
  static atomic_int cached = -1;
  int v = atomic_load_explicit(&cached, memory_order_relaxed);
  if (v < 0) {
    v = (int)detect();
    atomic_store_explicit(&cached, v, memory_order_relaxed);
  }
  return (oar_isa)v;
}

static const char *const isa_names[OAR_ISA_COUNT] = {"generic", "avx2", "avx512", "neon"};

const char *oar_isa_name(oar_isa isa) {
  if ((int)isa < 0 || isa >= OAR_ISA_COUNT) return "?";
  return isa_names[isa];
}

int oar_isa_parse(const char *name, oar_isa *out) {
  if (!name) return 0;
  for (int i = 0; i < OAR_ISA_COUNT; i++) {
    if (strcmp(name, isa_names[i]) == 0) {
      *out = (oar_isa)i;
      return 1;
    }
  }
  return 0;
}

oar_status oar_cpu_isa_active(oar_isa *out, oar_error *err) {
  oar_isa isa = oar_cpu_isa_detected();
  const char *cap = getenv("OAR_ISA");
  if (cap && cap[0]) {
    oar_isa want;
    if (!oar_isa_parse(cap, &want))
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                           "environment variable OAR_ISA='%.64s' is not one of generic, avx2, avx512, neon",
                           cap);
    if (want < isa) isa = want;
  }
  *out = isa;
  return OAR_OK;
}

/* AVX512_VNNI (CPUID.7.0:ECX bit 11), on top of the AVX-512 level (which
 * has checked the OS saves the ZMM state). */
int oar_cpu_has_avx512_vnni(void) {
#if defined(__x86_64__) || defined(__i386__)
  if (oar_cpu_isa_detected() != OAR_ISA_AVX512) return 0;
  unsigned int a, b, c, d;
  __cpuid_count(7, 0, a, b, c, d);
  return (int)((c >> 11) & 1);
#else
  return 0;
#endif
}

/* AVX512_VBMI (CPUID.7.0:ECX bit 1): vpermb, byte shuffles across the
 * whole register. */
int oar_cpu_has_avx512_vbmi(void) {
#if defined(__x86_64__) || defined(__i386__)
  if (oar_cpu_isa_detected() != OAR_ISA_AVX512) return 0;
  unsigned int a, b, c, d;
  __cpuid_count(7, 0, a, b, c, d);
  return (int)((c >> 1) & 1);
#else
  return 0;
#endif
}
