#include "frontend/paddle/params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "frontend/protobuf/wire.h"

size_t oar_pd_dtype_size(int32_t vartype) {
  switch (vartype) {
    case OAR_PD_BOOL: return 1;
    case OAR_PD_INT16: return 2;
    case OAR_PD_INT32: return 4;
    case OAR_PD_INT64: return 8;
    case OAR_PD_FP16: return 2;
    case OAR_PD_FP32: return 4;
    case OAR_PD_FP64: return 8;
    case OAR_PD_SIZE_T: return 8;
    case OAR_PD_UINT8: return 1;
    case OAR_PD_INT8: return 1;
    case OAR_PD_BF16: return 2;
    case OAR_PD_COMPLEX64: return 8;
    case OAR_PD_COMPLEX128: return 16;
  }
  return 0;
}

oar_dtype oar_pd_dtype_to_oar(int32_t vartype) {
  switch (vartype) {
    case OAR_PD_BOOL: return OAR_DTYPE_BOOL;
    case OAR_PD_INT16: return OAR_DTYPE_INT16;
    case OAR_PD_INT32: return OAR_DTYPE_INT32;
    case OAR_PD_INT64: return OAR_DTYPE_INT64;
    case OAR_PD_FP16: return OAR_DTYPE_FLOAT16;
    case OAR_PD_FP32: return OAR_DTYPE_FLOAT32;
    case OAR_PD_FP64: return OAR_DTYPE_FLOAT64;
    case OAR_PD_UINT8: return OAR_DTYPE_UINT8;
    case OAR_PD_INT8: return OAR_DTYPE_INT8;
  }
  return OAR_DTYPE_UNKNOWN;
}

/* ---- one record --------------------------------------------------------- */

static oar_status truncated(const char *file, size_t at, size_t size, const char *what, size_t need,
                            oar_error *err) {
  return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                       "'%s' is truncated at byte offset %zu: expected %s (%zu bytes), only %zu left", file,
                       at, what, need, at < size ? size - at : 0);
}

static int has(size_t size, size_t pos, size_t need) { return pos <= size && size - pos >= need; }

static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }

/* Reads the TensorDesc protobuf of a record into rec->dtype and rec->shape. */
static oar_status read_desc(const uint8_t *buf, size_t start, size_t end, const char *file,
                            oar_pd_tensor_record *rec, oar_error *err) {
  oar_pb_reader r;
  oar_pb_reader_init_range(&r, buf, start, end);
  oar_pd_tensor_desc desc;
  memset(&desc, 0, sizeof desc);
  oar_status st = oar_pd_tensor_desc_decode(&r, &desc, err);
  if (st != OAR_OK) {
    oar_pd_tensor_desc_free(&desc);
    return oar_error_prefix(err, "'%s', tensor description at byte offset %zu: ", file, start);
  }
  rec->dtype = desc.dtype;
  if (desc.dims.n > OAR_MAX_RANK) {
    st = oar_error_set(err, OAR_ERR_UNSUPPORTED,
                       "'%s', tensor description at byte offset %zu: rank %zu is above oar's maximum of %d",
                       file, start, desc.dims.n, OAR_MAX_RANK);
    goto done;
  }
  rec->shape.rank = (int)desc.dims.n;
  for (size_t i = 0; i < desc.dims.n; i++) {
    if (desc.dims.v[i] < 0) {
      st = oar_error_set(
          err, OAR_ERR_INVALID_MODEL,
          "'%s', tensor description at byte offset %zu: dim %zu is %lld; stored tensors need sizes "
          ">= 0",
          file, start, i, (long long)desc.dims.v[i]);
      goto done;
    }
    rec->shape.dims[i] = desc.dims.v[i];
  }
done:
  oar_pd_tensor_desc_free(&desc);
  return st;
}

