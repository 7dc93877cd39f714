#include "kernels/generic/bf16_gemm.h"

#include <string.h>

#include "base/threadpool.h"

static size_t ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }
static size_t min_sz(size_t a, size_t b) { return a < b ? a : b; }
static size_t round_up(size_t a, size_t b) { return ceil_div(a, b) * b; }

/* float32 staging of one panel, in steps of this many k (even) so that it
 * fits on the stack: 32 columns x 64 k = 8 KiB. */
enum { STAGE_K = 64, STAGE_R = 32 };

size_t oar_bf16_gemm_packed_words(size_t count, size_t k, size_t r) {
  size_t n;
  if (__builtin_mul_overflow(ceil_div(count, r), r, &n) || __builtin_mul_overflow(n, ceil_div(k, 2), &n))
    return SIZE_MAX;
  return n;
}

/* One panel of `count` (<= r) rows or columns from idx0, depth [k0, k0 +
 * kc), into dst in the pair layout (ceil(kc/2) steps of r words). k0 is
 * even. */
static void pack_panel(const oar_bf16_kernels *bk, oar_gemm_pack_fn pack, const void *ctx, size_t idx0,
                       size_t count, size_t k0, size_t kc, size_t r, uint32_t *dst) {
  float stage[STAGE_K * STAGE_R];
  for (size_t d = 0; d < kc; d += STAGE_K) {
    const size_t kd = min_sz(STAGE_K, kc - d);
    pack(ctx, idx0, count, k0 + d, kd, r, stage);
    bk->pair_panel(stage, kd, r, dst + (d / 2) * r);
  }
}

void oar_bf16_gemm_prepack(const oar_bf16_kernels *bk, oar_gemm_pack_fn pack, const void *ctx, size_t count,
                           size_t k, size_t r, uint32_t *dst) {
  const size_t panels = ceil_div(count, r);
  for (size_t d = 0; d < k; d += bk->kc) {
    const size_t kc = min_sz(bk->kc, k - d), kp = ceil_div(kc, 2);
    uint32_t *blk = dst + (d / 2) * r * panels;
    for (size_t q = 0; q < panels; q++)
      pack_panel(bk, pack, ctx, q * r, min_sz(r, count - q * r), d, kc, r, blk + q * r * kp);
  }
}

typedef struct split {
  size_t sm, sn;
} split;

/* As gemm.c: sm x sn rectangles of whole tiles, the fewest tiles per
 * slot, ties to splitting columns. */
static split choose_split(const oar_bf16_kernels *bk, const oar_bf16_gemm_problem *p, int slots) {
  const size_t mt = ceil_div(p->m, bk->mr), nt = ceil_div(p->n, bk->nr);
  split best = {1, 1};
  size_t best_cost = SIZE_MAX;
  for (size_t sm = 1; sm <= (size_t)slots; sm++) {
    if ((size_t)slots % sm) continue;
    const size_t sn = (size_t)slots / sm;
    if (sm > mt || sn > nt) continue;
    const size_t cost = ceil_div(mt, sm) * ceil_div(nt, sn);
    if (cost < best_cost || (cost == best_cost && sn > best.sn)) {
      best_cost = cost;
      best = (split){sm, sn};
    }
  }
  return best;
}

int oar_bf16_gemm_slots(const oar_f32_kernels *kr, const oar_bf16_kernels *bk, const oar_bf16_gemm_problem *p,
                        int threads) {
  (void)bk;
  oar_gemm_problem g;
  memset(&g, 0, sizeof g);
  g.m = p->m;
  g.n = p->n;
  g.k = p->k;
  return oar_gemm_slots(kr, &g, threads);
}

static size_t mc_of(const oar_f32_kernels *kr, const oar_bf16_kernels *bk) {
  return round_up(kr->mc, bk->mr);
}
static size_t nc_of(const oar_f32_kernels *kr, const oar_bf16_kernels *bk) {
  return round_up(kr->nc, bk->nr);
}

/* Per-slot pack buffers in words, each rounded to 64 bytes. */
static size_t slot_a_words(const oar_f32_kernels *kr, const oar_bf16_kernels *bk,
                           const oar_bf16_gemm_problem *p) {
  if (p->a.packed) return 0;
  return round_up(
      min_sz(mc_of(kr, bk), round_up(p->m, bk->mr)) * ceil_div(min_sz(bk->kc, p->k ? p->k : 1), 2), 16);
}
static size_t slot_b_words(const oar_f32_kernels *kr, const oar_bf16_kernels *bk,
                           const oar_bf16_gemm_problem *p) {
  if (p->b.packed) return 0;
  return round_up(
      min_sz(nc_of(kr, bk), round_up(p->n, bk->nr)) * ceil_div(min_sz(bk->kc, p->k ? p->k : 1), 2), 16);
}

size_t oar_bf16_gemm_workspace_bytes(const oar_f32_kernels *kr, const oar_bf16_kernels *bk,
                                     const oar_bf16_gemm_problem *p, int slots) {
  size_t per = slot_a_words(kr, bk, p) + slot_b_words(kr, bk, p), total;
  if (__builtin_mul_overflow(per, (size_t)slots, &total) ||
      __builtin_mul_overflow(total, sizeof(uint32_t), &total))
    return SIZE_MAX;
  return total;
}

