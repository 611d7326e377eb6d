"""Convex relaxations giving lower bounds: ``mccormick`` (LP, HiGHS) and ``shor`` (SDP, cvxpy).

Both replace every product ``x_p x_q`` of two free variables by a new variable ``w_pq``
(products with a fixed factor are linear already) and solve a convex problem whose feasible set
contains the lifted image of every feasible point of the program.  Hence:

* relaxation infeasible -> the program is infeasible (status ``infeasible``, a proof up to the
  convex solver's tolerances);
* otherwise ``bound`` = relaxation optimum <= the program's minimum (with an objective; for
  feasibility programs the relaxation just says "not refuted" and ``bound`` = 0), status
  ``unknown`` -- unless the relaxation's x happens to satisfy the original rows (then
  ``feasible``, or ``optimal`` when its objective equals the bound; the verifier re-checks).

McCormick envelopes for ``w = x y`` with ``x in [lx, ux]``, ``y in [ly, uy]`` (all finite, else
the solver refuses with a log starting ``mccormick needs``):
``w >= lx y + ly x - lx ly``, ``w >= ux y + uy x - ux uy``, ``w <= ux y + ly x - ux ly``,
``w <= lx y + uy x - lx uy``.

Shor: ``[[1, x^T], [x, W]] >= 0`` (PSD) over the free variables, products ``x_p x_q -> W_pq``,
variable bounds on x, where finite ``W_pp <= max(lo_p^2, hi_p^2)``, and the McCormick (RLT)
inequalities on every lifted product whose two factors have finite boxes.  Refused for more than
``SHOR_MAX_VARS`` free variables.  Solver: Clarabel if available, else SCS.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from scipy import sparse

from recovery.programs.program import BilinearProgram
from recovery.programs.solvers.compiled import compile_program
from recovery.programs.solvers.highs_util import highs_solve
from recovery.programs.solvers.milp import entry_name, row_bounds
from recovery.programs.solvers.registry import SolverSpec, register
from recovery.programs.solvers.result import Outcome

__all__ = ["run_mccormick", "run_shor", "SHOR_MAX_VARS"]

SHOR_MAX_VARS = 60


def _terms(c):
    """All product terms of rows (row >= 0) and objective (row = -1): (row, p, q, val)."""
    rows = np.concatenate([c.row, -np.ones(c.obj_p.size, np.int64)])
    p = np.concatenate([c.p, c.obj_p])
    q = np.concatenate([c.q, c.obj_q])
    v = np.concatenate([c.val, c.obj_val])
    return rows, p, q, v


def _claim(c, x, bound, name, log):
    """Status for a relaxation solution x (original variables)."""
    b, A = c.split(x)
    if c.max_violation(x) <= 1e-9:
        if c.has_obj and bound is not None and c.objective(x) <= bound + 1e-9 * max(1.0, abs(bound)):
            return Outcome("optimal", b=b, A=A, bound=bound, log=log,
                           proof=f"{name}: relaxation tight (its point is feasible and attains the bound)")
        return Outcome("feasible", b=b, A=A, bound=bound, log=log,
                       proof=f"{name}: relaxation point happens to be feasible")
    return Outcome("unknown", b=b, A=A, bound=bound, log=log, proof=f"{name}: lower bound only")


def _envelopes(c, pairs: list[tuple[int, int]], n: int):
    """The four McCormick envelope rows of each lifted product w = x y (column ``c.n + k`` for
    pair k), each written as ``a x + b y - w (<= or >=) const``; returns (rows, lo, hi)."""
    rr: list[int] = []
    cc: list[int] = []
    vv: list[float] = []
    elo: list[float] = []
    ehi: list[float] = []
    for k, (x, y) in enumerate(pairs):
        lx, ux, ly, uy = c.lo[x], c.hi[x], c.lo[y], c.hi[y]
        w = c.n + k
        base = len(elo)
        for t, (ax, ay, const, ge) in enumerate([(ly, lx, lx * ly, True), (uy, ux, ux * uy, True),
                                                  (ly, ux, ux * ly, False), (uy, lx, lx * uy, False)]):
            # w >= ax x + ay y - const  <=>  ax x + ay y - w <= const   (and mirrored for <=)
            rr += [base + t] * 3
            cc += [x, y, w]
            vv += [ax, ay, -1.0]
            if ge:
                elo.append(-np.inf)
                ehi.append(const)
            else:
                elo.append(const)
                ehi.append(np.inf)
    return sparse.coo_matrix((vv, (rr, cc)), shape=(len(elo), n)), elo, ehi


def run_mccormick(program: BilinearProgram, time_limit: float, seed: int) -> Outcome:
    """The ``mccormick`` relaxation: an LP (HiGHS) over McCormick envelopes of every product.

    Every product of two free variables is replaced by ``w_pq`` with the four envelope
    inequalities (module docstring); all factors need finite bounds, else the log starts with
    ``mccormick needs``.  LP infeasible -> ``infeasible`` (a proof up to HiGHS's tolerances);
    otherwise ``bound`` is the LP optimum (0 for feasibility programs) and status ``unknown``,
    unless the LP's x satisfies the original rows.

    Parameters
    ----------
    program : BilinearProgram
        The program (paper Problems C.10/C.11).
    time_limit : float
        Seconds (> 0) for the whole call.
    seed : int
        Seed (>= 0) of HiGHS.

    Returns
    -------
    Outcome
        Status, point ``(b, A)`` (shapes (d+1,) and (d+1, d)) or None, bound, log and proof, before
        the exact verification of :func:`recovery.programs.solvers.solve`.
    """
    t0 = time.perf_counter()
    c = compile_program(program)
    rows, p, q, v = _terms(c)
    both = c.free[p] & c.free[q]
    pairs = sorted(set(zip(p[both].tolist(), q[both].tolist())))
    for pp, qq in pairs:
        for i in (pp, qq):
            if not (np.isfinite(c.lo[i]) and np.isfinite(c.hi[i])):
                return Outcome("error", log=(
                    f"mccormick needs finite bounds on both factors of every product of free "
                    f"variables; {entry_name(c, i)} has [{c.lo[i]}, {c.hi[i]}]"), proof="refused")
    K = len(pairs)
    pid = {pq: k for k, pq in enumerate(pairs)}
    n = c.n + K
    # linear parts: fixed factor -> coefficient on the other variable; free pair -> w column
    pf = ~c.free[p]
    col = np.where(both, -1, np.where(pf, q, p))
    coef = v * np.where(pf, c.lo[p], c.lo[q])
    wcol = np.array([c.n + pid[(a, b_)] if f else -1 for a, b_, f in zip(p, q, both)], np.int64)
    col = np.where(both, wcol, col)
    coef = np.where(both, v, coef)
    isrow = rows >= 0
    M = sparse.coo_matrix((coef[isrow], (rows[isrow], col[isrow])), shape=(c.R, n)).tocsr()
    cost = np.zeros(n)
    np.add.at(cost, col[~isrow], coef[~isrow])
    rlo, rhi = row_bounds(c)
    E, elo, ehi = _envelopes(c, pairs, n)
    Amat = sparse.vstack([M, E]).tocsr()
    row_lo = np.concatenate([rlo, elo])
    row_hi = np.concatenate([rhi, ehi])
    col_lo = np.concatenate([c.lo, -np.inf * np.ones(K)])
    col_hi = np.concatenate([c.hi, np.inf * np.ones(K)])
    left = max(0.01, float(time_limit) - (time.perf_counter() - t0))  # building counts too
    out = highs_solve(cost, Amat, row_lo, row_hi, col_lo, col_hi, None, left, seed,
                      offset=c.obj_const)
    log = f"mccormick: {K} lifted products, {c.R} rows\n{out.log}"
    st = out.model_status
    if st == "kInfeasible":
        return Outcome("infeasible", log=log, proof="highs:kInfeasible (McCormick relaxation infeasible)")
    if st == "kOptimal" and out.x is not None:
        bound = 0.0
        if c.has_obj:
            if out.objective is None:
                raise ValueError("highs: status kOptimal with a point but without its objective value")
            bound = float(out.objective)
        return _claim(c, out.x[: c.n], bound, "mccormick", log)
    if st == "kTimeLimit":
        return Outcome("timeout", log=log, proof=f"highs:{st}")
    return Outcome("unknown", log=log, proof=f"highs:{st}")


def _shor_lifted(c, pos: np.ndarray, N1: int, pp, qq, vv):
    """Column index into vec(Y), coefficient and the constant part of each product term."""
    fa, fb = c.free[pp], c.free[qq]
    ia = np.where(fa, 1 + pos[pp], 0)
    ib = np.where(fb, 1 + pos[qq], 0)
    coef = vv * np.where(fa, 1.0, c.lo[pp]) * np.where(fb, 1.0, c.lo[qq])
    const = np.where(fa | fb, 0.0, coef)
    return ia + N1 * ib, np.where(fa | fb, coef, 0.0), const, fa | fb


def _shor_bounds(cp, Y, c, free: np.ndarray) -> list:
    """Y PSD with Y[0, 0] = 1, the bounds on x = Y[0, 1:] and diag(Y) <= max(lo^2, hi^2) on boxes."""
    x = Y[0, 1:]
    cons = [Y >> 0, Y[0, 0] == 1]
    fin_lo, fin_hi = np.isfinite(c.lo[free]), np.isfinite(c.hi[free])
    if fin_lo.any():
        cons.append(x[np.flatnonzero(fin_lo)] >= c.lo[free][fin_lo])
    if fin_hi.any():
        cons.append(x[np.flatnonzero(fin_hi)] <= c.hi[free][fin_hi])
    box = fin_lo & fin_hi
    if box.any():
        idx = np.flatnonzero(box)
        cap = np.maximum(c.lo[free][box] ** 2, c.hi[free][box] ** 2)
        cons.append(cp.diag(Y)[1 + idx] <= cap)
    return cons


def _shor_rlt_cuts(cp, vecY, c, pos: np.ndarray, N1: int) -> list:
    """RLT (McCormick) cuts on the lifted products whose factors have finite boxes: the SDP then
    is at least as tight as the mccormick LP on those products."""
    pp_all = np.concatenate([c.p, c.obj_p])
    qq_all = np.concatenate([c.q, c.obj_q])
    both = c.free[pp_all] & c.free[qq_all]
    prs = np.array(sorted(set(zip(pp_all[both].tolist(), qq_all[both].tolist()))), np.int64).reshape(-1, 2)
    if not prs.size:
        return []
    a, b_ = prs[:, 0], prs[:, 1]
    la, ua, lb, ub = c.lo[a], c.hi[a], c.lo[b_], c.hi[b_]
    fin = np.isfinite(la) & np.isfinite(ua) & np.isfinite(lb) & np.isfinite(ub)
    a, b_, la, ua, lb, ub = a[fin], b_[fin], la[fin], ua[fin], lb[fin], ub[fin]
    if not a.size:
        return []
    w = vecY[(1 + pos[a]) + N1 * (1 + pos[b_])]
    xa, xb = vecY[1 + pos[a]], vecY[1 + pos[b_]]
    return [w >= cp.multiply(la, xb) + cp.multiply(lb, xa) - la * lb,
            w >= cp.multiply(ua, xb) + cp.multiply(ub, xa) - ua * ub,
            w <= cp.multiply(ua, xb) + cp.multiply(lb, xa) - ua * lb,
            w <= cp.multiply(la, xb) + cp.multiply(ub, xa) - la * ub]


def _shor_rows(vecY, c, pos: np.ndarray, N1: int) -> list | Outcome:
    """The rows as linear constraints on vec(Y); an infeasible Outcome for a violated constant row."""
    colr, coefr, constr, varr = _shor_lifted(c, pos, N1, c.p, c.q, c.val)
    Mrow = sparse.coo_matrix((coefr, (c.row, colr)), shape=(c.R, N1 * N1)).tocsr()
    rhs = c.rhs - np.bincount(c.row, weights=constr, minlength=c.R)
    has_var = np.bincount(c.row, weights=varr.astype(float), minlength=c.R) > 0
    for r in np.flatnonzero(~has_var):  # rows that read a constant after fixing
        k = c.rhs[r] - rhs[r]
        ok = (abs(rhs[r]) <= 1e-12) if c.eq[r] else ((rhs[r] >= -1e-12) if c.le[r] else (rhs[r] <= 1e-12))
        if not ok:
            return Outcome("infeasible", log=f"shor: row {r} reads constant {k} vs rhs {c.rhs[r]}",
                           proof="shor: constant row violated")
    cons = []
    for mask, op in ((c.eq, "=="), (c.le, "<="), (c.ge, ">=")):
        rows = np.flatnonzero(mask & has_var)
        if rows.size:
            e, v = Mrow[rows] @ vecY, rhs[rows]
            cons.append(e == v if op == "==" else (e <= v if op == "<=" else e >= v))
    return cons


def _shor_outcome(cp, prob, Y, c, free: np.ndarray, solver: str, log: str) -> Outcome:
    """What the SDP's status proves: infeasibility, a lower bound with its point, or nothing."""
    st = prob.status
    if st == cp.INFEASIBLE:
        return Outcome("infeasible", log=log, proof=f"shor:{solver}:{st} (SDP relaxation infeasible)")
    if st in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE) and Y.value is not None:
        xf = c.lo.copy()
        xf[free] = Y.value[0, 1:]
        # interior-point optimum is only accurate to ~1e-8: back off the bound accordingly
        bound = (float(prob.value) - 1e-6 * max(1.0, abs(prob.value))) if c.has_obj else 0.0
        if st == cp.OPTIMAL_INACCURATE:
            return Outcome("unknown", log=log, proof=f"shor:{st}")
        return _claim(c, xf, bound, "shor", log)
    if st == cp.UNBOUNDED:
        return Outcome("unknown", bound=None, log=log, proof=f"shor:{solver}:{st}")
    if st == cp.USER_LIMIT:  # the conic solver stopped at its (time) limit
        return Outcome("timeout", log=log, proof=f"shor:{solver}:{st}")
    return Outcome("unknown", log=log, proof=f"shor:{solver}:{st}")


