package oar_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"oar"
)

var models = filepath.Join("..", "..", "..", "tests", "data", "models")

// readNpy reads a float32 C-order .npy file.
func readNpy(t *testing.T, path string) ([]int64, []float32) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("\x93NUMPY")) {
		t.Fatalf("%s: not .npy", path)
	}
	headerLen, start := int(binary.LittleEndian.Uint16(raw[8:10])), 10
	if raw[6] >= 2 {
		headerLen, start = int(binary.LittleEndian.Uint32(raw[8:12])), 12
	}
	header := string(raw[start : start+headerLen])
	if !strings.Contains(header, "'<f4'") {
		t.Fatalf("%s: not float32: %s", path, header)
	}
	m := regexp.MustCompile(`'shape': \(([^)]*)\)`).FindStringSubmatch(header)
	var shape []int64
	count := 1
	for _, f := range strings.Split(m[1], ",") {
		if f = strings.TrimSpace(f); f != "" {
			d, _ := strconv.ParseInt(f, 10, 64)
			shape = append(shape, d)
			count *= int(d)
		}
	}
	body := raw[start+headerLen:]
	data := make([]float32, count)
	for i := range data {
		data[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:]))
	}
	return shape, data
}

func closeEnough(got, want []float32) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d values, want %d", len(got), len(want))
	}
	for i := range got {
		// Written as !(d <= tol) so that a NaN fails too.
		if d := math.Abs(float64(got[i] - want[i])); !(d <= 1e-5+1e-4*math.Abs(float64(want[i]))) {
			return fmt.Errorf("value %d: got %g, want %g", i, got[i], want[i])
		}
	}
	return nil
}

func predict(t *testing.T, p *oar.Predictor, shape []int64, data []float32) ([]int64, []float32) {
	t.Helper()
	inNames, err := p.InputNames()
	if err != nil {
		t.Fatal(err)
	}
	in, err := p.Input(inNames[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Reshape(shape); err != nil {
		t.Fatal(err)
	}
	if err := in.CopyFrom(data); err != nil {
		t.Fatal(err)
	}
	if err := p.Run(); err != nil {
		t.Fatal(err)
	}
	outNames, _ := p.OutputNames()
	out, err := p.Output(outNames[0])
	if err != nil {
		t.Fatal(err)
	}
	outShape, _ := out.Shape()
	got, err := out.CopyToFloat32()
	if err != nil {
		t.Fatal(err)
	}
	return outShape, got
}

func TestModelsMatchPaddle(t *testing.T) {
	for _, name := range []string{"mnist_fc", "digits_cnn"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(models, name)
			shape, data := readNpy(t, filepath.Join(dir, "in_x.npy"))
			wantShape, want := readNpy(t, filepath.Join(dir, "out_softmax_0.tmp_0.npy"))
			cfg, err := oar.NewConfig()
			if err != nil {
				t.Fatal(err)
			}
			defer cfg.Close()
			if err := cfg.SetModel(dir, ""); err != nil {
				t.Fatal(err)
			}
			if err := cfg.SetNumThreads(2); err != nil {
				t.Fatal(err)
			}
			if n, _ := cfg.NumThreads(); n != 2 {
				t.Fatalf("threads read back %d", n)
			}
			p, err := oar.NewPredictor(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			gotShape, got := predict(t, p, shape, data)
			if fmt.Sprint(gotShape) != fmt.Sprint(wantShape) {
				t.Fatalf("output shape %v, want %v", gotShape, wantShape)
			}
			if err := closeEnough(got, want); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestClonesRunInGoroutines(t *testing.T) {
	dir := filepath.Join(models, "mnist_fc")
	shape, data := readNpy(t, filepath.Join(dir, "in_x.npy"))
	_, want := readNpy(t, filepath.Join(dir, "out_softmax_0.tmp_0.npy"))
	cfg, _ := oar.NewConfig()
	defer cfg.Close()
	cfg.SetModel(dir, "")
	p, err := oar.NewPredictor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		clone, err := p.Clone()
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func(c *oar.Predictor) {
			defer wg.Done()
			defer c.Close()
			for j := 0; j < 10; j++ {
				in, _ := c.Input("x")
				in.Reshape(shape)
				in.CopyFrom(data)
				if err := c.Run(); err != nil {
					errs <- err
					return
				}
				out, _ := c.Output("softmax_0.tmp_0")
				got, _ := out.CopyToFloat32()
				if err := closeEnough(got, want); err != nil {
					errs <- err
					return
				}
			}
		}(clone)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestErrorsCarryTheEngineMessage(t *testing.T) {
	cfg, _ := oar.NewConfig()
	defer cfg.Close()
	missing := filepath.Join(t.TempDir(), "no_model")
	cfg.SetModel(missing, "")
	_, err := oar.NewPredictor(cfg)
	var e *oar.Error
	if !asError(err, &e) || e.Status != oar.StatusIO || !strings.Contains(e.Message, missing) {
		t.Fatalf("missing model: %v", err)
	}

	cfg.SetModel(filepath.Join(models, "mnist_fc"), "")
	p, err := oar.NewPredictor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.Input("nope"); !asError(err, &e) || e.Status != oar.StatusNotFound {
		t.Fatalf("unknown input: %v", err)
	}
	in, _ := p.Input("x")
	in.Reshape([]int64{1, 784})
	if err := in.CopyFrom(make([]float64, 784)); !asError(err, &e) || e.Status != oar.StatusInvalidArgument {
		t.Fatalf("float64 into a float32 input: %v", err)
	}
	// Another size is taken, as in Paddle; this network cannot take it, and
	// the run's error names the op.
	if err := in.Reshape([]int64{1, 100}); err != nil {
		t.Fatalf("reshape to another size: %v", err)
	}
	if err := in.CopyFrom(make([]float32, 100)); err != nil {
		t.Fatalf("copy [1, 100]: %v", err)
	}
	if err := p.Run(); err == nil || !strings.Contains(err.Error(), "(op #") || !strings.Contains(err.Error(), "784") {
		t.Fatalf("bad shape: %v", err)
	}
	if err := cfg.SetNumThreads(0); err == nil {
		t.Fatal("0 threads accepted")
	}

	// Options this build may lack: nil, or an error that says so.
	for name, err := range map[string]error{
		"gpu":      cfg.EnableGPU(0, 100),
		"onednn":   cfg.EnableOneDNN(),
		"tensorrt": cfg.EnableTensorRT(oar.PrecisionFloat16),
	} {
		if err != nil && !oar.IsUnsupported(err) {
			t.Fatalf("%s: %v", name, err)
		}
		if err != nil && len(err.Error()) < 20 {
			t.Fatalf("%s: the message says too little: %v", name, err)
		}
	}
	if oar.Version() == "" {
		t.Fatal("version")
	}
}

func asError(err error, target **oar.Error) bool {
	e, ok := err.(*oar.Error)
	if ok {
		*target = e
	}
	return ok
}
