package oar

// #include <stdlib.h>
// #include <oar/oar.h>
import "C"

import (
	"runtime"
	"unsafe"
)

// Config holds the options of a predictor (an oar_config).
type Config struct {
	c *C.oar_config
}

// NewConfig makes a config with oar's defaults: no model, 1 thread, IR and
// memory optimization on.
func NewConfig() (*Config, error) {
	var c *C.oar_config
	if err := call(func() C.oar_status { return C.oar_config_create(&c) }); err != nil {
		return nil, err
	}
	config := &Config{c: c}
	runtime.SetFinalizer(config, (*Config).Close)
	return config, nil
}

// Close frees the config; predictors made from it stay valid. Idempotent.
func (config *Config) Close() {
	if config.c != nil {
		C.oar_config_destroy(config.c)
		config.c = nil
	}
}

// SetModel names the model: a directory, or a program file with an
// optional params file ("" for none). Files are opened by NewPredictor.
func (config *Config) SetModel(model, params string) error {
	cModel := C.CString(model)
	defer C.free(unsafe.Pointer(cModel))
	var cParams *C.char
	if params != "" {
		cParams = C.CString(params)
		defer C.free(unsafe.Pointer(cParams))
	}
	defer runtime.KeepAlive(config)
	return call(func() C.oar_status { return C.oar_config_set_model(config.c, cModel, cParams) })
}

// SetModelBuffer names the model by its bytes (copied).
func (config *Config) SetModelBuffer(program, params []byte) error {
	cProgram := C.CBytes(program)
	defer C.free(cProgram)
	var cParams unsafe.Pointer
	if len(params) > 0 {
		cParams = C.CBytes(params)
		defer C.free(cParams)
	}
	defer runtime.KeepAlive(config)
	return call(func() C.oar_status {
		return C.oar_config_set_model_buffer(config.c, cProgram, C.size_t(len(program)), cParams, C.size_t(len(params)))
	})
}

// SetNumThreads sets the threads one run may use (>= 1).
func (config *Config) SetNumThreads(n int) error {
	defer runtime.KeepAlive(config)
	return call(func() C.oar_status { return C.oar_config_set_num_threads(config.c, C.int(n)) })
}

// NumThreads reads the thread count back.
func (config *Config) NumThreads() (int, error) {
	var n C.int
	defer runtime.KeepAlive(config)
	err := call(func() C.oar_status { return C.oar_config_num_threads(config.c, &n) })
	return int(n), err
}

func cBool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// SetIrOptim switches graph optimization (default on).
func (config *Config) SetIrOptim(enable bool) error {
	defer runtime.KeepAlive(config)
	return call(func() C.oar_status { return C.oar_config_set_ir_optim(config.c, cBool(enable)) })
}

// IrOptim reads the graph optimization switch.
func (config *Config) IrOptim() (bool, error) {
	var v C.int
	defer runtime.KeepAlive(config)
	err := call(func() C.oar_status { return C.oar_config_ir_optim(config.c, &v) })
	return v != 0, err
}

// SetMemoryOptim switches activation memory reuse (default on).
func (config *Config) SetMemoryOptim(enable bool) error {
	defer runtime.KeepAlive(config)
	return call(func() C.oar_status { return C.oar_config_set_memory_optim(config.c, cBool(enable)) })
}

// MemoryOptim reads the memory reuse switch.
func (config *Config) MemoryOptim() (bool, error) {
	var v C.int
	defer runtime.KeepAlive(config)
	err := call(func() C.oar_status { return C.oar_config_memory_optim(config.c, &v) })
	return v != 0, err
}

// DeletePass removes a pass (as `oar info --passes` names it).
func (config *Config) DeletePass(name string) error {
	cName := C.CString(name)
	defer C.free(unsafe.Pointer(cName))
	defer runtime.KeepAlive(config)
	return call(func() C.oar_status { return C.oar_config_delete_pass(config.c, cName) })
}

// EnableGPU asks for the CUDA backend; an error with StatusUnsupported
// (IsUnsupported) when this build has none. The config stays usable on the CPU.
func (config *Config) EnableGPU(deviceID int, memoryPoolMB uint64) error {
	defer runtime.KeepAlive(config)
	return call(func() C.oar_status {
		return C.oar_config_enable_gpu(config.c, C.int(deviceID), C.uint64_t(memoryPoolMB))
	})
}

// EnableOneDNN asks for the oneDNN backend (IsUnsupported when absent).
func (config *Config) EnableOneDNN() error {
	defer runtime.KeepAlive(config)
	return call(func() C.oar_status { return C.oar_config_enable_onednn(config.c) })
}

// EnableTensorRT asks for TensorRT (IsUnsupported when absent).
func (config *Config) EnableTensorRT(precision Precision) error {
	defer runtime.KeepAlive(config)
	return call(func() C.oar_status { return C.oar_config_enable_tensorrt(config.c, C.oar_precision(precision)) })
}

// SetPrecision asks for a compute precision; float32 always works.
func (config *Config) SetPrecision(precision Precision) error {
	defer runtime.KeepAlive(config)
	return call(func() C.oar_status { return C.oar_config_set_precision(config.c, C.oar_precision(precision)) })
}
