/* Portability helpers of the command line program and the tests (which use
 * the public API and libc only): printf format checking, a monotonic clock,
 * setenv/unsetenv, mkdir, temporary files, on POSIX systems and on Windows
 * (mingw-w64; built and run under wine by scripts/cross-test.sh windows). */
#ifndef OAR_TOOLS_PORTABLE_H
#define OAR_TOOLS_PORTABLE_H

#ifndef OAR_PRINTF_FMT
#if defined(__MINGW32__)
#define OAR_PRINTF_FMT(fmt_index, first_arg) __attribute__((format(gnu_printf, fmt_index, first_arg)))
#elif defined(__GNUC__) || defined(__clang__)
#define OAR_PRINTF_FMT(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#else
#define OAR_PRINTF_FMT(fmt_index, first_arg)
#endif
#endif

/* Seconds on a monotonic clock (for durations). */
double portable_now_seconds(void);
/* setenv(name, value, 1) / unsetenv(name); 0 on success. */
int portable_setenv(const char *name, const char *value);
int portable_unsetenv(const char *name);
/* mkdir with mode 0777 (less the umask) where modes exist; 0 on success,
 * -1 with errno otherwise. */
int portable_mkdir(const char *path);
/* mkdtemp: replaces the trailing XXXXXX of tmpl and creates that
 * directory; tmpl, or NULL on failure. */
char *portable_mkdtemp(char *tmpl);
/* The directory for temporary files: $TMPDIR, else /tmp (on Windows
 * $TEMP / $TMP, else the current directory). */
const char *portable_tmpdir(void);
/* Removes a directory and everything in it (rm -rf; rmdir /s /q on
 * Windows); 0 on success. */
int portable_remove_tree(const char *path);

#endif
