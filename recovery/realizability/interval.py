r"""Rigorous (ball-arithmetic) re-verification of the branch-and-bound cover of :mod:`recovery.realizability.best`.

``best_realizable(..., method="bnb")`` searches in float64 (:func:`recovery.realizability.best.patch_box_lower_bound`).
Its float bound carries generous safety margins but is not a proof.  This module turns the float
search into a proof *a posteriori*: every pruned box (leaf) of the final cover is re-bounded in
ball arithmetic (float64 balls or python-flint ``arb``, see "Engines") from the quadratic's data entered exactly
(``fractions.Fraction`` for an exact :func:`recovery.lsa.population.population_quadratic`, else the
float64 values taken as exact binary rationals), and the certificate is the verified interval
``lower <= f* <= upper``:

* ``upper = ftilde(phi(b, A))`` evaluated in exact rational arithmetic at the returned float
  ``(b, A)`` (rounded up to a float);
* ``lower = min(upper, min over the leaves of the verified box bounds)`` (rounded down).

**Exact set-up (once, exact rationals / fmpq).**  With ``X^`` any float vector (the computed
``H^{-1} h``), ``e = H X^ - h`` and ``c0 = c - X^T H X^`` (exact), ``ftilde(X) = c0 + (X - X^)^T H
(X - X^) + 2 e^T X`` for every ``X``.  For a float matrix ``W`` with ``H - W^T W`` *proven* positive
semidefinite (exactly, :func:`recovery.lsa.exact_linalg.certify_positive_definite`), ``ftilde(X) >= c0 +
||W (X^ - X)||^2 + 2 e^T X``.  Two metrics are used, as in the search: ``W = s L^T`` (``L`` the float
Cholesky factor of ``H``, ``s = 1 - 2^-26``: the shrink by ``2^-25`` leaves a positive margin far
above the rounding error of ``L``) and the shrunk metric ``W'`` of the search (step 7 of
:func:`recovery.realizability.best.patch_box_lower_bound`), each only if its proof succeeds.  ``lambda_min(H) >= mu``
is proven the same way (``H - mu I`` positive definite), which bounds ``||X|| <= Rx`` on
``{ftilde <= upper}`` and hence ``|2 e^T X| <= 2 ||e|| Rx`` there; every box bound is therefore a
bound of ``min(upper, f)``.

**Per box (arb).**  The bound of :func:`recovery.realizability.best.patch_box_lower_bound` (steps 1-5) is
re-derived with *hints* -- float data that only have to be good, not correct: the inner solution
``a_c`` and a matrix ``Z`` (``C^{-T} U`` with ``G0 = C C^T`` and ``U`` the eigenvectors of
``C^{-1} Q_w C^{-T}``).  Substituting ``a = Z y`` (``Z`` is proven invertible below):
``Nt(b) = N(b) Z``, ``Gt = Z^T G0 Z`` (~ I) and ``Qt = Z^T Q_w Z`` (~ diagonal).  Gershgorin's
theorem on the ball matrices ``Gt`` and ``Qt`` gives ``lambda_min(Gt) >= l0 > 0`` and
``lambda_max(Qt) <= mu_w``; for ``b`` in the box, ``||Nt(b) y|| >= (sqrt(l0) - sqrt(sum_i w_i mu_w))
||y|| =: sk ||y||`` (Cauchy-Schwarz as in step 2) and, as in steps 3-5 (vertex norms included),
``s(b)^2 >= rho - 2 Al - Y - 2 sqrt(Y) Gam`` with ``sqrt(Y) = (||Z^T N0^T r_c|| + max_vertex ||Z^T
sum_i delta_i N_i^T r_c||) / sk``.  Every quantity is an ``arb`` ball computed from the exact float
inputs; upper bounds enter through ``arb.upper()`` and the result through ``arb.lower()``.  A box
fails if ``Z`` or the bound is not good enough (``l0 <= 0``, ``sk <= 0``) or if its verified bound is
below the target; a failed box is split in two along its widest side and both halves are verified
again (up to ``max_resplit`` levels); if any piece still fails the result is *not certified*.

**Engines.**  The same per-box bound is computed either in ``arb`` one box at a time
(:meth:`recovery.realizability.certifier.IntervalCertifier.box_bound`, ``engine="arb"``, about 1.5-3 ms
per box at d = 4) or for many boxes at once in float64 midpoint-radius balls whose radii carry a
proven a-priori bound of every rounding error (:mod:`recovery.realizability.ball`,
:mod:`recovery.realizability.ball_bound`, ``engine="numpy"``, the default, about 0.1 ms per box at
d = 4).  Both are proofs under their own assumptions (python-flint's ball arithmetic; IEEE 754
binary64 with round to nearest and sums of products in the matrix products); the tests check the
float64 balls against ``arb``.  Each leaf first tries the metric that won it in the search.

**Cover.**  The leaves must tile the ``d + 1`` patches ``[-1, 1]^d``: every leaf is checked to be an
aligned dyadic cube cell (``w`` a power of two ``>= 2^-40``, ``(t - w + 1) / (2 w)`` an integer), so
that all splits of the search were exact and its leaves are disjoint, and their volumes must add up
exactly (integer arithmetic) to ``(d + 1) 2^d``.
"""
from __future__ import annotations

