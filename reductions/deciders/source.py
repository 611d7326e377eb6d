"""Exact deciders for the source problems: brute force, a HiGHS MILP, a SAT solver (PySAT) and,
for separability, SCIP with indicator constraints.

``decide(instance, method="milp" | "brute" | "sat" | "scip", time_limit=None) -> Decision``.

=============  ===================================== ============================= =========================
problem        brute                                 milp (HiGHS via highspy)      sat (PySAT) / scip
=============  ===================================== ============================= =========================
cnf            all 2^n assignments, vectorised       x in {0,1}^n, one row/clause  sat: the clauses
nae_sat        all 2^n assignments                   1 <= #true <= w - 1 / clause  sat: C and its complement
set_splitting  all 2^n sides                         1 <= #side-1 <= |c| - 1       sat: NAE over elements
partition      all 2^(n-1) sign vectors (s_1 = +1)   sum 2 a_i y_i = sum a_i       --
coloring       exhaustive backtracking (DSatur)      one-hot x_{v,c}, edge rows    sat: one-hot CNF
separability   all 2^(|Q|-1) splits, two margin-1    binary per outside point,     scip: indicator
               LPs each (|Q| <= MAX_BRUTE_OUTSIDE)   big-M from a Cramer bound     constraints, no big-M
=============  ===================================== ============================= =========================

``bm_program`` goes to :func:`reductions.deciders.bm_program.decide_bm` ("milp", "alternating", "scip");
``lsa_program`` to ``recovery.programs.solvers.solve`` (method = solver name; "milp" means "highs-milp").

Which method to pick.  For CNF, NAE-SAT, set splitting and colouring, ``"sat"`` (CaDiCaL 1.9.5
through PySAT, :mod:`reductions.deciders.sat`) is what a user would run and is the method to time in
source-level benchmark comparisons; the ``decide`` default stays ``"milp"`` (callers rely on it)
and ``"brute"`` is the independent cross-check for small instances.  For separability,
``"scip"`` (:mod:`reductions.deciders.separability_scip`) is the decider for anything beyond the brute
force limit of ``MAX_BRUTE_OUTSIDE`` = 16 outside points; the big-M ``"milp"`` is kept as a
cross-check (its M grows like the Hadamard bound below, 1e13 and beyond at 20 dimensions, and
HiGHS then often stops without an answer).

Proof levels (``Decision.proof``, :data:`PROOF_LEVELS`):

* ``"exact"`` -- a YES whose witness passed the problem's exact ``check`` (rational/Boolean
  arithmetic), or a NO by exhaustive enumeration (brute force over assignments, sign vectors or
  colourings) or by definition (a CNF with an empty clause);
* ``"solver proof"`` -- a NO resting on a floating-point or SAT solver's claim of infeasibility:
  HiGHS MILP infeasible *and* confirmed by its presolve-off rerun, SCIP status "infeasible", a SAT
  solver's UNSAT (no DRAT trace is checked), a split enumeration whose margin-1 LPs HiGHS
  declared infeasible, or an LSA program refuted by its solver (infeasible, or a proven dual bound
  above the YES value, :mod:`recovery.programs.solvers.answer`);
* ``"none"`` -- no proof: answer None (time limit, unverifiable point, numerical failure).

An ``lsa_program`` YES is ``"exact"``: its point satisfies the program exactly, or (for a program
written by a reduction) maps back to a source witness that passes the source's exact check
(:mod:`reductions.deciders.certify`); a point that satisfies the rows only within tolerance is no YES.

Every witness is re-checked with the problem's exact ``check`` before ``answer=True`` is
returned; a witness failing the check gives ``answer=None`` (status says why).

The methods live in modules of their own: :mod:`reductions.deciders.brute`,
:mod:`reductions.deciders.source_milp` (with the separability big-M and its bound),
:mod:`reductions.deciders.sat` and :mod:`reductions.deciders.separability_scip`; this module
dispatches and turns their outcomes into a :class:`Decision`.
"""

from __future__ import annotations

import time
from typing import Any

from recovery.programs import solvers
from reductions.deciders.bm_program import decide_bm
from reductions.deciders.brute import MAX_BRUTE_OUTSIDE, MAX_BRUTE_VARS, brute_force
from reductions.deciders.certify import answer_for_program
from reductions.deciders.decision import PROOF_LEVELS, Decision
from reductions.deciders.sat import decode, encode, solve_clauses
from reductions.deciders.separability_scip import scip_separability
from reductions.deciders.source_milp import MAX_MILP_ENTRIES, highs_milp, milp_decide, separability_box_bound
from reductions.deciders.timer import Timer
from reductions.problems.bm_program import BMProgram
from reductions.problems.lsa_program import LSAProgram
from reductions.problems.problem import Problem

