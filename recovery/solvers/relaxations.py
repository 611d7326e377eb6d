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

import numpy as np
from scipy import sparse

from recovery.program import BilinearProgram
from recovery.solvers.compiled import compile_program
from recovery.solvers.highs_util import highs_solve
from recovery.solvers.milp import _name, _row_bounds
from recovery.solvers.result import Outcome

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


def run_mccormick(program: BilinearProgram, time_limit: float, seed: int) -> Outcome:
    c = compile_program(program)
    rows, p, q, v = _terms(c)
    both = c.free[p] & c.free[q]
    pairs = sorted(set(zip(p[both].tolist(), q[both].tolist())))
    for pp, qq in pairs:
        for i in (pp, qq):
            if not (np.isfinite(c.lo[i]) and np.isfinite(c.hi[i])):
                return Outcome("error", log=(
                    f"mccormick needs finite bounds on both factors of every product of free "
                    f"variables; {_name(c, i)} has [{c.lo[i]}, {c.hi[i]}]"), proof="refused")
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
    rlo, rhi = _row_bounds(c)
    # envelopes, each written as  a x + b y - w (<= or >=) const
    rr, cc, vv, elo, ehi = [], [], [], [], []
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
                elo.append(-np.inf), ehi.append(const)
            else:
                elo.append(const), ehi.append(np.inf)
    E = sparse.coo_matrix((vv, (rr, cc)), shape=(len(elo), n))
    Amat = sparse.vstack([M, E]).tocsr()
    row_lo = np.concatenate([rlo, elo])
    row_hi = np.concatenate([rhi, ehi])
    col_lo = np.concatenate([c.lo, -np.inf * np.ones(K)])
    col_hi = np.concatenate([c.hi, np.inf * np.ones(K)])
    out = highs_solve(cost, Amat, row_lo, row_hi, col_lo, col_hi, None, time_limit, seed,
                      offset=c.obj_const)
    log = f"mccormick: {K} lifted products, {c.R} rows\n{out.log}"
    st = out.model_status
    if st == "kInfeasible":
        return Outcome("infeasible", log=log, proof="highs:kInfeasible (McCormick relaxation infeasible)")
    if st == "kOptimal" and out.x is not None:
        bound = float(out.objective) if c.has_obj else 0.0
        return _claim(c, out.x[: c.n], bound, "mccormick", log)
    if st == "kTimeLimit":
        return Outcome("timeout", log=log, proof=f"highs:{st}")
    return Outcome("unknown", log=log, proof=f"highs:{st}")


def run_shor(program: BilinearProgram, time_limit: float, seed: int) -> Outcome:
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
        cons.append(cp.hstack([Y[1 + i, 1 + i] for i in idx]) <= cap)

    # RLT (McCormick) cuts on the lifted products whose factors have finite boxes: the SDP then
    # is at least as tight as the mccormick LP on those products
    pp_all = np.concatenate([c.p, c.obj_p])
    qq_all = np.concatenate([c.q, c.obj_q])
    both = c.free[pp_all] & c.free[qq_all]
    for a, b_ in sorted(set(zip(pp_all[both].tolist(), qq_all[both].tolist()))):
        la, ua, lb, ub = c.lo[a], c.hi[a], c.lo[b_], c.hi[b_]
        if not all(np.isfinite([la, ua, lb, ub])):
            continue
        w, xa, xb = Y[1 + pos[a], 1 + pos[b_]], Y[0, 1 + pos[a]], Y[0, 1 + pos[b_]]
        cons += [w >= la * xb + lb * xa - la * lb, w >= ua * xb + ub * xa - ua * ub,
                 w <= ua * xb + lb * xa - ua * lb, w <= la * xb + ub * xa - la * ub]

    def expr(pp, qq, vv):
        # sum of v * (product) in lifted variables; constant part returned separately
        lin, const = [], 0.0
        for a, b_, w in zip(pp, qq, vv):
            fa, fb = c.free[a], c.free[b_]
            if fa and fb:
                lin.append(w * Y[1 + pos[a], 1 + pos[b_]])
            elif fa:
                lin.append(w * c.lo[b_] * Y[0, 1 + pos[a]])
            elif fb:
                lin.append(w * c.lo[a] * Y[0, 1 + pos[b_]])
            else:
                const += w * c.lo[a] * c.lo[b_]
        return (cp.sum(cp.hstack(lin)) if lin else None), const

    for r in range(c.R):
        m = c.row == r
        e, k = expr(c.p[m], c.q[m], c.val[m])
        rhs = c.rhs[r] - k
        if e is None:
            ok = (abs(rhs) <= 1e-12) if c.eq[r] else ((rhs >= -1e-12) if c.le[r] else (rhs <= 1e-12))
            if not ok:
                return Outcome("infeasible", log=f"shor: row {r} reads constant {k} vs rhs {c.rhs[r]}",
                               proof="shor: constant row violated")
            continue
        cons.append(e == rhs if c.eq[r] else (e <= rhs if c.le[r] else e >= rhs))
    if c.has_obj:
        e, k = expr(c.obj_p, c.obj_q, c.obj_val)
        objective = cp.Minimize((e if e is not None else 0) + k + c.obj_const)
    else:
        objective = cp.Minimize(0)
    prob = cp.Problem(objective, cons)
    solver = "CLARABEL" if "CLARABEL" in cp.installed_solvers() else "SCS"
    kw = {"time_limit": float(time_limit)} if solver == "CLARABEL" else {"time_limit_secs": float(time_limit)}
    prob.solve(solver=solver, **kw)
    st = prob.status
    log = f"shor: {nf} free variables, {c.R} rows, cvxpy/{solver} status {st}, value {prob.value}"
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
    return Outcome("unknown", log=log, proof=f"shor:{solver}:{st}")
