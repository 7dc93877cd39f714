/* Reference kernels of the transformer ops: layer normalization (plain and
 * after a residual add), embedding lookup, cumulative sum, comparisons and
 * multi-head scaled dot-product attention. */
#ifndef OAR_KERNELS_REF_NLP_H
#define OAR_KERNELS_REF_NLP_H

#include <stdbool.h>
#include <stdint.h>

#include "tensor/tensor.h"

/* Layer normalization of x seen as [rows, cols], per row:
 *   mean = sum(x) / cols, var = sum((x - mean)^2) / cols (population),
 *   y = (x - mean) / sqrt(var + epsilon) * scale[c] + bias[c]
 * (sums in double). scale, bias, mean_out and var_out may be NULL; y may
 * be x. */
void oar_ref_layer_norm_f32(int64_t rows, int64_t cols, const float *x, const float *scale, const float *bias,
                            float epsilon, float *y, float *mean_out, float *var_out);

/* y = layer_norm(x + r) per row of [rows, cols] (x and r of that shape);
 * y may be x or r. */
void oar_ref_skip_layer_norm_f32(int64_t rows, int64_t cols, const float *x, const float *r,
                                 const float *scale, const float *bias, float epsilon, float *y);

/* Embedding lookup: row i of dst (row_bytes bytes) is row ids[i] of table
 * (num_rows rows), or zeros when ids[i] == padding_idx (padding_idx -1:
 * none). Returns -1, or the position of the first id out of [0, num_rows)
 * (dst is then partly written). */
int64_t oar_ref_embedding_i64(const void *table, int64_t num_rows, size_t row_bytes, const int64_t *ids,
                              int64_t n, int64_t padding_idx, void *dst);
int64_t oar_ref_embedding_i32(const void *table, int64_t num_rows, size_t row_bytes, const int32_t *ids,
                              int64_t n, int64_t padding_idx, void *dst);

/* dst row t (dim floats) = the sum over tables k of row ids_k[t] of
 * table k (zeros where it equals padding_idx[k]), for t < n. ids_k is
 * int64 when ids_is_i64[k], else int32. Returns -1, or the position t of
 * the first id out of range, with *bad_table set (dst is then partly
 * written). */
int64_t oar_ref_embedding_sum_f32(int tables, const float *const *w, const int64_t *w_rows,
                                  const void *const *ids, const bool *ids_is_i64, const int64_t *padding_idx,
                                  int64_t n, int64_t dim, float *dst, int *bad_table);

/* Cumulative sum along the middle dim of [outer, len, inner]; exclusive
 * starts from 0 (the element itself is left out); reverse sums from the
 * end. Integer sums wrap. src and dst may alias. */
typedef struct oar_cumsum_params {
  int64_t outer, len, inner;
  bool exclusive, reverse;
} oar_cumsum_params;
void oar_ref_cumsum_f32(const oar_cumsum_params *p, const float *src, float *dst);
void oar_ref_cumsum_i32(const oar_cumsum_params *p, const int32_t *src, int32_t *dst);
void oar_ref_cumsum_i64(const oar_cumsum_params *p, const int64_t *src, int64_t *dst);

/* Comparisons with broadcasting by strides (as oar_binary_params in
 * kernels/ref/elementwise.h): dst[i] = x[..] op y[..] as bool (0/1
 * bytes). NaN compares unequal to everything. */
typedef enum oar_compare_op {
  OAR_CMP_EQ,
  OAR_CMP_NE,
  OAR_CMP_LT,
  OAR_CMP_LE,
  OAR_CMP_GT,
  OAR_CMP_GE
} oar_compare_op;

typedef struct oar_compare_params {
  oar_compare_op op;
  oar_dtype dtype; /* float32, float64, int32, int64, bool, uint8, int8 */
  int rank;
  int64_t dims[OAR_MAX_RANK];
  int64_t x_strides[OAR_MAX_RANK];
  int64_t y_strides[OAR_MAX_RANK];
} oar_compare_params;

/* False (nothing written) when the dtype is not supported. */
bool oar_ref_compare(const oar_compare_params *p, const void *x, const void *y, uint8_t *dst);

/* n elements of `dtype` set to `value` converted as static_cast does
 * (float to integer truncates; out-of-range saturates here). False for an
 * unsupported dtype. */
bool oar_ref_fill_value(oar_dtype dtype, double value, int64_t n, void *dst);

/* Multi-head attention (see ir/ops/nlp.h for the formula). q, k, v and
 * out are [batch, seq, heads * head_dim] with row strides ldq, ldk, ldv,
 * ldo; mask (may be NULL) is read at b*mask_strides[0] + h*[1] + i*[2] +
 * j*[3]. scratch holds seq_k floats. */
typedef struct oar_mha_params {
  int64_t batch, heads, seq_q, seq_k, head_dim, head_dim_v;
  int64_t ldq, ldk, ldv, ldo;
  float alpha;
  int64_t mask_strides[4];
} oar_mha_params;

void oar_ref_mha_f32(const oar_mha_params *p, const float *q, const float *k, const float *v,
                     const float *mask, float *scratch, float *out);

#endif
