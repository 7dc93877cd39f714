"""PaddleSeg's Python predictor code, restated for the compatibility suite.

Source: PaddlePaddle/PaddleSeg (Apache-2.0) at commit
d7975e7cb3b9102eae4eabcef5afb81b878473aa: deploy/python/infer.py
(Predictor.__init__, _init_base_config, _init_cpu_config,
_init_gpu_config, the predictor calls of run(), _postprocess) and
paddleseg/deploy/infer.py (DeployConfig: model / params from deploy.yaml).

Restated, not copied: the same methods, branches, Config calls and
arguments, in the same order; the import line is the only change
(``from paddle.inference import create_predictor, PrecisionType`` /
``Config as PredictConfig`` -> ``engine``). Left out: auto_tune (TensorRT
on a GPU), the transforms DeployConfig builds from deploy.yaml
(paddleseg.transforms, cv2: run() takes the prepared batches), saving
pseudo-colour images, benchmark logging (auto_log). DeployConfig reads
deploy.yaml's ``model:`` and ``params:`` lines without yaml (not a test
dependency).
"""

import os

import numpy as np

from engine import Config as PredictConfig  # upstream: from paddle.inference import Config as PredictConfig
from engine import PrecisionType, create_predictor  # upstream: from paddle.inference import ...


class DeployConfig:
    """paddleseg.deploy.infer.DeployConfig: model and params of deploy.yaml."""

    def __init__(self, path):
        self.dic = {"Deploy": {}}
        with open(path, encoding="utf-8") as file:
            for line in file:
                key, _, value = line.strip().partition(":")
                if key in ("model", "params"):
                    self.dic["Deploy"][key] = value.strip()
        self._dir = os.path.dirname(path)

    @property
    def model(self):
        return os.path.join(self._dir, self.dic['Deploy']['model'])

    @property
    def params(self):
        return os.path.join(self._dir, self.dic['Deploy']['params'])


class Predictor:
    def __init__(self, args):
        self.args = args
        self.cfg = DeployConfig(args.cfg)

        self._init_base_config()

        if args.device == 'cpu':
            self._init_cpu_config()
        elif args.device == 'npu':
            self.pred_cfg.enable_custom_device('npu')
        elif args.device == 'mlu':
            self.pred_cfg.enable_custom_device('mlu')
        elif args.device == 'xpu':
            self.pred_cfg.enable_xpu()
        else:
            self._init_gpu_config()

        try:
            self.predictor = create_predictor(self.pred_cfg)
        except Exception as e:
            print(str(e))
            print("If the above error is '(InvalidArgument) some trt inputs dynamic shape info not set, ...', "
                  "please set --enable_auto_tune=True to use auto_tune.")
            exit()

    def _init_base_config(self):
        self.pred_cfg = PredictConfig(self.cfg.model, self.cfg.params)
        if not self.args.print_detail:
            self.pred_cfg.disable_glog_info()
        self.pred_cfg.enable_memory_optim()
        self.pred_cfg.switch_ir_optim(True)

    def _init_cpu_config(self):
        self.pred_cfg.disable_gpu()
        if self.args.enable_mkldnn:
            self.pred_cfg.set_mkldnn_cache_capacity(10)
            self.pred_cfg.enable_mkldnn()
        self.pred_cfg.set_cpu_math_library_num_threads(self.args.cpu_threads)

    def _init_gpu_config(self):
        self.pred_cfg.enable_use_gpu(100, 0)
        precision_map = {
            "fp16": PrecisionType.Half,
            "fp32": PrecisionType.Float32,
            "int8": PrecisionType.Int8
        }
        precision_mode = precision_map[self.args.precision]

        if self.args.use_trt:
            self.pred_cfg.enable_tensorrt_engine(
                workspace_size=1 << 30,
                max_batch_size=1,
                min_subgraph_size=self.args.min_subgraph_size,
                precision_mode=precision_mode,
                use_static=False,
                use_calib_mode=False)
            min_input_shape = {"x": [1, 3, 100, 100]}
            max_input_shape = {"x": [1, 3, 2000, 3000]}
            opt_input_shape = {"x": [1, 3, 512, 1024]}
            self.pred_cfg.set_trt_dynamic_shape_info(min_input_shape, max_input_shape, opt_input_shape)

    def run(self, batches):
        """run()'s predictor calls; ``batches``: the preprocessed batches."""
        input_names = self.predictor.get_input_names()
        input_handle = self.predictor.get_input_handle(input_names[0])
        output_names = self.predictor.get_output_names()
        output_handle = self.predictor.get_output_handle(output_names[0])
        results = []
        for data in batches:
            data = np.array(data)
            input_handle.reshape(data.shape)
            input_handle.copy_from_cpu(data)
            self.predictor.run()
            results.append(self._postprocess(output_handle.copy_to_cpu()))
        return results

    def _postprocess(self, results):
        if self.args.with_argmax:
            results = np.argmax(results, axis=1)
        return results
