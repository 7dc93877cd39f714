/* Cache-tiled 2-D transposes of float32: the
 * building block of the fast paths of transpose and of the layout
 * changes to and from NCHW16c. */
#ifndef OAR_KERNELS_GENERIC_F32_TRANSPOSE_H
#define OAR_KERNELS_GENERIC_F32_TRANSPOSE_H

#include <stddef.h>

/* dst[j * ld_dst + i] = src[i * ld_src + j] for i < rows, j < cols, in
 * 16 x 16 tiles (each tile reads 16 rows of 64 bytes and writes 16). */
void oar_f32_transpose_2d(const float *src, size_t ld_src, size_t rows, size_t cols, float *dst,
                          size_t ld_dst);

/* Pixels [p0, p1) of one 16-channel block: NCHW (lanes <= 16 planes of hw
 * floats at src) to NCHW16c (hw vectors of 16 at dst, lanes past `lanes`
 * zero), and back. */
void oar_f32_to_blocked16(const float *src, size_t hw, size_t lanes, float *dst, size_t p0, size_t p1);
void oar_f32_from_blocked16(const float *src, size_t hw, size_t lanes, float *dst, size_t p0, size_t p1);

#endif
