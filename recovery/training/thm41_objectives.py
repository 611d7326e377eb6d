"""The Theorem 4.1 objective groups R1, R2 and their analytic Jacobians (derived in :mod:`recovery.training.thm41`)."""
from __future__ import annotations

import numpy as np

__all__ = [
    "r1_jacobian",
    "r1_values",
    "r2_jacobian",
    "r2_values",
]



# ---------------------------------------------------------------------------------------------------- objectives
def _data(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (n, d) and y (n,), got {X.shape} and {y.shape}")
    return X, y


def r1_values(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return the R1 objectives at ``w``.

    ``f_k = (1/n) sum_j x_{j,k} w^T x_j`` (k < d, linear) and ``f_d = (1/2n) sum_j (w^T x_j - y_j)^2``
    (least squares); the convex group of Theorem 4.1 (docstring of :mod:`recovery.training.thm41`).

    Parameters
    ----------
    w : numpy.ndarray
        Linear model, shape ``(d,)`` (``w = -theta``).
    X : numpy.ndarray
        Context inputs, shape ``(n, d)``.
    y : numpy.ndarray
        Context labels, shape ``(n,)``.

    Returns
    -------
    numpy.ndarray
        ``R1(w)``, shape ``(d+1,)``.

    Raises
    ------
    ValueError
        If ``X`` is not ``(n, d)`` or ``y`` not ``(n,)``.

    Examples
    --------
    >>> import numpy as np
    >>> r1_values(np.zeros(2), np.eye(2), np.array([1.0, 3.0])).tolist()
    [0.0, 0.0, 2.5]
    """
    X, y = _data(X, y)
    n = X.shape[0]
    p = X @ w
    return np.concatenate([X.T @ p / n, [np.sum((p - y) ** 2) / (2 * n)]])


def r1_jacobian(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return the analytic Jacobian of R1.

    Rows ``Gxx[k] = ((1/n) X^T X)[k]`` (k < d) and ``(1/n) sum_j (w^T x_j - y_j) x_j``.

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
    numpy.ndarray
        Shape ``(d+1, d)`` (rows = gradients).

    Raises
    ------
    ValueError
        If ``X`` is not ``(n, d)`` or ``y`` not ``(n,)``.
    """
    X, y = _data(X, y)
    n = X.shape[0]
    return np.vstack([X.T @ X / n, (X.T @ (X @ w - y) / n)[None, :]])


def _phis(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                                               np.ndarray, np.ndarray]:
    r = y - X @ w
    xl = X[:, -1]
    nz = xl != 0
    safe = np.where(nz, xl, 1.0)
    wl = w[-1]
    phi1 = np.where(nz, -(r**2) / (2 * safe), r * wl)
    phi2 = np.where(nz, -(r**3) / (3 * safe), r**2 * wl)
    return r, xl, nz, safe, phi1, phi2


def r2_values(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return the R2 objectives at ``w``.

    ``h_k = (1/n) sum_j x_{j,k} phi1_j`` (k < d) and ``h_d = (1/n) sum_j phi2_j`` with ``phi1_j``,
    ``phi2_j`` of the docstring of :mod:`recovery.training.thm41` (their ``w_{d-1}``-partials reproduce the ``a_l`` term of
    Theorem 4.1; not convex).

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
    numpy.ndarray
        ``R2(w)``, shape ``(d+1,)``.

    Raises
    ------
    ValueError
        If ``X`` is not ``(n, d)`` or ``y`` not ``(n,)``.
    """
    X, y = _data(X, y)
    n = X.shape[0]
    _, _, _, _, phi1, phi2 = _phis(np.asarray(w, float), X, y)
    return np.concatenate([X.T @ phi1 / n, [phi2.sum() / n]])


def r2_jacobian(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return the analytic Jacobian of R2.

    Per prompt column: ``d phi1/dw = (r/x_l) x`` if ``x_l != 0``, else ``r e_l - w_l x``;
    ``d phi2/dw = (r^2/x_l) x`` if ``x_l != 0``, else ``r^2 e_l - 2 r w_l x`` (``dr/dw = -x``,
    ``l = d-1``).

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
    numpy.ndarray
        Shape ``(d+1, d)`` (rows = gradients).

    Raises
    ------
    ValueError
        If ``X`` is not ``(n, d)`` or ``y`` not ``(n,)``.
    """
    X, y = _data(X, y)
    n, d = X.shape
    w = np.asarray(w, float)
    r, xl, nz, safe, _, _ = _phis(w, X, y)
    # d phi1/dw = (r/x_l) x if x_l != 0; else r e_l - w_l x   (dr/dw = -x)
    # d phi2/dw = (r^2/x_l) x if x_l != 0; else r^2 e_l - 2 r w_l x
    el = np.zeros(d)
    el[-1] = 1.0
    g1 = np.where(nz[:, None], (r / safe)[:, None] * X, r[:, None] * el[None, :] - w[-1] * X)
    g2 = np.where(nz[:, None], (r**2 / safe)[:, None] * X, (r**2)[:, None] * el[None, :] - 2 * (r * w[-1])[:, None] * X)
    return np.vstack([X.T @ g1 / n, g2.sum(axis=0)[None, :] / n])
