// A program written for Paddle Inference's Go API, built against oar: only
// this go.mod's replace line differs from building it against Paddle.
module paddle_example

go 1.18

require github.com/paddlepaddle/paddle/paddle/fluid/inference/goapi v0.0.0

replace github.com/paddlepaddle/paddle/paddle/fluid/inference/goapi => ../paddle
