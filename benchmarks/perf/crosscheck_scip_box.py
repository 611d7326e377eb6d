"""One box of the SCIP decomposition cross-check (:mod:`benchmarks.perf.crosscheck_best_scip`): the
valid bounds on ``A`` over a box of a patch, the Pyomo model of the box and its SCIP solve.

The derivations (level-set boxes, the ``kkt`` formulations, the re-check of SCIP's point) are in the
module docstring of :mod:`benchmarks.perf.crosscheck_best_scip`.
"""
from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from recovery.lsa.reparam import D_pattern, flat_index, phi
from recovery.realizability.realize_scip import _quiet_pyomo

__all__ = ["ftilde", "a_bounds", "build_model", "solve_box", "FORMULATIONS", "SOLVED_STATUSES"]

SOLVED_STATUSES = ("optimal", "gaplimit", "infeasible")  #: SCIP statuses that close a box


def ftilde(P: dict, X: np.ndarray) -> float:
    """``ftilde(X) = X^T H X - 2 h^T X + c`` (float64) for the data ``P`` of :func:`benchmarks.perf.crosscheck_best_scip.setup`.

    Examples
    --------
    >>> import numpy as np
    >>> ftilde({"H": np.eye(2), "h": np.ones(2), "c": 2.0}, np.ones(2))
    0.0
    """
    return float(X @ P["H"] @ X - 2.0 * P["h"] @ X + P["c"])


def _imul(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    p = (a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1])
    return min(p), max(p)


