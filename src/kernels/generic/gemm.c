#include "kernels/generic/gemm.h"

#include <math.h>
#include <string.h>

#include "base/threadpool.h"

/* Below this many flops per slot a product is not split: handing work to
 * a pool thread costs more than it saves. The pool's workers spin during
 * a run (~1.6 us per parallel section on the 2-core Zen 5 VM; it was 30-45
 * us through a condition variable, when this was 8 MFLOP): 0.4 MFLOP is
 * ~2 us of GEMM. Measured on MobileNetV2, 2 threads: 8 MFLOP 4.1 ms, 1
 * MFLOP 3.0 ms, 0.4 MFLOP 2.8 ms (BENCHMARKS.md, round 2). */
#ifndef MIN_FLOPS_PER_SLOT
#define MIN_FLOPS_PER_SLOT (0.4 * 1024 * 1024)
#endif

static size_t ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }
static size_t min_sz(size_t a, size_t b) { return a < b ? a : b; }
static size_t round_up(size_t a, size_t b) { return ceil_div(a, b) * b; }

void oar_gemm_epilogue_none(oar_gemm_epilogue *e) {
  memset(e, 0, sizeof *e);
  e->lo = -INFINITY;
  e->hi = INFINITY;
}

size_t oar_gemm_packed_floats(size_t count, size_t k, size_t r) {
  size_t panels = ceil_div(count, r), n;
  if (__builtin_mul_overflow(panels, r, &n) || __builtin_mul_overflow(n, k, &n)) return SIZE_MAX;
  return n;
}

void oar_gemm_prepack(const oar_f32_kernels *kr, oar_gemm_pack_fn pack, const void *ctx, size_t count,
                      size_t k, size_t r, float *dst) {
  const size_t panels = ceil_div(count, r);
  for (size_t d = 0; d < k; d += kr->kc)
    pack(ctx, 0, count, d, min_sz(kr->kc, k - d), r, dst + d * r * panels);
}

/* How C is split: sm x sn rectangles of whole tiles. */
typedef struct split {
  size_t sm, sn;
} split;

static split choose_split(const oar_f32_kernels *kr, const oar_gemm_problem *p, int slots) {
  const size_t mt = ceil_div(p->m, kr->mr), nt = ceil_div(p->n, kr->nr);
  split best = {1, (size_t)slots};
  size_t best_cost = SIZE_MAX;
  for (size_t sm = 1; sm <= (size_t)slots; sm++) {
    if ((size_t)slots % sm) continue;
    const size_t sn = (size_t)slots / sm;
    if (sm > mt || sn > nt) continue;
    const size_t cost = ceil_div(mt, sm) * ceil_div(nt, sn);
    /* Ties go to splitting columns: A is usually the pre-packed side. */
    if (cost < best_cost || (cost == best_cost && sn > best.sn)) {
      best_cost = cost;
      best = (split){sm, sn};
    }
  }
  return best;
}

int oar_gemm_slots(const oar_f32_kernels *kr, const oar_gemm_problem *p, int threads) {
  if (threads <= 1 || p->m == 0 || p->n == 0) return 1;
  const double flops = 2.0 * (double)p->m * (double)p->n * (double)(p->k ? p->k : 1);
  int slots = threads;
  while (slots > 1 && flops / slots < MIN_FLOPS_PER_SLOT) slots--;
  const size_t tiles = ceil_div(p->m, kr->mr) * ceil_div(p->n, kr->nr);
  while (slots > 1 && (size_t)slots > tiles) slots--;
  /* A slot count with no usable split (a prime above both tile counts)
   * drops to one that has. */
  while (slots > 1) {
    split s = choose_split(kr, p, slots);
    if (s.sm * s.sn == (size_t)slots && s.sm <= ceil_div(p->m, kr->mr) && s.sn <= ceil_div(p->n, kr->nr))
      break;
    slots--;
  }
  return slots;
}

static size_t mc_of(const oar_f32_kernels *kr) { return round_up(kr->mc, kr->mr); }
static size_t nc_of(const oar_f32_kernels *kr) { return round_up(kr->nc, kr->nr); }

