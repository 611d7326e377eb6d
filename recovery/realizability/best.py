r"""The best realisable one-layer LSA and the projection psi (MATH.md Sections 4-5; paper Remark C.15).

``f* = min_{b, A} ftilde(phi(b, A))`` with ``ftilde(X) = X^T H X - 2 h^T X + c``.

* **Inner problem (closed form).**  For fixed ``b``, ``phi(b, A) = M(b) vec(A)`` with
  ``M(b) = I_d kron B(b)`` (``recovery.lsa.reparam.phi_matrix_in_A``, ``vec`` column-major), so
  ``ftilde(phi(b, A)) = vec(A)^T K vec(A) - 2 r^T vec(A) + c`` with ``K = M^T H M`` and
  ``r = M^T h``.  ``B(b)`` has full column rank for every ``b != 0`` (``b a^T + a b^T = 0`` forces
  ``a = 0``), so ``K`` is positive definite whenever ``H`` is; the gauge freedom
  ``phi(c b, A/c) = phi(b, A)`` lives entirely in ``b``.  We solve ``K vec(A) = r`` by Cholesky and
  fall back to an eigenvalue pseudo-inverse (minimum-norm minimiser) if ``K`` is numerically
  singular (``H`` only semidefinite).  ``g(b) := min_A = c - r^T vec(A*)``.  ``K`` is assembled
  blockwise, ``K_{(j,u),(k,v)} = (B^T H_{jk} B)_{uv}``, in ``O(d^2 m^2 d)`` instead of forming ``M``.
* **Outer problem.**  ``g`` is homogeneous of degree 0 in ``b``, so it lives on the unit sphere of
  ``R^{d+1}``.  By the envelope theorem ``grad g(b) = 2 C(A*)^T (H phi(b, A*) - h)`` with
  ``C(A) = phi_matrix_in_b(A)`` (orthogonal to ``b``).  Multistart BFGS on the unnormalised ``b``
  (``b`` renormalised after every run), starting from the ``b`` of ``psi(X*)``, from the spectral
  candidates of ``X*`` (eigenvectors and isotropic-line candidates of every ``S_j(X*)``) and from
  random Gaussian directions.
* **Certified modes** (``d <= 4``).  ``method="bnb"`` (the default certifier of
  ``method="certified"``): best-first branch-and-bound over the ``d + 1`` patches
  ``b = e_k + sum_{i != k} t_i e_i``, ``t in [-1, 1]^d``, which cover the sphere modulo the gauge, with
  the rigorous second-order box bound proved in :func:`patch_box_lower_bound` (each box takes the
  larger of the bound in the metric ``H`` and in a shrunk, better conditioned metric ``H' <= H``, its
  step 7; this is what certifies d = 4 on the population quadratics); it stops when
  ``U - LB <= gap_tol max(1, |U|)`` or at the time limit (then ``certified_global = False`` and the
  gap is reported).  ``method="scip"``: SCIP (Pyomo ``scip_direct``) on the polynomial formulation
  ``min (X - X*)^T H (X - X*) + ftilde*`` s.t. ``X = phi(b, A)``, ``||b||^2 = 1``, ``b_0 >= 0``
  and the box below; spatial branch-and-bound returns a *dual bound* ``L``; certified iff SCIP
  terminated optimal and ``f_best - L <= gap_tol * max(1, |f_best|)`` (default ``gap_tol = 1e-5``),
  where ``f_best`` is the best of multistart and SCIP's primal ``b`` (with ``A`` re-optimised in
  closed form), evaluated in float64.  Box (valid: it contains a minimiser): with ``U`` the multistart value and
  ``rho = U - ftilde*``, every minimiser has ``(X - X*)^T H (X - X*) <= rho``, hence
  ``|X_r - X*_r| <= sqrt(rho (H^{-1})_{rr})`` and ``||X^{(j)} - X*^{(j)}|| <= R_j :=
  sqrt(rho lambda_max((H^{-1})_{jj}))``; with ``||b|| = 1``,
  ``|A[u, j]| <= ||a_j|| <= sqrt(2) ||X^{(j)}||`` (``||X^{(j)}||^2 >= ||S_j||_F^2 / 4
  = (2||a_j||^2 + 2 (b.a_j)^2)/4``); ``b_0 >= 0`` by the sign symmetry ``phi(-b, -A) = phi(b, A)``.
  The SCIP certificate is as good as SCIP's feasibility tolerance (1e-6 default) on the bilinear
  equalities: the dual bound is for that slightly relaxed problem, which is why ``gap_tol`` is 1e-5.
  In both modes the returned ``(b, A)`` is re-checked by evaluating ``ftilde(phi(b, A))`` directly.
* ``psi(X) = argmin_{b, A} ||phi(b, A) - X||_2`` is the same problem with ``H = I``, ``h = X``,
  ``c = ||X||^2``; if ``X`` is realisable (:func:`recovery.realizability.realize.recover`) the exact preimage is
  returned.  Chain reported: ``ftilde* <= f* <= ftilde(phi(psi(X*)))``.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import linalg as sla
from scipy.optimize import minimize

from recovery.validation import as_float_array, check_int, check_real, check_rng
from recovery.lsa.reparam import X_to_S, num_pairs, phi, phi_block, phi_matrix_in_b
from recovery.realizability.realize import recover
from recovery.realizability.realize_scip import _quiet_pyomo

__all__ = ["BestLSA", "best_realizable", "psi", "inner_solve", "SimpleQuadratic", "patch_box_lower_bound", "METHODS"]



SCHEMA_VERSION = "lsahard.best/1"


@dataclass(frozen=True, eq=False)
class SimpleQuadratic:
    """Minimal float quadratic ``X^T H X - 2 h^T X + c`` (duck-type of ``recovery.lsa.population.Quadratic``)."""

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
        X = np.asarray(X, dtype=float)
        return float(X @ self.H @ X - 2.0 * self.h @ X + self.c)


def _as_quad(quad: Any) -> tuple[SimpleQuadratic, int]:
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
    """``argmin_A ftilde(phi(b, A))`` and its value for a fixed ``b != 0`` (closed form, see module doc)."""
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
    best = (None, None, np.inf)
    values = []
    for b0 in starts:
        res = minimize(inner.value_grad, b0 / np.linalg.norm(b0), jac=True, method="BFGS",
                       options={"maxiter": maxiter, "gtol": 1e-9})
        b = res.x / np.linalg.norm(res.x)
        A, f = inner.solve(b)
        values.append(f)
        if f < best[2]:
            best = (b, A, f)
    return best[0], best[1], best[2], values


def psi(X: Any, d: int | None = None, *, starts: int = 8, rng: Any = 0, rtol: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """``psi(X) = argmin_{b, A} ||phi(b, A) - X||_2`` (paper Remark C.15); returns ``(b, A)``, ``||b|| = 1``.

    Exact preimage when :func:`recovery.realizability.realize.recover` finds one (at ``rtol``); otherwise multistart
    over the sphere with the closed-form inner least squares (``H = I``, ``h = X``).  ``d`` is
    inferred from ``len(X) = d (d+1)(d+2)/2`` when omitted.
    """
    X = as_float_array(X, "X", ndim=1)
    q, dd = _as_quad(SimpleQuadratic(np.eye(X.size), X, float(X @ X)))
    if d is not None and check_int(d, "d", min_value=1) != dd:
        raise ValueError(f"X has length {X.size}, expected d (d+1)(d+2)/2 = {d * num_pairs(d)} for d = {d}")
    starts = check_int(starts, "starts", min_value=0)
    rng = check_rng(rng)
    rec = recover(X, dd, rtol=rtol)
    if rec.realizable:
        return rec.b, rec.A
    inner = _Inner(q, dd)
    cand = _spectral_starts(X, dd) + [rng.standard_normal(dd + 1) for _ in range(starts)]
    b, A, _, _ = _multistart(inner, cand, maxiter=200)
    return b, A


@dataclass(frozen=True, eq=False)
class BestLSA:
    """Best realisable one-layer LSA: ``f_best = ftilde(phi(b, A))`` (float64 re-evaluation),
    ``ftilde_star = min ftilde`` (unconstrained), ``f_psi = ftilde(phi(psi(X*)))``;
    ``certified_global`` iff a certified lower bound ``lower_bound`` (branch-and-bound or SCIP dual
    bound) is within ``details['gap_tol'] * max(1, |f_best|)`` of ``f_best``; ``method`` is one of
    :data:`METHODS` (as requested; ``details['certifier']`` says which certifier ``"certified"`` used)."""

    d: int
    f_best: float
    b: np.ndarray
    A: np.ndarray
    certified_global: bool
    ftilde_star: float
    f_psi: float
    method: str
    lower_bound: float | None = None
    details: dict = field(default_factory=dict)
    #: rigorous enclosure ``f_lower <= f* <= f_upper`` (ball-arithmetic re-verification of the
    #: branch-and-bound cover, :mod:`recovery.realizability.interval`); ``None`` when not verified
    f_lower: float | None = None
    f_upper: float | None = None

    def __post_init__(self) -> None:
        d = check_int(self.d, "d", min_value=1)
        object.__setattr__(self, "b", as_float_array(self.b, "b", shape=(d + 1,)))
        object.__setattr__(self, "A", as_float_array(self.A, "A", shape=(d + 1, d)))
        for k in ("f_best", "ftilde_star", "f_psi"):
            object.__setattr__(self, k, check_real(getattr(self, k), k))
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        object.__setattr__(self, "certified_global", bool(self.certified_global))

    def chain_holds(self, tol: float = 1e-10) -> bool:
        """``ftilde* <= f* <= ftilde(phi(psi(X*)))`` up to ``tol`` (relative to ``max(1, |f|)``)."""
        s = tol * max(1.0, abs(self.f_psi))
        return self.ftilde_star <= self.f_best + s and self.f_best <= self.f_psi + s

    def to_json(self) -> dict:
        return {
            "schema": SCHEMA_VERSION,
            "d": self.d,
            "ftilde_star": self.ftilde_star,
            "f_best": self.f_best,
            "f_psi": self.f_psi,
            "b": self.b.tolist(),
            "A": self.A.tolist(),
            "certified_global": self.certified_global,
            "method": self.method,
            "lower_bound": self.lower_bound,
            "f_lower": self.f_lower,
            "f_upper": self.f_upper,
            "details": self.details,
        }

    @classmethod
    def from_json(cls, obj: dict) -> "BestLSA":
        if not isinstance(obj, dict) or obj.get("schema") != SCHEMA_VERSION:
            raise ValueError(f"obj must be a dict with schema {SCHEMA_VERSION!r}")
        kw = {k: obj[k] for k in ("d", "f_best", "b", "A", "certified_global", "ftilde_star", "f_psi",
                                  "method", "lower_bound", "details")}
        kw.update({k: obj.get(k) for k in ("f_lower", "f_upper")})
        return cls(**kw)


def level_set_box(H: np.ndarray, X_star: np.ndarray, d: int, rho: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Projections of the ellipsoid ``(X - X*)^T H (X - X*) <= rho`` (every point with
    ``ftilde(X) <= ftilde* + rho``): ``xr`` with ``|X_r - X*_r| <= xr_r = sqrt(rho (H^-1)_rr)``,
    ``R`` with ``||X^(j) - X*^(j)|| <= R_j = sqrt(rho lambda_max((H^-1)_jj))`` and
    ``xb_j = ||X*^(j)|| + R_j >= ||X^(j)||``; shapes ``(d m,)``, ``(d,)``, ``(d,)``."""
    m = num_pairs(d)
    Hinv = np.linalg.inv(H)
    Hinv = 0.5 * (Hinv + Hinv.T)
    xr = np.sqrt(rho * np.clip(np.diag(Hinv), 0.0, None))
    R = np.array([np.sqrt(rho * max(np.linalg.eigvalsh(Hinv[j * m:(j + 1) * m, j * m:(j + 1) * m])[-1], 0.0))
                  for j in range(d)])
    xb = np.linalg.norm(X_star.reshape(d, m), axis=1) + R
    return xr, R, xb