__all__ = ["decide", "Decision", "PROOF_LEVELS", "METHODS", "METHOD_PROBLEMS", "MAX_BRUTE_VARS",
           "MAX_BRUTE_OUTSIDE", "MAX_MILP_ENTRIES", "separability_box_bound", "highs_milp"]

METHODS = ("milp", "brute", "sat", "scip")
#: problems each source method supports (``decide`` raises ValueError naming ``method`` otherwise)
METHOD_PROBLEMS = {
    "milp": ("cnf", "nae_sat", "set_splitting", "partition", "coloring", "separability"),
    "brute": ("cnf", "nae_sat", "set_splitting", "partition", "coloring", "separability"),
    "sat": ("cnf", "nae_sat", "set_splitting", "coloring"),
    "scip": ("separability",),
}


def _finish(inst: Problem, method: str, kind: str, witness: Any, timer: Timer, status: str,
            no_proof: str = "solver proof") -> Decision:
    """The Decision of a finished method run.

    A witness counts only if it passes ``inst.check`` (then answer True, proof "exact"; else
    answer None).  Without a witness, ``kind == "infeasible"`` is the method's refutation: answer
    False with proof level ``no_proof`` ("exact" for exhaustive enumerations, "solver proof" for
    a solver's infeasibility claim); any other kind is unknown (proof "none")."""
    wall = timer.elapsed()
    if witness is not None:
        if inst.check(witness):
            return Decision(True, witness, status, wall, method, proof="exact")
        return Decision(None, None, status + "; witness failed the exact check", wall, method)
    if kind == "infeasible":
        return Decision(False, None, status, wall, method, proof=no_proof)
    return Decision(None, None, status, wall, method)


def _sat_decide(inst: Problem, timer: Timer) -> Decision:
    """Method "sat": the CNF encoding of :mod:`reductions.deciders.sat` through PySAT."""
    n_vars, clauses, info = encode(inst)
    kind, model, text = solve_clauses(n_vars, clauses, timer.remaining())
    status = f"sat ({text}; {n_vars} variables, {len(clauses)} clauses)"
    if kind == "sat":
        if model is None:
            raise ValueError(f"sat: the solver reported a model but returned none ({text})")
        return _finish(inst, "sat", "feasible", decode(inst, model, info), timer, status)
    if kind == "empty clause":  # unsatisfiable by definition
        return _finish(inst, "sat", "infeasible", None, timer, status, no_proof="exact")
    return _finish(inst, "sat", "infeasible" if kind == "unsat" else "unknown", None, timer, status)


def _brute_decide(inst: Problem, timer: Timer) -> Decision:
    try:
        witness, status = brute_force(inst, timer)
    except TimeoutError:
        return Decision(None, None, "brute: time limit reached", timer.elapsed(), "brute")
    except (RuntimeError, OverflowError) as exc:
        # e.g. coordinates beyond float range: HiGHS "Model error" -- proves nothing
        return Decision(None, None, f"brute: numerical failure ({exc})", timer.elapsed(), "brute")
    # the split enumeration's NO rests on HiGHS's LP infeasibility claims; the others are
    # exhaustive over a finite set of candidate solutions
    return _finish(inst, "brute", "infeasible" if witness is None else "feasible", witness, timer,
                   status + (": no solution" if witness is None else ": solution found"),
                   no_proof="solver proof" if inst.PROBLEM == "separability" else "exact")


def _scip_decide(inst: Problem, timer: Timer) -> Decision:
    try:
        kind, witness, text = scip_separability(inst, timer)
    except (RuntimeError, OverflowError) as exc:
        return Decision(None, None, f"scip (indicator): numerical failure ({exc})", timer.elapsed(), "scip")
    return _finish(inst, "scip", kind, witness, timer, f"scip (indicator): {kind} ({text})")


def _milp_decide(inst: Problem, timer: Timer) -> Decision:
    try:
        kind, witness, status = milp_decide(inst, timer)
    except (RuntimeError, OverflowError) as exc:
        return Decision(None, None, f"milp (HiGHS): numerical failure ({exc})", timer.elapsed(), "milp")
    return _finish(inst, "milp", kind, witness, timer, status)


