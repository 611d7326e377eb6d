"""Not-all-equal satisfiability (NAE-k-SAT when every clause has width k).

Instance: as for :class:`reductions.problems.cnf.CNF` (``n_vars``, clauses of DIMACS literals).
Question: is there an assignment under which every clause has at least one true AND at least one
false literal (counted over the clause's literal occurrences)?  A clause with one distinct literal
is never NAE-satisfied; a clause containing x and not x always is.

Solution format: tuple of ``n_vars`` bools (index i = variable i+1).  NAE solutions are closed
under flipping every variable.

JSON: ``{"problem": "nae_sat", "schema": "lsahard.nae_sat/1", "n_vars": N, "clauses": [[...], ...]}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

import numpy as np

from reductions.base import Problem, as_bool_tuple, check_header
from reductions.problems.cnf import _check_n_vars, literal_value, validate_clauses

__all__ = ["NAESAT"]


@dataclass(frozen=True)
class NAESAT(Problem):
    """NAE-SAT: every clause must contain a true and a false literal."""

    n_vars: int
    clauses: tuple[tuple[int, ...], ...]

    PROBLEM: ClassVar[str] = "nae_sat"

    def __post_init__(self) -> None:
        object.__setattr__(self, "n_vars", _check_n_vars(self.n_vars))
        object.__setattr__(self, "clauses", validate_clauses(self.clauses, self.n_vars))

    @property
    def n_clauses(self) -> int:
        return len(self.clauses)

    @property
    def max_width(self) -> int:
        return max((len(c) for c in self.clauses), default=0)

    def widths(self) -> tuple[int, ...]:
        return tuple(len(c) for c in self.clauses)

    def size(self) -> dict[str, int]:
        return {
            "n_vars": self.n_vars,
            "n_clauses": self.n_clauses,
            "n_literals": sum(len(c) for c in self.clauses),
            "max_width": self.max_width,
        }

    def check(self, solution: Any) -> bool:
        """Exact: every clause has a true and a false literal under ``solution``."""
        a = as_bool_tuple(solution, self.n_vars)
        for c in self.clauses:
            vals = {literal_value(l, a) for l in c}
            if len(vals) != 2:
                return False
        return True

    def literal_count_matrix(self) -> np.ndarray:
        """(n_clauses, n_vars) int matrix: (#positive - #negative) occurrences of each variable.

        Together with ``widths()``, ``#true literals = (width + M @ s) / 2`` for s in {-1,1}^n.
        """
        M = np.zeros((self.n_clauses, self.n_vars), dtype=np.int64)
        for ci, c in enumerate(self.clauses):
            for l in c:
                M[ci, abs(l) - 1] += 1 if l > 0 else -1
        return M

    def to_json(self) -> dict:
        return {**self.header(), "n_vars": self.n_vars, "clauses": [list(c) for c in self.clauses]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "NAESAT":
        check_header(data, cls.PROBLEM)
        for key in ("n_vars", "clauses"):
            if key not in data:
                raise ValueError(f"{key}: missing from the {cls.PROBLEM} JSON object")
        return cls(n_vars=data["n_vars"], clauses=data["clauses"])
