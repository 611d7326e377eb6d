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

**Use.**  These balls carry the re-verification of the branch-and-bound cover that certifies
``f* = min_{b, A} ftilde(phi(b, A))`` (the best realisable one-layer LSA, paper Lemma 3.2 and
Remark C.15): :mod:`recovery.realizability.ball_bound` evaluates the per-box bound of
:mod:`recovery.realizability.certifier` on batches of shape ``(K, p, p)``, ``p = d (d+1)``.

Examples
--------
>>> import numpy as np
>>> m, r = matmul(np.array([[0.1, 0.2]]), None, np.array([[0.3], [0.7]]), None)
>>> lo, hi = lower(m, r), upper(m, r)
>>> bool(lo[0, 0] <= 0.17 <= hi[0, 0])
True
"""
from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["U", "gamma", "up", "down", "up_n", "down_n", "matmul", "add", "sub", "upper", "lower",
           "abs_upper", "norm_upper", "norm_sq_lower"]

#: unit roundoff of float64 (round to nearest)
U = 2.0**-53
#: absolute slack for subnormal results (see the module docstring)
TINY = 2.0**-1000


def gamma(n: int) -> float:
    """Higham's ``gamma_n = n u / (1 - n u)`` (Higham, eq. (3.8)).

    Parameters
    ----------
    n : int
        Number ``n >= 0`` of roundings in a row (``n u < 1``).

    Returns
    -------
    float
        ``gamma_n``; ``abs(prod_i (1 + delta_i) - 1) <= gamma_n`` for ``abs(delta_i) <= u``.

    Examples
    --------
    >>> gamma(0), gamma(1) > U
    (0.0, True)
    """
    return n * U / (1.0 - n * U)


def up(x: np.ndarray) -> np.ndarray:
    """The next float above ``x``: an upper bound of the exact result of the one rounded operation that gave ``x``.

    Parameters
    ----------
    x : ndarray
        The result of one correctly rounded operation (``+``, ``-``, ``*``, ``/``, ``sqrt``).

    Returns
    -------
    ndarray
        ``nextafter(x, +inf)``, of the shape of ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> bool(up(np.array([0.1 + 0.2]))[0] > 0.1 + 0.2)
    True
    """
    return np.nextafter(x, np.inf)


def down(x: np.ndarray) -> np.ndarray:
    """The next float below ``x``: a lower bound of the exact result of the one rounded operation that gave ``x``.

    Parameters
    ----------
    x : ndarray
        The result of one correctly rounded operation.

    Returns
    -------
    ndarray
        ``nextafter(x, -inf)``, of the shape of ``x``.
    """
    return np.nextafter(x, -np.inf)


def up_n(x: npt.ArrayLike, n: int) -> np.ndarray:
    """Upper bound of a nonnegative expression whose float value ``x`` went through at most ``n`` roundings.

    Returns ``x (1 + 2 gamma_{n+4}) + 2^-1000`` (see the module docstring, "Rounding the radius up").

    Parameters
    ----------
    x : float or ndarray
        Computed value(s) of a nonnegative expression.
    n : int
        Largest number of roundings on a path from an input to ``x``.

    Returns
    -------
    ndarray
        Upper bounds of the exact values, of the shape of ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> s = float(np.sum(np.full(10, 0.1)))  # 9 roundings
    >>> bool(up_n(s, 10) >= 1.0)
    True
    """
    return np.asarray(x, float) * (1.0 + 2.0 * gamma(n + 4)) + TINY


def down_n(x: npt.ArrayLike, n: int) -> np.ndarray:
    """Lower bound of a nonnegative expression whose float value ``x`` went through at most ``n`` roundings.

    The mirror image of :func:`up_n`: ``x (1 - 2 gamma_{n+4}) - 2^-1000`` (may be negative).

    Parameters
    ----------
    x : float or ndarray
        Computed value(s) of a nonnegative expression.
    n : int
        Largest number of roundings on a path from an input to ``x``.

    Returns
    -------
    ndarray
        Lower bounds of the exact values, of the shape of ``x``.
    """
    return np.asarray(x, float) * (1.0 - 2.0 * gamma(n + 4)) - TINY


def matmul(Am: np.ndarray, Ar: np.ndarray | None, Bm: np.ndarray,
           Br: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Ball product ``(Am, Ar) @ (Bm, Br)`` (numpy ``matmul`` broadcasting); ``Ar`` / ``Br`` may be ``None``.

    The entry point of the ball arithmetic.  With inner dimension ``n``: ``m = fl(Am Bm)``, and the
    exact product of any members lies within ``abs(Am) Br + Ar (abs(Bm) + Br) + gamma_n abs(Am) abs(Bm)``
    of ``m`` (the last term is the rounding error of ``m``); that sum is rounded up by :func:`up_n`
    with ``n + 4`` roundings.

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


def _sum_rad(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return b
    return a if b is None else a + b


def _plus(a: np.ndarray | None, b: np.ndarray) -> np.ndarray:
    return b if a is None else a + b


def add(am: np.ndarray, ar: np.ndarray | None, bm: np.ndarray, br: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Ball sum: ``m = fl(am + bm)``, radius ``ar + br + u abs(m)`` rounded up.

    Parameters
    ----------
    am, bm : ndarray
        Midpoints (broadcastable).
    ar, br : ndarray or None
        Radii (``None``: exact).

    Returns
    -------
    tuple of ndarray
        ``(m, r)`` of the broadcast shape.

    Examples
    --------
    >>> import numpy as np
    >>> m, r = add(np.array([0.1]), None, np.array([0.2]), None)
    >>> bool(lower(m, r)[0] <= 0.3 <= upper(m, r)[0])
    True
    """
    mid = am + bm
    return mid, up_n(_plus(_sum_rad(ar, br), U * np.abs(mid)), 3)


