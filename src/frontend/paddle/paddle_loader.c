#define _POSIX_C_SOURCE 200809L
#include "frontend/paddle/paddle_loader.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/file.h"
#include "frontend/paddle/paddle_to_graph.h"
#include "frontend/paddle/params.h"
#include "frontend/paddle/program.h"
#include "frontend/pir/pir_program.h"
#include "frontend/pir/pir_to_paddle.h"

/* Where a model's files are. */
typedef struct layout {
  char *program;     /* program file */
  char *params;      /* combined parameter file, or NULL */
  bool params_given; /* named by the caller: it must exist */
  char *param_dir;   /* one file per parameter, when params is NULL */
} layout;

static void layout_free(layout *l) {
  oar_free(l->program);
  oar_free(l->params);
  oar_free(l->param_dir);
  memset(l, 0, sizeof *l);
}

static oar_status oom(oar_error *err) {
  return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory resolving model paths");
}

static bool ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a > b && strcmp(s + a - b, suffix) == 0;
}

/* path without `suffix`, plus `replacement`. */
static char *swap_suffix(const char *path, const char *suffix, const char *replacement) {
  size_t stem = strlen(path) - strlen(suffix), r = strlen(replacement);
  char *p = oar_malloc(stem + r + 1);
  if (!p) return NULL;
  memcpy(p, path, stem);
  memcpy(p + stem, replacement, r + 1);
  return p;
}

/* dir/name when it is a regular file: *found receives it (or NULL). */
static oar_status file_in(const char *dir, const char *name, char **found, oar_error *err) {
  *found = NULL;
  char *p = oar_path_join(dir, name);
  if (!p) return oom(err);
  if (oar_path_is_file(p))
    *found = p;
  else
    oar_free(p);
  return OAR_OK;
}

/* The combined parameter file of a legacy program in `dir` (`__params__`,
 * else `params`), else one file per parameter in `dir`. */
static oar_status legacy_params(const char *dir, layout *l, oar_error *err) {
  OAR_TRY(file_in(dir, "__params__", &l->params, err));
  if (!l->params) OAR_TRY(file_in(dir, "params", &l->params, err));
  if (!l->params && !(l->param_dir = oar_strdup(dir))) return oom(err);
  return OAR_OK;
}

/* Keeps the two smallest of the paths offered (owned), so that messages
 * do not depend on the directory's order. */
typedef struct two_smallest {
  char *first, *second;
  size_t count;
} two_smallest;

static void offer(two_smallest *t, char *path) {
  t->count++;
  if (!t->first || strcmp(path, t->first) < 0) {
    oar_free(t->second);
    t->second = t->first;
    t->first = path;
  } else if (!t->second || strcmp(path, t->second) < 0) {
    oar_free(t->second);
    t->second = path;
  } else {
    oar_free(path);
  }
}

/* A directory without `__model__` or `__model__.json`: exactly one
 * *.pdmodel, else exactly one PIR program x.json with x.pdiparams beside
 * it (Paddle 3's model.json / inference.json). */
static oar_status scan_dir(const char *dir, layout *l, oar_error *err) {
  DIR *d = opendir(dir);
  if (!d) return oar_error_set(err, OAR_ERR_IO, "cannot list directory '%s'", dir);
  two_smallest pdmodel = {0}, pir = {0};
  oar_status st = OAR_OK;
  struct dirent *e;
  while (st == OAR_OK && (e = readdir(d)) != NULL) {
    const char *name = e->d_name;
    bool is_pdmodel = ends_with(name, ".pdmodel");
    if (!is_pdmodel && !ends_with(name, ".json")) continue;
    char *path = oar_path_join(dir, name);
    char *params = path && !is_pdmodel ? swap_suffix(path, ".json", ".pdiparams") : NULL;
    if (!path || (!is_pdmodel && !params)) {
      st = oom(err);
      oar_free(path);
    } else if (!oar_path_is_file(path) || (params && !oar_path_is_file(params))) {
      oar_free(path);
    } else {
      offer(is_pdmodel ? &pdmodel : &pir, path);
    }
    oar_free(params);
  }
  closedir(d);
  two_smallest *found = pdmodel.count ? &pdmodel : &pir;
  if (st == OAR_OK) {
    if (found->count == 1) {
      l->program = found->first;
      found->first = NULL;
      const char *suffix = found == &pdmodel ? ".pdmodel" : ".json";
      if (!(l->params = swap_suffix(l->program, suffix, ".pdiparams"))) st = oom(err);
    } else if (found->count > 1) {
      st = oar_error_set(
          err, OAR_ERR_IO, "directory '%s' holds %zu %s ('%s', '%s', ...); name the one to load", dir,
          found->count, found == &pdmodel ? "*.pdmodel programs" : "PIR programs (*.json + *.pdiparams)",
          found->first, found->second);
    } else {
      st = oar_error_set(
          err, OAR_ERR_IO,
          "no Paddle model in directory '%s' (looked for __model__, __model__.json, *.pdmodel, and "
          "*.json with a *.pdiparams beside it)",
          dir);
    }
  }
  oar_free(pdmodel.first);
  oar_free(pdmodel.second);
  oar_free(pir.first);
  oar_free(pir.second);
  return st;
}

