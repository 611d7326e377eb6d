"""The shared argument checks: each bad input names the argument and the expectation."""
from fractions import Fraction

import numpy as np
import pytest

from recovery.validation import as_float_array, check_int, check_probability_open, check_real, check_rng


def test_as_float_array_accepts_and_copies():
    src = np.array([1, 2, 3])
    out = as_float_array(src, "x", shape=(None,))
    assert out.dtype == np.float64 and out.tolist() == [1.0, 2.0, 3.0]
    out[0] = 9
    assert src[0] == 1
    assert as_float_array([Fraction(1, 2)], "x").tolist() == [0.5]


@pytest.mark.parametrize(
    "value,kwargs,exc,match",
    [
        ("abc", {}, TypeError, "x must be a numeric array"),
        ([True, False], {}, TypeError, "dtype bool"),
        ([1j], {}, TypeError, "complex"),
        ([[1.0, 2.0]], {"ndim": 1}, ValueError, "x must have 1 dimension"),
        ([[1.0, 2.0]], {"shape": (2, None)}, ValueError, r"x must have shape \(2, \*\)"),
        ([1.0, np.nan], {}, ValueError, "finite"),
        ([1.0, np.inf], {}, ValueError, "finite"),
    ],
)
def test_as_float_array_rejects(value, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        as_float_array(value, "x", **kwargs)


def test_scalar_checks():
    assert check_int(np.int64(3), "n", min_value=1) == 3
    with pytest.raises(TypeError, match="n must be an integer"):
        check_int(3.0, "n")
    with pytest.raises(TypeError, match="n must be an integer"):
        check_int(True, "n")
    with pytest.raises(ValueError, match="n must be >= 1, got 0"):
        check_int(0, "n", min_value=1)
    with pytest.raises(ValueError, match="n must be <= 5"):
        check_int(6, "n", max_value=5)
    assert check_probability_open(Fraction(1, 3), "p") == pytest.approx(1 / 3)
    for bad in (0, 1, -0.5, 1.5):
        with pytest.raises(ValueError, match=r"p must lie in \(0.0, 1.0\)"):
            check_probability_open(bad, "p")
    with pytest.raises(ValueError, match="too large"):
        check_real(10**400, "alpha", low=0.0, low_open=True)
    with pytest.raises(ValueError, match=r"alpha must lie in \(0.0, inf\)"):
        check_real(0.0, "alpha", low=0.0, low_open=True)
    with pytest.raises(ValueError, match="finite"):
        check_real(float("nan"), "alpha")
    with pytest.raises(TypeError, match="alpha must be a real number"):
        check_real("1", "alpha")


def test_check_rng():
    g = np.random.default_rng(1)
    assert check_rng(g) is g
    assert check_rng(5).integers(1 << 30) == np.random.default_rng(5).integers(1 << 30)
    with pytest.raises(TypeError, match="seed must be"):
        check_rng(None, "seed")
    with pytest.raises(ValueError, match="seed must be >= 0"):
        check_rng(-1, "seed")