/* Per-slot pack buffers, each rounded to 64 bytes. */
static size_t slot_a_floats(const oar_f32_kernels *kr, const oar_gemm_problem *p) {
  if (p->a.packed) return 0;
  return round_up(min_sz(mc_of(kr), round_up(p->m, kr->mr)) * min_sz(kr->kc, p->k ? p->k : 1), 16);
}
static size_t slot_b_floats(const oar_f32_kernels *kr, const oar_gemm_problem *p) {
  if (p->b.packed || p->b.direct) return 0;
  return round_up(min_sz(nc_of(kr), round_up(p->n, kr->nr)) * min_sz(kr->kc, p->k ? p->k : 1), 16);
}

size_t oar_gemm_workspace_bytes(const oar_f32_kernels *kr, const oar_gemm_problem *p, int slots) {
  size_t per = slot_a_floats(kr, p) + slot_b_floats(kr, p), total;
  if (__builtin_mul_overflow(per, (size_t)slots, &total) ||
      __builtin_mul_overflow(total, sizeof(float), &total))
    return SIZE_MAX;
  return total;
}

typedef struct gemm_job {
  const oar_f32_kernels *kr;
  const oar_gemm_problem *p;
  split s;
  float *workspace;
  size_t slot_floats, a_floats;
} gemm_job;

/* One rectangle of C: rows [i0, i1), columns [j0, j1); i0 and j0 are
 * multiples of mr and nr. */
static void gemm_rect(const gemm_job *job, float *abuf, float *bbuf, size_t i0, size_t i1, size_t j0,
                      size_t j1) {
  const oar_f32_kernels *kr = job->kr;
  const oar_gemm_problem *p = job->p;
  /* nc bounds the B block packed per slot; a pre-packed B needs no buffer,
   * and one block over all columns packs A only once per k slice. */
  const size_t MR = kr->mr, NR = kr->nr, KC = kr->kc, MC = mc_of(kr), K = p->k;
  const size_t NC = p->b.packed ? round_up(j1 - j0, NR) : nc_of(kr);
  const oar_gemm_epilogue *e = &p->epi;
  for (size_t jc = j0; jc < j1; jc += NC) {
    const size_t nc = min_sz(NC, j1 - jc);
    size_t pc = 0;
    do {
      const size_t kc = min_sz(KC, K - pc);
      const unsigned flags = (pc == 0 ? OAR_GEMM_FIRST : 0u) | (pc + kc >= K ? OAR_GEMM_LAST : 0u);
      const float *bblk;
      size_t bstride, ldb = NR;
      if (p->b.direct) {
        bblk = p->b.direct + pc * p->b.ld + jc;
        bstride = NR; /* the next strip starts NR columns on */
        ldb = p->b.ld;
      } else if (p->b.packed) {
        bblk = p->b.packed + pc * NR * ceil_div(p->n, NR) + (jc / NR) * NR * kc;
        bstride = NR * kc;
      } else {
        if (kc) p->b.pack(p->b.ctx, jc, nc, pc, kc, NR, bbuf);
        bblk = bbuf;
        bstride = NR * kc;
      }
      for (size_t ic = i0; ic < i1; ic += MC) {
        const size_t mc = min_sz(MC, i1 - ic);
        const float *ablk;
        size_t astride;
        if (p->a.packed) {
          ablk = p->a.packed + pc * MR * ceil_div(p->m, MR) + (ic / MR) * MR * kc;
          astride = MR * kc;
        } else {
          if (kc) p->a.pack(p->a.ctx, ic, mc, pc, kc, MR, abuf);
          ablk = abuf;
          astride = MR * kc;
        }
        /* Pre-packed weights stream from memory once per run: while this
         * block computes, the next one (next in memory: the layout is
         * block-major) is fetched towards L2, a slice per tile. */
        const char *pf = NULL;
        size_t pf_step = 0;
        if (p->a.packed) {
          const size_t panels_here = ceil_div(mc, MR), calls = panels_here * ceil_div(nc, NR);
          const char *end = (const char *)(p->a.packed + oar_gemm_packed_floats(p->m, K, MR));
          pf = (const char *)(ablk + panels_here * astride);
          const size_t bytes = panels_here * astride * sizeof(float);
          pf_step = (bytes / calls + 63) & ~(size_t)63;
          if (pf >= end)
            pf = NULL;
          else if ((size_t)(end - pf) < bytes)
            pf_step = ((size_t)(end - pf) / calls + 63) & ~(size_t)63;
        }
        /* The same for pre-packed weights on the B side (pixel-major
         * convolutions, whose filters of up to 9.4 MB are read once per
         * run): while a strip computes, the next strip in memory (the next
         * one of this block, or the first of the next k slice) is fetched,
         * spread over the strip's tiles. Only on the first row block: the
         * later ones find the block in L2. */
        const char *pfb_end = NULL;
        size_t pfb_step = 0;
        if (p->b.packed && ic == i0) {
          const size_t calls = ceil_div(mc, MR);
          pfb_end = (const char *)(p->b.packed + oar_gemm_packed_floats(p->n, K, NR));
          pfb_step = ((bstride * sizeof(float)) / calls + 63) & ~(size_t)63;
        }
        for (size_t jr = 0; jr < nc; jr += NR) {
          const size_t nr = min_sz(NR, nc - jr);
          const float *bp = bblk + (jr / NR) * bstride;
          const char *pfb = pfb_end ? (const char *)(bp + bstride) : NULL;
          for (size_t ir = 0; ir < mc; ir += MR) {
            if (pf) {
              for (size_t off = 0; off < pf_step; off += 64) __builtin_prefetch(pf + off, 0, 2);
              pf += pf_step;
            }
            if (pfb && pfb < pfb_end) {
              const size_t left = (size_t)(pfb_end - pfb), step = pfb_step < left ? pfb_step : left;
              for (size_t off = 0; off < step; off += 64) __builtin_prefetch(pfb + off, 0, 2);
              pfb += step;
            }
            const size_t mr = min_sz(MR, mc - ir);
            const size_t row = ic + ir, col = jc + jr;
            float *c = p->c + row * p->ldc + col;
            oar_gemm_tile_epi te = {
                .bias_row = e->bias_row ? e->bias_row + row : NULL,
                .bias_col = e->bias_col ? e->bias_col + col : NULL,
                .residual = e->residual ? e->residual + row * e->ldr + col : NULL,
                .ldr = e->ldr,
                .lo = e->lo,
                .hi = e->hi,
            };
            kr->gemm(mr, nr, kc, ablk + (ir / MR) * astride, bp, ldb, c, p->ldc, flags, &te);
            if ((flags & OAR_GEMM_LAST) && e->act)
              for (size_t r = 0; r < mr; r++) kr->act(e->act, c + r * p->ldc, c + r * p->ldc, nr);
          }
        }
      }
      pc += kc;
    } while (pc < K);
  }
}

