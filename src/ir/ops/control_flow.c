/* Schemas of control flow and tensor array ops (ir/ops/control_flow.h).
 * Control flow outputs and array contents are known only when the op runs:
 * these ops are OAR_OP_DYNAMIC_SHAPE, their infer functions check what they
 * can and give dtypes and ranks. */
#include "ir/ops/control_flow.h"

#include "ir/graph.h"
#include "ir/ops/infer_util.h"
#include "ir/schema.h"

static const oar_shape array_shape = {.rank = 1, .dims = {-1}};

static oar_status require_array(const oar_node *n, const oar_tensor_view *a, const char *slot,
                                oar_error *err) {
  (void)n;
  if (a->dtype != OAR_DTYPE_UINT8 || a->shape.rank != 1)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "input '%s' is not a tensor array (got %s, rank %d)",
                         slot, oar_dtype_str(a->dtype), a->shape.rank);
  return OAR_OK;
}

/* Shape of a value whose dims are unknown until run time: rank kept. */
static oar_shape unknown_dims(const oar_shape *s) {
  oar_shape u = {.rank = s->rank};
  for (int d = 0; d < s->rank; d++) u.dims[d] = -1;
  return u;
}

/* ---- while ------------------------------------------------------------------------------ */

static oar_status while_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                              oar_error *err) {
  const int nx = oar_node_input_count(n, OAR_WHILE_IN_X), nout = oar_node_output_count(n, OAR_WHILE_OUT);
  if (n->num_bodies != 1) return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has no loop body");
  const oar_graph *body = n->bodies[0];
  if (body->num_inputs != nx || body->num_outputs != nout)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "loop body takes %d inputs and gives %d outputs, the op has %d and %d",
                         body->num_inputs, body->num_outputs, nx, nout);
  const int64_t cond = oar_node_attr_i(n, OAR_WHILE_ATTR_COND),
                trip = oar_node_attr_i(n, OAR_WHILE_ATTR_TRIP);
  const oar_attr *carried = oar_node_attr(n, OAR_WHILE_ATTR_CARRIED);
  if (cond < -1 || cond >= nx || trip < -1 || trip >= nx)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "condition #%lld or trip count #%lld is not an input",
                         (long long)cond, (long long)trip);
  if (cond >= 0 && in[cond]->dtype != OAR_DTYPE_BOOL)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "loop condition must be bool, got %s",
                         oar_dtype_str(in[cond]->dtype));
  if ((int)carried->n != nout)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "attribute 'carried' has %zu entries for %d outputs",
                         carried->n, nout);
  int cond_carried = cond < 0;
  for (int k = 0; k < nout; k++) {
    const int64_t x = carried->ints[k];
    if (x < -1 || x >= nx)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                           "output #%d updates input #%lld, which is out of range", k, (long long)x);
    cond_carried |= x == cond;
    if (x >= 0) {
      out[k].dtype = in[x]->dtype;
      out[k].shape = unknown_dims(&in[x]->shape);
    } else {
      const oar_value *bv = &body->values[body->outputs[k]];
      out[k].dtype = bv->dtype;
      out[k].shape = unknown_dims(&bv->shape);
      if (bv->shape.rank >= OAR_MAX_RANK)
        out[k].shape.rank = OAR_MAX_RANK;
      else
        out[k].shape.rank = bv->shape.rank + 1;
      for (int d = 0; d < out[k].shape.rank; d++) out[k].shape.dims[d] = -1;
    }
  }
  if (!cond_carried && trip < 0)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "loop condition is never updated by the body and there is no "
                         "trip count: the loop would never stop");
  return OAR_OK;
}

static const oar_slot_spec while_inputs[] = {{"X", OAR_SLOT_VARIADIC | OAR_SLOT_OPTIONAL}};
static const oar_slot_spec while_outputs[] = {{"Out", OAR_SLOT_VARIADIC | OAR_SLOT_OPTIONAL}};
static const oar_attr_spec while_attrs[] = {
    [OAR_WHILE_ATTR_COND] = OAR_ATTR_I("cond", -1),
    [OAR_WHILE_ATTR_CARRIED] = OAR_ATTR_IS_EMPTY("carried"),
    [OAR_WHILE_ATTR_TRIP] = OAR_ATTR_I("trip", -1),
};

