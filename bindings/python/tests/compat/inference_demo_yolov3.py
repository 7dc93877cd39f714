"""Paddle-Inference-Demo's CPU YOLOv3 example, restated for the compatibility suite.

Source: PaddlePaddle/Paddle-Inference-Demo (Apache-2.0) at commit
064671aca431bc22baef2043eae4fe077ada6dac: python/cpu/yolov3/infer_yolov3.py
(init_predictor, run): a model with several inputs (im_shape, image,
scale_factor upstream), fed in get_input_names() order.

Restated, not copied: the same functions, branches, Config calls and
arguments, in the same order; the import lines are the only change
(``from paddle.inference import Config`` / ``create_predictor`` ->
``engine``). Left out: parse_args and __main__ (cv2 / PIL image reading,
utils.preprocess, draw_bbox): the caller passes ``args`` and the inputs.
"""

from engine import Config  # upstream: from paddle.inference import Config
from engine import create_predictor  # upstream: from paddle.inference import create_predictor


def init_predictor(args):
    if args.model_dir != "":
        config = Config(args.model_dir)
    else:
        config = Config(args.model_file, args.params_file)

    config.enable_memory_optim()
    if args.use_gpu:
        config.enable_use_gpu(1000, 0)
    else:
        config.set_cpu_math_library_num_threads(4)
        config.enable_mkldnn()

    predictor = create_predictor(config)
    return predictor


def run(predictor, img):
    input_names = predictor.get_input_names()
    for i, name in enumerate(input_names):
        input_tensor = predictor.get_input_handle(name)
        input_tensor.reshape(img[i].shape)
        input_tensor.copy_from_cpu(img[i])

    predictor.run()

    results = []
    output_names = predictor.get_output_names()
    for i, name in enumerate(output_names):
        output_tensor = predictor.get_output_handle(name)
        output_data = output_tensor.copy_to_cpu()
        results.append(output_data)
    return results