def _decide_lsa(inst: LSAProgram, method: str, time_limit: float | None) -> Decision:
    """Solve the program and keep only what the run proves (:func:`reductions.deciders.certify.answer_for_program`):
    YES with a point certified exactly (at the program's source when it has provenance), NO
    with the solver's proof (infeasibility, or a proven dual bound above the YES value)."""
    solver = "highs-milp" if method == "milp" else method
    t0 = time.perf_counter()
    res = solvers.solve(inst.program, solver=solver, time_limit=60.0 if time_limit is None else time_limit)
    ans = answer_for_program(inst.program, res)
    wall = time.perf_counter() - t0
    status = f"{solver}: {res.status}" + (f" ({res.proof})" if res.proof else "") + f"; {ans.reason}"
    if ans.answer == "yes":
        witness = (res.b, res.A)
        if inst.check(witness):
            return Decision(True, witness, status, wall, solver, proof="exact")
        return Decision(None, None, status + "; the point fails the program's own check", wall, solver)
    if ans.answer == "no":
        return Decision(False, None, status, wall, solver, proof=ans.proof)
    return Decision(None, None, status, wall, solver)


_SOURCE_METHODS = {"brute": _brute_decide, "sat": _sat_decide, "scip": _scip_decide, "milp": _milp_decide}


def decide(instance: Problem, method: str = "milp", time_limit: float | None = None) -> Decision:
    """Decide ``instance`` exactly with ``method``.

    The source-level deciders of REDUCTIONS.md "Solving the sources exactly" (brute force, a MILP
    through HiGHS, SAT, SCIP); ``bm_program`` and ``lsa_program`` instances are passed to their own
    solvers.

    Parameters
    ----------
    instance : Problem
        Any source problem, a ``bm_program`` or an ``lsa_program``.
    method : str
        One of :data:`METHODS` for the source problems (:data:`METHOD_PROBLEMS` says which
        problems each supports): ``"milp"`` (HiGHS, the default -- kept for the callers that rely
        on it), ``"brute"`` (enumeration, small instances), ``"sat"`` (PySAT's CaDiCaL on a CNF
        encoding; the natural choice for cnf, nae_sat, set_splitting and coloring) or ``"scip"``
        (separability by SCIP indicator constraints; the decider beyond ``MAX_BRUTE_OUTSIDE``
        outside points).  For ``lsa_program`` any ``recovery.programs.solvers`` name; for ``bm_program``
        whatever :func:`reductions.deciders.bm_program.decide_bm` supports.
    time_limit : float or None
        Seconds (None = no limit); on expiry ``answer`` is None.

    Returns
    -------
    Decision
        ``answer`` True only with a witness that passed ``instance.check``; ``proof`` says what
        proves the answer (:data:`PROOF_LEVELS`).

    Raises
    ------
    TypeError
        If ``instance`` is not a Problem (or not the expected class for its problem name).
    ValueError
        For a non-positive ``time_limit``, an unknown ``method`` or a method that does not decide
        this problem.

    Examples
    --------
    >>> from reductions import CNF, decide
    >>> d = decide(CNF(n_vars=2, clauses=((1,), (-1,))), "sat")
    >>> d.answer, d.proof
    (False, 'solver proof')
    >>> d = decide(CNF(n_vars=2, clauses=((1, 2), (-1,))), "sat")
    >>> d.answer, d.proof, d.witness
    (True, 'exact', (False, True))
    """
    if not isinstance(instance, Problem):
        raise TypeError(f"instance: expected a reductions Problem, got {type(instance).__name__}")
    if time_limit is not None:
        if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float)) or not time_limit > 0:
            raise ValueError(f"time_limit: expected a positive number of seconds, got {time_limit!r}")
        time_limit = float(time_limit)
    name = instance.PROBLEM
    if name == "lsa_program":
        if not isinstance(instance, LSAProgram):
            raise TypeError(f"instance: expected an LSAProgram for problem lsa_program, got {type(instance).__name__}")
        return _decide_lsa(instance, method, time_limit)
    if name == "bm_program":
        if not isinstance(instance, BMProgram):
            raise TypeError(f"instance: expected a BMProgram, got {type(instance).__name__}")
        return decide_bm(instance, method, time_limit)
    if method not in METHODS:
        raise ValueError(f"method: expected one of {METHODS} for {name}, got {method!r}")
    if name not in METHOD_PROBLEMS[method]:
        raise ValueError(f"method: {method!r} does not decide {name} (it supports {METHOD_PROBLEMS[method]})")
    return _SOURCE_METHODS[method](instance, Timer(time_limit))
