/* Shared helpers of the `oar` command line program. */
#define _POSIX_C_SOURCE 200809L

#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int cli_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("oar: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return CLI_EXIT_FAIL;
}

int cli_usage(const char *command, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("oar: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  if (command != NULL) {
    fprintf(stderr, "usage: see 'oar help %s'\n", command);
  } else {
    fputs("usage: see 'oar help'\n", stderr);
  }
  return CLI_EXIT_USAGE;
}

/* The most specific message available for a failed call. */
static const char *library_message(const char *handle_msg, oar_status status) {
  if (handle_msg != NULL && handle_msg[0] != '\0') return handle_msg;
  const char *last = oar_last_error();
  if (last != NULL && last[0] != '\0') return last;
  return oar_status_string(status);
}

int cli_fail_predictor(const oar_predictor *predictor, oar_status status, const char *context) {
  const char *msg = library_message(predictor ? oar_predictor_last_error(predictor) : NULL, status);
  return cli_fail("%s: %s", context, msg);
}

int cli_opt_value(cli_opt_scan *scan, const char *name, const char **value) {
  const char *word = scan->argv[scan->i];
  size_t len = strlen(name);
  if (strncmp(word, name, len) != 0) return 0;
  if (word[len] == '=') {
    *value = word + len + 1;
    scan->i++;
    return 1;
  }
  if (word[len] != '\0') return 0;
  if (scan->i + 1 >= scan->argc) {
    cli_usage(scan->command, "option %s needs a value", name);
    scan->bad = 1;
    return 0;
  }
  *value = scan->argv[scan->i + 1];
  scan->i += 2;
  return 1;
}

int cli_parse_long(const char *s, long min, long max, long *out) {
  if (s == NULL || *s == '\0') return -1;
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno != 0 || *end != '\0' || v < min || v > max) return -1;
  *out = v;
  return 0;
}

int cli_parse_seconds(const char *s, double *out) {
  if (s == NULL || *s == '\0') return -1;
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno != 0 || *end != '\0' || !isfinite(v) || v < 0) return -1;
  *out = v;
  return 0;
}

int cli_parse_shape(const char *s, size_t *rank, int64_t dims[OAR_MAX_RANK]) {
  size_t r = 0;
  const char *p = s;
  if (*p == '\0') {
    *rank = 0;
    return 0;
  }
  for (;;) {
    if (*p < '0' || *p > '9') return -1;
    int64_t v = 0;
    while (*p >= '0' && *p <= '9') {
      int digit = *p - '0';
      if (v > (INT64_MAX - digit) / 10) return -1;
      v = v * 10 + digit;
      p++;
    }
    if (r >= OAR_MAX_RANK) return -1;
    dims[r++] = v;
    if (*p == '\0') break;
    if (*p != 'x' && *p != 'X' && *p != ',') return -1;
    p++;
  }
  *rank = r;
  return 0;
}

int cli_split_named(const char *s, const char *const *names, size_t count, const char **value) {
  int found = -1;
  for (const char *eq = strchr(s, '='); eq != NULL; eq = strchr(eq + 1, '=')) {
    size_t len = (size_t)(eq - s);
    for (size_t k = 0; k < count; k++) {
      if (strlen(names[k]) == len && strncmp(names[k], s, len) == 0) {
        found = (int)k;
        *value = eq + 1;
      }
    }
  }
  return found;
}

/* The engine switches of this process's command line (the CLI is the
 * application here: one command, one set of switches). */
#define CLI_MAX_DELETED_PASSES 32
static struct {
  int no_ir_optim;
  int no_memory_optim;
  int profile;
  int bf16;          /* --precision bfloat16 */
  const char *trace; /* --trace FILE: the profile as Chrome trace events */
  const char *deleted[CLI_MAX_DELETED_PASSES];
  int num_deleted;
} engine;

int cli_engine_option(cli_opt_scan *scan) {
  const char *word = scan->argv[scan->i];
  const char *value;
  if (strcmp(word, "--no-ir-optim") == 0) {
    engine.no_ir_optim = 1;
    scan->i++;
    return 1;
  }
  if (strcmp(word, "--no-memory-optim") == 0) {
    engine.no_memory_optim = 1;
    scan->i++;
    return 1;
  }
  if (strcmp(word, "--profile") == 0) {
    engine.profile = 1;
    scan->i++;
    return 1;
  }
  if (cli_opt_value(scan, "--trace", &value)) {
    engine.profile = 1;
    engine.trace = value;
    return 1;
  }
  if (cli_opt_value(scan, "--precision", &value)) {
    if (strcmp(value, "bfloat16") == 0 || strcmp(value, "bf16") == 0)
      engine.bf16 = 1;
    else if (strcmp(value, "float32") == 0 || strcmp(value, "fp32") == 0)
      engine.bf16 = 0;
    else {
      fprintf(stderr, "oar %s: --precision takes float32 or bfloat16, not '%s'\n", scan->command, value);
      scan->bad = 1;
    }
    return 1;
  }
  if (cli_opt_value(scan, "--delete-pass", &value)) {
    if (engine.num_deleted < CLI_MAX_DELETED_PASSES) engine.deleted[engine.num_deleted++] = value;
    return 1;
  }
  return 0;
}

