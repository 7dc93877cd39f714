package oar

// #include <oar/oar.h>
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// Tensor is an input or output of a predictor. It keeps the predictor
// alive and is valid until the predictor is closed.
type Tensor struct {
	c     *C.oar_tensor
	owner *Predictor
}

// Name is the model's name for the tensor.
func (t *Tensor) Name() string {
	defer runtime.KeepAlive(t.owner)
	var name *C.char
	if call(func() C.oar_status { return C.oar_tensor_name(t.c, &name) }) != nil {
		return ""
	}
	return C.GoString(name)
}

// DType is the element type.
func (t *Tensor) DType() (DType, error) {
	defer runtime.KeepAlive(t.owner)
	var d C.oar_dtype
	err := call(func() C.oar_status { return C.oar_tensor_dtype(t.c, &d) })
	return DType(d), err
}

// Shape is the current shape; -1 marks a dimension not known yet.
func (t *Tensor) Shape() ([]int64, error) {
	defer runtime.KeepAlive(t.owner)
	var rank C.size_t
	var dims [C.OAR_MAX_RANK]C.int64_t
	if err := call(func() C.oar_status { return C.oar_tensor_shape(t.c, &rank, &dims[0], C.OAR_MAX_RANK) }); err != nil {
		return nil, err
	}
	shape := make([]int64, int(rank))
	for i := range shape {
		shape[i] = int64(dims[i])
	}
	return shape, nil
}

// Reshape sets an input's shape before CopyFrom.
func (t *Tensor) Reshape(shape []int64) error {
	defer runtime.KeepAlive(t.owner)
	var dims *C.int64_t
	if len(shape) > 0 {
		dims = (*C.int64_t)(unsafe.Pointer(&shape[0]))
	}
	return call(func() C.oar_status { return C.oar_tensor_reshape(t.c, C.size_t(len(shape)), dims) })
}

// sliceInfo gives the dtype, first element (nil when empty) and byte size
// of a supported slice.
func sliceInfo(data interface{}) (DType, unsafe.Pointer, int, error) {
	switch d := data.(type) {
	case []float32:
		if len(d) == 0 {
			return Float32, nil, 0, nil
		}
		return Float32, unsafe.Pointer(&d[0]), 4 * len(d), nil
	case []float64:
		if len(d) == 0 {
			return Float64, nil, 0, nil
		}
		return Float64, unsafe.Pointer(&d[0]), 8 * len(d), nil
	case []int32:
		if len(d) == 0 {
			return Int32, nil, 0, nil
		}
		return Int32, unsafe.Pointer(&d[0]), 4 * len(d), nil
	case []int64:
		if len(d) == 0 {
			return Int64, nil, 0, nil
		}
		return Int64, unsafe.Pointer(&d[0]), 8 * len(d), nil
	case []int16:
		if len(d) == 0 {
			return Int16, nil, 0, nil
		}
		return Int16, unsafe.Pointer(&d[0]), 2 * len(d), nil
	case []uint8:
		if len(d) == 0 {
			return Uint8, nil, 0, nil
		}
		return Uint8, unsafe.Pointer(&d[0]), len(d), nil
	case []int8:
		if len(d) == 0 {
			return Int8, nil, 0, nil
		}
		return Int8, unsafe.Pointer(&d[0]), len(d), nil
	case []bool:
		if len(d) == 0 {
			return Bool, nil, 0, nil
		}
		return Bool, unsafe.Pointer(&d[0]), len(d), nil
	}
	return Unknown, nil, 0, fmt.Errorf("oar: unsupported element slice %T", data)
}

// CopyFrom copies a slice ([]float32, []int64, ...) into an input, in the
// shape set by Reshape (one copy, straight into the engine's buffer).
func (t *Tensor) CopyFrom(data interface{}) error {
	dtype, p, bytes, err := sliceInfo(data)
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(t.owner)
	defer runtime.KeepAlive(data)
	return call(func() C.oar_status {
		return C.oar_tensor_copy_from_host(t.c, C.oar_dtype(dtype), p, C.size_t(bytes))
	})
}

// CopyTo copies the tensor into dst, a slice of the tensor's element type
// with room for all its elements.
func (t *Tensor) CopyTo(dst interface{}) error {
	dtype, p, bytes, err := sliceInfo(dst)
	if err != nil {
		return err
	}
	have, err := t.DType()
	if err != nil {
		return err
	}
	if have != dtype {
		return &Error{Status: StatusInvalidArgument, Message: fmt.Sprintf("tensor '%s' holds %s, not %s", t.Name(), have, dtype)}
	}
	defer runtime.KeepAlive(t.owner)
	defer runtime.KeepAlive(dst)
	return call(func() C.oar_status { return C.oar_tensor_copy_to_host(t.c, p, C.size_t(bytes)) })
}

// ElementCount is the product of the shape; an error while a dim is unknown.
func (t *Tensor) ElementCount() (int, error) {
	shape, err := t.Shape()
	if err != nil {
		return 0, err
	}
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, &Error{Status: StatusMisuse, Message: fmt.Sprintf("tensor '%s' has no shape yet (%v)", t.Name(), shape)}
		}
		n *= int(d)
	}
	return n, nil
}

// CopyToFloat32 returns a float32 tensor as a new slice.
func (t *Tensor) CopyToFloat32() ([]float32, error) {
	n, err := t.ElementCount()
	if err != nil {
		return nil, err
	}
	out := make([]float32, n)
	return out, t.CopyTo(out)
}

// CopyToInt64 returns an int64 tensor as a new slice.
func (t *Tensor) CopyToInt64() ([]int64, error) {
	n, err := t.ElementCount()
	if err != nil {
		return nil, err
	}
	out := make([]int64, n)
	return out, t.CopyTo(out)
}

// CopyToInt32 returns an int32 tensor as a new slice.
func (t *Tensor) CopyToInt32() ([]int32, error) {
	n, err := t.ElementCount()
	if err != nil {
		return nil, err
	}
	out := make([]int32, n)
	return out, t.CopyTo(out)
}
