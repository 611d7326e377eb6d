"""Argument checks shared by the training modules.

They are kept local so that their messages name the parameters of :func:`recovery.training.loop.train` exactly.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["check_count", "check_fraction", "check_positive", "make_rng"]


def check_count(x: Any, name: str, min_value: int | None = None) -> int:
    """Return ``x`` as an ``int`` count.

    Parameters
    ----------
    x : int
        The value to check (Python or numpy integer; bools are refused).
    name : str
        Argument name used in the error messages.
    min_value : int, optional
        Smallest allowed value (inclusive); ``None`` for no bound.

    Returns
    -------
    int
        ``x`` as a Python ``int``.

    Raises
    ------
    TypeError
        If ``x`` is a bool or not an integer.
    ValueError
        If ``x < min_value``.
    """
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(x).__name__}")
    x = int(x)
    if min_value is not None and x < min_value:
        raise ValueError(f"{name} must be >= {min_value}, got {x}")
    return x


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


def make_rng(seed: Any) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` from a seed or a Generator.

    Parameters
    ----------
    seed : int or numpy.random.Generator
        An integer seed (``numpy.random.default_rng(seed)``) or a Generator, returned as is.

    Returns
    -------
    numpy.random.Generator
        The generator to draw from.

    Raises
    ------
    TypeError
        If ``seed`` is a bool or neither an integer nor a Generator.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int or numpy.random.Generator, got {type(seed).__name__}")
    return np.random.default_rng(int(seed))
