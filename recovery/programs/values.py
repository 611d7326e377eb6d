"""Numbers and sparse triplets of bilinear programs: validation, JSON form and reading.

Data values (triplet values, rhs, bounds, constants) are ``int``, ``float`` or
``fractions.Fraction``, stored as given (numpy scalars become ``int``/``float``) and always within
float64 range, since every solver and the float verifier work in float64.  JSON writes Fractions
as ``"p/q"`` strings; the reader accepts numbers or ``"p/q"`` / ``"p"`` strings.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Any, Iterable, Sequence, Union

import numpy as np

__all__ = ["Number", "Triplet", "MAX_D", "short_repr", "float_range", "as_number", "as_index", "as_dimension",
           "json_number", "read_number", "as_triplets"]

Number = Union[int, float, Fraction]
Triplet = tuple[int, int, Number]


#: largest ``d`` accepted: b and A have ``(d+1)^2`` entries, and every tool (verifier, solvers,
#: exports) indexes them with int64 (``(10^9 + 1)^2 < 2^63``).  The memory budgets
#: (``recovery.programs.solvers.estimate_bytes``) refuse far smaller programs with a size estimate; this
#: bound keeps absurd values such as ``"d": 1e200`` from reaching them (an estimate that does not
#: fit a float).
MAX_D = 10**9


def short_repr(x: Any) -> str:
    """``repr`` of a number for an error message, abbreviated when it has hundreds of digits."""
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
    """ValueError unless ``float(x)`` is finite: every solver and the float verifier work in float64,
    so an int or Fraction beyond about 1.8e308 cannot be used (it raised OverflowError deep inside
    the solvers, e.g. ``"rhs": 10**400`` through SCIP)."""
    try:
        v = float(x)
    except OverflowError:
        v = math.inf
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number within float range (|x| <= 1.8e308), got {short_repr(x)}")
    return x


def as_number(x: Any, name: str) -> Number:
    """Validate a finite int/float/Fraction (numpy scalars converted; ints and Fractions must lie
    within float range); return it as stored."""
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
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(x).__name__} {x!r}")
    x = int(x)
    if x < 0 or (size is not None and x >= size):
        hi = "" if size is None else f" and < {size}"
        raise ValueError(f"{name} must be >= 0{hi}, got {x}")
    return x


def as_dimension(x: Any) -> int:
    """``d`` as an int >= 1 (one message for every negative or zero d)."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
        raise TypeError(f"d must be an int, got {type(x).__name__} {x!r}")
    if int(x) < 1:
        raise ValueError(f"d must be >= 1, got {short_repr(int(x))}")
    if int(x) > MAX_D:
        raise ValueError(f"d must be <= {MAX_D} (b and A have (d+1)^2 entries), got {short_repr(int(x))}")
    return int(x)


def json_number(x: Number) -> int | float | str:
    if isinstance(x, Fraction):
        return f"{x.numerator}/{x.denominator}"
    return x


def read_number(x: Any, name: str) -> Number:
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
