/* Reading files whole. Model files are untrusted: sizes are checked. */
#ifndef OAR_BASE_FILE_H
#define OAR_BASE_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef struct oar_bytes {
  uint8_t *data;
  size_t size;
} oar_bytes;

/* Reads the whole file into memory owned by *out (free with
 * oar_bytes_free). OAR_ERR_IO names the path and the reason. */
oar_status oar_file_read(const char *path, oar_bytes *out, oar_error *err);
void oar_bytes_free(oar_bytes *b);

int oar_path_is_dir(const char *path);
int oar_path_is_file(const char *path);
/* dir + "/" + name into a new string (oar_free), NULL on OOM. */
char *oar_path_join(const char *dir, const char *name);
/* Directory part of a path into a new string ("." if none). */
char *oar_path_dirname(const char *path);

#endif
