package paddle

// #include <stdlib.h>
// #include "pd_inference_api.h"
import "C"

import (
	"runtime"
	"unsafe"
)

// Precision is PD_PrecisionType.
type Precision C.PD_PrecisionType

const (
	PrecisionFloat32 Precision = C.PD_PRECISION_FLOAT32
	PrecisionInt8    Precision = C.PD_PRECISION_INT8
	PrecisionHalf    Precision = C.PD_PRECISION_HALF
)

// Config is the options of a predictor (PD_Config).
type Config struct {
	c *C.PD_Config
}

// NewConfig makes a config with the defaults. It is freed by the garbage
// collector (Paddle >= 2.5 semantics: NewPredictor does not consume it).
func NewConfig() *Config {
	config := &Config{c: C.PD_ConfigCreate()}
	runtime.SetFinalizer(config, func(c *Config) { C.PD_ConfigDestroy(c.c) })
	return config
}

func withCString(s string, f func(*C.char)) {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	f(cs)
}

// SetModel names a combined model: program file and params file.
func (config *Config) SetModel(model, params string) {
	withCString(model, func(cModel *C.char) {
		withCString(params, func(cParams *C.char) { C.PD_ConfigSetModel(config.c, cModel, cParams) })
	})
}

// SetModelDir names a model directory.
func (config *Config) SetModelDir(modelDir string) {
	withCString(modelDir, func(s *C.char) { C.PD_ConfigSetModelDir(config.c, s) })
}

// SetProgFile names the program file.
func (config *Config) SetProgFile(model string) {
	withCString(model, func(s *C.char) { C.PD_ConfigSetProgFile(config.c, s) })
}

// SetParamsFile names the params file.
func (config *Config) SetParamsFile(params string) {
	withCString(params, func(s *C.char) { C.PD_ConfigSetParamsFile(config.c, s) })
}

// SetOptimCacheDir is recorded; oar keeps no optimization cache.
func (config *Config) SetOptimCacheDir(cacheDir string) {
	withCString(cacheDir, func(s *C.char) { C.PD_ConfigSetOptimCacheDir(config.c, s) })
}

func (config *Config) ModelDir() string   { return C.GoString(C.PD_ConfigGetModelDir(config.c)) }
func (config *Config) ProgFile() string   { return C.GoString(C.PD_ConfigGetProgFile(config.c)) }
func (config *Config) ParamsFile() string { return C.GoString(C.PD_ConfigGetParamsFile(config.c)) }

func (config *Config) DisableFCPadding()  { C.PD_ConfigDisableFCPadding(config.c) }
func (config *Config) UseFcPadding() bool { return cvtPDBoolToGo(C.PD_ConfigUseFcPadding(config.c)) }

// EnableUseGpu asks for the GPU; without one oar warns and runs on the CPU.
func (config *Config) EnableUseGpu(memorySize uint64, deviceId int32) {
	C.PD_ConfigEnableUseGpu(config.c, C.uint64_t(memorySize), C.int32_t(deviceId), C.PD_PRECISION_FLOAT32)
}

// EnableXpu: oar has no XPU backend; it warns and runs on the CPU.
func (config *Config) EnableXpu(l3WorkspaceSize int32, locked bool, autotune bool, autotuneFile string,
	precision string, adaptiveSeqlen bool) {
	withCString(autotuneFile, func(cFile *C.char) {
		withCString(precision, func(cPrecision *C.char) {
			C.PD_ConfigEnableXpu(config.c, C.int32_t(l3WorkspaceSize), cvtGoBoolToPD(locked), cvtGoBoolToPD(autotune),
				cFile, cPrecision, cvtGoBoolToPD(adaptiveSeqlen), 0)
		})
	})
}

// EnableNpu: oar has no NPU backend; it warns and runs on the CPU.
func (config *Config) EnableNpu(deviceId int32) { C.PD_ConfigEnableNpu(config.c, C.int32_t(deviceId)) }

