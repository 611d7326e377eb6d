r"""Midpoint-radius ball arithmetic in float64, vectorised over numpy arrays, with proven rounding bounds.

A *ball* is a pair ``(m, r)`` of float arrays of one shape, ``r >= 0``; it stands for every real array
``x`` with ``|x - m| <= r`` entrywise.  ``r = None`` means radius zero (the floats are taken exactly).
Every operation returns a ball that contains the exact result for *every* choice of the inputs in
their balls.  This is the arithmetic of :mod:`recovery.realizability.ball_bound`, which re-verifies
many branch-and-bound boxes at once; python-flint ``arb`` (:mod:`recovery.realizability.interval`)
stays the independent reference in the tests.

**Model.**  IEEE 754 binary64, round to nearest, unit roundoff ``u = 2^-53``: every basic operation
``op`` gives ``fl(x op y) = (x op y)(1 + delta)``, ``|delta| <= u``, up to an absolute error below
``2^-1074`` in the subnormal range.  Matrix products are evaluated as sums of products in any order
(with or without fused multiply-add), which holds for numpy's ``matmul`` and the BLAS it calls (no
Strassen-type algorithms).  For them (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd
ed., Section 3.1, eq. (3.5)) ``|fl(A B) - A B| <= gamma_n |A| |B|`` entrywise, with ``n`` the inner
dimension and ``gamma_n = n u / (1 - n u)``.

**Rounding the radius up.**  A radius is a nonnegative expression evaluated in floating point; if
no path from an input to the result passes through more than ``n`` roundings, the computed ``x^``
satisfies ``x^ >= x (1 - u)^n >= x (1 - gamma_n)``, so ``x <= x^ (1 + 2 gamma_n)`` (``gamma_n <=
1/2``).  :func:`up_n` returns ``fl(x^ c) + 2^-1000`` with ``c = fl(1 + 2 gamma_{n+4})``: ``c`` is at
most ``u`` below ``1 + 2 gamma_{n+4}`` and the product loses at most a factor ``1 - u``, so
``fl(x^ c) >= x^ (1 + 2 gamma_n)``; the added ``2^-1000`` (a rounding up, never down, of a
nonnegative number) covers the subnormal absolute errors (at most ``2^31`` of them, each
``<= 2^-1074``).  :func:`down_n` is the
mirror image for lower bounds of nonnegative expressions.  A single correctly rounded operation
(``+``, ``-``, ``*``, ``/``, ``sqrt``) is made outward by one ``nextafter`` (:func:`up`, :func:`down`):
round to nearest is off by at most half an ulp of the result, ``nextafter`` moves a whole ulp.
"""
from __future__ import annotations

import numpy as np

__all__ = ["U", "gamma", "up", "down", "up_n", "down_n", "matmul", "add", "sub", "upper", "lower",
           "abs_upper", "norm_upper", "norm_sq_lower"]

#: unit roundoff of float64 (round to nearest)
U = 2.0**-53
#: absolute slack for subnormal results (see the module docstring)
TINY = 2.0**-1000


def gamma(n: int) -> float:
    """``gamma_n = n u / (1 - n u)`` (Higham, eq. (3.8)); ``n >= 0`` roundings in a row."""
    return n * U / (1.0 - n * U)


def up(x):
    """The next float above ``x``: an upper bound of the exact result of the one rounded operation that gave ``x``."""
    return np.nextafter(x, np.inf)


def down(x):
    """The next float below ``x``: a lower bound of the exact result of the one rounded operation that gave ``x``."""
    return np.nextafter(x, -np.inf)


def up_n(x, n: int):
    """Upper bound of a nonnegative expression whose float value ``x`` went through at most ``n`` roundings.

    Examples
    --------
    >>> import numpy as np
    >>> s = float(np.sum(np.full(10, 0.1)))  # 9 roundings
    >>> bool(up_n(s, 10) >= 1.0)
    True
    """
    return np.asarray(x, float) * (1.0 + 2.0 * gamma(n + 4)) + TINY


def down_n(x, n: int):
    """Lower bound of a nonnegative expression whose float value ``x`` went through at most ``n`` roundings."""
    return np.asarray(x, float) * (1.0 - 2.0 * gamma(n + 4)) - TINY


def matmul(Am, Ar, Bm, Br):
    """Ball product ``(Am, Ar) @ (Bm, Br)`` (numpy ``matmul`` broadcasting); ``Ar`` / ``Br`` may be ``None``.

    With inner dimension ``n``: ``m = fl(Am Bm)``, and the exact product of any members lies within
    ``|Am| Br + Ar (|Bm| + Br) + gamma_n |Am| |Bm|`` of ``m`` (the last term is the rounding error of
    ``m``); that sum is rounded up by :func:`up_n` with ``n + 4`` roundings.

    Parameters
    ----------
    Am, Bm : ndarray
        Midpoints, shapes ``(..., p, n)`` and ``(..., n, q)``.
    Ar, Br : ndarray or None
        Radii of the same shapes (``None``: exact).

    Returns
    -------
    tuple of ndarray
        ``(m, r)``, shape ``(..., p, q)``.

    Examples
    --------
    >>> import numpy as np
    >>> m, r = matmul(np.array([[0.1, 0.2]]), None, np.array([[0.3], [0.7]]), None)
    >>> bool(abs(m[0, 0] - 0.17) <= r[0, 0])
    True
    """
    n = Am.shape[-1]
    g = gamma(n)
    mid = np.matmul(Am, Bm)
    aA, aB = np.abs(Am), np.abs(Bm)
    if Ar is None and Br is None:
        rad = g * np.matmul(aA, aB)
    elif Ar is None:
        rad = np.matmul(aA, Br + g * aB)
    elif Br is None:
        rad = np.matmul(Ar + g * aA, aB)
    else:
        rad = np.matmul(aA, Br + g * aB) + np.matmul(Ar, aB + Br)
    return mid, up_n(rad, n + 4)


def _sum_rad(a, b):
    if a is None:
        return b
    return a if b is None else a + b


def add(am, ar, bm, br):
    """Ball sum: ``m = fl(am + bm)``, radius ``ar + br + u |m|`` rounded up."""
    mid = am + bm
    return mid, up_n(_sum_rad(_sum_rad(ar, br), U * np.abs(mid)), 3)


def sub(am, ar, bm, br):
    """Ball difference: ``m = fl(am - bm)``, radius ``ar + br + u |m|`` rounded up."""
    mid = am - bm
    return mid, up_n(_sum_rad(_sum_rad(ar, br), U * np.abs(mid)), 3)


def upper(m, r):
    """Upper bound ``m + r`` of every member, rounded up."""
    return up(m + r)


def lower(m, r):
    """Lower bound ``m - r`` of every member, rounded down."""
    return down(m - r)


def abs_upper(m, r):
    """Upper bound of ``|x|`` over the ball."""
    return up(np.abs(m) + r)


def norm_upper(m, r, axis: int = -1):
    """Upper bound of the Euclidean norm over ``axis`` of every vector in the ball (``sqrt`` of the
    rounded-up sum of ``(|m| + r)^2``)."""
    n = m.shape[axis]
    s = up_n(np.sum(np.square(abs_upper(m, r)), axis=axis), n + 2)
    return up(np.sqrt(s))


def norm_sq_lower(m, r, axis: int = -1):
    """Lower bound of the squared Euclidean norm over ``axis``: ``sum max(|m| - r, 0)^2`` rounded down."""
    n = m.shape[axis]
    v = np.maximum(down(np.abs(m) - r), 0.0)
    return np.maximum(down_n(np.sum(v * v, axis=axis), n + 2), 0.0)
