/*
 * R bindings of oar's public C API (oar.h) through .Call. Configs and
 * predictors are external pointers with finalizers; tensors are looked up
 * by name on each call. Data crosses as flat row-major vectors plus a
 * shape; R/oar.R turns R arrays (column-major) into that and back.
 * Every engine failure becomes an R error carrying the engine's message.
 */
#include <R.h>
#include <Rinternals.h>
#include <R_ext/Rdynload.h>
#include <stdint.h>
#include <string.h>

#include <oar/oar.h>

static SEXP tag_config, tag_predictor;

static void fail(oar_status status) { Rf_error("oar: %s (%s)", oar_last_error(), oar_status_string(status)); }

static void config_finalizer(SEXP ptr) {
  oar_config *config = R_ExternalPtrAddr(ptr);
  if (config) oar_config_destroy(config);
  R_ClearExternalPtr(ptr);
}

static void predictor_finalizer(SEXP ptr) {
  oar_predictor *predictor = R_ExternalPtrAddr(ptr);
  if (predictor) oar_predictor_destroy(predictor);
  R_ClearExternalPtr(ptr);
}

static void *handle_of(SEXP ptr, SEXP tag, const char *what) {
  if (TYPEOF(ptr) != EXTPTRSXP || R_ExternalPtrTag(ptr) != tag) Rf_error("oar: expected an %s", what);
  void *handle = R_ExternalPtrAddr(ptr);
  if (!handle) Rf_error("oar: this %s was closed", what);
  return handle;
}

static SEXP wrap(void *handle, SEXP tag, R_CFinalizer_t finalizer) {
  SEXP ptr = PROTECT(R_MakeExternalPtr(handle, tag, R_NilValue));
  R_RegisterCFinalizerEx(ptr, finalizer, TRUE);
  UNPROTECT(1);
  return ptr;
}

static const char *string_arg(SEXP x, const char *what) {
  if (!Rf_isString(x) || XLENGTH(x) != 1 || STRING_ELT(x, 0) == NA_STRING)
    Rf_error("oar: %s must be one string", what);
  return Rf_translateCharUTF8(STRING_ELT(x, 0));
}

SEXP oar_r_version(void) { return Rf_mkString(oar_version()); }

SEXP oar_r_config_create(SEXP model, SEXP params, SEXP threads, SEXP ir_optim, SEXP memory_optim) {
  oar_config *config = NULL;
  oar_status status = oar_config_create(&config);
  if (status != OAR_OK) fail(status);
  SEXP ptr = PROTECT(wrap(config, tag_config, config_finalizer)); /* freed by R from here on */
  const char *params_path = Rf_isNull(params) ? NULL : string_arg(params, "params");
  status = oar_config_set_model(config, string_arg(model, "model"), params_path);
  if (status == OAR_OK) status = oar_config_set_num_threads(config, Rf_asInteger(threads));
  if (status == OAR_OK) status = oar_config_set_ir_optim(config, Rf_asLogical(ir_optim) == TRUE);
  if (status == OAR_OK) status = oar_config_set_memory_optim(config, Rf_asLogical(memory_optim) == TRUE);
  if (status != OAR_OK) fail(status);
  UNPROTECT(1);
  return ptr;
}

/* Asks the engine for an option; returns "" when honoured, else the
 * engine's reason (R/oar.R turns it into a warning). */
SEXP oar_r_config_enable(SEXP ptr, SEXP what) {
  oar_config *config = handle_of(ptr, tag_config, "oar_config");
  const char *name = string_arg(what, "what");
  oar_status status;
  if (strcmp(name, "onednn") == 0)
    status = oar_config_enable_onednn(config);
  else if (strcmp(name, "gpu") == 0)
    status = oar_config_enable_gpu(config, 0, 0);
  else if (strcmp(name, "tensorrt") == 0)
    status = oar_config_enable_tensorrt(config, OAR_PRECISION_FLOAT32);
  else
    Rf_error("oar: unknown option '%s' (onednn, gpu or tensorrt)", name);
  if (status == OAR_OK) return Rf_mkString("");
  if (status != OAR_ERR_UNSUPPORTED) fail(status);
  return Rf_mkString(oar_last_error());
}

SEXP oar_r_predictor_create(SEXP config_ptr) {
  oar_config *config = handle_of(config_ptr, tag_config, "oar_config");
  oar_predictor *predictor = NULL;
  oar_status status = oar_predictor_create(config, &predictor);
  if (status != OAR_OK) fail(status);
  return wrap(predictor, tag_predictor, predictor_finalizer);
}

SEXP oar_r_predictor_clone(SEXP ptr) {
  oar_predictor *predictor = handle_of(ptr, tag_predictor, "oar_predictor");
  oar_predictor *clone = NULL;
  oar_status status = oar_predictor_clone(predictor, &clone);
  if (status != OAR_OK) fail(status);
  return wrap(clone, tag_predictor, predictor_finalizer);
}

