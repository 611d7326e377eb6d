"""Argument checks shared by the training modules (kept local so that their messages name the parameters of
:func:`recovery.training.loop.train` exactly)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["check_count", "check_fraction", "check_positive", "make_rng"]


def check_count(x: Any, name: str, min_value: int | None = None) -> int:
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(x).__name__}")
    x = int(x)
    if min_value is not None and x < min_value:
        raise ValueError(f"{name} must be >= {min_value}, got {x}")
    return x


def check_positive(x: Any, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}")
    x = float(x)
    if not math.isfinite(x) or x <= 0:
        raise ValueError(f"{name} must be a finite positive number, got {x}")
    return x


def check_fraction(x: Any, name: str) -> float:
    """``x`` as a float in ``[0, 1)``.

    Parameters
    ----------
    x : real number
        The value to check.
    name : str
        Argument name used in the error message.

    Returns
    -------
    float
        ``x`` as a float.

    Raises
    ------
    TypeError
        If ``x`` is not a real number (bools are refused).
    ValueError
        If ``x`` is not finite or outside ``[0, 1)``.
    """
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}")
    x = float(x)
    if not math.isfinite(x) or not 0.0 <= x < 1.0:
        raise ValueError(f"{name} must lie in [0, 1), got {x}")
    return x


def make_rng(seed: Any) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int or numpy.random.Generator, got {type(seed).__name__}")
    return np.random.default_rng(int(seed))
