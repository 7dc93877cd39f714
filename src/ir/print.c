#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "ir/graph.h"
#include "base/platform.h"

/* A growing string; on OOM it stops growing and the result is NULL. */
typedef struct strbuf {
  char *s;
  size_t len, cap;
  int failed;
} strbuf;

static void sb_printf(strbuf *b, const char *fmt, ...) OAR_PRINTF_FMT(2, 3);
static void sb_printf(strbuf *b, const char *fmt, ...) {
  if (b->failed) return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
      b->failed = 1;
      return;
    }
    if (b->s && b->len + (size_t)n < b->cap) {
      b->len += (size_t)n;
      return;
    }
    size_t cap = b->cap ? b->cap * 2 : 1024;
    while (cap < b->len + (size_t)n + 1) cap *= 2;
    char *p = oar_realloc(b->s, cap);
    if (!p) {
      b->failed = 1;
      return;
    }
    b->s = p;
    b->cap = cap;
  }
}

static void print_value(strbuf *b, const oar_graph *g, int v) {
  char shape[128];
  const oar_value *val = &g->values[v];
  sb_printf(b, "%%%s:%s%s", val->name, oar_dtype_str(val->dtype),
            oar_shape_str(&val->shape, shape, sizeof shape));
}

static void print_attr(strbuf *b, const char *name, const oar_attr *a) {
  sb_printf(b, " %s=", name);
  switch (a->type) {
    case OAR_ATTR_NONE: sb_printf(b, "none"); break;
    case OAR_ATTR_INT: sb_printf(b, "%lld", (long long)a->i); break;
    case OAR_ATTR_BOOL: sb_printf(b, "%s", a->i ? "true" : "false"); break;
    case OAR_ATTR_FLOAT: sb_printf(b, "%g", a->f); break;
    case OAR_ATTR_STRING: sb_printf(b, "\"%s\"", a->s ? a->s : ""); break;
    case OAR_ATTR_INTS:
      sb_printf(b, "[");
      for (size_t i = 0; i < a->n; i++) sb_printf(b, i ? ",%lld" : "%lld", (long long)a->ints[i]);
      sb_printf(b, "]");
      break;
    case OAR_ATTR_FLOATS:
      sb_printf(b, "[");
      for (size_t i = 0; i < a->n; i++) sb_printf(b, i ? ",%g" : "%g", a->floats[i]);
      sb_printf(b, "]");
      break;
    case OAR_ATTR_STRINGS:
      sb_printf(b, "[");
      for (size_t i = 0; i < a->n; i++) sb_printf(b, i ? ",\"%s\"" : "\"%s\"", a->strings[i]);
      sb_printf(b, "]");
      break;
  }
}

char *oar_graph_print(const oar_graph *g) {
  strbuf b = {0};
  sb_printf(&b, "graph %s\n", g->source ? g->source : "");
  for (int i = 0; i < g->num_inputs; i++) {
    sb_printf(&b, "  input ");
    print_value(&b, g, g->inputs[i]);
    sb_printf(&b, "\n");
  }
  for (int ni = 0; ni < g->num_nodes; ni++) {
    const oar_node *n = &g->nodes[ni];
    const oar_op_schema *s = n->schema;
    sb_printf(&b, "  #%d ", n->source_index);
    for (int i = 0; i < oar_node_num_out(n); i++) {
      if (i) sb_printf(&b, ", ");
      print_value(&b, g, n->out[i]);
    }
    sb_printf(&b, " = %s(", s->name);
    int first = 1;
    for (int k = 0; k < s->num_inputs; k++) {
      for (int j = 0; j < oar_node_input_count(n, k); j++) {
        sb_printf(&b, "%s%s=%%%s", first ? "" : ", ", s->inputs[k].name,
                  g->values[n->in[n->in_start[k] + j]].name);
        first = 0;
      }
    }
    sb_printf(&b, ")");
    for (int a = 0; a < s->num_attrs; a++) print_attr(&b, s->attrs[a].name, &n->attrs[a]);
    sb_printf(&b, "\n");
  }
  for (int i = 0; i < g->num_outputs; i++) sb_printf(&b, "  output %%%s\n", g->values[g->outputs[i]].name);
  if (b.failed) {
    oar_free(b.s);
    return NULL;
  }
  return b.s;
}
