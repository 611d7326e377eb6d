"""Result type shared by every solver of the portfolio (see :func:`recovery.programs.solvers.solve`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["STATUSES", "SolveResult", "Outcome"]

#: ``feasible``: a verified point satisfying every constraint (objective value not proven optimal);
#: ``optimal``: verified point whose objective the solver proved optimal (global, within its gap);
#: ``infeasible``: the solver *proved* that no point satisfies the constraints (or, for
#: ``highs-milp`` with an objective, that the objective cannot reach its lower bound, see there);
#: ``unknown``: nothing proven (heuristic failure, relaxation bound only, failed verification);
#: ``timeout``: the time limit stopped the solver (incumbent, if any, returned and verified);
#: ``error``: the solver is unavailable or refused / crashed (see ``log``).
STATUSES = ("feasible", "optimal", "infeasible", "unknown", "timeout", "error")


def _finite_or_none(x: float | None) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


@dataclass(frozen=True, eq=False)
class SolveResult:
    """Outcome of one solver run.

    Attributes
    ----------
    status : str
        One of :data:`STATUSES`.
    b : numpy.ndarray or None
        Shape (d+1,), float64.
    A : numpy.ndarray or None
        Shape (d+1, d), float64.
    objective : float or None
        Exact (verifier) objective value of the returned point rounded to float (None without
        objective/point).
    bound : float or None
        The solver's proven lower bound on the objective (None if none; for feasibility programs
        a relaxation bound on the total violation where the solver gives one).
    wall_s : float
        Wall-clock seconds of the whole call.
    log : str
        The solver's log.
    solver : str
        The solver's name.
    proof : str
        The solver's termination condition (string) that the status was derived from.
    verified : bool
        The point passed :func:`recovery.programs.verification.verify` (the point returned is the
        verified one, clipped to the bounds).
    max_violation : float or None
        Its largest scaled violation (None without a point).
    seed : int or None
        The seed of the run.
    time_limit : float or None
        The time limit of the run in seconds.
    answer : str
        What the run proves about the decision question
        (:func:`recovery.programs.solvers.answer.program_answer`): ``yes``/``no``/``unknown``.
    answer_proof : str
        ``exact``/``solver proof``/``none``.
    answer_reason : str
        Why.

    Raises
    ------
    ValueError
        When ``status`` is not in :data:`STATUSES`.
    """

    status: str
    b: np.ndarray | None
    A: np.ndarray | None
    objective: float | None
    bound: float | None
    wall_s: float
    log: str
    solver: str
    proof: str = ""
    verified: bool = False
    max_violation: float | None = None
    seed: int | None = None
    time_limit: float | None = None
    answer: str = "unknown"
    answer_proof: str = "none"
    answer_reason: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")

    def to_json(self) -> dict[str, Any]:
        """The result as a strict-JSON dict.

        Returns
        -------
        dict
            Every field (arrays as nested lists); non-finite numbers as ``"inf"`` / ``"-inf"`` strings
            or None (NaN), a non-finite objective as None.
        """
        def num(v: float) -> Any:  # strict JSON has no NaN/Infinity (same spelling as "bound")
            return v if math.isfinite(v) else (None if v != v else ("inf" if v > 0 else "-inf"))

        def arr(x: np.ndarray | None) -> Any:
            if x is None:
                return None
            a = np.asarray(x, dtype=float)
            if np.all(np.isfinite(a)):
                return a.tolist()
            return np.vectorize(num, otypes=[object])(a).tolist()

        mv = self.max_violation
        return {
            "status": self.status,
            "answer": self.answer,
            "answer_proof": self.answer_proof,
            "answer_reason": self.answer_reason,
            "solver": self.solver,
            "verified": bool(self.verified),
            "max_violation": None if mv is None else (float(mv) if math.isfinite(mv) else "inf"),
            "objective": _finite_or_none(self.objective),
            "bound": None if self.bound is None else (
                float(self.bound) if math.isfinite(self.bound) else ("inf" if self.bound > 0 else "-inf")),
            "wall_s": float(self.wall_s),
            "proof": self.proof,
            "seed": self.seed,
            "time_limit": self.time_limit,
            "b": arr(self.b),
            "A": arr(self.A),
            "log": self.log,
        }


@dataclass
class Outcome:
    """What a solver back end hands to :func:`recovery.programs.solvers.solve` (before verification).

    Attributes
    ----------
    status : str
        One of :data:`STATUSES`.
    b : numpy.ndarray or None
        Shape (d+1,), or None without a point.
    A : numpy.ndarray or None
        Shape (d+1, d), or None without a point.
    bound : float or None
        A proven lower bound on the objective, if any.
    log : str
        The back end's log.
    proof : str
        The termination condition the status was derived from.
    extra : dict
        Further back-end data.
    """

    status: str
    b: np.ndarray | None = None
    A: np.ndarray | None = None
    bound: float | None = None
    log: str = ""
    proof: str = ""
    extra: dict = field(default_factory=dict)
