package oar

// #include <stdlib.h>
// #include <oar/oar.h>
import "C"

import (
	"runtime"
	"unsafe"
)

// Predictor is a loaded model ready to run (an oar_predictor).
type Predictor struct {
	c *C.oar_predictor
}

func wrapPredictor(c *C.oar_predictor) *Predictor {
	p := &Predictor{c: c}
	runtime.SetFinalizer(p, (*Predictor).Close)
	return p
}

// NewPredictor loads, checks and prepares the model the config names.
func NewPredictor(config *Config) (*Predictor, error) {
	var c *C.oar_predictor
	defer runtime.KeepAlive(config)
	if err := call(func() C.oar_status { return C.oar_predictor_create(config.c, &c) }); err != nil {
		return nil, err
	}
	return wrapPredictor(c), nil
}

// Clone makes a predictor sharing this one's weights, for another goroutine.
func (p *Predictor) Clone() (*Predictor, error) {
	var c *C.oar_predictor
	defer runtime.KeepAlive(p)
	if err := call(func() C.oar_status { return C.oar_predictor_clone(p.c, &c) }); err != nil {
		return nil, err
	}
	return wrapPredictor(c), nil
}

// Close frees the predictor and its tensors. Idempotent.
func (p *Predictor) Close() {
	if p.c != nil {
		C.oar_predictor_destroy(p.c)
		p.c = nil
	}
}

func (p *Predictor) names(inputs bool) ([]string, error) {
	defer runtime.KeepAlive(p)
	var count C.size_t
	err := call(func() C.oar_status {
		if inputs {
			return C.oar_predictor_input_count(p.c, &count)
		}
		return C.oar_predictor_output_count(p.c, &count)
	})
	if err != nil {
		return nil, err
	}
	names := make([]string, int(count))
	for i := range names {
		var name *C.char
		err := call(func() C.oar_status {
			if inputs {
				return C.oar_predictor_input_name(p.c, C.size_t(i), &name)
			}
			return C.oar_predictor_output_name(p.c, C.size_t(i), &name)
		})
		if err != nil {
			return nil, err
		}
		names[i] = C.GoString(name)
	}
	return names, nil
}

// InputNames are the model's inputs in feed order.
func (p *Predictor) InputNames() ([]string, error) { return p.names(true) }

// OutputNames are the model's outputs in fetch order.
func (p *Predictor) OutputNames() ([]string, error) { return p.names(false) }

func (p *Predictor) tensor(name string, input bool) (*Tensor, error) {
	cName := C.CString(name)
	defer C.free(unsafe.Pointer(cName))
	defer runtime.KeepAlive(p)
	var t *C.oar_tensor
	err := call(func() C.oar_status {
		if input {
			return C.oar_predictor_get_input(p.c, cName, &t)
		}
		return C.oar_predictor_get_output(p.c, cName, &t)
	})
	if err != nil {
		return nil, err
	}
	return &Tensor{c: t, owner: p}, nil
}

// Input is the named input tensor (owned by the predictor).
func (p *Predictor) Input(name string) (*Tensor, error) { return p.tensor(name, true) }

// Output is the named output tensor (owned by the predictor).
func (p *Predictor) Output(name string) (*Tensor, error) { return p.tensor(name, false) }

// Run runs the model on the data copied into the inputs.
func (p *Predictor) Run() error {
	defer runtime.KeepAlive(p)
	return call(func() C.oar_status { return C.oar_predictor_run(p.c) })
}
