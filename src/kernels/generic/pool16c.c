#include "kernels/generic/pool16c.h"

#include <string.h>

#include "base/threadpool.h"
#include "kernels/generic/conv16c.h"

/* Vector operations below which a share is not worth a thread (~2 us). */
#define MIN_VECTORS_PER_SLOT (16 * 1024)

bool oar_pool16c_supported(const oar_pool2d_params *p, const oar_f32_kernels *kr) {
  if (!kr->pool16c || p->nhwc || p->batch < 1 || p->channels < 1 || p->in_h < 0 || p->in_w < 0 ||
      p->out_h < 1 || p->out_w < 1)
    return false;
  if (p->adaptive) return true;
  return p->kernel_h >= 0 && p->kernel_w >= 0 && p->stride_h >= 1 && p->stride_w >= 1 && p->pad_top >= 0 &&
         p->pad_left >= 0;
}

typedef struct pool_job {
  const oar_pool2d_params *p;
  const oar_f32_kernels *kr;
  const float *src;
  float *dst;
} pool_job;

static void pool_planes(void *ctx, size_t begin, size_t end) {
  const pool_job *j = ctx;
  const oar_pool2d_params *p = j->p;
  const size_t in_plane = (size_t)(p->in_h * p->in_w) * 16, out_plane = (size_t)(p->out_h * p->out_w) * 16;
  j->kr->pool16c(p, j->src + begin * in_plane, j->dst + begin * out_plane, end - begin);
}

void oar_pool16c_run(const oar_pool2d_params *p, const oar_f32_kernels *kr, int threads, const float *src,
                     float *dst) {
  const size_t cb = oar_blocks16((size_t)p->channels), planes = (size_t)p->batch * cb;
  pool_job job = {p, kr, src, dst};
  /* Vector operations per plane: every output pixel's window (adaptive
   * windows cover the image about once). */
  double per_plane = (double)(p->out_h * p->out_w);
  per_plane *=
      p->adaptive ? (double)(p->in_h * p->in_w) / per_plane + 1.0 : (double)(p->kernel_h * p->kernel_w);
  if (threads > 1 && per_plane * (double)planes >= 2.0 * MIN_VECTORS_PER_SLOT) {
    size_t min_chunk = (size_t)(MIN_VECTORS_PER_SLOT / (per_plane + 1.0));
    if (min_chunk < 1) min_chunk = 1;
    oar_parallel_for(planes, min_chunk, pool_planes, &job);
  } else {
    pool_planes(&job, 0, planes);
  }
  /* The kernel pools the padding lanes too (zeros in, but an empty window
   * gives -FLT_MAX or NaN): zero them, as the layout promises. */
  const size_t lanes = (size_t)p->channels - (cb - 1) * 16;
  if (lanes == 16) return;
  const size_t out_px = (size_t)(p->out_h * p->out_w);
  for (int64_t n = 0; n < p->batch; n++) {
    float *last = dst + ((size_t)n * cb + cb - 1) * out_px * 16;
    for (size_t i = 0; i < out_px; i++) memset(last + i * 16 + lanes, 0, (16 - lanes) * sizeof(float));
  }
}
