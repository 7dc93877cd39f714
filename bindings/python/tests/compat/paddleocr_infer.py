"""PaddleOCR's Python predictor code, restated for the compatibility suite.

Source: PaddlePaddle/PaddleOCR (Apache-2.0), tools/infer/utility.py
(create_predictor, get_output_tensors; the version that accepts
inference.json PIR models, with the metax_gpu / gcu branches: the stored
copy read for this has no commit id, see README.md) and the predictor calls
of tools/infer/predict_det.py (TextDetector.__call__), predict_rec.py
(TextRecognizer.__call__) and predict_cls.py (TextClassifier.__call__).

Restated, not copied: the same functions, branches, Config calls and
arguments, in the same order; the import line is the only change
(``from paddle import inference`` / ``import paddle`` -> ``engine``).
Left out: the ONNX Runtime branch (onnxruntime, not paddle.inference), the
TensorRT-from-inference.yml branch for .json models (needs paddle.tensorrt
and yaml), the Enflame GCU branch (needs paddle_custom_device), logging
setup, and all image pre- and post-processing (cv2): the run functions take
the prepared batch and return the raw outputs.
"""

import os
import sys

from engine import inference, paddle  # upstream: from paddle import inference; import paddle


def create_predictor(args, mode, logger):
    if mode == "det":
        model_dir = args.det_model_dir
    elif mode == "cls":
        model_dir = args.cls_model_dir
    elif mode == "rec":
        model_dir = args.rec_model_dir
    elif mode == "table":
        model_dir = args.table_model_dir
    elif mode == "ser":
        model_dir = args.ser_model_dir
    elif mode == "re":
        model_dir = args.re_model_dir
    elif mode == "sr":
        model_dir = args.sr_model_dir
    elif mode == "layout":
        model_dir = args.layout_model_dir
    else:
        model_dir = args.e2e_model_dir

    if model_dir is None:
        logger.info("not find {} model file path {}".format(mode, model_dir))
        sys.exit(0)
    if args.use_onnx:
        raise NotImplementedError("the ONNX Runtime branch is not part of this restatement")

    file_names = ["model", "inference"]
    for file_name in file_names:
        params_file_path = f"{model_dir}/{file_name}.pdiparams"
        if os.path.exists(params_file_path):
            break
    if not os.path.exists(params_file_path):
        raise ValueError(f"not find {file_name}.pdiparams in {model_dir}")
    if not (os.path.exists(f"{model_dir}/{file_name}.pdmodel") or os.path.exists(f"{model_dir}/{file_name}.json")):
        raise ValueError(f"neither {file_name}.json nor {file_name}.pdmodel was found in {model_dir}.")
    if os.path.exists(f"{model_dir}/{file_name}.json"):
        model_file_path = f"{model_dir}/{file_name}.json"
    else:
        model_file_path = f"{model_dir}/{file_name}.pdmodel"

    config = inference.Config(model_file_path, params_file_path)

    if hasattr(args, "precision"):
        if args.precision == "fp16" and args.use_tensorrt:
            precision = inference.PrecisionType.Half
        elif args.precision == "int8":
            precision = inference.PrecisionType.Int8
        else:
            precision = inference.PrecisionType.Float32
    else:
        precision = inference.PrecisionType.Float32

    if args.use_gpu:
        gpu_id = get_infer_gpuid()
        if gpu_id is None:
            logger.warning("GPU is not found in current device by nvidia-smi.")
        config.enable_use_gpu(args.gpu_mem, args.gpu_id)
        if args.use_tensorrt:
            if ".json" in model_file_path:
                raise NotImplementedError("TensorRT for .json models (inference.yml, paddle.tensorrt) is left out")
            config.enable_tensorrt_engine(
                workspace_size=1 << 30,
                precision_mode=precision,
                max_batch_size=args.max_batch_size,
                min_subgraph_size=args.min_subgraph_size,
                use_calib_mode=False,
            )
            trt_shape_f = os.path.join(model_dir, f"{mode}_trt_dynamic_shape.txt")
            if not os.path.exists(trt_shape_f):
                config.collect_shape_range_info(trt_shape_f)
                logger.info(f"collect dynamic shape info into : {trt_shape_f}")
            try:
                config.enable_tuned_tensorrt_dynamic_shape(trt_shape_f, True)
            except Exception as E:
                logger.info(E)
                logger.info("Please keep your paddlepaddle-gpu >= 2.3.0!")
    elif args.use_npu:
        config.enable_custom_device("npu")
    elif args.use_mlu:
        config.enable_custom_device("mlu")
    elif args.use_metax_gpu:
        if args.precision == "fp16":
            config.enable_custom_device("metax_gpu", 0, paddle.inference.PrecisionType.Half)
        else:
            config.enable_custom_device("metax_gpu")
    elif args.use_xpu:
        config.enable_xpu(10 * 1024 * 1024)
    elif args.use_gcu:
        raise NotImplementedError("the Enflame GCU branch (paddle_custom_device) is left out")
    else:
        config.disable_gpu()
        if args.enable_mkldnn is not None:
            if args.enable_mkldnn:
                config.set_mkldnn_cache_capacity(10)
                config.enable_mkldnn()
                if args.precision == "fp16":
                    config.enable_mkldnn_bfloat16()
            else:
                if hasattr(config, "disable_mkldnn"):
                    config.disable_mkldnn()
        if hasattr(args, "cpu_threads"):
            config.set_cpu_math_library_num_threads(args.cpu_threads)
        else:
            config.set_cpu_math_library_num_threads(10)
        if hasattr(config, "enable_new_ir"):
            config.enable_new_ir()
        if hasattr(config, "enable_new_executor"):
            config.enable_new_executor()

    config.enable_memory_optim()
    config.disable_glog_info()
    if not args.use_gcu:
        config.delete_pass("conv_transpose_eltwiseadd_bn_fuse_pass")
    config.delete_pass("matmul_transpose_reshape_fuse_pass")
    if mode == "rec" and args.rec_algorithm == "SRN":
        config.delete_pass("gpu_cpu_map_matmul_v2_to_matmul_pass")
    if mode == "re":
        config.delete_pass("simplify_with_basic_ops_pass")
    if mode == "table":
        config.delete_pass("fc_fuse_pass")
    config.switch_use_feed_fetch_ops(False)
    config.switch_ir_optim(True)

    predictor = inference.create_predictor(config)
    input_names = predictor.get_input_names()
    if mode in ["ser", "re"]:
        input_tensor = []
        for name in input_names:
            input_tensor.append(predictor.get_input_handle(name))
    else:
        for name in input_names:
            input_tensor = predictor.get_input_handle(name)
    output_tensors = get_output_tensors(args, mode, predictor)
    return predictor, input_tensor, output_tensors, config


