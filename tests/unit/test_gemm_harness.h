/* Shared harness of the fast-kernel tests (test_gemm.c, test_conv_fast.c):
 * checks, deterministic random numbers, buffers that catch overruns, and
 * the loop over the ISA levels the host supports.
 *
 * Overrun policy: inputs live at the very end of a page followed by an
 * inaccessible page, so any read past their end faults (the test crashes,
 * which ctest reports); outputs carry guard words on both sides, checked
 * after every call, so any write outside the tile fails the check. */
#ifndef OAR_TESTS_UNIT_TEST_GEMM_HARNESS_H
#define OAR_TESTS_UNIT_TEST_GEMM_HARNESS_H

#define _DEFAULT_SOURCE
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(_WIN32)
#define WIN32_LEAN_AND_MEAN
#include <malloc.h>
#include <windows.h>
#else
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "base/cpu.h"
#include "base/threadpool.h"
#include "kernels/generic/f32_kernels.h"

static int g_checks, g_failures;

#define CHECK(cond, ...)                              \
  do {                                                \
    g_checks++;                                       \
    if (!(cond)) {                                    \
      if (++g_failures <= 40) {                       \
        printf("  FAIL %s:%d: ", __FILE__, __LINE__); \
        printf(__VA_ARGS__);                          \
        printf("\n");                                 \
      }                                               \
    }                                                 \
  } while (0)

static uint64_t g_rng = 0x9E3779B97F4A7C15ull;
static inline uint32_t rnd(void) {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 7;
  g_rng ^= g_rng << 17;
  return (uint32_t)(g_rng >> 32);
}
/* Small integers: every product and partial sum below 2^24 is exact in
 * float, whatever the order of summation. */
static inline float rnd_small(void) { return (float)((int)(rnd() % 7) - 3); }
static inline float rnd_unit(void) { return (float)((double)rnd() / 4294967296.0 * 2.0 - 1.0); }

/* ---- inputs that fault on over-read -------------------------------------- */

typedef struct page_buf {
  void *map;
  size_t map_bytes;
  float *data;
} page_buf;

static inline float *page_alloc(page_buf *b, size_t n) {
#if defined(_WIN32)
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  const size_t page = (size_t)si.dwPageSize;
#else
  const size_t page = (size_t)sysconf(_SC_PAGESIZE);
#endif
  const size_t bytes = n * sizeof(float);
  const size_t body = (bytes + page - 1) / page * page;
  b->map_bytes = body + page;
#if defined(_WIN32)
  b->map = VirtualAlloc(NULL, b->map_bytes, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  DWORD old_protect;
  if (!b->map || !VirtualProtect((char *)b->map + body, page, PAGE_NOACCESS, &old_protect)) {
    printf("VirtualAlloc failed\n");
    exit(1);
  }
#else
  b->map = mmap(NULL, b->map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (b->map == MAP_FAILED) {
    printf("mmap failed\n");
    exit(1);
  }
  mprotect((char *)b->map + body, page, PROT_NONE);
#endif
  b->data = (float *)((char *)b->map + body - bytes);
  return b->data;
}

#if defined(_WIN32)
static inline void page_free(page_buf *b) { VirtualFree(b->map, 0, MEM_RELEASE); }
#else
static inline void page_free(page_buf *b) { munmap(b->map, b->map_bytes); }
#endif

/* ---- 64-byte aligned buffers (aligned_alloc; _aligned_malloc on Windows,
 * whose free cannot release them) ---------------------------------------- */

static inline void *harness_aligned_alloc(size_t bytes) {
  bytes = (bytes + 63) / 64 * 64;
#if defined(_WIN32)
  return _aligned_malloc(bytes ? bytes : 64, 64);
#else
  return aligned_alloc(64, bytes ? bytes : 64);
#endif
}

static inline void harness_aligned_free(void *p) {
#if defined(_WIN32)
  _aligned_free(p);
#else
  free(p);
#endif
}

/* ---- outputs with guard words ---------------------------------------------- */

#define GUARD 32
static const uint32_t GUARD_BITS = 0x7fc0dead; /* a NaN no kernel writes */

typedef struct guard_buf {
  float *base;
  float *data;
  size_t n;
} guard_buf;

static inline float *guard_alloc(guard_buf *g, size_t n) {
  g->base = malloc((n + 2 * GUARD) * sizeof(float));
  g->n = n;
  for (size_t i = 0; i < n + 2 * GUARD; i++) memcpy(&g->base[i], &GUARD_BITS, 4);
  g->data = g->base + GUARD;
  return g->data;
}

static inline int guard_intact(const guard_buf *g) {
  for (size_t i = 0; i < GUARD; i++) {
    if (memcmp(&g->base[i], &GUARD_BITS, 4) || memcmp(&g->base[GUARD + g->n + i], &GUARD_BITS, 4)) return 0;
  }
  return 1;
}

static inline void guard_free(guard_buf *g) { free(g->base); }

/* ---- ISA levels ------------------------------------------------------------- */

/* The table of `isa`, or NULL (with a skip message) when the host cannot
 * run it or the library was built without it. */
static inline const oar_f32_kernels *kernels_or_skip(oar_isa isa, const char *test) {
  if (isa > oar_cpu_isa_detected()) {
    printf("SKIP %s under %s: this host supports up to %s\n", test, oar_isa_name(isa),
           oar_isa_name(oar_cpu_isa_detected()));
    return NULL;
  }
  const oar_f32_kernels *kr = oar_f32_kernels_for(isa);
  if (kr->isa != isa) {
    printf("SKIP %s under %s: not built into this library\n", test, oar_isa_name(isa));
    return NULL;
  }
  return kr;
}

/* Floats of got that differ from want bit for bit; *first is the first
 * (0 when none). */
static inline size_t count_bit_mismatches(const float *got, const float *want, size_t n, size_t *first) {
  size_t bad = 0;
  *first = 0;
  for (size_t i = 0; i < n; i++)
    if (memcmp(&got[i], &want[i], sizeof(float)) != 0 && bad++ == 0) *first = i;
  return bad;
}

/* Runs sweep(kr, threads) on every table the host runs, on a pool of 1
 * and of 2 threads set as the current pool; 1 when a pool cannot be made. */
static inline int harness_each_table_and_threads(const char *test,
                                                 void (*sweep)(const oar_f32_kernels *, int)) {
  for (int isa = OAR_ISA_GENERIC; isa < OAR_ISA_COUNT; isa++) {
    const oar_f32_kernels *kr = kernels_or_skip((oar_isa)isa, test);
    if (!kr) continue;
    printf("== %s\n", oar_isa_name(kr->isa));
    for (int threads = 1; threads <= 2; threads++) {
      oar_threadpool *pool = NULL;
      if (oar_threadpool_create(threads, &pool, NULL) != OAR_OK) return 1;
      oar_threadpool_set_current(pool);
      sweep(kr, threads);
      oar_threadpool_set_current(NULL);
      oar_threadpool_destroy(pool);
    }
  }
  return 0;
}

/* The exit status CTest counts as a skip (SKIP_RETURN_CODE in
 * tests/CMakeLists.txt): a test with nothing to test on this host says so
 * instead of passing. */
enum { HARNESS_SKIPPED = 77 };

static inline int harness_skip(const char *name, const char *why) {
  printf("SKIP %s: %s\n", name, why);
  return HARNESS_SKIPPED;
}

static inline int harness_finish(const char *name) {
  printf("%s: %d checks, %d failures\n", name, g_checks, g_failures);
  return g_failures ? 1 : 0;
}

#endif
