#define _POSIX_C_SOURCE 200809L
#include "base/file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"

oar_status oar_file_read(const char *path, oar_bytes *out, oar_error *err) {
  struct stat st;
  if (stat(path, &st) != 0)
    return oar_error_set(err, OAR_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
  if (S_ISDIR(st.st_mode))
    return oar_error_set(err, OAR_ERR_IO, "'%s' is a directory, expected a file", path);
  FILE *f = fopen(path, "rb");
  if (!f) return oar_error_set(err, OAR_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
  size_t size = (size_t)st.st_size;
  uint8_t *data = oar_malloc(size);
  if (!data) {
    fclose(f);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory reading '%s' (%zu bytes)", path, size);
  }
  size_t got = size ? fread(data, 1, size, f) : 0;
  int read_failed = ferror(f);
  fclose(f);
  if (got != size || read_failed) {
    oar_free(data);
    return oar_error_set(err, OAR_ERR_IO, "cannot read '%s': got %zu of %zu bytes", path, got, size);
  }
  out->data = data;
  out->size = size;
  out->mapped = 0;
  return OAR_OK;
}

void oar_bytes_free(oar_bytes *b) {
  if (!b) return;
  if (b->mapped)
    munmap(b->data, b->size);
  else
    oar_free(b->data);
  b->mapped = 0;
  b->data = NULL;
  b->size = 0;
}

int oar_path_is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int oar_path_is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *oar_path_join(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  char *p = oar_malloc(a + b + 2);
  if (!p) return NULL;
  memcpy(p, dir, a);
  size_t at = a;
  if (a && dir[a - 1] != '/') p[at++] = '/';
  memcpy(p + at, name, b + 1);
  return p;
}

char *oar_path_dirname(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return oar_strdup(".");
  if (slash == path) return oar_strdup("/");
  return oar_strndup(path, (size_t)(slash - path));
}

oar_status oar_file_map(const char *path, oar_bytes *out, oar_error *err) {
  struct stat st;
  if (stat(path, &st) != 0)
    return oar_error_set(err, OAR_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
  if (!S_ISREG(st.st_mode) || st.st_size == 0) return oar_file_read(path, out, err);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return oar_error_set(err, OAR_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
  void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED) return oar_file_read(path, out, err);
  out->data = map;
  out->size = (size_t)st.st_size;
  out->mapped = 1;
  return OAR_OK;
}

void oar_bytes_release(const oar_bytes *b, const void *ptr, size_t len) {
  if (!b || !b->mapped || !len) return;
  const long page = sysconf(_SC_PAGESIZE);
  if (page <= 0) return;
  uintptr_t begin = ((uintptr_t)ptr + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
  uintptr_t end = ((uintptr_t)ptr + len) & ~((uintptr_t)page - 1);
  if (end > begin) madvise((void *)begin, end - begin, MADV_DONTNEED);
}
