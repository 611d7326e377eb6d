"""Runner functions executed inside worker processes, and the outcome of a run.

A runner function has the signature::

    fn(instance: dict, solver: str, time_limit: float, seed: int, options: dict) -> dict

taking the level's instance JSON and returning an *outcome* dict with keys ``status`` (the
solver's own word), ``answer`` ("YES"/"NO"/None: what the run PROVED, see :func:`decide_outcome`
and :func:`lsa_outcome`), ``verified`` (a returned witness passed an exact check), ``objective``,
``bound`` and ``detail``.  :data:`FORKSERVER_PRELOAD` lists the modules the fork server imports
once for these runners.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Any

import reductions
from recovery.programs.program import BilinearProgram
from recovery.programs.solvers import available_solvers, solve
from recovery.programs.solvers import registry as solver_registry
from reductions.deciders.certify import answer_for_program, answer_for_result, checked_provenance

__all__ = ["OBJECTIVE_TOL", "LSA_EXACT", "FORKSERVER_PRELOAD", "decide_outcome", "run_decide", "lsa_outcome",
           "run_lsa", "lsa_solver_names"]

#: a verified LSA point counts as YES when its (exact, verifier) objective is at most this.
OBJECTIVE_TOL = 1e-6

#: solvers of the portfolio that can prove infeasibility (exact in the scaling sense), as the solver
#: registry declares them
LSA_EXACT = frozenset(solver_registry.proving())

#: modules worth importing once in the fork server that forks the workers of this module's runners
#: (read by :func:`benchmarks.runner.run.preload_modules`)
FORKSERVER_PRELOAD = ("numpy", "scipy", "networkx", "highspy", "reductions", "recovery.programs.program",
                      "recovery.programs.verification", "recovery.programs.solvers", "pyomo.environ")


def decide_outcome(decision: Any, instance: Any) -> dict[str, Any]:
    """Outcome of ``reductions.decide``, classified by what it proves.

    YES only with a witness that passes ``instance.check`` (exact), NO when the decider says
    False (MILP infeasibility / exhaustive search are proofs), otherwise no answer.  A YES whose
    witness fails the check is reported as ``answer=None`` with ``verified=False`` and a detail,
    i.e. classified ``unknown``: an uncertified claim proves nothing.

    Parameters
    ----------
    decision : Any
        A decision with ``answer`` (True/False/None), ``witness``, ``status`` and ``proof``.
    instance : Any
        The decided problem (its ``check(witness)`` is the exact check).

    Returns
    -------
    dict
        The outcome: ``status``, ``answer``, ``verified``, ``objective``, ``bound``, ``detail``
        and ``proof`` (the decision's proof for a decided answer, else ``"none"``).
    """
    ans = getattr(decision, "answer", None)
    witness = getattr(decision, "witness", None)
    status = str(getattr(decision, "status", ""))
    out: dict[str, Any] = {"status": status, "answer": None, "verified": None, "objective": None,
                           "bound": None, "detail": ""}
    if ans is True:
        ok = False
        if witness is not None:
            try:
                ok = bool(instance.check(witness))
            except (TypeError, ValueError) as exc:
                out["detail"] = f"witness malformed: {exc}"
        out["verified"] = ok
        if ok:
            out["answer"] = "YES"
        else:
            out["detail"] = out["detail"] or "decider claimed YES but its witness fails the exact check"
    elif ans is False:
        out["answer"] = "NO"
    out["proof"] = str(getattr(decision, "proof", "none")) if out["answer"] else "none"
    return out


def run_decide(instance: Mapping[str, Any], solver: str, time_limit: float, seed: int,
               options: Mapping[str, Any]) -> dict[str, Any]:
    """Worker entry: ``reductions.decide(problem, method=solver, time_limit=...)``.

    The source deciders are deterministic, so ``seed`` is not used; ``options["method"]``
    overrides the decider named by ``solver``.

    Parameters
    ----------
    instance : Mapping
        The level's problem JSON.
    solver : str
        The decider (``milp``, ``brute``, ``sat``, ``scip``, ``alternating``, ...).
    time_limit : float
        Seconds.
    seed : int
        Not used.
    options : Mapping
        ``{"method": ...}`` optionally.

    Returns
    -------
    dict
        The outcome (:func:`decide_outcome`).
    """
    problem = reductions.load_problem(dict(instance))
    method = str(options.get("method", solver))
    decision = reductions.decide(problem, method=method, time_limit=float(time_limit))
    return decide_outcome(decision, problem)


#: ``lsa_outcome(reduction=...)`` not given: look the program's provenance up
_LOOKUP = object()


def lsa_outcome(result: Any, program: Any, *, reduction: Any = _LOOKUP) -> dict[str, Any]:
    """Outcome of ``recovery.programs.solvers.solve``, classified by what the run PROVED.

    Parameters
    ----------
    result : Any
        The solve result (``status``, ``objective``, ``bound``, ``verified``, ``proof``,
        ``wall_s``).
    program : Any
        The solved :class:`~recovery.programs.program.BilinearProgram`.
    reduction : Any, optional
        The program's provenance (see below); not given: looked up.

    Returns
    -------
    dict
        The outcome: ``status``, ``answer``, ``proof``, ``verified``, ``objective`` and
        ``bound`` (None unless finite), ``detail`` and, when known, ``solve_wall_s``.

    Notes
    -----
    The answer is :func:`reductions.deciders.certify.answer_for_program`: YES only with an exact witness
    (at the program's source when it was built by a reduction), NO only with a proof (solver
    infeasibility, or a proven dual bound above the YES value), else no answer; ``proof`` records
    the level (``exact``, ``solver proof``, ``none``).  A tolerance-feasible point with objective
    near 0 is no YES, whatever the status label.  ``reduction``: the program's provenance when the
    caller already looked it up (:func:`reductions.deciders.certify.checked_provenance`; None: none).
    ``solve_wall_s`` is the solver call's own wall time, without the certification.
    """
    status = str(getattr(result, "status", "unknown"))
    obj, bound = getattr(result, "objective", None), getattr(result, "bound", None)
    obj = None if obj is None or not math.isfinite(float(obj)) else float(obj)
    bound = None if bound is None or not math.isfinite(float(bound)) else float(bound)
    ans = answer_for_program(program, result) if reduction is _LOOKUP else answer_for_result(reduction, result)
    out: dict[str, Any] = {"status": status, "answer": {"yes": "YES", "no": "NO"}.get(ans.answer),
                           "proof": ans.proof, "verified": bool(getattr(result, "verified", False)),
                           "objective": obj, "bound": bound,
                           "detail": f"{getattr(result, 'proof', '')}: {ans.reason}"[:300]}
    if getattr(result, "wall_s", None) is not None:
        out["solve_wall_s"] = float(result.wall_s)
    return out


def run_lsa(instance: Mapping[str, Any], solver: str, time_limit: float, seed: int,
            options: Mapping[str, Any]) -> dict[str, Any]:
    """Worker entry: ``recovery.programs.solvers.solve(program, solver=..., time_limit, seed)``.

    The program's provenance (rebuilding its reduction, seconds for d ~ 400) is looked up before
    the solve, which gets what is left of ``time_limit`` (at least 0.05 s); the run's reported
    time is the solve's.

    Parameters
    ----------
    instance : Mapping
        A ``lsahard.bilinear/1`` program, or an LSAProgram JSON wrapping one under ``program``.
    solver : str
        A solver of the ``recovery.programs.solvers`` portfolio.
    time_limit : float
        Seconds for provenance look-up and solve together.
    seed : int
        The solver's seed.
    options : Mapping
        Not used.

    Returns
    -------
    dict
        The outcome (:func:`lsa_outcome`).
    """
    data = dict(instance)
    if "program" in data and isinstance(data["program"], Mapping):  # a wrapped LSAProgram JSON
        data = dict(data["program"])
    program = BilinearProgram.from_json(data)
    t0 = time.perf_counter()
    reduction = checked_provenance(program)
    left = max(0.05, float(time_limit) - (time.perf_counter() - t0))
    result = solve(program, solver=solver, time_limit=left, seed=int(seed))
    return lsa_outcome(result, program, reduction=reduction)


def lsa_solver_names() -> list[str]:
    """Installed solvers of the ``recovery.programs.solvers`` portfolio, in its order.

    Returns
    -------
    list of str
        Solver names.
    """
    return [name for name, installed in available_solvers().items() if installed]
