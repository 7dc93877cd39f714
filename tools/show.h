/* Printing a tensor for people: `oar run` shows every output this way. */
#ifndef OAR_TOOLS_SHOW_H
#define OAR_TOOLS_SHOW_H

#include <stddef.h>
#include <stdint.h>

#include "oar/oar.h"

/* Prints name, dtype, shape, the first values, min/max/mean of float data,
 * and for a 2-D [N, C] float tensor (C >= 2) the top-5 classes of each row
 * with their scores. */
void cli_show_tensor(const char *name, oar_dtype dtype, size_t rank, const int64_t *dims, const void *data);

#endif
