// Package paddle is Paddle Inference's Go API (goapi) implemented over
// oar's Paddle-compatible C API (libpaddle_inference_c.so, include/paddle_inference_c).
// Programs written against Paddle's Go package compile unchanged; what oar
// does with each option is documented in include/paddle_inference_c/pd_config.h:
// options this build cannot honour (GPU, TensorRT, MKLDNN, XPU, ...) print
// a warning on stderr and the predictor runs on the CPU.
//
// Link it with CGO_LDFLAGS="-L<oar build>/lib -Wl,-rpath,<oar build>/lib".
package paddle

// #cgo CFLAGS: -I${SRCDIR}/../../../include/paddle_inference_c
// #cgo LDFLAGS: -lpaddle_inference_c
import "C"