SEXP oar_r_close(SEXP ptr) {
  if (TYPEOF(ptr) == EXTPTRSXP && R_ExternalPtrTag(ptr) == tag_predictor)
    predictor_finalizer(ptr);
  else if (TYPEOF(ptr) == EXTPTRSXP && R_ExternalPtrTag(ptr) == tag_config)
    config_finalizer(ptr);
  else
    Rf_error("oar: expected an oar_config or oar_predictor");
  return R_NilValue;
}

SEXP oar_r_names(SEXP ptr, SEXP inputs) {
  oar_predictor *predictor = handle_of(ptr, tag_predictor, "oar_predictor");
  int in = Rf_asLogical(inputs) == TRUE;
  size_t count = 0;
  oar_status status =
      in ? oar_predictor_input_count(predictor, &count) : oar_predictor_output_count(predictor, &count);
  if (status != OAR_OK) fail(status);
  SEXP names = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)count));
  for (size_t i = 0; i < count; i++) {
    const char *name = NULL;
    status =
        in ? oar_predictor_input_name(predictor, i, &name) : oar_predictor_output_name(predictor, i, &name);
    if (status != OAR_OK) fail(status);
    SET_STRING_ELT(names, (R_xlen_t)i, Rf_mkCharCE(name, CE_UTF8));
  }
  UNPROTECT(1);
  return names;
}

/* Element count of a shape given as an R numeric vector; checks each dim. */
static size_t shape_to_dims(SEXP shape, int64_t *dims, size_t *rank) {
  if (!Rf_isNumeric(shape) || XLENGTH(shape) > OAR_MAX_RANK)
    Rf_error("oar: shape must be a numeric vector of at most 8 dims");
  *rank = (size_t)XLENGTH(shape);
  size_t count = 1;
  for (size_t i = 0; i < *rank; i++) {
    double d = Rf_isReal(shape) ? REAL(shape)[i] : (double)INTEGER(shape)[i];
    if (!(d >= 0) || d > 9.007199254740992e15 || d != (double)(int64_t)d)
      Rf_error("oar: shape dim %d (%g) is not a count", (int)i + 1, d);
    dims[i] = (int64_t)d;
    if (dims[i] != 0 && count > SIZE_MAX / (size_t)dims[i]) Rf_error("oar: shape is too large");
    count *= (size_t)dims[i];
  }
  return count;
}

/* values: row-major, as R numbers/integers/logicals; converted to the
 * input's declared dtype (R has no float32 or int64), then copied in. */
SEXP oar_r_set_input(SEXP ptr, SEXP name, SEXP values, SEXP shape) {
  oar_predictor *predictor = handle_of(ptr, tag_predictor, "oar_predictor");
  oar_tensor *tensor = NULL;
  oar_status status = oar_predictor_get_input(predictor, string_arg(name, "name"), &tensor);
  if (status != OAR_OK) fail(status);
  int64_t dims[OAR_MAX_RANK];
  size_t rank = 0;
  size_t count = shape_to_dims(shape, dims, &rank);
  if ((size_t)XLENGTH(values) != count)
    Rf_error("oar: input '%s': %lld values for shape of %llu elements", string_arg(name, "name"),
             (long long)XLENGTH(values), (unsigned long long)count);
  if (!Rf_isReal(values) && !Rf_isInteger(values) && !Rf_isLogical(values))
    Rf_error("oar: input values must be numeric, integer or logical");
  status = oar_tensor_reshape(tensor, rank, dims);
  if (status != OAR_OK) fail(status);
  oar_dtype dtype = OAR_DTYPE_UNKNOWN;
  status = oar_tensor_dtype(tensor, &dtype);
  if (status != OAR_OK) fail(status);
  size_t elem = oar_dtype_size(dtype);
  if (elem == 0) Rf_error("oar: input has dtype %s, which R cannot fill", oar_dtype_name(dtype));
  char *buffer = R_alloc(count ? count : 1, (int)elem); /* freed by R when the call ends */
  int is_real = Rf_isReal(values);
  for (size_t i = 0; i < count; i++) {
    double v = is_real ? REAL(values)[i] : (double)INTEGER(values)[i]; /* logicals are ints */
    switch (dtype) {
      case OAR_DTYPE_FLOAT32: ((float *)buffer)[i] = (float)v; break;
      case OAR_DTYPE_FLOAT64: ((double *)buffer)[i] = v; break;
      case OAR_DTYPE_INT32: ((int32_t *)buffer)[i] = (int32_t)v; break;
      case OAR_DTYPE_INT64: ((int64_t *)buffer)[i] = (int64_t)v; break;
      case OAR_DTYPE_INT16: ((int16_t *)buffer)[i] = (int16_t)v; break;
      case OAR_DTYPE_UINT8: ((uint8_t *)buffer)[i] = (uint8_t)v; break;
      case OAR_DTYPE_INT8: ((int8_t *)buffer)[i] = (int8_t)v; break;
      case OAR_DTYPE_BOOL: ((uint8_t *)buffer)[i] = v != 0; break;
      default: Rf_error("oar: input has dtype %s, which R cannot fill", oar_dtype_name(dtype));
    }
  }
  status = oar_tensor_copy_from_host(tensor, dtype, buffer, count * elem);
  if (status != OAR_OK) fail(status);
  return R_NilValue;
}

