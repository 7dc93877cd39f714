// Paddle Inference's Go API (package paddle) on oar's libpaddle_inference_c.
// The module path is Paddle's, so a program that imports
//   pd "github.com/paddlepaddle/paddle/paddle/fluid/inference/goapi"
// builds unchanged with a replace directive pointing here (see README.md).
module github.com/paddlepaddle/paddle/paddle/fluid/inference/goapi

go 1.18
