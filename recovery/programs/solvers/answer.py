"""What a solver run proves about the decision question of a bilinear program.

The question (paper Problems C.10/C.11, Lemma C.12): is there ``(b, A)`` satisfying every row and
bound, and, for a program with an objective, with objective value ``<= 0``?  (The programs of the
reductions have a nonnegative objective whose zero minimum certifies feasibility.)

Answers and what proves them (:data:`PROOF_LEVELS`):

===========  ==============  ========================================================================
answer       proof           when
===========  ==============  ========================================================================
``yes``      ``exact``       the point, clipped to its bounds, satisfies every row **exactly** and
                             its exact objective is ``<= 0`` (tried on the solver's point and on it
                             rounded to dyadic rationals ``k / 2^e``, ``e`` in 0, 10, 20, 30)
``no``       ``exact``       an exact argument: a row without free variables is violated, or an
                             exact decision procedure (``z3``) proved the program infeasible
``no``       ``solver        the solver proved infeasibility (SCIP, Gurobi, MAiNGO, the HiGHS MILP
             proof``         with its presolve-off confirmation, an infeasible relaxation), or a
                             proven dual bound exceeds :data:`NO_BOUND_MARGIN` for a program with an
                             objective
``unknown``  ``none``        anything else, with the reason: a point that satisfies the rows only
                             within the tolerance model of :mod:`recovery.programs.verification`, an objective above
                             0 without a proven bound, a time limit, a result whose own numbers
                             contradict its label
===========  ==============  ========================================================================

For a program built by a reduction, a YES additionally needs the source witness obtained by the
backward map to pass the source's exact check (``reductions.deciders.certify``); a program-level YES never
suffices there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from recovery.programs.program import BilinearProgram
from recovery.programs.solvers import registry
from recovery.programs.solvers.result import SolveResult
from recovery.programs.verification import Verification, verify

__all__ = ["Answer", "ANSWERS", "PROOF_LEVELS", "NO_BOUND_MARGIN", "program_answer", "exact_point"]

ANSWERS = ("yes", "no", "unknown")
PROOF_LEVELS = ("exact", "solver proof", "none")

#: a proven lower bound on the objective must exceed this to prove NO (the YES value is 0); the
#: margin absorbs the solvers' own feasibility tolerances in the bound computation
NO_BOUND_MARGIN = 1e-4



@dataclass(frozen=True)
class Answer:
    """The decision answer of one run (module table).

    Attributes
    ----------
    answer : str
        One of :data:`ANSWERS`: ``"yes"``, ``"no"``, ``"unknown"``.
    proof : str
        One of :data:`PROOF_LEVELS`: ``"exact"``, ``"solver proof"``, ``"none"``; ``"none"`` iff
        the answer is ``"unknown"``.
    reason : str
        A one-sentence reason.

    Raises
    ------
    ValueError
        For an answer or proof outside its tuple, or an unknown answer with a proof (or a
        yes / no answer without one).

    Examples
    --------
    >>> a = Answer("yes", "exact", "the clipped point satisfies every row exactly")
    >>> a.to_json()["answer"], a.proof
    ('yes', 'exact')
    >>> Answer("no", "none", "no proof")
    Traceback (most recent call last):
    ...
    ValueError: answer 'no' cannot have proof 'none'
    """

    answer: str
    proof: str
    reason: str

    def __post_init__(self) -> None:
        if self.answer not in ANSWERS:
            raise ValueError(f"answer must be one of {ANSWERS}, got {self.answer!r}")
        if self.proof not in PROOF_LEVELS:
            raise ValueError(f"proof must be one of {PROOF_LEVELS}, got {self.proof!r}")
        if (self.answer == "unknown") != (self.proof == "none"):
            raise ValueError(f"answer {self.answer!r} cannot have proof {self.proof!r}")

    def to_json(self) -> dict:
        """The answer as a JSON-compatible dict.

        Returns
        -------
        dict
            Keys ``answer``, ``proof``, ``reason``.
        """
        return {"answer": self.answer, "proof": self.proof, "reason": self.reason}


def exact_point(program: BilinearProgram, b: np.ndarray, A: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """A point near ``(b, A)`` that is an exact YES witness of ``program``, or None.

    Tries the point itself, then the point rounded to multiples of ``2^-e`` (``e`` = 30, 20, 10,
    0; exactly representable doubles), each clipped to the bounds and checked exactly by
    :func:`recovery.programs.verification.verify`: every row with zero residual and objective
    ``<= 0``.  Non-finite candidates are skipped.

    Parameters
    ----------
    program : BilinearProgram
        The program.
    b : numpy.ndarray
        Shape (d+1,).
    A : numpy.ndarray
        Shape (d+1, d).

    Returns
    -------
    tuple of (numpy.ndarray, numpy.ndarray) or None
        The clipped exact witness ``(b, A)``, or None.

    Raises
    ------
    ValueError
        When the verifier gives an exact verdict without the clipped point.
    """
    candidates = [(b, A)] + [(np.ldexp(np.round(np.ldexp(b, e)), -e), np.ldexp(np.round(np.ldexp(A, e)), -e))
                             for e in (30, 20, 10, 0)]
    for cb, cA in candidates:
        if not (np.all(np.isfinite(cb)) and np.all(np.isfinite(cA))):
            continue
        ver = verify(program, cb, cA, tol=0.0)
        if ver.exact and (ver.objective_exact is None or ver.objective_exact <= 0):
            if ver.b is None or ver.A is None:
                raise ValueError("verify: an exact verdict without the clipped point (b, A)")
            return ver.b, ver.A
    return None


def program_answer(program: BilinearProgram, result: SolveResult, verification: Verification | None = None) -> Answer:
    """The answer ``result`` proves for ``program`` (see the module table).

    Parameters
    ----------
    program : BilinearProgram
        The program that was solved.
    result : SolveResult
        The run, as returned by :func:`recovery.programs.solvers.solve` (its point is already clipped).
    verification : Verification, optional
        The verification of the result's point, when already computed: the dyadic repair of
        :func:`exact_point` is only tried for points that satisfy the rows within tolerance.

    Returns
    -------
    Answer
        ``yes`` / ``no`` / ``unknown`` with its proof level and reason.
    """
    hopeless = verification is not None and not (
        verification.exact or (verification.ok and (verification.objective is None or verification.objective <= 1e-6)))
    if result.b is not None and result.A is not None and not hopeless:
        if exact_point(program, result.b, result.A) is not None:
            return Answer("yes", "exact", "the clipped point satisfies every row exactly"
                          + (" with objective <= 0" if program.objective is not None else ""))
    if result.status == "infeasible":
        if result.proof.startswith("exact"):
            return Answer("no", "exact", result.proof)
        if result.solver in registry.proving():
            return Answer("no", "solver proof", f"{result.solver} proved infeasibility ({result.proof})")
    contradictory = "self-contradictory" in result.log
    bound = result.bound
    if (program.objective is not None and bound is not None and math.isfinite(bound)
            and bound > NO_BOUND_MARGIN and result.solver in registry.proving() and not contradictory):
        return Answer("no", "solver proof", f"{result.solver} proved the objective >= {bound:.6g} > "
                      f"{NO_BOUND_MARGIN:g} (the YES value is 0)")
    return Answer("unknown", "none", _unknown_reason(program, result, contradictory))


def _unknown_reason(program: BilinearProgram, result: SolveResult, contradictory: bool) -> str:
    if contradictory:
        return "the solver's result contradicts itself (see its log)"
    if result.b is None:
        return f"no point and no proof (status {result.status})"
    if not result.verified:
        return f"the point violates rows beyond the tolerance (max scaled violation {result.max_violation:.3g})"
    if program.objective is not None and result.objective is not None and result.objective > 0:
        return (f"objective {result.objective:.6g} > 0 at the clipped point and no proven bound above "
                f"{NO_BOUND_MARGIN:g}")
    return ("the point satisfies the rows only within the tolerance model "
            f"(max scaled violation {result.max_violation:.3g}), not exactly")
