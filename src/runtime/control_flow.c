/* Running while and conditional_block (runtime/control_flow.h).
 *
 * A body is an IR graph; it runs through an ordinary plan (oar_plan_create
 * on the body, made with `body` set so that its inputs' values never become
 * part of its signature: a loop counter must not make a plan per value).
 * Each body keeps up to BODY_SLOTS plans, one per input signature, least
 * recently used replaced first. A loop copies the values it carries out of
 * the body plan's arena after each iteration (the next iteration's inputs
 * may not alias the arena the body writes). */
#include "runtime/control_flow.h"

#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/control_flow.h"
#include "runtime/op_run.h"
#include "runtime/plan.h"

#define BODY_SLOTS 4

typedef struct body_slot {
  oar_plan *plan;
  uint64_t used;
} body_slot;

struct oar_cf_cache {
  const oar_node *node;
  body_slot slots[2][BODY_SLOTS];
  uint64_t clock;
};

void oar_cf_cache_free(oar_cf_cache *c) {
  if (!c) return;
  for (int b = 0; b < 2; b++)
    for (int s = 0; s < BODY_SLOTS; s++) oar_plan_destroy(c->slots[b][s].plan);
  oar_free(c);
}

size_t oar_cf_cache_bytes(const oar_cf_cache *c) {
  size_t bytes = 0;
  for (int b = 0; c && b < 2; b++)
    for (int s = 0; s < BODY_SLOTS; s++)
      if (c->slots[b][s].plan) bytes += oar_plan_bytes(c->slots[b][s].plan);
  return bytes;
}

static size_t view_bytes(const oar_tensor_view *v) {
  return (size_t)oar_shape_numel(&v->shape) * oar_dtype_bytes(v->dtype);
}

/* The plan of body `b` for these inputs: cached, or made (and cached when
 * there is a cache; else *temp receives it for the caller to destroy). */
static oar_status body_plan(const oar_node *n, int b, const oar_tensor_view *inputs, oar_cf_cache *cache,
                            const oar_cf_options *o, oar_plan **plan, oar_plan **temp, oar_error *err) {
  const oar_graph *g = n->bodies[b];
  *temp = NULL;
  if (cache) {
    cache->clock++;
    for (int s = 0; s < BODY_SLOTS; s++) {
      body_slot *slot = &cache->slots[b][s];
      if (slot->plan && oar_plan_matches(slot->plan, inputs)) {
        slot->used = cache->clock;
        *plan = slot->plan;
        return OAR_OK;
      }
    }
  }
  const oar_plan_options po = {.memory_optim = o->memory_optim,
                               .max_loop_iterations = o->max_loop_iterations,
                               .body = 1,
                               .bf16 = o->bf16};
  oar_plan *p = NULL;
  oar_status st = oar_plan_create(g, inputs, &po, &p, err);
  if (st != OAR_OK) return oar_error_prefix(err, "%s: ", b ? "else branch" : "body");
  if (!cache) {
    *plan = *temp = p;
    return OAR_OK;
  }
  int victim = 0;
  for (int s = 0; s < BODY_SLOTS; s++) {
    if (!cache->slots[b][s].plan) {
      victim = s;
      break;
    }
    if (cache->slots[b][s].used < cache->slots[b][victim].used) victim = s;
  }
  oar_plan_destroy(cache->slots[b][victim].plan);
  cache->slots[b][victim] = (body_slot){.plan = p, .used = cache->clock};
  *plan = p;
  return OAR_OK;
}

/* Runs body b on inputs; *plan's views of the body outputs hold the results
 * (until the plan runs again). */
static oar_status run_body(const oar_node *n, int b, const oar_tensor_view *inputs, oar_cf_cache *cache,
                           const oar_cf_options *o, oar_plan **plan, oar_plan **temp, oar_error *err) {
  OAR_TRY(body_plan(n, b, inputs, cache, o, plan, temp, err));
  oar_status st = oar_plan_run(*plan, inputs, err);
  if (st != OAR_OK) {
    oar_plan_destroy(*temp);
    *temp = NULL;
    return oar_error_prefix(err, "%s: ", b ? "else branch" : "body");
  }
  return OAR_OK;
}

static oar_status copy_out(oar_tensor_view *dst, const oar_tensor_view *src, const char *what,
                           oar_error *err) {
  dst->data = NULL;
  OAR_TRY(oar_run_alloc_output(dst, src->dtype, &src->shape, what, err));
  if (view_bytes(src)) memcpy(dst->data, src->data, view_bytes(src));
  return OAR_OK;
}

static int truth(const oar_tensor_view *v) {
  if (oar_shape_numel(&v->shape) < 1 || !v->data) return 0;
  switch (v->dtype) {
    case OAR_DTYPE_FLOAT32: return ((const float *)v->data)[0] != 0;
    case OAR_DTYPE_FLOAT64: return ((const double *)v->data)[0] != 0;
    case OAR_DTYPE_INT32: return ((const int32_t *)v->data)[0] != 0;
    case OAR_DTYPE_INT64: return ((const int64_t *)v->data)[0] != 0;
    default: return ((const uint8_t *)v->data)[0] != 0;
  }
}

