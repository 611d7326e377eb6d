"""Local heuristics: ``multistart``, ``lm`` and ``alternating-lp``.

None of them can prove anything: they return ``feasible`` when their best point satisfies every
row and bound to within ``FEAS_TOL`` (float check; the exact verifier in
:func:`recovery.programs.solvers.solve` has the last word) and ``unknown`` otherwise, never ``infeasible``.
With an objective they still only claim ``feasible`` (a local improvement is attempted).
All are seeded (``numpy.random.default_rng(seed)``) and stop at ``time_limit`` seconds
(checked between iterations; one iteration is short).

* ``multistart``: minimise the penalty ``F(x) = 1/2 sum_r viol_r(x)^2`` (scaled row violations,
  see :class:`~recovery.programs.solvers.compiled.Compiled`) with L-BFGS-B honouring the bounds, from
  random starts inside the bounds, until feasible or out of time; with an objective, then
  minimise ``objective + rho F`` (rho = 1e4) from the feasible point and keep it if still feasible.
* ``lm``: ``scipy.optimize.least_squares`` on the residuals ``viol(x)``: method ``'lm'``
  (Levenberg-Marquardt) when the program has only equality rows, no bounds other than fixings
  and at least as many rows as free variables, else ``'trf'`` with the bounds.
* ``alternating-lp``: for fixed b every row is linear in A, for fixed A linear in b (phi is
  bilinear, MATH.md section 3); alternately solve the LP ``min sum_r s_r`` s.t. the rows relaxed
  by slacks ``s_r >= 0`` (HiGHS via ``scipy.optimize.linprog``) in A, then in b, from random
  starts; once the violation is below 1e-3 a short trust-region least-squares polish finishes
  the job (block-coordinate LPs converge only linearly).  Once the slack sum is 0 and there is an objective, further half-steps minimise the
  (now linear) objective subject to the exact rows.
"""

from __future__ import annotations

import time

import numpy as np
from scipy import optimize, sparse

from recovery.programs.program import BilinearProgram
from recovery.programs.solvers.compiled import Compiled, compile_program
from recovery.programs.solvers.registry import SolverSpec, register
from recovery.programs.solvers.result import Outcome

__all__ = ["run_multistart", "run_lm", "run_alternating_lp", "FEAS_TOL"]

#: internal float feasibility target (the verifier accepts 1e-6 scaled)
FEAS_TOL = 1e-8


class _Clock:
    def __init__(self, limit: float) -> None:
        self.t0 = time.perf_counter()
        self.limit = limit

    def left(self) -> float:
        return self.limit - (time.perf_counter() - self.t0)

    def out(self) -> bool:
        return self.left() <= 0


def _finish(c: Compiled, best_x: np.ndarray | None, best_v: float, name: str, log: list[str],
            restarts: int) -> Outcome:
    log.append(f"{name}: {restarts} start(s), best max scaled violation {best_v:.3g}")
    if best_x is None:
        return Outcome("unknown", log="\n".join(log), proof=f"{name}: no point")
    b, A = c.split(best_x)
    if best_v <= FEAS_TOL * 10:
        return Outcome("feasible", b=b, A=A, log="\n".join(log), proof=f"{name}: local solution")
    return Outcome("unknown", b=b, A=A, log="\n".join(log),
                   proof=f"{name}: no feasible point found (heuristic, proves nothing)")


# ------------------------------------------------------------------------------ multistart
def _penalty(c: Compiled, free_idx: np.ndarray, x_full: np.ndarray, rho: float = 0.0):
    def f(z: np.ndarray):
        x = x_full.copy()
        x[free_idx] = z
        v = c.violation(x)
        w = v / c.scale  # d viol_r / d lhs_r = 1/scale_r on the active side
        g = c.jac_T_times(x, w)
        val = 0.5 * float(v @ v)
        if rho:
            val = c.objective(x) + rho * val
            g = c.objective_grad(x) + rho * g
        return val, g[free_idx]

    return f


def _lbfgsb(c, free_idx, x0, clock, rho=0.0):
    bounds = list(zip(np.where(np.isfinite(c.lo[free_idx]), c.lo[free_idx], None),
                      np.where(np.isfinite(c.hi[free_idx]), c.hi[free_idx], None)))

    def cb(*_args):
        if clock.out():
            raise StopIteration

    res = optimize.minimize(_penalty(c, free_idx, x0, rho), x0[free_idx], jac=True,
                            method="L-BFGS-B", bounds=bounds, callback=cb,
                            options={"maxiter": 5000, "ftol": 1e-20, "gtol": 1e-14})
    x = x0.copy()
    x[free_idx] = res.x
    return x


