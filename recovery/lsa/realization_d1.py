"""Realisability of ``X`` by one LSA layer for ``d = 1`` (MATH.md section 4; paper Thm 3.3).

For ``d = 1`` a vector ``X in R^3`` (order ``(G_xx, G_xy, G_yy)`` = pairs (0,0), (0,1), (1,1)) is
in the image of ``phi`` iff ``X_2^2 >= 4 X_1 X_3``: :func:`realizable_d1` tests it (exactly for
rational ``X``) and :func:`realize_d1` returns an explicit ``(b, A)``. Both are importable from
:mod:`recovery.lsa.optimum`.
"""
from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Any

import numpy as np

from recovery.lsa.reparam import phi
from recovery.validation import as_float_array, check_real

__all__ = ["realizable_d1", "realize_d1"]


def _as_X3(X: Any) -> tuple[Any, Any, Any, bool]:
    """Return (X1, X2, X3, exact) from a length-3 vector (Fractions/ints stay exact)."""
    if isinstance(X, np.ndarray) and X.dtype == object or isinstance(X, (list, tuple)):
        items = list(np.asarray(X, dtype=object).ravel()) if not isinstance(X, (list, tuple)) else list(X)
        if len(items) != 3 or np.asarray(X, dtype=object).ndim != 1:
            raise ValueError(f"X must have shape (3,) for d = 1, got {np.asarray(X, dtype=object).shape}")
        if all(isinstance(v, (Fraction, numbers.Integral)) and not isinstance(v, bool) for v in items):
            a, b, c = (Fraction(v) for v in items)
            return a, b, c, True
    Xf = as_float_array(X, "X", shape=(3,))
    return float(Xf[0]), float(Xf[1]), float(Xf[2]), False


def realizable_d1(X: Any, tol: float = 1e-12) -> bool:
    """``X in phi(R^2 x R^{2x1})`` for ``d = 1`` iff ``X_2^2 >= 4 X_1 X_3`` (order G_xx, G_xy, G_yy).

    Exact (``tol`` ignored) for Fraction/int entries; for floats the discriminant may be negative
    by at most ``tol * max(X_2^2, 4 abs(X_1 X_3), 1e-300)``.

    Parameters
    ----------
    X : array_like, shape (3,)
        ``X = (X_1, X_2, X_3)`` in the order ``(G_xx, G_xy, G_yy)``; Fraction/int entries are exact.
    tol : float
        Relative tolerance of the float test, ``>= 0``.

    Returns
    -------
    bool
        Whether ``X`` is in the image of phi.

    Raises
    ------
    ValueError
        If ``X`` does not have shape ``(3,)`` or ``tol`` is negative.

    Examples
    --------
    >>> from fractions import Fraction
    >>> realizable_d1([Fraction(1), Fraction(2), Fraction(1)]), realizable_d1([1.0, 0.0, 1.0])
    (True, False)
    """
    X1, X2, X3, exact = _as_X3(X)
    disc = X2 * X2 - 4 * X1 * X3
    if exact:
        return disc >= 0
    tol = check_real(tol, "tol", low=0.0)
    scale = max(X2 * X2, 4 * abs(X1 * X3), 1e-300)
    return bool(disc >= -tol * scale)


def _exact_sqrt(q: Fraction) -> Fraction | None:
    if q < 0:
        return None
    a, b = math.isqrt(q.numerator), math.isqrt(q.denominator)
    if a * a == q.numerator and b * b == q.denominator:
        return Fraction(a, b)
    return None


def realize_d1(X: Any, tol: float = 1e-12) -> tuple[np.ndarray, np.ndarray]:
    """Explicit ``(b, A)`` with ``phi(b, A) = X`` for ``d = 1`` (MATH.md section 4).

    ``b = (1, beta)`` with ``beta`` a real root of ``X_1 beta^2 - X_2 beta + X_3 = 0`` and
    ``A = (X_1, X_2 - beta X_1)^T``; if ``X_1 = X_2 = 0`` then ``b = (0, 1)``, ``A = (0, X_3)^T``.
    Returns float arrays ``b`` (2,), ``A`` (2, 1), or Fraction object arrays when ``X`` is exact
    and the root is rational.

    Parameters
    ----------
    X : array_like, shape (3,)
        ``X = (X_1, X_2, X_3)`` in the order ``(G_xx, G_xy, G_yy)``; Fraction/int entries are exact.
    tol : float
        Relative tolerance of the realisability test (:func:`realizable_d1`).

    Returns
    -------
    b : numpy.ndarray, shape (2,)
        Last row of ``P``.
    A : numpy.ndarray, shape (2, 1)
        First column of ``Q``.

    Raises
    ------
    ValueError
        If ``X`` is not realisable, or the float ``(b, A)`` misses ``X`` by more than ``1e-8``
        relative.

    Examples
    --------
    >>> from fractions import Fraction
    >>> b, A = realize_d1([Fraction(1), Fraction(3), Fraction(2)])
    >>> [str(v) for v in b], [str(v) for v in A.ravel()]
    (['1', '2'], ['1', '1'])
    """
    X1, X2, X3, exact = _as_X3(X)
    if not realizable_d1(X if exact else [X1, X2, X3], tol):
        raise ValueError(f"X is not realisable for d = 1: X_2^2 - 4 X_1 X_3 = {float(X2 * X2 - 4 * X1 * X3):.6g} < 0")
    disc = X2 * X2 - 4 * X1 * X3
    if exact:
        r = _exact_sqrt(disc)
        if r is not None:
            if X1 == 0:
                if X2 == 0:
                    return (np.array([Fraction(0), Fraction(1)], dtype=object),
                            np.array([[Fraction(0)], [X3]], dtype=object))
                beta = X3 / X2
            else:
                beta = (X2 + r) / (2 * X1)
            return (np.array([Fraction(1), beta], dtype=object),
                    np.array([[X1], [X2 - beta * X1]], dtype=object))
        X1, X2, X3 = float(X1), float(X2), float(X3)
        disc = X2 * X2 - 4 * X1 * X3
    scale = max(abs(X1), abs(X2), abs(X3), 1e-300)
    if abs(X1) <= 1e-15 * scale and abs(X2) <= 1e-15 * scale:
        b, A = np.array([0.0, 1.0]), np.array([[0.0], [X3]])
    else:
        # numerically stable roots: q = (X2 + sign(X2) sqrt(disc)) / 2, roots q/X1 and X3/q
        q = 0.5 * (X2 + math.copysign(math.sqrt(max(disc, 0.0)), X2))
        cands = []
        if X1 != 0.0:
            cands.append(q / X1)
        if q != 0.0:
            cands.append(X3 / q)
        beta = min(cands, key=abs)
        b, A = np.array([1.0, beta]), np.array([[X1], [X2 - beta * X1]])
    err = np.abs(phi(b, A) - np.array([X1, X2, X3])).max()
    if err > 1e-8 * scale:
        raise ValueError(f"realize_d1 lost accuracy: |phi(b, A) - X| = {err:.3e}")
    return b, A