def get_output_tensors(args, mode, predictor):
    output_names = predictor.get_output_names()
    output_tensors = []
    if mode == "rec" and args.rec_algorithm in ["CRNN", "SVTR_LCNet", "SVTR_HGNet"]:
        output_name = "softmax_0.tmp_0"
        if output_name in output_names:
            return [predictor.get_output_handle(output_name)]
        else:
            for output_name in output_names:
                output_tensor = predictor.get_output_handle(output_name)
                output_tensors.append(output_tensor)
    else:
        for output_name in output_names:
            output_tensor = predictor.get_output_handle(output_name)
            output_tensors.append(output_tensor)
    return output_tensors


def get_infer_gpuid():
    if not paddle.device.is_compiled_with_rocm:
        cmd = "env | grep CUDA_VISIBLE_DEVICES"
    else:
        cmd = "env | grep HIP_VISIBLE_DEVICES"
    env_cuda = os.popen(cmd).readlines()
    if len(env_cuda) == 0:
        return 0
    else:
        gpu_id = env_cuda[0].strip().split("=")[1]
        return int(gpu_id[0])


class TextDetector(object):
    """predict_det.py: the predictor part of __init__ and __call__."""

    def __init__(self, args, logger):
        self.args = args
        self.predictor, self.input_tensor, self.output_tensors, self.config = create_predictor(args, "det", logger)

    def __call__(self, img):
        img = img.copy()
        self.input_tensor.copy_from_cpu(img)
        self.predictor.run()
        outputs = []
        for output_tensor in self.output_tensors:
            output = output_tensor.copy_to_cpu()
            outputs.append(output)
        return outputs


class TextRecognizer(object):
    """predict_rec.py: the predictor part of __init__ and __call__."""

    def __init__(self, args, logger):
        self.rec_algorithm = args.rec_algorithm
        self.predictor, self.input_tensor, self.output_tensors, self.config = create_predictor(args, "rec", logger)

    def __call__(self, norm_img_batch):
        norm_img_batch = norm_img_batch.copy()
        self.input_tensor.copy_from_cpu(norm_img_batch)
        self.predictor.run()
        outputs = []
        for output_tensor in self.output_tensors:
            output = output_tensor.copy_to_cpu()
            outputs.append(output)
        if len(outputs) != 1:
            preds = outputs
        else:
            preds = outputs[0]
        return preds


class TextClassifier(object):
    """predict_cls.py: the predictor part of __init__ and __call__."""

    def __init__(self, args, logger):
        self.predictor, self.input_tensor, self.output_tensors, _ = create_predictor(args, "cls", logger)

    def __call__(self, norm_img_batch):
        norm_img_batch = norm_img_batch.copy()
        self.input_tensor.copy_from_cpu(norm_img_batch)
        self.predictor.run()
        prob_out = self.output_tensors[0].copy_to_cpu()
        self.predictor.try_shrink_memory()
        return prob_out
