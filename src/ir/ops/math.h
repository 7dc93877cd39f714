/* scale, softmax, mean, dropout, cast: slot and attribute indices. */
#ifndef OAR_IR_OPS_MATH_H
#define OAR_IR_OPS_MATH_H

#include <stdbool.h>

#include "tensor/tensor.h"

enum { OAR_SCALE_IN_X, OAR_SCALE_IN_SCALE_TENSOR };
enum { OAR_SCALE_OUT_OUT };
enum { OAR_SCALE_ATTR_SCALE, OAR_SCALE_ATTR_BIAS, OAR_SCALE_ATTR_BIAS_AFTER_SCALE };

enum { OAR_SOFTMAX_IN_X };
enum { OAR_SOFTMAX_OUT_OUT };
enum { OAR_SOFTMAX_ATTR_AXIS };

enum { OAR_MEAN_IN_X };
enum { OAR_MEAN_OUT_OUT };

enum { OAR_DROPOUT_IN_X, OAR_DROPOUT_IN_SEED };
enum { OAR_DROPOUT_OUT_OUT, OAR_DROPOUT_OUT_MASK };
enum { OAR_DROPOUT_ATTR_DROPOUT_PROB, OAR_DROPOUT_ATTR_IMPLEMENTATION };

enum { OAR_CAST_IN_X };
enum { OAR_CAST_OUT_OUT };
enum { OAR_CAST_ATTR_OUT_DTYPE };

/* Paddle's VarType.Type number for a dense dtype -> oar dtype
 * (0 bool, 1 int16, 2 int32, 3 int64, 4 float16, 5 float32, 6 float64,
 * 20 uint8, 21 int8). False for anything else. */
bool oar_cast_dtype_from_var_type(int64_t var_type, oar_dtype *dtype);

#endif
