"""UnsupportedOptionWarning and the once-per-process rule for it.

A Paddle script asks for GPU, TensorRT, oneDNN, ... in every config it
builds (PaddleOCR builds three); one warning per capability is enough to
say that oar runs on the CPU instead, and a warning per call would drown the
script's own output. So each capability (a *key*: "gpu", "tensorrt",
"delete_pass:<name>", ...) warns the first time it is asked for in the
process and is silent afterwards.

A key counts as said only when warnings.warn returned, and a said key
still goes to warnings.warn when the filters in force make it an error: under
``warnings.simplefilter("error", oar.UnsupportedOptionWarning)`` every call
raises, not just the first, whenever the filter was set.
"""

import os
import sys
import threading
import warnings

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_said = set()
_lock = threading.Lock()


class UnsupportedOptionWarning(UserWarning):
    """A Config option (or call) this build of oar cannot honour. The request
    is recorded, the predictor runs on the CPU with oar's own kernels, and
    the message says what was asked and what runs instead. Each capability
    warns once per process; ``warnings.simplefilter("error",
    oar.UnsupportedOptionWarning)`` turns every such call into an error,
    ``"ignore"`` silences them."""


def _user_frame():
    """The first frame outside this package, and its stacklevel for the
    warnings.warn in warn_once: the warning points at the user's line."""
    frame = sys._getframe(2)  # 0: here, 1: warn_once, 2: its caller (stacklevel 2)
    level = 2
    while frame is not None and os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == _PACKAGE_DIR:
        frame = frame.f_back
        level += 1
    return frame, level


def _is_error(message, frame):
    """Whether the warnings filters in force turn this warning, raised at
    frame, into an exception (the first matching filter decides, as in
    warnings.warn_explicit)."""
    module = frame.f_globals.get("__name__", "") if frame is not None else ""
    lineno = frame.f_lineno if frame is not None else 0
    for action, text, category, mod, line in warnings.filters:
        if (
            (text is None or text.match(message))
            and issubclass(UnsupportedOptionWarning, category)
            and (mod is None or mod.match(module))
            and (line == 0 or line == lineno)
        ):
            return action == "error"
    return warnings.defaultaction == "error"


def warn_once(key, message):
    """Warns ``message`` unless ``key`` was already warned in this process
    (and the filters do not make it an error)."""
    frame, level = _user_frame()
    with _lock:
        said = key in _said
    if said and not _is_error(message, frame):
        return
    warnings.warn(message, UnsupportedOptionWarning, stacklevel=level)
    with _lock:
        _said.add(key)


def reset():
    """Forgets which keys were warned (for tests)."""
    with _lock:
        _said.clear()
