"""Exact values shared by the problems: rationals, truth-value tuples, coordinates and JSON.

Every problem's ``check`` works in exact arithmetic, so numbers enter as
:class:`fractions.Fraction` (:func:`as_fraction`) and Boolean assignments as tuples of bools
(:func:`as_bool_tuple`); :func:`to_jsonable` writes solutions back as JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from numbers import Integral, Rational, Real
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["as_fraction", "as_points", "as_bool_tuple", "check_coordinate", "MAX_COORDINATE", "to_jsonable",
           "read_text"]


def as_fraction(x: Any, name: str = "value") -> Fraction:
    """Exact rational value of a number.

    Parameters
    ----------
    x : int, Fraction, float or str
        A float is read as its exact binary value; a string such as ``"3/4"`` or ``"0.1"`` exactly
        as written (decimal strings as decimals).
    name : str
        The argument name used in error messages.

    Returns
    -------
    Fraction
        The exact value.

    Raises
    ------
    TypeError
        For bool and non-numbers.
    ValueError
        For non-finite floats or unreadable strings.

    Examples
    --------
    >>> as_fraction("0.1"), as_fraction(0.5)
    (Fraction(1, 10), Fraction(1, 2))
    """
    if isinstance(x, bool):
        raise TypeError(f"{name}: expected a number, got bool")
    if isinstance(x, (Integral, Rational)):
        return Fraction(x)
    if isinstance(x, str):
        try:
            return Fraction(x)
        except (ValueError, ZeroDivisionError) as exc:
            raise ValueError(f"{name}: cannot read {x!r} as a rational number") from exc
    if isinstance(x, Real):
        xf = float(x)
        if xf != xf or xf in (float("inf"), float("-inf")):
            raise ValueError(f"{name}: expected a finite number, got {x!r}")
        return Fraction(xf)
    raise TypeError(f"{name}: expected a number, got {type(x).__name__}")


def as_points(rows: Iterable[Iterable[Any]], name: str = "points") -> tuple[tuple[Fraction, ...], ...]:
    """Exact points: every row a tuple of :func:`as_fraction` values.

    Parameters
    ----------
    rows : iterable of iterable
        The points, one row of coordinates each (shape (n_points, dim)).
    name : str
        The argument name used in error messages.

    Returns
    -------
    tuple of tuple of Fraction
        The points, exactly.

    Examples
    --------
    >>> as_points([[1, "1/2"]])
    ((Fraction(1, 1), Fraction(1, 2)),)
    """
    return tuple(tuple(as_fraction(c, f"{name}[{i}]") for c in row) for i, row in enumerate(rows))


#: largest ``abs(numerator)`` / denominator accepted for a point coordinate (separability, bm_program):
#: the deciders and the LSA export work in float64 with 1e-9 tolerances, so coordinates far
#: outside this range cannot be solved meaningfully (1e300 gave HiGHS "Model error" and
#: OverflowError tracebacks).
MAX_COORDINATE = 10**12


def check_coordinate(x: Fraction, name: str) -> Fraction:
    """Check that a point coordinate is within the accepted range.

    Parameters
    ----------
    x : Fraction
        The coordinate.
    name : str
        The argument name used in error messages.

    Returns
    -------
    Fraction
        ``x`` itself.

    Raises
    ------
    ValueError
        Unless ``abs(x) <= MAX_COORDINATE`` and its denominator ``<= MAX_COORDINATE``.
    """
    if abs(x) > MAX_COORDINATE or x.denominator > MAX_COORDINATE:
        text = str(x) if len(str(x)) <= 40 else str(x)[:37] + "..."
        raise ValueError(f"{name}: coordinate {text} out of range (|x| and its denominator must be <= 1e12)")
    return x


def as_bool_tuple(solution: Any, n: int, name: str = "solution") -> tuple[bool, ...]:
    """A length-``n`` sequence of truth values (bool, 0/1 ints or numpy bools) as a tuple of bools.

    Parameters
    ----------
    solution : sequence
        ``n`` entries, each a bool, a numpy bool or the integer 0 or 1.
    n : int
        The expected length.
    name : str
        The argument name used in error messages.

    Returns
    -------
    tuple of bool
        The truth values.

    Raises
    ------
    TypeError
        For a non-sequence or non-boolean entries.
    ValueError
        For a wrong length or an integer other than 0/1.

    Examples
    --------
    >>> as_bool_tuple([1, 0, True], 3)
    (True, False, True)
    """
    if isinstance(solution, (str, bytes, Mapping)) or not hasattr(solution, "__len__"):
        raise TypeError(f"{name}: expected a sequence of {n} booleans, got {type(solution).__name__}")
    values = list(solution)
    if len(values) != n:
        raise ValueError(f"{name}: expected {n} entries, got {len(values)}")
    out = []
    for i, v in enumerate(values):
        if isinstance(v, (bool, np.bool_)):
            out.append(bool(v))
        elif isinstance(v, Integral):
            if int(v) not in (0, 1):
                raise ValueError(f"{name}[{i}]: expected 0/1 or a bool, got {v!r}")
            out.append(bool(int(v)))
        else:
            raise TypeError(f"{name}[{i}]: expected a bool, got {type(v).__name__}")
    return tuple(out)


def to_jsonable(x: Any) -> Any:
    """A JSON-serialisable copy of a solution.

    Tuples and arrays become lists, Fractions an int or ``"p/q"``, numpy scalars Python numbers,
    dict keys strings, and an object with a ``to_json`` method (a problem instance) its JSON.

    Parameters
    ----------
    x : object
        The value to convert.

    Returns
    -------
    object
        A value made of None, bool, str, int, float, list and dict.

    Raises
    ------
    TypeError
        For a value of any other type.

    Examples
    --------
    >>> to_jsonable((Fraction(1, 2), np.int64(3), {1: True}))
    ['1/2', 3, {'1': True}]
    """
    if x is None or isinstance(x, (bool, str)):
        return x
    if callable(getattr(x, "to_json", None)):
        return x.to_json()
    if isinstance(x, Fraction):
        return int(x) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
    if isinstance(x, np.ndarray):
        return to_jsonable(x.tolist())
    if isinstance(x, np.generic):
        return to_jsonable(x.item())
    if isinstance(x, Integral):
        return int(x)
    if isinstance(x, Real):
        return float(x)
    if isinstance(x, Mapping):
        return {str(k): to_jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [to_jsonable(v) for v in x]
    raise TypeError(f"cannot convert {type(x).__name__} to JSON")


def read_text(path: Path) -> str:
    """The text of an instance file, with one ValueError naming the file when it is not UTF-8.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    str
        Its contents.

    Raises
    ------
    ValueError
        For a file that is not UTF-8 text.
    """
    try:
        return path.read_text()
    except UnicodeDecodeError as exc:
        raise ValueError(f"instance: {path}: not a UTF-8 text file ({exc.reason} at byte {exc.start})") from None
