/* Reference kernel of gaussian_random (issue 11, op gaps). */
#ifndef OAR_KERNELS_REF_RANDOM_H
#define OAR_KERNELS_REF_RANDOM_H

#include <stdbool.h>
#include <stdint.h>

#include "tensor/tensor.h"

/* n normal(mean, std) values of type t (float32 or float64; false for
 * another) into dst, as Paddle's CPU gaussian kernel with a seed draws
 * them: std::mt19937_64 seeded with `seed`, and libstdc++'s
 * std::normal_distribution<T> (Marsaglia's polar method in T, pairs of
 * values from generate_canonical<T> uniforms, the second of a pair used
 * next), mean and std rounded to float first. seed 0 (Paddle: its global
 * generator, nondeterministic): a seed of oar's own, different per call. */
bool oar_ref_gaussian_random(oar_dtype t, double mean, double std, int64_t seed, int64_t n, void *dst);

#endif
