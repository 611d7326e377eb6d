r"""The closed-form inner problem ``min_A ftilde(phi(b, A))`` and multistart over the sphere (MATH.md Sections 4-5).

``ftilde(X) = X^T H X - 2 h^T X + c``.  For fixed ``b``, ``phi(b, A) = M(b) vec(A)`` with
``M(b) = I_d kron B(b)`` (``recovery.lsa.reparam.phi_matrix_in_A``, ``vec`` column-major), so
``ftilde(phi(b, A)) = vec(A)^T K vec(A) - 2 r^T vec(A) + c`` with ``K = M^T H M`` and
``r = M^T h``.  ``B(b)`` has full column rank for every ``b != 0`` (``b a^T + a b^T = 0`` forces
``a = 0``), so ``K`` is positive definite whenever ``H`` is; the gauge freedom
``phi(c b, A/c) = phi(b, A)`` lives entirely in ``b``.  We solve ``K vec(A) = r`` by Cholesky and
fall back to an eigenvalue pseudo-inverse (minimum-norm minimiser) if ``K`` is numerically
singular (``H`` only semidefinite).  ``g(b) := min_A = c - r^T vec(A*)``.  ``K`` is assembled
blockwise, ``K_{(j,u),(k,v)} = (B^T H_{jk} B)_{uv}``, in ``O(d^2 m^2 d)`` instead of forming ``M``.

``g`` is homogeneous of degree 0 in ``b``, so it lives on the unit sphere of ``R^{d+1}``.  By the
envelope theorem ``grad g(b) = 2 C(A*)^T (H phi(b, A*) - h)`` with ``C(A) = phi_matrix_in_b(A)``
(orthogonal to ``b``); :func:`_multistart` runs BFGS on the unnormalised ``b`` (renormalised after
every run) from the given starts, :func:`_spectral_starts` proposes starts from the spectral
recovery of a target ``X``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import linalg as sla
from scipy.optimize import minimize

from recovery.lsa.reparam import X_to_S, num_pairs, phi, phi_block, phi_matrix_in_b
from recovery.validation import as_float_array, check_real

__all__ = ["SimpleQuadratic", "inner_solve"]


@dataclass(frozen=True, eq=False)
class SimpleQuadratic:
    """Minimal float quadratic ``X^T H X - 2 h^T X + c`` (duck-type of ``recovery.lsa.population.Quadratic``).

    The population loss ``ftilde`` of paper Lemmas 3.1 and 3.2 in the coordinates ``X`` of shape
    ``(d m,)``, ``m = (d+1)(d+2)/2``; ``H`` is stored symmetrised, ``(H + H^T) / 2``.

    Attributes
    ----------
    H : ndarray, shape (n, n)
        The (symmetrised) quadratic form.
    h : ndarray, shape (n,)
        The linear term.
    c : float
        The constant.

    Raises
    ------
    ValueError
        If the shapes do not match, or an entry is not finite.

    Examples
    --------
    >>> import numpy as np
    >>> q = SimpleQuadratic(np.eye(3), np.array([1.0, 0.0, 1.0]), 2.0)
    >>> q.ftilde(np.array([1.0, 0.0, 1.0]))
    0.0
    """

    H: np.ndarray
    h: np.ndarray
    c: float

    def __post_init__(self) -> None:
        h = as_float_array(self.h, "h", ndim=1)
        H = as_float_array(self.H, "H", shape=(h.size, h.size))
        object.__setattr__(self, "H", 0.5 * (H + H.T))
        object.__setattr__(self, "h", h)
        object.__setattr__(self, "c", check_real(self.c, "c"))

    def ftilde(self, X: np.ndarray) -> float:
        """The value ``X^T H X - 2 h^T X + c`` (float64) at ``X`` of shape ``(n,)``."""
        X = np.asarray(X, dtype=float)
        return float(X @ self.H @ X - 2.0 * self.h @ X + self.c)


def _as_quad(quad: Any) -> tuple[SimpleQuadratic, int]:
    """A :class:`SimpleQuadratic` copy of ``quad`` and its ``d`` (from ``len(h) = d (d+1)(d+2)/2``)."""
    if not all(hasattr(quad, k) for k in ("H", "h", "c")):
        raise TypeError("quad must have attributes H, h, c (e.g. recovery.lsa.population.Quadratic)")
    q = SimpleQuadratic(np.asarray(quad.H, dtype=float), np.asarray(quad.h, dtype=float), float(quad.c))
    dm = q.h.size
    for d in range(1, 400):
        if d * num_pairs(d) == dm:
            return q, d
        if d * num_pairs(d) > dm:
            break
    raise ValueError(f"quad.h has length {dm}, which is not d (d+1)(d+2)/2 for any d >= 1")


class _Inner:
    """Closed-form inner minimisation over A for a fixed quadratic (precomputes the block view of H)."""

    def __init__(self, q: SimpleQuadratic, d: int) -> None:
        self.q, self.d, self.m = q, d, num_pairs(d)
        self.H2 = np.ascontiguousarray(q.H).reshape(d * self.m * d, self.m)  # rows (j, p, k), cols q
        self.hb = q.h.reshape(d, self.m)

    def solve(self, b: np.ndarray) -> tuple[np.ndarray, float]:
        d, m = self.d, self.m
        B = phi_block(b)  # (m, d+1)
        T = (self.H2 @ B).reshape(d, m, d * (d + 1))  # [j, p, (k, v)] = sum_q H[jm+p, km+q] B[q, v]
        K = np.matmul(B.T, T).reshape(d * (d + 1), d * (d + 1))  # rows (j, u), cols (k, v)
        K = 0.5 * (K + K.T)
        r = (B.T @ self.hb.T).T.reshape(-1)  # (j,u) order = vec(A) column-major
        try:
            cf = sla.cho_factor(K, lower=True, check_finite=False)
            a = sla.cho_solve(cf, r, check_finite=False)
            if not np.all(np.isfinite(a)):
                raise np.linalg.LinAlgError
        except (np.linalg.LinAlgError, sla.LinAlgError):
            w, V = np.linalg.eigh(K)
            keep = w > 1e-12 * max(w[-1], 1e-300)
            a = V[:, keep] @ ((V[:, keep].T @ r) / w[keep])
        A = a.reshape(d, d + 1).T
        X = phi(b, A)
        return A, float(X @ self.q.H @ X - 2.0 * self.q.h @ X + self.q.c)

    def value_grad(self, b: np.ndarray) -> tuple[float, np.ndarray]:
        A, f = self.solve(b)
        X = phi(b, A)
        grad = 2.0 * phi_matrix_in_b(A).T @ (self.q.H @ X - self.q.h)  # envelope theorem
        return f, grad


def inner_solve(quad: Any, b: Any) -> tuple[np.ndarray, float]:
    """``argmin_A ftilde(phi(b, A))`` and its value for a fixed ``b != 0`` (closed form, see module doc).

    For fixed ``b`` the loss is a convex quadratic in ``vec(A)`` (``K = M^T H M``, positive definite
    when ``H`` is, paper Lemma 3.1), solved by Cholesky with an eigenvalue pseudo-inverse fallback;
    the value is ``g(b)``, the objective of the multistart of
    :func:`recovery.realizability.best.best_realizable`.

    Parameters
    ----------
    quad : object
        A quadratic with attributes ``H`` ``(d m, d m)``, ``h`` ``(d m,)`` and ``c``, e.g.
        ``recovery.lsa.population.Quadratic`` or :class:`SimpleQuadratic`.
    b : array_like, shape (d+1,)
        A nonzero direction (only its line matters: ``phi(c b, A / c) = phi(b, A)``).

    Returns
    -------
    A : ndarray, shape (d+1, d)
        The minimiser (the minimum-norm one when ``K`` is singular).
    value : float
        ``ftilde(phi(b, A))`` evaluated in float64.

    Raises
    ------
    TypeError
        If ``quad`` lacks ``H``, ``h`` or ``c``.
    ValueError
        If ``len(h)`` is not ``d (d+1)(d+2)/2``, ``b`` has the wrong shape or ``b = 0``.

    Examples
    --------
    >>> import numpy as np
    >>> q = SimpleQuadratic(np.eye(3), np.array([1.0, 0.0, 1.0]), 2.0)
    >>> A, f = inner_solve(q, [1.0, 0.0])
    >>> A.shape, round(f, 12)
    ((2, 1), 1.0)
    """
    q, d = _as_quad(quad)
    b = as_float_array(b, "b", shape=(d + 1,))
    if not np.any(b):
        raise ValueError("b must be nonzero")
    return _Inner(q, d).solve(b)


def _spectral_starts(X: np.ndarray, d: int, limit: int = 3) -> list[np.ndarray]:
    """Directions suggested by the spectral recovery of ``X``: for the ``limit`` blocks ``S_j`` of largest
    norm, the top eigenvectors of both signs and the two isotropic-line candidates (exact ``b`` if ``X`` is
    realisable)."""
    S = X_to_S(X, d)
    lam, U = np.linalg.eigh(S)
    order = np.argsort(-np.abs(lam).max(axis=1))[:limit]
    out = []
    for j in order:
        lp, lm = max(lam[j, -1], 0.0), max(-lam[j, 0], 0.0)
        u, w = U[j][:, -1], U[j][:, 0]
        out += [u, w, np.sqrt(lp) * u + np.sqrt(lm) * w, np.sqrt(lp) * u - np.sqrt(lm) * w]
    return [v / np.linalg.norm(v) for v in out if np.linalg.norm(v) > 0]


def _multistart(inner: _Inner, starts: list[np.ndarray], maxiter: int) -> tuple[np.ndarray, np.ndarray, float, list[float]]:
    """BFGS on ``g`` from every start; returns the best ``(b, A, value)`` (``||b|| = 1``) and all the values.

    Raises ``ValueError`` if ``starts`` is empty or no start reaches a finite value.
    """
    best: tuple[np.ndarray | None, np.ndarray | None, float] = (None, None, np.inf)
    values = []
    for b0 in starts:
        res = minimize(inner.value_grad, b0 / np.linalg.norm(b0), jac=True, method="BFGS",
                       options={"maxiter": maxiter, "gtol": 1e-9})
        b = res.x / np.linalg.norm(res.x)
        A, f = inner.solve(b)
        values.append(f)
        if f < best[2]:
            best = (b, A, f)
    if best[0] is None or best[1] is None:
        raise ValueError(f"no start gave a finite value ({len(starts)} starts)")
    return best[0], best[1], best[2], values

