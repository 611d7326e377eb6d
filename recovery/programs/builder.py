"""Incremental construction of bilinear programs (for reduction authors)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from recovery.programs.bilinear import BilinearProgram
from recovery.programs.rows import BilinearObjective, BilinearRow
from recovery.programs.values import Number, as_dimension, as_number
from recovery.programs.variables import parse_variable_name, variable_name

__all__ = ["ProgramBuilder"]


class ProgramBuilder:
    """Incremental construction of a :class:`BilinearProgram` (for reduction authors).

    Rows are ``b^T D A[:, j] (sense) rhs`` (paper Problem C.10, MATH.md section 5), with ``D``
    given as sparse triplets ``(row, col, value)``.  ``bound``/``fix``/``nonneg`` *intersect* with
    bounds set before, so a contradiction shows up at :meth:`build` as a precise ``lo > hi`` error
    instead of being silently overwritten.

    Parameters
    ----------
    d : int
        The dimension: b has shape (d+1,), A has shape (d+1, d).

    Examples
    --------
    >>> pb = ProgramBuilder(1).fix("A[0,0]", 1)
    >>> pb.add_row(0, [(0, 0, 1)], "==", 2)
    0
    >>> prog = pb.build(name="tiny")
    >>> prog.num_rows, prog.fixed_values()
    (1, {'A[0,0]': 1})
    """

    def __init__(self, d: int) -> None:
        self.d = as_dimension(d)
        self._bounds: dict[str, tuple[Number | None, Number | None]] = {}
        self._rows: list[BilinearRow] = []
        self._objective: BilinearObjective | None = None
        self._splits: list[tuple[str, str]] = []

    def _canon(self, name: str) -> str:
        kind, i, j = parse_variable_name(name, self.d)
        return variable_name(kind, i, j)

    def bound(self, name: str, lo: Number | None = None, hi: Number | None = None) -> ProgramBuilder:
        """Intersect the bounds of variable ``name`` with ``[lo, hi]``.

        Parameters
        ----------
        name : str
            Variable name ``"b[i]"`` or ``"A[k,j]"``.
        lo : number or None
            Lower bound (None: unbounded).
        hi : number or None
            Upper bound (None: unbounded).

        Returns
        -------
        ProgramBuilder
            ``self``, for chaining.
        """
        n = self._canon(name)
        lo = None if lo is None else as_number(lo, f"lo of {n}")
        hi = None if hi is None else as_number(hi, f"hi of {n}")
        olo, ohi = self._bounds.get(n, (None, None))
        nlo = lo if olo is None else (olo if lo is None else max(olo, lo))
        nhi = hi if ohi is None else (ohi if hi is None else min(ohi, hi))
        self._bounds[n] = (nlo, nhi)
        return self

    def fix(self, name: str, value: Number) -> ProgramBuilder:
        """Fix variable ``name`` to ``value`` (``lo = hi = value``).

        Parameters
        ----------
        name : str
            Variable name.
        value : number
            The value.

        Returns
        -------
        ProgramBuilder
            ``self``, for chaining.
        """
        return self.bound(name, value, value)

    def nonneg(self, name: str) -> ProgramBuilder:
        """Require variable ``name`` to be >= 0.

        Parameters
        ----------
        name : str
            Variable name.

        Returns
        -------
        ProgramBuilder
            ``self``, for chaining.
        """
        return self.bound(name, 0, None)

    def split(self, name_plus: str, name_minus: str) -> tuple[str, str]:
        """Declare ``v = v+ - v-`` with ``v+ = name_plus >= 0`` and ``v- = name_minus >= 0``.

        Recorded in ``metadata["splits"]`` as ``[plus, minus]`` pairs so that readers can
        reconstruct v (the paper's variable splitting, MATH.md section 5).

        Parameters
        ----------
        name_plus : str
            Variable holding v+.
        name_minus : str
            Variable holding v-.

        Returns
        -------
        tuple of str
            The canonical names.

        Raises
        ------
        ValueError
            If the two names are the same variable.
        """
        p, m = self._canon(name_plus), self._canon(name_minus)
        if p == m:
            raise ValueError(f"split needs two different variables, got {p} twice")
        self.nonneg(p)
        self.nonneg(m)
        self._splits.append((p, m))
        return p, m

    def add_row(self, j: int, triplets: Iterable, sense: str, rhs: Number) -> int:
        """Append ``b^T D A[:, j] (sense) rhs``.

        Parameters
        ----------
        j : int
            Column of A, 0..d-1.
        triplets : iterable
            ``(row, col, value)`` entries of D.
        sense : str
            ``"=="``, ``"<="`` or ``">="``.
        rhs : number
            Right-hand side.

        Returns
        -------
        int
            The 0-based row index.
        """
        row = BilinearRow(j, tuple(tuple(t) for t in triplets), sense, rhs)
        self._rows.append(row)
        return len(self._rows) - 1

    def set_objective(self, j: int, triplets: Iterable, constant: Number = 0) -> ProgramBuilder:
        """Set the objective ``minimise b^T D A[:, j] + constant`` (paper Problem C.11).

        Parameters
        ----------
        j : int
            Column of A, 0..d-1.
        triplets : iterable
            ``(row, col, value)`` entries of D.
        constant : number
            Constant term.

        Returns
        -------
        ProgramBuilder
            ``self``, for chaining.
        """
        self._objective = BilinearObjective(j, tuple(tuple(t) for t in triplets), constant)
        return self

    def build(self, name: str = "", metadata: Mapping[str, Any] | None = None) -> BilinearProgram:
        """The program built so far.

        Parameters
        ----------
        name : str
            Program name.
        metadata : Mapping or None
            JSON-serialisable metadata; ``"splits"`` is added from :meth:`split` unless present.

        Returns
        -------
        BilinearProgram
            The program.

        Raises
        ------
        ValueError
            For contradictory bounds (``lo > hi``) or out-of-range rows.
        """
        md = dict(metadata or {})
        if self._splits and "splits" not in md:
            md["splits"] = [list(s) for s in self._splits]
        return BilinearProgram(d=self.d, constraints=tuple(self._rows), bounds=dict(self._bounds),
                               objective=self._objective, name=name, metadata=md)
