/* `oar info`: what a model takes, gives and holds. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "npy.h"

/* Prints "  name  dtype  [shape]" for each input (which=0) or output. */
static int print_tensors(oar_predictor *predictor, int which) {
  const char **names = NULL;
  size_t count = 0;
  int rc = cli_tensor_names(predictor, which, &names, &count);
  if (rc != CLI_EXIT_OK) return rc;
  printf("%s (%zu):\n", which ? "outputs" : "inputs", count);
  size_t width = 0;
  for (size_t i = 0; i < count; i++) {
    if (strlen(names[i]) > width) width = strlen(names[i]);
  }
  for (size_t i = 0; i < count; i++) {
    oar_tensor *t = NULL;
    oar_status st = which ? oar_predictor_get_output(predictor, names[i], &t)
                          : oar_predictor_get_input(predictor, names[i], &t);
    oar_dtype dtype = OAR_DTYPE_UNKNOWN;
    size_t rank = 0;
    int64_t dims[OAR_MAX_RANK];
    if (st == OAR_OK) st = oar_tensor_dtype(t, &dtype);
    if (st == OAR_OK) st = oar_tensor_shape(t, &rank, dims, OAR_MAX_RANK);
    if (st != OAR_OK) {
      free(names);
      return cli_fail_predictor(predictor, st, names[i]);
    }
    char shape[200];
    printf("  %-*s  %-8s %s\n", (int)width, names[i], cli_dtype_name(dtype),
           oar_npy_shape_string(rank, dims, shape, sizeof(shape)));
  }
  free(names);
  return CLI_EXIT_OK;
}

static int print_ops(oar_predictor *predictor) {
  size_t types = 0;
  oar_status st = oar_predictor_op_type_count(predictor, &types);
  if (st != OAR_OK) return cli_fail_predictor(predictor, st, "op types");
  size_t total = 0, width = 0;
  for (size_t i = 0; i < types; i++) {
    const char *type;
    size_t nodes;
    st = oar_predictor_op_type(predictor, i, &type, &nodes);
    if (st != OAR_OK) return cli_fail_predictor(predictor, st, "op type");
    total += nodes;
    if (strlen(type) > width) width = strlen(type);
  }
  printf("ops: %zu nodes of %zu types\n", total, types);
  for (size_t i = 0; i < types; i++) {
    const char *type;
    size_t nodes;
    st = oar_predictor_op_type(predictor, i, &type, &nodes);
    if (st != OAR_OK) return cli_fail_predictor(predictor, st, "op type");
    printf("  %-*s %6zu\n", (int)width, type, nodes);
  }
  return CLI_EXIT_OK;
}

static int print_params(oar_predictor *predictor) {
  size_t tensors = 0;
  uint64_t elements = 0, bytes = 0;
  oar_status st = oar_predictor_param_stats(predictor, &tensors, &elements, &bytes);
  if (st != OAR_OK) return cli_fail_predictor(predictor, st, "parameter stats");
  char e[40], b[40], h[40];
  printf("parameters: %zu tensors, %s elements, %s bytes (%s)\n", tensors,
         cli_group_digits(elements, e, sizeof(e)), cli_group_digits(bytes, b, sizeof(b)),
         cli_human_bytes(bytes, h, sizeof(h)));
  return CLI_EXIT_OK;
}

/* What each optimization pass did (`--passes`). */
static int print_passes(oar_predictor *predictor) {
  size_t count = 0;
  oar_status st = oar_predictor_pass_count(predictor, &count);
  if (st != OAR_OK) return cli_fail_predictor(predictor, st, "pass count");
  if (count == 0) {
    printf("passes: none ran (IR optimization is off)\n");
    return CLI_EXIT_OK;
  }
  printf("passes (%zu, in pipeline order):\n", count);
  for (size_t i = 0; i < count; i++) {
    const char *name, *notes;
    int fired;
    st = oar_predictor_pass_report(predictor, i, &name, &fired, &notes);
    if (st != OAR_OK) return cli_fail_predictor(predictor, st, "pass report");
    if (fired < 0) {
      printf("  %-32s deleted\n", name);
      continue;
    }
    printf("  %-32s fired %d\n", name, fired);
    if (notes[0]) printf("    not applied: %s\n", notes);
  }
  return CLI_EXIT_OK;
}

/* Input shapes given with --shape NAME=AxB (for --memory). */
#define INFO_MAX_SHAPES 16
static const char *given_shapes[INFO_MAX_SHAPES];
static size_t num_given_shapes;

/* Plans the model for its declared input shapes (-1 taken as 1, or the
 * --shape given), runs it once on zeros and prints the planned activation
 * memory (`--memory`). */
