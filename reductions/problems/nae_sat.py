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
from typing import Any, ClassVar

import numpy as np

from reductions.problems.cnf import ClauseFormula, literal_value
from reductions.problems.problem import register_problem
from reductions.problems.values import as_bool_tuple

__all__ = ["NAESAT"]


@register_problem
@dataclass(frozen=True)
class NAESAT(ClauseFormula):
    """NAE-SAT: every clause must contain a true and a false literal.

    REDUCTIONS.md "Problems" (NAE-k-SAT); the source of constructions 2 and 3 (via set splitting)
    and the target of construction 1.  Solutions are closed under flipping every variable.

    Attributes
    ----------
    n_vars : int
        Number of variables, >= 0.
    clauses : iterable of iterable of int
        Non-empty clauses of DIMACS literals.
    """

    PROBLEM: ClassVar[str] = "nae_sat"

    def widths(self) -> tuple[int, ...]:
        """Clause widths.

        Returns
        -------
        tuple of int
            Number of literal occurrences of each clause.
        """
        return tuple(len(c) for c in self.clauses)

    def check(self, solution: Any) -> bool:
        """Exact: every clause has a true and a false literal under ``solution``.

        Parameters
        ----------
        solution : sequence of bool
            ``n_vars`` truth values (index i = variable i+1); 0/1 integers are accepted.

        Returns
        -------
        bool
            True iff every clause is not-all-equal.

        Raises
        ------
        TypeError
            For a non-sequence or non-boolean entries.
        ValueError
            For a wrong length.

        Examples
        --------
        >>> f = NAESAT(n_vars=3, clauses=((1, 2, 3),))
        >>> f.check((True, False, False)), f.check((True, True, True))
        (True, False)
        """
        a = as_bool_tuple(solution, self.n_vars)
        for c in self.clauses:
            vals = {literal_value(l, a) for l in c}
            if len(vals) != 2:
                return False
        return True

    def literal_count_matrix(self) -> np.ndarray:
        """Signed occurrence counts, shape (n_clauses, n_vars), dtype int64.

        Entry (#positive - #negative) occurrences of each variable in each clause.  Together with
        ``widths()``, ``#true literals = (width + M @ s) / 2`` for s in {-1,1}^n.

        Returns
        -------
        numpy.ndarray
            The (n_clauses, n_vars) matrix M.
        """
        M = np.zeros((self.n_clauses, self.n_vars), dtype=np.int64)
        for ci, c in enumerate(self.clauses):
            for l in c:
                M[ci, abs(l) - 1] += 1 if l > 0 else -1
        return M
