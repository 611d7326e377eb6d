"""``highs-milp``: exact MILP encoding through HiGHS for complementarity-type programs.

Applies when, after substituting fixed variables (lo == hi),

1. every product ``b[u] * A[v, j]`` in the **constraints** has at least one fixed factor, so
   each row is linear in the remaining variables; and
2. the objective (if any) is ``constant + sum_t w_t x_t y_t`` where every term either has two
   fixed factors (a constant) or has ``w_t > 0`` and two free factors with bounds
   ``0 <= x_t <= U_x``, ``0 <= y_t <= U_y``, both finite (the bilinear-separability objective
   ``z1^T z2`` of MATH.md section 5 is of this form).

Then every term is >= 0, the objective is >= its floor ``c0 = constant + sum of constant
terms``, and ``min = c0`` iff some feasible point has ``x_t y_t = 0`` for all t (Lemma C.12
asks exactly whether the minimum is zero).  We decide that with binaries z_t:

    x_t <= U_x z_t,     y_t <= U_y (1 - z_t),     z_t in {0, 1}.

Big-M: U_x and U_y are the variables' own upper bounds, so the encoding is exact (z_t = 1
leaves x_t its full range [0, U_x] and forces y_t = 0, z_t = 0 the converse): no valid point is
cut off and no invalid one is admitted.

Outcome: HiGHS finds a point -> ``optimal`` (objective = c0 = proven lower bound; ``feasible``
for programs without objective); HiGHS proves the MILP infeasible -> ``infeasible`` with proof
``"constraints infeasible"`` (LP of the rows alone is infeasible: the program has no feasible
point) or ``"complementarity infeasible: min > floor"`` (feasible points exist, but the objective
cannot reach c0, i.e. the answer to "is the minimum zero?" is no; note that the status is then
``infeasible`` although the rows are feasible -- it is the complementarity system that is
infeasible, whereas a global solver reports ``optimal`` with a positive objective), or
``"constraints infeasible or min > floor"`` when the budget ran out before the rows-only LP
decided which; time limit -> ``timeout``.  A complementarity infeasibility with a big-M above
:data:`MAX_RELIABLE_BIG_M` is reported as ``unknown`` (not a proof, see there).  Compiling and the rows-only LP count against the
time limit.
Programs without this structure get status ``error`` with a log starting ``highs-milp needs``.
"""

from __future__ import annotations

import time

import numpy as np
from scipy import sparse

from recovery.programs.program import BilinearProgram
from recovery.programs.solvers.compiled import compile_program
from recovery.programs.solvers.highs_util import highs_solve
from recovery.programs.solvers.registry import SolverSpec, register
from recovery.programs.solvers.result import Outcome

__all__ = ["run_highs_milp", "linear_rows_after_fixing", "entry_name", "row_bounds", "MAX_RELIABLE_BIG_M"]

#: largest complementarity big-M (a variable's upper bound) for which an infeasibility verdict of
#: HiGHS counts as a proof; with HiGHS's 1e-6 feasibility tolerances a larger M lets rounding
#: errors of order 1e-6 M decide the branch (a wrong NO was seen at M = 7e10)
MAX_RELIABLE_BIG_M = 1e6


def entry_name(c, idx: int) -> str:
    """The variable name (``"b[i]"`` / ``"A[k,j]"``) of entry ``idx`` of a compiled program's vector.

    Parameters
    ----------
    c : Compiled
        The compiled program (:func:`recovery.programs.solvers.compiled.compile_program`).
    idx : int
        Index into ``x = (b, vec(A))``, ``0 <= idx < c.n``.

    Returns
    -------
    str
        The canonical variable name.
    """
    d = c.d
    if idx <= d:
        return f"b[{idx}]"
    k = idx - (d + 1)
    return f"A[{k % (d + 1)},{k // (d + 1)}]"


def linear_rows_after_fixing(c):
    """The rows as a linear map when every product term has a fixed factor.

    Parameters
    ----------
    c : Compiled
        The compiled program (:func:`recovery.programs.solvers.compiled.compile_program`).

    Returns
    -------
    M : scipy.sparse.csr_matrix or None
        Row matrix (R x n) with ``lhs(x) = M x``, or None when a term has two free factors.
    bad : tuple of int or None
        The first offending term as ``(row, p, q)``, or None.
    """
    pf, qf = ~c.free[c.p], ~c.free[c.q]
    bad = np.flatnonzero(~(pf | qf))
    if bad.size:
        t = bad[0]
        return None, (int(c.row[t]), int(c.p[t]), int(c.q[t]))
    # the fixed factor's value times the other variable (if both fixed, q's column: q is fixed)
    var = np.where(pf, c.q, c.p)
    coef = c.val * np.where(pf, c.lo[c.p], c.lo[c.q])
    M = sparse.coo_matrix((coef, (c.row, var)), shape=(c.R, c.n)).tocsr()
    return M, None


