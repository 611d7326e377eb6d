r"""SCIP certificate of the best one-layer LSA (``method="scip"`` of :func:`recovery.realizability.best.best_realizable`).

SCIP (Pyomo ``scip_direct``) on the polynomial formulation ``min (X - X*)^T H (X - X*) + ftilde*``
s.t. ``X = phi(b, A)``, ``||b||^2 = 1``, ``b_0 >= 0`` and the box below; spatial branch-and-bound
returns a *dual bound* ``L``; certified iff SCIP terminated optimal and ``f_best - L <= gap_tol
max(1, |f_best|)`` (default ``gap_tol = 1e-5``), where ``f_best`` is the best of multistart and
SCIP's primal ``b`` (with ``A`` re-optimised in closed form), evaluated in float64.

Box (valid: it contains a minimiser): with ``U`` the multistart value and ``rho = U - ftilde*``,
every minimiser has ``(X - X*)^T H (X - X*) <= rho``, hence ``|X_r - X*_r| <= sqrt(rho (H^{-1})_{rr})``
and ``||X^{(j)} - X*^{(j)}|| <= R_j := sqrt(rho lambda_max((H^{-1})_{jj}))``; with ``||b|| = 1``,
``|A[u, j]| <= ||a_j|| <= sqrt(2) ||X^{(j)}||`` (``||X^{(j)}||^2 >= ||S_j||_F^2 / 4 = (2||a_j||^2 +
2 (b.a_j)^2)/4``); ``b_0 >= 0`` by the sign symmetry ``phi(-b, -A) = phi(b, A)``.  The SCIP
certificate is as good as SCIP's feasibility tolerance (1e-6 default) on the bilinear equalities:
the dual bound is for that slightly relaxed problem, which is why ``gap_tol`` is 1e-5.
"""
from __future__ import annotations

import time
from typing import Any

import numpy as np

from recovery.lsa.reparam import D_pattern, num_pairs, phi
from recovery.realizability.inner import SimpleQuadratic, _Inner
from recovery.realizability.realize_scip import _quiet_pyomo

__all__ = ["level_set_box"]


def level_set_box(H: np.ndarray, X_star: np.ndarray, d: int, rho: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Projections of the ellipsoid ``(X - X*)^T H (X - X*) <= rho`` (every point with ``ftilde(X) <= ftilde* + rho``).

    With ``X* = H^{-1} h`` and ``ftilde* = ftilde(X*)`` (paper Lemma 3.2),
    ``ftilde(X) = (X - X*)^T H (X - X*) + ftilde*``, so the level set is this ellipsoid.

    Parameters
    ----------
    H : ndarray, shape (d m, d m)
        Positive definite.
    X_star : ndarray, shape (d m,)
        The centre ``X*``.
    d : int
        Chain length minus one; ``m = (d+1)(d+2)/2``.
    rho : float
        The level, ``rho >= 0``.

    Returns
    -------
    xr : ndarray, shape (d m,)
        ``abs(X_r - X*_r) <= xr_r = sqrt(rho (H^-1)_rr)``.
    R : ndarray, shape (d,)
        ``||X^(j) - X*^(j)|| <= R_j = sqrt(rho lambda_max((H^-1)_jj))``.
    xb : ndarray, shape (d,)
        ``xb_j = ||X*^(j)|| + R_j >= ||X^(j)||``.

    Examples
    --------
    >>> import numpy as np
    >>> xr, R, xb = level_set_box(4.0 * np.eye(3), np.array([1.0, 0.0, 0.0]), 1, 1.0)
    >>> xr.tolist(), R.tolist(), xb.tolist()
    ([0.5, 0.5, 0.5], [0.5], [1.5])
    """
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

    lam_min = float(np.linalg.eigvalsh(q.H)[0])
    if lam_min <= 0:
        return {"status": "skipped: H not positive definite", "lower_bound": None}
    # every minimiser lies in the ellipsoid (X - X*)^T H (X - X*) <= U - ftilde*: its projections give
    # |X_r - X*_r| <= sqrt(rho (H^-1)_rr) and ||X^(j) - X*^(j)|| <= sqrt(rho lambda_max((H^-1)_jj))
    rho = max(upper - f_star, 0.0) * (1 + 1e-6) + 1e-12
    xr, R, xb = level_set_box(q.H, X_star, d, rho)
    abound = np.sqrt(2.0) * xb
    Mdl = _scip_model(q, d, X_star, f_star, xr, abound, warm)
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


def _scip_model(q: SimpleQuadratic, d: int, X_star: np.ndarray, f_star: float, xr: np.ndarray, abound: np.ndarray,
                warm: tuple[np.ndarray, np.ndarray]) -> Any:
    """The Pyomo model of the module docstring (level-set box ``xr`` on ``X``, ``abound`` on ``A``),
    warm-started at ``warm = (b, A)``."""
    import pyomo.environ as pe

    m = num_pairs(d)
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
    return Mdl
