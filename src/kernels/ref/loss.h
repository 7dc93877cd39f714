/* Reference loss kernels. */
#ifndef OAR_KERNELS_REF_LOSS_H
#define OAR_KERNELS_REF_LOSS_H

#include <stdbool.h>
#include <stdint.h>

/* Negative log-likelihood over x [n, c, inner] at targets t [n, inner]
 * (already checked to be in [0, c) unless ignored): writes n * inner
 * losses to per_elem (when not NULL) and returns their sum, and the summed
 * weights in *weight_sum. w may be NULL (weight 1). */
double oar_ref_nll_f32(const float *x, const int64_t *t, const float *w, int64_t n, int64_t c, int64_t inner,
                       bool has_ignore, int64_t ignore, float *per_elem, double *weight_sum);

#endif
