/* A loaded, verified, optimized model: immutable once built, shared by a
 * predictor and all its clones (reference counted). */
#ifndef OAR_RUNTIME_MODEL_H
#define OAR_RUNTIME_MODEL_H

#include <stdatomic.h>

#include "base/file.h"
#include "base/thread.h"
#include "ir/graph.h"
#include "passes/pass.h"

typedef struct oar_model_source {
  const char *model;  /* dir or program file; NULL when buffers are used */
  const char *params; /* optional params file */
  const void *program_buf;
  size_t program_size;
  const void *params_buf;
  size_t params_size;
} oar_model_source;

typedef struct oar_model_options {
  int ir_optim;                      /* run the pass pipeline */
  const char *const *deleted_passes; /* passes to skip, by name */
  size_t num_deleted_passes;
} oar_model_options;

typedef struct oar_op_type_stat {
  const char *type;
  size_t nodes;
} oar_op_type_stat;

typedef struct oar_model {
  atomic_int refs;
  oar_graph *graph;
  oar_op_type_stat *op_stats; /* descending by count */
  size_t num_op_stats;
  size_t param_tensors;
  uint64_t param_elements, param_bytes;
  struct oar_weight_cache *weights; /* packed weights, shared by every plan and clone */
  oar_pass_report *pass_reports;    /* one per pass, pipeline order; NULL when ir_optim is off */
  int num_pass_reports;
  uint32_t target_flags; /* OAR_OARFILE_TARGET_* the graph's layouts were chosen for */
  /* Loaded from an optimized model file (oar opt): the file's bytes, which
   * the graph's constants and the borrowed packed weights point into. */
  oar_bytes file;
  void *file_copy;              /* 64-byte aligned copy when the bytes were not aligned */
  uint64_t *value_hash;         /* per value: XXH64 of a constant from the file */
  unsigned char *value_checked; /* per value: its checksum has been checked */
  unsigned char *value_twin;    /* per value: a packed twin from the file runs instead */
  oar_mutex check_lock;         /* value_checked, when clones plan at once */
  int check_lock_made;
} oar_model;

/* Loads (frontend by file kind), verifies and summarizes a model. */
/* options may be NULL (defaults: passes on). */
oar_status oar_model_load(const oar_model_source *src, const oar_model_options *options, oar_model **out,
                          oar_error *err);
/* What the pass pipeline optimizes for: the layouts the kernels of the
 * active ISA level (OAR_ISA applies) prefer. Returns OAR_OK or the error of
 * a bad OAR_ISA. */
oar_status oar_model_pass_target(oar_pass_target *target, oar_error *err);

/* Writes the model (its optimized graph, constants and the packed weights
 * its plans have made for the active ISA level) as an optimized model file
 * (frontend/oarfile). */
oar_status oar_model_save_optimized(oar_model *m, const char *path, oar_error *err);

/* A plan's check of constant `value` before it reads it (ctx: the model):
 * for a model from an optimized file, the constant's checksum, once;
 * constants whose packed twin runs instead are checked only if packed
 * again (the weight cache's source check). OAR_OK for other models. */
oar_status oar_model_check_constant(void *ctx, int value, oar_error *err);

void oar_model_retain(oar_model *m);
void oar_model_release(oar_model *m);

#endif