static oar_status resolve_layout(const oar_paddle_source *src, layout *l, oar_error *err) {
  const char *model = src->model;
  memset(l, 0, sizeof *l);
  if (src->params) {
    if (!(l->params = oar_strdup(src->params))) return oom(err);
    l->params_given = true;
  }
  if (oar_path_is_dir(model)) {
    char *program;
    OAR_TRY(file_in(model, "__model__", &program, err));
    if (program) {
      l->program = program;
      return l->params ? OAR_OK : legacy_params(model, l, err);
    }
    /* Paddle 3 with separate_parameters: one file per parameter beside it,
     * unless a combined file is named or sits beside it. */
    OAR_TRY(file_in(model, "__model__.json", &program, err));
    if (program) {
      l->program = program;
      if (l->params) return OAR_OK;
      OAR_TRY(file_in(model, "__model__.pdiparams", &l->params, err));
      return l->params ? OAR_OK : legacy_params(model, l, err);
    }
    char *given = l->params;
    l->params = NULL;
    oar_status st = scan_dir(model, l, err);
    if (st == OAR_OK && given) {
      oar_free(l->params);
      l->params = given;
      given = NULL;
    }
    oar_free(given);
    return st;
  }
  if (!oar_path_is_file(model))
    return oar_error_set(err, OAR_ERR_IO, "cannot open model '%s': no such file or directory", model);
  if (!(l->program = oar_strdup(model))) return oom(err);
  if (l->params) return OAR_OK;
  if (ends_with(model, ".pdmodel")) {
    if (!(l->params = swap_suffix(model, ".pdmodel", ".pdiparams"))) return oom(err);
    return OAR_OK;
  }
  if (ends_with(model, ".json")) {
    /* x.pdiparams beside x.json; else the legacy rules below (a Paddle 3
     * __model__.json keeps one file per parameter beside it). */
    if (!(l->params = swap_suffix(model, ".json", ".pdiparams"))) return oom(err);
    if (oar_path_is_file(l->params)) return OAR_OK;
    oar_free(l->params);
    l->params = NULL;
  }
  char *dir = oar_path_dirname(model);
  if (!dir) return oom(err);
  oar_status st = legacy_params(dir, l, err);
  oar_free(dir);
  return st;
}

/* A decoded program: legacy, or PIR turned into legacy structs plus the
 * constants it reads. */
typedef struct decoded {
  oar_pd_program prog;
  oar_pir_constants consts;
} decoded;

static void decoded_free(decoded *d) {
  oar_pd_program_free(&d->prog);
  oar_pir_constants_free(&d->consts);
}

/* A PIR program is JSON: its first non-blank byte is '{'. A ProgramDesc
 * starts with a field key (0x0A for blocks), never with '{' (0x7B would be
 * field 15 with wire type 3, which ProgramDesc does not have). */
