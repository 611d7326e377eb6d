"""Integer matrices through python-flint: conversions, the exact GEMM and the integer form.

* :func:`exact_gemm` -- product of two integer matrices (numpy object arrays of Python ints or
  integer arrays) through ``flint.fmpz_mat`` (multimodular / BLAS-backed in FLINT), returned as a
  numpy object array of Python ints;
* :func:`integer_form` -- a rational matrix as ``(integer matrix, common denominator)``;
* :func:`to_fmpz_mat` / :func:`from_fmpz_mat` -- conversions between numpy and ``fmpz_mat``.
"""
from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Any

import numpy as np

#: the python-flint module (no type stubs: ``Any``), or None when it is not installed
flint: Any
_FLINT_ERROR: ImportError | None
try:  # python-flint is a hard dependency of the exact mode
    import flint as _flint_module
except ImportError as _exc:  # pragma: no cover - exercised only without python-flint
    flint = None
    _FLINT_ERROR = _exc
else:
    flint = _flint_module
    _FLINT_ERROR = None


__all__ = ["exact_gemm", "integer_form", "to_fmpz_mat", "from_fmpz_mat", "coprime_fraction", "fractions_over"]


def _require_flint() -> Any:
    if flint is None:  # pragma: no cover
        raise ImportError(
            "the exact mode needs python-flint (pip install 'python-flint>=0.6')"
        ) from _FLINT_ERROR
    return flint


def _as_int_matrix(A: Any, name: str) -> np.ndarray:
    """Validate a 2-D integer matrix (object array of ints or integer numpy array)."""
    arr = np.asarray(A)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D, got shape {arr.shape}")
    if arr.dtype == object:
        for v in arr.ravel().tolist():
            if type(v) is int:
                continue
            if isinstance(v, bool) or not isinstance(v, numbers.Integral):
                raise TypeError(f"{name} entries must be integers, got {type(v).__name__}")
    elif not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must be an integer matrix, got dtype {arr.dtype}")
    return arr


def to_fmpz_mat(A: Any, name: str = "A") -> Any:
    """A 2-D integer matrix as a ``flint.fmpz_mat``.

    Parameters
    ----------
    A : array_like
        Integer matrix: numpy object array of Python ints or a numpy integer array.
    name : str
        Argument name used in error messages.

    Returns
    -------
    flint.fmpz_mat
        The same matrix in FLINT.

    Raises
    ------
    ValueError
        If ``A`` is not 2-D.
    TypeError
        If an entry is not an integer.
    """
    arr = _as_int_matrix(A, name)
    return _fmpz(arr)


def _fmpz(arr: np.ndarray, *, trusted: bool = False) -> Any:
    """Unchecked: a 2-D array of integers (already validated) as a ``flint.fmpz_mat``.

    ``trusted``: the entries are known to be Python ints (arrays built by this package), so the
    scan that converts numpy integers is skipped.
    """
    fl = _require_flint()
    r, c = arr.shape
    flat = arr.ravel().tolist()
    if not trusted and arr.dtype == object and not all(type(v) is int for v in flat):
        flat = [int(v) for v in flat]
    return fl.fmpz_mat(r, c, flat)


def from_fmpz_mat(M: Any) -> np.ndarray:
    """A ``flint.fmpz_mat`` as a numpy object array of Python ints (same shape).

    Parameters
    ----------
    M : flint.fmpz_mat
        Integer matrix of shape ``(r, c)``.

    Returns
    -------
    numpy.ndarray, shape (r, c)
        Object array of Python ints.
    """
    r, c = M.nrows(), M.ncols()
    out = np.empty(r * c, dtype=object)
    out[:] = [int(v) for v in M.entries()]
    return out.reshape(r, c)


