#include "runtime/ops/norm_rows.h"

#include "ir/ops/op_ext.h"
#include "runtime/kernel_state.h"
#include "runtime/ops/run_util.h"
#include "runtime/parallel_rows.h"

typedef struct norm_state {
  oar_simple_state s;
  oar_norm_rows p;
  size_t rows;
} norm_state;

typedef struct norm_job {
  const oar_norm_rows *p;
  const float *x;
  float *y;
} norm_job;

static void norm_range(void *ctx, size_t begin, size_t end) {
  const norm_job *j = ctx;
  oar_f32_norm_rows(j->p, j->x, j->y, begin, end);
}

static float *optional_out(const oar_node *n, oar_tensor_view *out, int slot) {
  if (slot >= n->schema->num_outputs) return NULL;
  oar_tensor_view *v = oar_op_output(n, out, slot);
  return v ? v->data : NULL;
}

static oar_status run_norm_rows(const oar_op_state *state, const oar_node *n,
                                const oar_tensor_view *const *in, oar_tensor_view *out, void *workspace,
                                oar_error *err) {
  const norm_state *st = (const norm_state *)state;
  const oar_tensor_view *x = oar_op_input(n, in, OAR_NORM_IN_X), *s = oar_op_input(n, in, OAR_NORM_IN_SCALE),
                        *b = oar_op_input(n, in, OAR_NORM_IN_BIAS);
  oar_tensor_view *y;
  OAR_TRY(oar_run_output(n, out, OAR_NORM_OUT_Y, &y, err));
  oar_norm_rows p = st->p;
  p.scale = s ? s->data : NULL;
  p.bias = b ? b->data : NULL;
  p.mean_out = optional_out(n, out, 1);
  p.stat_out = optional_out(n, out, 2);
  norm_job j = {&p, x->data, y->data};
  oar_parallel_rows(st->rows, p.n, norm_range, &j);
  return OAR_OK;
}

oar_status oar_norm_rows_prepare(const oar_norm_rows *tmpl, size_t rows, const char *kernel,
                                 oar_op_state **state, oar_error *err) {
  norm_state *st = oar_state_new(sizeof *st, run_norm_rows, kernel);
  if (!st) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory preparing a normalization");
  st->p = *tmpl;
  st->rows = rows;
  *state = &st->s.base;
  return OAR_OK;
}
