"""Global nonconvex solvers through Pyomo or their own Python API: ``gurobi`` and ``maingo``.

(``scip`` runs through PySCIPOpt directly, :mod:`recovery.programs.solvers.scip_direct`.)

* ``gurobi``: ``gurobi_direct_minlp`` with ``NonConvex = 2`` (only when gurobipy is installed).
* ``maingo``: a ``maingopy.MAiNGOmodel`` built here (only when maingopy is installed), not Pyomo
  APPSI, which feeds maingopy Python floats that it rejects or rounds to single precision (see
  :func:`_maingo_model`).  MAiNGO needs finite bounds: variables without them get an artificial
  box, and then neither its optimality nor its infeasibility counts as a proof; see
  :func:`run_maingo` for its status mapping.  (An earlier version trusted no MAiNGO optimality
  at all, because APPSI labels MAiNGO's ``FEASIBLE_POINT`` as ``optimal``; MAiNGO's own return
  code ``GLOBALLY_OPTIMAL`` is read directly now and is a global certificate like SCIP's.)

Status mapping for gurobi (Pyomo termination condition -> status):
``convergenceCriteriaSatisfied`` -> ``optimal`` with an objective / ``feasible`` without;
``provenInfeasible`` -> ``infeasible``; ``infeasibleOrUnbounded`` -> ``infeasible`` only for
feasibility programs (their objective is the constant 0, so they cannot be unbounded), else
``unknown``; ``maxTimeLimit`` -> ``timeout`` (incumbent returned); anything else -> ``unknown``.
"""

from __future__ import annotations

import io
import math
import time

from recovery.programs.program import BilinearProgram
from recovery.programs.solvers.pyomo_model import build_pyomo_model, read_solution
from recovery.programs.solvers.registry import SolverSpec, register
from recovery.programs.solvers.result import Outcome

__all__ = ["run_gurobi", "run_maingo"]


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


def run_gurobi(program: BilinearProgram, time_limit: float, seed: int) -> Outcome:
    """Solve ``program`` with Gurobi (``gurobi_direct_minlp``, ``NonConvex = 2``) through Pyomo.

    Only when gurobipy is installed.  Single thread, feasibility tolerance 1e-8; the status
    mapping of the module docstring.

    Parameters
    ----------
    program : BilinearProgram
        The program (paper Problems C.10/C.11).
    time_limit : float
        Seconds (> 0) for the whole call.
    seed : int
        Gurobi's ``Seed`` (taken modulo 2^31).

    Returns
    -------
    Outcome
        Status, point ``(b, A)`` (shapes (d+1,) and (d+1, d)) or None, bound, log and proof, before
        the exact verification of :func:`recovery.programs.solvers.solve`.
    """
    options = {"NonConvex": 2, "Seed": int(seed) % 2**31, "Threads": 1, "FeasibilityTol": 1e-8}
    return _run_contrib(program, "gurobi_direct_minlp", time_limit, options)


#: half-width of the artificial box MAiNGO gets for variables without a finite bound (MAiNGO needs
#: finite bounds for every variable; Pyomo's APPSI interface would silently use +-1e10 and warn).
MAINGO_BOX = 1e4


