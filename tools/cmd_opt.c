/* oar opt: a model into one optimized model file (docs/optimized-format.md). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"

static int write_op_list(oar_predictor *predictor, const char *path) {
  size_t count = 0;
  oar_status st = oar_predictor_op_type_count(predictor, &count);
  if (st != OAR_OK) return cli_fail_predictor(predictor, st, "listing the ops");
  FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
  if (!f) return cli_fail("cannot create '%s'", path);
  for (size_t i = 0; i < count; i++) {
    const char *type;
    size_t nodes;
    st = oar_predictor_op_type(predictor, i, &type, &nodes);
    if (st != OAR_OK) break;
    fprintf(f, "%s\n", type);
  }
  int bad = f != stdout ? fclose(f) != 0 : fflush(f) != 0;
  if (st != OAR_OK) return cli_fail_predictor(predictor, st, "listing the ops");
  if (bad) return cli_fail("cannot write '%s'", path);
  return CLI_EXIT_OK;
}

int cmd_opt(int argc, char **argv) {
  const char *model = NULL, *params = NULL, *out = NULL, *op_list = NULL, *value;
  cli_opt_scan scan = {argc, argv, 0, "opt", 0};
  while (scan.i < argc) {
    const char *word = argv[scan.i];
    if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0) {
      cmd_print_help("opt");
      return CLI_EXIT_OK;
    }
    if (cli_opt_value(&scan, "--params", &value)) {
      params = value;
      continue;
    }
    if (!scan.bad && (cli_opt_value(&scan, "-o", &value) || cli_opt_value(&scan, "--output", &value))) {
      out = value;
      continue;
    }
    if (!scan.bad && cli_opt_value(&scan, "--emit-op-list", &value)) {
      op_list = value;
      continue;
    }
    if (!scan.bad && cli_engine_option(&scan)) continue;
    if (scan.bad) return CLI_EXIT_USAGE;
    if (word[0] == '-' && word[1] != '\0') return cli_usage("opt", "unknown option '%s'", word);
    if (model == NULL) {
      model = word;
    } else if (params == NULL) {
      params = word;
    } else {
      return cli_usage("opt", "unexpected argument '%s'", word);
    }
    scan.i++;
  }
  if (model == NULL) return cli_usage("opt", "opt needs a MODEL");
  if (out == NULL && op_list == NULL) return cli_usage("opt", "opt needs -o FILE (or --emit-op-list FILE)");

  oar_predictor *predictor = NULL;
  int rc = cli_open_predictor(model, params, 0, &predictor);
  if (rc != CLI_EXIT_OK) return rc;
  if (out) {
    oar_status st = oar_predictor_save_optimized(predictor, out);
    if (st != OAR_OK) {
      rc = cli_fail_predictor(predictor, st, "writing the optimized model");
    } else {
      struct stat sb;
      char size[32];
      if (stat(out, &sb) == 0)
        printf("wrote %s (%s)\n", out, cli_human_bytes((uint64_t)sb.st_size, size, sizeof size));
    }
  }
  if (rc == CLI_EXIT_OK && op_list) rc = write_op_list(predictor, op_list);
  oar_predictor_destroy(predictor);
  return rc;
}