def _scip_certify(q: SimpleQuadratic, d: int, X_star: np.ndarray, f_star: float, upper: float,
                  time_limit: float, gap_tol: float, warm: tuple[np.ndarray, np.ndarray]) -> dict:
    """SCIP on the polynomial formulation (see module docstring); returns bound, primal and status."""
    import pyomo.environ as pe
    from pyomo.opt import TerminationCondition as TC

    from recovery.lsa.reparam import D_pattern

    m = num_pairs(d)
    lam_min = float(np.linalg.eigvalsh(q.H)[0])
    if lam_min <= 0:
        return {"status": "skipped: H not positive definite", "lower_bound": None}
    # every minimiser lies in the ellipsoid (X - X*)^T H (X - X*) <= U - ftilde*: its projections give
    # |X_r - X*_r| <= sqrt(rho (H^-1)_rr) and ||X^(j) - X*^(j)|| <= sqrt(rho lambda_max((H^-1)_jj))
    rho = max(upper - f_star, 0.0) * (1 + 1e-6) + 1e-12
    xr, R, xb = level_set_box(q.H, X_star, d, rho)
    abound = np.sqrt(2.0) * xb
    L = np.linalg.cholesky(q.H)  # H = L L^T; objective ||L^T (X - X*)||^2 + ftilde*
    Mdl = pe.ConcreteModel()
    Mdl.U = pe.RangeSet(0, d)
    Mdl.J = pe.RangeSet(0, d - 1)
    Mdl.R = pe.RangeSet(0, d * m - 1)
    Mdl.b = pe.Var(Mdl.U, bounds=lambda _, u: (0.0, 1.0) if u == 0 else (-1.0, 1.0))
    Mdl.A = pe.Var(Mdl.U, Mdl.J, bounds=lambda _, u, j: (-float(abound[j]), float(abound[j])))
    Mdl.X = pe.Var(Mdl.R, bounds=lambda _, r: (float(X_star[r] - xr[r]), float(X_star[r] + xr[r])))
    Mdl.eq = pe.ConstraintList()
    for r, (j, trip) in enumerate(D_pattern(d)):
        Mdl.eq.add(Mdl.X[r] == sum(val * Mdl.b[row] * Mdl.A[col, j] for row, col, val in trip))
    Mdl.norm = pe.Constraint(expr=sum(Mdl.b[u] ** 2 for u in range(d + 1)) == 1.0)
    Lt = L.T
    Mdl.Y = pe.Var(Mdl.R)
    Mdl.ydef = pe.ConstraintList()
    for i in range(d * m):
        Mdl.ydef.add(Mdl.Y[i] == sum(float(Lt[i, k]) * (Mdl.X[k] - float(X_star[k])) for k in range(i, d * m)
                                    if Lt[i, k] != 0.0))
    Mdl.obj = pe.Objective(expr=sum(Mdl.Y[i] ** 2 for i in range(d * m)) + float(f_star))
    # warm start from the multistart solution (sign-normalised so that b_0 >= 0)
    bw, Aw = warm
    if bw[0] < 0:
        bw, Aw = -bw, -Aw
    Xw = phi(bw, Aw)
    for u in range(d + 1):
        Mdl.b[u].value = float(bw[u])
        for j in range(d):
            Mdl.A[u, j].value = float(np.clip(Aw[u, j], -abound[j], abound[j]))
    for r in range(d * m):
        Mdl.X[r].value = float(Xw[r])
    Yw = Lt @ (Xw - X_star)
    for i in range(d * m):
        Mdl.Y[i].value = float(Yw[i])
    solver = pe.SolverFactory("scip_direct")
    t0 = time.perf_counter()
    # SCIP's display off: Pyomo's scip_direct reads SCIP's log through a pipe while SCIP holds the
    # GIL, which deadlocked once the log passed ~64 KB (seen in benchmarks.perf.crosscheck_best_scip)
    opts = {"limits/time": float(time_limit), "limits/gap": float(gap_tol) / 10, "display/verblevel": 0}
    try:
        res = solver.solve(Mdl, load_solutions=False, warmstart=True, options=opts)
    except Exception:  # older plugin without warm start support
        res = solver.solve(Mdl, load_solutions=False, options=opts)
    secs = time.perf_counter() - t0
    tc = res.solver.termination_condition
    lb = res.problem.lower_bound
    lb = None if lb is None or not np.isfinite(float(lb)) else float(lb)
    out: dict = {"status": str(tc), "optimal": tc == TC.optimal, "lower_bound": lb, "seconds": secs,
                 "box_R": R.tolist(), "scip_primal": None}
    if len(res.solution) > 0:
        # pyomo logs a WARNING (to stdout) when loading the incumbent of an aborted (time-limit) run
        with _quiet_pyomo():
            Mdl.solutions.load_from(res)
        b = np.array([pe.value(Mdl.b[u]) for u in range(d + 1)])
        if np.linalg.norm(b) > 0:
            # re-check: re-optimise A in closed form for SCIP's b (only lowers the value)
            bn = b / np.linalg.norm(b)
            A2, f2 = _Inner(q, d).solve(bn)
            out["scip_primal"] = (bn, A2, f2)
    return out


