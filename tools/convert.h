/* Converting .npy data to the dtype a model input declares, for `oar run`:
 * numpy saves float64 and int64 by default, models mostly take float32. */
#ifndef OAR_TOOLS_CONVERT_H
#define OAR_TOOLS_CONVERT_H

#include <stddef.h>

#include "npy.h"

/* Converts `src` to `dst` dtype into a new malloc'ed buffer (*out, *out_bytes).
 * Allowed: float64/float32 to either; integer or bool to any float or integer
 * type whose range holds every value (bool only from 0/1). Refused, with the
 * reason in err: float to integer, anything to or from float16, and values
 * out of range (the message gives the first one and its index). Returns 0 or
 * -1. */
int cli_convert(const oar_npy *src, oar_dtype dst, void **out, size_t *out_bytes, char *err, size_t errlen);

/* Element i of data as a double (float16 included); 0 for unknown dtypes. */
double cli_element_as_double(const void *data, oar_dtype dtype, size_t i);

#endif