const oar_op_schema oar_schema_while = {
    .name = "while",
    .id = OAR_OP_while,
    .inputs = while_inputs,
    .num_inputs = 1,
    .outputs = while_outputs,
    .num_outputs = 1,
    .attrs = while_attrs,
    .num_attrs = OAR_COUNT_OF(while_attrs),
    .infer = while_infer,
    .flags = OAR_OP_DYNAMIC_SHAPE,
};

/* ---- conditional_block -------------------------------------------------------------------- */

static oar_status cond_block_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                   oar_error *err) {
  const int nin = oar_node_input_count(n, OAR_COND_BLOCK_IN_INPUT);
  const int nout = oar_node_output_count(n, OAR_COND_BLOCK_OUT);
  if (n->num_bodies < 1 || n->num_bodies > 2)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has no branch");
  for (int b = 0; b < n->num_bodies; b++) {
    const oar_graph *body = n->bodies[b];
    if (body->num_inputs != nin || body->num_outputs != nout)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                           "branch %d takes %d inputs and gives %d outputs, the op has %d and %d", b,
                           body->num_inputs, body->num_outputs, nin, nout);
  }
  const int cpos = oar_node_in_pos(n, OAR_COND_BLOCK_IN_COND, 0);
  if (cpos < 0) return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has no condition");
  if (oar_node_attr_i(n, OAR_COND_BLOCK_ATTR_IS_SCALAR) && in[cpos]->dtype != OAR_DTYPE_BOOL)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "condition must be bool, got %s",
                         oar_dtype_str(in[cpos]->dtype));
  const int opos = oar_node_out_pos(n, OAR_COND_BLOCK_OUT, 0);
  for (int k = 0; k < nout; k++) {
    const oar_value *bv = &n->bodies[0]->values[n->bodies[0]->outputs[k]];
    out[opos + k].dtype = bv->dtype;
    out[opos + k].shape = unknown_dims(&bv->shape);
  }
  return OAR_OK;
}

static const oar_slot_spec cond_block_inputs[] = {{"Cond", OAR_SLOT_REQUIRED},
                                                  {"Input", OAR_SLOT_VARIADIC | OAR_SLOT_OPTIONAL}};
static const oar_slot_spec cond_block_outputs[] = {{"Out", OAR_SLOT_VARIADIC | OAR_SLOT_OPTIONAL}};
static const oar_attr_spec cond_block_attrs[] = {
    [OAR_COND_BLOCK_ATTR_IS_SCALAR] = OAR_ATTR_B("is_scalar_condition", false),
};

const oar_op_schema oar_schema_conditional_block = {
    .name = "conditional_block",
    .id = OAR_OP_conditional_block,
    .inputs = cond_block_inputs,
    .num_inputs = 2,
    .outputs = cond_block_outputs,
    .num_outputs = 1,
    .attrs = cond_block_attrs,
    .num_attrs = OAR_COUNT_OF(cond_block_attrs),
    .infer = cond_block_infer,
    .flags = OAR_OP_DYNAMIC_SHAPE,
};

/* ---- select_input ------------------------------------------------------------------------- */

static oar_status select_input_infer(const oar_node *n, const oar_tensor_view *const *in,
                                     oar_tensor_view *out, oar_error *err) {
  const int nx = oar_node_input_count(n, OAR_SELECT_INPUT_IN_X);
  const oar_tensor_view *mask;
  OAR_TRY(oar_op_require_input(n, in, OAR_SELECT_INPUT_IN_MASK, &mask, err));
  if (nx < 1) return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has no input X");
  if (mask->dtype != OAR_DTYPE_INT32 && mask->dtype != OAR_DTYPE_INT64 && mask->dtype != OAR_DTYPE_BOOL)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "Mask must be an integer, got %s",
                         oar_dtype_str(mask->dtype));
  const oar_tensor_view *x0 = in[oar_node_in_pos(n, OAR_SELECT_INPUT_IN_X, 0)];
  const oar_shape s = unknown_dims(&x0->shape);
  oar_op_set_output(n, out, OAR_SELECT_INPUT_OUT, x0->dtype, &s);
  return OAR_OK;
}

