/* Reference einsum: a sum of products over labelled dims. */
#ifndef OAR_KERNELS_REF_EINSUM_H
#define OAR_KERNELS_REF_EINSUM_H

#include <stdint.h>

#include "tensor/tensor.h"

#define OAR_REF_EINSUM_LABELS 64

typedef struct oar_einsum_params {
  int num_inputs; /* <= 8 */
  int in_rank[8];
  int in_label[8][OAR_MAX_RANK];
  int64_t in_dims[8][OAR_MAX_RANK];
  int out_rank;
  int out_label[OAR_MAX_RANK];
  int64_t size[OAR_REF_EINSUM_LABELS]; /* per label, -1 if unused */
} oar_einsum_params;

/* out[o] = sum over the other labels of prod inputs (float32, float64,
 * int32 or int64, accumulated in double). */
void oar_ref_einsum(const oar_einsum_params *p, oar_dtype t, const void *const *in, void *out);

#endif
