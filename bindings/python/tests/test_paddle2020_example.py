"""The usage example of the 2020 Paddle Inference announcement (Paddle 1.8 /
2.0: AnalysisConfig, zero-copy tensors), run on oar with only its import
lines changed, on the MNIST fc+softmax model, against Paddle's outputs."""

import warnings

import numpy as np

import oar
from conftest import assert_close

# The example as published, with its model directory and input data as
# variables (`model_dir`, `data`) the test provides.
EXAMPLE_2020 = """
import numpy as np
from paddle.fluid.core import AnalysisConfig
from paddle.fluid.core import create_paddle_predictor

config = AnalysisConfig(model_dir)
config.enable_mkldnn()
config.switch_use_feed_fetch_ops(False)
config.switch_specify_input_names(True)

predictor = create_paddle_predictor(config)

input_names = predictor.get_input_names()
input_tensor = predictor.get_input_tensor(input_names[0])
input_tensor.copy_from_cpu(data)

predictor.zero_copy_run()

output_names = predictor.get_output_names()
output_tensor = predictor.get_output_tensor(output_names[0])
output_data = output_tensor.copy_to_cpu()
"""


def ported(source):
    """The example with its import lines pointed at oar, and nothing else."""
    ported_source = source.replace("from paddle.fluid.core import", "from oar.inference import")
    changed = [
        (a, b) for a, b in zip(source.splitlines(), ported_source.splitlines()) if a != b
    ]
    assert changed and all(a.startswith("from paddle.fluid.core import") for a, _ in changed)
    return ported_source


def test_2020_example_runs_with_only_the_import_changed(mnist):
    model_dir, data, want = mnist
    namespace = {"model_dir": model_dir, "data": data}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(compile(ported(EXAMPLE_2020), "paddle2020_example.py", "exec"), namespace)
    assert_close(namespace["output_data"], want)

    # enable_mkldnn() is either honoured or warned about, never ignored.
    config = namespace["config"]
    unsupported = [w for w in caught if issubclass(w.category, oar.UnsupportedOptionWarning)]
    assert config.mkldnn_enabled() or any("oneDNN" in str(w.message) for w in unsupported)
    assert not config.use_feed_fetch_ops_enabled() and config.specify_input_name()


def test_2020_example_output_is_a_fresh_float32_array(mnist):
    model_dir, data, want = mnist
    namespace = {"model_dir": model_dir, "data": data}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", oar.UnsupportedOptionWarning)
        exec(compile(ported(EXAMPLE_2020), "paddle2020_example.py", "exec"), namespace)
    out = namespace["output_data"]
    assert isinstance(out, np.ndarray) and out.dtype == np.float32 and out.flags.owndata
    assert out.shape == (3, 10)
