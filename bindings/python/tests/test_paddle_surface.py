"""oar.inference has every public name of the installed paddle.inference
(Paddle 3.3 when this was written), with Paddle's parameters, defaults and
enum values.

Paddle is introspected in a subprocess (its import is slow and loads its own
libraries; the binding never imports it). Without paddle the comparison is
skipped, with the reason printed (`pytest -rs`); the values Paddle 3.3 has
are also checked without it, in test_config_surface.py."""

import ast
import inspect
import json
import re
import subprocess
import sys

import pytest

import oar.inference as oar_infer

# Runs under the same interpreter; prints the surface as JSON.
INTROSPECT = r"""
import inspect, json, sys
import paddle
import paddle.inference as pi

def public(obj):
    return sorted(n for n in dir(obj) if not n.startswith("_"))

def overloads(fn, name):
    # pybind11 puts its signatures in the docstring: "name(self: T, x: int = 1) -> R",
    # numbered "1. name(...)" when overloaded; Python functions have inspect signatures.
    out = []
    for line in (fn.__doc__ or "").splitlines():
        line = line.strip()
        if line[:1].isdigit() and ". " in line:
            line = line.split(". ", 1)[1]
        if line.startswith(name + "(") and ")" in line and "(*args, **kwargs)" not in line:
            out.append({"python": False, "text": line})
    if not out and inspect.isfunction(fn):
        params = [p for p in inspect.signature(fn).parameters.values() if p.name != "self"]
        out.append({"python": True,
                    "params": [[p.name, None if p.default is p.empty else repr(p.default)]
                               for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)],
                    "var_keyword": any(p.kind == p.VAR_KEYWORD for p in params)})
    return out

classes = {name: getattr(pi, name) for name in
           ["Config", "Predictor", "Tensor", "PredictorPool", "XpuConfig", "InternalUtils",
            "DataType", "PlaceType", "PrecisionType"]}
classes["PassBuilder"] = type(pi.Config().pass_builder())
surface = {"version": paddle.__version__, "module": public(pi), "classes": {}, "enums": {}, "signatures": {}}
for cname, cls in classes.items():
    surface["classes"][cname] = public(cls)
    for m in public(cls) + ["__init__"]:
        fn = getattr(cls, m, None)
        if callable(fn) and not isinstance(fn, type) and not hasattr(fn, "__members__"):
            sigs = overloads(fn, m)
            if sigs:
                surface["signatures"]["%s.%s" % (cname, m)] = sigs
for m in public(pi):
    fn = getattr(pi, m)
    if callable(fn) and not isinstance(fn, type):
        sigs = overloads(fn, m)
        if sigs:
            surface["signatures"][m] = sigs
for name in ["DataType", "PlaceType", "PrecisionType"]:
    surface["enums"][name] = {k: int(v) for k, v in getattr(pi, name).__members__.items()}
sys.stdout.write("\nSURFACE " + json.dumps(surface) + "\n")
"""

OAR_CLASSES = {
    "Config": oar_infer.Config,
    "Predictor": oar_infer.Predictor,
    "Tensor": oar_infer.Tensor,
    "PredictorPool": oar_infer.PredictorPool,
    "XpuConfig": oar_infer.XpuConfig,
    "InternalUtils": oar_infer.InternalUtils,
    "DataType": oar_infer.DataType,
    "PlaceType": oar_infer.PlaceType,
    "PrecisionType": oar_infer.PrecisionType,
    "PassBuilder": type(oar_infer.Config().pass_builder()),
}


@pytest.fixture(scope="module")
def paddle_surface():
    try:
        proc = subprocess.run(
            [sys.executable, "-c", INTROSPECT], capture_output=True, text=True, timeout=300, env=_quiet_env()
        )
    except subprocess.TimeoutExpired:
        pytest.fail("introspecting paddle.inference took over 300 s")
    lines = [line for line in proc.stdout.splitlines() if line.startswith("SURFACE ")]
    if proc.returncode != 0 or not lines:
        if "ModuleNotFoundError" in proc.stderr and "paddle" in proc.stderr:
            pytest.skip("paddle is not importable by %s, so oar.inference's surface was NOT "
                        "compared with paddle.inference's (pip install paddlepaddle==3.3.* to run it)" % sys.executable)
        pytest.fail("introspecting paddle.inference failed (rc %d):\n%s" % (proc.returncode, proc.stderr[-3000:]))
    return json.loads(lines[-1][len("SURFACE "):])


