/* The int8 GEMM driver (qgemm.h) and its generic kernels: plain C, the
 * reference twin of the VNNI ones and what runs without VNNI. */
#include "kernels/generic/qgemm.h"

#include <string.h>

#include "kernels/generic/qs8_plain_impl.h"

#include "base/threadpool.h"

static size_t groups_of(size_t k) { return (k + 3) / 4; }

size_t oar_qgemm_packed_a_bytes(size_t m, size_t k, size_t mr) {
  return (m + mr - 1) / mr * mr * groups_of(k) * 4;
}

size_t oar_qgemm_packed_b_bytes(size_t n, size_t k, size_t nr) {
  return (n + nr - 1) / nr * nr * groups_of(k) * 4;
}

void oar_qgemm_pack_a(const int8_t *a, size_t lda, size_t m, size_t k, size_t mr, int8_t *dst,
                      int32_t *rowsum) {
  /* The same panels as the activations' (bytes are bytes), no flip. */
  oar_qgemm_pack_rows_u8((const uint8_t *)a, lda, m, k, mr, 0, (uint8_t *)dst);
  for (size_t row = 0; row < m; row++) {
    int32_t s = 0;
    for (size_t col = 0; col < k; col++) s += a[row * lda + col];
    rowsum[row] = s;
  }
}

void oar_qgemm_pack_rows_u8(const uint8_t *x, size_t ldx, size_t m, size_t k, size_t mr, uint8_t flip,
                            uint8_t *dst) {
  const size_t kg = groups_of(k), panels = (m + mr - 1) / mr;
  for (size_t p = 0; p < panels; p++)
    for (size_t g = 0; g < kg; g++)
      for (size_t r = 0; r < mr; r++)
        for (size_t t = 0; t < 4; t++) {
          const size_t row = p * mr + r, col = g * 4 + t;
          *dst++ = row < m && col < k ? (uint8_t)(x[row * ldx + col] ^ flip) : 0;
        }
}

void oar_qgemm_pack_b_generic(const uint8_t *src, size_t ld, size_t k, size_t n0, size_t cols, size_t nr,
                              uint8_t flip, uint8_t *dst) {
  const size_t kg = groups_of(k);
  for (size_t g = 0; g < kg; g++)
    for (size_t j = 0; j < nr; j++)
      for (size_t t = 0; t < 4; t++) {
        const size_t row = g * 4 + t;
        *dst++ = row < k && j < cols ? (uint8_t)(src[row * ld + n0 + j] ^ flip) : 0;
      }
}

/* The generic table: the plain-C bodies, compiled without ISA flags. */
QS8_PLAIN_TABLE(oar_qs8_kernels_generic, "qs8_gemm_4x16__generic");

void oar_q8_add_generic(const void *a, const void *b, size_t n, const oar_q8_add_params *p, void *y) {
  plain_add(a, b, n, p, y);
}

void oar_q8_quantize_generic(const float *x, size_t n, float scale, int32_t zero, bool is_signed, void *y) {
  plain_quantize(x, n, scale, zero, is_signed, y);
}

void oar_q8_dequantize_generic(const void *x, size_t n, float scale, int32_t zero, bool is_signed, float *y) {
  plain_dequantize(x, n, scale, zero, is_signed, y);
}

size_t oar_q8_dwconv_scratch_bytes(const oar_q8_dw_geometry *g) {
  const size_t ph = (size_t)(g->in_h + g->pad_top + g->pad_bottom),
               pw = (size_t)(g->in_w + g->pad_left + g->pad_right);
  const size_t row = ((size_t)g->out_w + 15) & ~(size_t)15;
  return ((ph * pw + 63) & ~(size_t)31) * sizeof(int16_t) + row * (sizeof(int32_t) + sizeof(float)) + 64;
}

const oar_qs8_kernels *oar_qs8_kernels_for(oar_isa isa) {
#if defined(OAR_X86_KERNELS)
  if (isa == OAR_ISA_NEON) return &oar_qs8_kernels_generic;
  if (isa >= OAR_ISA_AVX512 && oar_cpu_has_avx512_vnni())
    return oar_cpu_has_avx512_vbmi() ? &oar_qs8_kernels_avx512vnni_vbmi : &oar_qs8_kernels_avx512vnni;
  if (isa >= OAR_ISA_AVX2) return &oar_qs8_kernels_avx2;
#else
  (void)isa;
#endif
  return &oar_qs8_kernels_generic;
}

bool oar_qs8_kernels_beat_float(oar_isa isa) {
#if defined(OAR_X86_KERNELS)
  const oar_qs8_kernels *kr = oar_qs8_kernels_for(isa);
  return kr == &oar_qs8_kernels_avx512vnni || kr == &oar_qs8_kernels_avx512vnni_vbmi;
#else
  (void)isa;
  return false;
#endif
}

/* ---- driver ------------------------------------------------------------------- */

/* The tiles of an m x n product, for both operand orders: job j is B
 * panel j / mtiles against A panel j % mtiles, so that a thread's
 * consecutive jobs share the B panel. */
typedef struct tile {
  size_t p, q, m0, n0, rows, cols;
} tile;

