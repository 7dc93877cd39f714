/* GEMM throughput of oar's packed GEMM (kernel level), for tuning and for
 * BENCHMARKS.md. Build against the static library of a build directory:
 *
 *   cc -O2 -std=c11 -I include -I src bench/gemm_bench.c build/lib/liboar.a -lm -lpthread -o gemm_bench
 *   ./gemm_bench [--isa avx512|avx2|generic] [--threads N] [MxNxK[:a|:b|:-] ...]
 *
 * Shapes are M x N x K of C[M,N] = A[M,K] B[K,N] with B pre-packed (the
 * weights of a layer) and A packed on the fly; the default list is the
 * issue's: 1024^3 and the batch-1 inference shapes. Prints the median of
 * repeated timings in GFLOP/s. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/cpu.h"
#include "base/threadpool.h"
#include "kernels/generic/gemm.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

#if defined(__x86_64__)
#include <immintrin.h>
/* The machine's fp32 FMA peak on one thread: 24 independent chains of
 * 512-bit FMAs (covers latency x pipes on current cores), in assembly so
 * that no compiler choice gets in the way. */
__attribute__((target("avx512f"))) static double peak_avx512(void) {
  const long iters = 50 * 1000 * 1000;
  double best = 0;
  for (int rep = 0; rep < 5; rep++) {
    double t0 = now();
    long n = iters;
    __asm__ volatile(
        "vxorps %%xmm0, %%xmm0, %%xmm0\n"
        "1:\n"
        "vfmadd231ps %%zmm0, %%zmm0, %%zmm8\n vfmadd231ps %%zmm0, %%zmm0, %%zmm9\n"
        "vfmadd231ps %%zmm0, %%zmm0, %%zmm10\n vfmadd231ps %%zmm0, %%zmm0, %%zmm11\n"
        "vfmadd231ps %%zmm0, %%zmm0, %%zmm12\n vfmadd231ps %%zmm0, %%zmm0, %%zmm13\n"
        "vfmadd231ps %%zmm0, %%zmm0, %%zmm14\n vfmadd231ps %%zmm0, %%zmm0, %%zmm15\n"
        "vfmadd231ps %%zmm0, %%zmm0, %%zmm16\n vfmadd231ps %%zmm0, %%zmm0, %%zmm17\n"
        "vfmadd231ps %%zmm0, %%zmm0, %%zmm18\n vfmadd231ps %%zmm0, %%zmm0, %%zmm19\n"
        "vfmadd231ps %%zmm0, %%zmm0, %%zmm20\n vfmadd231ps %%zmm0, %%zmm0, %%zmm21\n"
        "vfmadd231ps %%zmm0, %%zmm0, %%zmm22\n vfmadd231ps %%zmm0, %%zmm0, %%zmm23\n"
        "vfmadd231ps %%zmm0, %%zmm0, %%zmm24\n vfmadd231ps %%zmm0, %%zmm0, %%zmm25\n"
        "vfmadd231ps %%zmm0, %%zmm0, %%zmm26\n vfmadd231ps %%zmm0, %%zmm0, %%zmm27\n"
        "vfmadd231ps %%zmm0, %%zmm0, %%zmm28\n vfmadd231ps %%zmm0, %%zmm0, %%zmm29\n"
        "vfmadd231ps %%zmm0, %%zmm0, %%zmm30\n vfmadd231ps %%zmm0, %%zmm0, %%zmm31\n"
        "dec %0\n jnz 1b\n vzeroupper\n"
        : "+r"(n)
        :
        : "xmm0", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17",
          "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28",
          "xmm29", "xmm30", "xmm31", "cc");
    const double g = 24.0 * 16 * 2 * (double)iters / (now() - t0) * 1e-9;
    if (g > best) best = g;
  }
  return best;
}
#endif

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* which: 'b' B pre-packed (a layer's weights on the right: fc), 'a' A
 * pre-packed (on the left: NCHW convolution), '-' both packed on the fly. */
static void bench(const oar_f32_kernels *kr, int threads, size_t m, size_t n, size_t k, char which) {
  const int b_prepacked = which == 'b';
  float *a = oar_aligned_alloc(m * k * sizeof *a), *b = oar_aligned_alloc(k * n * sizeof *b);
  float *c = oar_aligned_alloc(m * n * sizeof *c);
  for (size_t i = 0; i < m * k; i++) a[i] = (float)((i * 7 + 3) % 13) / 13.0f - 0.5f;
  for (size_t i = 0; i < k * n; i++) b[i] = (float)((i * 5 + 1) % 11) / 11.0f - 0.5f;
  const size_t pf = oar_gemm_packed_floats(n, k, kr->nr);
  float *bp = oar_aligned_alloc(pf * sizeof *bp);
  oar_gemm_matrix am = {a, k, false, 1.0f}, bm = {b, n, false, 1.0f};
  oar_gemm_prepack(kr, kr->pack_cols, &bm, n, k, kr->nr, bp);
  float *ap = oar_aligned_alloc(oar_gemm_packed_floats(m, k, kr->mr) * sizeof *ap);
  oar_gemm_problem p = {.m = m, .n = n, .k = k, .c = c, .ldc = n};
  p.a.pack = kr->pack_rows;
  p.a.ctx = &am;
  if (which == 'a') {
    oar_gemm_prepack(kr, kr->pack_rows, &am, m, k, kr->mr, ap);
    p.a.packed = ap;
  }
  if (b_prepacked) {
    p.b.packed = bp;
  } else {
    p.b.pack = kr->pack_cols;
    p.b.ctx = &bm;
  }
  oar_gemm_epilogue_none(&p.epi);
  const int slots = oar_gemm_slots(kr, &p, threads);
  void *ws = oar_aligned_alloc(oar_gemm_workspace_bytes(kr, &p, slots) + 64);
  const double flops = 2.0 * (double)m * (double)n * (double)k;
  /* Repeat until ~0.2 s per sample, 7 samples. */
  int reps = 1;
  for (;;) {
    double t0 = now();
    for (int r = 0; r < reps; r++) oar_gemm_run(kr, &p, slots, ws);
    if (now() - t0 > 0.05 || reps > 1 << 20) break;
    reps *= 2;
  }
  double samples[7];
  for (int s = 0; s < 7; s++) {
    double t0 = now();
    for (int r = 0; r < reps; r++) oar_gemm_run(kr, &p, slots, ws);
    samples[s] = (now() - t0) / reps;
  }
  qsort(samples, 7, sizeof *samples, cmp_double);
  printf("%-8s %5zux%5zux%5zu  B %-10s threads %d  %8.1f GFLOP/s  (%.3f ms)\n", oar_isa_name(kr->isa), m, n,
         k,
         which == 'b'   ? "B packed"
         : which == 'a' ? "A packed"
                        : "on the fly",
         slots, flops / samples[3] * 1e-9, samples[3] * 1e3);
  oar_aligned_free(a);
  oar_aligned_free(b);
  oar_aligned_free(c);
  oar_aligned_free(bp);
  oar_aligned_free(ap);
  oar_aligned_free(ws);
}

int main(int argc, char **argv) {
  oar_isa isa = oar_cpu_isa_detected();
  int threads = 1, given = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--isa") && i + 1 < argc) {
      oar_isa want;
      if (!oar_isa_parse(argv[++i], &want) || want > isa) {
        fprintf(stderr, "ISA %s not available here\n", argv[i]);
        return 2;
      }
      isa = want;
    } else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
      threads = atoi(argv[++i]);
    }
  }
  oar_threadpool *pool = NULL;
  if (oar_threadpool_create(threads, &pool, NULL) != OAR_OK) return 1;
  oar_threadpool_set_current(pool);
  const oar_f32_kernels *kr = oar_f32_kernels_for(isa);
#if defined(__x86_64__)
  if (oar_cpu_isa_detected() >= OAR_ISA_AVX512)
    printf("fp32 peak (one thread, AVX-512 FMA loop): %.1f GFLOP/s\n", peak_avx512());
#endif
  for (int i = 1; i < argc; i++) {
    size_t m, n, k;
    if (!strcmp(argv[i], "--isa") || !strcmp(argv[i], "--threads")) {
      i++;
      continue;
    }
    char which = 'b';
    if (sscanf(argv[i], "%zux%zux%zu:%c", &m, &n, &k, &which) >= 3) {
      bench(kr, threads, m, n, k, which);
      given = 1;
    }
  }
  if (!given) {
    static const size_t shapes[][3] = {{1024, 1024, 1024}, {1, 1000, 2048}, {128, 768, 768},
                                       {128, 3072, 768},   {3136, 64, 576}, {64, 3136, 576}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
      bench(kr, threads, shapes[s][0], shapes[s][1], shapes[s][2], 'b');
    bench(kr, threads, 1024, 1024, 1024, '-');
  }
  oar_threadpool_set_current(NULL);
  oar_threadpool_destroy(pool);
  return 0;
}
