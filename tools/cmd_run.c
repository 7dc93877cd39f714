/* `oar run`: feed .npy inputs, run once, print and save the outputs. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "cli.h"
#include "commands.h"
#include "convert.h"
#include "npy.h"
#include "show.h"
#include "portable.h"

typedef struct run_args {
  const char *model;
  const char *params;
  const char *output_dir;
  int threads;
  long repeat;         /* --repeat: runs (0: not given, one run) */
  const char **inputs; /* the --input values, argv order */
  size_t input_count;
} run_args;

static int parse_args(int argc, char **argv, run_args *a) {
  cli_opt_scan scan = {argc, argv, 0, "run", 0};
  const char *value;
  long n;
  while (scan.i < argc) {
    const char *word = argv[scan.i];
    if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0) {
      cmd_print_help("run");
      return -1;
    }
    if (cli_opt_value(&scan, "--params", &value)) {
      a->params = value;
    } else if (!scan.bad && cli_opt_value(&scan, "--input", &value)) {
      a->inputs[a->input_count++] = value;
    } else if (!scan.bad && cli_opt_value(&scan, "--output-dir", &value)) {
      a->output_dir = value;
    } else if (!scan.bad && cli_engine_option(&scan)) {
      continue;
    } else if (!scan.bad && cli_opt_value(&scan, "--threads", &value)) {
      if (cli_parse_long(value, 1, 1024, &n) != 0) {
        return cli_usage("run", "--threads takes a whole number from 1 to 1024, not '%s'", value);
      }
      a->threads = (int)n;
    } else if (!scan.bad && cli_opt_value(&scan, "--repeat", &value)) {
      if (cli_parse_long(value, 1, 1000000, &a->repeat) != 0) {
        return cli_usage("run", "--repeat takes a whole number from 1 to 1000000, not '%s'", value);
      }
    } else if (scan.bad) {
      return CLI_EXIT_USAGE;
    } else if (word[0] == '-' && word[1] != '\0') {
      return cli_usage("run", "unknown option '%s'", word);
    } else if (a->model == NULL) {
      a->model = word;
      scan.i++;
    } else {
      return cli_usage("run", "unexpected argument '%s' (inputs are given with --input)", word);
    }
  }
  if (scan.bad) return CLI_EXIT_USAGE;
  if (a->model == NULL) return cli_usage("run", "run needs a MODEL");
  if (a->input_count == 0) return cli_usage("run", "run needs --input NAME=FILE.npy for each model input");
  return CLI_EXIT_OK;
}

static void print_names(FILE *f, const char *const *names, size_t count) {
  for (size_t i = 0; i < count; i++) fprintf(f, "%s%s", i ? ", " : "", names[i]);
}

/* Matches each --input to a model input: paths[k] is the file of input k. */
static int resolve_inputs(const run_args *a, const char *const *names, size_t count, const char **paths) {
  for (size_t j = 0; j < a->input_count; j++) {
    const char *path = NULL;
    int k = cli_split_named(a->inputs[j], names, count, &path);
    if (k < 0 && count == 1) {
      k = 0;
      path = a->inputs[j];
    }
    if (k < 0) {
      fprintf(stderr, "oar: --input '%s' does not start with a model input name and '='; the inputs are: ",
              a->inputs[j]);
      print_names(stderr, names, count);
      fputs("\nusage: see 'oar help run'\n", stderr);
      return CLI_EXIT_USAGE;
    }
    if (paths[k] != NULL) return cli_usage("run", "input '%s' is given twice", names[k]);
    paths[k] = path;
  }
  for (size_t k = 0; k < count; k++) {
    if (paths[k] == NULL)
      return cli_usage("run", "input '%s' has no --input %s=FILE.npy", names[k], names[k]);
  }
  return CLI_EXIT_OK;
}

/* Reads one .npy file and copies it into the model input `name`, converting
 * the dtype when the file's differs from the input's. */
