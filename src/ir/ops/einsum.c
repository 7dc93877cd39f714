/* einsum: Einstein summation over up to 8 operands (numpy's equation
 * syntax: letters, one "..." per term for broadcast dims, an explicit
 * "->" output or the implicit one: "..." dims, then the letters used once,
 * in alphabetical order). Repeated letters in a term take a diagonal. */
#include <string.h>

#include "ir/ops/infer_util.h"
#include "ir/ops/op_ext.h"

#define ELLIPSIS_BASE 52

static int label_of(char c) {
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= 'A' && c <= 'Z') return 26 + (c - 'A');
  return -1;
}

/* Parses one term into labels; ELLIPSIS marks "..." (expanded later). */
#define ELLIPSIS (-2)
static oar_status parse_term(const char *s, size_t n, int *labels, int *count, oar_error *err) {
  *count = 0;
  bool seen_ellipsis = false;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == ' ') continue;
    if (s[i] == '.') {
      if (seen_ellipsis || i + 2 >= n || s[i + 1] != '.' || s[i + 2] != '.')
        return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "bad ellipsis in einsum term '%.*s'", (int)n, s);
      seen_ellipsis = true;
      labels[(*count)++] = ELLIPSIS;
      i += 2;
      continue;
    }
    const int l = label_of(s[i]);
    if (l < 0)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "bad character '%c' in einsum equation", s[i]);
    if (*count >= OAR_MAX_RANK + 1) return oar_error_set(err, OAR_ERR_UNSUPPORTED, "einsum term too long");
    labels[(*count)++] = l;
  }
  return OAR_OK;
}

oar_status oar_einsum_resolve(const oar_node *n, const oar_tensor_view *const *in, int nin,
                              oar_einsum_plan *p, oar_error *err) {
  memset(p, 0, sizeof *p);
  const char *eq = oar_op_attr_str(n, OAR_EINSUM_ATTR_EQUATION);
  const char *arrow = strstr(eq, "->");
  const size_t lhs_len = arrow ? (size_t)(arrow - eq) : strlen(eq);
  if (nin < 1 || nin > 8) return oar_error_set(err, OAR_ERR_UNSUPPORTED, "einsum with %d operands", nin);
  p->num_inputs = nin;
  p->num_labels = OAR_EINSUM_MAX_LABELS;
  for (int l = 0; l < OAR_EINSUM_MAX_LABELS; l++) p->size[l] = -1;
  int terms[8][OAR_MAX_RANK + 1], tcount[8], k = 0, ell_rank = 0;
  size_t start = 0;
  for (size_t i = 0; i <= lhs_len; i++) {
    if (i < lhs_len && eq[i] != ',') continue;
    if (k >= nin)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "einsum equation has more terms than inputs");
    OAR_TRY(parse_term(eq + start, i - start, terms[k], &tcount[k], err));
    k++;
    start = i + 1;
  }
  if (k != nin)
    return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "einsum equation has %d terms for %d inputs", k, nin);
  int used[OAR_EINSUM_MAX_LABELS] = {0};
  for (int t = 0; t < nin; t++) {
    const oar_shape *s = &in[t]->shape;
    int letters = 0;
    bool has_ell = false;
    for (int j = 0; j < tcount[t]; j++)
      has_ell |= terms[t][j] == ELLIPSIS, letters += terms[t][j] != ELLIPSIS;
    const int er = s->rank - letters;
    if (er < 0 || (!has_ell && er != 0))
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "einsum term %d has %d labels for rank %d", t,
                           letters, s->rank);
    if (er > ell_rank) ell_rank = er;
    int d = 0;
    for (int j = 0; j < tcount[t]; j++) {
      if (terms[t][j] != ELLIPSIS) {
        p->in_label[t][d++] = terms[t][j];
        used[terms[t][j]]++;
        continue;
      }
      for (int e = 0; e < er; e++) p->in_label[t][d++] = -100 - (er - e); /* fixed below */
    }
    p->in_rank[t] = s->rank;
  }
  /* ellipsis dims right-aligned: the e-th from the end is label ELLIPSIS_BASE + ell_rank - e */
  for (int t = 0; t < nin; t++)
    for (int d = 0; d < p->in_rank[t]; d++)
      if (p->in_label[t][d] <= -100)
        p->in_label[t][d] = ELLIPSIS_BASE + ell_rank - (-100 - p->in_label[t][d]);
  if (ELLIPSIS_BASE + ell_rank > OAR_EINSUM_MAX_LABELS)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED, "einsum with %d broadcast dims", ell_rank);
  for (int t = 0; t < nin; t++)
    for (int d = 0; d < p->in_rank[t]; d++) {
      const int l = p->in_label[t][d];
      const int64_t sz = in[t]->shape.dims[d];
      if (p->size[l] < 0 || p->size[l] == 1)
        p->size[l] = sz;
      else if (sz != p->size[l] && sz != 1)
        return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "einsum label sizes disagree (%lld vs %lld)",
                             (long long)sz, (long long)p->size[l]);
    }
  if (arrow) {
    int labels[OAR_MAX_RANK + 1], count;
    OAR_TRY(parse_term(arrow + 2, strlen(arrow + 2), labels, &count, err));
    for (int j = 0; j < count; j++) {
      if (labels[j] == ELLIPSIS) {
        for (int e = 0; e < ell_rank; e++) {
          if (p->out_rank >= OAR_MAX_RANK)
            return oar_error_set(err, OAR_ERR_UNSUPPORTED, "einsum output rank");
          p->out_label[p->out_rank++] = ELLIPSIS_BASE + e;
        }
        continue;
      }
      if (p->out_rank >= OAR_MAX_RANK) return oar_error_set(err, OAR_ERR_UNSUPPORTED, "einsum output rank");
      if (!used[labels[j]])
        return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "einsum output label not in any input");
      p->out_label[p->out_rank++] = labels[j];
    }
  } else {
    for (int e = 0; e < ell_rank; e++) p->out_label[p->out_rank++] = ELLIPSIS_BASE + e;
    for (int l = 0; l < ELLIPSIS_BASE; l++)
      if (used[l] == 1) {
        if (p->out_rank >= OAR_MAX_RANK) return oar_error_set(err, OAR_ERR_UNSUPPORTED, "einsum output rank");
        p->out_label[p->out_rank++] = l;
      }
  }
  return OAR_OK;
}

