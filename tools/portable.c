/* tools/portable.h, built into oar_npy (the tools and the tests link it). */
#if !defined(_WIN32)
#define _POSIX_C_SOURCE 200809L
#endif
#include "portable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(_WIN32)
#define WIN32_LEAN_AND_MEAN
#include <direct.h>
#include <io.h>
#include <windows.h>
#else
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#endif

/* Seconds on a monotonic clock (for durations). */
double portable_now_seconds(void) {
#if defined(_WIN32)
  LARGE_INTEGER freq, now;
  QueryPerformanceFrequency(&freq);
  QueryPerformanceCounter(&now);
  return (double)now.QuadPart / (double)freq.QuadPart;
#else
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
#endif
}

/* setenv(name, value, 1) / unsetenv(name); 0 on success. */
int portable_setenv(const char *name, const char *value) {
#if defined(_WIN32)
  return _putenv_s(name, value);
#else
  return setenv(name, value, 1);
#endif
}

int portable_unsetenv(const char *name) {
#if defined(_WIN32)
  return _putenv_s(name, ""); /* an empty value removes the variable */
#else
  return unsetenv(name);
#endif
}

/* mkdir with mode 0777 (less the umask) where modes exist; 0 on success,
 * -1 with errno otherwise. */
int portable_mkdir(const char *path) {
#if defined(_WIN32)
  return _mkdir(path);
#else
  return mkdir(path, 0777);
#endif
}

/* mkdtemp: replaces the trailing XXXXXX of tmpl and creates that
 * directory; tmpl, or NULL on failure. */
char *portable_mkdtemp(char *tmpl) {
#if defined(_WIN32)
  for (int tries = 0; tries < 100; tries++) {
    char attempt[1024];
    snprintf(attempt, sizeof attempt, "%s", tmpl);
    if (!_mktemp(attempt)) return NULL;
    if (_mkdir(attempt) == 0) {
      snprintf(tmpl, strlen(tmpl) + 1, "%s", attempt);
      return tmpl;
    }
  }
  return NULL;
#else
  return mkdtemp(tmpl);
#endif
}

/* The directory for temporary files: $TMPDIR, else /tmp (on Windows
 * $TEMP / $TMP, else the current directory). */
const char *portable_tmpdir(void) {
  const char *d = getenv("TMPDIR");
#if defined(_WIN32)
  if (!d || !d[0]) d = getenv("TEMP");
  if (!d || !d[0]) d = getenv("TMP");
  if (!d || !d[0]) d = ".";
#else
  if (!d || !d[0]) d = "/tmp";
#endif
  return d;
}

int portable_remove_tree(const char *path) {
  char cmd[2048];
#if defined(_WIN32)
  char native[1024];
  size_t n = strlen(path);
  if (n >= sizeof native) return -1;
  for (size_t i = 0; i <= n; i++) native[i] = path[i] == '/' ? '\\' : path[i];
  snprintf(cmd, sizeof cmd, "rmdir /s /q \"%s\"", native);
#else
  if (strchr(path, '\'')) return -1;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
#endif
  return system(cmd) == 0 ? 0 : -1;
}