oar_status cli_try_open_predictor(const char *model, const char *params, int threads, oar_predictor **out,
                                  char *message, size_t size) {
  oar_config *config = NULL;
  oar_status st = oar_config_create(&config);
  if (st != OAR_OK) {
    snprintf(message, size, "cannot create a config: %s", library_message(NULL, st));
    return st;
  }
  st = oar_config_set_model(config, model, params);
  if (st == OAR_OK && threads > 0) st = oar_config_set_num_threads(config, threads);
  if (st == OAR_OK && engine.no_ir_optim) st = oar_config_set_ir_optim(config, 0);
  if (st == OAR_OK && engine.no_memory_optim) st = oar_config_set_memory_optim(config, 0);
  if (st == OAR_OK && engine.profile) st = oar_config_set_profile(config, 1);
  if (st == OAR_OK && engine.bf16) st = oar_config_set_precision(config, OAR_PRECISION_BFLOAT16);
  for (int k = 0; st == OAR_OK && k < engine.num_deleted; k++)
    st = oar_config_delete_pass(config, engine.deleted[k]);
  if (st == OAR_OK) st = oar_predictor_create(config, out);
  if (st != OAR_OK) {
    const char *msg = library_message(oar_config_last_error(config), st);
    /* Say which model failed unless the library already did. */
    if (strstr(msg, model) != NULL)
      snprintf(message, size, "%s", msg);
    else
      snprintf(message, size, "cannot load model %s: %s", model, msg);
  }
  oar_config_destroy(config);
  return st;
}

int cli_open_predictor(const char *model, const char *params, int threads, oar_predictor **out) {
  char message[2048];
  if (cli_try_open_predictor(model, params, threads, out, message, sizeof message) == OAR_OK)
    return CLI_EXIT_OK;
  cli_fail("%s", message);
  return CLI_EXIT_FAIL;
}

int cli_tensor_names(oar_predictor *predictor, int which, const char ***names, size_t *count) {
  size_t n = 0;
  oar_status st =
      which ? oar_predictor_output_count(predictor, &n) : oar_predictor_input_count(predictor, &n);
  if (st != OAR_OK) return cli_fail_predictor(predictor, st, which ? "output count" : "input count");
  const char **list = calloc(n ? n : 1, sizeof(*list));
  if (list == NULL) return cli_fail("out of memory");
  for (size_t i = 0; i < n; i++) {
    st = which ? oar_predictor_output_name(predictor, i, &list[i])
               : oar_predictor_input_name(predictor, i, &list[i]);
    if (st != OAR_OK) {
      free(list);
      return cli_fail_predictor(predictor, st, which ? "output name" : "input name");
    }
  }
  *names = list;
  *count = n;
  return CLI_EXIT_OK;
}

const char *cli_dtype_name(oar_dtype dtype) {
  static char unknown[32];
  const char *name = oar_dtype_name(dtype);
  if (name != NULL && name[0] != '\0') return name;
  snprintf(unknown, sizeof(unknown), "dtype(%d)", (int)dtype);
  return unknown;
}

double cli_now(void) { return portable_now_seconds(); }

char *cli_group_digits(uint64_t n, char *buf, size_t buflen) {
  char digits[32];
  int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
  size_t pos = 0;
  for (int i = 0; i < len && pos + 1 < buflen; i++) {
    if (i > 0 && (len - i) % 3 == 0 && pos + 2 < buflen) buf[pos++] = ',';
    buf[pos++] = digits[i];
  }
  if (buflen > 0) buf[pos < buflen ? pos : buflen - 1] = '\0';
  return buf;
}

char *cli_human_bytes(uint64_t n, char *buf, size_t buflen) {
  static const char *const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = (double)n;
  size_t u = 0;
  while (v >= 1024.0 && u + 1 < sizeof(kUnits) / sizeof(kUnits[0])) {
    v /= 1024.0;
    u++;
  }
  if (u == 0) {
    snprintf(buf, buflen, "%llu B", (unsigned long long)n);
  } else {
    snprintf(buf, buflen, "%.1f %s", v, kUnits[u]);
  }
  return buf;
}

/* Per-node times of the runs so far, slowest first (`--profile`). */
typedef struct profile_row {
  char node[160];
  char kernel[120];
  double seconds;
} profile_row;

static int by_seconds_desc(const void *a, const void *b) {
  const profile_row *x = a, *y = b;
  return x->seconds < y->seconds ? 1 : x->seconds > y->seconds ? -1 : 0;
}

