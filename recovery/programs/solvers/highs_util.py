"""Thin wrapper around highspy: the one place where HiGHS is run and where an infeasibility claim is
confirmed.  Used by the ``highs-milp`` and ``mccormick`` solvers and by the exact deciders of
``reductions.deciders.source`` and ``reductions.deciders.bm_program``."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse

__all__ = ["HighsOutcome", "highs_solve", "build_highs_lp"]


@dataclass
class HighsOutcome:
    """Result of :func:`highs_solve`.

    Attributes
    ----------
    model_status : str
        HiGHS model status name, e.g. ``"kOptimal"``, ``"kInfeasible"``.
    x : numpy.ndarray or None
        Column values, shape (n,), when HiGHS has a primal solution.
    objective : float or None
        The objective value of ``x``.
    bound : float or None
        MIP dual bound (or LP optimum).
    log : str
        What happened, including the confirmation rerun of an infeasibility.
    status_name : str
        HiGHS's own text for the status, e.g. ``"Infeasible"``.
    """
    model_status: str          # HiGHS model status name, e.g. "kOptimal", "kInfeasible"
    x: np.ndarray | None       # column values when HiGHS has a primal solution
    objective: float | None
    bound: float | None        # MIP dual bound (or LP optimum)
    log: str
    status_name: str = ""      # HiGHS's own text for the status, e.g. "Infeasible"


def build_highs_lp(cost: np.ndarray, A: sparse.spmatrix, row_lo: np.ndarray, row_hi: np.ndarray,
                   col_lo: np.ndarray, col_hi: np.ndarray, integer: np.ndarray | None = None,
                   offset: float = 0.0):
    """``highspy.HighsLp`` for ``min cost^T x + offset`` s.t. ``row_lo <= A x <= row_hi``, ``col_lo <= x <= col_hi``.

    Parameters
    ----------
    cost : numpy.ndarray
        Costs, shape (n,).
    A : scipy.sparse.spmatrix
        Row matrix, shape (m, n).
    row_lo, row_hi : numpy.ndarray
        Row bounds, shape (m,); infinite bounds as +-inf.
    col_lo, col_hi : numpy.ndarray
        Column bounds, shape (n,); infinite bounds as +-inf.
    integer : numpy.ndarray or None, optional
        Bool, shape (n,): ``x_i`` integer where ``integer[i]``; None for an LP.
    offset : float, optional
        Constant added to the objective.

    Returns
    -------
    highspy.HighsLp
        The model (column-wise matrix), with integrality when ``integer`` has a True entry.
    """
    import highspy

    inf = highspy.kHighsInf
    A = sparse.csc_matrix(A, dtype=float)
    n = A.shape[1]
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = A.shape[0]
    lp.col_cost_ = np.asarray(cost, float)
    lp.offset_ = float(offset)
    lp.col_lower_ = np.where(np.isfinite(col_lo), col_lo, -inf).astype(float)
    lp.col_upper_ = np.where(np.isfinite(col_hi), col_hi, inf).astype(float)
    lp.row_lower_ = np.where(np.isfinite(row_lo), row_lo, -inf).astype(float)
    lp.row_upper_ = np.where(np.isfinite(row_hi), row_hi, inf).astype(float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = A.shape[0]
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(float)
    if integer is not None and np.any(integer):
        lp.integrality_ = [highspy.HighsVarType.kInteger if f else highspy.HighsVarType.kContinuous
                           for f in integer]
    return lp


def highs_solve(cost: np.ndarray, A: sparse.spmatrix, row_lo: np.ndarray, row_hi: np.ndarray,
                col_lo: np.ndarray, col_hi: np.ndarray, integer: np.ndarray | None,
                time_limit: float | None, seed: int, offset: float = 0.0, *, tight: bool = True) -> HighsOutcome:
    """Solve ``min cost^T x + offset`` s.t. ``row_lo <= A x <= row_hi``, ``col_lo <= x <= col_hi``.

    ``x_i`` is integer where ``integer``.  Single thread.  An "infeasible" verdict is kept only
    when a second run (default tolerances, presolve off) confirms it within what is left of
    ``time_limit``; an unconfirmed one reports the second run's status (and point, if it found
    one).  Why: with 1e-9 tolerances HiGHS "proved" a feasible partition MILP infeasible
    ([56738612, 26121180, 44367183, 52453533, 58468006, 44507082]; the default tolerance and
    presolve off both find the solution).

    Parameters
    ----------
    cost : numpy.ndarray
        Costs, shape (n,).
    A : scipy.sparse.spmatrix
        Row matrix, shape (m, n).
    row_lo, row_hi : numpy.ndarray
        Row bounds, shape (m,); infinite bounds as +-inf.
    col_lo, col_hi : numpy.ndarray
        Column bounds, shape (n,); infinite bounds as +-inf.
    integer : numpy.ndarray or None
        Bool, shape (n,): ``x_i`` integer where ``integer[i]``; None for an LP.
    time_limit : float or None
        Seconds, or None for no limit.
    seed : int
        HiGHS's random seed.
    offset : float, optional
        Constant added to the objective.
    tight : bool, optional
        Primal and MIP feasibility tolerances 1e-9 (so that points pass the 1e-6 verifier of the
        portfolio); False: HiGHS's defaults (the reductions' deciders re-check points exactly).

    Returns
    -------
    HighsOutcome
        Status, point, objective, bound and log.
    """
    import highspy

    t0 = time.perf_counter()
    time_limit = math.inf if time_limit is None else float(time_limit)
    lp = build_highs_lp(cost, A, row_lo, row_hi, col_lo, col_hi, integer, offset)
    first = _run(highspy, lp, integer, time_limit, seed, tight=tight, presolve=True)
    if first.model_status not in ("kInfeasible", "kUnboundedOrInfeasible"):
        return first
    # A tight tolerance can make HiGHS "prove" infeasibility of a feasible MILP (seen on partition
    # instances with large values). Only an infeasibility that a second run with default tolerances
    # and presolve off confirms counts; otherwise report what the second run found.
    left = max(0.05, float(time_limit) - (time.perf_counter() - t0))
    second = _run(highspy, lp, integer, left, seed, tight=False, presolve=False)
    if second.model_status in ("kInfeasible", "kUnboundedOrInfeasible"):
        return HighsOutcome(first.model_status, None, None, first.bound,
                            first.log + "; confirmed by a default-tolerance, presolve-off rerun", first.status_name)
    return HighsOutcome(second.model_status, second.x, second.objective, second.bound,
                        first.log + "; NOT confirmed by the rerun: " + second.log, second.status_name)


def _new_highs(highspy):
    """``highspy.Highs()`` with its output switched off.  highspy >= 1.16 prints a banner ("Running
    HiGHS ...") on file descriptor 1 when the first ``Highs`` of a process is constructed, before
    any option can silence it; the construction therefore runs inside
    :func:`recovery.programs.solvers.isolation.captured_output`, so that the banner never reaches stdout
    (``reduce --witness`` and the reductions' deciders call HiGHS in-process)."""
    from recovery.programs.solvers.isolation import captured_output

    with captured_output():
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
    return h


def _run(highspy, lp, integer, time_limit: float, seed: int, *, tight: bool, presolve: bool) -> HighsOutcome:
    h = _new_highs(highspy)
    h.setOptionValue("threads", 1)
    if math.isfinite(time_limit):
        h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("random_seed", int(seed) % 2**31)
    if tight:
        h.setOptionValue("primal_feasibility_tolerance", 1e-9)
        h.setOptionValue("mip_feasibility_tolerance", 1e-9)
    if not presolve:
        h.setOptionValue("presolve", "off")
    h.passModel(lp)
    run_status = h.run()
    if str(run_status).endswith("kError") and str(h.getModelStatus()).endswith("kNotset"):
        # HiGHS refuses threads=1 once its global scheduler was started with more threads in this process
        # (any earlier in-process highspy run with default options, e.g. a user's own model): the run then
        # returned model status kNotset and every exact decider answered "unknown".  Reset the scheduler
        # (blocking) and run once more.
        reset = getattr(highspy.Highs, "resetGlobalScheduler", None)
        if reset is not None:
            reset(True)
            run_status = h.run()
    status = h.getModelStatus()
    name = h.modelStatusToString(status)
    key = str(status).split(".")[-1]
    info = h.getInfo()
    x = None
    if info.primal_solution_status == 2:  # kSolutionStatusFeasible
        x = np.asarray(h.getSolution().col_value, float)
    obj = float(info.objective_function_value) if x is not None else None
    bound = None
    if integer is not None and np.any(integer):
        bd = float(info.mip_dual_bound)
        bound = bd if math.isfinite(bd) else None
    elif key == "kOptimal":
        bound = obj
    log = f"HiGHS model status {key} ({name}); objective {obj}; bound {bound}"
    return HighsOutcome(key, x, obj, bound, log, name)
