"""Paddle-Inference-Demo's multi-thread example, restated for the compatibility suite.

Source: PaddlePaddle/Paddle-Inference-Demo (Apache-2.0) at commit
064671aca431bc22baef2043eae4fe077ada6dac:
python/advanced/multi_thread/threads_demo.py (init_predictors,
WrapperThread, run_model, and __main__'s thread loop as run_threads):
a PredictorPool, one predictor per thread through ``retrive`` (Paddle's
spelling).

Restated, not copied: the same functions, branches, Config calls and
arguments, in the same order; the import lines are the only change
(``from paddle.inference import Config`` / ``create_predictor,
PredictorPool`` -> ``engine``). Left out: parse_args; __main__ feeds
np.ones((1, 3, 224, 224)) and prints shapes: run_threads takes the inputs
and returns each thread's results.
"""

from threading import Thread

from engine import Config  # upstream: from paddle.inference import Config
from engine import PredictorPool, create_predictor  # noqa: F401  upstream: from paddle.inference import ...


def init_predictors(args):
    if args.model_dir is not None:
        config = Config(args.model_dir)
    else:
        config = Config(args.model_file, args.params_file)

    config.enable_memory_optim()
    if args.use_gpu:
        config.enable_use_gpu(1000, 0)
    else:
        config.set_cpu_math_library_num_threads(4)
        config.enable_mkldnn()

    predictors = PredictorPool(config, args.thread_num)
    return predictors


class WrapperThread(Thread):
    def __init__(self, func, args):
        super(WrapperThread, self).__init__()
        self.func = func
        self.args = args

    def run(self):
        self.result = self.func(*self.args)

    def get_result(self):
        return self.result


def run_model(predictor, blob):
    input_names = predictor.get_input_names()
    for i, name in enumerate(input_names):
        input_handle = predictor.get_input_handle(name)
        input_handle.reshape(blob[i].shape)
        input_handle.copy_from_cpu(blob[i])

    predictor.run()

    results = {}
    output_names = predictor.get_output_names()
    for i, name in enumerate(output_names):
        output_handle = predictor.get_output_handle(name)
        output_data = output_handle.copy_to_cpu()
        results[name] = output_data

    return results


def run_threads(args, blob):
    thread_num = args.thread_num
    predictors = init_predictors(args)

    threads = []
    for i in range(thread_num):
        t = WrapperThread(run_model, args=(predictors.retrive(i), blob))
        threads.append(t)
        t.start()

    for i in range(thread_num):
        t.join()

    return [threads[i].get_result() for i in range(thread_num)]
