// oar_example runs a model on an .npy input with oar's Go package and
// prints the output's argmax per row; given Paddle's output too, it exits 1
// unless the scores match it (absolute tolerance 1e-5).
//
//	go run . MODEL INPUT.npy [EXPECTED.npy]
//	go run . tests/data/models/digits_cnn tests/data/models/digits_cnn/in_x.npy
//
// MODEL is a model directory or program file; the .npy files are float32,
// format 1.0, C order (what numpy.save writes).
package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"

	"oar"
)

// readNpy reads a float32 .npy file: its shape and values.
func readNpy(path string) ([]int64, []float32, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if len(raw) < 10 || string(raw[:6]) != "\x93NUMPY" || raw[6] != 1 {
		return nil, nil, fmt.Errorf("%s: not an .npy file of format 1.0", path)
	}
	end := 10 + int(binary.LittleEndian.Uint16(raw[8:10]))
	header := string(raw[10:end])
	if !strings.Contains(header, "'<f4'") {
		return nil, nil, fmt.Errorf("%s: float32 only", path)
	}
	m := regexp.MustCompile(`'shape': \(([0-9, ]*)\)`).FindStringSubmatch(header)
	if m == nil {
		return nil, nil, fmt.Errorf("%s: no shape in the header", path)
	}
	var shape []int64
	for _, f := range strings.Split(m[1], ",") {
		if f = strings.TrimSpace(f); f != "" {
			d, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				return nil, nil, err
			}
			shape = append(shape, d)
		}
	}
	body := raw[end:]
	values := make([]float32, len(body)/4)
	for i := range values {
		values[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:]))
	}
	return shape, values, nil
}

func run() error {
	if len(os.Args) != 3 && len(os.Args) != 4 {
		return fmt.Errorf("usage: oar_example MODEL INPUT.npy [EXPECTED.npy]")
	}
	shape, x, err := readNpy(os.Args[2])
	if err != nil {
		return err
	}
	cfg, err := oar.NewConfig()
	if err != nil {
		return err
	}
	defer cfg.Close()
	if err := cfg.SetModel(os.Args[1], ""); err != nil {
		return err
	}
	p, err := oar.NewPredictor(cfg)
	if err != nil {
		return err
	}
	defer p.Close()
	inNames, _ := p.InputNames()
	outNames, _ := p.OutputNames()
	in, err := p.Input(inNames[0])
	if err != nil {
		return err
	}
	if err := in.Reshape(shape); err != nil {
		return err
	}
	if err := in.CopyFrom(x); err != nil {
		return err
	}
	if err := p.Run(); err != nil {
		return err
	}
	out, err := p.Output(outNames[0])
	if err != nil {
		return err
	}
	outShape, _ := out.Shape()
	scores, err := out.CopyToFloat32()
	if err != nil {
		return err
	}
	cols := int(outShape[len(outShape)-1])
	var best []int
	for row := 0; row+cols <= len(scores); row += cols {
		b := 0
		for j := 1; j < cols; j++ {
			if scores[row+j] > scores[row+b] {
				b = j
			}
		}
		best = append(best, b)
	}
	fmt.Printf("oar %s: %s %v -> %s %v, argmax %v\n", oar.Version(), inNames[0], shape, outNames[0], outShape, best)
	if len(os.Args) == 4 {
		_, want, err := readNpy(os.Args[3])
		if err != nil {
			return err
		}
		if len(want) != len(scores) {
			return fmt.Errorf("%d scores, Paddle gave %d", len(scores), len(want))
		}
		worst := 0.0
		for i := range want {
			if d := math.Abs(float64(scores[i]) - float64(want[i])); !(d <= worst) {
				worst = d
			}
		}
		fmt.Printf("max |oar - paddle| = %.3g\n", worst)
		if !(worst <= 1e-5) {
			return fmt.Errorf("the scores differ from Paddle's")
		}
	}
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
