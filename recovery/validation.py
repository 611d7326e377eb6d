"""Argument validation shared by every public function.

Every check raises ``TypeError`` (wrong kind of object) or ``ValueError`` (right kind, bad
value) with a message that names the argument and states what was expected, so that the CLI
can turn it into a one-line error.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

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

    The array is always copied, so the caller may modify the result freely.

    Parameters
    ----------
    x : array_like
        Real numbers (a scalar, a nested sequence or an array).
    name : str
        Argument name used in the error messages.
    shape : sequence of int or None, optional
        Required shape; entries that are ``None`` match any size.
    ndim : int, optional
        Required number of dimensions.

    Returns
    -------
    numpy.ndarray
        A float64 copy of ``x``.

    Raises
    ------
    TypeError
        If ``x`` is a string, has a boolean, string or complex dtype, or holds objects that do not
        convert to real numbers.
    ValueError
        If ``ndim`` or ``shape`` does not match, or ``x`` contains NaN or inf.

    Examples
    --------
    >>> as_float_array([[1, 2], [3, 4]], "M", shape=(None, 2))
    array([[1., 2.],
           [3., 4.]])
    >>> as_float_array([1.0, float("nan")], "v")
    Traceback (most recent call last):
    ...
    ValueError: v must be finite (no NaN or inf)
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
    """Return ``x`` as ``int`` after checking its type and bounds.

    Any ``numbers.Integral`` (Python or numpy integers) is accepted; bools and non-integral numbers
    (``2.0`` included) are refused.

    Parameters
    ----------
    x : int
        The value to check.
    name : str
        Argument name used in the error messages.
    min_value : int, optional
        Smallest allowed value (inclusive); ``None`` for no lower bound.
    max_value : int, optional
        Largest allowed value (inclusive); ``None`` for no upper bound.

    Returns
    -------
    int
        ``x`` as a Python ``int``.

    Raises
    ------
    TypeError
        If ``x`` is a bool or not an integer.
    ValueError
        If ``x < min_value`` or ``x > max_value``.

    Examples
    --------
    >>> check_int(3, "n", min_value=1)
    3
    >>> check_int(0, "n", min_value=1)
    Traceback (most recent call last):
    ...
    ValueError: n must be >= 1, got 0
    >>> check_int(True, "n")
    Traceback (most recent call last):
    ...
    TypeError: n must be an integer, got bool True
    """
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
    """Return ``x`` as a finite ``float`` inside the stated (open or closed) bounds.

    The bounds define the interval ``[low, high]``, with either end open when ``low_open`` or
    ``high_open`` is set; a bound that is ``None`` is absent.

    Parameters
    ----------
    x : real number
        The value to check (any ``numbers.Real`` except bool).
    name : str
        Argument name used in the error messages.
    low : float, optional
        Lower bound; ``None`` for none.
    high : float, optional
        Upper bound; ``None`` for none.
    low_open : bool, optional
        Exclude ``low`` itself (default: included).
    high_open : bool, optional
        Exclude ``high`` itself (default: included).

    Returns
    -------
    float
        ``x`` as a float.

    Raises
    ------
    TypeError
        If ``x`` is a bool or not a real number.
    ValueError
        If ``x`` is NaN, infinite, too large for a float, or outside the bounds.

    Examples
    --------
    >>> check_real(0.5, "p", low=0.0, high=1.0, low_open=True, high_open=True)
    0.5
    >>> check_real(1.0, "p", low=0.0, high=1.0, high_open=True)
    Traceback (most recent call last):
    ...
    ValueError: p must lie in [0.0, 1.0), got 1.0
    """
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
    """Return ``p`` as a float in the open interval (0, 1).

    Shorthand for :func:`check_real` with both bounds open.

    Parameters
    ----------
    p : real number
        The probability to check.
    name : str
        Argument name used in the error messages.

    Returns
    -------
    float
        ``p`` as a float, ``0 < p < 1``.

    Raises
    ------
    TypeError
        If ``p`` is a bool or not a real number.
    ValueError
        If ``p`` is not finite or not strictly between 0 and 1.

    Examples
    --------
    >>> check_probability_open(0.3, "p")
    0.3
    >>> check_probability_open(1, "p")
    Traceback (most recent call last):
    ...
    ValueError: p must lie in (0.0, 1.0), got 1
    """
    return check_real(p, name, low=0.0, high=1.0, low_open=True, high_open=True)


def check_rng(seed_or_rng: Any, name: str = "rng") -> np.random.Generator:
    """Return a ``numpy.random.Generator`` from an int seed or a Generator (no hidden global RNG).

    A Generator is returned as is (the caller's stream continues); an integer seed gives
    ``numpy.random.default_rng(seed)``.

    Parameters
    ----------
    seed_or_rng : int or numpy.random.Generator
        A non-negative integer seed or a Generator.
    name : str, optional
        Argument name used in the error messages (default ``"rng"``).

    Returns
    -------
    numpy.random.Generator
        The generator to draw from.

    Raises
    ------
    TypeError
        If ``seed_or_rng`` is a bool or neither an integer nor a Generator.
    ValueError
        If the seed is negative.

    Examples
    --------
    >>> import numpy as np
    >>> g = np.random.default_rng(0)
    >>> check_rng(g) is g
    True
    >>> float(check_rng(0).random()) == float(np.random.default_rng(0).random())
    True
    >>> check_rng(-1)
    Traceback (most recent call last):
    ...
    ValueError: rng seed must be >= 0, got -1
    """
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
