"""oar: an inference engine for PaddlePaddle models, from Python.

``oar.inference`` mirrors ``paddle.inference`` (and the 2020-era
``AnalysisConfig`` / ``create_paddle_predictor`` names): change the import
line of a Paddle Inference script and it runs on oar. See
``help(oar.inference)`` for what oar does with each Config option.

``oar._fast`` is the compiled module that carries feeds, runs and fetches
in one C call each (built by ``pip install .`` where Python's headers are
installed); None means every call goes through ctypes (slower per call,
same results).
"""

from ._lib import OarError, version
from . import inference
from ._predictor import _fast  # the compiled hot path, or None: ctypes all the way
from .inference import UnsupportedOptionWarning

__version__ = version()

__all__ = ["OarError", "UnsupportedOptionWarning", "inference", "version", "__version__"]