def _maingo_box(program: BilinearProgram):
    """Variables MAiNGO sees and their bounds.

    Returns ``(names, lo, hi, boxed, rows_with_boxed)``: the variables of the rows and objective
    (sorted), their float bounds (a fixed variable gets ``lo == hi``), the names that got the
    artificial box ``[-MAINGO_BOX, MAINGO_BOX]`` (intersected with a finite side; moved to start
    or end there when that side lies outside) and the indices of the rows containing one of them.
    The box can cut off solutions: "infeasible in the box" is no proof (see :func:`run_maingo`).
    """
    b_lo, b_hi, A_lo, A_hi = program.bound_arrays()
    terms = [(r.j, r.D) for r in program.constraints]
    if program.objective is not None:
        terms.append((program.objective.j, program.objective.D))
    row_vars, used = [], {}
    for j, D in terms:
        in_row = set()
        for u, v, _ in D:
            for name, lo, hi in ((f"b[{u}]", b_lo[u], b_hi[u]), (f"A[{v},{j}]", A_lo[v, j], A_hi[v, j])):
                in_row.add(name)
                used[name] = (float(lo), float(hi))
        row_vars.append(in_row)
    names = sorted(used)
    lo, hi, boxed = [], [], set()
    for n in names:
        a, z = used[n]
        if not (math.isfinite(a) and math.isfinite(z)):
            boxed.add(n)
            if math.isfinite(a):
                z = MAINGO_BOX if a < MAINGO_BOX else a + 2 * MAINGO_BOX
            elif math.isfinite(z):
                a = -MAINGO_BOX if z > -MAINGO_BOX else z - 2 * MAINGO_BOX
            else:
                a, z = -MAINGO_BOX, MAINGO_BOX
        lo.append(a)
        hi.append(z)
    rows_with_boxed = {r for r in range(len(program.constraints)) if row_vars[r] & boxed}
    return names, lo, hi, sorted(boxed), rows_with_boxed


def _maingo_model(program: BilinearProgram, names, lo, hi, rows, with_objective: bool):
    """A ``maingopy.MAiNGOmodel`` for ``rows`` (indices) of ``program`` and, if asked, its objective.

    Built directly, not through Pyomo APPSI: APPSI hands numeric constants to maingopy as Python
    floats, which maingopy 0.10.3 rejects as a whole row/objective ("incompatible function
    arguments") and silently rounds to single precision inside products (``0.1017324795 * x``
    evaluates as ``0.1017324775 * x``), so MAiNGO solved a perturbed program (seen: a
    GLOBALLY_OPTIMAL point violating our rows by 0.9).  Every constant here is ``FFVar(double)``.
    """
    import maingopy

    index = {n: i for i, n in enumerate(names)}
    cons = program.constraints
    # MAiNGO's local upper-bounding solvers refuse (NLopt SLSQP: "more equality constraints than
    # variables") or cannot start (IPOPT: too few degrees of freedom) on overdetermined systems
    # such as phi; write each equality e == 0 as e <= 0, -e <= 0 there (the same feasible set)
    n_eq = sum(1 for r in rows if cons[r].D and cons[r].sense == "==")
    split_eq = n_eq >= len(names)

    def expr(x, j, D, const=0.0):
        acc = maingopy.FFVar(float(const))
        for u, v, w in D:
            acc = acc + maingopy.FFVar(float(w)) * x[index[f"b[{u}]"]] * x[index[f"A[{v},{j}]"]]
        return acc

    class _Model(maingopy.MAiNGOmodel):
        def __init__(self):
            maingopy.MAiNGOmodel.__init__(self)

        def get_variables(self):
            return [maingopy.OptimizationVariable(maingopy.Bounds(a, z), maingopy.VT_CONTINUOUS, n)
                    for n, a, z in zip(names, lo, hi)]

        def get_initial_point(self):
            return [min(max(0.0, a), z) for a, z in zip(lo, hi)]

        def evaluate(self, x):
            res = maingopy.EvaluationContainer()
            o = program.objective
            if with_objective and o is not None:
                res.objective = expr(x, o.j, o.D, o.constant)
            else:
                res.objective = maingopy.FFVar(0.0)
            eq, ineq = [], []
            for r in rows:
                row = cons[r]
                if not row.D:
                    continue  # constant row: decided by Pyomo/verify, not a MAiNGO expression
                e = expr(x, row.j, row.D) - maingopy.FFVar(float(row.rhs))
                if row.sense == "==" and not split_eq:
                    eq.append(e)
                elif row.sense == "==":
                    ineq.append(e)
                    ineq.append(maingopy.FFVar(0.0) - e)
                elif row.sense == "<=":
                    ineq.append(e)
                else:
                    ineq.append(maingopy.FFVar(0.0) - e)
            res.eq = eq
            res.ineq = ineq
            return res

    return _Model()