oar_status oar_pd_tensor_record_read(const uint8_t *buf, size_t size, size_t *pos, const char *file,
                                     oar_pd_tensor_record *rec, oar_error *err) {
  size_t p = *pos;
  memset(rec, 0, sizeof *rec);
  rec->offset = p;

  if (!has(size, p, 4)) return truncated(file, p, size, "the LoD-tensor version", 4, err);
  uint32_t version = le32(buf + p);
  if (version != 0)
    return oar_error_set(
        err, OAR_ERR_INVALID_MODEL,
        "'%s', byte offset %zu: LoD-tensor version is %u, expected 0 (not a Paddle tensor record?)", file, p,
        version);
  p += 4;

  if (!has(size, p, 8)) return truncated(file, p, size, "the LoD level count", 8, err);
  rec->lod_levels = le64(buf + p);
  p += 8;
  /* LoD offsets are not needed for inference: skip them, checking sizes. */
  for (uint64_t level = 0; level < rec->lod_levels; level++) {
    if (!has(size, p, 8)) return truncated(file, p, size, "the byte size of a LoD level", 8, err);
    uint64_t nbytes = le64(buf + p);
    if (nbytes % 8 != 0)
      return oar_error_set(
          err, OAR_ERR_INVALID_MODEL,
          "'%s', byte offset %zu: LoD level %llu has %llu bytes, not a whole number of 8-byte "
          "offsets",
          file, p, (unsigned long long)level, (unsigned long long)nbytes);
    p += 8;
    if (nbytes > size - p) return truncated(file, p, size, "LoD offsets", (size_t)nbytes, err);
    p += (size_t)nbytes;
  }

  if (!has(size, p, 4)) return truncated(file, p, size, "the tensor version", 4, err);
  version = le32(buf + p);
  if (version != 0)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "'%s', byte offset %zu: tensor version is %u, expected 0", file, p, version);
  p += 4;

  if (!has(size, p, 4)) return truncated(file, p, size, "the tensor description size", 4, err);
  int32_t desc_size = (int32_t)le32(buf + p);
  if (desc_size < 0)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "'%s', byte offset %zu: tensor description size is %d, expected >= 0", file, p,
                         desc_size);
  p += 4;
  if (!has(size, p, (size_t)desc_size))
    return truncated(file, p, size, "the tensor description", (size_t)desc_size, err);
  OAR_TRY(read_desc(buf, p, p + (size_t)desc_size, file, rec, err));
  p += (size_t)desc_size;

  size_t esize = oar_pd_dtype_size(rec->dtype);
  if (esize == 0)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "'%s', record at byte offset %zu: element type %d (%s) is not a tensor element type",
                         file, rec->offset, rec->dtype, oar_pd_vartype_name(rec->dtype));
  size_t bytes = esize;
  for (int i = 0; i < rec->shape.rank; i++) {
    if ((uint64_t)rec->shape.dims[i] > SIZE_MAX || !oar_mul_size(bytes, (size_t)rec->shape.dims[i], &bytes)) {
      char shape[128];
      return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                           "'%s', record at byte offset %zu: shape %s is too large", file, rec->offset,
                           oar_shape_str(&rec->shape, shape, sizeof shape));
    }
  }
  if (!has(size, p, bytes)) {
    char shape[128];
    return oar_error_set(
        err, OAR_ERR_INVALID_MODEL,
        "'%s' is truncated at byte offset %zu: expected %zu bytes of %s %s data, only %zu left", file, p,
        bytes, oar_pd_vartype_name(rec->dtype), oar_shape_str(&rec->shape, shape, sizeof shape),
        p < size ? size - p : 0);
  }
  rec->data = buf + p;
  rec->bytes = bytes;
  *pos = p + bytes;
  return OAR_OK;
}

/* ---- checking against the program -------------------------------------- */

static char *declared_str(const oar_pd_var *var, char *buf, size_t size) {
  size_t at = 0;
  at += (size_t)snprintf(buf, size, "[");
  for (size_t i = 0; i < var->tensor.dims.n && at < size; i++)
    at += (size_t)snprintf(buf + at, size - at, "%s%lld", i ? ", " : "", (long long)var->tensor.dims.v[i]);
  if (at < size) snprintf(buf + at, size - at, "]");
  return buf;
}

static int is_one_element_vector(const oar_shape *s) { return s->rank == 1 && s->dims[0] == 1; }

static int dims_match(const oar_pd_tensor_record *rec, const oar_pd_var *var) {
  const oar_pd_ints *d = &var->tensor.dims;
  /* Paddle writes 0-D scalars and [1] interchangeably across versions. */
  if (d->n == 0 && is_one_element_vector(&rec->shape)) return 1;
  if (rec->shape.rank == 0 && d->n == 1 && (d->v[0] == 1 || d->v[0] == -1)) return 1;
  /* PTQ saves per-channel scales ('<w>@scale') as [1, C] under a [C] declaration: leading
     ones in the record are accepted. */
  size_t skip = 0;
  while ((size_t)rec->shape.rank > d->n + skip && rec->shape.dims[skip] == 1) skip++;
  if (d->n + skip != (size_t)rec->shape.rank) return 0;
  for (size_t i = 0; i < d->n; i++)
    if (d->v[i] != -1 && d->v[i] != rec->shape.dims[skip + i]) return 0;
  return 1;
}

