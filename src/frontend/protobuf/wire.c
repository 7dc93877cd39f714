#include "frontend/protobuf/wire.h"

#include <stdio.h>
#include <string.h>

#include "base/alloc.h"

void oar_pb_reader_init(oar_pb_reader *r, const void *data, size_t size) {
  oar_pb_reader_init_range(r, data, 0, size);
}

void oar_pb_reader_init_range(oar_pb_reader *r, const void *base, size_t start, size_t end) {
  r->base = base;
  r->pos = start;
  r->end = end < start ? start : end;
  r->depth = 0;
}

const char *oar_pb_wire_name(int wire) {
  switch (wire) {
    case OAR_PB_VARINT: return "varint";
    case OAR_PB_I64: return "i64";
    case OAR_PB_LEN: return "len";
    case OAR_PB_SGROUP: return "start-group";
    case OAR_PB_EGROUP: return "end-group";
    case OAR_PB_I32: return "i32";
  }
  return "invalid";
}

/* Every truncation error reads the same way, so callers can prefix their
 * context ("op #3: attr 'x': ") and the whole still reads naturally. */
/* need == 0: the size is not known up front (varints). */
static oar_status fail_truncated(const oar_pb_reader *r, size_t at, const char *what, size_t need,
                                 oar_error *err) {
  size_t left = at < r->end ? r->end - at : 0;
  char size[48] = "";
  if (need) snprintf(size, sizeof size, " (%zu byte%s)", need, need == 1 ? "" : "s");
  return oar_error_set(
      err, OAR_ERR_INVALID_MODEL,
      "protobuf truncated at byte offset %zu: expected %s%s, only %zu byte%s left in the message "
      "ending at offset %zu",
      at, what, size, left, left == 1 ? "" : "s", r->end);
}

oar_status oar_pb_read_varint(oar_pb_reader *r, uint64_t *value, oar_error *err) {
  size_t start = r->pos;
  uint64_t v = 0;
  for (int i = 0; i < 10; i++) {
    if (r->pos >= r->end) return fail_truncated(r, start, "a varint", 0, err);
    uint8_t b = r->base[r->pos++];
    /* The 10th byte holds only bit 63; anything more does not fit. */
    if (i == 9 && b > 1)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                           "protobuf varint at byte offset %zu is longer than 64 bits (10th byte 0x%02X)",
                           start, (unsigned)b);
    v |= (uint64_t)(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) {
      *value = v;
      return OAR_OK;
    }
  }
  /* Unreachable: the 10th byte either ends the varint or fails above. */
  return oar_error_set(err, OAR_ERR_INTERNAL, "protobuf varint decoding at byte offset %zu", start);
}

oar_status oar_pb_read_fixed32(oar_pb_reader *r, uint32_t *value, oar_error *err) {
  if (oar_pb_remaining(r) < 4) return fail_truncated(r, r->pos, "a fixed32", 4, err);
  const uint8_t *p = r->base + r->pos;
  *value = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  r->pos += 4;
  return OAR_OK;
}

oar_status oar_pb_read_fixed64(oar_pb_reader *r, uint64_t *value, oar_error *err) {
  if (oar_pb_remaining(r) < 8) return fail_truncated(r, r->pos, "a fixed64", 8, err);
  const uint8_t *p = r->base + r->pos;
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  *value = v;
  r->pos += 8;
  return OAR_OK;
}

oar_status oar_pb_read_tag(oar_pb_reader *r, uint32_t *field, oar_pb_wire *wire, oar_error *err) {
  size_t start = r->pos;
  uint64_t key = 0;
  if (r->pos >= r->end) return fail_truncated(r, start, "a field key", 0, err);
  OAR_TRY(oar_pb_read_varint(r, &key, err));
  uint64_t number = key >> 3;
  unsigned w = (unsigned)(key & 7);
  if (number == 0 || number > 0x1FFFFFFF)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "protobuf field key at byte offset %zu has invalid field number %llu (expected 1 to "
                         "536870911)",
                         start, (unsigned long long)number);
  if (w > OAR_PB_I32)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "protobuf field key at byte offset %zu (field #%llu) has invalid wire type %u",
                         start, (unsigned long long)number, w);
  *field = (uint32_t)number;
  *wire = (oar_pb_wire)w;
  return OAR_OK;
}

