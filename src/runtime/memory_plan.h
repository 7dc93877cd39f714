/* The memory planner: tensor lifetimes in, offsets in one arena out.
 *
 * Each request is a tensor of `bytes` bytes live from step `first` to step
 * `last` (inclusive). Two requests may share addresses only when their
 * lifetimes do not overlap. Placement is greedy by size (largest first,
 * ties by longer lifetime), each at the lowest offset that fits between
 * the already placed tensors it overlaps in time (best fit by address).
 * A request may name an `inplace_of` request whose memory it takes over
 * when that one dies at the step this one is born (same size or smaller),
 * so an op can write its output over its input. */
#ifndef OAR_RUNTIME_MEMORY_PLAN_H
#define OAR_RUNTIME_MEMORY_PLAN_H

#include <stddef.h>

#include "base/error.h"

typedef struct oar_mem_request {
  size_t bytes;
  int first, last; /* step indices, first <= last */
  int inplace_of;  /* index of an earlier request to reuse in place, or -1 */
} oar_mem_request;

typedef struct oar_mem_plan_stats {
  size_t arena_bytes;    /* the planned arena */
  size_t naive_bytes;    /* sum of all requests (no reuse) */
  size_t max_live_bytes; /* largest total of tensors live at one step: a lower bound */
} oar_mem_plan_stats;

/* Fills offsets[i] for every request (each a multiple of `alignment`, a
 * power of two). With reuse == 0 every request gets its own space. */
oar_status oar_memory_plan(const oar_mem_request *req, int n, size_t alignment, int reuse, size_t *offsets,
                           oar_mem_plan_stats *stats, oar_error *err);

#endif
