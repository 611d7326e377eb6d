"""Incremental construction of bilinear programs (for reduction authors)."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from recovery.programs.bilinear import BilinearProgram
from recovery.programs.rows import BilinearObjective, BilinearRow
from recovery.programs.values import Number, as_dimension, as_number
from recovery.programs.variables import parse_variable_name, variable_name

__all__ = ["ProgramBuilder"]


class ProgramBuilder:
    """Incremental construction of a :class:`BilinearProgram` (for reduction authors).

    ``bound``/``fix``/``nonneg`` *intersect* with bounds set before, so a contradiction shows up
    at :meth:`build` as a precise ``lo > hi`` error instead of being silently overwritten.
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

    def bound(self, name: str, lo: Number | None = None, hi: Number | None = None) -> "ProgramBuilder":
        n = self._canon(name)
        lo = None if lo is None else as_number(lo, f"lo of {n}")
        hi = None if hi is None else as_number(hi, f"hi of {n}")
        olo, ohi = self._bounds.get(n, (None, None))
        nlo = lo if olo is None else (olo if lo is None else max(olo, lo))
        nhi = hi if ohi is None else (ohi if hi is None else min(ohi, hi))
        self._bounds[n] = (nlo, nhi)
        return self

    def fix(self, name: str, value: Number) -> "ProgramBuilder":
        return self.bound(name, value, value)

    def nonneg(self, name: str) -> "ProgramBuilder":
        return self.bound(name, 0, None)

    def split(self, name_plus: str, name_minus: str) -> tuple[str, str]:
        """Declare ``v = v+ - v-`` with ``v+ = name_plus >= 0`` and ``v- = name_minus >= 0``.

        Recorded in ``metadata["splits"]`` as ``[plus, minus]`` pairs so that readers can
        reconstruct v.  Returns the canonical names.
        """
        p, m = self._canon(name_plus), self._canon(name_minus)
        if p == m:
            raise ValueError(f"split needs two different variables, got {p} twice")
        self.nonneg(p)
        self.nonneg(m)
        self._splits.append((p, m))
        return p, m

    def add_row(self, j: int, triplets: Iterable, sense: str, rhs: Number) -> int:
        """Append ``b^T D A[:, j] (sense) rhs``; returns the 0-based row index."""
        row = BilinearRow(j, tuple(tuple(t) for t in triplets), sense, rhs)
        self._rows.append(row)
        return len(self._rows) - 1

    def set_objective(self, j: int, triplets: Iterable, constant: Number = 0) -> "ProgramBuilder":
        self._objective = BilinearObjective(j, tuple(tuple(t) for t in triplets), constant)
        return self

    def build(self, name: str = "", metadata: Mapping[str, Any] | None = None) -> BilinearProgram:
        md = dict(metadata or {})
        if self._splits and "splits" not in md:
            md["splits"] = [list(s) for s in self._splits]
        return BilinearProgram(d=self.d, constraints=tuple(self._rows), bounds=dict(self._bounds),
                               objective=self._objective, name=name, metadata=md)
