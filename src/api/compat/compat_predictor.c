/* PD_Predictor over oar_predictor: creation, names, infos, handles, run. */
#include <stdlib.h>
#include <string.h>

#include "compat_internal.h"

#define PREDICTOR_OR_RETURN(predictor, ret)                 \
  do {                                                      \
    if (!pdc_predictor_ok(predictor, __func__)) return ret; \
  } while (0)

#define PDC_STR2(x) #x
#define PDC_STR(x) PDC_STR2(x)

const char *PD_GetVersion(void) {
  return "version: " PDC_STR(OAR_VERSION_MAJOR) "." PDC_STR(OAR_VERSION_MINOR) "." PDC_STR(
      OAR_VERSION_PATCH) "\nengine: oar (Paddle Inference C API, CPU)";
}

/* Reads the name, declared shape and dtype of one input or output. */
static oar_status read_decl(oar_predictor *oar, int is_input, size_t index, pdc_io_decl *decl) {
  oar_tensor *tensor = NULL;
  oar_status status = is_input ? oar_predictor_input_name(oar, index, &decl->name)
                               : oar_predictor_output_name(oar, index, &decl->name);
  if (status != OAR_OK) return status;
  status = is_input ? oar_predictor_get_input(oar, decl->name, &tensor)
                    : oar_predictor_get_output(oar, decl->name, &tensor);
  if (status != OAR_OK) return status;
  status = oar_tensor_shape(tensor, &decl->rank, decl->dims, OAR_MAX_RANK);
  if (status != OAR_OK) return status;
  if (decl->rank > OAR_MAX_RANK) decl->rank = OAR_MAX_RANK;
  return oar_tensor_dtype(tensor, &decl->dtype);
}

static void predictor_free(PD_Predictor *predictor) {
  if (predictor->slots) {
    for (size_t i = 0; i < predictor->num_inputs; i++) {
      free(predictor->slots[i].staging);
      PD_TwoDimArraySizeDestroy(predictor->slots[i].lod);
    }
  }
  free(predictor->slots);
  free(predictor->inputs);
  free(predictor->outputs);
  oar_predictor_destroy(predictor->oar);
  predictor->magic = PDC_DEAD_MAGIC;
  free(predictor);
}

PD_Predictor *pdc_predictor_wrap(oar_predictor *oar) {
  PD_Predictor *predictor = calloc(1, sizeof *predictor);
  if (!predictor) {
    oar_predictor_destroy(oar);
    pdc_error("PD_PredictorCreate: out of memory");
    return NULL;
  }
  predictor->oar = oar;
  oar_status status = oar_predictor_input_count(oar, &predictor->num_inputs);
  if (status == OAR_OK) status = oar_predictor_output_count(oar, &predictor->num_outputs);
  if (status != OAR_OK) {
    pdc_error_oar("PD_PredictorCreate", status);
    predictor_free(predictor);
    return NULL;
  }
  /* +1: calloc(0) may return NULL, which would read as out of memory. */
  predictor->inputs = calloc(predictor->num_inputs + 1, sizeof *predictor->inputs);
  predictor->outputs = calloc(predictor->num_outputs + 1, sizeof *predictor->outputs);
  predictor->slots = calloc(predictor->num_inputs + 1, sizeof *predictor->slots);
  if (!predictor->inputs || !predictor->outputs || !predictor->slots) {
    pdc_error("PD_PredictorCreate: out of memory");
    predictor_free(predictor);
    return NULL;
  }
  for (size_t i = 0; i < predictor->num_inputs && status == OAR_OK; i++)
    status = read_decl(oar, 1, i, &predictor->inputs[i]);
  for (size_t i = 0; i < predictor->num_outputs && status == OAR_OK; i++)
    status = read_decl(oar, 0, i, &predictor->outputs[i]);
  if (status != OAR_OK) {
    pdc_error_oar("PD_PredictorCreate", status);
    predictor_free(predictor);
    return NULL;
  }
  predictor->magic = PDC_PREDICTOR_MAGIC;
  return predictor;
}

/* Hands the model the config names to oar (Paddle sets program and params
 * in separate calls, so this waits until the predictor is made). */
