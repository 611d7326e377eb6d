"""One solver run on a bilinear program, with its answer certified at the program's source.

:func:`solve_program` runs :func:`recovery.programs.solvers.solve` (the point verified exactly)
and :func:`reductions.deciders.certify.answer_for_program` (a YES mapped back to the source of a
program written by a reduction and checked there exactly; a NO only with the solver's proof).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from recovery.programs import solvers
from recovery.programs.program import BilinearProgram
from recovery.programs.solvers import SolveResult
from reductions.deciders.certify import SourceAnswer, answer_for_program

__all__ = ["ProgramSolve", "solve_program"]


@dataclass(frozen=True)
class ProgramSolve:
    """The program solved, the solver's verified result and the certified answer.

    Attributes
    ----------
    program : BilinearProgram
        The program that was solved.
    result : SolveResult
        The solver's result, its point verified exactly.
    answer : SourceAnswer
        The answer, certified at the program's source when it has provenance
        (:func:`reductions.deciders.certify.answer_for_program`).
    label : str
        The file the program was read from (empty for a program object).
    """

    program: BilinearProgram
    result: SolveResult
    answer: SourceAnswer
    label: str = ""

    def to_json(self) -> dict:
        """The result's JSON plus ``answer``, ``answer_proof`` and ``answer_reason``.

        Returns
        -------
        dict
            ``result.to_json()`` with the certified answer's ``answer``, ``proof`` (as
            ``answer_proof``) and ``reason`` (as ``answer_reason``).
        """
        return {**self.result.to_json(), "answer": self.answer.answer, "answer_proof": self.answer.proof,
                "answer_reason": self.answer.reason}

    def text(self) -> str:
        """A text report: the answer first, then the run; the point only when it is small.

        Returns
        -------
        str
            Lines: the answer and its proof, the program, the solver's status and verification, the
            objective and bound, the proof; ``b`` and ``A`` when ``A`` has at most 400 entries; the
            first log line for an ``error`` or ``unknown`` status.
        """
        res, program, ans = self.result, self.program, self.answer
        lines = [f"answer: {ans.answer}  proof: {ans.proof}  ({ans.reason})",
                 f"program: {self.label} (d={program.d}, {program.num_rows} rows, "
                 f"objective: {'yes' if program.objective else 'no'})",
                 f"solver: {res.solver}  status: {res.status}  verified: {res.verified}  "
                 f"max_violation: {res.max_violation}",
                 f"objective: {res.objective}  bound: {res.bound}  wall_s: {res.wall_s:.3f}",
                 f"proof: {res.proof}"]
        if res.b is not None and res.A is not None:
            if res.A.size <= 400:
                lines += [f"b: {res.b.tolist()}", f"A: {res.A.tolist()}"]
            else:
                lines.append(f"point: {res.b.size + res.A.size} entries (the JSON form lists them)")
        if res.status in ("error", "unknown"):
            lines.append(f"log: {res.log.strip().splitlines()[0] if res.log.strip() else ''}")
        return "\n".join(lines)


def solve_program(program: BilinearProgram | str | os.PathLike, solver: str, *, time_limit: float = 60.0,
                  seed: int = 0, max_bytes: float = solvers.MAX_BYTES) -> ProgramSolve:
    """Solve ``program`` with ``solver`` and certify the answer.

    Parameters
    ----------
    program : BilinearProgram, str or PathLike
        The program (paper Problems C.10/C.11), or a ``lsahard.bilinear/1`` JSON file.
    solver : str
        A name of :data:`recovery.programs.solvers.SOLVER_NAMES`.
    time_limit : float
        Seconds (> 0, finite) for the whole run.
    seed : int
        Seed (>= 0) of every randomised component.
    max_bytes : float
        Memory budget checked before solving (``inf``: none).

    Returns
    -------
    ProgramSolve
        The result and the answer (``yes`` / ``no`` / ``unknown`` with what proves it).

    Examples
    --------
    >>> from recovery.programs.program import ProgramBuilder
    >>> pb = ProgramBuilder(1)
    >>> _ = pb.add_row(0, [(0, 0, 1)], "==", 2)
    >>> solve_program(pb.build(), "lm", time_limit=10).answer.answer
    'yes'
    """
    label = "" if isinstance(program, BilinearProgram) else os.fspath(program)
    if not isinstance(program, BilinearProgram):
        program = BilinearProgram.load(program)
    res = solvers.solve(program, solver=solver, time_limit=time_limit, seed=seed, max_bytes=max_bytes)
    return ProgramSolve(program, res, answer_for_program(program, res), label)