typedef struct job {
  const oar_f32_kernels *kr;
  const oar_bf16_kernels *bk;
  const oar_bf16_gemm_problem *p;
  split s;
  uint32_t *workspace;
  size_t slot_words, a_words;
} job;

static void rect(const job *jb, uint32_t *abuf, uint32_t *bbuf, size_t i0, size_t i1, size_t j0, size_t j1) {
  const oar_f32_kernels *kr = jb->kr;
  const oar_bf16_kernels *bk = jb->bk;
  const oar_bf16_gemm_problem *p = jb->p;
  const size_t MR = bk->mr, NR = bk->nr, KC = bk->kc, MC = mc_of(kr, bk), K = p->k;
  const size_t NC = p->b.packed ? round_up(j1 - j0, NR) : nc_of(kr, bk);
  const size_t panels_m = ceil_div(p->m, MR), panels_n = ceil_div(p->n, NR);
  const oar_gemm_epilogue *e = &p->epi;
  for (size_t jc = j0; jc < j1; jc += NC) {
    const size_t nc = min_sz(NC, j1 - jc);
    size_t pc = 0;
    do {
      const size_t kc = min_sz(KC, K - pc), kp = ceil_div(kc, 2);
      const unsigned flags = (pc == 0 ? OAR_GEMM_FIRST : 0u) | (pc + kc >= K ? OAR_GEMM_LAST : 0u);
      const uint32_t *bblk;
      if (p->b.packed) {
        bblk = p->b.packed + (pc / 2) * NR * panels_n + (jc / NR) * NR * kp;
      } else {
        for (size_t jr = 0; kc && jr < nc; jr += NR)
          pack_panel(bk, p->b.pack, p->b.ctx, jc + jr, min_sz(NR, nc - jr), pc, kc, NR,
                     bbuf + (jr / NR) * NR * kp);
        bblk = bbuf;
      }
      for (size_t ic = i0; ic < i1; ic += MC) {
        const size_t mc = min_sz(MC, i1 - ic);
        const uint32_t *ablk;
        if (p->a.packed) {
          ablk = p->a.packed + (pc / 2) * MR * panels_m + (ic / MR) * MR * kp;
        } else {
          for (size_t ir = 0; kc && ir < mc; ir += MR)
            pack_panel(bk, p->a.pack, p->a.ctx, ic + ir, min_sz(MR, mc - ir), pc, kc, MR,
                       abuf + (ir / MR) * MR * kp);
          ablk = abuf;
        }
        for (size_t jr = 0; jr < nc; jr += NR) {
          const size_t nr = min_sz(NR, nc - jr);
          const uint32_t *bp = bblk + (jr / NR) * NR * kp;
          for (size_t ir = 0; ir < mc; ir += MR) {
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
            bk->gemm(mr, nr, kp, ablk + (ir / MR) * MR * kp, bp, c, p->ldc, flags, &te);
            if ((flags & OAR_GEMM_LAST) && e->act)
              for (size_t r = 0; r < mr; r++) kr->act(e->act, c + r * p->ldc, c + r * p->ldc, nr);
          }
        }
      }
      pc += kc;
    } while (pc < K);
  }
}

static void slots_range(void *ctx, size_t begin, size_t end) {
  const job *jb = ctx;
  const oar_bf16_gemm_problem *p = jb->p;
  const size_t mt = ceil_div(p->m, jb->bk->mr), nt = ceil_div(p->n, jb->bk->nr);
  for (size_t slot = begin; slot < end; slot++) {
    const size_t si = slot / jb->s.sn, sj = slot % jb->s.sn;
    const size_t t0 = mt * si / jb->s.sm, t1 = mt * (si + 1) / jb->s.sm;
    const size_t u0 = nt * sj / jb->s.sn, u1 = nt * (sj + 1) / jb->s.sn;
    const size_t i0 = t0 * jb->bk->mr, i1 = min_sz(t1 * jb->bk->mr, p->m);
    const size_t j0 = u0 * jb->bk->nr, j1 = min_sz(u1 * jb->bk->nr, p->n);
    if (i0 >= i1 || j0 >= j1) continue;
    uint32_t *abuf = jb->workspace ? jb->workspace + slot * jb->slot_words : NULL;
    uint32_t *bbuf = abuf ? abuf + jb->a_words : NULL;
    rect(jb, abuf, bbuf, i0, i1, j0, j1);
  }
}

void oar_bf16_gemm_run(const oar_f32_kernels *kr, const oar_bf16_kernels *bk, const oar_bf16_gemm_problem *p,
                       int slots, void *workspace) {
  if (p->m == 0 || p->n == 0) return;
  if (slots < 1) slots = 1;
  job jb = {
      .kr = kr,
      .bk = bk,
      .p = p,
      .s = choose_split(bk, p, slots),
      .workspace = workspace,
      .a_words = slot_a_words(kr, bk, p),
  };
  jb.slot_words = jb.a_words + slot_b_words(kr, bk, p);
  if (jb.s.sm * jb.s.sn != (size_t)slots) jb.s = (split){1, 1};
  const size_t n = jb.s.sm * jb.s.sn;
  if (n == 1)
    slots_range(&jb, 0, 1);
  else
    oar_parallel_for(n, 1, slots_range, &jb);
}