func (config *Config) UseGpu() bool       { return cvtPDBoolToGo(C.PD_ConfigUseGpu(config.c)) }
func (config *Config) UseXpu() bool       { return cvtPDBoolToGo(C.PD_ConfigUseXpu(config.c)) }
func (config *Config) UseNpu() bool       { return cvtPDBoolToGo(C.PD_ConfigUseNpu(config.c)) }
func (config *Config) GpuDeviceId() int32 { return int32(C.PD_ConfigGpuDeviceId(config.c)) }
func (config *Config) XpuDeviceId() int32 { return int32(C.PD_ConfigXpuDeviceId(config.c)) }
func (config *Config) NpuDeviceId() int32 { return int32(C.PD_ConfigNpuDeviceId(config.c)) }
func (config *Config) MemoryPoolInitSizeMb() int32 {
	return int32(C.PD_ConfigMemoryPoolInitSizeMb(config.c))
}
func (config *Config) FractionOfGpuMemoryForPool() float32 {
	return float32(C.PD_ConfigFractionOfGpuMemoryForPool(config.c))
}

// SwitchIrOptim switches oar's graph optimization.
func (config *Config) SwitchIrOptim(x bool) { C.PD_ConfigSwitchIrOptim(config.c, cvtGoBoolToPD(x)) }
func (config *Config) IrOptim() bool        { return cvtPDBoolToGo(C.PD_ConfigIrOptim(config.c)) }

// EnableTensorRtEngine: without TensorRT oar warns and runs on the CPU.
func (config *Config) EnableTensorRtEngine(workspaceSize int32, maxBatchSize int32, minSubgraphSize int32,
	precision Precision, useStatic bool, useCalibMode bool) {
	C.PD_ConfigEnableTensorRtEngine(config.c, C.int64_t(workspaceSize), C.int32_t(maxBatchSize),
		C.int32_t(minSubgraphSize), C.PD_PrecisionType(precision), cvtGoBoolToPD(useStatic), cvtGoBoolToPD(useCalibMode))
}

func (config *Config) TensorRtEngineEnabled() bool {
	return cvtPDBoolToGo(C.PD_ConfigTensorRtEngineEnabled(config.c))
}

// SetTRTDynamicShapeInfo: used only with TensorRT (oar warns without it).
func (config *Config) SetTRTDynamicShapeInfo(minInputShape map[string][]int32, maxInputShape map[string][]int32,
	optimInputShape map[string][]int32, disableTrtPluginFp16 bool) {
	names := make([]string, 0, len(minInputShape))
	for name := range minInputShape {
		names = append(names, name)
	}
	cNames := cStringArray(names)
	defer freeCStringArray(cNames)
	shapeNum := make([]C.size_t, len(names)+1)
	minP := make([]*C.int32_t, len(names)+1)
	maxP := make([]*C.int32_t, len(names)+1)
	optP := make([]*C.int32_t, len(names)+1)
	toC := func(v []int32) *C.int32_t {
		p := (*C.int32_t)(C.malloc(C.size_t(4 * (len(v) + 1))))
		copy(unsafe.Slice((*int32)(unsafe.Pointer(p)), len(v)), v)
		return p
	}
	for i, name := range names {
		shapeNum[i] = C.size_t(len(minInputShape[name]))
		minP[i], maxP[i], optP[i] = toC(minInputShape[name]), toC(maxInputShape[name]), toC(optimInputShape[name])
		defer C.free(unsafe.Pointer(minP[i]))
		defer C.free(unsafe.Pointer(maxP[i]))
		defer C.free(unsafe.Pointer(optP[i]))
	}
	C.PD_ConfigSetTrtDynamicShapeInfo(config.c, C.size_t(len(names)), (**C.char)(unsafe.Pointer(&cNames[0])),
		&shapeNum[0], &minP[0], &maxP[0], &optP[0], cvtGoBoolToPD(disableTrtPluginFp16))
}

func (config *Config) TensorRtDynamicShapeEnabled() bool {
	return cvtPDBoolToGo(C.PD_ConfigTensorRtDynamicShapeEnabled(config.c))
}

func (config *Config) EnableTunedTensorRtDynamicShape(shapeRangeInfoPath string, allowBuildAtRuntime bool) {
	withCString(shapeRangeInfoPath, func(s *C.char) {
		C.PD_ConfigEnableTunedTensorRtDynamicShape(config.c, s, cvtGoBoolToPD(allowBuildAtRuntime))
	})
}

