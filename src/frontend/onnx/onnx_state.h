/* The ONNX loader's state shared by onnx_loader.c and the converter
 * helpers of onnx_convert.c: value names, and what load-time shape
 * tracking knows about each value. */
#ifndef OAR_FRONTEND_ONNX_ONNX_STATE_H
#define OAR_FRONTEND_ONNX_ONNX_STATE_H

#include "frontend/onnx/onnx_convert.h"

struct onnx_loader {
  oar_graph *g;
  int *map;             /* open-addressing table of value ids, -1 = empty */
  size_t map_cap;       /* power of two */
  unsigned char *known; /* per value: rank (and dtype, shape) tracked */
  size_t known_cap;
  int temps;            /* counter for temporary names */
  const void *file_map; /* the model file's mapping, or NULL (buffer, or read into memory) */
  /* A control flow body's loader: the enclosing graph's, and the outer
   * values the body captured (one extra body input each, in order). */
  struct onnx_loader *parent;
  int *caps;
  size_t num_caps, cap_caps;
  size_t file_map_size;
};

/* Value id by name, or -1. */
int onnx_ld_find(const onnx_loader *ld, const char *name, size_t len);
/* Adds a value (name must be new) and indexes it. */
oar_status onnx_ld_add(onnx_loader *ld, const char *name, size_t len, oar_dtype dtype, const oar_shape *shape,
                       int *id, oar_error *err);
/* Marks value v's dtype and shape (in g->values) as known or not. */
oar_status onnx_ld_set_known(onnx_loader *ld, int v, bool known, oar_error *err);
bool onnx_ld_known(const onnx_loader *ld, int v);
/* Gives back to the kernel the pages of the mapped model file that hold
 * [p, p+n) once those bytes have been copied into a constant, so that
 * weights are never held twice. Does nothing for models not mapped. */
void onnx_ld_release(const onnx_loader *ld, const void *p, size_t n);

/* Infers the outputs of the graph's last node from what is known of its
 * inputs (best effort: outputs stay unknown when inference cannot run). */
oar_status onnx_ld_track_last_node(onnx_loader *ld, oar_error *err);

#endif
