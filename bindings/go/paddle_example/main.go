// Paddle Inference's Go README example, on the MNIST fc+softmax model:
//
//	go run . MODEL_DIR   (tests/data/models/mnist_fc)
//
// It feeds MODEL_DIR/in_x.npy and exits 1 unless the outputs match
// MODEL_DIR/out_softmax_0.tmp_0.npy (what Paddle Inference gave).
package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"

	pd "github.com/paddlepaddle/paddle/paddle/fluid/inference/goapi"
)

func numElements(shape []int32) int32 {
	n := int32(1)
	for _, v := range shape {
		n *= v
	}
	return n
}

func readFloats(path string) []float32 {
	raw, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	body := raw[10+int(binary.LittleEndian.Uint16(raw[8:10])):]
	out := make([]float32, len(body)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:]))
	}
	return out
}

func main() {
	modelDir := os.Args[1]
	config := pd.NewConfig()
	config.SetModel(filepath.Join(modelDir, "model.pdmodel"), filepath.Join(modelDir, "model.pdiparams"))
	predictor := pd.NewPredictor(config)

	inNames := predictor.GetInputNames()
	inHandle := predictor.GetInputHandle(inNames[0])
	outNames := predictor.GetOutputNames()
	outHandle := predictor.GetOutputHandle(outNames[0])

	data := readFloats(filepath.Join(modelDir, "in_x.npy"))
	inHandle.Reshape([]int32{3, 784})
	inHandle.CopyFromCpu(data)

	predictor.Run()

	outData := make([]float32, numElements(outHandle.Shape()))
	outHandle.CopyToCpu(outData)

	want := readFloats(filepath.Join(modelDir, "out_softmax_0.tmp_0.npy"))
	if len(outData) != len(want) {
		fmt.Printf("%d outputs, Paddle gave %d\n", len(outData), len(want))
		os.Exit(1)
	}
	for i := range want {
		// Written as !(d <= tol) so that a NaN fails too.
		if !(math.Abs(float64(outData[i]-want[i])) <= 1e-5+1e-4*math.Abs(float64(want[i]))) {
			fmt.Printf("output %d: %g, Paddle gave %g\n", i, outData[i], want[i])
			os.Exit(1)
		}
	}
	fmt.Printf("%v %v matches Paddle Inference\n", outNames[0], outHandle.Shape())
}
