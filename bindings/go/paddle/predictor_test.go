// A Go program written for Paddle Inference's Go API: it imports Paddle's
// module path and uses Paddle's calls only, and runs on oar. Its numbers are
// compared with the output Paddle Inference recorded for the same input.
package paddle_test

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	pd "github.com/paddlepaddle/paddle/paddle/fluid/inference/goapi"
)

var modelDir = filepath.Join("..", "..", "..", "tests", "data", "models", "mnist_fc")

// npyFloats reads the float32 payload of a version-1 .npy file.
func npyFloats(t *testing.T, path string) []float32 {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(raw, []byte("\x93NUMPY")) {
		t.Fatalf("%s: %v", path, err)
	}
	body := raw[10+int(binary.LittleEndian.Uint16(raw[8:10])):]
	out := make([]float32, len(body)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:]))
	}
	return out
}

func numElements(shape []int32) int32 {
	n := int32(1)
	for _, v := range shape {
		n *= v
	}
	return n
}

func checkClose(t *testing.T, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d outputs, want %d", len(got), len(want))
	}
	for i := range got {
		// Written as !(d <= tol) so that a NaN fails too.
		if !(math.Abs(float64(got[i]-want[i])) <= 1e-5+1e-4*math.Abs(float64(want[i]))) {
			t.Fatalf("output %d: got %g, want %g", i, got[i], want[i])
		}
	}
}

func TestNewPredictor(t *testing.T) {
	t.Logf("Version:\n%+v", pd.Version())
	data := npyFloats(t, filepath.Join(modelDir, "in_x.npy"))
	want := npyFloats(t, filepath.Join(modelDir, "out_softmax_0.tmp_0.npy"))

	config := pd.NewConfig()
	config.SetModel(filepath.Join(modelDir, "model.pdmodel"), filepath.Join(modelDir, "model.pdiparams"))
	config.SetCpuMathLibraryNumThreads(2)
	config.SwitchIrOptim(true)
	config.EnableMemoryOptim(true)
	config.EnableMKLDNN() // oar warns on stderr when it has no oneDNN
	if config.CpuMathLibraryNumThreads() != 2 || !config.IrOptim() || !config.MemoryOptimEnabled() {
		t.Fatal("config does not read back")
	}
	if config.UseGpu() {
		t.Fatal("UseGpu without EnableUseGpu")
	}
	if !strings.Contains(config.Summary(), "model.pdmodel") {
		t.Fatalf("summary: %s", config.Summary())
	}

	predictor := pd.NewPredictor(config)
	if predictor == nil {
		t.Fatal("NewPredictor failed: " + pd.LastError())
	}
	inNames := predictor.GetInputNames()
	outNames := predictor.GetOutputNames()
	if len(inNames) != 1 || inNames[0] != "x" || predictor.GetInputNum() != 1 || predictor.GetOutputNum() != 1 {
		t.Fatalf("inputs %v, outputs %v", inNames, outNames)
	}

	inHandle := predictor.GetInputHandle(inNames[0])
	inHandle.Reshape([]int32{3, 784})
	if inHandle.Name() != "x" || len(inHandle.Shape()) != 2 || inHandle.Shape()[1] != 784 {
		t.Fatalf("inHandle name %v shape %v", inHandle.Name(), inHandle.Shape())
	}
	var lod [][]uint
	lod = append(lod, []uint{0, 1, 3})
	inHandle.SetLod(lod)
	if got := inHandle.Lod(); len(got) != 1 || len(got[0]) != 3 || got[0][2] != 3 {
		t.Fatalf("lod %v", got)
	}
	inHandle.CopyFromCpu(data)
	if inHandle.Type() != pd.Float32 {
		t.Fatalf("inHandle type %v", inHandle.Type())
	}

	predictor.Run()

	outHandle := predictor.GetOutputHandle(outNames[0])
	outShape := outHandle.Shape()
	if len(outShape) != 2 || outShape[0] != 3 || outShape[1] != 10 {
		t.Fatalf("outHandle shape %v", outShape)
	}
	outData := make([]float32, numElements(outShape))
	outHandle.CopyToCpu(outData)
	checkClose(t, outData, want)

	cloned := predictor.Clone()
	if cloned.GetInputNum() != 1 {
		t.Fatal("clone inputs")
	}
	in := cloned.GetInputHandle("x")
	in.Reshape([]int32{3, 784})
	in.CopyFromCpu(data)
	cloned.Run()
	cloneOut := make([]float32, 30)
	cloned.GetOutputHandle(outNames[0]).CopyToCpu(cloneOut)
	checkClose(t, cloneOut, want)
	cloned.ClearIntermediateTensor()
	cloned.TryShrinkMemory()
}

func TestFromBuffer(t *testing.T) {
	model, err := os.ReadFile(filepath.Join(modelDir, "model.pdmodel"))
	if err != nil {
		t.Fatal(err)
	}
	params, err := os.ReadFile(filepath.Join(modelDir, "model.pdiparams"))
	if err != nil {
		t.Fatal(err)
	}
	config := pd.NewConfig()
	config.SetModelBuffer(string(model), string(params))
	if !config.ModelFromMemory() {
		t.Fatal("ModelFromMemory")
	}
	predictor := pd.NewPredictor(config)
	inHandle := predictor.GetInputHandle(predictor.GetInputNames()[0])
	inHandle.Reshape([]int32{3, 784})
	inHandle.CopyFromCpu(npyFloats(t, filepath.Join(modelDir, "in_x.npy")))
	predictor.Run()
	outHandle := predictor.GetOutputHandle(predictor.GetOutputNames()[0])
	outData := make([]float32, numElements(outHandle.Shape()))
	outHandle.CopyToCpu(outData)
	checkClose(t, outData, npyFloats(t, filepath.Join(modelDir, "out_softmax_0.tmp_0.npy")))
}

func TestFailuresAreReported(t *testing.T) {
	runtime.LockOSThread() // LastError is per OS thread
	defer runtime.UnlockOSThread()
	config := pd.NewConfig()
	config.SetModelDir(filepath.Join(t.TempDir(), "missing"))
	if pd.NewPredictor(config) != nil {
		t.Fatal("a missing model gave a predictor")
	}
	if !strings.Contains(pd.LastError(), "missing") {
		t.Fatalf("LastError: %q", pd.LastError())
	}
	config.EnableUseGpu(100, 0)
	if config.UseGpu() && pd.LastError() == "" {
		t.Fatal("GPU")
	}
}
