"""oar: an inference engine for PaddlePaddle models, from Python.

``oar.inference`` mirrors ``paddle.inference`` (and the 2020-era
``AnalysisConfig`` / ``create_paddle_predictor`` names): change the import
line of a Paddle Inference script and it runs on oar. See
``help(oar.inference)`` for what oar does with each Config option.
"""

from ._lib import OarError, version
from . import inference
from .inference import UnsupportedOptionWarning

__version__ = version()

__all__ = ["OarError", "UnsupportedOptionWarning", "inference", "version", "__version__"]