static const oar_slot_spec select_input_inputs[] = {{"X", OAR_SLOT_VARIADIC}, {"Mask", OAR_SLOT_REQUIRED}};
static const oar_slot_spec out_only[] = {{"Out", OAR_SLOT_REQUIRED}};

const oar_op_schema oar_schema_select_input = {
    .name = "select_input",
    .id = OAR_OP_select_input,
    .inputs = select_input_inputs,
    .num_inputs = 2,
    .outputs = out_only,
    .num_outputs = 1,
    .infer = select_input_infer,
    .flags = OAR_OP_DYNAMIC_SHAPE,
};

/* ---- arrays ------------------------------------------------------------------------------- */

static oar_status index_input(const oar_node *n, const oar_tensor_view *const *in, int slot, oar_error *err) {
  const oar_tensor_view *i;
  OAR_TRY(oar_op_require_input(n, in, slot, &i, err));
  if ((i->dtype != OAR_DTYPE_INT64 && i->dtype != OAR_DTYPE_INT32) || oar_shape_numel(&i->shape) > 1)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "index I must be one int64 or int32, got %s [%lld elements]",
                         oar_dtype_str(i->dtype), (long long)oar_shape_numel(&i->shape));
  return OAR_OK;
}

static oar_status write_array_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                    oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_WRITE_ARRAY_IN_X, &x, err));
  OAR_TRY(index_input(n, in, OAR_WRITE_ARRAY_IN_I, err));
  const oar_tensor_view *a = oar_op_input(n, in, OAR_WRITE_ARRAY_IN_ARRAY);
  if (a) OAR_TRY(require_array(n, a, "Array", err));
  oar_op_set_output(n, out, OAR_WRITE_ARRAY_OUT, OAR_DTYPE_UINT8, &array_shape);
  return OAR_OK;
}

static const oar_slot_spec write_array_inputs[] = {
    {"X", OAR_SLOT_REQUIRED}, {"I", OAR_SLOT_REQUIRED}, {"Array", OAR_SLOT_OPTIONAL}};

const oar_op_schema oar_schema_write_to_array = {
    .name = "write_to_array",
    .id = OAR_OP_write_to_array,
    .inputs = write_array_inputs,
    .num_inputs = 3,
    .outputs = out_only,
    .num_outputs = 1,
    .infer = write_array_infer,
    .flags = OAR_OP_DYNAMIC_SHAPE,
};

static oar_status read_array_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                   oar_error *err) {
  const oar_tensor_view *a;
  OAR_TRY(oar_op_require_input(n, in, OAR_READ_ARRAY_IN_X, &a, err));
  OAR_TRY(require_array(n, a, "X", err));
  OAR_TRY(index_input(n, in, OAR_READ_ARRAY_IN_I, err));
  /* Element dtype and rank come with the data: the output's declared ones
   * (from the file) are kept where known. */
  oar_tensor_view *o = oar_op_output(n, out, OAR_READ_ARRAY_OUT);
  if (o) {
    o->dtype = OAR_DTYPE_UNKNOWN;
    o->shape = (oar_shape){0};
  }
  return OAR_OK;
}

static const oar_slot_spec read_array_inputs[] = {{"X", OAR_SLOT_REQUIRED}, {"I", OAR_SLOT_REQUIRED}};

const oar_op_schema oar_schema_read_from_array = {
    .name = "read_from_array",
    .id = OAR_OP_read_from_array,
    .inputs = read_array_inputs,
    .num_inputs = 2,
    .outputs = out_only,
    .num_outputs = 1,
    .infer = read_array_infer,
    .flags = OAR_OP_DYNAMIC_SHAPE,
};

static oar_status array_length_infer(const oar_node *n, const oar_tensor_view *const *in,
                                     oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *a;
  OAR_TRY(oar_op_require_input(n, in, OAR_ARRAY_LENGTH_IN_X, &a, err));
  OAR_TRY(require_array(n, a, "X", err));
  const oar_shape s = {.rank = 1, .dims = {1}};
  oar_op_set_output(n, out, OAR_ARRAY_LENGTH_OUT, OAR_DTYPE_INT64, &s);
  return OAR_OK;
}

