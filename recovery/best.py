r"""The best realisable one-layer LSA and the projection psi (MATH.md Sections 4-5; paper Remark C.15).

``f* = min_{b, A} ftilde(phi(b, A))`` with ``ftilde(X) = X^T H X - 2 h^T X + c``.

* **Inner problem (closed form).**  For fixed ``b``, ``phi(b, A) = M(b) vec(A)`` with
  ``M(b) = I_d kron B(b)`` (``recovery.phi.phi_matrix_in_A``, ``vec`` column-major), so
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
* **Certified mode** (``d <= 4``): SCIP (Pyomo ``scip_direct``) on the polynomial formulation
  ``min (X - X*)^T H (X - X*) + ftilde*`` s.t. ``X = phi(b, A)``, ``||b||^2 = 1``, ``b_0 >= 0``
  and the box below; spatial branch-and-bound returns a *dual bound* ``L``.  We report
  ``certified_global = True`` iff SCIP terminated optimal and
  ``f_best - L <= gap_tol * max(1, |f_best|)`` (default ``gap_tol = 1e-5``), where ``f_best`` is
  the best of multistart and SCIP's primal ``b`` (with ``A`` re-optimised in closed form), evaluated
  in float64.  Box (valid: it contains a minimiser): with ``U`` the multistart value and
  ``rho = U - ftilde*``, every minimiser has ``(X - X*)^T H (X - X*) <= rho``, hence
  ``|X_r - X*_r| <= sqrt(rho (H^{-1})_{rr})`` and ``||X^{(j)} - X*^{(j)}|| <= R_j :=
  sqrt(rho lambda_max((H^{-1})_{jj}))``; with ``||b|| = 1``,
  ``|A[u, j]| <= ||a_j|| <= sqrt(2) ||X^{(j)}||`` (``||X^{(j)}||^2 >= ||S_j||_F^2 / 4
  = (2||a_j||^2 + 2 (b.a_j)^2)/4``); ``b_0 >= 0`` by the sign symmetry ``phi(-b, -A) = phi(b, A)``.
  The certificate is as good as SCIP's feasibility tolerance (1e-6 default) on the bilinear
  equalities: the dual bound is for that slightly relaxed problem, which is why ``gap_tol`` is 1e-5.
* ``psi(X) = argmin_{b, A} ||phi(b, A) - X||_2`` is the same problem with ``H = I``, ``h = X``,
  ``c = ||X||^2``; if ``X`` is realisable (:func:`recovery.realize.recover`) the exact preimage is
  returned.  Chain reported: ``ftilde* <= f* <= ftilde(phi(psi(X*)))``.
"""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import linalg as sla
from scipy.optimize import minimize

from ._validate import as_float_array, check_int, check_real, check_rng
from .phi import X_to_S, num_pairs, phi, phi_block, phi_matrix_in_b
from .realize import recover

__all__ = ["BestLSA", "best_realizable", "psi", "inner_solve", "SimpleQuadratic"]


@contextmanager
def _quiet_pyomo():
    log = logging.getLogger("pyomo")
    old = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(old)

SCHEMA_VERSION = "lsahard.best/1"


