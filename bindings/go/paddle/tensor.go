package paddle

// #include <stdlib.h>
// #include "pd_inference_api.h"
import "C"

import (
	"fmt"
	"reflect"
	"runtime"
	"unsafe"
)

// DataType is PD_DataType.
type DataType C.PD_DataType

const (
	Unk     DataType = C.PD_DATA_UNK
	Float32 DataType = C.PD_DATA_FLOAT32
	Int32   DataType = C.PD_DATA_INT32
	Int64   DataType = C.PD_DATA_INT64
	Uint8   DataType = C.PD_DATA_UINT8
	Int8    DataType = C.PD_DATA_INT8
)

// PlaceType is PD_PlaceType.
type PlaceType C.PD_PlaceType

const (
	UnkPlace PlaceType = C.PD_PLACE_UNK
	CpuPlace PlaceType = C.PD_PLACE_CPU
	GpuPlace PlaceType = C.PD_PLACE_GPU
	XpuPlace PlaceType = C.PD_PLACE_XPU
)

// Tensor is a handle on an input or output (PD_Tensor). It keeps its
// predictor alive.
type Tensor struct {
	c     *C.PD_Tensor
	owner *Predictor
}

// Reshape sets an input's shape (before CopyFromCpu).
func (t *Tensor) Reshape(shape []int32) {
	defer runtime.KeepAlive(t)
	var p *C.int32_t
	if len(shape) > 0 {
		p = (*C.int32_t)(unsafe.Pointer(&shape[0]))
	}
	C.PD_TensorReshape(t.c, C.size_t(len(shape)), p)
}

// Shape is the current shape.
func (t *Tensor) Shape() []int32 {
	defer runtime.KeepAlive(t)
	cShape := C.PD_TensorGetShape(t.c)
	if cShape == nil {
		return []int32{}
	}
	defer C.PD_OneDimArrayInt32Destroy(cShape)
	out := make([]int32, int(cShape.size))
	if len(out) > 0 {
		copy(out, unsafe.Slice((*int32)(unsafe.Pointer(cShape.data)), len(out)))
	}
	return out
}

// SetLod keeps a LoD on an input (oar's ops take none).
func (t *Tensor) SetLod(lod [][]uint) {
	defer runtime.KeepAlive(t)
	levels := make([]*C.PD_OneDimArraySize, len(lod)+1)
	for i, level := range lod {
		one := (*C.PD_OneDimArraySize)(C.malloc(C.size_t(unsafe.Sizeof(C.PD_OneDimArraySize{}))))
		defer C.free(unsafe.Pointer(one))
		one.size = C.size_t(len(level))
		one.data = (*C.size_t)(C.malloc(C.size_t(len(level)+1) * C.size_t(unsafe.Sizeof(C.size_t(0)))))
		defer C.free(unsafe.Pointer(one.data))
		dst := unsafe.Slice(one.data, len(level))
		for j, v := range level {
			dst[j] = C.size_t(v)
		}
		levels[i] = one
	}
	cLevels := (**C.PD_OneDimArraySize)(C.malloc(C.size_t(len(levels)) * C.size_t(unsafe.Sizeof(levels[0]))))
	defer C.free(unsafe.Pointer(cLevels))
	copy(unsafe.Slice(cLevels, len(levels)), levels)
	cLod := C.PD_TwoDimArraySize{size: C.size_t(len(lod)), data: cLevels}
	C.PD_TensorSetLod(t.c, &cLod)
}

// Lod is the LoD set on an input; outputs have none.
func (t *Tensor) Lod() [][]uint {
	defer runtime.KeepAlive(t)
	cLod := C.PD_TensorGetLod(t.c)
	if cLod == nil {
		return [][]uint{}
	}
	defer C.PD_TwoDimArraySizeDestroy(cLod)
	out := make([][]uint, int(cLod.size))
	if len(out) == 0 {
		return out
	}
	for i, level := range unsafe.Slice(cLod.data, len(out)) {
		out[i] = make([]uint, int(level.size))
		for j, v := range unsafe.Slice(level.data, len(out[i])) {
			out[i][j] = uint(v)
		}
	}
	return out
}

// Type is the element type.
func (t *Tensor) Type() DataType {
	defer runtime.KeepAlive(t)
	return DataType(C.PD_TensorGetDataType(t.c))
}

// Name is the model's name for the tensor.
func (t *Tensor) Name() string {
	defer runtime.KeepAlive(t)
	return C.GoString(C.PD_TensorGetName(t.c))
}

// CopyFromCpu copies a []float32, []int32, []int64, []uint8 or []int8 into
// an input, in the shape set by Reshape.
func (t *Tensor) CopyFromCpu(value interface{}) {
	defer runtime.KeepAlive(t)
	defer runtime.KeepAlive(value)
	switch data := value.(type) {
	case []float32:
		C.PD_TensorCopyFromCpuFloat(t.c, (*C.float)(first(data)))
	case []int32:
		C.PD_TensorCopyFromCpuInt32(t.c, (*C.int32_t)(first(data)))
	case []int64:
		C.PD_TensorCopyFromCpuInt64(t.c, (*C.int64_t)(first(data)))
	case []uint8:
		C.PD_TensorCopyFromCpuUint8(t.c, (*C.uint8_t)(first(data)))
	case []int8:
		C.PD_TensorCopyFromCpuInt8(t.c, (*C.int8_t)(first(data)))
	default:
		panic(fmt.Errorf("paddle: CopyFromCpu: unsupported type %v", reflect.TypeOf(value)))
	}
}

// CopyToCpu copies the tensor into a slice of its element type with room
// for all its elements.
func (t *Tensor) CopyToCpu(value interface{}) {
	defer runtime.KeepAlive(t)
	defer runtime.KeepAlive(value)
	switch data := value.(type) {
	case []float32:
		C.PD_TensorCopyToCpuFloat(t.c, (*C.float)(first(data)))
	case []int32:
		C.PD_TensorCopyToCpuInt32(t.c, (*C.int32_t)(first(data)))
	case []int64:
		C.PD_TensorCopyToCpuInt64(t.c, (*C.int64_t)(first(data)))
	case []uint8:
		C.PD_TensorCopyToCpuUint8(t.c, (*C.uint8_t)(first(data)))
	case []int8:
		C.PD_TensorCopyToCpuInt8(t.c, (*C.int8_t)(first(data)))
	default:
		panic(fmt.Errorf("paddle: CopyToCpu: unsupported type %v", reflect.TypeOf(value)))
	}
}

// first is the address of a slice's first element, or nil when it is empty.
func first[T any](s []T) unsafe.Pointer {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Pointer(&s[0])
}
