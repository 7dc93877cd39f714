/* The prepared path shared by the row normalizations (instance_norm_nd,
 * layer_norm_axis, group_norm): kernels/generic/f32_norm.h threaded over
 * rows. Those ops share their slots: inputs X, Scale, Bias (optional
 * Scale and Bias) and outputs Y and two optional per-row statistics (the
 * mean, then the variance or 1 / sqrt(var + eps)). */
#ifndef OAR_RUNTIME_OPS_NORM_ROWS_H
#define OAR_RUNTIME_OPS_NORM_ROWS_H

#include "kernels/generic/f32_norm.h"
#include "runtime/op_prepare.h"

/* A state running `rows` rows of tmpl (its scale, bias and outputs are
 * filled from the node's slots at each run). */
oar_status oar_norm_rows_prepare(const oar_norm_rows *tmpl, size_t rows, const char *kernel,
                                 oar_op_state **state, oar_error *err);

#endif
