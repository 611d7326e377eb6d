"""The outcome of an exact decider (:class:`Decision`) and what proves it (:data:`PROOF_LEVELS`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reductions.problems.base import to_jsonable

__all__ = ["Decision", "PROOF_LEVELS"]

#: what proves a Decision's answer (see the module docstring): "exact", "solver proof", "none"
PROOF_LEVELS = ("exact", "solver proof", "none")


@dataclass(frozen=True)
class Decision:
    """Outcome of an exact decider.

    Attributes
    ----------
    answer : bool or None
        True (a witness passed the instance's ``check``), False (proved, see ``proof``), None
        (unknown: time limit, unverifiable witness, numerical failure).
    witness : Any
        A source solution (answer True) or None.
    status : str
        The method's own account (solver status, what was enumerated, why unknown).
    wall_s : float
        Seconds.
    method : str
        The method used.
    proof : str
        What proves the answer, one of :data:`PROOF_LEVELS`: ``"exact"`` (YES: the witness
        passed the problem's exact check; NO: exhaustive enumeration or an exact decision
        procedure), ``"solver proof"`` (NO: a solver's proof of infeasibility -- HiGHS MILP
        infeasible with its presolve-off confirmation, SCIP infeasible, a SAT solver's UNSAT), or
        ``"none"`` (unknown).  A None answer always has ``"none"``; a True answer never has
        ``"solver proof"``.

    Raises
    ------
    ValueError
        When ``proof`` is not in :data:`PROOF_LEVELS`, an unknown answer has a proof other than
        ``"none"``, or a True answer has ``"solver proof"``.
    """

    answer: bool | None
    witness: Any
    status: str
    wall_s: float
    method: str = ""
    proof: str = "none"

    def __post_init__(self) -> None:
        if self.proof not in PROOF_LEVELS:
            raise ValueError(f"proof: expected one of {PROOF_LEVELS}, got {self.proof!r}")
        if self.answer is None and self.proof != "none":
            raise ValueError(f"proof: an unknown answer has proof 'none', got {self.proof!r}")
        if self.answer is True and self.proof == "solver proof":
            raise ValueError("proof: a YES answer is proved by its witness ('exact'), not by 'solver proof'")

    def to_json(self) -> dict:
        """The decision as a JSON-compatible dict.

        Returns
        -------
        dict
            Keys ``answer``, ``witness`` (made JSON-compatible by ``to_jsonable``), ``status``,
            ``wall_s``, ``method`` and ``proof``.
        """
        return {
            "answer": self.answer,
            "witness": to_jsonable(self.witness),
            "status": self.status,
            "wall_s": self.wall_s,
            "method": self.method,
            "proof": self.proof,
        }