func (config *Config) TunedTensorRtDynamicShape() bool {
	return cvtPDBoolToGo(C.PD_ConfigTunedTensorRtDynamicShape(config.c))
}

func (config *Config) TrtAllowBuildAtRuntime() bool {
	return cvtPDBoolToGo(C.PD_ConfigTrtAllowBuildAtRuntime(config.c))
}

func (config *Config) CollectShapeRangeInfo(shapeRangeInfoPath string) {
	withCString(shapeRangeInfoPath, func(s *C.char) { C.PD_ConfigCollectShapeRangeInfo(config.c, s) })
}

func (config *Config) ShapeRangeInfoPath() string {
	s := C.PD_ConfigShapeRangeInfoPath(config.c)
	if s == nil {
		return ""
	}
	defer C.free(unsafe.Pointer(s))
	return C.GoString(s)
}

func (config *Config) ShapeRangeInfoCollected() bool {
	return cvtPDBoolToGo(C.PD_ConfigShapeRangeInfoCollected(config.c))
}

func (config *Config) DisableTensorRtOPs(ops []string) {
	cOps := cStringArray(ops)
	defer freeCStringArray(cOps)
	C.PD_ConfigDisableTensorRtOPs(config.c, C.size_t(len(ops)), (**C.char)(unsafe.Pointer(&cOps[0])))
}

func (config *Config) EnableTensorRtOSS() { C.PD_ConfigEnableTensorRtOSS(config.c) }
func (config *Config) TensorrtOssEnabled() bool {
	return cvtPDBoolToGo(C.PD_ConfigTensorRtOssEnabled(config.c))
}
func (config *Config) EnableTensorRtDLA(dlaCore int32) {
	C.PD_ConfigEnableTensorRtDla(config.c, C.int32_t(dlaCore))
}
func (config *Config) TensorrtDlaEnabled() bool {
	return cvtPDBoolToGo(C.PD_ConfigTensorRtDlaEnabled(config.c))
}

func (config *Config) EnableLiteEngine(precision Precision, zeroCopy bool, passesFilter []string, opsFilter []string) {
	cPasses, cOps := cStringArray(passesFilter), cStringArray(opsFilter)
	defer freeCStringArray(cPasses)
	defer freeCStringArray(cOps)
	C.PD_ConfigEnableLiteEngine(config.c, C.PD_PrecisionType(precision), cvtGoBoolToPD(zeroCopy),
		C.size_t(len(passesFilter)), (**C.char)(unsafe.Pointer(&cPasses[0])),
		C.size_t(len(opsFilter)), (**C.char)(unsafe.Pointer(&cOps[0])))
}

func (config *Config) LiteEngineEnabled() bool {
	return cvtPDBoolToGo(C.PD_ConfigLiteEngineEnabled(config.c))
}

func (config *Config) SwitchIrDebug(x bool) { C.PD_ConfigSwitchIrDebug(config.c, cvtGoBoolToPD(x)) }

// EnableMKLDNN: without oneDNN oar warns and runs its own CPU kernels.
func (config *Config) EnableMKLDNN() { C.PD_ConfigEnableMKLDNN(config.c) }
func (config *Config) SetMkldnnCacheCapacity(capacity int32) {
	C.PD_ConfigSetMkldnnCacheCapacity(config.c, C.int32_t(capacity))
}
func (config *Config) MkldnnEnabled() bool { return cvtPDBoolToGo(C.PD_ConfigMkldnnEnabled(config.c)) }

// SetCpuMathLibraryNumThreads sets oar's thread count for one run.
func (config *Config) SetCpuMathLibraryNumThreads(mathThreadsNum int) {
	C.PD_ConfigSetCpuMathLibraryNumThreads(config.c, C.int32_t(mathThreadsNum))
}
func (config *Config) CpuMathLibraryNumThreads() int32 {
	return int32(C.PD_ConfigGetCpuMathLibraryNumThreads(config.c))
}

