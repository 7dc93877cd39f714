/* The inputs, output, fused activation and geometry of a convolution node
 * (conv2d, depthwise_conv2d, conv2d_blocked), read once for the run and
 * prepare functions of both layouts. */
#ifndef OAR_RUNTIME_OPS_CONV_IO_H
#define OAR_RUNTIME_OPS_CONV_IO_H

#include <stdbool.h>

#include "kernels/ref/activation.h"
#include "kernels/ref/conv.h"
#include "runtime/op_run.h"

typedef struct oar_conv_io {
  const oar_tensor_view *x, *w, *bias, *res; /* bias and res may be NULL */
  oar_tensor_view *y;
  bool has_act;
  bool blocked_input; /* Input is NCHW16c (rank 5); else NCHW */
  oar_act_params act;
  oar_conv2d_params p; /* NCHW geometry */
  int64_t pad_out[4];  /* conv2d_blocked's pad_output: [top, bottom, left, right] */
} oar_conv_io;

/* Checks dtypes (float32) and resolves the geometry; views may lack data
 * (prepare time). A rank-5 Input is read as blocked (ir/ops/blocked_layout.h). */
oar_status oar_conv_read_io(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                            oar_conv_io *io, oar_error *err);

#endif
