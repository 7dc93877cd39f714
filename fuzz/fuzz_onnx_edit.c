/* libFuzzer harness: any bytes as an ONNX model for `oar quantize`'s
 * reader and rewriter (tools/quantize/onnx_edit.c). Parsing must succeed
 * or fail with a message, never crash, leak or read out of bounds. A model
 * that parses is read as quantize reads it (attributes, float initializer
 * data) and rewritten with every kind of edit (a node inserted before each
 * node, inputs renamed, a node and an initializer dropped, an initializer and an
 * output appended); the rewritten bytes must parse again, with the nodes,
 * initializers and outputs the edit implies. Build and run: fuzz/run.sh. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "quantize/onnx_edit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  oe_model m;
  char err[256];
  err[0] = '\0';
  if (oe_model_parse(data, size, &m, err, sizeof err) != 0) {
    if (err[0] == '\0') abort(); /* a failure always says why */
    return 0;
  }
  for (size_t i = 0; i < m.node_count; i++) {
    int64_t v;
    (void)oe_node_attr_int(&m.nodes[i], "transB", &v);
    if (m.nodes[i].value == NULL) continue;
    oe_init t;
    if (oe_tensor_parse(m.nodes[i].value, m.nodes[i].value_len, "value", &t, err, sizeof err) != 0) continue;
    int64_t n = oe_init_elements(&t);
    float *f = n >= 0 && n <= (1 << 16) ? malloc((size_t)n * sizeof *f + 1) : NULL;
    if (f) (void)oe_init_floats(&t, f, (size_t)n, err, sizeof err);
    free(f);
    oe_init_free(&t);
  }
  for (size_t i = 0; i < m.init_count; i++) {
    int64_t n = oe_init_elements(&m.inits[i]);
    if (n < 0 || n > (1 << 16)) continue;
    float *f = malloc((size_t)n * sizeof *f + 1);
    if (f == NULL) continue;
    (void)oe_init_floats(&m.inits[i], f, (size_t)n, err, sizeof err);
    free(f);
  }

  oe_edit e;
  memset(&e, 0, sizeof e);
  e.before = calloc(m.node_count + 1, sizeof *e.before);
  e.rename = calloc(m.node_count + 1, sizeof *e.rename);
  e.drop = calloc(m.init_count + 1, 1);
  e.drop_nodes = calloc(m.node_count + 1, 1);
  char *renamed = "renamed";
  if (e.before && e.rename && e.drop && e.drop_nodes) {
    for (size_t i = 0; i < m.node_count; i++) {
      const char *in[3] = {"q", "s", "z"}, *out = "dq";
      oe_buf_node(&e.before[i], "DequantizeLinear", "n", in, 3, &out, 1, i & 1, 0);
      if (m.nodes[i].input_count > 0) {
        e.rename[i] = calloc(m.nodes[i].input_count, sizeof(char *));
        if (e.rename[i]) e.rename[i][0] = renamed;
      }
    }
    if (m.init_count > 0) e.drop[0] = 1;
    if (m.node_count > 0) e.drop_nodes[0] = 1; /* node i > 0 is then at 2 * i */
    const int64_t dims[1] = {2};
    const int8_t q[2] = {-1, 1};
    oe_buf_init(&e.append_inits, "appended", ONNX_INT8, 1, dims, q, 2);
    oe_buf_output(&e.append_outputs, "extra", ONNX_FLOAT);
    uint8_t *out = NULL;
    size_t len = 0;
    if (oe_model_write(&m, &e, &out, &len) == 0) {
      oe_model again;
      if (oe_model_parse(out, len, &again, err, sizeof err) != 0) abort();
      size_t dropped = m.init_count > 0, dropped_nodes = m.node_count > 0;
      if (again.node_count != 2 * m.node_count - dropped_nodes ||
          again.init_count != m.init_count - dropped + 1 || again.output_count != m.output_count + 1)
        abort();
      for (size_t i = 1; i < m.node_count; i++) {
        const oe_node *n = &again.nodes[2 * i];
        if (strcmp(n->op_type, m.nodes[i].op_type) != 0 || n->input_count != m.nodes[i].input_count) abort();
        if (n->input_count > 0 && strcmp(n->inputs[0], "renamed") != 0) abort();
      }
      oe_model_free(&again);
      free(out);
    }
  }
  for (size_t i = 0; e.before && i < m.node_count; i++) oe_buf_free(&e.before[i]);
  for (size_t i = 0; e.rename && i < m.node_count; i++) free(e.rename[i]);
  free(e.before);
  free(e.rename);
  free(e.drop);
  free(e.drop_nodes);
  oe_buf_free(&e.append_inits);
  oe_buf_free(&e.append_outputs);
  oe_model_free(&m);
  return 0;
}
