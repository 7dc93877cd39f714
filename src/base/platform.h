/* Compiler and platform portability macros for the library's private
 * headers (the public header, include/oar/oar.h, has its own OAR_API). */
#ifndef OAR_BASE_PLATFORM_H
#define OAR_BASE_PLATFORM_H

/* printf-style format checking of a function's arguments: fmt is argument
 * `fmt_index` (from 1), the values start at `first_arg`. mingw-w64 builds
 * with __USE_MINGW_ANSI_STDIO (C99 printf: %zu, %lld), which its headers
 * check as gnu_printf; compilers without the attribute get nothing. */
#if defined(__MINGW32__)
#define OAR_PRINTF_FMT(fmt_index, first_arg) __attribute__((format(gnu_printf, fmt_index, first_arg)))
#elif defined(__GNUC__) || defined(__clang__)
#define OAR_PRINTF_FMT(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#else
#define OAR_PRINTF_FMT(fmt_index, first_arg)
#endif

#endif
