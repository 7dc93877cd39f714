/* A small, bounds-checked reader of the protobuf binary wire format.
 *
 * Model files are untrusted: every read checks the bytes left in the
 * current message, and every error says at which byte offset (counted from
 * the start of the whole buffer, so it matches a hex dump of the file) and
 * what was expected there. Nothing here allocates except the repeated-scalar
 * vector, and nothing recurses except skipping (deprecated) groups, which is
 * depth-limited.
 *
 * Usage: init a reader over the whole buffer, then loop
 *   while (!oar_pb_at_end(&r)) { read_tag; switch on field; read or skip }
 * and open sub-messages with oar_pb_read_message. */
#ifndef OAR_FRONTEND_PROTOBUF_WIRE_H
#define OAR_FRONTEND_PROTOBUF_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef enum oar_pb_wire {
  OAR_PB_VARINT = 0, /* int32, int64, uint*, bool, enum */
  OAR_PB_I64 = 1,    /* fixed64, sfixed64, double */
  OAR_PB_LEN = 2,    /* string, bytes, sub-message, packed repeated scalars */
  OAR_PB_SGROUP = 3, /* deprecated group start (skipped only) */
  OAR_PB_EGROUP = 4, /* deprecated group end */
  OAR_PB_I32 = 5     /* fixed32, sfixed32, float */
} oar_pb_wire;

/* Deepest nesting of sub-messages and groups a reader accepts. */
#define OAR_PB_MAX_DEPTH 64

typedef struct oar_pb_reader {
  const uint8_t *base; /* start of the whole buffer; offsets are from here */
  size_t pos;          /* offset of the next byte to read */
  size_t end;          /* offset one past the last byte of this message */
  int depth;           /* nesting depth of this message */
} oar_pb_reader;

/* A reader over data[0 .. size). data may be NULL when size is 0. */
void oar_pb_reader_init(oar_pb_reader *r, const void *data, size_t size);
/* A reader over base[start .. end), reporting offsets relative to base
 * (used to read a protobuf embedded in a larger file). start <= end. */
void oar_pb_reader_init_range(oar_pb_reader *r, const void *base, size_t start, size_t end);

static inline bool oar_pb_at_end(const oar_pb_reader *r) { return r->pos >= r->end; }
static inline size_t oar_pb_remaining(const oar_pb_reader *r) {
  return r->pos < r->end ? r->end - r->pos : 0;
}

/* "varint", "i64", "len", "start-group", "end-group", "i32", or "invalid". */
const char *oar_pb_wire_name(int wire);

/* Reads a field key. Fails on a truncated key, field number 0 or above
 * 2^29-1, and on wire types 6 and 7. */
oar_status oar_pb_read_tag(oar_pb_reader *r, uint32_t *field, oar_pb_wire *wire, oar_error *err);

/* Reads a varint of up to 10 bytes (negative int32/int64 values take 10).
 * Fails when truncated or longer than 64 bits. */
oar_status oar_pb_read_varint(oar_pb_reader *r, uint64_t *value, oar_error *err);
/* Little-endian fixed-width values. */
oar_status oar_pb_read_fixed32(oar_pb_reader *r, uint32_t *value, oar_error *err);
oar_status oar_pb_read_fixed64(oar_pb_reader *r, uint64_t *value, oar_error *err);

/* Reads a length-delimited field's payload: *data points into the buffer
 * (not copied), *len is its size. Fails when the length runs past the end
 * of the current message. */
oar_status oar_pb_read_bytes(oar_pb_reader *r, const uint8_t **data, size_t *len, oar_error *err);
/* Reads a length-delimited field as a sub-message reader. */
oar_status oar_pb_read_message(oar_pb_reader *r, oar_pb_reader *sub, oar_error *err);

/* Skips the value of a field whose key was just read, of any wire type
 * (groups are skipped up to their matching end-group key). */
oar_status oar_pb_skip(oar_pb_reader *r, uint32_t field, oar_pb_wire wire, oar_error *err);

/* Fails with "field `name` (#field) at byte offset N: expected wire type W,
 * found V" unless got == want. tag_pos is where the key started. */
oar_status oar_pb_check_wire(uint32_t field, const char *name, size_t tag_pos, oar_pb_wire got,
                             oar_pb_wire want, oar_error *err);

/* Values of repeated scalar fields, widened to 64 bits (fixed32 values keep
 * their bit pattern in the low half). */
typedef struct oar_pb_u64s {
  uint64_t *v;
  size_t n, cap;
} oar_pb_u64s;

/* Appends one occurrence of a repeated scalar field whose elements have
 * wire type `elem` (VARINT, I32 or I64): either one unpacked element
 * (wire == elem) or a packed run (wire == LEN, whose length must be a
 * multiple of the element size for fixed widths). Any other wire type is an
 * error naming the field. */
oar_status oar_pb_read_repeated(oar_pb_reader *r, uint32_t field, const char *name, size_t tag_pos,
                                oar_pb_wire wire, oar_pb_wire elem, oar_pb_u64s *out, oar_error *err);
void oar_pb_u64s_free(oar_pb_u64s *a);

#endif