static oar_status einsum_infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out,
                               oar_error *err) {
  const int nin = oar_node_input_count(n, 0);
  if (nin < 1) return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "einsum needs inputs");
  for (int i = 1; i < nin; i++)
    if (in[i]->dtype != in[0]->dtype)
      return oar_error_set(err, OAR_ERR_INVALID_ARGUMENT, "einsum inputs differ in dtype");
  oar_einsum_plan p;
  OAR_TRY(oar_einsum_resolve(n, in, nin, &p, err));
  oar_shape s = {.rank = p.out_rank};
  for (int i = 0; i < p.out_rank; i++) s.dims[i] = p.size[p.out_label[i]];
  oar_op_set_output(n, out, 0, in[0]->dtype, &s);
  return OAR_OK;
}

static const oar_slot_spec einsum_inputs[] = {{"Inputs", OAR_SLOT_REQUIRED | OAR_SLOT_VARIADIC}};
static const oar_slot_spec einsum_outputs[] = {{"Out", OAR_SLOT_REQUIRED}};
static const oar_attr_spec einsum_attrs[] = {[OAR_EINSUM_ATTR_EQUATION] =
                                                 OAR_ATTR_REQUIRED("equation", OAR_ATTR_STRING)};

const oar_op_schema oar_schema_einsum = {
    .name = "einsum",
    .id = OAR_OP_einsum,
    .inputs = einsum_inputs,
    .num_inputs = 1,
    .outputs = einsum_outputs,
    .num_outputs = 1,
    .attrs = einsum_attrs,
    .num_attrs = 1,
    .infer = einsum_infer,
};