def _polish(c: Compiled, x: np.ndarray, clock: _Clock) -> np.ndarray:
    """A few trust-region least-squares steps on the residuals to reach float precision."""
    free_idx = np.flatnonzero(c.free)
    if free_idx.size == 0 or c.R == 0 or clock.left() < 0.05:
        return x
    lo, hi = c.lo[free_idx], c.hi[free_idx]
    z0 = np.clip(x[free_idx], lo, hi)

    def resid(z):
        y = x.copy()
        y[free_idx] = z
        return c.violation(y)

    def jac(z):
        y = x.copy()
        y[free_idx] = z
        J = c.jacobian(y)[:, free_idx]
        r = c.lhs(y) - c.rhs
        active = np.where(c.eq, 1.0, np.where(c.le, (r > 0) * 1.0, (r < 0) * 1.0)) / c.scale
        return sparse.diags(active) @ J

    try:
        res = optimize.least_squares(resid, z0, jac=jac, bounds=(lo, hi), method="trf",
                                     xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=50)
    except ValueError:
        return x
    y = x.copy()
    y[free_idx] = res.x
    return y if c.max_violation(y) <= c.max_violation(x) else x


def run_multistart(program: BilinearProgram, time_limit: float, seed: int) -> Outcome:
    """The ``multistart`` heuristic (module docstring): L-BFGS-B on the penalty from random starts.

    Minimises ``F(x) = 1/2 sum_r viol_r(x)^2`` within the bounds from random starts until a point
    is feasible to within :data:`FEAS_TOL` or the time is out; with an objective, then minimises
    ``objective + 1e4 F`` from the feasible point and keeps it if still feasible.  Status
    ``feasible`` or ``unknown``, never ``infeasible``.

    Parameters
    ----------
    program : BilinearProgram
        The program (paper Problems C.10/C.11).
    time_limit : float
        Seconds (> 0) for the whole call.
    seed : int
        Seed (>= 0) of ``numpy.random.default_rng`` for the random starts.

    Returns
    -------
    Outcome
        Status, point ``(b, A)`` (shapes (d+1,) and (d+1, d)) or None, bound, log and proof, before
        the exact verification of :func:`recovery.programs.solvers.solve`.
    """
    clock = _Clock(time_limit)  # started before compiling: the budget covers the whole call
    c = compile_program(program)
    rng = np.random.default_rng(seed)
    free_idx = np.flatnonzero(c.free)
    best_x: np.ndarray | None = None
    best_v, k = np.inf, 0
    log: list[str] = []
    while True:
        x0 = c.random_start(rng)
        x = _lbfgsb(c, free_idx, x0, clock) if free_idx.size else x0
        if c.max_violation(x) < 1e-4:
            x = _polish(c, x, clock)
        v = c.max_violation(x)
        k += 1
        if v < best_v:
            best_x, best_v = x, v
        if best_v <= FEAS_TOL or clock.out():
            break
    if best_x is not None and best_v <= FEAS_TOL and c.has_obj and not clock.out() and free_idx.size:
        x = _polish(c, _lbfgsb(c, free_idx, best_x, clock, rho=1e4), clock)
        if c.max_violation(x) <= FEAS_TOL and c.objective(x) < c.objective(best_x):
            log.append(f"objective improved {c.objective(best_x):.6g} -> {c.objective(x):.6g}")
            best_x = x
    return _finish(c, best_x, best_v, "multistart", log, k)


