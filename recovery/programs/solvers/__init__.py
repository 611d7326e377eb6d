"""Solver portfolio for :class:`recovery.programs.program.BilinearProgram` (MATH.md section 5).

``solve(program, solver=NAME, time_limit=S, seed=K) -> SolveResult``.  Every solver declares itself
once, next to its runner, in :mod:`recovery.programs.solvers.registry` (its name -- also the CLI's
``--solver`` value --, what it needs, what it proves, its method and memory model);
:func:`recovery.programs.solvers.registry.solvers_table` lists them, and
:func:`recovery.programs.solvers.registry.proving` names those whose infeasibility is a proof.

Every solver runs in a child process under a hard wall-clock limit
(:mod:`recovery.programs.solvers.isolation`).  Every returned point is clipped to its bounds and passes
through :func:`recovery.programs.verification.verify` (exact rationals); a failed check turns ``feasible``/
``optimal`` into ``unknown``, and so does an ``optimal`` whose exact objective lies far above the
solver's own bound (the log says why).  :func:`recovery.programs.solvers.answer.program_answer` then says
what the run proves (``yes``/``no``/``unknown`` and ``exact``/``solver proof``/``none``).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from recovery.programs.program import BilinearProgram

# every runner module registers its solvers on import; this order is the order of SOLVER_NAMES
# isort: off
from recovery.programs.solvers import (  # noqa: F401
    scip_direct,
    global_solvers,
    milp,
    heuristics,
    relaxations,
    z3_exact,
)
# isort: on
from recovery.programs.solvers import registry
from recovery.programs.solvers.answer import program_answer
from recovery.programs.solvers.isolation import run_isolated
from recovery.programs.solvers.result import STATUSES, Outcome, SolveResult
from recovery.programs.verification import verify

__all__ = ["SOLVER_NAMES", "STATUSES", "SolveResult", "solve", "available_solvers", "estimate_bytes", "MAX_BYTES"]

#: every solver name (the CLI's ``--solver`` choices), from :mod:`recovery.programs.solvers.registry`
SOLVER_NAMES = registry.names()


def available_solvers() -> dict[str, bool]:
    """Which solvers are installed.

    Returns
    -------
    dict of str to bool
        ``{name: installed}`` for every name in :data:`SOLVER_NAMES`.
    """
    return {n: registry.get(n).installed() for n in SOLVER_NAMES}


def _runner(name: str) -> Callable[[BilinearProgram, float, int], Outcome]:
    return registry.get(name).runner


#: default budget for the dense arrays a solver builds (bytes), see :func:`estimate_bytes`
MAX_BYTES = 4 * 2**30


def estimate_bytes(program: BilinearProgram, solver: str) -> int:
    """Bytes of the dense arrays ``solver`` allocates for ``program`` (an estimate, before any).

    Every solver holds a few dense vectors over the ``(d+1)^2`` entries (bounds, point:
    ``64 (d+1)^2`` bytes), plus what its registered memory model says
    (:data:`recovery.programs.solvers.registry.MEMORY_MODELS`).

    Parameters
    ----------
    program : BilinearProgram
        The program.
    solver : str
        A solver name.

    Returns
    -------
    int
        Estimated bytes.
    """
    n = (program.d + 1) ** 2
    free = n - len(program.fixed_values())
    base = 64 * n
    memory = registry.get(solver).memory
    if memory == "jacobian":
        return base + 8 * max(1, program.num_rows) * free
    if memory == "moment":
        return base + 40 * (free + 1) ** 2
    return base


def _check_solve_args(program, solver, time_limit, seed, max_bytes) -> tuple[float, int]:
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
    if int(seed) < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, (int, float, np.integer, np.floating)) \
            or not max_bytes > 0:  # also NaN; inf means no budget
        raise ValueError(f"max_bytes must be a number of bytes > 0, got {max_bytes!r}")
    need = estimate_bytes(program, solver)
    if need > max_bytes:
        raise ValueError(f"program: d={program.d} with {program.num_rows} rows needs about {need:.2g} bytes "
                         f"for solver {solver} (> budget max_bytes={max_bytes:.2g}; raise it to try anyway)")
    return time_limit, int(seed)


def solve(program: BilinearProgram, solver: str = "scip", time_limit: float = 60.0, seed: int = 0,
          *, tol: float = 1e-6, max_bytes: float = MAX_BYTES) -> SolveResult:
    """Run ``solver`` on ``program`` under a hard time limit and verify the returned point.

    Parameters
    ----------
    program : BilinearProgram
        The program (paper Problems C.10/C.11).
    solver : str
        One of :data:`SOLVER_NAMES`.
    time_limit : float
        Seconds (> 0, finite) for loading, model building and solving; the solver runs in a child
        process that is stopped after ``time_limit + max(2 s, 20 %)`` (status ``timeout``).
    seed : int
        Seed (>= 0) of every randomised component.
    tol : float
        Row tolerance of :func:`recovery.programs.verification.verify`.
    max_bytes : int or float
        Memory budget in bytes checked before anything is allocated (:func:`estimate_bytes`;
        ``inf``: no budget).

    Returns
    -------
    SolveResult
        Status, the clipped verified point, and the decision answer with what proves it
        (:func:`recovery.programs.solvers.answer.program_answer`).  Solver failures are reported as
        status ``error`` with a log, not raised.

    Raises
    ------
    TypeError
        For a program that is not a BilinearProgram or arguments of the wrong type.
    ValueError
        For an unknown solver, a non-positive or non-finite ``time_limit``, a negative ``seed``, or
        a program that needs more than ``max_bytes``.

    Examples
    --------
    >>> from recovery.programs.program import ProgramBuilder
    >>> pb = ProgramBuilder(1).fix("A[0,0]", 1)
    >>> _ = pb.add_row(0, [(0, 0, 1)], "==", 2)
    >>> res = solve(pb.build(), "highs-milp", time_limit=10)
    >>> res.status, res.b.tolist()
    ('feasible', [2.0, 0.0])
    """
    time_limit, seed = _check_solve_args(program, solver, time_limit, seed, max_bytes)
    t0 = time.perf_counter()
    common: dict[str, Any] = dict(solver=solver, seed=seed, time_limit=time_limit)
    spec = registry.get(solver)
    if not spec.installed():
        return SolveResult("error", None, None, None, None, time.perf_counter() - t0,
                           f"solver {solver} is not installed ({spec.pip_hint})", proof="not-installed",
                           answer_reason="solver not installed", **common)
    run = run_isolated(_run_solver, (solver, program, time_limit, seed), time_limit)
    if run.status != "ok":
        status = "timeout" if run.status == "timeout" else "error"
        return SolveResult(status, None, None, None, None, time.perf_counter() - t0,
                           f"solver {solver}: {run.error}\n{run.output}", proof=f"isolation:{run.status}",
                           answer_reason=f"solver run {run.status}", **common)
    res, ver = _verified(program, run.value, tol, time.perf_counter() - t0, common)
    ans = program_answer(program, res, ver)
    return dataclasses.replace(res, answer=ans.answer, answer_proof=ans.proof, answer_reason=ans.reason)


def _run_solver(solver: str, program: BilinearProgram, time_limit: float, seed: int) -> Outcome:
    return _runner(solver)(program, time_limit, seed)


def _verified(program: BilinearProgram, out: Outcome, tol: float, wall: float, common: Mapping[str, Any]):
    """Verify the outcome's point (clipped, exact) and make its label agree with its numbers."""
    status, log = out.status, out.log
    b = A = ver = None
    verified, max_violation, objective = False, None, None
    if out.b is not None and out.A is not None:
        ver = verify(program, out.b, out.A, tol=tol)
        b, A = (ver.b, ver.A) if ver.b is not None else (np.asarray(out.b, float), np.asarray(out.A, float))
        verified, max_violation, objective = ver.ok, ver.max_violation, ver.objective
        if ver.clip_distance > 0:
            log += f"\npoint clipped to its bounds (moved by up to {ver.clip_distance:.3g})"
        if not ver.ok:
            worst = ", ".join(f"{lab}: {v:.3g}" for lab, v in ver.violations[:5])
            if status in ("feasible", "optimal"):
                log += (f"\nverification FAILED (tol {tol:g}, max scaled violation "
                        f"{ver.max_violation:.3g}; {worst}): status {status} -> unknown")
                status = "unknown"
            else:
                log += f"\nreturned point does not verify (max scaled violation {ver.max_violation:.3g})"
        elif status == "optimal" and out.bound is not None and math.isfinite(out.bound) and \
                objective is not None and objective > out.bound + 1e-4 * max(1.0, abs(out.bound)) + tol:
            log += (f"\nself-contradictory: status optimal, but the clipped point's exact objective "
                    f"{objective:.9g} lies far above the solver's bound {out.bound:.9g}: status -> unknown")
            status = "unknown"
    elif status in ("feasible", "optimal"):
        log += f"\nsolver claimed {status} without returning a point: status -> unknown"
        status = "unknown"
    bound = None if out.bound is None else float(out.bound)
    return SolveResult(status, b, A, objective, bound, wall, log, proof=out.proof, verified=verified,
                       max_violation=max_violation, **common), ver
