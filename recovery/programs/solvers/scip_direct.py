"""SCIP on a :class:`BilinearProgram` through PySCIPOpt directly (the ``scip`` solver).

Model: one SCIP variable per free entry of ``b`` and ``A`` that occurs in a row or the objective,
with the program's bounds; fixed entries are substituted as constants, so a row
``sum_t w_t b[u_t] A[v_t, j] (sense) rhs`` becomes a linear or quadratic SCIP constraint.  An
objective is moved into an epigraph variable ``t >= objective`` (SCIP objectives are linear).

Why not Pyomo's ``scip_direct``: it captures SCIP's output through a pipe drained by a Python
thread while ``optimize()`` holds the GIL, so a chatty run filled the pipe and both sides waited
forever.  Here SCIP is silenced (``hideOutput``) and the whole run happens in a child process
(:func:`recovery.programs.solvers.isolation.run_isolated`) whose descriptors go to a log file.

Numerics: SCIP's default feasibility tolerance (1e-6) is kept; a smaller one made SoPlex warn
"Cannot set feasibility tolerance to small value 1e-11 without GMP" and did not make points
better (they are re-checked exactly anyway, see :mod:`recovery.programs.verification`).  When the LP solver
fails ("error in LP solver"), the solve is repeated with the settings of :data:`_RETRY_SETTINGS`
(LP scaling off, SoPlex's own stability checks off); if every attempt fails the outcome is
``unknown`` with the reasons.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

import numpy as np

from recovery.programs.program import BilinearProgram, Number
from recovery.programs.solvers.registry import SolverSpec, register
from recovery.programs.solvers.result import Outcome
from recovery.programs.values import Triplet

__all__ = ["run_scip", "build_scip_model", "SCIP_STATUS", "ConstantRowViolated"]

#: SCIP status -> portfolio status for (objective programs, feasibility programs)
SCIP_STATUS = {
    "optimal": ("optimal", "feasible"),
    "infeasible": ("infeasible", "infeasible"),
    "timelimit": ("timeout", "timeout"),
    "inforunbd": ("unknown", "infeasible"),
}

#: parameter sets tried in order when SoPlex fails ("error in LP solver"): without LP scaling and
#: the LP stability/feasibility re-checks that raise the error, SCIP finished on the public
#: instances where the defaults failed (kissat-and2, kissat-ite1)
_RETRY_SETTINGS: tuple[dict[str, int | bool], ...] = (
    {},
    {"lp/scaling": 0, "lp/checkstability": False, "lp/checkprimfeas": False, "lp/checkdualfeas": False},
    {"lp/checkstability": False, "lp/checkprimfeas": False, "lp/checkdualfeas": False,
     "separating/maxrounds": 0, "separating/maxroundsroot": 0},
)


def _var_values(program: BilinearProgram):
    """Fixed values and bounds of every entry, as float dicts keyed by variable name."""
    fixed = {k: float(v) for k, v in program.fixed_values().items()}
    bounds = {k: (None if lo is None else float(lo), None if hi is None else float(hi))
              for k, (lo, hi) in program.bounds.items()}
    return fixed, bounds


def build_scip_model(program: BilinearProgram, settings: Mapping[str, Any] | None = None):
    """PySCIPOpt ``Model`` of ``program`` (see module docstring) and its variables by name.

    Parameters
    ----------
    program : BilinearProgram
        The program; fixed entries are substituted as constants.
    settings : Mapping[str, Any] or None, optional
        Extra SCIP parameters (``Model.setParam``).

    Returns
    -------
    model : pyscipopt.Model
        The model, output hidden.
    variables : dict of str to pyscipopt.Variable
        The SCIP variables by variable name (free entries that occur in a row or the objective).
    objective_var : pyscipopt.Variable or None
        The epigraph variable ``t >= objective``; None for feasibility programs.

    Raises
    ------
    ConstantRowViolated
        When a row whose products all have fixed factors is violated.
    """
    from pyscipopt import Model, quicksum
    from pyscipopt.scip import Expr, Variable

    fixed, bounds = _var_values(program)
    m = Model(program.name or "bilinear")
    m.hideOutput()
    for key, value in (settings or {}).items():
        m.setParam(key, value)
    variables: dict[str, Variable] = {}

    def operand(name: str) -> float | Variable:
        if name in fixed:
            return fixed[name]
        if name not in variables:
            lo, hi = bounds.get(name, (None, None))
            variables[name] = m.addVar(name=name, lb=lo, ub=hi, vtype="C")
        return variables[name]

    def expression(j: int, D: Iterable[Triplet]) -> Expr:
        return quicksum(float(w) * operand(f"b[{u}]") * operand(f"A[{v},{j}]") for u, v, w in D)

    exact_fixed = program.fixed_values()
    for r, row in enumerate(program.constraints):
        if all(f"b[{u}]" in fixed and f"A[{v},{row.j}]" in fixed for u, v, _ in row.D):
            # no free variable: decide the row exactly here (SCIP rejects constant constraints)
            value = sum((Fraction(w) * Fraction(exact_fixed[f"b[{u}]"]) * Fraction(exact_fixed[f"A[{v},{row.j}]"])
                         for u, v, w in row.D), Fraction(0))
            if not _holds(value, row.sense, Fraction(row.rhs)):
                raise ConstantRowViolated(f"row {r} has no free variable and is violated exactly")
            continue
        e = expression(row.j, row.D)
        rhs = float(row.rhs)
        cons = {"==": e == rhs, "<=": e <= rhs, ">=": e >= rhs}[row.sense]
        m.addCons(cons, name=f"row{r}")
    t = None
    if program.objective is not None:
        o = program.objective
        t = m.addVar(name="objective", lb=None, ub=None)
        if o.D:
            m.addCons(expression(o.j, o.D) + float(o.constant) - t <= 0, name="epigraph")
        else:
            m.addCons(t >= float(o.constant), name="epigraph")
        m.setObjective(t, "minimize")
    return m, variables, t


class ConstantRowViolated(Exception):
    """A row whose products all have fixed factors is violated: the program is infeasible.

    Raised while the SCIP model is built; the message names the row.
    """


def _holds(value: Number, sense: str, rhs: Number) -> bool:
    return {"==": value == rhs, "<=": value <= rhs, ">=": value >= rhs}[sense]


def _point(program: BilinearProgram, m, variables: dict) -> tuple[np.ndarray, np.ndarray]:
    """(b, A) from SCIP's best solution (:meth:`BilinearProgram.point_from_values`)."""
    sol = m.getBestSol()
    return program.point_from_values({name: m.getSolVal(sol, var) for name, var in variables.items()})


