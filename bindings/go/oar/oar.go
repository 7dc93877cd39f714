// Package oar runs PaddlePaddle inference models with the oar engine,
// through oar's public C API (include/oar/oar.h) and cgo.
//
//	cfg, _ := oar.NewConfig()
//	defer cfg.Close()
//	cfg.SetModel("tests/data/models/mnist_fc", "")
//	p, err := oar.NewPredictor(cfg)
//	if err != nil { ... }           // *oar.Error with the engine's message
//	defer p.Close()
//	in, _ := p.Input("x")
//	in.Reshape([]int64{1, 784})
//	in.CopyFrom(pixels)             // []float32
//	p.Run()
//	out, _ := p.Output("softmax_0.tmp_0")
//	scores, _ := out.CopyToFloat32()
//
// Building: the cgo flags find the headers in this repository; point the
// linker at liboar.so with CGO_LDFLAGS, e.g.
// CGO_LDFLAGS="-L$PWD/build/lib -Wl,-rpath,$PWD/build/lib".
//
// Threads: a Config or a Predictor (with its tensors) is used by one
// goroutine at a time; Clone a predictor for each further goroutine (clones
// share the weights). Close frees at once; a finalizer frees what was not
// closed. The engine runs without holding any Go lock.
package oar

// #cgo CFLAGS: -I${SRCDIR}/../../../include
// #cgo LDFLAGS: -loar
// #include <stdlib.h>
// #include <oar/oar.h>
import "C"

import (
	"errors"
	"fmt"
	"runtime"
)

// Status is an oar_status.
type Status int

const (
	StatusOK              Status = C.OAR_OK
	StatusInvalidArgument Status = C.OAR_ERR_INVALID_ARGUMENT
	StatusIO              Status = C.OAR_ERR_IO
	StatusInvalidModel    Status = C.OAR_ERR_INVALID_MODEL
	StatusUnsupported     Status = C.OAR_ERR_UNSUPPORTED
	StatusOutOfMemory     Status = C.OAR_ERR_OUT_OF_MEMORY
	StatusMisuse          Status = C.OAR_ERR_MISUSE
	StatusNotFound        Status = C.OAR_ERR_NOT_FOUND
	StatusInternal        Status = C.OAR_ERR_INTERNAL
)

// String is the engine's short name of the status ("invalid model", ...).
func (s Status) String() string { return C.GoString(C.oar_status_string(C.oar_status(s))) }

// Error is a failed engine call: its status and the engine's message.
type Error struct {
	Status  Status
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("oar: %s (%s)", e.Message, e.Status) }

// IsUnsupported tells whether err says this build cannot do what was asked
// (a GPU, oneDNN, TensorRT, a precision, an op or dtype of the model).
func IsUnsupported(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == StatusUnsupported
}

// call runs one engine call and reads its message on the same OS thread
// (oar_last_error is per thread; goroutines move between threads).
func call(f func() C.oar_status) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if status := f(); status != C.OAR_OK {
		return &Error{Status: Status(status), Message: C.GoString(C.oar_last_error())}
	}
	return nil
}

// Version is the linked engine's "MAJOR.MINOR.PATCH".
func Version() string { return C.GoString(C.oar_version()) }

// DType is an element type (oar_dtype).
type DType int

const (
	Unknown DType = C.OAR_DTYPE_UNKNOWN
	Float32 DType = C.OAR_DTYPE_FLOAT32
	Int32   DType = C.OAR_DTYPE_INT32
	Int64   DType = C.OAR_DTYPE_INT64
	Uint8   DType = C.OAR_DTYPE_UINT8
	Int8    DType = C.OAR_DTYPE_INT8
	Float16 DType = C.OAR_DTYPE_FLOAT16
	Bool    DType = C.OAR_DTYPE_BOOL
	Float64 DType = C.OAR_DTYPE_FLOAT64
	Int16   DType = C.OAR_DTYPE_INT16
)

// String is the lower-case name ("float32", ...).
func (d DType) String() string { return C.GoString(C.oar_dtype_name(C.oar_dtype(d))) }

// Size is the bytes per element; 0 for Unknown.
func (d DType) Size() int { return int(C.oar_dtype_size(C.oar_dtype(d))) }

// Precision is an oar_precision.
type Precision int

const (
	PrecisionFloat32  Precision = C.OAR_PRECISION_FLOAT32
	PrecisionFloat16  Precision = C.OAR_PRECISION_FLOAT16
	PrecisionBFloat16 Precision = C.OAR_PRECISION_BFLOAT16
	PrecisionInt8     Precision = C.OAR_PRECISION_INT8
)
