/* Control flow and tensor arrays (issue 12): ops that own bodies (node->bodies,
 * graphs of their own) and the arrays their loops fill. One mechanism for
 * Paddle legacy conditional_block / while, PIR if / while and ONNX If / Loop:
 * the frontends turn each into these ops; runtime/control_flow.c runs the
 * bodies through child plans cached per input signature.
 *
 * Tensor arrays (Paddle LOD_TENSOR_ARRAY, PIR pd_op.create_array) are values
 * of dtype uint8, rank 1: a self-describing blob (runtime/ops/control_flow.c,
 * OAR_ARRAY_*) holding each element's dtype, shape and data. Only the array
 * ops, control flow and assign read them. */
#ifndef OAR_IR_OPS_CONTROL_FLOW_H
#define OAR_IR_OPS_CONTROL_FLOW_H

/* while: bodies[0] has one input per X (in order) and one output per Out.
 * Each iteration runs the body on the current values; Out k's new value
 * replaces X[carried[k]] (carried[k] -1: a scan output, stacked on a new
 * axis 0 over the iterations, ONNX Loop). The loop runs while X[cond]
 * (a bool holding one element) is true (cond -1: always) and, when trip is
 * not -1, fewer than X[trip] (an int64 scalar) iterations ran. Out k is
 * the final value of X[carried[k]], or the stacked scan output. A loop
 * stops with an error naming the op past the configured iteration limit. */
enum { OAR_WHILE_IN_X };
enum { OAR_WHILE_OUT };
enum { OAR_WHILE_ATTR_COND, OAR_WHILE_ATTR_CARRIED, OAR_WHILE_ATTR_TRIP };

/* conditional_block: runs bodies[0] (inputs: the Input values; outputs:
 * one per Out) when Cond holds: is_scalar_condition, its one element is
 * true; otherwise every Cond... (Paddle: Cond has elements). When it does
 * not hold, bodies[1] runs if present (ONNX If, PIR if), else each Out is
 * an empty tensor of its declared dtype (Paddle leaves it unset; the
 * select_input after it picks the branch that ran). */
enum { OAR_COND_BLOCK_IN_COND, OAR_COND_BLOCK_IN_INPUT };
enum { OAR_COND_BLOCK_OUT };
enum { OAR_COND_BLOCK_ATTR_IS_SCALAR };

/* select_input: Out = X[Mask], Mask an int32 holding one element. */
enum { OAR_SELECT_INPUT_IN_X, OAR_SELECT_INPUT_IN_MASK };
enum { OAR_SELECT_INPUT_OUT };

/* write_to_array: Out = Array (empty when absent) with element I (int64,
 * one element) set to X; I == length appends; I > length pads with empty
 * elements (Paddle resizes). read_from_array: Out = X[I].
 * lod_array_length: Out int64 [1]. tensor_array_to_tensor: concat
 * (use_stack false) or stack the elements along axis; OutIndex int32
 * [length], each element's size along axis. */
enum { OAR_WRITE_ARRAY_IN_X, OAR_WRITE_ARRAY_IN_I, OAR_WRITE_ARRAY_IN_ARRAY };
enum { OAR_WRITE_ARRAY_OUT };
enum { OAR_READ_ARRAY_IN_X, OAR_READ_ARRAY_IN_I };
enum { OAR_READ_ARRAY_OUT };
enum { OAR_ARRAY_LENGTH_IN_X };
enum { OAR_ARRAY_LENGTH_OUT };
enum { OAR_ARRAY_TO_TENSOR_IN_X };
enum { OAR_ARRAY_TO_TENSOR_OUT, OAR_ARRAY_TO_TENSOR_OUT_INDEX };
enum { OAR_ARRAY_TO_TENSOR_ATTR_AXIS, OAR_ARRAY_TO_TENSOR_ATTR_USE_STACK };
/* create_array: Out, an empty array. */
enum { OAR_CREATE_ARRAY_OUT };

/* increment: Out = X + step (X holds one element). */
enum { OAR_INCREMENT_IN_X };
enum { OAR_INCREMENT_OUT };
enum { OAR_INCREMENT_ATTR_STEP };

/* The blob layout of a tensor array (uint8, rank 1): a header of
 * OAR_ARRAY_HEADER int64 (magic, count), then per element
 * OAR_ARRAY_ELEM_HEADER int64 (dtype, rank, dims[OAR_MAX_RANK], data bytes)
 * and its data padded to 8 bytes. */
#define OAR_ARRAY_MAGIC 0x5941525241524f41LL /* "AORARRAY" */
#define OAR_ARRAY_HEADER 2
#define OAR_ARRAY_ELEM_HEADER (3 + OAR_MAX_RANK)

#endif