static int apply_model(PD_Config *config) {
  oar_status status = OAR_OK;
  switch (config->model_source) {
    case PDC_MODEL_NONE:
      pdc_error(
          "PD_PredictorCreate: no model: call PD_ConfigSetModel, PD_ConfigSetModelDir or "
          "PD_ConfigSetModelBuffer first");
      return 0;
    case PDC_MODEL_DIR: status = oar_config_set_model(config->oar, config->model_dir, NULL); break;
    case PDC_MODEL_FILES:
      if (!*config->prog_file) {
        pdc_error("PD_PredictorCreate: a params file ('%s') but no program file: call PD_ConfigSetProgFile",
                  config->params_file);
        return 0;
      }
      status = oar_config_set_model(config->oar, config->prog_file,
                                    *config->params_file ? config->params_file : NULL);
      break;
    case PDC_MODEL_BUFFER: break; /* handed to oar by PD_ConfigSetModelBuffer */
  }
  if (status != OAR_OK) {
    pdc_error_oar("PD_PredictorCreate", status);
    return 0;
  }
  return 1;
}

PD_Predictor *PD_PredictorCreate(PD_Config *config) {
  if (!pdc_config_ok(config, __func__)) return NULL;
  if (!apply_model(config)) return NULL;
  oar_predictor *oar = NULL;
  oar_status status = oar_predictor_create(config->oar, &oar);
  if (status != OAR_OK) {
    pdc_error("PD_PredictorCreate: %s (%s)", oar_config_last_error(config->oar), oar_status_string(status));
    return NULL;
  }
  return pdc_predictor_wrap(oar);
}

PD_Predictor *PD_PredictorClone(PD_Predictor *predictor) {
  PREDICTOR_OR_RETURN(predictor, NULL);
  oar_predictor *oar = NULL;
  oar_status status = oar_predictor_clone(predictor->oar, &oar);
  if (status != OAR_OK) {
    pdc_error_oar(__func__, status);
    return NULL;
  }
  return pdc_predictor_wrap(oar);
}

void PD_PredictorDestroy(PD_Predictor *predictor) {
  if (!predictor) return;
  PREDICTOR_OR_RETURN(predictor, );
  predictor_free(predictor);
}

size_t PD_PredictorGetInputNum(PD_Predictor *predictor) {
  PREDICTOR_OR_RETURN(predictor, 0);
  return predictor->num_inputs;
}

size_t PD_PredictorGetOutputNum(PD_Predictor *predictor) {
  PREDICTOR_OR_RETURN(predictor, 0);
  return predictor->num_outputs;
}

static PD_OneDimArrayCstr *names_of(const pdc_io_decl *decls, size_t count, const char *fn) {
  PD_OneDimArrayCstr *array = calloc(1, sizeof *array);
  if (!array) goto oom;
  if (count == 0) return array;
  array->data = calloc(count, sizeof *array->data);
  if (!array->data) goto oom;
  for (size_t i = 0; i < count; i++) {
    array->data[i] = pdc_strdup(decls[i].name);
    array->size = i + 1;
    if (!array->data[i]) goto oom;
  }
  return array;
oom:
  PD_OneDimArrayCstrDestroy(array);
  pdc_error("%s: out of memory", fn);
  return NULL;
}

PD_OneDimArrayCstr *PD_PredictorGetInputNames(PD_Predictor *predictor) {
  PREDICTOR_OR_RETURN(predictor, NULL);
  return names_of(predictor->inputs, predictor->num_inputs, __func__);
}

PD_OneDimArrayCstr *PD_PredictorGetOutputNames(PD_Predictor *predictor) {
  PREDICTOR_OR_RETURN(predictor, NULL);
  return names_of(predictor->outputs, predictor->num_outputs, __func__);
}

static PD_IOInfos *infos_of(const pdc_io_decl *decls, size_t count, const char *fn) {
  PD_IOInfos *infos = calloc(1, sizeof *infos);
  if (!infos) goto oom;
  if (count == 0) return infos;
  infos->io_info = calloc(count, sizeof *infos->io_info);
  if (!infos->io_info) goto oom;
  for (size_t i = 0; i < count; i++) {
    PD_IOInfo *info = calloc(1, sizeof *info);
    infos->io_info[i] = info;
    infos->size = i + 1;
    if (!info) goto oom;
    info->dtype = pdc_dtype_to_pd(decls[i].dtype);
    info->name = pdc_cstr_new(decls[i].name);
    info->shape = calloc(1, sizeof *info->shape);
    if (!info->name || !info->shape) goto oom;
    if (decls[i].rank > 0) {
      info->shape->data = malloc(decls[i].rank * sizeof *info->shape->data);
      if (!info->shape->data) goto oom;
      memcpy(info->shape->data, decls[i].dims, decls[i].rank * sizeof *info->shape->data);
      info->shape->size = decls[i].rank;
    }
  }
  return infos;
oom:
  PD_IOInfosDestroy(infos);
  pdc_error("%s: out of memory", fn);
  return NULL;
}