static int feed_input(oar_predictor *predictor, const char *name, const char *path) {
  char err[1024];
  oar_npy npy;
  if (oar_npy_read(path, &npy, err, sizeof(err)) != 0) return cli_fail("input %s: %s", name, err);
  oar_tensor *t = NULL;
  oar_dtype want = OAR_DTYPE_UNKNOWN;
  oar_status st = oar_predictor_get_input(predictor, name, &t);
  if (st == OAR_OK) st = oar_tensor_dtype(t, &want);
  if (st != OAR_OK) {
    oar_npy_free(&npy);
    return cli_fail_predictor(predictor, st, name);
  }
  const void *data = npy.data;
  size_t bytes = npy.bytes;
  void *converted = NULL;
  if (want != npy.dtype && want != OAR_DTYPE_UNKNOWN) {
    if (cli_convert(&npy, want, &converted, &bytes, err, sizeof(err)) != 0) {
      oar_npy_free(&npy);
      return cli_fail("input %s from %s: %s", name, path, err);
    }
    fprintf(stderr, "oar: note: input %s: converted %s data from %s to %s\n", name, oar_dtype_name(npy.dtype),
            path, oar_dtype_name(want));
    data = converted;
  }
  st = oar_tensor_reshape(t, npy.rank, npy.dims);
  if (st == OAR_OK)
    st = oar_tensor_copy_from_host(t, want != OAR_DTYPE_UNKNOWN ? want : npy.dtype, data, bytes);
  free(converted);
  oar_npy_free(&npy);
  if (st != OAR_OK) {
    char context[1200];
    snprintf(context, sizeof(context), "input %s from %s", name, path);
    return cli_fail_predictor(predictor, st, context);
  }
  return CLI_EXIT_OK;
}

/* mkdir -p. */
static int make_dirs(const char *dir) {
  size_t len = strlen(dir);
  char *path = malloc(len + 1);
  if (path == NULL) return cli_fail("out of memory");
  memcpy(path, dir, len + 1);
  for (size_t i = 1; i <= len; i++) {
    if (path[i] != '/' && path[i] != '\0') continue;
    char saved = path[i];
    path[i] = '\0';
    if (portable_mkdir(path) != 0 && errno != EEXIST) {
      int e = errno;
      cli_fail("cannot create output directory %s: %s", path, strerror(e));
      free(path);
      return CLI_EXIT_FAIL;
    }
    path[i] = saved;
  }
  free(path);
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    return cli_fail("output directory %s is not a directory", dir);
  return CLI_EXIT_OK;
}

/* The output's file name: unsafe characters become '_'; a name already
 * taken by an earlier output gets "_<index>" appended. */
static char *output_file_name(const char *name, size_t index, char **taken, size_t taken_count) {
  size_t len = strlen(name);
  char *s = malloc(len + 32);
  if (s == NULL) return NULL;
  for (size_t i = 0; i < len; i++) {
    char c = name[i];
    int safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
               c == '_' || c == '-';
    s[i] = safe ? c : '_';
  }
  s[len] = '\0';
  if (len == 0) snprintf(s, len + 32, "output");
  for (size_t j = 0; j < taken_count; j++) {
    if (strcmp(taken[j], s) == 0) {
      snprintf(s + strlen(s), 24, "_%zu", index);
      break;
    }
  }
  return s;
}

static int write_output(const char *dir, const char *file, const char *name, oar_dtype dtype, size_t rank,
                        const int64_t *dims, const void *data, size_t bytes) {
  size_t len = strlen(dir) + strlen(file) + 8;
  char *path = malloc(len);
  if (path == NULL) return cli_fail("out of memory");
  snprintf(path, len, "%s/%s.npy", dir, file);
  char err[1024];
  int rc = CLI_EXIT_OK;
  if (oar_npy_dtype_size(dtype) == 0) {
    rc = cli_fail("output %s: dtype %s cannot be saved as .npy", name, cli_dtype_name(dtype));
  } else if (oar_npy_write(path, dtype, rank, dims, data, bytes, err, sizeof(err)) != 0) {
    rc = cli_fail("output %s: %s", name, err);
  } else {
    printf("  saved %s\n", path);
  }
  free(path);
  return rc;
}

