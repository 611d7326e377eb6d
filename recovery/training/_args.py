"""Argument checks shared by the training modules.

Integer and seed checks are :func:`recovery.validation.check_int` and :func:`recovery.validation.check_rng`;
these two add the messages the training parameters use for real numbers.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["check_fraction", "check_positive"]


def check_positive(x: Any, name: str) -> float:
    """Return ``x`` as a finite positive float.

    Parameters
    ----------
    x : real number
        The value to check (Python or numpy int/float; bools are refused).
    name : str
        Argument name used in the error messages.

    Returns
    -------
    float
        ``x`` as a float, ``0 < x < inf``.

    Raises
    ------
    TypeError
        If ``x`` is a bool or not a real number.
    ValueError
        If ``x`` is not finite or ``x <= 0``.
    """
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}")
    x = float(x)
    if not math.isfinite(x) or x <= 0:
        raise ValueError(f"{name} must be a finite positive number, got {x}")
    return x


def check_fraction(x: Any, name: str) -> float:
    """Return ``x`` as a float in ``[0, 1)``.

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