# ----------------------------------------------------------------------------------------------------
# Sphere/patch branch-and-bound with a rigorous second-order box bound (method="bnb")
# ----------------------------------------------------------------------------------------------------

class _PatchBounds:
    r"""Whitened data and the vectorised box bound of :func:`patch_box_lower_bound` (see its docstring).

    ``H = V diag(lam) V^T``; ``W = diag(sqrt(lam')) V^T`` with ``lam' = lam`` (``spectrum=None``: the
    exact bound) or a given ``lam' <= lam - margin`` (a *shrunk* metric ``H' = W^T W <= H``, step 7 of
    :func:`patch_box_lower_bound`).  ``N_i = W M(e_i)`` (``M = phi_matrix_in_A``), shape ``(dm, p)``
    with ``p = d (d+1)``; ``r0 = W X^`` with ``X^`` the computed ``H^{-1} h``; ``c0 = c - X^T H X^``.
    For every ``X``: ``ftilde(X) = ||W_H (X^ - X)||^2 + c0 + 2 e^T X >= ||W (X^ - X)||^2 + c0 + 2 e^T X``
    with ``e = H X^ - h`` (the float residual of the linear solve; ``|2 e^T X|`` is added to the margin).

    Everything that depends on ``b = sum_u b_u e_u`` is assembled from per-``e_u`` products in single
    matrix products over the batch (``N(b)^T r = sum_u b_u N_u^T r``, ``N(b) a = sum_u b_u N_u a``,
    ``N(b)^T N(b) = sum_{u,v} b_u b_v N_u^T N_v``), never by forming ``N(b)`` per box.
    """

    def __init__(self, q: SimpleQuadratic, d: int, spectrum: np.ndarray | None = None) -> None:
        from recovery.lsa.reparam import phi_matrix_in_A

        self.q, self.d = q, d
        p = self.p = d * (d + 1)
        lam, V = np.linalg.eigh(q.H)
        if not lam[0] > 0:
            raise ValueError("method='bnb' needs a positive definite H (smallest eigenvalue "
                             f"{lam[0]:.3g})")
        self.lam_min = float(lam[0])
        Lc = np.linalg.cholesky(q.H)
        X = sla.cho_solve((Lc, True), q.h)
        X = X + sla.cho_solve((Lc, True), q.h - q.H @ X)  # one step of iterative refinement
        self.X_hat = X
        self.e_res = q.H @ X - q.h
        self.c0 = float(q.c - X @ q.H @ X)
        if spectrum is None:
            self.W = Lc.T
            self.shrunk = False
        else:
            lp = np.asarray(spectrum, float)
            # H - W^T W = V diag(lam - lam') V^T + (H - V diag(lam) V^T) must stay >= 0: the gap
            # lam - lam' has to dominate the eigendecomposition error (~ n eps lam_max)
            gap = 100.0 * lam.size * np.finfo(float).eps * lam[-1]
            if lp.shape != lam.shape or not np.all(lp > 0) or not np.all(lp <= lam - gap):
                raise ValueError("spectrum must be positive and below eig(H) by the eigen-error margin")
            self.W = np.sqrt(lp)[:, None] * V.T
            self.shrunk = True
        self.r0 = self.W @ X
        eye = np.eye(d + 1)
        N = np.stack([self.W @ phi_matrix_in_A(eye[i]) for i in range(d + 1)])  # (d+1, dm, p)
        dm = N.shape[1]
        self.Ncat = np.ascontiguousarray(N.transpose(1, 0, 2).reshape(dm, (d + 1) * p))  # r -> N_u^T r
        self.NcatT = np.ascontiguousarray(N.transpose(2, 0, 1).reshape(p, (d + 1) * dm))  # a -> N_u a
        NtN = np.einsum("urc,vrs->uvcs", N, N)  # N_u^T N_v, (d+1, d+1, p, p)
        self.NtN_flat = np.ascontiguousarray(NtN.reshape((d + 1) ** 2, p * p))
        self.NtN = np.stack([NtN[i, i] for i in range(d + 1)])  # N_i^T N_i, (d+1, p, p)
        self.NtN_cross = NtN
        self.Ntr0 = np.stack([N[i].T @ self.r0 for i in range(d + 1)])  # (d+1, p)
        self.J = [np.array([i for i in range(d + 1) if i != k]) for k in range(d + 1)]
        # the 2^d vertices of a box in sign form (for the concave vertex bound kappa_v, see evaluate)
        self.signs = np.array(np.meshgrid(*([[-1.0, 1.0]] * d), indexing="ij")).reshape(d, -1).T
        self.vertex_kappa = False  # measured: 1.6x fewer leaves at d = 4 but 6x the cost per box
        self.vertex_norms = True

    def _margin_res(self, U: float) -> float:
        """Bound on ``|2 e^T X|`` over every ``X`` with ``ftilde(X) <= U`` (twice the naive radius)."""
        rad = np.sqrt(max(U - self.c0, 0.0) / self.lam_min) * 2.0 + 1e-300
        return float(2.0 * np.linalg.norm(self.e_res) * (np.linalg.norm(self.X_hat) + rad))

    def _Nt(self, b: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(N(b)^T r, [N_u^T r]_u)``: shapes ``(K, p)`` and ``(K, d+1, p)``."""
        K = r.shape[0]
        all_u = (r @ self.Ncat).reshape(K, self.d + 1, self.p)
        return np.einsum("ku,kuc->kc", b, all_u), all_u

    def _N(self, b: np.ndarray, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(N(b) a, [N_u a]_u)``: shapes ``(K, dm)`` and ``(K, d+1, dm)``."""
        K = a.shape[0]
        all_u = (a @ self.NcatT).reshape(K, self.d + 1, -1)
        return np.einsum("ku,kur->kr", b, all_u), all_u

    def centre_solve(self, k: int, t: np.ndarray):
        """Float solve at the centres ``t`` (K, d) of boxes of patch ``k``.

        Returns ``(b, G0, Ci, G0i, good, a)``: the centres ``b`` (K, d+1) with ``b_k = 1``,
        ``G0 = N(b)^T N(b)`` (K, p, p), the inverse ``Ci`` of its Cholesky factor and
        ``G0i = Ci^T Ci = G0^{-1}``, the mask ``good`` of
        boxes whose ``G0`` is numerically positive definite (the others get ``Ci`` of the identity),
        and the inner solution ``a = G0^{-1} N(b)^T r0`` after one step of iterative refinement.
        """
        d, p = self.d, self.p
        K = t.shape[0]
        b = np.zeros((K, d + 1))
        b[:, k] = 1.0
        b[:, self.J[k]] = t
        bb = (b[:, :, None] * b[:, None, :]).reshape(K, -1)
        G0 = (bb @ self.NtN_flat).reshape(K, p, p)
        G0 = 0.5 * (G0 + np.swapaxes(G0, 1, 2))
        # G0 = C C^T; boxes whose G0 is numerically singular get the trivial bound (never on a patch in
        # exact arithmetic, see the docstring of patch_box_lower_bound)
        try:
            C = np.linalg.cholesky(G0)
            good = np.ones(K, bool)
        except np.linalg.LinAlgError:
            good = np.array([np.all(np.linalg.eigvalsh(g) > 0) for g in G0])
            C = np.linalg.cholesky(np.where(good[:, None, None], G0, np.eye(p)[None]))
        Ci = np.linalg.inv(C)  # C^{-1}
        G0i = np.matmul(np.swapaxes(Ci, 1, 2), Ci)  # G0^{-1}
        a = np.matmul(G0i, (b @ self.Ntr0)[..., None])[..., 0]
        Na0, _ = self._N(b, a)
        g, _ = self._Nt(b, self.r0[None, :] - Na0)
        a = a + np.matmul(G0i, g[..., None])[..., 0]  # one step of iterative refinement
        return b, G0, Ci, G0i, good, a

    def evaluate(self, k: int, t: np.ndarray, w: np.ndarray, U: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Boxes of patch ``k`` with centres ``t`` (K, d) and half-widths ``w`` (K, d) (patch coordinates).

        Returns ``(lower, value, a)``: the rigorous lower bound of ``f`` on every box (K,), the float
        value ``c0 + ||r0 - N(b_c) a_c||^2`` at the centre (K,) (the true ``f(b_c)`` only when
        ``self.shrunk`` is False) and the inner solution ``a_c`` (K, p).
        ``U`` only enters the tiny solve-residual margin.
        """
        d, p = self.d, self.p
        K = t.shape[0]
        J = self.J[k]
        eps = np.finfo(float).eps
        b, G0, Ci, G0i, good, a = self.centre_solve(k, t)
        # cond(G0) <= ||G0||_F ||G0^{-1}||_F  (an upper bound; it sizes the safety margin)
        cond = np.linalg.norm(G0.reshape(K, -1), axis=1) * np.einsum("kij,kij->k", Ci, Ci)
        good &= cond < 1.0 / (1e3 * p * eps)
        marg = np.where(good, 1e-9 + 100.0 * p * eps * cond, 1.0)
        Na0, Na_all = self._N(b, a)
        rc = self.r0[None, :] - Na0
        rho = np.einsum("kr,kr->k", rc, rc)
        g, Ntr_all = self._Nt(b, rc)
        # Z columns: N0^T r_c, N_i^T r_c (i in J);  ||G0^{-1/2} z|| = ||C^{-1} z||
        Z = np.concatenate([g[:, :, None], np.swapaxes(Ntr_all[:, J], 1, 2)], axis=2)
        CZv = np.matmul(Ci, Z)  # (K, p, d+1)
        CZ = np.linalg.norm(CZv, axis=1) * (1 + marg)[:, None]  # (K, d+1)
        p0, pi = CZ[:, 0], CZ[:, 1:]
        Qw = (w @ self.NtN[J].reshape(d, p * p)).reshape(K, p, p)
        T2 = np.matmul(np.matmul(Ci, Qw), np.swapaxes(Ci, 1, 2))  # C^{-1} Qw C^{-T}
        lam = np.linalg.eigvalsh(0.5 * (T2 + np.swapaxes(T2, 1, 2)))[:, -1]
        eta = np.sqrt(np.maximum(lam, 0.0) * w.sum(1)) * (1 + marg) + marg
        kappa = np.where(eta < 1.0, (1.0 - eta) ** 2, 0.0)
        if self.vertex_kappa:
            # N^T N = G0 + N0^T E + E^T N0 + E^T E >= C (I + sum_i delta_i S_i) C^T with
            # S_i = C^{-1} (N0^T N_i + N_i^T N0) C^{-T}; lambda_min of an affine matrix function is concave,
            # so its minimum over the box is at one of the 2^d vertices delta = s * w
            F = np.einsum("ku,ujcs->kjcs", b, self.NtN_cross[:, J], optimize=True)  # N0^T N_i
            S = np.matmul(np.matmul(Ci[:, None], F + np.swapaxes(F, 2, 3)), np.swapaxes(Ci, 1, 2)[:, None])
            Lv = np.einsum("vj,kj,kjcs->kvcs", self.signs, w, S, optimize=True)
            Lv = 0.5 * (Lv + np.swapaxes(Lv, 2, 3))
            kv = 1.0 + np.linalg.eigvalsh(Lv)[..., 0].min(axis=1)
            kv = kv - marg * (1.0 + np.einsum("kj,kj->k", w, np.linalg.norm(S, axis=(2, 3))))
            kappa = np.maximum(kappa, kv)
        ok = good & (kappa > 0.0)
        kappa = np.where(ok, kappa, 1.0)
        Na = Na_all[:, J]  # N_i a_c, (K, d, dm)
        inflate = 1 + 1e-9
        al = np.abs(np.einsum("kjr,kr->kj", Na, rc))
        ga = np.linalg.norm(Na, axis=2)
        Al = (w * al).sum(1) * inflate
        Gam = (w * ga).sum(1) * inflate
        pw = (w * pi).sum(1)
        if self.vertex_norms:
            # a norm of a vector that is linear in delta is convex, so its maximum over the box is at a
            # vertex: ||E a_c|| <= max_v ||sum_i s_vi w_i N_i a_c||, ||C^-1 sum delta_i N_i^T r_c|| likewise
            gv = np.linalg.norm(np.matmul(self.signs[None] * w[:, None, :], Na), axis=2).max(1)
            Gam = np.minimum(Gam, gv * inflate * (1 + 1e-9))
            pv = np.linalg.norm(np.matmul(self.signs[None] * w[:, None, :], np.swapaxes(CZv[:, :, 1:], 1, 2)),
                                axis=2)
            pw = np.minimum(pw, pv.max(1) * (1 + marg) * inflate)
        sk = np.sqrt(kappa)
        sY = (p0 + pw) / sk
        Y = sY**2
        lb = rho - 2.0 * Al - Y - 2.0 * sY * Gam
        lb = lb - 1e-9 * (rho + 2.0 * Al + Y + 2.0 * sY * Gam) - 1e-15 * abs(self.c0)
        lb = np.where(ok, np.maximum(lb, 0.0), 0.0)
        lower = self.c0 + lb - self._margin_res(U)
        # splitting heuristic (no effect on validity): each side's share of the bound's loss, or of
        # eta (trace(G0^{-1} N_i^T N_i)) where the bound is trivial
        tr = np.sqrt(np.maximum(G0i.reshape(K, p * p) @ self.NtN[J].reshape(d, p * p).T, 0.0))
        loss_i = 2.0 * al + 2.0 * sY[:, None] * (ga + pi / sk[:, None])
        self.last_score = w * np.where(ok[:, None], loss_i, tr)
        return lower, self.c0 + rho, a


def patch_box_lower_bound(quad: Any, k: int, center: Any, halfwidth: Any, *, metric: str = "exact") -> float:
    r"""Rigorous lower bound of ``f(b) = min_A ftilde(phi(b, A))`` over one box of patch ``k``.

    **Patches.**  Every ``b != 0`` is, up to the gauge ``phi(c b, A / c) = phi(b, A)`` (``c != 0``,
    including the sign), equal to ``e_k + sum_{i != k} t_i e_i`` with ``t in [-1, 1]^d`` for
    ``k = argmax_u |b_u|``; so ``f* = min_k min_{t in [-1,1]^d} f(b_k(t))`` over the ``d + 1`` patches.
    ``center`` and ``halfwidth`` are the ``d`` patch coordinates ``t_i`` (``i != k`` in increasing
    order) of the box centre and its half-widths ``w_i``.

    **Whitening.**  With ``H = L L^T``, ``W = L^T``, ``X* = H^{-1} h``, ``ftilde* = c - h^T X*``:
    ``ftilde(X) = ftilde* + ||W (X* - X)||^2``, hence ``f(b) = ftilde* + s(b)^2`` with
    ``s(b) = min_a ||r0 - N(b) a||``, ``r0 = W X*``, ``N(b) = W M(b) = sum_u b_u N_u`` (linear in b).
    ``N(b)`` is injective for ``b != 0`` (``b a^T + a b^T = 0`` forces ``a = 0``) and ``W`` is
    invertible, so ``sigma_min(N(b)) > 0`` on every patch.

    **Bound.**  Let ``N0 = N(b_c)``, ``G0 = N0^T N0``, ``a_c`` *any* vector (the computed inner
    solution), ``r_c = r0 - N0 a_c``, ``rho = ||r_c||^2``.  For ``b`` in the box write
    ``N = N(b) = N0 + E``, ``E = sum_{i != k} delta_i N_i``, ``|delta_i| <= w_i``.

    1. *Exact residual.*  ``s(b)^2 = ||(I - P) v||^2 = ||v||^2 - ||P v||^2`` with ``v = r0 - N a_c =
       r_c - E a_c`` and ``P = N (N^T N)^{-1} N^T`` the orthogonal projector on ``range N``.
    2. *Directional perturbation.*  For every ``x``, ``||E x|| <= sum w_i ||N_i x|| <= sqrt(sum w_i)
       sqrt(x^T Q_w x)`` (Cauchy-Schwarz), ``Q_w = sum w_i N_i^T N_i``.  Hence ``||E x|| <= eta ||N0 x||``
       with ``eta = sqrt(sum w_i * lambda_max(G0^{-1/2} Q_w G0^{-1/2}))``; if ``eta < 1`` then
       ``||N x|| >= (1 - eta) ||N0 x||``, i.e. ``N^T N >= kappa G0`` with ``kappa = (1 - eta)^2`` (so
       ``N`` is injective on the whole box) and ``(N^T N)^{-1} <= G0^{-1} / kappa``.  If ``eta >= 1``
       the box gets the trivial bound ``ftilde*`` and is split further; since ``N(b)`` is injective
       for ``b != 0`` (``b a^T + a b^T = 0`` forces ``a = 0``) and ``W`` is invertible, ``eta -> 0``
       as the box shrinks, so every box is eventually bounded.  (Weighting by ``G0^{-1/2}``
       matters: ``H`` is badly conditioned, and ``sum w_i ||N_i|| / sigma_min(N0)`` is 10-20 times
       larger than ``eta`` on the population quadratics.)
    3. ``||P r_c||^2 = (N^T r_c)^T (N^T N)^{-1} (N^T r_c) <= ||G0^{-1/2} N^T r_c||^2 / kappa <= Y :=
       (||G0^{-1/2} N0^T r_c|| + sum w_i ||G0^{-1/2} N_i^T r_c||)^2 / kappa``; ``||P E a_c|| <=
       ||E a_c|| <= Gam := sum w_i ||N_i a_c||``; ``|<r_c, E a_c>| <= Al := sum w_i |<r_c, N_i a_c>|``.
    4. ``||v||^2 = rho - 2 <r_c, E a_c> + ||E a_c||^2`` and ``||P v||^2 <= (sqrt(Y) + ||E a_c||)^2``,
       so ``s(b)^2 >= rho - 2 Al - Y - 2 sqrt(Y) Gam``.

    5. *Vertex norms* (``_PatchBounds.vertex_norms``, on by default).  ``||E a_c||`` and
       ``||G0^{-1/2} N^T r_c|| = ||C^{-1} sum_i delta_i N_i^T r_c||`` (``N0^T r_c = 0`` up to the ``p0``
       term) are norms of vectors linear in ``delta``, hence convex in ``delta``: their maximum over the
       box is attained at one of its ``2^d`` vertices ``delta = s * w`` (``s in {-1, 1}^d``), which can
       only be smaller than the triangle-inequality sums ``Gam`` and ``sum w_i ||C^{-1} N_i^T r_c||``; the
       smaller of the two is used (``Al`` is already exact: ``max |sum delta_i al_i| = sum w_i |al_i|``).
    6. *Vertex kappa* (``_PatchBounds.vertex_kappa``, off by default: measured at d = 4 it needs 1.6x
       fewer leaves but costs 6x per box).  ``N^T N = G0 + N0^T E + E^T N0 + E^T E >= C (I + sum_i
       delta_i S_i) C^T`` with ``S_i = C^{-1} (N0^T N_i + N_i^T N0) C^{-T}`` (``E^T E >= 0`` dropped);
       ``lambda_min`` of an affine symmetric matrix function is concave, so ``kappa_v = min`` over the
       ``2^d`` vertices of ``lambda_min(I + sum_i s_i w_i S_i)`` gives ``N^T N >= kappa_v G0``; the larger
       of ``kappa_v`` and ``(1 - eta)^2`` is used, and ``kappa_v > 0`` suffices even when ``eta >= 1``
       (the perturbation orthogonal to ``range N0`` does not shrink ``N^T N``).

    7. *Shrunk metric* (``metric="best"``, the default of ``method="bnb"``).  Any ``H' = W'^T W' <= H``
       gives ``ftilde(X) >= c0 + ||W' (X^ - X)||^2 + 2 e^T X``, so steps 1-6 with ``W'`` in place of
       ``W`` are again a valid lower bound of ``f`` on the box (of a smaller function).  With
       ``H = V diag(lam) V^T`` we use ``W' = diag(sqrt(lam')) V^T``, ``lam' = lam tau / (lam + tau) -
       margin`` (harmonic shrinkage, ``tau = 3000 lam_min``; ``margin = 200 n eps lam_max`` dominates
       the error of the computed eigendecomposition, so ``H - H' >= 0`` holds for the true ``H``).
       ``H'`` has condition number ``< 3000``, so ``N'(b)`` is far better conditioned and ``eta`` stays
       below 1 on boxes many times larger; the price is a lower function (useless near the minimiser,
       where the exact metric is needed).  Each box takes the larger of the two bounds.  Why it helps:
       the exact bound fails far from the minimiser (``f - U`` of 0.01-0.03 on a gap of ``1e-5``) because
       ``cond(H) = 1.2e5`` makes ``eta >= 1``, and there the slack easily pays for the shrinkage.

    The box bound is ``ftilde* + max(0, rho - 2 Al - Y - 2 sqrt(Y) Gam)``.  It is of second order
    near a minimiser: ``Al`` is ``w`` times the gradient of ``f`` at the centre (which vanishes at a
    minimiser), ``G0^{-1/2} N0^T r_c ~ 0`` (``a_c`` is the least-squares solution), so ``Y`` and
    ``sqrt(Y) Gam`` are ``O(w^2)``; this avoids the cluster effect of plain Lipschitz bounds
    (``s(b) >= s(b_c) - sum w_i ||N_i|| ||a(b)||``, which needs boxes of width ~ the tolerance).

    **Floating point.**  Computed in float64 with margins: the ``w_i``-weighted sums are inflated by
    ``1e-9`` (relative); the ``G0^{-1/2}``-norms and ``eta`` by ``m = 1e-9 + 100 p eps cond(G0)``
    (relative; ``eta`` also absolute), which dominates the float error of the Cholesky factor of
    ``G0`` (boxes with ``cond(G0) > 1 / (1000 p eps)`` get the trivial bound); the bound on ``s^2`` is
    lowered by ``1e-9`` times the magnitudes of its terms, and the identity
    ``ftilde = c0 + ||.||^2`` for the *computed* ``X^`` (``c0 = c - X^T H X^``) carries the extra term
    ``2 (H X^ - h)^T X``, bounded over ``{X : ftilde(X) <= U}`` and subtracted (so, strictly, the
    statement is ``f(b) >= min(U, bound)``; here ``U = c = ftilde(0) >= f(b)``).  The bound is
    therefore valid unless float errors exceed these (generous) margins; it is not interval
    arithmetic.  The returned value is ``ftilde* + max(0, ...)`` minus the margins, with ``c0`` for
    ``ftilde*``.
    """
    q, d = _as_quad(quad)
    k = check_int(k, "k", min_value=0, max_value=d)
    t = as_float_array(center, "center", shape=(d,))
    w = as_float_array(halfwidth, "halfwidth", shape=(d,))
    if np.any(w < 0):
        raise ValueError("halfwidth must be >= 0")
    if metric not in ("exact", "shrunk", "best"):
        raise ValueError(f"metric must be 'exact', 'shrunk' or 'best', got {metric!r}")
    if metric == "shrunk":
        sp = _shrunk_spectrum(q.H)
        if sp is None:
            raise ValueError("metric='shrunk' needs a positive definite H with cond(H) > "
                             f"{SHRINK_MIN_COND:g}")
        pb = _PatchBounds(q, d, spectrum=sp)
    else:
        pb = _PatchBounds(q, d) if metric == "exact" else _BoxBounds(q, d)
    lower, _, _ = pb.evaluate(k, t[None, :], w[None, :], U=float(q.c))
    return float(lower[0])


#: shrunk metric of the second bound (step 7 of patch_box_lower_bound): harmonic shrinkage
#: lam' = lam tau / (lam + tau) with tau = SHRINK_TAU_COND * lam_min(H), used when cond(H) exceeds
#: SHRINK_MIN_COND.  Chosen on the d = 4 population quadratic (README "Realisability"): estimated
#: leaves 7.3e7 (exact metric alone) -> 5.9e6 (max of both); hard clipping min(lam, tau) and other tau
#: were measured too.
SHRINK_TAU_COND = 3.0e3
PROGRESS_EVERY = 15.0
#: with the interval re-verification the float search prunes at ``U - INTERVAL_SEARCH_SLACK tol``
INTERVAL_SEARCH_SLACK = 0.98
SHRINK_MIN_COND = 3.0e4


def _shrunk_spectrum(H: np.ndarray) -> np.ndarray | None:
    """The harmonic shrinkage ``lam tau / (lam + tau) - margin`` of ``eig(H)``, or ``None`` if ``H`` is
    well conditioned (``cond <= SHRINK_MIN_COND``; the exact metric then suffices)."""
    lam = np.linalg.eigvalsh(H)
    if not lam[0] > 0 or lam[-1] / lam[0] <= SHRINK_MIN_COND:
        return None
    tau = SHRINK_TAU_COND * lam[0]
    gap = 200.0 * lam.size * np.finfo(float).eps * lam[-1]
    return lam * tau / (lam + tau) - gap


class _BoxBounds:
    """The exact-metric bound, and the shrunk-metric bound where it applies; per box the larger."""

    def __init__(self, q: SimpleQuadratic, d: int, shrink: bool = True) -> None:
        self.full = _PatchBounds(q, d)
        sp = _shrunk_spectrum(q.H) if shrink else None
        self.shrunk = None if sp is None else _PatchBounds(q, d, spectrum=sp)
        self.c0, self.J = self.full.c0, self.full.J

    def evaluate(self, k: int, t: np.ndarray, w: np.ndarray, U: float):
        lo, val, a = self.full.evaluate(k, t, w, U)
        score = self.full.last_score
        self.won_shrunk = 0
        if self.shrunk is not None:
            lo2, _, _ = self.shrunk.evaluate(k, t, w, U)
            win = lo2 > lo
            self.won_shrunk = int(win.sum())
            lo = np.where(win, lo2, lo)
            score = np.where(win[:, None], self.shrunk.last_score, score)
        self.last_score = score
        return lo, val, a


def _bnb_run(q: SimpleQuadratic, d: int, best: tuple, boxes: tuple, time_limit: float, gap_tol: float,
             batch: int, shrink: bool, progress: str | None = None, in_worker: bool = False,
             record: bool = False) -> dict:
    """Best-first branch-and-bound over the given boxes ``(k, t, w)`` (see :func:`_bnb_certify`);
    ``progress`` (a label) prints one status line to stderr every ``PROGRESS_EVERY`` seconds.
    ``in_worker``: a pool worker turns SIGINT into a stop flag checked once per round (an exception
    could hit the pool's own result hand-over); the main process takes Ctrl-C as KeyboardInterrupt."""
    t0 = time.perf_counter()
    stop = [False]
    if in_worker:
        import signal

        signal.signal(signal.SIGINT, lambda *_: stop.__setitem__(0, True))
    next_report = t0 + PROGRESS_EVERY
    pb = _BoxBounds(q, d, shrink)
    inner = _Inner(q, d)
    open_k, open_t, open_w = boxes
    pruned_lb = np.inf
    pruned_vol = 0.0  # patch volume (in t coordinates) already certified >= U - tol
    nodes = 0
    won_shrunk = 0
    polished = 0
    status = "gap closed"
    tol = gap_tol * max(1.0, abs(best[2]))
    leaves: list = []  # pruned boxes (record=True), for the interval re-verification

    def _evaluate(ks, ts, ws):
        nonlocal best, nodes, polished, won_shrunk
        lb = np.empty(ks.size)
        sc = np.empty((ks.size, d))
        for k in np.unique(ks):
            sel = ks == k
            for s in range(0, int(sel.sum()), 8192):
                idx = np.flatnonzero(sel)[s:s + 8192]
                lo, val, a = pb.evaluate(int(k), ts[idx], ws[idx], best[2])
                lb[idx] = lo
                sc[idx] = pb.last_score
                nodes += idx.size
                won_shrunk += pb.won_shrunk
                j = int(np.argmin(val))
                if val[j] < best[2] - 1e-12 * max(1.0, abs(best[2])):
                    bc = np.zeros(d + 1)
                    bc[k] = 1.0
                    bc[pb.J[k]] = ts[idx[j]]
                    # polish the improving centre locally, keep it only if the direct value improves
                    res = minimize(inner.value_grad, bc / np.linalg.norm(bc), jac=True, method="BFGS",
                                   options={"maxiter": 200, "gtol": 1e-10})
                    polished += 1
                    for bb in (bc, res.x):
                        bn = bb / np.linalg.norm(bb)
                        Ab, _ = inner.solve(bn)
                        fb = q.ftilde(phi(bn, Ab))
                        if fb < best[2]:
                            best = (bn, Ab, fb)
        return lb, sc

    # The search state is one tuple, replaced only after a round has finished: an interrupt
    # (Ctrl-C) at any point leaves the last complete state, whose open and pruned boxes still cover
    # every patch, so its lower bound stays valid.
    try:
        open_lb, open_s = _evaluate(open_k, open_t, open_w)
    except KeyboardInterrupt:
        open_lb, open_s = np.full(open_k.size, pb.c0 - pb.full._margin_res(best[2])), np.zeros((open_k.size, d))
        status = "interrupted"
    state = (open_k, open_t, open_w, open_lb, open_s, pruned_lb, pruned_vol)
    rounds = 0
    try:
        while status != "interrupted":
            open_k, open_t, open_w, open_lb, open_s, pruned_lb, pruned_vol = state
            U = best[2]
            tol = gap_tol * max(1.0, abs(U))
            keep = open_lb < U - tol
            if not np.all(keep):
                if record:
                    leaves.append((open_k[~keep], open_t[~keep], open_w[~keep]))
                pruned_lb = min(pruned_lb, float(open_lb[~keep].min()))
                pruned_vol += float(np.prod(2.0 * open_w[~keep], axis=1).sum())
                state = (open_k[keep], open_t[keep], open_w[keep], open_lb[keep], open_s[keep], pruned_lb, pruned_vol)
                open_k, open_t, open_w, open_lb, open_s, pruned_lb, pruned_vol = state
            LB = min(pruned_lb, float(open_lb.min()) if open_lb.size else np.inf, U)
            if open_lb.size == 0 or U - LB <= tol:
                break
            if stop[0]:
                status = "interrupted"
                break
            now = time.perf_counter()
            if now - t0 > time_limit:
                status = "time limit"
                break
            if progress is not None and now >= next_report:
                next_report = now + PROGRESS_EVERY
                print(f"bnb{progress}: {now - t0:.0f} s, {nodes} boxes, {open_lb.size} open, lower bound "
                      f"{LB:.8f}, gap {U - LB:.2e} (tolerance {tol:.1e})", file=sys.stderr, flush=True)
            rounds += 1
            nb = min(batch, open_lb.size)
            sel = np.argpartition(open_lb, nb - 1)[:nb] if nb < open_lb.size else np.arange(open_lb.size)
            rest = np.ones(open_lb.size, bool)
            rest[sel] = False
            ks, ts, ws = open_k[sel], open_t[sel], open_w[sel]
            ax = np.argmax(open_s[sel], axis=1)
            rows = np.arange(nb)
            ws2 = ws.copy()
            ws2[rows, ax] *= 0.5
            tl, tr = ts.copy(), ts.copy()
            tl[rows, ax] -= ws2[rows, ax]
            tr[rows, ax] += ws2[rows, ax]
            ck = np.concatenate([ks, ks])
            ct = np.concatenate([tl, tr])
            cw = np.concatenate([ws2, ws2])
            clb, cs = _evaluate(ck, ct, cw)
            clb = np.maximum(clb, np.concatenate([open_lb[sel], open_lb[sel]]))  # parent bound also holds
            state = (np.concatenate([open_k[rest], ck]), np.concatenate([open_t[rest], ct]),
                     np.concatenate([open_w[rest], cw]), np.concatenate([open_lb[rest], clb]),
                     np.concatenate([open_s[rest], cs]), pruned_lb, pruned_vol)
    except KeyboardInterrupt:
        status = "interrupted"
    open_k, open_t, open_w, open_lb, open_s, pruned_lb, pruned_vol = state
    U = best[2]
    LB = min(pruned_lb, float(open_lb.min()) if open_lb.size else np.inf, U)
    return {"status": status, "lower_bound": float(LB), "b": best[0], "A": best[1], "f": U,
            "nodes": int(nodes), "open_boxes": int(open_lb.size), "rounds": rounds, "polished": polished,
            "won_by_shrunk_metric": int(won_shrunk), "shrunk_metric": pb.shrunk is not None,
            "seconds": time.perf_counter() - t0,
            "min_halfwidth": float(open_w.min()) if open_w.size else None, "pruned_volume": pruned_vol,
            "trivial_open_boxes": int(np.sum(open_lb <= pb.c0)) if open_lb.size else 0,
            "leaves": _stack_leaves(leaves, d) if record else None}


def _stack_leaves(leaves: list, d: int) -> tuple:
    if not leaves:
        return (np.zeros(0, int), np.zeros((0, d)), np.zeros((0, d)))
    return tuple(np.concatenate([lv[i] for lv in leaves]) for i in range(3))


def _bnb_certify(q: SimpleQuadratic, d: int, b_inc: np.ndarray, A_inc: np.ndarray, U: float,
                 time_limit: float, gap_tol: float, batch: int = 2048, init_split: int = 4,
                 shrink: bool = True, workers: int = 1, progress: bool = False, record: bool = False) -> dict:
    """Best-first branch-and-bound over the ``d + 1`` patches (see :func:`patch_box_lower_bound`).

    Incumbent ``U`` (float value of ``(b_inc, A_inc)``); every evaluated box centre is a candidate.
    Each box gets the larger of the exact-metric bound and, when ``H`` is badly conditioned and
    ``shrink`` is on, the shrunk-metric bound (step 7 of :func:`patch_box_lower_bound`).
    Boxes with lower bound ``>= U - tol`` (``tol = gap_tol max(1, |U|)``) are pruned; each round
    splits the ``batch`` open boxes of smallest bound in half along the side with the largest share of
    the bound's loss (``w_i`` times its coefficient in ``2 Al + Y + 2 sqrt(Y) Gam``; where the bound is
    trivial, ``w_i sqrt(trace(G0^{-1} N_i^T N_i))``, its share of ``eta``).
    Stops when ``U - LB <= tol`` (``LB`` = min over all leaves, pruned or open), at ``time_limit``
    or at Ctrl-C (``status = "interrupted"``; the bound of the last completed round is returned).

    ``workers > 1`` deals the initial ``(d + 1) init_split^d`` boxes round-robin to that many processes,
    each running its own search with the same incumbent; the lower bound is the minimum of theirs
    (each is a bound over its share of the patches), the incumbent the best of theirs.
    """
    t0 = time.perf_counter()
    g = (np.arange(init_split) + 0.5) * (2.0 / init_split) - 1.0
    grid = np.stack(np.meshgrid(*([g] * d), indexing="ij"), -1).reshape(-1, d)
    ks = np.repeat(np.arange(d + 1), grid.shape[0])
    ts = np.tile(grid, (d + 1, 1))
    ws = np.full(ts.shape, 1.0 / init_split)
    best = (np.asarray(b_inc, float), np.asarray(A_inc, float), float(U))
    workers = max(1, min(int(workers), ks.size))
    if workers == 1:
        runs = [_bnb_run(q, d, best, (ks, ts, ws), time_limit, gap_tol, batch, shrink,
                         "" if progress else None, False, record)]
    else:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        shares = [np.arange(i, ks.size, workers) for i in range(workers)]
        # fork (where available): the workers need no re-import of the caller's __main__, so a plain
        # script without a ``__main__`` guard works
        ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as ex:
            futs = [ex.submit(_bnb_run, q, d, best, (ks[s], ts[s], ws[s]), time_limit, gap_tol, batch, shrink,
                              f" worker {i + 1}/{workers}" if progress else None, True, record)
                    for i, s in enumerate(shares)]
            try:
                runs = [f.result() for f in futs]
            except KeyboardInterrupt:
                # Ctrl-C reaches the whole process group; a SIGINT sent to this process alone is
                # forwarded, so that every worker stops and returns its last complete state
                import os
                import signal

                for proc in list(getattr(ex, "_processes", {}).values()):
                    try:
                        os.kill(proc.pid, signal.SIGINT)
                    except (OSError, AttributeError):
                        pass
                runs = [f.result() for f in futs]
    top = min(runs, key=lambda r: r["f"])
    U = top["f"]
    tol = gap_tol * max(1.0, abs(U))
    LB = min(min(r["lower_bound"] for r in runs), U)
    status = ("gap closed" if U - LB <= tol
              else "interrupted" if any(r["status"] == "interrupted" for r in runs) else "time limit")
    mh = [r["min_halfwidth"] for r in runs if r["min_halfwidth"] is not None]
    return {"status": status, "lower_bound": float(LB), "b": top["b"], "A": top["A"], "f": U,
            "gap": float(U - LB), "tol": float(tol), "nodes": sum(r["nodes"] for r in runs),
            "open_boxes": sum(r["open_boxes"] for r in runs), "rounds": max(r["rounds"] for r in runs),
            "polished": sum(r["polished"] for r in runs), "workers": workers,
            "shrunk_metric": any(r["shrunk_metric"] for r in runs),
            "won_by_shrunk_metric": sum(r["won_by_shrunk_metric"] for r in runs),
            "seconds": time.perf_counter() - t0, "min_halfwidth": min(mh) if mh else None,
            "pruned_volume_fraction": sum(r["pruned_volume"] for r in runs) / ((d + 1) * 2.0**d),
            "trivial_open_boxes": sum(r["trivial_open_boxes"] for r in runs),
            "leaves": _stack_leaves([r["leaves"] for r in runs], d) if record else None}


def _bnb_width_profile(quad: Any, U: float, *, samples: int = 2000, rng: Any = 0, gap_tol: float = 1e-5,
                       levels: tuple[int, int] = (1, 10), metric: str = "exact") -> dict:
    """Diagnostic (no certificate): how small must the boxes of ``method="bnb"`` be to prune a point?

    Samples ``samples`` points ``(k, t)`` uniformly from the ``d + 1`` patches; for each, the largest
    dyadic half-width ``w = 2^-L`` (``L`` in ``levels``) such that the cube of half-width ``w`` centred
    at ``t`` has :func:`patch_box_lower_bound` ``>= U - gap_tol max(1, |U|)``.  Returns the sampled
    ``k``, ``t``, ``w`` (``nan`` if no level prunes), the fraction per level, the estimated number of
    leaves ``(d + 1) 2^d E[(2w)^-d]`` (cubes centred at the points: an estimate, not a bound, of the
    leaves a uniform refinement needs) and, per level, the fraction of its points whose cube at twice
    the width got the *trivial* bound (``eta >= 1`` or the bound clipped at ``ftilde*``), with the
    median of ``f(centre) - U`` (how far above the incumbent those points are).
    """
    q, d = _as_quad(quad)
    samples = check_int(samples, "samples", min_value=1)
    U = check_real(U, "U")
    rng = check_rng(rng)
    if metric not in ("exact", "best"):
        raise ValueError(f"metric must be 'exact' or 'best', got {metric!r}")
    pb = _PatchBounds(q, d) if metric == "exact" else _BoxBounds(q, d)
    tol = gap_tol * max(1.0, abs(U))
    ks = rng.integers(0, d + 1, samples)
    ts = rng.uniform(-1.0, 1.0, (samples, d))
    w = np.full(samples, np.nan)
    lo_l, hi_l = levels
    for L in range(lo_l, hi_l + 1):
        for k in range(d + 1):
            sel = np.flatnonzero((ks == k) & np.isnan(w))
            if sel.size:
                lo, _, _ = pb.evaluate(k, ts[sel], np.full((sel.size, d), 2.0**-L), U)
                w[sel[lo >= U - tol]] = 2.0**-L
    per_level = {}
    for L in range(lo_l, hi_l + 1):
        sel0 = np.flatnonzero(w == 2.0**-L)
        if sel0.size == 0:
            continue
        triv, fc = [], []
        if L > lo_l:
            for k in range(d + 1):
                sel = sel0[ks[sel0] == k]
                if sel.size:
                    lo, val, _ = pb.evaluate(k, ts[sel], np.full((sel.size, d), 2.0 ** (1 - L)), U)
                    triv += list(lo <= pb.c0 + 1e-12)
                    fc += list(val - U)
        per_level[L] = {"fraction": sel0.size / samples,
                        "trivial_at_double_width": float(np.mean(triv)) if triv else None,
                        "median_f_minus_U": float(np.median(fc)) if fc else None}
    wv = np.where(np.isnan(w), 2.0 ** -(hi_l + 1), w)
    return {"k": ks, "t": ts, "w": w, "per_level": per_level, "unresolved": float(np.mean(np.isnan(w))),
            "estimated_leaves": float((d + 1) * 2.0**d * np.mean((2.0 * wv) ** -d)), "tol": tol}


METHODS = ("multistart", "certified", "bnb", "scip")


def best_realizable(quad: Any, *, method: str = "multistart", starts: int = 10, rng: Any = 0,
                    time_limit: float = 60.0, gap_tol: float = 1e-5, maxiter: int = 200,
                    bnb_batch: int = 2048, bnb_shrink: bool = True, workers: int = 1,
                    progress: bool = False, interval: bool = True) -> BestLSA:
    """``f* = min_{b,A} ftilde(phi(b, A))`` for a quadratic ``quad`` with attributes ``H, h, c``.

    ``method="multistart"``: BFGS over the sphere from ``psi(X*)``, spectral and ``starts >= 1``
    random directions (no certificate).  The certified methods (``d <= 4``) start from the multistart
    result and add a global lower bound ``lower_bound`` within ``time_limit`` seconds; ``certified_global``
    iff ``f_best - lower_bound <= gap_tol * max(1, |f_best|)`` (absolute for ``|f| <= 1``, relative
    above; both numbers are in ``details``):

    * ``"bnb"``: the sphere/patch branch-and-bound of :func:`patch_box_lower_bound` (needs ``H``
      positive definite); ``details['bnb']`` has nodes, rounds, the final gap and open boxes.
      ``bnb_shrink`` adds the shrunk-metric bound (step 7 of :func:`patch_box_lower_bound`) when
      ``cond(H) > 3e4``; ``workers`` processes share the initial boxes (``time_limit`` is per run, wall);
      ``progress`` prints a status line to stderr every 15 s.
    * ``"scip"``: SCIP on the polynomial formulation (``details['scip']``).
    * ``"certified"``: the faster certifier, which is ``"bnb"`` when ``H`` is positive definite
      (population quadratics, n = 100: d = 2: 0.03 s vs 12-80 s for SCIP; d = 3: 3.4 s vs no SCIP
      certificate in 300 s; d = 4: 3.9 million boxes, ~180 s with ``workers=2``), else ``"scip"``;
      ``details['certifier']`` names it.
    """
    q, d = _as_quad(quad)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if method != "multistart" and d > 4:
        raise ValueError(f"method={method!r} supports d <= 4, got d = {d}")
    starts = check_int(starts, "starts", min_value=1)
    time_limit = check_real(time_limit, "time_limit", low=0.0, low_open=True)
    gap_tol = check_real(gap_tol, "gap_tol", low=0.0, low_open=True)
    bnb_batch = check_int(bnb_batch, "bnb_batch", min_value=1)
    workers = check_int(workers, "workers", min_value=1)
    if not isinstance(interval, bool):
        raise TypeError(f"interval must be a bool, got {type(interval).__name__}")
    if not isinstance(bnb_shrink, bool):
        raise TypeError(f"bnb_shrink must be a bool, got {type(bnb_shrink).__name__}")
    rng = check_rng(rng)
    t0 = time.perf_counter()
    # unconstrained optimum (lstsq keeps going if H is only semidefinite)
    try:
        X_star = sla.solve(q.H, q.h, assume_a="pos")
    except (np.linalg.LinAlgError, sla.LinAlgError):
        X_star = np.linalg.lstsq(q.H, q.h, rcond=None)[0]
    f_star = q.ftilde(X_star)
    bp, Ap = psi(X_star, d, starts=max(2, starts // 2), rng=rng)
    f_psi = q.ftilde(phi(bp, Ap))
    inner = _Inner(q, d)
    cand = [bp] + _spectral_starts(X_star, d) + [rng.standard_normal(d + 1) for _ in range(starts)]
    b, A, f, values = _multistart(inner, cand, maxiter)
    details: dict = {"starts_total": len(cand), "multistart_values_sorted": sorted(values)[:10],
                     "starts_at_best": int(sum(v <= f + 1e-9 * max(1.0, abs(f)) for v in values)),
                     "gap_tol": gap_tol}
    lower = None
    certified = False
    certifier = method
    if method == "certified":
        certifier = "bnb" if np.linalg.eigvalsh(q.H)[0] > 0 else "scip"
        details["certifier"] = certifier
    rig = None
    if certifier == "bnb":
        # with the interval re-verification the float search closes a slightly smaller gap
        # (INTERVAL_SEARCH_SLACK), leaving room for the verified bounds' own rounding
        bb = _bnb_certify(q, d, b, A, f, time_limit, gap_tol * (INTERVAL_SEARCH_SLACK if interval else 1.0),
                          batch=bnb_batch, shrink=bnb_shrink, workers=workers, progress=progress,
                          record=interval)
        leaves = bb.pop("leaves")
        if bb["f"] < f:
            details["improved_by_bnb"] = True
        b, A, f = bb.pop("b"), bb.pop("A"), bb.pop("f")
        lower = bb["lower_bound"]
        details["bnb"] = bb
        if interval and bb["status"] == "gap closed":
            from recovery.realizability.interval import certify_bnb

            rig = certify_bnb(quad, d, _BoxBounds(q, d, bnb_shrink), b, A, leaves, gap_tol, workers=workers)
            details["interval"] = rig
        elif interval:
            details["interval"] = {"certified": False, "reason": f"search ended with status {bb['status']!r}"}
    elif certifier == "scip":
        sc = _scip_certify(q, d, X_star, f_star, f, time_limit, gap_tol, (b, A))
        prim = sc.pop("scip_primal")
        if prim is not None and prim[2] < f:
            b, A, f = prim
            details["improved_by_scip"] = True
        lower = sc["lower_bound"]
        details["scip"] = sc
    f_best = q.ftilde(phi(b, A))  # direct float64 re-evaluation of the returned (b, A)
    if lower is not None:
        lower = min(float(lower), f_best)
        gap = f_best - lower
        details["gap_abs"] = gap
        details["gap_rel"] = gap / max(abs(f_best), 1e-300)
        if certifier == "bnb":
            # a proof only with the interval re-verification (recovery.realizability.interval); without it the
            # float search's closed gap is reported in details['bnb'] but nothing is certified
            certified = rig is not None and bool(rig["certified"])
            details["float_gap_closed"] = gap <= gap_tol * max(1.0, abs(f_best))
        else:
            certified = bool(details.get("scip", {}).get("optimal")) and gap <= gap_tol * max(1.0, abs(f_best))
    f_lo = f_up = None
    if rig is not None and rig["certified"]:
        f_lo, f_up = rig["f_lower"], rig["f_upper"]
        lower = min(f_lo, f_best)  # f_best is a float evaluation; f_lower <= f* <= f_upper is the proof
    details["seconds"] = time.perf_counter() - t0
    return BestLSA(d=d, f_best=f_best, b=b, A=A, certified_global=certified, ftilde_star=f_star, f_psi=f_psi,
                   method=method, lower_bound=lower, details=details, f_lower=f_lo, f_upper=f_up)
