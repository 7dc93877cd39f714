#include "kernels/generic/softmax.h"

#include "base/threadpool.h"

typedef struct softmax_job {
  const oar_f32_kernels *kr;
  const float *x;
  float *y;
  size_t n, inner, tiles;
  bool take_log;
} softmax_job;

static void softmax_tasks(void *ctx, size_t begin, size_t end) {
  const softmax_job *job = ctx;
  for (size_t u = begin; u < end; u++) {
    const size_t o = u / job->tiles, c0 = u % job->tiles * OAR_SOFTMAX_TILE;
    const size_t cols = job->inner - c0 < OAR_SOFTMAX_TILE ? job->inner - c0 : OAR_SOFTMAX_TILE;
    const size_t off = o * job->n * job->inner + c0;
    job->kr->softmax(job->x + off, job->y + off, job->n, job->inner, cols, job->take_log);
  }
}

void oar_softmax_f32(const oar_f32_kernels *kr, const float *x, float *y, size_t outer, size_t n,
                     size_t inner, bool take_log) {
  softmax_job job = {kr, x, y, n, inner, (inner + OAR_SOFTMAX_TILE - 1) / OAR_SOFTMAX_TILE, take_log};
  /* ~16K elements per task at least (a few microseconds), as the other
   * element-wise passes split (runtime/parallel_rows.h). */
  const size_t per = n * (inner < OAR_SOFTMAX_TILE ? inner : OAR_SOFTMAX_TILE);
  oar_parallel_for(outer * job.tiles, per >= 16384 ? 1 : 16384 / per, softmax_tasks, &job);
}
