"""pytest entry of the compatibility suite (run_compat.py): one test per
case of cases.py, after one run of every program on oar and, when paddle
is installed, on Paddle Inference."""

import os
import re
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import cases  # noqa: E402
import run_compat  # noqa: E402

CASES = cases.all_cases()
PROGRAMS = ["paddleocr_infer.py", "paddledetection_infer.py", "paddleclas_predictor.py", "paddleseg_infer.py",
            "inference_demo_resnet50.py", "inference_demo_yolov3.py", "inference_demo_threads.py"]


@pytest.fixture(scope="module")
def suite():
    results, with_paddle = run_compat.run_all()
    return {row[0]: (passed, text) for row, passed, text in results}, with_paddle


@pytest.mark.parametrize("case_id", [c[0] for c in CASES])
def test_case(suite, case_id):
    results, _ = suite
    passed, text = results[case_id]
    assert passed, text


def test_paddle_compared(suite):
    if not suite[1]:
        pytest.skip("paddle is not installed: oar's outputs were compared with the fixtures only")


def test_every_program_and_fixture_kind_runs():
    programs = {c[1] for c in CASES}
    assert programs == set(cases.SCENARIOS)
    fixtures = {c[4] for c in CASES}
    assert "models/digits_cnn" in fixtures and "models/digits_cnn_pir" in fixtures
    assert any(f.startswith("ops/") and f.endswith("_pir") for f in fixtures)


@pytest.mark.parametrize("program", PROGRAMS)
def test_programs_import_only_the_engine(program):
    """The restated programs reach paddle / oar through engine.py only (the
    changed import line), so each runs unchanged on either engine."""
    with open(os.path.join(HERE, program)) as f:
        code = [line.split("#")[0] for line in f]
    imports = [line.strip() for line in code if re.match(r"\s*(import|from)\s", line)]
    assert any(line.startswith("from engine import") for line in imports), imports
    assert not [line for line in imports if re.search(r"\b(paddle|oar)\b", line.split(" import ")[0])], imports