static bool looks_like_json(const uint8_t *data, size_t size) {
  for (size_t i = 0; i < size; i++) {
    uint8_t c = data[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{';
  }
  return false;
}

static oar_status decode_pir(const uint8_t *data, size_t size, const char *name, decoded *out,
                             oar_error *err) {
  oar_pir_program pir;
  OAR_TRY(oar_pir_program_read(data, size, name, &pir, err));
  oar_status st = oar_pir_to_paddle(&pir, name, &out->prog, &out->consts, err);
  oar_pir_program_free(&pir);
  return st;
}

/* By content: PIR JSON or a ProgramDesc, whatever the file is called. */
static oar_status decode_program(const uint8_t *data, size_t size, const char *name, decoded *out,
                                 oar_error *err) {
  memset(out, 0, sizeof *out);
  if (looks_like_json(data, size)) return decode_pir(data, size, name, out, err);
  oar_pd_program *prog = &out->prog;
  if (oar_pd_program_decode(data, size, prog, err) != OAR_OK)
    return oar_error_prefix(err, "program '%s': ", name);
  if (prog->num_blocks == 0) {
    oar_pd_program_free(prog);
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "program '%s' (%zu bytes) has no blocks; is it a Paddle program?", name, size);
  }
  return OAR_OK;
}

static size_t count_params(const oar_pd_block *block) {
  const oar_pd_var **vars;
  size_t n = 0;
  oar_error ignored;
  if (oar_pd_param_vars(block, &vars, &n, &ignored) != OAR_OK) return 1; /* let the reader report it */
  oar_free(vars);
  return n;
}

static oar_status load_files(const layout *l, oar_graph **out, oar_error *err) {
  oar_bytes program_bytes = {0}, params_bytes = {0};
  decoded d;
  oar_pd_params params;
  memset(&params, 0, sizeof params);

  oar_status st = oar_file_read(l->program, &program_bytes, err);
  if (st != OAR_OK) return oar_error_prefix(err, "program: ");
  st = decode_program(program_bytes.data, program_bytes.size, l->program, &d, err);
  oar_bytes_free(&program_bytes);
  if (st != OAR_OK) return st;
  const oar_pd_block *block = &d.prog.blocks[0];

  if (l->params) {
    size_t n = count_params(block);
    if (l->params_given || oar_path_is_file(l->params) || n > 0) {
      st = oar_file_map(l->params, &params_bytes, err);
      if (st != OAR_OK) {
        oar_error_prefix(err, "parameters of '%s' (%zu declared): ", l->program, n);
        goto done;
      }
      st = oar_pd_params_read_combined(block, params_bytes.data, params_bytes.size, l->params, &params, err);
      params.source = &params_bytes;
    }
  } else {
    st = oar_pd_params_read_dir(block, l->param_dir, &params, err);
  }
  if (st == OAR_OK) st = oar_pir_constants_add(&d.consts, block, &params, err);
  if (st == OAR_OK) st = oar_pd_build_graph(&d.prog, &params, l->program, out, err);
done:
  oar_pd_params_free(&params);
  oar_bytes_free(&params_bytes);
  decoded_free(&d);
  return st;
}

static oar_status load_buffers(const oar_paddle_source *src, oar_graph **out, oar_error *err) {
  decoded d;
  oar_pd_params params;
  memset(&params, 0, sizeof params);
  OAR_TRY(decode_program(src->program_buf, src->program_size, "<memory>", &d, err));
  oar_status st = oar_pd_params_read_combined(&d.prog.blocks[0], src->params_buf, src->params_size,
                                              "<memory params>", &params, err);
  if (st == OAR_OK) st = oar_pir_constants_add(&d.consts, &d.prog.blocks[0], &params, err);
  if (st == OAR_OK) st = oar_pd_build_graph(&d.prog, &params, "<memory>", out, err);
  oar_pd_params_free(&params);
  decoded_free(&d);
  return st;
}

oar_status oar_paddle_load(const oar_paddle_source *src, oar_graph **out, oar_error *err) {
  if (!src || !out)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "oar_paddle_load: src and out must be set");
  if (!src->model) {
    if (!src->program_buf || src->program_size == 0)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT,
                           "no model: neither a path nor a program buffer was given");
    if (!src->params_buf && src->params_size)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "params buffer is NULL but its size is %zu",
                           src->params_size);
    return load_buffers(src, out, err);
  }
  if (!src->model[0]) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "model path is empty");
  layout l;
  oar_status st = resolve_layout(src, &l, err);
  if (st == OAR_OK) st = load_files(&l, out, err);
  layout_free(&l);
  return st;
}