# ------------------------------------------------------------------------------ lm
def run_lm(program: BilinearProgram, time_limit: float, seed: int) -> Outcome:
    """The ``lm`` heuristic (module docstring): ``scipy.optimize.least_squares`` on the violations.

    Method ``'lm'`` (Levenberg-Marquardt) when the program has only equality rows, no bounds other
    than fixings and at least as many rows as free variables, else ``'trf'`` with the bounds.
    Status ``feasible`` (within :data:`FEAS_TOL`) or ``unknown``, never ``infeasible``.

    Parameters
    ----------
    program : BilinearProgram
        The program (paper Problems C.10/C.11).
    time_limit : float
        Seconds (> 0) for the whole call.
    seed : int
        Seed (>= 0) of ``numpy.random.default_rng`` for the random starts.

    Returns
    -------
    Outcome
        Status, point ``(b, A)`` (shapes (d+1,) and (d+1, d)) or None, bound, log and proof, before
        the exact verification of :func:`recovery.programs.solvers.solve`.

    Examples
    --------
    >>> from recovery.programs.program import ProgramBuilder
    >>> pb = ProgramBuilder(1)
    >>> _ = pb.add_row(0, [(0, 0, 1)], "==", 2)      # b[0] * A[0, 0] == 2
    >>> out = run_lm(pb.build(), time_limit=5.0, seed=0)
    >>> out.status, bool(abs(out.b[0] * out.A[0, 0] - 2) < 1e-8)
    ('feasible', True)
    """
    clock = _Clock(time_limit)  # started before compiling: the budget covers the whole call
    c = compile_program(program)
    rng = np.random.default_rng(seed)
    free_idx = np.flatnonzero(c.free)
    bounded = np.isfinite(c.lo[free_idx]).any() or np.isfinite(c.hi[free_idx]).any()
    method = "lm" if (c.eq.all() and not bounded and c.R >= free_idx.size > 0) else "trf"
    log = [f"lm: least_squares method {method!r}"]
    best_x, best_v, k = None, np.inf, 0
    while True:
        x0 = c.random_start(rng)
        if free_idx.size == 0 or c.R == 0:
            x = x0
        else:
            def resid(z, x0=x0):
                y = x0.copy()
                y[free_idx] = z
                return c.violation(y)

            def jac(z, x0=x0):
                y = x0.copy()
                y[free_idx] = z
                J = c.jacobian(y)[:, free_idx]
                r = c.lhs(y) - c.rhs
                active = np.where(c.eq, 1.0, np.where(c.le, (r > 0) * 1.0, (r < 0) * 1.0)) / c.scale
                M = sparse.diags(active) @ J
                return M.toarray() if method == "lm" else M

            kw = dict(xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=200 * (free_idx.size + 1))
            if method == "lm":
                res = optimize.least_squares(resid, x0[free_idx], jac=jac, method="lm", **kw)
            else:
                lo, hi = c.lo[free_idx], c.hi[free_idx]
                res = optimize.least_squares(resid, x0[free_idx], jac=jac, method="trf",
                                             bounds=(lo, hi), **kw)
            x = x0.copy()
            x[free_idx] = res.x
        v = c.max_violation(x)
        k += 1
        if v < best_v:
            best_x, best_v = x, v
        if best_v <= FEAS_TOL or clock.out() or free_idx.size == 0:
            break
    return _finish(c, best_x, best_v, "lm", log, k)


# ------------------------------------------------------------------------------ alternating LP
def _lp_step(c: Compiled, x: np.ndarray, block: np.ndarray, phase2: bool):
    """LP in the variables ``block`` (indices into x) with the others fixed at x.

    Phase 1: minimise the slack sum.  Phase 2: minimise the objective with exact rows.
    Returns the new x (or None when the LP failed) and the LP optimum.
    """
    in_block = np.zeros(c.n, bool)
    in_block[block] = True
    in_block &= c.free
    cols = np.flatnonzero(in_block)
    pos = -np.ones(c.n, np.int64)
    pos[cols] = np.arange(cols.size)
    # each product term: exactly one of p, q lies in the block (b and A blocks are disjoint)
    p_in = in_block[c.p]
    q_in = in_block[c.q]
    var = np.where(p_in, c.p, np.where(q_in, c.q, -1))
    other = np.where(p_in, c.q, c.p)
    coef = c.val * x[other]
    const = np.bincount(c.row, weights=np.where(var < 0, c.val * x[c.p] * x[c.q], 0.0), minlength=c.R)
    mask = var >= 0
    nv = cols.size
    M = sparse.coo_matrix((coef[mask], (c.row[mask], pos[var[mask]])), shape=(c.R, nv)).tocsr()
    rhs = c.rhs - const
    lo, hi = c.lo[cols], c.hi[cols]
    bnds = [(None if not np.isfinite(a) else a, None if not np.isfinite(b_) else b_) for a, b_ in zip(lo, hi)]
    eq, le, ge = c.eq, c.le, c.ge
    if not phase2:
        # variables (z, s); rows scaled by 1/scale so the slack is the scaled violation
        Ms = sparse.diags(1.0 / c.scale) @ M
        rs = rhs / c.scale
        I = sparse.identity(c.R, format="csr")
        # eq: M z - s <= r, -M z - s <= -r ; le: M z - s <= r ; ge: -M z - s <= -r
        up = np.flatnonzero(eq | le)
        dn = np.flatnonzero(eq | ge)
        A_ub = sparse.vstack([sparse.hstack([Ms[up], -I[up]]), sparse.hstack([-Ms[dn], -I[dn]])]).tocsr()
        b_ub = np.concatenate([rs[up], -rs[dn]])
        cost = np.concatenate([np.zeros(nv), np.ones(c.R)])
        res = optimize.linprog(cost, A_ub=A_ub, b_ub=b_ub, bounds=bnds + [(0, None)] * c.R, method="highs")
    else:
        # objective terms: linear in the block for fixed complement
        op_in, oq_in = in_block[c.obj_p], in_block[c.obj_q]
        cost = np.zeros(nv)
        ov = np.where(op_in, c.obj_p, np.where(oq_in, c.obj_q, -1))
        oo = np.where(op_in, c.obj_q, c.obj_p)
        m2 = ov >= 0
        np.add.at(cost, pos[ov[m2]], c.obj_val[m2] * x[oo[m2]])
        A_eq = M[np.flatnonzero(eq)]
        A_ub = sparse.vstack([M[np.flatnonzero(le)], -M[np.flatnonzero(ge)]]).tocsr()
        b_ub = np.concatenate([rhs[le], -rhs[ge]])
        res = optimize.linprog(cost, A_ub=A_ub if A_ub.shape[0] else None,
                               b_ub=b_ub if A_ub.shape[0] else None,
                               A_eq=A_eq if A_eq.shape[0] else None,
                               b_eq=rhs[eq] if A_eq.shape[0] else None, bounds=bnds, method="highs")
    if res.status != 0:
        return None, None
    y = x.copy()
    y[cols] = res.x[:nv]
    return y, float(res.fun)


