"""Numbers and sparse triplets of bilinear programs: validation, JSON form and reading.

Data values (triplet values, rhs, bounds, constants) are ``int``, ``float`` or
``fractions.Fraction``, stored as given (numpy scalars become ``int``/``float``) and always within
float64 range, since every solver and the float verifier work in float64.  JSON writes Fractions
as ``"p/q"`` strings; the reader accepts numbers or ``"p/q"`` / ``"p"`` strings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = ["Number", "Triplet", "MAX_D", "short_repr", "float_range", "as_number", "as_index", "as_dimension",
           "json_number", "read_number", "as_triplets"]

Number = int | float | Fraction
Triplet = tuple[int, int, Number]


#: largest ``d`` accepted: b and A have ``(d+1)^2`` entries, and every tool (verifier, solvers,
#: exports) indexes them with int64 (``(10^9 + 1)^2 < 2^63``).  The memory budgets
#: (``recovery.programs.solvers.estimate_bytes``) refuse far smaller programs with a size estimate; this
#: bound keeps absurd values such as ``"d": 1e200`` from reaching them (an estimate that does not
#: fit a float).
MAX_D = 10**9


def short_repr(x: Any) -> str:
    """``repr`` of a number for an error message, abbreviated when it has hundreds of digits.

    Parameters
    ----------
    x : object
        Any value, usually an int, float or Fraction.

    Returns
    -------
    str
        ``repr(x)``; for an int or Fraction with 40 or more digits a phrase giving the approximate
        number of digits; other texts longer than 40 characters cut to 37 plus ``"..."``.

    Examples
    --------
    >>> short_repr(10**400)
    'an integer of about 401 digits'
    """
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) >= 10**40:
        return f"an integer of about {int(abs(x).bit_length() * 0.30103) + 1} digits"
    if isinstance(x, Fraction) and max(abs(x.numerator), x.denominator) >= 10**40:
        top = max(abs(x.numerator), x.denominator).bit_length()
        return f"a fraction with about {int(top * 0.30103) + 1} digits"
    text = repr(x)
    if len(text) <= 40:
        return text
    return text[:37] + "..."


def float_range(x: Number, name: str) -> Number:
    """Check that ``float(x)`` is finite.

    Every solver and the float verifier work in float64, so an int or Fraction beyond about
    1.8e308 cannot be used (it raised OverflowError deep inside the solvers, e.g.
    ``"rhs": 10**400`` through SCIP).

    Parameters
    ----------
    x : int, float or Fraction
        The value.
    name : str
        The value's name for the error message.

    Returns
    -------
    int, float or Fraction
        ``x`` unchanged.

    Raises
    ------
    ValueError
        Unless ``float(x)`` is finite.
    """
    try:
        v = float(x)
    except OverflowError:
        v = math.inf
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number within float range (|x| <= 1.8e308), got {short_repr(x)}")
    return x


def as_number(x: Any, name: str) -> Number:
    """Validate a finite int/float/Fraction and return it as stored.

    Numpy scalars are converted to ``int``/``float``; ints and Fractions must lie within float
    range.

    Parameters
    ----------
    x : object
        The value.
    name : str
        The value's name for the error messages.

    Returns
    -------
    int, float or Fraction
        ``x`` (a numpy integer as ``int``, a float or numpy floating as ``float``).

    Raises
    ------
    TypeError
        For a bool or a value that is not an int, float or Fraction.
    ValueError
        For a non-finite float or a value outside float range.

    Examples
    --------
    >>> from fractions import Fraction
    >>> as_number(Fraction(1, 3), "rhs")
    Fraction(1, 3)
    """
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be an int, float or Fraction, got bool {x!r}")
    if isinstance(x, Fraction):
        return float_range(x, name)
    if isinstance(x, (int, np.integer)):
        return float_range(int(x), name)
    if isinstance(x, (float, np.floating)):
        v = float(x)
        if not math.isfinite(v):
            raise ValueError(f"{name} must be finite, got {v!r}")
        return v
    raise TypeError(f"{name} must be an int, float or Fraction, got {type(x).__name__} {x!r}")


def as_index(x: Any, name: str, size: int | None = None) -> int:
    """Validate a 0-based index.

    Parameters
    ----------
    x : object
        The index (an int or numpy integer, not a bool).
    name : str
        The index's name for the error messages.
    size : int or None, optional
        Exclusive upper bound, or None for none.

    Returns
    -------
    int
        ``int(x)``.

    Raises
    ------
    TypeError
        When ``x`` is not an int.
    ValueError
        When ``x < 0`` or ``x >= size``.
    """
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(x).__name__} {x!r}")
    x = int(x)
    if x < 0 or (size is not None and x >= size):
        hi = "" if size is None else f" and < {size}"
        raise ValueError(f"{name} must be >= 0{hi}, got {x}")
    return x


def as_dimension(x: Any) -> int:
    """``d`` as an int >= 1 (one message for every negative or zero d).

    Parameters
    ----------
    x : object
        The dimension (an int or numpy integer, not a bool).

    Returns
    -------
    int
        ``int(x)``, in ``1..MAX_D``.

    Raises
    ------
    TypeError
        When ``x`` is not an int.
    ValueError
        When ``x < 1`` or ``x > MAX_D``.
    """
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
        raise TypeError(f"d must be an int, got {type(x).__name__} {x!r}")
    if int(x) < 1:
        raise ValueError(f"d must be >= 1, got {short_repr(int(x))}")
    if int(x) > MAX_D:
        raise ValueError(f"d must be <= {MAX_D} (b and A have (d+1)^2 entries), got {short_repr(int(x))}")
    return int(x)


def json_number(x: Number) -> int | float | str:
    """The JSON form of a number: a Fraction as a ``"p/q"`` string, others unchanged.

    Parameters
    ----------
    x : int, float or Fraction
        A stored data value.

    Returns
    -------
    int, float or str
        ``x``, or ``"p/q"`` for a Fraction.

    Examples
    --------
    >>> from fractions import Fraction
    >>> json_number(Fraction(-2, 3)), json_number(1.5)
    ('-2/3', 1.5)
    """
    if isinstance(x, Fraction):
        return f"{x.numerator}/{x.denominator}"
    return x


def read_number(x: Any, name: str) -> Number:
    """Read a number from JSON: a number, or a ``"p/q"`` / ``"p"`` string (read as a Fraction).

    Parameters
    ----------
    x : object
        The JSON value.
    name : str
        The value's name for the error messages.

    Returns
    -------
    int, float or Fraction
        The validated number (:func:`as_number`, :func:`float_range`).

    Raises
    ------
    ValueError
        For a malformed string, a zero denominator, too many digits, or a value outside float
        range.
    TypeError
        For a value that is neither a number nor a string.

    Examples
    --------
    >>> read_number("3/6", "rhs")
    Fraction(1, 2)
    """
    if isinstance(x, str):
        s = x.strip()
        if not re.fullmatch(r"[+-]?\d+(/\d+)?", s):
            raise ValueError(f"{name}: string numbers must look like 'p/q' or 'p', got {short_repr(x)}")
        try:
            value = Fraction(s)
        except ZeroDivisionError:
            raise ValueError(f"{name}: zero denominator in {short_repr(x)}") from None
        except ValueError as exc:  # Python's limit of 4300 digits for int(str)
            raise ValueError(f"{name}: string number {short_repr(x)} has too many digits ({exc})") from None
        return float_range(value, name)
    return as_number(x, name)


def as_triplets(D: Any, name: str) -> tuple[Triplet, ...]:
    """Validate sparse ``(row, col, value)`` triplets.

    Parameters
    ----------
    D : iterable
        The triplets; ``row`` and ``col`` indices >= 0 (range checks against d happen in the
        program), ``value`` a finite number (:func:`as_number`).
    name : str
        The matrix's name for the error messages.

    Returns
    -------
    tuple of Triplet
        The validated triplets, in the given order.

    Raises
    ------
    TypeError
        When ``D`` is a string or not iterable, or an entry has the wrong type.
    ValueError
        When an entry is not a triplet, has a negative index or a non-finite value, or an entry
        ``(row, col)`` appears twice.
    """
    if isinstance(D, (str, bytes)) or not isinstance(D, Iterable):
        raise TypeError(f"{name} must be a sequence of (row, col, value) triplets")
    out = []
    seen: set[tuple[int, int]] = set()
    for t, trip in enumerate(D):
        if isinstance(trip, (str, bytes)) or not isinstance(trip, Sequence) or len(trip) != 3:
            raise ValueError(f"{name}[{t}] must be a (row, col, value) triplet, got {trip!r}")
        r = as_index(trip[0], f"{name}[{t}] row")
        c = as_index(trip[1], f"{name}[{t}] col")
        v = as_number(trip[2], f"{name}[{t}] value")
        if (r, c) in seen:
            raise ValueError(f"{name}: duplicate triplet for entry (row={r}, col={c})")
        seen.add((r, c))
        out.append((r, c, v))
    return tuple(out)
