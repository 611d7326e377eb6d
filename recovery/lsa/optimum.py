"""Closed-form optimum of the population quadratic (MATH.md section 4; paper Lemma 3.1, Thm 3.3).

``ftilde(X) = X^T H X - 2 h^T X + c`` is strictly convex iff ``H`` is positive definite (Lemma 3.1);
then ``X* = H^{-1} h`` and ``ftilde* = c - h^T X*``. For ``d = 1`` a vector ``X in R^3`` (order
``(G_xx, G_xy, G_yy)`` = pairs (0,0), (0,1), (1,1)) is in the image of ``phi`` iff
``X_2^2 >= 4 X_1 X_3``; :func:`realize_d1` returns explicit ``(b, A)``.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import scipy.linalg

from recovery.validation import as_float_array, check_int, check_real
from recovery.lsa.reparam import phi
from recovery.lsa.exact_linalg import (
    PDCertificate,
    _solve_pd_and_dot,
    certify_positive_definite,
    fraction_to_str,
    solve_positive_definite,
)
from recovery.lsa.population import population_quadratic
from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior
from recovery.lsa.quadratic import Quadratic

__all__ = [
    "Optimum",
    "Lemma31",
    "closed_form_optimum",
    "lemma_3_1",
    "realizable_d1",
    "realize_d1",
    "thm33_h",
    "thm33_check",
    "Thm33Check",
]

SCHEMA_VERSION = "lsahard.optimum/1"


def _check_quad(quad: Any) -> Quadratic:
    if not isinstance(quad, Quadratic):
        raise TypeError(f"quad must be a Quadratic, got {type(quad).__name__}")
    return quad


def _bareiss(M: list[list[int]]) -> tuple[list[list[int]], list[int]]:
    """REFERENCE ONLY: fraction-free Gaussian elimination without pivoting on an integer matrix.

    The production exact path uses python-flint (:mod:`recovery.lsa.exact_linalg`); this pure-Python
    routine is kept as the independent reference of the tests and ``benchmarks.perf.bench_exact``.

    Returns the reduced rows and the pivots; pivot ``k`` equals the ``(k+1)``-th leading principal
    minor of the square part (Sylvester: all > 0 iff positive definite). A zero pivot stops early.
    Each step updates the whole trailing block at once (numpy object arrays of Python ints: the
    same exact integer operations, without the Python-level double loop).
    """
    n = len(M)
    if n == 0:
        return M, []
    A = np.empty((n, len(M[0])), dtype=object)
    A[:, :] = M
    prev = 1
    pivots: list[int] = []
    for k in range(n):
        pk = A[k, k]
        pivots.append(pk)
        if pk == 0:
            break
        if k + 1 < n:
            # Bareiss: a_ij <- (a_kk a_ij - a_ik a_kj) / a_{k-1,k-1}, division exact (Sylvester)
            A[k + 1:, k + 1:] = (pk * A[k + 1:, k + 1:] - np.multiply.outer(A[k + 1:, k], A[k, k + 1:])) // prev
            A[k + 1:, k] = 0
        prev = pk
    return A.tolist(), pivots


def _exact_solve_pd_reference(H: np.ndarray, h: np.ndarray) -> tuple[list[Fraction], list[int]]:
    """REFERENCE ONLY (tests, benchmarks): the pure-Python exact solve used before python-flint.

    Solves ``H X = h`` for a symmetric PD rational ``H`` by fraction-free elimination of the
    integer matrix ``[L H | L h]`` (:func:`_bareiss`) and exact back substitution; the pivots are
    the leading principal minors (Sylvester). Raises ValueError if ``H`` is not PD. Kept as an
    independent implementation to cross-check :func:`_exact_solve_pd`; about 500-2500x slower.
    """
    n = H.shape[0]
    L = 1
    for v in list(H.flat) + list(h.flat):
        L = L * v.denominator // math.gcd(L, v.denominator)
    M = [[int(H[i, j] * L) for j in range(n)] + [int(h[i] * L)] for i in range(n)]
    M, piv = _bareiss(M)
    if len(piv) < n or any(p <= 0 for p in piv):
        k = next(i for i, p in enumerate(piv) if p <= 0)
        raise ValueError(
            f"H is not positive definite: leading principal minor {k + 1} is "
            f"{'zero (H singular)' if piv[k] == 0 else 'negative'} (exact check)"
        )
    X = [Fraction(0)] * n
    for i in range(n - 1, -1, -1):
        s = Fraction(M[i][n]) - sum((M[i][j] * X[j] for j in range(i + 1, n)), Fraction(0))
        X[i] = s / M[i][i]
    return X, piv


def _exact_solve_pd(H: np.ndarray, h: np.ndarray) -> tuple[list[Fraction], PDCertificate]:
    """Solve ``H X = h`` exactly for a symmetric PD rational ``H``; raise ValueError otherwise.

    Parameters
    ----------
    H : numpy.ndarray, shape (n, n)
        Object array of Fractions, exactly symmetric.
    h : numpy.ndarray, shape (n,)
        Object array of Fractions.

    Returns
    -------
    (list of Fraction, PDCertificate)
        The exact solution and the exact positive-definiteness certificate
        (:func:`recovery.lsa.exact_linalg.certify_positive_definite`).

    Raises
    ------
    ValueError
        If ``H`` is not positive definite (the message says why: a zero/negative leading minor,
        an exact null vector or an exact direction of non-positive curvature) or not symmetric.
    """
    return solve_positive_definite(H, h, name="H")


@dataclass(frozen=True)
class Lemma31:
    """Lemma 3.1 check: ``H`` PD <=> ``ftilde`` strictly convex.

    ``certified_exact``: decided by an exact certificate (rational ``H``;
    :func:`recovery.lsa.exact_linalg.certify_positive_definite`) instead of a float eigenvalue;
    ``certificate`` names the method (``""`` for float ``H``).
    """

    min_eig: float
    max_eig: float
    positive_definite: bool
    certified_exact: bool
    certificate: str = ""


def lemma_3_1(quad: Quadratic, *, rtol: float = 1e-13) -> Lemma31:
    """Smallest/largest eigenvalue of ``H`` and whether ``H`` is positive definite.

    Float ``H``: PD iff ``min_eig > rtol * max(|max_eig|, tiny)``. Exact ``H``: an exact
    certificate (exact congruence ``C H C^T`` + Gershgorin, an exact negative direction, or the
    leading principal minors from FLINT's fraction-free LU; see :mod:`recovery.lsa.exact_linalg`).
    """
    quad = _check_quad(quad)
    rtol = check_real(rtol, "rtol", low=0.0)
    Hf = np.asarray(quad.H, dtype=np.float64)
    ev = np.linalg.eigvalsh(Hf)
    lo, hi = float(ev[0]), float(ev[-1])
    if quad.exact:
        cert = certify_positive_definite(quad.H, name="H")
        return Lemma31(lo, hi, cert.positive_definite, True, cert.method)
    return Lemma31(lo, hi, bool(lo > rtol * max(abs(hi), np.finfo(float).tiny)), False)


@dataclass(frozen=True, eq=False)
class Optimum:
    """``X* = H^{-1} h`` (float64, (dm,)), ``ftilde* = c - h^T X*``, ``min_eig_H``.

    In exact mode also ``X_star_exact`` (tuple of Fractions), ``ftilde_star_exact`` and
    ``pd_certificate`` (the method of the exact positive-definiteness proof of ``H``).
    """

    X_star: np.ndarray
    ftilde_star: float
    min_eig_H: float
    exact: bool = False
    X_star_exact: tuple | None = None
    ftilde_star_exact: Fraction | None = None
    pd_certificate: str | None = None

    def to_json(self) -> dict:
        out: dict = {
            "schema": SCHEMA_VERSION,
            "X_star": np.asarray(self.X_star, dtype=float).tolist(),
            "ftilde_star": float(self.ftilde_star),
            "min_eig_H": float(self.min_eig_H),
            "exact": self.exact,
        }
        if self.exact:
            out["X_star_exact"] = [fraction_to_str(v) for v in self.X_star_exact or ()]
            out["ftilde_star_exact"] = fraction_to_str(self.ftilde_star_exact)
            out["pd_certificate"] = self.pd_certificate
        return out


def closed_form_optimum(quad: Quadratic) -> Optimum:
    """Minimiser ``X* = H^{-1} h`` of the strictly convex ``ftilde`` (paper Lemmas 3.1, 3.2).

    Float mode: Cholesky (``scipy.linalg.cho_factor``) after a PD check on the eigenvalues;
    exact mode: an exact PD certificate (:func:`recovery.lsa.exact_linalg.certify_positive_definite`)
    and the exact rational ``X*`` from python-flint (``fmpz_mat.solve``).
    ``ValueError`` if ``H`` is singular or not positive definite.

    Examples
    --------
    >>> q = population_quadratic(2, 10, prior=UniformBinaryPrior(), init=BernoulliInit(0.5))
    >>> opt = closed_form_optimum(q)
    >>> bool(abs(q.ftilde(opt.X_star) - opt.ftilde_star) < 1e-12)
    True
    >>> bool(q.ftilde(opt.X_star) <= q.ftilde(opt.X_star + 1e-3))
    True
    """
    quad = _check_quad(quad)
    if quad.exact:
        # exact PD certificate (cheap congruence check) then FLINT's exact solve; min_eig_H is
        # only reported, computed from the certificate's float copy of the integer form of H
        X, cert, hX = _solve_pd_and_dot(quad.H, quad.h, name="H", min_eig=True)  # raises if not PD
        fstar = quad.c - hX
        return Optimum(
            X_star=np.array([float(v) for v in X]),
            ftilde_star=float(fstar),
            min_eig_H=cert.min_eig,
            exact=True,
            X_star_exact=tuple(X),
            ftilde_star_exact=fstar,
            pd_certificate=cert.method,
        )
    lem = lemma_3_1(quad)
    if not lem.positive_definite:
        raise ValueError(
            f"H is singular or not positive definite (smallest eigenvalue {lem.min_eig:.3e}, "
            f"largest {lem.max_eig:.3e}); ftilde has no unique minimiser"
        )
    try:
        cf = scipy.linalg.cho_factor(quad.H, lower=True, check_finite=True)
    except np.linalg.LinAlgError as exc:
        raise ValueError(f"H is not positive definite (Cholesky failed: {exc})") from None
    X = scipy.linalg.cho_solve(cf, quad.h)
    # one step of iterative refinement: residual in float64 is cheap and halves the error for
    # ill-conditioned H (large d)
    X = X + scipy.linalg.cho_solve(cf, quad.h - quad.H @ X)
    return Optimum(X_star=X, ftilde_star=float(quad.c - quad.h @ X), min_eig_H=lem.min_eig)


# --------------------------------------------------------------------------- d = 1


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
    by at most ``tol * max(X_2^2, 4|X_1 X_3|, 1e-300)``.
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
    and the root is rational. ``ValueError`` if ``X`` is not realisable.
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


def thm33_h(p: Any) -> np.ndarray:
    """Paper Thm 3.3 right-hand side ``h = [p^2/2, p^2/3, p^2/12 + p/4]`` (exact for Fraction ``p``)."""
    check_real(p, "p", low=0.0, high=1.0, low_open=True, high_open=True)
    if isinstance(p, (Fraction, numbers.Integral)) and not isinstance(p, bool):
        p = Fraction(p)
        return np.array([p * p / 2, p * p / 3, p * p / 12 + p / 4], dtype=object)
    p = float(p)
    return np.array([p * p / 2, p * p / 3, p * p / 12 + p / 4])


@dataclass(frozen=True, eq=False)
class Thm33Check:
    """d = 1, i.i.d. Bernoulli(p) starts, uniform binary prior: ``h`` vs the paper and realisability of X*."""

    p: Any
    n: int
    h: np.ndarray
    h_matches_paper: bool
    X_star: np.ndarray
    discriminant: Any
    realizable: bool


def thm33_check(p: Any, n: int) -> Thm33Check:
    """Compute the exact (rational if ``p`` is a Fraction) d = 1 optimum and test ``X_2^2 >= 4 X_1 X_3``."""
    n = check_int(n, "n", min_value=1)
    exact = isinstance(p, (Fraction, numbers.Integral)) and not isinstance(p, bool)
    q = population_quadratic(1, n, prior=UniformBinaryPrior(), init=BernoulliInit(p), exact=exact)
    opt = closed_form_optimum(q)
    paper = thm33_h(p)
    if exact:
        match = bool(all(a == b for a, b in zip(q.h, paper)))
        X = np.array(opt.X_star_exact, dtype=object)
    else:
        match = bool(np.allclose(q.h, paper, rtol=1e-12, atol=0))
        X = opt.X_star
    disc = X[1] * X[1] - 4 * X[0] * X[2]
    return Thm33Check(p=p, n=n, h=q.h, h_matches_paper=match, X_star=X, discriminant=disc,
                      realizable=realizable_d1(X))