/* ---- conditional_block ------------------------------------------------------------------------ */

static oar_status run_cond(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                           oar_cf_cache *cache, const oar_cf_options *o, oar_error *err) {
  const oar_tensor_view *c = in[oar_node_in_pos(n, OAR_COND_BLOCK_IN_COND, 0)];
  int run;
  if (oar_node_attr_i(n, OAR_COND_BLOCK_ATTR_IS_SCALAR)) {
    if (oar_shape_numel(&c->shape) != 1)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "condition must hold one element, got %lld",
                           (long long)oar_shape_numel(&c->shape));
    run = truth(c);
  } else {
    run = oar_shape_numel(&c->shape) != 0;
  }
  const int nin = oar_node_input_count(n, OAR_COND_BLOCK_IN_INPUT);
  const int nout = oar_node_output_count(n, OAR_COND_BLOCK_OUT);
  const int b = run ? 0 : 1;
  if (b >= n->num_bodies) {
    /* No branch: each output empty, of its declared dtype. */
    for (int k = 0; k < nout; k++) {
      const oar_shape s = {.rank = 1, .dims = {0}};
      oar_dtype dt = out[k].dtype != OAR_DTYPE_UNKNOWN ? out[k].dtype : OAR_DTYPE_FLOAT32;
      OAR_TRY(oar_run_alloc_output(&out[k], dt, &s, "Out", err));
    }
    return OAR_OK;
  }
  oar_tensor_view *inputs = oar_calloc((size_t)nin + 1, sizeof *inputs);
  if (!inputs) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory running a branch");
  const int ipos = oar_node_in_pos(n, OAR_COND_BLOCK_IN_INPUT, 0);
  for (int i = 0; i < nin; i++) inputs[i] = *in[ipos + i];
  oar_plan *plan = NULL, *temp = NULL;
  oar_status st = run_body(n, b, inputs, cache, o, &plan, &temp, err);
  const oar_graph *g = n->bodies[b];
  for (int k = 0; st == OAR_OK && k < nout; k++)
    st = copy_out(&out[k], &plan->views[g->outputs[k]], "Out", err);
  oar_plan_destroy(temp);
  oar_free(inputs);
  return st;
}

/* ---- while --------------------------------------------------------------------------------- */

typedef struct scan_acc {
  uint8_t *data;
  size_t bytes, cap;
  oar_tensor_view elem; /* dtype and shape of the first element */
} scan_acc;

static oar_status scan_append(scan_acc *s, const oar_tensor_view *v, int k, oar_error *err) {
  const size_t b = view_bytes(v);
  if (s->bytes == 0 && s->cap == 0) s->elem = *v;
  if (v->dtype != s->elem.dtype || !oar_shape_equal(&v->shape, &s->elem.shape))
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                         "scan output #%d changes its dtype or shape between iterations", k);
  if (s->bytes + b > OAR_RUN_DYNAMIC_OUTPUT_MAX_BYTES)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "scan output #%d grows past %zu bytes", k,
                         (size_t)OAR_RUN_DYNAMIC_OUTPUT_MAX_BYTES);
  if (s->bytes + b > s->cap || !s->data) {
    size_t cap = s->cap ? s->cap * 2 : 256;
    while (cap < s->bytes + b) cap *= 2;
    uint8_t *d = oar_realloc(s->data, cap);
    if (!d) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for scan output #%d", k);
    s->data = d;
    s->cap = cap;
  }
  if (b) memcpy(s->data + s->bytes, v->data, b);
  s->bytes += b;
  return OAR_OK;
}