import multiprocessing as mp
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from recovery.realizability.certifier import BATCH, CHOL_SCALE, ENGINES, MAX_RESPLIT, IntervalCertifier, VerifyStats
from recovery.realizability.exact import _round_up, exact_phi, exact_quadratic_data, exact_value

__all__ = ["IntervalCertifier", "exact_quadratic_data", "exact_value", "exact_phi", "verify_cover", "verify_leaves",
           "certify_bnb", "VerifyStats", "ENGINES", "CHOL_SCALE", "MAX_RESPLIT", "BATCH"]


def verify_cover(k: np.ndarray, t: np.ndarray, w: np.ndarray, d: int) -> tuple[bool, str]:
    """Check that the boxes tile the ``d + 1`` patches (see the module docstring, "Cover").

    Parameters
    ----------
    k : ndarray of int, shape (K,)
        Patch of every box, in ``0..d``.
    t, w : ndarray, shape (K, d)
        Centres and half-widths.
    d : int
        Chain length minus one.

    Returns
    -------
    ok : bool
    reason : str
        Why the check failed, or what was verified.

    Examples
    --------
    >>> import numpy as np
    >>> verify_cover(np.array([0, 1]), np.zeros((2, 1)), np.ones((2, 1)), 1)
    (True, 'aligned dyadic cells of total volume (d + 1) 2^d')
    >>> verify_cover(np.array([0]), np.zeros((1, 1)), np.ones((1, 1)), 1)[0]
    False
    """
    k, t, w = np.asarray(k), np.asarray(t, float), np.asarray(w, float)
    if k.size == 0:
        return False, "no boxes"
    if np.any((k < 0) | (k > d)):
        return False, "patch index out of range"
    m, ex = np.frexp(w)
    if not np.all(m == 0.5) or np.any(w < 2.0**-40) or np.any(w > 1.0):
        return False, "a half-width is not a power of two in [2^-40, 1]"
    cell = (t - w + 1.0) / (2.0 * w)  # exact: w is a power of two and |t|, w are coarse dyadics
    if not np.all(cell == np.floor(cell)) or np.any(t - w < -1.0) or np.any(t + w > 1.0):
        return False, "a box is not an aligned dyadic cell of [-1, 1]^d"
    L = -(ex - 1)  # w = 2^-L
    Ls = L.sum(axis=1).astype(np.int64)
    top = int(Ls.max())
    vol = sum(int(cnt) << int(top - s) for s, cnt in zip(*np.unique(Ls, return_counts=True)))
    # box volume (2w)^d = 2^(d - Ls); total must be (d + 1) 2^d, i.e. sum 2^-Ls = d + 1
    if vol != (d + 1) << top:
        return False, f"box volumes add up to {vol / 2.0**top:.12g} patches, not {d + 1}"
    return True, "aligned dyadic cells of total volume (d + 1) 2^d"


_POOL_CERT: IntervalCertifier | None = None


def _verify_share(args: tuple) -> tuple[float, VerifyStats]:
    """One worker's share of :func:`verify_leaves` (the certifier is inherited through ``fork``)."""
    k, t, w, target, max_resplit, engine, prefer = args
    if _POOL_CERT is None:
        raise ValueError("no certifier in this worker process (set by verify_leaves)")
    return _POOL_CERT.verify_boxes(k, t, w, target, max_resplit, engine=engine, prefer=prefer)


