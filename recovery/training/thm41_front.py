"""The exact Pareto front of R1 and the Generational Distance of Theorem 4.1 objective vectors to a front."""
from __future__ import annotations

import numpy as np
from scipy.optimize import least_squares

from recovery.training.thm41_objectives import _data, r1_values

__all__ = [
    "front_distance_r1",
    "generational_distance",
    "r1_front_point",
]


def generational_distance(points: np.ndarray, front: np.ndarray) -> float:
    """Return Van Veldhuizen's Generational Distance of a finite set of points to a finite front.

    ``GD = sqrt(sum_i min_f ||p_i - f||^2) / k``.  For one point this is its distance to the nearest
    front point.

    Parameters
    ----------
    points : array_like
        Shape ``(k, m)`` (or ``(m,)`` for one point).
    front : array_like
        Shape ``(K, m)`` (or ``(m,)``).

    Returns
    -------
    float
        The Generational Distance.

    Raises
    ------
    ValueError
        If the numbers of objectives differ or either set is empty.

    Examples
    --------
    >>> generational_distance([[0.0, 1.0]], [[0.0, 0.0], [3.0, 4.0]])
    1.0
    """
    P = np.atleast_2d(np.asarray(points, dtype=float))
    F = np.atleast_2d(np.asarray(front, dtype=float))
    if P.shape[1] != F.shape[1]:
        raise ValueError(f"points and front must have the same number of objectives, got {P.shape[1]} and {F.shape[1]}")
    if P.shape[0] == 0 or F.shape[0] == 0:
        raise ValueError("points and front must be non-empty")
    dist2 = ((P[:, None, :] - F[None, :, :]) ** 2).sum(axis=2).min(axis=1)
    return float(np.sqrt(dist2.sum()) / P.shape[0])


def r1_front_point(mu: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return the point ``R1(w* - mu)`` of the exact R1 front (``mu >= 0``).

    Parameters
    ----------
    mu : numpy.ndarray
        Shape ``(d,)``, componentwise ``>= 0``.
    X : numpy.ndarray
        Shape ``(n, d)``, ``X^T X`` invertible.
    y : numpy.ndarray
        Shape ``(n,)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(d+1,)``.
    """
    X, y = _data(X, y)
    wstar = np.linalg.solve(X.T @ X, X.T @ y)
    return r1_values(wstar - np.asarray(mu, float), X, y)


def front_distance_r1(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """Return the Euclidean distance of ``R1(w)`` to the exact Pareto front of R1.

    The front is ``{R1(w* - mu) : mu >= 0}`` with ``w* = Gxx^{-1} g_xy`` (docstring of :mod:`recovery.training.thm41`); the
    distance is ``min_{mu >= 0} ||R1(w) - R1(w* - mu)||_2``, a bound-constrained nonlinear least-squares
    problem solved with scipy ``least_squares`` ('trf') from the projection ``mu = (w* - w)_+`` and,
    if better, from ``mu = 0``.  It is zero exactly when ``w <= w*`` componentwise.

    Parameters
    ----------
    w : numpy.ndarray
        Shape ``(d,)``.
    X : numpy.ndarray
        Shape ``(n, d)``.
    y : numpy.ndarray
        Shape ``(n,)``.

    Returns
    -------
    float
        The distance; NaN if ``Gxx`` is singular (condition number above ``1e12``: the front is then
        not described by the formula).

    Raises
    ------
    ValueError
        If ``X`` is not ``(n, d)`` or ``y`` not ``(n,)``.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.eye(2), np.array([1.0, 1.0])
    >>> front_distance_r1(np.zeros(2), X, y)
    0.0
    >>> bool(front_distance_r1(np.array([2.0, 2.0]), X, y) > 0)
    True
    """
    X, y = _data(X, y)
    n, d = X.shape
    Gxx = X.T @ X / n
    if np.linalg.cond(Gxx) > 1e12:
        return float("nan")
    w = np.asarray(w, float)
    wstar = np.linalg.solve(Gxx, X.T @ y / n)
    Fstar = np.sum((X @ wstar - y) ** 2) / (2 * n)
    target = r1_values(w, X, y)
    if np.all(w <= wstar):
        return 0.0

    # a bound-constrained nonlinear least-squares problem in mu: residual
    # r(mu) = (Gxx (w* - mu) - R1_{<d}(w),  f_d(w*) + mu^T Gxx mu / 2 - f_d(w)),  Jacobian (-Gxx; (Gxx mu)^T)
    def resid(mu: np.ndarray) -> np.ndarray:
        return np.concatenate([Gxx @ (wstar - mu) - target[:d], [Fstar + mu @ Gxx @ mu / 2 - target[d]]])

    def jac(mu: np.ndarray) -> np.ndarray:
        return np.vstack([-Gxx, (Gxx @ mu)[None, :]])

    def solve(mu0: np.ndarray) -> float:
        res = least_squares(resid, mu0, jac=jac, bounds=(0.0, np.inf), method="trf", xtol=1e-14, ftol=1e-14, gtol=1e-14)
        return float(resid(res.x) @ resid(res.x))

    # start at the componentwise projection of w onto the Pareto set, mu = (w* - w)_+; restart from mu = 0 only if
    # that point is better than the first solution (the residual is quadratic in mu, the objective quartic)
    best = solve(np.maximum(wstar - w, 0.0))
    r0 = resid(np.zeros(d))
    if r0 @ r0 < best:
        best = min(best, solve(np.zeros(d)))
    return float(np.sqrt(max(best, 0.0)))
