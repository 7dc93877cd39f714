/* Reading and mapping files (POSIX mmap, or Windows' CreateFileMapping /
 * MapViewOfFile). Model files are untrusted: sizes are checked. */
#ifndef OAR_BASE_FILE_H
#define OAR_BASE_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/error.h"

typedef struct oar_bytes {
  uint8_t *data;
  size_t size;
  int mapped; /* data is a read-only file mapping (oar_file_map) */
} oar_bytes;

/* Reads the whole file into memory owned by *out (free with
 * oar_bytes_free). OAR_ERR_IO names the path and the reason. */
oar_status oar_file_read(const char *path, oar_bytes *out, oar_error *err);
void oar_bytes_free(oar_bytes *b);

/* Maps the whole file read-only (falls back to oar_file_read where mapping
 * is not possible). Pages are read on demand and are the file's, not the
 * heap's: weights copied out of a mapping are not held twice once the
 * copied range is released. */
oar_status oar_file_map(const char *path, oar_bytes *out, oar_error *err);

/* Tells the OS the pages wholly inside [ptr, ptr + len) of a mapping are
 * not needed any more (they are dropped from memory and re-read if
 * touched again). Does nothing for heap buffers. */
void oar_bytes_release(const oar_bytes *b, const void *ptr, size_t len);

typedef struct oar_path_info {
  uint64_t size; /* bytes of a file */
  int is_dir, is_file;
} oar_path_info;

/* Fills *info for an existing path (1), or returns 0 (no such path, or it
 * cannot be read; errno says why). 64-bit sizes on every platform. */
int oar_path_info_get(const char *path, oar_path_info *info);

/* fseek to a 64-bit offset from the start (fseeko, or _fseeki64 on
 * Windows); 0 on success. */
int oar_file_seek(FILE *f, uint64_t offset);

int oar_path_is_dir(const char *path);
int oar_path_is_file(const char *path);
/* dir + "/" + name into a new string (oar_free), NULL on OOM. */
char *oar_path_join(const char *dir, const char *name);
/* Directory part of a path into a new string ("." if none). */
char *oar_path_dirname(const char *path);

#endif
