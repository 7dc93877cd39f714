#include <stdarg.h>
#include <stdio.h>

#include "api/internal.h"
#include "passes/pass_manager.h"
#include "oar/oar.h"

#define OAR_STR2(x) #x
#define OAR_STR(x) OAR_STR2(x)

const char *oar_version(void) {
  return OAR_STR(OAR_VERSION_MAJOR) "." OAR_STR(OAR_VERSION_MINOR) "." OAR_STR(OAR_VERSION_PATCH);
}

const char *oar_status_string(oar_status status) {
  switch (status) {
    case OAR_OK: return "ok";
    case OAR_ERR_INVALID_ARGUMENT: return "invalid argument";
    case OAR_ERR_IO: return "i/o error";
    case OAR_ERR_INVALID_MODEL: return "invalid model";
    case OAR_ERR_UNSUPPORTED: return "unsupported";
    case OAR_ERR_OUT_OF_MEMORY: return "out of memory";
    case OAR_ERR_MISUSE: return "misuse";
    case OAR_ERR_NOT_FOUND: return "not found";
    case OAR_ERR_INTERNAL: return "internal error";
  }
  return "unknown status";
}

const char *oar_last_error(void) { return oar_error_last(); }

size_t oar_dtype_size(oar_dtype dtype) { return oar_dtype_bytes(dtype); }
const char *oar_dtype_name(oar_dtype dtype) { return oar_dtype_str(dtype); }

oar_status oar_api_fail(oar_error *slot, const oar_error *err) {
  if (slot && slot != err) *slot = *err;
  oar_error_publish(err);
  return err->code;
}

oar_status oar_api_failf(oar_error *slot, oar_status code, const char *fmt, ...) {
  oar_error e;
  e.code = code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e.msg, sizeof e.msg, fmt, ap);
  va_end(ap);
  return oar_api_fail(slot, &e);
}

oar_status oar_api_misuse(const char *fmt, ...) {
  oar_error e;
  e.code = OAR_ERR_MISUSE;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e.msg, sizeof e.msg, fmt, ap);
  va_end(ap);
  return oar_api_fail(NULL, &e);
}

oar_status oar_pass_count(size_t *count) {
  if (!count) return oar_api_misuse("oar_pass_count: count is NULL");
  int n;
  oar_pass_list(&n);
  *count = (size_t)n;
  return OAR_OK;
}

oar_status oar_pass_info(size_t index, const char **name, const char **summary) {
  if (!name || !summary) return oar_api_misuse("oar_pass_info: name or summary is NULL");
  int n;
  const oar_pass *passes = oar_pass_list(&n);
  if (index >= (size_t)n)
    return oar_api_failf(NULL, OAR_ERR_INVALID_ARGUMENT, "oar_pass_info: index %zu out of range (%d passes)",
                         index, n);
  *name = passes[index].name;
  *summary = passes[index].summary;
  return OAR_OK;
}
