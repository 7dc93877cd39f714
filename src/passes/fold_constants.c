/* Constant folding: an op whose inputs are all constants is evaluated once,
 * at load, and its outputs become constants. Shape subgraphs that depend on
 * a variable input shape are folded later, per plan, by the runtime. */
#include <string.h>

#include "base/alloc.h"
#include "passes/pass_util.h"

/* Folding makes new constants; past this size the saving is not worth the
 * memory (a folded broadcast can be far larger than its inputs). */
#define FOLD_MAX_BYTES ((size_t)64 << 20)

static oar_status fold_node(oar_pass_ctx *ctx, int ni, bool *folded, oar_error *err) {
  oar_graph *g = ctx->graph;
  const oar_node *n = &g->nodes[ni];
  const int nin = oar_node_num_in(n), nout = oar_node_num_out(n);
  *folded = false;
  if (nin == 0 || nout == 0) return OAR_OK;
  /* Outputs allocated by the op itself (control flow, tensor arrays, ...):
   * planned at run time, folded by the plan when its inputs are known. */
  if (n->schema->flags & OAR_OP_DYNAMIC_SHAPE) return OAR_OK;
  for (int i = 0; i < nin; i++)
    if (!oar_pass_is_const(ctx, n->in[i])) return OAR_OK;
  const oar_tensor_view **in = oar_calloc((size_t)nin, sizeof *in);
  oar_tensor_view *views = oar_calloc((size_t)nin, sizeof *views);
  oar_tensor_view *out = oar_calloc((size_t)nout, sizeof *out);
  oar_status st = OAR_OK;
  if (!in || !views || !out) {
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory folding constants");
    goto done;
  }
  for (int i = 0; i < nin; i++) {
    const oar_value *v = &g->values[n->in[i]];
    views[i] = (oar_tensor_view){v->dtype, v->shape, v->data};
    in[i] = &views[i];
  }
  oar_error local;
  if (n->schema->infer(n, in, out, &local) != OAR_OK) {
    /* Not an error here: the runtime reports it with the input shapes. */
    oar_pass_note(ctx, "%s: shape inference failed (%s)", oar_pass_node_name(ctx, ni), local.msg);
    goto done;
  }
  for (int i = 0; i < nout; i++) {
    int64_t numel = oar_shape_numel(&out[i].shape);
    size_t bytes;
    if (numel < 0 || !oar_mul_size((size_t)numel, oar_dtype_bytes(out[i].dtype), &bytes) ||
        bytes > FOLD_MAX_BYTES) {
      oar_pass_note(ctx, "%s: output too large to fold", oar_pass_node_name(ctx, ni));
      goto done;
    }
    out[i].data = oar_aligned_alloc(bytes ? bytes : 64);
    if (!out[i].data) {
      st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory folding constants");
      goto done;
    }
    memset(out[i].data, 0, bytes);
  }
  st = ctx->eval(ctx->eval_user, n, in, out, err);
  if (st != OAR_OK) goto done;
  for (int i = 0; i < nout; i++) {
    size_t bytes = (size_t)oar_shape_numel(&out[i].shape) * oar_dtype_bytes(out[i].dtype);
    st = oar_graph_set_constant(g, n->out[i], out[i].dtype, &out[i].shape, out[i].data, bytes, err);
    if (st != OAR_OK) goto done;
    g->values[n->out[i]].producer = -1;
  }
  oar_pass_kill(ctx, ni);
  *folded = true;
done:
  if (out)
    for (int i = 0; i < nout; i++) oar_aligned_free(out[i].data);
  oar_free(in);
  oar_free(views);
  oar_free(out);
  return st;
}

oar_status oar_pass_fold_constants(oar_pass_ctx *ctx, oar_error *err) {
  if (!ctx->eval) return OAR_OK;
  for (int ni = 0; ni < ctx->graph->num_nodes; ni++) {
    bool folded;
    OAR_TRY(fold_node(ctx, ni, &folded, err));
    ctx->report->fired += folded;
  }
  return OAR_OK;
}
