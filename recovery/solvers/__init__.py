"""Solver portfolio for :class:`recovery.program.BilinearProgram` (issue 4, MATH.md section 5).

``solve(program, solver=NAME, time_limit=S, seed=K) -> SolveResult``.  Names (also the CLI's
``--solver`` values):

=============== ============================================ ===================================
name            method                                       can prove
=============== ============================================ ===================================
scip            global spatial B&B (Pyomo scip_direct)       feasible, optimal, infeasible
maingo          global B&B (maingopy, if installed)          feasible, optimal, infeasible *
gurobi          NonConvex=2 B&B (if installed)               feasible, optimal, infeasible
highs-milp      exact MILP for linear-after-fixing rows +    feasible / optimal (objective at its
                complementarity objective (big-M binaries)   floor), infeasible
multistart      penalty least squares, L-BFGS-B restarts     feasible only
lm              least_squares (lm / trf) on equalities       feasible only
alternating-lp  LP in A for fixed b, LP in b for fixed A     feasible only
mccormick       McCormick LP relaxation (HiGHS)              infeasible; lower bound
shor            Shor SDP relaxation (cvxpy)                  infeasible; lower bound
=============== ============================================ ===================================

``*`` MAiNGO needs finite bounds: variables without them get an artificial box, and then it
proves ``optimal`` never and ``infeasible`` only from the rows whose variables all have finite
bounds (see :func:`recovery.solvers.global_solvers.run_maingo`).

Every returned point passes through :func:`recovery.verify.verify` (exact rationals); a failed
check turns ``feasible``/``optimal`` into ``unknown`` (the log says why).
"""

from __future__ import annotations

import importlib.util
import math
import time
import traceback
from typing import Callable

import numpy as np

from recovery.program import BilinearProgram
from recovery.solvers.result import STATUSES, Outcome, SolveResult
from recovery.verify import verify

__all__ = ["SOLVER_NAMES", "STATUSES", "SolveResult", "solve", "available_solvers"]

SOLVER_NAMES = ("scip", "maingo", "gurobi", "highs-milp", "multistart", "lm", "alternating-lp",
                "mccormick", "shor")

# module providing each solver, the python package it needs, and the pip hint
_REQUIRES = {
    "scip": ("pyscipopt", "pip install pyscipopt"),
    "maingo": ("maingopy", "pip install maingopy"),
    "gurobi": ("gurobipy", "pip install gurobipy"),
    "highs-milp": ("highspy", "pip install highspy"),
    "multistart": ("scipy", "pip install scipy"),
    "lm": ("scipy", "pip install scipy"),
    "alternating-lp": ("scipy", "pip install scipy"),
    "mccormick": ("highspy", "pip install highspy"),
    "shor": ("cvxpy", "pip install cvxpy"),
}


def available_solvers() -> dict[str, bool]:
    """``{name: installed}`` for every name in :data:`SOLVER_NAMES`."""
    return {n: importlib.util.find_spec(_REQUIRES[n][0]) is not None for n in SOLVER_NAMES}


def _runner(name: str) -> Callable[[BilinearProgram, float, int], Outcome]:
    if name in ("scip", "gurobi", "maingo"):
        from recovery.solvers import global_solvers as mod

        return {"scip": mod.run_scip, "gurobi": mod.run_gurobi, "maingo": mod.run_maingo}[name]
    if name == "highs-milp":
        from recovery.solvers.milp import run_highs_milp

        return run_highs_milp
    if name in ("multistart", "lm", "alternating-lp"):
        from recovery.solvers import heuristics as mod

        return {"multistart": mod.run_multistart, "lm": mod.run_lm,
                "alternating-lp": mod.run_alternating_lp}[name]
    from recovery.solvers import relaxations as mod

    return {"mccormick": mod.run_mccormick, "shor": mod.run_shor}[name]


def solve(program: BilinearProgram, solver: str = "scip", time_limit: float = 60.0, seed: int = 0,
          *, tol: float = 1e-6) -> SolveResult:
    """Run ``solver`` on ``program`` and verify the returned point (see module docstring).

    ``time_limit``: seconds (> 0, finite); ``seed``: int >= 0 for every randomised component;
    ``tol``: verification tolerance (:func:`recovery.verify.verify`).  Raises ValueError/TypeError
    for bad arguments; solver failures are reported as status ``error`` with a log, not raised.
    """
    if not isinstance(program, BilinearProgram):
        raise TypeError(f"program must be a BilinearProgram, got {type(program).__name__}")
    if not isinstance(solver, str):
        raise TypeError(f"solver must be a str, got {type(solver).__name__}")
    if solver not in SOLVER_NAMES:
        raise ValueError(f"unknown solver {solver!r}; choose one of {', '.join(SOLVER_NAMES)}")
    if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float, np.integer, np.floating)):
        raise TypeError(f"time_limit must be a number of seconds, got {type(time_limit).__name__}")
    time_limit = float(time_limit)
    if not math.isfinite(time_limit) or time_limit <= 0:
        raise ValueError(f"time_limit must be a finite number of seconds > 0, got {time_limit}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    seed = int(seed)
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")

    t0 = time.perf_counter()
    common = dict(solver=solver, seed=seed, time_limit=time_limit)
    module, hint = _REQUIRES[solver]
    if importlib.util.find_spec(module) is None:
        return SolveResult("error", None, None, None, None, time.perf_counter() - t0,
                           f"solver {solver} is not installed ({hint})", proof="not-installed",
                           **common)
    try:
        out = _runner(solver)(program, time_limit, seed)
    except Exception as exc:  # a crashing back end is reported, not raised (its log says why)
        tb = traceback.format_exc(limit=6)
        return SolveResult("error", None, None, None, None, time.perf_counter() - t0,
                           f"solver {solver} failed: {type(exc).__name__}: {exc}\n{tb}",
                           proof="exception", **common)

    status, log = out.status, out.log
    b = None if out.b is None else np.asarray(out.b, dtype=np.float64).copy()
    A = None if out.A is None else np.asarray(out.A, dtype=np.float64).copy()
    verified, max_violation, objective = False, None, None
    if b is not None and A is not None:
        ver = verify(program, b, A, tol=tol)
        verified, max_violation, objective = ver.ok, ver.max_violation, ver.objective
        if not ver.ok:
            worst = ", ".join(f"{lab}: {v:.3g}" for lab, v in ver.violations[:5])
            if status in ("feasible", "optimal"):
                log += (f"\nverification FAILED (tol {tol:g}, max scaled violation "
                        f"{ver.max_violation:.3g}; {worst}): status {status} -> unknown")
                status = "unknown"
            else:
                log += f"\nreturned point does not verify (max scaled violation {ver.max_violation:.3g})"
        elif status == "optimal" and out.bound is not None and math.isfinite(out.bound) and \
                objective is not None and objective > out.bound + tol * max(1.0, abs(out.bound)) + 1e-6:
            # the solver's gap tolerance allowed a worse point; keep it, but say so
            log += f"\nnote: verified objective {objective:.9g} exceeds reported bound {out.bound:.9g}"
    elif status in ("feasible", "optimal"):
        log += f"\nsolver claimed {status} without returning a point: status -> unknown"
        status = "unknown"
    bound = out.bound
    if bound is not None:
        bound = float(bound)
    return SolveResult(status, b, A, objective, bound, time.perf_counter() - t0, log,
                       proof=out.proof, verified=verified, max_violation=max_violation, **common)
