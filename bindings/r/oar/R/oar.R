# oar for R: run PaddlePaddle inference models with the oar engine.
#
#   cfg <- oar_config("tests/data/models/mnist_fc")
#   p <- oar_predictor(cfg)
#   oar_set_input(p, "x", images)            # an R array [batch, 784]
#   oar_run(p)
#   scores <- oar_get_output(p, "softmax_0.tmp_0")   # an R array [batch, 10]
#
# R arrays are column-major and oar's tensors row-major: oar_set_input and
# oar_get_output convert, so x[i, j] in R is element [i, j] of the tensor.
# Engine failures are R errors carrying the engine's message.

oar_version <- function() .Call(oar_r_version)

# model: a model directory or program file; params: its params file or NULL.
oar_config <- function(model, params = NULL, num_threads = 1L, ir_optim = TRUE, memory_optim = TRUE) {
  ptr <- .Call(oar_r_config_create, path.expand(model),
               if (is.null(params)) NULL else path.expand(params),
               as.integer(num_threads), as.logical(ir_optim), as.logical(memory_optim))
  structure(list(ptr = ptr), class = "oar_config")
}

# Asks for "onednn", "gpu" or "tensorrt". TRUE when this build honours it;
# otherwise a warning with the engine's reason and FALSE (the predictor then
# runs on the CPU): never ignored in silence.
oar_config_enable <- function(config, what) {
  reason <- .Call(oar_r_config_enable, config$ptr, what)
  if (nzchar(reason)) {
    warning(reason, "; continuing on the CPU", call. = FALSE)
    return(invisible(FALSE))
  }
  invisible(TRUE)
}

oar_predictor <- function(config) {
  structure(list(ptr = .Call(oar_r_predictor_create, config$ptr)), class = "oar_predictor")
}

# A predictor sharing the loaded weights.
oar_clone <- function(predictor) {
  structure(list(ptr = .Call(oar_r_predictor_clone, predictor$ptr)), class = "oar_predictor")
}

# Frees a config or predictor now (the garbage collector does it otherwise).
oar_close <- function(x) invisible(.Call(oar_r_close, x$ptr))

oar_input_names <- function(predictor) .Call(oar_r_names, predictor$ptr, TRUE)
oar_output_names <- function(predictor) .Call(oar_r_names, predictor$ptr, FALSE)

# x: an R array (its dim is the shape) or a vector (shape = its length, or
# give `shape` and x in row-major order). Converted to the input's dtype.
oar_set_input <- function(predictor, name, x, shape = NULL) {
  if (is.null(shape)) {
    d <- dim(x)
    if (is.null(d)) {
      shape <- length(x)
    } else {
      shape <- d
      x <- if (length(d) > 1) aperm(x, rev(seq_along(d))) else x
    }
  }
  invisible(.Call(oar_r_set_input, predictor$ptr, name, as.vector(x), as.numeric(shape)))
}

oar_run <- function(predictor) invisible(.Call(oar_r_run, predictor$ptr))

# The output as an R array whose dim is the tensor's shape.
oar_get_output <- function(predictor, name) {
  out <- .Call(oar_r_get_output, predictor$ptr, name)
  shape <- out$shape
  if (length(shape) <= 1) return(out$values)
  aperm(array(out$values, dim = rev(shape)), rev(seq_along(shape)))
}

# Sets the inputs (a named list of arrays), runs, returns the outputs as a
# named list.
oar_predict <- function(predictor, inputs) {
  for (name in names(inputs)) oar_set_input(predictor, name, inputs[[name]])
  oar_run(predictor)
  outs <- oar_output_names(predictor)
  setNames(lapply(outs, function(n) oar_get_output(predictor, n)), outs)
}

print.oar_predictor <- function(x, ...) {
  cat("<oar_predictor> inputs:", paste(oar_input_names(x), collapse = ", "),
      " outputs:", paste(oar_output_names(x), collapse = ", "), "\n")
  invisible(x)
}
