"""Closed-form optimum of the population quadratic (MATH.md section 4; paper Lemma 3.1, Thm 3.3).

``ftilde(X) = X^T H X - 2 h^T X + c`` is strictly convex iff ``H`` is positive definite (Lemma 3.1);
then ``X* = H^{-1} h`` and ``ftilde* = c - h^T X*``. For ``d = 1`` a vector ``X in R^3`` (order
``(G_xx, G_xy, G_yy)`` = pairs (0,0), (0,1), (1,1)) is in the image of ``phi`` iff
``X_2^2 >= 4 X_1 X_3``; :func:`realize_d1` returns explicit ``(b, A)`` (both defined in
:mod:`recovery.lsa.realization_d1` and importable from here).
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import scipy.linalg

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
from recovery.lsa.realization_d1 import realizable_d1, realize_d1
from recovery.validation import check_int, check_real

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

    Attributes
    ----------
    min_eig, max_eig : float
        Smallest and largest float eigenvalue of ``H``.
    positive_definite : bool
        The verdict.
    certified_exact : bool
        Decided by an exact certificate (rational ``H``;
        :func:`recovery.lsa.exact_linalg.certify_positive_definite`) instead of a float eigenvalue.
    certificate : str
        Names the method (``""`` for float ``H``).
    """

    min_eig: float
    max_eig: float
    positive_definite: bool
    certified_exact: bool
    certificate: str = ""


def lemma_3_1(quad: Quadratic, *, rtol: float = 1e-13) -> Lemma31:
    """Smallest/largest eigenvalue of ``H`` and whether ``H`` is positive definite (paper Lemma 3.1).

    Float ``H``: PD iff ``min_eig > rtol * max(abs(max_eig), tiny)``. Exact ``H``: an exact
    certificate (exact congruence ``C H C^T`` + Gershgorin, an exact negative direction, or the
    leading principal minors from FLINT's fraction-free LU; see :mod:`recovery.lsa.exact_linalg`).

    Parameters
    ----------
    quad : Quadratic
        The population quadratic; ``H`` has shape ``(dm, dm)``.
    rtol : float
        Relative tolerance of the float test, ``>= 0`` (unused for exact ``H``).

    Returns
    -------
    Lemma31
        The eigenvalue range and the verdict.

    Raises
    ------
    TypeError
        If ``quad`` is not a :class:`~recovery.lsa.quadratic.Quadratic`.

    Examples
    --------
    >>> q = population_quadratic(1, 5, prior=UniformBinaryPrior(), init=BernoulliInit(0.3))
    >>> lemma_3_1(q).positive_definite
    True
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

    Attributes
    ----------
    X_star : numpy.ndarray, shape (dm,)
        The minimiser ``X* = H^{-1} h`` (float64).
    ftilde_star : float
        The minimum ``ftilde* = c - h^T X*``.
    min_eig_H : float
        Smallest eigenvalue of ``H`` (float).
    exact : bool
        Whether the fields below are set (exact mode).
    X_star_exact : tuple of Fraction or None
        Exact mode: ``X*`` as Fractions.
    ftilde_star_exact : Fraction or None
        Exact mode: ``ftilde*``.
    pd_certificate : str or None
        Exact mode: the method of the exact positive-definiteness proof of ``H``.
    """

    X_star: np.ndarray
    ftilde_star: float
    min_eig_H: float
    exact: bool = False
    X_star_exact: tuple[Fraction, ...] | None = None
    ftilde_star_exact: Fraction | None = None
    pd_certificate: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The optimum as a JSON-ready record (schema ``lsahard.optimum/1``).

        Returns
        -------
        dict
            Floats, plus the exact values as strings in exact mode.
        """
        out: dict[str, Any] = {
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

    Parameters
    ----------
    quad : Quadratic
        ``ftilde(X) = X^T H X - 2 h^T X + c`` with ``H`` of shape ``(dm, dm)``.

    Returns
    -------
    Optimum
        ``X*`` (shape ``(dm,)``), ``ftilde* = c - h^T X*`` and the smallest eigenvalue of ``H``.

    Raises
    ------
    ValueError
        If ``H`` is singular or not positive definite.
    TypeError
        If ``quad`` is not a :class:`~recovery.lsa.quadratic.Quadratic`.

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
        if cert.min_eig is None:  # pragma: no cover - min_eig=True on a non-empty H always sets it
            raise ValueError("the positive-definiteness certificate of H reports no smallest eigenvalue")
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


def thm33_h(p: Any) -> np.ndarray:
    """Paper Thm 3.3 right-hand side ``h = [p^2/2, p^2/3, p^2/12 + p/4]`` (exact for Fraction ``p``).

    Order ``(G_xx, G_xy, G_yy)``; ``d = 1``, i.i.d. Bernoulli(p) starts, uniform binary prior.

    Parameters
    ----------
    p : float, int or Fraction
        ``P(s_1 = 1)`` in the open interval (0, 1).

    Returns
    -------
    numpy.ndarray, shape (3,)
        ``h``: object array of Fractions for exact ``p``, else float64.

    Examples
    --------
    >>> from fractions import Fraction
    >>> [str(v) for v in thm33_h(Fraction(1, 2))]
    ['1/8', '1/12', '7/48']
    """
    check_real(p, "p", low=0.0, high=1.0, low_open=True, high_open=True)
    if isinstance(p, (Fraction, numbers.Integral)) and not isinstance(p, bool):
        p = Fraction(p)
        return np.array([p * p / 2, p * p / 3, p * p / 12 + p / 4], dtype=object)
    p = float(p)
    return np.array([p * p / 2, p * p / 3, p * p / 12 + p / 4])


@dataclass(frozen=True, eq=False)
class Thm33Check:
    """d = 1, i.i.d. Bernoulli(p) starts, uniform binary prior: ``h`` vs the paper and realisability of X*.

    Attributes
    ----------
    p : float or Fraction
        ``P(s_1 = 1)``.
    n : int
        Number of context chains.
    h : numpy.ndarray, shape (3,)
        The computed ``h`` (Fractions in exact mode).
    h_matches_paper : bool
        ``h`` equals :func:`thm33_h` (exactly, or to 1e-12 relative for floats).
    X_star : numpy.ndarray, shape (3,)
        ``X* = H^{-1} h`` (Fractions in exact mode).
    discriminant : float or Fraction
        ``X_2^2 - 4 X_1 X_3`` of ``X*``.
    realizable : bool
        ``X*`` is in the image of phi (:func:`realizable_d1`).
    """

    p: Any
    n: int
    h: np.ndarray
    h_matches_paper: bool
    X_star: np.ndarray
    discriminant: Any
    realizable: bool


def thm33_check(p: Any, n: int) -> Thm33Check:
    """Compute the exact (rational if ``p`` is a Fraction) d = 1 optimum and test ``X_2^2 >= 4 X_1 X_3``.

    Paper Thm 3.3 states ``h`` (:func:`thm33_h`) and a realising parameter choice; whether ``X*``
    is realisable for every ``(p, n)`` is decided here (MATH.md section 4).

    Parameters
    ----------
    p : float, int or Fraction
        ``P(s_1 = 1)`` in (0, 1); an int/Fraction selects the exact rational mode.
    n : int
        Number of context chains, ``n >= 1``.

    Returns
    -------
    Thm33Check
        ``h`` against the paper, ``X*``, its discriminant and the realisability verdict.

    Examples
    --------
    >>> from fractions import Fraction
    >>> chk = thm33_check(Fraction(3, 10), 5)
    >>> chk.h_matches_paper, chk.discriminant < 0, chk.realizable  # X* is not realisable here
    (True, True, False)
    """
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
