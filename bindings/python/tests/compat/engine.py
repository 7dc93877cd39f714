"""The one thing the compatibility programs import instead of paddle.

Each program in this folder restates a Paddle model zoo's predictor code
with its import lines changed from ``paddle.inference`` / ``paddle`` to this
module; everything else calls what it called upstream. The engine is chosen
by the environment variable OAR_COMPAT_ENGINE:

* ``oar`` (the default): ``oar.inference``;
* ``paddle``: the installed ``paddle.inference`` (Paddle Inference itself).

Names: every public name of the chosen ``inference`` module (Config,
create_predictor, PrecisionType, PredictorPool, ...), ``inference`` (the
module), and ``paddle``.

``paddle`` is the real paddle package under the paddle engine. Under oar it
is a stand-in with the three things these scripts read from paddle itself,
outside paddle.inference: ``paddle.__version__`` (PaddleDetection and
PaddleClas pick their Config form by it), ``paddle.framework.use_pir_api()``
and ``paddle.device.is_compiled_with_rocm``. It answers as the paddle whose
API oar mirrors (3.3, PIR on, no ROCm). A user moving such a script to oar
must replace those reads too: oar does not ship a ``paddle`` module.
"""

import os
import types

ENGINE = os.environ.get("OAR_COMPAT_ENGINE", "oar")

if ENGINE == "paddle":
    import paddle
    import paddle.inference as inference
elif ENGINE == "oar":
    import oar.inference as inference

    paddle = types.SimpleNamespace(
        __version__="3.3.1",
        inference=inference,
        framework=types.SimpleNamespace(use_pir_api=lambda: True),
        device=types.SimpleNamespace(is_compiled_with_rocm=lambda: False),
    )
else:
    raise ImportError("OAR_COMPAT_ENGINE=%r: expected 'oar' or 'paddle'" % ENGINE)

for _name in dir(inference):
    if not _name.startswith("_"):
        globals()[_name] = getattr(inference, _name)
del _name
