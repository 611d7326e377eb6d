"""``z3``: an exact real-arithmetic decision of a small bilinear program (optional solver).

The decision question of :mod:`recovery.programs.solvers.answer` is a sentence of nonlinear real
arithmetic (``QF_NRA``): rows ``sum_t w_t b[u_t] A[v_t, j] (==, <=, >=) rhs``, bounds, and for a
program with an objective ``objective <= 0``.  z3's ``nlsat`` procedure decides it exactly over
the rationals given as data (every int, float and Fraction is passed as an exact rational):

* ``unsat`` -> status ``infeasible`` with proof ``exact: z3 ...`` (answer ``no``, proof ``exact``);
* ``sat`` -> ``feasible`` (a point with every row and, if any, ``objective <= 0``); the model is
  returned as floats and re-checked by the verifier like any other point (an algebraic model value is rounded, so a YES then rests on the
  verifier, or on the source check for reduced programs);
* ``unknown`` / timeout -> ``timeout`` or ``unknown``.

Fixed variables are substituted before the formula is built.  Only small programs are sensible:
:data:`MAX_FREE` free variables at most (larger programs get status ``error`` without a run).
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from recovery.programs.program import BilinearProgram
from recovery.programs.solvers.registry import SolverSpec, register
from recovery.programs.solvers.result import Outcome
from recovery.programs.values import Triplet

if TYPE_CHECKING:  # z3 is optional and imported where it is used
    from z3 import ArithRef

__all__ = ["run_z3", "MAX_FREE"]

#: largest number of free variables handed to z3 (nlsat is doubly exponential in the worst case)
MAX_FREE = 200


def _q(x: Any) -> ArithRef:
    import z3

    f = Fraction(x)
    return z3.RealVal(f"{f.numerator}/{f.denominator}")


def _formula(program: BilinearProgram):
    import z3

    fixed = program.fixed_values()
    names: dict[str, ArithRef] = {}

    def operand(name: str) -> ArithRef:
        if name in fixed:
            return _q(fixed[name])
        if name not in names:
            names[name] = z3.Real(name)
        return names[name]

    def expression(j: int, D: Iterable[Triplet]) -> ArithRef:
        return z3.Sum([_q(w) * operand(f"b[{u}]") * operand(f"A[{v},{j}]") for u, v, w in D]) if D else _q(0)

    facts = []
    for row in program.constraints:
        e, rhs = expression(row.j, row.D), _q(row.rhs)
        facts.append({"==": e == rhs, "<=": e <= rhs, ">=": e >= rhs}[row.sense])
    if program.objective is not None:
        o = program.objective
        facts.append(expression(o.j, o.D) + _q(o.constant) <= 0)
    for name, var in names.items():
        lo, hi = program.bounds.get(name, (None, None))
        if lo is not None:
            facts.append(var >= _q(lo))
        if hi is not None:
            facts.append(var <= _q(hi))
    return facts, names


def _model_point(program: BilinearProgram, model, names: dict) -> tuple[np.ndarray, np.ndarray]:
    values = {}
    for name, var in names.items():
        val = model.eval(var, model_completion=True)
        values[name] = float(val.as_fraction()) if val.is_real() and hasattr(val, "as_fraction") \
            else float(val.approx(20).as_fraction())
    return program.point_from_values(values)


def run_z3(program: BilinearProgram, time_limit: float, seed: int) -> Outcome:
    """Decide ``program`` exactly with z3 (see the module docstring).

    ``unsat`` -> ``infeasible`` with proof ``exact: z3 QF_NRA proved ...``; ``sat`` ->
    ``feasible`` with the model as floats; otherwise ``timeout`` or ``unknown``.  More than
    :data:`MAX_FREE` free variables -> ``error`` without a run.  z3's own timeout is 90 % of
    ``time_limit``.

    Parameters
    ----------
    program : BilinearProgram
        The program (paper Problems C.10/C.11).
    time_limit : float
        Seconds (> 0) for the whole call.
    seed : int
        Seed for z3's ``random_seed`` (taken modulo 2^31).

    Returns
    -------
    Outcome
        Status, point ``(b, A)`` (shapes (d+1,) and (d+1, d)) or None, bound, log and proof, before
        the exact verification of :func:`recovery.programs.solvers.solve`.
    """
    import z3

    n_free = (program.d + 1) ** 2 - len(program.fixed_values())
    if n_free > MAX_FREE:
        return Outcome("error", log=f"z3: {n_free} free variables exceed the limit {MAX_FREE}", proof="refused")
    facts, names = _formula(program)
    solver = z3.SolverFor("QF_NRA")
    solver.set("timeout", max(1, int(1000 * 0.9 * float(time_limit))))
    solver.set("random_seed", int(seed) % 2**31)
    solver.add(*facts)
    verdict = solver.check()
    if verdict == z3.unsat:
        what = "no point with objective <= 0" if program.objective is not None else "no feasible point"
        return Outcome("infeasible", log=f"z3: unsat ({len(names)} free variables)",
                       proof=f"exact: z3 QF_NRA proved {what}")
    if verdict == z3.sat:
        b, A = _model_point(program, solver.model(), names)
        return Outcome("feasible", b=b, A=A, log="z3: sat", proof="z3:sat")
    reason = solver.reason_unknown()
    status = "timeout" if "timeout" in reason or "canceled" in reason else "unknown"
    return Outcome(status, log=f"z3: unknown ({reason})", proof=f"z3:{reason}")


register(SolverSpec(name="z3", requires="z3", pip_hint="pip install z3-solver",
                    proves=("feasible", "infeasible"), runner=run_z3,
                    method="exact QF_NRA decision (at most 200 free variables)"))