def run_alternating_lp(program: BilinearProgram, time_limit: float, seed: int) -> Outcome:
    """The ``alternating-lp`` heuristic (module docstring): LPs in A for fixed b, then in b for fixed A.

    Each LP minimises the slack sum of the rows relaxed by slacks ``s_r >= 0`` (phi is bilinear,
    MATH.md section 3); random starts; a trust-region least-squares polish once the violation is
    below 1e-3; with an objective, further half-steps minimise it subject to the exact rows.
    Status ``feasible`` (within :data:`FEAS_TOL`) or ``unknown``, never ``infeasible``.

    Parameters
    ----------
    program : BilinearProgram
        The program (paper Problems C.10/C.11).
    time_limit : float
        Seconds (> 0) for the whole call.
    seed : int
        Seed (>= 0) of ``numpy.random.default_rng`` for the random starts.

    Returns
    -------
    Outcome
        Status, point ``(b, A)`` (shapes (d+1,) and (d+1, d)) or None, bound, log and proof, before
        the exact verification of :func:`recovery.programs.solvers.solve`.
    """
    clock = _Clock(time_limit)  # started before compiling: the budget covers the whole call
    c = compile_program(program)
    rng = np.random.default_rng(seed)
    d = c.d
    b_block = np.arange(d + 1)
    A_block = np.arange(d + 1, c.n)
    best_x: np.ndarray | None = None
    best_v, k = np.inf, 0
    log: list[str] = []
    while True:
        x = c.random_start(rng)
        k += 1
        prev = np.inf
        for _ in range(200):
            if clock.out():
                break
            for block in (A_block, b_block):
                y, val = _lp_step(c, x, block, phase2=False)
                if y is not None:
                    x = y
            v = c.max_violation(x)
            if FEAS_TOL < v < 1e-3:
                # near a solution the block-coordinate LPs converge only linearly: finish with
                # a few trust-region least-squares steps (Newton-type, quadratic convergence)
                x = _polish(c, x, clock)
                v = c.max_violation(x)
            if v < best_v:
                best_x, best_v = x, v
            if v <= FEAS_TOL or v > prev * (1 - 1e-6):
                break  # solved, or stalled: restart
            prev = v
        if best_v <= FEAS_TOL or clock.out():
            break
    if best_x is not None and best_v <= FEAS_TOL and c.has_obj:
        best_x = _improve_objective(c, best_x, (A_block, b_block), clock, log)
    return _finish(c, best_x, best_v, "alternating-lp", log, k)


def _improve_objective(c, x0: np.ndarray, blocks, clock: _Clock, log: list) -> np.ndarray:
    """Phase 2 of alternating-lp: block LPs that lower the objective while staying feasible."""
    x = x0
    for _ in range(50):
        if clock.out():
            break
        before = c.objective(x)
        for block in blocks:
            y, _ = _lp_step(c, x, block, phase2=True)
            if y is not None and c.max_violation(y) <= FEAS_TOL:
                x = y
        if c.objective(x) >= before - 1e-12 * max(1.0, abs(before)):
            break
    if c.objective(x) < c.objective(x0):
        log.append(f"objective improved {c.objective(x0):.6g} -> {c.objective(x):.6g}")
        return x
    return x0


register(SolverSpec(name="multistart", requires="scipy", pip_hint="pip install scipy",
                    proves=("feasible",), runner=run_multistart,
                    method="penalty least squares, L-BFGS-B restarts", memory="jacobian"))
register(SolverSpec(name="lm", requires="scipy", pip_hint="pip install scipy",
                    proves=("feasible",), runner=run_lm,
                    method="least_squares (lm / trf) on the equalities", memory="jacobian"))
register(SolverSpec(name="alternating-lp", requires="scipy", pip_hint="pip install scipy",
                    proves=("feasible",), runner=run_alternating_lp,
                    method="LP in A for fixed b, LP in b for fixed A", memory="jacobian"))
