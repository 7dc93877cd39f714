"""PaddleDetection's Python predictor code, restated for the compatibility suite.

Source: PaddlePaddle/PaddleDetection (Apache-2.0), deploy/python/infer.py at
commit 666f597fd00d3157e84dd9fb2dd3f40bf9918ebc: load_predictor, and the
predictor calls of Detector (the input loop at the end of preprocess(), and
predict()).

Restated, not copied: the same function, signature, defaults, branches,
Config calls and arguments, in the same order; the import lines are the
only change (``import paddle`` / ``from paddle.inference import Config,
create_predictor`` -> ``engine``). Left out: PredictConfig (reads
infer_cfg.yml: the caller passes arch / min_subgraph_size /
use_dynamic_shape), the image pre-processing ops and create_inputs (cv2;
the caller passes the inputs by name), post-processing, benchmark timing.
FLAGS (a global argparse namespace upstream, read only in the TensorRT
branch) is a module variable here.
"""

import os

from engine import Config, create_predictor, paddle  # upstream: import paddle; from paddle.inference import ...

FLAGS = None  # upstream: the parsed command line; set by the caller


def load_predictor(model_dir,
                   arch,
                   run_mode='paddle',
                   batch_size=1,
                   device='CPU',
                   min_subgraph_size=3,
                   use_dynamic_shape=False,
                   trt_min_shape=1,
                   trt_max_shape=1280,
                   trt_opt_shape=640,
                   trt_calib_mode=False,
                   cpu_threads=1,
                   enable_mkldnn=False,
                   enable_mkldnn_bfloat16=False,
                   delete_shuffle_pass=False):
    if device != 'GPU' and run_mode != 'paddle':
        raise ValueError("Predict by TensorRT mode: {}, expect device=='GPU', but device == {}".format(
            run_mode, device))

    if paddle.__version__ >= '3.0.0' or paddle.__version__ == '0.0.0':
        model_path = model_dir
        model_prefix = 'model'
        infer_param = os.path.join(model_dir, 'model.pdiparams')
        if not os.path.exists(infer_param):
            model_prefix = 'inference'
            if paddle.framework.use_pir_api():
                infer_model = os.path.join(model_dir, 'inference.pdmodel')
            else:
                infer_model = os.path.join(model_dir, 'inference.json')
            if not os.path.exists(infer_model):
                raise ValueError("Cannot find any inference model in dir: {}.".format(model_dir))
        config = Config(model_path, model_prefix)
    else:
        infer_model = os.path.join(model_dir, 'model.pdmodel')
        infer_params = os.path.join(model_dir, 'model.pdiparams')
        if not os.path.exists(infer_model):
            infer_model = os.path.join(model_dir, 'inference.pdmodel')
            infer_params = os.path.join(model_dir, 'inference.pdiparams')
            if not os.path.exists(infer_model):
                raise ValueError("Cannot find any inference model in dir: {},".format(model_dir))
        config = Config(infer_model, infer_params)

    if device == 'GPU':
        config.enable_use_gpu(200, 0)
        config.switch_ir_optim(True)
    elif device == 'XPU':
        if config.lite_engine_enabled():
            config.enable_lite_engine()
        config.enable_xpu(10 * 1024 * 1024)
    elif device == 'NPU':
        config.enable_custom_device('npu')
    elif device == 'MLU':
        config.enable_custom_device('mlu')
    else:
        config.disable_gpu()
        config.set_cpu_math_library_num_threads(cpu_threads)
        if enable_mkldnn:
            try:
                config.set_mkldnn_cache_capacity(10)
                config.enable_mkldnn()
                if enable_mkldnn_bfloat16:
                    config.enable_mkldnn_bfloat16()
            except Exception as e:
                print("The current environment does not support `mkldnn`, so disable mkldnn.")
                pass

    precision_map = {
        'trt_int8': Config.Precision.Int8,
        'trt_fp32': Config.Precision.Float32,
        'trt_fp16': Config.Precision.Half
    }
    if run_mode in precision_map.keys():
        config.enable_tensorrt_engine(
            workspace_size=(1 << 25) * batch_size,
            max_batch_size=batch_size,
            min_subgraph_size=min_subgraph_size,
            precision_mode=precision_map[run_mode],
            use_static=False,
            use_calib_mode=trt_calib_mode)
        if FLAGS.collect_trt_shape_info:
            config.collect_shape_range_info(FLAGS.tuned_trt_shape_file)
        elif os.path.exists(FLAGS.tuned_trt_shape_file):
            print(f'Use dynamic shape file: {FLAGS.tuned_trt_shape_file} for TRT...')
            config.enable_tuned_tensorrt_dynamic_shape(FLAGS.tuned_trt_shape_file, True)

        if use_dynamic_shape:
            min_input_shape = {
                'image': [batch_size, 3, trt_min_shape, trt_min_shape],
                'scale_factor': [batch_size, 2]
            }
            max_input_shape = {
                'image': [batch_size, 3, trt_max_shape, trt_max_shape],
                'scale_factor': [batch_size, 2]
            }
            opt_input_shape = {
                'image': [batch_size, 3, trt_opt_shape, trt_opt_shape],
                'scale_factor': [batch_size, 2]
            }
            config.set_trt_dynamic_shape_info(min_input_shape, max_input_shape, opt_input_shape)
            print('trt set dynamic shape done!')

    config.disable_glog_info()
    config.enable_memory_optim()
    config.switch_use_feed_fetch_ops(False)
    if delete_shuffle_pass:
        config.delete_pass("shuffle_channel_detect_pass")
    predictor = create_predictor(config)
    return predictor, config