static const oar_slot_spec array_x[] = {{"X", OAR_SLOT_REQUIRED}};

const oar_op_schema oar_schema_lod_array_length = {
    .name = "lod_array_length",
    .id = OAR_OP_lod_array_length,
    .inputs = array_x,
    .num_inputs = 1,
    .outputs = out_only,
    .num_outputs = 1,
    .infer = array_length_infer,
};

static oar_status array_to_tensor_infer(const oar_node *n, const oar_tensor_view *const *in,
                                        oar_tensor_view *out, oar_error *err) {
  const oar_tensor_view *a;
  OAR_TRY(oar_op_require_input(n, in, OAR_ARRAY_TO_TENSOR_IN_X, &a, err));
  OAR_TRY(require_array(n, a, "X", err));
  oar_tensor_view *o = oar_op_output(n, out, OAR_ARRAY_TO_TENSOR_OUT);
  if (o) {
    o->dtype = OAR_DTYPE_UNKNOWN;
    o->shape = (oar_shape){0};
  }
  const oar_shape s = {.rank = 1, .dims = {-1}};
  oar_op_set_output(n, out, OAR_ARRAY_TO_TENSOR_OUT_INDEX, OAR_DTYPE_INT32, &s);
  return OAR_OK;
}

static const oar_slot_spec array_to_tensor_outputs[] = {{"Out", OAR_SLOT_REQUIRED},
                                                        {"OutIndex", OAR_SLOT_OPTIONAL}};
static const oar_attr_spec array_to_tensor_attrs[] = {
    [OAR_ARRAY_TO_TENSOR_ATTR_AXIS] = OAR_ATTR_I("axis", 0),
    [OAR_ARRAY_TO_TENSOR_ATTR_USE_STACK] = OAR_ATTR_B("use_stack", false),
};

const oar_op_schema oar_schema_tensor_array_to_tensor = {
    .name = "tensor_array_to_tensor",
    .id = OAR_OP_tensor_array_to_tensor,
    .inputs = array_x,
    .num_inputs = 1,
    .outputs = array_to_tensor_outputs,
    .num_outputs = 2,
    .attrs = array_to_tensor_attrs,
    .num_attrs = OAR_COUNT_OF(array_to_tensor_attrs),
    .infer = array_to_tensor_infer,
    .flags = OAR_OP_DYNAMIC_SHAPE,
};

static oar_status create_array_infer(const oar_node *n, const oar_tensor_view *const *in,
                                     oar_tensor_view *out, oar_error *err) {
  (void)in;
  (void)err;
  const oar_shape s = {.rank = 1, .dims = {OAR_ARRAY_HEADER * 8}};
  oar_op_set_output(n, out, OAR_CREATE_ARRAY_OUT, OAR_DTYPE_UINT8, &s);
  return OAR_OK;
}

const oar_op_schema oar_schema_create_array = {
    .name = "create_array",
    .id = OAR_OP_create_array,
    .outputs = out_only,
    .num_outputs = 1,
    .infer = create_array_infer,
};

/* ---- increment ---------------------------------------------------------------------------- */

static oar_status increment_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                                  oar_error *err) {
  const oar_tensor_view *x;
  OAR_TRY(oar_op_require_input(n, in, OAR_INCREMENT_IN_X, &x, err));
  if (oar_shape_numel(&x->shape) != 1)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "X must hold one element, got %lld",
                         (long long)oar_shape_numel(&x->shape));
  oar_op_set_output(n, out, OAR_INCREMENT_OUT, x->dtype, &x->shape);
  return OAR_OK;
}

static const oar_attr_spec increment_attrs[] = {[OAR_INCREMENT_ATTR_STEP] = OAR_ATTR_F("step", 1.0)};

const oar_op_schema oar_schema_increment = {
    .name = "increment",
    .id = OAR_OP_increment,
    .inputs = array_x,
    .num_inputs = 1,
    .outputs = out_only,
    .num_outputs = 1,
    .attrs = increment_attrs,
    .num_attrs = OAR_COUNT_OF(increment_attrs),
    .infer = increment_infer,
    .flags = OAR_OP_INPLACE,
};
