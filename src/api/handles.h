/* API armor: every handle given out is registered here and checked at each
 * entry point, so a NULL, destroyed or foreign handle gets OAR_ERR_MISUSE
 * instead of being dereferenced. The check looks at the pointer value only,
 * never at the memory behind it. */
#ifndef OAR_API_HANDLES_H
#define OAR_API_HANDLES_H

#include <stdbool.h>

typedef enum oar_handle_kind {
  OAR_HANDLE_CONFIG = 1,
  OAR_HANDLE_PREDICTOR = 2,
  OAR_HANDLE_TENSOR = 3
} oar_handle_kind;

/* Returns false when out of memory. */
bool oar_handle_register(const void *handle, oar_handle_kind kind);
void oar_handle_unregister(const void *handle);
bool oar_handle_valid(const void *handle, oar_handle_kind kind);

#endif
