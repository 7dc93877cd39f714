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

#endif