SEXP oar_r_run(SEXP ptr) {
  oar_status status = oar_predictor_run(handle_of(ptr, tag_predictor, "oar_predictor"));
  if (status != OAR_OK) fail(status);
  return R_NilValue;
}

/* list(values = row-major vector, shape = numeric). */
SEXP oar_r_get_output(SEXP ptr, SEXP name) {
  oar_predictor *predictor = handle_of(ptr, tag_predictor, "oar_predictor");
  oar_tensor *tensor = NULL;
  oar_status status = oar_predictor_get_output(predictor, string_arg(name, "name"), &tensor);
  if (status != OAR_OK) fail(status);
  const void *data = NULL;
  status = oar_tensor_data(tensor, &data);
  if (status != OAR_OK) fail(status);
  oar_dtype dtype = OAR_DTYPE_UNKNOWN;
  size_t rank = 0;
  int64_t dims[OAR_MAX_RANK];
  status = oar_tensor_dtype(tensor, &dtype);
  if (status == OAR_OK) status = oar_tensor_shape(tensor, &rank, dims, OAR_MAX_RANK);
  if (status != OAR_OK) fail(status);
  size_t count = 1;
  SEXP shape = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)rank));
  for (size_t i = 0; i < rank; i++) {
    REAL(shape)[i] = (double)dims[i];
    count *= (size_t)dims[i];
  }
  SEXPTYPE type = dtype == OAR_DTYPE_BOOL ? LGLSXP
                  : (dtype == OAR_DTYPE_INT32 || dtype == OAR_DTYPE_INT16 || dtype == OAR_DTYPE_UINT8 ||
                     dtype == OAR_DTYPE_INT8)
                      ? INTSXP
                      : REALSXP;
  SEXP values = PROTECT(Rf_allocVector(type, (R_xlen_t)count));
  for (size_t i = 0; i < count; i++) {
    switch (dtype) {
      case OAR_DTYPE_FLOAT32: REAL(values)[i] = ((const float *)data)[i]; break;
      case OAR_DTYPE_FLOAT64: REAL(values)[i] = ((const double *)data)[i]; break;
      case OAR_DTYPE_INT64: REAL(values)[i] = (double)((const int64_t *)data)[i]; break;
      case OAR_DTYPE_INT32: INTEGER(values)[i] = ((const int32_t *)data)[i]; break;
      case OAR_DTYPE_INT16: INTEGER(values)[i] = ((const int16_t *)data)[i]; break;
      case OAR_DTYPE_UINT8: INTEGER(values)[i] = ((const uint8_t *)data)[i]; break;
      case OAR_DTYPE_INT8: INTEGER(values)[i] = ((const int8_t *)data)[i]; break;
      case OAR_DTYPE_BOOL: LOGICAL(values)[i] = ((const uint8_t *)data)[i] != 0; break;
      default: UNPROTECT(2); Rf_error("oar: output has dtype %s, which R cannot hold", oar_dtype_name(dtype));
    }
  }
  SEXP out = PROTECT(Rf_allocVector(VECSXP, 2));
  SET_VECTOR_ELT(out, 0, values);
  SET_VECTOR_ELT(out, 1, shape);
  SEXP names = PROTECT(Rf_allocVector(STRSXP, 2));
  SET_STRING_ELT(names, 0, Rf_mkChar("values"));
  SET_STRING_ELT(names, 1, Rf_mkChar("shape"));
  Rf_setAttrib(out, R_NamesSymbol, names);
  UNPROTECT(4);
  return out;
}

static const R_CallMethodDef call_methods[] = {
    {"oar_r_version", (DL_FUNC)&oar_r_version, 0},
    {"oar_r_config_create", (DL_FUNC)&oar_r_config_create, 5},
    {"oar_r_config_enable", (DL_FUNC)&oar_r_config_enable, 2},
    {"oar_r_predictor_create", (DL_FUNC)&oar_r_predictor_create, 1},
    {"oar_r_predictor_clone", (DL_FUNC)&oar_r_predictor_clone, 1},
    {"oar_r_close", (DL_FUNC)&oar_r_close, 1},
    {"oar_r_names", (DL_FUNC)&oar_r_names, 2},
    {"oar_r_set_input", (DL_FUNC)&oar_r_set_input, 4},
    {"oar_r_run", (DL_FUNC)&oar_r_run, 1},
    {"oar_r_get_output", (DL_FUNC)&oar_r_get_output, 2},
    {NULL, NULL, 0}};

void R_init_oar(DllInfo *dll) {
  tag_config = Rf_install("oar_config");
  tag_predictor = Rf_install("oar_predictor");
  R_registerRoutines(dll, NULL, call_methods, NULL, NULL);
  R_useDynamicSymbols(dll, FALSE);
  R_forceSymbols(dll, TRUE);
}