func (config *Config) SetMKLDNNOp(opList []string) {
	cOps := cStringArray(opList)
	defer freeCStringArray(cOps)
	C.PD_ConfigSetMkldnnOp(config.c, C.size_t(len(opList)), (**C.char)(unsafe.Pointer(&cOps[0])))
}

func (config *Config) EnableMkldnnQuantizer() { C.PD_ConfigEnableMkldnnQuantizer(config.c) }
func (config *Config) EnableMkldnnBfloat16()  { C.PD_ConfigEnableMkldnnBfloat16(config.c) }
func (config *Config) MkldnnBfloat16Enabled() bool {
	return cvtPDBoolToGo(C.PD_ConfigMkldnnBfloat16Enabled(config.c))
}

func (config *Config) SetBfloat16Op(opList []string) {
	cOps := cStringArray(opList)
	defer freeCStringArray(cOps)
	C.PD_ConfigSetBfloat16Op(config.c, C.size_t(len(opList)), (**C.char)(unsafe.Pointer(&cOps[0])))
}

func (config *Config) ThreadLocalStreamEnabled() bool {
	return cvtPDBoolToGo(C.PD_ConfigThreadLocalStreamEnabled(config.c))
}
func (config *Config) MkldnnQuantizerEnabled() bool {
	return cvtPDBoolToGo(C.PD_ConfigMkldnnQuantizerEnabled(config.c))
}

// SetModelBuffer loads the program and combined params from memory (copied).
func (config *Config) SetModelBuffer(prog, params string) {
	cProg, cParams := C.CString(prog), C.CString(params)
	defer C.free(unsafe.Pointer(cProg))
	defer C.free(unsafe.Pointer(cParams))
	C.PD_ConfigSetModelBuffer(config.c, cProg, C.size_t(len(prog)), cParams, C.size_t(len(params)))
}

func (config *Config) ModelFromMemory() bool {
	return cvtPDBoolToGo(C.PD_ConfigModelFromMemory(config.c))
}

// EnableMemoryOptim switches oar's activation memory reuse.
func (config *Config) EnableMemoryOptim(x bool) {
	C.PD_ConfigEnableMemoryOptim(config.c, cvtGoBoolToPD(x))
}
func (config *Config) MemoryOptimEnabled() bool {
	return cvtPDBoolToGo(C.PD_ConfigMemoryOptimEnabled(config.c))
}

func (config *Config) EnableProfile() { C.PD_ConfigEnableProfile(config.c) }
func (config *Config) ProfileEnabled() bool {
	return cvtPDBoolToGo(C.PD_ConfigProfileEnabled(config.c))
}
func (config *Config) DisableGlogInfo() { C.PD_ConfigDisableGlogInfo(config.c) }
func (config *Config) GlogInfoDisabled() bool {
	return cvtPDBoolToGo(C.PD_ConfigGlogInfoDisabled(config.c))
}
func (config *Config) IsValid() bool         { return cvtPDBoolToGo(C.PD_ConfigIsValid(config.c)) }
func (config *Config) EnableGpuMultiStream() { C.PD_ConfigEnableGpuMultiStream(config.c) }

// DeletePass removes one of oar's passes (a Paddle pass name oar does not
// have is reported and ignored: it is not run anyway).
func (config *Config) DeletePass(pass string) {
	withCString(pass, func(s *C.char) { C.PD_ConfigDeletePass(config.c, s) })
}

func (config *Config) AppendPass(pass string) {
	withCString(pass, func(s *C.char) { C.PD_ConfigAppendPass(config.c, s) })
}

func (config *Config) InsertPass(idx uint64, pass string) {
	withCString(pass, func(s *C.char) { C.PD_ConfigInsertPass(config.c, C.size_t(idx), s) })
}

func (config *Config) AllPasses() []string {
	cPasses := C.PD_ConfigAllPasses(config.c)
	if cPasses == nil {
		return []string{}
	}
	defer C.PD_OneDimArrayCstrDestroy(cPasses)
	return cvtToGoSliceString(int(cPasses.size), cPasses.data)
}

func (config *Config) Summary() string {
	cSummary := C.PD_ConfigSummary(config.c)
	if cSummary == nil {
		return ""
	}
	defer C.PD_CstrDestroy(cSummary)
	return C.GoString(cSummary.data)
}
