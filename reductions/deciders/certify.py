"""Answers about a source instance from a decision of its reduced target.

A reduction ``source -> target`` preserves the answer both ways, so a target NO (with its proof)
is a source NO, while a target YES is trusted only when its witness, mapped back, passes the
source's **exact** ``check``: then the answer is ``yes`` with proof ``exact``.  A target YES whose
backward solution fails the source check is ``unknown`` (the target witness was accepted under a
tolerance, or the solver's point was wrong), never YES.

Programs written by ``lsahard reduce`` carry their provenance: ``metadata["rule"]`` and
``metadata["source"]`` (the rule's source instance as JSON).  :func:`provenance` rebuilds the
reduction from them and accepts it only when the rebuilt target equals the program, so that a
YES on a stand-alone program file can also be certified at its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from recovery.programs.program import BilinearProgram
from reductions.problems.base import Reduction, load_problem, to_jsonable
from reductions.rules.graph import RULES, rule_module

__all__ = ["SourceAnswer", "certify", "provenance", "answer_for_program",
           "answer_for_result", "checked_provenance", "MAX_PROVENANCE_BOUNDS"]


@dataclass(frozen=True)
class SourceAnswer:
    """Answer about the source instance of a reduction.

    Attributes
    ----------
    answer : str
        One of ``"yes"``, ``"no"``, ``"unknown"``.
    proof : str
        One of ``"exact"``, ``"solver proof"``, ``"none"`` (the proof levels of
        :data:`reductions.deciders.decision.PROOF_LEVELS`).
    reason : str
        Why the answer holds (or why it is unknown).
    witness : Any
        The checked source witness (YES only), else None.
    """

    answer: str
    proof: str
    reason: str
    witness: Any = None

    def to_json(self) -> dict:
        """The answer as a JSON-compatible dict.

        Returns
        -------
        dict
            Keys ``answer``, ``proof``, ``reason`` and ``witness`` (made JSON-compatible by
            ``to_jsonable``).
        """
        return {"answer": self.answer, "proof": self.proof, "reason": self.reason,
                "witness": to_jsonable(self.witness)}


def _backward_check(reduction: Reduction, target_solution: Any) -> tuple[bool, Any, str]:
    try:
        solution = reduction.backward(target_solution)
        ok = bool(reduction.source.check(solution))
    except (ValueError, TypeError, ArithmeticError) as exc:
        return False, None, f"the backward map failed ({type(exc).__name__}: {exc})"
    if not ok:
        return False, solution, "the target witness maps back to a source solution that fails the exact check"
    return True, solution, "the target witness maps back to a source solution that passes the exact check"


def certify(reduction: Reduction, answer: bool | None, witness: Any, proof: str, reason: str = "") -> SourceAnswer:
    """The source answer implied by a target decision.

    A reduction preserves the answer both ways (module docstring): a target NO with a proof
    (``"exact"`` or ``"solver proof"``) is a source NO with the same proof; a target YES is a
    source YES (proof ``"exact"``) only when ``reduction.backward(witness)`` passes the source's
    exact ``check``, otherwise ``"unknown"``.  A target NO without a proof, or an undecided target,
    gives ``"unknown"``.

    Parameters
    ----------
    reduction : Reduction
        The chain ``source -> target``.
    answer : bool or None
        The target's decision (``True``/``False``/``None``).
    witness : Any
        The target's witness (YES), else ignored.
    proof : str
        The target decision's proof level (``"exact"``, ``"solver proof"`` or ``"none"``).
    reason : str, optional
        Text describing the target decision, kept in the result.

    Returns
    -------
    SourceAnswer
        The certified source answer.

    Examples
    --------
    >>> from reductions import CNF
    >>> from reductions.rules.registry import get
    >>> from reductions.deciders.source import decide
    >>> red = get("cnf_to_nae_sat").reduce(CNF(n_vars=2, clauses=((1, 2), (-1,))))
    >>> d = decide(red.target, "brute")
    >>> a = certify(red, d.answer, d.witness, d.proof, d.status)
    >>> a.answer, a.proof, a.witness
    ('yes', 'exact', (False, True))
    >>> certify(red, False, None, "none").answer
    'unknown'
    """
    if answer is True:
        ok, solution, why = _backward_check(reduction, witness)
        if ok:
            return SourceAnswer("yes", "exact", why, solution)
        return SourceAnswer("unknown", "none", f"target YES not confirmed: {why}")
    if answer is False:
        if proof not in ("exact", "solver proof"):
            return SourceAnswer("unknown", "none", f"target NO without a proof ({reason})")
        return SourceAnswer("no", proof, f"target NO ({reason}); the reduction preserves NO")
    return SourceAnswer("unknown", "none", reason or "the target was not decided")


#: how the parameters of a rule to ``lsa_program`` are read back from its program's metadata
_RULE_PARAMETERS = {
    "bm_program_to_lsa_program": lambda meta: {"layout": meta["layout"]["kind"]},
    "partition_to_lsa_program": lambda meta: {"box": meta["box"]},
}


def provenance(program: BilinearProgram) -> Reduction | None:
    """The reduction that built ``program``, rebuilt from its metadata, or None.

    Reads ``metadata["rule"]`` and ``metadata["source"]`` (module docstring), loads the source,
    re-runs the rule and compares the rebuilt target with ``program`` (``d``, constraints,
    objective, bounds).

    Parameters
    ----------
    program : BilinearProgram
        A program, typically written by ``lsahard reduce``.

    Returns
    -------
    Reduction or None
        The rebuilt reduction; None when the metadata names no registered rule with target
        ``lsa_program``, the source does not load, or the rebuilt program differs from ``program``.
    """
    meta = program.metadata or {}
    rule, source = meta.get("rule"), meta.get("source")
    if rule not in RULES or RULES[rule][1] != "lsa_program" or not isinstance(source, dict):
        return None
    try:
        instance = load_problem(source)
        reduction = rule_module(rule).reduce(instance, **_RULE_PARAMETERS.get(rule, lambda m: {})(meta))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    rebuilt = reduction.target.program
    if (rebuilt.d, rebuilt.constraints, rebuilt.objective, rebuilt.bounds) != \
            (program.d, program.constraints, program.objective, program.bounds):
        return None
    return reduction


#: largest program (number of bounded entries) whose provenance is rebuilt and compared; the
#: rules build ~1e6 fixed entries in pure Python for d ~ 1000, which takes minutes
MAX_PROVENANCE_BOUNDS = 200_000


def answer_for_program(program: BilinearProgram, result: Any) -> SourceAnswer:
    """The answer a solver result proves, certified at the program's source when possible.

    The result is a :class:`recovery.programs.solvers.SolveResult`.  When the program has
    :func:`provenance`, YES needs the backward image of the result's point to pass the source's
    exact check; a program-level NO carries over with its proof.  Without provenance (or for a
    program with more than :data:`MAX_PROVENANCE_BOUNDS` bounds, whose rebuild is too slow) the
    program-level answer of the result is returned unchanged.

    Parameters
    ----------
    program : BilinearProgram
        The program that was solved.
    result : SolveResult
        A solver's result on ``program`` (attributes ``b``, ``A``, ``answer``, ``answer_proof``,
        ``answer_reason``).

    Returns
    -------
    SourceAnswer
        The source answer (or the program-level answer without provenance).
    """
    return answer_for_result(checked_provenance(program), result)


def checked_provenance(program: BilinearProgram) -> Reduction | None:
    """:func:`provenance` for programs up to :data:`MAX_PROVENANCE_BOUNDS` bounds, else None.

    Parameters
    ----------
    program : BilinearProgram
        A program, typically written by ``lsahard reduce``.

    Returns
    -------
    Reduction or None
        ``provenance(program)`` when ``len(program.bounds) <= MAX_PROVENANCE_BOUNDS``, else None.
    """
    return provenance(program) if len(program.bounds) <= MAX_PROVENANCE_BOUNDS else None


def answer_for_result(reduction: Reduction | None, result: Any) -> SourceAnswer:
    """The source answer of ``reduction`` proved by a solver ``result`` on its LSA-program target.

    YES: the result's point, mapped back, passes the source's exact check.  NO: the
    program-level NO of the result (:func:`recovery.programs.solvers.answer.program_answer`), with
    its proof.  Otherwise ``"unknown"``.

    Parameters
    ----------
    reduction : Reduction or None
        The chain ``source -> lsa_program``; None for a program without provenance, in which case
        the program-level answer is returned.
    result : SolveResult
        A solver's result on ``reduction.target.program`` (attributes ``b``, ``A``, ``answer``,
        ``answer_proof``, ``answer_reason``).

    Returns
    -------
    SourceAnswer
        The certified source answer.
    """
    if reduction is None:
        return SourceAnswer(result.answer, result.answer_proof, result.answer_reason)
    source = reduction.source.PROBLEM
    if result.b is not None and result.A is not None:
        ok, solution, why = _backward_check(reduction, (result.b, result.A))
        if ok:
            return SourceAnswer("yes", "exact", f"{why} ({source})", solution)
        if result.answer != "no":
            return SourceAnswer("unknown", "none", f"{why} ({source}); {result.answer_reason}")
    if result.answer == "no":
        return SourceAnswer("no", result.answer_proof, f"{result.answer_reason}; the reduction from {source} preserves NO")
    return SourceAnswer("unknown", "none", result.answer_reason)
