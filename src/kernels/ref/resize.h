/* Reference N-d resize (float32) with ONNX's coordinate transforms and
 * nearest / linear / cubic taps (separable, edge-clamped). */
#ifndef OAR_KERNELS_REF_RESIZE_H
#define OAR_KERNELS_REF_RESIZE_H

#include <stdbool.h>
#include <stdint.h>

#include "tensor/tensor.h"

typedef struct oar_resize_params {
  int rank;
  int64_t in[OAR_MAX_RANK], out[OAR_MAX_RANK];
  double scale[OAR_MAX_RANK], roi_start[OAR_MAX_RANK], roi_end[OAR_MAX_RANK];
  int mode;         /* 0 nearest, 1 linear, 2 cubic */
  int coord;        /* as OAR_RESIZE_* coordinate modes of ir/ops/op_ext.h */
  int nearest_mode; /* 0 round_prefer_floor, 1 round_prefer_ceil, 2 floor, 3 ceil */
  double cubic_a, extrapolation;
  bool exclude_outside;
} oar_resize_params;

/* Scratch sizes: taps for sum(out) * 4 (index and weight each) and
 * sum(out) counts and flags. */
size_t oar_ref_resize_scratch_taps(const oar_resize_params *p);

/* The taps of output index o along dim d: up to 4 (index clamped into the
 * input, weight), zero weights dropped; *outside for tf_crop_and_resize
 * coordinates beyond the input (the output is the extrapolation value). */
int oar_ref_resize_taps(const oar_resize_params *p, int d, int64_t o, int64_t *idx, double *w, bool *outside);

void oar_ref_resize_f32(const oar_resize_params *p, const float *x, float *y, int64_t *tap_index,
                        double *tap_weight, unsigned char *tap_count, unsigned char *outside);

#endif
