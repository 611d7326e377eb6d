"""Argument validation shared by every public function.

Every check raises ``TypeError`` (wrong kind of object) or ``ValueError`` (right kind, bad
value) with a message that names the argument and states what was expected, so that the CLI
can turn it into a one-line error.
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Sequence

import numpy as np

__all__ = [
    "as_float_array",
    "check_int",
    "check_real",
    "check_probability_open",
    "check_rng",
]


def as_float_array(
    x: Any,
    name: str,
    *,
    shape: Sequence[int | None] | None = None,
    ndim: int | None = None,
) -> np.ndarray:
    """Return ``x`` as a finite float64 ndarray (a copy).

    ``shape`` entries that are ``None`` match any size. Booleans, strings and objects that do
    not convert to real numbers raise ``TypeError``; wrong ``ndim``/``shape`` and NaN/inf raise
    ``ValueError``.
    """
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a numeric array, got a string")
    arr = np.asarray(x)
    if arr.dtype == bool or arr.dtype.kind in "USO" and arr.dtype != object:
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if arr.dtype.kind == "c":
        raise TypeError(f"{name} must be real, got complex dtype {arr.dtype}")
    try:
        arr = np.array(arr, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array: {exc}") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {arr.shape}")
    if shape is not None:
        if arr.ndim != len(shape) or any(
            s is not None and s != a for s, a in zip(shape, arr.shape)
        ):
            want = "(" + ", ".join("*" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{name} must have shape {want}, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr


def check_int(
    x: Any, name: str, *, min_value: int | None = None, max_value: int | None = None
) -> int:
    """Return ``x`` as ``int``; bools and non-integral numbers raise ``TypeError``."""
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(x).__name__} {x!r}")
    x = int(x)
    if min_value is not None and x < min_value:
        raise ValueError(f"{name} must be >= {min_value}, got {x}")
    if max_value is not None and x > max_value:
        raise ValueError(f"{name} must be <= {max_value}, got {x}")
    return x


def check_real(
    x: Any,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``x`` as a finite ``float`` inside the stated (open or closed) bounds."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__} {x!r}")
    try:
        v = float(x)
    except OverflowError:
        raise ValueError(f"{name} must be finite, got a number too large for a float") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {x!r}")
    lo_bad = low is not None and (v <= low if low_open else v < low)
    hi_bad = high is not None and (v >= high if high_open else v > high)
    if lo_bad or hi_bad:
        lb = "(" if low_open or low is None else "["
        hb = ")" if high_open or high is None else "]"
        lo_s = "-inf" if low is None else repr(low)
        hi_s = "inf" if high is None else repr(high)
        raise ValueError(f"{name} must lie in {lb}{lo_s}, {hi_s}{hb}, got {x!r}")
    return v


def check_probability_open(p: Any, name: str) -> float:
    """Return ``p`` as a float in the open interval (0, 1)."""
    return check_real(p, name, low=0.0, high=1.0, low_open=True, high_open=True)


def check_rng(seed_or_rng: Any, name: str = "rng") -> np.random.Generator:
    """Return a ``numpy.random.Generator`` from an int seed or a Generator (no hidden global RNG)."""
    if isinstance(seed_or_rng, np.random.Generator):
        return seed_or_rng
    if isinstance(seed_or_rng, bool) or not isinstance(seed_or_rng, numbers.Integral):
        raise TypeError(
            f"{name} must be a numpy.random.Generator or an integer seed, got "
            f"{type(seed_or_rng).__name__}"
        )
    if int(seed_or_rng) < 0:
        raise ValueError(f"{name} seed must be >= 0, got {seed_or_rng}")
    return np.random.default_rng(int(seed_or_rng))