oar_status oar_pb_read_bytes(oar_pb_reader *r, const uint8_t **data, size_t *len, oar_error *err) {
  size_t start = r->pos;
  uint64_t n = 0;
  OAR_TRY(oar_pb_read_varint(r, &n, err));
  if (n > oar_pb_remaining(r))
    return oar_error_set(
        err, OAR_ERR_INVALID_MODEL,
        "protobuf length at byte offset %zu says %llu bytes follow, but only %zu are left in the "
        "message ending at offset %zu",
        start, (unsigned long long)n, oar_pb_remaining(r), r->end);
  *data = r->base + r->pos;
  *len = (size_t)n;
  r->pos += (size_t)n;
  return OAR_OK;
}

oar_status oar_pb_read_message(oar_pb_reader *r, oar_pb_reader *sub, oar_error *err) {
  size_t start = r->pos;
  if (r->depth + 1 > OAR_PB_MAX_DEPTH)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "protobuf sub-message at byte offset %zu nests deeper than %d levels", start,
                         OAR_PB_MAX_DEPTH);
  const uint8_t *data = NULL;
  size_t len = 0;
  OAR_TRY(oar_pb_read_bytes(r, &data, &len, err));
  size_t begin = (size_t)(data - r->base);
  sub->base = r->base;
  sub->pos = begin;
  sub->end = begin + len;
  sub->depth = r->depth + 1;
  return OAR_OK;
}

static oar_status skip_group(oar_pb_reader *r, uint32_t field, int depth, oar_error *err);

static oar_status skip_value(oar_pb_reader *r, uint32_t field, oar_pb_wire wire, int depth, oar_error *err) {
  uint64_t u;
  const uint8_t *d;
  size_t n;
  switch (wire) {
    case OAR_PB_VARINT: return oar_pb_read_varint(r, &u, err);
    case OAR_PB_I64:
      if (oar_pb_remaining(r) < 8) return fail_truncated(r, r->pos, "a fixed64", 8, err);
      r->pos += 8;
      return OAR_OK;
    case OAR_PB_I32:
      if (oar_pb_remaining(r) < 4) return fail_truncated(r, r->pos, "a fixed32", 4, err);
      r->pos += 4;
      return OAR_OK;
    case OAR_PB_LEN: return oar_pb_read_bytes(r, &d, &n, err);
    case OAR_PB_SGROUP: return skip_group(r, field, depth + 1, err);
    case OAR_PB_EGROUP:
      return oar_error_set(
          err, OAR_ERR_INVALID_MODEL,
          "protobuf end-group key for field #%u before byte offset %zu has no matching start", field, r->pos);
  }
  return oar_error_set(err, OAR_ERR_INVALID_MODEL, "protobuf: invalid wire type %d before byte offset %zu",
                       (int)wire, r->pos);
}

/* Skips fields up to the end-group key of `field`. */
static oar_status skip_group(oar_pb_reader *r, uint32_t field, int depth, oar_error *err) {
  size_t start = r->pos;
  if (r->depth + depth > OAR_PB_MAX_DEPTH)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                         "protobuf group at byte offset %zu nests deeper than %d levels", start,
                         OAR_PB_MAX_DEPTH);
  for (;;) {
    if (oar_pb_at_end(r))
      return oar_error_set(
          err, OAR_ERR_INVALID_MODEL,
          "protobuf group of field #%u starting at byte offset %zu has no end-group key before "
          "offset %zu",
          field, start, r->end);
    uint32_t f = 0;
    oar_pb_wire w = OAR_PB_VARINT;
    size_t tag_pos = r->pos;
    OAR_TRY(oar_pb_read_tag(r, &f, &w, err));
    if (w == OAR_PB_EGROUP) {
      if (f != field)
        return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                             "protobuf end-group key at byte offset %zu closes field #%u, expected #%u",
                             tag_pos, f, field);
      return OAR_OK;
    }
    OAR_TRY(skip_value(r, f, w, depth, err));
  }
}