/* Paddle's QuantWeightPass (PTQ / QAT with onnx_format) rewrites quantized weights to INT8 in
   the parameter file but leaves their float declaration in the program; Paddle's loader takes
   the record's dtype. oar accepts exactly that: an INT8 record, with the declared shape, under
   a floating-point declaration. Any other disagreement is an error. */
static int is_float_vartype(int t) {
  return t == OAR_PD_FP32 || t == OAR_PD_FP16 || t == OAR_PD_FP64 || t == OAR_PD_BF16;
}

static int dtype_match(const oar_pd_tensor_record *rec, const oar_pd_var *var) {
  return rec->dtype == var->tensor.dtype ||
         (rec->dtype == OAR_PD_INT8 && is_float_vartype(var->tensor.dtype));
}

oar_status oar_pd_tensor_record_check(const oar_pd_tensor_record *rec, const oar_pd_var *var,
                                      const char *file, oar_error *err) {
  if (!var->has_tensor) return OAR_OK; /* nothing declared to compare with */
  if (dtype_match(rec, var) && dims_match(rec, var)) return OAR_OK;
  char got[160], want[160];
  return oar_error_set(
      err, OAR_ERR_INVALID_MODEL,
      "parameter '%s' in '%s' (record at byte offset %zu) holds %s %s, but the program declares %s "
      "%s%s",
      var->name, file, rec->offset, oar_pd_vartype_name(rec->dtype),
      oar_shape_str(&rec->shape, got, sizeof got), oar_pd_vartype_name(var->tensor.dtype),
      declared_str(var, want, sizeof want),
      rec->dtype == OAR_PD_INT8 ? " (quantized INT8 weights are accepted only under a float declaration of "
                                  "the same shape)"
                                : "");
}

/* ---- the parameter list -------------------------------------------------- */

static int by_name(const void *a, const void *b) {
  const oar_pd_var *x = *(const oar_pd_var *const *)a, *y = *(const oar_pd_var *const *)b;
  return strcmp(x->name, y->name);
}

static int is_param(const oar_pd_var *v) {
  return v->persistable && v->kind != OAR_PD_FEED_MINIBATCH && v->kind != OAR_PD_FETCH_LIST &&
         v->kind != OAR_PD_RAW;
}

oar_status oar_pd_param_vars(const oar_pd_block *block, const oar_pd_var ***out, size_t *count,
                             oar_error *err) {
  size_t n = 0;
  for (size_t i = 0; i < block->num_vars; i++) n += (size_t)is_param(&block->vars[i]);
  *out = NULL;
  *count = 0;
  if (n == 0) return OAR_OK;
  const oar_pd_var **list = oar_malloc(n * sizeof *list);
  if (!list) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory listing %zu parameters", n);
  size_t k = 0;
  for (size_t i = 0; i < block->num_vars; i++)
    if (is_param(&block->vars[i])) list[k++] = &block->vars[i];
  qsort(list, n, sizeof *list, by_name);
  for (size_t i = 1; i < n; i++)
    if (strcmp(list[i - 1]->name, list[i]->name) == 0) {
      oar_status st = oar_error_set(err, OAR_ERR_INVALID_MODEL, "parameter '%s' is declared twice in block 0",
                                    list[i]->name);
      oar_free(list);
      return st;
    }
  *out = list;
  *count = n;
  return OAR_OK;
}

/* Only dense tensors have the record layout read here. */
static oar_status check_kind(const oar_pd_var *var, oar_error *err) {
  if (var->kind == OAR_PD_LOD_TENSOR) return OAR_OK;
  return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                       "parameter '%s' is a %s variable; only LOD_TENSOR parameters are supported", var->name,
                       oar_pd_vartype_name(var->kind));
}

/* Starts *out with one item per parameter, records still empty. */
static oar_status params_begin(const oar_pd_block *block, oar_pd_params *out, oar_error *err) {
  const oar_pd_var **vars;
  size_t n;
  memset(out, 0, sizeof *out);
  OAR_TRY(oar_pd_param_vars(block, &vars, &n, err));
  if (n == 0) return OAR_OK;
  out->items = oar_calloc(n, sizeof *out->items);
  if (!out->items) {
    oar_free(vars);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for %zu parameters", n);
  }
  for (size_t i = 0; i < n; i++) out->items[i].var = vars[i];
  out->count = n;
  oar_free(vars);
  return OAR_OK;
}