static int print_memory(oar_predictor *predictor) {
  const char **names = NULL;
  size_t count = 0;
  int rc = cli_tensor_names(predictor, 0, &names, &count);
  if (rc != CLI_EXIT_OK) return rc;
  for (size_t i = 0; i < count && rc == CLI_EXIT_OK; i++) {
    oar_tensor *t = NULL;
    oar_dtype dtype = OAR_DTYPE_UNKNOWN;
    size_t rank = 0;
    int64_t dims[OAR_MAX_RANK];
    oar_status st = oar_predictor_get_input(predictor, names[i], &t);
    if (st == OAR_OK) st = oar_tensor_dtype(t, &dtype);
    if (st == OAR_OK) st = oar_tensor_shape(t, &rank, dims, OAR_MAX_RANK);
    for (size_t g = 0; g < num_given_shapes; g++) {
      const char *value = NULL;
      const char *one[1] = {names[i]};
      if (cli_split_named(given_shapes[g], one, 1, &value) == 0 && cli_parse_shape(value, &rank, dims) != 0) {
        free(names);
        return cli_usage("info", "--shape: '%s' is not a shape like 1x128", value);
      }
    }
    size_t numel = 1;
    for (size_t d = 0; d < rank; d++) {
      if (dims[d] < 0) dims[d] = 1;
      numel *= (size_t)dims[d];
    }
    if (st == OAR_OK) st = oar_tensor_reshape(t, rank, dims);
    void *zeros = calloc(numel ? numel : 1, oar_dtype_size(dtype) ? oar_dtype_size(dtype) : 1);
    if (zeros == NULL) {
      free(names);
      return cli_fail("out of memory");
    }
    if (st == OAR_OK) st = oar_tensor_copy_from_host(t, dtype, zeros, numel * oar_dtype_size(dtype));
    free(zeros);
    if (st != OAR_OK) rc = cli_fail_predictor(predictor, st, names[i]);
  }
  free(names);
  if (rc != CLI_EXIT_OK) return rc;
  oar_status st = oar_predictor_run(predictor);
  if (st != OAR_OK) return cli_fail_predictor(predictor, st, "run for --memory");
  uint64_t arena = 0, naive = 0, live = 0;
  st = oar_predictor_memory_stats(predictor, &arena, &naive, &live);
  if (st != OAR_OK) return cli_fail_predictor(predictor, st, "memory stats");
  char a[40], n[40], l[40];
  printf("activation memory (%s):\n",
         num_given_shapes ? "shapes from --shape, else declared with -1 as 1" : "declared shapes, -1 as 1");
  printf("  planned arena      %s\n", cli_human_bytes(arena, a, sizeof(a)));
  printf("  naive sum          %s (planned is %.1f%% of it)\n", cli_human_bytes(naive, n, sizeof(n)),
         naive ? 100.0 * (double)arena / (double)naive : 0.0);
  printf("  largest live set   %s (planned is %.2fx of it)\n", cli_human_bytes(live, l, sizeof(l)),
         live ? (double)arena / (double)live : 0.0);
  return CLI_EXIT_OK;
}

int cmd_info(int argc, char **argv) {
  const char *model = NULL, *params = NULL, *value;
  int want_passes = 0, want_memory = 0;
  cli_opt_scan scan = {argc, argv, 0, "info", 0};
  while (scan.i < argc) {
    const char *word = argv[scan.i];
    if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0) {
      cmd_print_help("info");
      return CLI_EXIT_OK;
    }
    if (cli_opt_value(&scan, "--params", &value)) {
      params = value;
      continue;
    }
    if (strcmp(word, "--passes") == 0 || strcmp(word, "--memory") == 0) {
      *(word[2] == 'p' ? &want_passes : &want_memory) = 1;
      scan.i++;
      continue;
    }
    if (!scan.bad && cli_engine_option(&scan)) continue;
    if (!scan.bad && cli_opt_value(&scan, "--shape", &value)) {
      if (strchr(value, '=') == NULL || num_given_shapes == INFO_MAX_SHAPES)
        return cli_usage("info", "--shape takes NAME=AxBxC (at most %d), not '%s'", INFO_MAX_SHAPES, value);
      given_shapes[num_given_shapes++] = value;
      continue;
    }
    if (scan.bad) return CLI_EXIT_USAGE;
    if (word[0] == '-' && word[1] != '\0') return cli_usage("info", "unknown option '%s'", word);
    if (model == NULL) {
      model = word;
    } else if (params == NULL) {
      params = word;
    } else {
      return cli_usage("info", "unexpected argument '%s'", word);
    }
    scan.i++;
  }
  if (model == NULL) return cli_usage("info", "info needs a MODEL");

  oar_predictor *predictor = NULL;
  char message[2048];
  oar_status st = cli_try_open_predictor(model, params, 0, &predictor, message, sizeof message);
  if (st == OAR_ERR_UNSUPPORTED) {
    /* What oar lacks for this model is what `info` is asked for: say it,
     * whole, and succeed. */
    printf("model: %s\nnot supported by oar: %s\n", model, message);
    return CLI_EXIT_OK;
  }
  if (st != OAR_OK) return cli_fail("%s", message);
  int rc;
  printf("model: %s\n", model);
  if (params != NULL) printf("params: %s\n", params);
  rc = print_tensors(predictor, 0);
  if (rc == CLI_EXIT_OK) rc = print_tensors(predictor, 1);
  if (rc == CLI_EXIT_OK) rc = print_ops(predictor);
  if (rc == CLI_EXIT_OK) rc = print_params(predictor);
  if (rc == CLI_EXIT_OK && want_passes) rc = print_passes(predictor);
  if (rc == CLI_EXIT_OK && want_memory) rc = print_memory(predictor);
  oar_predictor_destroy(predictor);
  return rc;
}
