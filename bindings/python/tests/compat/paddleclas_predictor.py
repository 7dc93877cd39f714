"""PaddleClas' Python predictor code, restated for the compatibility suite.

Source: PaddlePaddle/PaddleClas (Apache-2.0) at commit
d178931fca432204e6b7422bac4f92e09ff22fa4: deploy/utils/predictor.py
(Predictor.__init__, create_paddle_predictor) and the predictor calls of
deploy/python/predict_cls.py (ClsPredictor.predict).

Restated, not copied: the same methods, branches, Config calls and
arguments, in the same order; the import lines are the only change
(``import paddle`` / ``from paddle.inference import Config,
create_predictor`` -> ``engine``). Left out: create_onnx_predictor
(onnxruntime), the preprocess / postprocess ops built from the YAML config
(cv2), benchmark logging (auto_log). ``args`` is PaddleClas' AttrDict
(attribute access and .get()); the caller builds it.
"""

import os
import platform

from engine import Config, create_predictor, paddle  # upstream: import paddle; from paddle.inference import ...


class Predictor(object):
    def __init__(self, args, inference_model_dir=None):
        if args.use_fp16 is True:
            assert args.use_tensorrt is True
        self.args = args
        if self.args.get("use_onnx", False):
            raise NotImplementedError("create_onnx_predictor (onnxruntime) is not part of this restatement")
        else:
            self.predictor, self.config = self.create_paddle_predictor(args, inference_model_dir)

    def predict(self, image):
        raise NotImplementedError

    def create_paddle_predictor(self, args, inference_model_dir=None):
        if inference_model_dir is None:
            inference_model_dir = args.inference_model_dir
        if "inference_int8.pdiparams" in os.listdir(inference_model_dir):
            model_prefix = "inference_int8"
            assert args.get("use_fp16", False) is False, "fp16 mode is not supported for int8 model inference"
        else:
            model_prefix = "inference"
            assert args.get("use_int8", False) is False, "int8 mode is not supported for fp32 model inference"

        pd_version = 0
        for v in paddle.__version__.split(".")[:3]:
            pd_version = 10 * pd_version + eval(v)

        if pd_version == 0 or pd_version >= 260:
            config = Config(inference_model_dir, model_prefix)
        else:
            model_file = os.path.join(inference_model_dir, f"{model_prefix}.pdmodel")
            params_file = os.path.join(inference_model_dir, f"{model_prefix}.pdiparams")
            config = Config(model_file, params_file)

        if args.get("use_gpu", False):
            config.enable_use_gpu(args.gpu_mem, 0)
        elif args.get("use_npu", False):
            config.enable_custom_device('npu')
        elif args.get("use_xpu", False):
            config.enable_xpu()
        elif args.get("use_mlu", False):
            config.enable_custom_device('mlu')
        else:
            config.disable_gpu()
            if args.enable_mkldnn:
                if platform.system() != "Darwin":
                    config.set_mkldnn_cache_capacity(10)
                config.enable_mkldnn()
        config.set_cpu_math_library_num_threads(args.cpu_num_threads)

        if args.enable_profile:
            config.enable_profile()
        config.disable_glog_info()
        config.switch_ir_optim(args.ir_optim)
        if args.use_tensorrt:
            precision = Config.Precision.Float32
            if args.get("use_int8", False):
                precision = Config.Precision.Int8
            elif args.get("use_fp16", False):
                precision = Config.Precision.Half

            config.enable_tensorrt_engine(
                precision_mode=precision,
                max_batch_size=args.batch_size,
                workspace_size=1 << 30,
                min_subgraph_size=30,
                use_calib_mode=False)

        config.enable_memory_optim()
        config.switch_use_feed_fetch_ops(False)
        predictor = create_predictor(config)

        return predictor, config


class ClsPredictor(Predictor):
    """predict_cls.py: the predictor calls of ClsPredictor.predict."""

    def __init__(self, config):
        super().__init__(config["Global"])

    def predict(self, images):
        input_names = self.predictor.get_input_names()
        input_tensor = self.predictor.get_input_handle(input_names[0])
        output_names = self.predictor.get_output_names()
        output_tensor = self.predictor.get_output_handle(output_names[0])

        image = images
        input_tensor.copy_from_cpu(image)
        self.predictor.run()
        batch_output = output_tensor.copy_to_cpu()
        return batch_output