def run_shor(program: BilinearProgram, time_limit: float, seed: int) -> Outcome:
    # the budget covers importing cvxpy, building and canonicalising the SDP, not only the
    # conic solver's own clock (canonicalisation alone can exceed a 1 s limit at 50 variables)
    """The ``shor`` relaxation: an SDP (cvxpy; Clarabel, else SCS) with RLT cuts.

    ``[[1, x^T], [x, W]]`` positive semidefinite over the free variables, products
    ``x_p x_q -> W_pq``, variable bounds and McCormick inequalities where the boxes are finite
    (module docstring).  Refused for more than :data:`SHOR_MAX_VARS` free variables.  SDP
    infeasible -> ``infeasible``; otherwise a lower ``bound`` and status ``unknown``, unless the
    relaxation's x satisfies the original rows.  The budget covers importing cvxpy and
    canonicalising the SDP.

    Parameters
    ----------
    program : BilinearProgram
        The program (paper Problems C.10/C.11).
    time_limit : float
        Seconds (> 0) for the whole call.
    seed : int
        Unused; kept for the common runner signature.

    Returns
    -------
    Outcome
        Status, point ``(b, A)`` (shapes (d+1,) and (d+1, d)) or None, bound, log and proof, before
        the exact verification of :func:`recovery.programs.solvers.solve`.
    """
    t_start = time.perf_counter()
    import cvxpy as cp

    c = compile_program(program)
    free = np.flatnonzero(c.free)
    nf = free.size
    if nf > SHOR_MAX_VARS:
        return Outcome("error", log=(f"shor is for small programs: {nf} free variables > "
                                     f"SHOR_MAX_VARS = {SHOR_MAX_VARS}; use mccormick"), proof="refused")
    pos = -np.ones(c.n, np.int64)
    pos[free] = np.arange(nf)
    Y = cp.Variable((nf + 1, nf + 1), symmetric=True)
    # Everything past the bounds is linear in the entries of Y: built as sparse matrices acting on
    # vec(Y) (column-major), so the model is a handful of vector constraints, not one cvxpy
    # expression per term (that made building alone exceed 1 s time limits at 50 variables).
    N1 = nf + 1
    vecY = cp.vec(Y, order="F")
    rows = _shor_rows(vecY, c, pos, N1)
    if isinstance(rows, Outcome):
        return rows
    cons = _shor_bounds(cp, Y, c, free) + _shor_rlt_cuts(cp, vecY, c, pos, N1) + rows
    if c.has_obj:
        colo, coefo, consto, _ = _shor_lifted(c, pos, N1, c.obj_p, c.obj_q, c.obj_val)
        cost = np.bincount(colo, weights=coefo, minlength=N1 * N1)
        objective = cp.Minimize(cost @ vecY + float(consto.sum()) + c.obj_const)
    else:
        objective = cp.Minimize(0)
    prob = cp.Problem(objective, cons)
    solver = "CLARABEL" if "CLARABEL" in cp.installed_solvers() else "SCS"
    # canonicalise once, then give the conic solver what is left of the budget (10% headroom
    # for unpacking and verification); cvxpy's documented get_problem_data / solve_via_data /
    # unpack_results path avoids canonicalising twice
    data, chain, inverse = prob.get_problem_data(solver, solver_opts={})
    left = float(time_limit) - (time.perf_counter() - t_start)
    if left <= 0.05:
        return Outcome("timeout", log=f"shor: {nf} free variables, {c.R} rows: time limit reached while "
                                      f"building the SDP ({time.perf_counter() - t_start:.2f} s)",
                       proof="shor: time limit (building)")
    # The conic solver's clock excludes its setup and is read once per iteration: measured
    # overshoot 0.15-0.35 s at 50-56 free variables (audit, nae_sat/set_splitting reductions), so
    # reserve min(left/2, 0.3 s + 10%) of what is left.
    slim = max(0.01, left - min(0.5 * left, 0.3 + 0.1 * left))
    kw = {"time_limit": slim} if solver == "CLARABEL" else {"time_limit_secs": slim}
    with warnings.catch_warnings(record=True) as caught:  # keep cvxpy's accuracy warnings in the log,
        warnings.simplefilter("always")                    # not on the user's stderr
        raw = chain.solve_via_data(prob, data, False, False, kw)
        prob.unpack_results(raw, chain, inverse)
    log = f"shor: {nf} free variables, {c.R} rows, cvxpy/{solver} status {prob.status}, value {prob.value}"
    for w in caught:
        log += f"\ncvxpy warning: {w.message}"
    return _shor_outcome(cp, prob, Y, c, free, solver, log)


register(SolverSpec(name="mccormick", requires="highspy", pip_hint="pip install highspy",
                    proves=("infeasible",), runner=run_mccormick,
                    method="McCormick LP relaxation (HiGHS); a lower bound", memory="jacobian"))
register(SolverSpec(name="shor", requires="cvxpy", pip_hint="pip install cvxpy",
                    proves=("infeasible",), runner=run_shor,
                    method="Shor SDP relaxation (cvxpy); a lower bound", memory="moment"))
