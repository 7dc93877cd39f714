/* Shared helpers of the `oar` command line program: error reporting, option
 * scanning, number and shape parsing, opening a predictor. Uses only the
 * public API. */
#ifndef OAR_TOOLS_CLI_H
#define OAR_TOOLS_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "oar/oar.h"
#include "portable.h"

/* Process exit codes: a failure of the model or its data is 1, a command
 * line the program cannot understand is 2. */
enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2 };

/* Prints "oar: <message>\n" to stderr. Returns CLI_EXIT_FAIL. */
int cli_fail(const char *fmt, ...) OAR_PRINTF_FMT(1, 2);

/* Prints "oar: <message>" and a hint to run `oar help <command>`. Returns
 * CLI_EXIT_USAGE. */
int cli_usage(const char *command, const char *fmt, ...) OAR_PRINTF_FMT(2, 3);

/* Prints "oar: <context>: <library message>" for a failed call on
 * `predictor` (its last error, else the thread's last error, else the
 * status name). Returns CLI_EXIT_FAIL. */
int cli_fail_predictor(const oar_predictor *predictor, oar_status status, const char *context);

/* Scans argv for command options. `argv[*i]` is the current word. */
typedef struct cli_opt_scan {
  int argc;
  char **argv;
  int i;
  const char *command; /* for usage messages */
  int bad;             /* set when an option lacked its value */
} cli_opt_scan;

/* If the current word is `--name VALUE` or `--name=VALUE`, consumes it,
 * sets *value and returns 1. Returns 0 when the word is something else.
 * A `--name` with no value left sets scan->bad, prints a usage error and
 * returns 0. */
int cli_opt_value(cli_opt_scan *scan, const char *name, const char **value);

/* Parses a base-10 integer within [min, max]. Returns 0 or -1. */
int cli_parse_long(const char *s, long min, long max, long *out);

/* Parses a finite non-negative decimal number. Returns 0 or -1. */
int cli_parse_seconds(const char *s, double *out);

/* Parses "1x3x224x224" (',' also separates; "" is a scalar). Every dim must
 * be >= 0. Returns 0 or -1. */
int cli_parse_shape(const char *s, size_t *rank, int64_t dims[OAR_MAX_RANK]);

/* Splits "NAME=VALUE" at the last '=' whose left part is a name in `names`
 * (so names may themselves contain '='). Returns the index of the name, or
 * -1 when no prefix matches. *value points into s. */
int cli_split_named(const char *s, const char *const *names, size_t count, const char **value);

/* Engine switches shared by every command: --no-ir-optim,
 * --no-memory-optim, --profile, --precision float32|bfloat16, --delete-pass NAME (repeatable). Consumes the
 * current word (and its value) and returns 1 when it is one of them. They apply to every predictor
 * cli_open_predictor creates afterwards. */
int cli_engine_option(cli_opt_scan *scan);

/* With --profile: prints the `top` slowest nodes of the runs so far, with
 * the kernel each ran. Does nothing without --profile. */
int cli_print_profile(oar_predictor *predictor, size_t top);

/* Creates a config for model/params/threads (threads <= 0: library
 * default) and a predictor from it. On failure prints the library's message
 * (prefixed with the model path when the message lacks it) and returns
 * CLI_EXIT_FAIL. */
int cli_open_predictor(const char *model, const char *params, int threads, oar_predictor **out);

/* The same without printing: the status, and the message in `message`. */
oar_status cli_try_open_predictor(const char *model, const char *params, int threads, oar_predictor **out,
                                  char *message, size_t size);

/* Collects input (which=0) or output (which=1) names. *names is malloc'ed
 * (free it); the strings belong to the predictor. Prints and returns
 * CLI_EXIT_FAIL on failure. */
int cli_tensor_names(oar_predictor *predictor, int which, const char ***names, size_t *count);

/* "float32", or "dtype(n)" for values this build does not name. */
const char *cli_dtype_name(oar_dtype dtype);

/* Seconds of a monotonic clock. */
double cli_now(void);

/* Formats n with thousands separators ("25,557,032") into buf. */
char *cli_group_digits(uint64_t n, char *buf, size_t buflen);

/* Formats a byte count as "97.5 MiB" into buf. */
char *cli_human_bytes(uint64_t n, char *buf, size_t buflen);

#endif