static void gemm_slots_range(void *ctx, size_t begin, size_t end) {
  const gemm_job *job = ctx;
  const oar_gemm_problem *p = job->p;
  const size_t mt = ceil_div(p->m, job->kr->mr), nt = ceil_div(p->n, job->kr->nr);
  for (size_t slot = begin; slot < end; slot++) {
    const size_t si = slot / job->s.sn, sj = slot % job->s.sn;
    /* Tiles spread as evenly as whole tiles allow. */
    const size_t t0 = mt * si / job->s.sm, t1 = mt * (si + 1) / job->s.sm;
    const size_t u0 = nt * sj / job->s.sn, u1 = nt * (sj + 1) / job->s.sn;
    const size_t i0 = t0 * job->kr->mr, i1 = min_sz(t1 * job->kr->mr, p->m);
    const size_t j0 = u0 * job->kr->nr, j1 = min_sz(u1 * job->kr->nr, p->n);
    if (i0 >= i1 || j0 >= j1) continue;
    float *abuf = job->workspace ? job->workspace + slot * job->slot_floats : NULL;
    float *bbuf = abuf ? abuf + job->a_floats : NULL;
    gemm_rect(job, abuf, bbuf, i0, i1, j0, j1);
  }
}

void oar_gemm_run(const oar_f32_kernels *kr, const oar_gemm_problem *p, int slots, void *workspace) {
  if (p->m == 0 || p->n == 0) return;
  if (slots < 1) slots = 1;
  gemm_job job = {
      .kr = kr,
      .p = p,
      .s = choose_split(kr, p, slots),
      .workspace = workspace,
      .a_floats = slot_a_floats(kr, p),
  };
  job.slot_floats = job.a_floats + slot_b_floats(kr, p);
  if (job.s.sm * job.s.sn != (size_t)slots) job.s = (split){1, 1};
  const size_t n = job.s.sm * job.s.sn;
  if (n == 1)
    gemm_slots_range(&job, 0, 1);
  else
    oar_parallel_for(n, 1, gemm_slots_range, &job);
}