static int show_outputs(oar_predictor *predictor, const char *output_dir) {
  const char **names = NULL;
  size_t count = 0;
  int rc = cli_tensor_names(predictor, 1, &names, &count);
  if (rc != CLI_EXIT_OK) return rc;
  char **files = calloc(count ? count : 1, sizeof(*files));
  if (files == NULL) {
    free(names);
    return cli_fail("out of memory");
  }
  for (size_t i = 0; i < count && rc == CLI_EXIT_OK; i++) {
    oar_tensor *t = NULL;
    oar_dtype dtype = OAR_DTYPE_UNKNOWN;
    size_t rank = 0, elements = 0;
    int64_t dims[OAR_MAX_RANK];
    const void *data = NULL;
    oar_status st = oar_predictor_get_output(predictor, names[i], &t);
    if (st == OAR_OK) st = oar_tensor_dtype(t, &dtype);
    if (st == OAR_OK) st = oar_tensor_shape(t, &rank, dims, OAR_MAX_RANK);
    if (st == OAR_OK) st = oar_tensor_data(t, &data);
    if (st != OAR_OK) {
      rc = cli_fail_predictor(predictor, st, names[i]);
      break;
    }
    size_t esize = oar_dtype_size(dtype);
    if (rank > OAR_MAX_RANK || oar_npy_element_count(rank, dims, &elements) != 0 ||
        (esize && elements > SIZE_MAX / esize)) {
      rc = cli_fail("output %s: the library reported an impossible shape", names[i]);
      break;
    }
    cli_show_tensor(names[i], dtype, rank, dims, data);
    if (output_dir != NULL) {
      files[i] = output_file_name(names[i], i, files, i);
      if (files[i] == NULL) {
        rc = cli_fail("out of memory");
        break;
      }
      rc = write_output(output_dir, files[i], names[i], dtype, rank, dims, data, elements * esize);
    }
  }
  for (size_t i = 0; i < count; i++) free(files[i]);
  free(files);
  free(names);
  return rc;
}

int cmd_run(int argc, char **argv) {
  run_args a;
  memset(&a, 0, sizeof(a));
  a.inputs = calloc(argc > 0 ? (size_t)argc : 1, sizeof(*a.inputs));
  if (a.inputs == NULL) return cli_fail("out of memory");
  int rc = parse_args(argc, argv, &a);
  if (rc != CLI_EXIT_OK) {
    free(a.inputs);
    return rc < 0 ? CLI_EXIT_OK : rc; /* -1: help was printed */
  }

  oar_predictor *predictor = NULL;
  const char **names = NULL;
  const char **paths = NULL;
  size_t count = 0;
  rc = cli_open_predictor(a.model, a.params, a.threads, &predictor);
  if (rc == CLI_EXIT_OK) rc = cli_tensor_names(predictor, 0, &names, &count);
  if (rc == CLI_EXIT_OK) {
    paths = calloc(count ? count : 1, sizeof(*paths));
    if (paths == NULL) rc = cli_fail("out of memory");
  }
  if (rc == CLI_EXIT_OK) rc = resolve_inputs(&a, names, count, paths);
  for (size_t k = 0; k < count && rc == CLI_EXIT_OK; k++) rc = feed_input(predictor, names[k], paths[k]);
  if (rc == CLI_EXIT_OK && a.output_dir != NULL) rc = make_dirs(a.output_dir);
  if (rc == CLI_EXIT_OK) {
    oar_status st = OAR_OK;
    double ms = 0;
    for (long r = 0; r < (a.repeat > 1 ? a.repeat : 1) && st == OAR_OK; r++) {
      double start = cli_now();
      st = oar_predictor_run(predictor);
      double took = (cli_now() - start) * 1e3;
      if (r == 0 || took < ms) ms = took;
    }
    if (st != OAR_OK) {
      rc = cli_fail_predictor(predictor, st, "run");
    } else {
      if (a.repeat > 1)
        printf("ran %s %ld times, fastest in %.3f ms\n", a.model, a.repeat, ms);
      else
        printf("ran %s in %.3f ms\n", a.model, ms);
      rc = show_outputs(predictor, a.output_dir);
      if (rc == CLI_EXIT_OK) rc = cli_print_profile(predictor, (size_t)-1);
    }
  }
  free(paths);
  free(names);
  free(a.inputs);
  oar_predictor_destroy(predictor);
  return rc;
}