def a_bounds(P: dict, k: int, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Valid box ``[Alo, Ahi]`` on ``A`` for patch ``k`` and the sub-box ``[lo, hi]`` (docstring steps 2-3).

    Parameters
    ----------
    P : dict
        The data of :func:`benchmarks.perf.crosscheck_best_scip.setup`.
    k : int
        The patch (``b_k = 1``).
    lo, hi : ndarray, shape (d,)
        The sub-box of ``t``.

    Returns
    -------
    Alo, Ahi : ndarray, shape (d+1, d)
        Entrywise bounds on ``A`` valid for every relevant point of the box.
    nb_min : float
        The lower bound ``>= 1`` of ``||b||`` on the box.
    """
    d = P["d"]
    Xs, xr = P["X_star"], P["xr"]
    others = [i for i in range(d + 1) if i != k]
    dist = np.where((lo <= 0) & (hi >= 0), 0.0, np.minimum(np.abs(lo), np.abs(hi)))
    nb_min = math.sqrt(1.0 + float(dist @ dist))
    anorm = math.sqrt(2.0) * P["xb"] / nb_min
    Alo = np.empty((d + 1, d))
    Ahi = np.empty((d + 1, d))

    def xint(j: int, u: int, v: int) -> tuple[float, float]:
        r = flat_index(j, u, v, d)
        return float(Xs[r] - xr[r]), float(Xs[r] + xr[r])

    for j in range(d):
        akk = xint(j, k, k)
        akk = (max(akk[0], -anorm[j]), min(akk[1], anorm[j]))
        Alo[k, j], Ahi[k, j] = akk
        for pos, u in enumerate(others):
            xi = xint(j, u, k)
            pr = _imul((float(lo[pos]), float(hi[pos])), akk)
            Alo[u, j] = max(xi[0] - pr[1], -anorm[j])
            Ahi[u, j] = min(xi[1] - pr[0], anorm[j])
    pad = 1e-9 * (1.0 + np.maximum(np.abs(Alo), np.abs(Ahi)))
    Alo, Ahi = Alo - pad, Ahi + pad
    bad = Alo > Ahi  # empty interval: no relevant point in the box (kept feasible-looking for SCIP)
    if bad.any():
        mid = 0.5 * (Alo + Ahi)
        Alo = np.where(bad, mid, Alo)
        Ahi = np.where(bad, mid, Ahi)
    return Alo, Ahi, nb_min


# ----------------------------------------------------------------------------------------------------
# one box
# ----------------------------------------------------------------------------------------------------

#: per-box models: the plain one and the two with stationarity constraints in ``A``
FORMULATIONS = ("plain", "kkt", "kkt-quad")


def build_model(P: dict, k: int, lo: np.ndarray, hi: np.ndarray, *, level_cut: bool = True,
                formulation: str = "plain") -> tuple[Any, dict]:
    """The Pyomo model of one box (see the module docstring, including the ``kkt`` formulations).

    Parameters
    ----------
    P : dict
        The data of :func:`benchmarks.perf.crosscheck_best_scip.setup`.
    k : int
        The patch.
    lo, hi : ndarray, shape (d,)
        The sub-box of ``t``.
    level_cut : bool, optional
        Add ``sum_i Y_i^2 <= rho`` (default True).
    formulation : str, optional
        One of :data:`FORMULATIONS` (default ``"plain"``).

    Returns
    -------
    model : pyomo.environ.ConcreteModel
    info : dict
        ``A_lo``, ``A_hi`` and ``nb_min`` of :func:`a_bounds`.

    Raises
    ------
    ValueError
        If ``formulation`` is unknown.
    """
    if formulation not in FORMULATIONS:
        raise ValueError(f"formulation must be one of {FORMULATIONS}, got {formulation!r}")
    import pyomo.environ as pe

    d, m = P["d"], P["m"]
    dm = d * m
    Xs, xr, Lt = P["X_star"], P["xr"], P["L"].T
    others = [i for i in range(d + 1) if i != k]
    Alo, Ahi, nb_min = a_bounds(P, k, lo, hi)
    sr = math.sqrt(P["rho"]) * (1.0 + 1e-9) + 1e-12

    M = pe.ConcreteModel()
    M.I = pe.Set(initialize=others)
    M.b = pe.Var(M.I, bounds=lambda _, u: (float(lo[others.index(u)]), float(hi[others.index(u)])))
    M.A = pe.Var(range(d + 1), range(d), bounds=lambda _, u, j: (float(Alo[u, j]), float(Ahi[u, j])))
    M.X = pe.Var(range(dm), bounds=lambda _, r: (float(Xs[r] - xr[r]), float(Xs[r] + xr[r])))
    M.Y = pe.Var(range(dm), bounds=(-sr, sr))

    def bb(u: int):
        return 1.0 if u == k else M.b[u]

    M.eq = pe.ConstraintList()
    for r, (j, trip) in enumerate(D_pattern(d)):
        M.eq.add(M.X[r] == sum(val * bb(row) * M.A[col, j] for row, col, val in trip))
    M.ydef = pe.ConstraintList()
    for i in range(dm):
        M.ydef.add(M.Y[i] == sum(float(Lt[i, s]) * (M.X[s] - float(Xs[s])) for s in range(i, dm) if Lt[i, s] != 0.0))
    if level_cut:
        M.level = pe.Constraint(expr=sum(M.Y[i] ** 2 for i in range(dm)) <= float(P["rho"]))
    if formulation == "plain":
        M.obj = pe.Objective(expr=sum(M.Y[i] ** 2 for i in range(dm)) + float(P["f_star"]))
    else:
        # W = H X - h = H (X - X*), |W_r| <= sqrt(rho H_rr) on the level set; stationarity in A:
        # d ftilde / d A[u, j] = 2 sum_r (d X_r / d A[u, j]) W_r = 0 with d X_r / d A[col, j] = val b[row]
        H, h = P["H"], P["h"]
        wr = np.sqrt(P["rho"] * np.diag(H)) * (1.0 + 1e-9) + 1e-12
        M.W = pe.Var(range(dm), bounds=lambda _, r: (-float(wr[r]), float(wr[r])))
        M.wdef = pe.ConstraintList()
        for r in range(dm):
            M.wdef.add(M.W[r] == sum(float(H[r, s]) * M.X[s] for s in range(dm) if H[r, s] != 0.0) - float(h[r]))
        grad: dict = {}
        for r, (j, trip) in enumerate(D_pattern(d)):
            for row, col, val in trip:
                grad.setdefault((col, j), []).append((val, row, r))
        M.stat = pe.ConstraintList()
        for _key, terms in sorted(grad.items()):
            M.stat.add(sum(val * bb(row) * M.W[r] for val, row, r in terms) == 0.0)
        # at a stationary X = M(b) a: X^T (H X - h) = 0, so ftilde(X) = c - h^T X (linear)
        lin = float(P["c"]) - sum(float(h[r]) * M.X[r] for r in range(dm))
        if formulation == "kkt":
            M.obj = pe.Objective(expr=lin)
            if level_cut:
                M.level_lin = pe.Constraint(expr=lin <= float(P["f_star"] + P["rho"]))
        else:
            M.obj = pe.Objective(expr=sum(M.Y[i] ** 2 for i in range(dm)) + float(P["f_star"]))
    # initial values only (scip_direct passes no continuous warm start to SCIP)
    for pos, u in enumerate(others):
        M.b[u].value = float(0.5 * (lo[pos] + hi[pos]))
    return M, {"A_lo": Alo, "A_hi": Ahi, "nb_min": nb_min}


def _with_branch_priority(solver: Any, pyomo_vars: list, priority: int) -> Any:
    """Give ``pyomo_vars`` SCIP branching priority ``priority`` (> 0: spatial branching prefers them).

    ``pyomo.contrib.solver`` has no option for it; the SCIP model is built in ``_create_solver_model``
    (an internal of the plugin), so the instance method is wrapped to set the priorities right after.
    """
    build = solver._create_solver_model

    def _create(model, config):
        out = build(model, config)
        for v in pyomo_vars:
            solver._solver_model.chgVarBranchPriority(solver._pyomo_var_to_solver_var_map[v], priority)
        return out

    solver._create_solver_model = _create
    return solver


def solve_box(P: dict, k: int, lo: np.ndarray, hi: np.ndarray, *, time_limit: float, abs_gap: float = 1e-6,
              level_cut: bool = True, memory_mb: float = 3000.0, b_priority: int = 0,
              scip_options: dict | None = None, formulation: str = "plain") -> dict:
    """Build and solve one box with SCIP; returns status, dual/primal bounds, re-checked primal, timing.

    Parameters
    ----------
    P : dict
        The data of :func:`benchmarks.perf.crosscheck_best_scip.setup`.
    k : int
        The patch.
    lo, hi : ndarray, shape (d,)
        The sub-box of ``t``.
    time_limit : float
        SCIP time limit (s).
    abs_gap : float, optional
        SCIP absolute gap limit.
    level_cut, formulation : optional
        As in :func:`build_model`.
    memory_mb : float, optional
        SCIP memory limit.
    b_priority : int, optional
        ``> 0``: SCIP branching priority of the ``b`` variables.
    scip_options : dict, optional
        Further SCIP parameters.

    Returns
    -------
    dict
        ``status`` (SCIP's), ``solved``, ``infeasible``, ``dual_bound``, ``effective_bound``
        (``min(dual, ftilde* + rho)``, the bound the verdict uses), ``primal_scip``,
        ``primal_recheck`` (``ftilde(phi(b, A))`` at SCIP's point), ``b``, ``A``, ``nodes``, timings.
    """
    # longer than 60 lines: the solver call and the re-check of its point, kept together as in the docstring
    import pyomo.environ as pe
    from pyomo.contrib.solver.common.factory import SolverFactory

    d = P["d"]
    t0 = time.perf_counter()
    M, info = build_model(P, k, lo, hi, level_cut=level_cut, formulation=formulation)
    t_build = time.perf_counter() - t0
    solver = SolverFactory("scip_direct")
    if b_priority:
        solver = _with_branch_priority(solver, [M.b[u] for u in M.I], int(b_priority))
    # display/verblevel 0: pyomo's scip_direct captures SCIP's stdout through a pipe (capture_fd) read
    # by a Python thread, while PySCIPOpt's optimize() holds the GIL; a long SCIP log fills the 64 KiB
    # pipe and the run deadlocks (observed here on the first d = 2 smoke run).  Keep SCIP silent.
    opts = {"limits/memory": float(memory_mb), "display/verblevel": 0}
    if b_priority:
        # cons_nonlinear picks its spatial branching variable itself unless told to hand the
        # candidates to the generic branching rules, which respect variable priorities
        opts["constraints/nonlinear/branching/external"] = True
    opts.update(scip_options or {})
    t1 = time.perf_counter()
    with _quiet_pyomo():
        res = solver.solve(M, load_solutions=False, raise_exception_on_nonoptimal_result=False,
                           time_limit=float(time_limit), abs_gap=float(abs_gap), rel_gap=0.0, solver_options=opts)
    secs = time.perf_counter() - t1
    sm = getattr(solver, "_solver_model", None)
    raw = str(sm.getStatus()) if sm is not None else str(res.termination_condition)
    try:
        nodes = int(sm.getNNodes()) if sm is not None else -1
    except Exception:  # pragma: no cover
        nodes = -1
    dual = res.objective_bound
    dual = None if dual is None else float(dual)
    cutoff = P["f_star"] + P["rho"]
    if raw == "infeasible":
        eff = cutoff
    elif dual is None or not math.isfinite(dual):
        eff = -math.inf if dual is None or dual < 0 else cutoff
    else:
        eff = min(dual, cutoff)
    primal_scip = res.incumbent_objective
    primal_check = None
    b_sol = A_sol = None
    try:
        nsol = res.solution_loader.get_number_of_solutions()
    except Exception:  # pragma: no cover - older loaders
        nsol = 0
    if nsol > 0:
        with _quiet_pyomo():
            res.solution_loader.load_vars()
        b_sol = np.array([1.0 if u == k else pe.value(M.b[u]) for u in range(d + 1)], dtype=float)
        A_sol = np.array([[pe.value(M.A[u, j]) for j in range(d)] for u in range(d + 1)], dtype=float)
        primal_check = ftilde(P, phi(b_sol, A_sol))
    return {"k": k, "lo": lo.tolist(), "hi": hi.tolist(), "status": raw, "termination": str(res.termination_condition),
            "solved": raw in SOLVED_STATUSES, "infeasible": raw == "infeasible",
            "dual_bound": dual if dual is not None and math.isfinite(dual) else None,
            "effective_bound": eff if math.isfinite(eff) else None,
            "primal_scip": None if primal_scip is None else float(primal_scip),
            "primal_recheck": primal_check,
            "b": None if b_sol is None else b_sol.tolist(), "A": None if A_sol is None else A_sol.tolist(),
            "nodes": nodes, "seconds": secs, "build_seconds": t_build, "nb_min": info["nb_min"],
            "A_halfwidth_max": float(np.max(info["A_hi"] - info["A_lo"]) / 2.0)}


# ----------------------------------------------------------------------------------------------------
# the whole cross-check
# ----------------------------------------------------------------------------------------------------
