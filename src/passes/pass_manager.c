#include "passes/pass_manager.h"

#include <stdio.h>
#include <string.h>

#include "base/alloc.h"

#define OAR_PASS(id, summary) oar_status oar_pass_##id(oar_pass_ctx *ctx, oar_error *err);
#include "passes/pass_list.h"
#undef OAR_PASS

static const oar_pass passes[] = {
#define OAR_PASS(id, summary) {#id, summary, oar_pass_##id},
#include "passes/pass_list.h"
#undef OAR_PASS
};

const oar_pass *oar_pass_list(int *count) {
  *count = (int)(sizeof passes / sizeof passes[0]);
  return passes;
}

static int is_deleted(const char *name, const char *const *deleted, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(deleted[i], name) == 0) return 1;
  return 0;
}

oar_status oar_pass_check_name(const char *name, oar_error *err) {
  const int count = (int)(sizeof passes / sizeof passes[0]);
  for (int k = 0; k < count; k++)
    if (strcmp(passes[k].name, name) == 0) return OAR_OK;
  char names[768] = "";
  size_t at = 0;
  for (int k = 0; k < count && at < sizeof names; k++) {
    int w = snprintf(names + at, sizeof names - at, "%s%s", k ? ", " : "", passes[k].name);
    if (w < 0) break;
    at += (size_t)w;
  }
  return oar_error_set(err, OAR_ERR_NOT_FOUND, "delete_pass: no pass named '%s' (passes: %s)", name, names);
}

static oar_status check_names(const char *const *deleted, size_t n, oar_error *err) {
  for (size_t i = 0; i < n; i++) OAR_TRY(oar_pass_check_name(deleted[i], err));
  return OAR_OK;
}

static oar_status run_one(const oar_pass *pass, oar_graph *g, oar_eval_fn eval, void *eval_user,
                          const oar_pass_target *target, oar_pass_report *report, oar_error *err) {
  oar_pass_ctx ctx = {.graph = g, .eval = eval, .eval_user = eval_user, .report = report};
  if (target) ctx.target = *target;
  ctx.dead = oar_calloc((size_t)g->num_nodes + 1, 1);
  ctx.uses = oar_malloc(((size_t)g->num_values + 1) * sizeof *ctx.uses);
  oar_status st = OAR_OK;
  if (!ctx.dead || !ctx.uses) {
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory running pass %s", pass->name);
    goto done;
  }
  oar_graph_count_uses(g, NULL, ctx.uses);
  st = pass->run(&ctx, err);
  if (st == OAR_OK) st = oar_graph_remove_nodes(g, ctx.dead, err);
  if (st == OAR_OK) st = oar_graph_verify(g, err);
  if (st != OAR_OK) oar_error_prefix(err, "pass %s: ", pass->name);
done:
  oar_free(ctx.dead);
  oar_free(ctx.uses);
  return st;
}

oar_status oar_pass_manager_run(oar_graph *g, const char *const *deleted, size_t num_deleted,
                                oar_eval_fn eval, void *eval_user, const oar_pass_target *target,
                                oar_pass_report **reports, int *num_reports, oar_error *err) {
  OAR_TRY(check_names(deleted, num_deleted, err));
  const int count = (int)(sizeof passes / sizeof passes[0]);
  oar_pass_report *rep = oar_calloc((size_t)count, sizeof *rep);
  if (!rep) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory running passes");
  for (int k = 0; k < count; k++) {
    rep[k].name = passes[k].name;
    if (is_deleted(passes[k].name, deleted, num_deleted)) {
      rep[k].fired = -1;
      continue;
    }
    oar_status st = run_one(&passes[k], g, eval, eval_user, target, &rep[k], err);
    if (st != OAR_OK) {
      oar_free(rep);
      return st;
    }
  }
  *reports = rep;
  *num_reports = count;
  return OAR_OK;
}