def sub(am: np.ndarray, ar: np.ndarray | None, bm: np.ndarray, br: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Ball difference: ``m = fl(am - bm)``, radius ``ar + br + u abs(m)`` rounded up.

    Parameters
    ----------
    am, bm : ndarray
        Midpoints (broadcastable).
    ar, br : ndarray or None
        Radii (``None``: exact).

    Returns
    -------
    tuple of ndarray
        ``(m, r)`` of the broadcast shape.
    """
    mid = am - bm
    return mid, up_n(_plus(_sum_rad(ar, br), U * np.abs(mid)), 3)


def upper(m: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Upper bound ``m + r`` of every member, rounded up.

    Parameters
    ----------
    m, r : ndarray
        Midpoints and radii of one shape.

    Returns
    -------
    ndarray
        Entrywise upper bounds.
    """
    return up(m + r)


def lower(m: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Lower bound ``m - r`` of every member, rounded down.

    Parameters
    ----------
    m, r : ndarray
        Midpoints and radii of one shape.

    Returns
    -------
    ndarray
        Entrywise lower bounds.
    """
    return down(m - r)


def abs_upper(m: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Upper bound of ``abs(x)`` over the ball.

    Parameters
    ----------
    m, r : ndarray
        Midpoints and radii of one shape.

    Returns
    -------
    ndarray
        ``abs(m) + r`` rounded up, entrywise.
    """
    return up(np.abs(m) + r)


def norm_upper(m: np.ndarray, r: np.ndarray, axis: int = -1) -> np.ndarray:
    """Upper bound of the Euclidean norm over ``axis`` of every vector in the ball.

    The ``sqrt`` of the rounded-up sum of ``(abs(m) + r)^2``.

    Parameters
    ----------
    m, r : ndarray
        Midpoints and radii of one shape.
    axis : int, optional
        The axis of the vectors (default the last).

    Returns
    -------
    ndarray
        Upper bounds, ``axis`` removed.

    Examples
    --------
    >>> import numpy as np
    >>> bool(norm_upper(np.array([3.0, 4.0]), np.zeros(2)) >= 5.0)
    True
    """
    n = m.shape[axis]
    s = up_n(np.sum(np.square(abs_upper(m, r)), axis=axis), n + 2)
    return up(np.sqrt(s))


def norm_sq_lower(m: np.ndarray, r: np.ndarray, axis: int = -1) -> np.ndarray:
    """Lower bound of the squared Euclidean norm over ``axis``: ``sum max(abs(m) - r, 0)^2`` rounded down.

    Parameters
    ----------
    m, r : ndarray
        Midpoints and radii of one shape.
    axis : int, optional
        The axis of the vectors (default the last).

    Returns
    -------
    ndarray
        Nonnegative lower bounds, ``axis`` removed.
    """
    n = m.shape[axis]
    v = np.maximum(down(np.abs(m) - r), 0.0)
    return np.maximum(down_n(np.sum(v * v, axis=axis), n + 2), 0.0)