def _maingo_solve(model, time_limit: float, log: list[str]):
    """One MAiNGO run; returns the maingopy object (solved), its ``RETCODE`` name and whether
    the time limit was reached."""
    import os
    import tempfile

    import maingopy

    mg = maingopy.MAiNGO(model)
    limit = max(0.05, float(time_limit))
    # maxTime is MAiNGO's CPU-time limit (maingopy 0.10.3 has no wall-clock limit); MAiNGO runs
    # single-threaded here, so wall time only exceeds it on a loaded machine
    for key, val in (("maxTime", limit),
                     # optimality gap (MAiNGO's defaults are 1e-2): "optimal" means within 1e-7
                     ("epsilonA", 1e-7), ("epsilonR", 1e-7),
                     # tighter than the verifier's 1e-6 so that MAiNGO-feasible points pass re-checking
                     ("deltaEq", 1e-8), ("deltaIneq", 1e-8),
                     # no MAiNGOresult.txt / csv / json in the working directory; log to a file
                     ("writeResultFile", False), ("writeCsv", False), ("writeJson", False),
                     ("loggingDestination", int(maingopy.LOGGING_FILE))):
        if not mg.set_option(key, val):
            log.append(f"maingo: option {key} not accepted")
    text = ""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "maingo.log")
        mg.set_log_file_name(path)
        try:
            mg.solve()
        finally:
            if os.path.exists(path):
                with open(path, errors="replace") as fh:
                    text = fh.read()
                log.append(text if len(text) <= 12000 else text[:2000] + "\n...\n" + text[-10000:])
    # MAiNGO prints "*** Reached CPU time limit! ***"; its reported times exclude its set-up
    spent = max(mg.get_cpu_solution_time(), mg.get_wallclock_solution_time())
    return mg, mg.get_status().name, "time limit" in text.lower() or spent >= 0.99 * limit