#: SCIP rejects larger values of limits/time ("the value is invalid for the given parameter")
SCIP_MAX_TIME = 1e20


def _solve_once(program: BilinearProgram, limit: float, seed: int, settings: Mapping[str, Any]):
    params = {"limits/time": min(SCIP_MAX_TIME, max(0.05, limit)), "randomization/randomseedshift": int(seed) % 2**31,
              "timing/clocktype": 2, **settings}
    m, variables, t = build_scip_model(program, params)
    m.optimize()
    return m, variables, t


def run_scip(program: BilinearProgram, time_limit: float, seed: int) -> Outcome:
    """Solve ``program`` with SCIP (spatial branch and bound); see the module docstring.

    ``optimal``/``infeasible`` are SCIP's global proofs (within its tolerances); ``bound`` is
    SCIP's dual bound at the end, also at the time limit.  An LP-solver failure is retried with
    other settings; a violated constant row gives ``infeasible`` with proof
    ``exact: constant row violated``.

    Parameters
    ----------
    program : BilinearProgram
        The program (paper Problems C.10/C.11).
    time_limit : float
        Seconds (> 0) for the whole call.
    seed : int
        SCIP's ``randomization/randomseedshift`` (taken modulo 2^31).

    Returns
    -------
    Outcome
        Status, point ``(b, A)`` (shapes (d+1,) and (d+1, d)) or None, bound, log and proof, before
        the exact verification of :func:`recovery.programs.solvers.solve`.
    """
    t0 = time.perf_counter()
    log = []
    for attempt, settings in enumerate(_RETRY_SETTINGS):
        left = 0.9 * float(time_limit) - (time.perf_counter() - t0)
        if left <= 0.05:
            break
        try:
            m, variables, t = _solve_once(program, left, seed, settings)
        except ConstantRowViolated as exc:
            return Outcome(status="infeasible", log=f"scip: {exc}", proof="exact: constant row violated")
        except Exception as exc:  # SoPlex "error in LP solver" surfaces as an exception here
            log.append(f"attempt {attempt + 1} {settings or 'defaults'}: {type(exc).__name__}: {exc}")
            continue
        scip_status = m.getStatus()
        log.append(f"attempt {attempt + 1} {settings or 'defaults'}: SCIP status {scip_status}")
        if scip_status not in SCIP_STATUS and m.getNSols() == 0 and attempt + 1 < len(_RETRY_SETTINGS):
            continue
        return _outcome(program, m, variables, t, scip_status, log)
    if not log:  # the time limit was used up before SCIP could start
        return Outcome(status="timeout", log="scip: no time left to start SCIP", proof="scip:timelimit")
    return Outcome(status="unknown", log="scip: " + "; ".join(log), proof="scip:error")


def _outcome(program, m, variables, t, scip_status: str, log: list[str]) -> Outcome:
    has_obj = program.objective is not None
    status = SCIP_STATUS.get(scip_status, ("unknown", "unknown"))[0 if has_obj else 1]
    b = A = None
    if m.getNSols() > 0:
        b, A = _point(program, m, variables)
    elif status in ("optimal", "feasible"):
        status = "unknown"
    bound = None
    if has_obj:
        bd = float(m.getDualbound())
        bound = bd if math.isfinite(bd) and abs(bd) < 1e19 else None
    return Outcome(status=status, b=b, A=A, bound=bound, log="scip: " + "; ".join(log),
                   proof=f"scip:{scip_status}")


register(SolverSpec(name="scip", requires="pyscipopt", pip_hint="pip install pyscipopt",
                    proves=("feasible", "optimal", "infeasible"), runner=run_scip,
                    method="global spatial branch and bound (Pyomo scip_direct)"))
