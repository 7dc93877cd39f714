#include "runtime/memory_plan.h"

#include <stdlib.h>

#include "base/alloc.h"

typedef struct order_item {
  int index;
  size_t bytes;
  int span;
} order_item;

static int by_size_desc(const void *a, const void *b) {
  const order_item *x = a, *y = b;
  if (x->bytes != y->bytes) return x->bytes < y->bytes ? 1 : -1;
  if (x->span != y->span) return x->span < y->span ? 1 : -1;
  return x->index - y->index;
}

typedef struct interval {
  size_t begin, end;
} interval;

static int by_begin(const void *a, const void *b) {
  const interval *x = a, *y = b;
  return x->begin < y->begin ? -1 : x->begin > y->begin;
}

static size_t round_up(size_t v, size_t alignment) { return (v + alignment - 1) & ~(alignment - 1); }

oar_status oar_memory_plan(const oar_mem_request *req, int n, size_t alignment, int reuse, size_t *offsets,
                           oar_mem_plan_stats *stats, oar_error *err) {
  oar_mem_plan_stats st = {0, 0, 0};
  for (int i = 0; i < n; i++) {
    size_t r = round_up(req[i].bytes, alignment);
    if (r < req[i].bytes || !oar_add_size(st.naive_bytes, r, &st.naive_bytes))
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "activations exceed the address space");
  }
  int max_step = 0;
  for (int i = 0; i < n; i++)
    if (req[i].last > max_step) max_step = req[i].last;
  /* Largest live set, for the report. */
  size_t *live = oar_calloc((size_t)max_step + 2, sizeof *live);
  order_item *order = oar_malloc(((size_t)n + 1) * sizeof *order);
  interval *busy = oar_malloc(((size_t)n + 1) * sizeof *busy);
  unsigned char *placed = oar_calloc((size_t)n + 1, 1);
  if (!live || !order || !busy || !placed) {
    oar_free(live);
    oar_free(order);
    oar_free(busy);
    oar_free(placed);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory planning activation memory");
  }
  for (int i = 0; i < n; i++)
    for (int s = req[i].first; s <= req[i].last; s++) live[s] += round_up(req[i].bytes, alignment);
  for (int s = 0; s <= max_step; s++)
    if (live[s] > st.max_live_bytes) st.max_live_bytes = live[s];

  if (!reuse) {
    size_t at = 0;
    for (int i = 0; i < n; i++) {
      offsets[i] = at;
      at += round_up(req[i].bytes, alignment);
    }
    st.arena_bytes = at;
  } else {
    /* In-place: a request joins its source's group when the source dies at
     * the step the request is born and is big enough; each source is
     * taken over at most once. A group is planned as one block. */
    int *group = oar_malloc(((size_t)n + 1) * sizeof *group);
    oar_mem_request *blocks = oar_malloc(((size_t)n + 1) * sizeof *blocks);
    unsigned char *taken = oar_calloc((size_t)n + 1, 1);
    if (!group || !blocks || !taken) {
      oar_free(group);
      oar_free(blocks);
      oar_free(taken);
      oar_free(live);
      oar_free(order);
      oar_free(busy);
      oar_free(placed);
      return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory planning activation memory");
    }
    for (int i = 0; i < n; i++) {
      group[i] = i;
      blocks[i] = req[i];
      blocks[i].bytes = round_up(req[i].bytes, alignment);
    }
    for (int i = 0; i < n; i++) {
      int j = req[i].inplace_of;
      if (j < 0 || j >= n || j == i || taken[j]) continue;
      int r = group[j];
      if (blocks[r].last != req[i].first || req[j].last != req[i].first) continue;
      if (round_up(req[i].bytes, alignment) > blocks[r].bytes) continue;
      taken[j] = 1;
      group[i] = r;
      if (req[i].last > blocks[r].last) blocks[r].last = req[i].last;
      blocks[i].bytes = 0;
    }
    /* The largest live set, counting an in-place chain as one tensor. */
    st.max_live_bytes = 0;
    for (int s = 0; s <= max_step; s++) live[s] = 0;
    for (int i = 0; i < n; i++)
      if (group[i] == i)
        for (int s = blocks[i].first; s <= blocks[i].last; s++) live[s] += blocks[i].bytes;
    for (int s = 0; s <= max_step; s++)
      if (live[s] > st.max_live_bytes) st.max_live_bytes = live[s];
    for (int i = 0; i < n; i++) order[i] = (order_item){i, blocks[i].bytes, blocks[i].last - blocks[i].first};
    qsort(order, (size_t)n, sizeof *order, by_size_desc);
    for (int k = 0; k < n; k++) {
      int i = order[k].index;
      if (group[i] != i) continue;
      size_t size = blocks[i].bytes;
      /* The placed blocks alive at the same time. */
      int nb = 0;
      for (int j = 0; j < n; j++) {
        if (!placed[j] || group[j] != j) continue;
        if (blocks[j].last < blocks[i].first || blocks[i].last < blocks[j].first) continue;
        busy[nb++] = (interval){offsets[j], offsets[j] + blocks[j].bytes};
      }
      qsort(busy, (size_t)nb, sizeof *busy, by_begin);
      /* Best fit: the smallest gap that holds `size`; else after the end. */
      size_t best = SIZE_MAX, best_gap = SIZE_MAX, at = 0;
      for (int b = 0; b <= nb; b++) {
        size_t gap_end = b < nb ? busy[b].begin : SIZE_MAX;
        if (gap_end > at && gap_end - at >= size && (best == SIZE_MAX || gap_end - at < best_gap)) {
          best_gap = gap_end - at;
          best = at;
        }
        if (b < nb && busy[b].end > at) at = busy[b].end;
      }
      offsets[i] = best;
      placed[i] = 1;
      if (best + size > st.arena_bytes) st.arena_bytes = best + size;
    }
    for (int i = 0; i < n; i++) offsets[i] = offsets[group[i]];
    oar_free(group);
    oar_free(blocks);
    oar_free(taken);
  }
  oar_free(live);
  oar_free(order);
  oar_free(busy);
  oar_free(placed);
  if (stats) *stats = st;
  return OAR_OK;
}