oar_status oar_pb_skip(oar_pb_reader *r, uint32_t field, oar_pb_wire wire, oar_error *err) {
  return skip_value(r, field, wire, 0, err);
}

oar_status oar_pb_check_wire(uint32_t field, const char *name, size_t tag_pos, oar_pb_wire got,
                             oar_pb_wire want, oar_error *err) {
  if (got == want) return OAR_OK;
  return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                       "protobuf field '%s' (#%u) at byte offset %zu: expected wire type %s, found %s", name,
                       field, tag_pos, oar_pb_wire_name(want), oar_pb_wire_name(got));
}

static oar_status push(oar_pb_u64s *a, uint64_t v, oar_error *err) {
  if (a->n == a->cap) {
    size_t cap = a->cap ? a->cap * 2 : 8, bytes;
    if (!oar_mul_size(cap, sizeof *a->v, &bytes))
      return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "repeated field too long (%zu values)", a->n);
    uint64_t *p = oar_realloc(a->v, bytes);
    if (!p) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for %zu repeated values", cap);
    a->v = p;
    a->cap = cap;
  }
  a->v[a->n++] = v;
  return OAR_OK;
}

static oar_status read_one(oar_pb_reader *r, oar_pb_wire elem, uint64_t *v, oar_error *err) {
  uint32_t u32 = 0;
  switch (elem) {
    case OAR_PB_VARINT: return oar_pb_read_varint(r, v, err);
    case OAR_PB_I64: return oar_pb_read_fixed64(r, v, err);
    case OAR_PB_I32:
      OAR_TRY(oar_pb_read_fixed32(r, &u32, err));
      *v = u32;
      return OAR_OK;
    default: break;
  }
  return oar_error_set(err, OAR_ERR_INTERNAL, "repeated scalar of wire type %s", oar_pb_wire_name(elem));
}

oar_status oar_pb_read_repeated(oar_pb_reader *r, uint32_t field, const char *name, size_t tag_pos,
                                oar_pb_wire wire, oar_pb_wire elem, oar_pb_u64s *out, oar_error *err) {
  uint64_t v = 0;
  if (wire == elem) {
    OAR_TRY(read_one(r, elem, &v, err));
    return push(out, v, err);
  }
  if (wire != OAR_PB_LEN)
    return oar_error_set(
        err, OAR_ERR_INVALID_MODEL,
        "protobuf field '%s' (#%u) at byte offset %zu: expected wire type %s or packed (len), "
        "found %s",
        name, field, tag_pos, oar_pb_wire_name(elem), oar_pb_wire_name(wire));
  oar_pb_reader packed = {0};
  OAR_TRY(oar_pb_read_message(r, &packed, err));
  size_t width = elem == OAR_PB_I32 ? 4 : elem == OAR_PB_I64 ? 8 : 0;
  size_t len = packed.end - packed.pos;
  if (width && len % width != 0)
    return oar_error_set(
        err, OAR_ERR_INVALID_MODEL,
        "protobuf packed field '%s' (#%u) at byte offset %zu: %zu bytes is not a whole number of "
        "%zu-byte values",
        name, field, tag_pos, len, width);
  while (!oar_pb_at_end(&packed)) {
    OAR_TRY(read_one(&packed, elem, &v, err));
    OAR_TRY(push(out, v, err));
  }
  return OAR_OK;
}

void oar_pb_u64s_free(oar_pb_u64s *a) {
  if (!a) return;
  oar_free(a->v);
  memset(a, 0, sizeof *a);
}
