#include "ir/schema.h"

#include <string.h>

#define OAR_OP(id) extern const oar_op_schema oar_schema_##id;
#include "ir/op_list.h"
#undef OAR_OP

static const oar_op_schema *const schemas[OAR_OP_COUNT] = {
#define OAR_OP(id) [OAR_OP_##id] = &oar_schema_##id,
#include "ir/op_list.h"
#undef OAR_OP
};

const oar_op_schema *oar_schema_find(const char *name) {
  for (int i = 0; i < OAR_OP_COUNT; i++)
    if (strcmp(schemas[i]->name, name) == 0) return schemas[i];
  return NULL;
}

const oar_op_schema *oar_schema_by_id(oar_op_id id) {
  if ((int)id < 0 || id >= OAR_OP_COUNT) return NULL;
  return schemas[id];
}

int oar_schema_attr_index(const oar_op_schema *s, const char *name) {
  for (int i = 0; i < s->num_attrs; i++)
    if (strcmp(s->attrs[i].name, name) == 0) return i;
  return -1;
}

int oar_schema_input_index(const oar_op_schema *s, const char *name) {
  for (int i = 0; i < s->num_inputs; i++)
    if (strcmp(s->inputs[i].name, name) == 0) return i;
  return -1;
}

int oar_schema_output_index(const oar_op_schema *s, const char *name) {
  for (int i = 0; i < s->num_outputs; i++)
    if (strcmp(s->outputs[i].name, name) == 0) return i;
  return -1;
}
