#define _POSIX_C_SOURCE 200809L
#include "base/file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#if defined(_WIN32)
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "base/alloc.h"

/* stat with a 64-bit size on every platform (mingw's plain stat has a
 * 32-bit st_size). */
#if defined(_WIN32)
typedef struct _stat64 file_stat;
static int stat_path(const char *path, file_stat *st) { return _stat64(path, st); }
#define IS_DIR(m) (((m)&_S_IFMT) == _S_IFDIR)
#define IS_REG(m) (((m)&_S_IFMT) == _S_IFREG)
#else
typedef struct stat file_stat;
static int stat_path(const char *path, file_stat *st) { return stat(path, st); }
#define IS_DIR(m) S_ISDIR(m)
#define IS_REG(m) S_ISREG(m)
#endif

int oar_path_info_get(const char *path, oar_path_info *info) {
  file_stat st;
  if (stat_path(path, &st) != 0) return 0;
  info->size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
  info->is_dir = IS_DIR(st.st_mode);
  info->is_file = IS_REG(st.st_mode);
  return 1;
}

oar_status oar_file_read(const char *path, oar_bytes *out, oar_error *err) {
  file_stat st;
  if (stat_path(path, &st) != 0)
    return oar_error_set(err, OAR_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
  if (IS_DIR(st.st_mode)) return oar_error_set(err, OAR_ERR_IO, "'%s' is a directory, expected a file", path);
  if ((uint64_t)st.st_size > (uint64_t)SIZE_MAX)
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "'%s' is too large to read into memory", path);
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
  if (b->mapped) {
#if defined(_WIN32)
    UnmapViewOfFile(b->data);
#else
    munmap(b->data, b->size);
#endif
  } else {
    oar_free(b->data);
  }
  b->mapped = 0;
  b->data = NULL;
  b->size = 0;
}

int oar_file_seek(FILE *f, uint64_t offset) {
#if defined(_WIN32)
  if (offset > (uint64_t)INT64_MAX) return -1;
  return _fseeki64(f, (__int64)offset, SEEK_SET);
#else
  if (offset > (uint64_t)INT64_MAX || (off_t)offset < 0 || (uint64_t)(off_t)offset != offset) return -1;
  return fseeko(f, (off_t)offset, SEEK_SET);
#endif
}

int oar_path_is_dir(const char *path) {
  oar_path_info info;
  return oar_path_info_get(path, &info) && info.is_dir;
}

int oar_path_is_file(const char *path) {
  oar_path_info info;
  return oar_path_info_get(path, &info) && info.is_file;
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
#if defined(_WIN32)
  const char *back = strrchr(path, '\\');
  if (back && (!slash || back > slash)) slash = back;
#endif
  if (!slash) return oar_strdup(".");
  if (slash == path) return oar_strdup("/");
  return oar_strndup(path, (size_t)(slash - path));
}

/* Maps `size` bytes of the file read-only; NULL when it cannot. */
static void *map_file(const char *path, size_t size) {
#if defined(_WIN32)
  HANDLE file = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                            OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
  if (file == INVALID_HANDLE_VALUE) return NULL;
  HANDLE mapping = CreateFileMappingA(file, NULL, PAGE_READONLY, 0, 0, NULL);
  CloseHandle(file);
  if (!mapping) return NULL;
  void *view = MapViewOfFile(mapping, FILE_MAP_READ, 0, 0, size);
  CloseHandle(mapping); /* the view keeps the mapping alive */
  return view;
#else
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  return map == MAP_FAILED ? NULL : map;
#endif
}

oar_status oar_file_map(const char *path, oar_bytes *out, oar_error *err) {
  file_stat st;
  if (stat_path(path, &st) != 0)
    return oar_error_set(err, OAR_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
  if (!IS_REG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > (uint64_t)SIZE_MAX)
    return oar_file_read(path, out, err);
  void *map = map_file(path, (size_t)st.st_size);
  if (!map) return oar_file_read(path, out, err);
  out->data = map;
  out->size = (size_t)st.st_size;
  out->mapped = 1;
  return OAR_OK;
}

void oar_bytes_release(const oar_bytes *b, const void *ptr, size_t len) {
  if (!b || !b->mapped || !len) return;
#if defined(_WIN32)
  /* A read-only view's pages are the file's: Windows trims them from the
   * working set by itself, and has no call that drops a part of a view. */
  (void)ptr;
#else
  const long page = sysconf(_SC_PAGESIZE);
  if (page <= 0) return;
  uintptr_t begin = ((uintptr_t)ptr + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
  uintptr_t end = ((uintptr_t)ptr + len) & ~((uintptr_t)page - 1);
  if (end > begin) madvise((void *)begin, end - begin, MADV_DONTNEED);
#endif
}
