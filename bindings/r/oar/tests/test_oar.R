# Tests of the oar R package on the MNIST fc+softmax and digits CNN fixtures
# (outputs recorded from Paddle Inference). Run with the package installed:
#   Rscript tests/test_oar.R [MODELS_DIR]
library(oar)

args <- commandArgs(trailingOnly = TRUE)
models <- if (length(args) >= 1) args[[1]] else Sys.getenv("OAR_TEST_MODELS", "../../../../tests/data/models")

passed <- 0L
failed <- 0L
check <- function(ok, what) {
  if (isTRUE(ok)) {
    passed <<- passed + 1L
  } else {
    failed <<- failed + 1L
    cat("FAIL:", what, "\n")
  }
}

# A float32 C-order .npy file as an R array with the file's shape.
read_npy <- function(path) {
  con <- file(path, "rb")
  on.exit(close(con))
  magic <- readBin(con, "raw", 6)
  version <- readBin(con, "integer", 2, size = 1)
  header_len <- if (version[1] >= 2) readBin(con, "integer", 1, size = 4, endian = "little")
                else readBin(con, "integer", 1, size = 2, signed = FALSE, endian = "little")
  header <- rawToChar(readBin(con, "raw", header_len))
  stopifnot(grepl("'<f4'", header, fixed = TRUE))
  dims <- as.numeric(strsplit(sub(".*'shape': \\(([^)]*)\\).*", "\\1", header), ",\\s*")[[1]])
  values <- readBin(con, "numeric", prod(dims), size = 4, endian = "little")
  aperm(array(values, dim = rev(dims)), rev(seq_along(dims)))
}

# isTRUE: a NaN or NA anywhere makes the comparison NA, which must fail.
close_enough <- function(got, want) {
  identical(dim(got), dim(want)) && isTRUE(all(abs(got - want) <= 1e-5 + 1e-4 * abs(want)))
}

check(nzchar(oar_version()), "version")

for (name in c("mnist_fc", "digits_cnn")) {
  dir <- file.path(models, name)
  x <- read_npy(file.path(dir, "in_x.npy"))
  want <- read_npy(file.path(dir, "out_softmax_0.tmp_0.npy"))
  cfg <- oar_config(dir, num_threads = 2L)
  p <- oar_predictor(cfg)
  check(identical(oar_input_names(p), "x"), paste(name, "input names"))
  check(identical(oar_output_names(p), "softmax_0.tmp_0"), paste(name, "output names"))
  oar_set_input(p, "x", x)
  oar_run(p)
  got <- oar_get_output(p, "softmax_0.tmp_0")
  check(close_enough(got, want), paste(name, "outputs match Paddle"))
  # Row order kept: the first image's scores are the first row.
  check(which.max(got[1, ]) == which.max(want[1, ]), paste(name, "first row"))
  q <- oar_clone(p)
  out <- oar_predict(q, list(x = x))
  check(close_enough(out[["softmax_0.tmp_0"]], want), paste(name, "clone and oar_predict"))
  oar_close(q)
  oar_close(p)
  oar_close(cfg)
}

# Errors carry the engine's message.
err <- tryCatch(oar_predictor(oar_config("/nonexistent/model")), error = function(e) conditionMessage(e))
check(is.character(err) && grepl("/nonexistent/model", err, fixed = TRUE), paste("missing model:", err))
p <- oar_predictor(oar_config(file.path(models, "mnist_fc")))
# Another size is taken, as in Paddle; this network cannot take it, and the
# run's error names the op.
oar_set_input(p, "x", matrix(0, 2, 100))
err <- tryCatch(oar_run(p), error = function(e) conditionMessage(e))
check(is.character(err) && grepl("(op #", err, fixed = TRUE) && grepl("784", err), paste("bad shape:", err))
err <- tryCatch(oar_set_input(p, "nope", 1), error = function(e) conditionMessage(e))
check(is.character(err) && grepl("nope", err), paste("unknown input:", err))
oar_close(p)
err <- tryCatch(oar_run(p), error = function(e) conditionMessage(e))
check(is.character(err) && grepl("closed", err), paste("closed predictor:", err))

# Options this build may lack: TRUE, or a warning that says why.
cfg <- oar_config(file.path(models, "mnist_fc"))
for (what in c("onednn", "gpu", "tensorrt")) {
  warned <- NULL
  ok <- withCallingHandlers(oar_config_enable(cfg, what),
                            warning = function(w) { warned <<- conditionMessage(w); invokeRestart("muffleWarning") })
  check(isTRUE(ok) || (identical(ok, FALSE) && nzchar(warned)), paste(what, "honoured or warned"))
}
invisible(gc())

cat(sprintf("%d passed, %d failed\n", passed, failed))
if (failed > 0L) quit(status = 1)
