"""Variable names of bilinear programs (``"b[i]"``, ``"A[k,j]"``, 0-based) and their bounds.

The canonical order is ``b[0..d]`` then ``A`` column by column (``A[0,0], A[1,0], ..., A[d,0],
A[0,1], ...``), the Fortran order used by ``recovery.lsa.reparam.phi_matrix_in_A``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from recovery.programs.values import Number, as_number

__all__ = ["parse_variable_name", "variable_name", "normalise_bounds", "order_key", "all_names"]

_B_RE = re.compile(r"^\s*b\s*\[\s*(\d+)\s*\]\s*$")
_A_RE = re.compile(r"^\s*A\s*\[\s*(\d+)\s*,\s*(\d+)\s*\]\s*$")


def parse_variable_name(name: str, d: int | None = None) -> tuple[str, int, int | None]:
    """Parse a variable name: ``"b[i]" -> ("b", i, None)``, ``"A[k,j]" -> ("A", k, j)``.

    Parameters
    ----------
    name : str
        The name (0-based indices; spaces allowed around brackets and indices).
    d : int or None, optional
        The program's dimension: when given, ``0 <= i <= d``, ``0 <= k <= d`` and
        ``0 <= j <= d - 1`` are checked.

    Returns
    -------
    tuple of (str, int, int or None)
        ``("b", i, None)`` or ``("A", k, j)``.

    Raises
    ------
    TypeError
        When ``name`` is not a str.
    ValueError
        For a malformed name or an index out of range.

    Examples
    --------
    >>> parse_variable_name("A[1, 0]", d=2)
    ('A', 1, 0)
    """
    if not isinstance(name, str):
        raise TypeError(f"variable name must be a str like 'b[0]' or 'A[1,0]', got {name!r}")
    mb = _B_RE.match(name)
    if mb:
        i = int(mb.group(1))
        if d is not None and i > d:
            raise ValueError(f"variable {name!r}: index {i} out of range 0..{d} for b (d={d})")
        return ("b", i, None)
    ma = _A_RE.match(name)
    if ma:
        k, j = int(ma.group(1)), int(ma.group(2))
        if d is not None and (k > d or j >= d):
            raise ValueError(
                f"variable {name!r}: index out of range, need A[k,j] with 0<=k<={d}, 0<=j<={d - 1}"
            )
        return ("A", k, j)
    raise ValueError(f"bad variable name {name!r}: expected 'b[i]' or 'A[k,j]' (0-based)")


def variable_name(kind: str, i: int, j: int | None = None) -> str:
    """Canonical name of a variable.

    Parameters
    ----------
    kind : str
        ``"b"`` or ``"A"``.
    i : int
        Index in b, or row of A.
    j : int or None, optional
        Column of A (``kind == "A"``).

    Returns
    -------
    str
        ``"b[i]"`` or ``"A[i,j]"``.

    Examples
    --------
    >>> variable_name("b", 2), variable_name("A", 1, 0)
    ('b[2]', 'A[1,0]')
    """
    return f"b[{i}]" if kind == "b" else f"A[{i},{j}]"


def normalise_bounds(bounds: Any, d: int) -> dict[str, tuple[Number | None, Number | None]]:
    """Validate variable bounds and put them in canonical form.

    Names are canonicalised (:func:`variable_name`), infinite float bounds become None, free
    variables are dropped, and the entries are sorted in the canonical variable order
    (:func:`order_key`), so that equality and JSON output do not depend on insertion order.

    Parameters
    ----------
    bounds : Mapping[str, tuple]
        ``{name: (lo, hi)}``, ``lo``/``hi`` a number or None (unbounded).
    d : int
        The program's dimension (index range checks).

    Returns
    -------
    dict of str to tuple
        ``{canonical name: (lo, hi)}`` without free variables.

    Raises
    ------
    TypeError
        When ``bounds`` is not a mapping, or a bound has the wrong type.
    ValueError
        For a bad name, a variable given twice, a value that is not a pair, or ``lo > hi``.

    Examples
    --------
    >>> normalise_bounds({"A[0,0]": (0, 1), "b[1]": (None, float("inf")), " b[0] ": (-1, None)}, 1)
    {'b[0]': (-1, None), 'A[0,0]': (0, 1)}
    """
    if not isinstance(bounds, Mapping):
        raise TypeError(f"bounds must be a mapping name -> (lo, hi), got {type(bounds).__name__}")
    out: dict[str, tuple[Number | None, Number | None]] = {}
    for key, val in bounds.items():
        kind, i, j = parse_variable_name(key, d)
        canon = variable_name(kind, i, j)
        if canon in out:
            raise ValueError(f"bounds: variable {canon} given twice (as {key!r})")
        if isinstance(val, (str, bytes)) or not isinstance(val, Sequence) or len(val) != 2:
            raise ValueError(f"bounds[{key!r}] must be a pair (lo, hi), got {val!r}")
        lo, hi = val
        if lo is not None:
            if isinstance(lo, (float, np.floating)) and float(lo) == -math.inf:
                lo = None
            else:
                lo = as_number(lo, f"bounds[{key!r}] lo")
        if hi is not None:
            if isinstance(hi, (float, np.floating)) and float(hi) == math.inf:
                hi = None
            else:
                hi = as_number(hi, f"bounds[{key!r}] hi")
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"bounds[{key!r}]: lo={lo} > hi={hi} (empty interval)")
        if lo is None and hi is None:
            continue  # free: same as missing, so drop for a canonical representation
        out[canon] = (lo, hi)
    # canonical order (that of variable_names) so that equality and JSON output do not depend on
    # insertion order; computed from the indices, never from the (d+1)^2 names
    return dict(sorted(out.items(), key=lambda kv: order_key(kv[0])))


def order_key(name: str) -> tuple[int, int, int]:
    """Sort key of a variable name in the canonical order (b first, then A column by column).

    Parameters
    ----------
    name : str
        A variable name.

    Returns
    -------
    tuple of int
        ``(0, i, 0)`` for ``b[i]``, ``(1, j, k)`` for ``A[k,j]``.
    """
    kind, i, j = parse_variable_name(name)
    return (0, i, 0) if kind == "b" else (1, j if j is not None else 0, i)


def all_names(d: int) -> list[str]:
    """Every variable name of a program of dimension ``d``, in canonical order.

    Parameters
    ----------
    d : int
        The dimension.

    Returns
    -------
    list of str
        The ``(d+1) + (d+1)d`` names ``b[0..d]``, then A column by column.

    Examples
    --------
    >>> all_names(1)
    ['b[0]', 'b[1]', 'A[0,0]', 'A[1,0]']
    """
    names = [f"b[{i}]" for i in range(d + 1)]
    names += [f"A[{k},{j}]" for j in range(d) for k in range(d + 1)]
    return names
