/* Graph optimization passes: the interface each pass implements, and the
 * context the pass manager gives it. Passes see only the IR. */
#ifndef OAR_PASSES_PASS_H
#define OAR_PASSES_PASS_H

#include "ir/graph_edit.h"

/* Runs one node on known inputs (constant folding). Supplied by the
 * runtime, which owns the kernels. */
typedef oar_status (*oar_eval_fn)(void *user, const oar_node *node, const oar_tensor_view *const *in,
                                  oar_tensor_view *out, oar_error *err);

#define OAR_PASS_NOTES_MAX 512

/* What a pass did: how often it fired, and why near misses did not. */
typedef struct oar_pass_report {
  const char *name;
  int fired;
  int missed;
  char notes[OAR_PASS_NOTES_MAX];
} oar_pass_report;

/* What the machine's kernels prefer, for passes that choose a data
 * layout (the runtime fills it; all false: plain NCHW). */
typedef struct oar_pass_target {
  bool blocked_conv;      /* convolutions run faster on the blocked layout NCHW16c */
  bool blocked_depthwise; /* so do depthwise convolutions */
  bool blocked_pool;      /* pooling has a blocked kernel */
  bool winograd;          /* blocked 3x3 stride-1 convolutions have a Winograd kernel */
  /* The int8 kernels of this level are plain C (no VNNI), slower than the
   * float32 ones: quantized convolutions and products stay on the float
   * path (the model's own quantize / dequantize around float ops). */
  bool no_int8;
} oar_pass_target;

typedef struct oar_pass_ctx {
  oar_graph *graph;
  unsigned char *dead; /* nodes removed so far in this pass (g->num_nodes entries) */
  int *uses;           /* use counts, kept current by the helpers in pass_util.h */
  oar_eval_fn eval;
  void *eval_user;
  oar_pass_report *report;
  oar_pass_target target;
} oar_pass_ctx;

typedef oar_status (*oar_pass_fn)(oar_pass_ctx *ctx, oar_error *err);

typedef struct oar_pass {
  const char *name;
  const char *summary;
  oar_pass_fn run;
} oar_pass;

#endif
