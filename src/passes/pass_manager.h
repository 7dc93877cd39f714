/* The pass pipeline: named passes in a declared order, each removable by
 * name, each reporting what it changed. */
#ifndef OAR_PASSES_PASS_MANAGER_H
#define OAR_PASSES_PASS_MANAGER_H

#include <stddef.h>

#include "passes/pass.h"

/* The passes in pipeline order. */
const oar_pass *oar_pass_list(int *count);

/* OAR_OK when `name` is one of the passes; else OAR_ERR_NOT_FOUND with a
 * message listing them. */
oar_status oar_pass_check_name(const char *name, oar_error *err);

/* Runs every pass not named in `deleted` on g, in order, for `target`
 * (NULL: plain NCHW), verifying the
 * graph after each. *reports (free with oar_free) gets one report per pass
 * in pipeline order (deleted passes report fired = -1). An unknown name in
 * `deleted` is OAR_ERR_NOT_FOUND listing the pass names. */
oar_status oar_pass_manager_run(oar_graph *g, const char *const *deleted, size_t num_deleted,
                                oar_eval_fn eval, void *eval_user, const oar_pass_target *target,
                                oar_pass_report **reports, int *num_reports, oar_error *err);

#endif
