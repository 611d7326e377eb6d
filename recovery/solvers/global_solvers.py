"""Global nonconvex solvers through the shared Pyomo model: ``scip``, ``gurobi``, ``maingo``.

* ``scip``: Pyomo's ``scip_direct`` (pyomo.contrib.solver interface, PySCIPOpt); spatial
  branch and bound, so ``optimal`` and ``infeasible`` are global proofs (within SCIP's
  tolerances; the verifier re-checks every point).  Time limit: SCIP parameter
  ``limits/time`` (set by Pyomo from ``time_limit``); seed: ``randomization/randomseedshift``.
* ``gurobi``: ``gurobi_direct_minlp`` with ``NonConvex = 2`` (only when gurobipy is installed).
* ``maingo``: Pyomo APPSI ``maingo`` (only when maingopy is installed).

Status mapping (Pyomo termination condition -> status): ``convergenceCriteriaSatisfied`` ->
``optimal`` with an objective / ``feasible`` without; ``provenInfeasible`` -> ``infeasible``;
``infeasibleOrUnbounded`` -> ``infeasible`` only for feasibility programs (their objective is
the constant 0, so they cannot be unbounded), else ``unknown``; ``maxTimeLimit`` -> ``timeout``
(incumbent returned); anything else -> ``unknown``.
"""

from __future__ import annotations

import importlib.util
import io
import math
import time

from recovery.program import BilinearProgram
from recovery.solvers.pyomo_model import build_pyomo_model, read_solution
from recovery.solvers.result import Outcome

__all__ = ["run_scip", "run_gurobi", "run_maingo", "GLOBAL_AVAILABLE"]


def _have(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def GLOBAL_AVAILABLE() -> dict[str, bool]:
    return {"scip": _have("pyscipopt"), "gurobi": _have("gurobipy"), "maingo": _have("maingopy")}


def _status_from_tc(tc_name: str, has_obj: bool, has_solution: bool) -> str:
    if tc_name == "convergenceCriteriaSatisfied":
        return ("optimal" if has_obj else "feasible") if has_solution else "unknown"
    if tc_name == "provenInfeasible":
        return "infeasible"
    if tc_name == "infeasibleOrUnbounded":
        return "unknown" if has_obj else "infeasible"
    if tc_name == "maxTimeLimit":
        return "timeout"
    return "unknown"


def _run_contrib(program: BilinearProgram, factory_name: str, time_limit: float,
                 options: dict) -> Outcome:
    from pyomo.contrib.solver.common.factory import SolverFactory
    from pyomo.contrib.solver.common.results import SolutionStatus

    t0 = time.perf_counter()
    m = build_pyomo_model(program)
    opt = SolverFactory(factory_name)
    buf = io.StringIO()
    # the budget covers model building and translation too; SCIP checks its clock only between
    # nodes, so keep 10% headroom
    limit = max(0.05, 0.9 * (float(time_limit) - (time.perf_counter() - t0)))
    if "limits/time" in options:
        options = {**options, "limits/time": limit}
    res = opt.solve(m, time_limit=limit, load_solutions=False,
                    raise_exception_on_nonoptimal_result=False, solver_options=options, tee=[buf])
    tc = res.termination_condition.name
    has_sol = res.solution_status in (SolutionStatus.feasible, SolutionStatus.optimal)
    b = A = None
    if has_sol:
        res.solution_loader.load_vars()
        b, A = read_solution(program, m)
    status = _status_from_tc(tc, program.objective is not None, has_sol)
    bound = res.objective_bound
    if bound is not None and not math.isfinite(bound):
        bound = float(bound)
    log = (res.solver_log or buf.getvalue())[-20000:]
    return Outcome(status=status, b=b, A=A, bound=bound,
                   log=f"{factory_name}: termination={tc} solution_status={res.solution_status.name}\n"
                       + log,
                   proof=f"{factory_name}:{tc}")


def run_scip(program: BilinearProgram, time_limit: float, seed: int) -> Outcome:
    options = {
        "randomization/randomseedshift": int(seed) % 2**31,
        # tighter than the verifier's 1e-6 so that SCIP-feasible points pass re-checking
        "numerics/feastol": 1e-8,
        "timing/clocktype": 2,  # wall clock
        # Pyomo's scip_direct always captures the C-level stdout through a pipe drained by a Python
        # thread, while SCIP's optimize() holds the GIL: a chatty long run fills the pipe and
        # deadlocks (seen on 60 s runs). Silence SCIP's display; the log records Pyomo's verdict.
        "display/verblevel": 0,
        "limits/time": float(time_limit),
    }
    return _run_contrib(program, "scip_direct", time_limit, options)


def run_gurobi(program: BilinearProgram, time_limit: float, seed: int) -> Outcome:
    options = {"NonConvex": 2, "Seed": int(seed) % 2**31, "Threads": 1, "FeasibilityTol": 1e-8}
    return _run_contrib(program, "gurobi_direct_minlp", time_limit, options)


def run_maingo(program: BilinearProgram, time_limit: float, seed: int) -> Outcome:  # pragma: no cover
    # APPSI interface (different result API); only reachable when maingopy is installed.
    from pyomo.contrib.appsi.base import TerminationCondition
    from pyomo.contrib.appsi.solvers import MAiNGO

    m = build_pyomo_model(program, dummy_objective=True)
    opt = MAiNGO()
    opt.config.time_limit = float(time_limit)
    opt.config.load_solution = False
    res = opt.solve(m)
    tc = res.termination_condition
    name = {TerminationCondition.optimal: "convergenceCriteriaSatisfied",
            TerminationCondition.infeasible: "provenInfeasible",
            TerminationCondition.maxTimeLimit: "maxTimeLimit"}.get(tc, "unknown")
    has_sol = res.best_feasible_objective is not None
    b = A = None
    if has_sol:
        res.solution_loader.load_vars()
        b, A = read_solution(program, m)
    status = _status_from_tc(name, program.objective is not None, has_sol)
    # Untested here (maingopy is not installed) and Pyomo's interface may label a merely feasible
    # point "optimal": claim only what the verifier can re-check, never a bound.
    if status == "optimal":
        status = "feasible"
    return Outcome(status=status, b=b, A=A, bound=None,
                   log=f"maingo: termination={tc} (optimality and bound not trusted)",
                   proof=f"maingo:{tc}")