def row_bounds(c):
    """Row bounds ``(lo, hi)`` of a compiled program's rows: ``==`` both rhs, ``<=``/``>=`` one side.

    Parameters
    ----------
    c : Compiled
        The compiled program (:func:`recovery.programs.solvers.compiled.compile_program`).

    Returns
    -------
    lo : numpy.ndarray
        Shape (R,), lower bounds (-inf for ``<=`` rows).
    hi : numpy.ndarray
        Shape (R,), upper bounds (+inf for ``>=`` rows).
    """
    lo = np.where(c.eq | c.ge, c.rhs, -np.inf)
    hi = np.where(c.eq | c.le, c.rhs, np.inf)
    return lo, hi


def _left(t0: float, time_limit: float) -> float:
    """Seconds of the budget still available (compiling and a second LP count too)."""
    return max(0.01, float(time_limit) - (time.perf_counter() - t0))


def _objective_pairs(c) -> tuple[float, list[tuple[int, int]]] | Outcome:
    """The objective's floor (its fixed terms) and its complementarity pairs (both factors free,
    positive weight, factors in [0, finite hi]); a refusal Outcome when the objective has another form."""
    floor = c.obj_const
    pairs: list[tuple[int, int]] = []
    if not c.has_obj:
        return floor, pairs
    for p, q, w in zip(c.obj_p, c.obj_q, c.obj_val):
        if not c.free[p] and not c.free[q]:
            floor += w * c.lo[p] * c.lo[q]
            continue
        if not (c.free[p] and c.free[q]):
            return Outcome("error", log=(
                f"highs-milp needs objective terms with two free factors or none; "
                f"{entry_name(c, p)} * {entry_name(c, q)} has exactly one fixed"), proof="refused")
        if w <= 0:
            return Outcome("error", log=(
                f"highs-milp needs positive objective coefficients; {entry_name(c, p)} * "
                f"{entry_name(c, q)} has {w}"), proof="refused")
        for i in (p, q):
            if not (c.lo[i] >= 0 and np.isfinite(c.hi[i])):
                return Outcome("error", log=(
                    f"highs-milp needs objective factors with 0 <= lo and finite hi; "
                    f"{entry_name(c, i)} has bounds [{c.lo[i]}, {c.hi[i]}]"), proof="refused")
        pairs.append((int(p), int(q)))
    return floor, sorted(set(pairs))


def _milp_model(c, M, pairs: list[tuple[int, int]]):
    """Rows, row bounds and columns of the MILP: the linear rows, then per pair (p, q) with binary
    z: ``x_p - U_p z <= 0`` and ``y_q + U_q z <= U_q`` (big-M = the upper bounds)."""
    K = len(pairs)
    n = c.n + K
    row_lo, row_hi = row_bounds(c)
    blocks = [sparse.hstack([M, sparse.csr_matrix((c.R, K))])] if c.R else []
    if K:
        rr, cc, vv = [], [], []
        lo2, hi2 = [], []
        for k, (p, q) in enumerate(pairs):
            rr += [2 * k, 2 * k, 2 * k + 1, 2 * k + 1]
            cc += [p, c.n + k, q, c.n + k]
            vv += [1.0, -c.hi[p], 1.0, c.hi[q]]
            lo2 += [-np.inf, -np.inf]
            hi2 += [0.0, c.hi[q]]
        blocks.append(sparse.coo_matrix((vv, (rr, cc)), shape=(2 * K, n)))
        row_lo = np.concatenate([row_lo, lo2])
        row_hi = np.concatenate([row_hi, hi2])
    Amat = sparse.vstack(blocks).tocsr() if blocks else sparse.csr_matrix((0, n))
    col_lo = np.concatenate([c.lo, np.zeros(K)])
    col_hi = np.concatenate([c.hi, np.ones(K)])
    integer = np.concatenate([np.zeros(c.n, bool), np.ones(K, bool)])
    return Amat, row_lo, row_hi, col_lo, col_hi, integer