def exact_gemm(A: Any, B: Any, *, check: bool = True) -> np.ndarray:
    """Exact integer matrix product ``A @ B`` through ``flint.fmpz_mat``.

    Parameters
    ----------
    A : array_like, shape (r, k)
        Integer matrix (object array of Python ints or numpy integer array).
    B : array_like, shape (k, c)
        Integer matrix.
    check : bool
        Validate that every entry is an integer (``False``: trusted internal callers only).

    Returns
    -------
    numpy.ndarray
        Object array of Python ints, shape ``(r, c)``; identical to the numpy object-array
        product ``A.dot(B)``.

    Raises
    ------
    ValueError
        If the shapes do not match.
    TypeError
        If an entry is not an integer.
    """
    if check:
        a = _as_int_matrix(A, "A")
        b = _as_int_matrix(B, "B")
    else:
        a, b = np.asarray(A), np.asarray(B)
    if a.ndim != 2 or b.ndim != 2:
        raise ValueError(f"A and B must be 2-D, got shapes {a.shape} and {b.shape}")
    if a.shape[1] != b.shape[0]:
        raise ValueError(f"A has {a.shape[1]} columns but B has {b.shape[0]} rows")
    if 0 in a.shape or 0 in b.shape:
        return np.zeros((a.shape[0], b.shape[1]), dtype=object) * 0
    return from_fmpz_mat(_fmpz(a, trusted=not check) * _fmpz(b, trusted=not check))


def integer_form(A: Any, name: str = "A") -> tuple[np.ndarray, int]:
    """A rational array as ``(integers, L)`` with ``A = integers / L`` and ``L >= 1`` minimal.

    Parameters
    ----------
    A : array_like
        Array of ``fractions.Fraction`` / ``int`` (object dtype).
    name : str
        Argument name used in error messages.

    Returns
    -------
    integers : numpy.ndarray
        Object array of Python ints of the same shape.
    L : int
        The least common denominator.

    Raises
    ------
    TypeError
        If an entry is not a Fraction or an int.

    Examples
    --------
    >>> from fractions import Fraction
    >>> ints, L = integer_form([Fraction(1, 2), Fraction(1, 3), 1])
    >>> ints.tolist(), L
    ([3, 2, 6], 6)
    """
    arr = np.asarray(A, dtype=object)
    flat = arr.ravel().tolist()
    if set(map(type, flat)) <= {Fraction, int}:  # the common case: one C-level pass per step
        # Fraction's private CPython slots (typeshed does not declare them): no property call per entry
        dens = {v._denominator for v in flat if type(v) is Fraction}  # type: ignore[attr-defined]
    else:
        dens = set()
        for v in flat:
            if isinstance(v, bool) or not isinstance(v, (Fraction, numbers.Integral)):
                raise TypeError(f"{name} entries must be Fractions or ints, got {type(v).__name__}")
            dens.add(Fraction(v).denominator)
    L = math.lcm(*dens) if dens else 1
    out = np.empty(len(flat), dtype=object)
    out[:] = [v._numerator * (L // v._denominator)  # type: ignore[attr-defined]  # private slots, as above
              if type(v) is Fraction else int(Fraction(v) * L) for v in flat]
    return out.reshape(arr.shape), L


def coprime_fraction(p: int, q: int) -> Fraction:
    """``Fraction(p, q)`` for ``q > 0`` and ``gcd(p, q) = 1`` already known (e.g. from an ``fmpq``).

    Skips the gcd of the Fraction constructor, which dominates for numerators and denominators of
    thousands of digits.

    Parameters
    ----------
    p : int
        Numerator.
    q : int
        Denominator, ``q > 0`` and coprime to ``p`` (not checked).

    Returns
    -------
    Fraction
        ``p/q``.
    """
    f = Fraction.__new__(Fraction)
    # the two slots of Fraction (CPython; typeshed does not declare them); the arguments are coprime
    f._numerator, f._denominator = p, q  # type: ignore[attr-defined]
    return f


def fractions_over(nums: Any, den: int) -> np.ndarray:
    """Object array of ``Fraction(v, den)`` for the integers ``v`` of ``nums`` (``den > 0``), same shape.

    Each entry is reduced by one gcd and built without the general Fraction constructor.

    Parameters
    ----------
    nums : array_like
        Integers (Python ints).
    den : int
        Common denominator, ``den > 0``.

    Returns
    -------
    numpy.ndarray
        Object array of Fractions, shape of ``nums``.
    """
    arr = np.asarray(nums, dtype=object)
    gcd = math.gcd
    out = np.empty(arr.size, dtype=object)
    vals = []
    for v in arr.ravel().tolist():
        g = gcd(v, den)
        vals.append(coprime_fraction(v // g, den // g))
    out[:] = vals
    return out.reshape(arr.shape)
