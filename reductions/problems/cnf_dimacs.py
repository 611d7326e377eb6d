"""The DIMACS CNF text format: the reader and writer behind ``CNF.from_dimacs`` and ``CNF.to_dimacs``."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["parse_dimacs", "format_dimacs"]


def _clip(text: str, limit: int = 40) -> str:
    """``repr`` of a token or line for an error message, cut at ``limit`` characters."""
    return repr(text) if len(text) <= limit else repr(text[: limit - 3]) + "..."


def _dimacs_header(line: str, lineno: int, source: str) -> tuple[int, int]:
    """``(n_vars, n_clauses)`` of a DIMACS ``p cnf`` line (ValueError naming the line)."""
    parts = line.split()
    if len(parts) != 4 or parts[1] != "cnf":
        raise ValueError(f"{source}: line {lineno}: malformed problem line {_clip(line)} (expected 'p cnf <vars> <clauses>')")
    try:
        n_vars, n_clauses = int(parts[2]), int(parts[3])
    except ValueError:
        raise ValueError(f"{source}: line {lineno}: malformed problem line {_clip(line)} (expected "
                         "'p cnf <vars> <clauses>' with decimal integers of at most 4300 digits)") from None
    if n_vars < 0 or n_clauses < 0:
        raise ValueError(f"{source}: line {lineno}: negative count in problem line")
    return n_vars, n_clauses


def _dimacs_literal(tok: str, lineno: int, source: str, n_vars: int) -> int:
    """One DIMACS literal in ``-n_vars..n_vars`` (0 ends a clause; ValueError naming the line)."""
    try:
        lit = int(tok)
    except ValueError:
        if tok.lstrip("+-").isdigit():  # more than Python's 4300 digits for int(str)
            raise ValueError(f"{source}: line {lineno}: literal {_clip(tok)} out of range "
                             f"(1..{n_vars})") from None
        raise ValueError(f"{source}: line {lineno}: {_clip(tok)} is not an integer literal") from None
    if abs(lit) > n_vars:
        raise ValueError(f"{source}: line {lineno}: literal {lit} out of range (1..{n_vars})")
    return lit


def parse_dimacs(text: str, *, source: str = "dimacs",
                 allow_empty_clause: bool = True) -> tuple[int, tuple[tuple[int, ...], ...]]:
    r"""``(n_vars, clauses)`` of DIMACS CNF text (the format of :meth:`reductions.problems.cnf.CNF.from_dimacs`).

    Parameters
    ----------
    text : str
        The DIMACS text.
    source : str
        Name of the input used in error messages.
    allow_empty_clause : bool
        Whether a clause ``0`` alone (the empty, false clause) is legal.

    Returns
    -------
    tuple
        ``n_vars`` and the clauses as tuples of int literals (not yet validated as a formula).

    Raises
    ------
    TypeError
        If ``text`` is not a string.
    ValueError
        With the line number, as listed by :meth:`reductions.problems.cnf.CNF.from_dimacs`.

    Examples
    --------
    >>> parse_dimacs("c two variables\np cnf 2 1\n1 -2 0\n")
    (2, ((1, -2),))
    """
    if not isinstance(text, str):
        raise TypeError(f"{source}: expected text, got {type(text).__name__}")
    n_vars = n_clauses = None
    clauses: list[tuple[int, ...]] = []
    current: list[int] = []
    current_line = 0
    last_line = 0
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("c"):
            continue
        if line.startswith("%"):
            break
        last_line = lineno
        if line.startswith("p"):
            if n_vars is not None:
                raise ValueError(f"{source}: line {lineno}: second problem line")
            n_vars, n_clauses = _dimacs_header(line, lineno, source)
            continue
        if n_vars is None:
            raise ValueError(f"{source}: line {lineno}: clause before the 'p cnf' problem line")
        for tok in line.split():
            lit = _dimacs_literal(tok, lineno, source, n_vars)
            if lit == 0:
                if not current and not allow_empty_clause:
                    raise ValueError(f"{source}: line {lineno}: empty clause")
                clauses.append(tuple(current))
                current = []
                continue
            if not current:
                current_line = lineno
            current.append(lit)
    if n_vars is None:
        raise ValueError(f"{source}: missing 'p cnf <vars> <clauses>' problem line")
    if current:
        raise ValueError(f"{source}: line {current_line}: clause not terminated by 0")
    if len(clauses) != n_clauses:
        raise ValueError(
            f"{source}: line {last_line}: problem line announces {n_clauses} clauses, found {len(clauses)}"
        )
    return n_vars, tuple(clauses)


def format_dimacs(n_vars: int, clauses: Sequence[Sequence[int]], comment: str | None = None) -> str:
    """DIMACS CNF text of ``n_vars`` variables and ``clauses`` (see :meth:`reductions.problems.cnf.CNF.to_dimacs`).

    Parameters
    ----------
    n_vars : int
        Number of variables, written in the ``p cnf`` header.
    clauses : sequence of sequence of int
        Clauses of DIMACS literals.
    comment : str or None
        Optional comment, written as ``c`` lines before the header.

    Returns
    -------
    str
        The text, ending with a newline.

    Examples
    --------
    >>> print(format_dimacs(2, [(1, -2)], comment="example"), end="")
    c example
    p cnf 2 1
    1 -2 0
    """
    lines = []
    if comment:
        lines += [f"c {c}" for c in comment.splitlines()]
    lines.append(f"p cnf {n_vars} {len(clauses)}")
    lines += [" ".join(str(l) for l in c) + " 0" for c in clauses]
    return "\n".join(lines) + "\n"