def _infeasible(c, M, pairs, st: str, log: list[str], t0: float, time_limit: float, seed: int) -> Outcome:
    """HiGHS's infeasibility: which part is infeasible (a rows-only LP tells), and whether to trust it."""
    # zero cost: unbounded is impossible, so kUnboundedOrInfeasible means infeasible
    why = "constraints infeasible"
    if pairs:
        lp = highs_solve(np.zeros(c.n), M if c.R else sparse.csr_matrix((0, c.n)),
                         row_bounds(c)[0], row_bounds(c)[1], c.lo, c.hi, None,
                         _left(t0, time_limit), seed)
        if lp.model_status == "kOptimal":
            why = "complementarity infeasible: min > floor"
        elif lp.model_status not in ("kInfeasible", "kUnboundedOrInfeasible"):
            # the budget ran out before the rows-only LP decided which of the two holds
            why = f"constraints infeasible or min > floor (rows-only LP: {lp.model_status})"
        log.append("rows-only LP: " + lp.log)
    big_m = max([float(c.hi[p]) for p, _ in pairs] + [float(c.hi[q]) for _, q in pairs], default=0.0)
    if big_m > MAX_RELIABLE_BIG_M and why != "constraints infeasible":
        # HiGHS "proved" a satisfiable kissat-ite15 program infeasible with big-M 7e10 (twice,
        # presolve on and off): beyond this range its infeasibility is no proof
        log.append(f"big-M {big_m:.3g} > {MAX_RELIABLE_BIG_M:g}: the infeasibility is not trusted")
        return Outcome("unknown", log="\n".join(log), proof=f"highs:{st} {why} (big-M {big_m:.3g}, not trusted)")
    return Outcome("infeasible", bound=None, log="\n".join(log), proof=f"highs:{st} {why}")


def run_highs_milp(program: BilinearProgram, time_limit: float, seed: int) -> Outcome:
    """The ``highs-milp`` solver: the exact complementarity MILP of the module docstring (HiGHS).

    Applies to programs whose rows are linear after fixing and whose objective is a sum of
    nonnegative complementarity terms with finite upper bounds (Lemma C.12; MATH.md section 5);
    others get status ``error`` with a log starting ``highs-milp needs``.  ``infeasible`` with a
    big-M above :data:`MAX_RELIABLE_BIG_M` is reported as ``unknown``.

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
    M, bad = linear_rows_after_fixing(c)
    if bad is not None:
        r, p, q = bad
        return Outcome("error", log=(
            f"highs-milp needs every product in the constraints to have a fixed factor; row {r} "
            f"has {entry_name(c, p)} * {entry_name(c, q)} with both free"), proof="refused")
    objective = _objective_pairs(c)
    if isinstance(objective, Outcome):
        return objective
    floor, pairs = objective
    Amat, row_lo, row_hi, col_lo, col_hi, integer = _milp_model(c, M, pairs)
    out = highs_solve(np.zeros(Amat.shape[1]), Amat, row_lo, row_hi, col_lo, col_hi, integer,
                      _left(t0, time_limit), seed)
    log = [f"highs-milp: {c.R} linear rows, {len(pairs)} complementarity binaries (big-M = upper bounds), "
           f"objective floor {floor if c.has_obj else 'n/a'}", out.log]
    st = out.model_status
    if st == "kOptimal" and out.x is not None:
        b, A = c.split(out.x[: c.n])
        if c.has_obj:
            return Outcome("optimal", b=b, A=A, bound=float(floor), log="\n".join(log),
                           proof="highs:kOptimal complementarity attained (objective = floor)")
        return Outcome("feasible", b=b, A=A, log="\n".join(log), proof="highs:kOptimal")
    if st in ("kInfeasible", "kUnboundedOrInfeasible"):
        return _infeasible(c, M, pairs, st, log, t0, time_limit, seed)
    if st == "kTimeLimit":
        if out.x is not None:
            b, A = c.split(out.x[: c.n])
            return Outcome("timeout", b=b, A=A, log="\n".join(log), proof=f"highs:{st}")
        return Outcome("timeout", log="\n".join(log), proof=f"highs:{st}")
    return Outcome("unknown", log="\n".join(log), proof=f"highs:{st}")


register(SolverSpec(name="highs-milp", requires="highspy", pip_hint="pip install highspy",
                    proves=("feasible", "optimal", "infeasible"), runner=run_highs_milp,
                    method="exact MILP: rows linear after fixing, complementarity objective by big-M binaries",
                    memory="jacobian"))