oar_status oar_pd_params_read_combined(const oar_pd_block *block, const void *data, size_t size,
                                       const char *file, oar_pd_params *out, oar_error *err) {
  oar_pd_params p;
  OAR_TRY(params_begin(block, &p, err));
  const uint8_t *buf = data;
  size_t pos = 0;
  oar_status st = OAR_OK;
  for (size_t i = 0; i < p.count; i++) {
    oar_pd_param *item = &p.items[i];
    if ((st = check_kind(item->var, err)) != OAR_OK) goto fail;
    if (pos == size) {
      st = oar_error_set(
          err, OAR_ERR_INVALID_MODEL,
          "'%s' ends after %zu record%s (byte offset %zu), but the program declares %zu parameter%s; "
          "the first without data is '%s'",
          file, i, i == 1 ? "" : "s", pos, p.count, p.count == 1 ? "" : "s", item->var->name);
      goto fail;
    }
    if ((st = oar_pd_tensor_record_read(buf, size, &pos, file, &item->rec, err)) != OAR_OK) {
      oar_error_prefix(err, "parameter '%s' (record %zu of %zu): ", item->var->name, i + 1, p.count);
      goto fail;
    }
    if ((st = oar_pd_tensor_record_check(&item->rec, item->var, file, err)) != OAR_OK) goto fail;
  }
  if (pos != size) {
    st = oar_error_set(
        err, OAR_ERR_INVALID_MODEL,
        "'%s' has %zu byte%s left after the last of %zu record%s (byte offset %zu of %zu): the file "
        "holds more records than the program's %zu parameter%s, or is not its parameter file",
        file, size - pos, size - pos == 1 ? "" : "s", p.count, p.count == 1 ? "" : "s", pos, size, p.count,
        p.count == 1 ? "" : "s");
    goto fail;
  }
  *out = p;
  return OAR_OK;
fail:
  oar_pd_params_free(&p);
  return st;
}

/* A parameter name is a file name in the directory layout: it must not
 * reach outside the directory. */
static int name_is_safe_path(const char *name) {
  if (name[0] == '\0' || name[0] == '/') return 0;
  for (const char *c = name; *c;) {
    const char *slash = strchr(c, '/');
    size_t len = slash ? (size_t)(slash - c) : strlen(c);
    if (len == 2 && c[0] == '.' && c[1] == '.') return 0;
    if (!slash) break;
    c = slash + 1;
  }
  return 1;
}

oar_status oar_pd_params_read_dir(const oar_pd_block *block, const char *dir, oar_pd_params *out,
                                  oar_error *err) {
  oar_pd_params p;
  OAR_TRY(params_begin(block, &p, err));
  oar_status st = OAR_OK;
  char *path = NULL;
  if (p.count) {
    p.files = oar_calloc(p.count, sizeof *p.files);
    if (!p.files) {
      st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for %zu parameter files", p.count);
      goto fail;
    }
  }
  for (size_t i = 0; i < p.count; i++) {
    oar_pd_param *item = &p.items[i];
    const char *name = item->var->name;
    if ((st = check_kind(item->var, err)) != OAR_OK) goto fail;
    if (!name_is_safe_path(name)) {
      st = oar_error_set(
          err, OAR_ERR_INVALID_MODEL,
          "parameter name '%s' cannot be a file name inside '%s' (it is empty, absolute or has a "
          "'..' component)",
          name, dir);
      goto fail;
    }
    if (!(path = oar_path_join(dir, name))) {
      st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for a path");
      goto fail;
    }
    if ((st = oar_file_read(path, &p.files[i], err)) != OAR_OK) {
      oar_error_prefix(err, "parameter '%s' (one file per parameter in '%s'): ", name, dir);
      goto fail;
    }
    p.num_files = i + 1;
    size_t pos = 0;
    if ((st = oar_pd_tensor_record_read(p.files[i].data, p.files[i].size, &pos, path, &item->rec, err)) !=
        OAR_OK) {
      oar_error_prefix(err, "parameter '%s': ", name);
      goto fail;
    }
    if (pos != p.files[i].size) {
      st = oar_error_set(
          err, OAR_ERR_INVALID_MODEL,
          "parameter file '%s' has %zu byte%s left after its tensor record (byte offset %zu of %zu)", path,
          p.files[i].size - pos, p.files[i].size - pos == 1 ? "" : "s", pos, p.files[i].size);
      goto fail;
    }
    if ((st = oar_pd_tensor_record_check(&item->rec, item->var, path, err)) != OAR_OK) goto fail;
    oar_free(path);
    path = NULL;
  }
  *out = p;
  return OAR_OK;
fail:
  oar_free(path);
  oar_pd_params_free(&p);
  return st;
}

void oar_pd_params_free(oar_pd_params *p) {
  if (!p) return;
  for (size_t i = 0; i < p->num_files; i++) oar_bytes_free(&p->files[i]);
  oar_free(p->files);
  oar_free(p->items);
  memset(p, 0, sizeof *p);
}
