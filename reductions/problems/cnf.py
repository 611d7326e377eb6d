"""CNF satisfiability (3-SAT is a CNF whose clauses all have width 3), with DIMACS read/write.

Instance: ``n_vars`` variables x_1..x_n and clauses, each a non-empty tuple of non-zero integer
literals in DIMACS convention (``+i`` is x_i, ``-i`` is not x_i, 1 <= i <= n_vars).  Repeated
literals inside a clause are kept (they do not change satisfiability).

Solution format: a tuple of ``n_vars`` bools (index i is the value of variable i+1); 0/1 integers
are accepted.  ``check`` is exact: every clause has a true literal.

JSON: ``{"problem": "cnf", "schema": "lsahard.cnf/1", "n_vars": N, "clauses": [[1, -2, 3], ...]}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from reductions.problems.cnf_dimacs import format_dimacs, parse_dimacs
from reductions.problems.problem import Problem, check_header, register_problem
from reductions.problems.values import as_bool_tuple, read_text

__all__ = ["CNF", "ClauseFormula", "validate_clauses", "literal_value"]


def validate_clauses(clauses: Any, n_vars: int, name: str = "clauses", *,
                     allow_empty: bool = False) -> tuple[tuple[int, ...], ...]:
    """Validate a clause list of DIMACS literals.

    Every clause is a list of non-zero int literals with ``abs(lit) <= n_vars``; an empty clause is
    accepted only with ``allow_empty`` (in CNF it is the false clause, a legitimate UNSAT formula).

    Parameters
    ----------
    clauses : iterable of iterable of int
        The clauses.
    n_vars : int
        Number of variables; literals range over ``-n_vars..-1, 1..n_vars``.
    name : str
        The argument name used in error messages.
    allow_empty : bool
        Whether an empty clause is legal.

    Returns
    -------
    tuple of tuple of int
        The clauses as a tuple of tuples of Python ints.

    Raises
    ------
    TypeError
        For a non-list of clauses or a clause that is not a list.
    ValueError
        Naming the clause index: a non-integer literal, a literal out of range, or an empty clause
        without ``allow_empty``.

    Examples
    --------
    >>> validate_clauses([[1, -2], [2]], 2)
    ((1, -2), (2,))
    """
    if isinstance(clauses, (str, bytes, Mapping)) or not isinstance(clauses, Iterable):
        raise TypeError(f"{name}: expected a list of clauses, got {type(clauses).__name__}")
    out = []
    for ci, clause in enumerate(clauses):
        if isinstance(clause, (str, bytes, Mapping)) or not isinstance(clause, Iterable):
            raise TypeError(f"{name}[{ci}]: expected a list of literals, got {type(clause).__name__}")
        lits = []
        for lit in clause:
            if isinstance(lit, bool) or not isinstance(lit, Integral):
                raise ValueError(f"{name}[{ci}]: literal {lit!r} is not an integer")
            lit = int(lit)
            if lit == 0 or abs(lit) > n_vars:
                raise ValueError(f"{name}[{ci}]: literal {lit} out of range (expected 1 <= |lit| <= {n_vars})")
            lits.append(lit)
        if not lits and not allow_empty:
            raise ValueError(f"{name}[{ci}]: empty clause")
        out.append(tuple(lits))
    return tuple(out)


def literal_value(lit: int, assignment: Sequence[bool]) -> bool:
    """Truth value of a DIMACS literal under an assignment.

    Parameters
    ----------
    lit : int
        Non-zero DIMACS literal (``+i`` is x_i, ``-i`` is not x_i).
    assignment : sequence of bool
        Truth values, index i = variable i+1.

    Returns
    -------
    bool
        The value of ``lit``.

    Examples
    --------
    >>> literal_value(-2, (True, False))
    True
    """
    v = assignment[abs(lit) - 1]
    return v if lit > 0 else not v


def _check_n_vars(n_vars: Any) -> int:
    if isinstance(n_vars, bool) or not isinstance(n_vars, Integral):
        raise TypeError(f"n_vars: expected an int, got {type(n_vars).__name__}")
    if n_vars < 0:
        raise ValueError(f"n_vars: expected >= 0, got {n_vars}")
    return int(n_vars)


@dataclass(frozen=True)
class ClauseFormula(Problem):
    """Shared part of :class:`CNF` and NAE-SAT: ``n_vars`` variables and clauses of DIMACS literals.

    Subclasses set ``PROBLEM`` and define ``check`` (what it means to satisfy a clause).

    Attributes
    ----------
    n_vars : int
        Number of variables, >= 0.
    clauses : iterable of iterable of int
        Clauses of DIMACS literals, validated by :func:`validate_clauses` (an empty clause only if
        the class sets ``ALLOW_EMPTY_CLAUSE``).

    Raises
    ------
    TypeError
        For a non-integer ``n_vars`` or malformed clause lists.
    ValueError
        For a negative ``n_vars`` or invalid literals.
    """

    n_vars: int
    clauses: tuple[tuple[int, ...], ...]

    #: whether an empty clause is a legal (unsatisfiable) clause of this problem
    ALLOW_EMPTY_CLAUSE: ClassVar[bool] = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "n_vars", _check_n_vars(self.n_vars))
        object.__setattr__(self, "clauses", validate_clauses(self.clauses, self.n_vars,
                                                             allow_empty=self.ALLOW_EMPTY_CLAUSE))

    # -- sizes -------------------------------------------------------------------------------
    @property
    def n_clauses(self) -> int:
        """Number of clauses."""
        return len(self.clauses)

    @property
    def max_width(self) -> int:
        """Largest clause width (0 without clauses)."""
        return max((len(c) for c in self.clauses), default=0)

    def is_k_cnf(self, k: int) -> bool:
        """True iff every clause has exactly ``k`` literals (3-SAT: ``is_k_cnf(3)``).

        Parameters
        ----------
        k : int
            The clause width.

        Returns
        -------
        bool
            Whether all clauses have width ``k``.
        """
        return all(len(c) == k for c in self.clauses)

    def size(self) -> dict[str, int]:
        """Size parameters.

        Returns
        -------
        dict of str to int
            ``n_vars``, ``n_clauses``, ``n_literals`` (total clause length) and ``max_width``.
        """
        return {
            "n_vars": self.n_vars,
            "n_clauses": self.n_clauses,
            "n_literals": sum(len(c) for c in self.clauses),
            "max_width": self.max_width,
        }

    # -- JSON --------------------------------------------------------------------------------
    def to_json(self) -> dict:
        """JSON form ``{"problem", "schema", "n_vars", "clauses"}``.

        Returns
        -------
        dict
            The instance's JSON.
        """
        return {**self.header(), "n_vars": self.n_vars, "clauses": [list(c) for c in self.clauses]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ClauseFormula:
        """Inverse of :meth:`to_json`.

        Parameters
        ----------
        data : Mapping
            The JSON object.

        Returns
        -------
        ClauseFormula
            The instance.

        Raises
        ------
        ValueError
            For a wrong header or a missing ``n_vars``/``clauses`` key.
        """
        check_header(data, cls.PROBLEM)
        for key in ("n_vars", "clauses"):
            if key not in data:
                raise ValueError(f"{key}: missing from the {cls.PROBLEM} JSON object")
        return cls(n_vars=data["n_vars"], clauses=data["clauses"])


@register_problem
@dataclass(frozen=True)
class CNF(ClauseFormula):
    """A CNF formula: is there an assignment making every clause true?

    REDUCTIONS.md "Problems" (3-SAT / CNF).  An empty clause (DIMACS ``0`` alone) is allowed: it is
    the false clause.

    Attributes
    ----------
    n_vars : int
        Number of variables x_1..x_n, >= 0.
    clauses : iterable of iterable of int
        Clauses of DIMACS literals (repeated literals are kept; an empty clause is allowed).
    """

    PROBLEM: ClassVar[str] = "cnf"
    ALLOW_EMPTY_CLAUSE: ClassVar[bool] = True  # DIMACS "0" alone: the false clause

    # -- checking ----------------------------------------------------------------------------
    def check(self, solution: Any) -> bool:
        """Exact: every clause contains a literal made true by ``solution``.

        Parameters
        ----------
        solution : sequence of bool
            ``n_vars`` truth values (index i = variable i+1); 0/1 integers are accepted.

        Returns
        -------
        bool
            True iff every clause is satisfied.

        Raises
        ------
        TypeError
            For a non-sequence or non-boolean entries.
        ValueError
            For a wrong length.

        Examples
        --------
        >>> f = CNF(n_vars=2, clauses=((1, -2), (2,)))
        >>> f.check((True, True)), f.check([0, 1])
        (True, False)
        """
        a = as_bool_tuple(solution, self.n_vars)
        return all(any(literal_value(l, a) for l in c) for c in self.clauses)

    def clause_matrix(self) -> np.ndarray:
        """Sign matrix of the clauses, shape (n_clauses, n_vars), dtype int8.

        Entry +1/-1 for a positive/negative occurrence, 0 otherwise.  A clause containing both x and
        not x gets entry 2 (always satisfied); repeated literals collapse.  Used by the vectorised
        brute-force deciders.

        Returns
        -------
        numpy.ndarray
            The (n_clauses, n_vars) int8 matrix.
        """
        M = np.zeros((self.n_clauses, self.n_vars), dtype=np.int8)
        for ci, c in enumerate(self.clauses):
            for l in c:
                cur = M[ci, abs(l) - 1]
                s = 1 if l > 0 else -1
                M[ci, abs(l) - 1] = s if cur in (0, s) else 2
        return M

    # -- DIMACS ------------------------------------------------------------------------------
    @classmethod
    def from_dimacs(cls, text: str, *, source: str = "dimacs") -> CNF:
        r"""Parse DIMACS CNF text.

        Comment lines start with ``c``; the header is ``p cnf <vars> <clauses>``; clauses are
        whitespace-separated literals terminated by ``0`` and may span lines; a line ``%`` (SATLIB)
        ends the input.

        Parameters
        ----------
        text : str
            The DIMACS text.
        source : str
            Name of the input used in error messages.

        Returns
        -------
        CNF
            The formula.

        Raises
        ------
        TypeError
            If ``text`` is not a string.
        ValueError
            With the line number for a missing/malformed header, a non-integer token, a literal out of
            range, an empty clause, a clause-count mismatch or a clause not terminated by 0.

        Examples
        --------
        >>> CNF.from_dimacs("p cnf 2 1\n1 -2 0\n").clauses
        ((1, -2),)
        """
        n_vars, clauses = parse_dimacs(text, source=source, allow_empty_clause=cls.ALLOW_EMPTY_CLAUSE)
        return cls(n_vars=n_vars, clauses=clauses)

    @classmethod
    def read_dimacs(cls, path: str | Path) -> CNF:
        """Read a DIMACS CNF file (see :meth:`from_dimacs`).

        Parameters
        ----------
        path : str or Path
            The file.

        Returns
        -------
        CNF
            The formula.

        Raises
        ------
        ValueError
            For a file that is not UTF-8 text or malformed DIMACS.
        """
        path = Path(path)
        text = read_text(path)
        return cls.from_dimacs(text, source=str(path))

    def to_dimacs(self, comment: str | None = None) -> str:
        """DIMACS CNF text of the formula.

        Parameters
        ----------
        comment : str or None
            Optional comment, written as ``c`` lines before the header.

        Returns
        -------
        str
            The text, ending with a newline.
        """
        return format_dimacs(self.n_vars, self.clauses, comment)

    def write_dimacs(self, path: str | Path, comment: str | None = None) -> None:
        """Write :meth:`to_dimacs` to a file.

        Parameters
        ----------
        path : str or Path
            The file.
        comment : str or None
            Optional comment lines.
        """
        Path(path).write_text(self.to_dimacs(comment))