static oar_status run_while(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_cf_cache *cache, const oar_cf_options *o, oar_error *err) {
  const int nx = oar_node_input_count(n, OAR_WHILE_IN_X), nout = oar_node_output_count(n, OAR_WHILE_OUT);
  const int64_t cond = oar_node_attr_i(n, OAR_WHILE_ATTR_COND),
                trip = oar_node_attr_i(n, OAR_WHILE_ATTR_TRIP);
  const int64_t *carried = oar_node_attr(n, OAR_WHILE_ATTR_CARRIED)->ints;
  const oar_graph *g = n->bodies[0];
  int64_t max_trip = -1;
  if (trip >= 0) {
    const oar_tensor_view *t = in[trip];
    if (oar_shape_numel(&t->shape) != 1 || (t->dtype != OAR_DTYPE_INT64 && t->dtype != OAR_DTYPE_INT32))
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "trip count must be one int64");
    max_trip = t->dtype == OAR_DTYPE_INT64 ? ((const int64_t *)t->data)[0] : ((const int32_t *)t->data)[0];
  }
  oar_tensor_view *cur = oar_calloc((size_t)nx + 1, sizeof *cur);
  void **owned = oar_calloc((size_t)nx + 1, sizeof *owned);
  void **fresh = oar_calloc((size_t)nout + 1, sizeof *fresh);
  scan_acc *scans = oar_calloc((size_t)nout + 1, sizeof *scans);
  oar_plan *plan = NULL, *temp = NULL;
  oar_status st = OAR_OK;
  if (!cur || !owned || !fresh || !scans) {
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory running a loop");
    goto done;
  }
  for (int i = 0; i < nx; i++) cur[i] = *in[i];
  int64_t iter = 0;
  for (;;) {
    if (cond >= 0 && !truth(&cur[cond])) break;
    if (max_trip >= 0 && iter >= max_trip) break;
    if (iter >= o->max_loop_iterations) {
      st = oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                         "loop ran past its limit of %lld iterations (oar_config_set_max_loop_iterations)",
                         (long long)o->max_loop_iterations);
      goto done;
    }
    oar_plan_destroy(temp);
    temp = NULL;
    st = run_body(n, 0, cur, cache, o, &plan, &temp, err);
    if (st != OAR_OK) goto done;
    for (int k = 0; k < nout; k++) {
      const oar_tensor_view *v = &plan->views[g->outputs[k]];
      if (carried[k] < 0) {
        st = scan_append(&scans[k], v, k, err);
        if (st != OAR_OK) goto done;
        continue;
      }
      const size_t b = view_bytes(v);
      fresh[k] = oar_aligned_alloc(b ? b : 64);
      if (!fresh[k]) {
        st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for loop value #%d (%zu bytes)", k, b);
        goto done;
      }
      if (b) memcpy(fresh[k], v->data, b);
    }
    for (int k = 0; k < nout; k++) {
      if (carried[k] < 0) continue;
      const int x = (int)carried[k];
      oar_aligned_free(owned[x]);
      owned[x] = fresh[k];
      fresh[k] = NULL;
      cur[x] = plan->views[g->outputs[k]];
      cur[x].data = owned[x];
    }
    iter++;
  }
  for (int k = 0; k < nout && st == OAR_OK; k++) {
    if (carried[k] >= 0) {
      st = copy_out(&out[k], &cur[carried[k]], "Out", err);
      continue;
    }
    oar_shape s = {.rank = 1, .dims = {iter}};
    if (iter > 0) {
      s.rank = scans[k].elem.shape.rank + 1;
      if (s.rank > OAR_MAX_RANK) {
        st = oar_error_set(err, OAR_ERR_UNSUPPORTED, "scan output #%d has rank above %d", k, OAR_MAX_RANK);
        break;
      }
      for (int d = 1; d < s.rank; d++) s.dims[d] = scans[k].elem.shape.dims[d - 1];
    }
    const oar_dtype dt = iter > 0 ? scans[k].elem.dtype
                                  : (out[k].dtype != OAR_DTYPE_UNKNOWN ? out[k].dtype : OAR_DTYPE_FLOAT32);
    st = oar_run_alloc_output(&out[k], dt, &s, "Out", err);
    if (st == OAR_OK && scans[k].bytes) memcpy(out[k].data, scans[k].data, scans[k].bytes);
  }
done:
  oar_plan_destroy(temp);
  for (int i = 0; owned && i < nx; i++) oar_aligned_free(owned[i]);
  for (int k = 0; fresh && k < nout; k++) oar_aligned_free(fresh[k]);
  for (int k = 0; scans && k < nout; k++) oar_free(scans[k].data);
  oar_free(cur);
  oar_free(owned);
  oar_free(fresh);
  oar_free(scans);
  return st;
}

oar_status oar_cf_run(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                      oar_cf_cache **cache, const oar_cf_options *options, oar_error *err) {
  oar_cf_options o = options ? *options : (oar_cf_options){.memory_optim = 1};
  if (o.max_loop_iterations <= 0) o.max_loop_iterations = OAR_DEFAULT_MAX_LOOP_ITERATIONS;
  oar_cf_cache *c = NULL;
  if (cache) {
    if (*cache && (*cache)->node != n) {
      oar_cf_cache_free(*cache);
      *cache = NULL;
    }
    if (!*cache) {
      *cache = oar_calloc(1, sizeof **cache);
      if (!*cache) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for the body plans");
      (*cache)->node = n;
    }
    c = *cache;
  }
  if (n->schema->id == OAR_OP_while) return run_while(n, in, out, c, &o, err);
  return run_cond(n, in, out, c, &o, err);
}

oar_status oar_run_while(const oar_node *node, const oar_tensor_view *const *in, oar_tensor_view *out,
                         oar_error *err) {
  return oar_cf_run(node, in, out, NULL, NULL, err);
}

oar_status oar_run_conditional_block(const oar_node *node, const oar_tensor_view *const *in,
                                     oar_tensor_view *out, oar_error *err) {
  return oar_cf_run(node, in, out, NULL, NULL, err);
}