def verify_leaves(cert: IntervalCertifier, k: np.ndarray, t: np.ndarray, w: np.ndarray, target: float,
                  workers: int = 1, max_resplit: int = MAX_RESPLIT,
                  engine: str = "numpy", prefer: np.ndarray | None = None) -> tuple[float, VerifyStats]:
    """:meth:`IntervalCertifier.verify_boxes` over ``workers`` forked processes (boxes dealt round-robin).

    Parameters
    ----------
    cert : IntervalCertifier
    k : ndarray of int, shape (K,)
    t, w : ndarray, shape (K, d)
        The boxes (patch, centres, half-widths).
    target : float
        The bound every box must reach.
    workers : int, optional
        Processes (at most one per 64 boxes; default 1, in-process).
    max_resplit : int, optional
        Extra splits allowed per box.
    engine : str, optional
        One of :data:`ENGINES`.
    prefer : ndarray of bool, shape (K,), optional
        The boxes whose shrunk metric is tried first.

    Returns
    -------
    min_bound : float
        The minimum verified bound (``-inf`` if a box failed).
    stats : VerifyStats
        The summed statistics.
    """
    global _POOL_CERT
    t0 = time.perf_counter()
    workers = max(1, min(int(workers), max(1, k.size // 64)))
    if workers == 1:
        return cert.verify_boxes(k, t, w, target, max_resplit, engine=engine, prefer=prefer)
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    prefer = np.zeros(k.size, bool) if prefer is None else np.asarray(prefer, bool)
    _POOL_CERT = cert
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as ex:
            shares = [np.arange(i, k.size, workers) for i in range(workers)]
            res = list(ex.map(_verify_share, [(k[s], t[s], w[s], target, max_resplit, engine, prefer[s]) for s in shares]))
    finally:
        _POOL_CERT = None
    st = VerifyStats(leaves=int(k.size))
    for _, s in res:
        st.verified += s.verified
        st.resplit_boxes += s.resplit_boxes
        st.failed += s.failed
    st.min_bound = min(m for m, _ in res)
    st.seconds = time.perf_counter() - t0
    return st.min_bound, st


def certify_bnb(quad_exact: Any, d: int, pb: Any, b: np.ndarray, A: np.ndarray, leaves: tuple[np.ndarray, ...],
                gap_tol: float,
                workers: int = 1, engine: str = "numpy") -> dict:
    """The rigorous certificate of a closed branch-and-bound search (see the module docstring).

    Proves ``f_lower <= f* <= f_upper`` for ``f* = min_{b, A} ftilde(phi(b, A))``, the loss of the
    best realisable one-layer LSA (paper Lemma 3.2, Remark C.15).

    Parameters
    ----------
    quad_exact : object
        The quadratic, exact if possible (see :func:`exact_quadratic_data`).
    d : int
        Chain length minus one.
    pb : recovery.realizability.patch_bounds._BoxBounds
        The bounds of the search.
    b : ndarray, shape (d+1,)
    A : ndarray, shape (d+1, d)
        The incumbent.
    leaves : tuple of ndarray
        ``(k, t, w)``, the pruned boxes of the search (shapes ``(K,)``, ``(K, d)``, ``(K, d)``),
        optionally with a fourth array, the boxes whose shrunk metric won in the search (tried first here).
    gap_tol : float
        Certified iff ``f_upper - f_lower <= gap_tol max(1, abs(f_upper))``.
    workers : int, optional
        Processes for the re-verification.
    engine : str, optional
        One of :data:`ENGINES` (default ``"numpy"``, float64 balls).

    Returns
    -------
    dict
        ``f_upper`` (exact value of ``ftilde(phi(b, A))``, rounded up), ``f_lower`` (rigorous, rounded
        down; ``None`` unless every box verified), ``certified`` (the cover is verified and
        ``f_upper - f_lower <= gap_tol max(1, abs(f_upper))``), ``cover``, ``data`` and statistics.
    """
    t0 = time.perf_counter()
    H, h, c, label = exact_quadratic_data(quad_exact)
    up_q = exact_value(H, h, c, exact_phi(np.asarray(b, float), np.asarray(A, float)))
    upper = _round_up(up_q)
    tol = gap_tol * max(1.0, abs(upper))
    out: dict = {"data": label, "f_upper": upper, "f_lower": None, "certified": False, "leaves": int(leaves[0].size)}
    k, t, w = leaves[0], leaves[1], leaves[2]
    ok, why = verify_cover(k, t, w, d)
    out["cover"] = why
    if not ok:
        out["seconds"] = time.perf_counter() - t0
        return out
    cert = IntervalCertifier(quad_exact, d, pb, up_q)
    out["metrics"] = list(cert.metric_names)
    out["lambda_min_proof"] = cert.lam_proof
    out["setup_seconds"] = time.perf_counter() - t0
    if not cert.metrics:
        out["seconds"] = time.perf_counter() - t0
        return out
    target = float(np.nextafter(upper - tol, np.inf))
    lo, st = verify_leaves(cert, k, t, w, target, workers=workers, engine=engine,
                           prefer=leaves[3] if len(leaves) > 3 else None)
    out.update({"engine": engine, "verified_boxes": st.verified, "resplit_boxes": st.resplit_boxes, "failed_boxes": st.failed,
                "verify_seconds": st.seconds})
    if st.failed == 0 and np.isfinite(lo):
        out["f_lower"] = min(lo, upper)
        out["certified"] = upper - out["f_lower"] <= tol
    out["seconds"] = time.perf_counter() - t0
    return out