def run_maingo(program: BilinearProgram, time_limit: float, seed: int) -> Outcome:  # pragma: no cover
    """MAiNGO through maingopy directly (only reachable when maingopy is installed).

    Variables of the rows/objective keep the program's bounds (fixed -> ``[v, v]``); a variable
    with an infinite bound gets the artificial box ``[-MAINGO_BOX, MAINGO_BOX]``, which MAiNGO
    needs and which may cut off solutions.  MAiNGO's return code maps as:

    * ``GLOBALLY_OPTIMAL`` -> ``optimal`` (programs with an objective) / ``feasible``, with
      MAiNGO's final lower bound as ``bound`` -- only when *no* box was imposed; within a box
      the point is only optimal in the box: ``feasible``, no bound.
    * ``FEASIBLE_POINT`` -> ``feasible`` (optimality not proven; ``timeout`` if the time limit
      was reached), with MAiNGO's lower bound as ``bound`` when no box was imposed.
    * ``INFEASIBLE`` -> ``infeasible`` (proof ``maingo:INFEASIBLE``) only when no box was imposed.
      Otherwise MAiNGO runs again on the relaxation made of the rows whose variables all have
      finite bounds (no box in it): ``INFEASIBLE`` there proves the full program infeasible
      (proof ``maingo:INFEASIBLE(bounded rows k/n)``); anything else -> ``unknown``.
    * ``NO_FEASIBLE_POINT_FOUND`` and others -> ``timeout`` if the time limit was reached,
      else ``unknown``.

    Every point is re-verified by :func:`recovery.programs.solvers.solve`.

    Parameters
    ----------
    program : BilinearProgram
        The program (paper Problems C.10/C.11).
    time_limit : float
        Seconds (> 0) for the whole call.
    seed : int
        Ignored: MAiNGO's branch and bound is deterministic.

    Returns
    -------
    Outcome
        Status, point ``(b, A)`` (shapes (d+1,) and (d+1, d)) or None, bound, log and proof, before
        the exact verification of :func:`recovery.programs.solvers.solve`.
    """
    t0 = time.perf_counter()
    has_obj = program.objective is not None
    n_rows = len(program.constraints)
    names, lo, hi, boxed, rows_with_boxed = _maingo_box(program)
    if boxed:
        log = [f"maingo: artificial box [-{MAINGO_BOX:g}, {MAINGO_BOX:g}] on {len(boxed)} variable(s) "
               f"without finite bounds ({', '.join(boxed[:8])}{', ...' if len(boxed) > 8 else ''}); "
               "optimality and infeasibility within it are not proofs"]
    else:
        log = ["maingo: every variable has finite bounds (no artificial box)"]

    def remaining() -> float:
        return 0.9 * (float(time_limit) - (time.perf_counter() - t0))

    tag = "(box)" if boxed else ""
    if not names:  # no row has a product: nothing for MAiNGO to decide (constant rows only)
        return Outcome(status="unknown", log="\n".join(log + ["maingo: no variables in any row"]),
                       proof="maingo:no-variables")
    model = _maingo_model(program, names, lo, hi, range(n_rows), True)  # kept alive while mg is used
    mg, code, timed_out = _maingo_solve(model, remaining(), log)
    log.insert(1, f"maingo: RETCODE.{code}")
    if code in ("GLOBALLY_OPTIMAL", "FEASIBLE_POINT"):
        b, A = program.point_from_values(dict(zip(names, mg.get_solution_point())))
        # MAiNGO's final lower bound is a proven bound on the objective only without a box
        bound = float(mg.get_final_LBD()) if has_obj and not boxed else None
        if code == "GLOBALLY_OPTIMAL" and not boxed:
            status = "optimal" if has_obj else "feasible"
        else:
            status = "timeout" if code == "FEASIBLE_POINT" and timed_out else "feasible"
            if code == "GLOBALLY_OPTIMAL" and has_obj:
                log.append("maingo: optimal within the artificial box only: status feasible, no bound")
        return Outcome(status=status, b=b, A=A, bound=bound, log="\n".join(log),
                       proof=f"maingo:{code}{tag}")
    if code == "INFEASIBLE":
        if not boxed:
            return Outcome(status="infeasible", log="\n".join(log), proof="maingo:INFEASIBLE")
        keep = [r for r in range(n_rows) if r not in rows_with_boxed and program.constraints[r].D]
        log.append(f"maingo: INFEASIBLE within the artificial box is no proof; re-running on the "
                   f"{len(keep)} of {n_rows} rows whose variables all have finite bounds")
        if keep and remaining() > 0.05:
            sub = [i for i, n in enumerate(names) if n not in set(boxed)]
            names2 = [names[i] for i in sub]
            model2 = _maingo_model(program, names2, [lo[i] for i in sub], [hi[i] for i in sub],
                                   keep, False)
            _, code2, timed_out = _maingo_solve(model2, remaining(), log)
            log.append(f"maingo: relaxation RETCODE.{code2}")
            if code2 == "INFEASIBLE":
                return Outcome(status="infeasible", log="\n".join(log),
                               proof=f"maingo:INFEASIBLE(bounded rows {len(keep)}/{n_rows})")
        return Outcome(status="timeout" if timed_out else "unknown", log="\n".join(log),
                       proof=f"maingo:INFEASIBLE{tag}")
    return Outcome(status="timeout" if timed_out else "unknown", log="\n".join(log),
                   proof=f"maingo:{code}{tag}")


register(SolverSpec(name="maingo", requires="maingopy", pip_hint="pip install maingopy",
                    proves=("feasible", "optimal", "infeasible"), runner=run_maingo,
                    method="global branch and bound (maingopy); unbounded variables get an artificial box, see run_maingo"))
register(SolverSpec(name="gurobi", requires="gurobipy", pip_hint="pip install gurobipy",
                    proves=("feasible", "optimal", "infeasible"), runner=run_gurobi,
                    method="NonConvex=2 branch and bound"))