class Detector(object):
    """The predictor part of Detector: __init__'s load_predictor call, the
    input loop of preprocess() and predict(). ``mask`` stands for
    PredictConfig's mask flag."""

    def __init__(self, model_dir, arch, min_subgraph_size=3, use_dynamic_shape=False, device='CPU',
                 run_mode='paddle', batch_size=1, trt_min_shape=1, trt_max_shape=1280, trt_opt_shape=640,
                 trt_calib_mode=False, cpu_threads=1, enable_mkldnn=False, enable_mkldnn_bfloat16=False,
                 delete_shuffle_pass=False, mask=False):
        self.mask = mask
        self.predictor, self.config = load_predictor(
            model_dir,
            arch,
            run_mode=run_mode,
            batch_size=batch_size,
            min_subgraph_size=min_subgraph_size,
            device=device,
            use_dynamic_shape=use_dynamic_shape,
            trt_min_shape=trt_min_shape,
            trt_max_shape=trt_max_shape,
            trt_opt_shape=trt_opt_shape,
            trt_calib_mode=trt_calib_mode,
            cpu_threads=cpu_threads,
            enable_mkldnn=enable_mkldnn,
            enable_mkldnn_bfloat16=enable_mkldnn_bfloat16,
            delete_shuffle_pass=delete_shuffle_pass)

    def set_inputs(self, inputs):
        input_names = self.predictor.get_input_names()
        for i in range(len(input_names)):
            input_tensor = self.predictor.get_input_handle(input_names[i])
            if input_names[i] == 'x':
                input_tensor.copy_from_cpu(inputs['image'])
            else:
                input_tensor.copy_from_cpu(inputs[input_names[i]])
        return inputs

    def predict(self, repeats=1):
        import numpy as np
        np_boxes_num, np_boxes, np_masks = np.array([0]), None, None
        for i in range(repeats):
            self.predictor.run()
            output_names = self.predictor.get_output_names()
            boxes_tensor = self.predictor.get_output_handle(output_names[0])
            np_boxes = boxes_tensor.copy_to_cpu()
            if len(output_names) == 1:
                np_boxes_num = np.array([len(np_boxes)])
            else:
                boxes_num = self.predictor.get_output_handle(output_names[1])
                np_boxes_num = boxes_num.copy_to_cpu()
            if self.mask:
                masks_tensor = self.predictor.get_output_handle(output_names[2])
                np_masks = masks_tensor.copy_to_cpu()
        result = dict(boxes=np_boxes, masks=np_masks, boxes_num=np_boxes_num)
        return result
