package paddle

// #include <stdlib.h>
// #include "pd_inference_api.h"
import "C"

import (
	"runtime"
	"unsafe"
)

// Predictor is a loaded model (PD_Predictor).
type Predictor struct {
	c *C.PD_Predictor
}

func wrapPredictor(c *C.PD_Predictor) *Predictor {
	if c == nil {
		return nil
	}
	predictor := &Predictor{c: c}
	runtime.SetFinalizer(predictor, func(p *Predictor) { C.PD_PredictorDestroy(p.c) })
	return predictor
}

// NewPredictor loads the model the config names. On failure the reason is
// printed on stderr (and in LastError) and the result is nil.
func NewPredictor(config *Config) *Predictor {
	defer runtime.KeepAlive(config)
	return wrapPredictor(C.PD_PredictorCreate(config.c))
}

// Clone makes a predictor sharing the weights, for another goroutine.
func (p *Predictor) Clone() *Predictor {
	defer runtime.KeepAlive(p)
	return wrapPredictor(C.PD_PredictorClone(p.c))
}

func (p *Predictor) GetInputNum() int {
	defer runtime.KeepAlive(p)
	return int(C.PD_PredictorGetInputNum(p.c))
}

func (p *Predictor) GetOutputNum() int {
	defer runtime.KeepAlive(p)
	return int(C.PD_PredictorGetOutputNum(p.c))
}

func names(cNames *C.PD_OneDimArrayCstr) []string {
	if cNames == nil {
		return []string{}
	}
	defer C.PD_OneDimArrayCstrDestroy(cNames)
	return cvtToGoSliceString(int(cNames.size), cNames.data)
}

func (p *Predictor) GetInputNames() []string {
	defer runtime.KeepAlive(p)
	return names(C.PD_PredictorGetInputNames(p.c))
}

func (p *Predictor) GetOutputNames() []string {
	defer runtime.KeepAlive(p)
	return names(C.PD_PredictorGetOutputNames(p.c))
}

func (p *Predictor) handle(name string, input bool) *Tensor {
	cName := C.CString(name)
	defer C.free(unsafe.Pointer(cName))
	defer runtime.KeepAlive(p)
	var c *C.PD_Tensor
	if input {
		c = C.PD_PredictorGetInputHandle(p.c, cName)
	} else {
		c = C.PD_PredictorGetOutputHandle(p.c, cName)
	}
	if c == nil {
		return nil
	}
	// The handle keeps its predictor alive: the C handle must not outlive it.
	handle := &Tensor{c: c, owner: p}
	runtime.SetFinalizer(handle, func(t *Tensor) { C.PD_TensorDestroy(t.c) })
	return handle
}

// GetInputHandle is the named input (nil, with the reason on stderr, when
// the model has no such input).
func (p *Predictor) GetInputHandle(name string) *Tensor { return p.handle(name, true) }

// GetOutputHandle is the named output.
func (p *Predictor) GetOutputHandle(name string) *Tensor { return p.handle(name, false) }

// Run runs the model on the inputs set so far; a failure is printed on
// stderr (LastError has it too).
func (p *Predictor) Run() {
	defer runtime.KeepAlive(p)
	C.PD_PredictorRun(p.c)
}

// ClearIntermediateTensor: oar keeps its planned working memory; no-op.
func (p *Predictor) ClearIntermediateTensor() {
	defer runtime.KeepAlive(p)
	C.PD_PredictorClearIntermediateTensor(p.c)
}

// TryShrinkMemory: oar releases nothing here.
func (p *Predictor) TryShrinkMemory() {
	defer runtime.KeepAlive(p)
	C.PD_PredictorTryShrinkMemory(p.c)
}
