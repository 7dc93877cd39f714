import os

import numpy as np
import pytest

# tests/data/models of the repository (OAR_TEST_MODELS overrides).
MODELS = os.environ.get(
    "OAR_TEST_MODELS",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "data", "models"),
)


def model_case(name):
    """(model dir, input array, Paddle Inference's output) of a fixture."""
    d = os.path.join(MODELS, name)
    return d, np.load(os.path.join(d, "in_x.npy")), np.load(os.path.join(d, "out_softmax_0.tmp_0.npy"))


def assert_close(got, want):
    """The project's tolerance: |got - want| <= 1e-5 + 1e-4 |want|; a NaN fails (the references have none)."""
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, equal_nan=False)


@pytest.fixture
def mnist():
    return model_case("mnist_fc")


@pytest.fixture
def digits():
    return model_case("digits_cnn")


@pytest.fixture(autouse=True)
def fresh_unsupported_warnings():
    """Unsupported options warn once per process; each test starts afresh."""
    from oar import _unsupported

    _unsupported.reset()
