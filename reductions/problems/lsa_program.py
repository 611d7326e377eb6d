"""The generalised LSA parameter-recovery program as a decision problem (MATH.md section 5).

Thin wrapper around :class:`recovery.programs.program.BilinearProgram` (paper Problems C.10/C.11): variables
b in R^{d+1}, A in R^{(d+1) x d}; rows ``b^T D A[:, j] (==, <=, >=) rhs``; bounds and fixings; an
optional bilinear objective.

Decision question: is there (b, A) satisfying every row and bound, and -- when the program has an
objective -- with objective value <= 0 (up to the verifier's tolerance)?  For programs built as in
paper Problem C.11 / Lemma C.12 (a nonnegative objective whose zero minimum certifies
feasibility) this is "is the minimum zero?".

Solution format: ``(b, A)`` with b of shape (d+1,) and A of shape (d+1, d), or a dict
``{"b": [...], "A": [[...], ...]}``.  ``check`` is :func:`recovery.programs.verification.verify` (exact rational
arithmetic on the float point, scaled tolerance ``tol`` = 1e-6 by default).

JSON: exactly the ``BilinearProgram`` JSON (``"schema": "lsahard.bilinear/1"``; no ``"problem"``
key so that every tool reading bilinear programs reads it); ``from_json`` also accepts an extra
``"problem": "lsa_program"`` key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np

from recovery.programs.program import BilinearProgram
from recovery.programs.verification import verify
from reductions.problems.problem import Problem, register_problem

__all__ = ["LSAProgram"]


@register_problem
@dataclass(frozen=True)
class LSAProgram(Problem):
    """A :class:`BilinearProgram` seen as a decision problem.

    Paper Problems C.10/C.11 (MATH.md section 5); the target of constructions 5 and 6.

    Attributes
    ----------
    program : BilinearProgram
        The program over b of shape (d+1,) and A of shape (d+1, d).
    tol : float
        Scaled tolerance of :func:`recovery.programs.verification.verify` (default 1e-6).

    Raises
    ------
    TypeError
        If ``program`` is not a BilinearProgram.
    """

    program: BilinearProgram
    tol: float = 1e-6

    PROBLEM: ClassVar[str] = "lsa_program"

    def __post_init__(self) -> None:
        if not isinstance(self.program, BilinearProgram):
            raise TypeError(f"program: expected a recovery.programs.program.BilinearProgram, got {type(self.program).__name__}")

    @property
    def d(self) -> int:
        """The program's dimension d."""
        return self.program.d

    def size(self) -> dict[str, int]:
        """Size parameters.

        Returns
        -------
        dict of str to int
            ``d``, ``n_rows``, ``n_fixed``, ``n_bounded`` and ``has_objective`` (0/1).
        """
        p = self.program
        return {
            "d": p.d,
            "n_rows": p.num_rows,
            "n_fixed": len(p.fixed_values()),
            "n_bounded": len(p.bounds),
            "has_objective": int(p.objective is not None),
        }

    def is_phi_structured(self) -> bool:
        """Whether the program is the phi recovery problem C.9.

        Returns
        -------
        bool
            :meth:`recovery.programs.bilinear.BilinearProgram.is_phi_structured` of the program.
        """
        return self.program.is_phi_structured()

    @staticmethod
    def split_solution(solution: Any) -> tuple[np.ndarray, np.ndarray]:
        """``(b, A)`` float arrays of a solution.

        Parameters
        ----------
        solution : tuple or dict
            ``(b, A)`` or ``{"b": ..., "A": ...}``; entries may be numbers or ``"p/q"`` strings.

        Returns
        -------
        tuple of numpy.ndarray
            b and A as float arrays.

        Raises
        ------
        ValueError
            For a dict without keys ``b`` and ``A``.
        TypeError
            For a solution of another form.
        """
        if isinstance(solution, Mapping):
            if "b" not in solution or "A" not in solution:
                raise ValueError('solution: expected a dict with keys "b" and "A"')
            b, A = solution["b"], solution["A"]
        elif isinstance(solution, (tuple, list)) and len(solution) == 2:
            b, A = solution
        else:
            raise TypeError("solution: expected (b, A) or {'b': ..., 'A': ...}")
        to_f = np.vectorize(lambda x: float(Fraction(x)) if isinstance(x, str) else float(x), otypes=[float])
        return to_f(np.asarray(b, dtype=object)), to_f(np.asarray(A, dtype=object))

    def verification(self, solution: Any):
        """The full verifier report of a solution.

        Parameters
        ----------
        solution : tuple or dict
            ``(b, A)`` or ``{"b": ..., "A": ...}``.

        Returns
        -------
        Verification
            :func:`recovery.programs.verification.verify` with tolerance ``tol``.
        """
        b, A = self.split_solution(solution)
        return verify(self.program, b, A, tol=self.tol)

    def check(self, solution: Any) -> bool:
        """Rows and bounds verified (``recovery.programs.verification.verify``) and objective <= tol if any.

        Parameters
        ----------
        solution : tuple or dict
            ``(b, A)`` with b of shape (d+1,) and A of shape (d+1, d), or ``{"b": ..., "A": ...}``.

        Returns
        -------
        bool
            True iff the point verifies (and, with an objective, its value is at most ``tol``).

        Examples
        --------
        >>> from recovery.programs.builder import ProgramBuilder
        >>> pb = ProgramBuilder(1).fix("A[0,0]", 1)
        >>> _ = pb.add_row(0, [(0, 0, 1)], "==", 2)
        >>> inst = LSAProgram(pb.build())
        >>> inst.check(([2, 0], [[1], [0]])), inst.check(([1, 0], [[1], [0]]))
        (True, False)
        """
        ver = self.verification(solution)
        if not ver.ok:
            return False
        if self.program.objective is not None:
            return ver.objective is not None and ver.objective <= self.tol
        return True

    def to_json(self) -> dict:
        """The program's ``"lsahard.bilinear/1"`` JSON (no ``"problem"`` key).

        Returns
        -------
        dict
            The JSON.
        """
        return self.program.to_json()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LSAProgram:
        """Read the ``BilinearProgram`` JSON (an extra ``"problem": "lsa_program"`` key is accepted).

        Parameters
        ----------
        data : Mapping
            The JSON object.

        Returns
        -------
        LSAProgram
            The instance.

        Raises
        ------
        TypeError
            If ``data`` is not a JSON object.
        ValueError
            For a different ``"problem"`` key or a malformed program.
        """
        if not isinstance(data, Mapping):
            raise TypeError(f"data: expected a JSON object, got {type(data).__name__}")
        data = dict(data)
        prob = data.pop("problem", cls.PROBLEM)
        if prob != cls.PROBLEM:
            raise ValueError(f"problem: expected {cls.PROBLEM!r}, got {prob!r}")
        return cls(program=BilinearProgram.from_json(data))