@dataclass(frozen=True, eq=False)
class SimpleQuadratic:
    """Minimal float quadratic ``X^T H X - 2 h^T X + c`` (duck-type of ``recovery.population.Quadratic``)."""

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
        raise TypeError("quad must have attributes H, h, c (e.g. recovery.population.Quadratic)")
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

    Exact preimage when :func:`recovery.realize.recover` finds one (at ``rtol``); otherwise multistart
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
    ``certified_global`` iff a certified lower bound ``lower_bound`` (SCIP dual bound) is within
    ``details['gap_tol']`` of ``f_best``; ``method`` is "multistart" or "certified"."""

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

    def __post_init__(self) -> None:
        d = check_int(self.d, "d", min_value=1)
        object.__setattr__(self, "b", as_float_array(self.b, "b", shape=(d + 1,)))
        object.__setattr__(self, "A", as_float_array(self.A, "A", shape=(d + 1, d)))
        for k in ("f_best", "ftilde_star", "f_psi"):
            object.__setattr__(self, k, check_real(getattr(self, k), k))
        if self.method not in ("multistart", "certified"):
            raise ValueError(f"method must be 'multistart' or 'certified', got {self.method!r}")
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
            "details": self.details,
        }

    @classmethod
    def from_json(cls, obj: dict) -> "BestLSA":
        if not isinstance(obj, dict) or obj.get("schema") != SCHEMA_VERSION:
            raise ValueError(f"obj must be a dict with schema {SCHEMA_VERSION!r}")
        kw = {k: obj[k] for k in ("d", "f_best", "b", "A", "certified_global", "ftilde_star", "f_psi",
                                  "method", "lower_bound", "details")}
        return cls(**kw)


def _scip_certify(q: SimpleQuadratic, d: int, X_star: np.ndarray, f_star: float, upper: float,
                  time_limit: float, gap_tol: float, warm: tuple[np.ndarray, np.ndarray]) -> dict:
    """SCIP on the polynomial formulation (see module docstring); returns bound, primal and status."""
    import pyomo.environ as pe
    from pyomo.opt import TerminationCondition as TC

    from .phi import D_pattern

    m = num_pairs(d)
    lam_min = float(np.linalg.eigvalsh(q.H)[0])
    if lam_min <= 0:
        return {"status": "skipped: H not positive definite", "lower_bound": None}
    # every minimiser lies in the ellipsoid (X - X*)^T H (X - X*) <= U - ftilde*: its projections give
    # |X_r - X*_r| <= sqrt(rho (H^-1)_rr) and ||X^(j) - X*^(j)|| <= sqrt(rho lambda_max((H^-1)_jj))
    rho = max(upper - f_star, 0.0) * (1 + 1e-6) + 1e-12
    Hinv = np.linalg.inv(q.H)
    xr = np.sqrt(rho * np.clip(np.diag(Hinv), 0, None))
    R = np.array([np.sqrt(rho * np.linalg.eigvalsh(Hinv[j * m:(j + 1) * m, j * m:(j + 1) * m])[-1]) for j in range(d)])
    xb = np.linalg.norm(X_star.reshape(d, m), axis=1) + R  # bound on ||X^(j)||
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
    opts = {"limits/time": float(time_limit), "limits/gap": float(gap_tol) / 10}
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
        A = np.array([[pe.value(Mdl.A[u, j]) for j in range(d)] for u in range(d + 1)])
        if np.linalg.norm(b) > 0:
            # re-check: re-optimise A in closed form for SCIP's b (only lowers the value)
            bn = b / np.linalg.norm(b)
            A2, f2 = _Inner(q, d).solve(bn)
            out["scip_primal"] = (bn, A2, f2)
    return out


def best_realizable(quad: Any, *, method: str = "multistart", starts: int = 10, rng: Any = 0,
                    time_limit: float = 60.0, gap_tol: float = 1e-5, maxiter: int = 200) -> BestLSA:
    """``f* = min_{b,A} ftilde(phi(b, A))`` for a quadratic ``quad`` with attributes ``H, h, c``.

    ``method="multistart"``: BFGS over the sphere from ``psi(X*)``, spectral and ``starts`` random
    directions.  ``method="certified"`` (``d <= 4``): additionally SCIP with ``time_limit`` seconds;
    ``certified_global`` iff SCIP proves ``f_best - lower_bound <= gap_tol * max(1, |f_best|)``.
    """
    q, d = _as_quad(quad)
    if method not in ("multistart", "certified"):
        raise ValueError(f"method must be 'multistart' or 'certified', got {method!r}")
    if method == "certified" and d > 4:
        raise ValueError(f"method='certified' supports d <= 4, got d = {d}")
    starts = check_int(starts, "starts", min_value=0)
    time_limit = check_real(time_limit, "time_limit", low=0.0, low_open=True)
    gap_tol = check_real(gap_tol, "gap_tol", low=0.0, low_open=True)
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
    if method == "certified":
        sc = _scip_certify(q, d, X_star, f_star, f, time_limit, gap_tol, (b, A))
        prim = sc.pop("scip_primal")
        if prim is not None and prim[2] < f:
            b, A, f = prim
            details["improved_by_scip"] = True
        lower = sc["lower_bound"]
        certified = bool(sc.get("optimal")) and lower is not None and f - lower <= gap_tol * max(1.0, abs(f))
        details["scip"] = sc
    f_best = q.ftilde(phi(b, A))
    details["seconds"] = time.perf_counter() - t0
    return BestLSA(d=d, f_best=f_best, b=b, A=A, certified_global=certified, ftilde_star=f_star, f_psi=f_psi,
                   method=method, lower_bound=lower, details=details)