static void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(f, "\\%c", c);
    else if (c < 0x20)
      fprintf(f, "\\u%04x", c);
    else
      fputc(c, f);
  }
  fputc('"', f);
}

/* The profile as Chrome / Perfetto trace events (chrome://tracing,
 * ui.perfetto.dev): one complete event per node, in plan order, each as long
 * as the node's mean time per run, laid end to end as one average run. The
 * engine times each step on the thread that runs the plan (a step's time
 * spans its worker threads), so every event is on that one thread. */
static int write_trace(const char *path, const profile_row *rows, size_t count, uint64_t runs, double total) {
  FILE *f = fopen(path, "w");
  if (f == NULL) return cli_fail("--trace %s: cannot open for writing", path);
  double per_run_us = runs ? 1e6 / (double)runs : 0, ts = 0;
  fputs("{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n", f);
  fputs("{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": 1, \"args\": {\"name\": \"plan\"}}",
        f);
  for (size_t i = 0; i < count; i++) {
    double dur = rows[i].seconds * per_run_us;
    fputs(",\n{\"name\": ", f);
    json_string(f, rows[i].node);
    fputs(", \"cat\": ", f);
    json_string(f, strcmp(rows[i].kernel, "reference") == 0 ? "reference" : "fast");
    fprintf(f,
            ", \"ph\": \"X\", \"pid\": 1, \"tid\": 1, \"ts\": %.3f, \"dur\": %.3f, \"args\": {\"kernel\": ",
            ts, dur);
    json_string(f, rows[i].kernel);
    fprintf(f, ", \"step\": %zu, \"share_percent\": %.3f}}", i,
            total > 0 ? 100 * rows[i].seconds / total : 0);
    ts += dur;
  }
  fprintf(f, "\n], \"otherData\": {\"runs\": %llu}}\n", (unsigned long long)runs);
  if (fclose(f) != 0) return cli_fail("--trace %s: write failed", path);
  return CLI_EXIT_OK;
}

int cli_print_profile(oar_predictor *predictor, size_t top) {
  if (!engine.profile) return CLI_EXIT_OK;
  size_t count = 0;
  uint64_t runs = 0;
  oar_status st = oar_predictor_profile_count(predictor, &count, &runs);
  if (st != OAR_OK) return cli_fail_predictor(predictor, st, "profile");
  profile_row *rows = calloc(count ? count : 1, sizeof *rows);
  if (rows == NULL) return cli_fail("out of memory");
  double total = 0;
  for (size_t i = 0; i < count; i++) {
    const char *node, *kernel;
    double seconds;
    st = oar_predictor_profile_entry(predictor, i, &node, &kernel, &seconds);
    if (st != OAR_OK) {
      free(rows);
      return cli_fail_predictor(predictor, st, "profile entry");
    }
    snprintf(rows[i].node, sizeof rows[i].node, "%s", node);
    snprintf(rows[i].kernel, sizeof rows[i].kernel, "%s", kernel);
    rows[i].seconds = seconds;
    total += seconds;
  }
  if (engine.trace != NULL) {
    int rc = write_trace(engine.trace, rows, count, runs, total);
    if (rc != CLI_EXIT_OK) {
      free(rows);
      return rc;
    }
  }
  qsort(rows, count, sizeof *rows, by_seconds_desc);
  double per_run = runs ? 1e3 / (double)runs : 0;
  printf("profile: %zu nodes, %.3f ms per run in nodes (%llu runs); slowest first:\n", count, total * per_run,
         (unsigned long long)runs);
  for (size_t i = 0; i < count && i < top; i++)
    printf("  %8.3f ms %5.1f%%  %s  [%s]\n", rows[i].seconds * per_run,
           total > 0 ? 100 * rows[i].seconds / total : 0, rows[i].node, rows[i].kernel);
  /* The performance cliffs: time on reference kernels, which a fast path
   * should replace wherever a real model spends it. */
  size_t ref_nodes = 0;
  double ref_seconds = 0, ref_worst = 0;
  const char *worst = NULL;
  for (size_t i = 0; i < count; i++) {
    if (strcmp(rows[i].kernel, "reference") != 0) continue;
    ref_nodes++;
    ref_seconds += rows[i].seconds;
    if (rows[i].seconds > ref_worst) ref_worst = rows[i].seconds, worst = rows[i].node;
  }
  if (ref_nodes)
    printf("reference kernels: %zu of %zu nodes, %.1f%% of node time; slowest: %s (%.1f%%)\n", ref_nodes,
           count, total > 0 ? 100 * ref_seconds / total : 0, worst, total > 0 ? 100 * ref_worst / total : 0);
  else
    printf("reference kernels: none\n");
  free(rows);
  return CLI_EXIT_OK;
}
