/* The optimized model file (`oar opt`, docs/optimized-format.md): the
 * graph after the passes, its constants, and weights already packed for
 * the kernels of one ISA level, laid out so the file can be mapped and run
 * in place. This module reads and writes the format only; the runtime
 * decides what to pack and whether the packed weights fit this host. */
#ifndef OAR_FRONTEND_OARFILE_OARFILE_H
#define OAR_FRONTEND_OARFILE_OARFILE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "ir/graph.h"

#define OAR_OARFILE_VERSION 1u
#define OAR_OARFILE_HEADER_BYTES 128u
/* Constants and packed weights start at multiples of this (from the start
 * of the file, so from a page-aligned mapping too). */
#define OAR_OARFILE_ALIGN 64u

/* Pass target flags: the layout decisions the graph was optimized for. */
enum {
  OAR_OARFILE_TARGET_BLOCKED_CONV = 1u << 0,
  OAR_OARFILE_TARGET_BLOCKED_DEPTHWISE = 1u << 1,
  OAR_OARFILE_TARGET_BLOCKED_POOL = 1u << 2,
  OAR_OARFILE_TARGET_WINOGRAD = 1u << 3,
};

/* One packed weight: constant `value` packed for the kernels of the
 * file's ISA with layout key `key`. */
typedef struct oar_oarfile_packed {
  int value;
  int64_t key[4];
  size_t floats;
  const float *data;
  uint64_t hash; /* read: XXH64 of data (checked when first used) */
} oar_oarfile_packed;

/* True when the bytes start with the optimized model file's magic. */
int oar_oarfile_matches(const void *data, size_t size);

/* Writes `g` (its constants included) and the packed weights to `path`.
 * isa: the oar_isa the packing and layouts are for; target: the
 * OAR_OARFILE_TARGET_* flags. Errors name the path. */
oar_status oar_oarfile_write(const char *path, const oar_graph *g, uint32_t isa, uint32_t target,
                             const oar_oarfile_packed *packed, size_t num_packed, oar_error *err);

typedef struct oar_oarfile {
  oar_graph *graph; /* constants borrowed from the bytes read */
  uint32_t isa, target;
  oar_oarfile_packed *packed; /* data points into the bytes read */
  size_t num_packed;
  uint64_t *value_hash; /* per value: XXH64 of a constant's data (0 for others) */
} oar_oarfile;

/* Reads an optimized model from `size` bytes at `data` (64-byte aligned;
 * they must outlive the graph, whose constants point into them). Checks
 * the header (magic, version, checksum, lengths), the metadata's checksum
 * and every count, id, length and offset; constants' checksums are in
 * value_hash for the caller to check before their first use. `source`
 * names the file in errors. On failure *out is left empty. */
oar_status oar_oarfile_read(const uint8_t *data, size_t size, const char *source, oar_oarfile *out,
                            oar_error *err);
/* Frees what oar_oarfile_read made, the graph included (NULL-safe). */
void oar_oarfile_free(oar_oarfile *f);

#endif