PD_IOInfos *PD_PredictorGetInputInfos(PD_Predictor *predictor) {
  PREDICTOR_OR_RETURN(predictor, NULL);
  return infos_of(predictor->inputs, predictor->num_inputs, __func__);
}

PD_IOInfos *PD_PredictorGetOutputInfos(PD_Predictor *predictor) {
  PREDICTOR_OR_RETURN(predictor, NULL);
  return infos_of(predictor->outputs, predictor->num_outputs, __func__);
}

static PD_Tensor *handle_of(PD_Predictor *predictor, const char *name, int is_input, const char *fn) {
  const pdc_io_decl *decls = is_input ? predictor->inputs : predictor->outputs;
  size_t count = is_input ? predictor->num_inputs : predictor->num_outputs;
  if (!name) {
    pdc_error("%s: the name is NULL", fn);
    return NULL;
  }
  size_t index = 0;
  while (index < count && strcmp(decls[index].name, name) != 0) index++;
  if (index == count) {
    pdc_error("%s: the model has no %s named '%s'", fn, is_input ? "input" : "output", name);
    return NULL;
  }
  oar_tensor *oar = NULL;
  oar_status status = is_input ? oar_predictor_get_input(predictor->oar, name, &oar)
                               : oar_predictor_get_output(predictor->oar, name, &oar);
  if (status != OAR_OK) {
    pdc_error_oar(fn, status);
    return NULL;
  }
  PD_Tensor *tensor = calloc(1, sizeof *tensor);
  if (!tensor) {
    pdc_error("%s: out of memory", fn);
    return NULL;
  }
  tensor->magic = PDC_TENSOR_MAGIC;
  tensor->owner = predictor;
  tensor->oar = oar;
  tensor->is_input = is_input;
  tensor->index = index;
  return tensor;
}

PD_Tensor *PD_PredictorGetInputHandle(PD_Predictor *predictor, const char *name) {
  PREDICTOR_OR_RETURN(predictor, NULL);
  return handle_of(predictor, name, 1, __func__);
}

PD_Tensor *PD_PredictorGetOutputHandle(PD_Predictor *predictor, const char *name) {
  PREDICTOR_OR_RETURN(predictor, NULL);
  return handle_of(predictor, name, 0, __func__);
}

PD_Bool PD_PredictorRun(PD_Predictor *predictor) {
  PREDICTOR_OR_RETURN(predictor, FALSE);
  /* Buffers from PD_TensorMutableData* are the inputs' memory as far as the
   * caller knows: copy their current contents in before every run. */
  for (size_t i = 0; i < predictor->num_inputs; i++) {
    pdc_input_slot *slot = &predictor->slots[i];
    if (!slot->staging_active) continue;
    oar_tensor *tensor = NULL;
    oar_status status = oar_predictor_get_input(predictor->oar, predictor->inputs[i].name, &tensor);
    if (status == OAR_OK)
      status = oar_tensor_copy_from_host(tensor, slot->staging_dtype, slot->staging, slot->staging_bytes);
    if (status != OAR_OK) {
      pdc_error("PD_PredictorRun: input '%s': %s (%s)", predictor->inputs[i].name, oar_last_error(),
                oar_status_string(status));
      return FALSE;
    }
  }
  oar_status status = oar_predictor_run(predictor->oar);
  if (status != OAR_OK) {
    pdc_error_oar(__func__, status);
    return FALSE;
  }
  return TRUE;
}

void PD_PredictorClearIntermediateTensor(PD_Predictor *predictor) { PREDICTOR_OR_RETURN(predictor, ); }

uint64_t PD_PredictorTryShrinkMemory(PD_Predictor *predictor) {
  PREDICTOR_OR_RETURN(predictor, 0);
  return 0;
}