typedef struct tiles_ctx tiles_ctx;
struct tiles_ctx {
  const oar_qs8_kernels *kr;
  size_t m, n, kg, mtiles;
  const void *a, *b;
  void *c;
  size_t ldc;
  const void *e; /* oar_qgemm_tile_epilogue or oar_qgemm_col_epilogue */
  void (*one)(const tiles_ctx *r, const tile *t);
};

static void tile_jobs(void *vctx, size_t begin, size_t end) {
  const tiles_ctx *r = vctx;
  const size_t mr = r->kr->mr, nr = r->kr->nr;
  for (size_t j = begin; j < end; j++) {
    tile t = {.p = j % r->mtiles, .q = j / r->mtiles};
    t.m0 = t.p * mr;
    t.n0 = t.q * nr;
    t.rows = r->m - t.m0 < mr ? r->m - t.m0 : mr;
    t.cols = r->n - t.n0 < nr ? r->n - t.n0 : nr;
    r->one(r, &t);
  }
}

static void run_tiles(tiles_ctx *r, size_t k) {
  if (r->m == 0 || r->n == 0) return;
  r->kg = groups_of(k);
  r->mtiles = (r->m + r->kr->mr - 1) / r->kr->mr;
  const size_t jobs = r->mtiles * ((r->n + r->kr->nr - 1) / r->kr->nr);
  /* A tile is about mr * nr * k multiply-adds: split only when there is
   * enough work for the threads to pay for waking. */
  const size_t per_job = r->kr->mr * r->kr->nr * (k ? k : 1);
  oar_parallel_for(jobs, per_job >= 65536 ? 1 : 65536 / per_job, tile_jobs, r);
}

static void weights_on_rows(const tiles_ctx *r, const tile *t) {
  const size_t mr = r->kr->mr, nr = r->kr->nr;
  oar_qgemm_tile_epilogue te = *(const oar_qgemm_tile_epilogue *)r->e;
  te.scale += t->m0;
  te.corr += t->m0;
  if (te.bias) te.bias += t->m0;
  if (te.residual) te.residual += t->m0 * te.ldr + t->n0;
  const size_t elem = te.out_inv_scale > 0 ? 1 : sizeof(float);
  r->kr->gemm(r->kg, (const int8_t *)r->a + t->p * r->kg * mr * 4,
              (const uint8_t *)r->b + t->q * r->kg * nr * 4, t->rows, t->cols,
              (char *)r->c + (t->m0 * r->ldc + t->n0) * elem, r->ldc, &te);
}

void oar_qgemm_run(const oar_qs8_kernels *kr, size_t m, size_t n, size_t k, const int8_t *a, const uint8_t *b,
                   void *c, size_t ldc, const oar_qgemm_tile_epilogue *e) {
  tiles_ctx r = {
      .kr = kr, .m = m, .n = n, .a = a, .b = b, .c = c, .ldc = ldc, .e = e, .one = weights_on_rows};
  run_tiles(&r, k);
}

typedef struct pack_ctx {
  const oar_qs8_kernels *kr;
  const uint8_t *src;
  size_t ld, k, n;
  uint8_t flip;
  uint8_t *dst;
} pack_ctx;

static void pack_panels(void *vctx, size_t begin, size_t end) {
  const pack_ctx *p = vctx;
  const size_t nr = p->kr->nr, panel_bytes = groups_of(p->k) * nr * 4;
  for (size_t q = begin; q < end; q++) {
    const size_t n0 = q * nr, cols = p->n - n0 < nr ? p->n - n0 : nr;
    p->kr->pack_b(p->src, p->ld, p->k, n0, cols, p->flip, p->dst + q * panel_bytes);
  }
}

void oar_qgemm_pack_b_all(const oar_qs8_kernels *kr, const uint8_t *src, size_t ld, size_t k, size_t n,
                          uint8_t flip, uint8_t *dst) {
  pack_ctx p = {kr, src, ld, k, n, flip, dst};
  const size_t panels = (n + kr->nr - 1) / kr->nr, bytes = (k ? k : 1) * kr->nr;
  oar_parallel_for(panels, bytes >= 32768 ? 1 : 32768 / bytes, pack_panels, &p);
}

static void weights_on_columns(const tiles_ctx *r, const tile *t) {
  const size_t mr = r->kr->mr, nr = r->kr->nr;
  const oar_qgemm_col_epilogue *e = r->e;
  const oar_qgemm_col_epilogue te = {e->scale + t->n0, e->corr + t->n0, e->bias ? e->bias + t->n0 : NULL};
  r->kr->gemm_cols(r->kg, (const uint8_t *)r->a + t->p * r->kg * mr * 4,
                   (const int8_t *)r->b + t->q * r->kg * nr * 4, t->rows, t->cols,
                   (float *)r->c + t->m0 * r->ldc + t->n0, r->ldc, &te);
}

void oar_qgemm_run_cols(const oar_qs8_kernels *kr, size_t m, size_t n, size_t k, const uint8_t *a,
                        const int8_t *b, float *c, size_t ldc, const oar_qgemm_col_epilogue *e) {
  tiles_ctx r = {
      .kr = kr, .m = m, .n = n, .a = a, .b = b, .c = c, .ldc = ldc, .e = e, .one = weights_on_columns};
  run_tiles(&r, k);
}