def _quiet_env():
    import os

    env = dict(os.environ)
    env.setdefault("GLOG_minloglevel", "3")
    return env


def test_every_public_name_of_paddle_inference_exists(paddle_surface):
    missing = [n for n in paddle_surface["module"] if not hasattr(oar_infer, n)]
    for cname, names in paddle_surface["classes"].items():
        missing += ["%s.%s" % (cname, n) for n in names if not hasattr(OAR_CLASSES[cname], n)]
    assert not missing, "paddle %s has names oar.inference lacks: %s" % (paddle_surface["version"], missing)


def test_enum_values_are_paddles(paddle_surface):
    for name, members in paddle_surface["enums"].items():
        ours = getattr(oar_infer, name)
        for member, value in members.items():
            assert int(getattr(ours, member)) == value, "%s.%s" % (name, member)
    for member in ("Float32", "Int8", "Half", "Bfloat16"):
        assert getattr(oar_infer.Config, member) == getattr(oar_infer.PrecisionType, member)


def _split_params(text):
    """'a: int = 1, b: list[int] = []' -> ['a: int = 1', 'b: list[int] = []'] (top-level commas)."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "([{<":
            depth += 1
        elif ch in ")]}>":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def _pybind_params(text):
    """[(name, default text or None)] of a pybind11 signature line, without self."""
    inner = text[text.index("(") + 1 : text.rindex(")")]
    params = []
    for part in _split_params(inner):
        left, _, default = part.partition(" = ")
        name = left.split(":")[0].strip()
        if name != "self":
            params.append((name, default or None))
    return params


def _paddle_value(text):
    enum = re.fullmatch(r"<[\w.]+\.(\w+): (-?\d+)>", text)
    if enum:
        return int(enum.group(2))
    if text == "set()":
        return set()
    return ast.literal_eval(text)


def _check_call(where, fn, params, var_keyword, problems):
    """fn (an oar function or method) accepts Paddle's calls: every arity
    from the required count to all, Paddle's keyword names, equal defaults."""
    sig = inspect.signature(fn)
    ours = [p for p in sig.parameters.values() if p.name != "self"]
    positional = [p for p in ours if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    has_var_pos = any(p.kind == p.VAR_POSITIONAL for p in ours)
    required = sum(1 for _, d in params if d is None)
    for n in range(required, len(params) + 1):
        try:
            sig.bind(*([None] * (n + (1 if "self" in sig.parameters else 0))))
        except TypeError as e:
            problems.append("%s: a call with %d arguments fails (%s)" % (where, n, e))
    for i, (name, default) in enumerate(params):
        if i >= len(positional):
            if not has_var_pos:
                problems.append("%s: no parameter %d (%s)" % (where, i, name))
            continue
        p = positional[i]
        if not re.fullmatch(r"arg\d+", name) and p.name != name:
            problems.append("%s: parameter %d is %r, Paddle calls it %r" % (where, i, p.name, name))
        if default is not None:
            if p.default is p.empty:
                problems.append("%s: %s has no default, Paddle's is %s" % (where, name, default))
            elif p.default != _paddle_value(default):
                problems.append("%s: %s defaults to %r, Paddle's to %s" % (where, name, p.default, default))
    if var_keyword and not any(p.kind == p.VAR_KEYWORD for p in ours):
        problems.append("%s: Paddle takes **kwargs" % where)


def test_signatures_and_defaults_are_paddles(paddle_surface):
    problems = []
    for where, overloads in paddle_surface["signatures"].items():
        if "." in where:
            cname, method = where.split(".")
            fn = getattr(OAR_CLASSES[cname], method, None)
        else:
            fn = getattr(oar_infer, where, None)
        if fn is None:
            continue  # reported by test_every_public_name_of_paddle_inference_exists
        if isinstance(fn, type):
            fn = fn.__init__
        for sig in overloads:
            if sig["python"]:
                params = [(n, d) for n, d in sig["params"]]
                _check_call(where, fn, params, sig["var_keyword"], problems)
            else:
                _check_call(where, fn, _pybind_params(sig["text"]), False, problems)
    assert not problems, "paddle %s:\n  %s" % (paddle_surface["version"], "\n  ".join(problems))
